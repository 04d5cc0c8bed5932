package encode

import (
	"iter"
	"unsafe"

	"golang.org/x/sys/cpu"
)

// The assembly kernels (kernel_amd64.s). Each computes an h×64 block (AVX-
// 512) or h×16 block (AVX2) of a·b over k, b being one packed panel.
//
//go:noescape
func kernelAVX512x1(a *float32, lda int, b *float32, k int, c *float32, ldc int)

//go:noescape
func kernelAVX512x2(a *float32, lda int, b *float32, k int, c *float32, ldc int)

//go:noescape
func kernelAVX512x3(a *float32, lda int, b *float32, k int, c *float32, ldc int)

//go:noescape
func kernelAVX512x4(a *float32, lda int, b *float32, k int, c *float32, ldc int)

//go:noescape
func kernelAVX512x5(a *float32, lda int, b *float32, k int, c *float32, ldc int)

//go:noescape
func kernelAVX512x6(a *float32, lda int, b *float32, k int, c *float32, ldc int)

//go:noescape
func kernelAVX2x1(a *float32, lda int, b *float32, k int, c *float32, ldc int)

//go:noescape
func kernelAVX2x2(a *float32, lda int, b *float32, k int, c *float32, ldc int)

//go:noescape
func kernelAVX2x3(a *float32, lda int, b *float32, k int, c *float32, ldc int)

//go:noescape
func kernelAVX2x4(a *float32, lda int, b *float32, k int, c *float32, ldc int)

// The same for a B of halves (kernel_half_amd64.s).

//go:noescape
func kernelHalfAVX512x1(a *float32, lda int, b *uint16, k int, c *float32, ldc int)

//go:noescape
func kernelHalfAVX512x2(a *float32, lda int, b *uint16, k int, c *float32, ldc int)

//go:noescape
func kernelHalfAVX512x3(a *float32, lda int, b *uint16, k int, c *float32, ldc int)

//go:noescape
func kernelHalfAVX512x4(a *float32, lda int, b *uint16, k int, c *float32, ldc int)

//go:noescape
func kernelHalfAVX512x5(a *float32, lda int, b *uint16, k int, c *float32, ldc int)

//go:noescape
func kernelHalfAVX512x6(a *float32, lda int, b *uint16, k int, c *float32, ldc int)

//go:noescape
func kernelHalfAVX2x1(a *float32, lda int, b *uint16, k int, c *float32, ldc int)

//go:noescape
func kernelHalfAVX2x2(a *float32, lda int, b *uint16, k int, c *float32, ldc int)

//go:noescape
func kernelHalfAVX2x3(a *float32, lda int, b *uint16, k int, c *float32, ldc int)

//go:noescape
func kernelHalfAVX2x4(a *float32, lda int, b *uint16, k int, c *float32, ldc int)

type blockKernel func(a *float32, lda int, b *float32, k int, c *float32, ldc int)

var (
	avx512Kernels = [...]blockKernel{nil, kernelAVX512x1, kernelAVX512x2, kernelAVX512x3, kernelAVX512x4, kernelAVX512x5, kernelAVX512x6}
	avx2Kernels   = [...]blockKernel{nil, kernelAVX2x1, kernelAVX2x2, kernelAVX2x3, kernelAVX2x4}

	halfAVX512Kernels = [...]halfBlockKernel{nil, kernelHalfAVX512x1, kernelHalfAVX512x2, kernelHalfAVX512x3, kernelHalfAVX512x4, kernelHalfAVX512x5, kernelHalfAVX512x6}
	halfAVX2Kernels   = [...]halfBlockKernel{nil, kernelHalfAVX2x1, kernelHalfAVX2x2, kernelHalfAVX2x3, kernelHalfAVX2x4}
)

type halfBlockKernel func(a *float32, lda int, b *uint16, k int, c *float32, ldc int)

// cpuHalfKernels lists the kernels for halves this CPU can run, fastest
// first. VCVTPH2PS (F16C) came to x86 before FMA did: every CPU with FMA
// has it.
func cpuHalfKernels() []namedHalfKernel {
	var out []namedHalfKernel
	if cpu.X86.HasAVX512F {
		out = append(out, namedHalfKernel{"avx512", gemmHalfAVX512})
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		out = append(out, namedHalfKernel{"avx2", gemmHalfAVX2})
	}
	return out
}

// cpuKernels lists the kernels this CPU can run, fastest first.
func cpuKernels() []namedKernel {
	var out []namedKernel
	if cpu.X86.HasAVX512F {
		out = append(out, namedKernel{"avx512", gemmAVX512})
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		out = append(out, namedKernel{"avx2", gemmAVX2})
	}
	return out
}

// blocks splits m rows into blocks of at most most rows, as even as they
// can be (25 rows are five of five, not four of six and one of one: a
// block of one row runs at a fraction of a full block's speed). It yields
// each block's first row and height.
func blocks(m, most int) iter.Seq2[int, int] {
	return func(yield func(int, int) bool) {
		n := (m + most - 1) / most
		for b, i := 0, 0; b < n; b++ {
			h := (m - i) / (n - b)
			if !yield(i, h) {
				return
			}
			i += h
		}
	}
}

// gemmAVX512 goes panel by panel, so that each panel is read from memory
// once and serves every row of a from the cache, six rows at a time.
func gemmAVX512(c []float32, ldc int, a []float32, lda, m, k, n int, packed []float32) {
	for p := range n / panelWidth {
		b := &packed[p*k*panelWidth]
		if m == 1 && k%2 == 1 { // the one-row kernel takes k two at a time
			kernelAVX512x2(&a[0], 0, b, k, &c[p*panelWidth], 0)
			continue
		}
		for i, h := range blocks(m, 6) {
			avx512Kernels[h](&a[i*lda], lda, b, k, &c[i*ldc+p*panelWidth], ldc)
		}
	}
}

// gemmAVX2 does the same in 16-column blocks, four rows at a time.
func gemmAVX2(c []float32, ldc int, a []float32, lda, m, k, n int, packed []float32) {
	for p := range n / panelWidth {
		panel := unsafe.Pointer(&packed[p*k*panelWidth])
		for col := 0; col < panelWidth; col += 16 {
			b := (*float32)(unsafe.Add(panel, 4*col))
			for i, h := range blocks(m, 4) {
				avx2Kernels[h](&a[i*lda], lda, b, k, &c[i*ldc+p*panelWidth+col], ldc)
			}
		}
	}
}

// gemmHalfAVX512 is gemmAVX512 for a B of halves.
func gemmHalfAVX512(c []float32, ldc int, a []float32, lda, m, k, n int, packed []uint16) {
	for p := range n / panelWidth {
		b := &packed[p*k*panelWidth]
		if m == 1 && k%2 == 1 {
			kernelHalfAVX512x2(&a[0], 0, b, k, &c[p*panelWidth], 0)
			continue
		}
		for i, h := range blocks(m, 6) {
			halfAVX512Kernels[h](&a[i*lda], lda, b, k, &c[i*ldc+p*panelWidth], ldc)
		}
	}
}

// gemmHalfAVX2 is gemmAVX2 for a B of halves.
func gemmHalfAVX2(c []float32, ldc int, a []float32, lda, m, k, n int, packed []uint16) {
	for p := range n / panelWidth {
		panel := unsafe.Pointer(&packed[p*k*panelWidth])
		for col := 0; col < panelWidth; col += 16 {
			b := (*uint16)(unsafe.Add(panel, 2*col))
			for i, h := range blocks(m, 4) {
				halfAVX2Kernels[h](&a[i*lda], lda, b, k, &c[i*ldc+p*panelWidth+col], ldc)
			}
		}
	}
}
