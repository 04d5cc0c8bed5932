package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"
)

// healthcheck asks a running serve's /healthz and exits 0 when it is
// healthy: for Docker's HEALTHCHECK in an image with no shell or curl.
func (env environment) healthcheck(ctx context.Context, args []string) error {
	fs := env.flags("healthcheck")
	addr := fs.String("http-addr", env.getenv("CSTBOT_HTTP_ADDR"), "`address` serve's /healthz listens on (env CSTBOT_HTTP_ADDR)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *addr == "" {
		return usagef("healthcheck: CSTBOT_HTTP_ADDR is not set, so serve has no /healthz")
	}
	host, port, err := net.SplitHostPort(*addr)
	if err != nil {
		return usagef("healthcheck: CSTBOT_HTTP_ADDR %q is not an address like :8080", *addr)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/healthz", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	body := make([]byte, 512)
	n, _ := resp.Body.Read(body)
	fmt.Fprint(env.stdout, string(body[:n]))
	if resp.StatusCode != http.StatusOK {
		return silentError{code: 1}
	}
	return nil
}
