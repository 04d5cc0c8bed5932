package discord

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	defaultfaq "cstbot/faq"
	"cstbot/internal/bot"
	"cstbot/internal/bot/bottest"
	"cstbot/internal/discord/discordtest"
	"cstbot/internal/faq"
)

const testToken = "MTAxMjM0NTY3ODkwMTIzNDU2Nw.GfakeX.fake-token-for-tests-only_abcdefghijklmnop"

var (
	ann   = discordtest.User{ID: "100000000000000042", Name: "ann"}
	other = discordtest.User{ID: "100000000000000099", Name: "otherbot", Bot: true}
)

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

func shippedBot(tb testing.TB) *bot.Bot {
	tb.Helper()
	f, err := faq.Parse(defaultfaq.Name, defaultfaq.YAML)
	if err != nil {
		tb.Fatal(err)
	}
	return bottest.New(tb, f)
}

type harness struct {
	srv  *discordtest.Server
	a    *Adapter
	logs *syncBuffer
	stop func() error
}

// start runs an adapter against a fake Discord; edit adjusts the config
// and prepare the server before the bot connects.
func start(tb testing.TB, r bot.Responder, edit func(*Config), prepare func(*discordtest.Server)) *harness {
	tb.Helper()
	srv := discordtest.New(testToken)
	tb.Cleanup(srv.Close)
	if prepare != nil {
		prepare(srv)
	}
	logs := &syncBuffer{}
	cfg := Config{Token: testToken, APIURL: srv.URL, MaxBackoff: 100 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
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
		if err := h.stop(); err != nil {
			tb.Errorf("Run: %v", err)
		}
		if out := logs.String(); strings.Contains(out, testToken) || strings.Contains(out, "fake-token-for-tests") {
			tb.Errorf("the token appears in the logs:\n%s", out)
		}
	})
	return h
}

func (h *harness) ready(tb testing.TB) {
	tb.Helper()
	if err := h.srv.WaitReady(1, 5*time.Second); err != nil {
		tb.Fatal(err, "\n", h.logs.String())
	}
	if _, err := h.srv.Wait("/commands", 1, 5*time.Second); err != nil {
		tb.Fatal(err)
	}
}

// embed returns the first embed of a sent message or interaction response.
func embed(tb testing.TB, body map[string]any) map[string]any {
	tb.Helper()
	if d, ok := body["data"].(map[string]any); ok {
		body = d
	}
	es, _ := body["embeds"].([]any)
	if len(es) == 0 {
		tb.Fatalf("no embed in %v", body)
	}
	return es[0].(map[string]any)
}

func footer(e map[string]any) string {
	f, _ := e["footer"].(map[string]any)
	s, _ := f["text"].(string)
	return s
}

func buttons(body map[string]any) []map[string]any {
	if d, ok := body["data"].(map[string]any); ok {
		body = d
	}
	var out []map[string]any
	rows, _ := body["components"].([]any)
	for _, row := range rows {
		cs, _ := row.(map[string]any)["components"].([]any)
		for _, c := range cs {
			out = append(out, c.(map[string]any))
		}
	}
	return out
}

func TestConnectAndRegister(t *testing.T) {
	t.Parallel()
	h := start(t, nil, func(c *Config) { c.GuildID = "guild-7" }, nil)
	h.ready(t)
	_, _, intents := h.srv.Sessions()
	if intents != int(Intents) || intents&(1<<15) != 0 {
		t.Errorf("identified with intents %b, want guild and direct messages only (no Message Content)", intents)
	}
	reqs := h.srv.Requests("/commands")
	if reqs[0].Method != "PUT" || !strings.Contains(reqs[0].Path, "/applications/"+discordtest.ApplicationID+"/guilds/guild-7/commands") {
		t.Errorf("commands registered with %s %s", reqs[0].Method, reqs[0].Path)
	}
	cmds, _ := reqs[0].Body[""].([]any)
	var names []string
	for _, c := range cmds {
		names = append(names, c.(map[string]any)["name"].(string))
	}
	if strings.Join(names, ",") != "ask,faq,contact" {
		t.Errorf("commands %v", names)
	}
	if !h.a.Connected() {
		t.Error("not Connected() after READY")
	}
}

func TestDirectMessage(t *testing.T) {
	t.Parallel()
	h := start(t, nil, nil, nil)
	h.ready(t)
	h.srv.DM(ann, "do i have to undress")
	sent, err := h.srv.Wait("/channels/dm-"+ann.ID+"/messages", 1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	e := embed(t, sent[0].Body)
	if e["title"] != "Do I have to undress?" || !strings.Contains(e["description"].(string), "fully clothed") {
		t.Errorf("embed = %v", e)
	}
	if !strings.Contains(footer(e), "inna@westsidehealingartscenter.com") || !strings.Contains(footer(e), "(415) 672-4259") {
		t.Errorf("footer = %q", footer(e))
	}
}

func TestMentionsChatterAndBots(t *testing.T) {
	t.Parallel()
	h := start(t, nil, nil, nil)
	h.ready(t)
	h.srv.GuildMessage(ann, "chan-9", "anyone up for lunch?", false, false)
	h.srv.GuildMessage(ann, "chan-9", "@everyone meeting at 5", false, true)
	h.srv.GuildMessage(other, "chan-9", "<@"+discordtest.BotID+"> how long is a session", true, false)
	h.srv.GuildMessage(ann, "chan-9", "<@"+discordtest.BotID+"> how long is a session?", true, false)
	sent, err := h.srv.Wait("/channels/chan-9/messages", 1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(150 * time.Millisecond)
	if sent = h.srv.Requests("/channels/chan-9/messages"); len(sent) != 1 {
		t.Fatalf("%d replies in the channel, want only the one to the mention", len(sent))
	}
	if e := embed(t, sent[0].Body); e["title"] != "How long is a session?" {
		t.Errorf("reply to the mention: %v", e)
	}
	if ref, _ := sent[0].Body["message_reference"].(map[string]any); ref == nil {
		t.Errorf("the reply does not reference the client's message")
	}
}

func TestSlashCommands(t *testing.T) {
	t.Parallel()
	h := start(t, nil, nil, nil)
	h.ready(t)
	h.srv.Command(ann, "ask", map[string]string{"question": "how many sessions will i need"})
	h.srv.Command(ann, "contact", nil)
	resps, err := h.srv.Wait("/callback", 2, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range resps {
		if r.Body["type"] != float64(4) {
			t.Errorf("interaction answered with type %v, want 4 (a message)", r.Body["type"])
		}
	}
	titles := fmt.Sprint(embed(t, resps[0].Body), embed(t, resps[1].Body)) // handled concurrently: either order
	if !strings.Contains(titles, "How many sessions will I need?") || !strings.Contains(titles, "reach Inna") {
		t.Errorf("responses: %v", titles)
	}
}

func TestFAQAutocompleteAndSelection(t *testing.T) {
	t.Parallel()
	h := start(t, nil, nil, nil)
	h.ready(t)
	h.srv.Autocomplete(ann, "faq", "topic", "how many")
	resps, err := h.srv.Wait("/callback", 1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	data := resps[0].Body["data"].(map[string]any)
	choices, _ := data["choices"].([]any)
	if resps[0].Body["type"] != float64(8) || len(choices) == 0 || len(choices) > 25 {
		t.Fatalf("autocomplete response %v", resps[0].Body)
	}
	first := choices[0].(map[string]any)
	if first["value"] != "number-of-sessions" {
		t.Errorf("first choice %v, want number-of-sessions", first)
	}
	h.srv.Autocomplete(ann, "faq", "topic", "")
	resps, _ = h.srv.Wait("/callback", 2, 5*time.Second)
	if all := resps[1].Body["data"].(map[string]any)["choices"].([]any); len(all) != 20 {
		t.Errorf("empty autocomplete: %d choices, want all 20", len(all))
	}
	h.srv.Command(ann, "faq", map[string]string{"topic": "clothing"})
	resps, _ = h.srv.Wait("/callback", 3, 5*time.Second)
	if e := embed(t, resps[2].Body); e["title"] != "Do I have to undress?" {
		t.Errorf("/faq clothing answered %v", e)
	}
}

func TestFallbackButtonClick(t *testing.T) {
	t.Parallel()
	h := start(t, nil, nil, nil)
	h.ready(t)
	h.srv.DM(ann, "do you take insurance")
	sent, err := h.srv.Wait("/channels/dm-"+ann.ID+"/messages", 1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	bs := buttons(sent[0].Body)
	if len(bs) < 2 {
		t.Fatalf("fallback has %d buttons", len(bs))
	}
	id := bs[0]["custom_id"].(string)
	h.srv.Click(ann, id)
	resps, err := h.srv.Wait("/callback", 1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if e := embed(t, resps[0].Body); e["title"] == nil || e["title"] == "" {
		t.Errorf("click on %s answered %v", id, e)
	}
}

func TestRateLimitedSend(t *testing.T) {
	t.Parallel()
	h := start(t, nil, nil, nil)
	h.ready(t)
	h.srv.Fail("/messages", discordtest.Fault{Status: 429, RetryAfter: 0.3})
	h.srv.DM(ann, "clothes?")
	if _, err := h.srv.Wait("/channels/dm-"+ann.ID+"/messages", 1, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	all := h.srv.Requests("/channels/dm-" + ann.ID + "/messages")
	if len(all) != 2 || !all[0].Failed || all[1].Failed {
		t.Fatalf("want a 429 then one delivery, got %d calls", len(all))
	}
	if gap := all[1].At.Sub(all[0].At); gap < 250*time.Millisecond {
		t.Errorf("retried after %v, before retry_after (300 ms)", gap)
	}
}

func TestRateLimitTooLongGivesUp(t *testing.T) {
	t.Parallel()
	h := start(t, nil, func(c *Config) { c.MaxRetryAfter = time.Second }, nil)
	h.ready(t)
	h.srv.Fail("/messages", discordtest.Fault{Status: 429, RetryAfter: 120})
	h.srv.DM(ann, "clothes?")
	time.Sleep(300 * time.Millisecond)
	if all := h.srv.Requests("/messages"); len(all) != 1 {
		t.Errorf("%d calls; a 2-minute retry_after must not be waited out (bounded)", len(all))
	}
}

func TestGatewayDropResumes(t *testing.T) {
	t.Parallel()
	h := start(t, nil, nil, nil)
	h.ready(t)
	h.srv.Drop()
	if err := h.srv.WaitReady(2, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if _, resumes, _ := h.srv.Sessions(); resumes != 1 {
		t.Errorf("reconnected with %d resumes, want a resume", resumes)
	}
	h.srv.DM(ann, "where are sessions held")
	if _, err := h.srv.Wait("/channels/dm-"+ann.ID+"/messages", 1, 5*time.Second); err != nil {
		t.Fatal("no answer after the reconnect:", err)
	}
}

// TestFatalCloseCodes also checks discordgo's own log lines (through the
// standard logger) for the token, so it does not run in parallel.
func TestFatalCloseCodes(t *testing.T) {
	stdlog := &syncBuffer{}
	prev := log.Writer()
	log.SetOutput(stdlog)
	defer log.SetOutput(prev)
	defer func() {
		if strings.Contains(stdlog.String(), testToken) {
			t.Errorf("discordgo logged the token:\n%s", stdlog.String())
		}
	}()
	for _, code := range []int{4014, 4004} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			srv := discordtest.New(testToken)
			defer srv.Close()
			srv.CloseOnIdentify = code
			logs := &syncBuffer{}
			a, err := New(Config{Token: testToken, APIURL: srv.URL, Logger: slog.New(slog.NewTextHandler(logs, nil))}, shippedBot(t))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err = a.Run(ctx)
			if err == nil || !strings.Contains(err.Error(), fmt.Sprint(code)) {
				t.Fatalf("Run = %v, want an error naming close code %d", err, code)
			}
			if ctx.Err() != nil {
				t.Errorf("Run kept reconnecting until the deadline")
			}
			if strings.Contains(err.Error()+logs.String(), testToken) {
				t.Errorf("token leaked")
			}
		})
	}
}

func TestFatalCloseAfterDrop(t *testing.T) {
	t.Parallel()
	h := start(t, nil, nil, nil)
	h.ready(t)
	h.srv.CloseOnIdentify = 4014
	// Make the resume fail too, so that the bot must identify again.
	h.srv.CloseGateway(4009, "Session timed out")
	select {
	case <-time.After(8 * time.Second):
		t.Fatal("Run did not stop on 4014 after a reconnect")
	case <-func() chan struct{} {
		c := make(chan struct{})
		go func() {
			for h.a.stopping.Load() == false {
				time.Sleep(10 * time.Millisecond)
			}
			close(c)
		}()
		return c
	}():
	}
	if err := h.stop(); err == nil || !strings.Contains(err.Error(), "4014") {
		t.Errorf("Run = %v, want the 4014", err)
	}
	h.stop = func() error { return nil }
}

func TestPanicRecovered(t *testing.T) {
	b := shippedBot(t)
	r := bot.ResponderFunc(func(ctx context.Context, m bot.Message) bot.Reply {
		if m.Text == "boom" {
			panic("boom")
		}
		return b.Respond(ctx, m)
	})
	h := start(t, r, nil, nil)
	h.ready(t)
	h.srv.DM(ann, "boom")
	h.srv.DM(ann, "clothes?")
	if _, err := h.srv.Wait("/channels/dm-"+ann.ID+"/messages", 1, 5*time.Second); err != nil {
		t.Fatal("the bot stopped answering after a panic:", err)
	}
	for i := 0; !strings.Contains(h.logs.String(), "handler panic"); i++ {
		if i == 200 {
			t.Fatal("the panic was not logged")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestPerUserLimit(t *testing.T) {
	t.Parallel()
	h := start(t, nil, func(c *Config) { c.PerUserLimit = 2 }, nil)
	h.ready(t)
	for range 6 {
		h.srv.DM(ann, "clothes?")
	}
	time.Sleep(400 * time.Millisecond)
	sent := h.srv.Requests("/channels/dm-" + ann.ID + "/messages")
	if len(sent) != 3 {
		t.Fatalf("%d messages for 6 at a limit of 2; want 2 answers and 1 notice", len(sent))
	}
	notices := 0
	for _, s := range sent {
		if c, _ := s.Body["content"].(string); strings.Contains(c, "faster than I can answer") {
			notices++
		}
	}
	if notices != 1 {
		t.Errorf("%d notices, want 1", notices)
	}
}

func TestShutdown(t *testing.T) {
	t.Parallel()
	h := start(t, nil, nil, nil)
	h.ready(t)
	began := time.Now()
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(began); d > 5*time.Second {
		t.Errorf("shutdown took %v", d)
	}
	if h.a.Connected() {
		t.Error("still Connected() after Run returned")
	}
}

func TestLongAnswerSplit(t *testing.T) {
	long := strings.Repeat("A long paragraph * with _markdown_ characters.\n\n", 200)
	r := bot.ResponderFunc(func(context.Context, bot.Message) bot.Reply {
		return bot.Reply{Kind: bot.KindAnswer, ID: "x", Title: "Long", Body: long}
	})
	h := start(t, r, nil, nil)
	h.ready(t)
	h.srv.DM(ann, "everything please")
	sent, err := h.srv.Wait("/channels/dm-"+ann.ID+"/messages", 3, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sent {
		d := embed(t, s.Body)["description"].(string)
		if n := len([]rune(d)); n > maxDescription {
			t.Errorf("description of %d characters", n)
		}
		if strings.Contains(d, " * ") {
			t.Errorf("markdown not escaped")
		}
	}
}

func TestNewRejects(t *testing.T) {
	for _, cfg := range []Config{{}, {Token: "short"}, {Token: testToken, APIURL: "discord.com"}} {
		if _, err := New(cfg, shippedBot(t)); err == nil {
			t.Errorf("New(%+v) accepted it", cfg)
		}
	}
	if _, err := New(Config{Token: "Bot " + testToken}, shippedBot(t)); err != nil {
		t.Errorf("a token with its Bot prefix: %v", err)
	}
}

func TestFrameWatcher(t *testing.T) {
	var codes []int
	w := frameWatcher{onClose: func(c int) { codes = append(codes, c) }}
	stream := []byte("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n")
	stream = append(stream, 0x81, 5, 'h', 'e', 'l', 'l', 'o')                                    // text frame
	stream = append(stream, 0x81, 126, 0x01, 0x00)                                               // text frame of 256 bytes
	stream = append(stream, bytes.Repeat([]byte{'x'}, 256)...)                                   //
	stream = append(stream, 0x88, 0x0b, 0x0f, 0xae, 'D', 'i', 's', 'a', 'l', 'l', 'o', 'w', 'e') // close 4014 (truncated reason is fine)
	for i := range stream {                                                                      // one byte at a time: the worst split
		w.feed(stream[i : i+1])
	}
	if len(codes) != 1 || codes[0] != 4014 {
		t.Errorf("close codes seen: %v, want [4014]", codes)
	}
}

func TestFeedbackClick(t *testing.T) {
	t.Parallel()
	h := start(t, nil, nil, nil)
	h.ready(t)
	h.srv.DM(ann, "how long is a session")
	sent, err := h.srv.Wait("/channels/dm-"+ann.ID+"/messages", 1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, b := range buttons(sent[0].Body) {
		ids = append(ids, fmt.Sprint(b["custom_id"]))
	}
	if strings.Join(ids, " ") != "fb:up:session-length fb:down:session-length" {
		t.Fatalf("answer buttons %v, want 👍/👎", ids)
	}
	h.srv.Click(ann, "fb:up:session-length")
	resps, err := h.srv.Wait("/callback", 1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	body := resps[0].Body
	data, _ := body["data"].(map[string]any)
	comps, hasComps := data["components"].([]any)
	if body["type"] != float64(7) || !hasComps || len(comps) != 0 || !strings.Contains(fmt.Sprint(data["content"]), "Thank you") {
		t.Errorf("feedback response %v, want an update with the buttons removed and thanks", body)
	}
	if es, _ := data["embeds"].([]any); len(es) != 1 {
		t.Errorf("the rated answer lost its embed: %v", data["embeds"])
	}
}

func TestAdminSlashCommands(t *testing.T) {
	t.Parallel()
	admin := discordtest.User{ID: "555", Name: "inna"}
	h := start(t, nil, func(c *Config) {
		c.AdminIDs = []string{admin.ID}
		c.Admin = bot.AdminFuncs{
			ReportFunc: func(context.Context) string { return "THE REPORT for report" },
			ReloadFunc: func(context.Context) string { return "THE REPORT for reload" },
		}
	}, nil)
	h.ready(t)
	cmds, _ := h.srv.Requests("/commands")[0].Body[""].([]any)
	if len(cmds) != 5 {
		t.Errorf("%d commands registered, want /report and /reload too", len(cmds))
	}
	h.srv.Command(ann, "report", nil)
	resps, err := h.srv.Wait("/callback", 1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if c := fmt.Sprint(resps[0].Body["data"]); strings.Contains(c, "THE REPORT") || !strings.Contains(c, "not available") {
		t.Errorf("a non-admin's /report got %s", c)
	}
	h.srv.Command(admin, "reload", nil)
	resps, _ = h.srv.Wait("/callback", 2, 5*time.Second)
	data := resps[1].Body["data"].(map[string]any)
	if !strings.Contains(fmt.Sprint(data["content"]), "THE REPORT for reload") || data["flags"] != float64(64) {
		t.Errorf("the admin's /reload got %v", data)
	}
}
