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
// and adapters never import each other.
func TestDependencyDirection(t *testing.T) {
	core := map[string][]string{ // package -> the cstbot packages it may import
		"internal/match": nil,
		"internal/faq":   nil,
		"internal/bot":   {"internal/faq", "internal/match"},
		"internal/limit": nil,
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
		pkg, err := build.ImportDir(filepath.Join("../..", rel), 0)
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		allowed, isCore := core[rel]
		if !isCore { // an adapter
			allowed = []string{"internal/bot", "internal/faq", "internal/match", "internal/limit"}
		}
		for _, imp := range pkg.Imports {
			if own, ok := strings.CutPrefix(imp, "cstbot/"); ok {
				if !slices.Contains(allowed, own) {
					t.Errorf("%s imports %s", rel, imp)
				}
				continue
			}
			if isCore && (strings.Contains(imp, "telebot") || strings.Contains(imp, "discordgo") || imp == "net/http") {
				t.Errorf("core package %s imports %s", rel, imp)
			}
		}
	}
}
