package store

import (
	"context"
	"crypto/sha256"
	"sync"
	"time"

	"cstbot/internal/bot"
)

// NotSure is the score below which an answer is recorded as an unsure one.
const NotSure = 0.55

// Recorder wraps a Responder, recording what clients asked that the FAQ
// did not answer well (fallbacks and unsure answers) and their ratings;
// as a bot.Delivery it records the answers served, once delivered.
// OnUnanswered, when set, is told the text of each fallback (to notify
// the therapist).
type Recorder struct {
	Store        *Store
	Next         bot.Responder
	OnUnanswered func(platform, text string)
	Now          func() time.Time // for tests; time.Now when nil

	mu    sync.Mutex
	rated map[[16]byte]bool // digests of the rated replies seen, so a second tap counts once
	order [][16]byte        // the same, oldest first, to forget the oldest past maxRated
}

// maxRated is how many rated replies the Recorder remembers, to count a
// second tap on the same button once.
const maxRated = 10000

// Respond answers with Next and records what the request and reply say.
func (rec *Recorder) Respond(ctx context.Context, m bot.Message) bot.Reply {
	r := rec.Next.Respond(ctx, m)
	at := rec.now()
	switch m.Request {
	case bot.RequestRating:
		if rec.firstRating(m.Rated) {
			rec.Store.RecordFeedback(Feedback{At: at, EntryID: m.EntryID, Up: m.Feedback == bot.FeedbackUp})
		}
	case bot.RequestText:
		switch {
		case r.Kind == bot.KindAnswer && r.Score < NotSure:
			rec.Store.RecordQuestion(Question{At: at, Platform: m.Platform, Text: m.Text, Kind: "unsure", BestID: r.ID, Score: r.Score})
		case r.Kind == bot.KindFallback:
			rec.Store.RecordQuestion(Question{At: at, Platform: m.Platform, Text: m.Text, Kind: "fallback", BestID: r.Guess, Score: r.Score})
			if rec.OnUnanswered != nil {
				rec.OnUnanswered(m.Platform, m.Text)
			}
		}
	}
	// Commands (welcome, help, contact, topics) and taps: nothing to learn from.
	return r
}

// Delivered records an answer served, asked or tapped, once the platform
// took it; a reply that failed to send was not served.
func (rec *Recorder) Delivered(m bot.Message, r bot.Reply, err error) {
	if err != nil || r.Kind != bot.KindAnswer || (m.Request != bot.RequestText && m.Request != bot.RequestTap) {
		return
	}
	rec.Store.RecordServed(Served{At: rec.now(), EntryID: r.ID, Platform: m.Platform})
}

func (rec *Recorder) now() time.Time {
	if rec.Now != nil {
		return rec.Now()
	}
	return time.Now()
}

// firstRating reports whether the rated reply named by rated is rated for
// the first time ("" cannot be told apart, so it always is). Only a
// digest is kept, in memory.
func (rec *Recorder) firstRating(rated string) bool {
	if rated == "" {
		return true
	}
	var key [16]byte
	sum := sha256.Sum256([]byte(rated))
	copy(key[:], sum[:])
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.rated[key] {
		return false
	}
	if rec.rated == nil {
		rec.rated = make(map[[16]byte]bool)
	}
	rec.rated[key] = true
	rec.order = append(rec.order, key)
	if len(rec.order) > maxRated {
		delete(rec.rated, rec.order[0])
		rec.order = rec.order[1:]
	}
	return true
}
