package bot

import (
	"context"
	"sync/atomic"
)

// Live is a Responder whose Bot can be replaced while it answers: a reload
// of the FAQ builds a new Bot and swaps it in atomically. A message in
// flight finishes on the Bot it started with. Safe for concurrent use.
type Live struct {
	p atomic.Pointer[Bot]
}

// NewLive returns a Live answering with b.
func NewLive(b *Bot) *Live {
	l := &Live{}
	l.p.Store(b)
	return l
}

// Swap puts b in service and returns the Bot it replaces.
func (l *Live) Swap(b *Bot) *Bot { return l.p.Swap(b) }

// Bot returns the Bot in service.
func (l *Live) Bot() *Bot { return l.p.Load() }

// Respond answers with the Bot in service.
func (l *Live) Respond(ctx context.Context, m Message) Reply { return l.p.Load().Respond(ctx, m) }

// Search ranks the questions of the Bot in service (see Bot.Search).
func (l *Live) Search(filter string) []Suggestion { return l.p.Load().Search(filter) }

// Answer returns an entry's reply from the Bot in service.
func (l *Live) Answer(id string) (Reply, bool) { return l.p.Load().Answer(id) }

// Subject is the subject of the FAQ in service.
func (l *Live) Subject() string { return l.p.Load().Subject() }
