# fault_points.sh — a SIGKILL at the two points where a crash can repeat
# work (base/fault.h), through the real servers:
# - fetch.committed: the batch is committed, the mails are still in the inbox;
#   the next poll moves them without storing or answering anything twice;
# - outbox.sent: the SMTP server said 250, the row is not marked sent; once
#   the next start queues it again and the mail goes again with the same Message-ID, and
#   that mail alone reaches its recipient twice.
. "$(dirname "$0")/../lib.sh"
MSGIDS="/usr/bin/python3 $TOP/scripts/torture/msgids.py"

cdp_network <<EOF
referent,Romane Référente,referent,,
EOF
poll() {	# NAME WANT TIME [ENV...]
	_name=$1 _want=$2 _at=$3
	shift 3
	t_run "$_name" "$_want" env "$@" "$CDP" -c "$CONF" --now "$_at" poll
	cp "$T/err" "$T/poll.log"
}
request() {	# USER N
	printf 'From: <%s@%s>\r\nTo: coupdepouce@%s\r\nSubject: Projet %s\r\nMessage-ID: <fp%s@%s>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nUn composteur collectif à Ambert.\r\n' \
	    "$1" "$D" "$D" "$2" "$2" "$D" | $MAILBOX deliver coupdepouce -
}
# USER<TAB>Message-ID lines seen more than once in the users' mailboxes.
twice() { $MSGIDS "$MS_MAIL_ROOT/$D" "$@" | sort | uniq -d; }

# --- fetch.committed ------------------------------------------------------------
request holder 1
request holder2 2
request other 3
poll "poll killed between the commit and the move" 137 "2026-11-30 10:00" CDP_FAULT=fetch.committed:1
t_sql "the three mails are stored" 3 "SELECT count(*) FROM messages"
t_sql "three cases opened" 3 "SELECT count(*) FROM cases"
[ "$(folder_count INBOX)" = 3 ] && t_ok "still in the inbox: the move had not run" ||
	t_not_ok "still in the inbox: the move had not run" "$(folder_count INBOX)"
t_sql "nothing sent yet" 0 "SELECT count(*) FROM outbox WHERE status <> 'queued'"
queued=$(sql "SELECT count(*) FROM outbox")
poll "poll after the crash" 0 "2026-11-30 10:01"
t_grep "the next pass moves them" "$T/poll.log" "moved"
[ "$(folder_count INBOX)" = 0 ] && t_ok "inbox empty" || t_not_ok "inbox empty" "$(folder_count INBOX)"
[ "$(folder_count Processed)" = 3 ] && t_ok "three in Processed" || t_not_ok "three in Processed" "$(folder_count Processed)"
t_sql "no mail stored twice" 3 "SELECT count(*) FROM messages"
t_sql "no case opened twice" 3 "SELECT count(*) FROM cases"
t_sql "no mail queued twice" "$queued" "SELECT count(*) FROM outbox"
t_sql "every queued mail sent" "$queued" "SELECT count(*) FROM outbox WHERE status = 'sent'"
t_sql "one event per kind and case" 0 "SELECT count(*) FROM (SELECT 1 FROM events GROUP BY case_id, kind, details HAVING count(*) > 1)"
$MAILBOX wait referent --count 3 --timeout 20 >/dev/null
sleep 1
dups=$(twice holder holder2 other referent)
[ -z "$dups" ] && t_ok "nobody got a mail twice" || t_not_ok "nobody got a mail twice" "$dups"

# --- outbox.sent -------------------------------------------------------------
request volunteer1 4
before=$(sql "SELECT coalesce(max(id), 0) FROM outbox")
poll "poll killed after the server's 250" 137 "2026-11-30 11:00" CDP_FAULT=outbox.sent:1
t_sql "the mail is stored" 4 "SELECT count(*) FROM messages"
first=$(sql "SELECT min(id) FROM outbox WHERE id > $before")
mid=$(sql "SELECT message_id FROM outbox WHERE id = $first")
to=$(sql "SELECT json_extract(recipients, '\$[0]') FROM outbox WHERE id = $first")
user=${to%@*}
t_sql "its row is still 'sending'" sending "SELECT status FROM outbox WHERE id = $first"
$MAILBOX wait "$user" --timeout 20 >/dev/null
poll "the next start" 0 "2026-11-30 11:02"
t_grep "queues the interrupted row again" "$T/poll.log" "outbox: 1 mail interrupted while sending, queued again"
t_sql "and sends it" sent "SELECT status FROM outbox WHERE id = $first"
t_sql "one attempt recorded (the killed one left none)" 1 "SELECT attempts FROM outbox WHERE id = $first"
t_sql "every row sent" 0 "SELECT count(*) FROM outbox WHERE status <> 'sent'"
t_sql "nothing queued twice" 0 "SELECT count(*) FROM (SELECT 1 FROM outbox GROUP BY message_id HAVING count(*) > 1)"
n=0
while [ "$($MSGIDS "$MS_MAIL_ROOT/$D" "$user" | grep -cF "<$mid>")" -lt 2 ] && [ $n -lt 100 ]; do
	sleep 0.2
	n=$((n + 1))
done
sleep 1
dups=$(twice holder holder2 other referent volunteer1)
[ "$dups" = "$(printf '%s\t<%s>' "$user" "$mid")" ] &&
	t_ok "exactly the mail in flight at the kill arrived twice, same Message-ID" ||
	t_not_ok "exactly the mail in flight at the kill arrived twice, same Message-ID" "want $user <$mid>, got: $dups"
t_done
