# inbound_fetch.sh — fetching from the real Dovecot: every message fetched
# and stored once and moved only after its commit; a SIGKILL in the middle
# of the work loses and repeats nothing; known mail is not processed again;
# too-large mail is quarantined with its reason; the daemon survives a
# Dovecot restart; IDLE wakes it within a second of a delivery.
. "$(dirname "$0")/../lib.sh"

ms_start
cdp_config "batch_size = 50
max_message_size = 64k
poll_interval = 5s"
CONF="$T/cdp/coupdepouce.conf"

# --- 500 messages, one poll -------------------------------------------------
gen_mails "$T/mails" 500 bulk
$MAILBOX deliver coupdepouce "$T"/mails/bulk-*.eml
t0=$(date +%s%N)
t_run "poll fetches 500 messages" 0 "$CDP" -c "$CONF" poll
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "# 500 messages fetched, stored and moved in $ms ms"
t_grep "poll reports what it did" "$T/err" "fetched 500: 500 stored, 0 already known, 0 quarantined; 500 moved"
t_sql "500 rows stored" 500 "SELECT count(*) FROM messages"
t_sql "each with its raw message" 500 "SELECT count(DISTINCT message_id) FROM messages WHERE raw != X''"
[ "$(folder_count INBOX)" = 0 ] && t_ok "inbox emptied" || t_not_ok "inbox emptied" "$(folder_count INBOX) left"
[ "$(folder_count Processed)" = 500 ] && t_ok "500 in Processed" || t_not_ok "500 in Processed" "$(folder_count Processed)"
subj=$(sql "SELECT subject FROM messages WHERE message_id = 'bulk.7@example.org'")
[ "$subj" = "Demande n° 7" ] && t_ok "subject decoded" || t_not_ok "subject decoded" "got '$subj'"

t_run "second poll" 0 "$CDP" -c "$CONF" poll
t_sql "nothing processed twice" 500 "SELECT count(*) FROM messages"

# --- the same mail again (copied back into the inbox) -------------------------
$MAILBOX deliver coupdepouce "$T/mails/bulk-3.eml"
t_run "poll with a known mail" 0 "$CDP" -c "$CONF" poll
t_grep "recognised as known" "$T/err" "1 already known"
t_sql "no duplicate row" 500 "SELECT count(*) FROM messages"
[ "$(folder_count INBOX)" = 0 ] && t_ok "known mail moved out too" || t_not_ok "known mail moved out too"

# --- too large -> quarantine, with its reason --------------------------------
/usr/bin/python3 - "$T/big.eml" <<'PY'
import sys
body = ("x" * 76 + "\r\n") * 1200
open(sys.argv[1], "wb").write(("From: holder@example.org\r\nTo: coupdepouce@example.org\r\n"
    "Subject: Gros fichier\r\nMessage-ID: <big@example.org>\r\n\r\n" + body).encode())
PY
$MAILBOX deliver coupdepouce "$T/big.eml"
t_run "poll with a too-large mail" 0 "$CDP" -c "$CONF" poll
reason=$(sql "SELECT reason FROM quarantine")
case $reason in
"too large: "*"bytes (max_message_size is 65536)"*) t_ok "quarantined as too large" ;;
*) t_not_ok "quarantined as too large" "reason: '$reason'" ;;
esac
[ "$(folder_count Quarantine)" = 1 ] && t_ok "moved to Quarantine" || t_not_ok "moved to Quarantine" "$(folder_count Quarantine)"
# A reason is read by people (quarantine list): one line, no control
# character, never empty.
t_sql "every quarantine reason is one printable line" 0 \
    "SELECT count(*) FROM quarantine WHERE reason IS NULL OR reason = '' OR reason GLOB ('*[' || char(1) || '-' || char(31) || char(127) || ']*')"
hdr=$(sql "SELECT instr(raw, 'Subject: Gros fichier') > 0 FROM quarantine")
[ "$hdr" = 1 ] && t_ok "its headers are kept" || t_not_ok "its headers are kept"
t_run "quarantine list" 0 "$CDP" -c "$CONF" quarantine list
t_grep "lists the reason" "$T/out" "too large: "
t_run "quarantine list --json" 0 "$CDP" -c "$CONF" quarantine list --json
t_grep "JSON names the message" "$T/out" '"message_id": "big@example.org"'
qid=$(sql "SELECT id FROM quarantine")
t_run "a too-large mail cannot be retried from the headers" 1 "$CDP" -c "$CONF" quarantine retry "$qid"
t_grep "and the refusal says what to do" "$T/err" "raise [imap] max_message_size"
t_run "retry of an unknown id" 1 "$CDP" -c "$CONF" quarantine retry 999
t_grep "is explained" "$T/err" "no quarantined mail with this id"
t_run "retry without id is a usage error" 2 "$CDP" -c "$CONF" quarantine retry

# --- SIGKILL in the middle of the work ---------------------------------------
# batch_size 10 makes 50 commits; the daemon is frozen (SIGSTOP) as soon as
# some but not all are stored, then killed: no time window to win.
sed -i 's/^batch_size = 50/batch_size = 10/' "$CONF"
killed=0
for attempt in 1 2 3; do
	before=$(sql "SELECT count(*) FROM messages")
	gen_mails "$T/k$attempt" 500 "kill$attempt"
	$MAILBOX deliver coupdepouce "$T"/k$attempt/*.eml
	"$CDP" -c "$CONF" run 2>"$T/run-kill.log" &
	pid=$!
	while kill -0 $pid 2>/dev/null; do
		n=$(sql "SELECT count(*) FROM messages")
		if [ "$n" -gt "$before" ] && [ "$n" -lt $((before + 500)) ]; then
			kill -STOP $pid
			n=$(sql "SELECT count(*) FROM messages")
			kill -KILL $pid
			wait $pid 2>/dev/null
			[ "$n" -lt $((before + 500)) ] && killed=1
			break
		fi
		[ "$n" -ge $((before + 500)) ] && { kill -TERM $pid; wait $pid; break; }
		sleep 0.01
	done
	[ $killed = 1 ] && break
done
[ $killed = 1 ] && t_ok "daemon killed with $((n - before)) of 500 stored (attempt $attempt)" ||
	t_not_ok "daemon killed mid-way" "it always finished first"
t_run "restart after SIGKILL" 0 "$CDP" -c "$CONF" poll
t_sql "every message stored after restart" 500 "SELECT count(*) FROM messages WHERE message_id LIKE 'kill$attempt.%'"
q=$(sql "SELECT count(*) FROM quarantine")
[ "$q" = 1 ] && t_ok "none quarantined by the crash" || t_not_ok "none quarantined by the crash" "quarantine has $q"
[ "$(folder_count INBOX)" = 0 ] && t_ok "inbox empty after restart" || t_not_ok "inbox empty after restart" "$(folder_count INBOX)"
total=$(sql "SELECT count(*) FROM messages")
processed=$(folder_count Processed)
[ "$processed" -ge "$total" ] && t_ok "every stored message left the inbox ($processed in Processed)" ||
	t_not_ok "every stored message left the inbox" "$processed in Processed for $total rows"

# --- IDLE wake-up and a Dovecot restart under a running daemon -----------------
"$CDP" -c "$CONF" -v imap -d run 2>"$T/run.log" &
pid=$!
# The mail goes in once the daemon idles: before, it first sends the
# answers queued above, which on a loaded machine takes seconds.
i=0
while ! grep -q ": idling$" "$T/run.log" && [ $i -lt 600 ]; do
	sleep 0.1
	i=$((i + 1))
done
gen_mails "$T/idle" 3 idle
t0=$(date +%s%N)
$MAILBOX deliver coupdepouce "$T/idle/idle-0.eml"
# The delivery's own time (a Python start, slow on a loaded machine) is
# not the daemon's: the bounds count from its end.
delivered_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
wait_sql 1 0.02 500 "SELECT count(*) FROM messages WHERE message_id = 'idle.0@example.org'"
stored_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
# The daemon's own time stamps (-d, milliseconds, Paris time) say when IDLE
# woke it; the polling above only bounds when the row became visible.
woke=$(grep -m1 "IDLE: activity" "$T/run.log" | cut -c1-23)
woke_ms=$(( ($(TZ=Europe/Paris date -d "$woke" +%s%N) - t0) / 1000000 ))
echo "# IDLE: delivered in $delivered_ms ms, woken $woke_ms ms after its start, row visible after $stored_ms ms"
[ "$woke_ms" -ge 0 ] && [ "$woke_ms" -le $((delivered_ms + 1000)) ] && t_ok "IDLE wakes the daemon within 1 s ($((woke_ms - delivered_ms)) ms after the delivery)" ||
	t_not_ok "IDLE wakes the daemon within 1 s" "woken after $woke_ms ms ('$woke'), delivered in $delivered_ms ms"
[ "$stored_ms" -le $((delivered_ms + 3000)) ] && t_ok "and the mail is stored soon after ($stored_ms ms)" ||
	t_not_ok "and the mail is stored soon after" "took $stored_ms ms"
bash "$MAILSERVER" stop-imap "$T/ms"
sleep 2
$MAILBOX deliver coupdepouce "$T/idle/idle-1.eml"
bash "$MAILSERVER" start-imap "$T/ms"
wait_sql 1 0.1 150 "SELECT count(*) FROM messages WHERE message_id = 'idle.1@example.org'"
fetched=$?
kill -0 $pid 2>/dev/null && t_ok "daemon still running after Dovecot went away" ||
	t_not_ok "daemon still running after Dovecot went away"
[ $fetched = 0 ] && t_ok "reconnected and fetched the mail delivered meanwhile" ||
	t_not_ok "reconnected and fetched the mail delivered meanwhile" "$(tail -n 5 "$T/run.log")"
t_grep "the loss was logged" "$T/run.log" "retrying in about"
kill -TERM $pid
wait $pid
st=$?
[ $st = 0 ] && t_ok "SIGTERM stops it cleanly" || t_not_ok "SIGTERM stops it cleanly" "exit $st"
t_grep "and says so" "$T/run.log" "stopping"
t_nogrep "no password in the logs" "$T/run.log" "password = "
t_nogrep "no password in the logs (value)" "$T/run.log" "coupdepouce@example.org coupdepouce"

t_done
