package metrics

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"cstbot/internal/bot"
)

func TestMetrics(t *testing.T) {
	m := New()
	r := m.Responder(bot.ResponderFunc(func(context.Context, bot.Message) bot.Reply { return bot.Reply{Kind: bot.KindAnswer} }))
	for _, sendErr := range []error{nil, errors.New("discord: 403 Forbidden")} {
		msg := bot.Text("discord", "do I undress")
		m.Delivered(msg, r.Respond(context.Background(), msg), sendErr)
	}
	m.Platforms("telegram")
	m.Reloaded(false, 0)
	m.Reloaded(true, 12)
	m.Retry("telegram")()
	m.Reconnect("discord")()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`cstbot_replies_total{kind="answer",platform="discord"} 1`, // the failed send is not a reply
		`cstbot_send_failures_total{platform="discord"} 1`,
		`cstbot_send_failures_total{platform="telegram"} 0`,
		`cstbot_reply_duration_seconds_count{platform="discord"} 2`,
		`cstbot_faq_reloads_total{result="failed"} 1`,
		`cstbot_faq_reloads_total{result="ok"} 1`,
		`cstbot_faq_entries 12`,
		`cstbot_send_retries_total{platform="telegram"} 1`,
		`cstbot_platform_reconnects_total{platform="discord"} 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
