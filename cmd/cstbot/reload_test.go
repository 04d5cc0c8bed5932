package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"cstbot/internal/telegram/telegramtest"
)

// servedBot runs 'cstbot serve' against a fake Telegram with the FAQ at
// faqPath and health on a free port; it returns the fake, the HTTP address
// and the logs, and stops serve at the end of the test.
func servedBot(t *testing.T, faqPath string) (*telegramtest.Server, string, *lockedBuffer) {
	t.Helper()
	addr := freeAddr(t)
	srv, logs := serveWith(t, map[string]string{"CSTBOT_FAQ": faqPath, "CSTBOT_HTTP_ADDR": addr})
	waitFor(t, "the health server", func() bool { return strings.Contains(logs.String(), "health and metrics listening") })
	time.Sleep(100 * time.Millisecond) // let the directory watch start
	return srv, addr, logs
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// ask sends a question and returns the reply's text.
func ask(t *testing.T, srv *telegramtest.Server, user telegramtest.User, q string) string {
	t.Helper()
	n := len(srv.Sent(user.ID))
	srv.Text(user, q)
	sent, err := srv.WaitSent(user.ID, n+1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return sent[n].String("text")
}

const smallFAQ = `contact:
  name: Inna
  email: inna@westsidehealingartscenter.com
entries:
  - id: clothing
    question: Do I have to undress?
    answer: No, you stay fully clothed. VERSION-ONE.
`

func writeFAQ(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestReloadValidInvalidAndFixed(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "faq.yaml")
	writeFAQ(t, path, smallFAQ)
	srv, addr, logs := servedBot(t, path)
	user := telegramtest.User{ID: 8, FirstName: "R"}
	if got := ask(t, srv, user, "do i have to undress"); !strings.Contains(got, "VERSION-ONE") {
		t.Fatalf("before the edit: %q", got)
	}

	// A valid edit is in service within 2 s, without a restart.
	writeFAQ(t, path, strings.Replace(smallFAQ, "VERSION-ONE", "VERSION-TWO", 1))
	waitFor(t, "the reload", func() bool { return strings.Contains(logs.String(), `"msg":"FAQ reloaded"`) })
	if got := ask(t, srv, user, "do i have to undress"); !strings.Contains(got, "VERSION-TWO") {
		t.Errorf("after a valid edit: %q", got)
	}

	// An invalid edit is logged with its line; the last good FAQ answers.
	writeFAQ(t, path, strings.Replace(smallFAQ, "answer:", "answr:", 1))
	waitFor(t, "the failed reload", func() bool { return strings.Contains(logs.String(), "FAQ reload failed") })
	if !strings.Contains(logs.String(), `faq.yaml:7: entry \"clothing\": unknown field \"answr\"`) {
		t.Errorf("the failed reload does not name the line:\n%s", logs.String())
	}
	if got := ask(t, srv, user, "do i have to undress"); !strings.Contains(got, "VERSION-TWO") {
		t.Errorf("after an invalid edit the client sees %q", got)
	}

	// A later fix is picked up.
	writeFAQ(t, path, strings.Replace(smallFAQ, "VERSION-ONE", "VERSION-THREE", 1))
	waitFor(t, "the fix", func() bool { return strings.Count(logs.String(), `"msg":"FAQ reloaded"`) == 2 })
	if got := ask(t, srv, user, "do i have to undress"); !strings.Contains(got, "VERSION-THREE") {
		t.Errorf("after the fix: %q", got)
	}

	// The metrics count both kinds of reload, and the replies (once
	// delivered: just after the client has the last one).
	waitFor(t, "the last reply counted", func() bool {
		return strings.Contains(get(t, "http://"+addr+"/metrics"), `cstbot_replies_total{kind="answer",platform="telegram"} 4`)
	})
	body := get(t, "http://"+addr+"/metrics")
	for _, want := range []string{`cstbot_faq_reloads_total{result="ok"} 2`, `cstbot_faq_reloads_total{result="failed"} 1`,
		`cstbot_replies_total{kind="answer",platform="telegram"} 4`, `cstbot_reply_duration_seconds_count{platform="telegram"} 4`, `cstbot_faq_entries 1`} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestReloadRenameReplace(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "faq.yaml")
	writeFAQ(t, path, smallFAQ)
	srv, _, logs := servedBot(t, path)
	// As editors save: write a temporary file, rename it over the FAQ.
	tmp := filepath.Join(dir, ".faq.yaml.swp")
	writeFAQ(t, tmp, strings.Replace(smallFAQ, "VERSION-ONE", "RENAMED", 1))
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the reload", func() bool { return strings.Contains(logs.String(), `"msg":"FAQ reloaded"`) })
	if got := ask(t, srv, telegramtest.User{ID: 9, FirstName: "R"}, "undress?"); !strings.Contains(got, "RENAMED") {
		t.Errorf("after a rename-replace: %q", got)
	}
	// And a second time: the watch survives the first rename.
	writeFAQ(t, tmp, strings.Replace(smallFAQ, "VERSION-ONE", "RENAMED-AGAIN", 1))
	os.Rename(tmp, path)
	waitFor(t, "the second reload", func() bool { return strings.Count(logs.String(), `"msg":"FAQ reloaded"`) == 2 })
}

func TestReloadOnSIGHUP(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "faq.yaml")
	writeFAQ(t, path, smallFAQ)
	_, _, logs := servedBot(t, path)
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the SIGHUP reload", func() bool { return strings.Contains(logs.String(), `"trigger":"SIGHUP"`) })
}

func TestHealthzFollowsTheConnection(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "faq.yaml")
	writeFAQ(t, path, smallFAQ)
	srv, addr, _ := servedBot(t, path)
	url := "http://" + addr + "/healthz"
	if code, body := getStatus(t, url); code != 200 || body != "ok\n" {
		t.Fatalf("healthy: %d %q", code, body)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"healthcheck"}, func(k string) string {
		return map[string]string{"CSTBOT_HTTP_ADDR": addr}[k]
	}, nil, &out, io.Discard); err != nil {
		t.Errorf("healthcheck on a healthy bot: %v", err)
	}
	// Telegram goes away: every poll fails for a while.
	faults := make([]telegramtest.Fault, 2)
	for i := range faults {
		faults[i] = telegramtest.Fault{Status: 502}
	}
	srv.Fail("getUpdates", faults...)
	srv.CloseClientConnections() // drop the long poll in flight
	waitFor(t, "503", func() bool { code, _ := getStatus(t, url); return code == 503 })
	if _, body := getStatus(t, url); !strings.Contains(body, "telegram not connected") {
		t.Errorf("503 body %q does not name the reason", body)
	}
	err := run(context.Background(), []string{"healthcheck"}, func(k string) string {
		return map[string]string{"CSTBOT_HTTP_ADDR": addr}[k]
	}, nil, io.Discard, io.Discard)
	if exitCode(err, io.Discard) != 1 {
		t.Errorf("healthcheck on an unhealthy bot: %v, want exit 1", err)
	}
	waitFor(t, "200 after reconnect", func() bool { code, _ := getStatus(t, url); return code == 200 })
	if body := get(t, "http://"+addr+"/metrics"); !strings.Contains(body, `cstbot_platform_reconnects_total{platform="telegram"} 1`) {
		t.Errorf("the reconnect was not counted")
	}
}

func getStatus(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func get(t *testing.T, url string) string {
	t.Helper()
	code, body := getStatus(t, url)
	if code != 200 {
		t.Fatalf("GET %s: %d", url, code)
	}
	return body
}

// TestLearnWhileServing: 'faq learn' on the file a running serve uses
// adds exactly its lines, and serve picks the change up, once.
func TestLearnWhileServing(t *testing.T) {
	orig, err := os.ReadFile("../../faq/faq.yaml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "faq.yaml")
	if err := os.WriteFile(path, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	srv, _, logs := servedBot(t, path)
	client := telegramtest.User{ID: 4242, FirstName: "Client"}
	q := "is a bathrobe provided or do I bring my own"
	out, errOut, code := runCLI(t, nil, "", "faq", "learn", "--faq", path, "clothing", q)
	if code != 0 || !strings.Contains(out, `Added 1 question to entry "clothing"`) {
		t.Fatalf("faq learn: exit %d, %q %q", code, out, errOut)
	}
	now, _ := os.ReadFile(path)
	added := strings.Replace(string(now), "      - "+q+"\n", "", 1)
	if added != string(orig) {
		t.Errorf("faq learn changed more than its line")
	}
	waitFor(t, "the reload", func() bool { return strings.Contains(logs.String(), "FAQ reloaded") })
	time.Sleep(500 * time.Millisecond)
	if n := strings.Count(logs.String(), "FAQ reloaded"); n != 1 {
		t.Errorf("serve reloaded %d times, want once", n)
	}
	if reply := ask(t, srv, client, q); !strings.Contains(reply, "fully clothed") && !strings.Contains(strings.ToLower(reply), "clothed") {
		t.Errorf("after learning, %q gets %q", q, reply)
	}
}
