package bot

import (
	"context"
	"strings"
)

// Admin is what the therapist may ask of the running bot from a chat, as
// one of the admin ids: the report of what clients asked, and a reload of
// the FAQ. internal/serve implements it.
type Admin interface {
	Report(ctx context.Context) string
	Reload(ctx context.Context) string
}

// The admin commands, as typed after the slash.
const (
	AdminReport = "report"
	AdminReload = "reload"
)

// IsAdminCommand reports whether a command word is one of the admin
// commands, which adapters keep from clients.
func IsAdminCommand(cmd string) bool { return cmd == AdminReport || cmd == AdminReload }

// RunAdmin runs an admin command on a: the one place they are
// dispatched. An unknown command says so.
func RunAdmin(ctx context.Context, a Admin, cmd string) string {
	switch strings.ToLower(strings.TrimPrefix(cmd, "/")) {
	case AdminReport:
		return a.Report(ctx)
	case AdminReload:
		return a.Reload(ctx)
	}
	return "Unknown admin command " + cmd + ": the admin commands are /report and /reload."
}

// AdminFuncs adapts two functions to Admin, like http.HandlerFunc.
type AdminFuncs struct {
	ReportFunc, ReloadFunc func(ctx context.Context) string
}

// Report calls ReportFunc.
func (f AdminFuncs) Report(ctx context.Context) string { return f.ReportFunc(ctx) }

// Reload calls ReloadFunc.
func (f AdminFuncs) Reload(ctx context.Context) string { return f.ReloadFunc(ctx) }
