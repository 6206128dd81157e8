# transfer.sh — TRANSFERER through the real servers: the referent hands a
# case with a group to referent2.  The holder and the accepted volunteer
# each get a short notice naming referent2; referent2 gets the case, its
# people and the commands of its step; STATUT names referent2; the
# holder's next mail is forwarded to referent2, not to the old referent.
. "$(dirname "$0")/../lib.sh"

ms_start
D=$MS_DOMAIN
cdp_people_config <<EOF2
email,name,roles,themes,communes
referent@$D,Romane Référente,referent,alimentation,Ambert
referent2@$D,Rémi Second,referent,alimentation,Thiers
volunteer1@$D,Valérie Un,volunteer,alimentation,
EOF2
. "$TOP/tests/timer_lib.sh"
REF=CDP-2026-0001
NOTICE="Nouvelle personne référente pour votre dossier [$REF]"
HANDED="Un dossier vous est confié par Romane Référente [$REF]"

with_group

answer referent "$T/assign.eml" "TRANSFERER referent2@$D"
$MAILBOX wait coupdepouce --count 1 --timeout 20 >/dev/null
poll "poll: TRANSFERER" "2026-11-30 13:00"
is "referent2 is the case's referent" "$(sql "SELECT p.email FROM cases c JOIN persons p ON p.id = c.referent_id WHERE c.ref = '$REF'")" "referent2@$D"
t_run "referent2 gets the case" 0 $MAILBOX wait referent2 --subject "$(rx "$HANDED")" --timeout 20
cp "$T/out" "$T/handed.eml"
text "$T/handed.eml"
t_grep "it lists the group" "$T/handed.eml.txt" "Valérie Un <volunteer1@$D>"
t_grep "it gives the commands of a forming group" "$T/handed.eml.txt" "  INTERLOCUTEUR adresse"
t_run "the holder is told" 0 $MAILBOX wait holder --subject "$(rx "$NOTICE")" --timeout 20
cp "$T/out" "$T/notice_holder.eml"
text "$T/notice_holder.eml"
t_grep "it names referent2" "$T/notice_holder.eml.txt" "est désormais suivi par Rémi Second,"
t_grep "the holder is greeted by name" "$T/notice_holder.eml.txt" "Bonjour holder,"
t_run "the volunteer is told" 0 $MAILBOX wait volunteer1 --subject "$(rx "$NOTICE")" --timeout 20
cp "$T/out" "$T/notice_vol.eml"
text "$T/notice_vol.eml"
t_grep "it names referent2's address" "$T/notice_vol.eml.txt" "referent2@$D en gardant"
is "the old referent gets no notice" "$(n referent "$NOTICE")" 0

answer referent2 "$T/handed.eml" "STATUT"
$MAILBOX wait coupdepouce --count 1 --timeout 20 >/dev/null
poll "poll: STATUT" "2026-11-30 14:00"
t_run "referent2 gets the status" 0 $MAILBOX wait referent2 --subject "$(rx "Où en est le dossier ? [$REF]")" --timeout 20
cp "$T/out" "$T/status.eml"
text "$T/status.eml"
t_grep "STATUT: referent2 is the referent" "$T/status.eml.txt" "Rémi Second <referent2@$D>"
t_grep "with that role" "$T/status.eml.txt" "personne référente"

answer holder "$T/notice_holder.eml" "Merci, nous serons disponibles la semaine prochaine."
$MAILBOX wait coupdepouce --count 1 --timeout 20 >/dev/null
poll "poll: the holder writes" "2026-11-30 15:00"
t_run "referent2 gets the holder's mail" 0 $MAILBOX wait referent2 --subject "$(rx "Nouveau message de holder [$REF]")" --body "disponibles la semaine" --timeout 20
is "the old referent does not" "$(n referent "Nouveau message de holder [$REF]")" 0
t_done
