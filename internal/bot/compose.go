package bot

import (
	"cstbot/internal/faq"
	"fmt"
	"strings"
)

// notice is said once in every welcome, help and fallback.
const notice = "I'm an automated assistant; my answers are general information, not medical advice."

func (b *Bot) contact() *faq.Contact {
	c := b.faq.Contact
	return &c
}

func (b *Bot) finish(r Reply) Reply {
	var parts []string
	if r.Title != "" {
		parts = append(parts, r.Title)
	}
	parts = append(parts, r.Body)
	if r.Contact != nil {
		r.Footer = Footer(*r.Contact)
		parts = append(parts, r.Footer)
	}
	if r.Notice != "" {
		parts = append(parts, r.Notice)
	}
	r.Text = strings.Join(parts, "\n\n")
	return r
}

// Footer is the line that ends every non-urgent reply, which adapters
// lay out in their platform's way.
func Footer(c faq.Contact) string {
	return "Questions or booking: " + c.Line()
}

func (b *Bot) answer(i int, score float64) Reply {
	e := b.faq.Entries[i]
	return b.finish(Reply{
		Kind:    KindAnswer,
		ID:      e.ID,
		Score:   round(score),
		Title:   e.Question,
		Body:    e.Answer,
		Contact: b.contact(),
	})
}

func (b *Bot) fallback(score float64, sugg []Suggestion) Reply {
	c := b.faq.Contact
	var body strings.Builder
	fmt.Fprintf(&body, "I'm sorry, I don't know that one: it isn't in my FAQ, and I'd rather not guess. %s can answer it personally; the details are below.", c.Name)
	if len(sugg) > 0 {
		body.WriteString("\n\nYou could ask:")
		for _, s := range sugg {
			body.WriteString("\n• " + s.Question)
		}
	}
	return b.finish(Reply{
		Kind:        KindFallback,
		Score:       round(score),
		Body:        body.String(),
		Contact:     b.contact(),
		Suggestions: sugg,
		Notice:      notice,
	})
}

// Greeting is the welcome, also sent for /start.
func (b *Bot) Greeting() Reply {
	c := b.faq.Contact
	who := c.Name
	if c.Title != "" {
		who += ", " + c.Title
	}
	if c.Practice != "" {
		who += " at " + c.Practice
	}
	examples := b.examples()
	var qs []string
	for _, s := range examples {
		qs = append(qs, "“"+s.Question+"”")
	}
	body := fmt.Sprintf("Hello, and welcome! I answer questions for %s.", who)
	if subject := b.faq.Subject; subject != "" {
		body = fmt.Sprintf("Hello, and welcome! I answer questions about %s for %s.", subject, who)
	}
	if len(qs) > 0 {
		body += " You can ask me, for example, " + joinOr(qs) + "."
	}
	return b.finish(Reply{Kind: KindGreeting, Body: body, Contact: b.contact(), Suggestions: examples, Notice: notice})
}

// Help lists what the bot can answer.
func (b *Bot) Help() Reply {
	var body strings.Builder
	body.WriteString("Ask me a question in your own words. I can answer these:")
	for _, t := range b.topics {
		body.WriteString("\n• " + t.Question)
	}
	body.WriteString("\n\nFor anything else, or to book a session, please contact " + b.faq.Contact.Name + " directly.")
	return b.finish(Reply{Kind: KindHelp, Body: body.String(), Contact: b.contact(), Notice: notice})
}

// ContactReply gives the contact details, for /contact.
func (b *Bot) ContactReply() Reply {
	c := b.faq.Contact
	body := fmt.Sprintf("You can reach %s directly to book a session or ask anything:", c.Name)
	for _, p := range []string{c.Practice, c.Email, c.Phone, c.Website} {
		if p != "" {
			body += "\n" + p
		}
	}
	return b.finish(Reply{Kind: KindHelp, Body: body, Contact: b.contact()})
}

// TopicsReply lists the FAQ's questions, ranked by filter (see Search), as
// suggestions; for /topics, inline queries and autocomplete.
func (b *Bot) TopicsReply(filter string) Reply {
	sugg := b.Search(filter)
	body := "Here is what I can answer. Tap a question, or ask in your own words."
	if len(sugg) == 0 {
		body = "No question matches that; here is everything I can answer."
		sugg = b.topics
	}
	return b.finish(Reply{Kind: KindHelp, Body: body, Contact: b.contact(), Suggestions: sugg})
}

func (b *Bot) thanks() Reply {
	return b.finish(Reply{
		Kind:    KindThanks,
		Body:    "You're very welcome! If anything else comes to mind, just ask.",
		Contact: b.contact(),
	})
}

func (b *Bot) urgent(u urgencyKind) Reply {
	var body string
	switch u {
	case crisis:
		body = "I'm really sorry you're going through this, and I'm glad you reached out. Please call or text 988 (the Suicide & Crisis Lifeline, free, 24/7) right now, or call 911 if you are in immediate danger. You don't have to face this alone."
	default:
		body = "This sounds like it could be a medical emergency. Please call 911 now (or your local emergency number) and don't wait for a reply here."
	}
	if p := b.faq.Contact.Phone; p != "" {
		body += fmt.Sprintf(" Once you are safe, you can reach %s at %s.", b.faq.Contact.Name, p)
	}
	return b.finish(Reply{Kind: KindUrgent, Score: 1, Body: body})
}

// examples are three entries to show in the welcome: the therapist's first
// three questions.
func (b *Bot) examples() []Suggestion {
	return b.popular(nil)
}

func joinOr(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

func round(f float64) float64 {
	return float64(int(f*1000+0.5)) / 1000
}
