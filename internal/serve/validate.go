package serve

import (
	"fmt"
	"net"
	"strings"

	"cstbot/internal/discord"
	"cstbot/internal/telegram"
)

// Problems lists every mistake in a Config, one sentence each, naming the
// setting as the README does; none means it is fit to Run.
func (c Config) Problems() []string {
	var out []string
	if c.Telegram.Token == "" && c.Discord.Token == "" {
		out = append(out, "no platform configured: set TELEGRAM_TOKEN (or TELEGRAM_TOKEN_FILE) for Telegram and/or DISCORD_TOKEN (or DISCORD_TOKEN_FILE) for Discord")
	}
	if t := c.Telegram.Token; t != "" && !telegram.ValidToken(t) {
		out = append(out, "TELEGRAM_TOKEN does not look like a Telegram bot token (digits, a colon, then 30 or more letters, digits, - or _)")
	}
	if d := c.Discord.Token; d != "" && !discord.ValidToken(strings.TrimPrefix(d, "Bot ")) {
		out = append(out, "DISCORD_TOKEN does not look like a Discord bot token (three parts separated by dots)")
	}
	for _, a := range []struct{ name, value string }{{"CSTBOT_HTTP_ADDR", c.HTTPAddr}, {"TELEGRAM_LISTEN", c.Telegram.Listen}} {
		if a.value != "" {
			if _, port, err := net.SplitHostPort(a.value); err != nil || port == "" {
				out = append(out, fmt.Sprintf("%s %q is not an address like :8080 or 127.0.0.1:8080", a.name, a.value))
			}
		}
	}
	for _, u := range []struct{ name, value string }{{"TELEGRAM_API_URL", c.Telegram.APIURL}, {"TELEGRAM_WEBHOOK_URL", c.Telegram.WebhookURL}, {"DISCORD_API_URL", c.Discord.APIURL}} {
		if u.value != "" && !strings.HasPrefix(u.value, "http://") && !strings.HasPrefix(u.value, "https://") {
			out = append(out, fmt.Sprintf("%s %q is not an http(s) URL", u.name, u.value))
		}
	}
	if c.Telegram.NotifyChat != 0 && c.Telegram.Token == "" {
		out = append(out, "CSTBOT_NOTIFY_TELEGRAM_CHAT is set, but Telegram is not (TELEGRAM_TOKEN)")
	}
	return out
}
