#!/usr/bin/python3
"""tlscutproxy.py PORTFILE TARGET FLAGFILE - cuts SMTP connections mid-TLS.

Listens on a free loopback port (written to PORTFILE once listening) and
relays each connection to 127.0.0.1:TARGET.  While FLAGFILE exists, a
connection is cut in the middle of the TLS handshake: the client's first
TLS record (its ClientHello, after STARTTLS or at once for smtps) reaches
the server, then both sides are closed before the server's answer goes
back - what a client sees when the server restarts at that moment.  Once
FLAGFILE is gone, connections are relayed whole.  Each connection is one
line on stdout ("cut" or "relayed"), so a test can count them.
"""
import os
import select
import socket
import sys
import threading


def serve(conn, target, cut):
    up = socket.create_connection(("127.0.0.1", target))
    done = False
    try:
        while not done:
            ready, _, _ = select.select([conn, up], [], [])
            for s in ready:
                data = s.recv(16384)
                if not data:
                    done = True
                    break
                if s is conn:
                    up.sendall(data)
                    if cut and data[0] == 0x16:
                        done = True	# ClientHello sent on, no answer
                        break
                else:
                    conn.sendall(data)
    except OSError:
        pass
    for s in (conn, up):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()
    print("cut" if cut else "relayed", flush=True)


def main():
    portfile, target, flag = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(64)
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    os.rename(portfile + ".tmp", portfile)
    while True:
        conn, _ = ls.accept()
        threading.Thread(target=serve, daemon=True,
                         args=(conn, target, os.path.exists(flag))).start()


if __name__ == "__main__":
    main()
