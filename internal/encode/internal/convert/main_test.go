package main

import (
	"math"
	"testing"
)

func TestQuantizeRows(t *testing.T) {
	w := []float32{0.5, -1, 0.25, 0, 0, 0, 3, 1.5, -0.003}
	scales, q := quantizeRows(w, 3, 3)
	if scales[1] != 0 {
		t.Errorf("an all-zero row has scale %g, want 0", scales[1])
	}
	for i, v := range w {
		got := float32(q[i]) * scales[i/3]
		if math.Abs(float64(got-v)) > float64(scales[i/3])/2+1e-9 {
			t.Errorf("w[%d] = %g comes back as %g, more than half a step off (scale %g)", i, v, got, scales[i/3])
		}
	}
	if q[1] != -127 || q[6] != 127 {
		t.Errorf("the largest magnitude of a row is ±127: got %d and %d", q[1], q[6])
	}
}

func TestSqueeze(t *testing.T) {
	if got := squeeze([]int{1, 1, 256, 768}); len(got) != 2 || got[0] != 256 || got[1] != 768 {
		t.Errorf("squeeze([1 1 256 768]) = %v", got)
	}
}
