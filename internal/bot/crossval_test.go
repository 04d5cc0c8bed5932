package bot

import (
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"testing"

	"cstbot/internal/faq"
)

// The phrase bank's cross-validation: the bank is split in five folds,
// stratified by label (each entry and each kind spread evenly over the
// folds); each fold's lines are answered by a bot that knows the other
// four. The same folds serve the fit of the fusion (TestFitFusion -fit).

const numFolds = 5

// assignFolds gives each phrasing a fold, stratified by label, with a
// fixed seed.
func assignFolds(phrases []faq.Phrase) []int {
	byLabel := make(map[string][]int)
	for i, p := range phrases {
		byLabel[p.Label] = append(byLabel[p.Label], i)
	}
	fold := make([]int, len(phrases))
	rng := rand.New(rand.NewPCG(7, 11))
	labels := make([]string, 0, len(byLabel))
	for l := range byLabel {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	for _, l := range labels {
		idx := byLabel[l]
		rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		for k, i := range idx {
			fold[i] = k % numFolds
		}
	}
	return fold
}

// cvItem is one held-out phrasing and what the bot gathered about it.
type cvItem struct {
	p  faq.Phrase
	ev evidence
	b  *Bot
}

// crossEvidence gathers the evidence for every phrasing of the bank, each
// by a bot that does not know its fold.
func crossEvidence(tb testing.TB, f *faq.FAQ, m *Meaning, fu fusion) []cvItem {
	tb.Helper()
	bank, _, err := m.bank.Check(f)
	if err != nil {
		tb.Fatal(err)
	}
	phrases := bank.Phrases
	fold := assignFolds(phrases)
	items := make([]cvItem, len(phrases))
	var wg sync.WaitGroup
	for k := range numFolds {
		var train []faq.Phrase
		for i, p := range phrases {
			if fold[i] != k {
				train = append(train, p)
			}
		}
		b := newBot(f, m, train)
		b.fusion = fu
		wg.Go(func() {
			for i, p := range phrases {
				if fold[i] == k {
					items[i] = cvItem{p: p, ev: b.evidence(p.Text, fu), b: b}
				}
			}
		})
	}
	wg.Wait()
	return items
}

// tally counts, per kind of phrasing, how many the bot got right.
type tally struct {
	right, total map[string]int
	misses       map[string][]string
}

func newTally() *tally {
	return &tally{right: map[string]int{}, total: map[string]int{}, misses: map[string][]string{}}
}

// group is the kind a phrasing's label is scored under.
func group(label string) string {
	switch label {
	case faq.LabelOutOfScope:
		return "out-of-scope"
	case faq.LabelEmergency, faq.LabelCrisis:
		return "urgent"
	case faq.LabelNotUrgent:
		return "not-urgent"
	case faq.LabelGreeting, faq.LabelThanks, faq.LabelGoodbye, faq.LabelHelp:
		return "small talk"
	}
	return "in-scope"
}

// correct reports whether the reading of a phrasing is what its label
// asks: its entry; a fallback; urgent; not urgent; its kind of small talk.
func correct(b *Bot, label string, u understanding) bool {
	switch label {
	case faq.LabelOutOfScope:
		return u.kind == KindFallback
	case faq.LabelEmergency, faq.LabelCrisis:
		return u.kind == KindUrgent
	case faq.LabelNotUrgent:
		return u.kind != KindUrgent
	case faq.LabelGreeting:
		return u.kind == KindGreeting
	case faq.LabelThanks, faq.LabelGoodbye:
		return u.kind == KindThanks
	case faq.LabelHelp:
		return u.kind == KindHelp
	}
	return u.kind == KindAnswer && b.faq.Entries[u.entry].ID == label
}

func (t *tally) add(b *Bot, p faq.Phrase, u understanding) {
	g := group(p.Label)
	t.total[g]++
	if correct(b, p.Label, u) {
		t.right[g]++
		return
	}
	got := string(u.kind)
	if u.kind == KindAnswer {
		got += " " + b.faq.Entries[u.entry].ID
	}
	t.misses[g] = append(t.misses[g], "["+p.Label+"] "+p.Text+"  → "+got)
}

func (t *tally) rate(g string) float64 {
	if t.total[g] == 0 {
		return 1
	}
	return float64(t.right[g]) / float64(t.total[g])
}

func scoreItems(items []cvItem, fu fusion) *tally {
	t := newTally()
	for _, it := range items {
		t.add(it.b, it.p, it.b.decide(it.ev, fu))
	}
	return t
}

// The bars of the cross-validation that the issue set: in-scope,
// out-of-scope, urgent recall, small talk; and at most 3% of the hard
// negatives urgent. The fit aims at them (TestFitFusion).
var cvBars = map[string]float64{"in-scope": 0.93, "out-of-scope": 0.90, "urgent": 0.99, "not-urgent": 0.97, "small talk": 0.95}

// cvFloors are what the cross-validation measured when the fusion was last
// fitted, less a point: the test fails below them, so that no change makes
// the bot worse unnoticed. Where a floor is below its bar, the bar is not
// met yet, and the test says so in its log (README "Measured").
var cvFloors = map[string]float64{"in-scope": 0.81, "out-of-scope": 0.89, "urgent": 0.97, "not-urgent": 0.93, "small talk": 0.87}

// TestCrossValidation is the bank's 5-fold cross-validation, stratified
// by label, through the bot's own reading of each held-out phrasing. It
// prints each kind's rate and every urgent miss.
func TestCrossValidation(t *testing.T) {
	m := testMeaning(t)
	items := crossEvidence(t, shippedFAQ(t), m, m.fusion)
	res := scoreItems(items, m.fusion)
	for _, g := range []string{"in-scope", "out-of-scope", "urgent", "not-urgent", "small talk"} {
		name := g
		if g == "not-urgent" {
			name = "hard negatives not urgent"
		}
		t.Logf("%-26s %5.1f%% (%d/%d)", name, 100*res.rate(g), res.right[g], res.total[g])
	}
	for _, miss := range res.misses["urgent"] {
		t.Logf("urgent missed: %s", miss)
	}
	for g, bar := range cvBars {
		if res.rate(g) < bar {
			t.Logf("%s: %.1f%%, below the issue's bar of %.0f%%", g, 100*res.rate(g), 100*bar)
		}
		if res.rate(g) < cvFloors[g] {
			t.Errorf("%s: %.1f%%, below the floor of %.0f%% (it measured more when last fitted)", g, 100*res.rate(g), 100*cvFloors[g])
			for _, miss := range res.misses[g] {
				t.Logf("  %s", miss)
			}
		}
	}
}

// TestLeaveOneEntryOut: an entry whose bank lines are all removed, with
// only its question and three "also" lines kept, as the therapist would
// add it, must still be reached by at least 70% of those bank lines.
func TestLeaveOneEntryOut(t *testing.T) {
	m := testMeaning(t)
	shipped := shippedFAQ(t)
	bank, _, err := m.bank.Check(shipped)
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		id   string
		rate float64
	}
	results := make([]result, len(shipped.Entries))
	var wg sync.WaitGroup
	for i, e := range shipped.Entries {
		wg.Go(func() {
			b, held := leaveOut(shipped, m, bank.Phrases, i, func(int) bool { return false })
			reached := 0
			for _, p := range held {
				if u := b.read(p.Text); u.kind == KindAnswer && u.entry == i {
					reached++
				}
			}
			results[i] = result{e.ID, float64(reached) / float64(len(held))}
		})
	}
	wg.Wait()
	slices.SortFunc(results, func(a, b result) int { return cmpDesc(b.rate, a.rate) })
	worst, median := results[0].rate, results[len(results)/2].rate
	t.Logf("worst entry %s %.0f%%, median %.0f%%", results[0].id, 100*worst, 100*median)
	for _, r := range results {
		if r.rate < 0.70 {
			t.Logf("entry %s, added with its question and 3 also lines, is reached by %.0f%% of its bank lines, below the issue's bar of 70%%", r.id, 100*r.rate)
		}
	}
	// Floors, as measured when the fusion was last fitted, less a point.
	if worst < 0.25 || median < 0.55 {
		t.Errorf("left-out entries: worst %.0f%%, median %.0f%%; the floors are 25%% and 55%%", 100*worst, 100*median)
	}
}

// leaveOut builds a bot on which entry i is as the therapist adds it: its
// bank phrasings gone, its question and three "also" lines kept; the
// phrasings also held out (extra) are left out too. It returns the bot
// and every phrasing it does not know.
func leaveOut(shipped *faq.FAQ, m *Meaning, phrases []faq.Phrase, i int, extra func(j int) bool) (*Bot, []faq.Phrase) {
	e := shipped.Entries[i]
	f := *shipped
	f.Entries = slices.Clone(shipped.Entries)
	f.Entries[i].Also = e.Also[:min(3, len(e.Also))]
	var train, held []faq.Phrase
	for j, p := range phrases {
		if p.Label == e.ID || extra(j) {
			held = append(held, p)
		} else {
			train = append(train, p)
		}
	}
	return newBot(&f, m, train), held
}
