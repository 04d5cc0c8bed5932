package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	defaultfaq "cstbot/faq"
	"cstbot/internal/bot"
	"cstbot/internal/discord"
	"cstbot/internal/faq"
	"cstbot/internal/faqwatch"
	"cstbot/internal/metrics"
	"cstbot/internal/status"
	"cstbot/internal/store"
	"cstbot/internal/telegram"
)

// secret reads a secret from the environment variable name, or from the
// file named by name_FILE (Docker and Kubernetes secrets). Never a flag.
func (env environment) secret(name string) (string, error) {
	v := env.getenv(name)
	path := env.getenv(name + "_FILE")
	switch {
	case v != "" && path != "":
		return "", fmt.Errorf("%s and %s_FILE are both set; set one", name, name)
	case path != "":
		data, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("%s_FILE: %w", name, errors.Unwrap(err))
		}
		return strings.TrimSpace(string(data)), nil
	}
	return strings.TrimSpace(v), nil
}

// serveConfig is everything serve reads from flags and the environment.
type serveConfig struct {
	faqPath                   string
	httpAddr                  string
	logFormat, logLevel       string
	tgToken, tgAPI, tgWebhook string
	tgListen, tgWebhookSecret string
	dcToken, dcAPI, dcGuild   string
	defaultFAQ                bool
	data                      string // the question log; "" when off
	retention                 time.Duration
	adminTelegram             []int64
	adminDiscord              []string
	notifyChat                int64
}

// parseServe reads serve's configuration, reporting every mistake, one
// line each, as a usage error (exit 2).
func (env environment) parseServe(args []string) (serveConfig, error) {
	var c serveConfig
	fs := env.flags("serve")
	fs.StringVar(&c.faqPath, "faq", env.getenv("CSTBOT_FAQ"), "FAQ `file` (env CSTBOT_FAQ; default: the built-in FAQ, or /etc/cstbot/faq.yaml when it exists)")
	fs.StringVar(&c.httpAddr, "http-addr", env.getenv("CSTBOT_HTTP_ADDR"), "`address` for /healthz and /metrics, e.g. :8080 (env CSTBOT_HTTP_ADDR; off when empty)")
	fs.StringVar(&c.logFormat, "log-format", env.getenv("CSTBOT_LOG_FORMAT"), "text or json (env CSTBOT_LOG_FORMAT; default: text on a terminal, else json)")
	fs.StringVar(&c.logLevel, "log-level", env.getenv("CSTBOT_LOG_LEVEL"), "debug, info, warn or error (env CSTBOT_LOG_LEVEL; default info)")
	fs.StringVar(&c.tgAPI, "telegram-api-url", env.getenv("TELEGRAM_API_URL"), "Telegram Bot API base `URL` (env TELEGRAM_API_URL)")
	fs.StringVar(&c.tgWebhook, "telegram-webhook-url", env.getenv("TELEGRAM_WEBHOOK_URL"), "public `URL` for a Telegram webhook instead of polling (env TELEGRAM_WEBHOOK_URL)")
	fs.StringVar(&c.tgListen, "telegram-listen", env.getenv("TELEGRAM_LISTEN"), "`address` the Telegram webhook listens on (env TELEGRAM_LISTEN; default :8443)")
	fs.StringVar(&c.dcAPI, "discord-api-url", env.getenv("DISCORD_API_URL"), "`URL` replacing https://discord.com for Discord REST calls (env DISCORD_API_URL)")
	fs.StringVar(&c.dcGuild, "discord-guild-id", env.getenv("DISCORD_GUILD_ID"), "register Discord slash commands in this server `id` only (env DISCORD_GUILD_ID)")
	dataFlag := fs.String("data", env.getenv("CSTBOT_DATA"), "the question log `file` (env CSTBOT_DATA; default cstbot.db beside the FAQ or here; off: no log)")
	retention := fs.String("retention", orDefault(env.getenv("CSTBOT_RETENTION"), "90d"), "how long recorded questions are kept (env CSTBOT_RETENTION)")
	if err := parse(fs, args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, usagef("serve: unexpected argument %q", fs.Arg(0))
	}
	if c.faqPath == "" {
		if _, err := os.Stat(dockerFAQ); err == nil {
			c.faqPath = dockerFAQ
		} else {
			c.defaultFAQ = true
		}
	}
	var problems []string
	note := func(err error) {
		if err != nil {
			problems = append(problems, err.Error())
		}
	}
	var err error
	c.tgToken, err = env.secret("TELEGRAM_TOKEN")
	note(err)
	c.tgWebhookSecret, err = env.secret("TELEGRAM_WEBHOOK_SECRET")
	note(err)
	c.dcToken, err = env.secret("DISCORD_TOKEN")
	note(err)
	if c.tgToken == "" && c.dcToken == "" && len(problems) == 0 {
		return c, usagef("serve: no platform configured: set TELEGRAM_TOKEN (or TELEGRAM_TOKEN_FILE) for Telegram and/or DISCORD_TOKEN (or DISCORD_TOKEN_FILE) for Discord")
	}
	if c.tgToken != "" && !telegram.ValidToken(c.tgToken) {
		problems = append(problems, "TELEGRAM_TOKEN does not look like a Telegram bot token (digits, a colon, then 30 or more letters, digits, - or _)")
	}
	if c.dcToken != "" && !discord.ValidToken(strings.TrimPrefix(c.dcToken, "Bot ")) {
		problems = append(problems, "DISCORD_TOKEN does not look like a Discord bot token (three parts separated by dots)")
	}
	for _, a := range []struct{ name, value string }{{"CSTBOT_HTTP_ADDR", c.httpAddr}, {"TELEGRAM_LISTEN", c.tgListen}} {
		if a.value != "" {
			if _, port, err := net.SplitHostPort(a.value); err != nil || port == "" {
				problems = append(problems, fmt.Sprintf("%s %q is not an address like :8080 or 127.0.0.1:8080", a.name, a.value))
			}
		}
	}
	for _, u := range []struct{ name, value string }{{"TELEGRAM_API_URL", c.tgAPI}, {"TELEGRAM_WEBHOOK_URL", c.tgWebhook}, {"DISCORD_API_URL", c.dcAPI}} {
		if u.value != "" && !strings.HasPrefix(u.value, "http://") && !strings.HasPrefix(u.value, "https://") {
			problems = append(problems, fmt.Sprintf("%s %q is not an http(s) URL", u.name, u.value))
		}
	}
	if _, err := newLogger(nil, c.logFormat, c.logLevel, false, nil); err != nil {
		problems = append(problems, err.Error())
	}
	c.data = dataPath(*dataFlag, c.faqPath)
	if c.retention, err = parseAge(*retention); err != nil {
		problems = append(problems, "CSTBOT_RETENTION "+err.Error())
	}
	for _, id := range parseIDs(env.getenv("CSTBOT_ADMIN_TELEGRAM_IDS")) {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			problems = append(problems, fmt.Sprintf("CSTBOT_ADMIN_TELEGRAM_IDS: %q is not a Telegram user id (a number)", id))
		}
		c.adminTelegram = append(c.adminTelegram, n)
	}
	for _, id := range parseIDs(env.getenv("CSTBOT_ADMIN_DISCORD_IDS")) {
		if _, err := strconv.ParseUint(id, 10, 64); err != nil {
			problems = append(problems, fmt.Sprintf("CSTBOT_ADMIN_DISCORD_IDS: %q is not a Discord user id (a number)", id))
		}
		c.adminDiscord = append(c.adminDiscord, id)
	}
	if v := env.getenv("CSTBOT_NOTIFY_TELEGRAM_CHAT"); v != "" {
		if c.notifyChat, err = strconv.ParseInt(v, 10, 64); err != nil {
			problems = append(problems, fmt.Sprintf("CSTBOT_NOTIFY_TELEGRAM_CHAT %q is not a Telegram chat id (a number)", v))
		} else if c.tgToken == "" {
			problems = append(problems, "CSTBOT_NOTIFY_TELEGRAM_CHAT is set, but Telegram is not (TELEGRAM_TOKEN)")
		}
	}
	if !c.defaultFAQ {
		if _, err := readFAQ(c.faqPath); err != nil {
			problems = append(problems, "FAQ: "+strings.ReplaceAll(err.Error(), "\n", "\n  "))
		}
	}
	if len(problems) > 0 {
		return c, usagef("serve: %s", strings.Join(problems, "\n  "))
	}
	return c, nil
}

// dockerFAQ is read when no FAQ is configured and the file exists: the
// Docker image's mount point.
const dockerFAQ = "/etc/cstbot/faq.yaml"

// serve answers on every configured platform until ctx is done (a signal:
// a clean stop), or one of them fails for good. It reloads the FAQ when
// the file changes or on SIGHUP.
func (env environment) serve(ctx context.Context, args []string) error {
	c, err := env.parseServe(args)
	if err != nil {
		return err
	}
	logger, _ := newLogger(env.stderr, c.logFormat, c.logLevel, isTerminal(env.stderr), []string{c.tgToken, c.tgWebhookSecret, c.dcToken})
	var f *faq.FAQ
	if c.defaultFAQ {
		f, err = faq.Parse(defaultfaq.Name, defaultfaq.YAML)
	} else {
		f, err = readFAQ(c.faqPath)
	}
	if err != nil {
		return err
	}
	m := metrics.New()
	m.SetEntries(len(f.Entries))
	live := bot.NewLive(bot.New(f))
	faqName := f.Source
	if c.defaultFAQ {
		faqName = "embedded"
	}
	logger.Info("cstbot starting", "version", version, "faq", faqName, "entries", len(f.Entries))

	// The question log: a failure to open it is logged, and the bot
	// answers without it.
	var st *store.Store
	responder := bot.Responder(live)
	rec := &store.Recorder{Next: live}
	if c.data != "" {
		if st, err = store.Open(c.data, logger); err != nil {
			logger.Error("not recording questions: the database cannot be opened; answering goes on", "err", err)
		} else {
			defer st.Close()
			rec.Store = st
			responder = rec
			logger.Info("recording unanswered questions", "file", c.data, "retention", c.retention.String())
		}
	}
	responder = m.Responder(responder)
	rl := &reloader{path: c.faqPath, live: live, log: logger, m: m}
	if c.defaultFAQ {
		rl.path = ""
	}
	admin := func(ctx context.Context, command string) string {
		if command == "reload" {
			return rl.reload("/reload", nil)
		}
		return adminReport(ctx, st, live)
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var runners []func(context.Context) error
	var checks []status.Check
	if c.tgToken != "" {
		tg, err := telegram.New(telegram.Config{
			Token: c.tgToken, APIURL: c.tgAPI, WebhookURL: c.tgWebhook, Listen: c.tgListen, WebhookSecret: c.tgWebhookSecret,
			Logger: logger, OnRetry: m.Retry("telegram"), OnReconnect: m.Reconnect("telegram"),
			AdminIDs: c.adminTelegram, Admin: admin,
		}, responder)
		if err != nil {
			return usagef("serve: %v", err)
		}
		runners = append(runners, tg.Run)
		checks = append(checks, status.Check{Name: "telegram not connected", OK: tg.Connected})
		if c.notifyChat != 0 {
			rec.OnUnanswered = func(platform, text string) {
				go tg.Notify(c.notifyChat, "A question the FAQ could not answer ("+platform+"):\n\n"+text)
			}
		}
	}
	if c.dcToken != "" {
		dc, err := discord.New(discord.Config{
			Token: c.dcToken, APIURL: c.dcAPI, GuildID: c.dcGuild,
			Logger: logger, OnRetry: m.Retry("discord"), OnReconnect: m.Reconnect("discord"),
			AdminIDs: c.adminDiscord, Admin: admin,
		}, responder)
		if err != nil {
			return usagef("serve: %v", err)
		}
		runners = append(runners, dc.Run)
		checks = append(checks, status.Check{Name: "discord not connected", OK: dc.Connected})
	}
	if c.httpAddr != "" {
		ln, err := net.Listen("tcp", c.httpAddr)
		if err != nil {
			return fmt.Errorf("serve: CSTBOT_HTTP_ADDR: %w", err)
		}
		srv := &http.Server{Handler: status.Handler(checks, m.Handler()), ReadHeaderTimeout: 5 * time.Second}
		go srv.Serve(ln)
		defer srv.Close()
		logger.Info("health and metrics listening", "addr", ln.Addr().String())
	}
	if rl.path != "" {
		runners = append(runners, func(ctx context.Context) error {
			rl.watch(ctx)
			return nil
		})
	}
	if st != nil {
		runners = append(runners, func(ctx context.Context) error {
			purgeLoop(ctx, st, c.retention, logger)
			return nil
		})
	}
	return runAll(ctx, runners)
}

// watch reloads the FAQ when its file changes or on SIGHUP.
func (r *reloader) watch(ctx context.Context) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				r.reload("SIGHUP", nil)
			}
		}
	}()
	if err := faqwatch.Watch(ctx, r.path, r.log, func(data []byte) { r.reload("file changed", data) }); err != nil {
		r.log.Warn("not watching the FAQ file; SIGHUP still reloads it", "err", err)
		<-ctx.Done()
	}
}

// purgeLoop deletes what is older than the retention, now and hourly.
func purgeLoop(ctx context.Context, st *store.Store, retention time.Duration, log *slog.Logger) {
	for {
		n, err := st.Purge(ctx, time.Now().Add(-retention))
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("purging old records failed", "err", err)
		case n > 0:
			log.Info("purged old records", "rows", n, "older than", retention.String())
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Hour):
		}
	}
}

// runAll runs every runner until ctx is done or one returns an error,
// which stops the others and is returned.
func runAll(ctx context.Context, runners []func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, len(runners))
	for i, run := range runners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if errs[i] = run(ctx); errs[i] != nil {
				cancel()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// healthcheck asks a running serve's /healthz and exits 0 when it is
// healthy: for Docker's HEALTHCHECK in an image with no shell or curl.
func (env environment) healthcheck(ctx context.Context, args []string) error {
	fs := env.flags("healthcheck")
	addr := fs.String("http-addr", env.getenv("CSTBOT_HTTP_ADDR"), "`address` serve's /healthz listens on (env CSTBOT_HTTP_ADDR)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *addr == "" {
		return usagef("healthcheck: CSTBOT_HTTP_ADDR is not set, so serve has no /healthz")
	}
	host, port, err := net.SplitHostPort(*addr)
	if err != nil {
		return usagef("healthcheck: CSTBOT_HTTP_ADDR %q is not an address like :8080", *addr)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/healthz", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	body := make([]byte, 512)
	n, _ := resp.Body.Read(body)
	fmt.Fprint(env.stdout, string(body[:n]))
	if resp.StatusCode != http.StatusOK {
		return silentError{code: 1}
	}
	return nil
}
