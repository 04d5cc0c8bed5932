// Command cstbot answers prospective clients' questions about Craniosacral
// Therapy from an FAQ the therapist keeps in a YAML file.
//
// Usage:
//
//	cstbot                       chat in the terminal on the FAQ
//	cstbot ask [--json] [Q...]   answer one question, or one per input line
//	cstbot faq check [FILE]      check an FAQ file and list its mistakes
//	cstbot serve                 answer on Telegram and/or Discord
//	cstbot embed [TEXT...]       the sentence encoder's vectors, as JSON lines
//	cstbot version               print the version
//
// Every command takes --faq FILE (or CSTBOT_FAQ) to use an FAQ file instead
// of the built-in one. See README.md for the configuration.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"syscall"

	defaultfaq "cstbot/faq"
	"cstbot/internal/bot"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	// A soft memory limit keeps the garbage collector from letting the heap
	// grow to twice what is live; GOMEMLIMIT overrides it.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(64 << 20)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// usageError is a mistake in how cstbot was called: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// silentError has already been reported; it only sets the exit code.
type silentError struct{ code int }

func (e silentError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func exitCode(err error, stderr io.Writer) int {
	var usage usageError
	var silent silentError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &silent):
		return silent.code
	case errors.As(err, &usage):
		fmt.Fprintln(stderr, "cstbot:", err)
		fmt.Fprintln(stderr, "Run 'cstbot help' for usage.")
		return 2
	default:
		fmt.Fprintln(stderr, "cstbot:", err)
		return 1
	}
}

const usage = `cstbot answers clients' questions about Craniosacral Therapy from an FAQ.

Usage:
  cstbot [--faq FILE]                  chat in the terminal
  cstbot ask [--json] [--faq FILE] [QUESTION...]
                                       answer QUESTION, or each line of input
  cstbot faq check [FILE]              check an FAQ file, listing every mistake
  cstbot serve [--faq FILE]            answer on Telegram and/or Discord
  cstbot healthcheck                   exit 0 if a running serve is healthy, else 1
  cstbot report [--since 30d] [--format text|csv|json]
                                       what clients asked that the FAQ could not answer
  cstbot faq test [FILE]               check that the FAQ's examples reach their entries
  cstbot embed [TEXT...]               the sentence encoder's vector of each TEXT, or of
                                       each line of input, as JSON lines
  cstbot version                       print the version

Environment (see README.md for all of it):
  CSTBOT_FAQ        FAQ file to use instead of the built-in one
  TELEGRAM_TOKEN    Telegram bot token (or TELEGRAM_TOKEN_FILE)
  DISCORD_TOKEN     Discord bot token (or DISCORD_TOKEN_FILE)
  CSTBOT_HTTP_ADDR  address for /healthz and /metrics (off when empty)
`

// run is cstbot without the process: tests call it directly.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	env := environment{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 || len(args[0]) > 0 && args[0][0] == '-' {
		return env.chat(ctx, args)
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "chat":
		return env.chat(ctx, rest)
	case "ask":
		return env.ask(ctx, rest)
	case "faq":
		return env.faq(ctx, rest)
	case "serve":
		return env.serve(ctx, rest)
	case "healthcheck":
		return env.healthcheck(ctx, rest)
	case "report":
		return env.report(ctx, rest)
	case "embed":
		return env.embed(rest)
	case "version":
		fmt.Fprintln(stdout, "cstbot", version)
		return nil
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		return usagef("unknown command %q", cmd)
	}
}

// environment is what a command may touch of the process.
type environment struct {
	getenv         func(string) string
	stdin          io.Reader
	stdout, stderr io.Writer
}

// meaning loads what the bot knows beyond the FAQ (the sentence encoder,
// the phrase bank and the rules), built into the binary; once per process.
var meaning = sync.OnceValues(func() (*bot.Meaning, error) { return bot.LoadMeaning(defaultfaq.Files) })

// flags returns a FlagSet for a subcommand that reports to stderr.
func (env environment) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprint(env.stderr, usage)
		fmt.Fprintf(env.stderr, "\nFlags of %s:\n", name)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags, turning a bad flag into a usage error.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return silentError{code: 2}
	}
	return nil
}
