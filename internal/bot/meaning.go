package bot

import (
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"sync"

	"cstbot/internal/encode"
	"cstbot/internal/faq"
)

// Meaning is what the bot knows beyond one FAQ: the sentence encoder, the
// phrase bank and its vectors, the urgent and small-talk rules and the
// fusion's weights. It is loaded once and shared by every Bot, across FAQ
// reloads. It remembers the vectors of the FAQ lines it has encoded, so a
// reload encodes only lines that changed. Safe for concurrent use.
type Meaning struct {
	enc    *encode.Encoder
	bank   *faq.Bank
	known  *encode.Vectors // computed in advance by go generate (read-only)
	rules  *urgentRules
	talk   *smallTalk
	groups *groups
	fusion fusion

	// readers holds one token per message being read (encoded and
	// matched), at most one a core: the reading is all computation, so
	// more at once only holds more memory (a burst of a thousand chats
	// would hold a thousand messages' working memory), never answers
	// sooner.
	readers chan struct{}

	mu    sync.Mutex
	cache map[string][]float32 // encoded at load; kept across reloads
	grams perBank[[]float32]   // the bank's Gram matrix (ridge.go)
	words perBank[*bankWords]  // the bank's word models (nb.go)
}

// The files of a Meaning, as laid out in the faq/ directory.
const (
	PhrasesDir    = "phrases"
	VectorsFile   = "phrases/vectors.bin"
	UrgentFile    = "rules/urgent.txt"
	SmallTalkFile = "rules/smalltalk.txt"
	GroupsFile    = "rules/groups.txt"
	FusionFile    = "rules/fusion.txt"
)

// LoadMeaning reads a Meaning from fsys (the embedded faq/ directory, or
// a copy of it): the phrase bank (phrases/*.txt), its vectors and the
// rules. Every problem in the files is reported, with its line.
func LoadMeaning(fsys fs.FS) (*Meaning, error) {
	m := &Meaning{cache: make(map[string][]float32), readers: make(chan struct{}, runtime.GOMAXPROCS(0))}
	bank, err := ReadBank(fsys)
	if err != nil {
		return nil, err
	}
	m.bank = bank
	read := func(name string) ([]byte, error) {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("meaning: %w", err)
		}
		return b, nil
	}
	data, err := read(UrgentFile)
	if err != nil {
		return nil, err
	}
	if m.rules, err = parseUrgentRules(UrgentFile, data); err != nil {
		return nil, err
	}
	if data, err = read(SmallTalkFile); err != nil {
		return nil, err
	}
	if m.talk, err = parseSmallTalk(SmallTalkFile, data); err != nil {
		return nil, err
	}
	if data, err = read(GroupsFile); err != nil {
		return nil, err
	}
	if m.groups, err = parseGroups(GroupsFile, data); err != nil {
		return nil, err
	}
	if data, err = read(FusionFile); err != nil {
		return nil, err
	}
	if m.fusion, err = parseFusion(FusionFile, data); err != nil {
		return nil, err
	}
	if m.enc, err = encode.New(); err != nil {
		return nil, err
	}
	m.known = &encode.Vectors{}
	if data, err := fs.ReadFile(fsys, VectorsFile); err == nil {
		vs, err := encode.ReadVectors(data)
		if err != nil {
			return nil, fmt.Errorf("meaning: %s: %w", VectorsFile, err)
		}
		if vs.Model == encode.Fingerprint() { // else stale: encode at load instead
			m.known = vs
		}
	}
	if data, err := fs.ReadFile(fsys, GramFile); err == nil {
		if key, g, ok := readGram(data); ok && key == phrasesKey(bank.Phrases) { // else stale: computed at load
			m.grams.put(key, g)
		}
	}
	return m, nil
}

// ReadBank reads and validates the phrase bank's files, phrases/*.txt.
func ReadBank(fsys fs.FS) (*faq.Bank, error) {
	names, err := fs.Glob(fsys, path.Join(PhrasesDir, "*.txt"))
	if err != nil {
		return nil, fmt.Errorf("phrase bank: %w", err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("phrase bank: no %s/*.txt files", PhrasesDir)
	}
	var files []faq.BankFile
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, fmt.Errorf("phrase bank: %w", err)
		}
		files = append(files, faq.BankFile{Name: n, Data: b})
	}
	return faq.ParseBank(files)
}

// Bank returns the phrase bank.
func (m *Meaning) Bank() *faq.Bank { return m.bank }

// Encoder returns the sentence encoder.
func (m *Meaning) Encoder() *encode.Encoder { return m.enc }

// vectors returns the vectors of texts: known in advance, remembered from
// an earlier load, or encoded now, in parallel.
func (m *Meaning) vectors(texts []string) [][]float32 {
	out := make([][]float32, len(texts))
	var missing []string
	var at []int
	m.mu.Lock()
	for i, t := range texts {
		if v, ok := m.known.Lookup(t); ok {
			out[i] = v
		} else if v, ok := m.cache[t]; ok {
			out[i] = v
		} else {
			missing = append(missing, t)
			at = append(at, i)
		}
	}
	m.mu.Unlock()
	if len(missing) == 0 {
		return out
	}
	vs := m.enc.EncodeAll(missing, runtime.GOMAXPROCS(0))
	m.mu.Lock()
	for j, v := range vs {
		out[at[j]] = v
		m.cache[missing[j]] = v
	}
	m.mu.Unlock()
	return out
}

// vector returns one text's vector, as vectors does, without remembering
// it: a client's message is encoded and forgotten.
func (m *Meaning) vector(text string) []float32 {
	if v, ok := m.known.Lookup(text); ok {
		return v
	}
	return m.enc.Encode(text)
}

// Texts lists every text whose vector a bot on this FAQ and bank may
// look up rather than encode: the bank's phrasings and the FAQ's
// questions and "also" lines, each with its sentences. go generate
// computes them in advance (faq/internal/vectors).
func Texts(f *faq.FAQ, bank *faq.Bank) []string {
	var out []string
	seen := make(map[string]bool)
	add := func(t string) {
		for _, s := range messageTexts(t) {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	for _, p := range bank.Phrases {
		add(p.Text)
	}
	for _, e := range f.Entries {
		add(e.Question)
		for _, a := range e.Also {
			add(a)
		}
	}
	slices.Sort(out)
	return out
}
