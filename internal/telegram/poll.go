package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	tele "gopkg.in/telebot.v3"

	"cstbot/internal/backoff"
)

// allowedUpdates are the update kinds the bot handles.
var allowedUpdates = []string{"message", "callback_query", "inline_query"}

// poll long-polls getUpdates until ctx is done. Failures (5xx, dropped
// connections, time-outs, 429) are retried with capped exponential backoff
// and logged once per run of failures, not once per try.
func (a *Adapter) poll(ctx context.Context) {
	// A webhook left over from an earlier run would make getUpdates fail.
	if err := a.tb.RemoveWebhook(false); err != nil && ctx.Err() == nil {
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
		updates, err := a.getUpdates(offset, timeout)
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
			a.route(u)
		}
	}
}

// getUpdates asks for updates from offset, waiting up to wait for one.
// The parameters are strings, as telebot's own poller sends them.
func (a *Adapter) getUpdates(offset int, wait time.Duration) ([]tele.Update, error) {
	allowed, _ := json.Marshal(allowedUpdates)
	data, err := a.tb.Raw("getUpdates", map[string]string{
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
		return errors.New("telegram: the Bot API sent something that is not JSON (a proxy error page?)")
	}
	return nil
}

var statusInError = regexp.MustCompile(`\((\d{3})\)$`)

// permanent reports whether a Bot API error will not go away by retrying:
// a 4xx other than 429 (a bad token, a chat that blocked the bot, a
// malformed request).
func permanent(err error) bool {
	if err == nil {
		return false
	}
	var flood tele.FloodError
	if errors.As(err, &flood) {
		return false
	}
	var te *tele.Error
	if errors.As(err, &te) {
		return te.Code >= 400 && te.Code < 500 && te.Code != 429
	}
	if m := statusInError.FindStringSubmatch(err.Error()); m != nil {
		code, _ := strconv.Atoi(m[1])
		return code >= 400 && code < 500 && code != 429
	}
	return false
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
