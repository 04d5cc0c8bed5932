package status

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHealthz(t *testing.T) {
	up := true
	h := Handler([]Check{{Name: "telegram not connected", OK: func() bool { return up }}, {Name: "always", OK: func() bool { return true }}},
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "metrics") }))
	get := func(path string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec.Code, rec.Body.String()
	}
	if code, body := get("/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("healthy: %d %q", code, body)
	}
	up = false
	if code, body := get("/healthz"); code != 503 || !strings.Contains(body, "telegram not connected") || strings.Contains(body, "always") {
		t.Errorf("unhealthy: %d %q", code, body)
	}
	if code, body := get("/metrics"); code != 200 || body != "metrics" {
		t.Errorf("/metrics: %d %q", code, body)
	}
}
