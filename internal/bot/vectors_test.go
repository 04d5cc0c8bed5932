package bot

import (
	"math/rand/v2"
	"testing"

	defaultfaq "cstbot/faq"
	"cstbot/internal/encode"
)

// TestBankVectors fails when faq/phrases/vectors.bin is stale: made with
// other weights, missing a text of the bank or of the shipped FAQ, or no
// longer what the encoder gives. 'go generate ./faq' remakes it.
func TestBankVectors(t *testing.T) {
	data, err := defaultfaq.Files.ReadFile(VectorsFile)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := encode.ReadVectors(data)
	if err != nil {
		t.Fatal(err)
	}
	if vs.Model != encode.Fingerprint() {
		t.Fatalf("%s was made with other weights: run go generate ./faq", VectorsFile)
	}
	m := testMeaning(t)
	want := Texts(shippedFAQ(t), m.bank)
	missing := 0
	for _, s := range want {
		if !vs.Has(s) {
			if missing < 5 {
				t.Errorf("%s lacks %q: run go generate ./faq", VectorsFile, s)
			}
			missing++
		}
	}
	if len(vs.Texts) != len(want) {
		t.Errorf("%s has %d texts, the bank and FAQ %d: run go generate ./faq", VectorsFile, len(vs.Texts), len(want))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		s := want[rng.IntN(len(want))]
		v, _ := vs.Lookup(s)
		if c := dot(m.enc.Encode(s), v); c < 0.99 {
			t.Errorf("the stored vector of %q is %.3f from the encoder's: run go generate ./faq", s, c)
		}
	}
}

func dot(a, b []float32) float32 {
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// TestBankGram fails when faq/phrases/gram.bin is stale: made for other
// phrasings or weights, or no longer the Gram matrix of the bank's
// vectors. 'go generate ./faq' remakes it.
func TestBankGram(t *testing.T) {
	data, err := defaultfaq.Files.ReadFile(GramFile)
	if err != nil {
		t.Fatal(err)
	}
	key, g, ok := readGram(data)
	m := testMeaning(t)
	if !ok || key != phrasesKey(m.bank.Phrases) {
		t.Fatalf("%s is stale (other weights or other phrasings): run go generate ./faq", GramFile)
	}
	texts := make([]string, len(m.bank.Phrases))
	for i, p := range m.bank.Phrases {
		texts[i] = p.Text
	}
	want := gram(m.vectors(texts), 1)
	for i := range want {
		if d := want[i] - g[i]; d > 1e-3 || d < -1e-3 {
			t.Fatalf("%s: number %d is %g, the vectors give %g: run go generate ./faq", GramFile, i, g[i], want[i])
		}
	}
}
