#!/usr/bin/python3
"""bytecutproxy.py PORTFILE TARGET CUTS BYTES - an IMAP server that drops the line.

Listens on a free loopback port (written to PORTFILE once listening) and
relays each connection to 127.0.0.1:TARGET as bytes (TLS passes through
untouched).  The first CUTS connections are closed after exactly BYTES
bytes from the server to the client; later ones are relayed whole.  One
line per connection on stdout once it ends: "N BYTES cut" or "N BYTES
whole", N counting from 1, BYTES what went from the server to the client.
Runs until killed.
"""
import os
import socket
import sys
import threading


def shut(*socks):
    for s in socks:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def relay(a, b, limit, sent):
    """Copies a -> b, at most limit bytes (None: no limit); counts them in
    sent[0]; True when the limit cut it."""
    try:
        while True:
            data = a.recv(4096)
            if not data:
                return False
            if limit is not None and sent[0] + len(data) >= limit:
                b.sendall(data[:limit - sent[0]])
                sent[0] = limit
                return True
            b.sendall(data)
            sent[0] += len(data)
    except OSError:
        return False
    finally:
        shut(a, b)


def serve(n, conn, target, limit):
    up = socket.create_connection(("127.0.0.1", target))
    threading.Thread(target=relay, args=(conn, up, None, [0]),
                     daemon=True).start()
    sent = [0]
    cut = relay(up, conn, limit, sent)
    print("%d %d %s" % (n, sent[0], "cut" if cut else "whole"), flush=True)


def main():
    portfile, target = sys.argv[1], int(sys.argv[2])
    cuts, limit = int(sys.argv[3]), int(sys.argv[4])
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(16)
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    os.rename(portfile + ".tmp", portfile)
    n = 0
    while True:
        conn, _ = ls.accept()
        n += 1
        threading.Thread(target=serve,
                         args=(n, conn, target, limit if n <= cuts else None),
                         daemon=True).start()


if __name__ == "__main__":
    main()
