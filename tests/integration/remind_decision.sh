# remind_decision.sh — a referent who has not decided, through the real
# servers: [timers] referent_reminder days after a case is given to them
# the referent is reminded of the request and of the commands that
# decide, and referent_flag days after it the case is flagged late and the
# coordinators are told, once.  A decision (ELIGIBLE) or a transfer ends
# the old referent's timers and lowers the flag; a transfer starts the new
# referent's.  Reminders wait for working days (Christmas → Monday), and
# after a week without polling only the latest step of each case runs.
#
# 30/11/2026 is a Monday.  Three cases, all to referent at first:
#   0001 holder   nobody decides: reminder Mon 07/12, flag Mon 14/12 (run
#                 at the catch-up of 15/12); a coordinator hands it to
#                 referent2 on Fri 18/12, whose reminder is due on
#                 Christmas and goes on Mon 28/12; referent2 decides
#   0002 holder2  ELIGIBLE on 01/12: nothing
#   0003 other    handed to referent2 on 01/12: referent2's reminder (08/12)
#                 and flag (15/12) are both due at the catch-up: only the
#                 flag runs; then referent2 decides
. "$(dirname "$0")/../lib.sh"

cdp_network <<EOF
referent2,Rémi Second,referent,alimentation,Thiers
EOF
. "$TOP/tests/timer_lib.sh"
flags() { sql "SELECT group_concat(ref || ':' || (flags & 2), ' ') FROM cases"; }
R1="Rappel : une demande attend votre décision [CDP-2026-0001]"
R2="Rappel : une demande attend votre décision [CDP-2026-0002]"
R3="Rappel : une demande attend votre décision [CDP-2026-0003]"
L1="Demande sans décision depuis 14 jours [CDP-2026-0001]"
L3="Demande sans décision depuis 14 jours [CDP-2026-0003]"

# 0001's mail is long: the reminder quotes its start, cut on a word.
LONG="Bonjour, nous voulons ouvrir un jardin partagé à Ambert, près de l'école."
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14; do
	LONG="$LONG Les parents, les enfants et les voisins y cultiveront ensemble."
done
request holder "Jardin partagé" 1 "$LONG Fin de notre message."
request holder2 "Jardin des écoles" 2
request other "Jardin du marché" 3
poll "poll: three requests" "2026-11-30 10:00"
$MAILBOX wait referent --count 3 --timeout 20 >/dev/null
for i in 1 2 3; do
	$MAILBOX wait referent --subject "CDP-2026-000$i" --timeout 5 >"$T/assign$i.eml"
done
t_sql "each referent has two decision jobs" "2|decision_flag|1
2|decision_reminder|1
3|decision_flag|1
3|decision_reminder|1
4|decision_flag|1
4|decision_reminder|1" "SELECT case_id + 1, kind, person_id = (SELECT id FROM persons WHERE email = 'referent@$D') FROM jobs WHERE kind LIKE 'decision%' ORDER BY case_id, kind"
answer referent "$T/assign2.eml" "ELIGIBLE"
answer referent "$T/assign3.eml" "TRANSFERER referent2@$D"
$MAILBOX wait coupdepouce --count 2 --timeout 20 >/dev/null
poll "poll: 0002 decided, 0003 handed over" "2026-12-01 10:00"
t_run "referent2 gets 0003" 0 $MAILBOX wait referent2 --subject "CDP-2026-0003" --timeout 20
t_sql "pending: 0001's for referent, 0003's for referent2" "1|decision_flag|referent@$D
1|decision_reminder|referent@$D
3|decision_flag|referent2@$D
3|decision_reminder|referent2@$D" "SELECT j.case_id, j.kind, p.email FROM jobs j JOIN persons p ON p.id = j.person_id WHERE j.kind LIKE 'decision%' AND j.done_at IS NULL ORDER BY j.case_id, j.kind"

poll "poll: Monday 07/12 09:59" "2026-12-07 09:59"
is "not before it is due" "$(ran decision%)" 0
poll "poll: Monday 07/12 10:00" "2026-12-07 10:00"
is "0001's reminder runs, and only it" "$(ran decision%)" 1
t_run "the referent is reminded" 0 $MAILBOX wait referent --subject "$(rx "$R1")" --timeout 20
cp "$T/out" "$T/reminder1.eml"
text "$T/reminder1.eml"
t_grep "it names the day the case was given" "$T/reminder1.eml.txt" "Le 30/11/2026, le dossier CDP-2026-0001 vous a été confié"
t_grep "it recalls the request" "$T/reminder1.eml.txt" "Bonjour, nous voulons ouvrir un jardin partagé"
t_grep "its start only, the cut marked" "$T/reminder1.eml.txt" "ensemble. Les parents, les […]"
t_nogrep "not its end" "$T/reminder1.eml.txt" "Fin de notre message."
t_grep "and the holder" "$T/reminder1.eml.txt" "holder <holder@$D>"
t_grep "ELIGIBLE" "$T/reminder1.eml.txt" "  ELIGIBLE"
t_grep "NON ELIGIBLE : motif" "$T/reminder1.eml.txt" "  NON ELIGIBLE$(printf '\302\240'): motif"
t_grep "TRANSFERER adresse" "$T/reminder1.eml.txt" "  TRANSFERER adresse"
t_grep "the coordinators are announced in 7 days" "$T/reminder1.eml.txt" "Sans décision d'ici 7 jours"

# Closing the jobs is not the only guard: as if it had failed, the
# first referent's jobs of the decided 0002 and the transferred 0003 are
# opened again; they must find their reason gone and send nothing.
sql "UPDATE jobs SET done_at = NULL WHERE kind LIKE 'decision%' AND case_id IN (2, 3) AND person_id = (SELECT id FROM persons WHERE email = 'referent@$D')"

# A week and a day without polling: 0001's flag (14/12) and both steps of
# each of 0003's chains are due; only each chain's flag runs.
poll "poll: catch-up on Tuesday 15/12 10:00" "2026-12-15 10:00"
is "seven jobs: four skipped reminders, three flags" "$(ran decision%)" 7
t_run "the coordinator hears of 0001" 0 $MAILBOX wait coordinator --subject "$(rx "$L1")" --timeout 20
cp "$T/out" "$T/late1.eml"
t_run "and of 0003" 0 $MAILBOX wait coordinator --subject "$(rx "$L3")" --timeout 20
text "$T/late1.eml"
t_grep "it names the referent" "$T/late1.eml.txt" "Romane Référente <referent@$D>"
t_grep "it offers TRANSFERER" "$T/late1.eml.txt" "  TRANSFERER adresse"
is "both cases flagged late" "$(flags)" "CDP-2026-0001:2 CDP-2026-0002:0 CDP-2026-0003:2"
poll "poll again" "2026-12-15 11:00"
is "the flag is not raised twice" "$(ran decision%)" 0

answer coordinator "$T/late1.eml" "TRANSFERER referent2@$D"
$MAILBOX wait referent2 --subject "CDP-2026-0003" --timeout 5 >"$T/transfer3.eml"
answer referent2 "$T/transfer3.eml" "ELIGIBLE"
$MAILBOX wait coupdepouce --count 2 --timeout 20 >/dev/null
poll "poll: 0001 handed to referent2, 0003 decided" "2026-12-18 10:00"
t_run "referent2 gets 0001" 0 $MAILBOX wait referent2 --subject "^Un dossier vous est confié.*CDP-2026-0001" --timeout 20
is "the flags are down" "$(flags)" "CDP-2026-0001:0 CDP-2026-0002:0 CDP-2026-0003:0"
# (times in UTC: 10:00 in Paris in winter is 09:00 UTC)
t_sql "pending: 0001's, for referent2, from the transfer" "1|decision_flag|referent2@$D|2027-01-01 09:00
1|decision_reminder|referent2@$D|2026-12-25 09:00" "SELECT j.case_id, j.kind, p.email, strftime('%Y-%m-%d %H:%M', j.due_at, 'unixepoch') FROM jobs j JOIN persons p ON p.id = j.person_id WHERE j.kind LIKE 'decision%' AND j.done_at IS NULL ORDER BY j.case_id, j.kind"

# Due on Christmas Day: it waits for Monday 28/12.
poll "poll: Christmas Day 10:00" "2026-12-25 10:00"
is "no reminder on a public holiday" "$(ran decision%)" 0
poll "poll: Monday 28/12 08:00" "2026-12-28 08:00"
is "referent2's reminder runs" "$(ran decision%)" 1
t_run "referent2 is reminded of 0001" 0 $MAILBOX wait referent2 --subject "$(rx "$R1")" --timeout 20
cp "$T/out" "$T/reminder1b.eml"
answer referent2 "$T/reminder1b.eml" "ELIGIBLE"
$MAILBOX wait coupdepouce --timeout 20 >/dev/null
poll "poll: referent2 decides" "2026-12-28 09:00"
t_sql "0001 is forming" forming "SELECT state FROM cases WHERE id = 1"
poll "poll: after the flag would have been due" "2027-01-04 10:00"
is "no flag once decided" "$(ran decision%)" 0
mb_settled
is "referent: one reminder, for 0001" "$(n referent "$R1")" 1
is "referent: none for the decided 0002" "$(n referent "$R2")" 0
is "referent: none for the transferred 0003" "$(n referent "$R3")" 0
is "referent2: one reminder for 0001" "$(n referent2 "$R1")" 1
is "referent2: none for 0003 (the flag came with it)" "$(n referent2 "$R3")" 0
is "coordinator: told once of 0001" "$(n coordinator "$L1")" 1
is "coordinator: told once of 0003" "$(n coordinator "$L3")" 1
is "coordinator: no other late notice" "$($MAILBOX list coordinator | cut -f3 | grep -c '^Demande sans décision')" 2
t_sql "no decision job left" 0 "SELECT count(*) FROM jobs WHERE done_at IS NULL AND kind LIKE 'decision%'"
t_run "timeline" 0 "$CDP" -c "$CONF" case show CDP-2026-0001
t_grep "the flag on the timeline" "$T/out" "decision_late"
t_done
