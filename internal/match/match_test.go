package match

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"What's a session?", []string{"what", "is", "a", "session"}},
		{"Don’t", []string{"do", "not"}},
		{"dont CAN'T won't", []string{"do", "not", "can", "not", "will", "not"}},
		{"Café crânio-sacral", []string{"cafe", "cranio", "sacral"}},
		{"👋🙏 hi!!! 😩", []string{"hi"}},
		{"where r u located", []string{"where", "are", "you", "located"}},
		{"I'm here, you're there", []string{"i", "am", "here", "you", "are", "there"}},
		{"", nil},
		{"\xff\xfe bad utf8", []string{"bad", "utf8"}},
		{"'quoted'", []string{"quoted"}},
	}
	for _, tt := range tests {
		if got := Words(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Words(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTypoCorrect(t *testing.T) {
	ix := newTypoIndex()
	for _, w := range []string{"sessions", "undress", "craniosacral", "appointment", "light", "clothes"} {
		ix.add(w)
	}
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"sesions", "sessions", true},
		{"undres", "undress", true},
		{"craniosacrel", "craniosacral", true},
		{"apointment", "appointment", true},
		{"appointmnet", "appointment", true},
		{"cranisacrl", "craniosacral", true}, // two edits in a long word
		{"night", "", false},                 // another real word, not a typo of "light"
		{"price", "", false},
	}
	for _, tt := range tests {
		got, ok := ix.correct(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("correct(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// testIndex is a small index of three keys.
func testIndex() *Index {
	docs := []Doc{
		{0, "Do I have to undress?"},
		{0, "What should I wear?"},
		{1, "How long is a session?"},
		{1, "How much time does an appointment take?"},
		{2, "How many sessions will I need?"},
		{2, "How often should I come?"},
	}
	return New(docs, Config{Synonyms: [][]string{
		{"undress", "clothes", "naked", "take off"},
		{"session", "appointment", "visit"},
	}})
}

func TestSearch(t *testing.T) {
	ix := testIndex()
	tests := []struct {
		q    string
		want int
	}{
		{"clothes?", 0},
		{"Do I need to take off anything", 0},
		{"do i have to be NAKED", 0},
		{"undres", 0},
		{"how long is an apointment", 1},
		{"hw long do sesions last", 1},
		{"how many visits do I need", 2},
		{"Hi! So I was wondering, my friend told me about this, how many sessions would someone like me need?", 2},
	}
	for _, tt := range tests {
		rs := ix.Search(tt.q)
		if len(rs) == 0 || rs[0].Key != tt.want {
			t.Errorf("Search(%q) = %+v, want key %d first", tt.q, rs, tt.want)
		}
	}
}

func TestSearchScores(t *testing.T) {
	ix := testIndex()
	exact := ix.Search("How long is a session?")
	if len(exact) == 0 || exact[0].Score < 0.99 {
		t.Fatalf("exact question: %+v, want score 1", exact)
	}
	// An unknown word the question hinges on lowers the score a lot.
	cost := ix.Search("How much does a session cost?")
	if len(cost) == 0 || cost[0].Score > 0.6 {
		t.Errorf("out-of-scope question scored %+v, want below 0.6", cost)
	}
	if rs := ix.Search("the weather today"); len(rs) != 0 {
		t.Errorf("nothing shared: %+v, want no results", rs)
	}
	for _, q := range []string{"", "   ", "!!!", "😀😀", "\xff\xfe"} {
		if rs := ix.Search(q); len(rs) != 0 {
			t.Errorf("Search(%q) = %+v, want none", q, rs)
		}
	}
}

func TestSearchIsDeterministic(t *testing.T) {
	ix := testIndex()
	first := ix.Search("session")
	for range 20 {
		if got := ix.Search("session"); !slices.Equal(got, first) {
			t.Fatalf("Search changed between calls: %+v, then %+v", first, got)
		}
	}
}

func FuzzSearch(f *testing.F) {
	ix := testIndex()
	for _, s := range []string{"clothes?", "hw long", "", "\xff", "😀", "can't won't", strings.Repeat("a ", 500), "take off take"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		for _, r := range ix.Search(q) {
			if r.Score < 0 || r.Score > 1 || r.Key < 0 || r.Key > 2 {
				t.Fatalf("Search(%q): bad result %+v", q, r)
			}
		}
		for _, w := range Words(q) {
			if !utf8.ValidString(w) || w == "" {
				t.Fatalf("Words(%q) gave %q", q, w)
			}
		}
	})
}

func TestRank(t *testing.T) {
	items := []string{"What is CST?", "How long is a session?", "How many sessions will I need?", "Do I have to undress?"}
	tests := []struct {
		pattern string
		first   int
		n       int
	}{
		{"how many", 2, 1},
		{"HOW", 1, 2},
		{"undr", 3, 1},
		{"sess", 1, 2},
		{"zzz", -1, 0},
		{"", -1, 0},
		{strings.Repeat("session ", 30), -1, 0},
	}
	for _, tt := range tests {
		got := Rank(tt.pattern, items)
		if len(got) != tt.n || tt.n > 0 && got[0] != tt.first {
			t.Errorf("Rank(%.20q) = %v, want %d results, first %d", tt.pattern, got, tt.n, tt.first)
		}
	}
}

func TestStopwordTypos(t *testing.T) {
	ix := testIndex()
	tests := []struct {
		q    string
		want []string
	}{
		{"do i hav to undres", []string{"undress"}},       // "hav" is "have"
		{"waht is a session", []string{"session"}},        // "waht" is "what"
		{"the meaning of life", []string{"mean", "life"}}, // "life" is not "like"
	}
	for _, tt := range tests {
		var got []string
		for _, tok := range ix.QueryTokens(tt.q) {
			got = append(got, tok)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("QueryTokens(%q) = %q, want %q", tt.q, got, tt.want)
		}
	}
}

func TestSentences(t *testing.T) {
	tests := []struct {
		text string
		want []string
		q    int
	}{
		{"How long is a session?", []string{"How long is a session?"}, 0},
		{"I had a car crash in March. My neck still hurts! Do I have to undress?", []string{"I had a car crash in March.", "My neck still hurts!", "Do I have to undress?"}, 2},
		{"what do i wear. thanks!!! 🙏", []string{"what do i wear.", "thanks!!! 🙏"}, 0},
		{"line one\nline two", []string{"line one", "line two"}, 1},
		{"Dr. Smith sent me... is it safe?", []string{"Dr.", "Smith sent me...", "is it safe?"}, 2},
		{"3.5 hours? ok", []string{"3.5 hours?", "ok"}, 0},
		{"", nil, -1},
	}
	for _, tt := range tests {
		got := Sentences(tt.text)
		if !slices.Equal(got, tt.want) {
			t.Errorf("Sentences(%q) = %q, want %q", tt.text, got, tt.want)
			continue
		}
		if q := QuestionSentence(got); q != tt.q {
			t.Errorf("QuestionSentence(%q) = %d, want %d", got, q, tt.q)
		}
	}
}
