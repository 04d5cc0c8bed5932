// Package faq holds the default FAQ and what the bot knows beyond it,
// built into the binary so that cstbot answers with no configuration at
// all: faq.yaml, the phrase bank (phrases/*.txt and the vectors go
// generate computes for it, phrases/vectors.bin) and the rules
// (rules/*.txt). It is data only.
package faq

import "embed"

// Name is the default FAQ's file name, used in messages.
const Name = "faq.yaml"

// YAML is the default FAQ, faq.yaml in this directory.
//
//go:embed faq.yaml
var YAML []byte

// Files is this directory as the bot reads it: faq.yaml, phrases/ and
// rules/ (see bot.LoadMeaning).
//
//go:embed faq.yaml phrases rules
var Files embed.FS

//go:generate go run ./internal/vectors
