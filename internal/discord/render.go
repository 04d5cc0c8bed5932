package discord

import (
	"strings"

	"github.com/bwmarrin/discordgo"

	"cstbot/internal/bot"
	"cstbot/internal/chunk"
)

// Discord's limits.
const (
	maxContent     = 2000 // a message's content
	maxDescription = 4096 // an embed's description
	maxTitle       = 256
	maxFooter      = 2048
	maxLabel       = 80 // a button's label
	embedColor     = 0x5B8C85
)

// escapeMarkdown keeps the therapist's text from being read as Discord
// markdown (an asterisk in an answer is an asterisk).
var escapeMarkdown = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "~", `\~`, "`", "\\`", "|", `\|`, ">", `\>`).Replace

// messages lays a reply out for Discord: an embed (title: the question;
// description: the answer; footer: the contact details), split into more
// messages where the text is too long, with suggestion buttons under the
// last. An urgent reply is plain text, the most visible there is.
func messages(r bot.Reply) []*discordgo.MessageSend {
	if r.Kind == bot.KindUrgent {
		var out []*discordgo.MessageSend
		for _, c := range chunk.Split(escapeMarkdown(r.Text), maxContent, chunk.Runes) {
			out = append(out, &discordgo.MessageSend{Content: c, AllowedMentions: noPings()})
		}
		return out
	}
	desc := escapeMarkdown(r.Body)
	if r.Notice != "" {
		desc += "\n\n*" + escapeMarkdown(r.Notice) + "*"
	}
	footer := ""
	if r.Contact != nil {
		footer = truncate(r.Footer, maxFooter)
	}
	parts := chunk.Split(desc, maxDescription, chunk.Runes)
	out := make([]*discordgo.MessageSend, len(parts))
	for i, p := range parts {
		e := &discordgo.MessageEmbed{Description: p, Color: embedColor}
		if i == 0 && r.Title != "" {
			e.Title = truncate(r.Title, maxTitle)
		}
		if i == len(parts)-1 && footer != "" {
			e.Footer = &discordgo.MessageEmbedFooter{Text: footer}
		}
		out[i] = &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{e}, AllowedMentions: noPings()}
	}
	out[len(out)-1].Components = components(r)
	return out
}

// components are the reply's buttons: each suggestion answers its entry
// when clicked; a link button for the website where there is one.
func components(r bot.Reply) []discordgo.MessageComponent {
	var rows []discordgo.MessageComponent
	for _, s := range r.Suggestions {
		if len(rows) == 4 {
			break
		}
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: truncate(s.Question, maxLabel), Style: discordgo.SecondaryButton, CustomID: customIDPrefix + s.ID},
		}})
	}
	if r.Kind == bot.KindAnswer && r.ID != "" { // was this helpful?
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Helpful", Emoji: &discordgo.ComponentEmoji{Name: "👍"}, Style: discordgo.SecondaryButton, CustomID: feedbackPrefix + bot.FeedbackUp + ":" + r.ID},
			discordgo.Button{Label: "Not helpful", Emoji: &discordgo.ComponentEmoji{Name: "👎"}, Style: discordgo.SecondaryButton, CustomID: feedbackPrefix + bot.FeedbackDown + ":" + r.ID},
		}})
	}
	if r.Contact != nil && r.Contact.Website != "" {
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Website", Style: discordgo.LinkButton, URL: r.Contact.Website},
		}})
	}
	return rows
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
