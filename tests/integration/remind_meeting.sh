# remind_meeting.sh — meeting reminders through the real servers: the
# holder, the referent and the accepted volunteers get one reminder 7 days
# and one the day before ([timers] meeting_reminders), each carrying the
# invitation again under the same UID and SEQUENCE.  A reminder waits for
# working time (a J-1 on a Sunday goes on Monday 08:00, unless the meeting
# has begun by then), never fires for a meeting that was moved or
# cancelled (the new date's reminders do), and after a week without
# polling only the latest reminder of a meeting goes.
#
# 30/11/2026 is a Monday.  Four cases, one referent:
#   0001 holder     14/12 18h30, volunteer1 in the group: J-7 Mon 07/12
#                   18:30, J-1 Sun 13/12 18:30 → Mon 14/12 08:00
#   0002 holder2    10/12 10h00 moved to 21/12 10h00: J-7 14/12 10:00 and
#                   J-1 Sun 20/12 → both due at the catch-up of 21/12
#   0003 other      14/12 07h30: J-7 runs 07/12 08:00; J-1 (Sun 13/12
#                   07:30) would go Mon 08:00, after the meeting began
#   0004 volunteer3 09/12 14h00, cancelled: nothing
. "$(dirname "$0")/../lib.sh"

cdp_network <<EOF
volunteer1,Valérie Un,volunteer,alimentation,
EOF
. "$TOP/tests/timer_lib.sh"
# Each poll marks these mailboxes: a reminder waited for after it is the
# one this poll sent, not the J-7 before it.
MB_USERS="holder holder2 volunteer1 referent other"
# ical FILE: METHOD, UID and SEQUENCE of the calendar part of a mail
ical() {
	/usr/bin/python3 - "$1" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
for p in m.walk():
    if p.get_content_type() == "text/calendar":
        t = p.get_content().replace("\r\n ", "").replace("\n ", "")
        f = dict(l.split(":", 1) for l in t.splitlines() if l.split(":", 1)[0] in ("METHOD", "UID", "SEQUENCE"))
        print(p.get_param("method"), f.get("METHOD"), f.get("UID"), f.get("SEQUENCE"))
PY
}
R1="Rappel : rencontre du groupe le 14/12/2026 à 18h30 [CDP-2026-0001]"
R2="Rappel : rencontre du groupe le 21/12/2026 à 10h00 [CDP-2026-0002]"
R2OLD="Rappel : rencontre du groupe le 10/12/2026 à 10h00 [CDP-2026-0002]"
R3="Rappel : rencontre du groupe le 14/12/2026 à 07h30 [CDP-2026-0003]"

request holder "Jardin partagé" 1
request holder2 "Jardin des écoles" 2
request other "Jardin du marché" 3
request volunteer3 "Jardin de la gare" 4
poll "poll: four requests" "2026-11-30 10:00"
$MAILBOX wait referent --count 4 --timeout 20 >/dev/null
for n in 1 2 3 4; do
	$MAILBOX wait referent --subject "CDP-2026-000$n" --timeout 5 >"$T/assign$n.eml"
done
answer referent "$T/assign1.eml" "ELIGIBLE
INVITER volunteer1@$D"
answer referent "$T/assign2.eml" "ELIGIBLE
RENCONTRE 10/12/2026 10h00 à la salle des fêtes"
answer referent "$T/assign3.eml" "ELIGIBLE
RENCONTRE 14/12/2026 07h30 au marché"
answer referent "$T/assign4.eml" "ELIGIBLE
RENCONTRE 09/12/2026 14h00"
$MAILBOX wait coupdepouce --count 4 --timeout 20 >/dev/null
poll "poll: decisions, three meetings" "2026-11-30 11:00"
$MAILBOX wait volunteer1 --timeout 20 >"$T/inv.eml"
answer volunteer1 "$T/inv.eml" "OUI"
$MAILBOX wait coupdepouce --timeout 20 >/dev/null
poll "poll: volunteer1 accepts" "2026-11-30 12:00"
answer referent "$T/assign1.eml" "RENCONTRE 14/12/2026 18h30 à la mairie"
answer referent "$T/assign2.eml" "RENCONTRE 21/12/2026 10h00"
answer referent "$T/assign4.eml" "ANNULER RENCONTRE"
$MAILBOX wait coupdepouce --count 3 --timeout 20 >/dev/null
poll "poll: schedule 0001, move 0002, cancel 0004" "2026-11-30 14:00"
t_run "holder invited" 0 $MAILBOX wait holder --subject "^Rencontre du groupe le 14/12/2026 à 18h30 \[CDP-2026-0001\]$" --timeout 20
cp "$T/out" "$T/invitation1.eml"
t_run "holder2 gets the move" 0 $MAILBOX wait holder2 --subject "^Rencontre déplacée au 21/12/2026" --timeout 20
cp "$T/out" "$T/update2.eml"
t_sql "reminders planned: 2 per meeting, the moved and cancelled ones closed" \
    "1|2|0
2|2|2
3|2|0
4|0|2" "SELECT m.case_id, sum(j.done_at IS NULL), sum(j.done_at IS NOT NULL) FROM meetings m JOIN jobs j ON j.kind = 'meeting_reminder' AND json_extract(j.payload, '\$.meeting') = m.id GROUP BY m.case_id ORDER BY m.case_id"

# Closing them is not the only guard: as if it had failed, the jobs of
# the moved and the cancelled meeting are opened again, and the reminder
# itself must see that their reason is gone.
sql "UPDATE jobs SET done_at = NULL WHERE kind = 'meeting_reminder'"
M4=$(sql "SELECT id FROM meetings WHERE case_id = 4")

# 0003's J-7 (07/12 07:30) waits for 08:00; the old J-7s of 0002 (03/12)
# and 0004 (02/12) come due but have no reason left.
poll "poll: Monday 07/12 07:59" "2026-12-07 07:59"
is "nothing before working hours" "$(ran meeting%)" 0
poll "poll: Monday 07/12 08:00" "2026-12-07 08:00"
is "0003's J-7 and the two old J-7s run" "$(ran meeting%)" 3
t_grep "0002's old J-7: moved" "$T/poll.log" "CDP-2026-0002: reminder of meeting cdp-meeting-CDP-2026-0002-"
t_grep "0004's J-7: cancelled" "$T/poll.log" "CDP-2026-0004: reminder of meeting $M4 skipped: it was cancelled"
t_run "other is reminded of 14/12 07h30" 0 mb_wait_new other --subject "$(rx "$R3")" --timeout 20
poll "poll: 18:29, before 0001's J-7" "2026-12-07 18:29"
is "not before it is due" "$(ran meeting%)" 0
poll "poll: 18:30, 0001's J-7" "2026-12-07 18:30"
is "0001's J-7 runs" "$(ran meeting%)" 1
t_run "holder is reminded" 0 mb_wait_new holder --subject "$(rx "$R1")" --timeout 20
cp "$T/out" "$T/reminder1.eml"
t_run "volunteer1 is reminded" 0 mb_wait_new volunteer1 --subject "$(rx "$R1")" --timeout 20
t_run "the referent is reminded" 0 mb_wait_new referent --subject "$(rx "$R1")" --timeout 20
cp "$T/out" "$T/reminder1r.eml"
is "the reminder carries the invitation: same UID and SEQUENCE, REQUEST" \
    "$(ical "$T/reminder1.eml")" "$(ical "$T/invitation1.eml")"
t_grep "an iMIP REQUEST" "$T/reminder1.eml" "method=REQUEST"
text "$T/reminder1.eml"
text "$T/reminder1r.eml"
NB=$(printf '\302\240')
t_grep "the date, named (French spacing)" "$T/reminder1.eml.txt" "Date$NB$NB: 14/12/2026"
t_grep "who is coming" "$T/reminder1.eml.txt" "  - Valérie Un, personne ressource"
t_grep "the holder is told to reply if they cannot come" "$T/reminder1.eml.txt" "votre message sera transmis à Romane Référente, la"
t_nogrep "the holder is not told to move it" "$T/reminder1.eml.txt" "ANNULER RENCONTRE"
t_grep "the referent may move it" "$T/reminder1r.eml.txt" "ANNULER RENCONTRE"

poll "poll: Sunday 13/12 18:30" "2026-12-13 18:30"
is "no reminder on a Sunday" "$(ran meeting%)" 0
poll "poll: Monday 14/12 08:00" "2026-12-14 08:00"
is "0001's and 0003's J-1 and the old J-1s come due" "$(ran meeting%)" 4
t_grep "0003 has begun: no J-1" "$T/poll.log" "CDP-2026-0003: reminder of meeting"
t_grep "0004's J-1: cancelled" "$T/poll.log" "CDP-2026-0004: reminder of meeting $M4 skipped: it was cancelled"
t_run "holder gets the J-1 reminder" 0 mb_wait_new holder --subject "$(rx "$R1")" --timeout 20
t_run "volunteer1 gets it too" 0 mb_wait_new volunteer1 --subject "$(rx "$R1")" --timeout 20

# A week without polling: 0002's J-7 (14/12 10:00) and J-1 (Sunday 20/12,
# held to Monday) are both due; only the latest goes.
poll "poll: catch-up on Monday 21/12 08:00" "2026-12-21 08:00"
t_run "holder2 is reminded of the new date" 0 mb_wait_new holder2 --subject "$(rx "$R2")" --timeout 20
cp "$T/out" "$T/reminder2.eml"
is "0002's reminder: the update's UID and SEQUENCE" \
    "$(ical "$T/reminder2.eml")" "$(ical "$T/update2.eml")"
t_grep "the moved meeting is at SEQUENCE 1" "$T/reminder2.eml" "SEQUENCE:1"
poll "poll again" "2026-12-21 09:00"
is "nothing left to run" "$(ran meeting%)" 0
mb_settled
is "holder: J-7 and J-1, once each" "$(n holder "$R1")" 2
is "volunteer1: the same" "$(n volunteer1 "$R1")" 2
is "referent: two for 0001" "$(n referent "$R1")" 2
is "holder2: one reminder after the catch-up" "$(n holder2 "$R2")" 1
is "holder2: none for the old date" "$(n holder2 "$R2OLD")" 0
is "referent: one for 0002" "$(n referent "$R2")" 1
is "other: J-7 only" "$(n other "$R3")" 1
is "referent: one for 0003" "$(n referent "$R3")" 1
is "volunteer3 (cancelled): no reminder" "$($MAILBOX list volunteer3 | cut -f3 | grep -c '^Rappel')" 0
is "referent: four reminders in all" "$($MAILBOX list referent | cut -f3 | grep -c '^Rappel')" 4
t_sql "reminders counted per meeting" "1|2
2|1
3|1
4|0" "SELECT case_id, reminders_sent FROM meetings ORDER BY case_id"
t_sql "no meeting reminder left" 0 "SELECT count(*) FROM jobs WHERE done_at IS NULL AND kind = 'meeting_reminder'"
t_done
