package console

import (
	"context"
	"io"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"cstbot/internal/bot"
)

// openPTY opens a pseudo-terminal: the master end the test types into,
// and the slave end the adapter sees as its terminal.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close(); s.Close() })
	return m, s
}

// TestTerminalEditing: on a terminal, Left moves the cursor (typing goes
// in the middle of the line), Up recalls the last question, and Ctrl-D
// ends the chat; the terminal is restored.
func TestTerminalEditing(t *testing.T) {
	master, slave := openPTY(t)
	before, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var asked []string
	r := bot.ResponderFunc(func(_ context.Context, m bot.Message) bot.Reply {
		mu.Lock()
		defer mu.Unlock()
		asked = append(asked, m.Text)
		return bot.Reply{Text: "answer to " + m.Text}
	})
	go io.Copy(io.Discard, master) // what the adapter draws
	done := make(chan error, 1)
	go func() {
		done <- New(Config{In: slave, Out: slave, Interactive: true, Banner: "hello"}, r).Run(context.Background())
	}()
	time.Sleep(200 * time.Millisecond)
	for _, keys := range []string{"how long\x1b[D\x1b[DXY\r", "\x1b[A\r", "\x04"} {
		if _, err := master.Write([]byte(keys)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Ctrl-D did not end the chat")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(asked) != 2 || asked[0] != "how loXYng" || asked[1] != "how loXYng" {
		t.Errorf("asked %q, want the edited line twice (typed, then recalled with Up)", asked)
	}
	after, _ := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
	if after.Lflag != before.Lflag {
		t.Errorf("the terminal was left in raw mode")
	}
}

func TestWrap(t *testing.T) {
	got := wrap("A fairly long first line that must wrap somewhere\n• a bullet that wraps as well here", 30, "  ")
	want := "  A fairly long first line\n  that must wrap somewhere\n  • a bullet that wraps as\n    well here"
	if got != want {
		t.Errorf("wrap =\n%s\nwant\n%s", got, want)
	}
}
