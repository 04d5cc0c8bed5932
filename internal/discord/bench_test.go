package discord

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"cstbot/internal/discord/discordtest"
)

// BenchmarkEndToEnd answers b.N direct messages from 100 concurrent users
// through the fake gateway (MESSAGE_CREATE dispatches) and the real
// discordgo session, each user asking again once answered. It reports
// messages answered a second and the time from the dispatch leaving the
// fake gateway to the message create arriving at its REST API (p50, p99).
func BenchmarkEndToEnd(b *testing.B) {
	h := start(b, nil, func(c *Config) { c.PerUserLimit = 1 << 30 }, nil)
	h.ready(b)
	const users = 100
	questions := []string{"how long is a session", "do I have to undress?", "hi", "how much does it cost", "what will I feel"}
	lat := make([][]time.Duration, users)
	var wg sync.WaitGroup
	b.ResetTimer()
	begin := time.Now()
	for u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := discordtest.User{ID: fmt.Sprint(300000 + u), Name: "u"}
			path := "/channels/dm-" + user.ID + "/messages"
			for k := 0; k*users+u < b.N; k++ {
				id := h.srv.DM(user, questions[(k+u)%len(questions)])
				sent, err := h.srv.Wait(path, k+1, 30*time.Second)
				if err != nil {
					b.Error(err)
					return
				}
				lat[u] = append(lat[u], sent[k].At.Sub(h.srv.DispatchedAt(id)))
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
}
