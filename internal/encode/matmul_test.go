package encode

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestKernels holds the CPU's assembly kernel to gemmGo on every block
// height, odd and even k, and rows apart by more than k.
func TestKernels(t *testing.T) {
	ks := cpuKernels()
	if len(ks) == 0 {
		t.Skip("no assembly kernel on this CPU")
	}
	for _, kn := range ks {
		t.Run(kn.name, func(t *testing.T) { testKernel(t, kn.gemm) })
	}
}

func testKernel(t *testing.T, kernel gemmFunc) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, k := range []int{1, 2, 3, 17, 64, 256} {
		for _, n := range []int{64, 192} {
			for m := 1; m <= 14; m++ {
				lda, ldc := k+3, n+5
				a := make([]float32, m*lda)
				for i := range a {
					a[i] = rng.Float32()*2 - 1
				}
				packed := make([]float32, k*n)
				for i := range packed {
					packed[i] = rng.Float32()*2 - 1
				}
				want := make([]float32, m*ldc)
				got := make([]float32, m*ldc)
				gemmGo(want, ldc, a, lda, m, k, n, packed)
				kernel(got, ldc, a, lda, m, k, n, packed)
				for i := range m {
					for j := range ldc {
						w, g := want[i*ldc+j], got[i*ldc+j]
						if j >= n && g != 0 {
							t.Fatalf("m=%d k=%d n=%d: wrote past the block at (%d,%d)", m, k, n, i, j)
						}
						if math.Abs(float64(w-g)) > 1e-4*math.Sqrt(float64(k)) {
							t.Fatalf("m=%d k=%d n=%d: c[%d][%d] = %g, want %g", m, k, n, i, j, g, w)
						}
					}
				}
			}
		}
	}
}

// TestGoKernel runs the whole encoder on the portable kernel, as on a CPU
// without AVX2, and holds it to the assembly one.
func TestGoKernel(t *testing.T) {
	e := encoder(t)
	texts := []string{"How long is a session?", "my chest hurts", "", "a much longer message about what happens during a first visit and whether I keep my clothes on"}
	var fast [][]float32
	for _, s := range texts {
		fast = append(fast, e.Encode(s))
	}
	saved, savedHalf := kernel, halfKernel
	kernel, halfKernel = nil, nil
	defer func() { kernel, halfKernel = saved, savedHalf }()
	for i, s := range texts {
		if c := cosine(e.Encode(s), fast[i]); c < 0.99999 {
			t.Errorf("Encode(%q): portable and %s kernels differ, cosine %.6f", s, e.Stats().Kernel, c)
		}
	}
}
