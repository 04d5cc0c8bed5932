package bot

import (
	"hash/fnv"
	"hash/maphash"
	"math"
	"math/rand/v2"
	"sync"

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
	w    map[uint64]float64 // by feature (wordFeatures)
}

// wordFeatures are a text's words and neighbouring pairs ("is not",
// "not breathing"), each as a 64-bit hash of its text (hash/maphash, one
// seed per process): the word models count millions of them, and a
// number costs less than a string.
func wordFeatures(text string) []uint64 {
	ws := match.Words(text)
	out := make([]uint64, 0, 2*len(ws))
	var pair maphash.Hash
	pair.SetSeed(featureSeed)
	for i, w := range ws {
		out = append(out, maphash.String(featureSeed, w))
		if i+1 < len(ws) {
			pair.Reset()
			pair.WriteString(w)
			pair.WriteByte(' ')
			pair.WriteString(ws[i+1])
			out = append(out, pair.Sum64())
		}
	}
	return out
}

var featureSeed = maphash.MakeSeed()

// fitWordJudge fits the model to phrases, whose word features are feats, by stochastic gradient descent (AdaGrad,
// L2), with a fixed seed: the same phrasings give the same model. The
// features are numbered first, so that the epochs run on slices.
func fitWordJudge(phrases []faq.Phrase, feats [][]uint64) *wordJudge {
	type example struct {
		feats []int32
		y, wt float64
	}
	ids := make(map[uint64]int32)
	var names []uint64
	exs := make([]example, 0, len(phrases))
	for i, p := range phrases {
		y, wt := 0.0, 1.0
		switch p.Label {
		case faq.LabelEmergency, faq.LabelCrisis:
			y = 1
		case faq.LabelNotUrgent:
			wt = 2
		}
		fs := feats[i]
		e := example{make([]int32, len(fs)), y, wt}
		for k, f := range fs {
			id, ok := ids[f]
			if !ok {
				id = int32(len(names))
				ids[f] = id
				names = append(names, f)
			}
			e.feats[k] = id
		}
		exs = append(exs, e)
	}
	w := make([]float64, len(names))
	g2 := make([]float64, len(names))
	var bias, bg2 float64
	const rate, l2 = 0.5, 1e-4
	rng := rand.New(rand.NewPCG(3, 5))
	for range 12 {
		rng.Shuffle(len(exs), func(a, b int) { exs[a], exs[b] = exs[b], exs[a] })
		for _, e := range exs {
			z := bias
			for _, f := range e.feats {
				z += w[f]
			}
			g := e.wt * (1/(1+math.Exp(-z)) - e.y)
			bg2 += g * g
			bias -= rate * g / math.Sqrt(bg2+1e-8)
			for _, f := range e.feats {
				gf := g + l2*w[f]
				g2[f] += gf * gf
				w[f] -= rate * gf / math.Sqrt(g2[f]+1e-8)
			}
		}
	}
	j := &wordJudge{bias: bias, w: make(map[uint64]float64, len(names))}
	for i, n := range names {
		j.w[n] = w[i]
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

// bankGram returns the ridge read-out's Gram matrix of the bank's lines
// (phrases, whose vectors are vecs): the bulk of the read-out's cost, the
// same at every reload of the FAQ, so computed once per list of phrasings
// (or read from GramFile at load).
func (m *Meaning) bankGram(phrases []faq.Phrase, vecs [][]float32) []float32 {
	return m.grams.get(phrases, func() []float32 { return gram(vecs, 1) })
}

// perBank keeps what is made from a list of the bank's phrasings, so that
// a reload of the FAQ reuses it. Cross-validation makes many lists, a
// server one or two: past 32 it starts over.
type perBank[T any] struct {
	mu sync.Mutex
	m  map[uint64]T
}

// get returns what was made for phrases, making it the first time.
func (c *perBank[T]) get(phrases []faq.Phrase, build func() T) T {
	key := phrasesKey(phrases)
	c.mu.Lock()
	v, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return v
	}
	v = build()
	c.put(key, v)
	return v
}

// put keeps v for the list of phrasings whose phrasesKey is key.
func (c *perBank[T]) put(key uint64, v T) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= 32 {
		c.m = make(map[uint64]T)
	}
	c.m[key] = v
}
