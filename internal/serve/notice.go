package serve

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"cstbot/internal/bot"
	"cstbot/internal/telegram"
)

// notices tells the therapist of each question the FAQ could not answer,
// with buttons for the two entries nearest it: her tap teaches that entry
// the question (Learn, as 'cstbot faq learn' does). Where the FAQ file
// cannot be written, the notice says how to allow it instead.
type notices struct {
	tg      *telegram.Adapter
	chat    int64
	live    *bot.Live
	meaning *bot.Meaning
	path    string // the FAQ file; "" for the built-in one

	mu      sync.Mutex
	next    int
	pending map[int]string // notice number -> the question, for the buttons
}

// maxPending bounds the questions kept for notice buttons: older buttons
// say they expired.
const maxPending = 200

func (n *notices) notify(platform, text string) {
	msg := "A question the FAQ could not answer (" + platform + "):\n\n" + text
	if !Writable(n.path) {
		msg += "\n\n(To teach the bot from here, the FAQ file must be writable by the bot: see README, \"Teaching the bot a missed question\".)"
		n.tg.Notify(n.chat, msg)
		return
	}
	r := n.live.Bot().Respond(context.Background(), bot.Text("notice", text)) // not recorded
	n.mu.Lock()
	if n.pending == nil {
		n.pending = make(map[int]string)
	}
	n.next++
	id := n.next
	n.pending[id] = text
	delete(n.pending, id-maxPending)
	n.mu.Unlock()
	var buttons []telegram.Button
	for _, s := range r.Suggestions {
		if len(buttons) == 2 {
			break
		}
		buttons = append(buttons, telegram.Button{Text: "Teach: " + s.Question, Data: strconv.Itoa(id) + ":" + s.ID})
	}
	n.tg.Notify(n.chat, msg, buttons...)
}

// tap teaches the question of a notice to the entry its button names.
func (n *notices) tap(_ context.Context, data string) string {
	num, id, ok := strings.Cut(data, ":")
	k, err := strconv.Atoi(num)
	n.mu.Lock()
	q, found := n.pending[k]
	if found {
		delete(n.pending, k)
	}
	n.mu.Unlock()
	if !ok || err != nil || !found {
		return "This button has expired or was used already."
	}
	said, err := Learn(n.path, n.meaning, id, []string{q}, true) // her choice: no collision check
	if err != nil {
		return "Not added: " + err.Error()
	}
	return fmt.Sprint(said, " The bot reloads it in a moment.")
}
