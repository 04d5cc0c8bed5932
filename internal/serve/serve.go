// Package serve is the running bot: it answers on every configured
// platform with a Live bot, reloads the FAQ when its file changes, on
// SIGHUP or on an admin's /reload, keeps the question log and purges it,
// tells the therapist of unanswered questions, serves /healthz and
// /metrics, and answers the admin commands. cmd/cstbot only turns flags
// and the environment into a Config and calls Run.
package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"cstbot/internal/bot"
	"cstbot/internal/discord"
	"cstbot/internal/faq"
	"cstbot/internal/metrics"
	"cstbot/internal/report"
	"cstbot/internal/status"
	"cstbot/internal/store"
	"cstbot/internal/telegram"
)

// Config is everything Run needs. The FAQ is parsed once, by the caller.
type Config struct {
	FAQ     *faq.FAQ     // the FAQ to start with
	FAQPath string       // the file to reload it from; "" for the built-in FAQ (no reloads)
	Meaning *bot.Meaning // the encoder, phrase bank and rules, shared across reloads
	Logger  *slog.Logger // nil: discard
	Version string

	Telegram TelegramConfig // off when Token is ""
	Discord  DiscordConfig  // off when Token is ""

	HTTPAddr  string        // /healthz and /metrics; "" for none
	Data      string        // the SQLite question log; "" records nothing
	Retention time.Duration // records older are purged, hourly
}

// TelegramConfig is the Telegram side of Config.
type TelegramConfig struct {
	Token, APIURL, WebhookURL, Listen, WebhookSecret string
	AdminIDs                                         []int64
	NotifyChat                                       int64 // told of each unanswered question; 0 for none
}

// DiscordConfig is the Discord side of Config.
type DiscordConfig struct {
	Token, APIURL, GuildID string
	AdminIDs               []string
}

// ErrConfig marks a configuration a platform refused (exit status 2).
var ErrConfig = errors.New("configuration")

// Run answers until ctx is done (a clean stop: nil) or a platform fails
// for good.
func Run(ctx context.Context, c Config) error {
	log := c.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := metrics.New()
	m.SetEntries(len(c.FAQ.Entries))
	live := bot.NewLive(bot.New(c.FAQ, c.Meaning))
	name := c.FAQ.Source
	if c.FAQPath == "" {
		name = "embedded"
	}
	log.Info("cstbot starting", "version", c.Version, "faq", name, "entries", len(c.FAQ.Entries))

	// The question log: a failure to open it is logged, and the bot
	// answers without it.
	var st *store.Store
	responder := bot.Responder(live)
	rec := &store.Recorder{Next: live}
	if c.Data != "" {
		var err error
		if st, err = store.Open(c.Data, log); err != nil {
			log.Error("cannot record questions: "+whyUnwritable(c.Data)+"; answering without recording", "file", c.Data, "err", err)
		} else {
			defer st.Close()
			rec.Store = st
			responder = rec
			log.Info("recording unanswered questions", "file", c.Data, "retention", c.Retention.String())
		}
	}
	responder = m.Responder(responder)
	// What was served is counted when the platform took the reply.
	delivery := bot.Deliveries{m}
	if st != nil {
		delivery = append(delivery, rec)
	}
	rl := &reloader{path: c.FAQPath, live: live, log: log, m: m, meaning: c.Meaning}
	adm := &admin{st: st, live: live, rl: rl}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var runners []func(context.Context) error
	var checks []status.Check
	if t := c.Telegram; t.Token != "" {
		var tapped func(context.Context, string) string
		tg, err := telegram.New(telegram.Config{
			OnAdminTap: func(ctx context.Context, data string) string {
				if tapped == nil {
					return "Nothing to do."
				}
				return tapped(ctx, data)
			},
			Catalog: live,
			Token:   t.Token, APIURL: t.APIURL, WebhookURL: t.WebhookURL, Listen: t.Listen, WebhookSecret: t.WebhookSecret,
			Logger: log, OnRetry: m.Retry("telegram"), OnReconnect: m.Reconnect("telegram"), Delivery: delivery,
			AdminIDs: t.AdminIDs, Admin: adm,
		}, responder)
		if err != nil {
			return fmt.Errorf("%w: %v", ErrConfig, err)
		}
		runners = append(runners, tg.Run)
		m.Platforms("telegram")
		checks = append(checks, status.Check{Name: "telegram not connected", OK: tg.Connected})
		if t.NotifyChat != 0 {
			n := &notices{tg: tg, chat: t.NotifyChat, live: live, meaning: c.Meaning, path: c.FAQPath}
			tapped = n.tap
			rec.OnUnanswered = func(platform, text string) { go n.notify(platform, text) }
		}
	}
	if d := c.Discord; d.Token != "" {
		dc, err := discord.New(discord.Config{
			Catalog: live,
			Token:   d.Token, APIURL: d.APIURL, GuildID: d.GuildID,
			Logger: log, OnRetry: m.Retry("discord"), OnReconnect: m.Reconnect("discord"), Delivery: delivery,
			AdminIDs: d.AdminIDs, Admin: adm,
		}, responder)
		if err != nil {
			return fmt.Errorf("%w: %v", ErrConfig, err)
		}
		runners = append(runners, dc.Run)
		m.Platforms("discord")
		checks = append(checks, status.Check{Name: "discord not connected", OK: dc.Connected})
	}
	if c.HTTPAddr != "" {
		ln, err := net.Listen("tcp", c.HTTPAddr)
		if err != nil {
			return fmt.Errorf("serve: CSTBOT_HTTP_ADDR: %w", err)
		}
		srv := &http.Server{Handler: status.Handler(checks, m.Handler()), ReadHeaderTimeout: 5 * time.Second}
		go srv.Serve(ln)
		defer srv.Close()
		log.Info("health and metrics listening", "addr", ln.Addr().String())
	}
	if rl.path != "" {
		runners = append(runners, func(ctx context.Context) error {
			rl.watch(ctx)
			return nil
		})
	}
	if st != nil {
		runners = append(runners, func(ctx context.Context) error {
			purgeLoop(ctx, st, c.Retention, log)
			return nil
		})
	}
	return runAll(ctx, runners)
}

// admin answers the admin commands (bot.Admin).
type admin struct {
	st   *store.Store
	live *bot.Live
	rl   *reloader
}

// Reload reloads the FAQ file now.
func (a *admin) Reload(context.Context) string { return a.rl.reload("/reload", nil) }

// Report is the report of the last 30 days.
func (a *admin) Report(ctx context.Context) string {
	if a.st == nil {
		return "Recording is off (CSTBOT_DATA=off, or the database could not be opened), so there is nothing to report."
	}
	a.st.Flush()
	r, err := report.Read(ctx, a.st, a.live.Bot(), 30*24*time.Hour, time.Now())
	if err != nil {
		return "The report failed: " + err.Error()
	}
	var b strings.Builder
	r.WriteText(&b, 15)
	return b.String()
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
		wg.Go(func() {
			if errs[i] = run(ctx); errs[i] != nil {
				cancel()
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// whyUnwritable says, in plain words, why the question log at path cannot
// be written: its directory is missing, read-only, or not ours to write.
func whyUnwritable(path string) string {
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	switch {
	case err != nil:
		return fmt.Sprintf("the directory %s does not exist", dir)
	case !st.IsDir():
		return fmt.Sprintf("%s is not a directory", dir)
	}
	probe, err := os.CreateTemp(dir, ".cstbot-probe-*")
	if err == nil {
		probe.Close()
		os.Remove(probe.Name())
		return fmt.Sprintf("%s cannot be opened as a database", path)
	}
	if errors.Is(err, syscall.EROFS) {
		return fmt.Sprintf("the directory %s is read-only", dir)
	}
	return fmt.Sprintf("no permission to write in %s", dir)
}
