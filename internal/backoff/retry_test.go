package backoff

import (
	"context"
	"errors"
	"testing"
	"time"
)

var (
	errTransient = errors.New("502")
	errFinal     = errors.New("403")
	errSlowDown  = errors.New("429")
)

func classify(err error) (bool, time.Duration) {
	switch err {
	case errFinal:
		return true, 0
	case errSlowDown:
		return false, 5 * time.Millisecond
	}
	return false, 0
}

func TestRetry(t *testing.T) {
	p := Policy{Tries: 4, Max: time.Millisecond, MaxRetryAfter: time.Second, Classify: classify}
	tests := []struct {
		name      string
		fails     []error // what the tries return, in turn; then success
		wantErr   error
		wantTries int
	}{
		{"first try", nil, nil, 1},
		{"transient then success", []error{errTransient, errSlowDown}, nil, 3},
		{"final at once", []error{errFinal}, errFinal, 1},
		{"gives up after Tries", []error{errTransient, errTransient, errTransient, errTransient, errTransient}, errTransient, 4},
	}
	for _, tt := range tests {
		tries, retried := 0, 0
		q := p
		q.OnRetry = func(error, time.Duration) { retried++ }
		err := Retry(context.Background(), q, func() error {
			tries++
			if tries <= len(tt.fails) {
				return tt.fails[tries-1]
			}
			return nil
		})
		if err != tt.wantErr || tries != tt.wantTries || retried != tries-1 && err == nil {
			t.Errorf("%s: err %v after %d tries (%d retries), want %v after %d", tt.name, err, tries, retried, tt.wantErr, tt.wantTries)
		}
	}
	// A wait longer than MaxRetryAfter is not waited.
	q := p
	q.MaxRetryAfter = time.Millisecond
	tries := 0
	start := time.Now()
	if err := Retry(context.Background(), q, func() error { tries++; return errSlowDown }); err != errSlowDown || tries != 1 || time.Since(start) > time.Second {
		t.Errorf("a 429 asking for too long: %v after %d tries", err, tries)
	}
	// A cancelled context ends the waiting.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tries = 0
	q = p
	q.Max = time.Hour
	if err := Retry(ctx, q, func() error { tries++; return errTransient }); err != errTransient || tries != 1 {
		t.Errorf("cancelled: %v after %d tries", err, tries)
	}
}
