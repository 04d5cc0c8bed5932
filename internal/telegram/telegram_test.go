package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	defaultfaq "cstbot/faq"
	"cstbot/internal/bot"
	"cstbot/internal/bot/bottest"
	"cstbot/internal/chunk"
	"cstbot/internal/faq"
	"cstbot/internal/redact"
	"cstbot/internal/telegram/telegramtest"
)

const testToken = "123456789:AAFakeTokenForTestsOnly_abcdefghijklmnop"

var ann = telegramtest.User{ID: 4242, FirstName: "Ann"}

// syncBuffer is a log destination safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type harness struct {
	srv  *telegramtest.Server
	a    *Adapter
	logs *syncBuffer
	stop func() error // cancels Run and returns its error
}

func shippedBot(tb testing.TB) *bot.Bot {
	tb.Helper()
	f, err := faq.Parse(defaultfaq.Name, defaultfaq.YAML)
	if err != nil {
		tb.Fatal(err)
	}
	return bottest.New(tb, f)
}

// start runs an adapter against a fake Bot API; edit adjusts its Config.
func start(tb testing.TB, r bot.Responder, edit func(*Config)) *harness {
	tb.Helper()
	srv := telegramtest.New(testToken)
	tb.Cleanup(srv.Close)
	logs := &syncBuffer{}
	cfg := Config{
		Token:       testToken,
		APIURL:      srv.URL,
		Logger:      slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		PollTimeout: 1 * time.Second,
		MaxBackoff:  100 * time.Millisecond,
	}
	if edit != nil {
		edit(&cfg)
	}
	if r == nil {
		r = shippedBot(tb)
	}
	a, err := New(cfg, r)
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- a.Run(ctx) }()
	var once sync.Once
	var runErr error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-errc:
			case <-time.After(10 * time.Second):
				runErr = fmt.Errorf("Run did not return 10 s after cancel")
			}
		})
		return runErr
	}
	h := &harness{srv: srv, a: a, logs: logs, stop: stop}
	tb.Cleanup(func() {
		if err := stop(); err != nil {
			tb.Errorf("Run: %v", err)
		}
		if strings.Contains(logs.String(), testToken) || strings.Contains(logs.String(), "AAFakeToken") {
			tb.Errorf("the token appears in the logs:\n%s", logs.String())
		}
	})
	// Wait until it polls, so that tests start from a connected bot.
	if cfg.WebhookURL == "" {
		if _, err := srv.WaitCalls("getUpdates", 1, 5*time.Second); err != nil {
			tb.Fatal(err)
		}
	}
	return h
}

func waitSent(tb testing.TB, srv *telegramtest.Server, chat int64, n int) []telegramtest.Call {
	tb.Helper()
	sent, err := srv.WaitSent(chat, n, 5*time.Second)
	if err != nil {
		tb.Fatal(err)
	}
	return sent
}

// buttons decodes a sent message's inline keyboard.
func buttons(tb testing.TB, c telegramtest.Call) [][]map[string]string {
	tb.Helper()
	raw := c.String("reply_markup")
	if raw == "" {
		return nil
	}
	var m struct {
		InlineKeyboard [][]map[string]string `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		tb.Fatalf("reply_markup %q: %v", raw, err)
	}
	return m.InlineKeyboard
}

func TestStartQuestionAndCommands(t *testing.T) {
	h := start(t, nil, nil)
	if calls := h.srv.Calls("setMyCommands"); len(calls) != 1 || !strings.Contains(calls[0].String("commands"), "topics") {
		t.Errorf("setMyCommands calls: %+v", calls)
	}
	h.srv.Command(ann, "/start")
	welcome := waitSent(t, h.srv, ann.ID, 1)[0]
	if welcome.String("parse_mode") != "HTML" || !strings.Contains(welcome.String("text"), "not medical advice") {
		t.Errorf("welcome: %+v", welcome.Params)
	}
	if b := buttons(t, welcome); len(b) != 3 || !strings.HasPrefix(b[0][0]["callback_data"], "faq:") {
		t.Errorf("welcome buttons = %v, want 3 example questions", b)
	}

	h.srv.Text(ann, "do i have to undress??")
	answer := waitSent(t, h.srv, ann.ID, 2)[1]
	text := answer.String("text")
	if !strings.HasPrefix(text, "<b>Do I have to undress?</b>") || !strings.Contains(text, "fully clothed") || !strings.Contains(text, "(415) 672-4259") {
		t.Errorf("answer text = %q", text)
	}

	h.srv.Command(ann, "/topics")
	topics := waitSent(t, h.srv, ann.ID, 3)[2]
	if b := buttons(t, topics); len(b) != 20 {
		t.Errorf("/topics has %d buttons, want one per entry (20)", len(b))
	}
	h.srv.Command(ann, "/contact")
	h.srv.Command(ann, "/help")
	h.srv.Command(ann, "/whatever")
	sent := waitSent(t, h.srv, ann.ID, 6)
	if !strings.Contains(sent[3].String("text"), "inna@westsidehealingartscenter.com") {
		t.Errorf("/contact = %q", sent[3].String("text"))
	}
}

func TestFallbackSuggestionTap(t *testing.T) {
	h := start(t, nil, nil)
	h.srv.Text(ann, "how much does a session cost?")
	fb := waitSent(t, h.srv, ann.ID, 1)[0]
	if !strings.Contains(fb.String("text"), "I don't know that one") {
		t.Errorf("fallback text = %q", fb.String("text"))
	}
	b := buttons(t, fb)
	if len(b) < 2 {
		t.Fatalf("fallback has %d suggestion buttons", len(b))
	}
	data := b[0][0]["callback_data"]
	h.srv.Tap(ann, data)
	sent := waitSent(t, h.srv, ann.ID, 2)
	if _, err := h.srv.WaitCalls("answerCallbackQuery", 1, 2*time.Second); err != nil {
		t.Error("the tap was not answered:", err)
	}
	title := strings.TrimPrefix(data, "faq:")
	if !strings.Contains(sent[1].String("text"), "<b>") || title == "" {
		t.Errorf("tap reply = %q", sent[1].String("text"))
	}
	// A stale or foreign button is still answered, with a note.
	h.srv.Tap(ann, "something-else")
	calls, _ := h.srv.WaitCalls("answerCallbackQuery", 2, 2*time.Second)
	if len(calls) < 2 || calls[1].String("text") == "" {
		t.Errorf("a stale button was not answered with a note: %+v", calls)
	}
}

func TestInlineQuery(t *testing.T) {
	h := start(t, nil, nil)
	h.srv.Inline(ann, "how many")
	calls, err := h.srv.WaitCalls("answerInlineQuery", 1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var results []struct {
		ID, Type, Title string
		Text            string `json:"message_text"`
		ParseMode       string `json:"parse_mode"`
	}
	if err := json.Unmarshal([]byte(calls[0].String("results")), &results); err != nil {
		t.Fatalf("results %q: %v", calls[0].String("results"), err)
	}
	if len(results) == 0 || results[0].ID != "number-of-sessions" || results[0].Type != "article" || results[0].ParseMode != "HTML" {
		t.Errorf("inline results = %+v", results)
	}
}

func TestGroups(t *testing.T) {
	h := start(t, nil, nil)
	const group = -100123
	h.srv.GroupText(ann, group, "anyone know a good pizza place?", false)
	h.srv.GroupText(ann, group, "/start@some_other_bot", false)
	h.srv.GroupText(ann, group, "@"+telegramtest.BotUsername+" how long is a session?", false)
	h.srv.GroupText(ann, group, "and do I undress?", true)
	sent := waitSent(t, h.srv, group, 2)
	time.Sleep(100 * time.Millisecond) // time for a wrong reply to the chatter to show up
	sent = h.srv.Sent(group)
	if len(sent) != 2 {
		t.Fatalf("%d replies in the group, want 2 (the mention and the reply to the bot)", len(sent))
	}
	if !strings.Contains(sent[0].String("text"), "How long is a session?") || sent[0].String("reply_to_message_id") == "" {
		t.Errorf("mention reply = %+v", sent[0].Params)
	}
	if !strings.Contains(sent[1].String("text"), "undress") {
		t.Errorf("reply-to-bot reply = %q", sent[1].String("text"))
	}
}

func TestFloodWaitAndRetry(t *testing.T) {
	h := start(t, nil, nil)
	h.srv.Fail("sendMessage", telegramtest.Fault{Status: 429, RetryAfter: 1})
	h.srv.Text(ann, "how many sessions will I need")
	sent := waitSent(t, h.srv, ann.ID, 1)
	time.Sleep(200 * time.Millisecond)
	if sent = h.srv.Sent(ann.ID); len(sent) != 1 {
		t.Fatalf("delivered %d times, want exactly once", len(sent))
	}
	calls := h.srv.Calls("sendMessage")
	if len(calls) != 2 || !calls[0].Failed || calls[1].At.Sub(calls[0].At) < 900*time.Millisecond {
		t.Errorf("want a 429 then a retry after retry_after (1 s); calls: %d, gap %v", len(calls), calls[len(calls)-1].At.Sub(calls[0].At))
	}
}

func TestSendServerErrorsAreRetried(t *testing.T) {
	h := start(t, nil, nil)
	h.srv.Fail("sendMessage", telegramtest.Fault{Status: 502, Body: "<html>502 Bad Gateway</html>"}, telegramtest.Fault{Status: 500})
	h.srv.Text(ann, "clothes?")
	waitSent(t, h.srv, ann.ID, 1)
}

func TestPollingFailuresRecover(t *testing.T) {
	h := start(t, nil, nil)
	h.srv.Fail("getUpdates",
		telegramtest.Fault{Status: 502, Body: "<html><body>502 Bad Gateway</body></html>"},
		telegramtest.Fault{Status: 503},
		telegramtest.Fault{Drop: true},
		telegramtest.Fault{Status: 429, RetryAfter: 1},
		telegramtest.Fault{Status: 500},
	)
	// Let the pending long poll end and the failures happen, then ask.
	if _, err := h.srv.WaitCalls("getUpdates", 7, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	h.srv.Text(ann, "where are sessions held")
	sent := waitSent(t, h.srv, ann.ID, 1)
	if !strings.Contains(sent[0].String("text"), "Westside Healing Arts Center") {
		t.Errorf("reply = %q", sent[0].String("text"))
	}
	if n := strings.Count(h.logs.String(), "polling failed"); n != 1 {
		t.Errorf("polling failure logged %d times, want once for the run of failures", n)
	}
	if !strings.Contains(h.logs.String(), "polling recovered") {
		t.Errorf("no recovery logged")
	}
	// The backoff grows: the gaps between failed polls are not a tight loop.
	calls := h.srv.Calls("getUpdates")
	if len(calls) < 6 {
		t.Fatalf("%d polls", len(calls))
	}
	if total := calls[6].At.Sub(calls[2].At); total < 1*time.Second {
		t.Errorf("five failed polls took %v; the 429's retry_after (1 s) was not honoured", total)
	}
}

func TestConcurrentChatsKeepOrder(t *testing.T) {
	h := start(t, nil, func(c *Config) { c.PerChatLimit = 100 })
	questions := []string{"how long is a session", "do I have to undress", "how many sessions will I need"}
	titles := []string{"How long is a session?", "Do I have to undress?", "How many sessions will I need?"}
	const chats = 30
	for round := range questions {
		for i := range chats {
			h.srv.Text(telegramtest.User{ID: int64(1000 + i), FirstName: "C"}, questions[round])
		}
	}
	for i := range chats {
		sent := waitSent(t, h.srv, int64(1000+i), 3)
		for j, c := range sent {
			if !strings.Contains(c.String("text"), titles[j]) {
				t.Fatalf("chat %d reply %d = %.40q, want %q: order lost", i, j, c.String("text"), titles[j])
			}
		}
	}
}

func TestPerChatRateLimit(t *testing.T) {
	h := start(t, nil, func(c *Config) { c.PerChatLimit = 3 })
	for range 8 {
		h.srv.Text(ann, "clothes?")
	}
	waitSent(t, h.srv, ann.ID, 4)
	time.Sleep(200 * time.Millisecond)
	sent := h.srv.Sent(ann.ID)
	if len(sent) != 4 {
		t.Fatalf("%d messages for 8 within a minute at a limit of 3; want 3 answers and 1 notice", len(sent))
	}
	if !strings.Contains(sent[3].String("text"), "faster than I can answer") {
		t.Errorf("notice = %q", sent[3].String("text"))
	}
	// Another chat is not affected.
	bob := telegramtest.User{ID: 99, FirstName: "Bob"}
	h.srv.Text(bob, "clothes?")
	waitSent(t, h.srv, bob.ID, 1)
}

func TestPanicIsRecovered(t *testing.T) {
	b := shippedBot(t)
	r := bot.ResponderFunc(func(ctx context.Context, m bot.Message) bot.Reply {
		if m.Text == "boom" {
			panic("index out of range [3] with length 3")
		}
		return b.Respond(ctx, m)
	})
	h := start(t, r, nil)
	h.srv.Text(ann, "boom")
	h.srv.Text(ann, "clothes?")
	sent := waitSent(t, h.srv, ann.ID, 2)
	if strings.Contains(sent[0].String("text"), "index out of range") || !strings.Contains(sent[0].String("text"), "Sorry") {
		t.Errorf("after a panic the client got %q", sent[0].String("text"))
	}
	if !strings.Contains(sent[1].String("text"), "fully clothed") {
		t.Errorf("the bot stopped answering after a panic: %q", sent[1].String("text"))
	}
}

func TestLongAnswerIsSplit(t *testing.T) {
	long := strings.Repeat("A paragraph of a long answer & more <text>.\n\n", 200)
	r := bot.ResponderFunc(func(context.Context, bot.Message) bot.Reply {
		return bot.Reply{Kind: bot.KindAnswer, ID: "x", Title: "Long", Body: long}
	})
	h := start(t, r, nil)
	h.srv.Text(ann, "tell me everything")
	waitSent(t, h.srv, ann.ID, 3)
	for _, c := range h.srv.Sent(ann.ID) {
		if chunk.Len(c.String("text"), chunk.UTF16) > maxMessage {
			t.Errorf("a message of %d characters", chunk.Len(c.String("text"), chunk.UTF16))
		}
		if strings.Contains(c.String("text"), "<text>") {
			t.Errorf("unescaped text in %q", c.String("text")[:80])
		}
	}
}

func TestShutdownIsQuick(t *testing.T) {
	h := start(t, nil, func(c *Config) { c.PollTimeout = 30 * time.Second })
	time.Sleep(50 * time.Millisecond) // a long poll is now waiting on the server
	began := time.Now()
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(began); d > 5*time.Second {
		t.Errorf("shutdown took %v, want under 5 s", d)
	}
}

func TestShutdownFinishesReplyInFlight(t *testing.T) {
	slow := bot.ResponderFunc(func(ctx context.Context, m bot.Message) bot.Reply {
		time.Sleep(300 * time.Millisecond)
		return bot.Reply{Kind: bot.KindThanks, Body: "done"}
	})
	h := start(t, slow, nil)
	h.srv.Text(ann, "thanks")
	time.Sleep(100 * time.Millisecond) // the reply is being composed
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	if sent := h.srv.Sent(ann.ID); len(sent) != 1 {
		t.Errorf("the reply in flight at shutdown was not sent (%d messages)", len(sent))
	}
}

func TestBadTokenStopsRun(t *testing.T) {
	srv := telegramtest.New("999:another-token-entirely-abcdefghijklmnopqrs")
	defer srv.Close()
	logs := &syncBuffer{}
	a, err := New(Config{Token: testToken, APIURL: srv.URL, Logger: slog.New(slog.NewTextHandler(logs, nil))}, shippedBot(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = a.Run(ctx)
	if err == nil || !strings.Contains(err.Error(), "refused the token") {
		t.Fatalf("Run = %v, want the token refused", err)
	}
	if strings.Contains(err.Error(), testToken) || strings.Contains(logs.String(), testToken) {
		t.Errorf("the token leaked: %v\n%s", err, logs.String())
	}
}

func TestUnreachableAPINeverLogsToken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now: every call fails with the URL in the error
	logs := &syncBuffer{}
	a, err := New(Config{Token: testToken, APIURL: "http://" + addr, MaxBackoff: 50 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}, shippedBot(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := a.Run(ctx); err != nil {
		t.Fatalf("Run = %v; an unreachable API is retried until shutdown", err)
	}
	out := logs.String()
	if !strings.Contains(out, redact.Mask) {
		t.Errorf("expected a redacted URL in the logs:\n%s", out)
	}
	if strings.Contains(out, testToken) {
		t.Errorf("token in logs:\n%s", out)
	}
}

func TestWebhook(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	h := start(t, nil, func(c *Config) {
		c.WebhookURL = "http://" + addr + "/telegram"
		c.Listen = addr
		c.WebhookSecret = "s3cret-value"
	})
	if _, err := h.srv.WaitCalls("setWebhook", 1, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	url, secret := h.srv.Webhook()
	if url != "http://"+addr+"/telegram" || secret != "s3cret-value" {
		t.Errorf("webhook set to %q with secret %q", url, secret)
	}
	// Wait for the listener, then have Telegram deliver an update.
	for range 100 {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	h.srv.Text(ann, "how long is a session?")
	sent := waitSent(t, h.srv, ann.ID, 1)
	if !strings.Contains(sent[0].String("text"), "about an hour") {
		t.Errorf("reply = %q", sent[0].String("text"))
	}
	// A request without the secret is refused.
	resp, err := http.Post("http://"+addr+"/telegram", "application/json", strings.NewReader(`{"update_id":9,"message":{"message_id":1,"chat":{"id":5,"type":"private"},"text":"hi"}}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("update without the secret: %d, want 403", resp.StatusCode)
	}
	if calls := h.srv.Calls("getUpdates"); len(calls) != 0 {
		t.Errorf("polled %d times in webhook mode", len(calls))
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, cfg := range []Config{
		{Token: ""},
		{Token: "not-a-token"},
		{Token: testToken, APIURL: "ftp://x"},
		{Token: testToken, WebhookURL: "nope"},
	} {
		if _, err := New(cfg, shippedBot(t)); err == nil {
			t.Errorf("New(%+v) accepted it", cfg)
		} else if cfg.Token != "" && strings.Contains(err.Error(), cfg.Token) {
			t.Errorf("error echoes the token: %v", err)
		}
	}
}

func TestFeedbackButtons(t *testing.T) {
	var mu sync.Mutex
	var rated []bot.Message
	b := shippedBot(t)
	r := bot.ResponderFunc(func(ctx context.Context, m bot.Message) bot.Reply {
		if m.Feedback != "" {
			mu.Lock()
			rated = append(rated, m)
			mu.Unlock()
		}
		return b.Respond(ctx, m)
	})
	h := start(t, r, nil)
	h.srv.Text(ann, "do i have to undress")
	answer := waitSent(t, h.srv, ann.ID, 1)[0]
	rows := buttons(t, answer)
	if len(rows) == 0 || len(rows[len(rows)-1]) != 2 || rows[len(rows)-1][1]["callback_data"] != "fb:down:clothing" {
		t.Fatalf("answer buttons %v, want 👍/👎", rows)
	}
	h.srv.Tap(ann, "fb:down:clothing")
	if _, err := h.srv.WaitCalls("editMessageReplyMarkup", 1, 5*time.Second); err != nil {
		t.Fatal("the buttons were not removed:", err)
	}
	cb := h.srv.Calls("answerCallbackQuery")
	if len(cb) != 1 || !strings.Contains(cb[0].String("text"), "Thank you") {
		t.Errorf("the tap was not acknowledged: %+v", cb)
	}
	edit := h.srv.Calls("editMessageReplyMarkup")[0]
	if edit.String("reply_markup") != "{}" {
		t.Errorf("reply_markup after the tap = %q, want none", edit.String("reply_markup"))
	}
	mu.Lock()
	defer mu.Unlock()
	if len(rated) != 1 || rated[0].Feedback != bot.FeedbackDown || rated[0].EntryID != "clothing" {
		t.Errorf("rated %+v", rated)
	}
	// Fallbacks and greetings have no rating buttons.
	h.srv.Text(ann, "hi")
	greet := waitSent(t, h.srv, ann.ID, 2)[1]
	for _, row := range buttons(t, greet) {
		for _, b := range row {
			if strings.HasPrefix(b["callback_data"], "fb:") {
				t.Errorf("a greeting has rating buttons")
			}
		}
	}
}

func TestAdminCommands(t *testing.T) {
	bob := telegramtest.User{ID: 31337, FirstName: "Bob"}
	var asked []string
	var mu sync.Mutex
	h := start(t, nil, func(c *Config) {
		c.AdminIDs = []int64{ann.ID}
		answer := func(command string) func(context.Context) string {
			return func(context.Context) string {
				mu.Lock()
				defer mu.Unlock()
				asked = append(asked, command)
				return "REPORT <for> " + command
			}
		}
		c.Admin = bot.AdminFuncs{ReportFunc: answer("report"), ReloadFunc: answer("reload")}
	})
	h.srv.Command(bob, "/report")
	h.srv.Command(bob, "/reload")
	h.srv.Command(ann, "/report")
	h.srv.Command(ann, "/reload")
	sent := waitSent(t, h.srv, ann.ID, 2)
	if !strings.Contains(sent[0].String("text"), "<pre>REPORT &lt;for&gt; report</pre>") || !strings.Contains(sent[1].String("text"), "reload") {
		t.Errorf("admin replies: %q, %q", sent[0].String("text"), sent[1].String("text"))
	}
	time.Sleep(100 * time.Millisecond)
	if n := len(h.srv.Sent(bob.ID)); n != 0 {
		t.Errorf("a non-admin got %d replies to /report and /reload, want none", n)
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(asked, ",") != "report,reload" {
		t.Errorf("Admin called for %v", asked)
	}
}

func TestNotify(t *testing.T) {
	h := start(t, nil, nil)
	if err := h.a.Notify(-1000777, "A question <the FAQ> could not answer: price?"); err != nil {
		t.Fatal(err)
	}
	sent := waitSent(t, h.srv, -1000777, 1)
	if !strings.Contains(sent[0].String("text"), "&lt;the FAQ&gt;") {
		t.Errorf("notify text %q", sent[0].String("text"))
	}
}
