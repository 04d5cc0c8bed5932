// Package console is the terminal adapter: it reads questions a line at a
// time and writes the bot's replies as plain text.
package console

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"cstbot/internal/bot"
)

// MaxLine is the longest line read; the rest of a longer line is dropped.
const MaxLine = 1 << 20

// Config configures an Adapter.
type Config struct {
	In  io.Reader
	Out io.Writer
	// Interactive shows a welcome and a prompt, and understands "exit".
	// Off, every input line gets exactly one reply (for pipes and scripts).
	Interactive bool
	// Banner is printed once at the start of an interactive chat.
	Banner string
	// JSON, when not interactive, writes each reply as one JSON object a
	// line: the question, and the reply's JSON form (cstbot ask --json).
	JSON bool
	// Platform names the channel in the messages ("console" by default).
	Platform string
	// Color paints the prompt and the replies on a terminal (set it off
	// for NO_COLOR).
	Color bool
}

// Adapter chats on a terminal. It serves one conversation at a time.
type Adapter struct {
	cfg Config
	r   bot.Responder
}

// New returns an Adapter; it does no I/O until Run.
func New(cfg Config, r bot.Responder) *Adapter {
	return &Adapter{cfg: cfg, r: r}
}

// Run answers lines until the input ends, "exit" is typed or ctx is done.
// It returns nil then, and an error only when reading or writing fails.
func (a *Adapter) Run(ctx context.Context) error {
	if in, ok := a.cfg.In.(*os.File); ok && a.cfg.Interactive && IsTerminal(in) {
		if out, ok := a.cfg.Out.(*os.File); ok && IsTerminal(out) {
			return a.chatTTY(ctx, in, out)
		}
	}
	out := bufio.NewWriter(a.cfg.Out)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	platform := a.cfg.Platform
	if platform == "" {
		platform = "console"
	}
	in := bufio.NewReader(a.cfg.In)
	if a.cfg.Interactive {
		if a.cfg.Banner != "" {
			fmt.Fprintln(out, a.cfg.Banner)
		}
		fmt.Fprintln(out, "Type a question and press Enter; \"exit\" or Ctrl-D quits.")
	}
	for {
		if a.cfg.Interactive {
			fmt.Fprint(out, "\nyou> ")
		}
		if err := out.Flush(); err != nil {
			return fmt.Errorf("console: write: %w", err)
		}
		line, err := ReadLine(in)
		if errors.Is(err, io.EOF) && line == "" {
			if a.cfg.Interactive {
				fmt.Fprintln(out)
			}
			return nil
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("console: read: %w", err)
		}
		if ctx.Err() != nil {
			return nil
		}
		if a.cfg.Interactive {
			switch strings.ToLower(strings.TrimSpace(line)) {
			case "exit", "quit", "/exit", "/quit", "bye":
				fmt.Fprintln(out, "Take care!")
				return nil
			case "":
				continue
			}
		}
		reply := a.r.Respond(ctx, bot.Text(platform, strings.TrimSuffix(line, "\r")))
		switch {
		case a.cfg.JSON && !a.cfg.Interactive:
			if err := enc.Encode(struct {
				Question string `json:"question"`
				bot.Reply
			}{line, reply}); err != nil {
				return fmt.Errorf("console: write: %w", err)
			}
			continue
		case a.cfg.Interactive:
			fmt.Fprintln(out)
			fmt.Fprintln(out, indent(reply.Text))
		default:
			fmt.Fprintln(out, reply.Text)
			fmt.Fprintln(out)
		}
	}
}

// ReadLine reads one line without its line ending. A line longer than
// MaxLine is cut there and the rest of it discarded. At the end of the
// input it returns the last line, if any, with io.EOF.
func ReadLine(r *bufio.Reader) (string, error) {
	var b strings.Builder
	for {
		chunk, isPrefix, err := r.ReadLine()
		if b.Len() < MaxLine {
			b.Write(chunk[:min(len(chunk), MaxLine-b.Len())])
		}
		if err != nil {
			return b.String(), err
		}
		if !isPrefix {
			return b.String(), nil
		}
	}
}

func indent(s string) string {
	return "bot> " + strings.ReplaceAll(s, "\n", "\n     ")
}

// ReadLines reads every line of r, without line endings, empty lines
// included.
func ReadLines(r io.Reader) ([]string, error) {
	in := bufio.NewReader(r)
	var out []string
	for {
		line, err := ReadLine(in)
		if errors.Is(err, io.EOF) && line == "" {
			return out, nil
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return out, err
		}
		out = append(out, strings.TrimSuffix(line, "\r"))
	}
}

// IsTerminal reports whether a standard stream is a terminal.
func IsTerminal(stream any) bool {
	f, ok := stream.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
