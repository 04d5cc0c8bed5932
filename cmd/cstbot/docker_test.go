package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// dockerfile is the repository's Dockerfile, with continuation lines joined.
func dockerfile(t testing.TB) []string {
	t.Helper()
	data, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	cur := ""
	for _, l := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(l)
		if cur == "" && (t == "" || strings.HasPrefix(t, "#")) {
			continue
		}
		if strings.HasSuffix(t, "\\") {
			cur += strings.TrimSuffix(t, "\\") + " "
			continue
		}
		lines = append(lines, cur+t)
		cur = ""
	}
	return lines
}

// TestDockerfile checks the image's recipe, as no Docker engine runs here:
// a Go 1.26 build stage, a distroless static final stage running as
// nonroot, the health check through 'cstbot healthcheck', and no secret
// baked into an ARG or ENV.
func TestDockerfile(t *testing.T) {
	lines := dockerfile(t)
	var froms, users, healthchecks, entry, cmd []string
	var build string
	for _, l := range lines {
		instr, rest, _ := strings.Cut(l, " ")
		switch strings.ToUpper(instr) {
		case "FROM":
			froms = append(froms, rest)
		case "USER":
			users = append(users, rest)
		case "HEALTHCHECK":
			healthchecks = append(healthchecks, rest)
		case "ENTRYPOINT":
			entry = append(entry, rest)
		case "CMD":
			cmd = append(cmd, rest)
		case "RUN":
			if strings.Contains(rest, "go build") {
				build = rest
			}
		case "ARG", "ENV":
			if regexp.MustCompile(`(?i)(TOKEN|SECRET|PASSWORD|KEY)`).MatchString(rest) {
				t.Errorf("a secret in the image: %s", l)
			}
		}
	}
	if len(froms) != 2 || !strings.HasPrefix(froms[0], "golang:1.26 AS build") || froms[1] != "gcr.io/distroless/static-debian12:nonroot" {
		t.Errorf("stages: %q", froms)
	}
	if len(users) != 1 || !strings.HasPrefix(users[0], "nonroot") {
		t.Errorf("USER: %q", users)
	}
	if len(healthchecks) != 1 || !strings.Contains(healthchecks[0], `CMD ["/cstbot", "healthcheck"]`) {
		t.Errorf("HEALTHCHECK: %q", healthchecks)
	}
	if len(entry) != 1 || entry[0] != `["/cstbot"]` || len(cmd) != 1 || cmd[0] != `["serve"]` {
		t.Errorf("ENTRYPOINT %q CMD %q", entry, cmd)
	}
	for _, want := range []string{"--mount=type=cache,target=/go/pkg/mod", "--mount=type=cache,target=/root/.cache/go-build", "CGO_ENABLED=0", "-trimpath", `-ldflags "-s -w -X main.version=`} {
		if !strings.Contains(build, want) {
			t.Errorf("the build step lacks %s: %s", want, build)
		}
	}
}

// buildAsDockerfile builds cstbot with the Dockerfile's own build command.
func buildAsDockerfile(t testing.TB) string {
	t.Helper()
	var build string
	for _, l := range dockerfile(t) {
		if strings.HasPrefix(l, "RUN ") && strings.Contains(l, "go build") {
			build = l
		}
	}
	// Drop RUN and the cache mounts; build into a temporary directory.
	fields := strings.Fields(strings.TrimPrefix(build, "RUN "))
	var kept []string
	for _, f := range fields {
		if !strings.HasPrefix(f, "--mount=") {
			kept = append(kept, f)
		}
	}
	out := filepath.Join(t.TempDir(), "cstbot")
	command := strings.ReplaceAll(strings.Join(kept, " "), "/out/cstbot", out)
	c := exec.Command("sh", "-c", command)
	c.Dir = "../.."
	c.Env = append(os.Environ(), "VERSION=static-test")
	if b, err := c.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", command, err, b)
	}
	return out
}

// TestStaticBinary proves the image's premise: the binary, built as the
// Dockerfile builds it, is static and needs no file of its own. It runs
// 'cstbot ask' chrooted into a directory holding nothing but the binary.
func TestStaticBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	bin := buildAsDockerfile(t)
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("the binary is dynamically linked (%v)", p.Type)
		}
	}
	f.Close()
	if out, err := exec.Command(bin, "version").Output(); err != nil || string(out) != "cstbot static-test\n" {
		t.Errorf("version: %q %v (want the -X main.version from the build)", out, err)
	}
	if os.Geteuid() != 0 {
		t.Skip("not root: cannot chroot; the binary was checked for static linking only")
	}
	root := t.TempDir()
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "cstbot"), data, 0o755); err != nil {
		t.Fatal(err)
	}
	c := exec.Command("/cstbot", "ask", "--json", "do I have to undress?")
	c.SysProcAttr = &syscall.SysProcAttr{Chroot: root}
	c.Dir = "/"
	c.Env = []string{} // nothing: no HOME, no PATH, no TZ
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("cstbot ask in an empty root: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), `"id":"clothing"`) {
		t.Errorf("cstbot ask in an empty root: %s", out)
	}
	entries, _ := os.ReadDir(root)
	if len(entries) != 1 {
		t.Errorf("the root held more than the binary: %v", entries)
	}
}
