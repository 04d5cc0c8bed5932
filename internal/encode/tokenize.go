package encode

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Tokenizer splits text into SentencePiece pieces the way the reference
// runtime does (@energetic-ai/embeddings 0.2.0, lib/tokenizer.ts, itself
// TF.js's universal-sentence-encoder tokenizer): NFKC, every space made
// "▁" and one "▁" put in front, then the unigram model's best segmentation
// by Viterbi over the pieces' log-probabilities.
//
// Its quirks are kept, since the vectors must match the reference's: only
// the ASCII space becomes "▁" (a tab or a newline is a character of its
// own); a character no piece starts with is the unknown piece (id 0) with
// score 0, and a run of unknown characters is one unknown piece; the
// vocabulary has no byte pieces, so the unknown piece is the byte fallback;
// ties go to the later, shorter piece, and a best score of exactly 0 counts
// as "none yet". A Tokenizer is immutable and safe for concurrent use.
type Tokenizer struct {
	pieces []piece
	// edges is the pieces' trie: (node, rune) -> child node. Node 0 is the
	// root; ends[node] is the piece a node completes, or -1.
	edges map[edge]int32
	ends  []int32
}

type piece struct {
	text  string
	runes int // its length in characters, as JS counts it (no piece is outside the BMP)
	score float64
}

type edge struct {
	node int32
	r    rune
}

// reservedPieces are the first ids, which text never produces: unknown,
// <s>, </s> and three spares. Unknown is id 0.
const reservedPieces = 6

// unknownID is the piece a character no piece starts with becomes.
const unknownID = 0

func newTokenizer(pieces []piece) *Tokenizer {
	t := &Tokenizer{pieces: pieces, edges: make(map[edge]int32, 48000), ends: []int32{-1}}
	for id := reservedPieces; id < len(pieces); id++ {
		node := int32(0)
		for _, r := range pieces[id].text {
			next, ok := t.edges[edge{node, r}]
			if !ok {
				next = int32(len(t.ends))
				t.ends = append(t.ends, -1)
				t.edges[edge{node, r}] = next
			}
			node = next
		}
		t.ends[node] = int32(id) // a repeated piece: the later one, as the reference's trie
	}
	return t
}

// Piece returns the text of piece id ("▁the"), or "" for an id out of range.
func (t *Tokenizer) Piece(id int) string {
	if id < 0 || id >= len(t.pieces) {
		return ""
	}
	return t.pieces[id].text
}

// Tokenize returns text's piece ids. Invalid UTF-8 is read as U+FFFD, one
// per bad byte, which no piece holds: an unknown piece. Empty text has no
// pieces.
func (t *Tokenizer) Tokenize(text string) []int32 {
	var s scratch
	return append([]int32(nil), t.tokenize(text, &s)...)
}

// scratch is a tokenization's working memory, reused across calls.
type scratch struct {
	runes []rune
	best  []float64
	words []int32
	out   []int32
}

func (t *Tokenizer) tokenize(text string, s *scratch) []int32 {
	if !utf8.ValidString(text) {
		var b strings.Builder
		for _, r := range text { // each bad byte is U+FFFD
			b.WriteRune(r)
		}
		text = b.String()
	}
	text = norm.NFKC.String(text)
	s.runes = s.runes[:0]
	if text != "" {
		s.runes = append(s.runes, '▁')
		for _, r := range text {
			if r == ' ' {
				r = '▁'
			}
			s.runes = append(s.runes, r)
		}
	}
	n := len(s.runes)
	s.best = resize(s.best, n+1)
	s.words = resize(s.words, n+1)
	clear(s.best)
	clear(s.words)
	// The reference builds a lattice and then, for each end position,
	// visits the pieces ending there by ascending start. Going through the
	// starts in order and walking the trie from each visits every end's
	// pieces in that same order, and best[start] is final when it is used,
	// so no lattice is kept.
	for start := range n {
		node, matched := int32(0), false
		for i := start; i < n; i++ {
			next, ok := t.edges[edge{node, s.runes[i]}]
			if !ok {
				break
			}
			node = next
			if id := t.ends[node]; id >= 0 {
				matched = true
				s.relax(start, i+1, id, t.pieces[id].score)
			}
		}
		if !matched {
			s.relax(start, start+1, unknownID, 0)
		}
	}
	s.out = s.out[:0]
	for i := n; i > 0; {
		id := s.words[i]
		s.out = append(s.out, id)
		i -= t.pieces[id].runes
	}
	// Back to front, and a run of unknown pieces made one.
	out := s.out[:0]
	prevUnknown := false
	for _, id := range s.out {
		if !(prevUnknown && id == unknownID) {
			out = append(out, id)
		}
		prevUnknown = id == unknownID
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	s.out = out
	return out
}

// relax offers the piece id over runes[start:end] as the best way to
// reach end, as the reference does: a best of exactly 0 is "none yet", and
// ties go to the later offer.
func (s *scratch) relax(start, end int, id int32, score float64) {
	score += s.best[start]
	if s.best[end] == 0 || score >= s.best[end] {
		s.best[end] = score
		s.words[end] = id
	}
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
