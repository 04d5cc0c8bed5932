package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	tele "gopkg.in/telebot.v3"

	"cstbot/internal/backoff"
)

// allowedUpdates are the update kinds the bot handles.
var allowedUpdates = []string{"message", "callback_query", "inline_query"}

// longPoller is the adapter's tele.Poller for long polling. telebot's own
// LongPoller retries a failed getUpdates at once, in a tight loop, and
// passes its errors only to a verbose debug log; this one backs off
// (capped, exponential; a 429's retry_after is honoured), logs once per
// run of failures with the token redacted, reports the connection's state
// and counts recoveries. It stops when ctx is done or telebot closes stop.
type longPoller struct {
	a   *Adapter
	ctx context.Context
}

// Poll long-polls getUpdates and hands the updates to telebot.
func (p *longPoller) Poll(b *tele.Bot, dest chan tele.Update, stop chan struct{}) {
	a := p.a
	ctx, cancel := untilStopped(p.ctx, stop)
	defer cancel()
	// A webhook left over from an earlier run would make getUpdates fail.
	if err := b.RemoveWebhook(false); err != nil && ctx.Err() == nil {
		a.log.Warn("telegram: deleteWebhook failed", "err", a.redact(err))
	}
	wait := backoff.New(a.cfg.MaxBackoff)
	offset, failures := 0, 0
	for ctx.Err() == nil {
		// After a failure, a poll that returns at once confirms the
		// connection is back, rather than a long poll that would leave
		// the bot reported as disconnected for PollTimeout.
		timeout := a.cfg.PollTimeout
		if failures > 0 {
			timeout = 0
		}
		updates, err := getUpdates(b, offset, timeout)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			failures++
			if failures == 1 {
				a.log.Warn("telegram: polling failed; retrying with backoff", "err", a.redact(err))
			}
			a.connected.Store(false)
			d := wait.Next()
			var flood tele.FloodError
			if errors.As(err, &flood) {
				d = min(time.Duration(flood.RetryAfter)*time.Second, a.cfg.MaxRetryAfter)
			}
			if !backoff.Sleep(ctx, d) {
				return
			}
			continue
		}
		if failures > 0 {
			a.log.Info("telegram: polling recovered", "failures", failures)
			a.cfg.OnReconnect()
		}
		failures = 0
		wait.Reset()
		a.connected.Store(true)
		for _, u := range updates {
			offset = max(offset, u.ID+1)
			select {
			case dest <- u:
			case <-ctx.Done():
				return
			}
		}
	}
}

// untilStopped is ctx, cancelled too when telebot closes stop (its Stop).
func untilStopped(ctx context.Context, stop chan struct{}) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

// getUpdates asks for updates from offset, waiting up to wait for one.
// The parameters are strings, as telebot's own poller sends them.
func getUpdates(b *tele.Bot, offset int, wait time.Duration) ([]tele.Update, error) {
	allowed, _ := json.Marshal(allowedUpdates)
	data, err := b.Raw("getUpdates", map[string]string{
		"offset":          strconv.Itoa(offset),
		"timeout":         strconv.Itoa(int(wait / time.Second)),
		"allowed_updates": string(allowed),
	})
	if err != nil {
		return nil, err
	}
	var resp struct {
		OK     bool          `json:"ok"`
		Result []tele.Update `json:"result"`
	}
	if err := jsonUnmarshal(data, &resp); err != nil {
		return nil, err
	}
	if !resp.OK {
		return nil, errors.New("telegram: getUpdates: not ok")
	}
	return resp.Result, nil
}

// jsonUnmarshal decodes a Bot API reply; an HTML error page from a proxy
// becomes a short error rather than a JSON syntax one.
func jsonUnmarshal(data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("telegram: %w", errNotJSON)
	}
	return nil
}

var errNotJSON = errors.New("the Bot API sent something that is not JSON (a proxy error page?)")

// permanent reports whether a Bot API error will not go away by retrying:
// a 4xx other than 429 (a bad token, a chat that blocked the bot, a
// malformed request). telebot types the errors it knows (*tele.Error,
// FloodError) and wraps transport failures; serverErrors turns every 5xx
// into a transport failure; so what is left, an error telebot wrote from
// a description it does not know, is a 4xx.
func permanent(err error) bool {
	var flood tele.FloodError
	var te *tele.Error
	switch {
	case err == nil, errors.As(err, &flood):
		return false
	case errors.As(err, &te):
		return te.Code >= 400 && te.Code < 500 && te.Code != 429
	case errors.Unwrap(err) != nil: // a dropped connection, a time-out, a 5xx
		return false
	}
	return true
}

// serverErrors makes a 5xx answer a transport failure, so that telebot
// wraps it (and permanent sees it as transient) whatever its body says:
// telebot keeps the status only for the error descriptions it knows.
type serverErrors struct{ base http.RoundTripper }

func (t *serverErrors) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil || resp.StatusCode < 500 {
		return resp, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return nil, fmt.Errorf("the Bot API answered %s", resp.Status)
}

// pollCanceller cancels a getUpdates request in flight when ctx is done,
// so that shutdown does not wait out a 30-second long poll; other requests
// (replies in flight) are left to finish.
type pollCanceller struct {
	base http.RoundTripper
	ctx  context.Context
}

func (t *pollCanceller) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(req.URL.Path, "/getUpdates") {
		return t.base.RoundTrip(req)
	}
	ctx, cancel := context.WithCancel(req.Context())
	stop := context.AfterFunc(t.ctx, cancel)
	resp, err := t.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		stop()
		cancel()
		return nil, err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, done: func() { stop(); cancel() }}
	return resp, nil
}

type cancelOnClose struct {
	io.ReadCloser
	done func()
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.done()
	return err
}

func transportOf(c *http.Client) http.RoundTripper {
	if c.Transport != nil {
		return c.Transport
	}
	return http.DefaultTransport
}
