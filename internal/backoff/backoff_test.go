package backoff

import (
	"context"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	b := New(2 * time.Second)
	var caps []time.Duration
	for range 5 {
		caps = append(caps, b.Peek())
		if d := b.Next(); d < caps[len(caps)-1]/2 || d > caps[len(caps)-1] {
			t.Errorf("wait %v outside [%v, %v]", d, caps[len(caps)-1]/2, caps[len(caps)-1])
		}
	}
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 2 * time.Second, 2 * time.Second}
	for i := range want {
		if caps[i] != want[i] {
			t.Errorf("wait %d capped at %v, want %v", i, caps[i], want[i])
		}
	}
	b.Reset()
	if b.Peek() != First {
		t.Errorf("after Reset: %v", b.Peek())
	}
}

func TestSleepIsCut(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	began := time.Now()
	if Sleep(ctx, time.Hour) {
		t.Error("Sleep waited on a done context")
	}
	if time.Since(began) > time.Second {
		t.Error("Sleep was not cut short")
	}
	if !Sleep(context.Background(), time.Millisecond) {
		t.Error("Sleep did not wait")
	}
}
