package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	defaultfaq "cstbot/faq"
	"cstbot/internal/bot"
	"cstbot/internal/faq"
	"cstbot/internal/metrics"
	"cstbot/internal/report"
	"cstbot/internal/store"
)

// dataPath is where the question log goes: CSTBOT_DATA, else cstbot.db
// beside the FAQ file, else in the working directory; "" when "off".
func dataPath(setting, faqPath string) string {
	switch {
	case strings.EqualFold(setting, "off"):
		return ""
	case setting != "":
		return setting
	case faqPath != "":
		return filepath.Join(filepath.Dir(faqPath), "cstbot.db")
	}
	return "cstbot.db"
}

// parseAge reads a duration such as "90d", "12h" or "30m".
func parseAge(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("%q is not a number of days like 90d", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a duration like 90d or 12h", s)
	}
	return d, nil
}

// parseIDs reads a comma-separated list of ids.
func parseIDs(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// reloader reloads the FAQ file into the Live bot: for file changes,
// SIGHUP and /reload. A valid FAQ is swapped in for the next message; an
// invalid one is logged with its lines and the previous one stays.
type reloader struct {
	path    string
	live    *bot.Live
	log     *slog.Logger
	m       *metrics.Metrics
	meaning *bot.Meaning
	mu      sync.Mutex
	loaded  []byte // the content in service, to skip reloads that change nothing
}

// reload reads the file (or uses data) and reports what happened, in a
// sentence for the admin who asked.
func (r *reloader) reload(trigger string, data []byte) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.path == "" {
		return "The bot uses its built-in FAQ; there is no file to reload (set CSTBOT_FAQ)."
	}
	var f *faq.FAQ
	var err error
	if data == nil {
		f, err = readFAQ(r.path)
	} else {
		f, err = faq.Parse(r.path, data)
	}
	if err != nil {
		r.m.Reloaded(false, 0)
		r.log.Error("FAQ reload failed; still answering with the previous FAQ", "trigger", trigger, "file", r.path, "problems", err.Error())
		return "The FAQ was NOT reloaded; the previous version is still answering. Problems:\n" + err.Error()
	}
	if data != nil && bytes.Equal(data, r.loaded) {
		return fmt.Sprintf("The FAQ is unchanged (%d entries).", len(f.Entries))
	}
	r.live.Swap(bot.New(f, r.meaning))
	r.loaded = data
	r.m.Reloaded(true, len(f.Entries))
	r.log.Info("FAQ reloaded", "trigger", trigger, "file", r.path, "entries", len(f.Entries))
	return fmt.Sprintf("FAQ reloaded: %d entries are in service.", len(f.Entries))
}

// adminReport is the report for an admin in chat: the last 30 days.
func adminReport(ctx context.Context, st *store.Store, live *bot.Live) string {
	if st == nil {
		return "Recording is off (CSTBOT_DATA=off, or the database could not be opened), so there is nothing to report."
	}
	st.Flush()
	r, err := buildReport(ctx, st, live.Bot(), 30*24*time.Hour, time.Now())
	if err != nil {
		return "The report failed: " + err.Error()
	}
	var b strings.Builder
	r.WriteText(&b, 15)
	return b.String()
}

// buildReport reads what was recorded in the age before now and groups
// the questions as bot b reads them.
func buildReport(ctx context.Context, st *store.Store, b *bot.Bot, age time.Duration, now time.Time) (report.Report, error) {
	since := now.Add(-age)
	qs, err := st.Questions(ctx, since)
	if err != nil {
		return report.Report{}, err
	}
	stats, err := st.EntryStats(ctx, since)
	if err != nil {
		return report.Report{}, err
	}
	var ids []string
	for _, e := range b.FAQ().Entries {
		ids = append(ids, e.ID)
	}
	return report.Build(since, now, qs, stats, b.Index(), ids), nil
}

// report prints what clients asked that the FAQ could not answer, and how
// the answers did: 'cstbot report [--since 30d] [--format text|csv|json]'.
func (env environment) report(ctx context.Context, args []string) error {
	fs := env.flags("report")
	sinceFlag := fs.String("since", "30d", "how far back: 30d, 7d, 12h, …")
	format := fs.String("format", "text", "text, csv or json")
	faqPath := fs.String("faq", env.getenv("CSTBOT_FAQ"), "FAQ `file` the questions are grouped with (env CSTBOT_FAQ)")
	data := fs.String("data", env.getenv("CSTBOT_DATA"), "the question log `file` serve writes (env CSTBOT_DATA)")
	if err := parse(fs, args); err != nil {
		return err
	}
	age, err := parseAge(*sinceFlag)
	if err != nil {
		return usagef("report: --since %v", err)
	}
	if *format != "text" && *format != "csv" && *format != "json" {
		return usagef("report: --format %q: want text, csv or json", *format)
	}
	path := dataPath(*data, *faqPath)
	if path == "" {
		return usagef("report: CSTBOT_DATA is off, so nothing was recorded")
	}
	var f *faq.FAQ
	if *faqPath != "" {
		f, err = readFAQ(*faqPath)
	} else {
		f, err = faq.Parse(defaultfaq.Name, defaultfaq.YAML)
	}
	if err != nil {
		return err
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("report: no question log at %s yet: serve has not recorded anything there (is CSTBOT_DATA right?)", path)
	}
	st, err := store.OpenReadOnly(path)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	defer st.Close()
	mn, err := meaning()
	if err != nil {
		return err
	}
	r, err := buildReport(ctx, st, bot.New(f, mn), age, time.Now())
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	switch *format {
	case "csv":
		return r.WriteCSV(env.stdout)
	case "json":
		return r.WriteJSON(env.stdout)
	}
	return r.WriteText(env.stdout, 0)
}
