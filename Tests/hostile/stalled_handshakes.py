#!/usr/bin/env python3
"""Holds stalled TLS handshakes open against a node's federation listener, as an attacker would.

Keeps COUNT connections to 127.0.0.1:PORT open, each from one of the given loopback source addresses in turn, each
having sent only the first bytes of a TLS ClientHello. Every connection the node closes is counted and replaced, so
the pressure lasts until standard input reaches its end. Then nothing is replaced, and the script waits up to DRAIN
seconds for the node to close the rest.

Prints one line when the first COUNT connections are open ("flooding: ..."), and a summary at the end. Exits 0 when
the node closed every connection, 1 otherwise. Uses Python's standard library only.

    python3 stalled_handshakes.py --port 7443 --count 300 --sources 127.0.0.2,127.0.0.3 --drain 60 < control
"""

import argparse
import errno
import os
import resource
import selectors
import socket
import sys
import time

# A TLS record header announcing a 512-byte handshake message, and only the start of that message.
PARTIAL_CLIENT_HELLO = bytes([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03])


class Flood:
    def __init__(self, port, count, sources):
        self.port = port
        self.count = count
        self.sources = sources
        self.selector = selectors.DefaultSelector()
        self.opened_at = {}  # socket -> time the partial hello was sent (or the connect began)
        self.next_source = 0
        self.opened = 0
        self.closed_by_node = 0
        self.refused = 0
        self.longest = 0.0
        self.stdin_open = True
        os.set_blocking(sys.stdin.fileno(), False)
        self.selector.register(sys.stdin, selectors.EVENT_READ, "stdin")

    def open_one(self):
        source = self.sources[self.next_source % len(self.sources)]
        self.next_source += 1
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        try:
            sock.bind((source, 0))
            result = sock.connect_ex(("127.0.0.1", self.port))
        except OSError:
            sock.close()
            self.refused += 1
            return
        if result not in (0, errno.EINPROGRESS):
            sock.close()
            self.refused += 1
            return
        self.opened += 1
        self.opened_at[sock] = time.monotonic()
        self.selector.register(sock, selectors.EVENT_WRITE, "connecting")

    def closed(self, sock, by_node):
        age = time.monotonic() - self.opened_at.pop(sock)
        self.selector.unregister(sock)
        sock.close()
        if by_node:
            self.closed_by_node += 1
            self.longest = max(self.longest, age)
        else:
            self.refused += 1

    def step(self, timeout):
        for key, _ in self.selector.select(timeout):
            sock = key.fileobj
            if key.data == "stdin":
                if not sys.stdin.buffer.read1(4096):
                    self.stdin_open = False
                    self.selector.unregister(sys.stdin)
            elif key.data == "connecting":
                error = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if error != 0:
                    self.closed(sock, by_node=False)
                    continue
                try:
                    sock.send(PARTIAL_CLIENT_HELLO)
                except OSError:
                    self.closed(sock, by_node=True)
                    continue
                self.selector.modify(sock, selectors.EVENT_READ, "stalled")
            else:
                try:
                    data = sock.recv(4096)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if not data:
                    self.closed(sock, by_node=True)
                # Bytes from the node (a TLS alert) are read and ignored; the close follows.

    @property
    def open_count(self):
        return len(self.opened_at)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--sources", default="127.0.0.2", help="comma-separated loopback source addresses")
    parser.add_argument("--drain", type=float, default=60, help="seconds to wait for the node to close the rest")
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < args.count + 64:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, args.count + 64), hard))

    flood = Flood(args.port, args.count, args.sources.split(","))
    announced = False
    while flood.stdin_open:
        while flood.open_count < args.count and flood.opened + flood.refused < 100 * args.count:
            flood.open_one()
        if not announced and flood.open_count >= args.count:
            print(f"flooding: {flood.open_count} stalled connections open", flush=True)
            announced = True
        flood.step(0.05)

    drain_end = time.monotonic() + args.drain
    while flood.open_count > 0 and time.monotonic() < drain_end:
        flood.step(0.1)
    print(
        f"stalled connections: opened {flood.opened}, closed by the node {flood.closed_by_node}, "
        f"refused or failed at connect {flood.refused}, longest open {flood.longest:.1f} s, "
        f"still open {flood.open_count}",
        flush=True,
    )
    return 0 if flood.open_count == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
