package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cstbot/internal/discord/discordtest"
	"cstbot/internal/store"
	"cstbot/internal/telegram/telegramtest"
)

// serveWith runs serve against a fake Telegram with extra environment.
func serveWith(t *testing.T, extra map[string]string) (*telegramtest.Server, *lockedBuffer) {
	t.Helper()
	srv := telegramtest.New(testToken)
	t.Cleanup(srv.Close)
	env := map[string]string{"TELEGRAM_TOKEN": testToken, "TELEGRAM_API_URL": srv.URL}
	for k, v := range extra {
		env[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	logs := &lockedBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, logs)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	if _, err := srv.WaitCalls("getUpdates", 1, 10*time.Second); err != nil {
		t.Fatal(err, logs.String())
	}
	return srv, logs
}

func TestServeRecordsAndReports(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "q.db")
	admin := telegramtest.User{ID: 1001, FirstName: "Inna"}
	client := telegramtest.User{ID: 2002, FirstName: "Client"}
	srv, _ := serveWith(t, map[string]string{
		"CSTBOT_DATA": data, "CSTBOT_ADMIN_TELEGRAM_IDS": "1001, 42", "CSTBOT_NOTIFY_TELEGRAM_CHAT": "-500",
	})
	for _, q := range []string{"how much does a session cost?", "price?", "what do you charge", "do you take insurance"} {
		ask(t, srv, client, q)
	}
	// The therapist hears of each unanswered question, its text only.
	notes, err := srv.WaitSent(-500, 4, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var all []string // sent as they come: in any order
	for _, n := range notes {
		all = append(all, n.String("text"))
	}
	joined := strings.Join(all, "\n---\n")
	if !strings.Contains(joined, "\n\nprice?") || strings.Contains(joined, "Client") || strings.Contains(joined, "2002") {
		t.Errorf("notices:\n%s", joined)
	}
	// A client's /report is ignored; the admin's is answered.
	srv.Command(client, "/report")
	srv.Command(admin, "/report")
	sent, err := srv.WaitSent(admin.ID, 1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	text := sent[0].String("text")
	if !strings.Contains(text, "QUESTIONS THE FAQ COULD NOT ANSWER") || !strings.Contains(text, "3×") {
		t.Errorf("admin /report = %q", text)
	}
	time.Sleep(100 * time.Millisecond)
	if n := len(srv.Sent(client.ID)); n != 4 {
		t.Errorf("the client got %d messages, want the 4 answers and nothing for /report", n)
	}

	// 'cstbot report' reads the same file while serve has it open.
	var out strings.Builder
	err = run(context.Background(), []string{"report", "--data", data, "--format", "json"}, func(string) string { return "" }, nil, &out, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Unanswered int
		Groups     []struct {
			Topic    string
			Count    int
			Examples []string
		}
	}
	if err := json.Unmarshal([]byte(out.String()), &rep); err != nil {
		t.Fatalf("report --format json: %v\n%s", err, out.String())
	}
	if rep.Unanswered != 4 || rep.Groups[0].Topic != "price" || rep.Groups[0].Count != 3 {
		t.Errorf("report %+v", rep)
	}
}

func TestReportCommand(t *testing.T) {
	data := filepath.Join(t.TempDir(), "q.db")
	st, err := store.Open(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	st.RecordQuestion(store.Question{At: now.Add(-2 * time.Hour), Platform: "discord", Text: "can I bring my dog", Kind: "fallback"})
	st.RecordQuestion(store.Question{At: now.Add(-40 * 24 * time.Hour), Platform: "discord", Text: "an old one", Kind: "fallback"})
	st.RecordServed(store.Served{At: now, EntryID: "clothing", Platform: "telegram"})
	st.RecordFeedback(store.Feedback{At: now, EntryID: "clothing", Up: false})
	st.Close()
	env := map[string]string{"CSTBOT_DATA": data}
	out, errOut, code := runCLI(t, env, "", "report")
	if code != 0 || !strings.Contains(out, `"can I bring my dog"`) || strings.Contains(out, "an old one") || !strings.Contains(out, "clothing") {
		t.Errorf("report: exit %d %q\n%s", code, errOut, out)
	}
	out, _, _ = runCLI(t, env, "", "report", "--since", "60d", "--format", "csv")
	if !strings.Contains(out, "an old one") || !strings.HasPrefix(out, "section,") {
		t.Errorf("report --since 60d --format csv:\n%s", out)
	}
	for _, args := range [][]string{{"report", "--since", "forever"}, {"report", "--format", "pdf"}} {
		if _, _, code := runCLI(t, env, "", args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if _, errOut, code := runCLI(t, map[string]string{"CSTBOT_DATA": filepath.Join(t.TempDir(), "none.db")}, "", "report"); code != 1 || errOut == "" {
		t.Errorf("report on a missing database: exit %d %q", code, errOut)
	}
}

func TestServeWithUnwritableData(t *testing.T) {
	srv, logs := serveWith(t, map[string]string{"CSTBOT_DATA": "/proc/cstbot-cannot-be-here/q.db"})
	if got := ask(t, srv, telegramtest.User{ID: 77, FirstName: "X"}, "do I undress?"); !strings.Contains(got, "fully clothed") {
		t.Errorf("reply %q", got)
	}
	l := logs.String()
	if !strings.Contains(l, "cannot record questions: the directory /proc/cstbot-cannot-be-here does not exist; answering without recording") {
		t.Errorf("the unopenable database was not logged in plain words:\n%s", l)
	}
	if n := strings.Count(l, "cannot record questions"); n != 1 {
		t.Errorf("logged %d times, want once:\n%s", n, l)
	}
}

// TestInlineQueriesAreNotServed: what is shown (inline results) goes
// through the catalog and is not recorded; five inline queries and one
// question count one answer served.
func TestInlineQueriesAreNotServed(t *testing.T) {
	data := filepath.Join(t.TempDir(), "q.db")
	srv := telegramtest.New(testToken)
	t.Cleanup(srv.Close)
	env := map[string]string{"TELEGRAM_TOKEN": testToken, "TELEGRAM_API_URL": srv.URL, "CSTBOT_DATA": data}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, io.Discard)
	}()
	if _, err := srv.WaitCalls("getUpdates", 1, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	client := telegramtest.User{ID: 3003, FirstName: "Client"}
	for _, q := range []string{"how", "how long", "clothes", "undress", "who"} {
		srv.Inline(client, q)
	}
	if _, err := srv.WaitCalls("answerInlineQuery", 5, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	ask(t, srv, client, "do I have to undress?")
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	served, stats := servedTotal(t, data)
	if served != 1 {
		t.Errorf("five inline queries and one question: %d answers served, want 1 (%+v)", served, stats)
	}
}

// TestNoticeButtonsTeach: the notice of an unanswered question carries
// buttons for the two nearest entries; an admin's tap adds the question to
// that entry's "also" lines and says so; anyone else's tap does nothing;
// where the FAQ file is read-only, no buttons are offered.
func TestNoticeButtonsTeach(t *testing.T) {
	orig, err := os.ReadFile("../../faq/faq.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "faq.yaml")
	os.WriteFile(path, orig, 0o644)
	admin := telegramtest.User{ID: 1001, FirstName: "Admin"}
	other := telegramtest.User{ID: 2002, FirstName: "Other"}
	srv, _ := serveWith(t, map[string]string{"CSTBOT_FAQ": path, "CSTBOT_DATA": filepath.Join(dir, "q.db"),
		"CSTBOT_ADMIN_TELEGRAM_IDS": "1001", "CSTBOT_NOTIFY_TELEGRAM_CHAT": "-500"})
	q := "is there a lift up to the treatment room"
	ask(t, srv, other, q)
	notes, err := srv.WaitSent(-500, 1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var markup struct {
		InlineKeyboard [][]struct {
			Text         string `json:"text"`
			CallbackData string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	raw := notes[0].String("reply_markup")
	if err := json.Unmarshal([]byte(raw), &markup); err != nil || len(markup.InlineKeyboard) != 1 || len(markup.InlineKeyboard[0]) != 2 {
		t.Fatalf("the notice's buttons: %q (%v), want two", raw, err)
	}
	button := markup.InlineKeyboard[0][0]
	entry := button.CallbackData[strings.LastIndex(button.CallbackData, ":")+1:]
	srv.Tap(other, button.CallbackData)
	time.Sleep(300 * time.Millisecond)
	if now, _ := os.ReadFile(path); string(now) != string(orig) {
		t.Fatal("a tap by someone who is not an admin changed the FAQ")
	}
	srv.Tap(admin, button.CallbackData)
	waitFor(t, "the question added", func() bool {
		now, _ := os.ReadFile(path)
		return strings.Contains(string(now), "      - "+q+"\n")
	})
	answers, _ := srv.WaitCalls("answerCallbackQuery", 2, 5*time.Second)
	if said := answers[len(answers)-1].String("text"); !strings.Contains(said, `Added 1 question to entry "`+entry+`"`) {
		t.Errorf("the admin's tap was answered %q", said)
	}

	// A read-only FAQ file: no buttons, and the notice says how to allow them.
	ro := filepath.Join(t.TempDir(), "faq.yaml")
	os.WriteFile(ro, orig, 0o444)
	srv2, _ := serveWith(t, map[string]string{"CSTBOT_FAQ": ro, "CSTBOT_DATA": filepath.Join(t.TempDir(), "q.db"),
		"CSTBOT_ADMIN_TELEGRAM_IDS": "1001", "CSTBOT_NOTIFY_TELEGRAM_CHAT": "-500"})
	ask(t, srv2, other, q)
	notes, err = srv2.WaitSent(-500, 1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if m := notes[0].String("reply_markup"); m != "" || !strings.Contains(notes[0].String("text"), "must be writable") {
		t.Errorf("read-only FAQ: notice %q with buttons %q, want no buttons and how to allow them", notes[0].String("text"), m)
	}
}

// TestServedCountsWhatWasDelivered: an answer Telegram refused to take is
// not served but a send failure; a second tap on the same rating button
// is one rating.
func TestServedCountsWhatWasDelivered(t *testing.T) {
	data := filepath.Join(t.TempDir(), "q.db")
	addr := freeAddr(t)
	srv, logs := serveWith(t, map[string]string{"CSTBOT_DATA": data, "CSTBOT_HTTP_ADDR": addr})
	waitFor(t, "the health server", func() bool { return strings.Contains(logs.String(), "health and metrics listening") })
	client := telegramtest.User{ID: 4004, FirstName: "Client"}

	srv.Fail("sendMessage", telegramtest.Fault{Status: 403}) // "Forbidden: bot was blocked by the user"
	srv.Text(client, "do I have to undress?")
	waitFor(t, "the refused send", func() bool { return len(srv.Calls("sendMessage")) == 1 })
	ask(t, srv, client, "how long is a session?")
	for range 2 {
		srv.Tap(client, "fb:up:session-length")
	}
	if _, err := srv.WaitCalls("answerCallbackQuery", 2, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	metrics := get(t, "http://"+addr+"/metrics")
	for _, want := range []string{`cstbot_send_failures_total{platform="telegram"} 1`, `cstbot_replies_total{kind="answer",platform="telegram"} 1`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	// The question log is written in the background: read it until the
	// rating is in, and once more a moment later (a second rating, were it
	// counted, would be in by then).
	read := func() (served map[string]int, up int) {
		var out strings.Builder
		err := run(context.Background(), []string{"report", "--data", data, "--format", "json"}, func(string) string { return "" }, nil, &out, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		var rep struct {
			Entries []struct {
				ID         string
				Served, Up int
			}
		}
		if err := json.Unmarshal([]byte(out.String()), &rep); err != nil {
			t.Fatalf("report --format json: %v\n%s", err, out.String())
		}
		served = map[string]int{}
		for _, e := range rep.Entries {
			served[e.ID] += e.Served
			up += e.Up
		}
		return served, up
	}
	waitFor(t, "the rating in the log", func() bool { _, up := read(); return up > 0 })
	time.Sleep(200 * time.Millisecond)
	if served, up := read(); served["clothing"] != 0 || served["session-length"] != 1 || up != 1 {
		t.Errorf("served %v and %d 👍, want session-length 1 (clothing was not delivered) and one rating", served, up)
	}
}

// TestAutocompleteIsNotServed: Discord's autocomplete goes through the
// catalog too; five of them and one question count one answer served.
func TestAutocompleteIsNotServed(t *testing.T) {
	data := filepath.Join(t.TempDir(), "q.db")
	dc := discordtest.New(discordToken)
	t.Cleanup(dc.Close)
	env := map[string]string{"DISCORD_TOKEN": discordToken, "DISCORD_API_URL": dc.URL, "CSTBOT_DATA": data}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, io.Discard)
	}()
	if err := dc.WaitReady(1, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	client := discordtest.User{ID: "300", Name: "client"}
	for _, typed := range []string{"how", "how long", "clothes", "undress", "who"} {
		dc.Autocomplete(client, "faq", "topic", typed)
	}
	if _, err := dc.Wait("/callback", 5, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	dc.DM(client, "do I have to undress?")
	if _, err := dc.Wait("/channels/dm-300/messages", 1, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	served, stats := servedTotal(t, data)
	if served != 1 {
		t.Errorf("five autocompletes and one question: %d answers served, want 1 (%+v)", served, stats)
	}
}

// servedTotal reads the answers served in the last hour from the question
// log at data: their total, and each entry's.
func servedTotal(t *testing.T, data string) (int, []store.EntryStat) {
	t.Helper()
	st, err := store.OpenReadOnly(data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stats, err := st.EntryStats(context.Background(), time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	served := 0
	for _, s := range stats {
		served += s.Served
	}
	return served, stats
}
