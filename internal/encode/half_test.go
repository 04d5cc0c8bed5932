package encode

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestHalfRoundTrip: every half comes back as itself through float32,
// and a float32 rounds to the nearer of the halves around it.
func TestHalfRoundTrip(t *testing.T) {
	for h := range 1 << 16 {
		f := fromHalf(uint16(h))
		if f != f { // NaN
			if got := toHalf(f); got&0x7c00 != 0x7c00 || got&0x3ff == 0 {
				t.Fatalf("toHalf(NaN) = %#04x, not a NaN", got)
			}
			continue
		}
		if got := toHalf(f); got != uint16(h) {
			t.Fatalf("toHalf(fromHalf(%#04x) = %g) = %#04x", h, f, got)
		}
	}
	for _, c := range []struct {
		f    float32
		want uint16
	}{
		{1, 0x3c00}, {-2, 0xc000}, {65504, 0x7bff}, {65520, 0x7c00}, {1e6, 0x7c00},
		{0x1p-24, 0x0001}, {0x1p-26, 0}, {1 + 0x1p-11, 0x3c00}, {1 + 3*0x1p-11, 0x3c02}, {0.1, 0x2e66},
	} {
		if got := toHalf(c.f); got != c.want {
			t.Errorf("toHalf(%g) = %#04x, want %#04x", c.f, got, c.want)
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 100_000 {
		f := float32(rng.NormFloat64())
		h := toHalf(f)
		if d := math.Abs(float64(fromHalf(h) - f)); d > max(math.Abs(float64(f))*0x1p-11, 0x1p-25) {
			t.Fatalf("toHalf(%g) = %g, %g away", f, fromHalf(h), d)
		}
	}
}

// TestHalfKernels holds the CPU's kernels for halves to gemmGoHalf, and
// gemmGoHalf to gemmGo on the same numbers as float32.
func TestHalfKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, k := range []int{1, 2, 3, 17, 64, 256} {
		for _, n := range []int{64, 192} {
			for m := 1; m <= 14; m++ {
				lda, ldc := k+3, n+5
				a := make([]float32, m*lda)
				for i := range a {
					a[i] = rng.Float32()*2 - 1
				}
				halves := make([]uint16, k*n)
				floats := make([]float32, k*n)
				for i := range halves {
					halves[i] = toHalf(rng.Float32()*2 - 1)
					floats[i] = fromHalf(halves[i])
				}
				want := make([]float32, m*ldc)
				gemmGo(want, ldc, a, lda, m, k, n, floats)
				kernels := append([]namedHalfKernel{{"go", gemmGoHalf}}, cpuHalfKernels()...)
				for _, kn := range kernels {
					got := make([]float32, m*ldc)
					kn.gemm(got, ldc, a, lda, m, k, n, halves)
					for i := range m {
						for j := range ldc {
							w, g := want[i*ldc+j], got[i*ldc+j]
							if j >= n && g != 0 {
								t.Fatalf("%s: m=%d k=%d n=%d: wrote past the block at (%d,%d)", kn.name, m, k, n, i, j)
							}
							if math.Abs(float64(w-g)) > 1e-4*math.Sqrt(float64(k)) {
								t.Fatalf("%s: m=%d k=%d n=%d: c[%d][%d] = %g, want %g", kn.name, m, k, n, i, j, g, w)
							}
						}
					}
				}
			}
		}
	}
}
