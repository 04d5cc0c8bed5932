package faq

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Limits the validation enforces.
const (
	MaxAnswer   = 1500 // characters in an answer
	MaxQuestion = 200  // characters in a question or an "also" line
	MaxEntries  = 5000
	MaxID       = 48 // an id rides in button data, which Telegram limits to 64 bytes
	MaxFileSize = 4 << 20
	MaxSubject  = 80 // characters in the subject
)

// Problem is one mistake in an FAQ file.
type Problem struct {
	File string
	Line int // 0 when it concerns the whole file
	Msg  string
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Msg)
}

// Error lists every problem found in an FAQ file, in line order.
type Error struct {
	Problems []Problem
}

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Parse reads and validates an FAQ. name is used in messages ("faq.yaml").
// On any problem it returns a nil FAQ and an *Error listing all of them.
func Parse(name string, data []byte) (*FAQ, error) {
	p := &parser{file: name}
	f := p.parse(data)
	if len(p.problems) > 0 {
		slices.SortStableFunc(p.problems, func(a, b Problem) int { return a.Line - b.Line })
		return nil, &Error{Problems: p.problems}
	}
	return f, nil
}

type parser struct {
	file     string
	problems []Problem
}

func (p *parser) add(line int, format string, args ...any) {
	p.problems = append(p.problems, Problem{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) parse(data []byte) *FAQ {
	if len(data) > MaxFileSize {
		p.add(0, "the file is %d bytes; the most is %d", len(data), MaxFileSize)
		return nil
	}
	if !utf8.Valid(data) {
		p.add(lineOfInvalidUTF8(data), "the file is not UTF-8 text; save it as UTF-8")
		return nil
	}
	if p.prescan(data); len(p.problems) > 0 {
		return nil // YAML would only repeat them, in its jargon
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			p.add(0, "the file is empty")
		} else {
			p.syntax(err, data)
		}
		return nil
	}
	var second yaml.Node
	switch err := dec.Decode(&second); {
	case err == nil:
		p.add(secondDocLine(data), "a second YAML document starts here (a line \"---\"); the FAQ must be one document")
	case !errors.Is(err, io.EOF):
		p.syntax(err, data)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		p.add(max(doc.Line, 1), "the file must start with \"contact:\", \"synonyms:\" and \"entries:\" sections")
		return nil
	}
	f := &FAQ{Source: p.file}
	var sawContact, sawEntries bool
	p.fields(doc.Content[0], "the file", []string{"subject", "contact", "synonyms", "entries"}, func(key string, k, v *yaml.Node) {
		switch key {
		case "subject":
			if s, ok := p.text(v, "subject"); ok {
				if utf8.RuneCountInString(s) > MaxSubject {
					p.add(v.Line, "subject: %d characters; at most %d", utf8.RuneCountInString(s), MaxSubject)
				}
				f.Subject = s
			}
		case "contact":
			sawContact = true
			f.Contact = p.contact(k, v)
		case "synonyms":
			f.Synonyms = p.synonyms(v)
		case "entries":
			sawEntries = true
			f.Entries = p.entries(k, v)
		}
	})
	if !sawContact {
		p.add(0, "the \"contact:\" section is missing: clients need your name and an email or phone")
	}
	if !sawEntries {
		p.add(0, "the \"entries:\" section is missing: there are no questions to answer")
	}
	return f
}

// fields walks a mapping, reporting unknown and repeated keys, and calls fn
// for each known one.
func (p *parser) fields(m *yaml.Node, what string, known []string, fn func(key string, k, v *yaml.Node)) {
	seen := make(map[string]int)
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		key := k.Value
		if !slices.Contains(known, key) {
			msg := fmt.Sprintf("%s: unknown field %q", what, key)
			if s := closest(key, known); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			} else {
				msg += fmt.Sprintf(" (known fields: %s)", strings.Join(known, ", "))
			}
			p.add(k.Line, "%s", msg)
			continue
		}
		if first, dup := seen[key]; dup {
			p.add(k.Line, "%s: %q appears twice (first on line %d)", what, key, first)
			continue
		}
		seen[key] = k.Line
		fn(key, k, v)
	}
}

func (p *parser) contact(k, v *yaml.Node) Contact {
	var c Contact
	if v.Kind != yaml.MappingNode {
		p.add(v.Line, "contact: must be a block of fields (name:, email:, phone:, …) on the lines below it, indented")
		return c
	}
	p.fields(v, "contact", []string{"name", "title", "practice", "email", "phone", "website"}, func(key string, _, val *yaml.Node) {
		s, ok := p.text(val, "contact: "+key)
		if !ok {
			return
		}
		switch key {
		case "name":
			c.Name = s
		case "title":
			c.Title = s
		case "practice":
			c.Practice = s
		case "email":
			if s != "" && !validEmail(s) {
				p.add(val.Line, "contact: email %q does not look like an email address", s)
			}
			c.Email = s
		case "phone":
			if s != "" && countDigits(s) < 7 {
				p.add(val.Line, "contact: phone %q has too few digits", s)
			}
			c.Phone = s
		case "website":
			if u, err := url.Parse(s); s != "" && (err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "") {
				p.add(val.Line, "contact: website %q must be a full address starting with https://", s)
			}
			c.Website = s
		}
	})
	if c.Name == "" {
		p.add(k.Line, "contact: name is missing or empty")
	}
	if c.Email == "" && c.Phone == "" {
		p.add(k.Line, "contact: needs an email or a phone, so clients can reach you")
	}
	return c
}

func (p *parser) synonyms(v *yaml.Node) [][]string {
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		p.add(v.Line, "synonyms: must be a list of groups, one per line: - [clothes, undress, naked]")
		return nil
	}
	var groups [][]string
	owner := make(map[string]int) // word -> line of the group that has it
	for _, g := range v.Content {
		if g.Kind != yaml.SequenceNode {
			p.add(g.Line, "synonyms: each group must be a list in square brackets, like [clothes, undress, naked]")
			continue
		}
		var group []string
		for _, w := range g.Content {
			s, ok := p.text(w, "synonyms")
			if !ok {
				continue
			}
			if s == "" {
				p.add(w.Line, "synonyms: an empty word")
				continue
			}
			key := strings.ToLower(s)
			if first, dup := owner[key]; dup {
				if first == g.Line {
					p.add(w.Line, "synonyms: %q appears twice in the same group", s)
				} else {
					p.add(w.Line, "synonyms: %q is already in the group on line %d; a word may be in only one group", s, first)
				}
				continue
			}
			owner[key] = g.Line
			group = append(group, s)
		}
		if len(g.Content) < 2 {
			p.add(g.Line, "synonyms: a group needs at least two words")
			continue
		}
		groups = append(groups, group)
	}
	return groups
}

func (p *parser) entries(k, v *yaml.Node) []Entry {
	if v.Kind != yaml.SequenceNode {
		p.add(k.Line, "entries: must be a list of entries, each starting with \"- id:\"")
		return nil
	}
	if len(v.Content) == 0 {
		p.add(k.Line, "entries: the list is empty; add at least one entry")
	}
	if len(v.Content) > MaxEntries {
		p.add(k.Line, "entries: %d entries; the most is %d", len(v.Content), MaxEntries)
		return nil
	}
	var out []Entry
	ids := make(map[string]int)
	for i, n := range v.Content {
		e, ok := p.entry(i+1, n)
		if !ok {
			continue
		}
		if e.ID != "" {
			if first, dup := ids[e.ID]; dup {
				p.add(e.Line, "entry %q: duplicate id (first used on line %d)", e.ID, first)
				continue
			}
			ids[e.ID] = e.Line
		}
		out = append(out, e)
	}
	return out
}

func (p *parser) entry(num int, n *yaml.Node) (Entry, bool) {
	e := Entry{Line: n.Line}
	if n.Kind != yaml.MappingNode {
		p.add(n.Line, "entry %d: must be a block of fields (id:, question:, answer:, …)", num)
		return e, false
	}
	// Find the id first so that every message can name the entry.
	name := fmt.Sprintf("entry %d", num)
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "id" && n.Content[i+1].Kind == yaml.ScalarNode && n.Content[i+1].Value != "" {
			name = fmt.Sprintf("entry %q", n.Content[i+1].Value)
		}
	}
	var sawID, sawQ, sawA bool
	p.fields(n, name, []string{"id", "question", "also", "keywords", "answer", "examples"}, func(key string, k, v *yaml.Node) {
		switch key {
		case "id":
			sawID = true
			s, ok := p.text(v, name+": id")
			switch {
			case !ok:
			case s == "":
				p.add(v.Line, "%s: id is empty", name)
			case len(s) > MaxID:
				p.add(v.Line, "%s: id is %d characters; the most is %d", name, len(s), MaxID)
			case !idPattern.MatchString(s):
				p.add(v.Line, "%s: id may only have lowercase letters, digits and single dashes between them, like \"session-length\"", name)
			default:
				e.ID = s
			}
		case "question":
			sawQ = true
			e.Question = p.line(v, name, "question")
		case "answer":
			sawA = true
			s, ok := p.text(v, name+": answer")
			switch {
			case !ok:
			case s == "":
				p.add(v.Line, "%s: answer is empty", name)
			case utf8.RuneCountInString(s) > MaxAnswer:
				p.add(v.Line, "%s: answer is %d characters; the most is %d: shorten it or split it into two entries", name, utf8.RuneCountInString(s), MaxAnswer)
			default:
				e.Answer = s
			}
		case "also":
			e.Also = p.list(v, name, "also", func(item *yaml.Node) (string, bool) {
				s := p.line(item, name, "also")
				return s, s != ""
			})
		case "examples":
			e.Examples = p.list(v, name, "examples", func(item *yaml.Node) (string, bool) {
				s := p.line(item, name, "examples")
				if s != "" {
					e.ExampleLines = append(e.ExampleLines, item.Line)
				}
				return s, s != ""
			})
		case "keywords":
			e.Keywords = p.list(v, name, "keywords", func(item *yaml.Node) (string, bool) {
				s, ok := p.text(item, name+": keywords")
				if ok && (s == "" || strings.ContainsAny(s, " \t")) {
					p.add(item.Line, "%s: keywords must be single words; put phrases under \"also\"", name)
					return "", false
				}
				return s, ok
			})
		}
	})
	if !sawID {
		p.add(n.Line, "%s: id is missing", name)
	}
	if !sawQ {
		p.add(n.Line, "%s: question is missing", name)
	}
	if !sawA {
		p.add(n.Line, "%s: answer is missing", name)
	}
	return e, true
}

// line reads a one-line question-like text.
func (p *parser) line(v *yaml.Node, name, field string) string {
	s, ok := p.text(v, name+": "+field)
	switch {
	case !ok:
		return ""
	case s == "":
		p.add(v.Line, "%s: %s is empty", name, field)
	case utf8.RuneCountInString(s) > MaxQuestion:
		p.add(v.Line, "%s: %s is %d characters; the most is %d", name, field, utf8.RuneCountInString(s), MaxQuestion)
	default:
		return s
	}
	return ""
}

// list reads a sequence, giving each item to item.
func (p *parser) list(v *yaml.Node, name, field string, item func(*yaml.Node) (string, bool)) []string {
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		p.add(v.Line, "%s: %s must be a list: one item per line, each starting with \"- \"", name, field)
		return nil
	}
	var out []string
	for _, n := range v.Content {
		if s, ok := item(n); ok {
			out = append(out, s)
		}
	}
	return out
}

// text reads a scalar as text, trimmed.
func (p *parser) text(v *yaml.Node, what string) (string, bool) {
	switch {
	case v.Kind == yaml.AliasNode:
		p.add(v.Line, "%s: aliases (*name) are not supported; write the text out", what)
		return "", false
	case v.Kind != yaml.ScalarNode:
		p.add(v.Line, "%s: must be text, not a list or a block", what)
		return "", false
	case v.Tag == "!!null":
		return "", true
	}
	return strings.TrimSpace(v.Value), true
}

// WriteProblems writes problems one a line, then "N problem(s) " and the
// summary.
func WriteProblems(w io.Writer, ps []Problem, summary string) {
	for _, p := range ps {
		fmt.Fprintln(w, p)
	}
	s := "s"
	if len(ps) == 1 {
		s = ""
	}
	fmt.Fprintf(w, "%d problem%s %s\n", len(ps), s, summary)
}
