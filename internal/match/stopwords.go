package match

import (
	"maps"
	"slices"
)

// stopwords carry no topic on their own. Question words that do (who, where,
// when, why) are deliberately absent, and so is "not".
var stopwords = toSet(`a about above after again against all am an and any are as at
be because been before being below between both but by can could did do does doing
down during each else ever few for from further had has have having he her here hers
herself him himself his how i if in into is it its itself just let lets me might more
most must my myself no nor of off on once only or other ought our ours ourselves out over
own really same shall she should so some such than that the their theirs them themselves
then there these they this those through to too under until up us very was we were what
which while whom will with would you your yours  also am anyway
actually basically honestly please pls hi hello hey ok okay yes yeah um uh oh well like
just maybe kind sort bit lot get got go going gonna wanna want know tell say said
thing things stuff something anything one someone anyone guess wondering wonder
question questions ask asking curious hear heard thinking think mean
never done ever even good great nice whole general okay sure right much
take takes taking took exactly exact specifically precisely
somehow somewhat kinda sorta lol haha tbh btw anyways
two three four five six seven eight nine ten`)

func toSet(s string) map[string]bool {
	m := make(map[string]bool)
	w := ""
	for _, r := range s + " " {
		if r == ' ' || r == '\n' || r == '\t' {
			if w != "" {
				m[w] = true
			}
			w = ""
			continue
		}
		w += string(r)
	}
	return m
}

// stopwordTypos finds the stopword a short misspelt word stands for.
var stopwordTypos = func() *typoIndex {
	ix := newTypoIndex()
	for _, w := range slices.Sorted(maps.Keys(stopwords)) { // sorted: ties break the same way every run
		if len(w) >= 2 {
			ix.addAny(w)
		}
	}
	return ix
}()
