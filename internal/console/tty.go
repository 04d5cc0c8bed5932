package console

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"golang.org/x/term"

	"cstbot/internal/bot"
)

// chatTTY is the conversation on a real terminal: line editing (arrow
// keys, Home/End, Ctrl-W…) and history (Up recalls earlier questions)
// through golang.org/x/term's Terminal, replies wrapped to the terminal's
// width with their indent kept, colour unless Config.Color is off.
// Ctrl-D or Ctrl-C quits.
func (a *Adapter) chatTTY(ctx context.Context, in, out *os.File) error {
	fd := int(in.Fd())
	old, err := term.MakeRaw(fd)
	if err != nil {
		return fmt.Errorf("console: terminal: %w", err)
	}
	defer term.Restore(fd, old)
	t := term.NewTerminal(struct {
		io.Reader
		io.Writer
	}{in, out}, "")
	paint := func(code []byte, s string) string {
		if !a.cfg.Color {
			return s
		}
		return string(code) + s + string(t.Escape.Reset)
	}
	t.SetPrompt(paint(t.Escape.Green, "you> "))
	width := func() int {
		if w, _, err := term.GetSize(int(out.Fd())); err == nil && w > 20 {
			return w
		}
		return 80
	}
	if a.cfg.Banner != "" {
		fmt.Fprint(t, wrap(a.cfg.Banner, width(), "")+"\n")
	}
	fmt.Fprint(t, "Type a question and press Enter; \"exit\", Ctrl-D or Ctrl-C quits.\n")
	for {
		line, err := t.ReadLine()
		if errors.Is(err, io.EOF) {
			fmt.Fprint(t, "\n")
			return nil
		}
		if err != nil && !errors.Is(err, term.ErrPasteIndicator) {
			return fmt.Errorf("console: read: %w", err)
		}
		if ctx.Err() != nil {
			return nil
		}
		switch strings.ToLower(strings.TrimSpace(line)) {
		case "exit", "quit", "/exit", "/quit", "bye":
			fmt.Fprint(t, "Take care!\n")
			return nil
		case "":
			continue
		}
		reply := a.r.Respond(ctx, bot.Text("console", line))
		fmt.Fprint(t, "\n"+paint(t.Escape.Cyan, "bot> ")+wrap(reply.Text, width(), "     ")[5:]+"\n\n")
	}
}

// wrap breaks text's lines at spaces to fit width, each line after the
// first indented by prefix plus the line's own indent (a bullet's text
// stays under the text).
func wrap(text string, width int, prefix string) string {
	var b strings.Builder
	for i, line := range strings.Split(text, "\n") {
		if i > 0 {
			b.WriteString("\n")
		}
		lead := line[:len(line)-len(strings.TrimLeft(line, " "))]
		hang := lead
		if rest := strings.TrimLeft(line, " "); strings.HasPrefix(rest, "• ") {
			hang += "  "
		}
		b.WriteString(prefix)
		col := utf8.RuneCountInString(prefix)
		first := true
		for _, w := range strings.Fields(line) {
			n := utf8.RuneCountInString(w)
			switch {
			case first:
				b.WriteString(lead + w)
				col += len(lead) + n
				first = false
			case col+1+n > width:
				b.WriteString("\n" + prefix + hang + w)
				col = utf8.RuneCountInString(prefix) + len(hang) + n
			default:
				b.WriteString(" " + w)
				col += 1 + n
			}
		}
	}
	return b.String()
}
