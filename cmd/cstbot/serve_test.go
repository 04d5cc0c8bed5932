package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"cstbot/internal/discord/discordtest"
	"cstbot/internal/telegram/telegramtest"
)

const testToken = "123456789:AAFakeTokenForTestsOnly_abcdefghijklmnop"

func TestServeConfigErrors(t *testing.T) {
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	os.WriteFile(tokenFile, []byte(testToken+"\n"), 0o600)
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want []string
	}{
		{"no platform", nil, nil, []string{"no platform configured", "TELEGRAM_TOKEN", "DISCORD_TOKEN"}},
		{"malformed Discord token", map[string]string{"DISCORD_TOKEN": "hunter2-is-not-a-token"}, nil, []string{"DISCORD_TOKEN does not look like a Discord bot token"}},
		{"bad HTTP address", map[string]string{"TELEGRAM_TOKEN": testToken, "CSTBOT_HTTP_ADDR": "8080"}, nil, []string{`CSTBOT_HTTP_ADDR "8080" is not an address`}},
		{"bad listen address", map[string]string{"TELEGRAM_TOKEN": testToken, "TELEGRAM_LISTEN": "localhost"}, nil, []string{`TELEGRAM_LISTEN "localhost" is not an address`}},
		{"unreadable FAQ", map[string]string{"TELEGRAM_TOKEN": testToken}, []string{"--faq", "testdata/missing.yaml"}, []string{"serve: cannot read the FAQ: open testdata/missing.yaml", "missing.yaml"}},
		{"bad admin ids", map[string]string{"TELEGRAM_TOKEN": testToken, "CSTBOT_ADMIN_TELEGRAM_IDS": "12,@inna", "CSTBOT_ADMIN_DISCORD_IDS": "x"}, nil, []string{`CSTBOT_ADMIN_TELEGRAM_IDS: "@inna" is not`, `CSTBOT_ADMIN_DISCORD_IDS: "x" is not`}},
		{"bad retention", map[string]string{"TELEGRAM_TOKEN": testToken, "CSTBOT_RETENTION": "ninety days"}, nil, []string{"CSTBOT_RETENTION"}},
		{"notify without telegram", map[string]string{"DISCORD_TOKEN": "MTAxMjM0NTY3ODkwMTIzNDU2Nw.GfakeX.fake-token-for-tests-only_abcdefghijklmnop", "CSTBOT_NOTIFY_TELEGRAM_CHAT": "5"}, nil, []string{"CSTBOT_NOTIFY_TELEGRAM_CHAT is set, but Telegram is not"}},
		{"bad log format", map[string]string{"TELEGRAM_TOKEN": testToken, "CSTBOT_LOG_FORMAT": "xml"}, nil, []string{"log format"}},
		{"several at once", map[string]string{"TELEGRAM_TOKEN": "x", "DISCORD_TOKEN": "y", "CSTBOT_HTTP_ADDR": "nope"}, nil, []string{"TELEGRAM_TOKEN does not", "DISCORD_TOKEN does not", "CSTBOT_HTTP_ADDR"}},
		{"malformed token", map[string]string{"TELEGRAM_TOKEN": "hunter2-is-not-a-token"}, nil, []string{"TELEGRAM_TOKEN does not look like a Telegram bot token"}},
		{"missing token file", map[string]string{"TELEGRAM_TOKEN_FILE": filepath.Join(dir, "nope")}, nil, []string{"TELEGRAM_TOKEN_FILE", "no such file"}},
		{"token twice", map[string]string{"TELEGRAM_TOKEN": testToken, "TELEGRAM_TOKEN_FILE": tokenFile}, nil, []string{"both set"}},
		{"bad API URL", map[string]string{"TELEGRAM_TOKEN": testToken, "TELEGRAM_API_URL": "localhost:1234"}, nil, []string{"not an http(s) URL"}},
		{"bad FAQ", map[string]string{"TELEGRAM_TOKEN": testToken, "CSTBOT_FAQ": "testdata/broken.yaml"}, nil, []string{"testdata/broken.yaml:5:"}},
		{"bad log level", map[string]string{"TELEGRAM_TOKEN": testToken, "CSTBOT_LOG_LEVEL": "loud"}, nil, []string{"log level"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			var out, errOut bytes.Buffer
			err := run(ctx, append([]string{"serve"}, tt.args...), func(k string) string { return tt.env[k] }, strings.NewReader(""), &out, &errOut)
			code := exitCode(err, &errOut)
			if code != 2 {
				t.Errorf("exit %d, want 2; stderr %q", code, errOut.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut.String())
				}
			}
			if strings.Contains(errOut.String(), "hunter2") || strings.Contains(errOut.String(), testToken) {
				t.Errorf("stderr echoes the token:\n%s", errOut.String())
			}
		})
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestServeTelegram(t *testing.T) {
	srv := telegramtest.New(testToken)
	defer srv.Close()
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	os.WriteFile(tokenFile, []byte(testToken+"\n"), 0o600)
	env := map[string]string{"TELEGRAM_TOKEN_FILE": tokenFile, "TELEGRAM_API_URL": srv.URL, "CSTBOT_LOG_LEVEL": "debug", "CSTBOT_DATA": filepath.Join(dir, "q.db")}
	ctx, cancel := context.WithCancel(context.Background())
	var logs lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), &bytes.Buffer{}, &logs)
	}()
	user := telegramtest.User{ID: 31, FirstName: "Zoe"}
	srv.Text(user, "do i need to undress")
	sent, err := srv.WaitSent(user.ID, 1, 10*time.Second)
	if err != nil {
		cancel()
		t.Fatal(err, logs.String())
	}
	if !strings.Contains(sent[0].String("text"), "fully clothed") {
		t.Errorf("reply %q", sent[0].String("text"))
	}
	cancel() // as SIGTERM does
	select {
	case err := <-done:
		if code := exitCode(err, &bytes.Buffer{}); code != 0 {
			t.Errorf("serve stopped with %v (exit %d), want a clean exit", err, code)
		}
	case <-time.After(6 * time.Second):
		t.Fatal("serve did not stop within 6 s of the signal")
	}
	out := logs.String()
	if !strings.Contains(out, `"msg":"telegram: connected"`) || !strings.Contains(out, `"entries":20`) {
		t.Errorf("start-up not logged as JSON:\n%s", out)
	}
	if strings.Contains(out, testToken) || strings.Contains(out, "do i need to undress") && !strings.Contains(out, `"level":"DEBUG"`) {
		t.Errorf("a secret or a client's text at info level in the logs:\n%s", out)
	}
}

const discordToken = "MTAxMjM0NTY3ODkwMTIzNDU2Nw.GfakeX.fake-token-for-tests-only_abcdefghijklmnop"

// TestServeBoth runs one process serving Telegram and Discord at once.
func TestServeBoth(t *testing.T) {
	tg := telegramtest.New(testToken)
	defer tg.Close()
	dc := discordtest.New(discordToken)
	defer dc.Close()
	env := map[string]string{"TELEGRAM_TOKEN": testToken, "TELEGRAM_API_URL": tg.URL, "DISCORD_TOKEN": discordToken, "DISCORD_API_URL": dc.URL, "CSTBOT_DATA": "off"}
	ctx, cancel := context.WithCancel(context.Background())
	var logs lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), &bytes.Buffer{}, &logs)
	}()
	defer func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(8 * time.Second):
			t.Error("serve did not stop")
		}
		if out := logs.String(); strings.Contains(out, testToken) || strings.Contains(out, discordToken) {
			t.Errorf("a token in the logs:\n%s", out)
		}
	}()
	if err := dc.WaitReady(1, 10*time.Second); err != nil {
		t.Fatal(err, logs.String())
	}
	user := telegramtest.User{ID: 5, FirstName: "T"}
	tg.Text(user, "how long is a session")
	if _, err := tg.WaitSent(user.ID, 1, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	dc.DM(discordtest.User{ID: "200", Name: "d"}, "how long is a session")
	if _, err := dc.Wait("/channels/dm-200/messages", 1, 10*time.Second); err != nil {
		t.Fatal(err)
	}
}
