# invitation_timers.sh — invitation reminders and expiry, through the real
# servers: a volunteer who does not answer gets one reminder after
# [timers] invitation_reminder days, and after invitation_expiry days the
# invitation lapses and the referent is told; a volunteer who answered in
# between gets neither.  Each timer runs once, even over several polls.
. "$(dirname "$0")/../lib.sh"
REPLY="/usr/bin/python3 $TOP/tests/tools/replymail.py"

cdp_network <<EOF
volunteer1,Valérie Un,volunteer,alimentation,
volunteer2,Victor Deux,volunteer,alimentation,
EOF
# No daily retention job: this test counts every job a poll runs.
echo "keep_raw_days = 0" >>"$CONF"
# poll NAME TIME: marks the mailboxes first, so that a wait after it only
# sees what this poll sent (a reminder, not the invitation before it).
poll() {
	mb_mark holder referent volunteer1 volunteer2
	t_run "$1" 0 "$CDP" -c "$CONF" --now "$2" poll
	cp "$T/err" "$T/poll.log"
}
answer() {	# USER ORIGINAL BODY
	printf '%s\n' "$3" | $REPLY "$2" "$1@$D" >"$T/reply.eml" &&
	    $MAILBOX send --as "$1" --to "coupdepouce@$D" "$T/reply.eml"
}
count() { $MAILBOX count "$1" 2>/dev/null || echo 0; }

printf 'From: Camille <holder@%s>\r\nTo: coupdepouce@%s\r\nSubject: Jardin partagé\r\nMessage-ID: <r1@%s>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nUn jardin partagé à Ambert.\r\n' "$D" "$D" "$D" >"$T/request.eml"
t_run "holder writes" 0 $MAILBOX deliver coupdepouce "$T/request.eml"
poll "poll: request" "2026-11-30 10:00"
$MAILBOX wait referent --timeout 20 >"$T/assignment.eml"
answer referent "$T/assignment.eml" "ELIGIBLE
INVITER volunteer1@$D, volunteer2@$D"
$MAILBOX wait coupdepouce --timeout 20 >/dev/null
poll "poll: invitations" "2026-11-30 11:00"
$MAILBOX wait volunteer2 --timeout 20 >"$T/inv2.eml"
answer volunteer2 "$T/inv2.eml" "OUI"
$MAILBOX wait coupdepouce --timeout 20 >/dev/null
poll "poll: volunteer2 answers" "2026-12-02 09:00"

poll "poll before the reminder is due" "2026-12-04 10:00"
t_nogrep "no timer yet" "$T/poll.log" "due timer"
# Due on Saturday 5 December at 11:00: the weekend waits for Monday.
poll "poll: 5 days later, a Saturday" "2026-12-05 11:30"
t_nogrep "no timer on a Saturday" "$T/poll.log" "due timer"
poll "poll: Monday 07:59" "2026-12-07 07:59"
t_nogrep "none before working hours" "$T/poll.log" "due timer"
poll "poll: Monday 08:00" "2026-12-07 08:00"
# The reminder, and the weekly digest planned at the first poll.
t_grep "the reminder ran" "$T/poll.log" "ran 2 due timer(s)"
t_run "volunteer1 is reminded" 0 mb_wait_new volunteer1 --subject "^Rappel : accepteriez-vous d'accompagner une initiative \\? \\[CDP-2026-0001\\]\$" --timeout 20
poll "poll again the same day" "2026-12-07 12:00"
t_nogrep "the reminder is not sent twice" "$T/poll.log" "due timer"
poll "poll: 10 days later" "2026-12-10 11:30"
t_grep "the expiry ran" "$T/poll.log" "invitation of volunteer1@$D expired"
t_run "the referent is told" 0 mb_wait_new referent --subject "^Invitation sans réponse : Valérie Un \\[CDP-2026-0001\\]\$" --timeout 20
n=$(sql "SELECT p.email || ':' || m.status FROM case_members m JOIN persons p ON p.id = m.person_id WHERE m.role = 'volunteer' ORDER BY p.email" | tr '\n' ' ')
[ "$n" = "volunteer1@$D:expired volunteer2@$D:accepted " ] && t_ok "statuses" || t_not_ok "statuses" "$n"
mb_settled
[ "$(count volunteer1)" = 2 ] && t_ok "volunteer1: invitation and one reminder" || t_not_ok "volunteer1: invitation and one reminder" "$(count volunteer1)"
[ "$(count volunteer2)" = 2 ] && t_ok "volunteer2: invitation and transcript, no reminder" || t_not_ok "volunteer2: invitation and transcript, no reminder" "$($MAILBOX list volunteer2)"
t_sql "no invitation job left" 0 "SELECT count(*) FROM jobs WHERE done_at IS NULL AND kind LIKE 'invitation%'"
t_run "timeline" 0 "$CDP" -c "$CONF" case show CDP-2026-0001
t_grep "expiry on the timeline" "$T/out" "invitation_expired"

# A case withdrawn with a meeting ahead: the meeting is cancelled too.
answer referent "$T/assignment.eml" "INTERLOCUTEUR volunteer2@$D
RENCONTRE 20/12/2026 18h30 à la mairie"
$MAILBOX wait coupdepouce --timeout 20 >/dev/null
poll "poll: contact and meeting" "2026-12-10 12:00"
t_run "holder invited to the meeting" 0 mb_wait_new holder --body "20/12/2026" --timeout 20
answer referent "$T/assignment.eml" "ABANDON le porteur a déménagé"
$MAILBOX wait coupdepouce --timeout 20 >/dev/null
poll "poll: ABANDON" "2026-12-11 09:00"
t_sql "the meeting is cancelled with the case" cancelled "SELECT state FROM meetings"
t_run "the holder's calendar gets the cancellation" 0 mb_wait_new holder --subject "nnul" --timeout 20
t_grep "an iMIP CANCEL" "$T/out" "method=CANCEL"
t_done
