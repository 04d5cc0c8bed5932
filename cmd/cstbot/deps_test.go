package main

import (
	"go/build"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestDependencyDirection keeps the layering of STYLE.md: cmd -> adapters ->
// bot -> match and faq. The core never imports an adapter or a platform SDK,
// and adapters never import each other. A new package must be added here.
func TestDependencyDirection(t *testing.T) {
	core := []string{"internal/faq", "internal/match", "internal/bot", "internal/edit"}
	allowed := map[string][]string{ // package -> the cstbot packages it may import
		"internal/edit":     nil,
		"internal/chunk":    nil,
		"internal/redact":   nil,
		"internal/match":    {"internal/edit"},
		"internal/encode":   nil,
		"internal/faq":      {"internal/edit"},
		"internal/limit":    nil,
		"internal/backoff":  nil,
		"internal/status":   nil,
		"internal/faqwatch": nil,
		"internal/bot":      {"internal/faq", "internal/match", "internal/encode"},
		"internal/store":    core,
		"internal/metrics":  core,
		"internal/report":   append([]string{"internal/store"}, core...),
		"internal/console":  core,
		"internal/telegram": append([]string{"internal/limit", "internal/backoff", "internal/chunk", "internal/redact"}, core...),
		"internal/discord":  append([]string{"internal/limit", "internal/backoff", "internal/chunk", "internal/redact"}, core...),
		"internal/serve":    append([]string{"internal/telegram", "internal/discord", "internal/store", "internal/metrics", "internal/status", "internal/report", "internal/faqwatch", "internal/encode", "internal/redact"}, core...),
	}
	entries, err := os.ReadDir("../../internal")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		rel := "internal/" + e.Name()
		ok, known := allowed[rel]
		if !known {
			t.Errorf("%s: a new package; say in deps_test.go what it may import", rel)
			continue
		}
		pkg, err := build.ImportDir(filepath.Join("../..", rel), 0)
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		for _, imp := range pkg.Imports {
			if own, isOwn := strings.CutPrefix(imp, "cstbot/"); isOwn {
				if !slices.Contains(ok, own) {
					t.Errorf("%s imports %s", rel, imp)
				}
				continue
			}
			if slices.Contains(core, rel) && (strings.Contains(imp, "telebot") || strings.Contains(imp, "discordgo") || imp == "net/http") {
				t.Errorf("core package %s imports %s", rel, imp)
			}
		}
	}
}
