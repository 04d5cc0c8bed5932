package bot

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
)

// urgencyKind tells an emergency from a crisis; they get different numbers.
type urgencyKind int

const (
	emergency urgencyKind = iota + 1 // call 911
	crisis                           // call or text 988
)

// urgentRule matches when every one of its patterns is found in the message.
type urgentRule struct {
	kind urgencyKind
	all  []*regexp.Regexp
	// leads are literals one of which starts every match of the first
	// pattern: a cheap test that rules out most messages before the
	// regular expressions run (they are most of the cost of a reply).
	leads []string
}

func rule(kind urgencyKind, patterns ...string) (urgentRule, error) {
	r := urgentRule{kind: kind}
	for _, p := range patterns {
		re, err := regexp.Compile(`\b(?:` + p + `)`)
		if err != nil {
			return r, fmt.Errorf("not a regular expression: %v", err)
		}
		r.all = append(r.all, re)
	}
	if re, err := syntax.Parse(patterns[0], syntax.Perl); err == nil {
		r.leads, _ = leadingLiterals(re.Simplify())
	}
	return r, nil
}

// urgentRules are the rules of rules/urgent.txt, indexed by the first
// words of their leads: a rule can only match a message that has them. A
// lead's first two words are used when both are whole ("can not speak":
// "can", "not"), else its first ("hit my": "hit"); a lead that is one
// word's beginning ("suicid") is matched as a prefix.
type urgentRules struct {
	rules []urgentRule
	// context: the [past], [idiom] and [now] expressions, features of the
	// semantic judge, never rules of their own
	context  [numContexts][]*regexp.Regexp
	pairs    map[[2]string][]int
	words    map[string][]int
	prefixes map[string][]int
	always   []int
}

// parseUrgentRules reads rules/urgent.txt: under [crisis] or [emergency],
// one rule a line, its patterns separated by " && ".
func parseUrgentRules(file string, data []byte) (*urgentRules, error) {
	t := &urgentRules{}
	kinds := map[string]urgencyKind{"crisis": crisis, "emergency": emergency}
	contexts := map[string]int{"past": contextPast, "idiom": contextIdiom, "now": contextNow, "ordinary": contextOrdinary}
	err := readSections(file, data, func(section, line string, n int) error {
		if c, ok := contexts[section]; ok {
			re, err := regexp.Compile(line)
			if err != nil {
				return fmt.Errorf("not a regular expression: %v", err)
			}
			t.context[c] = append(t.context[c], re)
			return nil
		}
		kind, ok := kinds[section]
		if !ok {
			return fmt.Errorf("unknown section [%s] (known: crisis, emergency, past, idiom, now, ordinary)", section)
		}
		var patterns []string
		for _, p := range strings.Split(line, " && ") {
			patterns = append(patterns, strings.TrimSpace(p))
		}
		r, err := rule(kind, patterns...)
		if err != nil {
			return err
		}
		t.rules = append(t.rules, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	t.index()
	return t, nil
}

func (t *urgentRules) index() {
	t.pairs = make(map[[2]string][]int)
	t.words = make(map[string][]int)
	t.prefixes = make(map[string][]int)
	for i, r := range t.rules {
		if r.leads == nil {
			t.always = append(t.always, i)
			continue
		}
		for _, l := range r.leads {
			first, rest, spaced := strings.Cut(l, " ")
			second, _, spaced2 := strings.Cut(rest, " ")
			switch {
			case spaced && spaced2:
				k := [2]string{first, second}
				t.pairs[k] = appendNew(t.pairs[k], i)
			case spaced:
				t.words[first] = appendNew(t.words[first], i)
			default:
				t.prefixes[l] = appendNew(t.prefixes[l], i)
			}
		}
	}
}

func appendNew(s []int, i int) []int {
	if slices.Contains(s, i) {
		return s
	}
	return append(s, i)
}

// candidates returns the rules that may match a message of words ws.
func (t *urgentRules) candidates(ws []string) []int {
	out := slices.Clone(t.always)
	add := func(rules []int) {
		for _, i := range rules {
			out = appendNew(out, i)
		}
	}
	for i, w := range ws {
		add(t.words[w])
		if i+1 < len(ws) {
			add(t.pairs[[2]string{w, ws[i+1]}])
		}
		for p, rules := range t.prefixes {
			if strings.HasPrefix(w, p) {
				add(rules)
			}
		}
	}
	slices.Sort(out)
	return out
}

// leadingLiterals returns literals one of which every match of re starts
// with, or false when it cannot tell.
func leadingLiterals(re *syntax.Regexp) ([]string, bool) {
	lits, _, ok := prefixes(re)
	if !ok || slices.Contains(lits, "") {
		return nil, false
	}
	return lits, true
}

// prefixes returns strings one of which starts every match of re; whole
// is true when they are the entire match, so that what follows in a
// concatenation can be appended.
func prefixes(re *syntax.Regexp) (lits []string, whole, ok bool) {
	switch re.Op {
	case syntax.OpLiteral:
		return []string{string(re.Rune)}, true, true
	case syntax.OpEmptyMatch, syntax.OpWordBoundary, syntax.OpBeginLine, syntax.OpBeginText:
		return []string{""}, true, true
	case syntax.OpCapture:
		return prefixes(re.Sub[0])
	case syntax.OpQuest:
		l, w, ok := prefixes(re.Sub[0])
		return append(l, ""), w, ok
	case syntax.OpAlternate:
		whole = true
		for _, sub := range re.Sub {
			l, w, ok := prefixes(sub)
			if !ok {
				return nil, false, false
			}
			lits, whole = append(lits, l...), whole && w
		}
		return lits, whole, true
	case syntax.OpConcat:
		acc := []string{""}
		for _, sub := range re.Sub {
			l, w, ok := prefixes(sub)
			if !ok || len(acc)*len(l) > 64 {
				return acc, false, true
			}
			var next []string
			for _, a := range acc {
				for _, b := range l {
					next = append(next, a+b)
				}
			}
			acc = next
			if !w {
				return acc, false, true
			}
		}
		return acc, true, true
	}
	return nil, false, false
}

// The contexts of an urgent-sounding message.
const (
	contextPast = iota
	contextIdiom
	contextNow
	contextOrdinary
	numContexts
)

// contextOf says, per context, whether the message's words have one of
// its expressions: 1 or 0.
func (t *urgentRules) contextOf(ws []string) [numContexts]float64 {
	joined := " " + strings.Join(ws, " ") + " "
	var out [numContexts]float64
	for c, res := range t.context {
		for _, re := range res {
			if re.MatchString(joined) {
				out[c] = 1
				break
			}
		}
	}
	return out
}

// past reports whether a message that matched a rule tells of it as
// over ("I had a seizure once, years ago", "I used to self-harm, that's
// long behind me"): it has a [past] expression and nothing of [now]. Such
// a message is judged by meaning, as a message no rule matched is.
func (t *urgentRules) past(ws []string) bool {
	c := t.contextOf(ws)
	return c[contextPast] == 1 && c[contextNow] == 0
}

// match reports whether a message, given as its words (match.Words),
// matches a rule, and whether an emergency's or a crisis's.
func (t *urgentRules) match(ws []string) (urgencyKind, bool) {
	candidates := t.candidates(ws)
	if len(candidates) == 0 {
		return 0, false
	}
	joined := strings.Join(ws, " ")
	var found urgencyKind
	for _, i := range candidates {
		r := t.rules[i]
		ok := true
		for _, re := range r.all {
			if !re.MatchString(joined) {
				ok = false
				break
			}
		}
		if ok && (found == 0 || r.kind == crisis) {
			found = r.kind
		}
	}
	return found, found != 0
}
