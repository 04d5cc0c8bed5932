package store

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations bring the schema from version i to i+1; the database's
// PRAGMA user_version is how many have been applied. Append, never edit.
var migrations = []string{
	// 1: the questions the FAQ could not answer, and ratings of answers.
	`CREATE TABLE questions (
		id       INTEGER PRIMARY KEY,
		at       INTEGER NOT NULL, -- unix seconds
		platform TEXT NOT NULL,
		text     TEXT NOT NULL,
		best_id  TEXT NOT NULL DEFAULT '',
		score    REAL NOT NULL DEFAULT 0
	);
	CREATE TABLE feedback (
		id       INTEGER PRIMARY KEY,
		at       INTEGER NOT NULL,
		entry_id TEXT NOT NULL,
		up       INTEGER NOT NULL -- 1 for 👍, 0 for 👎
	);`,
	// 2: answers served, the kind of a recorded question, and indexes for
	// the report and the retention purge.
	`CREATE TABLE served (
		id       INTEGER PRIMARY KEY,
		at       INTEGER NOT NULL,
		entry_id TEXT NOT NULL,
		platform TEXT NOT NULL
	);
	ALTER TABLE questions ADD COLUMN kind TEXT NOT NULL DEFAULT 'fallback';
	CREATE INDEX questions_at ON questions (at);
	CREATE INDEX feedback_at ON feedback (at);
	CREATE INDEX served_at ON served (at);`,
}

// SchemaVersion is the version Open migrates to.
var SchemaVersion = len(migrations)

// migrate applies the migrations the database lacks, each in a
// transaction with its version bump.
func migrate(ctx context.Context, db *sql.DB) error {
	var v int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if v > len(migrations) {
		return fmt.Errorf("schema version %d is newer than this cstbot knows (%d): use a newer cstbot", v, len(migrations))
	}
	for ; v < len(migrations); v++ {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("migrate to %d: %w", v+1, err)
		}
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate to %d: %w", v+1, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate to %d: %w", v+1, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migrate to %d: %w", v+1, err)
		}
	}
	return nil
}
