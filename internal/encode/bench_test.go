package encode

import (
	"runtime"
	"slices"
	"testing"
	"time"
)

// The messages of the benchmarks: 5, 20 and 60 words.
var benchTexts = map[string]string{
	"5words":  "Do I have to undress?",
	"20words": "Hi, my back has been hurting for months and I wonder how many sessions I would need before it gets better?",
	"60words": "Hello there, I hope you are well. My name does not matter much, but I have been dealing with tension headaches and a stiff neck since a car accident two years ago. My physical therapist suggested I try craniosacral therapy, and a friend of mine also said it helped her sleep. Before I book anything, could you tell me what actually happens during a first session?",
}

// BenchmarkEncode is one message at a time, with its median and 99th
// percentile; run with -cpu 1 for the README's figures.
func BenchmarkEncode(b *testing.B) {
	e := encoder(b)
	for _, name := range []string{"5words", "20words", "60words"} {
		text := benchTexts[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			e.Encode(text)
			times := make([]time.Duration, 0, b.N)
			for b.Loop() {
				start := time.Now()
				e.Encode(text)
				times = append(times, time.Since(start))
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(len(e.Tokenizer().Tokenize(text))), "pieces")
		})
	}
}

// BenchmarkNew measures loading the embedded weights, and the memory the
// loaded model holds (live heap after a collection, MB-held).
func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := New(); err != nil {
			b.Fatal(err)
		}
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	e, err := New()
	if err != nil {
		b.Fatal(err)
	}
	e.Encode("warm the working memory")
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MB-held")
	runtime.KeepAlive(e)
}
