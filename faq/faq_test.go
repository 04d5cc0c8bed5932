package faq_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"cstbot/faq"
	parse "cstbot/internal/faq"
)

// requiredIDs are the topics every FAQ must answer (shared/eval/topics.md).
var requiredIDs = []string{
	"what-is-cst", "craniosacral-system", "craniosacral-rhythm", "history",
	"evidence", "safety", "conditions", "trauma", "stress-and-prevention",
	"what-to-expect", "clothing", "body-areas", "session-length",
	"number-of-sessions", "when-results", "sensations", "emotional-release",
	"about-therapist", "contact", "location",
}

func TestShippedFAQ(t *testing.T) {
	f, err := parse.Parse(faq.Name, faq.YAML)
	if err != nil {
		t.Fatalf("the shipped FAQ does not validate:\n%v", err)
	}
	for _, id := range requiredIDs {
		if _, ok := f.Entry(id); !ok {
			t.Errorf("entry %q is missing", id)
		}
	}
	c := f.Contact
	if c.Email != "inna@westsidehealingartscenter.com" || c.Phone != "(415) 672-4259" || c.Name != "Inna" {
		t.Errorf("contact = %+v", c)
	}
	for _, e := range f.Entries {
		// 2 to 5 sentences: count sentence ends.
		n := strings.Count(e.Answer, ". ") + strings.Count(e.Answer, "! ") + strings.Count(e.Answer, "? ") + 1
		if n < 2 || n > 5 {
			t.Errorf("entry %q: answer has %d sentences, want 2 to 5", e.ID, n)
		}
		if utf8.RuneCountInString(e.Answer) > parse.MaxAnswer {
			t.Errorf("entry %q: answer too long", e.ID)
		}
		if len(e.Also) < 4 {
			t.Errorf("entry %q: only %d other phrasings; clients ask in many ways", e.ID, len(e.Also))
		}
	}
}
