package bot

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	defaultfaq "cstbot/faq"
	"cstbot/internal/faq"
	"cstbot/internal/match"
)

// sharedMeaning is loaded once for every test of the package.
var sharedMeaning = sync.OnceValues(func() (*Meaning, error) { return LoadMeaning(defaultfaq.Files) })

func testMeaning(tb testing.TB) *Meaning {
	tb.Helper()
	m, err := sharedMeaning()
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

func shippedFAQ(tb testing.TB) *faq.FAQ {
	tb.Helper()
	f, err := faq.Parse(defaultfaq.Name, defaultfaq.YAML)
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

func shippedBot(tb testing.TB) *Bot {
	tb.Helper()
	return New(shippedFAQ(tb), testMeaning(tb))
}

var (
	contactRE   = regexp.MustCompile(`inna@westsidehealingartscenter\.com|672[-. ]?4259`)
	emergencyRE = regexp.MustCompile(`\b(911|988)\b`)
)

func TestRespondKinds(t *testing.T) {
	b := shippedBot(t)
	tests := []struct {
		text string
		kind Kind
		id   string
	}{
		{"hello!", KindGreeting, ""},
		{"Good afternoon Inna", KindGreeting, ""},
		{"👋", KindGreeting, ""},
		{"thx!!", KindThanks, ""},
		{"thank you, that's very helpful", KindThanks, ""},
		{"🙏", KindThanks, ""},
		{"help", KindHelp, ""},
		{"what can I ask you?", KindHelp, ""},
		{"", KindHelp, ""},
		{"?!", KindHelp, ""},
		{"hi! do I need to take my clothes off?", KindAnswer, "clothing"},
		{"DO I HAVE TO UNDRESS", KindAnswer, "clothing"},
		{"how long does an apointment last", KindAnswer, "session-length"},
		{"how many sesions do people need", KindAnswer, "number-of-sessions"},
		{"what's craniosacrel therapy", KindAnswer, "what-is-cst"},
		{"whats ur email", KindAnswer, "contact"},
		{"how much is a session", KindFallback, ""},
		{"do you take insurance", KindFallback, ""},
		{"is it safe for toddlers", KindFallback, ""},
		{"what is the capital of France", KindFallback, ""},
		{"I want to kill myself", KindUrgent, ""},
		{"my wife has crushing chest pain", KindUrgent, ""},
		{"he fell, hit his head and is confused and vomiting", KindUrgent, ""},
		{"I took too many pills", KindUrgent, ""},
	}
	for _, tt := range tests {
		r := b.Respond(context.Background(), Message{Text: tt.text})
		if r.Kind != tt.kind || r.ID != tt.id {
			t.Errorf("Respond(%q) = %s %q (score %.2f), want %s %q", tt.text, r.Kind, r.ID, r.Score, tt.kind, tt.id)
		}
	}
}

func TestReplyParts(t *testing.T) {
	b := shippedBot(t)
	ctx := context.Background()
	for _, text := range []string{"hi", "thanks", "help", "clothes?", "how much does it cost", "", strings.Repeat("blah ", 20000)} {
		r := b.Respond(ctx, Message{Text: text})
		if !contactRE.MatchString(r.Text) || r.Contact == nil {
			t.Errorf("Respond(%.20q) (%s): no contact details in %q", text, r.Kind, r.Text)
		}
		if r.Kind == KindFallback && (len(r.Suggestions) < 2 || len(r.Suggestions) > 3) {
			t.Errorf("fallback for %.20q has %d suggestions, want 2 or 3", text, len(r.Suggestions))
		}
		switch r.Kind {
		case KindGreeting, KindHelp, KindFallback:
			if !strings.Contains(r.Text, "not medical advice") {
				t.Errorf("%s reply does not say it is not medical advice: %q", r.Kind, r.Text)
			}
		}
	}
	u := b.Respond(ctx, Message{Text: "I don't want to live anymore"})
	if u.Kind != KindUrgent || !strings.Contains(u.Text, "988") || !strings.Contains(u.Text, "911") || !strings.Contains(u.Text, "(415) 672-4259") {
		t.Errorf("crisis reply = %+v", u)
	}
	if strings.Contains(u.Text, "Craniosacral") {
		t.Errorf("urgent reply carries FAQ content: %q", u.Text)
	}
	a := b.Respond(ctx, Message{Text: "do I have to undress"})
	if a.Title != "Do I have to undress?" || !strings.HasPrefix(a.Text, a.Title) || !strings.Contains(a.Text, a.Body) {
		t.Errorf("answer reply = %+v", a)
	}
}

func TestAnswerAndTopics(t *testing.T) {
	b := shippedBot(t)
	if len(b.Topics()) != len(b.FAQ().Entries) {
		t.Fatalf("Topics() has %d, FAQ %d", len(b.Topics()), len(b.FAQ().Entries))
	}
	r, ok := b.Answer("clothing")
	if !ok || r.Kind != KindAnswer || r.ID != "clothing" {
		t.Errorf("Answer(clothing) = %+v, %v", r, ok)
	}
	if _, ok := b.Answer("nope"); ok {
		t.Errorf("Answer(nope) found an entry")
	}
}

func TestOddInput(t *testing.T) {
	b := shippedBot(t)
	for _, text := range []string{"", " \n\t ", "\xff\xfe\xfd", "😀😀😀", strings.Repeat("x", 100<<10), strings.Repeat("how long is a session ", 5000), "\u202e\u200b\u0000", "ｃｌｏｔｈｅｓ？"} {
		r := b.Respond(context.Background(), Message{Text: text})
		if r.Kind == "" || r.Text == "" {
			t.Errorf("Respond(%.20q) = %+v", text, r)
		}
	}
	// Full-width letters fold to ASCII.
	if r := b.Respond(context.Background(), Message{Text: "ｃｌｏｔｈｅｓ？"}); r.ID != "clothing" {
		t.Errorf("full-width clothes: %s %q", r.Kind, r.ID)
	}
}

func TestResponderFunc(t *testing.T) {
	var r Responder = ResponderFunc(func(_ context.Context, m Message) Reply { return Reply{Text: m.Text} })
	if got := r.Respond(context.Background(), Message{Text: "x"}); got.Text != "x" {
		t.Errorf("ResponderFunc did not call the function")
	}
}

func FuzzRespond(f *testing.F) {
	b := shippedBot(f)
	for _, s := range []string{"hi", "clothes?", "", "\xff", "I want to die", "how long", "😀"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		r := b.Respond(context.Background(), Message{Text: text})
		if r.Text == "" {
			t.Fatalf("empty reply to %q", text)
		}
		if r.Kind != KindUrgent && !contactRE.MatchString(r.Text) {
			t.Fatalf("no contact details in the %s reply to %q", r.Kind, text)
		}
		if r.Kind == KindUrgent && !emergencyRE.MatchString(r.Text) {
			t.Fatalf("urgent reply without 911/988 to %q", text)
		}
		if (r.Kind == KindAnswer) != (r.ID != "") {
			t.Fatalf("kind %s with id %q", r.Kind, r.ID)
		}
	})
}

// TestEveryQuestionReachesItsEntry guards the shipped FAQ against entries
// that shadow each other: each question, and each other phrasing, must be
// answered by its own entry.
func TestEveryQuestionReachesItsEntry(t *testing.T) {
	b := shippedBot(t)
	for _, e := range b.FAQ().Entries {
		for _, q := range append([]string{e.Question}, e.Also...) {
			r := b.Respond(context.Background(), Message{Text: q})
			if r.ID != e.ID {
				t.Errorf("%q (entry %q) reached %s %q", q, e.ID, r.Kind, r.ID)
			}
		}
	}
}

// TestUrgentRulesPrefilter checks that every rule's cheap prefilter was
// derived, so that none silently runs its regular expressions on every
// message, and that it never rules out a message the rule matches.
func TestUrgentRulesPrefilter(t *testing.T) {
	rules := testMeaning(t).rules
	for i, r := range rules.rules {
		if len(r.leads) == 0 {
			t.Errorf("rule %d (%s): no leading literals", i, r.all[0])
		}
	}
	for _, text := range []string{"I want to end my life", "my chest hurts", "he is having a seizure", "suddenly I can't see", "I'm bleeding heavily", "not breathing", "call 911"} {
		if _, ok := rules.match(match.Words(text)); !ok {
			t.Errorf("rules.match(%q) = false", text)
		}
	}
}

func TestCommandsAndTaps(t *testing.T) {
	b := shippedBot(t)
	ctx := context.Background()
	tests := []struct {
		m    Message
		kind Kind
		id   string
	}{
		{Command("", CommandStart, ""), KindGreeting, ""},
		{Command("", CommandHelp, ""), KindHelp, ""},
		{Command("", CommandContact, ""), KindHelp, ""},
		{Command("", CommandTopics, ""), KindHelp, ""},
		{Tap("", "clothing"), KindAnswer, "clothing"},
		{Tap("", "removed-since"), KindFallback, ""},
	}
	for _, tt := range tests {
		r := b.Respond(ctx, tt.m)
		if r.Kind != tt.kind || r.ID != tt.id || !contactRE.MatchString(r.Text) {
			t.Errorf("Respond(%+v) = %s %q %q", tt.m, r.Kind, r.ID, r.Text)
		}
	}
	if r := b.Respond(ctx, Command("", CommandTopics, "")); len(r.Suggestions) != len(b.FAQ().Entries) {
		t.Errorf("topics: %d suggestions, want all %d", len(r.Suggestions), len(b.FAQ().Entries))
	}
	if r := b.Respond(ctx, Command("", CommandStart, "")); len(r.Suggestions) != 3 {
		t.Errorf("welcome: %d example questions, want 3", len(r.Suggestions))
	}
}

func TestSearch(t *testing.T) {
	b := shippedBot(t)
	tests := []struct{ filter, first string }{
		{"how many", "number-of-sessions"},
		{"undres", "clothing"},       // a typo: found by the matcher
		{"do i have to", "clothing"}, // letters in order
		{"apointment lenght", "session-length"},
	}
	for _, tt := range tests {
		got := b.Search(tt.filter)
		if len(got) == 0 || got[0].ID != tt.first {
			t.Errorf("Search(%q) = %v, want %q first", tt.filter, got, tt.first)
		}
	}
	if got := b.Search(""); len(got) != len(b.FAQ().Entries) {
		t.Errorf("Search(\"\") = %d topics, want all", len(got))
	}
}

func TestSelfTestShippedFAQ(t *testing.T) {
	f, err := faq.Parse(defaultfaq.Name, defaultfaq.YAML)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range f.Entries {
		n += len(e.Examples)
		if len(e.Examples) == 0 {
			t.Errorf("entry %q has no examples", e.ID)
		}
	}
	for _, p := range SelfTest(f, testMeaning(t)) {
		t.Error(p)
	}
	t.Logf("%d examples", n)
}

func TestSelfTestFindsCollisions(t *testing.T) {
	f, err := faq.Parse("faq.yaml", []byte(`contact:
  name: Inna
  email: inna@example.com
entries:
  - id: length
    question: How long is a session?
    answer: About an hour.
    examples:
      - how long does an appointment last
      - do I have to undress
  - id: duration
    question: How long is a session?
    answer: Sixty minutes.
`))
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(SelfTest(f, testMeaning(t)))
	for _, want := range []string{
		`faq.yaml:10: entry "length": example "do I have to undress" gets a fallback reply`,
		`faq.yaml:11: entry "duration": its question reaches entry "length"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("SelfTest lacks %q:\n%s", want, got)
		}
	}
}

func TestUrgentWordings(t *testing.T) {
	b := shippedBot(t)
	urgent := []string{
		"I'm going to kill myself tonight", "i feel like ending it all", "thinking about suicide", "I cut myself again",
		"my mom's face is drooping on one side", "my husband suddenly can't speak and his arm is weak",
		"I have crushing pain in my chest", "she's unconscious and not responding", "he can't breathe",
		"there's blood everywhere and it won't stop", "my daughter is having a seizure", "my son swallowed a bunch of pills",
		"I hit my head really hard and my pupils look different sizes", "worst headache of my life came on suddenly",
		"nobody would miss me if i was gone",
		// told of as past, yet happening again: the rule's past is weighed, not obeyed
		"I tried to kill myself years ago and now I want to die again", "he had a seizure as a kid and he is having one right now",
		// slang, and a word or two
		"honestly i just wanna unalive", "heart attack help", "stroke now",
		// Spanish, which the encoder reads as small talk
		"mi esposo no respira bien, esta azul", "ya no quiero vivir",
	}
	for _, text := range urgent {
		if r := b.Respond(context.Background(), Message{Text: text}); r.Kind != KindUrgent {
			t.Errorf("Respond(%q) = %s %q, want urgent", text, r.Kind, r.ID)
		}
	}
	notUrgent := []string{
		"I had a head injury years ago, can cst help?", "I had a stroke last year, can cst help my recovery",
		"I took my pills this morning, can I still come", "my neck hurts after the session, is that normal?",
		"can it help with depression",
		// a rule's words, told of as over
		"I self-harmed as a teenager but I have been fine for ten years. Is CST ok for me?",
		"my dad survived a cardiac arrest in 2019, could he have a session",
	}
	for _, text := range notUrgent {
		if r := b.Respond(context.Background(), Message{Text: text}); r.Kind == KindUrgent {
			t.Errorf("Respond(%q) is urgent; it is not an emergency", text)
		}
	}
}

// TestFallbackSuggestsNearby: a fallback suggests the entries nearest the
// question by meaning, and gives the contact details once.
func TestFallbackSuggestsNearby(t *testing.T) {
	b := shippedBot(t)
	for _, tt := range []struct{ q, near string }{
		{"is there parking nearby", "location"},
		{"how much is a package of ten sessions", "number-of-sessions"},
	} {
		r := b.Respond(context.Background(), Message{Text: tt.q})
		if r.Kind != KindFallback || len(r.Suggestions) == 0 || r.Suggestions[0].ID != tt.near {
			t.Errorf("Respond(%q) = %s with suggestions %v, want a fallback suggesting %s first", tt.q, r.Kind, r.Suggestions, tt.near)
		}
		if n := strings.Count(r.Text, "inna@westsidehealingartscenter.com"); n != 1 {
			t.Errorf("Respond(%q): the email appears %d times, want once", tt.q, n)
		}
	}
}
