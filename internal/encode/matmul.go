package encode

// gemm sets the m×n block c (rows ldc apart) to the m×k block a (rows lda
// apart) times the k×n matrix packed in panels of panelWidth columns (see
// linear). It uses the fastest kernel the CPU has; gemmGo is the
// reference the others are tested against.
func gemm(c []float32, ldc int, a []float32, lda, m, k, n int, packed []float32) {
	if m == 0 || k == 0 || n == 0 {
		return
	}
	_ = c[(m-1)*ldc+n-1]
	_ = a[(m-1)*lda+k-1]
	_ = packed[k*n-1]
	if kernel != nil {
		kernel(c, ldc, a, lda, m, k, n, packed)
		return
	}
	gemmGo(c, ldc, a, lda, m, k, n, packed)
}

type gemmFunc func(c []float32, ldc int, a []float32, lda, m, k, n int, packed []float32)

type namedKernel struct {
	name string
	gemm gemmFunc
}

// kernel is the assembly kernel chosen for this CPU at start-up
// (golang.org/x/sys/cpu), or nil for gemmGo.
var kernel, kernelName = func() (gemmFunc, string) {
	if ks := cpuKernels(); len(ks) > 0 {
		return ks[0].gemm, ks[0].name
	}
	return nil, "go"
}()

// gemmGo is the portable kernel: for each panel, rows four at a time, so
// that each loaded panel row serves four output rows.
func gemmGo(c []float32, ldc int, a []float32, lda, m, k, n int, packed []float32) {
	for p := range n / panelWidth {
		panel := packed[p*k*panelWidth : (p+1)*k*panelWidth]
		i := 0
		for ; i+4 <= m; i += 4 {
			var acc [4][panelWidth]float32
			a0, a1, a2, a3 := a[i*lda:i*lda+k], a[(i+1)*lda:(i+1)*lda+k], a[(i+2)*lda:(i+2)*lda+k], a[(i+3)*lda:(i+3)*lda+k]
			for kk := range k {
				b := (*[panelWidth]float32)(panel[kk*panelWidth:])
				v0, v1, v2, v3 := a0[kk], a1[kk], a2[kk], a3[kk]
				for j, bv := range b {
					acc[0][j] += v0 * bv
					acc[1][j] += v1 * bv
					acc[2][j] += v2 * bv
					acc[3][j] += v3 * bv
				}
			}
			for r := range 4 {
				copy(c[(i+r)*ldc+p*panelWidth:(i+r)*ldc+(p+1)*panelWidth], acc[r][:])
			}
		}
		for ; i < m; i++ {
			var acc [panelWidth]float32
			for kk, v := range a[i*lda : i*lda+k] {
				b := (*[panelWidth]float32)(panel[kk*panelWidth:])
				for j, bv := range b {
					acc[j] += v * bv
				}
			}
			copy(c[i*ldc+p*panelWidth:i*ldc+(p+1)*panelWidth], acc[:])
		}
	}
}

// packRows is packPanels for a row-major k×n matrix b: each panel row is
// a slice of one of b's rows, copied whole. dst must be zeroed.
func packRows(dst, b []float32, k, n int) {
	for p := range (n + panelWidth - 1) / panelWidth {
		from, to := p*panelWidth, min((p+1)*panelWidth, n)
		panel := dst[p*k*panelWidth : (p+1)*k*panelWidth]
		for kk := range k {
			copy(panel[kk*panelWidth:], b[kk*n+from:kk*n+to])
		}
	}
}

// packPanels writes the k×n matrix whose element (kk, j) is at(kk, j)
// into dst in panels of panelWidth columns, n rounded up to a whole panel
// with zeros, and returns the padded width.
func packPanels(dst []float32, k, n int, at func(kk, j int) float32) int {
	padded := (n + panelWidth - 1) / panelWidth * panelWidth
	dst = dst[:k*padded]
	for p := range padded / panelWidth {
		panel := dst[p*k*panelWidth : (p+1)*k*panelWidth]
		for kk := range k {
			row := panel[kk*panelWidth : (kk+1)*panelWidth]
			for c := range row {
				if j := p*panelWidth + c; j < n {
					row[c] = at(kk, j)
				} else {
					row[c] = 0
				}
			}
		}
	}
	return padded
}
