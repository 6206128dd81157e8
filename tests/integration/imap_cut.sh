# imap_cut.sh — the IMAP server drops the line in the middle of a FETCH:
# tests/tools/bytecutproxy.py stands between the daemon and Dovecot's IMAPS
# port (TLS passes through it as bytes) and closes the connection after
# exactly K bytes from the server, K half-way through the fetch of 50
# mails.  poll exits 1 with an error naming the lost connection; run logs
# it and reconnects.  After the next pass every mail is stored exactly
# once and the inbox is empty.
. "$(dirname "$0")/../lib.sh"

ms_start
cdp_config "batch_size = 10"
CONF="$T/cdp/coupdepouce.conf"
. "$TOP/tests/cutproxy.sh"
# bigger mails (2 KB of text each), so that the fetch is most of the bytes
mails() {	# DIR PREFIX
	gen_mails "$1" 50 "$2"
	for f in "$1"/*.eml; do
		/usr/bin/python3 -c 'import sys; open(sys.argv[1], "ab").write(("Ligne de remplissage pour grossir le message.\r\n" * 45).encode())' "$f"
	done
}

# --- what a poll with nothing to fetch costs in bytes from the server ------
proxy measure 0 0
t_run "poll through the proxy, inbox empty" 0 "$CDP" -c "$CONF" poll
proxy_stop
base=$(cut -d' ' -f2 "$T/measure.log")
mails "$T/a" cut
size=$(cat "$T"/a/*.eml | wc -c)
K=$((base + size / 2))
echo "# a poll of an empty inbox: $base bytes from the server; 50 mails: $size bytes; cut at $K"

# --- poll: the line dropped mid-FETCH ----------------------------------------
$MAILBOX deliver coupdepouce "$T"/a/*.eml
proxy poll 1 "$K"
t_run "poll cut mid-fetch exits 1" 1 "$CDP" -c "$CONF" poll
cp "$T/err" "$T/poll-cut.log"
t_grep "with an error naming the lost connection" "$T/poll-cut.log" \
    "error: poll did not complete: imap: imaps://127.0.0.1:$(cat "$T/poll.port"): UID FETCH BODY.PEEK[]: connection lost or timed out"
sleep 0.2
is_cut=$(cut -d' ' -f2,3 "$T/poll.log" | head -n 1)
[ "$is_cut" = "$K cut" ] && t_ok "the proxy cut it after exactly $K bytes" ||
	t_not_ok "the proxy cut it after exactly $K bytes" "proxy says '$is_cut'"
stored=$(sql "SELECT count(*) FROM messages")
echo "# stored before the cut: $stored of 50"
[ "$stored" -lt 50 ] && t_ok "the cut came before the end of the fetch ($stored stored)" ||
	t_not_ok "the cut came before the end of the fetch" "$stored stored"
t_run "the next poll" 0 "$CDP" -c "$CONF" poll
t_sql "every mail stored exactly once" "50|50" \
    "SELECT count(*), count(DISTINCT message_id) FROM messages WHERE message_id LIKE 'cut.%'"
t_sql "none quarantined" 0 "SELECT count(*) FROM quarantine"
[ "$(folder_count INBOX)" = 0 ] && t_ok "inbox empty" || t_not_ok "inbox empty" "$(folder_count INBOX) left"
[ "$(folder_count Processed)" = 50 ] && t_ok "50 in Processed" || t_not_ok "50 in Processed" "$(folder_count Processed)"

# --- run: the line dropped twice, the daemon reconnects ----------------------
mails "$T/b" run
$MAILBOX deliver coupdepouce "$T"/b/*.eml
proxy prun 2 "$K"
"$CDP" -c "$CONF" run 2>"$T/run.log" &
pid=$!
wait_sql 100 0.1 600 "SELECT count(*) FROM messages"
fetched=$?
kill -0 $pid 2>/dev/null && t_ok "run survives the cuts" || t_not_ok "run survives the cuts"
kill -TERM $pid
wait $pid
[ $fetched = 0 ] && t_ok "run stored the 50 mails after reconnecting" ||
	t_not_ok "run stored the 50 mails after reconnecting" "$(tail -n 5 "$T/run.log")"
cuts=$(grep -c " $K cut\$" "$T/prun.log")
[ "$cuts" = 2 ] && t_ok "the proxy cut the first two connections" ||
	t_not_ok "the proxy cut the first two connections" "$(cat "$T/prun.log")"
t_grep "the loss was logged, with a retry" "$T/run.log" "retrying in about"
t_sql "every mail stored exactly once" "50|50" \
    "SELECT count(*), count(DISTINCT message_id) FROM messages WHERE message_id LIKE 'run.%'"
t_sql "none quarantined" 0 "SELECT count(*) FROM quarantine"
[ "$(folder_count INBOX)" = 0 ] && t_ok "inbox empty" || t_not_ok "inbox empty" "$(folder_count INBOX) left"
[ "$(folder_count Processed)" = 100 ] && t_ok "100 in Processed" || t_not_ok "100 in Processed" "$(folder_count Processed)"
proxy_stop
t_done
