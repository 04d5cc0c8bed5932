package bot

import (
	"fmt"
	"strings"

	"cstbot/internal/faq"
)

// smallTalk is the word lists of rules/smalltalk.txt.
type smallTalk struct {
	greeting, thanks, help, filler map[string]bool
	greetingPairs                  map[string]bool
	names                          map[string]bool // the contact's name, per FAQ: see withNames
}

// parseSmallTalk reads rules/smalltalk.txt: sections of words.
func parseSmallTalk(file string, data []byte) (*smallTalk, error) {
	st := &smallTalk{greeting: map[string]bool{}, thanks: map[string]bool{}, help: map[string]bool{}, filler: map[string]bool{}, greetingPairs: map[string]bool{}}
	sets := map[string]map[string]bool{"greeting": st.greeting, "thanks": st.thanks, "help": st.help, "filler": st.filler}
	err := readSections(file, data, func(section, line string, n int) error {
		if section == "greeting pairs" {
			st.greetingPairs[strings.Join(strings.Fields(line), " ")] = true
			return nil
		}
		set, ok := sets[section]
		if !ok {
			return fmt.Errorf("unknown section [%s] (known: greeting, greeting pairs, thanks, help, filler)", section)
		}
		for _, w := range strings.Fields(line) {
			set[w] = true
		}
		return nil
	})
	return st, err
}

// withNames returns the lists with the words of the contact's name as
// filler ("thanks Maria").
func (st *smallTalk) withNames(c faq.Contact) *smallTalk {
	cp := *st
	cp.names = make(map[string]bool)
	for _, w := range strings.Fields(strings.ToLower(c.Name)) {
		cp.names[w] = true
	}
	return &cp
}

// intent recognises the small talk that is not a question for the FAQ: a
// message made only of greeting words, only of thanks, or a request for
// help. Anything with more words than those goes further. ws are text's
// words (match.Words).
func (st *smallTalk) intent(ws []string, text string) Kind {
	if len(ws) == 0 {
		return emojiIntent(text)
	}
	if len(ws) > 12 {
		return ""
	}
	var greet, thank, help, other int
	for i := 0; i < len(ws); i++ {
		w := st.collapseRepeats(ws[i]) // "heyyy", "thankss"
		if i+1 < len(ws) && st.greetingPairs[w+" "+ws[i+1]] {
			greet++
			i++
			continue
		}
		switch {
		case st.greeting[w]:
			greet++
		case st.thanks[w]:
			thank++
		case st.help[w]:
			help++
		case st.filler[w] || st.names[w]:
		default:
			other++
		}
	}
	switch {
	case other > 0:
		return ""
	case thank > 0:
		return KindThanks // "thank you, that helps!"
	case help > 0:
		return KindHelp
	case greet > 0:
		return KindGreeting
	}
	return ""
}

// collapseRepeats shortens runs of a repeated last letter: "heyyy" is
// "hey", "hii" is "hi". Words that end in a double letter by right
// ("well", "hello") are in the word lists as they are, and checked first.
func (st *smallTalk) collapseRepeats(w string) string {
	if st.greeting[w] || st.thanks[w] || st.help[w] || st.filler[w] {
		return w
	}
	for len(w) > 2 && w[len(w)-1] == w[len(w)-2] {
		w = w[:len(w)-1]
	}
	return w
}

// emojiIntent reads a message of emoji alone.
func emojiIntent(text string) Kind {
	switch {
	case strings.ContainsAny(text, "👋🤗"):
		return KindGreeting
	case strings.ContainsAny(text, "🙏👍❤💕💖😊🥰🙂✅👌"):
		return KindThanks
	}
	return KindHelp // empty, or nothing to read: say what the bot can do
}

// readSections calls line for every line of a rules file that is not a
// comment or empty, with the "[section]" it is in, and collects the
// errors it returns, each with its line.
func readSections(file string, data []byte, line func(section, text string, n int) error) error {
	var problems []faq.Problem
	section := ""
	for i, l := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(l)
		switch {
		case t == "" || strings.HasPrefix(t, "#"):
		case strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]"):
			section = strings.TrimSpace(t[1 : len(t)-1])
		case section == "":
			problems = append(problems, faq.Problem{File: file, Line: i + 1, Msg: "a line before any [section]"})
		default:
			if err := line(section, t, i+1); err != nil {
				problems = append(problems, faq.Problem{File: file, Line: i + 1, Msg: err.Error()})
			}
		}
	}
	if len(problems) > 0 {
		return &faq.Error{Problems: problems}
	}
	return nil
}
