package telegram

import (
	"strings"
	"unicode/utf16"

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

// split cuts text into messages of at most limit UTF-16 units, at
// paragraph boundaries where it can, then at line ends, then at spaces.
// Tags are only ever around whole paragraphs, so no cut falls inside one
// unless a single paragraph is too long, which only plain text can be.
func split(text string, limit int) []string {
	if units(text) <= limit {
		return []string{text}
	}
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for _, para := range splitKeep(text, "\n\n") {
		if units(cur.String())+units(para) <= limit {
			cur.WriteString(para)
			continue
		}
		flush()
		if units(para) <= limit {
			cur.WriteString(para)
			continue
		}
		for _, piece := range splitLong(para, limit) {
			out = append(out, piece)
		}
	}
	flush()
	for i := range out {
		out[i] = strings.TrimSpace(out[i])
	}
	return out
}

// splitKeep splits s after each sep, keeping it.
func splitKeep(s, sep string) []string {
	var out []string
	for {
		i := strings.Index(s, sep)
		if i < 0 {
			if s != "" {
				out = append(out, s)
			}
			return out
		}
		out = append(out, s[:i+len(sep)])
		s = s[i+len(sep):]
	}
}

// splitLong cuts one over-long paragraph at line ends or spaces, or
// anywhere (never inside a character) when it has neither.
func splitLong(s string, limit int) []string {
	var out []string
	for units(s) > limit {
		cut := 0
		n := 0
		lastBreak := -1
		for i, r := range s {
			w := 1
			if r >= 0x10000 {
				w = 2
			}
			if n+w > limit {
				break
			}
			n += w
			cut = i + len(string(r))
			if r == '\n' || r == ' ' {
				lastBreak = cut
			}
		}
		if lastBreak > 0 {
			cut = lastBreak
		}
		out = append(out, s[:cut])
		s = s[cut:]
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

func units(s string) int { return len(utf16.Encode([]rune(s))) }

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
