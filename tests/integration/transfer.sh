# transfer.sh — TRANSFERER through the real servers: the referent hands a
# case with a group to referent2.  The holder and the accepted volunteer
# each get a short notice naming referent2; referent2 gets the case, its
# people and the commands of its step; STATUT names referent2; the
# holder's next mail is forwarded to referent2, not to the old referent.
. "$(dirname "$0")/../lib.sh"

cdp_network <<EOF
referent2,Rémi Second,referent,alimentation,Thiers
volunteer1,Valérie Un,volunteer,alimentation,
EOF
. "$TOP/tests/timer_lib.sh"
REF=CDP-2026-0001
NOTICE="Nouvelle personne référente pour votre dossier [$REF]"
HANDED="Un dossier vous est confié par Romane Référente [$REF]"

with_group
# Each poll from now on marks these mailboxes: the waits after it only
# see its mail.
MB_USERS="holder volunteer1 referent referent2"

cdp_answer referent "$T/assign.eml" "TRANSFERER referent2@$D"
poll "poll: TRANSFERER" "2026-11-30 13:00"
is "referent2 is the case's referent" "$(sql "SELECT p.email FROM cases c JOIN persons p ON p.id = c.referent_id WHERE c.ref = '$REF'")" "referent2@$D"
t_got "referent2 gets the case" referent2 "$T/handed.eml" --subject "$(rx "$HANDED")"
text "$T/handed.eml"
t_grep "it lists the group" "$T/handed.eml.txt" "Valérie Un <volunteer1@$D>"
t_line "it gives the commands of a forming group" "$T/handed.eml.txt" "  INTERLOCUTEUR adresse"
t_got "the holder is told" holder "$T/notice_holder.eml" --subject "$(rx "$NOTICE")"
text "$T/notice_holder.eml"
t_grep "it names referent2" "$T/notice_holder.eml.txt" "est désormais suivi par Rémi Second,"
t_line "the holder is greeted by name" "$T/notice_holder.eml.txt" "Bonjour holder,"
t_got "the volunteer is told" volunteer1 "$T/notice_vol.eml" --subject "$(rx "$NOTICE")"
text "$T/notice_vol.eml"
t_grep "it names referent2's address" "$T/notice_vol.eml.txt" "referent2@$D en gardant"
t_new "the holder is told once" holder 1
t_new "the volunteer too" volunteer1 1
t_new "referent2 gets the case once" referent2 1
t_new "the old referent gets no notice" referent 0 "$NOTICE"

cdp_answer referent2 "$T/handed.eml" "STATUT"
poll "poll: STATUT" "2026-11-30 14:00"
t_got "referent2 gets the status" referent2 "$T/status.eml" --subject "$(rx "Où en est le dossier ? [$REF]")"
text "$T/status.eml"
t_grep "STATUT: referent2 is the referent" "$T/status.eml.txt" "Rémi Second <referent2@$D>"
t_grep "with that role" "$T/status.eml.txt" "personne référente"

cdp_answer holder "$T/notice_holder.eml" "Merci, nous serons disponibles la semaine prochaine."
poll "poll: the holder writes" "2026-11-30 15:00"
t_got "referent2 gets the holder's mail" referent2 "$T/forward.eml" \
    --subject "$(rx "Nouveau message de holder [$REF]")" --body "disponibles la semaine"
t_new "the old referent does not" referent 0
t_done
