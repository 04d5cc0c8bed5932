package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"cstbot/internal/discord"
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

// serveConfig is everything serve reads from flags and the environment.
type serveConfig struct {
	faqPath                   string
	httpAddr                  string
	logFormat, logLevel       string
	tgToken, tgAPI, tgWebhook string
	tgListen, tgWebhookSecret string
	dcToken, dcAPI, dcGuild   string
	defaultFAQ                bool
	data                      string // the question log; "" when off
	retention                 time.Duration
	adminTelegram             []int64
	adminDiscord              []string
	notifyChat                int64
}

// parseServe reads serve's configuration, reporting every mistake, one
// line each, as a usage error (exit 2).
func (env environment) parseServe(args []string) (serveConfig, error) {
	var c serveConfig
	fs := env.flags("serve")
	fs.StringVar(&c.faqPath, "faq", env.getenv("CSTBOT_FAQ"), "FAQ `file` (env CSTBOT_FAQ; default: the built-in FAQ, or /etc/cstbot/faq.yaml when it exists)")
	fs.StringVar(&c.httpAddr, "http-addr", env.getenv("CSTBOT_HTTP_ADDR"), "`address` for /healthz and /metrics, e.g. :8080 (env CSTBOT_HTTP_ADDR; off when empty)")
	fs.StringVar(&c.logFormat, "log-format", env.getenv("CSTBOT_LOG_FORMAT"), "text or json (env CSTBOT_LOG_FORMAT; default: text on a terminal, else json)")
	fs.StringVar(&c.logLevel, "log-level", env.getenv("CSTBOT_LOG_LEVEL"), "debug, info, warn or error (env CSTBOT_LOG_LEVEL; default info)")
	fs.StringVar(&c.tgAPI, "telegram-api-url", env.getenv("TELEGRAM_API_URL"), "Telegram Bot API base `URL` (env TELEGRAM_API_URL)")
	fs.StringVar(&c.tgWebhook, "telegram-webhook-url", env.getenv("TELEGRAM_WEBHOOK_URL"), "public `URL` for a Telegram webhook instead of polling (env TELEGRAM_WEBHOOK_URL)")
	fs.StringVar(&c.tgListen, "telegram-listen", env.getenv("TELEGRAM_LISTEN"), "`address` the Telegram webhook listens on (env TELEGRAM_LISTEN; default :8443)")
	fs.StringVar(&c.dcAPI, "discord-api-url", env.getenv("DISCORD_API_URL"), "`URL` replacing https://discord.com for Discord REST calls (env DISCORD_API_URL)")
	fs.StringVar(&c.dcGuild, "discord-guild-id", env.getenv("DISCORD_GUILD_ID"), "register Discord slash commands in this server `id` only (env DISCORD_GUILD_ID)")
	dataFlag := fs.String("data", env.getenv("CSTBOT_DATA"), "the question log `file` (env CSTBOT_DATA; default cstbot.db beside the FAQ or here; off: no log)")
	retention := fs.String("retention", orDefault(env.getenv("CSTBOT_RETENTION"), "90d"), "how long recorded questions are kept (env CSTBOT_RETENTION)")
	if err := parse(fs, args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, usagef("serve: unexpected argument %q", fs.Arg(0))
	}
	if c.faqPath == "" {
		if _, err := os.Stat(dockerFAQ); err == nil {
			c.faqPath = dockerFAQ
		} else {
			c.defaultFAQ = true
		}
	}
	var problems []string
	note := func(err error) {
		if err != nil {
			problems = append(problems, err.Error())
		}
	}
	var err error
	c.tgToken, err = env.secret("TELEGRAM_TOKEN")
	note(err)
	c.tgWebhookSecret, err = env.secret("TELEGRAM_WEBHOOK_SECRET")
	note(err)
	c.dcToken, err = env.secret("DISCORD_TOKEN")
	note(err)
	if c.tgToken == "" && c.dcToken == "" && len(problems) == 0 {
		return c, usagef("serve: no platform configured: set TELEGRAM_TOKEN (or TELEGRAM_TOKEN_FILE) for Telegram and/or DISCORD_TOKEN (or DISCORD_TOKEN_FILE) for Discord")
	}
	if c.tgToken != "" && !telegram.ValidToken(c.tgToken) {
		problems = append(problems, "TELEGRAM_TOKEN does not look like a Telegram bot token (digits, a colon, then 30 or more letters, digits, - or _)")
	}
	if c.dcToken != "" && !discord.ValidToken(strings.TrimPrefix(c.dcToken, "Bot ")) {
		problems = append(problems, "DISCORD_TOKEN does not look like a Discord bot token (three parts separated by dots)")
	}
	for _, a := range []struct{ name, value string }{{"CSTBOT_HTTP_ADDR", c.httpAddr}, {"TELEGRAM_LISTEN", c.tgListen}} {
		if a.value != "" {
			if _, port, err := net.SplitHostPort(a.value); err != nil || port == "" {
				problems = append(problems, fmt.Sprintf("%s %q is not an address like :8080 or 127.0.0.1:8080", a.name, a.value))
			}
		}
	}
	for _, u := range []struct{ name, value string }{{"TELEGRAM_API_URL", c.tgAPI}, {"TELEGRAM_WEBHOOK_URL", c.tgWebhook}, {"DISCORD_API_URL", c.dcAPI}} {
		if u.value != "" && !strings.HasPrefix(u.value, "http://") && !strings.HasPrefix(u.value, "https://") {
			problems = append(problems, fmt.Sprintf("%s %q is not an http(s) URL", u.name, u.value))
		}
	}
	if _, err := newLogger(nil, c.logFormat, c.logLevel, false, nil); err != nil {
		problems = append(problems, err.Error())
	}
	c.data = dataPath(*dataFlag, c.faqPath)
	if c.retention, err = parseAge(*retention); err != nil {
		problems = append(problems, "CSTBOT_RETENTION "+err.Error())
	}
	for _, id := range parseIDs(env.getenv("CSTBOT_ADMIN_TELEGRAM_IDS")) {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			problems = append(problems, fmt.Sprintf("CSTBOT_ADMIN_TELEGRAM_IDS: %q is not a Telegram user id (a number)", id))
		}
		c.adminTelegram = append(c.adminTelegram, n)
	}
	for _, id := range parseIDs(env.getenv("CSTBOT_ADMIN_DISCORD_IDS")) {
		if _, err := strconv.ParseUint(id, 10, 64); err != nil {
			problems = append(problems, fmt.Sprintf("CSTBOT_ADMIN_DISCORD_IDS: %q is not a Discord user id (a number)", id))
		}
		c.adminDiscord = append(c.adminDiscord, id)
	}
	if v := env.getenv("CSTBOT_NOTIFY_TELEGRAM_CHAT"); v != "" {
		if c.notifyChat, err = strconv.ParseInt(v, 10, 64); err != nil {
			problems = append(problems, fmt.Sprintf("CSTBOT_NOTIFY_TELEGRAM_CHAT %q is not a Telegram chat id (a number)", v))
		} else if c.tgToken == "" {
			problems = append(problems, "CSTBOT_NOTIFY_TELEGRAM_CHAT is set, but Telegram is not (TELEGRAM_TOKEN)")
		}
	}
	if !c.defaultFAQ {
		if _, err := readFAQ(c.faqPath); err != nil {
			problems = append(problems, "FAQ: "+strings.ReplaceAll(err.Error(), "\n", "\n  "))
		}
	}
	if len(problems) > 0 {
		return c, usagef("serve: %s", strings.Join(problems, "\n  "))
	}
	return c, nil
}

// dockerFAQ is read when no FAQ is configured and the file exists: the
// Docker image's mount point.
const dockerFAQ = "/etc/cstbot/faq.yaml"
