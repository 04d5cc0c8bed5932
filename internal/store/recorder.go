package store

import (
	"context"
	"time"

	"cstbot/internal/bot"
)

// NotSure is the score below which an answer is recorded as an unsure one.
const NotSure = 0.55

// Recorder wraps a Responder, recording fallbacks and unsure answers,
// answers served and feedback. OnUnanswered, when set, is told the text of
// each fallback (to notify the therapist).
type Recorder struct {
	Store        *Store
	Next         bot.Responder
	OnUnanswered func(platform, text string)
	Now          func() time.Time // for tests; time.Now when nil
}

// Respond answers with Next and records what the reply says.
func (rec *Recorder) Respond(ctx context.Context, m bot.Message) bot.Reply {
	r := rec.Next.Respond(ctx, m)
	now := time.Now
	if rec.Now != nil {
		now = rec.Now
	}
	at := now()
	switch {
	case m.Feedback != "":
		rec.Store.RecordFeedback(Feedback{At: at, EntryID: m.EntryID, Up: m.Feedback == bot.FeedbackUp})
	case m.Command != "":
		// Welcome, help, contact, topics: nothing to learn from.
	case r.Kind == bot.KindAnswer:
		rec.Store.RecordServed(Served{At: at, EntryID: r.ID, Platform: m.Platform})
		if m.EntryID == "" && r.Score < NotSure {
			rec.Store.RecordQuestion(Question{At: at, Platform: m.Platform, Text: m.Text, Kind: "unsure", BestID: r.ID, Score: r.Score})
		}
	case r.Kind == bot.KindFallback && m.EntryID == "":
		rec.Store.RecordQuestion(Question{At: at, Platform: m.Platform, Text: m.Text, Kind: "fallback", BestID: r.Guess, Score: r.Score})
		if rec.OnUnanswered != nil {
			rec.OnUnanswered(m.Platform, m.Text)
		}
	}
	return r
}
