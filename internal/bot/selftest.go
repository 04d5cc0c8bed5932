package bot

import (
	"context"
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
