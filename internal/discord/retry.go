package discord

import (
	"errors"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"

	"cstbot/internal/backoff"
)

// maxTries bounds the tries of one REST call.
const maxTries = 4

// retry calls f until it succeeds, fails for good or has been tried
// maxTries times (backoff.Retry). A 429 waits the retry_after Discord asks
// for, up to MaxRetryAfter (discordgo's own retry has no bound, so it is
// off); a 5xx or a dropped connection backs off briefly. The error is
// redacted.
func (a *Adapter) retry(f func() error) error {
	return a.redact(backoff.Retry(a.stopCtx, backoff.Policy{
		Tries: maxTries, Max: 4 * time.Second, MaxRetryAfter: a.cfg.MaxRetryAfter,
		Classify: func(err error) (bool, time.Duration) {
			var rl *discordgo.RateLimitError
			var rest *discordgo.RESTError
			switch {
			case errors.As(err, &rl):
				return false, max(rl.RetryAfter, 50*time.Millisecond)
			case errors.As(err, &rest) && rest.Response != nil && rest.Response.StatusCode < http.StatusInternalServerError:
				return true, 0 // a 4xx will not go away
			}
			return false, 0
		},
		OnRetry: func(err error, wait time.Duration) {
			a.log.Info("discord: retrying a REST call", "err", a.redact(err), "in", wait)
			a.cfg.OnRetry()
		},
	}, f))
}
