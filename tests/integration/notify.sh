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

ms_start
cdp_config
CONF="$T/cdp/coupdepouce.conf"
sed 's|^url = smtp://.*|url = smtp://127.0.0.1:1|' "$CONF" >"$T/cdp/nosmtp.conf"
sed 's|^url = imaps://.*|url = imaps://127.0.0.1:1|' "$T/cdp/nosmtp.conf" >"$T/cdp/noimap.conf"
chmod 600 "$T/cdp/nosmtp.conf" "$T/cdp/noimap.conf"

# start CONF LOG: the daemon with the notify socket and a 2 s watchdog.
start() {
	run_start "$1" "$2" NOTIFY_SOCKET="$T/notify.sock" WATCHDOG_USEC=2000000
}
count() { grep -cxF -- "$2" "$1"; }

# --- 1. The IMAP login fails: no READY=1, STATUS= says why -------------------
notify_listen "$T/n1.log"
start "$T/cdp/noimap.conf" "$T/run1.log"
wait_line "$T/n1.log" "STATUS=reconnecting in about 2 s: imap: imaps://127.0.0.1:1: connect to 127.0.0.1 port 1: Connection refused" 100 &&
    t_ok "STATUS= says the daemon reconnects and why" ||
    t_not_ok "STATUS= says the daemon reconnects and why" "$(cat "$T/n1.log")"
t_nogrep "no READY=1 without an IMAP login" "$T/n1.log" "READY=1"
run_stop "SIGTERM while reconnecting: gone within 5 s" 5000
tail -n 1 "$T/n1.log" >"$T/last"
t_run "STOPPING=1 is the last message" 0 test "$(cat "$T/last")" = "STOPPING=1"
kill $NOTIFY_PID; wait $NOTIFY_PID 2>/dev/null

# --- 2. Logged in, three mails that cannot leave -----------------------------
printf 'Bonjour,\n\nUn message en attente.\n' >"$T/body.txt"
for i in 1 2 3; do
	"$TOOL" -c "$T/cdp/nosmtp.conf" enqueue --to "holder@$MS_DOMAIN" \
	    --subject "En attente $i" --body-file "$T/body.txt" --urgent \
	    >>"$T/queue.out" 2>&1
done
t_sql "three mails queued" 3 "SELECT count(*) FROM outbox WHERE status = 'queued'"
notify_listen "$T/n2.log"
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
run_stop "SIGTERM in IDLE: gone within 5 s" 5000
tail -n 1 "$T/n2.log" >"$T/last"
t_run "STOPPING=1 after SIGTERM" 0 test "$(cat "$T/last")" = "STOPPING=1"
t_grep "the daemon says it stops" "$T/run2.log" "stopping"
kill $NOTIFY_PID; wait $NOTIFY_PID 2>/dev/null

# --- 3. A server that accepts and never answers: the pings stop --------------
silent_server
sed -e "s|^url = imaps://.*|url = imaps://127.0.0.1:$SILENT_PORT|" \
    -e 's|^timeout = 10s|timeout = 30s|' "$T/cdp/nosmtp.conf" >"$T/cdp/hang.conf"
chmod 600 "$T/cdp/hang.conf"
notify_listen "$T/n3.log"
start "$T/cdp/hang.conf" "$T/run3.log"
wait_line "$T/silent.log" accepted 100
sleep 0.5
w0=$(count "$T/n3.log" WATCHDOG=1)
sleep 3
w1=$(count "$T/n3.log" WATCHDOG=1)
[ -s "$T/silent.log" ] && [ "$w1" = "$w0" ] && t_ok "no WATCHDOG=1 while the IMAP greeting never comes" ||
    t_not_ok "no WATCHDOG=1 while the IMAP greeting never comes" "$((w1 - w0)) pings; $(cat "$T/silent.log" 2>/dev/null)"
t_nogrep "no READY=1 either" "$T/n3.log" "READY=1"
# The TLS handshake does not give up on a signal: the stop's grace ends
# it, with status 1 since the call was abandoned.
run_stop "SIGTERM while stuck: gone within 6 s, status 1" 6000 1
t_run "and says why" 0 grep -qxF "coupdepouce: stopping took more than 5 s (a network call stuck?); exiting now" "$T/run3.log"
kill $SILENT_PID $NOTIFY_PID; wait $SILENT_PID $NOTIFY_PID 2>/dev/null

# --- 4. Without NOTIFY_SOCKET the daemon runs the same ------------------------
notify_listen "$T/n4.log"
run_start "$T/cdp/nosmtp.conf" "$T/run4.log" WATCHDOG_USEC=2000000
wait_text "$T/run4.log" "connected to" 100
sleep 1
t_grep "runs without a service manager" "$T/run4.log" "connected to imaps://"
run_stop "and stops on SIGTERM" 5000
t_run "nothing was sent to the socket" 0 test ! -s "$T/n4.log"
kill $NOTIFY_PID; wait $NOTIFY_PID 2>/dev/null

t_done
