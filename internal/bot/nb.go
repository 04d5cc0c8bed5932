package bot

import (
	"math"
)

// wordClasses is a multinomial naive Bayes over words and pairs of words:
// for each entry and each kind of line, how likely a message's words are
// under that label's lines. Fitted by counting (instant), at each load,
// on the same lines as the semantic index, so an entry the therapist adds
// is a label learnt from its own lines, which count ownWeight times.
type wordClasses struct {
	logPrior []float64
	logP     map[string][]float32 // feature -> per class log P(feature | class)
}

func (ix *semIndex) fitWordClasses(ownWeight float64) *wordClasses {
	classes := ix.ridge.classes
	counts := make(map[string][]float64)
	totals := make([]float64, classes)
	docs := make([]float64, classes)
	for _, l := range ix.lines {
		c := ix.class(l)
		wt := 1.0
		if l.own {
			wt = ownWeight
		}
		docs[c] += wt
		for _, f := range wordFeatures(l.text) {
			v := counts[f]
			if v == nil {
				v = make([]float64, classes)
				counts[f] = v
			}
			v[c] += wt
			totals[c] += wt
		}
	}
	const alpha = 0.3
	vocab := float64(len(counts))
	wc := &wordClasses{logPrior: make([]float64, classes), logP: make(map[string][]float32, len(counts))}
	var ndocs float64
	for _, d := range docs {
		ndocs += d
	}
	for c := range classes {
		wc.logPrior[c] = math.Log((docs[c] + 1) / (ndocs + float64(classes)))
	}
	for f, v := range counts {
		var n float64
		for _, x := range v {
			n += x
		}
		if n < 2 { // a feature seen once says next to nothing, and costs memory
			continue
		}
		lp := make([]float32, classes)
		for c := range classes {
			lp[c] = float32(math.Log((v[c] + alpha) / (totals[c] + alpha*vocab)))
		}
		wc.logP[f] = lp
	}
	return wc
}

// posterior returns P(class | text) for every class.
func (wc *wordClasses) posterior(text string) []float32 {
	s := make([]float64, len(wc.logPrior))
	copy(s, wc.logPrior)
	feats := wordFeatures(text)
	for _, f := range feats {
		lp, ok := wc.logP[f]
		if !ok {
			continue // a feature no line has says nothing of any class
		}
		for c, v := range lp {
			s[c] += float64(v)
		}
	}
	peak := math.Inf(-1)
	for _, v := range s {
		peak = max(peak, v)
	}
	var sum float64
	for c, v := range s {
		s[c] = math.Exp(v - peak)
		sum += s[c]
	}
	out := make([]float32, len(s))
	for c, v := range s {
		out[c] = float32(v / sum)
	}
	return out
}
