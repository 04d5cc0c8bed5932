package encode

import "math"

// The matrices the encoder keeps (its weights, a Matrix of vectors) are
// held in half precision, IEEE 754 binary16: half the memory of float32,
// and the kernels widen them as they load them. The weights come from an
// int8 weight file and the vectors are compared by cosine, so the halves
// cost nothing measurable (TestReferenceVectors).

// toHalf rounds f to the nearest half (ties to even); beyond the halves'
// range it is ±Inf.
func toHalf(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	if b&0x7fffffff > 0x7f800000 { // NaN
		return sign | 0x7e00
	}
	exp := int(b>>23&0xff) - 127 + 15
	mant := b & 0x7fffff
	switch {
	case exp >= 31:
		return sign | 0x7c00
	case exp <= 0: // a subnormal half, or zero
		if exp < -10 {
			return sign
		}
		mant |= 0x800000
		shift := uint(14 - exp)
		h := mant >> shift
		rem, halfway := mant&(1<<shift-1), uint32(1)<<(shift-1)
		if rem > halfway || rem == halfway && h&1 == 1 {
			h++
		}
		return sign | uint16(h)
	}
	h := uint32(exp)<<10 | mant>>13
	if rem := mant & 0x1fff; rem > 0x1000 || rem == 0x1000 && h&1 == 1 {
		h++ // a carry into the exponent is right, up to Inf
	}
	return sign | uint16(h)
}

// fromHalf returns the float32 a half stands for (exactly).
func fromHalf(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h & 0x3ff)
	switch exp {
	case 0: // zero or subnormal: mant × 2⁻²⁴
		f := float32(mant) / (1 << 24)
		if sign != 0 {
			f = -f
		}
		return f
	case 31:
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
}

// toHalves converts fs into dst (as long).
func toHalves(dst []uint16, fs []float32) {
	for i, f := range fs {
		dst[i] = toHalf(f)
	}
}

// gemmHalf is gemm for a packed B of halves.
func gemmHalf(c []float32, ldc int, a []float32, lda, m, k, n int, packed []uint16) {
	if m == 0 || k == 0 || n == 0 {
		return
	}
	_ = c[(m-1)*ldc+n-1]
	_ = a[(m-1)*lda+k-1]
	_ = packed[k*n-1]
	if halfKernel != nil {
		halfKernel(c, ldc, a, lda, m, k, n, packed)
		return
	}
	gemmGoHalf(c, ldc, a, lda, m, k, n, packed)
}

type gemmHalfFunc func(c []float32, ldc int, a []float32, lda, m, k, n int, packed []uint16)

type namedHalfKernel struct {
	name string
	gemm gemmHalfFunc
}

// halfKernel is the assembly kernel for halves chosen for this CPU at
// start-up, or nil for gemmGoHalf.
var halfKernel = func() gemmHalfFunc {
	if ks := cpuHalfKernels(); len(ks) > 0 {
		return ks[0].gemm
	}
	return nil
}()

// gemmGoHalf is the portable kernel for halves: gemmGo on each panel row
// widened to float32 once, for every row of a.
func gemmGoHalf(c []float32, ldc int, a []float32, lda, m, k, n int, packed []uint16) {
	var row [panelWidth]float32
	for p := range n / panelWidth {
		panel := packed[p*k*panelWidth : (p+1)*k*panelWidth]
		acc := make([]float32, m*panelWidth)
		for kk := range k {
			for j, h := range panel[kk*panelWidth : (kk+1)*panelWidth] {
				row[j] = fromHalf(h)
			}
			for i := range m {
				v := a[i*lda+kk]
				out := (*[panelWidth]float32)(acc[i*panelWidth:])
				for j, b := range row {
					out[j] += v * b
				}
			}
		}
		for i := range m {
			copy(c[i*ldc+p*panelWidth:i*ldc+(p+1)*panelWidth], acc[i*panelWidth:(i+1)*panelWidth])
		}
	}
}
