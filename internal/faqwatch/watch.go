// Package faqwatch tells when the FAQ file has changed, so that the bot
// can reload it while it keeps answering. It watches the file's directory
// rather than the file: editors save by writing a new file and renaming it
// over the old one, and Kubernetes swaps a symlink, and a watch on the old
// file would see neither.
package faqwatch

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Debounce is how long the directory must be quiet before the file is
// read: an editor's save is several events.
const Debounce = 150 * time.Millisecond

// Watch calls changed with the file's new content each time it differs
// from what it was, until ctx is done. Changes that restore the content
// seen last are not reported. It returns an error only when the directory
// cannot be watched.
func Watch(ctx context.Context, path string, log *slog.Logger, changed func(data []byte)) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("faqwatch: %w", err)
	}
	defer w.Close()
	dir := filepath.Dir(path)
	if err := w.Add(dir); err != nil {
		return fmt.Errorf("faqwatch: watch %s: %w", dir, err)
	}
	last := hashOf(path)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			_ = ev // any change in the directory: the content decides
			timer.Reset(Debounce)
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			log.Warn("faqwatch: watch error", "err", err)
		case <-timer.C:
			data, err := os.ReadFile(path)
			if err != nil {
				if !os.IsNotExist(err) { // mid-rename the file may be missing for a moment
					log.Warn("faqwatch: cannot read the FAQ", "file", path, "err", err)
				}
				continue
			}
			if h := sha256.Sum256(data); h != last {
				last = h
				changed(data)
			}
		}
	}
}

func hashOf(path string) [32]byte {
	data, err := os.ReadFile(path)
	if err != nil {
		return [32]byte{}
	}
	return sha256.Sum256(data)
}
