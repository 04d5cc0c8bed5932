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
	mn, err := meaning()
	if err != nil {
		return err
	}
	live := bot.NewLive(bot.New(f, mn))
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
	rl := &reloader{path: c.faqPath, live: live, log: logger, m: m, meaning: mn}
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
