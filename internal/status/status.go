// Package status serves the bot's health and metrics over HTTP, for
// Docker's HEALTHCHECK, Kubernetes probes and Prometheus.
package status

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
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

// Probe asks the /healthz of a serve listening on addr (":8080" means
// this host) and returns what it said and whether it is healthy.
func Probe(ctx context.Context, addr string) (string, bool, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", false, fmt.Errorf("%q is not an address like :8080", addr)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/healthz", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", false, err
	}
	defer resp.Body.Close()
	body := make([]byte, 512)
	n, _ := resp.Body.Read(body)
	return string(body[:n]), resp.StatusCode == http.StatusOK, nil
}
