package bot

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	defaultfaq "cstbot/faq"
	"cstbot/internal/faq"
)

// benchRespond answers msgs in turn and reports the median and 99th
// percentile of one reply besides the mean.
func benchRespond(b *testing.B, bot *Bot, msgs []string) {
	ctx := context.Background()
	times := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		bot.Respond(ctx, Message{Text: msgs[i%len(msgs)]})
		times = append(times, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(times)
	if len(times) > 0 {
		b.ReportMetric(float64(times[len(times)/2].Microseconds()), "p50-µs")
		b.ReportMetric(float64(times[len(times)*99/100].Microseconds()), "p99-µs")
	}
}

func devMessages(tb testing.TB) []string {
	var msgs []string
	for _, l := range loadSet(tb, "testdata/dev.jsonl") {
		msgs = append(msgs, l.Q)
	}
	return msgs
}

// BenchmarkRespond is one reply on the embedded FAQ, over the dev messages.
func BenchmarkRespond(b *testing.B) {
	benchRespond(b, shippedBot(b), devMessages(b))
}

// BenchmarkRespondLargeFAQ is one reply on a generated FAQ of 2,000 entries.
func BenchmarkRespondLargeFAQ(b *testing.B) {
	f := generatedFAQ(2000)
	bot := New(f, testMeaning(b))
	msgs := devMessages(b)
	for i := range 50 {
		msgs = append(msgs, f.Entries[i*37].Also[0])
	}
	benchRespond(b, bot, msgs)
}

// BenchmarkLoad is parsing, validating and indexing the embedded FAQ on a
// Meaning that has done so before (what a reload of an unchanged FAQ costs).
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		f, err := faq.Parse(defaultfaq.Name, defaultfaq.YAML)
		if err != nil {
			b.Fatal(err)
		}
		New(f, testMeaning(b))
	}
}

// generatedFAQ makes an FAQ of n entries from a vocabulary of made-up and
// real words, with the shipped FAQ's synonyms.
func generatedFAQ(n int) *faq.FAQ {
	shipped, err := faq.Parse(defaultfaq.Name, defaultfaq.YAML)
	if err != nil {
		panic(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	var vocab []string
	for _, e := range shipped.Entries {
		vocab = append(vocab, strings.Fields(strings.ToLower(e.Answer))...)
	}
	for i := range 3000 {
		vocab = append(vocab, fmt.Sprintf("term%dx", i))
	}
	sentence := func(words int) string {
		ws := make([]string, words)
		for i := range ws {
			ws[i] = vocab[r.IntN(len(vocab))]
		}
		return strings.Join(ws, " ") + "?"
	}
	f := &faq.FAQ{Source: "generated.yaml", Contact: shipped.Contact, Synonyms: shipped.Synonyms}
	for i := range n {
		f.Entries = append(f.Entries, faq.Entry{
			ID:       fmt.Sprintf("entry-%d", i),
			Question: sentence(6),
			Also:     []string{sentence(5), sentence(7), sentence(4)},
			Answer:   sentence(40),
		})
	}
	return f
}

// BenchmarkStart is what a process does before its first answer: loading
// the encoder, the bank and the rules (LoadMeaning), then parsing and
// indexing the embedded FAQ on them, nothing computed before.
func BenchmarkStart(b *testing.B) {
	for b.Loop() {
		m, err := LoadMeaning(defaultfaq.Files)
		if err != nil {
			b.Fatal(err)
		}
		f, err := faq.Parse(defaultfaq.Name, defaultfaq.YAML)
		if err != nil {
			b.Fatal(err)
		}
		New(f, m)
	}
}

// BenchmarkLoadMeaning is loading the encoder, the phrase bank and its
// vectors and the rules: once per process.
func BenchmarkLoadMeaning(b *testing.B) {
	for b.Loop() {
		if _, err := LoadMeaning(defaultfaq.Files); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReloadOneEntry is a reload after the therapist changed one
// entry's question: the bot is rebuilt on a Meaning that has every other
// line's vector already.
func BenchmarkReloadOneEntry(b *testing.B) {
	m := testMeaning(b)
	f := shippedFAQ(b)
	New(f, m)
	i := 0
	for b.Loop() {
		g := *f
		g.Entries = append([]faq.Entry(nil), f.Entries...)
		g.Entries[3].Question = fmt.Sprintf("How long does one session last, version %d?", i)
		i++
		New(&g, m)
	}
}
