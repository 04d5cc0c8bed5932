package faq

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Bank is the phrase bank: client messages labelled with what they ask,
// which the bot learns meaning from (faq/phrases/*.txt, documented in
// faq/phrases/README.md). It is kept apart from the therapist's FAQ: an
// entry label is an FAQ id; the other labels are kinds of message.
type Bank struct {
	Phrases []Phrase
}

// Phrase is one labelled line of the bank.
type Phrase struct {
	Label string // an FAQ entry id, or one of the Label* kinds
	Text  string
	File  string
	Line  int
}

// The labels of the bank that are not FAQ entries.
const (
	LabelOutOfScope = "out-of-scope" // a question the FAQ cannot answer
	LabelEmergency  = "emergency"    // a medical emergency now: 911
	LabelCrisis     = "crisis"       // suicidal thoughts or self-harm: 988
	LabelNotUrgent  = "not-urgent"   // only sounds urgent: an idiom, the past, a mishap that is over
	LabelGreeting   = "greeting"
	LabelThanks     = "thanks"
	LabelGoodbye    = "goodbye"
	LabelHelp       = "help" // what the bot can do, or a question about the bot itself
)

// Kinds are the labels that are not FAQ entries, in the order the bank's
// README lists them.
var Kinds = []string{LabelOutOfScope, LabelEmergency, LabelCrisis, LabelNotUrgent, LabelGreeting, LabelThanks, LabelGoodbye, LabelHelp}

// IsKind reports whether label is one of Kinds rather than an entry id.
func IsKind(label string) bool { return slices.Contains(Kinds, label) }

// MaxPhrase is the longest bank line, in characters.
const MaxPhrase = 2000

// BankFile is one file of the bank.
type BankFile struct {
	Name string
	Data []byte
}

// ParseBank reads the bank's files: a line "[label]" starts a section,
// every other non-empty line not starting with "#" is one phrasing with
// that label. It reports every problem at once (an *Error, in file and
// line order): a phrasing before any label, a malformed label, invalid
// UTF-8, an over-long line, and a phrasing given twice, under one label or
// under two (phrasings are compared as the bot reads them: case, accents
// and spacing aside).
func ParseBank(files []BankFile) (*Bank, error) {
	b := &Bank{}
	var problems []Problem
	seen := make(map[string]Phrase)
	for _, file := range files {
		label := ""
		for i, line := range strings.Split(string(file.Data), "\n") {
			n := i + 1
			problem := func(format string, args ...any) {
				problems = append(problems, Problem{File: file.Name, Line: n, Msg: fmt.Sprintf(format, args...)})
			}
			if !utf8.ValidString(line) {
				problem("not valid UTF-8 text: save the file as UTF-8")
				continue
			}
			text := strings.TrimSpace(line)
			switch {
			case text == "" || strings.HasPrefix(text, "#"):
				continue
			case strings.HasPrefix(text, "[") && strings.HasSuffix(text, "]"):
				l := strings.TrimSpace(text[1 : len(text)-1])
				if !IsKind(l) && !idPattern.MatchString(l) {
					problem("label %q: an FAQ entry id (lowercase letters, digits and dashes) or one of %s", l, strings.Join(Kinds, ", "))
					label = ""
					continue
				}
				label = l
				continue
			case label == "":
				problem("a phrasing before any [label] line: start the section with its label, e.g. [session-length]")
				continue
			case utf8.RuneCountInString(text) > MaxPhrase:
				problem("a phrasing of %d characters; at most %d", utf8.RuneCountInString(text), MaxPhrase)
				continue
			}
			p := Phrase{Label: label, Text: text, File: file.Name, Line: n}
			key := phraseKey(text)
			if prev, dup := seen[key]; dup {
				if prev.Label == label {
					problem("the same phrasing as line %d of %s: remove one", prev.Line, prev.File)
				} else {
					problem("this phrasing is also filed under [%s] (%s:%d): a phrasing has one label", prev.Label, prev.File, prev.Line)
				}
				continue
			}
			seen[key] = p
			b.Phrases = append(b.Phrases, p)
		}
	}
	if len(problems) > 0 {
		return nil, &Error{Problems: problems}
	}
	return b, nil
}

// phraseKey is how phrasings are compared for duplicates: NFKC, lowercase,
// accents and punctuation at the ends aside, runs of spaces as one.
func phraseKey(text string) string {
	text = strings.ToLower(norm.NFKC.String(text))
	return strings.Trim(strings.Join(strings.Fields(text), " "), ".,!?;: ")
}

// Check holds the bank against the FAQ in use. A phrasing that is also one
// of the FAQ's questions or "also" lines under another entry is a problem
// (returned as an *Error); so is none, when the bank has no problem. A
// label for an entry the FAQ lacks (a renamed entry, another practice's
// FAQ) is not: its phrasings are left out, and each such label is named
// once in the warnings.
func (b *Bank) Check(f *FAQ) (usable *Bank, warnings []Problem, err error) {
	ids := make(map[string]bool)
	own := make(map[string]string) // phrase key -> entry id, for the FAQ's own lines
	for _, e := range f.Entries {
		ids[e.ID] = true
		for _, q := range append([]string{e.Question}, e.Also...) {
			own[phraseKey(q)] = e.ID
		}
	}
	usable = &Bank{}
	var problems []Problem
	missing := make(map[string]int)
	first := make(map[string]Phrase)
	for _, p := range b.Phrases {
		if !IsKind(p.Label) && !ids[p.Label] {
			if missing[p.Label] == 0 {
				first[p.Label] = p
			}
			missing[p.Label]++
			continue
		}
		if id, ok := own[phraseKey(p.Text)]; ok && id != p.Label && !IsKind(p.Label) {
			problems = append(problems, Problem{File: p.File, Line: p.Line,
				Msg: fmt.Sprintf("filed under [%s], but it is a question of FAQ entry %q in %s: a phrasing has one entry", p.Label, id, f.Source)})
			continue
		}
		usable.Phrases = append(usable.Phrases, p)
	}
	if len(missing) > 0 { // one warning, naming them all: another practice's FAQ lacks them all
		labels := slices.Sorted(maps.Keys(missing))
		n := 0
		for _, c := range missing {
			n += c
		}
		p := first[labels[0]]
		warnings = append(warnings, Problem{File: p.File, Line: p.Line,
			Msg: fmt.Sprintf("the phrase bank has sections for %d entr%s %s lacks (%s); their %d phrasing%s are not used",
				len(labels), map[bool]string{true: "y", false: "ies"}[len(labels) == 1], f.Source, strings.Join(labels, ", "), n, plural(n))})
	}
	if len(problems) > 0 {
		return nil, warnings, &Error{Problems: problems}
	}
	return usable, warnings, nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Labels returns the bank's phrasings by label.
func (b *Bank) Labels() map[string][]Phrase {
	m := make(map[string][]Phrase)
	for _, p := range b.Phrases {
		m[p.Label] = append(m[p.Label], p)
	}
	return m
}
