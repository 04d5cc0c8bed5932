package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	defaultfaq "cstbot/faq"
	"cstbot/internal/bot"
	"cstbot/internal/bot/bottest"
	"cstbot/internal/faq"
	"cstbot/internal/store"
)

func shipped(tb testing.TB) *bot.Bot {
	tb.Helper()
	f, err := faq.Parse(defaultfaq.Name, defaultfaq.YAML)
	if err != nil {
		tb.Fatal(err)
	}
	return bottest.New(tb, f)
}

func questions(texts ...string) []store.Question {
	var out []store.Question
	for _, t := range texts {
		out = append(out, store.Question{At: time.Now(), Platform: "telegram", Text: t, Kind: "fallback"})
	}
	return out
}

func ids(b *bot.Bot) []string {
	var out []string
	for _, e := range b.FAQ().Entries {
		out = append(out, e.ID)
	}
	return out
}

func TestGrouping(t *testing.T) {
	b := shipped(t)
	qs := questions(
		"How much does a session cost?", "price?", "what do you charge", "how much is it", "Prices please",
		"how expensive are sessions", "what are your rates", "cost of one appointment", "how much do you charge for cst",
		"what's the fee", "is it pricey", "how much $$",
		"Do you take insurance?", "is it covered by insurance", "insurance?",
		"is there parking nearby", "where do I park",
		"", "🙂",
	)
	r := Build(time.Now().Add(-24*time.Hour), time.Now(), qs, nil, b.Index(), ids(b))
	if r.Unanswered != len(qs) {
		t.Errorf("Unanswered = %d", r.Unanswered)
	}
	top := r.Groups[0]
	if top.Topic != "price" || top.Count < 9 || len(top.Examples) != 2 {
		t.Errorf("top group = %+v, want the price questions together", top)
	}
	var insurance *Group
	for i := range r.Groups {
		if r.Groups[i].Topic == "insur" {
			insurance = &r.Groups[i]
		}
	}
	if insurance == nil || insurance.Count != 3 {
		t.Errorf("insurance group = %+v; groups %+v", insurance, r.Groups)
	}
	for i := 1; i < len(r.Groups); i++ {
		if r.Groups[i].Count > r.Groups[i-1].Count {
			t.Errorf("groups not most asked first: %+v", r.Groups)
		}
	}
}

func TestEntriesRankedByDownShare(t *testing.T) {
	b := shipped(t)
	stats := []store.EntryStat{
		{ID: "clothing", Served: 40, Up: 9, Down: 1},
		{ID: "session-length", Served: 10, Up: 1, Down: 3},
		{ID: "removed-entry", Served: 2},
	}
	r := Build(time.Now().Add(-time.Hour), time.Now(), nil, stats, b.Index(), ids(b))
	if r.Entries[0].ID != "session-length" || r.Entries[0].DownShare != 0.75 || r.Entries[1].ID != "clothing" {
		t.Errorf("entries %+v", r.Entries[:3])
	}
	if len(r.Entries) != len(b.FAQ().Entries)+1 {
		t.Errorf("%d entries, want every FAQ entry plus the removed one", len(r.Entries))
	}
	var text bytes.Buffer
	r.WriteText(&text, 0)
	for _, want := range []string{"QUESTIONS THE FAQ COULD NOT ANSWER", "None. Every question got an answer.", "HOW THE ANSWERS DID", "session-length", "75%"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, text.String())
		}
	}
}

func TestFormats(t *testing.T) {
	b := shipped(t)
	r := Build(time.Now().Add(-time.Hour), time.Now(), questions("price?", "how much"), []store.EntryStat{{ID: "clothing", Served: 1}}, b.Index(), ids(b))
	var csvOut, jsonOut, text bytes.Buffer
	if err := r.WriteCSV(&csvOut); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(csvOut.String(), "section,key,count,example1,example2,served,up,down,down_share\nunanswered,price,2,price?,how much,") {
		t.Errorf("csv:\n%s", csvOut.String())
	}
	if err := r.WriteJSON(&jsonOut); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(jsonOut.Bytes(), &back); err != nil || back.Unanswered != 2 || back.Groups[0].Count != 2 {
		t.Errorf("json: %v %+v", err, back)
	}
	r.WriteText(&text, 1)
	if !strings.Contains(text.String(), `2×  "price?"  ·  "how much"`) {
		t.Errorf("text:\n%s", text.String())
	}
}

// BenchmarkReport reads and groups a log of 100,000 questions from a real
// SQLite file: what 'cstbot report' does. The bar is 2 s.
func BenchmarkReport(b *testing.B) {
	path := filepath.Join(b.TempDir(), "q.db")
	st, err := store.Open(path, nil)
	if err != nil {
		b.Fatal(err)
	}
	bt := shipped(b)
	r := rand.New(rand.NewPCG(3, 4))
	templates := []string{"how much does a %s cost", "do you take %s insurance", "is there parking near %s", "can my %s come",
		"what are your hours on %s", "do you do %s sessions online", "is cst good for %s", "tell me about %s"}
	words := []string{"session", "blue cross", "the center", "dog", "saturday", "zoom", "tinnitus", "reiki", "my kid", "aetna", "sunday", "scoliosis"}
	now := time.Now()
	for i := range 100_000 {
		text := fmt.Sprintf(templates[r.IntN(len(templates))], words[r.IntN(len(words))])
		if i%7 == 0 {
			text += fmt.Sprint(" ", i) // some unique ones
		}
		st.RecordQuestion(store.Question{At: now.Add(-time.Duration(r.IntN(20*24)) * time.Hour), Platform: "telegram", Text: text, Kind: "fallback", BestID: "session-length", Score: 0.2})
		if i%2000 == 0 {
			st.Flush()
		}
	}
	st.Flush()
	b.ResetTimer()
	for b.Loop() {
		qs, err := st.Questions(context.Background(), now.Add(-30*24*time.Hour))
		if err != nil || len(qs) != 100_000 {
			b.Fatal(len(qs), err)
		}
		stats, _ := st.EntryStats(context.Background(), now.Add(-30*24*time.Hour))
		rep := Build(now.Add(-30*24*time.Hour), now, qs, stats, bt.Index(), ids(bt))
		rep.WriteText(&bytes.Buffer{}, 0)
	}
	b.StopTimer()
	st.Close()
}

func TestEmptyReport(t *testing.T) {
	b := shipped(t)
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	r := Build(now.Add(-30*24*time.Hour), now, nil, nil, b.Index(), ids(b))
	var out strings.Builder
	if err := r.WriteText(&out, 0); err != nil {
		t.Fatal(err)
	}
	if want := "No questions recorded yet in the last 30 days (2 Nov 2026 to 2 Dec 2026).\n"; out.String() != want {
		t.Errorf("empty report = %q, want %q", out.String(), want)
	}
}

func TestReportTeaches(t *testing.T) {
	b := shipped(t)
	qs := []store.Question{{Text: "do I need to bring a towel", BestID: "clothing", At: time.Now(), Kind: "fallback"}, {Text: "should I bring a towel?", BestID: "clothing", At: time.Now(), Kind: "fallback"}}
	r := Build(time.Now().Add(-time.Hour), time.Now(), qs, nil, b.Index(), ids(b))
	var out strings.Builder
	r.WriteText(&out, 0)
	if !strings.Contains(out.String(), "teach: cstbot faq learn clothing '") {
		t.Errorf("the report does not say how to teach its group:\n%s", out.String())
	}
}
