package discord

import (
	"context"
	"crypto/tls"
	"encoding/binary"
	"net"
	"time"

	"github.com/gorilla/websocket"
)

// discordgo does not say why the gateway closed: its read loop logs the
// close code and reconnects. To stop on the codes that mean "never" (4004
// bad token, 4014 disallowed intents), the adapter dials the websocket
// itself through a net.Conn that watches the frames Discord sends for a
// close frame and reports its code.

// watchingDialer is a websocket dialer whose connections report the close
// code of every close frame the server sends.
func watchingDialer(onClose func(code int)) *websocket.Dialer {
	wrap := func(c net.Conn) net.Conn { return &closeWatcher{Conn: c, w: frameWatcher{onClose: onClose}} }
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	return &websocket.Dialer{
		HandshakeTimeout: 45 * time.Second,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := dialer.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return wrap(c), nil
		},
		NetDialTLSContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := dialer.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			host, _, _ := net.SplitHostPort(addr)
			tc := tls.Client(c, &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12})
			if err := tc.HandshakeContext(ctx); err != nil {
				c.Close()
				return nil, err
			}
			return wrap(tc), nil
		},
	}
}

// closeWatcher passes reads through a frameWatcher.
type closeWatcher struct {
	net.Conn
	w frameWatcher
}

func (c *closeWatcher) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.w.feed(p[:n])
	return n, err
}

// frameWatcher follows the websocket frames in a byte stream (RFC 6455
// section 5.2) and calls onClose with the code of each close frame. It
// starts after the HTTP handshake: the first bytes it sees up to the end
// of the response headers are skipped.
type frameWatcher struct {
	onClose   func(code int)
	handshake []byte // the tail of the HTTP response seen so far, until its blank line
	upgraded  bool
	hdr       []byte
	left      uint64 // payload bytes left in the current frame
	opcode    byte
	closeCode []byte
}

func (w *frameWatcher) feed(p []byte) {
	for len(p) > 0 {
		if !w.upgraded {
			// Skip the HTTP response: it ends at the first CRLFCRLF.
			w.handshake = append(w.handshake, p[0])
			p = p[1:]
			if n := len(w.handshake); n >= 4 && string(w.handshake[n-4:]) == "\r\n\r\n" {
				w.upgraded, w.handshake = true, nil
			} else if n > 4 {
				w.handshake = w.handshake[n-4:]
			}
			continue
		}
		if w.left > 0 {
			n := min(uint64(len(p)), w.left)
			if w.opcode == websocket.CloseMessage && len(w.closeCode) < 2 {
				take := min(int(n), 2-len(w.closeCode))
				w.closeCode = append(w.closeCode, p[:take]...)
				if len(w.closeCode) == 2 {
					w.onClose(int(binary.BigEndian.Uint16(w.closeCode)))
				}
			}
			p = p[n:]
			w.left -= n
			continue
		}
		w.hdr = append(w.hdr, p[0])
		p = p[1:]
		if len(w.hdr) < headerLen(w.hdr) {
			continue
		}
		w.opcode = w.hdr[0] & 0x0f
		w.left = payloadLen(w.hdr)
		w.hdr, w.closeCode = w.hdr[:0], nil
		if w.opcode == websocket.CloseMessage && w.left == 0 {
			w.onClose(websocket.CloseNoStatusReceived)
		}
	}
}

// headerLen is the length of a frame header, as far as hdr tells.
func headerLen(hdr []byte) int {
	if len(hdr) < 2 {
		return 2
	}
	n := 2
	switch hdr[1] & 0x7f {
	case 126:
		n += 2
	case 127:
		n += 8
	}
	if hdr[1]&0x80 != 0 { // masked (only client frames are)
		n += 4
	}
	return n
}

func payloadLen(hdr []byte) uint64 {
	switch l := hdr[1] & 0x7f; l {
	case 126:
		return uint64(binary.BigEndian.Uint16(hdr[2:4]))
	case 127:
		return binary.BigEndian.Uint64(hdr[2:10])
	default:
		return uint64(l)
	}
}
