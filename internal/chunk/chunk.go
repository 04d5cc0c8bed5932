// Package chunk cuts a long reply into messages a platform accepts: the
// one splitter both adapters use, each with its platform's way of
// counting length (Telegram counts UTF-16 units, Discord characters).
package chunk

import (
	"strings"
	"unicode/utf8"
)

// Width is how much one character counts against a limit.
type Width func(r rune) int

// Runes counts every character as one.
func Runes(rune) int { return 1 }

// UTF16 counts a character as its UTF-16 units: two above U+FFFF (most
// emoji), one otherwise.
func UTF16(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// Len is the length of s as w counts it.
func Len(s string, w Width) int {
	n := 0
	for _, r := range s {
		n += w(r)
	}
	return n
}

// Split cuts text into pieces of at most limit (as w counts), at paragraph
// breaks ("\n\n") where it can, then at line ends, then at spaces, and
// anywhere (never inside a character) in a run with none. Whole
// paragraphs are packed together while they fit; each piece is trimmed.
// An empty text is one empty piece.
func Split(text string, limit int, w Width) []string {
	if Len(text, w) <= limit {
		return []string{text}
	}
	var out []string
	var cur strings.Builder
	curLen := 0
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
			curLen = 0
		}
	}
	for _, para := range splitAfter(text, "\n\n") {
		n := Len(para, w)
		if curLen+n <= limit {
			cur.WriteString(para)
			curLen += n
			continue
		}
		flush()
		if n <= limit {
			cur.WriteString(para)
			curLen = n
			continue
		}
		out = append(out, splitLong(para, limit, w)...)
	}
	flush()
	pieces := out[:0]
	for _, p := range out {
		if p = strings.TrimSpace(p); p != "" {
			pieces = append(pieces, p)
		}
	}
	return pieces
}

// splitAfter splits s after each sep, keeping it.
func splitAfter(s, sep string) []string {
	var out []string
	for {
		i := strings.Index(s, sep)
		if i < 0 {
			if s != "" {
				out = append(out, s)
			}
			return out
		}
		out = append(out, s[:i+len(sep)])
		s = s[i+len(sep):]
	}
}

// splitLong cuts one over-long paragraph at line ends or spaces, or
// anywhere (never inside a character) when it has neither.
func splitLong(s string, limit int, w Width) []string {
	var out []string
	for Len(s, w) > limit {
		cut, n, lastBreak := 0, 0, -1
		for i, r := range s {
			if n+w(r) > limit {
				break
			}
			n += w(r)
			cut = i + len(string(r))
			if r == '\n' || r == ' ' {
				lastBreak = cut
			}
		}
		if cut == 0 { // limit below one character: take it anyway
			_, cut = utf8.DecodeRuneInString(s)
		}
		if lastBreak > 0 {
			cut = lastBreak
		}
		out = append(out, s[:cut])
		s = s[cut:]
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}
