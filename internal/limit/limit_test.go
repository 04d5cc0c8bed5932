package limit

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	clock := time.Unix(0, 0)
	l := New(3, time.Minute)
	l.now = func() time.Time { return clock }
	want := []Verdict{Allow, Allow, Allow, Notify, Drop, Drop}
	for i, w := range want {
		if got := l.Check("a"); got != w {
			t.Errorf("event %d: %v, want %v", i+1, got, w)
		}
	}
	if got := l.Check("b"); got != Allow {
		t.Errorf("another key: %v, want Allow", got)
	}
	clock = clock.Add(61 * time.Second)
	if got := l.Check("a"); got != Allow {
		t.Errorf("after the window: %v, want Allow", got)
	}
	clock = clock.Add(2 * time.Minute)
	l.Check("c")
	if n := l.Len(); n != 1 {
		t.Errorf("%d keys remembered after they went quiet, want 1", n)
	}
}
