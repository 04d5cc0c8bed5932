package bot

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"cstbot/internal/encode"
	"cstbot/internal/faq"
)

// GramFile holds the ridge read-out's Gram matrix of the bank's lines
// (ridge.go): the same for every FAQ that keeps the whole bank, and the
// costliest part of a first load, so go generate computes it with the
// vectors. Little-endian: "CSTGRAM1", the weights' fingerprint (8 bytes),
// the key of the phrasings (u64), the count of numbers (u32), f32 × count.
const GramFile = "phrases/gram.bin"

const gramMagic = "CSTGRAM1"

// WriteGram writes the Gram matrix of the bank's lines, whose vectors are
// in vs, in GramFile's format.
func WriteGram(w io.Writer, bank *faq.Bank, vs *encode.Vectors) error {
	vecs := make([][]float32, len(bank.Phrases))
	for i, p := range bank.Phrases {
		v, ok := vs.Lookup(p.Text)
		if !ok {
			return fmt.Errorf("gram: no vector for %q", p.Text)
		}
		vecs[i] = v
	}
	g := gram(vecs, 1)
	fp := encode.Fingerprint()
	buf := append([]byte(gramMagic), fp[:]...)
	buf = binary.LittleEndian.AppendUint64(buf, phrasesKey(bank.Phrases))
	buf = binary.LittleEndian.AppendUint32(buf, uint32(len(g)))
	for _, f := range g {
		buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(f))
	}
	_, err := w.Write(buf)
	return err
}

// readGram reads GramFile's format: the key of the phrasings the matrix
// is for, and the matrix; ok is false for a file made with other weights,
// or not of this format.
func readGram(data []byte) (key uint64, g []float32, ok bool) {
	const head = len(gramMagic) + 8 + 8 + 4
	if len(data) < head || string(data[:len(gramMagic)]) != gramMagic {
		return 0, nil, false
	}
	if fp := encode.Fingerprint(); string(data[len(gramMagic):len(gramMagic)+8]) != string(fp[:]) {
		return 0, nil, false
	}
	key = binary.LittleEndian.Uint64(data[len(gramMagic)+8:])
	n := int(binary.LittleEndian.Uint32(data[len(gramMagic)+16:]))
	if n != ridgeDim*ridgeDim || len(data) != head+4*n {
		return 0, nil, false
	}
	g = make([]float32, n)
	for i := range g {
		g[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[head+4*i:]))
	}
	return key, g, true
}
