// Package status serves the bot's health and metrics over HTTP, for
// Docker's HEALTHCHECK, Kubernetes probes and Prometheus.
package status

import (
	"fmt"
	"net/http"
	"strings"
)

// Check reports whether one part of the bot is working, and if not, why.
type Check struct {
	Name string
	OK   func() bool
}

// Handler serves /healthz (200 "ok" when every check passes, else 503
// naming those that fail) and /metrics (the given handler).
func Handler(checks []Check, metrics http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		var failing []string
		for _, c := range checks {
			if !c.OK() {
				failing = append(failing, c.Name)
			}
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if len(failing) > 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintf(w, "unhealthy: %s\n", strings.Join(failing, ", "))
			return
		}
		fmt.Fprintln(w, "ok")
	})
	if metrics != nil {
		mux.Handle("GET /metrics", metrics)
	}
	return mux
}
