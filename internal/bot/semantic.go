package bot

import (
	"fmt"

	"cstbot/internal/encode"
	"cstbot/internal/faq"
)

// firstAlso is how many "also" lines of each entry count as its first
// lines (bests.first): as many as an entry added with three.
const firstAlso = 3

// lineKind says what a line of the semantic index is an example of.
type lineKind int8

const (
	lineEntry lineKind = iota // one of the FAQ's entries: its own lines and the bank's
	lineOutOfScope
	lineEmergency
	lineCrisis
	lineNotUrgent
	lineGreeting
	lineThanks
	lineGoodbye
	lineHelp
	lineOther // a bank phrasing for an entry this FAQ lacks: only a counterweight for urgency
	numLineKinds
)

var kindOfLabel = map[string]lineKind{
	faq.LabelOutOfScope: lineOutOfScope, faq.LabelEmergency: lineEmergency, faq.LabelCrisis: lineCrisis,
	faq.LabelNotUrgent: lineNotUrgent, faq.LabelGreeting: lineGreeting, faq.LabelThanks: lineThanks,
	faq.LabelGoodbye: lineGoodbye, faq.LabelHelp: lineHelp,
}

// semLine is one labelled line of the semantic index.
type semLine struct {
	kind  lineKind
	entry int  // the entry, for lineEntry
	own   bool // the FAQ's own question or "also" line, not the bank's
	// first: the question or one of the first three "also" lines, as
	// every entry has, the therapist's newest too (see bests.first)
	first bool
	// claimed: a bank out-of-scope line given to a new entry (see claim)
	claimed bool
	text    string
	where   string // "faq.yaml:12" or "phrases/entries.txt:40", for ask --json
}

// semIndex is every labelled line a Bot compares messages with by meaning:
// the FAQ's questions and "also" lines, and the bank's phrasings for the
// FAQ's entries and for each kind of message. Immutable once built.
type semIndex struct {
	lines   []semLine
	matrix  *encode.Matrix
	entries int
	ridge   ridge
	words   *wordClasses
	// claimed counts the bank's out-of-scope lines given to an entry
	// the bank knows nothing of (see claim).
	claimed int
}

// buildSemIndex encodes (or looks up) every line, gives the out-of-scope
// lines about a new entry to it (see claim), and packs them.
func buildSemIndex(f *faq.FAQ, phrases []faq.Phrase, m *Meaning, fu fusion) *semIndex {
	ix := &semIndex{entries: len(f.Entries)}
	byID := make(map[string]int, len(f.Entries))
	for i, e := range f.Entries {
		byID[e.ID] = i
		ix.lines = append(ix.lines, semLine{kind: lineEntry, entry: i, own: true, first: true, text: e.Question, where: fmt.Sprintf("%s:%d", f.Source, e.Line)})
		for j, a := range e.Also {
			ix.lines = append(ix.lines, semLine{kind: lineEntry, entry: i, own: true, first: j < firstAlso, text: a, where: fmt.Sprintf("%s:%d", f.Source, e.Line)})
		}
	}
	nOwn := len(ix.lines)
	for _, p := range phrases {
		l := semLine{text: p.Text, where: fmt.Sprintf("%s:%d", p.File, p.Line)}
		if k, ok := kindOfLabel[p.Label]; ok {
			l.kind = k
		} else if i, ok := byID[p.Label]; ok {
			l.kind, l.entry = lineEntry, i
		} else {
			l.kind = lineOther
		}
		ix.lines = append(ix.lines, l)
	}
	texts := make([]string, len(ix.lines))
	for i, l := range ix.lines {
		texts[i] = l.text
	}
	vecs := m.vectors(texts)
	ix.claim(vecs[:nOwn], vecs, fu.claim)
	ix.matrix = encode.NewMatrix(vecs)
	ix.ridge = ix.fitRidge(vecs, nOwn, m.bankGram(phrases, vecs[nOwn:]), fu.ownWeight, fu.lambda)
	ix.words = ix.fitWordClasses(m.bankWords(phrases), phrases, nOwn, fu.ownWeight)
	return ix
}

// claim gives an entry the bank knows nothing of (an entry the therapist
// added: no bank section has its id) the bank's out-of-scope lines about
// the same thing. Once she adds an entry about gift cards, the bank's "do
// you sell gift cards?" is a way of asking her question, no longer out of
// scope. A line is hers when, of all the FAQ's own lines, one of hers is
// the nearest, at least claim near. For the entries the bank was written
// for, its out-of-scope labels stand: "how long have you been practicing"
// stays out of scope however near "how long is a session".
func (ix *semIndex) claim(own, vecs [][]float32, claim float32) {
	if len(own) == 0 {
		return
	}
	known := make(map[int]bool)
	for _, l := range ix.lines {
		if l.kind == lineEntry && !l.own {
			known[l.entry] = true
		}
	}
	if len(known) == ix.entries {
		return
	}
	var oos []int
	var oosVecs [][]float32
	for i, l := range ix.lines {
		if l.kind == lineOutOfScope {
			oos, oosVecs = append(oos, i), append(oosVecs, vecs[i])
		}
	}
	for j, row := range encode.NewMatrix(own).Dots(oosVecs...) {
		best := argmax(row)
		if e := ix.lines[best].entry; row[best] >= claim && !known[e] {
			l := &ix.lines[oos[j]]
			l.kind, l.entry, l.claimed = lineEntry, e, true
			ix.claimed++
		}
	}
}

// nearness is what the nearest lines say of one message: for each line,
// how near the message is, the question sentence weighing alpha against
// the whole message; and, separately, each part's nearness, for urgency.
type nearness struct {
	comb  []float32   // per line
	parts [][]float32 // per part (the whole message first): per line
	// ridge is the read-out's scores, question and whole weighed as in
	// comb; partRidge each part's
	ridge     []float32
	partRidge [][]float32
}

// near compares a message's vectors (the whole first, then its parts)
// with every line; q is the index of the question part among vecs, or 0.
func (ix *semIndex) near(vecs [][]float32, q int, alpha float32) nearness {
	d := ix.matrix.Dots(vecs...)
	n := nearness{parts: d, comb: d[0]}
	for _, v := range vecs {
		n.partRidge = append(n.partRidge, ix.ridge.scores(v))
	}
	n.ridge = n.partRidge[0]
	if q > 0 {
		n.comb = make([]float32, len(d[0]))
		for j := range n.comb {
			n.comb[j] = alpha*d[q][j] + (1-alpha)*d[0][j]
		}
		n.ridge = make([]float32, len(n.partRidge[0]))
		for j := range n.ridge {
			n.ridge[j] = alpha*n.partRidge[q][j] + (1-alpha)*n.partRidge[0][j]
		}
	}
	return n
}

// best returns, in row, the highest similarity of each kind and each
// entry, and the line that has it.
type bests struct {
	kind     [numLineKinds]float32
	kindLine [numLineKinds]int
	entry    []float32
	own      []float32 // the entry's own lines only
	// first is the entry's question and first three "also" lines only:
	// the same number of lines for every entry, so that an entry the
	// therapist just added with three "also" lines competes evenly
	first []float32
	line  []int
}

func (ix *semIndex) bests(row []float32) bests {
	b := bests{entry: make([]float32, ix.entries), own: make([]float32, ix.entries), first: make([]float32, ix.entries), line: make([]int, ix.entries)}
	for k := range b.kind {
		b.kind[k] = -1
		b.kindLine[k] = -1
	}
	for e := range b.entry {
		b.entry[e], b.own[e], b.first[e], b.line[e] = -1, -1, -1, -1
	}
	for j, s := range row {
		l := &ix.lines[j]
		if s > b.kind[l.kind] {
			b.kind[l.kind], b.kindLine[l.kind] = s, j
		}
		if l.kind == lineEntry {
			if s > b.entry[l.entry] {
				b.entry[l.entry], b.line[l.entry] = s, j
			}
			if l.own && s > b.own[l.entry] {
				b.own[l.entry] = s
			}
			if l.first && s > b.first[l.entry] {
				b.first[l.entry] = s
			}
		}
	}
	return b
}

// votes returns each entry's share of the k lines nearest in row among
// entry and out-of-scope lines, and the out-of-scope share.
func (ix *semIndex) votes(row []float32, k int) (entries []float32, outOfScope float32) {
	entries = make([]float32, ix.entries)
	top := topK(row, k, func(j int) bool { kd := ix.lines[j].kind; return kd == lineEntry || kd == lineOutOfScope })
	for _, j := range top {
		if l := ix.lines[j]; l.kind == lineEntry {
			entries[l.entry] += 1 / float32(k)
		} else {
			outOfScope += 1 / float32(k)
		}
	}
	return entries, outOfScope
}
