package telegram

import (
	"errors"
	"time"

	tele "gopkg.in/telebot.v3"

	"cstbot/internal/backoff"
	"cstbot/internal/bot"
	"cstbot/internal/chunk"
)

// maxSendTries bounds the tries of one Bot API call.
const maxSendTries = 5

// sendReply sends a reply, split into as many messages as it needs, the
// buttons under the last; in a group, as a reply to the client's message.
// It returns the error it gave up on.
func (a *Adapter) sendReply(chat *tele.Chat, r bot.Reply, replyTo *tele.Message) error {
	chunks := chunk.Split(renderHTML(r), maxMessage, chunk.UTF16)
	for i, c := range chunks {
		opts := &tele.SendOptions{ParseMode: tele.ModeHTML, DisableWebPagePreview: true}
		if i == 0 {
			opts.ReplyTo = replyTo
		}
		if i == len(chunks)-1 {
			opts.ReplyMarkup = keyboard(r)
		}
		if err := a.sendText(chat, c, opts); err != nil {
			return err
		}
	}
	return nil
}

// sendText sends one message, waiting out 429s and retrying transient
// failures; it logs (redacted) and returns the error it gives up on.
func (a *Adapter) sendText(chat *tele.Chat, text string, opts *tele.SendOptions) error {
	if opts == nil {
		opts = &tele.SendOptions{} // telebot panics on a nil *SendOptions
	}
	err := a.retry(func() error {
		_, err := a.tb.Send(chat, text, opts)
		return err
	})
	if err != nil {
		a.log.Warn("telegram: sendMessage failed", "err", err)
	}
	return err
}

// retry calls f until it succeeds, fails for good, or has been tried
// maxSendTries times (backoff.Retry). A 429 (telebot's FloodError, which
// telebot itself never retries) waits the RetryAfter Telegram asks for, up
// to MaxRetryAfter; other transient failures (5xx, dropped connections)
// back off. The error is redacted.
func (a *Adapter) retry(f func() error) error {
	return a.redact(backoff.Retry(a.hardStop, backoff.Policy{
		Tries: maxSendTries, Max: 8 * time.Second, MaxRetryAfter: a.cfg.MaxRetryAfter,
		Classify: func(err error) (bool, time.Duration) {
			var flood tele.FloodError
			if errors.As(err, &flood) {
				return false, max(time.Duration(flood.RetryAfter)*time.Second, 100*time.Millisecond)
			}
			return permanent(err), 0
		},
		OnRetry: func(err error, wait time.Duration) {
			a.log.Info("telegram: retrying a Bot API call", "err", a.redact(err), "in", wait)
			a.cfg.OnRetry()
		},
	}, f))
}
