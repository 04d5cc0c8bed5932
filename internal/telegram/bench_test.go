package telegram

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"cstbot/internal/telegram/telegramtest"
)

// BenchmarkEndToEnd answers b.N client messages from 100 concurrent chats
// through the fake Bot API and the real telebot client. Each chat asks,
// waits for the answer, and asks again, so that 100 conversations are in
// flight at once. It reports messages answered a second and the time from
// an update being queued on the server to its sendMessage arriving there
// (p50, p99). rss-MB is the test process's resident memory afterwards: the
// adapter and the fake server together, an upper bound for the adapter.
func BenchmarkEndToEnd(b *testing.B) {
	h := start(b, nil, func(c *Config) { c.PerChatLimit = 1 << 30; c.PollTimeout = 5 * time.Second })
	const chats = 100
	questions := []string{"how long is a session", "do I have to undress?", "hi", "how much does it cost", "what will I feel"}
	lat := make([][]time.Duration, chats)
	var wg sync.WaitGroup
	b.ResetTimer()
	begin := time.Now()
	for c := range chats {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := telegramtest.User{ID: int64(10_000 + c), FirstName: "C"}
			for k := 0; k*chats+c < b.N; k++ {
				id := h.srv.Text(user, questions[(k+c)%len(questions)])
				sent, err := h.srv.WaitSent(user.ID, k+1, 30*time.Second)
				if err != nil {
					b.Error(err)
					return
				}
				lat[c] = append(lat[c], sent[k].At.Sub(h.srv.PushedAt(id)))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(begin)
	b.StopTimer()
	all := slices.Concat(lat...)
	if len(all) == 0 {
		b.Fatal("no message answered")
	}
	slices.Sort(all)
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "msgs/s")
	b.ReportMetric(float64(all[len(all)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(rssMB(), "rss-MB")
}

// rssMB reads this process's resident set size from /proc (0 elsewhere).
func rssMB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return float64(kb) / 1024
		}
	}
	return 0
}
