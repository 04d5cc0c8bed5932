// Package faq is the FAQ the therapist keeps: its model, and Parse, which
// reads the YAML file and validates it, reporting every problem at once with
// the file and line it is on.
package faq

import (
	"fmt"
	"os"
	"strings"
)

// FAQ is a validated FAQ file. It is not modified after Parse.
type FAQ struct {
	Source string // the file it was read from, for messages
	// Subject is what the practice offers, as clients would name it
	// ("Swedish Massage"): the welcome and the slash commands say it.
	// Empty, they speak of "your questions" only.
	Subject  string
	Contact  Contact    // who clients should contact
	Synonyms [][]string // groups of words that mean the same to clients
	Entries  []Entry
}

// Contact is how clients reach the therapist.
type Contact struct {
	Name     string `json:"name"`
	Title    string `json:"title,omitempty"`
	Practice string `json:"practice,omitempty"`
	Email    string `json:"email,omitempty"`
	Phone    string `json:"phone,omitempty"`
	Website  string `json:"website,omitempty"`
}

// Entry is one question the bot can answer.
type Entry struct {
	ID       string
	Question string   // the question as a client would ask it; the title
	Also     []string // other ways clients ask it
	Keywords []string // single words that on their own point here
	Answer   string
	Line     int // where the entry starts in Source
	// Examples are questions that must reach this entry: checks for
	// 'cstbot faq test', never used for matching. ExampleLines are their
	// lines in Source.
	Examples     []string
	ExampleLines []int
}

// Entry returns the entry with the given id.
func (f *FAQ) Entry(id string) (Entry, bool) {
	for _, e := range f.Entries {
		if e.ID == id {
			return e, true
		}
	}
	return Entry{}, false
}

// Line returns the contact details on one line:
// "Maria, Massage Therapist · maria@example.com · (415) 555-0100".
func (c Contact) Line() string {
	who := c.Name
	if c.Title != "" {
		who += ", " + c.Title
	}
	parts := []string{who}
	for _, p := range []string{c.Email, c.Phone, c.Website} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " · ")
}

// TelURL is a tel: link for the phone number, or "" when there is none.
func (c Contact) TelURL() string {
	var b strings.Builder
	for _, r := range c.Phone {
		if r >= '0' && r <= '9' || r == '+' && b.Len() == 0 {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return "tel:" + b.String() // as written: no country is assumed
}

// ReadFile reads and validates the FAQ file at path; an unreadable file
// is said so, in plain words.
func ReadFile(path string) (*FAQ, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the FAQ: %w", err)
	}
	return Parse(path, data)
}
