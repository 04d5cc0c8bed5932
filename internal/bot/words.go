package bot

import (
	"hash/fnv"
	"math"
	"math/rand/v2"

	"cstbot/internal/faq"
	"cstbot/internal/match"
)

// wordJudge is a logistic model over a message's words and pairs of
// words, fitted to the phrase bank: urgent ([emergency], [crisis])
// against every other line, the [not-urgent] ones weighing double. The
// sentence vectors hear what a message is about; this hears how it is
// said: "ago", "lol", "is not breathing", "won't wake up". It is one
// feature of the urgent judge, never a rule.
type wordJudge struct {
	bias float64
	w    map[string]float64
}

// wordFeatures are a text's words and neighbouring pairs.
func wordFeatures(text string) []string {
	ws := match.Words(text)
	out := make([]string, 0, 2*len(ws))
	for i, w := range ws {
		out = append(out, w)
		if i+1 < len(ws) {
			out = append(out, w+" "+ws[i+1])
		}
	}
	return out
}

// fitWordJudge fits the model by stochastic gradient descent (AdaGrad,
// L2), with a fixed seed: the same phrasings give the same model.
func fitWordJudge(phrases []faq.Phrase) *wordJudge {
	type example struct {
		feats []string
		y, wt float64
	}
	var exs []example
	for _, p := range phrases {
		y, wt := 0.0, 1.0
		switch p.Label {
		case faq.LabelEmergency, faq.LabelCrisis:
			y = 1
		case faq.LabelNotUrgent:
			wt = 2
		}
		exs = append(exs, example{wordFeatures(p.Text), y, wt})
	}
	j := &wordJudge{w: make(map[string]float64)}
	g2 := make(map[string]float64)
	var bg2 float64
	const rate, l2 = 0.5, 1e-4
	rng := rand.New(rand.NewPCG(3, 5))
	for range 12 {
		rng.Shuffle(len(exs), func(a, b int) { exs[a], exs[b] = exs[b], exs[a] })
		for _, e := range exs {
			z := j.bias
			for _, f := range e.feats {
				z += j.w[f]
			}
			g := e.wt * (1/(1+math.Exp(-z)) - e.y)
			bg2 += g * g
			j.bias -= rate * g / math.Sqrt(bg2+1e-8)
			for _, f := range e.feats {
				gf := g + l2*j.w[f]
				g2[f] += gf * gf
				j.w[f] -= rate * gf / math.Sqrt(g2[f]+1e-8)
			}
		}
	}
	return j
}

// logit is the model's log-odds that text is urgent.
func (j *wordJudge) logit(text string) float64 {
	z := j.bias
	for _, f := range wordFeatures(text) {
		z += j.w[f]
	}
	return z
}

// phrasesKey identifies a list of phrasings, to reuse a model fitted to
// the same list.
func phrasesKey(phrases []faq.Phrase) uint64 {
	h := fnv.New64a()
	for _, p := range phrases {
		h.Write([]byte(p.Label))
		h.Write([]byte{0})
		h.Write([]byte(p.Text))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// wordJudge returns the word model for phrases, fitting it once per list.
func (m *Meaning) wordJudge(phrases []faq.Phrase) *wordJudge {
	key := phrasesKey(phrases)
	m.mu.Lock()
	j, ok := m.judges[key]
	m.mu.Unlock()
	if ok {
		return j
	}
	j = fitWordJudge(phrases)
	m.mu.Lock()
	if len(m.judges) >= 32 { // cross-validation fits many; a server, one or two
		clear(m.judges)
	}
	m.judges[key] = j
	m.mu.Unlock()
	return j
}
