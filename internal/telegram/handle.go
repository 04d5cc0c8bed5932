package telegram

import (
	"fmt"
	"runtime/debug"
	"slices"
	"strings"

	tele "gopkg.in/telebot.v3"
	"gopkg.in/telebot.v3/middleware"

	"cstbot/internal/bot"
	"cstbot/internal/chunk"
)

// Button data: a tap on callbackPrefix+id answers an entry; on
// feedbackPrefix+"up:"+id or feedbackPrefix+"down:"+id rates its answer.
const (
	callbackPrefix = "faq:"
	feedbackPrefix = "fb:"
)

// routes registers the adapter's handlers on telebot's router. The
// global middleware comes first: it applies to every handler registered
// after it.
func (a *Adapter) routes(tb *tele.Bot) {
	tb.Use(a.fromPeople, a.inOrder, a.recoverPanics)
	for _, c := range []string{bot.CommandStart, bot.CommandHelp, bot.CommandContact, bot.CommandTopics} {
		tb.Handle("/"+c, a.onCommand(c))
	}
	admins := middleware.Whitelist(a.cfg.AdminIDs...) // for anyone else, as if they did not exist
	for _, c := range []string{bot.AdminReport, bot.AdminReload} {
		tb.Handle("/"+c, a.onAdmin(c), admins)
	}
	tb.Handle(tele.OnText, a.onText)
	for _, e := range []string{tele.OnMedia, tele.OnContact, tele.OnLocation, tele.OnVenue, tele.OnDice} {
		tb.Handle(e, a.onText) // the caption, if any; in a private chat, a reply in any case
	}
	tb.Handle(tele.OnCallback, a.onCallback)
	tb.Handle(tele.OnQuery, a.onInline)
}

// fromPeople drops what other bots send.
func (a *Adapter) fromPeople(next tele.HandlerFunc) tele.HandlerFunc {
	return func(c tele.Context) error {
		if c.Message() != nil && c.Callback() == nil && c.Sender() != nil && c.Sender().IsBot {
			return nil
		}
		return next(c)
	}
}

// inOrder hands each update to the dispatcher, under its chat (or, for an
// inline query, its user): a chat's updates are answered in order, one at
// a time, and different chats concurrently. Messages and taps count
// against the chat's rate limit; typing ahead inline does not.
func (a *Adapter) inOrder(next tele.HandlerFunc) tele.HandlerFunc {
	return func(c tele.Context) error {
		var key int64
		limited := true
		switch {
		case c.Query() != nil && c.Sender() != nil:
			key, limited = c.Sender().ID, false
		case c.Chat() != nil:
			key = c.Chat().ID
		case c.Sender() != nil:
			key = c.Sender().ID
		default:
			return nil
		}
		a.disp.dispatch(key, limited, func() {
			if err := next(c); err != nil {
				a.onError(err, c)
			}
		})
		return nil
	}
}

// recoverPanics logs a handler's panic; the client gets a short apology,
// never a stack trace.
func (a *Adapter) recoverPanics(next tele.HandlerFunc) tele.HandlerFunc {
	return func(c tele.Context) error {
		defer func() {
			if p := recover(); p != nil {
				a.log.Error("telegram: handler panic", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if chat := c.Chat(); chat != nil {
					a.sendText(chat, "Sorry, something went wrong on my side. Please try again in a moment.", nil)
				}
			}
		}()
		return next(c)
	}
}

// flooded tells a chat, once, that it is sending too fast.
func (a *Adapter) flooded(chatID int64) {
	a.log.Info("telegram: chat over its rate limit; dropping its messages for a minute")
	a.sendText(&tele.Chat{ID: chatID}, "You're sending messages faster than I can answer. Please wait a minute, then ask again.", nil)
}

// onCommand answers one of the client's commands, with its argument.
func (a *Adapter) onCommand(command string) tele.HandlerFunc {
	return func(c tele.Context) error {
		a.answer(c, bot.Command("telegram", command, strings.TrimSpace(c.Message().Payload)))
		return nil
	}
}

// onAdmin runs an admin command (the route lets only admin ids through).
func (a *Adapter) onAdmin(command string) tele.HandlerFunc {
	return func(c tele.Context) error {
		if a.cfg.Admin == nil {
			return nil
		}
		a.log.Info("telegram: admin command", "command", command)
		a.sendPre(c.Chat(), bot.RunAdmin(a.hardStop, a.cfg.Admin, command))
		return nil
	}
}

// onText answers a message in the client's words: in a private chat,
// anything; in a group, only what mentions the bot or replies to it. A
// command telebot's router does not know ("/prices", "/Start") gets the
// help.
func (a *Adapter) onText(c tele.Context) error {
	m := c.Message()
	private := m.Chat.Type == tele.ChatPrivate
	text := m.Text
	if text == "" {
		text = m.Caption
	}
	if strings.HasPrefix(text, "/") && len(text) > 1 {
		a.answer(c, bot.Command("telegram", bot.CommandHelp, ""))
		return nil
	}
	if !private {
		stripped, mentioned := a.stripMention(m)
		repliedTo := m.ReplyTo != nil && m.ReplyTo.Sender != nil && m.ReplyTo.Sender.ID == a.me.ID
		if !mentioned && !repliedTo {
			return nil
		}
		if strings.TrimSpace(stripped) == "" && text == "" {
			return nil // a sticker or photo in a group
		}
		text = stripped
	}
	a.log.Debug("telegram: message", "text", text)
	a.answer(c, bot.Text("telegram", text))
	return nil
}

// answer asks the core, sends its reply (in a group, as a reply to the
// client's message) and tells Delivery how it went.
func (a *Adapter) answer(c tele.Context, msg bot.Message) {
	reply := a.r.Respond(a.hardStop, msg)
	a.log.Info("telegram: reply", "request", msg.Request.String(), "kind", reply.Kind, "id", reply.ID, "score", reply.Score)
	var replyTo *tele.Message
	if m := c.Message(); m != nil && c.Callback() == nil && m.Chat.Type != tele.ChatPrivate {
		replyTo = m
	}
	a.cfg.Delivery.Delivered(msg, reply, a.sendReply(c.Chat(), reply, replyTo))
}

func (a *Adapter) onCallback(c tele.Context) error {
	cb := c.Callback()
	if data, ok := strings.CutPrefix(cb.Data, adminPrefix); ok {
		a.onAdminTap(cb, data)
		return nil
	}
	if rating, ok := strings.CutPrefix(cb.Data, feedbackPrefix); ok {
		a.onFeedback(cb, rating)
		return nil
	}
	id, ok := strings.CutPrefix(cb.Data, callbackPrefix)
	if !ok || cb.Message == nil || cb.Message.Chat == nil {
		a.answerCallback(cb, "Sorry, that button no longer works. Please ask your question again.")
		return nil
	}
	a.answerCallback(cb, "")
	a.answer(c, bot.Tap("telegram", id))
	return nil
}

// onAdminTap runs a notice's button for an admin; for anyone else the tap
// is answered (so the button stops spinning) and does nothing.
func (a *Adapter) onAdminTap(cb *tele.Callback, data string) {
	if cb.Sender == nil || !slices.Contains(a.cfg.AdminIDs, cb.Sender.ID) || a.cfg.OnAdminTap == nil {
		a.answerCallback(cb, "")
		return
	}
	said := a.cfg.OnAdminTap(a.hardStop, data)
	a.log.Info("telegram: admin tap on a notice")
	a.answerCallback(cb, truncateRunes(said, 190))
	if cb.Message != nil {
		text := cb.Message.Text + "\n\n" + said
		err := a.retry(func() error {
			_, err := a.tb.Edit(cb.Message, escape(text), &tele.SendOptions{ParseMode: tele.ModeHTML})
			return err
		})
		if err != nil {
			a.log.Warn("telegram: updating the notice failed", "err", err)
		}
	}
}

// onFeedback records a 👍 or 👎, thanks the client, and removes the
// buttons so that the answer is not rated again; a second tap that
// arrives before they go is counted once (bot.Message.Rated).
func (a *Adapter) onFeedback(cb *tele.Callback, rating string) {
	up, id, ok := strings.Cut(rating, ":")
	if !ok || (up != bot.FeedbackUp && up != bot.FeedbackDown) {
		a.answerCallback(cb, "Sorry, that button no longer works.")
		return
	}
	rated := "telegram:inline:" + cb.MessageID
	if cb.Message != nil && cb.Message.Chat != nil {
		rated = fmt.Sprintf("telegram:%d:%d", cb.Message.Chat.ID, cb.Message.ID)
	}
	msg := bot.Rating("telegram", id, up, rated)
	reply := a.r.Respond(a.hardStop, msg)
	a.log.Info("telegram: feedback", "id", id, "rating", up)
	a.cfg.Delivery.Delivered(msg, reply, a.answerCallback(cb, reply.Body))
	if cb.Message != nil {
		err := a.retry(func() error { _, err := a.tb.EditReplyMarkup(cb.Message, nil); return err })
		if err != nil {
			a.log.Warn("telegram: removing the feedback buttons failed", "err", err)
		}
	}
}

// sendPre sends text as preformatted (the report's columns line up).
func (a *Adapter) sendPre(chat *tele.Chat, text string) {
	for _, c := range chunk.Split(escape(text), maxMessage-20, chunk.UTF16) {
		if a.sendText(chat, "<pre>"+c+"</pre>", &tele.SendOptions{ParseMode: tele.ModeHTML}) != nil {
			return
		}
	}
}

// answerCallback answers a button tap, as every tap must be, or the
// client's button keeps spinning.
func (a *Adapter) answerCallback(cb *tele.Callback, text string) error {
	err := a.retry(func() error { return a.tb.Respond(cb, &tele.CallbackResponse{Text: text}) })
	if err != nil {
		a.log.Warn("telegram: answerCallbackQuery failed", "err", err)
	}
	return err
}

// maxInlineResults is the most results an inline query may carry.
const maxInlineResults = 50

func (a *Adapter) onInline(c tele.Context) error {
	// Shown, not asked: through the catalog, so nothing is recorded.
	q := c.Query()
	var results tele.Results
	for _, s := range a.cfg.Catalog.Search(q.Text) {
		if len(results) == maxInlineResults {
			break
		}
		r, ok := a.cfg.Catalog.Answer(s.ID)
		if !ok {
			continue
		}
		chunks := chunk.Split(renderHTML(r), maxMessage, chunk.UTF16)
		art := &tele.ArticleResult{Title: s.Question, Description: firstLine(r.Body), Text: chunks[0]}
		art.SetResultID(s.ID)
		art.SetParseMode(tele.ModeHTML)
		results = append(results, art)
	}
	err := a.retry(func() error { return a.tb.Answer(q, &tele.QueryResponse{Results: results, CacheTime: 300}) })
	if err != nil {
		a.log.Warn("telegram: answerInlineQuery failed", "err", err)
	}
	return nil
}

// stripMention removes the bot's @mention from a group message and says
// whether there was one.
func (a *Adapter) stripMention(m *tele.Message) (string, bool) {
	text, username := m.Text, a.me.Username
	if text == "" {
		text = m.Caption
	}
	for _, e := range append(m.Entities, m.CaptionEntities...) {
		if e.Type == tele.EntityMention && strings.EqualFold(m.EntityText(e), "@"+username) {
			mention := m.EntityText(e)
			before, after, _ := strings.Cut(text, mention)
			return strings.TrimSpace(before + " " + after), true
		}
	}
	// Clients that send no entities: a plain-text mention still counts.
	if i := strings.Index(strings.ToLower(text), "@"+strings.ToLower(username)); i >= 0 && username != "" {
		return strings.TrimSpace(text[:i] + " " + text[i+1+len(username):]), true
	}
	return text, false
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	if r := []rune(line); len(r) > 100 {
		return string(r[:99]) + "…"
	}
	return line
}
