// Package backoff is capped exponential backoff with jitter, and a sleep
// that a context can cut short: how the adapters wait between tries.
package backoff

import (
	"context"
	"math/rand/v2"
	"time"
)

// First is the first wait.
const First = 500 * time.Millisecond

// Backoff hands out waits of First, then twice as long each time, up to
// Max, each with jitter (half to all of it) so that restarted bots do not
// retry in step. Not safe for concurrent use.
type Backoff struct {
	cur, Max time.Duration
}

// New returns a Backoff capped at max.
func New(max time.Duration) *Backoff { return &Backoff{cur: min(First, max), Max: max} }

// Peek is the next wait, before jitter.
func (b *Backoff) Peek() time.Duration { return b.cur }

// Next returns the next wait and doubles the one after.
func (b *Backoff) Next() time.Duration {
	d := b.cur
	b.cur = min(2*b.cur, b.Max)
	return d/2 + rand.N(d/2+1)
}

// Reset starts again from First, after a success.
func (b *Backoff) Reset() { b.cur = min(First, b.Max) }

// Sleep waits the next wait, or until ctx is done; it reports whether it
// waited the whole time.
func (b *Backoff) Sleep(ctx context.Context) bool { return Sleep(ctx, b.Next()) }

// Sleep waits d or until ctx is done, and reports whether it waited.
func Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
