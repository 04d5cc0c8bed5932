package redact

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestRedactor(t *testing.T) {
	const token = "123456:AAH-secret/part+with=odd"
	r := New(token, "short", "")
	for _, s := range []string{
		"Post https://api.telegram.org/bot" + token + "/getMe: refused",
		"Post https://api.telegram.org/bot" + url.PathEscape(token) + "/getMe: refused",
		"q=" + url.QueryEscape(token),
	} {
		got := r.String(s)
		if strings.Contains(got, "secret") || !strings.Contains(got, Mask) {
			t.Errorf("String(%q) = %q", s, got)
		}
	}
	if got := r.String("a short word"); got != "a short word" {
		t.Errorf("a secret under 8 bytes was redacted: %q", got)
	}
	plain := errors.New("no secret here")
	if r.Error(plain) != plain || r.Error(nil) != nil {
		t.Error("an error without a secret is not returned as it is")
	}
	if got := r.Error(errors.New("token " + token)); got.Error() != "token "+Mask {
		t.Errorf("Error = %v", got)
	}
	var none *Redactor
	if none.String(token) != token {
		t.Error("a nil Redactor changed the text")
	}
}
