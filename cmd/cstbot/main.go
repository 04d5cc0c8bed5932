// Command cstbot answers clients' questions from the therapist's FAQ
// (usage.txt, README.md); the running bot is internal/serve.
package main

import (
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"

	defaultfaq "cstbot/faq"
	"cstbot/internal/bot"
	"cstbot/internal/faq"
)

var version = "dev" // set at build time: -ldflags "-X main.version=…"

//go:embed usage.txt
var usage string

func main() {
	// A soft memory limit (GOMEMLIMIT overrides it) keeps the heap near what is live.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(48 << 20)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	env := environment{getenv: os.Getenv, stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr,
		setDefault: func(l *slog.Logger) { slog.SetDefault(l); log.SetFlags(0) }}
	err := env.run(ctx, os.Args[1:])
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// run is cstbot without the process: tests call it directly.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	return environment{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}.run(ctx, args)
}

// environment is what a command may touch of the process.
type environment struct {
	getenv         func(string) string
	stdin          io.Reader
	stdout, stderr io.Writer
	setDefault     func(*slog.Logger) // main's only: makes serve's logger the process's default
}

func (env environment) run(ctx context.Context, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return env.chat(ctx, args)
	}
	commands := map[string]func([]string) error{
		"chat":        func(a []string) error { return env.chat(ctx, a) },
		"ask":         func(a []string) error { return env.ask(ctx, a) },
		"faq":         env.faq,
		"serve":       func(a []string) error { return env.serve(ctx, a) },
		"healthcheck": func(a []string) error { return env.healthcheck(ctx, a) },
		"report":      func(a []string) error { return env.report(ctx, a) },
		"embed":       env.embed,
		"version":     func([]string) error { _, err := fmt.Fprintln(env.stdout, "cstbot", version); return err },
		"help":        func([]string) error { _, err := fmt.Fprint(env.stdout, usage); return err },
	}
	cmd, ok := commands[args[0]]
	if !ok {
		return usagef("unknown command %q", args[0])
	}
	return cmd(args[1:])
}

// exitError is an exit status: 2, a usage (with hint) or configuration mistake.
type exitError struct {
	code int
	msg  string
	hint bool
}

func (e exitError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return exitError{2, fmt.Sprintf(format, args...), true}
}

func configError(msg string) error { return exitError{2, msg, false} }

func silent(code int) error { return exitError{code: code} }

func exitCode(err error, stderr io.Writer) int {
	var e exitError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case !errors.As(err, &e):
		fmt.Fprintln(stderr, "cstbot:", err)
		return 1
	case e.msg != "":
		fmt.Fprintln(stderr, "cstbot:", e.msg)
		if e.hint {
			fmt.Fprintln(stderr, "Run 'cstbot help' for usage.")
		}
	}
	return e.code
}

// flags returns a FlagSet for a subcommand that reports to stderr.
func (env environment) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() { fmt.Fprintf(env.stderr, "%s\nFlags of %s:\n", usage, name); fs.PrintDefaults() }
	return fs
}

// parse parses flags, turning a bad flag into a usage error.
func parse(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		return silent(2) // the flag package has said why
	}
	return err
}

// meaning is the built-in encoder, phrase bank and rules, loaded once.
var meaning = sync.OnceValues(func() (*bot.Meaning, error) { return bot.LoadMeaning(defaultfaq.Files) })

// loadFAQ reads the FAQ named by --faq, else CSTBOT_FAQ, else the built-in one.
func (env environment) loadFAQ(flagPath string) (*faq.FAQ, error) {
	if path := orDefault(flagPath, env.getenv("CSTBOT_FAQ")); path != "" {
		return faq.ReadFile(path)
	}
	return faq.Parse(defaultfaq.Name, defaultfaq.YAML)
}

// bot is a Bot on the FAQ loadFAQ finds and the built-in Meaning.
func (env environment) bot(flagPath string) (*bot.Bot, error) {
	f, err := env.loadFAQ(flagPath)
	if err != nil {
		return nil, err
	}
	m, err := meaning()
	if err != nil {
		return nil, err
	}
	return bot.New(f, m), nil
}
