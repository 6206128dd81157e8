# sent_folder_cut.sh — the IMAP line drops in the middle of the copies into
# [imap] sent_folder: tests/tools/bytecutproxy.py stands between the daemon
# and Dovecot's IMAPS port and closes the connection half-way through the
# APPENDs of 40 sent mails.  The copies are recorded in groups (one commit
# for several), so this checks that those the server has are recorded
# even when the pass stops on a lost connection: after the cut poll, as
# many rows are marked copied as the Sent folder holds (but for the APPEND
# in flight at the cut, which the server may have kept without our seeing
# its OK); the next poll copies the rest, each mail once but that one.
. "$(dirname "$0")/../lib.sh"
TOOL="$BUILD/tools/outboxtool"

ms_start
cdp_config "sent_folder = Sent" "max_per_minute = 1000"
CONF="$T/cdp/coupdepouce.conf"
. "$TOP/tests/cutproxy.sh"
sent_count() { $MAILBOX count coupdepouce --folder Sent 2>/dev/null || echo 0; }
check() {	# NAME WANT GOT
	if [ "$2" = "$3" ]; then t_ok "$1"; else t_not_ok "$1" "got '$3', want '$2'"; fi
}

# --- what a poll with nothing to copy costs in bytes from the server --------
proxy measure 0 0
t_run "poll through the proxy, nothing to copy" 0 "$CDP" -c "$CONF" poll
proxy_stop
base=$(cut -d' ' -f2 "$T/measure.log")
# An APPEND's answers with their TLS records are about 150 bytes: the cut
# falls among the 40 copies, well after the first and before the last.
K=$((base + 3000))
echo "# a poll with nothing to copy: $base bytes from the server; cut at $K"

# --- the line drops among the copies -----------------------------------------
printf 'Bonjour,\n\nUn rappel de la rencontre de jeudi.\n\nCoup de pouce\n' >"$T/body.txt"
t_run "queue 40 urgent mails" 0 "$TOOL" -c "$CONF" enqueue --to "holder@$MS_DOMAIN" \
    --subject "Rappel" --body-file "$T/body.txt" --urgent --count 40
proxy cut 1 "$K"
t_run "poll cut among the copies exits 1" 1 "$CDP" -c "$CONF" poll
cp "$T/err" "$T/poll-cut.log"
t_grep "with an error naming the lost connection" "$T/poll-cut.log" "sent folder Sent: copy of <"
t_sql "the 40 mails were sent" 40 "SELECT count(*) FROM outbox WHERE status = 'sent'"
proxy_stop
copied=$(sql "SELECT count(*) FROM outbox WHERE copied_at IS NOT NULL")
in_sent=$(sent_count)
echo "# copies recorded: $copied; in the Sent folder: $in_sent"
if [ "$copied" -gt 0 ] && [ "$copied" -lt 40 ]; then
	t_ok "the pass stopped among the copies"
else
	t_not_ok "the pass stopped among the copies" "$copied copies recorded"
fi
# The APPEND in flight at the cut may be in the folder without its OK.
inflight=$((in_sent - copied))
if [ "$inflight" -eq 0 ] || [ "$inflight" -eq 1 ]; then
	t_ok "every copy the server acknowledged is recorded"
else
	t_not_ok "every copy the server acknowledged is recorded" \
	    "$in_sent in the folder, $copied recorded"
fi

# --- the next poll copies the rest, each once --------------------------------
sed -i "s|^url = imaps://127.0.0.1:.*|url = imaps://127.0.0.1:$MS_IMAPS_PORT|" "$CONF"
t_run "the next poll" 0 "$CDP" -c "$CONF" poll
t_sql "all 40 recorded" 40 "SELECT count(*) FROM outbox WHERE copied_at IS NOT NULL"
check "40 in the Sent folder, none twice but the one in flight" \
    $((40 + inflight)) "$(sent_count)"

t_done
