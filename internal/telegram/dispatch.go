package telegram

import (
	"sync"
	"time"

	tele "gopkg.in/telebot.v3"
)

// dispatcher runs each chat's updates in order, one at a time, and
// different chats concurrently: a goroutine per chat with work, which
// ends when its queue is empty. It also limits how many messages a chat
// may send a minute: past the limit the chat gets one notice, and the rest
// is dropped until the minute has passed.
type dispatcher struct {
	handle  func(tele.Update)
	flooded func(chatID int64)
	limit   int

	mu     sync.Mutex
	queues map[int64][]tele.Update // chats with work; a chat is present while its goroutine runs
	recent map[int64]*window
	swept  time.Time
	wg     sync.WaitGroup
}

// window is a chat's recent message times, for the rate limit.
type window struct {
	times    []time.Time
	notified bool
}

func newDispatcher(limit int, handle func(tele.Update), flooded func(int64)) *dispatcher {
	return &dispatcher{handle: handle, flooded: flooded, limit: limit,
		queues: make(map[int64][]tele.Update), recent: make(map[int64]*window)}
}

// dispatch queues u for chat key. Updates past the chat's rate limit are
// dropped, the first of them replaced by a call to flooded.
func (d *dispatcher) dispatch(key int64, u tele.Update, limited bool) {
	now := time.Now()
	d.mu.Lock()
	defer d.mu.Unlock()
	if limited && !d.allow(key, now) {
		w := d.recent[key]
		if w.notified {
			return
		}
		w.notified = true
		u = tele.Update{ID: -1} // a marker: send the notice instead
	}
	q, running := d.queues[key]
	d.queues[key] = append(q, u)
	if !running {
		d.wg.Add(1)
		go d.drain(key)
	}
}

func (d *dispatcher) allow(key int64, now time.Time) bool {
	if now.Sub(d.swept) > time.Minute { // forget quiet chats
		for k, w := range d.recent {
			if len(w.times) == 0 || now.Sub(w.times[len(w.times)-1]) > time.Minute {
				delete(d.recent, k)
			}
		}
		d.swept = now
	}
	w := d.recent[key]
	if w == nil {
		w = &window{}
		d.recent[key] = w
	}
	cut := 0
	for cut < len(w.times) && now.Sub(w.times[cut]) >= time.Minute {
		cut++
	}
	w.times = w.times[cut:]
	if len(w.times) >= d.limit {
		return false
	}
	w.times = append(w.times, now)
	w.notified = false
	return true
}

func (d *dispatcher) drain(key int64) {
	defer d.wg.Done()
	defer func() {
		if p := recover(); p != nil { // handle recovers its own; this is the last line of defence
			d.mu.Lock()
			delete(d.queues, key)
			d.mu.Unlock()
		}
	}()
	for {
		d.mu.Lock()
		q := d.queues[key]
		if len(q) == 0 {
			delete(d.queues, key)
			d.mu.Unlock()
			return
		}
		u := q[0]
		d.queues[key] = q[1:]
		d.mu.Unlock()
		if u.ID == -1 {
			d.flooded(key)
		} else {
			d.handle(u)
		}
	}
}

// wait blocks until every queued update has been handled.
func (d *dispatcher) wait() { d.wg.Wait() }
