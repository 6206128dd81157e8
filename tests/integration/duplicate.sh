# duplicate.sh — a holder who writes again in a new thread, through the
# real servers: the referent gets one notice, tagged with the new case
# only, and answers it.  FUSIONNER CDP-2026-0001 closes the new case and
# moves its mail to the first one, the holder told once; another
# duplicate answered ELIGIBLE changes the new case, not the old one.
. "$(dirname "$0")/../lib.sh"

cdp_network </dev/null
. "$TOP/tests/timer_lib.sh"
# Each poll marks these mailboxes: the waits after it only see its mail.
MB_USERS="referent holder"
NOTICE2="Doublon possible d'un dossier que vous suivez [CDP-2026-0002]"
NOTICE3="Doublon possible d'un dossier que vous suivez [CDP-2026-0003]"
MERGED="Votre message rejoint votre dossier [CDP-2026-0001]"
state() { sql "SELECT state FROM cases WHERE ref = '$1'"; }

request holder "Jardin partagé" 1
poll "poll: the request" "2026-11-30 10:00"
t_got "the referent gets the case" referent "$T/assign1.eml" \
    --subject "$(rx "Nouvelle demande à étudier [CDP-2026-0001] (Ambert)")"
request holder "Encore notre jardin" 2 "Bonjour, je vous réécris pour notre jardin partagé à Ambert."
poll "poll: the same holder again" "2026-11-30 11:00"
t_got "the referent gets the notice" referent "$T/notice2.eml" --subject "$(rx "$NOTICE2")"
text "$T/notice2.eml"
t_line "it names the first case" "$T/notice2.eml.txt" "  FUSIONNER CDP-2026-0001"
t_line "it offers to decide the new case" "$T/notice2.eml.txt" "  ELIGIBLE"
t_new "one notice" referent 1 "$NOTICE2"
t_new "besides the new case's assignment, nothing more" referent 2

cdp_answer referent "$T/notice2.eml" "FUSIONNER CDP-2026-0001"
poll "poll: FUSIONNER" "2026-11-30 12:00"
is "the new case is withdrawn" "$(state CDP-2026-0002)" "withdrawn"
is "with the reason" "$(sql "SELECT json_extract(details, '\$.reason') FROM events WHERE kind = 'state' AND case_id = (SELECT id FROM cases WHERE ref = 'CDP-2026-0002') ORDER BY id DESC LIMIT 1")" "fusionné avec CDP-2026-0001"
is "the first case goes on" "$(state CDP-2026-0001)" "analysis"
is "the holder's second mail is on the first case" "$(sql "SELECT c.ref FROM messages m JOIN cases c ON c.id = m.case_id WHERE m.message_id = 'r2@$D'")" "CDP-2026-0001"
is "an event on each timeline" "$(sql "SELECT group_concat(c.ref || ':' || coalesce(json_extract(e.details, '\$.into'), json_extract(e.details, '\$.from')), ' ') FROM events e JOIN cases c ON c.id = e.case_id WHERE e.kind = 'merged'")" "CDP-2026-0002:CDP-2026-0001 CDP-2026-0001:CDP-2026-0002"
t_got "the holder is told" holder "$T/merged.eml" --subject "$(rx "$MERGED")"
text "$T/merged.eml"
t_grep "it says the second case is closed" "$T/merged.eml.txt" "dossier CDP-2026-0002 qu'il avait ouvert est clos"
t_new "once" holder 1 "$MERGED"
t_new "and nothing else" holder 1
is "no decision reminder left for the merged case" "$(sql "SELECT count(*) FROM jobs WHERE done_at IS NULL AND case_id = (SELECT id FROM cases WHERE ref = 'CDP-2026-0002')")" 0

request holder "Une autre idée" 3 "Bonjour, nous voulons aussi créer une bibliothèque partagée à Ambert."
poll "poll: a third mail, the next day" "2026-12-01 10:00"
t_got "the referent gets another notice" referent "$T/notice3.eml" --subject "$(rx "$NOTICE3")"
cdp_answer referent "$T/notice3.eml" "ELIGIBLE"
poll "poll: ELIGIBLE on the notice" "2026-12-01 11:00"
is "the new case is eligible" "$(state CDP-2026-0003)" "forming"
is "the old case is not changed" "$(state CDP-2026-0001)" "analysis"
t_done
