// Package edit measures how far apart two words are: the one edit
// distance the matcher (typo correction) and the FAQ checker ("did you
// mean") both use.
package edit

// Distance is the optimal-string-alignment distance between a and b, in
// bytes: insertions, deletions, substitutions and swaps of two adjacent
// letters, each counting one. Once it must exceed limit it stops and
// returns limit+1; a negative limit means no limit.
func Distance(a, b string, limit int) int {
	if limit < 0 {
		limit = len(a) + len(b)
	}
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
