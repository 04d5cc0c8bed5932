package main

import (
	"context"
	"errors"
	"os"
	"strings"

	defaultfaq "cstbot/faq"
	"cstbot/internal/console"
	"cstbot/internal/faq"
	"cstbot/internal/serve"
)

// serve reads flags and environment into a serve.Config (every mistake at once) and runs it.
func (env environment) serve(ctx context.Context, args []string) error {
	var c serve.Config
	var logFormat, logLevel string
	fs := env.flags("serve")
	fs.StringVar(&c.FAQPath, "faq", env.getenv("CSTBOT_FAQ"), "FAQ `file` (env CSTBOT_FAQ; default: the built-in FAQ, or /etc/cstbot/faq.yaml when it exists)")
	fs.StringVar(&c.HTTPAddr, "http-addr", env.getenv("CSTBOT_HTTP_ADDR"), "`address` for /healthz and /metrics, e.g. :8080 (env CSTBOT_HTTP_ADDR; off when empty)")
	fs.StringVar(&logFormat, "log-format", env.getenv("CSTBOT_LOG_FORMAT"), "text or json (env CSTBOT_LOG_FORMAT; default: text on a terminal, else json)")
	fs.StringVar(&logLevel, "log-level", env.getenv("CSTBOT_LOG_LEVEL"), "debug, info, warn or error (env CSTBOT_LOG_LEVEL; default info)")
	fs.StringVar(&c.Telegram.APIURL, "telegram-api-url", env.getenv("TELEGRAM_API_URL"), "Telegram Bot API base `URL` (env TELEGRAM_API_URL)")
	fs.StringVar(&c.Telegram.WebhookURL, "telegram-webhook-url", env.getenv("TELEGRAM_WEBHOOK_URL"), "public `URL` for a Telegram webhook instead of polling (env TELEGRAM_WEBHOOK_URL)")
	fs.StringVar(&c.Telegram.Listen, "telegram-listen", env.getenv("TELEGRAM_LISTEN"), "`address` the Telegram webhook listens on (env TELEGRAM_LISTEN; default :8443)")
	fs.StringVar(&c.Discord.APIURL, "discord-api-url", env.getenv("DISCORD_API_URL"), "`URL` replacing https://discord.com for Discord REST calls (env DISCORD_API_URL)")
	fs.StringVar(&c.Discord.GuildID, "discord-guild-id", env.getenv("DISCORD_GUILD_ID"), "register Discord slash commands in this server `id` only (env DISCORD_GUILD_ID)")
	dataFlag := fs.String("data", env.getenv("CSTBOT_DATA"), "the question log `file` (env CSTBOT_DATA; default cstbot.db beside the FAQ or here; off: no log)")
	retention := fs.String("retention", orDefault(env.getenv("CSTBOT_RETENTION"), "90d"), "how long recorded questions are kept (env CSTBOT_RETENTION)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("serve: unexpected argument %q", fs.Arg(0))
	}
	if _, err := os.Stat(dockerFAQ); c.FAQPath == "" && err == nil {
		c.FAQPath = dockerFAQ
	}
	var problems []string
	note := func(err error) {
		if err != nil {
			problems = append(problems, err.Error())
		}
	}
	var err error
	c.Telegram.Token, err = env.secret("TELEGRAM_TOKEN")
	note(err)
	c.Telegram.WebhookSecret, err = env.secret("TELEGRAM_WEBHOOK_SECRET")
	note(err)
	c.Discord.Token, err = env.secret("DISCORD_TOKEN")
	note(err)
	if c.Retention, err = serve.ParseAge(*retention); err != nil {
		note(errors.New("CSTBOT_RETENTION " + err.Error()))
	}
	c.Data = serve.DataPath(*dataFlag, c.FAQPath)
	c.Telegram.AdminIDs, err = serve.TelegramIDs(env.getenv("CSTBOT_ADMIN_TELEGRAM_IDS"))
	note(err)
	c.Discord.AdminIDs, err = serve.DiscordIDs(env.getenv("CSTBOT_ADMIN_DISCORD_IDS"))
	note(err)
	c.Telegram.NotifyChat, err = serve.TelegramChat(env.getenv("CSTBOT_NOTIFY_TELEGRAM_CHAT"))
	note(err)
	if len(problems) == 0 { // a missing token says all there is to say
		problems = append(problems, c.Problems()...)
	}
	_, err = serve.NewLogger(nil, logFormat, logLevel, false, nil)
	note(err)
	if c.FAQPath == "" {
		c.FAQ, err = faq.Parse(defaultfaq.Name, defaultfaq.YAML)
	} else {
		c.FAQ, err = faq.ReadFile(c.FAQPath) // parsed once, here
	}
	if err != nil {
		note(errors.New(strings.ReplaceAll(err.Error(), "\n", "\n  ")))
	}
	if len(problems) > 0 {
		return configError("serve: " + strings.Join(problems, "\n  "))
	}
	c.Logger, _ = serve.NewLogger(env.stderr, logFormat, logLevel, console.IsTerminal(env.stderr), []string{c.Telegram.Token, c.Telegram.WebhookSecret, c.Discord.Token})
	if env.setDefault != nil {
		env.setDefault(c.Logger)
	}
	if c.Meaning, err = meaning(); err != nil {
		return err
	}
	c.Version = version
	err = serve.Run(ctx, c)
	if errors.Is(err, serve.ErrConfig) {
		return configError("serve: " + err.Error())
	}
	return err
}

// dockerFAQ is the Docker image's mount point, read when it exists and no FAQ is set.
const dockerFAQ = "/etc/cstbot/faq.yaml"

// secret reads the variable name, or the file name_FILE names.
func (env environment) secret(name string) (string, error) {
	return serve.Secret(name, env.getenv(name), env.getenv(name+"_FILE"))
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
