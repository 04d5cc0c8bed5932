// Package faq holds the default FAQ, built into the binary so that cstbot
// answers with no configuration at all.
package faq

import _ "embed"

// Name is the default FAQ's file name, used in messages.
const Name = "faq.yaml"

// YAML is the default FAQ, faq.yaml in this directory.
//
//go:embed faq.yaml
var YAML []byte
