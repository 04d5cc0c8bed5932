package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"

	"cstbot/internal/encode"
)

// embedLine is one line of 'cstbot embed'.
type embedLine struct {
	Text   string    `json:"text"`
	Vector []float32 `json:"vector"`
}

// embed prints the sentence encoder's vector of each argument, or of each
// line of standard input (empty lines included), one JSON object a line,
// in order.
func (env environment) embed(args []string) error {
	fs := env.flags("embed")
	if err := parse(fs, args); err != nil {
		return err
	}
	enc, err := encode.New()
	if err != nil {
		return err
	}
	out := bufio.NewWriter(env.stdout)
	defer out.Flush()
	j := json.NewEncoder(out)
	j.SetEscapeHTML(false)
	write := func(texts []string) error {
		for i, v := range enc.EncodeAll(texts, runtime.GOMAXPROCS(0)) {
			if err := j.Encode(embedLine{Text: texts[i], Vector: v}); err != nil {
				return fmt.Errorf("embed: write: %w", err)
			}
		}
		return nil
	}
	if fs.NArg() > 0 {
		return write(fs.Args())
	}
	in := bufio.NewReader(env.stdin)
	var batch []string
	for {
		line, err := in.ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("embed: read: %w", err)
		}
		if line != "" || err == nil {
			line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
			batch = append(batch, line)
		}
		if len(batch) == 64 || err != nil {
			if werr := write(batch); werr != nil {
				return werr
			}
			batch = batch[:0]
		}
		if err != nil {
			return nil
		}
	}
}
