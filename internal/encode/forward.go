package encode

import (
	"fmt"
	"math"
)

// table is the embedding table: int8 rows with a scale each, dequantized
// one row at a time as pieces are looked up, so it stays 2 MB.
type table struct {
	width  int
	q      []int8
	scales []float32
	f32    []float32 // instead of q and scales, for a float32 weight file
}

func newTable(t *tensorData) table {
	return table{width: t.shape[1], q: t.q, scales: t.scales, f32: t.f32}
}

// addRow adds row id, times k, to dst.
func (t *table) addRow(dst []float32, id int, k float32) {
	if t.f32 != nil {
		for j, v := range t.f32[id*t.width : (id+1)*t.width] {
			dst[j] += k * v
		}
		return
	}
	s := k * t.scales[id]
	for j, q := range t.q[id*t.width : (id+1)*t.width] {
		dst[j] += s * float32(q)
	}
}

func (t *table) bytes() int { return len(t.q) + 4*len(t.scales) + 4*len(t.f32) }

// linear is x·W + b with W in×out, held as halves (half.go) in panels of
// panelWidth columns, each panel k-major (panel[k][0:panelWidth]), the
// layout the matrix kernels stream.
type linear struct {
	in, out int
	packed  []uint16
	bias    []float32
}

// panelWidth is the columns of W one kernel call produces (4 AVX-512
// registers); every matrix of the model is a multiple of it.
const panelWidth = 64

func loadLinear(m *modelData, name string, in, out int) (linear, error) {
	w, err := m.tensor(name+".w", in, out)
	if err != nil {
		return linear{}, err
	}
	b, err := m.tensor(name+".b", out)
	if err != nil {
		return linear{}, err
	}
	if out%panelWidth != 0 {
		return linear{}, fmt.Errorf("encode: weight file: %s is %d wide, not a multiple of %d", name, out, panelWidth)
	}
	vals := w.values()
	l := linear{in: in, out: out, packed: make([]uint16, in*out), bias: b.f32}
	for p := range out / panelWidth {
		panel := l.packed[p*in*panelWidth : (p+1)*in*panelWidth]
		for k := range in {
			toHalves(panel[k*panelWidth:(k+1)*panelWidth], vals[k*out+p*panelWidth:k*out+(p+1)*panelWidth])
		}
	}
	return l, nil
}

// apply sets dst (m×out) to a (m×in) times W, plus the bias.
func (l *linear) apply(dst, a []float32, m int) {
	gemmHalf(dst, l.out, a, l.in, m, l.in, l.out, l.packed)
	for i := range m {
		row := dst[i*l.out : (i+1)*l.out]
		for j, b := range l.bias {
			row[j] += b
		}
	}
}

type layerNorm struct{ scale, bias []float32 }

func loadNorm(m *modelData, name string, width int) (layerNorm, error) {
	s, err := m.tensor(name+".scale", width)
	if err != nil {
		return layerNorm{}, err
	}
	b, err := m.tensor(name+".bias", width)
	if err != nil {
		return layerNorm{}, err
	}
	return layerNorm{s.f32, b.f32}, nil
}

// layer is one transformer layer: pre-norm attention and feed-forward,
// each added to its input. The first layer widens 256 to 512, so its
// residual goes through a dense projection first.
type layer struct {
	width, heads int
	qscale       float32
	ln1, ln2     layerNorm
	dense        *linear // the first layer's residual projection, else nil
	qkv, out     linear
	ffn1, ffn2   linear
}

func loadLayer(m *modelData, p string, in, heads int, widens bool) (layer, error) {
	const width, hidden = 512, 1536
	l := layer{width: in, heads: heads}
	var err error
	q, err := m.scalar(p + "qscale")
	if err != nil {
		return l, err
	}
	l.qscale = float32(q)
	if l.ln1, err = loadNorm(m, p+"ln1", in); err != nil {
		return l, err
	}
	if l.ln2, err = loadNorm(m, p+"ln2", width); err != nil {
		return l, err
	}
	if widens {
		d, err := loadLinear(m, p+"dense", in, width)
		if err != nil {
			return l, err
		}
		l.dense = &d
	}
	if l.qkv, err = loadLinear(m, p+"qkv", in, 3*in); err != nil {
		return l, err
	}
	if l.out, err = loadLinear(m, p+"out", in, width); err != nil {
		return l, err
	}
	if l.ffn1, err = loadLinear(m, p+"ffn1", width, hidden); err != nil {
		return l, err
	}
	if l.ffn2, err = loadLinear(m, p+"ffn2", hidden, width); err != nil {
		return l, err
	}
	if in%heads != 0 {
		return l, fmt.Errorf("encode: weight file: %d heads for width %d", heads, in)
	}
	return l, nil
}

// work is one Encode call's memory, sized for the longest text.
type work struct {
	tok                  scratch
	x, norm, res, qkv    []float32
	scores, keys, values []float32 // attention, per head
	ctx, y, f, h, z      []float32
	pooled, hidden, out  []float32
}

func newWork(maxLen int) *work {
	f := func(n int) []float32 { return make([]float32, n) }
	return &work{
		x: f(maxLen * 512), norm: f(maxLen * 512), res: f(maxLen * 512), qkv: f(maxLen * 1536),
		scores: f(maxLen * maxLen), keys: f(128 * maxLen), values: f(maxLen * 128), ctx: f(maxLen * 512), y: f(maxLen * 512), f: f(maxLen * 512),
		h: f(maxLen * 1536), z: f(maxLen * 512),
		pooled: f(512), hidden: f(1536), out: f(512),
	}
}

// forward computes the vector of pieces ids into out, following the
// graph: x = 2·embedding + timing (the graph adds the embeddings once in
// AddTimingSignal and once more in Layer_0/add), two layers, mean pooling,
// tanh and L2 normalisation.
func (e *Encoder) forward(w *work, ids []int32, out []float32) {
	t := len(ids)
	clear(w.pooled)
	if t > 0 {
		x := w.x[:t*256]
		for i, id := range ids {
			row := x[i*256 : (i+1)*256]
			copy(row, e.timing[i*256:(i+1)*256])
			e.emb.addRow(row, int(id), 2)
		}
		e.layers[0].forward(e, w, x, t, w.z, false)
		e.layers[1].forward(e, w, w.z, t, w.pooled, true)
	}
	e.pool.apply(w.out, w.pooled, 1)
	var sum float32
	for j, v := range w.out {
		v = float32(math.Tanh(float64(v)))
		w.out[j] = v
		sum += v * v
	}
	inv := float32(1 / math.Sqrt(float64(max(sum, e.l2Eps))))
	for j, v := range w.out {
		out[j] = v * inv
	}
}

// forward runs the layer on x (t×width) into dst (t×512). With pool, dst
// is instead the 512-wide mean of the output rows; since the mean is
// linear, the second feed-forward matrix is then applied once, to the mean
// of its inputs, instead of to every row.
func (l *layer) forward(e *Encoder, w *work, x []float32, t int, dst []float32, pool bool) {
	const width, hidden = 512, 1536
	in := l.width
	norm := w.norm[:t*in]
	for i := range t {
		layerNormRow(norm[i*in:(i+1)*in], x[i*in:(i+1)*in], l.ln1, e.lnEps)
	}
	res := x
	if l.dense != nil {
		res = w.res[:t*width]
		l.dense.apply(res, x, t)
	}
	qkv := w.qkv[:t*3*in]
	l.qkv.apply(qkv, norm, t)
	ctx := w.ctx[:t*in]
	l.attend(ctx, qkv, t, w)
	y := w.y[:t*width]
	l.out.apply(y, ctx, t)
	for i, r := range res[:t*width] {
		y[i] += r
	}
	f := w.f[:t*width]
	for i := range t {
		layerNormRow(f[i*width:(i+1)*width], y[i*width:(i+1)*width], l.ln2, e.lnEps)
	}
	h := w.h[:t*hidden]
	l.ffn1.apply(h, f, t)
	for i, v := range h {
		h[i] = max(v, 0)
	}
	if !pool {
		l.ffn2.apply(dst, h, t)
		for i, v := range y {
			dst[i] += v
		}
		return
	}
	mean := w.hidden
	clear(mean)
	clear(dst[:width])
	for i := range t {
		for j, v := range h[i*hidden : (i+1)*hidden] {
			mean[j] += v
		}
		for j, v := range y[i*width : (i+1)*width] {
			dst[j] += v
		}
	}
	scale := 1 / float32(t)
	for j := range mean {
		mean[j] *= scale
	}
	pooled := w.out // free until the tanh layer
	l.ffn2.apply(pooled, mean, 1)
	for j := range width {
		dst[j] = dst[j]*scale + pooled[j]
	}
}

// attend is multi-head scaled dot-product attention over qkv (t rows of
// q, k and v, each l.width wide) into ctx (t×width), each head's two
// products through gemm: scores = q·kᵀ, then ctx = softmax(scores)·v.
func (l *layer) attend(ctx, qkv []float32, t int, w *work) {
	d := l.width
	dh := d / l.heads
	for h := range l.heads {
		q, k, v := h*dh, d+h*dh, 2*d+h*dh // the head's columns in qkv
		tp := packPanels(w.keys, dh, t, func(c, j int) float32 { return qkv[j*3*d+k+c] })
		scores := w.scores[:t*tp]
		gemm(scores, tp, qkv[q:], 3*d, t, dh, tp, w.keys)
		for i := range t {
			softmax(scores[i*tp:i*tp+t], l.qscale)
		}
		packPanels(w.values, t, dh, func(j, c int) float32 { return qkv[j*3*d+v+c] })
		gemm(ctx[h*dh:], d, scores, tp, t, t, dh, w.values)
	}
}

// softmax turns a row of raw scores, scaled by scale first, into weights
// that sum to 1.
func softmax(row []float32, scale float32) {
	peak := float32(math.Inf(-1))
	for j, s := range row {
		s *= scale
		row[j] = s
		peak = max(peak, s)
	}
	var sum float32
	for j, s := range row {
		p := float32(math.Exp(float64(s - peak)))
		row[j] = p
		sum += p
	}
	inv := 1 / sum
	for j := range row {
		row[j] *= inv
	}
}

func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s float32
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// layerNormRow normalises x into dst: (x - mean) / sqrt(variance + eps),
// times scale, plus bias, in the graph's order of operations.
func layerNormRow(dst, x []float32, n layerNorm, eps float32) {
	var sum float32
	for _, v := range x {
		sum += v
	}
	mean := sum / float32(len(x))
	var sq float32
	for _, v := range x {
		d := v - mean
		sq += d * d
	}
	r := float32(1 / math.Sqrt(float64(sq/float32(len(x))+eps)))
	for j, v := range x {
		dst[j] = n.scale[j]*r*(v-mean) + n.bias[j]
	}
}
