package match

import (
	"strings"

	"github.com/sahilm/fuzzy"
)

// maxRankPattern caps the pattern given to the fuzzy matcher, whose score
// overflows on long contiguous matches; what a client types into an
// autocomplete box is short anyway.
const maxRankPattern = 40

// Ranker orders a fixed list of items (the FAQ's questions) by how well a
// pattern matches them as typed-ahead text. The items are folded once, in
// NewRanker, not per keystroke. Safe for concurrent use.
type Ranker struct {
	folded []string
}

// NewRanker prepares items for ranking.
func NewRanker(items []string) *Ranker {
	r := &Ranker{folded: make([]string, len(items))}
	for i, it := range items {
		r.folded[i] = fold(it)
	}
	return r
}

// Rank returns the indexes of the items that contain pattern's letters in
// order, best first: in words and at word starts preferred, as in an
// editor's "go to file" box ("how many" ranks "How many sessions will I
// need?" first).
func (r *Ranker) Rank(pattern string) []int {
	pattern = fold(pattern)
	if rs := []rune(pattern); len(rs) > maxRankPattern {
		pattern = string(rs[:maxRankPattern])
	}
	if pattern == "" {
		return nil
	}
	matches := fuzzy.Find(pattern, r.folded)
	out := make([]int, len(matches))
	for i, m := range matches {
		out[i] = m.Index
	}
	return out
}

// Rank is NewRanker(items).Rank(pattern), for a list ranked once.
func Rank(pattern string, items []string) []int { return NewRanker(items).Rank(pattern) }

// fold is text as words, lowercase and accent-free, single-spaced.
func fold(text string) string { return strings.Join(words(text), " ") }
