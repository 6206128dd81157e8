# pool_mail.sh — coordinators manage the network's people by mail, with
# the real Dovecot and Postfix.  The coordinator answers the digest with
# BENEVOLE: the volunteer gets the welcome and the charter, answers
# J'ACCEPTE LA CHARTE and is in the pool with their themes and communes,
# every change a person event by mail with the coordinator as actor.
# ANNUAIRE lists them; THEMES, COMMUNES, INDISPONIBLE jusqu'au and
# DISPONIBLE change the row; a volunteer sets their own availability and
# not someone else's; RETIRER is refused for a referent of an open case
# (naming it) and done for a volunteer without any.  A coordinator's new
# mail runs only when our server vouches for it (Authentication-Results);
# forged, it runs nothing and opens no case.  A referent's BENEVOLE in a
# reply to a case mail is refused.  Last, the referent invites the
# volunteer added by mail and a newcomer outside the pool; both answer
# OUI, and the newcomer is then in the pool with the case's themes.
MS_EXTRA_USERS="volunteer8 volunteer9 newcomer"
export MS_EXTRA_USERS
. "$(dirname "$0")/../lib.sh"
# The database's times read as Paris times by sqlite3's 'localtime'.
TZ=Europe/Paris
export TZ
NB=$(printf '\302\240')

cdp_network <<EOF
volunteer8,Victor Huit,volunteer,dechets,
EOF
# Our receiving server's id, for the new mail below; decision reminders
# pushed beyond the test.
sed -i "s/^coordinators = .*/&\nauthserv_id = mx.pool.test/" "$CONF"
printf '[timers]\nreferent_reminder = 300\nreferent_flag = 365\n' >>"$CONF"
. "$TOP/tests/timer_lib.sh"
# Each poll marks these mailboxes: `got` after it only sees what it sent,
# not the transcript of an earlier command.
MB_USERS="referent coordinator volunteer9 newcomer"
# got USER SUBJECT_RE [BODY_RE]: waits for the mail sent since the last
# poll, keeps it in $T/got.eml
got() {
	mb_wait_new "$1" --subject "$2" ${3:+--body "$3"} --timeout 20 >"$T/got.eml" 2>"$T/got.err" &&
	    t_ok "$1 gets: $2${3:+ / $3}" || t_not_ok "$1 gets: $2" "$(cat "$T/got.err")"
}
# The daemon moves what it fetched out of the inbox: any mail there is new.
inbox() { $MAILBOX wait coupdepouce --timeout 20 >/dev/null; }
V9="(SELECT id FROM persons WHERE email = 'volunteer9@$D')"
CO="(SELECT id FROM persons WHERE email = 'coordinator@$D')"
row() {	# the volunteer's row
	sql "SELECT p.name, p.themes, p.communes, p.active, p.unavailable, coalesce(strftime('%Y-%m-%d %H:%M', p.unavailable_until, 'unixepoch', 'localtime'), '-'), p.charter_signed_at IS NOT NULL, (SELECT group_concat(role || ':' || source) FROM person_roles WHERE person_id = p.id) FROM persons p WHERE p.email = '$1'"
}
t_row() { is "$1" "$(row "$2")" "$3"; }	# NAME EMAIL WANT

# --- A case for the referent, and the digest ------------------------------
request holder "Jardin partagé" 1 "Un projet de jardin partagé à Ambert."
poll "poll: a request on Monday 15 March" "2027-03-15 10:00"
got referent "^Nouvelle demande"
cp "$T/got.eml" "$T/assignment.eml"
poll "poll: the digest, Monday 22 March" "2027-03-22 08:00"
got coordinator "^Synthèse du réseau au 22/03/2027$"
cp "$T/got.eml" "$T/digest.eml"

# --- BENEVOLE in reply to the digest ----------------------------------------
answer coordinator "$T/digest.eml" "BENEVOLE volunteer9@$D Alex Neuf ; mobilite, energie ; Ambert

Bienvenue à Alex !"
inbox
poll "poll: BENEVOLE" "2027-03-22 09:00"
got volunteer9 "^Bienvenue parmi les personnes ressources du réseau$"
cp "$T/got.eml" "$T/welcome.eml"
text "$T/welcome.eml"
t_grep "welcome: by name" "$T/welcome.eml.txt" "Bonjour Alex Neuf,"
t_grep "welcome: the charter" "$T/welcome.eml.txt" "charte éthique et de confiance"
t_grep "welcome: the themes noted" "$T/welcome.eml.txt" "  - thèmes$NB: Mobilité, Énergie"
t_grep "welcome: what to reply" "$T/welcome.eml.txt" "  J'ACCEPTE LA CHARTE"
t_nogrep "welcome: no case tag" "$T/welcome.eml" "[CDP-"
got coordinator "^Suite donnée à vos commandes$" "BENEVOLE"
cp "$T/got.eml" "$T/t1"; text "$T/t1"
t_grep "transcript: done" "$T/t1.txt" "-> BENEVOLE (volunteer9@$D)${NB}: c'est fait."
t_grep "transcript: added" "$T/t1.txt" "Cette personne a été ajoutée au réseau"
t_row "volunteer9 in the pool, charter not signed yet" "volunteer9@$D" \
    "Alex Neuf|[\"mobilite\",\"energie\"]|[\"Ambert\"]|1|0|-|0|volunteer:db"
t_sql "events: added and role, by mail, the coordinator as actor, from the reply" \
    "person_added|mail|1|1|volunteer
role_added|mail|1|1|volunteer" \
    "SELECT e.kind, json_extract(e.details, '$.by'), e.actor_id = $CO, e.msg_id = (SELECT id FROM messages WHERE direction = 'in' AND new_text LIKE 'BENEVOLE%'), json_extract(e.details, '$.role') FROM events e WHERE e.case_id IS NULL AND json_extract(e.details, '$.person_id') = CAST($V9 AS TEXT) ORDER BY e.id"
t_sql "no case opened" 1 "SELECT count(*) FROM cases"

# --- The volunteer signs the charter ----------------------------------------
answer volunteer9 "$T/welcome.eml" "J'accepte la charte

Merci, avec plaisir."
inbox
poll "poll: J'ACCEPTE LA CHARTE" "2027-03-22 09:10"
t_sql "charter signed" "1|2027-03-22 09:10" \
    "SELECT count(*), strftime('%Y-%m-%d %H:%M', charter_signed_at, 'unixepoch', 'localtime') FROM persons WHERE email = 'volunteer9@$D'"
t_sql "charter event by self" "charter_signed|self|1" \
    "SELECT kind, json_extract(details, '$.by'), actor_id = $V9 FROM events WHERE kind = 'charter_signed' AND json_extract(details, '$.person_id') = CAST($V9 AS TEXT)"
got volunteer9 "^Merci, votre signature de la charte est enregistrée$" "bienvenue parmi les personnes"
t_sql "the signature welcomed, no transcript" "charter_signed" \
    "SELECT group_concat(o.template) FROM outbox o JOIN persons p ON p.id = o.person_id WHERE p.email = 'volunteer9@$D' AND o.created_at >= (SELECT charter_signed_at FROM persons WHERE email = 'volunteer9@$D')"

# --- A volunteer's own availability; not someone else's ---------------------
answer volunteer9 "$T/welcome.eml" "INDISPONIBLE jusqu'au 30/04/2027"
inbox
poll "poll: the volunteer's INDISPONIBLE" "2027-03-22 09:20"
t_row "unavailable until the end of 30/04" "volunteer9@$D" \
    "Alex Neuf|[\"mobilite\",\"energie\"]|[\"Ambert\"]|1|1|2027-05-01 00:00|1|volunteer:db"
t_sql "availability event by self" "availability|self|1|2027-04-30" \
    "SELECT kind, json_extract(details, '$.by'), json_extract(details, '$.unavailable'), json_extract(details, '$.until') FROM events WHERE kind = 'availability' ORDER BY id DESC LIMIT 1"
answer volunteer9 "$T/welcome.eml" "INDISPONIBLE volunteer8@$D"
inbox
poll "poll: INDISPONIBLE about someone else" "2027-03-22 09:30"
got volunteer9 "^Suite donnée à vos commandes$" "INDISPONIBLE volunteer8"
cp "$T/got.eml" "$T/t2"; text "$T/t2"
t_grep "refused: not allowed" "$T/t2.txt" "cette commande n'est pas ouverte à votre rôle dans le réseau."
t_sql "volunteer8 unchanged" "0" "SELECT unavailable FROM persons WHERE email = 'volunteer8@$D'"

# --- ANNUAIRE ----------------------------------------------------------------
answer coordinator "$T/digest.eml" "ANNUAIRE"
inbox
poll "poll: ANNUAIRE" "2027-03-22 09:40"
got coordinator "^Annuaire du réseau$"
cp "$T/got.eml" "$T/pool"; text "$T/pool"
sed -n '/^PERSONNES RESSOURCES/,/^$/p' "$T/pool.txt" >"$T/pool_volunteers.txt"
printf '%s\n' "PERSONNES RESSOURCES (2)" \
    "  - Alex Neuf <volunteer9@$D>" \
    "    thèmes$NB: Mobilité, Énergie$NB; communes$NB: Ambert" \
    "    dossiers en cours$NB: 0 en tant que personne référente, 0 dans un groupe" \
    "    charte$NB: signée le 22/03/2027" \
    "    indisponible jusqu'au 30/04/2027" \
    "  - Victor Huit <volunteer8@$D>" \
    "    thèmes$NB: Déchets$NB; communes$NB: aucune" \
    "    dossiers en cours$NB: 0 en tant que personne référente, 0 dans un groupe" \
    "    charte$NB: pas encore signée" "" >"$T/want_volunteers.txt"
if cmp -s "$T/pool_volunteers.txt" "$T/want_volunteers.txt"; then
	t_ok "ANNUAIRE: the volunteers, line by line"
else
	t_not_ok "ANNUAIRE: the volunteers, line by line" "$(diff "$T/want_volunteers.txt" "$T/pool_volunteers.txt")"
fi
t_grep "ANNUAIRE: the referent with her open case" "$T/pool.txt" "    dossiers en cours$NB: 1 en tant que personne référente, 0 dans un groupe"
t_grep "ANNUAIRE: the coordinator" "$T/pool.txt" "ÉQUIPE DE COORDINATION (1)"
t_nogrep "ANNUAIRE: no transcript besides" "$T/pool.txt" "Suite donnée"

# --- THEMES, COMMUNES, INDISPONIBLE jusqu'au, DISPONIBLE ---------------------
answer coordinator "$T/digest.eml" "THEMES volunteer9@$D : eau, Biodiversité
COMMUNES volunteer9@$D : thiers, Olliergues
INDISPONIBLE volunteer9@$D jusqu'au 15/01/2028"
inbox
poll "poll: THEMES, COMMUNES, INDISPONIBLE" "2027-03-22 09:50"
t_row "themes, communes (their official names) and availability changed" \
    "volunteer9@$D" \
    "Alex Neuf|[\"eau\",\"biodiversite\"]|[\"Thiers\",\"Olliergues\"]|1|1|2028-01-16 00:00|1|volunteer:db"
t_sql "two updates and an availability by mail" "availability||mail
person_updated|communes|mail
person_updated|themes|mail" \
    "SELECT kind, coalesce(json_extract(details, '$.field'), ''), json_extract(details, '$.by') FROM events WHERE json_extract(details, '$.person_id') = CAST($V9 AS TEXT) AND actor_id = $CO AND kind <> 'command' ORDER BY id DESC LIMIT 3"
answer coordinator "$T/digest.eml" "THEMES volunteer9@$D : mobilté"
inbox
poll "poll: an unknown theme" "2027-03-22 10:00"
got coordinator "^Suite donnée à vos commandes$" "mobilt"
cp "$T/got.eml" "$T/t3"; text "$T/t3"
t_grep "unknown theme named" "$T/t3.txt" "thème inconnu du réseau$NB: mobilte."
t_sql "themes unchanged" '["eau","biodiversite"]' "SELECT themes FROM persons WHERE email = 'volunteer9@$D'"

# A label the Parc renamed (themes.labels) names its theme in a command.
cp -r "$TOP/config/rules" "$T/rules"
sed -i 's/^lien_social .*/lien_social      Vivre ensemble/' "$T/rules/themes.labels"
sed -i "s|^rules = .*|rules = $T/rules|" "$CONF"
answer coordinator "$T/digest.eml" "THEMES volunteer8@$D : vivre  ensemble, Déchets"
inbox
poll "poll: THEMES by a renamed label" "2027-03-22 10:05"
t_sql "the label read as its theme" '["lien_social","dechets"]' "SELECT themes FROM persons WHERE email = 'volunteer8@$D'"

# --- RETIRER -----------------------------------------------------------------
answer coordinator "$T/digest.eml" "RETIRER referent@$D"
inbox
poll "poll: RETIRER the referent" "2027-03-22 10:10"
got coordinator "^Suite donnée à vos commandes$" "RETIRER referent"
cp "$T/got.eml" "$T/t4"; text "$T/t4"
t_grep "refused: who" "$T/t4.txt" "-> RETIRER (referent@$D)${NB}: non exécutée."
t_grep "refused: why" "$T/t4.txt" "-> cette personne est référente de dossiers en cours$NB:"
t_grep "refused, naming the case on its own line" "$T/t4.txt" "         CDP-2027-0001"
t_grep "and what to do" "$T/t4.txt" "TRANSFERER adresse"
t_sql "referent still active" 1 "SELECT active FROM persons WHERE email = 'referent@$D'"
answer coordinator "$T/digest.eml" "RETIRER volunteer8@$D"
inbox
poll "poll: RETIRER a volunteer" "2027-03-22 10:20"
t_sql "volunteer8 deactivated, by mail" "0|person_deactivated|mail|1" \
    "SELECT p.active, e.kind, json_extract(e.details, '$.by'), e.actor_id = $CO FROM persons p JOIN events e ON json_extract(e.details, '$.person_id') = CAST(p.id AS TEXT) AND e.kind = 'person_deactivated' WHERE p.email = 'volunteer8@$D'"

# --- New mails from the coordinator: forged, then vouched for ----------------
printf 'From: coordinator@%s\r\nTo: coupdepouce@%s\r\nSubject: Pool\r\nMessage-ID: <forged.1@%s>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nRETIRER volunteer9@%s\r\n' \
    "$D" "$D" "$D" "$D" >"$T/forged.eml"
$MAILBOX deliver coupdepouce "$T/forged.eml"
poll "poll: a forged new mail" "2027-03-22 10:30"
t_sql "nothing run: volunteer9 still active" 1 "SELECT active FROM persons WHERE email = 'volunteer9@$D'"
t_sql "no case opened for it" 1 "SELECT count(*) FROM cases"
got coordinator "^Suite donnée à vos commandes$" "RETIRER volunteer9"
cp "$T/got.eml" "$T/t5"; text "$T/t5"
t_grep "told it could not be verified" "$T/t5.txt" "pas pu vérifier qu'il venait bien de vous"
printf 'From: coordinator@%s\r\nTo: coupdepouce@%s\r\nSubject: Disponible\r\nMessage-ID: <trusted.1@%s>\r\nAuthentication-Results: mx.pool.test; dkim=pass header.d=%s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDISPONIBLE volunteer9@%s\r\n' \
    "$D" "$D" "$D" "$D" "$D" >"$T/trusted.eml"
$MAILBOX deliver coupdepouce "$T/trusted.eml"
poll "poll: a new mail vouched for" "2027-03-22 10:40"
t_row "DISPONIBLE ran" "volunteer9@$D" \
    "Alex Neuf|[\"eau\",\"biodiversite\"]|[\"Thiers\",\"Olliergues\"]|1|0|-|1|volunteer:db"
t_sql "still no new case" 1 "SELECT count(*) FROM cases"

# --- A referent's BENEVOLE in a reply to a case mail -------------------------
answer referent "$T/assignment.eml" "BENEVOLE stranger@$D Inconnu"
inbox
poll "poll: the referent's BENEVOLE" "2027-03-22 10:50"
got referent "^Suite donnée à vos commandes \[CDP-2027-0001\]$" "BENEVOLE"
cp "$T/got.eml" "$T/t6"; text "$T/t6"
t_grep "refused: not allowed" "$T/t6.txt" "cette commande n'est pas ouverte à votre rôle dans ce"
t_sql "nobody added" 0 "SELECT count(*) FROM persons WHERE email = 'stranger@$D'"

# --- A coordinator's pool command in a reply to a case mail ------------------
request holder2 "Devenir bénévole" 2 "Je souhaite devenir bénévole dans le réseau."
poll "poll: a volunteer's offer, for the coordinators" "2027-03-22 11:00"
got coordinator "^Proposition de bénévolat à étudier \[CDP-2027-0002\]$"
cp "$T/got.eml" "$T/offer.eml"
answer coordinator "$T/offer.eml" "COMMUNES volunteer9@$D : Ambert"
inbox
poll "poll: COMMUNES on a case thread" "2027-03-22 11:10"
t_sql "the person changed, not the case" '["Ambert"]|new' \
    "SELECT p.communes, c.state FROM persons p, cases c WHERE p.email = 'volunteer9@$D' AND c.ref = 'CDP-2027-0002'"
t_sql "the command on the case's timeline" "COMMUNES|ok" \
    "SELECT json_extract(details, '$.verb'), json_extract(details, '$.outcome') FROM events WHERE kind = 'command' AND case_id = (SELECT id FROM cases WHERE ref = 'CDP-2027-0002')"
# --- The referent invites the volunteer added by mail and a newcomer ------
answer referent "$T/assignment.eml" "ELIGIBLE
INVITER volunteer9@$D, newcomer@$D"
inbox
poll "poll: ELIGIBLE and INVITER" "2027-03-22 11:20"
t_sql "both invited to the case" "newcomer@$D|invited
volunteer9@$D|invited" \
    "SELECT p.email, m.status FROM case_members m JOIN persons p ON p.id = m.person_id JOIN cases c ON c.id = m.case_id WHERE c.ref = 'CDP-2027-0001' AND m.role = 'volunteer' ORDER BY p.email"
got volunteer9 "CDP-2027-0001"
cp "$T/got.eml" "$T/inv9.eml"
got newcomer "CDP-2027-0001" "J'ACCEPTE LA CHARTE|charte"
cp "$T/got.eml" "$T/invnew.eml"
answer volunteer9 "$T/inv9.eml" "OUI"
answer newcomer "$T/invnew.eml" "OUI"
$MAILBOX wait coupdepouce --count 2 --timeout 20 >/dev/null
poll "poll: both answer OUI" "2027-03-22 11:30"
t_sql "both accepted" "newcomer@$D|accepted
volunteer9@$D|accepted" \
    "SELECT p.email, m.status FROM case_members m JOIN persons p ON p.id = m.person_id JOIN cases c ON c.id = m.case_id WHERE c.ref = 'CDP-2027-0001' AND m.role = 'volunteer' ORDER BY p.email"
t_sql "the newcomer is in the pool, charter signed, with the case's themes" \
    "volunteer|1|1" \
    "SELECT (SELECT group_concat(role) FROM person_roles WHERE person_id = p.id), p.charter_signed_at IS NOT NULL, p.themes = c.themes FROM persons p, cases c WHERE p.email = 'newcomer@$D' AND c.ref = 'CDP-2027-0001'"
got newcomer "^Bienvenue parmi les personnes ressources du réseau \[CDP-2027-0001\]$"
# The welcome answers the newcomer's OUI: no transcript besides it (both
# would leave in the same pass; once Postfix is done, both would be in).
mb_settled
is "the welcome is the only answer to the newcomer" \
    "0" "$(n newcomer "Suite donnée à vos commandes [CDP-2027-0001]")"
t_sql "the volunteer added by mail keeps their own themes" '["eau","biodiversite"]' \
    "SELECT themes FROM persons WHERE email = 'volunteer9@$D'"
t_done
