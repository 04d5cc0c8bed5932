// Package report turns what the store recorded into something the
// therapist can act on: the questions the FAQ could not answer, grouped so
// that twelve ways of asking the price are one line, most asked first; and
// the entries clients rated down, with how often each was served.
package report

import (
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"cstbot/internal/bot"
	"cstbot/internal/match"
	"cstbot/internal/store"
)

// Group is a set of questions that ask the same thing.
type Group struct {
	Topic    string   `json:"topic"` // the word they share, as the bot reads it
	Count    int      `json:"count"`
	Examples []string `json:"examples"` // up to two, distinct
	Nearest  string   `json:"nearest,omitempty"`
}

// Entry is how an FAQ entry fared.
type Entry struct {
	ID        string  `json:"id"`
	Served    int     `json:"served"`
	Up        int     `json:"up"`
	Down      int     `json:"down"`
	DownShare float64 `json:"down_share"` // of the ratings, 0..1
}

// Report is what 'cstbot report' prints.
type Report struct {
	Since      time.Time `json:"since"`
	Until      time.Time `json:"until"`
	Unanswered int       `json:"unanswered"`
	Groups     []Group   `json:"groups"`
	Entries    []Entry   `json:"entries"`
}

// Build groups the questions and ranks the entries. ix reads questions as
// the bot does (stems, synonyms, typos); entries lists the FAQ's ids, so
// that entries never served still show.
func Build(since, until time.Time, questions []store.Question, stats []store.EntryStat, ix *match.Index, entries []string) Report {
	r := Report{Since: since, Until: until, Unanswered: len(questions)}
	r.Groups = group(questions, ix)
	byID := make(map[string]store.EntryStat)
	for _, s := range stats {
		byID[s.ID] = s
	}
	seen := make(map[string]bool)
	add := func(id string) {
		if seen[id] {
			return
		}
		seen[id] = true
		s := byID[id]
		e := Entry{ID: id, Served: s.Served, Up: s.Up, Down: s.Down}
		if n := s.Up + s.Down; n > 0 {
			e.DownShare = float64(s.Down) / float64(n)
		}
		r.Entries = append(r.Entries, e)
	}
	for _, id := range entries {
		add(id)
	}
	for _, s := range stats { // entries since removed from the FAQ
		add(s.ID)
	}
	slices.SortStableFunc(r.Entries, func(a, b Entry) int {
		if c := cmp.Compare(b.DownShare, a.DownShare); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Down, a.Down); c != 0 {
			return c
		}
		return cmp.Compare(b.Served, a.Served)
	})
	return r
}

// group puts each question under its topic: of the words it has (read as
// the bot reads them), the one that is both common among the unanswered
// questions and rare in the FAQ. "How much is it?", "price?" and "what do
// you charge" share "price" (a synonym group), which the FAQ never uses.
func group(questions []store.Question, ix *match.Index) []Group {
	tokens := make([][]string, len(questions))
	count := make(map[string]int)
	cache := make(map[string][]string) // the same text, asked again
	for i, q := range questions {
		toks, ok := cache[q.Text]
		if !ok {
			toks = ix.QueryTokens(q.Text)
			cache[q.Text] = toks
		}
		tokens[i] = toks
		for _, t := range toks {
			count[t]++
		}
	}
	groups := make(map[string]*Group)
	var order []string
	for i, q := range questions {
		topic, best := "", -1.0
		for _, t := range tokens[i] {
			score := float64(count[t]) * ix.Weight(t)
			if score > best || score == best && t < topic {
				topic, best = t, score
			}
		}
		g := groups[topic]
		if g == nil {
			g = &Group{Topic: topic}
			if topic == "" {
				g.Topic = "(no words)"
			}
			groups[topic] = g
			order = append(order, topic)
		}
		g.Count++
		text := strings.TrimSpace(q.Text)
		if len(g.Examples) < 2 && text != "" && !slices.Contains(g.Examples, text) {
			g.Examples = append(g.Examples, text)
		}
		if g.Nearest == "" {
			g.Nearest = q.BestID
		}
	}
	out := make([]Group, 0, len(order))
	for _, t := range order {
		out = append(out, *groups[t])
	}
	slices.SortStableFunc(out, func(a, b Group) int { return cmp.Compare(b.Count, a.Count) })
	return out
}

// WriteText writes the report for a person: headings, a line a group.
// maxGroups limits the groups listed (0: all).
func (r Report) WriteText(w io.Writer, maxGroups int) error {
	var b strings.Builder
	days := int(r.Until.Sub(r.Since).Hours()/24 + 0.5)
	period := fmt.Sprintf("the last %d days (%s to %s)", days, r.Since.Format("2 Jan 2006"), r.Until.Format("2 Jan 2006"))
	recorded := r.Unanswered
	for _, e := range r.Entries {
		recorded += e.Served + e.Up + e.Down
	}
	if recorded == 0 {
		_, err := fmt.Fprintf(w, "No questions recorded yet in %s.\n", period)
		return err
	}
	fmt.Fprintf(&b, "cstbot report: %s\n\n", period)
	fmt.Fprintf(&b, "QUESTIONS THE FAQ COULD NOT ANSWER\n")
	if r.Unanswered == 0 {
		b.WriteString("  None. Every question got an answer.\n")
	} else {
		fmt.Fprintf(&b, "%d questions, in %d groups, most asked first. Consider an FAQ entry for the top ones.\n\n", r.Unanswered, len(r.Groups))
		for i, g := range r.Groups {
			if maxGroups > 0 && i == maxGroups {
				fmt.Fprintf(&b, "  … and %d more groups (cstbot report shows them all)\n", len(r.Groups)-i)
				break
			}
			var ex []string
			for _, e := range g.Examples {
				ex = append(ex, fmt.Sprintf("%q", clip(e, 80)))
			}
			fmt.Fprintf(&b, "  %4d×  %s\n", g.Count, strings.Join(ex, "  ·  "))
			if g.Nearest != "" && len(g.Examples) > 0 { // how to teach it, if its nearest entry is the right one
				fmt.Fprintf(&b, "         teach: cstbot faq learn %s %s\n", g.Nearest, shellQuote(g.Examples[0]))
			}
		}
	}
	b.WriteString("\nHOW THE ANSWERS DID (least helpful first)\n")
	fmt.Fprintf(&b, "  %-24s %7s %5s %5s %9s\n", "entry", "served", "👍", "👎", "👎 share")
	for _, e := range r.Entries {
		share := "-"
		if e.Up+e.Down > 0 {
			share = fmt.Sprintf("%.0f%%", 100*e.DownShare)
		}
		fmt.Fprintf(&b, "  %-24s %7d %5d %5d %9s\n", clip(e.ID, 24), e.Served, e.Up, e.Down, share)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteCSV writes the report as CSV: a "section" column tells groups
// ("unanswered") from entries ("entry").
func (r Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"section", "key", "count", "example1", "example2", "served", "up", "down", "down_share"})
	for _, g := range r.Groups {
		ex := append(g.Examples, "", "")
		cw.Write([]string{"unanswered", g.Topic, fmt.Sprint(g.Count), ex[0], ex[1], "", "", "", ""})
	}
	for _, e := range r.Entries {
		cw.Write([]string{"entry", e.ID, "", "", "", fmt.Sprint(e.Served), fmt.Sprint(e.Up), fmt.Sprint(e.Down), fmt.Sprintf("%.3f", e.DownShare)})
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes the report as one JSON object.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// Read builds the report of what st recorded in the age before now,
// grouping the questions as bot b reads them.
func Read(ctx context.Context, st *store.Store, b *bot.Bot, age time.Duration, now time.Time) (Report, error) {
	since := now.Add(-age)
	qs, err := st.Questions(ctx, since)
	if err != nil {
		return Report{}, err
	}
	stats, err := st.EntryStats(ctx, since)
	if err != nil {
		return Report{}, err
	}
	var ids []string
	for _, e := range b.FAQ().Entries {
		ids = append(ids, e.ID)
	}
	return Build(since, now, qs, stats, b.Index(), ids), nil
}

// Open reads the report from the question log at path, read-only.
func Open(ctx context.Context, path string, b *bot.Bot, age time.Duration, now time.Time) (Report, error) {
	if _, err := os.Stat(path); err != nil {
		return Report{}, fmt.Errorf("no question log at %s yet: serve has not recorded anything there (is CSTBOT_DATA right?)", path)
	}
	st, err := store.OpenReadOnly(path)
	if err != nil {
		return Report{}, err
	}
	defer st.Close()
	return Read(ctx, st, b, age, now)
}

// Formats lists what Write writes.
var Formats = []string{"text", "csv", "json"}

// Write writes the report in one of Formats.
func (r Report) Write(w io.Writer, format string) error {
	switch format {
	case "csv":
		return r.WriteCSV(w)
	case "json":
		return r.WriteJSON(w)
	}
	return r.WriteText(w, 0)
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
