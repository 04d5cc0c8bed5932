package discord

import (
	"fmt"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"

	"cstbot/internal/bot"
	"cstbot/internal/chunk"
	"cstbot/internal/limit"
)

// Button custom ids: customIDPrefix+id answers an entry;
// feedbackPrefix+"up:"+id or feedbackPrefix+"down:"+id rates its answer.
const (
	customIDPrefix = "faq:"
	feedbackPrefix = "fb:"
)

// maxChoices is the most autocomplete choices Discord accepts.
const maxChoices = 25

// guard runs a handler: counted as in flight, and with a panic logged
// rather than crashing the process (discordgo does not recover them).
func (a *Adapter) guard(what string, f func()) {
	if a.stopping.Load() {
		return
	}
	a.inflight.Add(1)
	defer a.inflight.Done()
	defer func() {
		if p := recover(); p != nil {
			a.log.Error("discord: handler panic", "in", what, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	f()
}

var mentionRE = regexp.MustCompile(`<@!?(\d+)>`)

func (a *Adapter) onMessage(s *discordgo.Session, m *discordgo.MessageCreate) {
	a.guard("message", func() {
		if m.Author == nil || m.Author.Bot || m.Author.ID == a.me() || m.MentionEveryone {
			return
		}
		text := m.Content
		var ref *discordgo.MessageReference
		if m.GuildID != "" { // a server channel: only messages that mention the bot
			mentioned := false
			for _, u := range m.Mentions {
				mentioned = mentioned || u.ID == a.me()
			}
			if !mentioned {
				return
			}
			text = strings.TrimSpace(mentionRE.ReplaceAllStringFunc(text, func(tag string) string {
				if mentionRE.FindStringSubmatch(tag)[1] == a.me() {
					return " "
				}
				return tag
			}))
			ref = m.Reference()
		}
		switch a.limiter.Check(m.Author.ID) {
		case limit.Drop:
			return
		case limit.Notify:
			a.send(m.ChannelID, &discordgo.MessageSend{Content: floodNotice, Reference: ref, AllowedMentions: noPings()})
			return
		}
		req := bot.Text("discord", text)
		reply := a.r.Respond(a.stopCtx, req)
		a.log.Info("discord: reply", "kind", reply.Kind, "id", reply.ID, "score", reply.Score)
		a.log.Debug("discord: message", "text", text)
		a.cfg.Delivery.Delivered(req, reply, a.sendAll(m.ChannelID, messages(reply), ref))
	})
}

const floodNotice = "You're sending messages faster than I can answer. Please wait a minute, then ask again."

func (a *Adapter) onInteraction(s *discordgo.Session, i *discordgo.InteractionCreate) {
	a.guard("interaction", func() {
		user := i.User
		if i.Member != nil && i.Member.User != nil {
			user = i.Member.User
		}
		if user == nil || user.Bot {
			return
		}
		if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
			a.autocomplete(i.Interaction)
			return
		}
		if a.limiter.Check(user.ID) != limit.Allow {
			a.respond(i.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
				Data: &discordgo.InteractionResponseData{Content: floodNotice, Flags: discordgo.MessageFlagsEphemeral}})
			return
		}
		var m bot.Message
		switch i.Type {
		case discordgo.InteractionApplicationCommand:
			if name := i.ApplicationCommandData().Name; bot.IsAdminCommand(name) {
				a.adminCommand(i.Interaction, user.ID, name)
				return
			}
			m = a.commandMessage(i.ApplicationCommandData())
		case discordgo.InteractionMessageComponent:
			if rating, ok := strings.CutPrefix(i.MessageComponentData().CustomID, feedbackPrefix); ok {
				a.feedback(i.Interaction, rating)
				return
			}
			id, ok := strings.CutPrefix(i.MessageComponentData().CustomID, customIDPrefix)
			if !ok {
				a.respond(i.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
					Data: &discordgo.InteractionResponseData{Content: "Sorry, that button no longer works. Please ask again.", Flags: discordgo.MessageFlagsEphemeral}})
				return
			}
			m = bot.Tap("discord", id)
		default:
			return
		}
		reply := a.r.Respond(a.stopCtx, m)
		if m.Request == bot.RequestTap && reply.Kind == bot.KindFallback && i.Type == discordgo.InteractionApplicationCommand {
			// /faq with text typed rather than a choice picked: ask it.
			m = bot.Text("discord", m.EntryID)
			reply = a.r.Respond(a.stopCtx, m)
		}
		a.log.Info("discord: reply to an interaction", "kind", reply.Kind, "id", reply.ID, "score", reply.Score)
		msgs := messages(reply)
		first := msgs[0]
		err := a.respond(i.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: first.Content, Embeds: first.Embeds, Components: first.Components, AllowedMentions: noPings()}})
		if err == nil { // a long answer continues in the channel
			err = a.sendAll(i.ChannelID, msgs[1:], nil)
		}
		a.cfg.Delivery.Delivered(m, reply, err)
	})
}

// sendAll sends msgs in order, the first as a reply to ref (if any), and
// returns the error it gave up on.
func (a *Adapter) sendAll(channelID string, msgs []*discordgo.MessageSend, ref *discordgo.MessageReference) error {
	for i, msg := range msgs {
		if i == 0 {
			msg.Reference = ref
		}
		if err := a.send(channelID, msg); err != nil {
			return err
		}
	}
	return nil
}

// feedback records a 👍 or 👎 and updates the rated message: the buttons
// go, so that it cannot be rated twice, and a thank-you takes their place.
func (a *Adapter) feedback(i *discordgo.Interaction, rating string) {
	up, id, ok := strings.Cut(rating, ":")
	if !ok || (up != bot.FeedbackUp && up != bot.FeedbackDown) {
		return
	}
	rated := "discord:interaction:" + i.ID
	if i.Message != nil {
		rated = "discord:" + i.Message.ChannelID + ":" + i.Message.ID
	}
	m := bot.Rating("discord", id, up, rated)
	reply := a.r.Respond(a.stopCtx, m)
	a.log.Info("discord: feedback", "id", id, "rating", up)
	data := &discordgo.InteractionResponseData{Content: reply.Body, Components: []discordgo.MessageComponent{}, AllowedMentions: noPings()}
	if i.Message != nil {
		data.Embeds = i.Message.Embeds
	}
	a.cfg.Delivery.Delivered(m, reply, a.respond(i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage, Data: data}))
}

// adminCommand answers /report and /reload for the configured admins only,
// privately; anyone else is told, privately, that it is not available.
func (a *Adapter) adminCommand(i *discordgo.Interaction, userID, name string) {
	text := "This command is not available."
	if slices.Contains(a.cfg.AdminIDs, userID) && a.cfg.Admin != nil {
		a.log.Info("discord: admin command", "command", name)
		text = bot.RunAdmin(a.stopCtx, a.cfg.Admin, name)
	}
	fence := "`" + "``"
	parts := chunk.Split(text, maxContent-10, chunk.Runes)
	for k := range parts {
		parts[k] = fence + "\n" + parts[k] + "\n" + fence
	}
	err := a.respond(i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: parts[0], Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noPings()}})
	if err != nil {
		return
	}
	for _, p := range parts[1:] {
		a.retry(func() error {
			_, err := a.s.FollowupMessageCreate(i, true, &discordgo.WebhookParams{Content: p, Flags: discordgo.MessageFlagsEphemeral})
			return err
		})
	}
}

// commandMessage turns /ask, /faq and /contact into a message for the core.
func (a *Adapter) commandMessage(d discordgo.ApplicationCommandInteractionData) bot.Message {
	opt := func(name string) string {
		for _, o := range d.Options {
			if o.Name == name {
				if s, ok := o.Value.(string); ok {
					return s
				}
			}
		}
		return ""
	}
	switch d.Name {
	case "ask":
		return bot.Text("discord", opt("question"))
	case "faq":
		if id := strings.TrimSpace(opt("topic")); id != "" {
			return bot.Tap("discord", id)
		}
		return bot.Command("discord", bot.CommandTopics, "")
	case "contact":
		return bot.Command("discord", bot.CommandContact, "")
	}
	return bot.Command("discord", bot.CommandHelp, "")
}

// autocomplete offers the FAQ questions that match what was typed so far,
// ranked by sahilm/fuzzy in the core; the value of a choice is its id.
func (a *Adapter) autocomplete(i *discordgo.Interaction) {
	typed := ""
	for _, o := range i.ApplicationCommandData().Options {
		if o.Focused {
			typed, _ = o.Value.(string)
		}
	}
	// Shown, not asked: through the catalog, so nothing is recorded.
	choices := []*discordgo.ApplicationCommandOptionChoice{}
	for _, s := range a.cfg.Catalog.Search(typed) {
		if len(choices) == maxChoices {
			break
		}
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: truncate(s.Question, 100), Value: s.ID})
	}
	a.respond(i, &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices}})
}

// askDescription is /ask's description: "Ask a question about" the FAQ's
// subject, within Discord's 100 characters.
func askDescription(subject string) string {
	if subject == "" {
		return "Ask a question, in your own words"
	}
	return truncate("Ask a question about "+subject, 100)
}

// registerCommands overwrites the bot's slash commands, globally or in the
// configured server.
func (a *Adapter) registerCommands() {
	appID, _ := a.appID.Load().(string)
	cmds := []*discordgo.ApplicationCommand{
		{Name: "ask", Description: askDescription(a.cfg.Catalog.Subject()), Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "Your question, in your own words", Required: true, MaxLength: 1000},
		}},
		{Name: "faq", Description: "Pick a question from the FAQ", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "topic", Description: "Start typing to search the questions", Required: true, Autocomplete: true},
		}},
		{Name: "contact", Description: "How to reach the therapist"},
	}
	if len(a.cfg.AdminIDs) > 0 {
		adminsOnly := int64(0) // hidden from members; the ids are checked anyway
		cmds = append(cmds,
			&discordgo.ApplicationCommand{Name: bot.AdminReport, Description: "For the therapist: what clients asked that the FAQ could not answer", DefaultMemberPermissions: &adminsOnly},
			&discordgo.ApplicationCommand{Name: bot.AdminReload, Description: "For the therapist: reload the FAQ file now", DefaultMemberPermissions: &adminsOnly})
	}
	err := a.retry(func() error {
		_, err := a.s.ApplicationCommandBulkOverwrite(appID, a.cfg.GuildID, cmds)
		return err
	})
	if err != nil {
		a.log.Warn("discord: registering slash commands failed", "err", err)
		return
	}
	a.registered.Store(true)
	a.log.Info("discord: slash commands registered", "guild", a.cfg.GuildID != "")
}

// respond answers an interaction. Discord wants it within 3 s; the core
// answers in microseconds, so the reply goes at once, and a 429 is only
// waited out while there is time left.
func (a *Adapter) respond(i *discordgo.Interaction, resp *discordgo.InteractionResponse) error {
	err := a.retry(func() error { return a.s.InteractionRespond(i, resp) })
	if err != nil {
		a.log.Warn("discord: interaction response failed", "err", err)
	}
	return err
}

// send sends a message to a channel, waiting out 429s within bounds.
func (a *Adapter) send(channelID string, msg *discordgo.MessageSend) error {
	err := a.retry(func() error {
		_, err := a.s.ChannelMessageSendComplex(channelID, msg)
		return err
	})
	if err != nil {
		a.log.Warn("discord: sending a message failed", "err", err)
	}
	return err
}

func noPings() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}
