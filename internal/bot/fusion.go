package bot

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"cstbot/internal/faq"
	"cstbot/internal/match"
)

// fusion is rules/fusion.txt: how the lexical matcher's scores and the
// nearest lines by meaning are weighed together. Every feature is about
// similarities, margins, votes and coverage, never about which entry it
// is, so that the weights carry over to an entry the therapist adds
// tomorrow. The weights are fitted by cross-validation on the phrase bank
// (TestFitFusion with -fit), not on any evaluation set.
type fusion struct {
	alpha float32 // weight of the question sentence against the whole message
	k     int     // nearest lines that vote
	claim float32 // see buildSemIndex
	// ownWeight and lambda fit the ridge read-out: how much an FAQ line
	// counts against a bank line, and the penalty
	ownWeight, lambda float64
	answer            model   // ranks the entries: how likely each is the answer
	accept            model   // is the best-ranked entry the answer, or is it a fallback?
	sure              float64 // accept's probability at which meaning answers without the words agreeing
	sparseSure        float64 // sure, for an entry the bank knows nothing of (one the therapist added)
	sparseThreshold   float64 // accept's threshold, for such an entry
	urgent            model   // is this message (or part) an emergency or a crisis?
	// partThreshold is the urgent model's threshold for one sentence of a
	// longer message (its threshold is for the whole message): a lone
	// sentence ("I'm new to all this.") says less.
	partThreshold float64
	// talkMin and talkMargin: a message is small talk by meaning when its
	// nearest small-talk line is at least talkMin near and talkMargin
	// nearer than any entry or out-of-scope line.
	talkMin, talkMargin float32
	// talkWords: a message of more words is never small talk by meaning
	talkWords int
}

// model is a logistic model: P = 1 / (1 + e^-(bias + Σ w·x)), said yes at
// P ≥ threshold.
type model struct {
	bias      float64
	w         []float64
	threshold float64
}

func (m model) logit(x []float64) float64 {
	s := m.bias
	for i, v := range x {
		s += m.w[i] * v
	}
	return s
}

func (m model) p(x []float64) float64 { return 1 / (1 + math.Exp(-m.logit(x))) }

// The features of the answer model, in order.
var answerFeatures = []string{"best", "margin", "over-oos", "votes", "lexical", "lexical-margin", "coverage", "own", "own-margin", "over-talk", "ridge", "ridge-margin", "ridge-over-oos", "words", "words-margin", "words-over-oos", "sparse", "lexical-accepts", "first", "first-margin"}

// The features of the accept model: the best-ranked entry's, and how far
// it leads the runner-up.
var acceptFeatures = append(slices.Clone(answerFeatures), "rank-margin")

// The features of the urgent model, in order.
var urgentFeatures = []string{"urgent", "over-not-urgent", "over-other", "votes", "ridge", "ridge-over-not-urgent", "past", "idiom", "now", "ordinary", "words"}

func parseFusion(file string, data []byte) (fusion, error) {
	fu := fusion{answer: model{w: make([]float64, len(answerFeatures))}, accept: model{w: make([]float64, len(acceptFeatures))}, urgent: model{w: make([]float64, len(urgentFeatures))}}
	set := map[string]bool{}
	err := readSections(file, data, func(section, line string, n int) error {
		name, val, ok := strings.Cut(line, " ")
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if !ok || err != nil {
			return fmt.Errorf("want NAME NUMBER")
		}
		key := section + "." + name
		set[key] = true
		switch section {
		case "read":
			switch name {
			case "alpha":
				fu.alpha = float32(v)
			case "votes":
				fu.k = int(v)
			case "claim":
				fu.claim = float32(v)
			case "own-weight":
				fu.ownWeight = v
			case "ridge-lambda":
				fu.lambda = v
			case "talk-min":
				fu.talkMin = float32(v)
			case "talk-margin":
				fu.talkMargin = float32(v)
			case "talk-words":
				fu.talkWords = int(v)
			case "sure":
				fu.sure = v
			case "sparse-sure":
				fu.sparseSure = v
			case "sparse-threshold":
				fu.sparseThreshold = v
			default:
				return fmt.Errorf("unknown setting %q", name)
			}
		case "answer", "accept", "urgent":
			m, names := &fu.answer, answerFeatures
			switch section {
			case "accept":
				m, names = &fu.accept, acceptFeatures
			case "urgent":
				m, names = &fu.urgent, urgentFeatures
			}
			switch i := slices.Index(names, name); {
			case section == "urgent" && name == "part-threshold":
				fu.partThreshold = v
			case name == "bias":
				m.bias = v
			case name == "threshold":
				m.threshold = v
			case i >= 0:
				m.w[i] = v
			default:
				return fmt.Errorf("unknown feature %q (known: bias, threshold, %s)", name, strings.Join(names, ", "))
			}
		default:
			return fmt.Errorf("unknown section [%s] (known: read, answer, accept, urgent)", section)
		}
		return nil
	})
	if err != nil {
		return fu, err
	}
	if !set["read.sparse-threshold"] {
		fu.sparseThreshold = fu.accept.threshold
	}
	if !set["read.talk-words"] {
		fu.talkWords = 12
	}
	if fu.k < 1 {
		return fu, &faq.Error{Problems: []faq.Problem{{File: file, Msg: "[read] votes must be at least 1"}}}
	}
	return fu, nil
}

// String writes the fusion in the file's format.
func (fu fusion) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "[read]\nalpha %.3f\nvotes %d\nclaim %.3f\nown-weight %.3f\nridge-lambda %.4f\nsure %.3f\nsparse-sure %.3f\nsparse-threshold %.3f\ntalk-min %.3f\ntalk-margin %.3f\ntalk-words %d\n", fu.alpha, fu.k, fu.claim, fu.ownWeight, fu.lambda, fu.sure, fu.sparseSure, fu.sparseThreshold, fu.talkMin, fu.talkMargin, fu.talkWords)
	for _, s := range []struct {
		name  string
		m     model
		names []string
	}{{"answer", fu.answer, answerFeatures}, {"accept", fu.accept, acceptFeatures}, {"urgent", fu.urgent, urgentFeatures}} {
		fmt.Fprintf(&b, "\n[%s]\nbias %.4f\n", s.name, s.m.bias)
		for i, n := range s.names {
			fmt.Fprintf(&b, "%s %.4f\n", n, s.m.w[i])
		}
		if s.name != "answer" {
			fmt.Fprintf(&b, "threshold %.4f\n", s.m.threshold)
		}
		if s.name == "urgent" {
			fmt.Fprintf(&b, "part-threshold %.4f\n", fu.partThreshold)
		}
	}
	return b.String()
}

// acceptX is the accept model's features: the best candidate's, and its
// lead over the runner-up.
func acceptX(cands []candidate) []float64 {
	lead := 10.0
	if len(cands) > 1 {
		lead = cands[0].logit - cands[1].logit
	}
	return append(slices.Clone(cands[0].x), lead)
}

// candidate is an entry considered as the answer, with its features.
type candidate struct {
	entry int
	x     []float64
	logit float64
}

// answerCandidates computes the answer model's features for the entries
// worth considering: the nearest by meaning and the best by words.
func (b *Bot) answerCandidates(bs bests, votes, rdg, nb []float32, lex []match.Result, m model) []candidate {
	n := len(bs.entry)
	lexScore := make([]float64, n)
	cover := make([]float64, n)
	for _, r := range lex {
		lexScore[r.Key] = r.Score
		if r.Topical {
			cover[r.Key] = r.Coverage
		}
	}
	// the entries worth scoring: every one for a small FAQ, else the 8
	// nearest by meaning and the 4 best by words
	var pool []int
	if n <= 40 {
		for e := range n {
			pool = append(pool, e)
		}
	} else {
		order := make([]int, n)
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(a, c int) int { return cmpDesc(bs.entry[a], bs.entry[c]) })
		pool = append(pool, order[:8]...)
		for i := 0; i < len(lex) && i < 4; i++ {
			if !slices.Contains(pool, lex[i].Key) {
				pool = append(pool, lex[i].Key)
			}
		}
	}
	first, second := top2(bs.entry, -1)
	ofirst, osecond := top2(bs.own, -1)
	lfirst, lsecond := top2(lexScore, 0)
	talk := max(bs.kind[lineGreeting], bs.kind[lineThanks], bs.kind[lineGoodbye], bs.kind[lineHelp])
	rfirst, rsecond := top2(rdg[:n], -1)
	roos := rdg[n] // lineOutOfScope's class
	nfirst, nsecond := top2(nb[:n], -1)
	ffirst, fsecond := top2(bs.first, -1)
	// the nearest line outside the FAQ: out of scope, or a bank phrasing
	// for an entry this FAQ lacks (another practice's FAQ has no entry
	// on clothing: "do I have to undress?" is outside it)
	outside := max(bs.kind[lineOutOfScope], bs.kind[lineOther])
	out := make([]candidate, 0, len(pool))
	for _, e := range pool {
		other := first
		if e == argmax(bs.entry) {
			other = second
		}
		oother := ofirst
		if bs.own[e] == ofirst {
			oother = osecond
		}
		rother := rfirst
		if rdg[e] == rfirst {
			rother = rsecond
		}
		nother := nfirst
		if nb[e] == nfirst {
			nother = nsecond
		}
		fother := ffirst
		if bs.first[e] == ffirst {
			fother = fsecond
		}
		lother := lfirst
		if lexScore[e] == lfirst {
			lother = lsecond
		}
		x := []float64{
			float64(bs.entry[e]),
			float64(bs.entry[e] - other),
			float64(bs.entry[e] - outside),
			float64(votes[e]),
			lexScore[e],
			lexScore[e] - lother,
			cover[e],
			float64(bs.own[e]),
			float64(bs.own[e] - oother),
			float64(bs.entry[e] - talk),
			float64(rdg[e]),
			float64(rdg[e] - rother),
			float64(rdg[e] - roos),
			float64(nb[e]),
			float64(nb[e] - nother),
			float64(nb[e] - nb[n]),
			b.sparse[e],
			lexAccepts(lex, e),
			float64(bs.first[e]),
			float64(bs.first[e] - fother),
		}
		out = append(out, candidate{entry: e, x: x, logit: m.logit(x)})
	}
	slices.SortFunc(out, func(a, c candidate) int { return cmpDesc(a.logit, c.logit) })
	return out
}

// The lexical matcher's own acceptance of its best entry, as it answered
// alone before the fusion: score, coverage, margin over the runner-up.
const (
	lexMinScore    = 0.40
	lexSureScore   = 0.60
	lexMinMargin   = 0.005
	lexMinCoverage = 0.10
)

// lexAccepts is 1 when the lexical matcher alone would answer with entry
// e, else 0.
func lexAccepts(lex []match.Result, e int) float64 {
	if len(lex) == 0 || lex[0].Key != e {
		return 0
	}
	top := lex[0]
	second := 0.0
	if len(lex) > 1 {
		second = lex[1].Score
	}
	if top.Topical && top.Coverage >= lexMinCoverage && top.Score >= lexMinScore && (top.Score >= lexSureScore || top.Score-second >= lexMinMargin) {
		return 1
	}
	return 0
}

// urgentFeatures are the urgent model's features for one part's row.
func (ix *semIndex) urgentFeatures(row, rdg []float32, k int, context [numContexts]float64, words float64) []float64 {
	bs := ix.bests(row)
	urgent := max(bs.kind[lineEmergency], bs.kind[lineCrisis])
	other := bs.kind[lineOutOfScope]
	for _, kd := range []lineKind{lineEntry, lineGreeting, lineThanks, lineGoodbye, lineHelp, lineOther} {
		other = max(other, bs.kind[kd])
	}
	// votes among all lines
	top := topK(row, k, nil)
	var share float64
	for _, j := range top {
		if kd := ix.lines[j].kind; kd == lineEmergency || kd == lineCrisis {
			share += 1 / float64(k)
		}
	}
	class := func(k lineKind) float32 { return rdg[ix.entries+int(k)-int(lineOutOfScope)] }
	ru := max(class(lineEmergency), class(lineCrisis))
	return []float64{float64(urgent), float64(urgent - bs.kind[lineNotUrgent]), float64(urgent - other), share, float64(ru), float64(ru - class(lineNotUrgent)),
		context[contextPast], context[contextIdiom], context[contextNow], context[contextOrdinary], words / 10}
}

// topK returns the indexes of the k largest values of row, largest first,
// among those keep allows (all, if keep is nil).
func topK(row []float32, k int, keep func(j int) bool) []int {
	top := make([]int, 0, k+1)
	for j, s := range row {
		if keep != nil && !keep(j) || len(top) == k && s <= row[top[k-1]] {
			continue
		}
		at := len(top)
		for at > 0 && row[top[at-1]] < s {
			at--
		}
		top = slices.Insert(top, at, j)
		if len(top) > k {
			top = top[:k]
		}
	}
	return top
}

func cmpDesc[T float32 | float64](a, b T) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

func argmax(v []float32) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}

// top2 returns the two largest values of v (similarities: -1 when none;
// scores: 0 when none, as floor says).
func top2[T float32 | float64](v []T, floor T) (first, second T) {
	first, second = floor, floor
	for _, x := range v {
		switch {
		case x > first:
			first, second = x, first
		case x > second:
			second = x
		}
	}
	return first, second
}
