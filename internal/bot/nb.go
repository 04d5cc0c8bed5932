package bot

import (
	"math"

	"cstbot/internal/faq"
)

// wordClasses is a multinomial naive Bayes over words and pairs of words:
// for each entry and each kind of line, how likely a message's words are
// under that label's lines. Fitted by counting (instant), at each load,
// on the same lines as the semantic index, so an entry the therapist adds
// is a label learnt from its own lines, which count ownWeight times.
type wordClasses struct {
	logPrior []float64
	logP     map[uint64][]float32 // feature (wordFeatures) -> per class log P(feature | class)
}

// bankWords is what the word models learn of the bank's lines alone: the
// urgent word judge (words.go), and the naive Bayes counts by label (not
// yet by class: which class a label is depends on the FAQ). The same at
// every reload, so made once per list of phrasings, each line's words
// read once for both.
type bankWords struct {
	judge  *wordJudge
	labels []string                // the bank's labels, in order of first use
	counts map[uint64][]labelCount // feature -> its count under each label that has it
	docs   []float64               // per label: lines
	totals []float64               // per label: features
}

type labelCount struct {
	label int
	n     float64
}

func countBankWords(phrases []faq.Phrase) *bankWords {
	bw := &bankWords{counts: make(map[uint64][]labelCount)}
	index := make(map[string]int)
	feats := make([][]uint64, len(phrases))
	for i, p := range phrases {
		feats[i] = wordFeatures(p.Text)
		li, ok := index[p.Label]
		if !ok {
			li = len(bw.labels)
			index[p.Label] = li
			bw.labels = append(bw.labels, p.Label)
			bw.docs, bw.totals = append(bw.docs, 0), append(bw.totals, 0)
		}
		bw.docs[li]++
		for _, f := range feats[i] {
			lcs := bw.counts[f]
			if n := len(lcs); n > 0 && lcs[n-1].label == li {
				lcs[n-1].n++
			} else {
				lcs = append(lcs, labelCount{li, 1})
			}
			bw.counts[f] = lcs
			bw.totals[li]++
		}
	}
	bw.judge = fitWordJudge(phrases, feats)
	return bw
}

// bankWords returns the word models of phrases, made once per list.
func (m *Meaning) bankWords(phrases []faq.Phrase) *bankWords {
	return m.words.get(phrases, func() *bankWords { return countBankWords(phrases) })
}

// fitWordClasses fits the model to the index's lines: the bank's counts
// (bw, for phrases, the bank lines after the FAQ's nOwn own ones) put in their
// classes, the bank lines given to a new entry (claimed) moved to it, and
// the own lines, counting ownWeight times.
func (ix *semIndex) fitWordClasses(bw *bankWords, phrases []faq.Phrase, nOwn int, ownWeight float64) *wordClasses {
	classes := ix.ridge.classes
	outOfScope := ix.class(semLine{kind: lineOutOfScope})
	// each label's class, from a bank line that has it, as it was filed
	labelClass := make([]int, len(bw.labels))
	index := make(map[string]int, len(bw.labels))
	for i, l := range bw.labels {
		index[l] = i
	}
	bank := ix.lines[nOwn:]
	for j, l := range bank {
		c := ix.class(l)
		if l.claimed {
			c = outOfScope
		}
		labelClass[index[phrases[j].Label]] = c
	}
	counts := make(map[uint64][]float64, len(bw.counts))
	totals := make([]float64, classes)
	docs := make([]float64, classes)
	for li, c := range labelClass {
		docs[c] += bw.docs[li]
		totals[c] += bw.totals[li]
	}
	for f, lcs := range bw.counts {
		v := make([]float64, classes)
		for _, lc := range lcs {
			v[labelClass[lc.label]] += lc.n
		}
		counts[f] = v
	}
	add := func(text string, c int, wt float64) {
		docs[c] += wt
		for _, f := range wordFeatures(text) {
			v := counts[f]
			if v == nil {
				v = make([]float64, classes)
				counts[f] = v
			}
			v[c] += wt
			totals[c] += wt
		}
	}
	for _, l := range ix.lines[:nOwn] {
		add(l.text, ix.class(l), ownWeight)
	}
	for _, l := range bank {
		if l.claimed { // counted as out of scope: now its entry's
			add(l.text, outOfScope, -1)
			add(l.text, ix.class(l), 1)
		}
	}
	const alpha = 0.3
	vocab := float64(len(counts))
	wc := &wordClasses{logPrior: make([]float64, classes), logP: make(map[uint64][]float32, len(counts))}
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
