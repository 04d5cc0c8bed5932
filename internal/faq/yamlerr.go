package faq

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"cstbot/internal/edit"
)

// syntax reports a YAML syntax error with its line and a hint.
var lineInMsg = regexp.MustCompile(`^yaml: (?:line (\d+): )?`)

func (p *parser) syntax(err error, data []byte) {
	msg := err.Error()
	line := 0
	if m := lineInMsg.FindStringSubmatch(msg); m != nil {
		fmt.Sscan(m[1], &line)
		msg = msg[len(m[0]):]
	}
	if line == 0 {
		line = lineOfTab(data)
	}
	hint := ""
	switch {
	case strings.Contains(msg, "found character that cannot start any token") && lineOfTab(data) > 0:
		line = lineOfTab(data)
		hint = "; use spaces, not tabs, for indentation"
	case strings.Contains(msg, "mapping values are not allowed"):
		hint = "; if the text has \": \" in it, put the whole text in double quotes"
	case strings.Contains(msg, "did not find expected key"), strings.Contains(msg, "did not find expected '-' indicator"):
		hint = "; check the indentation of this line and the one before"
	case strings.Contains(msg, "found unexpected end of stream"), strings.Contains(msg, "found unexpected end"):
		hint = "; a quote is probably not closed"
	}
	p.add(line, "YAML syntax error: %s%s", msg, hint)
}

// secondDocLine finds the "---" that starts a second document.
func secondDocLine(data []byte) int {
	content := false
	for i, l := range bytes.Split(data, []byte("\n")) {
		t := bytes.TrimSpace(l)
		switch {
		case bytes.HasPrefix(t, []byte("---")) && content:
			return i + 1
		case len(t) > 0 && t[0] != '#' && !bytes.HasPrefix(t, []byte("---")):
			content = true
		}
	}
	return 0
}

func lineOfTab(data []byte) int {
	for i, l := range bytes.Split(data, []byte("\n")) {
		trimmed := bytes.TrimLeft(l, " ")
		if len(trimmed) > 0 && trimmed[0] == '\t' {
			return i + 1
		}
	}
	return 0
}

func lineOfInvalidUTF8(data []byte) int {
	for i, l := range bytes.Split(data, []byte("\n")) {
		if !utf8.Valid(l) {
			return i + 1
		}
	}
	return 0
}

func validEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	return at > 0 && strings.Contains(s[at+1:], ".") && !strings.ContainsAny(s, " \t<>") && !strings.HasSuffix(s, ".")
}

func countDigits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

// closest returns the known name nearest to s, if it is a plausible typo.
func closest(s string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		if d := edit.Distance(strings.ToLower(s), k, -1); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// curlyQuotes are the typographic quotes a word processor puts in: YAML
// does not read them as quotes.
const curlyQuotes = "“”‘’„«»"

// valueStart finds, on a line of "key: value" or "- value", where the
// value starts, or -1.
var valueStart = regexp.MustCompile(`^\s*(?:-\s+)?(?:[A-Za-z_][A-Za-z0-9_-]*:[ \t]+)?`)

// prescan finds, before YAML reads the file, the mistakes YAML would
// report in its own jargon or not at all: a tab in a line's indentation,
// on its exact line and column; and a value in curly quotes (pasted from a
// word processor), which YAML reads as part of the text, so that clients
// would see them. Text inside a block ("answer: |") may use any quotes.
func (p *parser) prescan(data []byte) {
	blockIndent := -1 // the indentation of the key that opened a block scalar
	for i, raw := range strings.Split(string(data), "\n") {
		line := strings.TrimRight(raw, "\r")
		n := i + 1
		lead := len(line) - len(strings.TrimLeft(line, " \t"))
		if tab := strings.IndexByte(line[:lead], '\t'); tab >= 0 {
			p.add(n, "line %d starts with a tab (column %d): indent with spaces, not tabs", n, tab+1)
			continue
		}
		body := strings.TrimSpace(line)
		if blockIndent >= 0 {
			if body == "" || lead > blockIndent {
				continue // the block's text
			}
			blockIndent = -1
		}
		if body == "" || strings.HasPrefix(body, "#") {
			continue
		}
		if strings.HasSuffix(body, "|") || strings.HasSuffix(body, "|-") || strings.HasSuffix(body, ">") || strings.HasSuffix(body, ">-") {
			blockIndent = lead
			continue
		}
		start := len(valueStart.FindString(line))
		if start < len(line) && strings.ContainsRune(curlyQuotes, []rune(line[start:])[0]) {
			p.add(n, "curly quotes %s: use straight quotes \"…\" or none", strings.TrimSpace(line[start:]))
		}
	}
}
