# digest_mail.sh — the weekly digest through the real servers: planned
# at the first poll for the next Monday 08:00, it runs then (not a minute
# before), each coordinator ([network] coordinators and the coordinator
# role) gets exactly one, with its HTML part; a Monday off (Easter Monday
# 2027-03-29) moves it to Tuesday 08:00; a second poll the same week sends
# nothing again, and a week with nothing to report sends nothing.  A
# coordinator's reply to the digest is matched to them, not made a case.
. "$(dirname "$0")/../lib.sh"
REPLY="/usr/bin/python3 $TOP/tests/tools/replymail.py"
# The database's times read as Paris times by sqlite3's 'localtime'.
TZ=Europe/Paris
export TZ

cdp_network <<EOF
referent,Romane Référente,referent,alimentation,
other,Colette Coordination,coordinator,,
EOF
# This test is about the digest alone: the referent's decision reminders
# (and the "decision late" news they would bring) are pushed beyond it.
printf '[timers]\nreferent_reminder = 300\nreferent_flag = 365\n' >>"$CONF"
poll() {	# NAME TIME
	t_run "$1" 0 "$CDP" -c "$CONF" --now "$2" poll
	cp "$T/err" "$T/poll.log"
}
count() { $MAILBOX count "$1" 2>/dev/null || echo 0; }
request() {	# USER SUBJECT
	printf 'From: Camille <%s@%s>\r\nTo: coupdepouce@%s\r\nSubject: %s\r\nMessage-ID: <r.%s@%s>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nUn projet de jardin partagé à Ambert.\r\n' \
	    "$1" "$D" "$D" "$2" "$1" "$D" >"$T/request.eml"
	$MAILBOX deliver coupdepouce "$T/request.eml"
}

request holder "Jardin partagé"
poll "poll: a request on Monday 15 March" "2027-03-15 10:00"
t_sql "one digest job planned, for Monday 22 March 08:00" \
    "1|2027-03-22 08:00" \
    "SELECT count(*), strftime('%Y-%m-%d %H:%M', min(due_at), 'unixepoch', 'localtime') FROM jobs WHERE kind = 'digest' AND done_at IS NULL"
poll "poll: Monday 07:59" "2027-03-22 07:59"
t_nogrep "no digest before 08:00" "$T/poll.log" "digest"
poll "poll: Monday 08:00" "2027-03-22 08:00"
t_grep "the digest ran" "$T/poll.log" "digest: 2 mail(s) queued"
t_run "the configured coordinator gets it" 0 $MAILBOX wait coordinator \
    --subject "^Synthèse du réseau au 22/03/2027$" --timeout 20
cp "$T/out" "$T/digest1.eml"
t_grep "with an HTML part" "$T/digest1.eml" "Content-Type: text/html; charset=UTF-8"
t_grep "in a multipart/alternative" "$T/digest1.eml" "Content-Type: multipart/alternative"
t_run "the coordinator by role gets it" 0 $MAILBOX wait other \
    --subject "^Synthèse du réseau au 22/03/2027$" --timeout 20
t_grep "by name" "$T/out" "Bonjour Colette Coordination,"
t_grep "the new case is in it" "$T/out" "CDP-2027-0001"
t_sql "the next one planned from now" "2027-03-29 08:00" \
    "SELECT strftime('%Y-%m-%d %H:%M', due_at, 'unixepoch', 'localtime') FROM jobs WHERE kind = 'digest' AND done_at IS NULL"

request holder2 "Composteur collectif"
poll "poll: another request" "2027-03-23 10:00"
poll "poll: Easter Monday 08:00" "2027-03-29 08:00"
t_nogrep "no digest on Easter Monday" "$T/poll.log" "digest"
poll "poll: Tuesday 07:59" "2027-03-30 07:59"
t_nogrep "nor before working hours" "$T/poll.log" "digest"
poll "poll: Tuesday 08:00" "2027-03-30 08:00"
t_grep "the digest ran on Tuesday" "$T/poll.log" "digest: 2 mail(s) queued"
t_run "the coordinator gets the second one" 0 $MAILBOX wait coordinator \
    --subject "^Synthèse du réseau au 30/03/2027$" --timeout 20
t_grep "with the case opened since" "$T/out" "CDP-2027-0002"
t_nogrep "and not the one before" "$T/out" "CDP-2027-0001"
poll "poll again the same week" "2027-04-01 12:00"
t_nogrep "nothing sent twice" "$T/poll.log" "digest"
poll "poll: Monday 5 April, nothing new" "2027-04-05 08:00"
t_grep "nothing to report" "$T/poll.log" "digest: nothing to report"
mb_settled
t_sql "two digests per coordinator in all" 4 \
    "SELECT count(*) FROM outbox WHERE template = 'digest'"
[ "$(count coordinator)" = 2 ] && t_ok "the coordinator got exactly two mails" ||
    t_not_ok "the coordinator got exactly two mails" "$($MAILBOX list coordinator)"
[ "$(count other)" = 2 ] && t_ok "the other coordinator got exactly two mails" ||
    t_not_ok "the other coordinator got exactly two mails" "$($MAILBOX list other)"

# The coordinator answers the digest: theirs, never a new case.
printf 'Merci pour cette synthèse.\n' |
    $REPLY "$T/digest1.eml" "coordinator@$D" >"$T/reply.eml"
t_run "the coordinator replies" 0 $MAILBOX send --as coordinator \
    --to "coupdepouce@$D" "$T/reply.eml"
$MAILBOX wait coupdepouce --subject "^Re: Synthèse" --timeout 20 >/dev/null
poll "poll: the reply" "2027-04-05 09:00"
t_grep "recorded as a reply about no case" "$T/poll.log" "reply to a mail about no case, recorded"
t_sql "matched to the coordinator by the token, no case" \
    "coordinator@$D|token|" \
    "SELECT p.email, m.matched_by, m.case_id FROM messages m JOIN persons p ON p.id = m.person_id WHERE m.subject LIKE 'Re: Synth%'"
t_sql "no new case" 2 "SELECT count(*) FROM cases"
mb_settled
[ "$(count coordinator)" = 2 ] && t_ok "no answer to the reply" ||
    t_not_ok "no answer to the reply" "$($MAILBOX list coordinator)"
t_done
