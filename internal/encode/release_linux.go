package encode

import (
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// releasePages tells the kernel that the whole pages of b, embedded data
// that was only read, need not stay in memory: they are clean pages of
// the binary's file, read back from it should anything touch them again.
func releasePages(b []byte) {
	page := uintptr(os.Getpagesize())
	base := unsafe.Pointer(unsafe.SliceData(b))
	addr := uintptr(base)
	start := (addr + page - 1) &^ (page - 1)
	end := (addr + uintptr(len(b))) &^ (page - 1)
	if len(b) == 0 || end <= start {
		return
	}
	_ = unix.Madvise(unsafe.Slice((*byte)(unsafe.Add(base, start-addr)), end-start), unix.MADV_DONTNEED)
}
