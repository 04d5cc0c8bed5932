package edit

import "testing"

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b  string
		limit int
		want  int
	}{
		{"session", "session", 2, 0},
		{"sesion", "session", 2, 1},   // dropped
		{"sessionn", "session", 2, 1}, // doubled
		{"sessoin", "session", 2, 1},  // swapped
		{"sessiom", "session", 2, 1},  // wrong
		{"ssesoin", "session", 2, 2},  // two
		{"abc", "xyzxyz", 2, 3},       // over the limit
		{"craniosacrel", "craniosacral", 2, 1},
		{"questoin", "question", -1, 1},
		{"", "answer", -1, 6},
		{"keywrods", "examples", -1, 7},
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b, tt.limit); got != tt.want {
			t.Errorf("Distance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.limit, got, tt.want)
		}
	}
}
