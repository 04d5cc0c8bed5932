package bot

import (
	"testing"

	"cstbot/internal/faq"
	"cstbot/internal/match"
)

// TestUrgentRulesOnTheBank: the rules are a first pass that must be
// precise: on the bank's hard negatives (and every non-urgent phrasing)
// they fire on at most 1%.
func TestUrgentRulesOnTheBank(t *testing.T) {
	m := testMeaning(t)
	fired, total, caught, urgent := 0, 0, 0, 0
	for _, p := range m.bank.Phrases {
		_, ok := m.rules.match(match.Words(p.Text))
		switch p.Label {
		case faq.LabelEmergency, faq.LabelCrisis:
			urgent++
			if ok {
				caught++
			}
		default:
			total++
			if ok {
				fired++
				t.Logf("rule fires on [%s] %s", p.Label, p.Text)
			}
		}
	}
	t.Logf("rules catch %d of %d urgent phrasings; fire on %d of %d others", caught, urgent, fired, total)
	if float64(fired) > 0.01*float64(total) {
		t.Errorf("the urgent rules fire on %d non-urgent phrasings, want at most 1%%", fired)
	}
}
