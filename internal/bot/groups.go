package bot

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"cstbot/internal/match"
)

// groups are the groups of people of rules/groups.txt that the FAQ may
// not speak for: young children, pregnancy, the very old, animals.
type groups struct {
	words    map[string]string // word -> group
	patterns []groupPattern
	not      []*regexp.Regexp
	young    [2]int // ages that are a young child
	old      [2]int // ages that are very old
}

type groupPattern struct {
	group string
	re    *regexp.Regexp
}

func parseGroups(file string, data []byte) (*groups, error) {
	g := &groups{words: make(map[string]string), young: [2]int{-1, -1}, old: [2]int{-1, -1}}
	err := readSections(file, data, func(section, line string, n int) error {
		switch {
		case section == "ages":
			name, span, ok := strings.Cut(line, ":")
			lo, hi, ok2 := strings.Cut(strings.TrimSpace(span), "-")
			a, err1 := strconv.Atoi(strings.TrimSpace(lo))
			b, err2 := strconv.Atoi(strings.TrimSpace(hi))
			if !ok || !ok2 || err1 != nil || err2 != nil || a > b {
				return fmt.Errorf("want \"young: FROM-TO\" or \"old: FROM-TO\", e.g. \"young: 0-12\"")
			}
			switch strings.TrimSpace(name) {
			case "young":
				g.young = [2]int{a, b}
			case "old":
				g.old = [2]int{a, b}
			default:
				return fmt.Errorf("unknown age group %q (known: young, old)", name)
			}
		case strings.HasPrefix(line, "re:"):
			re, err := regexp.Compile(`\b(?:` + strings.TrimSpace(line[3:]) + `)`)
			if err != nil {
				return fmt.Errorf("not a regular expression: %v", err)
			}
			if section == "not" {
				g.not = append(g.not, re)
			} else {
				g.patterns = append(g.patterns, groupPattern{section, re})
			}
		case section == "not":
			return fmt.Errorf("[not] takes only \"re:\" lines")
		default:
			for _, w := range strings.Fields(line) {
				g.words[w] = section
			}
		}
		return nil
	})
	return g, err
}

// about returns the groups a message mentions, by its words ws: a word or
// expression of a group, or an age, unless a [not] expression takes it
// back.
func (g *groups) about(ws []string) []string {
	joined := " " + strings.Join(ws, " ") + " "
	for _, re := range g.not {
		joined = re.ReplaceAllString(joined, " ")
	}
	var out []string
	add := func(group string) {
		if !slices.Contains(out, group) {
			out = append(out, group)
		}
	}
	fields := strings.Fields(joined)
	for _, w := range fields {
		if group, ok := g.words[w]; ok {
			add(group)
		}
	}
	for _, p := range g.patterns {
		if p.re.MatchString(joined) {
			add(p.group)
		}
	}
	for _, age := range ages(fields) {
		switch {
		case age >= g.young[0] && age <= g.young[1]:
			add("child")
		case age >= g.old[0] && age <= g.old[1]:
			add("elderly")
		}
	}
	return out
}

// ages finds the ages a message gives: "a 3 year old", "5yo", "aged 80",
// "he is five", "my mother is 92", "6 months old" (0), "i am 85".
func ages(ws []string) []int {
	var out []int
	for i, w := range ws {
		next := func(k int) string {
			if i+k < len(ws) {
				return ws[i+k]
			}
			return ""
		}
		if n, ok := strings.CutSuffix(w, "yo"); ok {
			if a, ok := number(n); ok {
				out = append(out, a)
			}
			continue
		}
		a, ok := number(w)
		if !ok {
			continue
		}
		width := 1
		if tens, ok := numberWords[w]; ok && tens >= 20 && tens%10 == 0 {
			if u, ok := numberWords[next(1)]; ok && u < 10 {
				a, width = tens+u, 2 // "eighty five"
			}
		}
		after, after2 := next(width), next(width+1)
		prev, prev2 := "", ""
		if i > 0 {
			prev = ws[i-1]
		}
		if i > 1 {
			prev2 = ws[i-2]
		}
		switch {
		case (after == "year" || after == "years" || after == "yr" || after == "yrs") && after2 == "old",
			(after == "years" || after == "yrs") && after2 == "of":
			out = append(out, a)
		case (after == "month" || after == "months" || after == "week" || after == "weeks" || after == "day" || after == "days") && after2 == "old":
			out = append(out, 0)
		case prev == "aged" || prev == "age":
			out = append(out, a)
		case prev == "is" && ageSubjects[prev2], prev == "am" && prev2 == "i", prev == "are" && prev2 == "they":
			if after == "" || !ageUnits[after] { // "she is 30 weeks pregnant" is not an age
				out = append(out, a)
			}
		}
	}
	return out
}

// ageSubjects are who "is N" gives the age of.
var ageSubjects = map[string]bool{"he": true, "she": true, "son": true, "daughter": true, "boy": true, "girl": true,
	"baby": true, "child": true, "kid": true, "mother": true, "father": true, "mom": true, "mum": true, "dad": true,
	"grandmother": true, "grandfather": true, "grandma": true, "grandpa": true, "nan": true, "granny": true,
	"husband": true, "wife": true, "partner": true, "brother": true, "sister": true, "grandson": true, "granddaughter": true}

// ageUnits after "is N" make N something other than an age.
var ageUnits = map[string]bool{"weeks": true, "week": true, "months": true, "minutes": true, "hours": true, "days": true,
	"times": true, "sessions": true, "dollars": true, "percent": true, "kg": true, "lbs": true, "pounds": true, "am": true, "pm": true}

var numberWords = map[string]int{"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
	"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
	"sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
	"fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100}

func number(w string) (int, bool) {
	if n, ok := numberWords[w]; ok {
		return n, true
	}
	n, err := strconv.Atoi(w)
	return n, err == nil && n >= 0 && n < 150
}

// entryGroups returns the groups an entry's texts speak of.
func (g *groups) entryGroups(texts ...string) map[string]bool {
	set := make(map[string]bool)
	for _, t := range texts {
		for _, grp := range g.about(match.Words(t)) {
			set[grp] = true
		}
	}
	return set
}
