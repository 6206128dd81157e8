# milestones.sh — roadmap steps through the real servers: a FEUILLE DE
# ROUTE with three steps; the reminder 3 days before a step goes once to
# the privileged contact and the holder, and waits for the next working
# time when its day is a public holiday (11 November); the day after,
# the privileged contact alone is asked how it went; REPORTER moves a step
# and its reminder comes at the new date, not the old one; a date already
# past is refused, as is a POINT on a past date; after weeks without a pass, a step whose reminder and
# question are both due gets the question only; a bare FAIT in reply to a
# question ticks that very step although three are overdue, while a bare
# FAIT elsewhere is refused with the lines to send; STATUT shows the
# steps [x], [ ] and « en retard ».
. "$(dirname "$0")/../lib.sh"
REPLY="/usr/bin/python3 $TOP/tests/tools/replymail.py"

cdp_network <<EOF
volunteer1,Valérie Un,volunteer,alimentation,
EOF
NB=$(printf '\302\240')		# the non-breaking space before ':' and '?'
# poll NAME TIME: marks the mailboxes, then polls: a wait after it only
# sees what this poll sent, not an earlier reminder or transcript.
poll() {
	mb_mark holder referent volunteer1
	cdp_poll "$@"
}
answer() { cdp_answer "$@"; }		# USER ORIGINAL BODY
# got NAME USER SUBJECT_RE FILE: waits for that mail, sent since the last
# poll, keeps it in FILE.
got() {
	if mb_wait_new "$2" --subject "$3" --timeout 20 >"$4" 2>"$T/got.err"
	then t_ok "$1"; else t_not_ok "$1" "$(cat "$T/got.err")"; fi
}
# transcript NAME USER BODY_RE FILE: waits for that answer to commands.
transcript() {
	if mb_wait_new "$2" --subject "^Suite donnée à vos commandes" --body "$3" --timeout 20 >"$4" 2>"$T/got.err"
	then t_ok "$1"; else t_not_ok "$1" "$(cat "$T/got.err")"; fi
}
body() { mail_text "$1"; }		# FILE: its decoded text
# sent TEMPLATE USER: rows of that template queued for that user.
sent() {
	sql "SELECT count(*) FROM outbox o JOIN persons p ON p.id = o.person_id WHERE o.template = '$1' AND p.email = '$2@$D'"
}

# --- A case up to its roadmap ----------------------------------------------
printf 'From: Camille <holder@%s>\r\nTo: coupdepouce@%s\r\nSubject: Jardin partagé\r\nMessage-ID: <r1@%s>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nUn jardin partagé à Ambert.\r\n' "$D" "$D" "$D" >"$T/request.eml"
t_run "holder writes" 0 $MAILBOX deliver coupdepouce "$T/request.eml"
poll "poll: request" "2026-11-02 10:00"
got "assignment" referent "^Nouvelle demande" "$T/assignment.eml"
answer referent "$T/assignment.eml" "ELIGIBLE
INVITER volunteer1@$D"
poll "poll: ELIGIBLE, INVITER" "2026-11-02 11:00"
got "invitation" volunteer1 "CDP-2026-0001" "$T/invitation.eml"
answer volunteer1 "$T/invitation.eml" "OUI"
poll "poll: OUI" "2026-11-02 12:00"
answer referent "$T/assignment.eml" "INTERLOCUTEUR volunteer1@$D
RENCONTRE 03/11/2026 18h30 à la mairie
FEUILLE DE ROUTE
- 14/11/2026 : Étude de faisabilité
- 04/12/2026 : Construction des bacs
- 08/01/2027 : Inauguration du jardin
FIN"
poll "poll: roadmap" "2026-11-02 14:00"
t_sql "three steps planned" 3 "SELECT count(*) FROM milestones WHERE state = 'planned'"
t_sql "a reminder and a question each" "milestone_ask|3
milestone_reminder|3" "SELECT kind, count(*) FROM jobs WHERE kind LIKE 'milestone%' AND done_at IS NULL GROUP BY kind ORDER BY kind"

# --- Reminder: due Wednesday 11 November (a holiday), sent Thursday 08:00 ---
poll "poll: Tuesday 10 November" "2026-11-10 10:00"
poll "poll: 11 November, a public holiday" "2026-11-11 10:00"
is "no reminder before, nor on the holiday" "$(sql "SELECT count(*) FROM outbox WHERE template LIKE 'milestone%'")" 0
poll "poll: Thursday 12 November 08:00" "2026-11-12 08:00"
got "the contact is reminded" volunteer1 "^Rappel : étape de la feuille de route le 14/11/2026 \[CDP-2026-0001\]$" "$T/reminder1.eml"
got "the holder is reminded" holder "^Rappel : étape de la feuille de route le 14/11/2026 \[CDP-2026-0001\]$" "$T/reminder1h.eml"
body "$T/reminder1.eml" >"$T/reminder1.txt"
t_grep "the contact's copy: which step" "$T/reminder1.txt" "  Étape${NB}: Étude de faisabilité"
t_grep "the contact's copy: how to move it" "$T/reminder1.txt" "  REPORTER JJ/MM/AAAA"
body "$T/reminder1h.eml" >"$T/reminder1h.txt"
t_grep "the holder's copy: whom to tell" "$T/reminder1h.txt" "Valérie Un, votre contact privilégié,"
t_nogrep "the holder's copy: no command" "$T/reminder1h.txt" "REPORTER"
poll "poll: again the same day" "2026-11-12 12:00"
is "one reminder to the contact" "$(sent milestone_reminder volunteer1)" 1
is "one reminder to the holder" "$(sent milestone_reminder holder)" 1
is "none to the referent (there is a contact)" "$(sent milestone_reminder referent)" 0
t_sql "reminded_at set" 1 "SELECT count(*) FROM milestones WHERE reminded_at IS NOT NULL"

# --- The question, the day after (Sunday 15: Monday 08:00) ------------------
poll "poll: Monday 16 November 08:00" "2026-11-16 08:00"
got "the contact is asked" volunteer1 "^Comment s'est passée l'étape du 14/11/2026 \? \[CDP-2026-0001\]$" "$T/ask1.eml"
is "only the contact is asked" "$(sql "SELECT count(*) FROM outbox WHERE template = 'milestone_ask'")" 1
t_grep "the question says what to answer" "$T/ask1.eml" "FAIT"

# --- REPORTER: the second step moves; a past date is refused --------------
answer referent "$T/assignment.eml" "REPORTER Construction des bacs au 18/12/2026
POINT 02/11/2026 18h bilan"
answer volunteer1 "$T/invitation.eml" "REPORTER inauguration au 01/11/2026"
poll "poll: REPORTER" "2026-11-17 09:00"
transcript "the referent's transcript" referent "REPORTER \\(" "$T/moved.eml"
body "$T/moved.eml" >"$T/moved.txt"
t_grep "moved: what was done" "$T/moved.txt" "-> REPORTER (Construction des bacs${NB}: du 04/12/2026 au 18/12/2026)${NB}: c'est fait."
t_grep "a POINT on a past date: refused" "$T/moved.txt" "-> POINT (02/11/2026 18h00)${NB}: non exécutée."
is "a POINT on a past date: said past, not misunderstood" "$(grep -c -e "cette date est déjà passée" -e "la date n'a pas été comprise" "$T/moved.txt")" 1
t_grep "a POINT on a past date: why" "$T/moved.txt" "    -> cette date est déjà passée${NB}: indiquez une date à venir."
transcript "the contact's transcript" volunteer1 "REPORTER \\(" "$T/past.eml"
body "$T/past.eml" >"$T/past.txt"
t_grep "a past date: what was understood" "$T/past.txt" "-> REPORTER (inauguration${NB}: 01/11/2026)${NB}: non exécutée."
t_grep "a past date: why" "$T/past.txt" "cette date est déjà passée"
# (due_at is 00:00 in Paris, the day before in UTC: noon is on the day)
t_sql "the step has its new date" "18/12/2026" "SELECT strftime('%d/%m/%Y', due_at + 43200, 'unixepoch') FROM milestones WHERE label = 'Construction des bacs'"
t_sql "the inauguration stays" "08/01/2027" "SELECT strftime('%d/%m/%Y', due_at + 43200, 'unixepoch') FROM milestones WHERE label = 'Inauguration du jardin'"
t_sql "its old jobs closed, new ones planned" "milestone_ask|19/12/2026
milestone_reminder|15/12/2026" "SELECT kind, strftime('%d/%m/%Y', due_at + 43200, 'unixepoch') FROM jobs WHERE done_at IS NULL AND json_extract(payload, '\$.milestone') = (SELECT id FROM milestones WHERE label = 'Construction des bacs') ORDER BY kind"
poll "poll: the old reminder day, Tuesday 1 December" "2026-12-01 10:00"
is "no reminder at the old date" "$(sql "SELECT count(*) FROM outbox WHERE template = 'milestone_reminder'")" 2
poll "poll: the new reminder day, Tuesday 15 December" "2026-12-15 08:00"
got "reminded at the new date" volunteer1 "^Rappel : étape de la feuille de route le 18/12/2026 \[CDP-2026-0001\]$" "$T/reminder2.eml"
is "two reminders to the contact in all" "$(sent milestone_reminder volunteer1)" 2

# --- Catch-up: no pass from 15 December to 11 January -----------------------
# Due meanwhile: the bacs' question (19/12), the inauguration's reminder
# (05/01) and question (09/01).  The reminder is skipped.
poll "poll: Monday 11 January, after weeks without a pass" "2027-01-11 10:00"
got "asked about the bacs" volunteer1 "^Comment s'est passée l'étape du 18/12/2026" "$T/ask2.eml"
got "asked about the inauguration" volunteer1 "^Comment s'est passée l'étape du 08/01/2027" "$T/ask3.eml"
is "no reminder of the inauguration" "$(sql "SELECT count(*) FROM outbox WHERE template = 'milestone_reminder'")" 4
is "three questions in all" "$(sent milestone_ask volunteer1)" 3
t_sql "the skipped reminder is closed" 0 "SELECT count(*) FROM jobs WHERE kind LIKE 'milestone%' AND done_at IS NULL"

# --- FAIT in reply to the first question; a bare FAIT elsewhere -------------
answer volunteer1 "$T/ask1.eml" "FAIT
STATUT"
answer referent "$T/assignment.eml" "FAIT"
poll "poll: FAIT" "2027-01-11 11:00"
t_sql "that very step is done" "Étude de faisabilité|done
Construction des bacs|planned
Inauguration du jardin|planned" "SELECT label, state FROM milestones ORDER BY due_at"
transcript "the contact's FAIT is answered" volunteer1 "«${NB}FAIT${NB}»" "$T/done.eml"
body "$T/done.eml" >"$T/done.txt"
t_grep "FAIT: which step was ticked" "$T/done.txt" "-> FAIT (Étude de faisabilité du 14/11/2026)${NB}: c'est fait."
got "STATUT answers" volunteer1 "^Où en est le dossier" "$T/status.eml"
body "$T/status.eml" | grep '^  \[' >"$T/steps.txt"
printf '  [x] 14/11/2026%s: Étude de faisabilité\n  [ ] 18/12/2026%s: Construction des bacs (en retard)\n  [ ] 08/01/2027%s: Inauguration du jardin (en retard)\n' "$NB" "$NB" "$NB" >"$T/steps.want"
if cmp -s "$T/steps.txt" "$T/steps.want"; then t_ok "STATUT: the steps, exactly"
else t_not_ok "STATUT: the steps, exactly" "$(diff "$T/steps.want" "$T/steps.txt")"; fi
transcript "the referent's bare FAIT is answered" referent "«${NB}FAIT${NB}»" "$T/bare.eml"
body "$T/bare.eml" >"$T/bare.txt"
t_grep "bare FAIT: several steps are due" "$T/bare.txt" "plusieurs étapes correspondent"
t_grep "bare FAIT: the lines to send (1)" "$T/bare.txt" "         FAIT Construction des bacs"
t_grep "bare FAIT: the lines to send (2)" "$T/bare.txt" "         FAIT Inauguration du jardin"
t_grep "bare FAIT: the help lists FAIT" "$T/bare.txt" "  FAIT étape"
t_grep "bare FAIT: the help lists REPORTER" "$T/bare.txt" "  REPORTER étape date"
t_sql "the timeline has the step done" 1 "SELECT count(*) FROM events WHERE kind = 'milestone_done'"

# --- inspect --json shows both commands --------------------------------------
printf 'FAIT Étude de faisabilité\nREPORTER les bacs au 15/03/2027\n\nMerci\n' |
    $REPLY "$T/ask1.eml" "volunteer1@$D" >"$T/both.eml"
t_run "inspect --json" 0 "$CDP" -c "$CONF" inspect --json "$T/both.eml"
cp "$T/out" "$T/both.json"
t_run "the commands as understood" 0 /usr/bin/python3 -c 'import json, sys
got = json.load(open(sys.argv[1]))["commands"]
want = [{"verb": "FAIT", "args": "Étude de faisabilité"},
        {"verb": "REPORTER", "args": "les bacs au 15/03/2027"}]
sys.exit(0 if got == want else "%r" % got)' "$T/both.json"
t_done
