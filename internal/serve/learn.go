package serve

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"cstbot/internal/bot"
	"cstbot/internal/faq"
)

// StrongScore is how sure the bot must be of another entry for a question
// to be refused by Learn: it already has an answer there.
const StrongScore = 0.7

// ErrCollision is returned by Learn when a question already reaches
// another entry strongly; force adds it anyway.
var ErrCollision = errors.New("already answered by another entry")

// Learn teaches the FAQ file at path a missed question: each question is
// added to entry id's "also" lines, every other line of the file kept as
// it was; the result is validated and written atomically (a temporary
// file renamed over it, so a running serve reloads once). An unknown id
// fails, naming the nearest ids; a question the bot already answers with
// another entry, with at least StrongScore, is refused unless force. It
// says what it did, in a sentence.
func Learn(path string, m *bot.Meaning, id string, questions []string, force bool) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("cannot read the FAQ: %w", err)
	}
	f, err := faq.Parse(path, data)
	if err != nil {
		return "", fmt.Errorf("%s has problems; fix them first ('cstbot faq check'):\n%w", path, err)
	}
	if _, ok := f.Entry(id); !ok {
		var ids []string
		for _, e := range f.Entries {
			ids = append(ids, e.ID)
		}
		return "", fmt.Errorf("%s has no entry %q; the nearest ids are %s", path, id, strings.Join(faq.NearestIDs(id, ids), ", "))
	}
	b := bot.New(f, m)
	for _, q := range questions {
		if strings.TrimSpace(q) == "" {
			return "", errors.New("an empty question teaches nothing")
		}
		r := b.Respond(context.Background(), bot.Text("learn", q))
		if r.Kind == bot.KindAnswer && r.ID != id && r.Score >= StrongScore && !force {
			return "", fmt.Errorf("%q %w, %q (score %.2f): teach it there, or add --force", q, ErrCollision, r.ID, r.Score)
		}
	}
	out, err := faq.AddAlso(data, id, questions)
	if err != nil {
		return "", err
	}
	if _, err := faq.Parse(path, out); err != nil {
		return "", fmt.Errorf("the FAQ would not be valid after the change, so it was not made:\n%w", err)
	}
	if err := writeAtomic(path, out); err != nil {
		return "", err
	}
	return fmt.Sprintf("Added %d question%s to entry %q in %s.", len(questions), map[bool]string{true: "", false: "s"}[len(questions) == 1], id, path), nil
}

// writeAtomic writes data to a temporary file beside path and renames it
// over path, keeping its permissions.
func writeAtomic(path string, data []byte) error {
	mode := os.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("cannot write beside %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Writable reports whether the FAQ file at path can be taught: the file
// and its directory (for the rename) are writable.
func Writable(path string) bool {
	st, err := os.Stat(path)
	if path == "" || err != nil || st.Mode().Perm()&0o222 == 0 { // read-only, even to root
		return false
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return false
	}
	f.Close()
	tmp, err := os.CreateTemp(filepath.Dir(path), ".cstbot-probe-*")
	if err != nil {
		return false
	}
	tmp.Close()
	os.Remove(tmp.Name())
	return true
}
