# notify.sh — `coupdepouce run` under a service manager (sd_notify): the
# test binds the unix datagram socket named by NOTIFY_SOCKET, as systemd
# does, and writes each message it gets to a file, one line per field.
# Checked: no READY=1 while the IMAP login fails, but a STATUS= saying
# why; READY=1 once logged in; the idle STATUS= with the exact number of
# mails waiting (the SMTP server is unreachable, so three queued mails
# stay); WATCHDOG=1 at least every second with WATCHDOG_USEC=2 s, and
# none while a network call is stuck (an IMAP server that accepts and
# never answers); STOPPING=1 on SIGTERM, and the daemon gone within 5 s
# of SIGTERM, in IDLE and while stuck (then with status 1 and a line
# saying so); no messages at all without NOTIFY_SOCKET.
. "$(dirname "$0")/../lib.sh"
TOOL="$BUILD/tools/outboxtool"
PY=/usr/bin/python3

ms_start
cdp_config
CONF="$T/cdp/coupdepouce.conf"
sed 's|^url = smtp://.*|url = smtp://127.0.0.1:1|' "$CONF" >"$T/cdp/nosmtp.conf"
sed 's|^url = imaps://.*|url = imaps://127.0.0.1:1|' "$T/cdp/nosmtp.conf" >"$T/cdp/noimap.conf"
chmod 600 "$T/cdp/nosmtp.conf" "$T/cdp/noimap.conf"

# listen FILE: the service manager's side: binds $T/notify.sock and appends
# every datagram to FILE; sets $lpid.
listen() {
	rm -f "$T/notify.sock"
	$PY -c 'import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a") as f:
    while True:
        f.write(s.recv(65536).decode() + "\n")
        f.flush()' "$T/notify.sock" "$1" &
	lpid=$!
	_n=0
	while [ ! -S "$T/notify.sock" ] && [ $_n -lt 50 ]; do sleep 0.1; _n=$((_n + 1)); done
}

# start CONF LOG: the daemon with the notify socket and a 2 s watchdog
# that names it (WATCHDOG_PID is its own pid, as systemd sets it); $pid.
start() {
	NOTIFY_SOCKET="$T/notify.sock" WATCHDOG_USEC=2000000 \
	    sh -c 'export WATCHDOG_PID=$$; exec "$0" -c "$1" run' \
	    "$CDP" "$1" 2>"$2" &
	pid=$!
}

# wait_line FILE LINE [TRIES]: FILE gets the exact LINE within TRIES/10 s.
wait_line() {
	_n=0
	while ! grep -qxF -- "$2" "$1" 2>/dev/null; do
		[ $_n -ge "${3:-200}" ] && return 1
		sleep 0.1
		_n=$((_n + 1))
	done
}

now_ms() { date +%s%3N; }

# stop NAME LIMIT_MS: SIGTERM, then the daemon must be gone within
# LIMIT_MS and have exited 0; $stop_ms is how long it took.
stop() {
	_t0=$(now_ms)
	kill -TERM $pid
	_n=0
	while kill -0 $pid 2>/dev/null && [ $_n -lt 300 ]; do sleep 0.05; _n=$((_n + 1)); done
	stop_ms=$(( $(now_ms) - _t0 ))
	wait $pid
	_st=$?
	if [ $stop_ms -le "$2" ] && [ $_st = "${3:-0}" ]; then
		t_ok "$1"
	else
		t_not_ok "$1" "took $stop_ms ms (at most $2), exit $_st"
	fi
}

count() { grep -cxF -- "$2" "$1"; }

# --- 1. The IMAP login fails: no READY=1, STATUS= says why -------------------
listen "$T/n1.log"
start "$T/cdp/noimap.conf" "$T/run1.log"
wait_line "$T/n1.log" "STATUS=reconnecting in about 2 s: imap: imaps://127.0.0.1:1: connect to 127.0.0.1 port 1: Connection refused" 100 &&
    t_ok "STATUS= says the daemon reconnects and why" ||
    t_not_ok "STATUS= says the daemon reconnects and why" "$(cat "$T/n1.log")"
t_nogrep "no READY=1 without an IMAP login" "$T/n1.log" "READY=1"
stop "SIGTERM while reconnecting: gone within 5 s" 5000
tail -n 1 "$T/n1.log" >"$T/last"
t_run "STOPPING=1 is the last message" 0 test "$(cat "$T/last")" = "STOPPING=1"
kill $lpid; wait $lpid 2>/dev/null

# --- 2. Logged in, three mails that cannot leave -----------------------------
printf 'Bonjour,\n\nUn message en attente.\n' >"$T/body.txt"
for i in 1 2 3; do
	"$TOOL" -c "$T/cdp/nosmtp.conf" enqueue --to "holder@$MS_DOMAIN" \
	    --subject "En attente $i" --body-file "$T/body.txt" --urgent \
	    >>"$T/queue.out" 2>&1
done
t_sql "three mails queued" 3 "SELECT count(*) FROM outbox WHERE status = 'queued'"
listen "$T/n2.log"
start "$T/cdp/nosmtp.conf" "$T/run2.log"
wait_line "$T/n2.log" "STATUS=idle, 3 mails waiting to be sent" &&
    t_ok "STATUS=idle, 3 mails waiting to be sent" ||
    t_not_ok "STATUS=idle, 3 mails waiting to be sent" "$(cat "$T/n2.log")"
t_grep "the daemon logged in" "$T/run2.log" "connected to imaps://127.0.0.1:$MS_IMAPS_PORT as coupdepouce@$MS_DOMAIN"
t_run "READY=1 once, with the login as status" 0 test "$(grep -A1 -xF READY=1 "$T/n2.log")" = "READY=1
STATUS=connected to imaps://127.0.0.1:$MS_IMAPS_PORT"
n=$(grep -nxF READY=1 "$T/n2.log" | cut -d: -f1)
s=$(grep -nxF "STATUS=idle, 3 mails waiting to be sent" "$T/n2.log" | cut -d: -f1)
[ -n "$n" ] && [ -n "$s" ] && [ "$n" -lt "$s" ] && t_ok "READY=1 before the idle status" ||
    t_not_ok "READY=1 before the idle status" "$(cat "$T/n2.log")"
w0=$(count "$T/n2.log" WATCHDOG=1)
sleep 4
w1=$(count "$T/n2.log" WATCHDOG=1)
[ $((w1 - w0)) -ge 4 ] && t_ok "at least 4 WATCHDOG=1 in 4 s of IDLE" ||
    t_not_ok "at least 4 WATCHDOG=1 in 4 s of IDLE" "$((w1 - w0))"
t_nogrep "the IMAP session stayed up" "$T/run2.log" "retrying in"
stop "SIGTERM in IDLE: gone within 5 s" 5000
tail -n 1 "$T/n2.log" >"$T/last"
t_run "STOPPING=1 after SIGTERM" 0 test "$(cat "$T/last")" = "STOPPING=1"
t_grep "the daemon says it stops" "$T/run2.log" "stopping"
kill $lpid; wait $lpid 2>/dev/null

# --- 3. A server that accepts and never answers: the pings stop --------------
$PY -c 'import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(5)
open(sys.argv[1], "w").write("%d\n" % s.getsockname()[1])
conns = []
while True:
    c, _ = s.accept()
    conns.append(c)
    open(sys.argv[2], "a").write("accepted\n")' "$T/hang.port" "$T/hang.log" &
hpid=$!
_n=0; while [ ! -s "$T/hang.port" ] && [ $_n -lt 50 ]; do sleep 0.1; _n=$((_n + 1)); done
sed -e "s|^url = imaps://.*|url = imaps://127.0.0.1:$(cat "$T/hang.port")|" \
    -e 's|^timeout = 10s|timeout = 30s|' "$T/cdp/nosmtp.conf" >"$T/cdp/hang.conf"
chmod 600 "$T/cdp/hang.conf"
listen "$T/n3.log"
start "$T/cdp/hang.conf" "$T/run3.log"
_n=0; while [ ! -s "$T/hang.log" ] && [ $_n -lt 100 ]; do sleep 0.1; _n=$((_n + 1)); done
sleep 0.5
w0=$(count "$T/n3.log" WATCHDOG=1)
sleep 3
w1=$(count "$T/n3.log" WATCHDOG=1)
[ -s "$T/hang.log" ] && [ "$w1" = "$w0" ] && t_ok "no WATCHDOG=1 while the IMAP greeting never comes" ||
    t_not_ok "no WATCHDOG=1 while the IMAP greeting never comes" "$((w1 - w0)) pings; $(cat "$T/hang.log" 2>/dev/null)"
t_nogrep "no READY=1 either" "$T/n3.log" "READY=1"
# The TLS handshake does not give up on a signal: the stop's grace ends
# it, with status 1 since the call was abandoned.
stop "SIGTERM while stuck: gone within 6 s, status 1" 6000 1
t_run "and says why" 0 grep -qxF "coupdepouce: stopping took more than 5 s (a network call stuck?); exiting now" "$T/run3.log"
kill $hpid $lpid; wait $hpid $lpid 2>/dev/null

# --- 4. Without NOTIFY_SOCKET the daemon runs the same ------------------------
listen "$T/n4.log"
WATCHDOG_USEC=2000000 "$CDP" -c "$T/cdp/nosmtp.conf" run 2>"$T/run4.log" &
pid=$!
_n=0; while ! grep -qF "connected to" "$T/run4.log" && [ $_n -lt 100 ]; do sleep 0.1; _n=$((_n + 1)); done
sleep 1
t_grep "runs without a service manager" "$T/run4.log" "connected to imaps://"
stop "and stops on SIGTERM" 5000
t_run "nothing was sent to the socket" 0 test ! -s "$T/n4.log"
kill $lpid; wait $lpid 2>/dev/null

t_done
