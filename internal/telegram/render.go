package telegram

import (
	"strings"

	tele "gopkg.in/telebot.v3"

	"cstbot/internal/bot"
)

// maxMessage is Telegram's limit on a message's text.
const maxMessage = 4096

// escape makes text safe in Telegram's HTML, which needs only <, > and &
// escaped (quotes may stay as they are).
var escape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace

// renderHTML lays a reply out in Telegram's HTML: the question in bold,
// the contact line and the notice in italics, every piece of text escaped.
func renderHTML(r bot.Reply) string {
	var parts []string
	if r.Title != "" {
		parts = append(parts, "<b>"+escape(r.Title)+"</b>")
	}
	for _, p := range strings.Split(r.Body, "\n\n") {
		parts = append(parts, escape(p))
	}
	if r.Contact != nil {
		parts = append(parts, "<i>"+escape(r.Footer)+"</i>")
	}
	if r.Notice != "" {
		parts = append(parts, "<i>"+escape(r.Notice)+"</i>")
	}
	return strings.Join(parts, "\n\n")
}

// keyboard is the reply's inline buttons: its suggestions, each answering
// its entry when tapped, and a button for the website where there is one.
// Telegram allows only http(s) and tg: links on buttons, so email and
// phone stay in the text.
func keyboard(r bot.Reply) *tele.ReplyMarkup {
	var rows [][]tele.InlineButton
	for _, s := range r.Suggestions {
		rows = append(rows, []tele.InlineButton{{Text: buttonText(s.Question), Data: callbackPrefix + s.ID}})
	}
	if r.Kind == bot.KindAnswer && r.ID != "" { // was this helpful?
		rows = append(rows, []tele.InlineButton{
			{Text: "👍 Helpful", Data: feedbackPrefix + bot.FeedbackUp + ":" + r.ID},
			{Text: "👎 Not helpful", Data: feedbackPrefix + bot.FeedbackDown + ":" + r.ID},
		})
	}
	if r.Contact != nil && r.Contact.Website != "" && r.Kind != bot.KindUrgent {
		rows = append(rows, []tele.InlineButton{{Text: "Website", URL: r.Contact.Website}})
	}
	if len(rows) == 0 {
		return nil
	}
	return &tele.ReplyMarkup{InlineKeyboard: rows}
}

func buttonText(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:59]) + "…"
	}
	return s
}
