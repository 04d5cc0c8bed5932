package encode

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
)

// Vectors is a set of texts' vectors computed in advance (by go generate),
// so that a program need not encode them at start-up. Each is stored as
// int8 with a scale, which costs about 0.001 of cosine.
//
// The file, little-endian:
//
//	"CSTVEC01", 8 bytes of the weights' fingerprint, u32 count,
//	per text: u32 length, the UTF-8 text, f32 scale, int8 × 512
type Vectors struct {
	Model  [8]byte // the Fingerprint of the weights that made them
	Texts  []string
	q      []int8    // len(Texts) × Dim, as stored
	scales []float32 // per vector: the scale that makes it unit length
	index  map[string]int
}

const vectorsMagic = "CSTVEC01"

// Fingerprint identifies the embedded weights: vectors made with other
// weights are stale.
func Fingerprint() [8]byte { return fingerprint() }

var fingerprint = sync.OnceValue(func() [8]byte {
	sum := sha256.Sum256(modelFile)
	return [8]byte(sum[:8])
})

// Vector returns the i-th vector, unit length, in a new slice. The set
// keeps its vectors as int8 (a quarter of the memory).
func (v *Vectors) Vector(i int) []float32 {
	out := make([]float32, Dim)
	s := v.scales[i]
	for j, q := range v.q[i*Dim : (i+1)*Dim] {
		out[j] = float32(q) * s
	}
	return out
}

// Lookup returns the vector of text, if the set has it.
func (v *Vectors) Lookup(text string) ([]float32, bool) {
	if i, ok := v.index[text]; ok {
		return v.Vector(i), true
	}
	return nil, false
}

// Has reports whether the set has text's vector.
func (v *Vectors) Has(text string) bool {
	_, ok := v.index[text]
	return ok
}

// WriteVectors writes texts and their vectors (unit length, Dim numbers)
// in the file format, for the embedded weights.
func WriteVectors(w io.Writer, texts []string, vecs [][]float32) error {
	if len(texts) != len(vecs) {
		return fmt.Errorf("encode: %d texts, %d vectors", len(texts), len(vecs))
	}
	var b bytes.Buffer
	b.WriteString(vectorsMagic)
	fp := Fingerprint()
	b.Write(fp[:])
	b.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(texts))))
	for i, t := range texts {
		if len(vecs[i]) != Dim {
			return fmt.Errorf("encode: vector %d has %d numbers", i, len(vecs[i]))
		}
		b.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(t))))
		b.WriteString(t)
		var peak float32
		for _, x := range vecs[i] {
			peak = max(peak, float32(math.Abs(float64(x))))
		}
		scale := peak / 127
		if scale == 0 {
			scale = 1
		}
		b.Write(binary.LittleEndian.AppendUint32(nil, math.Float32bits(scale)))
		for _, x := range vecs[i] {
			b.WriteByte(byte(int8(math.Round(float64(x / scale)))))
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// ReadVectors reads a vector file. Each vector is made unit length again.
func ReadVectors(data []byte) (*Vectors, error) {
	r := &reader{b: data}
	if string(r.take(len(vectorsMagic))) != vectorsMagic {
		return nil, errors.New("encode: vectors: not a CSTVEC01 file")
	}
	v := &Vectors{}
	copy(v.Model[:], r.take(8))
	n := int(r.u32())
	if n > len(data)/Dim {
		return nil, fmt.Errorf("encode: vectors: %d vectors in %d bytes", n, len(data))
	}
	v.q = make([]int8, 0, n*Dim)
	v.index = make(map[string]int, n)
	for i := range n {
		t := string(r.take(int(r.u32())))
		r.take(4) // the scale written; the one that makes the vector unit length is used
		q := r.take(Dim)
		if r.err != nil {
			return nil, fmt.Errorf("encode: vectors: %w", r.err)
		}
		var norm float64
		for _, b := range q {
			v.q = append(v.q, int8(b))
			norm += float64(int8(b)) * float64(int8(b))
		}
		scale := float32(0)
		if norm > 0 {
			scale = float32(1 / math.Sqrt(norm))
		}
		v.scales = append(v.scales, scale)
		v.Texts = append(v.Texts, t)
		v.index[t] = i
	}
	if len(r.b) != 0 {
		return nil, fmt.Errorf("encode: vectors: %d bytes after the last vector", len(r.b))
	}
	return v, nil
}
