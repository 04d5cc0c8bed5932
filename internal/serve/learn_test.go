package serve

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cstbot/internal/bot/bottest"
)

func copyShipped(t *testing.T) (string, []byte) {
	t.Helper()
	data, err := os.ReadFile("../../faq/faq.yaml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "faq.yaml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path, data
}

func TestLearn(t *testing.T) {
	m := bottest.Meaning(t)
	path, orig := copyShipped(t)
	qs := []string{"can I keep my socks on", "Is there a robe: or a gown?"}
	if _, err := Learn(path, m, "clothing", qs, false); err != nil {
		t.Fatal(err)
	}
	now, _ := os.ReadFile(path)
	want := strings.Replace(string(orig), "      - Do I keep my clothes on?\n", "      - Do I keep my clothes on?\n      - can I keep my socks on\n      - 'Is there a robe: or a gown?'\n", 1)
	if !strings.Contains(string(orig), "      - Do I keep my clothes on?\n") {
		t.Fatal("the shipped FAQ's clothing entry changed; update the test's anchor")
	}
	if string(now) != want {
		t.Errorf("the file after Learn differs from the original plus the two lines")
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("Learn changed the file's mode to %v", st.Mode().Perm())
	}

	_, err := Learn(path, m, "clothes", []string{"x"}, false)
	if err == nil || !strings.Contains(err.Error(), `no entry "clothes"; the nearest ids are clothing`) {
		t.Errorf("unknown id: %v", err)
	}
	before, _ := os.ReadFile(path)
	_, err = Learn(path, m, "safety", []string{"how long is a session"}, false)
	if !errors.Is(err, ErrCollision) || !strings.Contains(err.Error(), `"session-length"`) {
		t.Errorf("a question of another entry: %v, want a refusal naming session-length", err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Errorf("a refused Learn changed the file")
	}
	if _, err := Learn(path, m, "safety", []string{"how long is a session"}, true); err != nil {
		t.Errorf("--force: %v", err)
	}
}
