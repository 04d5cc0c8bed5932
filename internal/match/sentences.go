package match

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentences splits a message into its sentences: at ".", "!", "?" or "…"
// followed by a space, and at line breaks. Pieces without a letter or a
// digit ("!!!", an emoji) join the sentence before them. A message of one
// sentence is that sentence.
func Sentences(text string) []string {
	var out []string
	start := 0
	flush := func(end int) {
		s := strings.TrimSpace(text[start:end])
		start = end
		if s == "" {
			return
		}
		if !hasWord(s) && len(out) > 0 {
			out[len(out)-1] += " " + s
			return
		}
		out = append(out, s)
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		switch {
		case r == '\n' || r == '\r':
			flush(i)
		case r == '.' || r == '!' || r == '?' || r == '…':
			// the end of a run of marks, then a space
			if i < len(text) && strings.ContainsRune(".!?…", rune(text[i])) {
				continue
			}
			if i == len(text) || text[i] == ' ' {
				flush(i)
			}
		}
	}
	flush(len(text))
	return out
}

func hasWord(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}

// questionStarts are first words that make a sentence a question even
// without a question mark.
var questionStarts = toSet(`how what whats when where wheres who whos why which can could do does did is are
	will would should may might am have has any anything tell explain`)

// QuestionSentence returns the index of the sentence that asks: the last
// one with a question mark, else the last that starts like a question,
// else the last.
func QuestionSentence(sentences []string) int {
	for i := len(sentences) - 1; i >= 0; i-- {
		if strings.Contains(sentences[i], "?") {
			return i
		}
	}
	for i := len(sentences) - 1; i >= 0; i-- {
		if ws := words(sentences[i]); len(ws) > 0 && questionStarts[ws[0]] {
			return i
		}
	}
	return len(sentences) - 1
}
