package store

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"cstbot/internal/bot"
)

func count(t testing.TB, path, table string) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// fixed answers every message with the same reply.
func fixed(r bot.Reply) bot.Responder {
	return bot.ResponderFunc(func(context.Context, bot.Message) bot.Reply { return r })
}

func TestRecorderRecords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "q.db")
	st, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	var notified []string
	ctx := context.Background()
	fallback := &Recorder{Store: st, Next: fixed(bot.Reply{Kind: bot.KindFallback, Guess: "session-length", Score: 0.3}),
		OnUnanswered: func(p, text string) { notified = append(notified, text) }}
	ask := func(rec *Recorder, m bot.Message, sendErr error) {
		rec.Delivered(m, rec.Respond(ctx, m), sendErr)
	}
	ask(fallback, bot.Text("telegram", "how much is it"), nil)
	unsure := &Recorder{Store: st, Next: fixed(bot.Reply{Kind: bot.KindAnswer, ID: "clothing", Score: 0.42})}
	ask(unsure, bot.Text("discord", "garb?"), nil)
	sure := &Recorder{Store: st, Next: fixed(bot.Reply{Kind: bot.KindAnswer, ID: "clothing", Score: 0.9})}
	ask(sure, bot.Text("discord", "do I undress"), nil)
	ask(sure, bot.Text("discord", "do I undress?"), errors.New("discord: 403 Forbidden")) // not delivered: not served
	ask(sure, bot.Rating("discord", "clothing", bot.FeedbackDown, "chan:1:msg:2"), nil)
	ask(sure, bot.Rating("discord", "clothing", bot.FeedbackDown, "chan:1:msg:2"), nil) // the same button again: once
	urgent := &Recorder{Store: st, Next: fixed(bot.Reply{Kind: bot.KindUrgent})}
	ask(urgent, bot.Text("telegram", "I want to die"), nil)
	st.Close()

	if n := count(t, path, "questions"); n != 2 {
		t.Errorf("%d questions recorded, want the fallback and the unsure answer", n)
	}
	if n := count(t, path, "served"); n != 2 {
		t.Errorf("%d answers served recorded, want 2", n)
	}
	if n := count(t, path, "feedback"); n != 1 {
		t.Errorf("%d ratings, want 1", n)
	}
	if len(notified) != 1 || notified[0] != "how much is it" {
		t.Errorf("notified %q", notified)
	}
	ro, err := OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	qs, _ := ro.Questions(ctx, time.Time{})
	if len(qs) != 2 || qs[0].Kind != "fallback" || qs[0].BestID != "session-length" || qs[1].Kind != "unsure" || qs[1].Platform != "discord" {
		t.Errorf("questions %+v", qs)
	}
	stats, _ := ro.EntryStats(ctx, time.Time{})
	if len(stats) != 1 || stats[0] != (EntryStat{ID: "clothing", Served: 2, Down: 1}) {
		t.Errorf("stats %+v", stats)
	}
	// Nothing that identifies a client is stored: only these columns exist.
	db, _ := sql.Open("sqlite", "file:"+path)
	defer db.Close()
	rows, _ := db.Query("SELECT name FROM pragma_table_info('questions')")
	var cols []string
	for rows.Next() {
		var c string
		rows.Scan(&c)
		cols = append(cols, c)
	}
	rows.Close()
	if got := strings.Join(cols, ","); got != "id,at,platform,text,best_id,score,kind" {
		t.Errorf("questions columns %s", got)
	}
}

func TestConcurrentAdapters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "q.db")
	st, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := &Recorder{Store: st, Next: fixed(bot.Reply{Kind: bot.KindFallback})}
	var wg sync.WaitGroup
	for _, platform := range []string{"telegram", "discord", "telegram", "discord"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				rec.Respond(context.Background(), bot.Message{Platform: platform, Text: fmt.Sprint("question ", i)})
				if i%100 == 0 {
					time.Sleep(time.Millisecond) // let the writer keep up, as real traffic does
				}
			}
		}()
	}
	wg.Wait()
	st.Close()
	if n := count(t, path, "questions"); n != 2000 {
		t.Errorf("%d questions recorded from 4 concurrent writers, want 2000", n)
	}
}

func TestRetentionPurge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "q.db")
	st, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	old := now.Add(-100 * 24 * time.Hour)
	for _, at := range []time.Time{old, old, now} {
		st.RecordQuestion(Question{At: at, Platform: "telegram", Text: "q", Kind: "fallback"})
		st.RecordServed(Served{At: at, EntryID: "clothing", Platform: "telegram"})
		st.RecordFeedback(Feedback{At: at, EntryID: "clothing", Up: true})
	}
	st.Flush()
	n, err := st.Purge(context.Background(), now.Add(-90*24*time.Hour))
	if err != nil || n != 6 {
		t.Errorf("Purge = %d, %v; want 6 rows", n, err)
	}
	st.Close()
	for _, table := range []string{"questions", "served", "feedback"} {
		if n := count(t, path, table); n != 1 {
			t.Errorf("%s: %d rows after the purge, want 1", table, n)
		}
	}
}

func TestMigrateFromEmpty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "q.db")
	st, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	db, _ := sql.Open("sqlite", "file:"+path)
	defer db.Close()
	var v int
	db.QueryRow("PRAGMA user_version").Scan(&v)
	if v != SchemaVersion {
		t.Errorf("user_version %d, want %d", v, SchemaVersion)
	}
	var mode string
	db.QueryRow("PRAGMA journal_mode").Scan(&mode)
	if mode != "wal" {
		t.Errorf("journal_mode %q, want wal", mode)
	}
}

func TestMigrateFromVersion1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "q.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{migrations[0], "PRAGMA user_version = 1",
		"INSERT INTO questions (at, platform, text, best_id, score) VALUES (1700000000, 'telegram', 'an old question', 'clothing', 0.2)",
		"INSERT INTO feedback (at, entry_id, up) VALUES (1700000000, 'clothing', 0)"} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	st, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	qs, err := st.Questions(context.Background(), time.Unix(0, 0))
	if err != nil || len(qs) != 1 || qs[0].Text != "an old question" || qs[0].Kind != "fallback" {
		t.Errorf("after migrating: %+v, %v", qs, err)
	}
	st.RecordServed(Served{At: time.Now(), EntryID: "clothing", Platform: "discord"})
	st.Flush()
	stats, _ := st.EntryStats(context.Background(), time.Unix(0, 0))
	if len(stats) != 1 || stats[0].Served != 1 || stats[0].Down != 1 {
		t.Errorf("stats after migrating: %+v", stats)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "q.db")
	db, _ := sql.Open("sqlite", "file:"+path)
	db.Exec("PRAGMA user_version = 99")
	db.Close()
	if _, err := Open(path, nil); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("Open on a newer schema = %v", err)
	}
}

// TestWritesRefused: a database that refuses writes (read-only, or a full
// disk) is logged once, however many records fail, and recording resumes.
func TestWritesRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "q.db")
	st, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	var logs bytes.Buffer
	var mu sync.Mutex
	log := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return logs.Write(p) }), nil))
	st, err = open(path, log, "query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	rec := &Recorder{Store: st, Next: fixed(bot.Reply{Kind: bot.KindFallback, Text: "sorry"})}
	for range 50 {
		if r := rec.Respond(context.Background(), bot.Message{Text: "q"}); r.Text != "sorry" {
			t.Fatalf("the reply changed: %+v", r)
		}
	}
	st.Flush()
	st.Close()
	mu.Lock()
	defer mu.Unlock()
	if n := strings.Count(logs.String(), "cannot record"); n != 1 {
		t.Errorf("the failure was logged %d times, want once:\n%s", n, logs.String())
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestReadOnlyFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores file permissions; TestWritesRefused covers a refusing database")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "q.db")
	st, _ := Open(path, nil)
	st.Close()
	os.Chmod(path, 0o444)
	os.Chmod(dir, 0o555)
	defer os.Chmod(dir, 0o755)
	if st, err := Open(path, nil); err == nil {
		rec := &Recorder{Store: st, Next: fixed(bot.Reply{Kind: bot.KindFallback})}
		rec.Respond(context.Background(), bot.Message{Text: "q"})
		st.Close()
	}
}

// TestKillMidWrite kills a process that is writing as fast as it can with
// SIGKILL, then checks the database's integrity and that every write the
// process saw committed is there.
func TestKillMidWrite(t *testing.T) {
	if os.Getenv("CSTBOT_STORE_WRITER") != "" {
		writerProcess(os.Getenv("CSTBOT_STORE_WRITER"))
		return
	}
	path := filepath.Join(t.TempDir(), "q.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillMidWrite$")
	cmd.Env = append(os.Environ(), "CSTBOT_STORE_WRITER="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	committed := 0
	for sc.Scan() {
		if n, err := strconv.Atoi(strings.TrimPrefix(sc.Text(), "committed ")); err == nil {
			committed = n
		}
		if committed >= 300 {
			break
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if committed < 300 {
		t.Fatalf("the writer committed only %d rows", committed)
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	var n int
	db.QueryRow("SELECT COUNT(*) FROM questions").Scan(&n)
	if n < committed {
		t.Errorf("%d rows after SIGKILL, but %d were committed", n, committed)
	}
	// And the store opens and records again.
	st, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	st.RecordQuestion(Question{At: time.Now(), Text: "after"})
	st.Close()
}

// writerProcess records questions in a loop, printing how many are
// committed after each flush, until it is killed.
func writerProcess(path string) {
	st, err := Open(path, nil)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	for i := 1; ; i++ {
		st.RecordQuestion(Question{At: time.Now(), Platform: "telegram", Text: strings.Repeat("x", i%200), Kind: "fallback"})
		if i%10 == 0 {
			st.Flush()
			fmt.Printf("committed %d\n", i)
		}
	}
}
