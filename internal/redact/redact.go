// Package redact keeps secrets (bot tokens) out of logs and errors: the
// one redactor the adapters' errors and the log handler share.
package redact

import (
	"errors"
	"net/url"
	"strings"
)

// Mask replaces a secret.
const Mask = "<redacted>"

// minLen is the shortest secret redacted: shorter would blank ordinary
// words.
const minLen = 8

// Redactor replaces secrets, as written and as escaped in a URL (a
// Telegram token is part of every Bot API URL, and net/http's errors
// quote the URL). The zero value and nil redact nothing. Safe for
// concurrent use.
type Redactor struct {
	r *strings.Replacer
}

// New returns a Redactor of the given secrets; those shorter than 8 bytes
// are ignored.
func New(secrets ...string) *Redactor {
	var pairs []string
	for _, s := range secrets {
		if len(s) < minLen {
			continue
		}
		pairs = append(pairs, s, Mask)
		for _, esc := range []string{url.PathEscape(s), url.QueryEscape(s)} {
			if esc != s {
				pairs = append(pairs, esc, Mask)
			}
		}
	}
	if len(pairs) == 0 {
		return &Redactor{}
	}
	return &Redactor{r: strings.NewReplacer(pairs...)}
}

// String is s with every secret masked.
func (r *Redactor) String(s string) string {
	if r == nil || r.r == nil {
		return s
	}
	return r.r.Replace(s)
}

// Error is err with every secret masked in its text: err itself when it
// holds none (so errors.Is and As still see it), else a new error.
func (r *Redactor) Error(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if red := r.String(msg); red != msg {
		return errors.New(red)
	}
	return err
}
