package faq

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseValid(t *testing.T) {
	f := parseFile(t, "valid.yaml")
	if len(f.Entries) != 1 || f.Entries[0].ID != "clothing" || f.Entries[0].Line != 8 {
		t.Fatalf("entries = %+v, want one entry \"clothing\" on line 8", f.Entries)
	}
	e := f.Entries[0]
	if e.Answer != "No, you stay fully clothed." || len(e.Also) != 1 || len(e.Keywords) != 1 {
		t.Errorf("entry = %+v", e)
	}
	if got, want := f.Contact.Line(), "Inna · inna@example.com · (415) 555-0100"; got != want {
		t.Errorf("Contact.Line() = %q, want %q", got, want)
	}
	if got, want := f.Contact.TelURL(), "tel:4155550100"; got != want {
		t.Errorf("TelURL() = %q, want %q", got, want)
	}
	if len(f.Synonyms) != 1 || len(f.Synonyms[0]) != 2 {
		t.Errorf("synonyms = %q", f.Synonyms)
	}
}

// TestParseProblems checks one file per kind of mistake: every problem is
// reported, each with its file and line.
func TestParseProblems(t *testing.T) {
	tests := []struct {
		file string
		want []string // each a whole problem line
	}{
		{"unknown-field.yaml", []string{
			`unknown-field.yaml:7: entry "clothing": unknown field "answr" (did you mean "answer"?)`,
			`unknown-field.yaml:5: entry "clothing": answer is missing`,
		}},
		{"empty-answer.yaml", []string{
			`empty-answer.yaml:7: entry "clothing": answer is empty`,
			`empty-answer.yaml:10: entry "length": answer is empty`,
		}},
		{"duplicate-id.yaml", []string{`duplicate-id.yaml:8: entry "clothing": duplicate id (first used on line 5)`}},
		{"bad-id.yaml", []string{`bad-id.yaml:5: entry "Session Length": id may only have lowercase letters, digits and single dashes between them, like "session-length"`}},
		{"missing-contact.yaml", []string{`missing-contact.yaml: the "contact:" section is missing: clients need your name and an email or phone`}},
		{"contact-incomplete.yaml", []string{
			`contact-incomplete.yaml:1: contact: name is missing or empty`,
			`contact-incomplete.yaml:3: contact: email "not-an-email" does not look like an email address`,
		}},
		{"tab-indent.yaml", []string{`tab-indent.yaml:5: line 5 starts with a tab (column 1): indent with spaces, not tabs`}},
		{"tab-in-list.yaml", []string{`tab-in-list.yaml:9: line 9 starts with a tab (column 3): indent with spaces, not tabs`}},
		{"tab-in-answer.yaml", []string{`tab-in-answer.yaml:9: line 9 starts with a tab (column 1): indent with spaces, not tabs`}},
		{"curly-question.yaml", []string{`curly-question.yaml:6: curly quotes “Session length: how long?”: use straight quotes "…" or none`}},
		{"curly-phone.yaml", []string{`curly-phone.yaml:3: curly quotes “(415) 672-4259”: use straight quotes "…" or none`}},
		{"unquoted-colon.yaml", []string{`unquoted-colon.yaml:7: YAML syntax error: mapping values are not allowed in this context; if the text has ": " in it, put the whole text in double quotes`}},
		{"two-documents.yaml", []string{`two-documents.yaml:8: a second YAML document starts here (a line "---"); the FAQ must be one document`}},
		{"also-not-list.yaml", []string{`also-not-list.yaml:7: entry "clothing": also must be a list: one item per line, each starting with "- "`}},
		{"long-answer.yaml", []string{`long-answer.yaml:7: entry "clothing": answer is 1999 characters; the most is 1500: shorten it or split it into two entries`}},
		{"synonym-twice.yaml", []string{
			`synonym-twice.yaml:6: synonyms: "Clothes" is already in the group on line 5; a word may be in only one group`,
			`synonym-twice.yaml:7: synonyms: a group needs at least two words`,
		}},
		{"no-entries.yaml", []string{`no-entries.yaml:4: entries: the list is empty; add at least one entry`}},
		{"empty.yaml", []string{`empty.yaml: the file is empty`}},
		{"unclosed-quote.yaml", []string{`unclosed-quote.yaml:2: YAML syntax error: found unexpected end of stream; a quote is probably not closed`}},
		{"wrong-shape.yaml", []string{`wrong-shape.yaml:1: the file must start with "contact:", "synonyms:" and "entries:" sections`}},
		{"many-problems.yaml", []string{
			`many-problems.yaml:1: contact: needs an email or a phone, so clients can reach you`,
			`many-problems.yaml:5: entry "clothing": question is empty`,
			`many-problems.yaml:7: entry "clothing": answer is missing`,
			`many-problems.yaml:9: entry 3: id is missing`,
			`many-problems.yaml:11: entry 3: unknown field "colour" (known fields: id, question, also, keywords, answer, examples)`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			f, err := Parse(tt.file, data)
			if f != nil {
				t.Errorf("Parse returned an FAQ for a broken file")
			}
			var ferr *Error
			if !errors.As(err, &ferr) {
				t.Fatalf("Parse error = %v (%T), want *faq.Error", err, err)
			}
			got := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(got+"\n", w+"\n") {
					t.Errorf("problems:\n%s\nwant the line:\n%s", got, w)
				}
			}
			for _, p := range ferr.Problems {
				if p.File != tt.file {
					t.Errorf("problem %q names file %q", p, p.File)
				}
			}
		})
	}
}

func TestParseTooLarge(t *testing.T) {
	_, err := Parse("big.yaml", make([]byte, MaxFileSize+1))
	if err == nil || !strings.Contains(err.Error(), "big.yaml: the file is") {
		t.Errorf("Parse(huge) = %v", err)
	}
}

func TestParseInvalidUTF8(t *testing.T) {
	_, err := Parse("bin.yaml", []byte("contact:\n  name: \xff\xfe\n"))
	if err == nil || !strings.Contains(err.Error(), "bin.yaml:2: the file is not UTF-8 text") {
		t.Errorf("Parse(invalid UTF-8) = %v", err)
	}
}

func parseFile(tb testing.TB, name string) *FAQ {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	f, err := Parse(name, data)
	if err != nil {
		tb.Fatalf("Parse(%s): %v", name, err)
	}
	return f
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.yaml")
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		faq, err := Parse("fuzz.yaml", data)
		if (faq == nil) == (err == nil) {
			t.Fatalf("Parse returned faq=%v and err=%v; want exactly one", faq != nil, err)
		}
		if err != nil {
			var ferr *Error
			if !errors.As(err, &ferr) || len(ferr.Problems) == 0 {
				t.Fatalf("Parse error %v is not a non-empty *faq.Error", err)
			}
			return
		}
		for _, e := range faq.Entries {
			if e.ID == "" || e.Question == "" || e.Answer == "" {
				t.Fatalf("a valid FAQ has an incomplete entry: %+v", e)
			}
		}
	})
}
