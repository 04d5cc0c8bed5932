package encode

import (
	"slices"
	"strings"
	"testing"
)

func pieces(tok *Tokenizer, ids []int32) []string {
	var out []string
	for _, id := range ids {
		out = append(out, tok.Piece(int(id)))
	}
	return out
}

func TestTokenize(t *testing.T) {
	tok := encoder(t).Tokenizer()
	tests := []struct {
		name, text string
		want       []string
	}{
		{"words", "How long is a session?", []string{"▁How", "▁long", "▁is", "▁a", "▁session", "?"}},
		{"empty input has no pieces", "", nil},
		{"a space is a piece of its own", " ", []string{"▁", "▁"}},
		{"spaces are kept one by one", "a  b", []string{"▁a", "▁", "▁b"}},
		// A character no piece starts with is the unknown piece (this
		// vocabulary has no byte pieces, so it is the byte fallback), and
		// a run of them is one.
		{"unknown character", "日", []string{"▁", "�"}},
		{"a run of unknown characters is one piece", "日本語", []string{"▁", "�"}},
		{"unknown between known", "a日本b", []string{"▁a", "�", "b"}},
		{"emoji are unknown", "👍", []string{"▁", "�"}},
		// Only the ASCII space becomes "▁": a tab or a newline is a
		// character, unknown to this vocabulary.
		{"tab", "a\tb", []string{"▁a", "�", "b"}},
		{"newline", "a\nb", []string{"▁a", "�", "b"}},
		// NFKC first: a full-width letter is the letter, a ligature its letters.
		{"NFKC", "ｆｉ", []string{"▁fi"}},
	}
	for _, tt := range tests {
		got := pieces(tok, tok.Tokenize(tt.text))
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: Tokenize(%q) = %q, want %q", tt.name, tt.text, got, tt.want)
		}
	}
}

func TestTokenizeInvalidUTF8(t *testing.T) {
	tok := encoder(t).Tokenizer()
	// Each bad byte reads as U+FFFD, which no piece holds: unknown pieces,
	// merged into one, as for any unknown run.
	got := pieces(tok, tok.Tokenize("ok\xff\xfe fine"))
	want := pieces(tok, tok.Tokenize("ok\uFFFD\uFFFD fine"))
	if !slices.Equal(got, want) {
		t.Errorf("Tokenize(invalid UTF-8) = %q, want %q", got, want)
	}
	if !slices.Contains(got, "�") {
		t.Errorf("Tokenize(invalid UTF-8) = %q, want an unknown piece", got)
	}
}

func TestTokenizeLong(t *testing.T) {
	tok := encoder(t).Tokenizer()
	text := strings.Repeat("craniosacral therapy ", 500)
	ids := tok.Tokenize(text)
	if len(ids) < 1000 {
		t.Errorf("Tokenize(10,000 characters) = %d pieces, want every piece", len(ids))
	}
	for _, id := range ids {
		if tok.Piece(int(id)) == "" {
			t.Fatalf("Tokenize gave id %d, outside the vocabulary", id)
		}
	}
}

// TestTokenizeAllocations: the tokenizer's working memory is reused, so
// a call allocates only its result.
func TestTokenizeAllocations(t *testing.T) {
	tok := encoder(t).Tokenizer()
	var s scratch
	tok.tokenize("warm up the scratch memory with a long enough text", &s)
	allocs := testing.AllocsPerRun(100, func() { tok.tokenize("how long is a session", &s) })
	if allocs > 0 {
		t.Errorf("tokenize allocates %.0f times per call, want 0", allocs)
	}
}
