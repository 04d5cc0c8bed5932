package encode

// Matrix holds vectors for dot products with queries: the nearest-neighbour
// search of a few thousand lines costs one matrix product through the same
// kernels as the encoder. It is immutable after NewMatrix and safe for
// concurrent use.
type Matrix struct {
	n, padded int
	packed    []uint16 // the vectors as the columns of a Dim×padded matrix, in panels, as halves (half.go)
}

// NewMatrix packs vecs (Dim numbers each).
func NewMatrix(vecs [][]float32) *Matrix {
	m := &Matrix{n: len(vecs)}
	m.padded = (len(vecs) + panelWidth - 1) / panelWidth * panelWidth
	m.packed = make([]uint16, Dim*m.padded)
	// vector j is column j: in panel j/panelWidth, at column j%panelWidth
	// of each of its Dim rows
	for j, v := range vecs {
		col := m.packed[j/panelWidth*Dim*panelWidth+j%panelWidth:]
		for k, f := range v[:Dim] {
			col[k*panelWidth] = toHalf(f)
		}
	}
	return m
}

// Len is the number of vectors.
func (m *Matrix) Len() int { return m.n }

// Dots returns, for each query (Dim numbers), its dot product with every
// vector, in order: for unit vectors, their cosines.
func (m *Matrix) Dots(queries ...[]float32) [][]float32 {
	if m.n == 0 || len(queries) == 0 {
		return make([][]float32, len(queries))
	}
	a := make([]float32, len(queries)*Dim)
	for i, q := range queries {
		copy(a[i*Dim:(i+1)*Dim], q)
	}
	c := make([]float32, len(queries)*m.padded)
	gemmHalf(c, m.padded, a, Dim, len(queries), Dim, m.padded, m.packed)
	out := make([][]float32, len(queries))
	for i := range queries {
		out[i] = c[i*m.padded : i*m.padded+m.n : i*m.padded+m.n]
	}
	return out
}

// MatMul sets c (m×n, row-major) to a (m×k) times b (k×n), through the
// encoder's kernels. b is packed on each call; for a b used many times,
// NewMatrix is faster.
func MatMul(c, a, b []float32, m, k, n int) {
	padded := (n + panelWidth - 1) / panelWidth * panelWidth
	packed := make([]float32, k*padded)
	packRows(packed, b, k, n)
	if padded == n {
		gemm(c, n, a, k, m, k, n, packed)
		return
	}
	tmp := make([]float32, m*padded)
	gemm(tmp, padded, a, k, m, k, padded, packed)
	for i := range m {
		copy(c[i*n:(i+1)*n], tmp[i*padded:])
	}
}
