package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"cstbot/internal/telegram/telegramtest"
)

// BenchmarkServeProcess measures the real binary, built as the Dockerfile
// builds it, serving a fake Telegram from another process: its size, the
// time from exec to its first getUpdates, and its resident memory idle and
// after 10,000 replies. Run with -benchtime 1x: one process, one run.
//
//	go test -run '^$' -bench ServeProcess -benchtime 1x ./cmd/cstbot/
func BenchmarkServeProcess(b *testing.B) {
	bin := buildAsDockerfile(b)
	info, _ := os.Stat(bin)
	srv := telegramtest.New(testToken)
	defer srv.Close()
	for range b.N {
		cmd := exec.Command(bin, "serve")
		cmd.Env = []string{"TELEGRAM_TOKEN=" + testToken, "TELEGRAM_API_URL=" + srv.URL, "CSTBOT_LOG_LEVEL=error", "CSTBOT_DATA=" + filepath.Join(b.TempDir(), "q.db")}
		begin := time.Now()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		calls, err := srv.WaitCalls("getUpdates", 1, 10*time.Second)
		if err != nil {
			cmd.Process.Kill()
			b.Fatal(err)
		}
		startup := calls[0].At.Sub(begin)
		time.Sleep(time.Second)
		idle := rssOf(cmd.Process.Pid)

		// 1,000 clients asking 10 questions each: under the per-chat limit
		// of 20 a minute, which would otherwise answer with its notice.
		const users, replies = 1000, 10_000
		questions := []string{"how long is a session", "do I have to undress?", "hi", "how much does it cost", "what will I feel", "thanks"}
		var wg sync.WaitGroup
		for u := range users {
			wg.Add(1)
			go func() {
				defer wg.Done()
				user := telegramtest.User{ID: int64(50_000 + u), FirstName: "U"}
				for k := range replies / users {
					srv.Text(user, questions[(k+u)%len(questions)])
					if _, err := srv.WaitSent(user.ID, k+1, 30*time.Second); err != nil {
						b.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		after := rssOf(cmd.Process.Pid)
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
		b.ReportMetric(float64(info.Size())/(1<<20), "binary-MB")
		b.ReportMetric(float64(startup.Microseconds())/1000, "start-to-poll-ms")
		b.ReportMetric(idle, "rss-idle-MB")
		b.ReportMetric(after, "rss-10k-replies-MB")
	}
}

func rssOf(pid int) float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
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
