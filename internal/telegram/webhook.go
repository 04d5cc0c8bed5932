package telegram

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	tele "gopkg.in/telebot.v3"

	"cstbot/internal/backoff"
)

// deriveSecret makes a webhook secret from the token when none is given:
// stable across restarts, and no use to anyone who does not have the token.
func deriveSecret(token string) string {
	sum := sha256.Sum256([]byte("cstbot webhook secret:" + token))
	return hex.EncodeToString(sum[:16])
}

// webhookPoller is the adapter's tele.Poller for a webhook. It registers
// the webhook with telebot's own tele.Webhook (its parameters and
// setWebhook call), but serves it itself, because telebot's Webhook.Poll
// does not do the job here: it answers 200 to a request with a wrong
// secret or a body that is not an update, tries setWebhook once and then
// closes the stop channel that telebot's Stop closes again (a panic), and
// drops the listener's error. This one retries setWebhook with backoff
// (a refusal is final), answers 403 and 400, and makes Run return the
// listener's error.
type webhookPoller struct {
	a    *Adapter
	ctx  context.Context
	fail context.CancelFunc // ends Run when the webhook cannot be served

	mu  sync.Mutex
	err error
}

func (p *webhookPoller) failed(err error) {
	p.mu.Lock()
	p.err = err
	p.mu.Unlock()
	p.fail()
}

// Err is why the webhook could not be served, or nil.
func (p *webhookPoller) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// Poll listens, registers the webhook and hands what Telegram posts to
// telebot until ctx is done or telebot closes stop.
func (p *webhookPoller) Poll(b *tele.Bot, dest chan tele.Update, stop chan struct{}) {
	a := p.a
	ctx, cancel := untilStopped(p.ctx, stop)
	defer cancel()
	ln, err := net.Listen("tcp", a.cfg.Listen)
	if err != nil {
		p.failed(fmt.Errorf("telegram: webhook: %w", err))
		return
	}
	srv := &http.Server{Handler: p.handler(ctx, dest), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	defer func() {
		shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.cfg.ShutdownTimeout)
		defer cancel()
		srv.Shutdown(shutdownCtx)
	}()

	wait := backoff.New(a.cfg.MaxBackoff)
	for ctx.Err() == nil {
		err := b.SetWebhook(&tele.Webhook{
			AllowedUpdates: allowedUpdates, SecretToken: a.cfg.WebhookSecret,
			Endpoint: &tele.WebhookEndpoint{PublicURL: a.cfg.WebhookURL},
		})
		if err == nil {
			a.connected.Store(true)
			a.log.Info("telegram: webhook set", "listen", ln.Addr().String())
			break
		}
		if permanent(err) {
			p.failed(a.redact(fmt.Errorf("telegram: setWebhook: %w", err)))
			return
		}
		a.log.Warn("telegram: setWebhook failed; retrying", "err", a.redact(err))
		wait.Sleep(ctx)
	}
	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			p.failed(fmt.Errorf("telegram: webhook: %w", err))
		}
	}
}

// handler accepts updates that carry the secret-token header.
func (p *webhookPoller) handler(ctx context.Context, dest chan tele.Update) http.Handler {
	secret := []byte(p.a.cfg.WebhookSecret)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := []byte(r.Header.Get("X-Telegram-Bot-Api-Secret-Token"))
		if subtle.ConstantTimeCompare(got, secret) != 1 {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		var u tele.Update
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&u); err != nil {
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		select {
		case dest <- u:
			w.WriteHeader(http.StatusOK)
		case <-ctx.Done(): // stopping: Telegram sends it again to the next run
			http.Error(w, "stopping", http.StatusServiceUnavailable)
		}
	})
}
