package match

import (
	"slices"
	"strings"

	"github.com/kljensen/snowball/english"
)

// analyzer turns text into tokens. It is filled by New and read-only after.
type analyzer struct {
	phrases   map[string]string // "take off" -> canonical token
	starts    map[string]bool   // the first words of phrases
	inPhrase  map[string]bool   // every word of every phrase
	maxPhrase int               // words in the longest phrase
	synonyms  map[string]string // stem -> canonical token
	cache     map[string]string // word -> token, for every word seen at build time
	stems     map[string]string // word -> stem, memo for the build only
	known     map[string]bool   // every token a doc or synonym produces
	members   map[string]bool   // one-word synonyms: never stopwords
	typos     *typoIndex        // words seen at build time, for correction
}

func newAnalyzer(groups [][]string) *analyzer {
	a := &analyzer{
		phrases:  make(map[string]string),
		starts:   make(map[string]bool),
		inPhrase: make(map[string]bool),
		synonyms: make(map[string]string),
		cache:    make(map[string]string),
		stems:    make(map[string]string),
		known:    make(map[string]bool),
		members:  make(map[string]bool),
		typos:    newTypoIndex(),
	}
	for _, g := range groups {
		if len(g) == 0 {
			continue
		}
		canon := a.canonical(g[0])
		for _, member := range g {
			ws := words(member)
			switch {
			case len(ws) == 1:
				a.members[ws[0]] = true
				if _, dup := a.synonyms[a.stem(ws[0])]; !dup {
					a.synonyms[a.stem(ws[0])] = canon
				}
				a.typos.add(ws[0])
			case len(ws) > 1:
				for _, w := range ws {
					a.typos.add(w)
					a.inPhrase[w] = true
				}
				key := strings.Join(ws, " ")
				if _, dup := a.phrases[key]; !dup {
					a.phrases[key] = canon
				}
				a.starts[ws[0]] = true
				a.maxPhrase = max(a.maxPhrase, len(ws))
			}
		}
		a.known[canon] = true
	}
	return a
}

// canonical is the token a synonym group's first member stands for.
func (a *analyzer) canonical(member string) string {
	ws := words(member)
	for i, w := range ws {
		ws[i] = a.stem(w)
	}
	return strings.Join(ws, "_")
}

// learn records the words of a doc, for the cache and typo correction.
func (a *analyzer) learn(ws []string) {
	for _, w := range ws {
		if a.stopword(w) {
			continue
		}
		if _, ok := a.cache[w]; ok {
			continue
		}
		s := a.stem(w)
		t, ok := a.synonyms[s]
		if !ok {
			t = s
		}
		a.cache[w] = t
		a.known[t] = true
		a.typos.add(w)
	}
}

// token maps one word to its token without typo correction.
func (a *analyzer) token(w string) string {
	if t, ok := a.cache[w]; ok {
		return t
	}
	s := stem(w)
	if c, ok := a.synonyms[s]; ok {
		return c
	}
	return s
}

type qtoken struct {
	tok       string
	corrected bool
}

// tokens returns text's tokens in order, repeats included.
func (a *analyzer) tokens(text string, correct bool) []string {
	q := a.analyze(words(text), correct)
	out := make([]string, len(q))
	for i, t := range q {
		out[i] = t.tok
	}
	return out
}

// tokenize is tokens for words already split, without typo correction.
func (a *analyzer) tokenize(ws []string) []string {
	q := a.analyze(ws, false)
	out := make([]string, len(q))
	for i, t := range q {
		out[i] = t.tok
	}
	return out
}

// query returns the distinct tokens of a message's words, typo-corrected.
func (a *analyzer) query(ws []string) []qtoken {
	q := a.analyze(ws, true)
	out := make([]qtoken, 0, len(q))
	for _, t := range q {
		if !slices.ContainsFunc(out, func(p qtoken) bool { return p.tok == t.tok }) {
			out = append(out, t)
		}
	}
	return out
}

// analyze does not modify ws.
func (a *analyzer) analyze(ws []string, correct bool) []qtoken {
	if slices.ContainsFunc(ws, a.transparent) {
		ws = slices.DeleteFunc(slices.Clone(ws), a.transparent)
	}
	var fixed []bool
	if correct {
		fixed = make([]bool, len(ws))
		for i, w := range ws {
			if len(w) < minTypoLen && len(w) >= 3 && !a.stopword(w) && !a.knows(w) {
				// A short word the FAQ does not know that is a stopword
				// with a letter dropped ("hav", "wht") or two swapped
				// ("teh", "waht") is that stopword.
				for _, sw := range stopwordTypos.near(w) {
					// A dropped or swapped letter, not a wrong one: "buy"
					// is a word, not "but".
					if len(sw) == len(w)+1 || sameLetters(w, sw) {
						ws = slices.Clone(ws)
						ws[i] = sw
						break
					}
				}
				continue
			}
			if len(w) < minTypoLen || len(w) > maxTypoLen || a.stopword(w) || a.knows(w) {
				continue
			}
			if c, ok := a.typos.correct(w); ok {
				if !slices.Contains(fixed, true) {
					ws = slices.Clone(ws)
				}
				ws[i], fixed[i] = c, true
			}
		}
	}
	var out []qtoken
	for i := 0; i < len(ws); i++ {
		if n, canon := a.phraseAt(ws[i:]); n > 0 {
			out = append(out, qtoken{tok: canon, corrected: correct && slices.Contains(fixed[i:i+n], true)})
			i += n - 1
			continue
		}
		if a.stopword(ws[i]) {
			continue
		}
		out = append(out, qtoken{tok: a.token(ws[i]), corrected: correct && fixed[i]})
	}
	return out
}

// transparent words are dropped before phrases are looked for, so that
// "do you only work on" still has the phrase "you work on" in it. They are
// stopwords anyway. A word that is part of a synonym phrase ("really
// work") is kept.
var transparent = toSet("only just actually really also even usually exactly mostly still truly basically")

func (a *analyzer) transparent(w string) bool { return transparent[w] && !a.inPhrase[w] }

// stopword reports whether w carries no topic: a stopword that no synonym
// group claims.
func (a *analyzer) stopword(w string) bool {
	return (stopwords[w] || isNumber(w)) && !a.members[w]
}

// isNumber reports whether w is all digits: "1 session", "5 weeks" say
// how many, not what about.
func isNumber(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return w != ""
}

// sameLetters reports whether a and b are anagrams.
func sameLetters(a, b string) bool {
	x, y := []byte(a), []byte(b)
	slices.Sort(x)
	slices.Sort(y)
	return string(x) == string(y)
}

// knows reports whether w, or a word of the same stem, was seen at build time.
func (a *analyzer) knows(w string) bool {
	if _, ok := a.cache[w]; ok || a.inPhrase[w] || a.members[w] {
		return true
	}
	return a.known[a.token(w)]
}

// phraseAt reports the longest synonym phrase that ws starts with.
func (a *analyzer) phraseAt(ws []string) (int, string) {
	if len(ws) < 2 || !a.starts[ws[0]] {
		return 0, ""
	}
	for n := min(a.maxPhrase, len(ws)); n >= 2; n-- {
		if canon, ok := a.phrases[strings.Join(ws[:n], " ")]; ok {
			return n, canon
		}
	}
	return 0, ""
}

// stem memoises stem while the analyzer is built; it is not safe for
// concurrent use, so queries call stem.
func (a *analyzer) stem(w string) string {
	if s, ok := a.stems[w]; ok {
		return s
	}
	s := stem(w)
	a.stems[w] = s
	return s
}

func stem(w string) string {
	if len(w) <= 2 {
		return w
	}
	return english.Stem(w, true)
}
