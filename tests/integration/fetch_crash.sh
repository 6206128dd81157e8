# fetch_crash.sh — a crash between the commit of a batch and its move out
# of the inbox (fault point fetch.committed, base/fault.h): the mails are
# in the database and still in the inbox; the next poll moves them to the
# processed folder and stores nothing twice; a mail quarantined in that
# batch goes to the quarantine folder, not the processed one.
. "$(dirname "$0")/../lib.sh"

ms_start
cdp_config "batch_size = 3
max_message_size = 64k"
CONF="$T/cdp/coupdepouce.conf"

gen_mails "$T/mails" 5 crash
$MAILBOX deliver coupdepouce "$T"/mails/crash-*.eml
# The first batch (3 mails) is committed, then the process dies.
CDP_FAULT=fetch.committed:1 "$CDP" -c "$CONF" poll >"$T/out" 2>"$T/err"
is "poll killed after the first commit" "$?" 137
is "its three mails are stored" "$(sql "SELECT count(*) FROM messages")" 3
is "and still in the inbox, with the two others" "$(folder_count INBOX)" 5
is "nothing in Processed yet" "$(folder_count Processed)" 0

t_run "the next poll" 0 "$CDP" -c "$CONF" poll
t_grep "moves what was handled before" "$T/err" "moving 3 message(s) handled before"
t_grep "then fetches the two others" "$T/err" "fetched 2: 2 stored, 0 already known, 0 quarantined"
is "the inbox is empty" "$(folder_count INBOX)" 0
is "all five are in Processed" "$(folder_count Processed)" 5
is "each stored once" "$(sql "SELECT count(*) || ' ' || count(DISTINCT message_id) FROM messages")" "5 5"
t_run "a third poll" 0 "$CDP" -c "$CONF" poll
is "stores nothing more" "$(sql "SELECT count(*) FROM messages")" 5

# --- the same crash with a quarantined mail in the batch --------------------
subjects() { $MAILBOX list coupdepouce --folder "$1" --dates 2>/dev/null |
    cut -f2 | sort | tr '\n' '|'; }
/usr/bin/python3 - "$T/big.eml" <<'PY'
import sys
body = ("x" * 76 + "\r\n") * 1200
open(sys.argv[1], "wb").write(("From: holder@example.org\r\n"
    "To: coupdepouce@example.org\r\nSubject: Gros fichier\r\n"
    "Message-ID: <big-crash@example.org>\r\n\r\n" + body).encode())
PY
gen_mails "$T/mails2" 2 again
$MAILBOX deliver coupdepouce "$T/big.eml" "$T"/mails2/again-*.eml
CDP_FAULT=fetch.committed:1 "$CDP" -c "$CONF" poll >"$T/out" 2>"$T/err"
is "poll with a too-large mail killed after the commit" "$?" 137
is "the mail is quarantined in the database" \
    "$(sql "SELECT count(*) FROM quarantine")" 1
is "and all three still in the inbox" "$(folder_count INBOX)" 3
t_run "the poll after the crash" 0 "$CDP" -c "$CONF" poll
t_grep "moves the three handled before" "$T/err" \
    "moving 3 message(s) handled before"
is "the inbox is empty again" "$(folder_count INBOX)" 0
is "the quarantined mail is in Quarantine" "$(subjects Quarantine)" \
    "Gros fichier|"
is "and the two others in Processed" "$(folder_count Processed)" 7
t_done
