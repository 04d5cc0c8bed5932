package telegram

import (
	"strconv"
	"sync"
	"time"

	"cstbot/internal/limit"
)

// dispatcher runs each chat's jobs in order, one at a time, and different
// chats concurrently: a goroutine per chat with work, which ends when its
// queue is empty. Past a chat's rate limit, the chat gets one notice and
// the rest is dropped until the window has passed. telebot runs handlers
// either all in one goroutine or each in its own, so the adapter's
// middleware hands every update here (see Adapter.inOrder).
type dispatcher struct {
	flooded func(chatID int64)
	limiter *limit.Limiter

	mu     sync.Mutex
	idle   *sync.Cond         // signalled when a chat's queue empties
	queues map[int64][]func() // chats with work; a chat is present while its goroutine runs
}

func newDispatcher(perMinute int, flooded func(int64)) *dispatcher {
	d := &dispatcher{flooded: flooded, limiter: limit.New(perMinute, time.Minute), queues: make(map[int64][]func())}
	d.idle = sync.NewCond(&d.mu)
	return d
}

// dispatch queues job for chat key; limited jobs count against the chat's
// rate limit.
func (d *dispatcher) dispatch(key int64, limited bool, job func()) {
	if limited {
		switch d.limiter.Check(strconv.FormatInt(key, 10)) {
		case limit.Drop:
			return
		case limit.Notify:
			job = func() { d.flooded(key) }
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	q, running := d.queues[key]
	d.queues[key] = append(q, job)
	if !running {
		go d.drain(key)
	}
}

func (d *dispatcher) drain(key int64) {
	defer func() {
		if p := recover(); p != nil { // the handlers recover their own; this is the last line of defence
			d.mu.Lock()
			delete(d.queues, key)
			d.idle.Broadcast()
			d.mu.Unlock()
		}
	}()
	for {
		d.mu.Lock()
		q := d.queues[key]
		if len(q) == 0 {
			delete(d.queues, key)
			d.idle.Broadcast()
			d.mu.Unlock()
			return
		}
		job := q[0]
		d.queues[key] = q[1:]
		d.mu.Unlock()
		job()
	}
}

// wait blocks until no chat has work queued or running.
func (d *dispatcher) wait() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for len(d.queues) > 0 {
		d.idle.Wait()
	}
}
