package main

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"

	"cstbot/internal/bot"
	"cstbot/internal/console"
	"cstbot/internal/faq"
	"cstbot/internal/report"
	"cstbot/internal/serve"
	"cstbot/internal/status"
)

// chat is a conversation on the terminal, or one reply a line from a pipe.
func (env environment) chat(ctx context.Context, args []string) error {
	fs := env.flags("cstbot")
	faqPath := fs.String("faq", "", "FAQ `file` to use instead of the built-in one (env CSTBOT_FAQ)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q (to ask a question: cstbot ask %s)", fs.Arg(0), strings.Join(fs.Args(), " "))
	}
	b, err := env.bot(*faqPath)
	if err != nil {
		return err
	}
	cfg := console.Config{In: env.stdin, Out: env.stdout, Interactive: console.IsTerminal(env.stdin), Color: env.getenv("NO_COLOR") == ""}
	if cfg.Interactive {
		cfg.Banner = b.Greeting().Text + "\n\n(To answer clients on Telegram or Discord, set TELEGRAM_TOKEN or DISCORD_TOKEN and run 'cstbot serve'.)"
	}
	return console.New(cfg, b).Run(ctx)
}

// ask answers the arguments, or each line of input (--json: JSON lines).
func (env environment) ask(ctx context.Context, args []string) error {
	fs := env.flags("ask")
	asJSON := fs.Bool("json", false, "print one JSON object per question: question, kind, id, score, reply, lexical, semantic, nearest")
	faqPath := fs.String("faq", "", "FAQ `file` to use instead of the built-in one (env CSTBOT_FAQ)")
	if err := parse(fs, args); err != nil {
		return err
	}
	b, err := env.bot(*faqPath)
	if err != nil {
		return err
	}
	in := env.stdin
	if fs.NArg() > 0 {
		in = strings.NewReader(strings.Join(fs.Args(), " ") + "\n")
	}
	return console.New(console.Config{In: in, Out: env.stdout, JSON: *asJSON, Platform: "cli"}, b).Run(ctx)
}

// faq check|test: the FAQ validated, the bank held against it, the
// self-test run (bot.Check); the bank's warnings on standard error.
// faq learn: each QUESTION added to the entry's "also" lines (serve.Learn).
func (env environment) faq(args []string) error {
	if len(args) == 0 || !slices.Contains([]string{"check", "test", "learn"}, args[0]) {
		return usagef("faq: want a subcommand: check, test or learn")
	}
	fs := env.flags("faq " + args[0])
	faqPath := fs.String("faq", "", "FAQ `file` (default: the FILE argument, CSTBOT_FAQ, or the built-in FAQ)")
	force := fs.Bool("force", false, "learn: add a question even if it already reaches another entry")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if args[0] == "learn" {
		return env.learn(orDefault(*faqPath, env.getenv("CSTBOT_FAQ")), fs.Args(), *force)
	}
	if fs.NArg() > 1 {
		return usagef("faq %s: one file at a time", args[0])
	}
	f, err := env.loadFAQ(orDefault(fs.Arg(0), *faqPath))
	var ferr *faq.Error
	if errors.As(err, &ferr) {
		return env.problems(ferr.Problems, "found; the bot keeps using the last good version until they are fixed.")
	} else if err != nil {
		return err
	}
	mn, err := meaning()
	if err != nil {
		return err
	}
	problems, warnings, summary := bot.Check(f, mn)
	for _, w := range warnings {
		fmt.Fprintln(env.stderr, "warning:", w)
	}
	if len(problems) > 0 {
		return env.problems(problems, summary)
	}
	fmt.Fprintln(env.stdout, bot.CheckSummary(f, args[0] == "test"))
	return nil
}

func (env environment) learn(path string, args []string, force bool) error {
	if len(args) < 2 || path == "" {
		return usagef("faq learn: want --faq FILE (or CSTBOT_FAQ), an entry id and at least one question")
	}
	mn, err := meaning()
	if err != nil {
		return err
	}
	said, err := serve.Learn(path, mn, args[0], args[1:], force)
	if err != nil {
		return fmt.Errorf("faq learn: %w", err)
	}
	_, err = fmt.Fprintln(env.stdout, said)
	return err
}

// problems prints the problems once, on standard output: exit status 1.
func (env environment) problems(ps []faq.Problem, summary string) error {
	faq.WriteProblems(env.stdout, ps, summary)
	return silent(1)
}

// embed prints the vector of each argument, or of each line of input.
func (env environment) embed(args []string) error {
	fs := env.flags("embed")
	if err := parse(fs, args); err != nil {
		return err
	}
	mn, err := meaning()
	if err != nil {
		return err
	}
	texts := fs.Args()
	if len(texts) == 0 {
		if texts, err = console.ReadLines(env.stdin); err != nil {
			return fmt.Errorf("embed: read: %w", err)
		}
	}
	return mn.Encoder().WriteJSON(env.stdout, texts, runtime.GOMAXPROCS(0))
}

// report prints what the FAQ could not answer, and how the answers did.
func (env environment) report(ctx context.Context, args []string) error {
	fs := env.flags("report")
	since := fs.String("since", "30d", "how far back: 30d, 7d, 12h, …")
	format := fs.String("format", "text", "text, csv or json")
	faqPath := fs.String("faq", "", "FAQ `file` the questions are grouped with (env CSTBOT_FAQ)")
	data := fs.String("data", env.getenv("CSTBOT_DATA"), "the question log `file` serve writes (env CSTBOT_DATA)")
	if err := parse(fs, args); err != nil {
		return err
	}
	age, err := serve.ParseAge(*since)
	if err != nil {
		return usagef("report: --since %v", err)
	}
	if !slices.Contains(report.Formats, *format) {
		return usagef("report: --format %q: want text, csv or json", *format)
	}
	path := serve.DataPath(*data, orDefault(*faqPath, env.getenv("CSTBOT_FAQ")))
	if path == "" {
		return configError("report: CSTBOT_DATA is off, so nothing was recorded")
	}
	b, err := env.bot(*faqPath)
	if err != nil {
		return err
	}
	r, err := report.Open(ctx, path, b, age, time.Now())
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return r.Write(env.stdout, *format)
}

// healthcheck asks a running serve's /healthz (for Docker's HEALTHCHECK).
func (env environment) healthcheck(ctx context.Context, args []string) error {
	fs := env.flags("healthcheck")
	addr := fs.String("http-addr", env.getenv("CSTBOT_HTTP_ADDR"), "`address` serve's /healthz listens on (env CSTBOT_HTTP_ADDR)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *addr == "" {
		return configError("healthcheck: CSTBOT_HTTP_ADDR is not set, so serve has no /healthz")
	}
	body, ok, err := status.Probe(ctx, *addr)
	if fmt.Fprint(env.stdout, body); err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	} else if !ok {
		return silent(1)
	}
	return nil
}
