package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	defaultfaq "cstbot/faq"
	"cstbot/internal/bot"
	"cstbot/internal/console"
	"cstbot/internal/faq"
)

// loadFAQ reads the FAQ named by --faq, else CSTBOT_FAQ, else the built-in one.
func (env environment) loadFAQ(flagPath string) (*faq.FAQ, error) {
	path := flagPath
	if path == "" {
		path = env.getenv("CSTBOT_FAQ")
	}
	if path == "" {
		return faq.Parse(defaultfaq.Name, defaultfaq.YAML)
	}
	return readFAQ(path)
}

func readFAQ(path string) (*faq.FAQ, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read FAQ: %w", err)
	}
	return faq.Parse(path, data)
}

// isTerminal reports whether a standard stream is a terminal.
func isTerminal(stream any) bool {
	f, ok := stream.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// chat is cstbot with no command: a conversation on the terminal, or one
// reply per line when the input is not a terminal.
func (env environment) chat(ctx context.Context, args []string) error {
	fs := env.flags("cstbot")
	faqPath := fs.String("faq", "", "FAQ `file` to use instead of the built-in one (env CSTBOT_FAQ)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q (to ask a question: cstbot ask %s)", fs.Arg(0), strings.Join(fs.Args(), " "))
	}
	f, err := env.loadFAQ(*faqPath)
	if err != nil {
		return err
	}
	mn, err := meaning()
	if err != nil {
		return err
	}
	b := bot.New(f, mn)
	interactive := isTerminal(env.stdin)
	banner := ""
	if interactive {
		banner = b.Greeting().Text + "\n\n(To answer clients on Telegram or Discord, set TELEGRAM_TOKEN or DISCORD_TOKEN and run 'cstbot serve'.)"
	}
	return console.New(console.Config{In: env.stdin, Out: env.stdout, Interactive: interactive, Banner: banner}, b).Run(ctx)
}

// askResult is one line of 'cstbot ask --json'.
type askResult struct {
	Question    string           `json:"question"`
	Kind        bot.Kind         `json:"kind"`
	ID          string           `json:"id"`
	Score       float64          `json:"score"`
	Reply       string           `json:"reply"`
	Title       string           `json:"title,omitempty"`
	Suggestions []bot.Suggestion `json:"suggestions,omitempty"`
	// The fusion's two scores, and the FAQ or bank line nearest by meaning.
	Lexical       float64 `json:"lexical"`
	Semantic      float64 `json:"semantic"`
	Nearest       string  `json:"nearest,omitempty"`
	NearestLabel  string  `json:"nearest_label,omitempty"`
	NearestSource string  `json:"nearest_source,omitempty"`
}

func (env environment) ask(ctx context.Context, args []string) error {
	fs := env.flags("ask")
	asJSON := fs.Bool("json", false, "print one JSON object per question: question, kind, id, score, reply")
	faqPath := fs.String("faq", "", "FAQ `file` to use instead of the built-in one (env CSTBOT_FAQ)")
	if err := parse(fs, args); err != nil {
		return err
	}
	f, err := env.loadFAQ(*faqPath)
	if err != nil {
		return err
	}
	mn, err := meaning()
	if err != nil {
		return err
	}
	b := bot.New(f, mn)
	out := bufio.NewWriter(env.stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	answer := func(q string) error {
		r := b.Respond(ctx, bot.Message{Text: q, Platform: "cli"})
		if *asJSON {
			return enc.Encode(askResult{Question: q, Kind: r.Kind, ID: r.ID, Score: r.Score, Reply: r.Text, Title: r.Title, Suggestions: r.Suggestions,
				Lexical: r.Lexical, Semantic: r.Semantic, Nearest: r.Nearest, NearestLabel: r.NearestLabel, NearestSource: r.NearestSource})
		}
		_, err := fmt.Fprintf(out, "%s\n\n", r.Text)
		return err
	}
	if fs.NArg() > 0 {
		return answer(strings.Join(fs.Args(), " "))
	}
	in := bufio.NewReader(env.stdin)
	for {
		line, err := console.ReadLine(in)
		if errors.Is(err, io.EOF) && line == "" {
			return nil
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("ask: read: %w", err)
		}
		if err := answer(line); err != nil {
			return fmt.Errorf("ask: write: %w", err)
		}
		if ctx.Err() != nil {
			return nil
		}
	}
}

func (env environment) faq(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usagef("faq: missing subcommand (check)")
	}
	switch args[0] {
	case "check":
		return env.faqCheck(args[1:], true)
	case "test":
		return env.faqCheck(args[1:], false)
	default:
		return usagef("faq: unknown subcommand %q (known: check, test)", args[0])
	}
}

// faqCheck validates an FAQ file and runs its self-test (examples reach
// their entries, no entry shadows another): every problem on its own line
// and exit status 1, or a one-line summary and 0. 'faq test' is the same;
// its summary is about the self-test.
func (env environment) faqCheck(args []string, check bool) error {
	fs := env.flags("faq check")
	faqPath := fs.String("faq", "", "FAQ `file` to check (default: the FILE argument, CSTBOT_FAQ, or the built-in FAQ)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usagef("faq check: one file at a time")
	}
	path := *faqPath
	if fs.NArg() == 1 {
		path = fs.Arg(0)
	}
	f, err := env.loadFAQ(path)
	var ferr *faq.Error
	switch {
	case errors.As(err, &ferr):
		n := len(ferr.Problems)
		env.problems(ferr.Problems, fmt.Sprintf("%d problem%s found; the bot keeps using the last good version until they are fixed.", n, plural(n)))
		return silentError{code: 1}
	case err != nil:
		return err
	}
	mn, err := meaning()
	if err != nil {
		return err
	}
	_, warnings, err := mn.Bank().Check(f)
	if errors.As(err, &ferr) {
		n := len(ferr.Problems)
		env.problems(ferr.Problems, fmt.Sprintf("%d problem%s found in the phrase bank against this FAQ.", n, plural(n)))
		return silentError{code: 1}
	}
	for _, w := range warnings {
		fmt.Fprintln(env.stderr, "warning:", w)
	}
	if problems := bot.SelfTest(f, mn); len(problems) > 0 {
		n := len(problems)
		env.problems(problems, fmt.Sprintf("%d problem%s found by the self-test: the bot would answer these questions with the wrong entry.", n, plural(n)))
		return silentError{code: 1}
	}
	examples := 0
	for _, e := range f.Entries {
		examples += len(e.Examples)
	}
	if check {
		fmt.Fprintf(env.stdout, "%s: ok, %d entries, %d examples, %d synonym groups, contact %s\n", f.Source, len(f.Entries), examples, len(f.Synonyms), f.Contact.Line())
	} else {
		fmt.Fprintf(env.stdout, "%s: ok, all %d examples reach their entries and no entry shadows another\n", f.Source, examples)
	}
	return nil
}

// problems prints an FAQ's problems, one a line, and a summary: on
// standard output, the check's report; and on standard error too when the
// two are not the same terminal, so that a script reading either sees them.
func (env environment) problems(ps []faq.Problem, summary string) {
	outs := []io.Writer{env.stdout}
	if !(isTerminal(env.stdout) && isTerminal(env.stderr)) {
		outs = append(outs, env.stderr)
	}
	for _, w := range outs {
		for _, p := range ps {
			fmt.Fprintln(w, p)
		}
		fmt.Fprintln(w, summary)
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
