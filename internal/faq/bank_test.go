package faq

import (
	"errors"
	"strings"
	"testing"
)

func TestParseBank(t *testing.T) {
	good := "# a comment\n[clothing]\ndo I undress\nwhat to wear\n\n[out-of-scope]\nhow much is it\n"
	b, err := ParseBank([]BankFile{{Name: "a.txt", Data: []byte(good)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Phrases) != 3 || b.Phrases[0].Label != "clothing" || b.Phrases[2].Label != LabelOutOfScope || b.Phrases[2].Line != 7 {
		t.Errorf("ParseBank = %+v", b.Phrases)
	}
	tests := []struct{ name, a, b, want string }{
		{"duplicate", "[clothing]\ndo I undress\nDo I  undress?\n", "", "a.txt:3: the same phrasing as line 2 of a.txt"},
		{"two labels", "[clothing]\ndo I undress\n", "[safety]\ndo i undress\n", "b.txt:2: this phrasing is also filed under [clothing] (a.txt:2)"},
		{"before a label", "do I undress\n", "", "a.txt:1: a phrasing before any [label] line"},
		{"bad label", "[Clothing Stuff]\nx\n", "", `a.txt:1: label "Clothing Stuff"`},
		{"invalid UTF-8", "[clothing]\nab\xff\n", "", "a.txt:2: not valid UTF-8"},
	}
	for _, tt := range tests {
		files := []BankFile{{Name: "a.txt", Data: []byte(tt.a)}}
		if tt.b != "" {
			files = append(files, BankFile{Name: "b.txt", Data: []byte(tt.b)})
		}
		_, err := ParseBank(files)
		var fe *Error
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: ParseBank error %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestBankCheck(t *testing.T) {
	f := &FAQ{Source: "faq.yaml", Entries: []Entry{{ID: "clothing", Question: "Do I have to undress?"}, {ID: "safety", Question: "Is it safe?", Also: []string{"Does it hurt?"}}}}
	bank := &Bank{Phrases: []Phrase{
		{Label: "clothing", Text: "what to wear", File: "p.txt", Line: 2},
		{Label: "renamed-entry", Text: "a line", File: "p.txt", Line: 5},
		{Label: "renamed-entry", Text: "another", File: "p.txt", Line: 6},
		{Label: LabelOutOfScope, Text: "price?", File: "p.txt", Line: 9},
	}}
	usable, warnings, err := bank.Check(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(usable.Phrases) != 2 {
		t.Errorf("usable = %+v, want the clothing and out-of-scope lines", usable.Phrases)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0].String(), `p.txt:5: the phrase bank has sections for 1 entry faq.yaml lacks (renamed-entry); their 2 phrasings are not used`) {
		t.Errorf("warnings = %v", warnings)
	}
	bank.Phrases = append(bank.Phrases, Phrase{Label: "clothing", Text: "does it hurt", File: "p.txt", Line: 12})
	if _, _, err := bank.Check(f); err == nil || !strings.Contains(err.Error(), `p.txt:12: filed under [clothing], but it is a question of FAQ entry "safety"`) {
		t.Errorf("Check with a line of another entry: %v", err)
	}
}
