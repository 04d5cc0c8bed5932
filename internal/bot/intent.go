package bot

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
)

// intentOf recognises the small talk that is not a question for the FAQ: a
// message made only of greeting words, only of thanks, or a request for
// help. Anything with more words than those goes to the matcher. ws are
// text's words (match.Words).
func intentOf(ws []string, text string) Kind {
	if len(ws) == 0 {
		return emojiIntent(text)
	}
	if len(ws) > 12 {
		return ""
	}
	var greet, thank, help, other int
	for i := 0; i < len(ws); i++ {
		w := collapseRepeats(ws[i]) // "heyyy", "thankss"
		if i+1 < len(ws) && greetingPairs[w+" "+ws[i+1]] {
			greet++
			i++
			continue
		}
		switch {
		case greetingWords[w]:
			greet++
		case thanksWords[w]:
			thank++
		case helpWords[w]:
			help++
		case fillerWords[w]:
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
func collapseRepeats(w string) string {
	if greetingWords[w] || thanksWords[w] || helpWords[w] || fillerWords[w] {
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

var (
	greetingWords = toSet("hi hii hiii hello helo hallo hey heya hiya howdy yo greetings morning afternoon evening gm sup hola bonjour")
	greetingPairs = toSet2("good morning", "good afternoon", "good evening", "good day", "what up", "how are", "whats up", "nice to", "meet you")
	thanksWords   = toSet("thanks thank thankyou thanx thx ty appreciate appreciated cheers grateful bye goodbye great perfect awesome cool excellent wonderful lovely helpful helped brilliant fantastic amazing sweet ok okay alright k noted understood gotcha")
	helpWords     = toSet("help helps helping assist menu commands command options topics topic faq faqs list questions ask answer do know start cover covered else")
	fillerWords   = toSet(`a an the i me my you your u it this that is are am was be can could would will
		what which so much very many lot lots of for to all and ok okay oh ah well just really
		there inna bot everyone everybody guys folks again too kind super that s got it
		need some please pls any good nice here how things type kinds sort about
		with tell other stuff mate buddy dude friend bunch ton tons million again quick`)
)

func toSet(s string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

func toSet2(pairs ...string) map[string]bool {
	m := make(map[string]bool)
	for _, p := range pairs {
		m[p] = true
	}
	return m
}

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

func rule(kind urgencyKind, patterns ...string) urgentRule {
	r := urgentRule{kind: kind}
	for _, p := range patterns {
		r.all = append(r.all, regexp.MustCompile(`\b(?:`+p+`)`))
	}
	if re, err := syntax.Parse(patterns[0], syntax.Perl); err == nil {
		r.leads, _ = leadingLiterals(re.Simplify())
	}
	return r
}

// urgentTriggers indexes the rules by the first words of their leads: a
// rule can only match a message that has them. A lead's first two words
// are used when both are whole ("can not speak": "can", "not"), else its
// first ("hit my": "hit"); a lead that is one word's beginning ("suicid")
// is matched as a prefix.
var urgentTriggers = func() (t struct {
	pairs    map[[2]string][]int
	words    map[string][]int
	prefixes map[string][]int
	always   []int
}) {
	t.pairs = make(map[[2]string][]int)
	t.words = make(map[string][]int)
	t.prefixes = make(map[string][]int)
	for i, r := range urgentRules {
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
	return t
}()

func appendNew(s []int, i int) []int {
	if slices.Contains(s, i) {
		return s
	}
	return append(s, i)
}

// candidateRules returns the rules that may match a message of words ws.
func candidateRules(ws []string) []int {
	out := slices.Clone(urgentTriggers.always)
	add := func(rules []int) {
		for _, i := range rules {
			out = appendNew(out, i)
		}
	}
	for i, w := range ws {
		add(urgentTriggers.words[w])
		if i+1 < len(ws) {
			add(urgentTriggers.pairs[[2]string{w, ws[i+1]}])
		}
		for p, rules := range urgentTriggers.prefixes {
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

// urgentRules are read against the message's words, lowercase and joined
// by single spaces, with contractions expanded ("can't" is "can not").
// They err on the side of urgency: a wrong "call 911" costs less than a
// missed one.
var urgentRules = []urgentRule{
	// Suicide and self-harm.
	rule(crisis, `suicid|kill(?:ing)? (?:my ?self|me)\b|ending (?:my|it)|(?:thinking|thoughts) (?:about|of) (?:dying|death|ending)|end (?:my|it) ?(?:own )?(?:life|all)\b|end it all|take my (?:own )?life|(?:want|wanna|going|ready) to die\b|better off dead|no reason to (?:live|go on)|(?:harm|hurt|cut|cutting|harming|hurting) my ?self|self ?harm|not want to (?:live|be alive|wake up|be here)|can not go on|(?:nobody|no one) would (?:miss|care about) me|better off without me|wish i (?:was|were) (?:dead|gone|never born)|no (?:point|reason) (?:in )?living|want to disappear forever`),
	// Heart.
	rule(emergency, `chest (?:pain|hurts?|hurting|is hurting|tight|tightness|pressure|feels (?:tight|heavy))|(?:pain|pressure|tightness) in my chest|heart attack|cardiac arrest`),
	// Stroke signs.
	rule(emergency, `(?:having|signs of) an? (?:stroke|mini stroke)|stroke symptoms|face (?:is )?(?:droop|drooping|numb)|slurr|can not (?:speak|talk|move my (?:arm|leg|face))|one side of (?:my|his|her|their) (?:body|face)`),
	rule(emergency, `sudden(?:ly)?`, `headache|numb|weak|vision|can not see|blind|confus|speak|talk|dizz|collaps|faint`),
	rule(emergency, `(?:worst|terrible|severe|excruciating|thunderclap|explosive|splitting) headache|headache (?:is )?(?:the )?worst`, `sudden|worst|vomit|throw(?:ing)? up|confus|can not see|vision|stiff neck|pass(?:ed)? out|faint`),
	// Head injury with warning signs.
	rule(emergency, `(?:hit|bumped|banged|bashed|smashed|hurt|injured|struck) (?:my|his|her|their|the|our) (?:head|skull)|head (?:injury|trauma)|concussion|fell (?:and hit|on) (?:my|his|her) head|knocked out`,
		`vomit|throw(?:ing|s)? up|threw up|puk|nause|confus|disorient|pupil|drows|sleepy|unconscious|pass(?:ed|ing)? out|black(?:ed)? out|seizure|can not (?:wake|remember|see)|slurr|bleeding`),
	// Seizures, overdose, bleeding, breathing, unconsciousness, anaphylaxis.
	rule(emergency, `(?:having|had|has|in) a (?:seizure|fit)|seizing|convuls`),
	rule(emergency, `overdos|(?:took|taken|swallowed|ate) (?:too many|a lot of|lots of|a bunch of|a handful of|a ton of|all (?:of )?(?:my|the|her|his|their)|(?:a|the|an) (?:whole|full|entire) (?:bottle|pack|packet|box) of|\d+) (?:\w+ )?(?:pills|tablets|meds|medication|medicine|painkillers|pain killers)|swallowed (?:pills|bleach|poison)|poisoned`),
	rule(emergency, `(?:bleeding|blood) (?:heavily|a lot|badly|everywhere|will not stop|wo not stop|is not stopping)|(?:heavy|severe|lots of|so much) (?:bleeding|blood)|can not stop (?:the )?bleeding|bleeding out`),
	rule(emergency, `(?:not|stopped|is not|isn t) breathing|can not breathe|(?:hard|struggling|trouble|difficulty) (?:to )?breath|choking`),
	rule(emergency, `unconscious|unresponsive|will not wake up|can not wake (?:him|her|them) up|passed out`),
	rule(emergency, `(?:throat|tongue|lips?) (?:is |are )?(?:swelling|closing)|anaphyla`),
	rule(emergency, `emergency|call 911|ambulance`),
}

// urgency reports whether a message, given as its words (match.Words),
// describes an emergency or a crisis.
func urgency(ws []string) (urgencyKind, bool) {
	candidates := candidateRules(ws)
	if len(candidates) == 0 {
		return 0, false
	}
	joined := strings.Join(ws, " ")
	var found urgencyKind
	for _, i := range candidates {
		r := urgentRules[i]
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
