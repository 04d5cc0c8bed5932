//go:build !linux

package encode

// releasePages does nothing here: only Linux is told (release_linux.go).
func releasePages([]byte) {}
