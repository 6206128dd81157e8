# invite_newcomer.sh — INVITER beyond the pool, through the real servers.
# The referent of an eligible case invites, in one line, a volunteer of
# the pool, three addresses the network does not know, a volunteer who
# is unavailable and a word that is no address: the pool volunteer and
# the newcomers are invited (a typo no longer holds back the others), and
# the transcript says, one address at a time, who was invited and why the
# others were not.  The newcomers' invitation says what the network is
# and carries the charter.  A newcomer's OUI signs the charter and puts
# them in the pool with the case's themes and commune, a 'joined_pool'
# event and a welcome; another's NON leaves them out of it.  An INVITER
# where nobody can be invited says why for each.  The next digest lists
# the newcomer with the case that brought them, and the unavailable
# volunteer marked as such.  The newcomer who never answers is reminded
# and their invitation lapses, as a pool volunteer's would.
. "$(dirname "$0")/../lib.sh"
# The database's times read as Paris times by sqlite3's 'localtime'.
TZ=Europe/Paris
export TZ

MS_EXTRA_USERS="newcomer newcomer2 newcomer3"
export MS_EXTRA_USERS
cdp_network <<EOF
volunteer1,Valérie Un,volunteer,alimentation,
busy,Bruno Occupé,volunteer,alimentation,
EOF
NB=$(printf '\302\240')		# the non-breaking space before ':' and ';'
# poll NAME TIME: marks the mailboxes, then polls: a wait after it only
# sees what this poll sent, not the transcript of an earlier INVITER.
poll() {
	mb_mark referent volunteer1 newcomer newcomer2 newcomer3
	cdp_poll "$@"
}
answer() { cdp_answer "$@"; }		# USER ORIGINAL BODY
# got NAME USER SUBJECT_RE FILE [BODY_RE]: waits for that mail, sent since
# the last poll, into FILE.
got() {
	if mb_wait_new "$2" --subject "$3" ${5:+--body "$5"} --timeout 20 \
	    >"$4" 2>"$T/got.err"
	then t_ok "$1"; else t_not_ok "$1" "$(cat "$T/got.err")"; fi
}
body() { mail_text "$1"; }		# FILE: its decoded text
count() { $MAILBOX count "$1" 2>/dev/null || echo 0; }

# --- A case, made eligible by its referent -----------------------------------
printf 'From: Camille <holder@%s>\r\nTo: coupdepouce@%s\r\nSubject: Jardin partagé\r\nMessage-ID: <r1@%s>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nUn jardin partagé et un potager à Ambert, avec les voisins.\r\n' "$D" "$D" "$D" >"$T/request.eml"
t_run "holder writes" 0 $MAILBOX deliver coupdepouce "$T/request.eml"
poll "poll: the request" "2026-11-30 10:00"
got "the referent gets the case" referent "Nouvelle demande" "$T/assignment.eml"
t_sql "the case's themes and commune" '["alimentation"]|Ambert' \
    "SELECT themes, commune FROM cases WHERE ref = 'CDP-2026-0001'"
# busy@ is away until 15 January 2027 (INDISPONIBLE of the pool).
t_run "busy is unavailable" 0 sql "UPDATE persons SET unavailable = 1, unavailable_until = CAST(strftime('%s', '2027-01-15 00:00', 'utc') AS INTEGER) WHERE email = 'busy@$D'"

# --- INVITER: the pool, newcomers, someone unavailable, a typo ---------------
answer referent "$T/assignment.eml" "ELIGIBLE
INVITER volunteer1@$D, newcomer@$D, pas-une-adresse, busy@$D, newcomer2@$D, \"Noé Martin\" <newcomer3@$D>"
poll "poll: ELIGIBLE + INVITER" "2026-11-30 11:00"
t_sql "both the volunteer and the newcomers invited, not busy" \
    "newcomer2@$D:invited,newcomer3@$D:invited,newcomer@$D:invited,volunteer1@$D:invited" \
    "SELECT group_concat(e || ':' || s, ',') FROM (SELECT p.email AS e, m.status AS s FROM case_members m JOIN persons p ON p.id = m.person_id WHERE m.role = 'volunteer' ORDER BY p.email)"
t_sql "the newcomers are people, not yet in the pool" "3|0" \
    "SELECT count(*), (SELECT count(*) FROM person_roles r JOIN persons q ON q.id = r.person_id WHERE q.email LIKE 'newcomer%') FROM persons WHERE email LIKE 'newcomer%'"
t_sql "the name written before an address is the newcomer's name" \
    "|Noé Martin" \
    "SELECT (SELECT name FROM persons WHERE email = 'newcomer@$D') || '|' || (SELECT name FROM persons WHERE email = 'newcomer3@$D')"
t_sql "four invitations sent, reminders and expiries planned" "4|4|4" \
    "SELECT (SELECT count(*) FROM outbox WHERE template = 'invitation'), (SELECT count(*) FROM jobs WHERE kind = 'invitation_reminder' AND done_at IS NULL), (SELECT count(*) FROM jobs WHERE kind = 'invitation_expiry' AND done_at IS NULL)"
t_sql "the newcomers' invitations are marked in the timeline" "newcomer2@$D,newcomer3@$D,newcomer@$D" \
    "SELECT group_concat(a, ',') FROM (SELECT json_extract(details, '$.address') AS a FROM events WHERE kind = 'invited' AND json_extract(details, '$.newcomer') = 'yes' ORDER BY a)"
got "the referent gets the transcript" referent "^Suite donnée à vos commandes" "$T/transcript.eml" "INVITER"
body "$T/transcript.eml" >"$T/transcript.txt"
t_grep "INVITER done, address by address" "$T/transcript.txt" \
    "    -> INVITER${NB}: c'est fait, adresse par adresse${NB}:"
t_grep "the pool volunteer invited" "$T/transcript.txt" \
    "       - volunteer1@$D${NB}: invitation envoyée."
t_grep "the newcomer invited with the charter" "$T/transcript.txt" \
    "       - newcomer@$D${NB}: invitation envoyée avec la charte${NB}:"
t_grep "the typo named, and what to do" "$T/transcript.txt" \
    "       - pas-une-adresse${NB}: pas d'invitation, ce n'est pas une adresse"
t_grep "the unavailable volunteer named, until when" "$T/transcript.txt" \
    "         indisponible jusqu'au 15/01/2027."
t_nogrep "no 'not among the people of the case'" "$T/transcript.txt" \
    "nous ne trouvons pas"
t_nogrep "busy@ gets no invitation" "$T/poll.log" "busy@"

got "volunteer1 invited" volunteer1 "CDP-2026-0001" "$T/inv1.eml"
got "the newcomer invited" newcomer "CDP-2026-0001" "$T/inv_new.eml"
got "the second newcomer invited" newcomer2 "CDP-2026-0001" "$T/inv_new2.eml"
got "the named newcomer invited" newcomer3 "CDP-2026-0001" "$T/inv_new3.eml"
body "$T/inv_new.eml" >"$T/inv_new.txt"
body "$T/inv1.eml" >"$T/inv1.txt"
body "$T/inv_new3.eml" >"$T/inv_new3.txt"
t_run "the named newcomer greeted by that name" 0 \
    grep -qx "Bonjour Noé Martin," "$T/inv_new3.txt"
t_grep "the newcomer is told what the network is" "$T/inv_new.txt" \
    "Nous ne nous connaissons pas encore"
t_grep "with the charter" "$T/inv_new.txt" \
    "Charte éthique et de confiance des personnes ressources"
t_grep "OUI accepts the charter and joins the pool" "$T/inv_new.txt" \
    "vous acceptez aussi la charte ci-dessous et devenez personne"
t_grep "NON commits to nothing" "$T/inv_new.txt" "et sans autre engagement"
t_nogrep "a pool volunteer is not told what the network is" "$T/inv1.txt" \
    "Nous ne nous connaissons pas encore"

# --- Answers: OUI from both invitees, NON from the second newcomer ----------
answer newcomer "$T/inv_new.eml" "OUI"
answer volunteer1 "$T/inv1.eml" "OUI"
answer newcomer2 "$T/inv_new2.eml" "NON merci, pas le temps"
poll "poll: the answers" "2026-11-30 12:00"
t_sql "the newcomer and volunteer1 accepted, newcomer2 declined" \
    "newcomer2@$D:declined,newcomer3@$D:invited,newcomer@$D:accepted,volunteer1@$D:accepted" \
    "SELECT group_concat(e || ':' || s, ',') FROM (SELECT p.email AS e, m.status AS s FROM case_members m JOIN persons p ON p.id = m.person_id WHERE m.role = 'volunteer' ORDER BY p.email)"
t_sql "the newcomer is in the pool, by mail" "volunteer|db" \
    "SELECT r.role || '|' || r.source FROM person_roles r JOIN persons p ON p.id = r.person_id WHERE p.email = 'newcomer@$D'"
t_sql "with the charter signed" 1 \
    "SELECT charter_signed_at IS NOT NULL FROM persons WHERE email = 'newcomer@$D'"
t_sql "and the case's themes and commune" '["alimentation"]|["Ambert"]' \
    "SELECT themes, communes FROM persons WHERE email = 'newcomer@$D'"
t_sql "a 'joined_pool' event, by the newcomer, caused by their mail" \
    "self|CDP-2026-0001|invitation|1|1" \
    "SELECT json_extract(e.details, '$.by') || '|' || json_extract(e.details, '$.ref') || '|' || json_extract(e.details, '$.via') || '|' || (e.actor_id = p.id) || '|' || (m.direction = 'in' AND m.person_id = p.id) FROM events e JOIN persons p ON p.email = 'newcomer@$D' JOIN messages m ON m.id = e.msg_id WHERE e.kind = 'joined_pool' AND e.case_id IS NULL AND json_extract(e.details, '$.person_id') = CAST(p.id AS TEXT)"
t_sql "one joined_pool event in all" 1 \
    "SELECT count(*) FROM events WHERE kind = 'joined_pool'"
t_sql "volunteer1 keeps their own themes" '["alimentation"]|[]' \
    "SELECT themes, communes FROM persons WHERE email = 'volunteer1@$D'"
t_sql "the second newcomer is not in the pool, nor signed" "0|0" \
    "SELECT (SELECT count(*) FROM person_roles r WHERE r.person_id = p.id), charter_signed_at IS NOT NULL FROM persons p WHERE p.email = 'newcomer2@$D'"
t_sql "their invitations' jobs are closed" 0 \
    "SELECT count(*) FROM jobs j JOIN persons p ON p.id = j.person_id WHERE p.email IN ('newcomer@$D', 'newcomer2@$D') AND j.done_at IS NULL"
got "the newcomer is welcomed to the pool" newcomer \
    "^Bienvenue parmi les personnes ressources du réseau \[CDP-2026-0001\]" \
    "$T/welcome.eml"
body "$T/welcome.eml" >"$T/welcome.txt"
t_grep "the welcome names their themes" "$T/welcome.txt" \
    "Vos centres d'intérêt, tels que le réseau les a notés${NB}: Alimentation."
t_grep "and their commune" "$T/welcome.txt" "Où vous pouvez aider${NB}: Ambert."
t_run "the referent told of the three answers" 0 \
    mb_wait_new referent --subject "newcomer@$D accepte" --timeout 20
body "$T/out" >"$T/answer_new.txt"
t_grep "the referent told the newcomer joined the pool" "$T/answer_new.txt" \
    "fait désormais partie des personnes"
mb_settled
[ "$(count newcomer2)" = 2 ] && t_ok "newcomer2: the invitation and the transcript, no welcome" ||
    t_not_ok "newcomer2: the invitation and the transcript, no welcome" "$($MAILBOX list newcomer2)"

# --- INVITER where nobody can be invited ------------------------------------
t_run "newcomer2 is made inactive" 0 sql "UPDATE persons SET active = 0 WHERE email = 'newcomer2@$D'"
answer referent "$T/assignment.eml" "INVITER volunteer1@$D, busy@$D, referent@$D, newcomer2@$D, coupdepouce@$D"
poll "poll: INVITER of nobody new" "2026-11-30 13:00"
got "the referent is told why" referent "^Suite donnée à vos commandes" \
    "$T/transcript2.eml" "aucune invitation"
body "$T/transcript2.eml" >"$T/transcript2.txt"
t_grep "nothing done" "$T/transcript2.txt" \
    "    -> INVITER$(printf '\302\240'): non exécutée."
t_grep "no invitation sent, and why" "$T/transcript2.txt" \
    "    -> aucune invitation n'a été envoyée, pour les raisons suivantes${NB}:"
t_grep "already in the group" "$T/transcript2.txt" \
    "       - volunteer1@$D${NB}: fait déjà partie du groupe."
t_grep "the referent is not invited" "$T/transcript2.txt" \
    "       - referent@$D${NB}: pas d'invitation, c'est la personne référente du"
t_grep "an inactive person is not invited" "$T/transcript2.txt" \
    "       - newcomer2@$D${NB}: pas d'invitation, cette personne n'est plus"
t_grep "nor the network's own address" "$T/transcript2.txt" \
    "       - coupdepouce@$D${NB}: pas d'invitation, c'est l'adresse du réseau"
t_sql "no new invitation" 4 "SELECT count(*) FROM outbox WHERE template = 'invitation'"

# --- The digest ---------------------------------------------------------------
t_run "the digest" 0 "$CDP" -c "$CONF" --now "2026-12-07 08:00" digest --print
cp "$T/out" "$T/digest.txt"
t_grep "the newcomer with the case that brought them" "$T/digest.txt" \
    "  - newcomer@$D, le 30/11/2026${NB}: a rejoint le vivier en acceptant une invitation (dossier CDP-2026-0001) et signé la charte"
t_grep "volunteer1's charter signed with the same OUI" "$T/digest.txt" \
    "  - Valérie Un <volunteer1@$D>, le 30/11/2026${NB}: a signé la charte"
t_nogrep "the newcomer who said no is not there" "$T/digest.txt" "newcomer2@"
t_grep "the unavailable volunteer is marked in the pool" "$T/digest.txt" \
    "Bruno Occupé (0, indisponible jusqu'au 15/01/2027)"
t_run "the digest in HTML" 0 "$CDP" -c "$CONF" --now "2026-12-07 08:00" digest --print --html
t_grep "HTML: the newcomer and the case" "$T/out" \
    "a rejoint le vivier en acceptant une invitation (dossier CDP-2026-0001)"

# --- The newcomer who does not answer: reminded, then lapsed ----------------
poll "poll: five days later, a working day" "2026-12-07 10:00"
got "the silent newcomer is reminded" newcomer3 "^Rappel" "$T/remind3.eml"
t_sql "one reminder, to them alone" "newcomer3@$D" \
    "SELECT group_concat(p.email) FROM outbox o JOIN persons p ON p.id = o.person_id WHERE o.template = 'invitation_reminder'"
poll "poll: ten days later" "2026-12-10 12:00"
t_sql "the invitation lapsed" expired \
    "SELECT m.status FROM case_members m JOIN persons p ON p.id = m.person_id WHERE p.email = 'newcomer3@$D'"
t_run "the referent is told" 0 mb_wait_new referent \
    --subject "Noé Martin \\[CDP" --body "Noé Martin <newcomer3@$D>" --timeout 20
t_sql "the silent newcomer is not in the pool" 0 \
    "SELECT count(*) FROM person_roles r JOIN persons p ON p.id = r.person_id WHERE p.email = 'newcomer3@$D'"
t_done
