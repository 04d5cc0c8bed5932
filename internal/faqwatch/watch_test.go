package faqwatch

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestWatch(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "faq.yaml")
	os.WriteFile(path, []byte("one"), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan string, 10)
	done := make(chan error, 1)
	go func() { done <- Watch(ctx, path, nil, func(b []byte) { got <- string(b) }) }()
	time.Sleep(50 * time.Millisecond)

	expect := func(want string) {
		t.Helper()
		select {
		case g := <-got:
			if g != want {
				t.Errorf("changed(%q), want %q", g, want)
			}
		case <-time.After(3 * time.Second):
			t.Fatalf("no change reported, want %q", want)
		}
	}
	os.WriteFile(path, []byte("two"), 0o644) // in place
	expect("two")
	tmp := filepath.Join(dir, "faq.yaml.tmp") // rename over it, as editors do
	os.WriteFile(tmp, []byte("three"), 0o644)
	os.Rename(tmp, path)
	expect("three")
	os.WriteFile(path, []byte("three"), 0o644) // same content: not a change
	os.WriteFile(filepath.Join(dir, "other.txt"), []byte("x"), 0o644)
	select {
	case g := <-got:
		t.Errorf("reported %q for no change to the FAQ", g)
	case <-time.After(500 * time.Millisecond):
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Watch = %v", err)
	}
}

func TestWatchMissingDirectory(t *testing.T) {
	err := Watch(context.Background(), "/nonexistent/dir/faq.yaml", nil, func([]byte) {})
	if err == nil {
		t.Error("watching a missing directory did not fail")
	}
}
