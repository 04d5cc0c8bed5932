// Command vectors computes the vectors of the phrase bank's phrasings and
// of the default FAQ's questions (each with its sentences) and writes
// phrases/vectors.bin, and from those vectors phrases/gram.bin (the ridge
// read-out's Gram matrix of the bank's lines), which the binary embeds so
// that a first load need not compute them. Run it after editing the bank
// or faq.yaml, from faq/:
//
//	go generate ./faq
//
// internal/bot's TestBankVectors and TestBankGram fail while they are
// stale.
package main

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"time"

	"cstbot/internal/bot"
	"cstbot/internal/encode"
	"cstbot/internal/faq"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "vectors:", err)
		os.Exit(1)
	}
}

func run() error {
	data, err := os.ReadFile("faq.yaml")
	if err != nil {
		return err
	}
	f, err := faq.Parse("faq.yaml", data)
	if err != nil {
		return err
	}
	bank, err := bot.ReadBank(os.DirFS("."))
	if err != nil {
		return err
	}
	enc, err := encode.New()
	if err != nil {
		return err
	}
	start := time.Now()
	texts := bot.Texts(f, bank)
	vecs := enc.EncodeAll(texts, runtime.GOMAXPROCS(0))
	var buf bytes.Buffer
	if err := encode.WriteVectors(&buf, texts, vecs); err != nil {
		return err
	}
	if err := os.WriteFile(bot.VectorsFile, buf.Bytes(), 0o644); err != nil {
		return err
	}
	// the bank's Gram matrix, from the vectors as the bot will read them
	vs, err := encode.ReadVectors(buf.Bytes())
	if err != nil {
		return err
	}
	var gram bytes.Buffer
	if err := bot.WriteGram(&gram, bank, vs); err != nil {
		return err
	}
	if err := os.WriteFile(bot.GramFile, gram.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Printf("wrote %s: %d texts, %d bytes, in %v\n", bot.VectorsFile, len(texts), buf.Len(), time.Since(start).Round(time.Millisecond))
	return nil
}
