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
// maxTries times. A 429 waits the retry_after Discord asks for, up to
// MaxRetryAfter (discordgo's own retry has no bound, so it is off); a 5xx
// or a dropped connection backs off briefly. The error is redacted.
func (a *Adapter) retry(f func() error) error {
	waits := backoff.New(4 * time.Second)
	var err error
	for try := 1; try <= maxTries; try++ {
		if err = f(); err == nil {
			return nil
		}
		var rl *discordgo.RateLimitError
		var rest *discordgo.RESTError
		switch {
		case errors.As(err, &rl):
			d := max(rl.RetryAfter, 50*time.Millisecond)
			if d > a.cfg.MaxRetryAfter {
				return a.redact(err)
			}
			a.log.Info("discord: rate limited; waiting", "for", d)
			a.cfg.OnRetry()
			if !backoff.Sleep(a.stopCtx, d) {
				return a.redact(err)
			}
			continue
		case errors.As(err, &rest) && rest.Response != nil && rest.Response.StatusCode < http.StatusInternalServerError:
			return a.redact(err) // a 4xx will not go away
		}
		if try == maxTries {
			break
		}
		a.cfg.OnRetry()
		if !waits.Sleep(a.stopCtx) {
			break
		}
	}
	return a.redact(err)
}
