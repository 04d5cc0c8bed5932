package serve

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"cstbot/internal/bot"
	"cstbot/internal/faq"
	"cstbot/internal/faqwatch"
	"cstbot/internal/metrics"
)

// reloader reloads the FAQ file into the Live bot: for file changes,
// SIGHUP and /reload. A valid FAQ is swapped in for the next message; an
// invalid one is logged with its lines and the previous one stays. The new
// bot is built before the swap, so answering never waits for a reload.
type reloader struct {
	path    string
	live    *bot.Live
	log     *slog.Logger
	m       *metrics.Metrics
	meaning *bot.Meaning
	mu      sync.Mutex
	loaded  []byte // the content in service, to skip reloads that change nothing
}

// reload reads the file (or uses data) and reports what happened, in a
// sentence for the admin who asked.
func (r *reloader) reload(trigger string, data []byte) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.path == "" {
		return "The bot uses its built-in FAQ; there is no file to reload (set CSTBOT_FAQ)."
	}
	var f *faq.FAQ
	var err error
	if data == nil {
		f, err = readFAQ(r.path)
	} else {
		f, err = faq.Parse(r.path, data)
	}
	if err != nil {
		r.m.Reloaded(false, 0)
		r.log.Error("FAQ reload failed; still answering with the previous FAQ", "trigger", trigger, "file", r.path, "problems", err.Error())
		return "The FAQ was NOT reloaded; the previous version is still answering. Problems:\n" + err.Error()
	}
	if data != nil && bytes.Equal(data, r.loaded) {
		return fmt.Sprintf("The FAQ is unchanged (%d entries).", len(f.Entries))
	}
	r.live.Swap(bot.New(f, r.meaning))
	r.loaded = data
	r.m.Reloaded(true, len(f.Entries))
	r.log.Info("FAQ reloaded", "trigger", trigger, "file", r.path, "entries", len(f.Entries))
	return fmt.Sprintf("FAQ reloaded: %d entries are in service.", len(f.Entries))
}

// readFAQ reads and validates an FAQ file.
func readFAQ(path string) (*faq.FAQ, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return faq.Parse(path, data)
}

// watch reloads the FAQ when its file changes or on SIGHUP.
func (r *reloader) watch(ctx context.Context) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				r.reload("SIGHUP", nil)
			}
		}
	}()
	if err := faqwatch.Watch(ctx, r.path, r.log, func(data []byte) { r.reload("file changed", data) }); err != nil {
		r.log.Warn("not watching the FAQ file; SIGHUP still reloads it", "err", err)
		<-ctx.Done()
	}
}
