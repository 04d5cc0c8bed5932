package match

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// words splits text into lowercase words with accents folded away and
// contractions and texting shorthand expanded: "What's up w/ Café?" becomes
// [what is up w cafe]. Anything that is not a letter or a digit (punctuation,
// emoji, symbols) separates words. Invalid UTF-8 is treated as separators.
func words(text string) []string {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, " ")
	}
	text = foldAccents(strings.ToLower(text))
	var out []string
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		out = appendWord(out, strings.Trim(text[start:end], "'"))
		start = -1
	}
	for i, r := range text {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if start < 0 {
				start = i
			}
		case r == '\'' && start >= 0:
			// inside a word: keep it for the contraction rules
		default:
			flush(i)
		}
	}
	flush(len(text))
	return out
}

// foldAccents removes combining marks ("café" -> "cafe") and maps typographic
// apostrophes to the ASCII one, so that "don’t" is "don't".
func foldAccents(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == '’' || r == '‘' || r == 'ʼ' || r == '`' || r == '´':
			b.WriteByte('\'')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// appendWord appends w to out, expanded when it is a contraction or
// shorthand clients type.
func appendWord(out []string, w string) []string {
	if w == "" {
		return out
	}
	if exp, ok := shorthand[w]; ok {
		return append(out, exp...)
	}
	if i := strings.IndexByte(w, '\''); i >= 0 {
		base, suffix := w[:i], w[i+1:]
		switch suffix {
		case "t": // don't, can't, won't
			if strings.HasSuffix(base, "n") {
				base = strings.TrimSuffix(base, "n")
				switch base {
				case "ca":
					base = "can"
				case "wo":
					base = "will"
				case "sha":
					base = "shall"
				}
				if base != "" {
					out = append(out, base)
				}
				return append(out, "not")
			}
		case "s", "d", "ll", "re", "ve", "m":
			if base != "" {
				out = append(out, base)
			}
			if full, ok := contractionSuffix[suffix]; ok {
				out = append(out, full)
			}
			return out
		}
		if w = strings.ReplaceAll(w, "'", ""); w != "" {
			out = append(out, w)
		}
		return out
	}
	return append(out, w)
}

var contractionSuffix = map[string]string{
	"s": "is", "d": "would", "ll": "will", "re": "are", "ve": "have", "m": "am",
}

// shorthand lists contractions typed without the apostrophe and common
// texting abbreviations.
var shorthand = map[string][]string{
	"dont": {"do", "not"}, "doesnt": {"does", "not"}, "didnt": {"did", "not"},
	"cant": {"can", "not"}, "wont": {"will", "not"}, "isnt": {"is", "not"},
	"arent": {"are", "not"}, "wasnt": {"was", "not"}, "havent": {"have", "not"},
	"shouldnt": {"should", "not"}, "wouldnt": {"would", "not"}, "couldnt": {"could", "not"},
	"hasnt": {"has", "not"}, "hadnt": {"had", "not"}, "werent": {"were", "not"}, "aint": {"is", "not"},
	"youve": {"you", "have"}, "theyre": {"they", "are"}, "itll": {"it", "will"}, "whens": {"when", "is"},
	"im": {"i", "am"}, "ive": {"i", "have"}, "youre": {"you", "are"},
	"whats": {"what", "is"}, "wheres": {"where", "is"}, "hows": {"how", "is"},
	"whos": {"who", "is"}, "thats": {"that", "is"}, "theres": {"there", "is"},
	"u": {"you"}, "ya": {"you"}, "r": {"are"}, "ur": {"your"}, "pls": {"please"},
	"plz": {"please"}, "thx": {"thanks"}, "tx": {"thanks"}, "ty": {"thank", "you"},
	"abt": {"about"}, "wat": {"what"}, "wht": {"what"}, "hw": {"how"},
	"b4": {"before"}, "bc": {"because"}, "cuz": {"because"}, "w": {"with"},
	"hrs": {"hours"}, "hr": {"hour"}, "mins": {"minutes"}, "min": {"minutes"},
	"appt": {"appointment"}, "appts": {"appointments"}, "info": {"information"},
}

// Words returns text's words as the index reads them before stopwords,
// stemming and synonyms: lowercase, accents folded, contractions expanded
// ("Don’t" -> "do", "not"), punctuation and emoji dropped.
func Words(text string) []string { return words(text) }
