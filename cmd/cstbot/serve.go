package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"cstbot/internal/bot"
	"cstbot/internal/discord"
	"cstbot/internal/faq"
	"cstbot/internal/telegram"
)

// secret reads a secret from the environment variable name, or from the
// file named by name_FILE (Docker and Kubernetes secrets). Never a flag.
func (env environment) secret(name string) (string, error) {
	v := env.getenv(name)
	path := env.getenv(name + "_FILE")
	switch {
	case v != "" && path != "":
		return "", fmt.Errorf("%s and %s_FILE are both set; set one", name, name)
	case path != "":
		data, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("%s_FILE: %w", name, errors.Unwrap(err))
		}
		return strings.TrimSpace(string(data)), nil
	}
	return strings.TrimSpace(v), nil
}

// serve answers on every configured platform until ctx is done (a
// signal), which is a clean stop, or one of them fails for good.
func (env environment) serve(ctx context.Context, args []string) error {
	fs := env.flags("serve")
	faqPath := fs.String("faq", "", "FAQ `file` (env CSTBOT_FAQ)")
	tgAPI := fs.String("telegram-api-url", env.getenv("TELEGRAM_API_URL"), "Telegram Bot API base `URL` (env TELEGRAM_API_URL)")
	tgWebhook := fs.String("telegram-webhook-url", env.getenv("TELEGRAM_WEBHOOK_URL"), "public `URL` for a Telegram webhook instead of polling (env TELEGRAM_WEBHOOK_URL)")
	dcAPI := fs.String("discord-api-url", env.getenv("DISCORD_API_URL"), "`URL` replacing https://discord.com for Discord REST calls (env DISCORD_API_URL)")
	dcGuild := fs.String("discord-guild-id", env.getenv("DISCORD_GUILD_ID"), "register slash commands in this Discord server `id` only (env DISCORD_GUILD_ID)")
	tgListen := fs.String("telegram-listen", env.getenv("TELEGRAM_LISTEN"), "`address` the webhook listens on (env TELEGRAM_LISTEN, default :8443)")
	logFormat := fs.String("log-format", env.getenv("CSTBOT_LOG_FORMAT"), "text or json (env CSTBOT_LOG_FORMAT; default text on a terminal)")
	logLevel := fs.String("log-level", env.getenv("CSTBOT_LOG_LEVEL"), "debug, info, warn or error (env CSTBOT_LOG_LEVEL)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("serve: unexpected argument %q", fs.Arg(0))
	}

	// Collect every configuration mistake, one line each.
	var problems []string
	tgToken, err := env.secret("TELEGRAM_TOKEN")
	if err != nil {
		problems = append(problems, err.Error())
	}
	webhookSecret, err := env.secret("TELEGRAM_WEBHOOK_SECRET")
	if err != nil {
		problems = append(problems, err.Error())
	}
	dcToken, err := env.secret("DISCORD_TOKEN")
	if err != nil {
		problems = append(problems, err.Error())
	}
	if tgToken == "" && dcToken == "" && len(problems) == 0 {
		return usagef("serve: no platform configured: set TELEGRAM_TOKEN (or TELEGRAM_TOKEN_FILE) for Telegram and/or DISCORD_TOKEN (or DISCORD_TOKEN_FILE) for Discord")
	}
	logger, err := newLogger(env.stderr, *logFormat, *logLevel, isTerminal(env.stderr), []string{tgToken, webhookSecret, dcToken})
	if err != nil {
		problems = append(problems, err.Error())
	}
	f, err := env.loadFAQ(*faqPath)
	if err != nil {
		problems = append(problems, "FAQ: "+strings.ReplaceAll(err.Error(), "\n", "\n  "))
	}
	var tg *telegram.Adapter
	if tgToken != "" && f != nil {
		tg, err = telegram.New(telegram.Config{
			Token: tgToken, APIURL: *tgAPI, WebhookURL: *tgWebhook, Listen: *tgListen,
			WebhookSecret: webhookSecret, Logger: logger,
		}, bot.New(f))
		if err != nil {
			problems = append(problems, strings.TrimPrefix(err.Error(), "telegram: ")+" (TELEGRAM_TOKEN)")
		}
	}
	var dc *discord.Adapter
	if dcToken != "" && f != nil {
		dc, err = discord.New(discord.Config{Token: dcToken, APIURL: *dcAPI, GuildID: *dcGuild, Logger: logger}, bot.New(f))
		if err != nil {
			problems = append(problems, strings.TrimPrefix(err.Error(), "discord: ")+" (DISCORD_TOKEN)")
		}
	}
	if len(problems) > 0 {
		return usagef("serve: %s", strings.Join(problems, "\n  "))
	}

	logger.Info("cstbot starting", "version", version, "faq", faqName(f, *faqPath, env), "entries", len(f.Entries))
	var runners []func(context.Context) error
	if tg != nil {
		runners = append(runners, tg.Run)
	}
	if dc != nil {
		runners = append(runners, dc.Run)
	}
	return runAll(ctx, runners)
}

func faqName(f *faq.FAQ, flagPath string, env environment) string {
	if flagPath == "" && env.getenv("CSTBOT_FAQ") == "" {
		return "embedded"
	}
	return f.Source
}

// runAll runs every runner until ctx is done or one returns an error,
// which stops the others and is returned.
func runAll(ctx context.Context, runners []func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, len(runners))
	for i, run := range runners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if errs[i] = run(ctx); errs[i] != nil {
				cancel()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
