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

// serveWebhook registers the webhook and serves it until ctx is done.
func (a *Adapter) serveWebhook(ctx context.Context) error {
	ln, err := net.Listen("tcp", a.cfg.Listen)
	if err != nil {
		return fmt.Errorf("telegram: webhook: %w", err)
	}
	srv := &http.Server{Handler: a.webhookHandler(), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	wait := backoff.New(a.cfg.MaxBackoff)
	for ctx.Err() == nil {
		err := a.tb.SetWebhook(&tele.Webhook{
			AllowedUpdates: allowedUpdates, SecretToken: a.cfg.WebhookSecret,
			Endpoint: &tele.WebhookEndpoint{PublicURL: a.cfg.WebhookURL},
		})
		if err == nil {
			a.connected.Store(true)
			a.log.Info("telegram: webhook set", "listen", ln.Addr().String())
			break
		}
		if permanent(err) {
			srv.Close()
			return a.redact(fmt.Errorf("telegram: setWebhook: %w", err))
		}
		a.log.Warn("telegram: setWebhook failed; retrying", "err", a.redact(err))
		wait.Sleep(ctx)
	}
	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("telegram: webhook: %w", err)
		}
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.cfg.ShutdownTimeout)
	defer cancel()
	srv.Shutdown(shutdownCtx)
	return nil
}

// webhookHandler accepts updates that carry the secret-token header.
func (a *Adapter) webhookHandler() http.Handler {
	secret := []byte(a.cfg.WebhookSecret)
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
		a.route(u)
		w.WriteHeader(http.StatusOK)
	})
}
