#!/usr/bin/python3
"""faultproxy.py PORTFILE TARGET MODE - a misbehaving server in front of a real one.

Listens on a free loopback port (written to PORTFILE once listening) and,
for each connection, per MODE:
  hang      accepts and never answers nor closes (a server stuck after
            accept: only the client's own timeout ends the wait)
  cut:N     the first N connections are relayed to 127.0.0.1:TARGET and
            cut after a random 50 to 4000 bytes from the server (a server
            that closes mid-command); later ones are relayed whole
Runs until killed.  Each event is one line on stdout, for the figures.
"""
import random
import socket
import sys
import threading
import time


def relay(a, b, budget):
    """Copies a -> b; stops after budget bytes (None: no limit)."""
    try:
        while True:
            data = a.recv(4096)
            if not data:
                break
            if budget is not None:
                if len(data) >= budget[0]:
                    b.sendall(data[:budget[0]])
                    break
                budget[0] -= len(data)
            b.sendall(data)
    except OSError:
        pass
    for s in (a, b):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def serve(conn, target, cut):
    up = socket.create_connection(("127.0.0.1", target))
    budget = [random.randint(50, 4000)] if cut else None
    threading.Thread(target=relay, args=(conn, up, None), daemon=True).start()
    relay(up, conn, budget)
    print("%s %s" % ("cut" if cut else "relayed", time.time()), flush=True)


def main():
    portfile, target, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(64)
    with open(portfile, "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    held, n = [], 0
    cuts = int(mode.split(":")[1]) if mode.startswith("cut:") else 0
    while True:
        conn, _ = ls.accept()
        n += 1
        if mode == "hang":
            held.append(conn)
            print("held %s" % time.time(), flush=True)
            continue
        threading.Thread(target=serve, args=(conn, target, n <= cuts),
                         daemon=True).start()


if __name__ == "__main__":
    main()
