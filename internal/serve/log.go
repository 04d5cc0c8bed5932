package serve

import (
	"fmt"
	"io"
	"log/slog"
	"strings"

	"cstbot/internal/redact"
)

// NewLogger builds the one logger: text on a terminal, JSON otherwise
// (format "text" or "json" overrides), at level ("debug", "info", "warn",
// "error"; default info). Every attribute and message is scrubbed of the
// secrets, in this one place. It touches no global: main makes it slog's
// default, so that libraries' own log lines pass through it too. A nil w
// only checks the settings.
func NewLogger(w io.Writer, format, level string, terminal bool, secrets []string) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(strings.ToUpper(orDefault(level, "info")))); err != nil {
		return nil, fmt.Errorf("log level %q: want debug, info, warn or error", level)
	}
	red := redact.New(secrets...)
	redact := red.String
	opts := &slog.HandlerOptions{Level: lvl, ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		switch a.Value.Kind() {
		case slog.KindString:
			if s := a.Value.String(); redact(s) != s {
				return slog.String(a.Key, redact(s))
			}
		case slog.KindAny:
			if err, ok := a.Value.Any().(error); ok {
				return slog.String(a.Key, redact(err.Error()))
			}
			if s := fmt.Sprint(a.Value.Any()); redact(s) != s {
				return slog.String(a.Key, redact(s))
			}
		}
		return a
	}}
	if w == nil {
		w = io.Discard
	}
	var h slog.Handler
	switch strings.ToLower(format) {
	case "text":
		h = slog.NewTextHandler(w, opts)
	case "json":
		h = slog.NewJSONHandler(w, opts)
	case "":
		if terminal {
			h = slog.NewTextHandler(w, opts)
		} else {
			h = slog.NewJSONHandler(w, opts)
		}
	default:
		return nil, fmt.Errorf("log format %q: want text or json", format)
	}
	return slog.New(h), nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
