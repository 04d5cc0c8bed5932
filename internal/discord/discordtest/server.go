// Package discordtest is a fake Discord for tests, on loopback: the REST
// API over HTTP (/api/v9/…, "Authorization: Bot <token>", JSON, 429s with
// retry_after) and the gateway over a websocket (Hello op 10, Identify op
// 2, READY, heartbeats op 1/11, dispatches op 0, Resume op 6, close codes).
// It records what the bot sent and can drop connections and inject errors.
package discordtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// The fake bot's identity, as READY reports it.
const (
	BotID         = "900000000000000001"
	ApplicationID = "900000000000000002"
	BotName       = "cstbot"
)

// Request is one REST call the bot made.
type Request struct {
	Method, Path string
	Body         map[string]any
	At           time.Time
	Failed       bool // a fault was injected
}

// Fault is a failure for the next REST call whose path contains a string.
type Fault struct {
	Status     int     // e.g. 429 or 502
	RetryAfter float64 // with 429: seconds
}

// Server is a fake Discord. It is safe for concurrent use.
type Server struct {
	*httptest.Server
	Token string // without the "Bot " prefix

	// CloseOnIdentify, when set, closes the gateway with this code on
	// Identify, as Discord does for a bad token (4004) or disallowed
	// intents (4014).
	CloseOnIdentify int
	// HeartbeatInterval is what Hello asks for; default 41250 ms.
	HeartbeatInterval time.Duration

	mu         sync.Mutex
	cond       *sync.Cond
	requests   []Request
	faults     map[string][]Fault
	conn       *websocket.Conn
	connWrite  sync.Mutex
	seq        int
	sessionID  string
	identifies int
	resumes    int
	intents    int
	nextID     int64
	dispatched map[string]time.Time // event id -> when dispatched
}

// New starts a fake Discord that accepts token. Close it when done.
func New(token string) *Server {
	s := &Server{Token: token, faults: make(map[string][]Fault), nextID: 1_000_000, dispatched: make(map[string]time.Time)}
	s.cond = sync.NewCond(&s.mu)
	mux := http.NewServeMux()
	mux.HandleFunc("/gateway", s.gateway)
	mux.HandleFunc("/gateway/", s.gateway)
	mux.HandleFunc("/api/", s.rest)
	s.Server = httptest.NewServer(mux)
	return s
}

// Close stops the server, closing the gateway connection.
func (s *Server) Close() {
	s.mu.Lock()
	if s.conn != nil {
		s.conn.Close()
	}
	s.cond.Broadcast()
	s.mu.Unlock()
	s.Server.CloseClientConnections()
	s.Server.Close()
}

// Fail makes the next REST calls whose path contains pathPart fail.
func (s *Server) Fail(pathPart string, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[pathPart] = append(s.faults[pathPart], faults...)
}

// Requests returns the REST calls so far whose path contains pathPart.
func (s *Server) Requests(pathPart string) []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.requests {
		if strings.Contains(r.Path, pathPart) {
			out = append(out, r)
		}
	}
	return out
}

// Wait waits until at least n successful REST calls have a path
// containing pathPart, and returns them.
func (s *Server) Wait(pathPart string, n int, timeout time.Duration) ([]Request, error) {
	timer := time.AfterFunc(timeout, func() { s.mu.Lock(); s.cond.Broadcast(); s.mu.Unlock() })
	defer timer.Stop()
	deadline := time.Now().Add(timeout)
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		var out []Request
		for _, r := range s.requests {
			if !r.Failed && strings.Contains(r.Path, pathPart) {
				out = append(out, r)
			}
		}
		if len(out) >= n {
			return out, nil
		}
		if time.Now().After(deadline) {
			return out, fmt.Errorf("discordtest: %d calls to %q after %v, want %d", len(out), pathPart, timeout, n)
		}
		s.cond.Wait()
	}
}

// WaitReady waits until the bot has identified (n=1) or identified or
// resumed n times in all.
func (s *Server) WaitReady(n int, timeout time.Duration) error {
	timer := time.AfterFunc(timeout, func() { s.mu.Lock(); s.cond.Broadcast(); s.mu.Unlock() })
	defer timer.Stop()
	deadline := time.Now().Add(timeout)
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.identifies+s.resumes < n || s.conn == nil {
		if time.Now().After(deadline) {
			return fmt.Errorf("discordtest: %d identifies and %d resumes after %v, want %d", s.identifies, s.resumes, timeout, n)
		}
		s.cond.Wait()
	}
	return nil
}

// Sessions reports how many times the bot identified and resumed, and the
// intents it identified with.
func (s *Server) Sessions() (identifies, resumes, intents int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.identifies, s.resumes, s.intents
}

// DispatchedAt reports when the event with id was dispatched.
func (s *Server) DispatchedAt(id string) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dispatched[id]
}

func (s *Server) id() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	return strconv.FormatInt(s.nextID, 10)
}

// User is who sends a message in the fake.
type User struct {
	ID, Name string
	Bot      bool
}

func (u User) json() map[string]any {
	return map[string]any{"id": u.ID, "username": u.Name, "discriminator": "0", "bot": u.Bot}
}

// DM dispatches a direct message from u and returns its id.
func (s *Server) DM(u User, text string) string {
	return s.message(u, "dm-"+u.ID, "", text, nil, false)
}

// GuildMessage dispatches a message in a server channel. When mention is
// true the text should contain <@BotID>, and the bot is in mentions.
func (s *Server) GuildMessage(u User, channel, text string, mention, everyone bool) string {
	var mentions []any
	if mention {
		mentions = []any{map[string]any{"id": BotID, "username": BotName, "bot": true}}
	}
	return s.message(u, channel, "guild-1", text, mentions, everyone)
}

func (s *Server) message(u User, channel, guild, text string, mentions []any, everyone bool) string {
	id := s.id()
	m := map[string]any{
		"id": id, "channel_id": channel, "content": text, "author": u.json(),
		"timestamp": time.Now().Format(time.RFC3339), "mentions": mentions, "mention_everyone": everyone, "type": 0,
	}
	if guild != "" {
		m["guild_id"] = guild
		m["member"] = map[string]any{"roles": []any{}}
	}
	if mentions == nil {
		m["mentions"] = []any{}
	}
	s.Dispatch("MESSAGE_CREATE", m, id)
	return id
}

// Interaction dispatches an INTERACTION_CREATE of type kind (2 command,
// 3 component, 4 autocomplete) with data, from u in a guild channel, and
// returns its id.
func (s *Server) Interaction(u User, kind int, data map[string]any) string {
	id := s.id()
	s.Dispatch("INTERACTION_CREATE", map[string]any{
		"id": id, "application_id": ApplicationID, "type": kind, "data": data,
		"guild_id": "guild-1", "channel_id": "chan-1", "token": "itoken-" + id, "version": 1,
		"member": map[string]any{"user": u.json(), "roles": []any{}},
	}, id)
	return id
}

// Command dispatches a slash command with string options.
func (s *Server) Command(u User, name string, options map[string]string) string {
	var opts []any
	for k, v := range options {
		opts = append(opts, map[string]any{"name": k, "type": 3, "value": v})
	}
	return s.Interaction(u, 2, map[string]any{"id": "cmd-" + name, "name": name, "type": 1, "options": opts})
}

// Autocomplete dispatches an autocomplete request for option of command,
// typed so far as value.
func (s *Server) Autocomplete(u User, command, option, value string) string {
	return s.Interaction(u, 4, map[string]any{"id": "cmd-" + command, "name": command, "type": 1,
		"options": []any{map[string]any{"name": option, "type": 3, "value": value, "focused": true}}})
}

// Click dispatches a button click with customID, on a message of the bot's.
func (s *Server) Click(u User, customID string) string {
	id := s.id()
	s.Dispatch("INTERACTION_CREATE", map[string]any{
		"id": id, "application_id": ApplicationID, "type": 3, "data": map[string]any{"custom_id": customID, "component_type": 2},
		"guild_id": "guild-1", "channel_id": "chan-1", "token": "itoken-" + id, "version": 1,
		"member": map[string]any{"user": u.json(), "roles": []any{}},
		"message": map[string]any{"id": "msg-" + id, "channel_id": "chan-1", "content": "",
			"embeds": []any{map[string]any{"title": "An answer", "description": "…"}},
			"author": map[string]any{"id": BotID, "username": BotName, "bot": true}},
	}, id)
	return id
}

// Dispatch sends an op 0 event to the connected bot; id, if not empty,
// records when, for latency measurements.
func (s *Server) Dispatch(event string, data any, id string) {
	s.mu.Lock()
	s.seq++
	seq := s.seq
	conn := s.conn
	if id != "" {
		s.dispatched[id] = time.Now()
	}
	s.mu.Unlock()
	if conn == nil {
		return
	}
	s.write(conn, map[string]any{"op": 0, "t": event, "s": seq, "d": data})
}

// Drop closes the gateway connection abruptly, without a close frame.
func (s *Server) Drop() {
	s.mu.Lock()
	conn := s.conn
	s.conn = nil
	s.mu.Unlock()
	if conn != nil {
		conn.UnderlyingConn().Close()
	}
}

// CloseGateway closes the gateway connection with a close code. After
// 4007 (invalid sequence) or 4009 (session timed out) the session cannot
// be resumed, as on Discord: a Resume gets op 9 and the bot must identify.
func (s *Server) CloseGateway(code int, reason string) {
	s.mu.Lock()
	conn := s.conn
	s.conn = nil
	if code == 4007 || code == 4009 {
		s.sessionID = ""
	}
	s.mu.Unlock()
	if conn != nil {
		s.connWrite.Lock()
		conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(time.Second))
		s.connWrite.Unlock()
		conn.Close()
	}
}

func (s *Server) write(conn *websocket.Conn, v any) {
	s.connWrite.Lock()
	defer s.connWrite.Unlock()
	conn.WriteJSON(v)
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// gateway is the websocket: Hello, then Identify or Resume, then READY or
// RESUMED, then heartbeats until the connection ends.
func (s *Server) gateway(w http.ResponseWriter, r *http.Request) {
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer conn.Close()
	interval := s.HeartbeatInterval
	if interval == 0 {
		interval = 41250 * time.Millisecond
	}
	s.write(conn, map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": interval.Milliseconds()}})
	for {
		_, data, err := conn.ReadMessage()
		if err != nil {
			s.mu.Lock()
			if s.conn == conn {
				s.conn = nil
			}
			s.mu.Unlock()
			return
		}
		var p struct {
			Op int             `json:"op"`
			D  json.RawMessage `json:"d"`
		}
		if json.Unmarshal(data, &p) != nil {
			conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(4002, "Decode error"), time.Now().Add(time.Second))
			return
		}
		switch p.Op {
		case 1:
			s.write(conn, map[string]any{"op": 11})
		case 2:
			var id struct {
				Token   string `json:"token"`
				Intents int    `json:"intents"`
			}
			json.Unmarshal(p.D, &id)
			code := s.CloseOnIdentify
			if strings.TrimPrefix(id.Token, "Bot ") != s.Token {
				code = 4004
			}
			if code != 0 {
				reason := map[int]string{4004: "Authentication failed.", 4014: "Disallowed intent(s)."}[code]
				conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(time.Second))
				return
			}
			s.mu.Lock()
			s.identifies++
			s.intents = id.Intents
			s.sessionID = fmt.Sprintf("session-%d", s.identifies)
			s.seq = 1
			s.conn = conn
			session := s.sessionID
			s.cond.Broadcast()
			s.mu.Unlock()
			s.write(conn, map[string]any{"op": 0, "t": "READY", "s": 1, "d": map[string]any{
				"v": 9, "session_id": session, "resume_gateway_url": "ws://" + r.Host + "/gateway",
				"user":        map[string]any{"id": BotID, "username": BotName, "discriminator": "0", "bot": true},
				"application": map[string]any{"id": ApplicationID, "flags": 0},
				"guilds":      []any{}, "private_channels": []any{},
			}})
		case 6:
			var res struct {
				Token     string `json:"token"`
				SessionID string `json:"session_id"`
			}
			json.Unmarshal(p.D, &res)
			s.mu.Lock()
			valid := res.SessionID == s.sessionID && strings.TrimPrefix(res.Token, "Bot ") == s.Token
			if valid {
				s.resumes++
				s.conn = conn
				s.seq++
			}
			seq := s.seq
			s.cond.Broadcast()
			s.mu.Unlock()
			if !valid {
				s.write(conn, map[string]any{"op": 9, "d": false})
				continue
			}
			s.write(conn, map[string]any{"op": 0, "t": "RESUMED", "s": seq, "d": map[string]any{}})
		}
	}
}

// rest serves the REST API.
func (s *Server) rest(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/api/v9")
	body := map[string]any{}
	if data, _ := io.ReadAll(r.Body); len(data) > 0 {
		var v any
		if json.Unmarshal(data, &v) == nil {
			if m, ok := v.(map[string]any); ok {
				body = m
			} else {
				body = map[string]any{"": v}
			}
		}
	}
	if path != "/gateway" && r.Header.Get("Authorization") != "Bot "+s.Token {
		writeJSON(w, 401, map[string]any{"message": "401: Unauthorized", "code": 0})
		return
	}
	s.mu.Lock()
	var fault *Fault
	for part, fs := range s.faults {
		if len(fs) > 0 && strings.Contains(path, part) {
			fault = &fs[0]
			s.faults[part] = fs[1:]
			break
		}
	}
	s.requests = append(s.requests, Request{Method: r.Method, Path: path, Body: body, At: time.Now(), Failed: fault != nil})
	s.cond.Broadcast()
	s.mu.Unlock()
	if fault != nil {
		if fault.Status == 429 {
			w.Header().Set("Retry-After", strconv.Itoa(int(fault.RetryAfter+0.999)))
			writeJSON(w, 429, map[string]any{"message": "You are being rate limited.", "retry_after": fault.RetryAfter, "global": false})
			return
		}
		writeJSON(w, fault.Status, map[string]any{"message": http.StatusText(fault.Status), "code": 0})
		return
	}
	switch {
	case path == "/gateway" || path == "/gateway/bot":
		writeJSON(w, 200, map[string]any{"url": "ws://" + r.Host + "/gateway", "shards": 1})
	case strings.HasPrefix(path, "/channels/") && strings.HasSuffix(path, "/messages") && r.Method == http.MethodPost:
		channel := strings.TrimSuffix(strings.TrimPrefix(path, "/channels/"), "/messages")
		writeJSON(w, 200, map[string]any{"id": s.id(), "channel_id": channel, "content": body["content"], "embeds": body["embeds"],
			"author": map[string]any{"id": BotID, "username": BotName, "bot": true}, "timestamp": time.Now().Format(time.RFC3339)})
	case strings.HasPrefix(path, "/interactions/") && strings.HasSuffix(path, "/callback"):
		w.WriteHeader(http.StatusNoContent)
	case strings.HasPrefix(path, "/webhooks/") && r.Method == http.MethodPost: // interaction follow-ups
		writeJSON(w, 200, map[string]any{"id": s.id(), "channel_id": "chan-1", "content": body["content"],
			"author": map[string]any{"id": BotID, "username": BotName, "bot": true}, "timestamp": time.Now().Format(time.RFC3339)})
	case strings.Contains(path, "/commands") && r.Method == http.MethodPut:
		cmds, _ := body[""].([]any)
		out := make([]any, 0, len(cmds)) // new maps: body is recorded, and read by tests
		for i, c := range cmds {
			if m, ok := c.(map[string]any); ok {
				created := map[string]any{"id": fmt.Sprintf("cmd-%d", i), "application_id": ApplicationID}
				for k, v := range m {
					created[k] = v
				}
				out = append(out, created)
			}
		}
		writeJSON(w, 200, out)
	case strings.HasPrefix(path, "/users/@me"):
		writeJSON(w, 200, map[string]any{"id": BotID, "username": BotName, "bot": true})
	default:
		writeJSON(w, 404, map[string]any{"message": "404: Not Found", "code": 0})
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}
