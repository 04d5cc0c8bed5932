package bot

import (
	"math"

	"cstbot/internal/encode"
)

// ridge is a linear read-out of the vectors, fitted to the semantic
// index's lines at each load: for every entry and every kind of line, a
// weight vector w with x·w near 1 for that label's lines and near 0 for
// the others (ridge regression, closed form). Where the nearest line
// says which single line a message resembles, this says which label the
// whole body of lines points to; on the bank's cross-validation it is
// right about ten points more often. An entry the therapist adds is a
// label like any other, learnt from its own lines, which weigh more.
type ridge struct {
	classes int       // entries first, then the line kinds from lineOutOfScope on
	w       []float32 // classes × (Dim+1), the last number the bias
}

const ridgeDim = encode.Dim + 1

// class returns the ridge's label index of a line.
func (ix *semIndex) class(l semLine) int {
	if l.kind == lineEntry {
		return l.entry
	}
	return ix.entries + int(l.kind) - int(lineOutOfScope)
}

// fitRidge fits the read-out to vecs (the index's lines: the FAQ's own
// nOwn first, then the bank's), each own line counting ownWeight times,
// with penalty lambda (relative to the lines' count). bank is the Gram
// matrix of the bank's lines (see gram), the same at every reload.
func (ix *semIndex) fitRidge(vecs [][]float32, nOwn int, bank []float32, ownWeight, lambda float64) ridge {
	n := len(vecs)
	classes := ix.entries + int(numLineKinds) - int(lineOutOfScope)
	r := ridge{classes: classes}
	if n == 0 {
		r.w = make([]float32, classes*ridgeDim)
		return r
	}
	// G = Xᵀ·diag(weight)·X, with a column of ones for the bias; B = Xᵀ·diag(weight)·Y.
	var total float64
	b := make([][]float64, classes)
	for c := range b {
		b[c] = make([]float64, ridgeDim)
	}
	for i, v := range vecs {
		wt := 1.0
		if ix.lines[i].own {
			wt = ownWeight
		}
		total += wt
		bc := b[ix.class(ix.lines[i])]
		for j, f := range v {
			bc[j] += wt * float64(f)
		}
		bc[encode.Dim] += wt
	}
	own := gram(vecs[:nOwn], ownWeight)
	g := make([]float64, ridgeDim*ridgeDim)
	for i, f := range own {
		g[i] = float64(f) + float64(bank[i])
	}
	reg := lambda * total / encode.Dim
	for i := range ridgeDim {
		g[i*ridgeDim+i] += reg
	}
	l := cholesky(g, ridgeDim)
	r.w = make([]float32, classes*ridgeDim)
	for c := range classes {
		sol := cholSolve(l, ridgeDim, b[c])
		for j, f := range sol {
			r.w[c*ridgeDim+j] = float32(f)
		}
	}
	return r
}

// gram returns Xᵀ·X (ridgeDim × ridgeDim) for the rows of vecs, each
// with a 1 for the bias and scaled by √weight.
func gram(vecs [][]float32, weight float64) []float32 {
	n := len(vecs)
	g := make([]float32, ridgeDim*ridgeDim)
	if n == 0 {
		return g
	}
	sw := float32(math.Sqrt(weight))
	x := make([]float32, n*ridgeDim)
	xt := make([]float32, ridgeDim*n)
	for i, v := range vecs {
		row := x[i*ridgeDim : (i+1)*ridgeDim]
		for j, f := range v {
			row[j] = f * sw
		}
		row[encode.Dim] = sw
		for j, f := range row {
			xt[j*n+i] = f
		}
	}
	encode.MatMul(g, xt, x, ridgeDim, n, ridgeDim)
	return g
}

// scores returns the read-out of a vector: one number per class.
func (r ridge) scores(v []float32) []float32 {
	out := make([]float32, r.classes)
	for c := range out {
		w := r.w[c*ridgeDim : (c+1)*ridgeDim]
		s := w[encode.Dim]
		for j, f := range v {
			s += w[j] * f
		}
		out[c] = s
	}
	return out
}

// cholesky returns the lower triangle L of a = L·Lᵀ (n×n, positive
// definite).
func cholesky(a []float64, n int) []float64 {
	l := make([]float64, n*n)
	for i := range n {
		for j := 0; j <= i; j++ {
			s := a[i*n+j]
			li, lj := l[i*n:i*n+j], l[j*n:j*n+j]
			for k, v := range li {
				s -= v * lj[k]
			}
			if i == j {
				l[i*n+i] = math.Sqrt(max(s, 1e-12))
			} else {
				l[i*n+j] = s / l[j*n+j]
			}
		}
	}
	return l
}

// cholSolve solves L·Lᵀ·x = b.
func cholSolve(l []float64, n int, b []float64) []float64 {
	y := make([]float64, n)
	for i := range n {
		s := b[i]
		for k := range i {
			s -= l[i*n+k] * y[k]
		}
		y[i] = s / l[i*n+i]
	}
	x := make([]float64, n)
	for i := n - 1; i >= 0; i-- {
		s := y[i]
		for k := i + 1; k < n; k++ {
			s -= l[k*n+i] * x[k]
		}
		x[i] = s / l[i*n+i]
	}
	return x
}
