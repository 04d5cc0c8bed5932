// Package telegram answers clients on Telegram through gopkg.in/telebot.v3.
//
// It is built on telebot's own machinery: tele.Bot's Start and Stop, its
// router (Handle, the command endpoints, OnText, OnCallback, OnQuery) and
// middleware. What telebot lacks is added at the seams it offers: a
// tele.Poller that backs off and reports its errors (long polling or a
// webhook), a middleware that runs each chat's updates in order and
// different chats concurrently with a per-chat rate limit, one that
// recovers panics with an apology, and an http.Client transport that
// stops a long poll at shutdown and marks 5xx answers as transient. A 429
// is waited out and the message sent again. The token is in every Bot API
// URL, so every error is redacted before it is logged or returned.
package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	tele "gopkg.in/telebot.v3"

	"cstbot/internal/backoff"
	"cstbot/internal/bot"
	"cstbot/internal/chunk"
	"cstbot/internal/redact"
)

// DefaultAPIURL is the Bot API's address.
const DefaultAPIURL = "https://api.telegram.org"

// Config configures an Adapter. Only Token is required.
type Config struct {
	// Catalog serves what is shown rather than asked (inline results,
	// autocomplete, command descriptions), unrecorded; nil means the
	// Responder, which must then be a bot.Catalog.
	Catalog bot.Catalog

	Token  string
	APIURL string // the Bot API base URL; DefaultAPIURL when empty

	// WebhookURL, when set, makes Telegram push updates to this public
	// HTTPS URL instead of the adapter polling for them; the adapter
	// listens on Listen and checks the secret-token header against
	// WebhookSecret (derived from the token when empty).
	WebhookURL    string
	Listen        string // default ":8443"
	WebhookSecret string

	Logger *slog.Logger // nil discards

	PerChatLimit    int           // messages a chat may send a minute; default 20
	PollTimeout     time.Duration // long-poll wait; default 30 s
	MaxBackoff      time.Duration // longest wait between failed polls; default 30 s
	MaxRetryAfter   time.Duration // longest 429 wait honoured; default 60 s
	ShutdownTimeout time.Duration // time given to replies in flight at shutdown; default 4 s
	HTTPClient      *http.Client  // default: one with a timeout above PollTimeout

	// OnRetry and OnReconnect, when set, are called for each Bot API call
	// tried again and each time polling recovers after failures (metrics).
	OnRetry, OnReconnect func()
	// Delivery, when set, is told of each reply sent or failed to send.
	Delivery bot.Delivery

	// AdminIDs are the Telegram user ids that may use /report and
	// /reload, which Admin answers; for everyone else they are ignored.
	AdminIDs []int64
	Admin    bot.Admin
	// OnAdminTap answers a tap by an admin on a Notify button, with the
	// button's data; what it returns is shown and replaces the buttons.
	OnAdminTap func(ctx context.Context, data string) string
}

// Adapter is a Telegram bot. Run it once.
type Adapter struct {
	cfg       Config
	r         bot.Responder
	log       *slog.Logger
	tb        *tele.Bot
	me        *tele.User
	disp      *dispatcher
	connected atomic.Bool
	hardStop  context.Context // cancelled when shutdown time is up
	redactor  *redact.Redactor
}

// New checks cfg and returns an Adapter answering with r. It does no I/O.
func New(cfg Config, r bot.Responder) (*Adapter, error) {
	if cfg.Catalog == nil {
		cfg.Catalog, _ = r.(bot.Catalog)
	}
	if cfg.Catalog == nil {
		cfg.Catalog = bot.NoCatalog{}
	}
	if !ValidToken(cfg.Token) {
		return nil, errors.New("telegram: the token does not look like a bot token (digits, a colon, then 30 or more letters, digits, - or _)")
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if u, err := url.Parse(cfg.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("telegram: API URL %q is not an http(s) URL", cfg.APIURL)
	}
	cfg.APIURL = strings.TrimRight(cfg.APIURL, "/")
	if cfg.WebhookURL != "" {
		if u, err := url.Parse(cfg.WebhookURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, fmt.Errorf("telegram: webhook URL %q is not an https URL", cfg.WebhookURL)
		}
		if cfg.Listen == "" {
			cfg.Listen = ":8443"
		}
		if cfg.WebhookSecret == "" {
			cfg.WebhookSecret = deriveSecret(cfg.Token)
		}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	setDefault(&cfg.PerChatLimit, 20)
	setDefault(&cfg.PollTimeout, 30*time.Second)
	setDefault(&cfg.MaxBackoff, 30*time.Second)
	setDefault(&cfg.MaxRetryAfter, 60*time.Second)
	setDefault(&cfg.ShutdownTimeout, 4*time.Second)
	if cfg.OnRetry == nil {
		cfg.OnRetry = func() {}
	}
	if cfg.OnReconnect == nil {
		cfg.OnReconnect = func() {}
	}
	if cfg.Delivery == nil {
		cfg.Delivery = bot.Deliveries(nil)
	}
	a := &Adapter{cfg: cfg, r: r, log: cfg.Logger.With("platform", "telegram"), redactor: redact.New(cfg.Token)}
	a.disp = newDispatcher(cfg.PerChatLimit, a.flooded)
	return a, nil
}

func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

// ValidToken reports whether s has the shape of a bot token,
// "123456:ABC-DEF…", without saying anything of whether it works.
func ValidToken(s string) bool {
	id, secret, ok := strings.Cut(s, ":")
	if !ok || len(id) < 3 || len(secret) < 30 {
		return false
	}
	for _, r := range id {
		if r < '0' || r > '9' {
			return false
		}
	}
	for _, r := range secret {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// Notify sends a plain-text message to a chat (the therapist's, for
// unanswered questions), waiting out 429s like any reply.
func (a *Adapter) Notify(chatID int64, text string, buttons ...Button) error {
	if a.tb == nil {
		return errors.New("telegram: not running")
	}
	chunks := chunk.Split(escape(text), maxMessage, chunk.UTF16)
	for i, c := range chunks {
		opts := &tele.SendOptions{ParseMode: tele.ModeHTML, DisableWebPagePreview: true}
		if i == len(chunks)-1 && len(buttons) > 0 {
			var row []tele.InlineButton
			for _, b := range buttons {
				row = append(row, tele.InlineButton{Text: truncateRunes(b.Text, 60), Data: adminPrefix + b.Data})
			}
			opts.ReplyMarkup = &tele.ReplyMarkup{InlineKeyboard: [][]tele.InlineButton{row}}
		}
		if err := a.sendText(&tele.Chat{ID: chatID}, c, opts); err != nil {
			return err
		}
	}
	return nil
}

// Button is a button under a notice: a tap by one of the admin ids calls
// Config.OnAdminTap with Data (at most 60 bytes); anyone else's does
// nothing.
type Button struct{ Text, Data string }

// adminPrefix marks the callback data of a notice's buttons.
const adminPrefix = "adm:"

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// Connected reports whether the last exchange with the Bot API succeeded.
func (a *Adapter) Connected() bool { return a.connected.Load() }

// Run serves until ctx is done, then stops receiving, gives replies in
// flight ShutdownTimeout to finish and returns nil. It returns an error
// when the Bot API refuses the token or the webhook cannot be served.
func (a *Adapter) Run(ctx context.Context) error {
	recvCtx, stopReceiving := context.WithCancel(ctx)
	defer stopReceiving()
	hard, hardStop := context.WithCancel(context.WithoutCancel(ctx))
	defer hardStop()
	a.hardStop = hard

	client := a.cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: a.cfg.PollTimeout + 15*time.Second}
	}
	client = &http.Client{
		Timeout:   client.Timeout,
		Transport: &pollCanceller{base: &serverErrors{base: transportOf(client)}, ctx: recvCtx},
	}
	var poller tele.Poller = &longPoller{a: a, ctx: recvCtx}
	webhook := &webhookPoller{a: a, ctx: recvCtx, fail: stopReceiving}
	if a.cfg.WebhookURL != "" {
		poller = webhook
	}
	tb, err := tele.NewBot(tele.Settings{
		URL: a.cfg.APIURL, Token: a.cfg.Token, Client: client, Offline: true, Poller: poller,
		Synchronous: true, // the inOrder middleware runs the handlers, chat by chat
		OnError:     a.onError,
	})
	if err != nil {
		return a.redact(fmt.Errorf("telegram: %w", err))
	}
	a.tb = tb
	a.routes(tb)
	if err := a.connect(recvCtx); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return nil
	}
	a.setCommands()

	started := make(chan struct{})
	go func() { defer close(started); tb.Start() }()
	<-recvCtx.Done() // stopped, or the webhook failed: the poller returns
	// Replies in flight get ShutdownTimeout to finish, before telebot's
	// Stop cancels its requests in flight.
	done := make(chan struct{})
	go func() { a.disp.wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(a.cfg.ShutdownTimeout):
		a.log.Warn("telegram: stopped with replies still in flight")
		hardStop()
	}
	tb.Stop()
	<-started
	a.connected.Store(false)
	return webhook.Err()
}

// onError logs what a handler returned, redacted (telebot's OnError).
func (a *Adapter) onError(err error, _ tele.Context) {
	a.log.Warn("telegram: handler failed", "err", a.redact(err))
}

// connect asks getMe who the bot is, retrying with backoff while the Bot
// API cannot be reached; a refused token is an error.
func (a *Adapter) connect(ctx context.Context) error {
	wait := backoff.New(a.cfg.MaxBackoff)
	for {
		data, err := a.tb.Raw("getMe", map[string]string{})
		if err == nil {
			var resp struct {
				Result *tele.User `json:"result"`
			}
			err = jsonUnmarshal(data, &resp)
			if err == nil && resp.Result != nil && resp.Result.ID != 0 {
				a.me = resp.Result
				a.tb.Me = resp.Result
				a.connected.Store(true)
				a.log.Info("telegram: connected", "bot", "@"+a.me.Username)
				return nil
			}
			if err == nil {
				err = errors.New("getMe returned no bot")
			}
		}
		if permanent(err) {
			return a.redact(fmt.Errorf("telegram: the Bot API refused the token (check TELEGRAM_TOKEN): %w", err))
		}
		a.log.Warn("telegram: cannot reach the Bot API; retrying", "err", a.redact(err), "in", wait.Peek())
		if !wait.Sleep(ctx) {
			return nil
		}
	}
}

// setCommands fills Telegram's command menu.
func (a *Adapter) setCommands() {
	err := a.tb.SetCommands([]tele.Command{
		{Text: "start", Description: "Welcome and example questions"},
		{Text: "topics", Description: "Everything I can answer"},
		{Text: "contact", Description: "How to reach the therapist"},
		{Text: "help", Description: "How to ask me"},
	})
	if err != nil {
		a.log.Warn("telegram: setMyCommands failed", "err", a.redact(err))
	}
}

// redact removes the token from an error's text: telebot's errors carry
// the request URL, and the token is part of it (tucnak/telebot#770).
func (a *Adapter) redact(err error) error { return a.redactor.Error(err) }
