package bot

import (
	"context"
	"errors"
	"fmt"

	"cstbot/internal/faq"
)

// SelfTest checks an FAQ the way clients will use it: every entry's
// examples must reach that entry, and every entry's own question must
// reach it too; a question that reaches another entry means the two are
// so close that one shadows the other. It returns the problems, with the
// lines they are on, for 'cstbot faq test' and 'faq check'.
func SelfTest(f *faq.FAQ, m *Meaning) []faq.Problem {
	b := New(f, m)
	ctx := context.Background()
	var problems []faq.Problem
	add := func(line int, format string, args ...any) {
		problems = append(problems, faq.Problem{File: f.Source, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	for _, e := range f.Entries {
		if r := b.Respond(ctx, Message{Text: e.Question}); r.ID != e.ID {
			if r.Kind == KindAnswer {
				add(e.Line, "entry %q: its question reaches entry %q: the two are too close; reword one, or give each more \"also\" lines", e.ID, r.ID)
			} else {
				add(e.Line, "entry %q: its own question gets a %s reply, not this entry", e.ID, r.Kind)
			}
		}
		for i, ex := range e.Examples {
			line := e.Line
			if i < len(e.ExampleLines) {
				line = e.ExampleLines[i]
			}
			switch r := b.Respond(ctx, Message{Text: ex}); {
			case r.ID == e.ID:
			case r.Kind == KindAnswer:
				add(line, "entry %q: example %q reaches entry %q instead (score %.2f); add a similar line to \"also\", or a synonym", e.ID, ex, r.ID, r.Score)
			default:
				add(line, "entry %q: example %q gets a %s reply, not this entry; add a similar line to \"also\", or a synonym", e.ID, ex, r.Kind)
			}
		}
	}
	return problems
}

// Check is 'cstbot faq check' after the FAQ parsed: the phrase bank held
// against it, then the self-test. problems fail the check, with a summary
// of where they were found; warnings (bank sections for entries the FAQ
// lacks) do not.
func Check(f *faq.FAQ, m *Meaning) (problems, warnings []faq.Problem, summary string) {
	_, warnings, err := m.bank.Check(f)
	var ferr *faq.Error
	if errors.As(err, &ferr) {
		return ferr.Problems, warnings, "found in the phrase bank against this FAQ."
	}
	if ps := SelfTest(f, m); len(ps) > 0 {
		return ps, warnings, "found by the self-test: the bot would answer these questions with the wrong entry."
	}
	return nil, warnings, ""
}

// CheckSummary is the one line 'faq check' (or, with test, 'faq test')
// says of an FAQ without problems.
func CheckSummary(f *faq.FAQ, test bool) string {
	examples := 0
	for _, e := range f.Entries {
		examples += len(e.Examples)
	}
	if test {
		return fmt.Sprintf("%s: ok, all %d examples reach their entries and no entry shadows another", f.Source, examples)
	}
	return fmt.Sprintf("%s: ok, %d entries, %d examples, %d synonym groups, contact %s", f.Source, len(f.Entries), examples, len(f.Synonyms), f.Contact.Line())
}
