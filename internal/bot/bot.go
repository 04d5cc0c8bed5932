// Package bot is the core of cstbot: a message in, a reply out, with no
// platform and no I/O. It recognises emergencies first, then greetings,
// thanks and requests for help, and otherwise finds the FAQ entry that
// answers the message, by its words and by its meaning, falling back
// honestly when no entry fits well enough.
package bot

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"cstbot/internal/faq"
	"cstbot/internal/match"
)

// Message is what a client sent, free of any platform's types: one of
// four requests, which Request names. Build it with Text, Command, Tap or
// Rating.
type Message struct {
	Request  Request
	Text     string
	Platform string // "telegram", "discord", "console", "cli": for logs and metrics only
	// Command is, for a RequestCommand, the command without its slash:
	// CommandStart, CommandHelp, CommandContact or CommandTopics. Text is
	// then its argument (for CommandTopics, a filter typed so far).
	Command string
	// EntryID is, for a RequestTap, the entry tapped (a topic or a
	// suggestion), and for a RequestRating the entry whose answer was
	// rated.
	EntryID string
	// Feedback is, for a RequestRating, FeedbackUp or FeedbackDown.
	Feedback string
	// Rated names, for a RequestRating, the rated reply on its platform
	// (e.g. chat and message id), so that a second tap on the same button
	// counts once. It is kept in memory only, as a digest.
	Rated string
}

// Request is the kind of request a Message is. The zero value is a
// question in the client's words.
type Request uint8

// The requests a client can make.
const (
	RequestText    Request = iota // a message in the client's words
	RequestCommand                // a slash command
	RequestTap                    // a tap on a topic or a suggestion: EntryID's answer
	RequestRating                 // a 👍 or 👎 on an answer
)

func (r Request) String() string {
	switch r {
	case RequestText:
		return "text"
	case RequestCommand:
		return "command"
	case RequestTap:
		return "tap"
	case RequestRating:
		return "rating"
	}
	return "unknown"
}

// Text is a message in the client's words.
func Text(platform, text string) Message {
	return Message{Request: RequestText, Platform: platform, Text: text}
}

// Command is a slash command with its argument.
func Command(platform, command, arg string) Message {
	return Message{Request: RequestCommand, Platform: platform, Command: command, Text: arg}
}

// Tap is a tap on an entry's topic or suggestion button.
func Tap(platform, entryID string) Message {
	return Message{Request: RequestTap, Platform: platform, EntryID: entryID}
}

// Rating is a 👍 (FeedbackUp) or 👎 (FeedbackDown) on the answer of
// entryID; rated names the rated reply on the platform.
func Rating(platform, entryID, feedback, rated string) Message {
	return Message{Request: RequestRating, Platform: platform, EntryID: entryID, Feedback: feedback, Rated: rated}
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
	// Footer is the contact line that ends Text ("Questions or booking:
	// …"), for adapters that lay it out apart.
	Footer string `json:"-"`
	// Lexical and Semantic are the two scores the fusion weighed for the
	// entry answered (or nearest), by words and by meaning, 0..1; Nearest
	// is the FAQ or bank line nearest the message by meaning, and
	// NearestLabel its label (an entry id, or a kind such as
	// "out-of-scope") and NearestSource its file and line.
	Lexical       float64 `json:"lexical"`
	Semantic      float64 `json:"semantic"`
	Nearest       string  `json:"nearest,omitempty"`
	NearestLabel  string  `json:"nearest_label,omitempty"`
	NearestSource string  `json:"nearest_source,omitempty"`
}

// Catalog is the read-only view of the FAQ in service, for what is shown
// rather than asked: inline queries, autocomplete, the wording of slash
// commands. Nothing it serves is recorded or counted. Bot and Live
// implement it.
type Catalog interface {
	// Search ranks the FAQ's questions for a filter typed so far.
	Search(filter string) []Suggestion
	// Answer returns the reply for one entry, to show beside a suggestion.
	Answer(id string) (Reply, bool)
	// Subject is what the practice offers, as the FAQ names it.
	Subject() string
}

// NoCatalog is a Catalog of nothing, for a Responder that has none.
type NoCatalog struct{}

func (NoCatalog) Search(string) []Suggestion  { return nil }
func (NoCatalog) Answer(string) (Reply, bool) { return Reply{}, false }
func (NoCatalog) Subject() string             { return "" }

// Responder answers messages. Bot implements it; adapters depend only on it.
type Responder interface {
	Respond(ctx context.Context, m Message) Reply
}

// ResponderFunc adapts a function to Responder, like http.HandlerFunc.
type ResponderFunc func(ctx context.Context, m Message) Reply

// Respond calls f.
func (f ResponderFunc) Respond(ctx context.Context, m Message) Reply { return f(ctx, m) }

// Delivery is told what became of each reply an adapter tried to send:
// err is nil when the platform took all of it, or the error it gave up
// on. What was served is counted here, not when the reply was composed.
type Delivery interface {
	Delivered(m Message, r Reply, err error)
}

// Deliveries tells each of its Delivery in turn.
type Deliveries []Delivery

// Delivered tells each.
func (ds Deliveries) Delivered(m Message, r Reply, err error) {
	for _, d := range ds {
		d.Delivered(m, r, err)
	}
}

// Bot answers from one FAQ. It is immutable after New and safe for
// concurrent use; a new FAQ means a new Bot.
type Bot struct {
	faq     *faq.FAQ
	meaning *Meaning
	fusion  fusion
	talk    *smallTalk
	index   *match.Index
	sem     *semIndex
	judge   *wordJudge
	sparse  []float64 // per entry: 1 when the bank has no phrasings for it (an entry the therapist added)
	known   int       // entries the bank has phrasings for
	topics  []Suggestion
	ranker  *match.Ranker     // the entries' questions, for typing ahead
	groups  []map[string]bool // per entry: the groups of people its texts speak of
}

// MaxMatchWords is how much of a message is matched against the FAQ; longer
// messages are cut (urgent words are looked for in all of it).
const MaxMatchWords = 300

// New builds a Bot, and its indexes by words and by meaning, for a
// validated FAQ and the Meaning shared by every Bot. The bank's phrasings
// for entries the FAQ lacks answer nothing ('faq check' warns of them);
// they only weigh against urgency.
func New(f *faq.FAQ, m *Meaning) *Bot {
	bank := m.bank
	if _, _, err := m.bank.Check(f); err != nil { // a bank line is one of the FAQ's own lines under another entry: the FAQ wins
		bank = withoutConflicts(m.bank, f)
	}
	return newBot(f, m, bank.Phrases)
}

// withoutConflicts is the bank without its phrasings that the FAQ files
// under another entry.
func withoutConflicts(bank *faq.Bank, f *faq.FAQ) *faq.Bank {
	out := &faq.Bank{}
	for _, p := range bank.Phrases {
		if _, _, err := (&faq.Bank{Phrases: []faq.Phrase{p}}).Check(f); err == nil {
			out.Phrases = append(out.Phrases, p)
		}
	}
	return out
}

// newBot builds a Bot on the given phrasings of the bank (the
// cross-validation leaves some out).
func newBot(f *faq.FAQ, m *Meaning, phrases []faq.Phrase) *Bot {
	var docs []match.Doc
	b := &Bot{faq: f, meaning: m, fusion: m.fusion, talk: m.talk.withNames(f.Contact)}
	for i, e := range f.Entries {
		docs = append(docs, match.Doc{Key: i, Text: e.Question})
		for _, a := range e.Also {
			docs = append(docs, match.Doc{Key: i, Text: a})
		}
		for _, k := range e.Keywords {
			docs = append(docs, match.Doc{Key: i, Text: k})
		}
		b.topics = append(b.topics, Suggestion{ID: e.ID, Question: e.Question})
		b.groups = append(b.groups, m.groups.entryGroups(slices.Concat([]string{e.Question, e.Answer}, e.Also, e.Keywords)...))
	}
	questions := make([]string, len(b.topics))
	for i, t := range b.topics {
		questions[i] = t.Question
	}
	b.ranker = match.NewRanker(questions)
	b.sem = buildSemIndex(f, phrases, m, b.fusion)
	for _, l := range b.sem.lines { // the bank's lines about a new entry are hers, by words too
		if l.claimed {
			docs = append(docs, match.Doc{Key: l.entry, Text: l.text})
		}
	}
	b.index = match.New(docs, match.Config{Synonyms: f.Synonyms, Unmatched: unmatchedWeight, Unknown: unknownWeight, Gamma: unmatchedGamma, Sibling: siblingWeight})
	b.judge = m.bankWords(phrases).judge
	b.sparse = make([]float64, len(f.Entries))
	for i := range b.sparse {
		b.sparse[i] = 1
	}
	byID := make(map[string]int, len(f.Entries))
	for i, e := range f.Entries {
		byID[e.ID] = i
	}
	for _, p := range phrases {
		if i, ok := byID[p.Label]; ok && b.sparse[i] == 1 {
			b.sparse[i] = 0
			b.known++
		}
	}
	return b
}

// Subject is the FAQ's subject ("Swedish Massage"), or "".
func (b *Bot) Subject() string { return b.faq.Subject }

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
	switch m.Request {
	case RequestRating:
		return b.finish(Reply{Kind: KindThanks, ID: m.EntryID, Body: "Thank you for your feedback! It helps " + b.faq.Contact.Name + " improve these answers.", Contact: b.contact()})
	case RequestTap:
		if r, ok := b.Answer(m.EntryID); ok {
			return r
		}
		return b.fallback(0, b.popular(nil)) // the entry was removed since the button was sent
	case RequestCommand:
		switch m.Command {
		case CommandStart:
			return b.Greeting()
		case CommandContact:
			return b.ContactReply()
		case CommandTopics:
			return b.TopicsReply(text)
		}
		return b.Help()
	}
	return b.understand(text)
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

// The lexical matcher's settings, tuned on labelled client messages (see
// internal/match), and the lowest score for a lexical suggestion while
// typing.
const (
	suggestMinScore = 0.08
	unmatchedWeight = 0.90 // match.Config.Unmatched
	unknownWeight   = 1.30 // match.Config.Unknown
	unmatchedGamma  = 1.00 // match.Config.Gamma
	siblingWeight   = 0.20 // match.Config.Sibling
)

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
