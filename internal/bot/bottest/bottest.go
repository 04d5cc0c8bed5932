// Package bottest gives tests a bot on the built-in FAQ, phrase bank and
// rules, loaded once per test binary (loading the encoder and the bank's
// vectors takes a few tens of milliseconds).
package bottest

import (
	"sync"
	"testing"

	defaultfaq "cstbot/faq"
	"cstbot/internal/bot"
	"cstbot/internal/faq"
)

var meaning = sync.OnceValues(func() (*bot.Meaning, error) { return bot.LoadMeaning(defaultfaq.Files) })

// Meaning returns the built-in Meaning, shared by every caller.
func Meaning(tb testing.TB) *bot.Meaning {
	tb.Helper()
	m, err := meaning()
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// New returns a Bot on f and the built-in Meaning.
func New(tb testing.TB, f *faq.FAQ) *bot.Bot {
	tb.Helper()
	return bot.New(f, Meaning(tb))
}
