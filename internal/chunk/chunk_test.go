package chunk

import (
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	para := strings.Repeat("word ", 30) // 150
	tests := []struct {
		name  string
		text  string
		limit int
		w     Width
		want  []string
	}{
		{"fits", "short", 10, Runes, []string{"short"}},
		{"empty", "", 10, Runes, []string{""}},
		{"paragraphs packed", "aaa\n\nbbb\n\ncccccc", 10, Runes, []string{"aaa\n\nbbb", "cccccc"}},
		{"at spaces", "one two three four", 9, Runes, []string{"one two", "three", "four"}},
		{"no break at all", "abcdefghij", 4, Runes, []string{"abcd", "efgh", "ij"}},
		{"never inside a character", "ééééé", 2, Runes, []string{"éé", "éé", "é"}},
		{"emoji count two in UTF-16", "😀😀😀", 4, UTF16, []string{"😀😀", "😀"}},
		{"emoji count one as runes", "😀😀😀", 4, Runes, []string{"😀😀😀"}},
	}
	for _, tt := range tests {
		got := Split(tt.text, tt.limit, tt.w)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
			t.Errorf("%s: Split(%q, %d) = %q, want %q", tt.name, tt.text, tt.limit, got, tt.want)
		}
	}
	// A long paragraph among short ones: every piece within the limit,
	// nothing lost but the spaces at the cuts.
	text := "intro\n\n" + para + para + "\n\noutro"
	got := Split(text, 100, UTF16)
	for _, p := range got {
		if Len(p, UTF16) > 100 {
			t.Errorf("a piece of %d", Len(p, UTF16))
		}
	}
	if strip := func(s string) string { return strings.Join(strings.Fields(s), "") }; strip(strings.Join(got, "")) != strip(text) {
		t.Errorf("text lost: %q", got)
	}
}
