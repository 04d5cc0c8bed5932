// Package telegramtest is a fake Telegram Bot API server for tests: it
// speaks the real protocol (POST /bot<token>/<method> with a JSON body,
// {"ok":…,"result":…} replies, long-polled getUpdates, webhooks) on
// loopback, records what the bot sent, and can inject the failures the real
// one has (429 with retry_after, 5xx, dropped connections).
package telegramtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// BotID and BotUsername are the fake bot's identity, as getMe reports it.
const (
	BotID       = 777000
	BotUsername = "cst_test_bot"
)

// Call is one request the bot made.
type Call struct {
	Method string
	Params map[string]any // the JSON body; telebot sends most values as strings
	At     time.Time
	Path   string // the URL path, token included
	Failed bool   // a fault was injected: the call did not take effect
}

// String returns a parameter as text, whether it was sent as a string or a number.
func (c Call) String(key string) string {
	switch v := c.Params[key].(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case nil:
		return ""
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

// Fault is a failure to inject into the next call of a method.
type Fault struct {
	Status     int    // HTTP status, e.g. 429 or 502
	RetryAfter int    // with 429: seconds, in parameters.retry_after
	Body       string // a raw body instead of the JSON error (e.g. an HTML 502 page)
	Drop       bool   // close the connection without a response
}

// Server is a fake Bot API. It is safe for concurrent use.
type Server struct {
	*httptest.Server
	Token string

	mu       sync.Mutex
	cond     *sync.Cond
	updates  []json.RawMessage // pending, by update_id order
	nextUpd  int
	nextMsg  int
	calls    []Call
	sent     map[string][]Call // delivered sendMessage calls by chat_id
	faults   map[string][]Fault
	pushedAt map[int]time.Time // update_id -> when it was queued
	webhook  struct {
		url, secret string
	}
	closed bool
}

// New starts a fake Bot API for token on loopback. Close it when done.
func New(token string) *Server {
	s := &Server{Token: token, faults: make(map[string][]Fault), sent: make(map[string][]Call), pushedAt: make(map[int]time.Time), nextUpd: 1, nextMsg: 1000}
	s.cond = sync.NewCond(&s.mu)
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Close stops the server and wakes any waiting getUpdates.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	s.cond.Broadcast()
	s.mu.Unlock()
	s.Server.CloseClientConnections()
	s.Server.Close()
}

// Fail makes the next calls of method fail, one fault per call, in order.
func (s *Server) Fail(method string, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[method] = append(s.faults[method], faults...)
}

// Calls returns the calls made so far of the given methods (all when none).
func (s *Server) Calls(methods ...string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if len(methods) == 0 || contains(methods, c.Method) {
			out = append(out, c)
		}
	}
	return out
}

// Sent returns the messages delivered so far (sendMessage calls that did
// not fail), to chatID (all when 0).
func (s *Server) Sent(chatID int64) []Call {
	var out []Call
	for _, c := range s.Calls("sendMessage") {
		if !c.Failed && (chatID == 0 || c.String("chat_id") == strconv.FormatInt(chatID, 10)) {
			out = append(out, c)
		}
	}
	return out
}

// WaitSent waits until at least n messages were delivered to chatID (any
// chat when 0) and returns them; it gives up after timeout.
func (s *Server) WaitSent(chatID int64, n int, timeout time.Duration) ([]Call, error) {
	deadline := time.Now().Add(timeout)
	timer := time.AfterFunc(timeout, func() {
		s.mu.Lock()
		s.cond.Broadcast()
		s.mu.Unlock()
	})
	defer timer.Stop()
	key := strconv.FormatInt(chatID, 10)
	if chatID == 0 {
		key = ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		sent := s.sent[key]
		if len(sent) >= n {
			return append([]Call(nil), sent...), nil
		}
		if time.Now().After(deadline) || s.closed {
			return sent, fmt.Errorf("telegramtest: %d messages to chat %d after %v, want %d", len(sent), chatID, timeout, n)
		}
		s.cond.Wait()
	}
}

// WaitCalls waits until there are at least n calls of method, and returns
// them; it gives up after timeout.
func (s *Server) WaitCalls(method string, n int, timeout time.Duration) ([]Call, error) {
	deadline := time.Now().Add(timeout)
	for {
		calls := s.Calls(method)
		if len(calls) >= n {
			return calls, nil
		}
		if time.Now().After(deadline) {
			return calls, fmt.Errorf("telegramtest: %d %s calls after %v, want %d", len(calls), method, timeout, n)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// PushedAt reports when update id was queued.
func (s *Server) PushedAt(id int) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pushedAt[id]
}

// User is who sends a message in the fake.
type User struct {
	ID        int64
	FirstName string
}

// Text queues a private text message from u and returns its update_id.
func (s *Server) Text(u User, text string) int {
	return s.push("message", s.message(u, map[string]any{"id": u.ID, "type": "private", "first_name": u.FirstName}, text, nil))
}

// GroupText queues a message in group chat chatID. Mentions of
// @BotUsername in text are marked as mention entities, as Telegram does.
func (s *Server) GroupText(u User, chatID int64, text string, replyToBot bool) int {
	m := s.message(u, map[string]any{"id": chatID, "type": "supergroup", "title": "Clients"}, text, nil)
	if i := strings.Index(text, "@"+BotUsername); i >= 0 {
		m["entities"] = []any{map[string]any{"type": "mention", "offset": utf16Len(text[:i]), "length": utf16Len("@" + BotUsername)}}
	}
	if strings.HasPrefix(text, "/") {
		cmd, _, _ := strings.Cut(text, " ")
		m["entities"] = []any{map[string]any{"type": "bot_command", "offset": 0, "length": utf16Len(cmd)}}
	}
	if replyToBot {
		m["reply_to_message"] = map[string]any{"message_id": 1, "date": time.Now().Unix(), "text": "an earlier answer",
			"chat": map[string]any{"id": chatID, "type": "supergroup"}, "from": map[string]any{"id": BotID, "is_bot": true, "first_name": "FAQ Bot", "username": BotUsername}}
	}
	return s.push("message", m)
}

// Command queues a private /command from u, with its bot_command entity.
func (s *Server) Command(u User, text string) int {
	cmd, _, _ := strings.Cut(text, " ")
	ents := []any{map[string]any{"type": "bot_command", "offset": 0, "length": utf16Len(cmd)}}
	return s.push("message", s.message(u, map[string]any{"id": u.ID, "type": "private"}, text, ents))
}

// Tap queues a tap by u on an inline button with callback data, under a
// message the bot sent in u's private chat.
func (s *Server) Tap(u User, data string) int {
	s.mu.Lock()
	id := fmt.Sprintf("cb%d", s.nextUpd)
	s.mu.Unlock()
	return s.push("callback_query", map[string]any{
		"id": id, "from": map[string]any{"id": u.ID, "is_bot": false, "first_name": u.FirstName},
		"message": map[string]any{"message_id": 5, "date": time.Now().Unix(), "text": "buttons",
			"chat": map[string]any{"id": u.ID, "type": "private"}},
		"chat_instance": "ci", "data": data,
	})
}

// Inline queues an inline query ("@bot how many") from u.
func (s *Server) Inline(u User, query string) int {
	s.mu.Lock()
	id := fmt.Sprintf("iq%d", s.nextUpd)
	s.mu.Unlock()
	return s.push("inline_query", map[string]any{
		"id": id, "from": map[string]any{"id": u.ID, "is_bot": false, "first_name": u.FirstName},
		"query": query, "offset": "",
	})
}

// Raw queues an update of kind with the given body, for kinds the helpers
// above do not make.
func (s *Server) Raw(kind string, body map[string]any) int { return s.push(kind, body) }

func (s *Server) message(u User, chat map[string]any, text string, entities []any) map[string]any {
	s.mu.Lock()
	s.nextMsg++
	id := s.nextMsg
	s.mu.Unlock()
	m := map[string]any{
		"message_id": id, "date": time.Now().Unix(), "text": text, "chat": chat,
		"from": map[string]any{"id": u.ID, "is_bot": false, "first_name": u.FirstName},
	}
	if entities != nil {
		m["entities"] = entities
	}
	return m
}

func (s *Server) push(kind string, body map[string]any) int {
	s.mu.Lock()
	id := s.nextUpd
	s.nextUpd++
	raw, _ := json.Marshal(map[string]any{"update_id": id, kind: body})
	s.pushedAt[id] = time.Now()
	hook := s.webhook
	if hook.url == "" {
		s.updates = append(s.updates, raw)
		s.cond.Broadcast()
	}
	s.mu.Unlock()
	if hook.url != "" {
		go s.deliver(hook.url, hook.secret, raw)
	}
	return id
}

// deliver posts an update to the webhook, as Telegram does.
func (s *Server) deliver(url, secret string, raw []byte) {
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}
}

// Webhook returns the webhook URL and secret the bot set, if any.
func (s *Server) Webhook() (url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook.url, s.webhook.secret
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/bot")
	token, method, ok := strings.Cut(path, "/")
	if !ok || r.Method != http.MethodPost && r.Method != http.MethodGet {
		http.NotFound(w, r)
		return
	}
	params := map[string]any{}
	if r.Body != nil {
		var buf bytes.Buffer
		buf.ReadFrom(r.Body)
		if buf.Len() > 0 {
			if err := json.Unmarshal(buf.Bytes(), &params); err != nil && strings.TrimSpace(buf.String()) != "null" {
				writeErr(w, 400, "Bad Request: can't parse JSON")
				return
			}
		}
		if params == nil {
			params = map[string]any{}
		}
	}
	if token != s.Token {
		writeErr(w, http.StatusUnauthorized, "Unauthorized")
		return
	}
	s.mu.Lock()
	var fault *Fault
	if fs := s.faults[method]; len(fs) > 0 {
		fault = &fs[0]
		s.faults[method] = fs[1:]
	}
	call := Call{Method: method, Params: params, At: time.Now(), Path: r.URL.Path, Failed: fault != nil}
	s.calls = append(s.calls, call)
	if method == "sendMessage" && fault == nil {
		chat := call.String("chat_id")
		s.sent[chat] = append(s.sent[chat], call)
		s.sent[""] = append(s.sent[""], call)
	}
	s.cond.Broadcast() // wake WaitSent and long polls (which go back to sleep)
	s.mu.Unlock()
	if fault != nil {
		switch {
		case fault.Drop:
			if hj, ok := w.(http.Hijacker); ok {
				conn, _, err := hj.Hijack()
				if err == nil {
					conn.Close()
					return
				}
			}
			panic(http.ErrAbortHandler)
		case fault.Body != "":
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(fault.Status)
			fmt.Fprint(w, fault.Body)
			return
		case fault.Status == http.StatusTooManyRequests:
			writeJSON(w, 429, map[string]any{"ok": false, "error_code": 429,
				"description": fmt.Sprintf("Too Many Requests: retry after %d", fault.RetryAfter),
				"parameters":  map[string]any{"retry_after": fault.RetryAfter}})
			return
		default:
			writeErr(w, fault.Status, http.StatusText(fault.Status))
			return
		}
	}
	s.method(w, r, method, Call{Method: method, Params: params})
}

func (s *Server) method(w http.ResponseWriter, r *http.Request, method string, c Call) {
	switch method {
	case "getMe":
		ok(w, map[string]any{"id": BotID, "is_bot": true, "first_name": "FAQ Bot", "username": BotUsername, "supports_inline_queries": true})
	case "getUpdates":
		s.getUpdates(w, r, c)
	case "sendMessage":
		chatID, err := strconv.ParseInt(c.String("chat_id"), 10, 64)
		if err != nil {
			writeErr(w, 400, "Bad Request: chat not found")
			return
		}
		if n := utf16Len(c.String("text")); n == 0 || n > 4096 {
			writeErr(w, 400, "Bad Request: message text is empty or too long")
			return
		}
		s.mu.Lock()
		s.nextMsg++
		id := s.nextMsg
		s.mu.Unlock()
		ok(w, map[string]any{"message_id": id, "date": time.Now().Unix(), "text": c.String("text"),
			"chat": map[string]any{"id": chatID, "type": "private"},
			"from": map[string]any{"id": BotID, "is_bot": true, "first_name": "FAQ Bot", "username": BotUsername}})
	case "setWebhook":
		s.mu.Lock()
		s.webhook.url, s.webhook.secret = c.String("url"), c.String("secret_token")
		s.mu.Unlock()
		ok(w, true)
	case "deleteWebhook":
		s.mu.Lock()
		s.webhook.url, s.webhook.secret = "", ""
		s.mu.Unlock()
		ok(w, true)
	case "editMessageReplyMarkup", "editMessageText":
		ok(w, map[string]any{"message_id": 5, "date": time.Now().Unix(), "chat": map[string]any{"id": 1, "type": "private"}})
	case "answerCallbackQuery", "answerInlineQuery", "setMyCommands", "sendChatAction", "deleteMyCommands":
		ok(w, true)
	default:
		writeErr(w, 404, "Not Found: method not found")
	}
}

// getUpdates returns pending updates from offset, waiting up to timeout
// seconds for one when there are none, like the real long poll.
func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, c Call) {
	offset, _ := strconv.Atoi(c.String("offset"))
	timeout, _ := strconv.Atoi(c.String("timeout"))
	deadline := time.Now().Add(time.Duration(timeout) * time.Second)
	stop := make(chan struct{})
	defer close(stop)
	go func() { // wake the wait when the client goes away or time is up
		select {
		case <-r.Context().Done():
		case <-time.After(time.Until(deadline)):
		case <-stop:
			return
		}
		s.mu.Lock()
		s.cond.Broadcast()
		s.mu.Unlock()
	}()
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		// Confirm (drop) updates below offset, as Telegram does.
		for len(s.updates) > 0 && updateID(s.updates[0]) < offset {
			s.updates = s.updates[1:]
		}
		if len(s.updates) > 0 || s.closed || time.Now().After(deadline) || r.Context().Err() != nil {
			break
		}
		s.cond.Wait()
	}
	out := make([]json.RawMessage, len(s.updates))
	copy(out, s.updates)
	if len(out) > 100 {
		out = out[:100]
	}
	ok(w, out)
}

func updateID(raw json.RawMessage) int {
	var u struct {
		ID int `json:"update_id"`
	}
	json.Unmarshal(raw, &u)
	return u.ID
}

func ok(w http.ResponseWriter, result any) {
	writeJSON(w, 200, map[string]any{"ok": true, "result": result})
}

func writeErr(w http.ResponseWriter, code int, desc string) {
	writeJSON(w, code, map[string]any{"ok": false, "error_code": code, "description": desc})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// utf16Len is a text's length as Telegram counts it.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
