// Package match finds which of a set of short documents (the ways clients
// ask each FAQ question) a free-text message is closest to.
//
// It knows nothing of FAQs or bots: it turns text into normalised tokens
// (lowercase, accents folded, contractions expanded, stopwords dropped,
// Snowball-stemmed, synonyms mapped to one canonical token, typos corrected
// against the vocabulary) and scores documents by the IDF weight they share
// with the message. An Index is built once and is safe for concurrent use.
package match

import (
	"cmp"
	"math"
	"slices"
)

// Doc is one way of asking a question. Docs with the same Key belong to the
// same answer; a Key's score is the best score of its docs.
type Doc struct {
	Key  int
	Text string
}

// Config tunes an Index. Zero values take the defaults, which were tuned
// on labelled client messages (see internal/bot/eval_test.go).
type Config struct {
	// Synonyms are groups of words or phrases that mean the same; every
	// member is read as the group's first member.
	Synonyms [][]string
	// Unknown is the weight of a message word no doc has, as a multiple of
	// ln(1+keys), the weight of a word only one key has (default 1.3).
	Unknown float64
	// Unmatched weighs the message's unexplained words against a doc,
	// relative to the doc's own unmatched words (default 0.9). Lower
	// forgives long chatty messages more.
	Unmatched float64
	// Gamma is how fast the weight of unexplained words shrinks with their
	// number: their total is divided by count^Gamma (default 1).
	Gamma float64
	// Sibling is how much a message word counts for a doc when only another
	// doc of the same key has it (0..1; default 0).
	Sibling float64
}

// Result is a Key's score for a message.
type Result struct {
	Key   int
	Score float64 // similarity of the message and the key's best doc, 0..1
	// Matched is the IDF weight the message shares with that doc: how much
	// evidence there is, where Score is how good a fit.
	Matched float64
	// Coverage is the share of the message's weight the doc explains, 0..1.
	Coverage float64
	// Topical is false when all the key shares with the message are
	// question words (who, where, when, why) while the message has other
	// words: "who won the game" shares only "who" with "who is the
	// therapist". "Who are you?" is all question word, and topical.
	Topical bool
}

// questionWords are the tokens of question words that are not stopwords:
// they tell what kind of answer is wanted, not what it is about.
var questionWords = map[string]bool{"who": true, "where": true, "when": true, "whi": true}

// Index scores messages against a fixed set of docs. It is immutable after
// New and safe for concurrent use.
type Index struct {
	an        *analyzer
	docs      []indexedDoc
	postings  map[string][]int // token -> docs that contain it
	keyPosts  map[string][]int // token -> keys whose docs contain it
	idf       map[string]float64
	unknown   float64 // weight of a message word the index has never seen
	unmatched float64
	sibling   float64
	gamma     float64
	nkeys     int
}

type indexedDoc struct {
	key    int
	tokens []string
	weight float64 // sum of idf over tokens
}

// New builds an index over docs.
func New(docs []Doc, cfg Config) *Index {
	an := newAnalyzer(cfg.Synonyms)
	ix := &Index{
		an:        an,
		postings:  make(map[string][]int),
		keyPosts:  make(map[string][]int),
		idf:       make(map[string]float64),
		unmatched: cfg.Unmatched,
		sibling:   cfg.Sibling,
		gamma:     cfg.Gamma,
	}
	if ix.gamma <= 0 {
		ix.gamma = 1
	}
	if ix.unmatched <= 0 {
		ix.unmatched = 0.9
	}
	// Teach the analyzer every word of every doc first, so that typo
	// correction of one doc's words can land on another doc's.
	docWords := make([][]string, len(docs))
	for i, d := range docs {
		docWords[i] = words(d.Text)
		an.learn(docWords[i])
	}
	df := make(map[string]map[int]bool) // token -> keys containing it
	keys := make(map[int]bool)
	for j, d := range docs {
		toks := dedupe(an.tokenize(docWords[j]))
		i := len(ix.docs)
		ix.docs = append(ix.docs, indexedDoc{key: d.Key, tokens: toks})
		keys[d.Key] = true
		for _, t := range toks {
			ix.postings[t] = append(ix.postings[t], i)
			if df[t] == nil {
				df[t] = make(map[int]bool)
			}
			df[t][d.Key] = true
		}
	}
	ix.nkeys = len(keys)
	n := float64(max(ix.nkeys, 1))
	for t, ks := range df {
		ix.idf[t] = math.Log(1 + n/float64(len(ks)))
		for k := range ks {
			ix.keyPosts[t] = append(ix.keyPosts[t], k)
		}
	}
	unknown := cfg.Unknown
	if unknown <= 0 {
		unknown = 1.3
	}
	ix.unknown = unknown * math.Log(1+n)
	an.stems = nil // only for building
	for i := range ix.docs {
		var w float64
		for _, t := range ix.docs[i].tokens {
			w += ix.idf[t]
		}
		ix.docs[i].weight = w
	}
	return ix
}

// Tokens returns the normalised tokens of text as the index sees them.
func (ix *Index) Tokens(text string) []string {
	return ix.an.tokens(text, true)
}

// Search scores every key that shares a token with the message and returns
// them best first. Keys sharing nothing are left out.
func (ix *Index) Search(text string) []Result {
	return ix.SearchWords(words(text))
}

// SearchWords is Search for a message already split by Words.
func (ix *Index) SearchWords(ws []string) []Result {
	q := ix.an.query(ws)
	if len(q) == 0 {
		return nil
	}
	// Weigh the message's tokens.
	var qWeight float64
	weights := make([]float64, len(q))
	for i, t := range q {
		w, ok := ix.idf[t.tok]
		if !ok {
			w = ix.unknown
		}
		if t.corrected {
			w *= typoDiscount
		}
		weights[i] = w
		qWeight += w
	}
	// Accumulate shared weight and words per doc, and per key (the
	// union of its docs), through the postings.
	shared := make(map[int]float64)
	keyShared := make(map[int]float64)
	keyCount := make(map[int]int)
	topical := make(map[int]bool)
	onlyQuestionWords := !slices.ContainsFunc(q, func(t qtoken) bool { return !questionWords[t.tok] })
	for i, t := range q {
		for _, d := range ix.postings[t.tok] {
			shared[d] += weights[i]
		}
		for _, k := range ix.keyPosts[t.tok] {
			keyShared[k] += weights[i]
			keyCount[k]++
			topical[k] = topical[k] || onlyQuestionWords || !questionWords[t.tok]
		}
	}
	best := make(map[int]Result)
	for d, m := range shared {
		doc := &ix.docs[d]
		// A Tversky-style similarity: all of the doc's weight counts
		// against it, and the message's unexplained words count partly.
		// With Gamma 1 it is their average weight that counts, not their
		// sum: one unexplained word in a short question ("how much does
		// a session cost") is the point of it, while ten in a long
		// message are mostly the client's story.
		//
		// Message words that other docs of the same key have are not
		// unexplained: they count a little for the doc, not against it.
		mk := keyShared[doc.key]
		extra := len(q) - keyCount[doc.key]
		penalty := 0.0
		if extra > 0 {
			penalty = ix.unmatched * (qWeight - mk) / math.Pow(float64(extra), ix.gamma)
		}
		s := (m + ix.sibling*(mk-m)) / (doc.weight + penalty)
		m = mk
		if b, ok := best[doc.key]; !ok || s > b.Score {
			best[doc.key] = Result{Key: doc.key, Score: math.Min(s, 1), Matched: m, Coverage: m / qWeight, Topical: topical[doc.key]}
		}
	}
	out := make([]Result, 0, len(best))
	for _, r := range best {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b Result) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.Key, b.Key)
	})
	return out
}

// typoDiscount is how much a corrected word counts next to one spelt right.
const typoDiscount = 0.8

// dedupe removes repeated tokens, keeping the first of each.
func dedupe(toks []string) []string {
	out := make([]string, 0, len(toks))
	for _, t := range toks {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// Weight is a token's weight in the index: its IDF, or the weight of an
// unknown word. Rare and unknown tokens weigh most.
func (ix *Index) Weight(tok string) float64 {
	if w, ok := ix.idf[tok]; ok {
		return w
	}
	return ix.unknown
}

// QueryTokens returns the distinct tokens of a message, typo-corrected, as
// Search reads them.
func (ix *Index) QueryTokens(text string) []string {
	q := ix.an.query(words(text))
	out := make([]string, len(q))
	for i, t := range q {
		out[i] = t.tok
	}
	return out
}
