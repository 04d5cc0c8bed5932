// Package metrics counts what the bot does, in Prometheus' format: replies
// delivered by platform and kind, sends that failed, reply latency, FAQ reloads, send retries and
// platform reconnects, plus the Go runtime's and the process's own.
package metrics

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"cstbot/internal/bot"
)

// Metrics holds the bot's counters in a registry of its own. Safe for
// concurrent use.
type Metrics struct {
	reg        *prometheus.Registry
	replies    *prometheus.CounterVec
	failures   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	reloads    *prometheus.CounterVec
	retries    *prometheus.CounterVec
	reconnects *prometheus.CounterVec
	entries    prometheus.Gauge
}

// New creates the metrics.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		replies: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cstbot_replies_total", Help: "Replies delivered, by platform and kind (answer, fallback, greeting, thanks, help, urgent).",
		}, []string{"platform", "kind"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cstbot_send_failures_total", Help: "Replies that could not be sent after their retries, by platform.",
		}, []string{"platform"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "cstbot_reply_duration_seconds", Help: "Time to compose a reply, by platform.",
			Buckets: []float64{5e-6, 10e-6, 25e-6, 50e-6, 100e-6, 250e-6, 1e-3, 5e-3, 25e-3},
		}, []string{"platform"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cstbot_faq_reloads_total", Help: "FAQ reloads, by result (ok, failed).",
		}, []string{"result"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cstbot_send_retries_total", Help: "Platform API calls tried again (429s, 5xx, dropped connections), by platform.",
		}, []string{"platform"}),
		reconnects: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cstbot_platform_reconnects_total", Help: "Connections to a platform restored after a failure, by platform.",
		}, []string{"platform"}),
		entries: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "cstbot_faq_entries", Help: "Entries in the FAQ in service.",
		}),
	}
	m.reg.MustRegister(m.replies, m.failures, m.latency, m.reloads, m.retries, m.reconnects, m.entries,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, r := range []string{"ok", "failed"} {
		m.reloads.WithLabelValues(r) // present from the start, at 0
	}
	return m
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Responder wraps next, timing its replies.
func (m *Metrics) Responder(next bot.Responder) bot.Responder {
	return bot.ResponderFunc(func(ctx context.Context, msg bot.Message) bot.Reply {
		start := time.Now()
		r := next.Respond(ctx, msg)
		m.latency.WithLabelValues(platformOf(msg)).Observe(time.Since(start).Seconds())
		return r
	})
}

// Delivered counts a reply delivered, or a send that failed (bot.Delivery).
func (m *Metrics) Delivered(msg bot.Message, r bot.Reply, err error) {
	if err != nil {
		m.failures.WithLabelValues(platformOf(msg)).Inc()
		return
	}
	m.replies.WithLabelValues(platformOf(msg), string(r.Kind)).Inc()
}

// Platforms makes the per-platform series present from the start, at 0.
func (m *Metrics) Platforms(names ...string) {
	for _, p := range names {
		m.failures.WithLabelValues(p)
		m.retries.WithLabelValues(p)
	}
}

func platformOf(msg bot.Message) string {
	if msg.Platform == "" {
		return "unknown"
	}
	return msg.Platform
}

// Reloaded counts a reload of the FAQ, and sets its entries when it took.
func (m *Metrics) Reloaded(ok bool, entries int) {
	if ok {
		m.reloads.WithLabelValues("ok").Inc()
		m.entries.Set(float64(entries))
	} else {
		m.reloads.WithLabelValues("failed").Inc()
	}
}

// SetEntries records the entries of the FAQ in service.
func (m *Metrics) SetEntries(n int) { m.entries.Set(float64(n)) }

// Retry returns a function that counts a send retry on platform.
func (m *Metrics) Retry(platform string) func() {
	c := m.retries.WithLabelValues(platform)
	return c.Inc
}

// Reconnect returns a function that counts a reconnect on platform.
func (m *Metrics) Reconnect(platform string) func() {
	c := m.reconnects.WithLabelValues(platform)
	return c.Inc
}
