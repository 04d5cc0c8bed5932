package bot

import "cstbot/internal/match"

// aboutSomeoneElse reports whether the message asks about a group of
// people (children, pregnancy, the elderly, pets) that entry i never
// mentions. The FAQ's general answer ("CST is gentle and safe") is not an
// answer for them, and a specific one would be medical advice: such
// questions go to the therapist.
func (b *Bot) aboutSomeoneElse(ws []string, i int) bool {
	for _, w := range ws {
		if g, ok := specialGroups[w]; ok && !b.words[i][g] {
			return true
		}
	}
	return false
}

// specialGroups maps words for groups of people the FAQ may not speak for
// to the word an entry would use for them.
var specialGroups = groupIndex([][]string{
	{"child", "children", "kid", "kids", "toddler", "toddlers", "baby", "babies", "infant", "infants", "newborn", "newborns", "son", "daughter", "teen", "teens", "teenager", "teenagers", "preschooler", "year-old"},
	{"pregnant", "pregnancy", "expecting", "trimester", "postpartum", "breastfeeding", "nursing"},
	{"elderly", "senior", "seniors", "grandmother", "grandfather", "grandma", "grandpa", "aged"},
	{"dog", "dogs", "cat", "cats", "pet", "pets", "horse", "horses", "animal", "animals"},
})

func groupIndex(groups [][]string) map[string]string {
	m := make(map[string]string)
	for _, g := range groups {
		for _, w := range g {
			m[w] = g[0]
		}
	}
	return m
}

// wordSet is the set of special groups whose words texts use: an entry
// that speaks of "kids" covers a question about "children".
func wordSet(texts ...string) map[string]bool {
	set := make(map[string]bool)
	for _, t := range texts {
		for _, w := range match.Words(t) {
			if g, ok := specialGroups[w]; ok {
				set[g] = true
			}
		}
	}
	return set
}
