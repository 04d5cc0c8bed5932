// Package bot is the core of cstbot: a message in, a reply out, with no
// platform and no I/O. It recognises emergencies first, then greetings,
// thanks and requests for help, and otherwise matches the message against
// the FAQ, falling back honestly when no entry fits well enough.
package bot

import (
	"context"
	"strings"
	"unicode/utf8"

	"cstbot/internal/faq"
	"cstbot/internal/match"
)

// Message is what a client sent, free of any platform's types.
type Message struct {
	Text     string
	Platform string // "telegram", "discord", "console", "cli": for logs and metrics only
	// Command is a platform command without its slash: CommandStart,
	// CommandHelp, CommandContact or CommandTopics. Text is then its
	// argument (for CommandTopics, a filter typed so far).
	Command string
	// EntryID is set when the client tapped a topic or a suggestion: the
	// reply is that entry's answer (or a fallback if it no longer exists).
	EntryID string
	// Feedback is FeedbackUp or FeedbackDown when the client rated the
	// answer EntryID ("was this helpful?"); the reply thanks them.
	Feedback string
}

// The ratings a Message's Feedback may carry.
const (
	FeedbackUp   = "up"
	FeedbackDown = "down"
)

// The commands a Message may carry.
const (
	CommandStart   = "start"   // the welcome
	CommandHelp    = "help"    // what the bot can answer
	CommandContact = "contact" // the therapist's contact details
	CommandTopics  = "topics"  // the FAQ's questions, as Suggestions, ranked by Text
)

// Kind says what sort of reply a Reply is.
type Kind string

// The kinds of reply.
const (
	KindAnswer   Kind = "answer"   // an FAQ entry
	KindFallback Kind = "fallback" // nothing in the FAQ fits: contact the therapist
	KindGreeting Kind = "greeting"
	KindThanks   Kind = "thanks"
	KindHelp     Kind = "help"   // what the bot can answer
	KindUrgent   Kind = "urgent" // an emergency or crisis: 911 / 988 first, no FAQ content
)

// Suggestion is an FAQ entry offered to the client, e.g. as a button.
type Suggestion struct {
	ID       string `json:"id"`
	Question string `json:"question"`
}

// Reply is the bot's answer to one message. Text is the whole reply as a
// client reads it in plain text; the other fields carry its parts so that
// an adapter can lay them out in its platform's way (a title, buttons).
type Reply struct {
	Kind        Kind         `json:"kind"`
	ID          string       `json:"id"`              // the entry, for KindAnswer
	Guess       string       `json:"guess,omitempty"` // for KindFallback: the nearest entry, not good enough
	Score       float64      `json:"score"`           // the match's confidence, 0..1
	Title       string       `json:"title,omitempty"` // the entry's question, for KindAnswer
	Body        string       `json:"body"`            // the reply without contact details and notice
	Notice      string       `json:"notice,omitempty"`
	Contact     *faq.Contact `json:"contact,omitempty"` // nil only for KindUrgent
	Suggestions []Suggestion `json:"suggestions,omitempty"`
	Text        string       `json:"reply"`
}

// Responder answers messages. Bot implements it; adapters depend only on it.
type Responder interface {
	Respond(ctx context.Context, m Message) Reply
}

// ResponderFunc adapts a function to Responder, like http.HandlerFunc.
type ResponderFunc func(ctx context.Context, m Message) Reply

// Respond calls f.
func (f ResponderFunc) Respond(ctx context.Context, m Message) Reply { return f(ctx, m) }

// Bot answers from one FAQ. It is immutable after New and safe for
// concurrent use; a new FAQ means a new Bot.
type Bot struct {
	faq    *faq.FAQ
	index  *match.Index
	topics []Suggestion
	ranker *match.Ranker     // the entries' questions, for typing ahead
	words  []map[string]bool // per entry: every word of its texts
}

// MaxMatchWords is how much of a message is matched against the FAQ; longer
// messages are cut (urgent words are looked for in all of it).
const MaxMatchWords = 300

// New builds a Bot, and its search index, for a validated FAQ.
func New(f *faq.FAQ) *Bot {
	var docs []match.Doc
	b := &Bot{faq: f}
	for i, e := range f.Entries {
		docs = append(docs, match.Doc{Key: i, Text: e.Question})
		for _, a := range e.Also {
			docs = append(docs, match.Doc{Key: i, Text: a})
		}
		for _, k := range e.Keywords {
			docs = append(docs, match.Doc{Key: i, Text: k})
		}
		b.topics = append(b.topics, Suggestion{ID: e.ID, Question: e.Question})
		b.words = append(b.words, wordSet(e.Question, e.Answer, strings.Join(e.Also, " "), strings.Join(e.Keywords, " ")))
	}
	questions := make([]string, len(b.topics))
	for i, t := range b.topics {
		questions[i] = t.Question
	}
	b.ranker = match.NewRanker(questions)
	b.index = match.New(docs, match.Config{Synonyms: f.Synonyms, Unmatched: unmatchedWeight, Unknown: unknownWeight, Gamma: unmatchedGamma, Sibling: siblingWeight})
	return b
}

// FAQ returns the FAQ the bot answers from.
func (b *Bot) FAQ() *faq.FAQ { return b.faq }

// Index returns the bot's search index, for tools that read questions the
// way the bot does (the report's grouping).
func (b *Bot) Index() *match.Index { return b.index }

// Topics lists every entry's question, in FAQ order.
func (b *Bot) Topics() []Suggestion { return b.topics }

// Search ranks the FAQ's questions for a filter typed so far, as for an
// autocomplete box or an inline query: those containing its letters in
// order first (sahilm/fuzzy), then those the matcher finds for it, which
// forgives typos. An empty filter gives every question in FAQ order.
func (b *Bot) Search(filter string) []Suggestion {
	if strings.TrimSpace(filter) == "" {
		return b.topics
	}
	var out []Suggestion
	seen := make(map[int]bool)
	for _, i := range b.ranker.Rank(filter) {
		out = append(out, b.topics[i])
		seen[i] = true
	}
	for _, r := range b.index.Search(filter) {
		if !seen[r.Key] && r.Score >= suggestMinScore {
			out = append(out, b.topics[r.Key])
			seen[r.Key] = true
		}
	}
	return out
}

// Respond answers one message. It never fails: the FAQ was validated when
// it was loaded, and any text, even empty or invalid UTF-8, gets a reply.
func (b *Bot) Respond(ctx context.Context, m Message) Reply {
	text := m.Text
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, " ")
	}
	switch {
	case m.Feedback != "":
		return b.finish(Reply{Kind: KindThanks, ID: m.EntryID, Body: "Thank you for your feedback! It helps " + b.faq.Contact.Name + " improve these answers.", Contact: b.contact()})
	case m.EntryID != "":
		if r, ok := b.Answer(m.EntryID); ok {
			return r
		}
		return b.fallback(0, b.popular(nil)) // the entry was removed since the button was sent
	case m.Command == CommandStart:
		return b.Greeting()
	case m.Command == CommandHelp:
		return b.Help()
	case m.Command == CommandContact:
		return b.ContactReply()
	case m.Command == CommandTopics:
		return b.TopicsReply(text)
	}
	all := match.Words(text)
	if u, ok := urgency(all); ok {
		return b.urgent(u)
	}
	ws := all
	if len(ws) > MaxMatchWords {
		ws = ws[:MaxMatchWords]
	}
	switch intentOf(ws, text) {
	case KindGreeting:
		return b.Greeting()
	case KindThanks:
		return b.thanks()
	case KindHelp:
		return b.Help()
	}
	return b.match(ws)
}

// Answer returns the reply for one entry, as when a client taps a topic.
func (b *Bot) Answer(id string) (Reply, bool) {
	for i, e := range b.faq.Entries {
		if e.ID == id {
			return b.answer(i, 1), true
		}
	}
	return Reply{}, false
}

// Thresholds for accepting the best match, chosen on the dev set (see
// match_test.go). A match is accepted when its score reaches minScore and it
// leads the runner-up by minMargin, or when it reaches sureScore whatever
// the runner-up (a message that asks two questions at once).
const (
	minScore        = 0.40
	minMargin       = 0.005
	sureScore       = 0.60
	minCoverage     = 0.10 // of the message's weight the entry must explain
	suggestMinScore = 0.08
	unmatchedWeight = 0.90 // match.Config.Unmatched
	unknownWeight   = 1.30 // match.Config.Unknown
	unmatchedGamma  = 1.00 // match.Config.Gamma
	siblingWeight   = 0.20 // match.Config.Sibling
)

func (b *Bot) match(ws []string) Reply {
	results := b.index.SearchWords(ws)
	if len(results) > 0 {
		top := results[0]
		var second float64
		if len(results) > 1 {
			second = results[1].Score
		}
		if top.Topical && top.Coverage >= minCoverage && top.Score >= minScore && (top.Score >= sureScore || top.Score-second >= minMargin) &&
			!b.aboutSomeoneElse(ws, top.Key) {
			return b.answer(top.Key, top.Score)
		}
	}
	var sugg []Suggestion
	for _, r := range results {
		if r.Score < suggestMinScore || len(sugg) == 3 {
			break
		}
		sugg = append(sugg, b.topics[r.Key])
	}
	if len(sugg) < 2 {
		sugg = b.popular(sugg)
	}
	r := b.fallback(0, sugg)
	if len(results) > 0 {
		r.Score = round(results[0].Score)
		r.Guess = b.faq.Entries[results[0].Key].ID
	}
	return r
}

// popular tops suggestions up to three with the FAQ's first entries, which
// the therapist puts first because clients ask them most.
func (b *Bot) popular(sugg []Suggestion) []Suggestion {
	for _, t := range b.topics {
		if len(sugg) == 3 {
			break
		}
		dup := false
		for _, s := range sugg {
			dup = dup || s.ID == t.ID
		}
		if !dup {
			sugg = append(sugg, t)
		}
	}
	return sugg
}
