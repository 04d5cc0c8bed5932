package main

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// TestEmbed: one JSON line per input line, empty lines included, in
// order, each a unit vector of 512 numbers.
func TestEmbed(t *testing.T) {
	in := "How long is a session?\n\nmy chest hurts\r\nlast line without newline"
	out, errOut, code := runCLI(t, nil, in, "embed")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	want := []string{"How long is a session?", "", "my chest hurts", "last line without newline"}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want), out)
	}
	for i, l := range lines {
		var e struct {
			Text   string    `json:"text"`
			Vector []float64 `json:"vector"`
		}
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if e.Text != want[i] || len(e.Vector) != 512 {
			t.Errorf("line %d: text %q with %d numbers, want %q with 512", i+1, e.Text, len(e.Vector), want[i])
		}
		var n float64
		for _, v := range e.Vector {
			n += v * v
		}
		if math.Abs(n-1) > 1e-3 {
			t.Errorf("line %d: length %.4f, want 1", i+1, math.Sqrt(n))
		}
	}
	args, _, _ := runCLI(t, nil, "", "embed", "How long is a session?", "my chest hurts")
	if got := strings.Split(strings.TrimSuffix(args, "\n"), "\n"); len(got) != 2 || got[0] != lines[0] {
		t.Errorf("embed TEXT TEXT: %d lines, first %.60q; want 2, the same as from input", len(got), got[0])
	}
}
