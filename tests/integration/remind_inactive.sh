# remind_inactive.sh — silent cases, through the real servers: after
# [timers] inactivity_followup days (45) without a mail on a case under
# way, its privileged contact (the referent when there is none) is asked
# for news; inactivity_flag days (90) without one flag it for the digest.
# A mail on the case moves the clock (the job is planned again from the
# last activity instead of firing) and lowers the flag; a case still
# awaiting its decision or a volunteer's application gets no follow-up;
# after months without polling each case gets one follow-up, not a
# follow-up and a flag at once.
#
# 30/11/2026 is a Monday.  Cases, all to referent:
#   0001 holder      eligible, volunteer1 its privileged contact
#   0002 holder2     eligible, no contact; holder2 writes on 10/12
#   0003 other       eligible, no contact, never a word again
#   0004 volunteer3  (a citizen here) never decided: analysis
#   0005 volunteer2  offers to help: a volunteer case
# Nothing is polled between 10/12/2026 and 15/03/2027.
. "$(dirname "$0")/../lib.sh"

cdp_network <<EOF
volunteer1,Valérie Un,volunteer,alimentation,
EOF
. "$TOP/tests/timer_lib.sh"
# Each poll marks these mailboxes: a follow-up waited for after it is the
# one this poll sent, not the first one of the same case.
MB_USERS="volunteer1 referent"
inactive() { sql "SELECT group_concat(ref || ':' || (flags & 4), ' ') FROM cases"; }
F1="Des nouvelles de l'accompagnement ? [CDP-2026-0001]"
F2="Des nouvelles de l'accompagnement ? [CDP-2026-0002]"
F3="Des nouvelles de l'accompagnement ? [CDP-2026-0003]"
F4="Des nouvelles de l'accompagnement ? [CDP-2026-0004]"

request holder "Jardin partagé" 1
request holder2 "Jardin des écoles" 2
request other "Jardin du marché" 3
request volunteer3 "Jardin de la gare" 4
request volunteer2 "Aider le réseau" 5 "Bonjour, je souhaiterais devenir bénévole."
poll "poll: four requests and a volunteer" "2026-11-30 10:00"
t_sql "one follow-up job per initiative, none for the volunteer" "1|1
2|1
3|1
4|1
5|0" "SELECT c.id, (SELECT count(*) FROM jobs j WHERE j.case_id = c.id AND j.kind LIKE 'inactivity%') FROM cases c ORDER BY c.id"
$MAILBOX wait referent --count 4 --timeout 20 >/dev/null
for i in 1 2 3; do
	$MAILBOX wait referent --subject "CDP-2026-000$i" --timeout 5 >"$T/assign$i.eml"
done
answer referent "$T/assign1.eml" "ELIGIBLE
INVITER volunteer1@$D"
answer referent "$T/assign2.eml" "ELIGIBLE"
answer referent "$T/assign3.eml" "ELIGIBLE"
$MAILBOX wait coupdepouce --count 3 --timeout 20 >/dev/null
poll "poll: three eligible" "2026-11-30 11:00"
$MAILBOX wait volunteer1 --timeout 20 >"$T/inv.eml"
answer volunteer1 "$T/inv.eml" "OUI"
$MAILBOX wait coupdepouce --timeout 20 >/dev/null
poll "poll: volunteer1 accepts" "2026-11-30 12:00"
answer referent "$T/assign1.eml" "INTERLOCUTEUR volunteer1@$D"
$MAILBOX wait coupdepouce --timeout 20 >/dev/null
poll "poll: volunteer1 is the contact" "2026-11-30 14:00"
$MAILBOX wait holder2 --subject "CDP-2026-0002" --count 2 --timeout 20 >/dev/null
$MAILBOX wait holder2 --subject "^Votre demande d'accompagnement est acceptée" --timeout 5 >"$T/eligible2.eml"
answer holder2 "$T/eligible2.eml" "Nous avons trouvé un terrain, merci !"
$MAILBOX wait coupdepouce --timeout 20 >/dev/null
poll "poll: news from holder2" "2026-12-10 10:00"

# Three months and a half later: every case is past 45 days of silence
# (0002's counted from 10/12), past 90 for most, yet each gets one
# follow-up and no flag: the follow-up is given its 45 days first.
poll "poll: catch-up on Monday 15/03/2027" "2027-03-15 10:00"
t_run "volunteer1, the contact, is asked about 0001" 0 $MAILBOX wait volunteer1 --subject "$(rx "$F1")" --timeout 20
cp "$T/out" "$T/f1.eml"
t_run "the referent is asked about 0002" 0 $MAILBOX wait referent --subject "$(rx "$F2")" --timeout 20
cp "$T/out" "$T/f2.eml"
t_run "and about 0003" 0 $MAILBOX wait referent --subject "$(rx "$F3")" --timeout 20
text "$T/f1.eml"
text "$T/f2.eml"
t_grep "0001: silent since the contact was named" "$T/f1.eml.txt" "depuis le 30/11/2026,"
t_grep "104 days ago" "$T/f1.eml.txt" "soit 104 jours. Tout va"
t_grep "the contact is told whom to ask to close" "$T/f1.eml.txt" "personne référente (referent@$D), qui pourra le clore."
t_nogrep "the contact is not offered CLOTURER" "$T/f1.eml.txt" "CLOTURER"
t_grep "0002: silent since holder2's mail" "$T/f2.eml.txt" "depuis le 10/12/2026,"
t_grep "95 days ago" "$T/f2.eml.txt" "soit 95 jours. Tout va"
t_grep "the referent may close it" "$T/f2.eml.txt" "  CLOTURER bilan"
t_grep "and may send news or STATUT" "$T/f2.eml.txt" "  STATUT"
is "no case flagged yet" "$(inactive)" "CDP-2026-0001:0 CDP-2026-0002:0 CDP-2026-0003:0 CDP-2026-0004:0 CDP-2026-0005:0"
# (UTC: 10:00 in Paris in summer time is 08:00 UTC)
t_sql "the flags wait 45 days after the follow-ups; 0004 keeps watching" "1|inactivity_flag|2027-04-29 08:00
2|inactivity_flag|2027-04-29 08:00
3|inactivity_flag|2027-04-29 08:00
4|inactivity_followup|2027-04-29 08:00" "SELECT case_id, kind, strftime('%Y-%m-%d %H:%M', due_at, 'unixepoch') FROM jobs WHERE done_at IS NULL AND kind LIKE 'inactivity%' ORDER BY case_id"

answer referent "$T/f2.eml" "Le groupe s'est réuni, tout va bien."
$MAILBOX wait coupdepouce --timeout 20 >/dev/null
poll "poll: the referent answers about 0002" "2027-03-16 10:00"
poll "poll: 29/04 09:59" "2027-04-29 09:59"
is "nothing before it is due" "$(ran inactivity%)" 0
poll "poll: 29/04 10:00, 90 days" "2027-04-29 10:00"
t_grep "0001 and 0003 flagged" "$T/poll.log" "CDP-2026-0003: no activity for"
is "0001 and 0003 are flagged, not 0002 which had news" "$(inactive)" "CDP-2026-0001:4 CDP-2026-0002:0 CDP-2026-0003:4 CDP-2026-0004:0 CDP-2026-0005:0"
poll "poll: 30/04 10:00, 45 days after the referent's answer" "2027-04-30 10:00"
t_run "the referent is asked again about 0002" 0 mb_wait_new referent --subject "$(rx "$F2")" --timeout 20

answer volunteer1 "$T/f1.eml" "Tout va bien, la première rencontre a eu lieu."
$MAILBOX wait coupdepouce --timeout 20 >/dev/null
poll "poll: volunteer1 answers about 0001" "2027-05-03 10:00"
is "news lowers 0001's flag" "$(inactive)" "CDP-2026-0001:0 CDP-2026-0002:0 CDP-2026-0003:4 CDP-2026-0004:0 CDP-2026-0005:0"
# 0001's and 0003's watch jobs come due on Sunday 13/06: Monday 08:00.
poll "poll: Sunday 13/06" "2027-06-13 10:00"
is "nothing on a Sunday" "$(ran inactivity%)" 0
poll "poll: Monday 14/06 08:00" "2027-06-14 08:00"
is "the watch jobs of 0001, 0003 and 0004 run" "$(ran inactivity%)" 3
mb_settled
is "0001: not asked again before 45 days after the answer" "$(n volunteer1 "$F1")" 1
is "0003: flagged and still silent, not asked again" "$(n referent "$F3")" 1
poll "poll: 17/06 10:00, 45 days after volunteer1's answer" "2027-06-17 10:00"
t_run "volunteer1 is asked again about 0001" 0 mb_wait_new volunteer1 --subject "$(rx "$F1")" --timeout 20
mb_settled
is "volunteer1: two follow-ups of 0001" "$(n volunteer1 "$F1")" 2
is "referent: none of 0001 (it has a contact)" "$(n referent "$F1")" 0
is "referent: two of 0002" "$(n referent "$F2")" 2
is "referent: one of 0003 (flagged, then silent)" "$(n referent "$F3")" 1
is "referent: none of 0004 (awaiting its decision)" "$(n referent "$F4")" 0
is "nobody else is asked" "$($MAILBOX list holder | cut -f3 | grep -c '^Des nouvelles')$($MAILBOX list coordinator | cut -f3 | grep -c '^Des nouvelles')" 00
t_sql "one inactivity job pending per initiative under way or undecided" "1
2
3
4" "SELECT case_id FROM jobs WHERE done_at IS NULL AND kind LIKE 'inactivity%' ORDER BY case_id"
t_run "timeline" 0 "$CDP" -c "$CONF" case show CDP-2026-0003
t_grep "the flag on the timeline" "$T/out" "inactive"
t_done
