# uidvalidity_reset.sh — the contact mailbox deleted and re-created under
# the daemon, through the real Dovecot: its mails come back under a new
# UIDVALIDITY with UIDs starting again at 1, with the same mails as before
# (recognised by Message-ID, and by content hash for one that has none)
# and one new.  The next poll starts over from UID 1, stores only the new
# one, and empties the inbox.
. "$(dirname "$0")/../lib.sh"

ms_start
cdp_config "batch_size = 50"
CONF="$T/cdp/coupdepouce.conf"
INBOX_DIR="$MS_MAIL_ROOT/$MS_DOMAIN/coupdepouce/Maildir"

gen_mails "$T/mails" 20 reset
# one mail without a Message-ID: only its content hash recognises it
printf 'From: Sans Identifiant <noid@example.org>\r\nTo: coupdepouce@example.org\r\nSubject: Sans identifiant\r\nDate: Sat, 28 Nov 2026 11:00:00 +0100\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBonjour, un jardin partagé à Ambert ?\r\n' \
    >"$T/mails/noid.eml"
$MAILBOX deliver coupdepouce "$T"/mails/*.eml
t_run "first poll" 0 "$CDP" -c "$CONF" poll
t_grep "21 stored" "$T/err" "fetched 21: 21 stored, 0 already known, 0 quarantined; 21 moved"
t_sql "21 rows" 21 "SELECT count(*) FROM messages"
t_sql "its last UID is 21" 21 "SELECT last_uid FROM imap_state WHERE folder = 'INBOX'"
v1=$(sql "SELECT uidvalidity FROM imap_state WHERE folder = 'INBOX'")

# The mailbox deleted and re-created: its mail files, UID list and
# indexes gone; Dovecot gives the new one the next UIDVALIDITY.
rm -f "$INBOX_DIR"/cur/* "$INBOX_DIR"/new/* "$INBOX_DIR"/dovecot-uidlist \
    "$INBOX_DIR"/dovecot.index "$INBOX_DIR"/dovecot.index.cache \
    "$INBOX_DIR"/dovecot.index.log
gen_mails "$T/new" 1 fresh
$MAILBOX deliver coupdepouce "$T"/mails/*.eml "$T/new/fresh-0.eml"
[ "$(folder_count INBOX)" = 22 ] && t_ok "22 mails in the re-created inbox" ||
	t_not_ok "22 mails in the re-created inbox" "$(folder_count INBOX)"
t_run "poll after the reset" 0 "$CDP" -c "$CONF" poll
t_grep "the change is logged" "$T/err" "INBOX: UIDVALIDITY changed from $v1 to "
t_grep "only the new mail stored, the 21 others known" "$T/err" \
    "fetched 22: 1 stored, 21 already known, 0 quarantined; 22 moved"
t_sql "22 rows: nothing stored twice" 22 "SELECT count(*) FROM messages"
t_sql "no Message-ID stored twice" 0 \
    "SELECT count(*) FROM (SELECT message_id FROM messages WHERE message_id IS NOT NULL GROUP BY message_id HAVING count(*) > 1)"
t_sql "the mail without Message-ID once" 1 "SELECT count(*) FROM messages WHERE subject = 'Sans identifiant'"
t_sql "the new one stored" 1 "SELECT count(*) FROM messages WHERE message_id = 'fresh.0@example.org'"
t_sql "22 cases: none opened twice" 22 "SELECT count(*) FROM cases"
v2=$(sql "SELECT uidvalidity FROM imap_state WHERE folder = 'INBOX'")
[ -n "$v2" ] && [ "$v2" != "$v1" ] && t_ok "the new UIDVALIDITY is kept ($v1 -> $v2)" ||
	t_not_ok "the new UIDVALIDITY is kept" "before $v1, after $v2"
t_sql "from UID 1 again, up to 22" 22 "SELECT last_uid FROM imap_state WHERE folder = 'INBOX'"
[ "$(folder_count INBOX)" = 0 ] && t_ok "inbox empty" || t_not_ok "inbox empty" "$(folder_count INBOX) left"
[ "$(folder_count Processed)" = 43 ] && t_ok "43 in Processed (21 + 22)" ||
	t_not_ok "43 in Processed (21 + 22)" "$(folder_count Processed)"
t_run "a third poll" 0 "$CDP" -c "$CONF" poll
t_nogrep "finds nothing to fetch" "$T/err" "fetched"
t_sql "still 22 rows" 22 "SELECT count(*) FROM messages"
t_done
