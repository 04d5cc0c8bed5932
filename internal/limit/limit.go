// Package limit is a per-key sliding-window rate limit: at most N events a
// key in any window of the given length, for answering a client who floods
// the bot with one polite notice instead of a reply to every message.
package limit

import (
	"sync"
	"time"
)

// Verdict is what to do with one event.
type Verdict int

// The verdicts.
const (
	Allow  Verdict = iota // under the limit: handle it
	Notify                // the first event over the limit: tell the client, once
	Drop                  // over the limit and already told: ignore it
)

// Limiter counts events per key. The zero value is not usable; use New.
// It is safe for concurrent use, and forgets keys that have been quiet
// for a window, so it holds only recently active keys.
type Limiter struct {
	n      int
	window time.Duration
	now    func() time.Time

	mu    sync.Mutex
	keys  map[string]*history
	swept time.Time
}

type history struct {
	times    []time.Time
	notified bool
}

// New allows n events a key in any window.
func New(n int, window time.Duration) *Limiter {
	return &Limiter{n: n, window: window, now: time.Now, keys: make(map[string]*history)}
}

// Check records an event for key and says what to do with it.
func (l *Limiter) Check(key string) Verdict {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > l.window {
		for k, h := range l.keys {
			if len(h.times) == 0 || now.Sub(h.times[len(h.times)-1]) >= l.window {
				delete(l.keys, k)
			}
		}
		l.swept = now
	}
	h := l.keys[key]
	if h == nil {
		h = &history{}
		l.keys[key] = h
	}
	cut := 0
	for cut < len(h.times) && now.Sub(h.times[cut]) >= l.window {
		cut++
	}
	h.times = h.times[cut:]
	if len(h.times) < l.n {
		h.times = append(h.times, now)
		h.notified = false
		return Allow
	}
	if h.notified {
		return Drop
	}
	h.notified = true
	return Notify
}

// Len is the number of keys remembered, for tests.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}
