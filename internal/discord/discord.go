// Package discord answers clients on Discord through
// github.com/bwmarrin/discordgo: direct messages, messages that mention the
// bot in server channels, the slash commands /ask, /faq (with autocomplete)
// and /contact, and buttons under answers.
//
// discordgo is reined in where its defaults do not suit a bot that runs for
// months: it reconnects forever even when Discord closes the gateway for
// good (a bad token, disallowed intents), so the adapter reconnects itself
// and stops on those close codes; it retries 429s without a bound, so the
// adapter bounds them; its REST endpoints are fixed at init, so a
// RoundTripper rewrites them to DISCORD_API_URL.
package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"cstbot/internal/backoff"
	"cstbot/internal/bot"
	"cstbot/internal/limit"
	"cstbot/internal/redact"
)

// Intents are the gateway intents the bot asks for. Neither is privileged:
// Discord delivers the content of direct messages and of messages that
// mention the bot without the Message Content intent.
const Intents = discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages

// Config configures an Adapter. Only Token is required.
type Config struct {
	// Catalog serves what is shown rather than asked (inline results,
	// autocomplete, command descriptions), unrecorded; nil means the
	// Responder, which must then be a bot.Catalog.
	Catalog bot.Catalog

	Token   string // the bot token, with or without "Bot "
	APIURL  string // replaces https://discord.com for REST calls (a proxy or a test server)
	GuildID string // register slash commands to this server only (instant updates while testing)
	Logger  *slog.Logger

	PerUserLimit    int           // messages a user may send a minute; default 20
	MaxBackoff      time.Duration // longest wait between reconnects; default 60 s
	MaxRetryAfter   time.Duration // longest 429 wait honoured; default 30 s
	ShutdownTimeout time.Duration // time given to replies in flight; default 3 s

	// OnRetry and OnReconnect, when set, are called for each REST call
	// tried again and each gateway connection restored (metrics).
	OnRetry, OnReconnect func()
	// Delivery, when set, is told of each reply sent or failed to send.
	Delivery bot.Delivery

	// AdminIDs are the Discord user ids that may use /report and /reload,
	// which Admin answers; anyone else gets a short "not available".
	AdminIDs []string
	Admin    bot.Admin
}

// Adapter is a Discord bot. Run it once.
type Adapter struct {
	cfg      Config
	r        bot.Responder
	log      *slog.Logger
	redactor *redact.Redactor
	s        *discordgo.Session
	limiter  *limit.Limiter

	connected   atomic.Bool
	stopping    atomic.Bool
	stopCtx     context.Context // cancelled when Run stops: ends reconnect waits
	reconnectMu sync.Mutex
	fatal       chan error // a close code that ends the session for good
	inflight    sync.WaitGroup
	botID       atomic.Value // string: the bot's user id, from READY
	appID       atomic.Value // string: the application id, from READY
	registered  atomic.Bool
	everReady   atomic.Bool  // a READY after the first is a reconnect
	lastClose   atomic.Int64 // the code of the last close frame from the gateway
}

// New checks cfg and returns an Adapter answering with r. It does no I/O.
func New(cfg Config, r bot.Responder) (*Adapter, error) {
	if cfg.Catalog == nil {
		cfg.Catalog, _ = r.(bot.Catalog)
	}
	if cfg.Catalog == nil {
		cfg.Catalog = bot.NoCatalog{}
	}
	cfg.Token = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(cfg.Token), "Bot "))
	if !ValidToken(cfg.Token) {
		return nil, errors.New("discord: the token does not look like a bot token (three parts separated by dots)")
	}
	if cfg.APIURL != "" {
		u, err := url.Parse(cfg.APIURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("discord: API URL %q is not an http(s) URL", cfg.APIURL)
		}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	setDefault(&cfg.PerUserLimit, 20)
	setDefault(&cfg.MaxBackoff, 60*time.Second)
	setDefault(&cfg.MaxRetryAfter, 30*time.Second)
	setDefault(&cfg.ShutdownTimeout, 3*time.Second)
	if cfg.Delivery == nil {
		cfg.Delivery = bot.Deliveries(nil)
	}
	if cfg.OnRetry == nil {
		cfg.OnRetry = func() {}
	}
	if cfg.OnReconnect == nil {
		cfg.OnReconnect = func() {}
	}
	return &Adapter{cfg: cfg, r: r, log: cfg.Logger.With("platform", "discord"), redactor: redact.New(cfg.Token),
		limiter: limit.New(cfg.PerUserLimit, time.Minute), fatal: make(chan error, 1)}, nil
}

func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

// ValidToken reports whether s has the shape of a Discord bot token: three
// base64url parts separated by dots. It says nothing of whether it works.
func ValidToken(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 3 || len(s) < 50 {
		return false
	}
	for _, p := range parts {
		if p == "" {
			return false
		}
		for _, r := range p {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return false
			}
		}
	}
	return true
}

// Connected reports whether the gateway connection is up.
func (a *Adapter) Connected() bool { return a.connected.Load() }

// fatalCodes are the gateway close codes after which Discord will not take
// the bot back until its configuration changes.
var fatalCodes = map[int]string{
	4004: "authentication failed: check DISCORD_TOKEN",
	4010: "invalid shard",
	4011: "sharding required",
	4012: "invalid API version",
	4013: "invalid intents",
	4014: "disallowed intents: enable them for the bot in the Discord developer portal",
}

// Run connects and answers until ctx is done, then closes the session and
// returns nil; it returns an error when Discord refuses the bot for good.
func (a *Adapter) Run(ctx context.Context) error {
	s, err := discordgo.New("Bot " + a.cfg.Token)
	if err != nil {
		return fmt.Errorf("discord: %w", err)
	}
	s.Client = &http.Client{Timeout: 20 * time.Second, Transport: rewriteTransport(a.cfg.APIURL)}
	s.ShouldReconnectOnError = false // reconnect() below, which knows the fatal close codes
	s.ShouldRetryOnRateLimit = false // retry() below, which bounds the waits
	s.MaxRestRetries = 0             // and counts the 5xx retries too
	s.LogLevel = discordgo.LogError  // its debug level logs the Identify payload, token included
	s.Dialer = watchingDialer(func(code int) { a.lastClose.Store(int64(code)) })
	s.Identify.Intents = Intents
	s.Identify.Compress = false
	s.Compress = false
	s.SyncEvents = false
	s.AddHandler(a.onReady)
	s.AddHandler(a.onResumed)
	s.AddHandler(a.onDisconnect)
	s.AddHandler(a.onMessage)
	s.AddHandler(a.onInteraction)
	a.s = s
	stopCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	a.stopCtx = stopCtx

	if err := a.open(ctx); err != nil || ctx.Err() != nil {
		a.stopping.Store(true)
		cancel()
		return err
	}
	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-a.fatal:
	}
	// Stop: take no new work, let replies in flight finish, then close.
	a.stopping.Store(true)
	a.connected.Store(false)
	done := make(chan struct{})
	go func() { a.inflight.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(a.cfg.ShutdownTimeout):
		a.log.Warn("discord: stopped with replies still in flight")
	}
	cancel()
	a.reconnectMu.Lock()
	s.Close() // sends a close frame, then sleeps about 1 s
	a.reconnectMu.Unlock()
	a.connected.Store(false)
	return runErr
}

// open connects to the gateway, retrying with backoff until it succeeds,
// Discord refuses the bot for good (the error), or ctx is done (nil).
func (a *Adapter) open(ctx context.Context) error {
	a.reconnectMu.Lock()
	defer a.reconnectMu.Unlock()
	wait := backoff.New(a.cfg.MaxBackoff)
	for attempt := 1; ; attempt++ {
		err := a.s.Open()
		if err == nil || errors.Is(err, discordgo.ErrWSAlreadyOpen) {
			return nil
		}
		if fatal := fatalClose(err); fatal != nil {
			return fatal
		}
		if fatal := fatalCode(int(a.lastClose.Swap(0))); fatal != nil {
			return fatal
		}
		var rest *discordgo.RESTError
		if errors.As(err, &rest) && rest.Response != nil && rest.Response.StatusCode == http.StatusUnauthorized {
			return errors.New("discord: the token was refused (401 Unauthorized): check DISCORD_TOKEN")
		}
		if attempt == 1 || attempt%10 == 0 {
			a.log.Warn("discord: cannot connect to the gateway; retrying", "err", a.redact(err), "attempt", attempt)
		}
		if !wait.Sleep(ctx) || a.stopping.Load() {
			return nil
		}
	}
}

// fatalClose turns an error carrying a fatal gateway close code into an
// error that says what to do.
func fatalClose(err error) error {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		return fatalCode(ce.Code)
	}
	return nil
}

func fatalCode(code int) error {
	if why, ok := fatalCodes[code]; ok {
		return fmt.Errorf("discord: the gateway closed the connection with code %d: %s", code, why)
	}
	return nil
}

func (a *Adapter) onReady(s *discordgo.Session, r *discordgo.Ready) {
	a.connected.Store(!a.stopping.Load()) // discordgo runs handlers in goroutines: this one may come late
	if a.everReady.Swap(true) {
		a.cfg.OnReconnect()
	}
	if r.User != nil {
		a.botID.Store(r.User.ID)
		a.log.Info("discord: connected", "bot", r.User.Username)
	}
	appID := ""
	if r.Application != nil {
		appID = r.Application.ID
	} else if r.User != nil {
		appID = r.User.ID
	}
	a.appID.Store(appID)
	if !a.registered.Load() {
		a.inflight.Add(1)
		go func() {
			defer a.inflight.Done()
			a.registerCommands()
		}()
	}
}

func (a *Adapter) onResumed(*discordgo.Session, *discordgo.Resumed) {
	a.connected.Store(!a.stopping.Load())
	a.cfg.OnReconnect()
	a.log.Info("discord: session resumed")
}

// onDisconnect reconnects unless the adapter is stopping. discordgo emits
// it when the gateway connection ends for any reason.
func (a *Adapter) onDisconnect(*discordgo.Session, *discordgo.Disconnect) {
	a.connected.Store(false)
	if a.stopping.Load() {
		return
	}
	if err := fatalCode(int(a.lastClose.Swap(0))); err != nil {
		select {
		case a.fatal <- err:
		default:
		}
		return
	}
	a.log.Warn("discord: gateway connection lost; reconnecting")
	go func() {
		if err := a.open(a.stopCtx); err != nil {
			select {
			case a.fatal <- err:
			default:
			}
		}
	}()
}

func (a *Adapter) me() string {
	id, _ := a.botID.Load().(string)
	return id
}

// redact removes the token from an error's text.
func (a *Adapter) redact(err error) error { return a.redactor.Error(err) }

// rewriteTransport sends requests for discord.com to apiURL instead.
// discordgo's Endpoint variables are computed at init from
// https://discord.com, so changing them later does nothing.
func rewriteTransport(apiURL string) http.RoundTripper {
	if apiURL == "" {
		return http.DefaultTransport
	}
	u, _ := url.Parse(apiURL) // checked in New
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		if req.URL.Host == "discord.com" {
			req = req.Clone(req.Context())
			req.URL.Scheme, req.URL.Host = u.Scheme, u.Host
			req.URL.Path = strings.TrimRight(u.Path, "/") + req.URL.Path
			req.Host = u.Host
		}
		return http.DefaultTransport.RoundTrip(req)
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
