package bot

import (
	"strings"

	"cstbot/internal/match"
)

// maxParts bounds the sentences of a message read one by one: longer
// messages have neighbouring sentences read together.
const maxParts = 10

// parts splits a message into what is read by meaning on its own: its
// sentences (at most maxParts; beyond, neighbours are joined) and, for a
// long question sentence, its last clauses; and which part asks the
// question. A short message of one sentence has no parts.
func parts(text string) (ps []string, question int) {
	ps = match.Sentences(text)
	for len(ps) > maxParts {
		var joined []string
		for i := 0; i < len(ps); i += 2 {
			if i+1 < len(ps) {
				joined = append(joined, ps[i]+" "+ps[i+1])
			} else {
				joined = append(joined, ps[i])
			}
		}
		ps = joined
	}
	if len(ps) == 0 {
		return nil, 0
	}
	q := match.QuestionSentence(ps)
	asked := ps[q]
	if len(ps) == 1 {
		ps = nil // the whole message is read anyway
	}
	// A long question sentence ("…, my friend said it helped her, and I
	// wonder, do I keep my clothes on?") asks in its last clauses.
	if tail := lastClauses(asked, tailWords); tail != asked {
		ps = append(ps, tail)
		q = len(ps) - 1
	}
	if len(ps) == 0 {
		return nil, 0
	}
	return ps, q
}

// tailWords is how long a sentence may be before its last clauses are
// read apart from it, and at least how many words they are.
const tailWords = 20

// lastClauses returns the last clauses of a sentence (split at commas,
// semicolons, colons and dashes) that make at least n words, or the
// sentence itself when it has fewer than n words more.
func lastClauses(s string, n int) string {
	ws := strings.Fields(s)
	if len(ws) <= n+5 {
		return s
	}
	count := 0
	for i := len(ws) - 1; i > 0; i-- {
		count++
		w := ws[i-1]
		if count >= n/2 && (strings.HasSuffix(w, ",") || strings.HasSuffix(w, ";") || strings.HasSuffix(w, ":") || ws[i] == "-" || ws[i] == "—") {
			if count >= n/2 {
				return strings.Join(ws[i:], " ")
			}
		}
		if count >= n+5 {
			return strings.Join(ws[i:], " ")
		}
	}
	return s
}

// messageTexts lists the texts a message is encoded as: the whole, then
// each part.
func messageTexts(text string) []string {
	text = strings.TrimSpace(text)
	ps, _ := parts(text)
	return append([]string{text}, ps...)
}
