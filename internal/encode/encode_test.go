package encode

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

// reference is one line of testdata/reference.jsonl: a text, and the
// pieces and vector the reference runtime (TF.js, @energetic-ai/embeddings
// 0.2.0) gives it. testdata/README.md says how it was made.
type reference struct {
	Text   string    `json:"text"`
	Tokens []int32   `json:"tokens"`
	Vector []float32 `json:"vector"`
}

func loadReference(tb testing.TB) []reference {
	tb.Helper()
	f, err := os.Open("testdata/reference.jsonl")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var refs []reference
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r reference
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			tb.Fatal(err)
		}
		refs = append(refs, r)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return refs
}

var shared = sync.OnceValues(New)

func encoder(tb testing.TB) *Encoder {
	tb.Helper()
	e, err := shared()
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

func cosine(a, b []float32) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += float64(a[i]) * float64(b[i])
		aa += float64(a[i]) * float64(a[i])
		bb += float64(b[i]) * float64(b[i])
	}
	return ab / math.Sqrt(aa*bb)
}

// TestReferenceTokens holds the tokenizer to the reference's pieces, for
// every reference text.
func TestReferenceTokens(t *testing.T) {
	tok := encoder(t).Tokenizer()
	for _, r := range loadReference(t) {
		if got := tok.Tokenize(r.Text); !slices.Equal(got, r.Tokens) {
			t.Errorf("Tokenize(%q) = %v, want %v", r.Text, got, r.Tokens)
		}
	}
}

// TestReferenceVectors holds every vector to the reference's: cosine at
// least 0.995 each (the int8 weights cost about 0.001; see README).
func TestReferenceVectors(t *testing.T) {
	e := encoder(t)
	refs := loadReference(t)
	if len(refs) < 200 {
		t.Fatalf("%d reference texts, want at least 200", len(refs))
	}
	var cos []float64
	for _, r := range refs {
		got := e.Encode(r.Text)
		c := cosine(got, r.Vector)
		cos = append(cos, c)
		if c < 0.995 {
			t.Errorf("Encode(%.60q): cosine %.5f to the reference, want >= 0.995", r.Text, c)
		}
	}
	sort.Float64s(cos)
	t.Logf("%d texts: worst cosine %.5f, median %.5f (kernel %s)", len(cos), cos[0], cos[len(cos)/2], e.Stats().Kernel)
}

func TestEncodeUnitLength(t *testing.T) {
	e := encoder(t)
	for _, s := range []string{"", " ", "hi", "\xff\xfe", "日本語", string(make([]byte, 5000))} {
		v := e.Encode(s)
		if len(v) != Dim {
			t.Fatalf("Encode(%q) has %d numbers, want %d", s, len(v), Dim)
		}
		var n float64
		for _, x := range v {
			if math.IsNaN(float64(x)) {
				t.Fatalf("Encode(%q) has NaN", s)
			}
			n += float64(x) * float64(x)
		}
		if math.Abs(n-1) > 1e-4 {
			t.Errorf("Encode(%.20q) has length %.5f, want 1", s, math.Sqrt(n))
		}
	}
}

// TestEncodeMeaning: a paraphrase is nearer than an unrelated question.
func TestEncodeMeaning(t *testing.T) {
	e := encoder(t)
	a := e.Encode("How long does a session last?")
	b := e.Encode("How much time should I set aside for one appointment?")
	c := e.Encode("Do you have parking for cars?")
	if ab, ac := cosine(a, b), cosine(a, c); ab <= ac {
		t.Errorf("cosine(paraphrase) = %.3f, not above cosine(unrelated) = %.3f", ab, ac)
	}
}

// TestEncodeTruncates: pieces past the 128th are not read, as in the graph.
func TestEncodeTruncates(t *testing.T) {
	e := encoder(t)
	long := strings.Repeat("word ", 130)
	if c := cosine(e.Encode(long+"and then something else entirely about bleeding"), e.Encode(long+"completely different ending here")); c < 0.9999 {
		t.Errorf("texts alike in their first 128 pieces: cosine %.5f, want 1", c)
	}
}

// TestEncodeConcurrent runs Encode from many goroutines (under -race in CI).
func TestEncodeConcurrent(t *testing.T) {
	e := encoder(t)
	texts := []string{"hello", "How long is a session?", "I want to end my life", "¿Cuánto cuesta?"}
	want := make([][]float32, len(texts))
	for i, s := range texts {
		want[i] = e.Encode(s)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 20 {
				j := (g + i) % len(texts)
				if c := cosine(e.Encode(texts[j]), want[j]); c < 0.99999 {
					t.Errorf("concurrent Encode(%q): cosine %.6f to the same call alone", texts[j], c)
				}
			}
		})
	}
	wg.Wait()
	all := e.EncodeAll(texts, 3)
	for i := range texts {
		if c := cosine(all[i], want[i]); c < 0.99999 {
			t.Errorf("EncodeAll[%d]: cosine %.6f to Encode", i, c)
		}
	}
}

func TestMatrixAndVectors(t *testing.T) {
	e := encoder(t)
	texts := []string{"How long is a session?", "Do I have to undress?", "", "where are you located"}
	vecs := e.EncodeAll(texts, 2)
	var buf bytes.Buffer
	if err := WriteVectors(&buf, texts, vecs); err != nil {
		t.Fatal(err)
	}
	set, err := ReadVectors(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if set.Model != Fingerprint() || !slices.Equal(set.Texts, texts) {
		t.Fatalf("ReadVectors: model %x texts %q, want %x %q", set.Model, set.Texts, Fingerprint(), texts)
	}
	for i := range texts {
		if c := cosine(set.Vector(i), vecs[i]); c < 0.999 {
			t.Errorf("vector %d comes back at cosine %.5f", i, c)
		}
	}
	if _, err := ReadVectors(buf.Bytes()[:buf.Len()-3]); err == nil {
		t.Error("ReadVectors(truncated) = nil error")
	}
	var many [][]float32
	for i := range 150 { // more than two panels
		many = append(many, vecs[i%len(vecs)])
	}
	m := NewMatrix(many)
	q := e.Encode("how much time does a session take")
	dots := m.Dots(q, vecs[1])
	if len(dots) != 2 || len(dots[0]) != 150 {
		t.Fatalf("Dots: %d rows of %d, want 2 of 150", len(dots), len(dots[0]))
	}
	for j, v := range many {
		if want := dot(q, v); math.Abs(float64(dots[0][j]-want)) > 1e-4 {
			t.Errorf("Dots[0][%d] = %g, want %g", j, dots[0][j], want)
		}
	}
	if best := slices.Index(dots[0], slices.Max(dots[0])); best%len(texts) != 0 {
		t.Errorf("nearest to a session-length question is %q", texts[best%len(texts)])
	}
}

// TestNewAgain: New releases the embedded file's pages once the weights
// are copied out; they read back from the binary intact, so a second New
// gives the same encoder.
func TestNewAgain(t *testing.T) {
	a, err := New()
	if err != nil {
		t.Fatal(err)
	}
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	va, vb := a.Encode("how long is a session"), b.Encode("how long is a session")
	for i := range va {
		if va[i] != vb[i] {
			t.Fatalf("vector %d differs after the pages were released: %v, %v", i, va[i], vb[i])
		}
	}
}
