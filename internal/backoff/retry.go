package backoff

import (
	"context"
	"time"
)

// Policy says how Retry tries a platform call again.
type Policy struct {
	Tries int           // at most this many tries in all
	Max   time.Duration // the longest backoff between tries
	// MaxRetryAfter is the longest wait a platform may ask for (a 429's
	// retry_after); asked for longer, Retry gives up at once.
	MaxRetryAfter time.Duration
	// Classify says what a failure means: final when trying again cannot
	// help (a 4xx other than 429), and the wait the platform asked for, if
	// any (0: back off).
	Classify func(err error) (final bool, retryAfter time.Duration)
	// OnRetry, when set, is told of each try about to be repeated.
	OnRetry func(err error, wait time.Duration)
}

// Retry calls f until it succeeds, fails for good, has been tried
// p.Tries times or ctx is done, waiting between tries what the platform
// asks for or else a capped, jittered backoff. It returns f's last error.
func Retry(ctx context.Context, p Policy, f func() error) error {
	waits := New(p.Max)
	var err error
	for try := 1; try <= p.Tries; try++ {
		if err = f(); err == nil {
			return nil
		}
		final, wait := p.Classify(err)
		if final || try == p.Tries {
			break
		}
		if wait > p.MaxRetryAfter {
			break
		}
		if wait == 0 {
			wait = waits.Next()
		}
		if p.OnRetry != nil {
			p.OnRetry(err, wait)
		}
		if !Sleep(ctx, wait) {
			break
		}
	}
	return err
}
