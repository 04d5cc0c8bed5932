package match

import (
	"slices"

	"cstbot/internal/edit"
)

// minTypoLen is the shortest word that typo correction touches: shorter
// words are too often other real words one letter away ("cost" and "most").
const minTypoLen = 5

// maxTypoLen is the longest word that typo correction touches: no real
// word is longer, and the cost grows with the square of the length.
const maxTypoLen = 30

// typoIndex finds known words within a small edit distance of a misspelt
// one, with a delete-neighbourhood (SymSpell) index: two words one edit
// apart share a string of one deletion each.
type typoIndex struct {
	words   []string
	seen    map[string]bool
	deletes map[string][]int // word with at most one letter deleted -> words
}

func newTypoIndex() *typoIndex {
	return &typoIndex{seen: make(map[string]bool), deletes: make(map[string][]int)}
}

func (ix *typoIndex) add(w string) {
	if len(w) < minTypoLen-1 || stopwords[w] {
		return
	}
	ix.addAny(w)
}

// addAny adds w whatever it is.
func (ix *typoIndex) addAny(w string) {
	if ix.seen[w] {
		return
	}
	ix.seen[w] = true
	i := len(ix.words)
	ix.words = append(ix.words, w)
	for _, d := range deletions(w) {
		if l := ix.deletes[d]; !slices.Contains(l, i) {
			ix.deletes[d] = append(l, i)
		}
	}
}

// correct returns the known word closest to w: one edit away (an extra,
// missing, wrong or swapped letter), or two for words of nine letters or
// more. Ties go to the word added first.
func (ix *typoIndex) correct(w string) (string, bool) {
	if ix.seen[w] {
		return w, true
	}
	best, bestDist := -1, 3
	for _, d := range deletions(w) {
		for _, i := range ix.deletes[d] {
			if ix.words[i][0] != w[0] {
				continue // a wrong first letter is rare in a typo, and common between real words ("night", "light")
			}
			if dist := edit.Distance(w, ix.words[i], 1); dist <= 1 && (dist < bestDist || dist == bestDist && i < best) {
				best, bestDist = i, dist
			}
		}
	}
	if best < 0 && len(w) >= 9 {
		for i, cand := range ix.words {
			if abs(len(cand)-len(w)) > 2 || cand[0] != w[0] {
				continue
			}
			if dist := edit.Distance(w, cand, 2); dist <= 2 && dist < bestDist {
				best, bestDist = i, dist
			}
		}
	}
	if best < 0 {
		return "", false
	}
	return ix.words[best], true
}

// near returns the known words one edit from w, in the order added.
func (ix *typoIndex) near(w string) []string {
	var idx []int
	for _, d := range deletions(w) {
		for _, i := range ix.deletes[d] {
			if ix.words[i][0] == w[0] && !slices.Contains(idx, i) && edit.Distance(w, ix.words[i], 1) <= 1 {
				idx = append(idx, i)
			}
		}
	}
	slices.Sort(idx)
	out := make([]string, len(idx))
	for k, i := range idx {
		out[k] = ix.words[i]
	}
	return out
}

// deletions returns w and every string made by deleting one byte of it.
// Working on bytes keeps it simple; the words it sees are folded to ASCII
// in practice, and other scripts just correct less.
func deletions(w string) []string {
	out := make([]string, 0, len(w)+1)
	out = append(out, w)
	for i := range len(w) {
		out = append(out, w[:i]+w[i+1:])
	}
	return out
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
