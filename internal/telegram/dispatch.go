package telegram

import (
	"strconv"
	"sync"
	"time"

	tele "gopkg.in/telebot.v3"

	"cstbot/internal/limit"
)

// dispatcher runs each chat's updates in order, one at a time, and
// different chats concurrently: a goroutine per chat with work, which
// ends when its queue is empty. Past a chat's rate limit, the chat gets
// one notice and the rest is dropped until the window has passed.
type dispatcher struct {
	handle  func(tele.Update)
	flooded func(chatID int64)
	limiter *limit.Limiter

	mu     sync.Mutex
	queues map[int64][]tele.Update // chats with work; a chat is present while its goroutine runs
	wg     sync.WaitGroup
}

func newDispatcher(perMinute int, handle func(tele.Update), flooded func(int64)) *dispatcher {
	return &dispatcher{handle: handle, flooded: flooded, limiter: limit.New(perMinute, time.Minute),
		queues: make(map[int64][]tele.Update)}
}

// floodNotice marks a queued update that stands for the flood notice.
const floodNotice = -1

// dispatch queues u for chat key; limited updates count against the
// chat's rate limit.
func (d *dispatcher) dispatch(key int64, u tele.Update, limited bool) {
	if limited {
		switch d.limiter.Check(strconv.FormatInt(key, 10)) {
		case limit.Drop:
			return
		case limit.Notify:
			u = tele.Update{ID: floodNotice}
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	q, running := d.queues[key]
	d.queues[key] = append(q, u)
	if !running {
		d.wg.Add(1)
		go d.drain(key)
	}
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
		if u.ID == floodNotice {
			d.flooded(key)
		} else {
			d.handle(u)
		}
	}
}

// wait blocks until every queued update has been handled.
func (d *dispatcher) wait() { d.wg.Wait() }
