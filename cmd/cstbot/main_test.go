package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// runCLI runs cstbot with args, env and stdin, and returns its output and
// exit code as main would set it.
func runCLI(tb testing.TB, env map[string]string, stdin string, args ...string) (stdout, stderr string, code int) {
	tb.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string { return env[k] }
	err := run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errOut)
	code = exitCode(err, &errOut)
	return out.String(), errOut.String(), code
}

func TestAskJSON(t *testing.T) {
	out, errOut, code := runCLI(t, nil, "do I have to undress?\nhow much does it cost\n\nhi\n", "ask", "--json")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("got %d lines, want one per input line (4):\n%s", len(lines), out)
	}
	want := []struct{ kind, id string }{{"answer", "clothing"}, {"fallback", ""}, {"help", ""}, {"greeting", ""}}
	for i, l := range lines {
		var r map[string]any
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		for _, k := range []string{"question", "kind", "id", "score", "reply"} {
			if _, ok := r[k]; !ok {
				t.Errorf("line %d has no %q: %s", i+1, k, l)
			}
		}
		if r["kind"] != want[i].kind || r["id"] != want[i].id {
			t.Errorf("line %d: kind %v id %v, want %s %q", i+1, r["kind"], r["id"], want[i].kind, want[i].id)
		}
	}
}

func TestAskArguments(t *testing.T) {
	out, _, code := runCLI(t, nil, "", "ask", "how", "long", "is", "a", "session")
	if code != 0 || !strings.Contains(out, "about an hour") || !strings.Contains(out, "(415) 672-4259") {
		t.Errorf("exit %d, output %q", code, out)
	}
}

func TestFAQFlagAndEnv(t *testing.T) {
	out, _, _ := runCLI(t, nil, "", "ask", "--json", "--faq", "testdata/small.yaml", "what should I wear")
	if !strings.Contains(out, `"id":"clothing"`) || !strings.Contains(out, "inna@example.com") {
		t.Errorf("--faq: %s", out)
	}
	out, _, _ = runCLI(t, map[string]string{"CSTBOT_FAQ": "testdata/small.yaml"}, "", "ask", "what should I wear")
	if !strings.Contains(out, "inna@example.com") {
		t.Errorf("CSTBOT_FAQ: %s", out)
	}
	_, errOut, code := runCLI(t, map[string]string{"CSTBOT_FAQ": "testdata/broken.yaml"}, "", "ask", "hi")
	if code != 1 || !strings.Contains(errOut, "testdata/broken.yaml:5: entry \"clothing\": question is empty") {
		t.Errorf("broken CSTBOT_FAQ: exit %d, stderr %q", code, errOut)
	}
}

func TestFAQCheck(t *testing.T) {
	out, _, code := runCLI(t, nil, "", "faq", "check")
	if code != 0 || !strings.HasPrefix(out, "faq.yaml: ok, 20 entries") {
		t.Errorf("embedded: exit %d, %q", code, out)
	}
	out, _, code = runCLI(t, nil, "", "faq", "check", "testdata/small.yaml")
	if code != 0 || strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, "testdata/small.yaml: ok, 1 entries") {
		t.Errorf("valid: exit %d, %q", code, out)
	}
	out, errOut, code := runCLI(t, nil, "", "faq", "check", "testdata/broken.yaml")
	if code != 1 {
		t.Errorf("broken: exit %d, want 1", code)
	}
	if !strings.Contains(out, "testdata/broken.yaml:5: entry \"clothing\": question is empty") {
		t.Errorf("the problems are not on standard output:\n%s", out)
	}
	for _, want := range []string{
		"testdata/broken.yaml:1: contact: needs an email or a phone",
		"testdata/broken.yaml:7: entry \"clothing\": answer is missing",
		"testdata/broken.yaml:11: entry 3: unknown field \"colour\"",
		"6 problems found",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
		// once: the problems are on standard output only, whatever the streams are
		if strings.Contains(errOut, want) {
			t.Errorf("stderr repeats %q:\n%s", want, errOut)
		}
	}
	out, _, code = runCLI(t, nil, "", "faq", "test")
	if code != 0 || !strings.Contains(out, "all 60 examples reach their entries") {
		t.Errorf("faq test on the shipped FAQ: exit %d, %q", code, out)
	}
	out, _, code = runCLI(t, nil, "", "faq", "test", "testdata/collide.yaml")
	if code != 1 || !strings.Contains(out, `testdata/collide.yaml:9: entry "length": example "do I have to undress" gets a fallback reply`) ||
		!strings.Contains(out, `entry "duration": its question reaches entry "length"`) {
		t.Errorf("faq test on colliding entries: exit %d, %q", code, out)
	}
	if _, _, code := runCLI(t, nil, "", "faq", "check", "testdata/collide.yaml"); code != 1 {
		t.Errorf("faq check does not run the self-test: exit %d", code)
	}
	_, errOut, code = runCLI(t, nil, "", "faq", "check", "testdata/nope.yaml")
	if code != 1 || !strings.Contains(errOut, "nope.yaml") {
		t.Errorf("missing file: exit %d, %q", code, errOut)
	}
}

func TestChatFromPipe(t *testing.T) {
	out, _, code := runCLI(t, nil, "hi\nclothes?\n")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(out, "Hello, and welcome") || !strings.Contains(out, "fully clothed") {
		t.Errorf("output %q", out)
	}
	if strings.Contains(out, "you>") {
		t.Errorf("prompt shown when stdin is not a terminal: %q", out)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"bogus"}, {"ask", "--nope"}, {"faq"}, {"faq", "lint"}, {"chat", "extra"}} {
		_, errOut, code := runCLI(t, nil, "", args...)
		if code != 2 || errOut == "" {
			t.Errorf("%q: exit %d, stderr %q; want 2 and a message", args, code, errOut)
		}
	}
	out, _, code := runCLI(t, nil, "", "version")
	if code != 0 || !strings.HasPrefix(out, "cstbot ") {
		t.Errorf("version: %d %q", code, out)
	}
	out, _, code = runCLI(t, nil, "", "help")
	if code != 0 || !strings.Contains(out, "faq check") {
		t.Errorf("help: %d %q", code, out)
	}
}

// TestAnotherPractice: a massage therapist's FAQ, with its own subject
// and contact, passes the check, and the welcome, help, thanks and
// fallbacks carry her contact details and nothing of the shipped FAQ's.
func TestAnotherPractice(t *testing.T) {
	out, errOut, code := runCLI(t, nil, "", "faq", "check", "testdata/massage.yaml")
	if code != 0 {
		t.Fatalf("faq check: exit %d\n%s%s", code, out, errOut)
	}
	out, _, _ = runCLI(t, nil, "hi\nhelp\nthanks!\nwhat is the meaning of life\nhow much is the parking\n", "ask", "--json", "--faq", "testdata/massage.yaml")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	wantKinds := []string{"greeting", "help", "thanks", "fallback", "fallback"}
	if len(lines) != len(wantKinds) {
		t.Fatalf("%d replies, want %d:\n%s", len(lines), len(wantKinds), out)
	}
	for i, l := range lines {
		var r struct{ Kind, Reply string }
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		if r.Kind != wantKinds[i] {
			t.Errorf("reply %d: kind %s, want %s", i+1, r.Kind, wantKinds[i])
		}
		if !strings.Contains(r.Reply, "maria@harborstreetstudio.example") || !strings.Contains(r.Reply, "+44 20 7946 0018") {
			t.Errorf("reply %d (%s) lacks her contact: %q", i+1, r.Kind, r.Reply)
		}
		for _, other := range []string{"Inna", "Westside", "Craniosacral", "CST", "672-4259", "inna@"} {
			if strings.Contains(r.Reply, other) {
				t.Errorf("reply %d (%s) names %q of the shipped FAQ: %q", i+1, r.Kind, other, r.Reply)
			}
		}
	}
	if !strings.Contains(lines[0], "Swedish Massage") {
		t.Errorf("the welcome does not name her subject: %s", lines[0])
	}
}
