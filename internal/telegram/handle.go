package telegram

import (
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
	"unicode/utf16"

	tele "gopkg.in/telebot.v3"

	"cstbot/internal/bot"
)

// Button data: a tap on callbackPrefix+id answers an entry; on
// feedbackPrefix+"up:"+id or feedbackPrefix+"down:"+id rates its answer.
const (
	callbackPrefix = "faq:"
	feedbackPrefix = "fb:"
)

// route sends an update to the dispatcher under its chat (or, for inline
// queries, its user), or drops what the bot does not handle.
func (a *Adapter) route(u tele.Update) {
	switch {
	case u.Message != nil && u.Message.Chat != nil:
		a.disp.dispatch(u.Message.Chat.ID, u, true)
	case u.Callback != nil && u.Callback.Sender != nil:
		key := u.Callback.Sender.ID
		if u.Callback.Message != nil && u.Callback.Message.Chat != nil {
			key = u.Callback.Message.Chat.ID
		}
		a.disp.dispatch(key, u, true)
	case u.Query != nil && u.Query.Sender != nil:
		a.disp.dispatch(u.Query.Sender.ID, u, false) // typing ahead: not limited
	}
}

// handle answers one update. A panic is logged and the client gets a
// short apology, never a stack trace.
func (a *Adapter) handle(u tele.Update) {
	defer func() {
		if p := recover(); p != nil {
			a.log.Error("telegram: handler panic", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if chat := chatOf(u); chat != nil {
				a.sendText(chat, "Sorry, something went wrong on my side. Please try again in a moment.", nil)
			}
		}
	}()
	ctx := a.hardStop
	switch {
	case u.Message != nil:
		a.onMessage(ctx, u.Message)
	case u.Callback != nil:
		a.onCallback(ctx, u.Callback)
	case u.Query != nil:
		a.onInline(ctx, u.Query)
	}
}

func chatOf(u tele.Update) *tele.Chat {
	switch {
	case u.Message != nil:
		return u.Message.Chat
	case u.Callback != nil && u.Callback.Message != nil:
		return u.Callback.Message.Chat
	}
	return nil
}

// flooded tells a chat, once, that it is sending too fast.
func (a *Adapter) flooded(chatID int64) {
	a.log.Info("telegram: chat over its rate limit; dropping its messages for a minute")
	a.sendText(&tele.Chat{ID: chatID}, "You're sending messages faster than I can answer. Please wait a minute, then ask again.", nil)
}

func (a *Adapter) onMessage(ctx context.Context, m *tele.Message) {
	if m.Sender != nil && m.Sender.IsBot {
		return
	}
	private := m.Chat.Type == tele.ChatPrivate
	text := m.Text
	if text == "" {
		text = m.Caption
	}
	msg := bot.Message{Platform: "telegram"}
	command, arg, forUs := parseCommand(text, a.me.Username)
	switch {
	case command != "" && !forUs:
		return // "/start@otherbot"
	case bot.IsAdminCommand(command):
		if m.Sender == nil || !slices.Contains(a.cfg.AdminIDs, m.Sender.ID) || a.cfg.Admin == nil {
			return // not for clients: ignored, as if it did not exist
		}
		a.log.Info("telegram: admin command", "command", command)
		a.sendPre(m.Chat, bot.RunAdmin(ctx, a.cfg.Admin, command))
		return
	case command != "":
		msg.Text = arg
		switch command {
		case "start", "help", "contact", "topics":
			msg.Command = command
		default:
			msg.Command = bot.CommandHelp
		}
	case private:
		msg.Text = text
	default: // a group: only what is addressed to the bot
		stripped, mentioned := stripMention(text, m.Entities, a.me.Username)
		repliedTo := m.ReplyTo != nil && m.ReplyTo.Sender != nil && m.ReplyTo.Sender.ID == a.me.ID
		if !mentioned && !repliedTo {
			return
		}
		msg.Text = stripped
	}
	if !private && msg.Command == "" && strings.TrimSpace(msg.Text) == "" && text == "" {
		return // a sticker or photo in a group
	}
	reply := a.r.Respond(ctx, msg)
	a.log.Info("telegram: reply", "kind", reply.Kind, "id", reply.ID, "score", reply.Score)
	a.log.Debug("telegram: message", "text", msg.Text)
	var replyTo *tele.Message
	if !private {
		replyTo = m
	}
	a.sendReply(m.Chat, reply, replyTo)
}

func (a *Adapter) onCallback(ctx context.Context, cb *tele.Callback) {
	if data, ok := strings.CutPrefix(cb.Data, adminPrefix); ok {
		a.onAdminTap(ctx, cb, data)
		return
	}
	if rating, ok := strings.CutPrefix(cb.Data, feedbackPrefix); ok {
		a.onFeedback(ctx, cb, rating)
		return
	}
	id, ok := strings.CutPrefix(cb.Data, callbackPrefix)
	if !ok || cb.Message == nil || cb.Message.Chat == nil {
		a.answerCallback(cb, "Sorry, that button no longer works. Please ask your question again.")
		return
	}
	a.answerCallback(cb, "")
	reply := a.r.Respond(ctx, bot.Message{Platform: "telegram", EntryID: id})
	a.log.Info("telegram: reply to a tap", "kind", reply.Kind, "id", reply.ID)
	a.sendReply(cb.Message.Chat, reply, nil)
}

// onAdminTap runs a notice's button for an admin; for anyone else the tap
// is answered (so the button stops spinning) and does nothing.
func (a *Adapter) onAdminTap(ctx context.Context, cb *tele.Callback, data string) {
	if cb.Sender == nil || !slices.Contains(a.cfg.AdminIDs, cb.Sender.ID) || a.cfg.OnAdminTap == nil {
		a.answerCallback(cb, "")
		return
	}
	said := a.cfg.OnAdminTap(ctx, data)
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
// buttons so that the answer cannot be rated twice.
func (a *Adapter) onFeedback(ctx context.Context, cb *tele.Callback, rating string) {
	up, id, ok := strings.Cut(rating, ":")
	if !ok || (up != bot.FeedbackUp && up != bot.FeedbackDown) {
		a.answerCallback(cb, "Sorry, that button no longer works.")
		return
	}
	reply := a.r.Respond(ctx, bot.Message{Platform: "telegram", Feedback: up, EntryID: id})
	a.log.Info("telegram: feedback", "id", id, "rating", up)
	a.answerCallback(cb, reply.Body)
	if cb.Message != nil {
		err := a.retry(func() error { _, err := a.tb.EditReplyMarkup(cb.Message, nil); return err })
		if err != nil {
			a.log.Warn("telegram: removing the feedback buttons failed", "err", err)
		}
	}
}

// sendPre sends text as preformatted (the report's columns line up).
func (a *Adapter) sendPre(chat *tele.Chat, text string) {
	for _, c := range split(escape(text), maxMessage-20) {
		if a.sendText(chat, "<pre>"+c+"</pre>", &tele.SendOptions{ParseMode: tele.ModeHTML}) != nil {
			return
		}
	}
}

// answerCallback answers a button tap, as every tap must be, or the
// client's button keeps spinning.
func (a *Adapter) answerCallback(cb *tele.Callback, text string) {
	err := a.retry(func() error { return a.tb.Respond(cb, &tele.CallbackResponse{Text: text}) })
	if err != nil {
		a.log.Warn("telegram: answerCallbackQuery failed", "err", err)
	}
}

// maxInlineResults is the most results an inline query may carry.
const maxInlineResults = 50

func (a *Adapter) onInline(ctx context.Context, q *tele.Query) {
	// Shown, not asked: through the catalog, so nothing is recorded.
	var results tele.Results
	for _, s := range a.cfg.Catalog.Search(q.Text) {
		if len(results) == maxInlineResults {
			break
		}
		r, ok := a.cfg.Catalog.Answer(s.ID)
		if !ok {
			continue
		}
		chunks := split(renderHTML(r), maxMessage)
		art := &tele.ArticleResult{Title: s.Question, Description: firstLine(r.Body), Text: chunks[0]}
		art.SetResultID(s.ID)
		art.SetParseMode(tele.ModeHTML)
		results = append(results, art)
	}
	err := a.retry(func() error { return a.tb.Answer(q, &tele.QueryResponse{Results: results, CacheTime: 300}) })
	if err != nil {
		a.log.Warn("telegram: answerInlineQuery failed", "err", err)
	}
}

// parseCommand splits "/cmd@bot arg" into cmd and arg, and says whether
// it is for this bot (no @name, or ours).
func parseCommand(text, username string) (cmd, arg string, forUs bool) {
	if !strings.HasPrefix(text, "/") {
		return "", "", false
	}
	head, arg, _ := strings.Cut(strings.TrimPrefix(text, "/"), " ")
	cmd, target, addressed := strings.Cut(head, "@")
	cmd = strings.ToLower(cmd)
	if cmd == "" {
		return "", "", false
	}
	return cmd, strings.TrimSpace(arg), !addressed || strings.EqualFold(target, username)
}

// stripMention removes the bot's @mention from a group message and says
// whether there was one. Entity offsets are in UTF-16 code units.
func stripMention(text string, entities tele.Entities, username string) (string, bool) {
	units := utf16.Encode([]rune(text))
	for _, e := range entities {
		if e.Type != tele.EntityMention || e.Offset < 0 || e.Offset+e.Length > len(units) {
			continue
		}
		mention := string(utf16.Decode(units[e.Offset : e.Offset+e.Length]))
		if strings.EqualFold(mention, "@"+username) {
			rest := string(utf16.Decode(units[:e.Offset])) + " " + string(utf16.Decode(units[e.Offset+e.Length:]))
			return strings.TrimSpace(rest), true
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
