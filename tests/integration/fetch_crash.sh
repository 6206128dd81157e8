# fetch_crash.sh — a crash between the commit of a batch and its move out
# of the inbox (fault point fetch.committed, base/fault.h): the mails are
# in the database and still in the inbox; the next poll moves them to the
# processed folder and stores nothing twice.
. "$(dirname "$0")/../lib.sh"

ms_start
cdp_config "batch_size = 3"
CONF="$T/cdp/coupdepouce.conf"
count() { $MAILBOX count coupdepouce --folder "$1" 2>/dev/null || echo "?"; }
is() {	# name, got, want
	if [ "$2" = "$3" ]; then t_ok "$1"; else t_not_ok "$1" "got '$2', want '$3'"; fi
}

gen_mails "$T/mails" 5 crash
$MAILBOX deliver coupdepouce "$T"/mails/crash-*.eml
# The first batch (3 mails) is committed, then the process dies.
CDP_FAULT=fetch.committed:1 "$CDP" -c "$CONF" poll >"$T/out" 2>"$T/err"
is "poll killed after the first commit" "$?" 137
is "its three mails are stored" "$(sql "SELECT count(*) FROM messages")" 3
is "and still in the inbox, with the two others" "$(count INBOX)" 5
is "nothing in Processed yet" "$(count Processed)" 0

t_run "the next poll" 0 "$CDP" -c "$CONF" poll
t_grep "moves what was handled before" "$T/err" "moving 3 message(s) handled before"
t_grep "then fetches the two others" "$T/err" "fetched 2: 2 stored, 0 already known, 0 quarantined"
is "the inbox is empty" "$(count INBOX)" 0
is "all five are in Processed" "$(count Processed)" 5
is "each stored once" "$(sql "SELECT count(*) || ' ' || count(DISTINCT message_id) FROM messages")" "5 5"
t_run "a third poll" 0 "$CDP" -c "$CONF" poll
is "stores nothing more" "$(sql "SELECT count(*) FROM messages")" 5
t_done
