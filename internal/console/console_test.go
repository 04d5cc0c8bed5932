package console

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"cstbot/internal/bot"
)

var echo = bot.ResponderFunc(func(_ context.Context, m bot.Message) bot.Reply {
	return bot.Reply{Text: "echo: " + m.Text}
})

func TestPipe(t *testing.T) {
	var out bytes.Buffer
	err := New(Config{In: strings.NewReader("one\n\nthree"), Out: &out}, echo).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := "echo: one\n\necho: \n\necho: three\n\n"
	if out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
}

func TestInteractive(t *testing.T) {
	var out bytes.Buffer
	err := New(Config{In: strings.NewReader("hello\n\nexit\nnot read\n"), Out: &out, Interactive: true, Banner: "WELCOME"}, echo).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"WELCOME", "you> ", "bot> echo: hello", "Take care!"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "not read") || strings.Contains(got, "echo: \n") {
		t.Errorf("answered past exit, or an empty line:\n%s", got)
	}
}

func TestLongLine(t *testing.T) {
	r := bufio.NewReaderSize(strings.NewReader(strings.Repeat("x", MaxLine+5000)+"\nnext\n"), 16)
	line, err := ReadLine(r)
	if err != nil || len(line) != MaxLine {
		t.Fatalf("ReadLine = %d bytes, %v; want %d", len(line), err, MaxLine)
	}
	if line, _ := ReadLine(r); line != "next" {
		t.Errorf("the rest of the long line was not skipped: next line %q", line)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteError(t *testing.T) {
	err := New(Config{In: strings.NewReader(strings.Repeat("q\n", 10000)), Out: failWriter{}}, echo).Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Run = %v, want the write error", err)
	}
}

func TestReadError(t *testing.T) {
	err := New(Config{In: io.MultiReader(strings.NewReader("a\n"), errReader{}), Out: io.Discard}, echo).Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "console: read") {
		t.Errorf("Run = %v, want a read error", err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("broken pipe") }
