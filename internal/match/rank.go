package match

import (
	"strings"

	"github.com/sahilm/fuzzy"
)

// maxRankPattern caps the pattern given to the fuzzy matcher, whose score
// overflows on long contiguous matches; what a client types into an
// autocomplete box is short anyway.
const maxRankPattern = 40

// Rank orders items by how well pattern matches them as typed-ahead text:
// its letters in order, in words and at word starts preferred, as in an
// editor's "go to file" box ("how many" ranks "How many sessions will I
// need?" first). Items that do not contain the pattern's letters in order
// are left out. It returns indexes into items, best first.
func Rank(pattern string, items []string) []int {
	pattern = strings.Join(words(pattern), " ")
	if r := []rune(pattern); len(r) > maxRankPattern {
		pattern = string(r[:maxRankPattern])
	}
	if pattern == "" {
		return nil
	}
	folded := make([]string, len(items))
	for i, it := range items {
		folded[i] = strings.Join(words(it), " ")
	}
	matches := fuzzy.Find(pattern, folded)
	out := make([]int, len(matches))
	for i, m := range matches {
		out[i] = m.Index
	}
	return out
}
