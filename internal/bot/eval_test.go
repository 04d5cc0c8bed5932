package bot

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

type labelled struct {
	Q    string   `json:"q"`
	Kind Kind     `json:"kind"`
	IDs  []string `json:"ids"`
}

func loadSet(tb testing.TB, path string) []labelled {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l labelled
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
		out = append(out, l)
	}
	return out
}

// TestEvalSets runs labelled client messages through the bot and fails below
// the rates the bot must reach. dev.jsonl is a copy of shared/eval/dev.jsonl,
// which the thresholds were tuned on; heldout*.jsonl were written
// separately, in other words, as checks that the matcher generalises (each
// was scored once before any change it prompted).
func TestEvalSets(t *testing.T) {
	b := shippedBot(t)
	sets := []struct {
		file             string
		inScope, outside float64
		notTuned         bool // never tuned on: small talk and urgent are counted, not required all right
	}{
		{"dev.jsonl", 0.95, 0.90, false},
		{"heldout.jsonl", 0.90, 0.85, false},
		{"heldout2.jsonl", 0.90, 0.85, false},
		{"heldout3.jsonl", 0.85, 0.85, false}, // scored 73% in-scope when first written
		{"heldout4.jsonl", 0.90, 0.85, false}, // scored 83% in-scope, 91% out-of-scope when first written
		{"heldout5.jsonl", 0.90, 0.85, false}, // scored 80% in-scope, 86% out-of-scope when first written
		// Written by a helper that saw neither the bank nor the matcher, in
		// voices of its own; scored 87.5% in-scope, 93.1% out-of-scope,
		// urgent 20 of 20 the first time, with the phrase bank and fusion.
		{"heldout6.jsonl", 0.85, 0.85, true},
		// The same, by another helper, after the bank grew to 7,900 lines:
		// first scored 82.2% in-scope, 92.0% out-of-scope, urgent 20 of 20.
		{"heldout7.jsonl", 0.80, 0.85, true},
		// Two more by other helpers, after the fusion was last fitted: first
		// scored 95.0% in-scope, 100% out-of-scope, urgent 12 of 12
		// (heldout8), and, in other voices, 88.9%, 96.7%, urgent 15 of 15
		// (heldout9).
		{"heldout8.jsonl", 0.90, 0.85, true},
		{"heldout9.jsonl", 0.85, 0.85, true},
		// and one more, written while a refit was tried (and rejected):
		// first scored 88.4% in-scope, 92.0% out-of-scope, urgent 15 of 15.
		{"heldout10.jsonl", 0.85, 0.85, true},
		// by another helper, after the halves and the urgent rules' past:
		// first scored 93.9% in-scope, 88.5% out-of-scope, urgent 15 of 15,
		// small talk 10 of 10.
		{"heldout11.jsonl", 0.90, 0.85, true},
	}
	for _, set := range sets {
		t.Run(set.file, func(t *testing.T) {
			right := map[Kind]int{}
			total := map[Kind]int{}
			for _, l := range loadSet(t, filepath.Join("testdata", set.file)) {
				r := b.Respond(context.Background(), Message{Text: l.Q})
				total[l.Kind]++
				ok := r.Kind == l.Kind && (l.Kind != KindAnswer || slices.Contains(l.IDs, r.ID))
				if ok {
					right[l.Kind]++
				} else {
					t.Logf("miss: %q: got %s %q (%.2f), want %s %v", l.Q, r.Kind, r.ID, r.Score, l.Kind, l.IDs)
				}
				if l.Kind == KindUrgent {
					if !emergencyRE.MatchString(r.Text) {
						t.Errorf("urgent reply to %q names neither 911 nor 988", l.Q)
					}
				} else if !contactRE.MatchString(r.Text) {
					t.Errorf("reply to %q has no contact details", l.Q)
				}
			}
			rate := func(k Kind) float64 { return float64(right[k]) / float64(total[k]) }
			t.Logf("in-scope %d/%d, out-of-scope %d/%d", right[KindAnswer], total[KindAnswer], right[KindFallback], total[KindFallback])
			if rate(KindAnswer) < set.inScope {
				t.Errorf("in-scope %.1f%%, want at least %.0f%%", 100*rate(KindAnswer), 100*set.inScope)
			}
			if rate(KindFallback) < set.outside {
				t.Errorf("out-of-scope %.1f%%, want at least %.0f%%", 100*rate(KindFallback), 100*set.outside)
			}
			for _, k := range []Kind{KindGreeting, KindThanks, KindHelp, KindUrgent} {
				if set.notTuned && k != KindUrgent {
					t.Logf("%s: %d of %d right", k, right[k], total[k])
					continue
				}
				if total[k] > 0 && right[k] != total[k] {
					t.Errorf("%s: %d of %d right, want all", k, right[k], total[k])
				}
			}
		})
	}
}
