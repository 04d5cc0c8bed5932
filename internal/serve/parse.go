package serve

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// DataPath is where the question log goes: CSTBOT_DATA, else cstbot.db
// beside the FAQ file, else in the working directory; "" when "off".
func DataPath(setting, faqPath string) string {
	switch {
	case strings.EqualFold(setting, "off"):
		return ""
	case setting != "":
		return setting
	case faqPath != "":
		return filepath.Join(filepath.Dir(faqPath), "cstbot.db")
	}
	return "cstbot.db"
}

// ParseAge reads a duration such as "90d", "12h" or "30m".
func ParseAge(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("%q is not a number of days like 90d", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a duration like 90d or 12h", s)
	}
	return d, nil
}

// ParseIDs reads a comma-separated list of ids.
func ParseIDs(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// TelegramIDs reads CSTBOT_ADMIN_TELEGRAM_IDS: comma-separated numbers.
func TelegramIDs(s string) ([]int64, error) {
	var out []int64
	for _, id := range ParseIDs(s) {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return out, fmt.Errorf("CSTBOT_ADMIN_TELEGRAM_IDS: %q is not a Telegram user id (a number)", id)
		}
		out = append(out, n)
	}
	return out, nil
}

// DiscordIDs reads CSTBOT_ADMIN_DISCORD_IDS: comma-separated numbers.
func DiscordIDs(s string) ([]string, error) {
	ids := ParseIDs(s)
	for _, id := range ids {
		if _, err := strconv.ParseUint(id, 10, 64); err != nil {
			return ids, fmt.Errorf("CSTBOT_ADMIN_DISCORD_IDS: %q is not a Discord user id (a number)", id)
		}
	}
	return ids, nil
}

// TelegramChat reads CSTBOT_NOTIFY_TELEGRAM_CHAT: a chat id, or "" for none.
func TelegramChat(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("CSTBOT_NOTIFY_TELEGRAM_CHAT %q is not a Telegram chat id (a number)", s)
	}
	return n, nil
}

// Secret is a secret given as the value of the environment variable name,
// or in the file path names (name_FILE: Docker and Kubernetes secrets),
// trimmed. Never a flag, which would show in ps.
func Secret(name, value, path string) (string, error) {
	switch {
	case value != "" && path != "":
		return "", fmt.Errorf("%s and %s_FILE are both set; set one", name, name)
	case path != "":
		data, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("%s_FILE: %w", name, errors.Unwrap(err))
		}
		return strings.TrimSpace(string(data)), nil
	}
	return strings.TrimSpace(value), nil
}
