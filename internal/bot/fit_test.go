package bot

import (
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"cstbot/internal/faq"
)

var fit = flag.Bool("fit", false, "refit faq/rules/fusion.txt by cross-validation on the phrase bank")

// TestFitFusion fits the fusion's weights by cross-validation on the
// phrase bank and, with -fit, writes them to faq/rules/fusion.txt:
//
//	go test ./internal/bot -run TestFitFusion -fit -v
//
// The answer model is fitted on every held-out phrasing's candidates, and
// on phrasings of entries left out of the bank (only their question and
// three "also" lines kept), so that it does not lean on an entry having
// many phrasings; the urgent model on every phrasing; the thresholds are
// then chosen on the cross-validated readings.
func TestFitFusion(t *testing.T) {
	if !*fit {
		t.Skip("run with -fit to refit faq/rules/fusion.txt")
	}
	m := testMeaning(t)
	f := shippedFAQ(t)
	best := m.fusion
	bestScore := math.Inf(-1)
	for _, alpha := range []float32{0.6} {
		for _, k := range []int{5} {
			fu := m.fusion
			fu.alpha, fu.k = alpha, k
			items := crossEvidence(t, f, m, fu)
			sparse := sparseEvidence(t, f, m, fu)
			fu = fitModels(items, sparse, fu)
			score, summary := objective(items, sparse, fu)
			t.Logf("alpha %.2f votes %d: %s", alpha, k, summary)
			if score > bestScore {
				best, bestScore = fu, score
			}
		}
	}
	t.Logf("chosen:\n%s", best)
	header, _, _ := strings.Cut(string(mustRead(t, filepath.Join("../../faq", FusionFile))), "[read]")
	if err := os.WriteFile(filepath.Join("../../faq", FusionFile), []byte(header+best.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustRead(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// sparseEvidence is the evidence read by bots on which one entry is as
// the therapist adds it: its bank phrasings gone, only its question and
// three "also" lines kept. Each such bot also lacks one fold of the other
// phrasings, and reads those too, so that the entry's rivals, and
// out-of-scope messages, are read with a new entry present. Only the new
// entry's phrasings are scored as "left-out entries".
func sparseEvidence(tb testing.TB, shipped *faq.FAQ, m *Meaning, fu fusion) []cvItem {
	bank, _, err := m.bank.Check(shipped)
	if err != nil {
		tb.Fatal(err)
	}
	fold := assignFolds(bank.Phrases)
	out := make([][]cvItem, len(shipped.Entries))
	var wg sync.WaitGroup
	for i := range shipped.Entries {
		wg.Go(func() {
			b, held := leaveOut(shipped, m, bank.Phrases, i, func(j int) bool { return fold[j] == i%numFolds })
			for _, p := range held {
				out[i] = append(out[i], cvItem{p: p, ev: b.evidence(p.Text, fu), b: b})
			}
		})
	}
	wg.Wait()
	return slices.Concat(out...)
}

// newEntryItems are the items of sparse whose phrasing is of the entry
// left out.
func newEntryItems(sparse []cvItem) []cvItem {
	var out []cvItem
	for _, it := range sparse {
		if i := slices.IndexFunc(it.b.faq.Entries, func(e faq.Entry) bool { return e.ID == it.p.Label }); i >= 0 && it.b.sparse[i] == 1 {
			out = append(out, it)
		}
	}
	return out
}

// objective scores a fusion on the cross-validated readings: the sum of
// the kinds' rates, less a penalty for each bar missed.
// outOfScopeItems are the out-of-scope phrasings among items.
func outOfScopeItems(items []cvItem) []cvItem {
	var out []cvItem
	for _, it := range items {
		if it.p.Label == faq.LabelOutOfScope {
			out = append(out, it)
		}
	}
	return out
}

func objective(items, sparse []cvItem, fu fusion) (float64, string) {
	res := scoreItems(items, fu)
	loo := scoreItems(newEntryItems(sparse), fu)
	score := 0.0
	var summary []string
	// A wrong answer is worse than an honest fallback: out-of-scope counts
	// twice.
	for _, g := range []string{"in-scope", "out-of-scope", "urgent", "not-urgent", "small talk"} {
		r := res.rate(g)
		if g == "out-of-scope" {
			score += r
		}
		score += r
		if r < cvBars[g] {
			score -= 10 * (cvBars[g] - r)
		}
		summary = append(summary, g+" "+pct(r))
	}
	r := loo.rate("in-scope")
	score += r
	if r < 0.75 {
		score -= 10 * (0.75 - r)
	}
	summary = append(summary, "left-out entries "+pct(r))
	// and out-of-scope messages stay out with an entry just added
	r = scoreItems(outOfScopeItems(sparse), fu).rate("out-of-scope")
	score += r
	if r < cvBars["out-of-scope"] {
		score -= 10 * (cvBars["out-of-scope"] - r)
	}
	summary = append(summary, "out-of-scope beside them "+pct(r))
	return score, strings.Join(summary, ", ")
}

func pct(r float64) string { return fmt.Sprintf("%.1f%%", 100*r) }

// fitModels fits the answer and urgent models and chooses the thresholds.
func fitModels(items, sparse []cvItem, fu fusion) fusion {
	// The answer model: every candidate of every in-scope or out-of-scope
	// phrasing; yes for the phrasing's own entry.
	var xs [][]float64
	var ys, ws []float64
	addAnswer := func(it cvItem, weight float64) {
		if it.ev.byRuleOrWords() || len(it.ev.cands) == 0 {
			return
		}
		g := group(it.p.Label)
		if g != "in-scope" && g != "out-of-scope" {
			return
		}
		for _, c := range it.ev.cands {
			y := 0.0
			if g == "in-scope" && it.b.faq.Entries[c.entry].ID == it.p.Label {
				y = 1
			}
			xs, ys, ws = append(xs, c.x), append(ys, y), append(ws, weight)
		}
	}
	for _, it := range items {
		addAnswer(it, 1)
	}
	for _, it := range sparse {
		addAnswer(it, 1)
	}
	fu.answer = logistic(xs, ys, ws, 1e-3)
	// Re-rank the candidates by the new model.
	for _, set := range [][]cvItem{items, sparse} {
		for i := range set {
			for j := range set[i].ev.cands {
				set[i].ev.cands[j].logit = fu.answer.logit(set[i].ev.cands[j].x)
			}
			slices.SortFunc(set[i].ev.cands, func(a, c candidate) int { return cmpDesc(a.logit, c.logit) })
		}
	}

	// The accept model: each in-scope or out-of-scope phrasing's best
	// candidate; yes when it is the phrasing's entry.
	xs, ys, ws = nil, nil, nil
	for _, set := range [][]cvItem{items, sparse} {
		for _, it := range set {
			g := group(it.p.Label)
			if it.ev.byRuleOrWords() || len(it.ev.cands) == 0 || g != "in-scope" && g != "out-of-scope" {
				continue
			}
			y := 0.0
			if g == "in-scope" && it.b.faq.Entries[it.ev.cands[0].entry].ID == it.p.Label {
				y = 1
			}
			xs, ys, ws = append(xs, acceptX(it.ev.cands)), append(ys, y), append(ws, 1)
		}
	}
	fu.accept = logistic(xs, ys, ws, 1e-3)

	// The urgent model: the whole message's features of every phrasing,
	// and each sentence of a longer phrasing that is not urgent (a part of
	// an urgent one may be harmless, so those are left out).
	xs, ys, ws = nil, nil, nil
	for _, it := range items {
		if it.ev.byRuleOrWords() || len(it.ev.urgentX) == 0 {
			continue
		}
		y, w := 0.0, 1.0
		switch it.p.Label {
		case faq.LabelEmergency, faq.LabelCrisis:
			y, w = 1, 3 // recall first
		case faq.LabelNotUrgent:
			w = 2
		}
		xs, ys, ws = append(xs, it.ev.urgentX[0]), append(ys, y), append(ws, w)
		if y == 0 {
			for _, x := range it.ev.urgentX[1:] {
				xs, ys, ws = append(xs, x), append(ys, 0), append(ws, 1)
			}
		}
	}
	fu.urgent = logistic(xs, ys, ws, 1e-3)

	// Thresholds, on the readings: the urgent one as high as keeps recall
	// at 99.5%; then the small-talk ones and the answer one for the best
	// objective.
	// Recall first: a missed emergency weighs three false alarms.
	fu.urgent.threshold, fu.partThreshold = 0.5, 0.5
	bestU := math.Inf(-1)
	for _, th := range []float64{0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7} {
		for _, pth := range []float64{0.3, 0.5, 0.7, 0.8, 0.9, 0.95} {
			try := fu
			try.urgent.threshold, try.partThreshold = th, max(th, pth)
			res := scoreItems(items, try)
			others, alarms := 0, 0
			for _, g := range []string{"in-scope", "out-of-scope", "small talk"} {
				others += res.total[g]
				for _, miss := range res.misses[g] {
					if strings.HasSuffix(miss, "→ urgent") {
						alarms++
					}
				}
			}
			if s := 3*res.rate("urgent") + res.rate("not-urgent") + 2*(1-float64(alarms)/float64(others)); s > bestU {
				fu.urgent.threshold, fu.partThreshold, bestU = th, max(th, pth), s
			}
		}
	}
	bestScore := math.Inf(-1)
	best := fu
	for _, tmin := range []float32{0.5, 0.55, 0.6, 0.65, 0.7, 0.75} {
		for _, tm := range []float32{0, 0.02, 0.05, 0.08, 0.12} {
			for _, tw := range []int{12, 25, 60} {
				for _, th := range []float64{0.2, 0.3, 0.4, 0.5, 0.6, 0.7} {
					try := fu
					try.talkMin, try.talkMargin, try.talkWords, try.accept.threshold = tmin, tm, tw, th
					if s, _ := objective(items, sparse, try); s > bestScore {
						best, bestScore = try, s
					}
				}
			}
		}
	}
	// Never a guess: the answer threshold is the lowest that keeps the
	// out-of-scope bar, whatever it costs in-scope.
	// How sure the fusion must be to answer when the words disagree, for
	// entries the bank knows and for those it does not.
	for _, sure := range []float64{0.4, 0.5, 0.6, 0.7, 0.8} {
		for _, sparseSure := range []float64{0.2, 0.3, 0.4, 0.5, 0.6, 0.7} {
			for _, th := range []float64{0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5} {
				for _, sth := range []float64{0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5} {
					try := best
					try.sure, try.sparseSure, try.accept.threshold, try.sparseThreshold = sure, sparseSure, th, sth
					if s, _ := objective(items, sparse, try); s > bestScore {
						best, bestScore = try, s
					}
				}
			}
		}
	}
	for th := 0.2; th < 0.9; th += 0.02 {
		try := best
		try.accept.threshold = th
		if scoreItems(items, try).rate("out-of-scope") >= cvBars["out-of-scope"] {
			best.accept.threshold = th
			break
		}
	}
	return best
}

// logistic fits a weighted logistic regression with L2 penalty lambda by
// Newton's method.
func logistic(xs [][]float64, ys, ws []float64, lambda float64) model {
	d := len(xs[0]) + 1
	beta := make([]float64, d)
	row := func(x []float64) []float64 { return append([]float64{1}, x...) }
	for iter := 0; iter < 30; iter++ {
		grad := make([]float64, d)
		hess := make([][]float64, d)
		for i := range hess {
			hess[i] = make([]float64, d)
			hess[i][i] = lambda * float64(len(xs))
			grad[i] = lambda * float64(len(xs)) * beta[i]
		}
		for i, x := range xs {
			r := row(x)
			z := 0.0
			for j, v := range r {
				z += beta[j] * v
			}
			p := 1 / (1 + math.Exp(-z))
			g := ws[i] * (p - ys[i])
			h := ws[i] * p * (1 - p)
			for a, va := range r {
				grad[a] += g * va
				for b, vb := range r {
					hess[a][b] += h * va * vb
				}
			}
		}
		step := solve(hess, grad)
		change := 0.0
		for j := range beta {
			beta[j] -= step[j]
			change = max(change, math.Abs(step[j]))
		}
		if change < 1e-6 {
			break
		}
	}
	return model{bias: beta[0], w: beta[1:], threshold: 0.5}
}

// solve solves a·x = b by Gaussian elimination with partial pivoting.
func solve(a [][]float64, b []float64) []float64 {
	n := len(b)
	m := make([][]float64, n)
	for i := range a {
		m[i] = append(slices.Clone(a[i]), b[i])
	}
	for c := range n {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(m[r][c]) > math.Abs(m[p][c]) {
				p = r
			}
		}
		m[c], m[p] = m[p], m[c]
		for r := c + 1; r < n; r++ {
			f := m[r][c] / m[c][c]
			for k := c; k <= n; k++ {
				m[r][k] -= f * m[c][k]
			}
		}
	}
	x := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		s := m[r][n]
		for k := r + 1; k < n; k++ {
			s -= m[r][k] * x[k]
		}
		x[r] = s / m[r][r]
	}
	return x
}
