// Package metrics counts what the bot does, in Prometheus' format: replies
// by platform and kind, reply latency, FAQ reloads, send retries and
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
			Name: "cstbot_replies_total", Help: "Replies sent, by platform and kind (answer, fallback, greeting, thanks, help, urgent).",
		}, []string{"platform", "kind"}),
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
	m.reg.MustRegister(m.replies, m.latency, m.reloads, m.retries, m.reconnects, m.entries,
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

// Responder wraps next, counting its replies and timing them.
func (m *Metrics) Responder(next bot.Responder) bot.Responder {
	return bot.ResponderFunc(func(ctx context.Context, msg bot.Message) bot.Reply {
		start := time.Now()
		r := next.Respond(ctx, msg)
		platform := msg.Platform
		if platform == "" {
			platform = "unknown"
		}
		m.latency.WithLabelValues(platform).Observe(time.Since(start).Seconds())
		if msg.Command != bot.CommandTopics { // typing ahead in a search box is not a reply
			m.replies.WithLabelValues(platform, string(r.Kind)).Inc()
		}
		return r
	})
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
