package faq

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"cstbot/internal/edit"
)

// AddAlso returns data, an FAQ file, with questions added to the "also"
// list of entry id, and every other line as it was: comments, order,
// quoting and indentation kept. The lines go after the list's last item,
// indented like it (or, if the entry has no "also", in a new list after
// its question). The result is not validated: Parse it.
func AddAlso(data []byte, id string, questions []string) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return nil, fmt.Errorf("the FAQ does not parse; run 'cstbot faq check' first")
	}
	entry := findEntry(doc.Content[0], id)
	if entry == nil {
		return nil, fmt.Errorf("no entry %q", id)
	}
	var question, also *yaml.Node
	var questionKey *yaml.Node
	for i := 0; i+1 < len(entry.Content); i += 2 {
		switch entry.Content[i].Value {
		case "question":
			questionKey, question = entry.Content[i], entry.Content[i+1]
		case "also":
			also = entry.Content[i+1]
		}
	}
	lines := strings.SplitAfter(string(data), "\n")
	var insertAfter int // a line number, 1-based
	var prefix string
	var add []string
	switch {
	case also != nil && also.Kind == yaml.SequenceNode && also.Style&yaml.FlowStyle == 0 && len(also.Content) > 0:
		last := also.Content[len(also.Content)-1]
		insertAfter = lastLine(last, lines)
		prefix = strings.Repeat(" ", last.Column-3) + "- " // the item's dash is two columns before its text
	case also == nil && question != nil:
		insertAfter = lastLine(question, lines)
		indent := strings.Repeat(" ", questionKey.Column-1)
		add = append(add, indent+"also:\n")
		prefix = indent + "  - "
	default:
		return nil, fmt.Errorf("entry %q: its also is not a list of lines; add the question by hand", id)
	}
	for _, q := range questions {
		v, err := yaml.Marshal(strings.TrimSpace(q))
		if err != nil {
			return nil, err
		}
		add = append(add, prefix+strings.TrimRight(string(v), "\n")+"\n")
	}
	if insertAfter > len(lines) {
		insertAfter = len(lines)
	}
	if insertAfter > 0 && !strings.HasSuffix(lines[insertAfter-1], "\n") {
		lines[insertAfter-1] += "\n"
	}
	out := slices.Concat(lines[:insertAfter], add, lines[insertAfter:])
	return []byte(strings.Join(out, "")), nil
}

// findEntry returns the mapping node of entry id.
func findEntry(root *yaml.Node, id string) *yaml.Node {
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "entries" {
			continue
		}
		for _, e := range root.Content[i+1].Content {
			for j := 0; j+1 < len(e.Content); j += 2 {
				if e.Content[j].Value == "id" && e.Content[j+1].Value == id {
					return e
				}
			}
		}
	}
	return nil
}

// lastLine is the last line a scalar node spans: its own line, or, for a
// block scalar, the last line of its text.
func lastLine(n *yaml.Node, lines []string) int {
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
		if strings.Contains(n.Value, "\n") && n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0 {
			return n.Line + strings.Count(strings.TrimRight(n.Value, "\n"), "\n")
		}
		return n.Line
	}
	end := n.Line
	for i := n.Line; i < len(lines); i++ { // lines[i] is line i+1
		t := strings.TrimRight(lines[i], "\r\n")
		if strings.TrimSpace(t) == "" {
			continue
		}
		if len(t)-len(strings.TrimLeft(t, " ")) < n.Column {
			break
		}
		end = i + 1
	}
	return end
}

// NearestIDs returns up to three of ids nearest to id, nearest first:
// for "no entry" messages.
func NearestIDs(id string, ids []string) []string {
	sorted := slices.Clone(ids)
	slices.SortStableFunc(sorted, func(a, b string) int {
		return edit.Distance(id, a, -1) - edit.Distance(id, b, -1)
	})
	return sorted[:min(3, len(sorted))]
}
