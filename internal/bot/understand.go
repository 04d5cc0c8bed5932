package bot

import (
	"slices"
	"strings"

	"cstbot/internal/match"
)

// understanding is how the bot read one message: what it decided, and the
// evidence, for the reply and for ask --json.
type understanding struct {
	kind    Kind
	urgency urgencyKind
	entry   int     // for KindAnswer, and the nearest entry otherwise (-1: none)
	p       float64 // the answer model's confidence in entry
	lexical float64
	sem     float64
	nearest int   // the nearest line of the semantic index, or -1
	suggest []int // for a fallback: entries near the message, nearest first
}

// suggestFloor is how near by meaning an entry must be to be suggested
// after a fallback; below, the FAQ's first (most asked) entries are.
const suggestFloor = 0.45

// understand reads a client's text: urgent first (by rule, then by
// meaning, for the whole message and each of its sentences), then small
// talk (by words, then by meaning), then the FAQ, by words and meaning
// fused.
func (b *Bot) understand(text string) Reply {
	u := b.read(text)
	switch u.kind {
	case KindUrgent:
		return b.urgent(u.urgency)
	case KindGreeting:
		return b.Greeting()
	case KindThanks:
		return b.thanks()
	case KindHelp:
		return b.Help()
	}
	var r Reply
	if u.kind == KindAnswer {
		r = b.answer(u.entry, u.p)
	} else {
		var sugg []Suggestion
		for _, e := range u.suggest {
			sugg = append(sugg, b.topics[e])
		}
		if len(sugg) < 2 {
			sugg = b.popular(sugg) // the most asked, when too little is near
		}
		r = b.fallback(u.p, sugg)
		if u.entry >= 0 {
			r.Guess = b.faq.Entries[u.entry].ID
		}
	}
	r.Lexical, r.Semantic = round(u.lexical), round(u.sem)
	if u.nearest >= 0 {
		l := b.sem.lines[u.nearest]
		r.Nearest, r.NearestSource = l.text, l.where
		r.NearestLabel = b.label(l)
	}
	return r
}

func (b *Bot) label(l semLine) string {
	if l.kind == lineEntry {
		return b.faq.Entries[l.entry].ID
	}
	for label, k := range kindOfLabel {
		if k == l.kind {
			return label
		}
	}
	return ""
}

func (b *Bot) read(text string) understanding {
	b.meaning.readers <- struct{}{}
	defer func() { <-b.meaning.readers }()
	return b.decide(b.evidence(text, b.fusion), b.fusion)
}

// evidence is what the bot gathers about a message before deciding.
type evidence struct {
	all, ws  []string    // the message's words, and those matched (at most MaxMatchWords)
	rule     urgencyKind // an urgent rule that matched, or 0
	told     bool        // the rule's words are told of as past (see urgentRules.past): meaning decides
	words    Kind        // small talk by its words, or ""
	urgentX  [][]float64 // the urgent model's features, for the whole message and each part
	urgentBs []bests
	bs       bests // the nearest lines, question and whole message weighed together
	nearest  int
	cands    []candidate // answer candidates, best first
}

// byRuleOrWords reports whether the message was decided before its
// meaning was read: by an urgent rule, or as small talk by its words.
func (ev evidence) byRuleOrWords() bool {
	return !ev.told && (ev.rule != 0 || ev.words != "")
}

// evidence reads a message with the fusion's settings fu (its weights only
// order the candidates).
func (b *Bot) evidence(text string, fu fusion) evidence {
	ev := evidence{nearest: -1}
	ev.all = match.Words(text)
	if k, ok := b.meaning.rules.match(ev.all); ok {
		ev.rule = k
		if ev.told = b.meaning.rules.past(ev.all); !ev.told {
			return ev
		}
	}
	ev.ws = ev.all
	if len(ev.ws) > MaxMatchWords {
		ev.ws = ev.ws[:MaxMatchWords]
	}
	if ev.words = b.talk.intent(ev.ws, text); ev.words != "" && !ev.told {
		return ev
	}
	// By meaning: the whole message, and each of its sentences.
	text = strings.TrimSpace(text)
	ps, q := parts(text)
	vecs := [][]float32{b.meaning.vector(text)}
	for _, p := range ps {
		vecs = append(vecs, b.meaning.vector(p))
	}
	qi := 0
	if ps != nil {
		qi = q + 1
	}
	n := b.sem.near(vecs, qi, fu.alpha)
	context := b.meaning.rules.contextOf(ev.all)
	for i, row := range n.parts {
		said := text
		if i > 0 {
			said = ps[i-1]
		}
		ev.urgentX = append(ev.urgentX, b.sem.urgentFeatures(row, n.partRidge[i], fu.k, context, b.judge.logit(said)))
		ev.urgentBs = append(ev.urgentBs, b.sem.bests(row))
	}
	ev.bs = b.sem.bests(n.comb)
	ev.nearest = argmax(n.comb)
	// By words: the question sentence weighing alpha against the whole.
	lex := b.index.SearchWords(ev.ws)
	if ps != nil {
		lex = blend(lex, b.index.SearchWords(match.Words(ps[q])), float64(fu.alpha))
	}
	votes, _ := b.sem.votes(n.comb, fu.k)
	nb := b.sem.words.posterior(text)
	if ps != nil {
		nbq := b.sem.words.posterior(ps[q])
		for c := range nb {
			nb[c] = fu.alpha*nbq[c] + (1-fu.alpha)*nb[c]
		}
	}
	ev.cands = b.answerCandidates(ev.bs, votes, n.ridge, nb, lex, fu.answer)
	return ev
}

// decide turns the evidence into what the reply is, by the fusion fu.
func (b *Bot) decide(ev evidence, fu fusion) understanding {
	u := understanding{entry: -1, nearest: ev.nearest}
	if ev.byRuleOrWords() {
		u.kind, u.urgency = ev.words, ev.rule
		if ev.rule != 0 {
			u.kind = KindUrgent
		}
		return u
	}
	for i, x := range ev.urgentX {
		th := fu.urgent.threshold
		if i > 0 {
			th = fu.partThreshold
		}
		if fu.urgent.p(x) >= th {
			u.kind, u.urgency = KindUrgent, emergency
			if bs := ev.urgentBs[i]; bs.kind[lineCrisis] > bs.kind[lineEmergency] {
				u.urgency = crisis
			}
			if ev.told {
				u.urgency = ev.rule
			}
			return u
		}
	}
	if k := talkByMeaning(ev.bs, len(ev.ws), fu); k != "" {
		u.kind = k
		return u
	}
	u.kind = KindFallback
	for e, s := range ev.bs.entry {
		if s >= suggestFloor {
			u.suggest = append(u.suggest, e)
		}
	}
	sortByDesc(u.suggest, ev.bs.entry)
	if len(u.suggest) > 3 {
		u.suggest = u.suggest[:3]
	}
	if len(ev.cands) == 0 {
		return u
	}
	top := ev.cands[0]
	u.entry, u.p = top.entry, fu.accept.p(acceptX(ev.cands))
	u.sem, u.lexical = float64(ev.bs.entry[top.entry]), top.x[4]
	// Answered when the fusion accepts and either the words agree (the
	// lexical matcher alone would answer the same) or the fusion is sure.
	// An entry the bank knows nothing of, added beside entries it knows
	// (one the therapist added), is known by its few lines only: it needs
	// less sureness, with its own threshold. Those were fitted on one new
	// entry among known ones; another practice's FAQ, none of whose
	// entries the bank knows, keeps the usual ones.
	sure, threshold := fu.sure, fu.accept.threshold
	if b.sparse[top.entry] == 1 && b.known > 0 {
		sure, threshold = fu.sparseSure, fu.sparseThreshold
	}
	agree := top.x[slices.Index(answerFeatures, "lexical-accepts")] == 1
	if u.p >= threshold && (agree || u.p >= sure) && !b.aboutSomeoneElse(ev.all, top.entry) {
		u.kind = KindAnswer
	}
	return u
}

// talkByMeaning recognises small talk the word lists miss ("cheers,
// you've been a star"): a short message whose nearest small-talk line is
// near enough, and nearer than any entry or out-of-scope line.
func talkByMeaning(bs bests, words int, fu fusion) Kind {
	if words > fu.talkWords {
		return ""
	}
	best, kind := float32(-1), lineKind(0)
	for _, k := range []lineKind{lineGreeting, lineThanks, lineGoodbye, lineHelp} {
		if bs.kind[k] > best {
			best, kind = bs.kind[k], k
		}
	}
	rival := max(bs.kind[lineEntry], bs.kind[lineOutOfScope])
	if best < fu.talkMin || best-rival < fu.talkMargin {
		return ""
	}
	switch kind {
	case lineGreeting:
		return KindGreeting
	case lineHelp:
		return KindHelp
	}
	return KindThanks // thanks and goodbyes
}

// aboutSomeoneElse reports whether the message asks about a group of
// people (young children, pregnancy, the very old, animals) that entry i
// never speaks of: such questions go to the therapist.
func (b *Bot) aboutSomeoneElse(ws []string, i int) bool {
	for _, g := range b.meaning.groups.about(ws) {
		if !b.groups[i][g] {
			return true
		}
	}
	return false
}

// blend mixes two lexical result lists: alpha of q's scores with the
// rest of whole's, key by key.
func blend(whole, q []match.Result, alpha float64) []match.Result {
	byKey := make(map[int]match.Result)
	for _, r := range whole {
		r.Score *= 1 - alpha
		r.Coverage *= 1 - alpha
		byKey[r.Key] = r
	}
	for _, r := range q {
		w := byKey[r.Key]
		w.Key = r.Key
		w.Score += alpha * r.Score
		w.Coverage += alpha * r.Coverage
		w.Topical = w.Topical || r.Topical
		byKey[r.Key] = w
	}
	out := make([]match.Result, 0, len(byKey))
	for _, r := range byKey {
		out = append(out, r)
	}
	sortResults(out)
	return out
}

func sortResults(rs []match.Result) {
	for i := 1; i < len(rs); i++ {
		for j := i; j > 0 && (rs[j].Score > rs[j-1].Score || rs[j].Score == rs[j-1].Score && rs[j].Key < rs[j-1].Key); j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
}

func sortByDesc(idx []int, by []float32) {
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0 && by[idx[j]] > by[idx[j-1]]; j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
}
