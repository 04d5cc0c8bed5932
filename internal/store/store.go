// Package store keeps, in a SQLite file, what the therapist needs to see
// where the FAQ falls short: the questions it could not answer (their
// text, when, on which platform, the nearest entry and its score), how
// often each entry was served, and the clients' 👍/👎 on answers. Never a
// user id, a name, a chat id or a username.
//
// It uses modernc.org/sqlite, in pure Go, so the binary stays static. The
// database is in WAL mode; one writer goroutine does every write, so any
// number of adapters may record at once, and replies never wait on the
// disk. Each write is its own transaction: a crash loses nothing
// committed.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" driver
)

// Question is a client's question the FAQ did not answer, or answered
// without being sure.
type Question struct {
	At       time.Time
	Platform string
	Text     string
	Kind     string  // "fallback", or "unsure" for a low-confidence answer
	BestID   string  // the nearest entry
	Score    float64 // its score
}

// Feedback is a client's rating of an answer.
type Feedback struct {
	At      time.Time
	EntryID string
	Up      bool
}

// Served is an answer given.
type Served struct {
	At       time.Time
	EntryID  string
	Platform string
}

// Store is an open database. Safe for concurrent use.
type Store struct {
	db     *sql.DB
	log    *slog.Logger
	writes chan func(*sql.DB) error
	done   chan struct{}
	mu     sync.RWMutex // guards closed: no write is queued after Close
	closed bool

	failing atomic.Bool  // the last write failed: logged once, until one succeeds
	dropped atomic.Int64 // records dropped because the queue was full
}

// QueueSize is how many records may wait for the writer.
const QueueSize = 4096

// Open opens (creating if needed) and migrates the database at path.
func Open(path string, log *slog.Logger) (*Store, error) {
	return open(path, log)
}

// open is Open with extra pragmas, for tests (query_only simulates a disk
// that refuses writes, which permissions cannot do for root).
func open(path string, log *slog.Logger, pragmas ...string) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	q := url.Values{}
	for _, p := range append([]string{"busy_timeout(5000)", "journal_mode(WAL)", "synchronous(NORMAL)", "foreign_keys(1)"}, pragmas...) {
		q.Add("_pragma", p)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(4)
	if err := migrate(context.Background(), db); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: %s: %w", path, err)
	}
	s := &Store{db: db, log: log, writes: make(chan func(*sql.DB) error, QueueSize), done: make(chan struct{})}
	go s.writer()
	return s, nil
}

// OpenReadOnly opens an existing database for reading, as 'cstbot report'
// does while serve writes to it.
func OpenReadOnly(path string) (*Store, error) {
	q := url.Values{}
	q.Add("mode", "ro")
	q.Add("_pragma", "busy_timeout(5000)")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	var v int
	if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: %s: %w", path, err)
	}
	if v == 0 {
		db.Close()
		return nil, fmt.Errorf("store: %s has no recorded questions yet (is CSTBOT_DATA right?)", path)
	}
	return &Store{db: db, done: make(chan struct{})}, nil
}

// Close writes what is queued and closes the database.
func (s *Store) Close() error {
	s.mu.Lock()
	wasClosed := s.closed
	s.closed = true
	s.mu.Unlock()
	if wasClosed {
		return nil
	}
	if s.writes != nil {
		close(s.writes)
		<-s.done
	}
	return s.db.Close()
}

// writer does every write, one transaction each, in the order queued.
func (s *Store) writer() {
	defer close(s.done)
	for w := range s.writes {
		if err := w(s.db); err != nil {
			if !s.failing.Swap(true) { // once, not for every message
				s.log.Error("store: cannot record; answering goes on, recording is lost until the disk is writable", "err", err)
			}
			continue
		}
		if s.failing.Swap(false) {
			s.log.Info("store: recording works again")
		}
	}
}

// enqueue queues a write without ever blocking a reply.
func (s *Store) enqueue(w func(*sql.DB) error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed || s.writes == nil { // after Close, or read-only: dropped
		return
	}
	select {
	case s.writes <- w:
	default:
		if s.dropped.Add(1) == 1 {
			s.log.Warn("store: the write queue is full; dropping records")
		}
	}
}

// RecordQuestion queues an unanswered question.
func (s *Store) RecordQuestion(q Question) {
	s.enqueue(func(db *sql.DB) error {
		_, err := db.Exec(`INSERT INTO questions (at, platform, text, kind, best_id, score) VALUES (?, ?, ?, ?, ?, ?)`,
			q.At.Unix(), q.Platform, q.Text, q.Kind, q.BestID, q.Score)
		return err
	})
}

// RecordFeedback queues a rating.
func (s *Store) RecordFeedback(f Feedback) {
	up := 0
	if f.Up {
		up = 1
	}
	s.enqueue(func(db *sql.DB) error {
		_, err := db.Exec(`INSERT INTO feedback (at, entry_id, up) VALUES (?, ?, ?)`, f.At.Unix(), f.EntryID, up)
		return err
	})
}

// RecordServed queues an answer given.
func (s *Store) RecordServed(v Served) {
	s.enqueue(func(db *sql.DB) error {
		_, err := db.Exec(`INSERT INTO served (at, entry_id, platform) VALUES (?, ?, ?)`, v.At.Unix(), v.EntryID, v.Platform)
		return err
	})
}

// Flush waits until everything queued so far is written.
func (s *Store) Flush() {
	done := make(chan struct{})
	s.enqueue(func(*sql.DB) error { close(done); return nil })
	select {
	case <-done:
	case <-time.After(10 * time.Second):
	}
}

// Purge deletes everything recorded before t, and reports how many rows.
func (s *Store) Purge(ctx context.Context, before time.Time) (int64, error) {
	var total int64
	for _, table := range []string{"questions", "feedback", "served"} {
		res, err := s.db.ExecContext(ctx, `DELETE FROM `+table+` WHERE at < ?`, before.Unix())
		if err != nil {
			return total, fmt.Errorf("store: purge %s: %w", table, err)
		}
		n, _ := res.RowsAffected()
		total += n
	}
	return total, nil
}

// Questions returns the questions recorded since t, oldest first.
func (s *Store) Questions(ctx context.Context, since time.Time) ([]Question, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT at, platform, text, kind, best_id, score FROM questions WHERE at >= ? ORDER BY at, id`, since.Unix())
	if err != nil {
		return nil, fmt.Errorf("store: questions: %w", err)
	}
	defer rows.Close()
	var out []Question
	for rows.Next() {
		var q Question
		var at int64
		if err := rows.Scan(&at, &q.Platform, &q.Text, &q.Kind, &q.BestID, &q.Score); err != nil {
			return nil, fmt.Errorf("store: questions: %w", err)
		}
		q.At = time.Unix(at, 0)
		out = append(out, q)
	}
	return out, rows.Err()
}

// EntryStat is how an entry fared since a time.
type EntryStat struct {
	ID       string
	Served   int
	Up, Down int
}

// EntryStats counts answers served and ratings per entry since t.
func (s *Store) EntryStats(ctx context.Context, since time.Time) ([]EntryStat, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT entry_id, SUM(served), SUM(up), SUM(down) FROM (
			SELECT entry_id, 1 AS served, 0 AS up, 0 AS down FROM served WHERE at >= ?1
			UNION ALL
			SELECT entry_id, 0, up, 1 - up FROM feedback WHERE at >= ?1
		) GROUP BY entry_id ORDER BY entry_id`, since.Unix())
	if err != nil {
		return nil, fmt.Errorf("store: entry stats: %w", err)
	}
	defer rows.Close()
	var out []EntryStat
	for rows.Next() {
		var e EntryStat
		if err := rows.Scan(&e.ID, &e.Served, &e.Up, &e.Down); err != nil {
			return nil, fmt.Errorf("store: entry stats: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
