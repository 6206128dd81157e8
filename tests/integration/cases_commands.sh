# cases_commands.sh — a whole support process driven by replies, with the
# real Dovecot and Postfix and separate mailboxes for the holder, the
# referent, three volunteers and a coordinator: request → ack →
# assignment → ELIGIBLE + INVITER → two OUI, one NON → INTERLOCUTEUR →
# introduction → RENCONTRE with .ics → FEUILLE DE ROUTE with two
# milestones → POINT → CLOTURER.  Every mailbox holds exactly the mails
# its owner should get, and `case show --json` has the whole timeline.
# Then the security cases: a forged From (no token), a volunteer who is
# not the referent, the holder, and a command inside quoted history —
# refused (with a transcript) or ignored, changing nothing.
. "$(dirname "$0")/../lib.sh"
REPLY="/usr/bin/python3 $TOP/tests/tools/replymail.py"

ms_start
cdp_people_config <<EOF
email,name,roles,themes,communes
referent@$MS_DOMAIN,Romane Référente,referent,alimentation,Ambert
volunteer1@$MS_DOMAIN,Valérie Un,volunteer,alimentation,
volunteer2@$MS_DOMAIN,Victor Deux,volunteer,alimentation;dechets,
volunteer3@$MS_DOMAIN,Vanessa Trois,volunteer,alimentation,
EOF
D=$MS_DOMAIN
USERS="holder referent volunteer1 volunteer2 volunteer3 coordinator"
# poll NAME TIME: marks every mailbox, then polls: what `got` finds after
# it is what this poll sent, never an earlier mail of the same kind.
poll() {
	mb_mark $USERS
	t_run "$1" 0 "$CDP" -c "$CONF" --now "$2" poll
	cp "$T/err" "$T/poll.log"
}
# got USER SUBJECT_RE [BODY_RE]: waits for the mail sent since the last
# poll, keeps it in $T/got.eml
got() {
	if [ -n "${3:-}" ]; then
		mb_wait_new "$1" --subject "$2" --body "$3" --timeout 20 >"$T/got.eml" 2>"$T/got.err"
	else
		mb_wait_new "$1" --subject "$2" --timeout 20 >"$T/got.eml" 2>"$T/got.err"
	fi
	if [ $? -eq 0 ]; then t_ok "$1 gets: $2"; else t_not_ok "$1 gets: $2" "$(cat "$T/got.err")"; fi
}
# answer USER ORIGINAL_FILE BODY [--quote]: USER replies to the mail
answer() {
	printf '%s\n' "$3" | $REPLY "$2" "$1@$D" ${4:-} >"$T/reply.eml" &&
	    $MAILBOX send --as "$1" --to "coupdepouce@$D" "$T/reply.eml"
}
# is_n NAME WANT GOT: GOT is exactly WANT
is_n() {
	[ "$3" = "$2" ] && t_ok "$1" || t_not_ok "$1" "got '$3', want '$2'"
}
state() { sql "SELECT state FROM cases WHERE ref = 'CDP-2026-0001'"; }
is_state() {	# NAME WANT
	_s=$(state)
	[ "$_s" = "$2" ] && t_ok "$1" || t_not_ok "$1" "state $_s, want $2"
}
count() { $MAILBOX count "$1" 2>/dev/null || echo 0; }
crlf() { tr -d '\r' | sed 's/$/\r/'; }

# --- 1. Request, ack, assignment ----------------------------------------------
crlf >"$T/request.eml" <<EOF
From: Camille Martin <holder@$D>
To: coupdepouce@$D
Subject: Un jardin partagé près de l'école
Date: Mon, 30 Nov 2026 09:00:00 +0100
Message-ID: <req.camille@$D>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Bonjour, nous voulons créer un jardin partagé et un potager pédagogique
à Ambert, avec l'école et les voisins. Pouvez-vous nous aider ?
Camille
EOF
t_run "holder writes" 0 $MAILBOX send --as holder "$T/request.eml"
$MAILBOX wait coupdepouce --timeout 20 >/dev/null
poll "poll: request" "2026-11-30 10:00"
got holder "CDP-2026-0001"
cp "$T/got.eml" "$T/ack.eml"
got referent "Nouvelle demande"
cp "$T/got.eml" "$T/assignment.eml"
is_state "state analysis" analysis

# --- 2. ELIGIBLE + INVITER ------------------------------------------------------
answer referent "$T/assignment.eml" "ELIGIBLE
INVITER volunteer1@$D, volunteer2@$D, volunteer3@$D

Bonjour, je prends ce dossier, il me semble tout à fait dans l'esprit." --quote
poll "poll: ELIGIBLE + INVITER" "2026-11-30 11:00"
is_state "state forming" forming
got holder "^Votre demande d'accompagnement est acceptée \\[CDP-2026-0001\\]$"
got referent "Suite donn" "ELIGIBLE"
cp "$T/got.eml" "$T/transcript1.eml"
t_grep "transcript says it is done" "$T/transcript1.eml" "c'est fait"
for v in 1 2 3; do
	got volunteer$v "CDP-2026-0001"
	cp "$T/got.eml" "$T/invitation$v.eml"
done
t_grep "invitation carries the charter" "$T/invitation1.eml" "J'ACCEPTE LA CHARTE"

# --- 3. Answers: two OUI (one in a sentence), one NON in a sentence -------------
answer volunteer1 "$T/invitation1.eml" "Oui, avec plaisir !" --quote
answer volunteer2 "$T/invitation2.eml" "OUI"
answer volunteer3 "$T/invitation3.eml" "Non merci, pas disponible en ce moment." --quote
$MAILBOX wait coupdepouce --count 3 --timeout 20 >/dev/null
poll "poll: answers" "2026-11-30 12:00"
t_run "members" 0 sql "SELECT p.email, m.status FROM case_members m JOIN persons p ON p.id = m.person_id WHERE m.role = 'volunteer' ORDER BY p.email"
t_grep "volunteer1 accepted (natural answer)" "$T/out" "volunteer1@$D|accepted"
t_grep "volunteer2 accepted" "$T/out" "volunteer2@$D|accepted"
t_grep "volunteer3 declined" "$T/out" "volunteer3@$D|declined"
t_sql "saying yes signed the charter" 2 "SELECT count(*) FROM persons WHERE charter_signed_at IS NOT NULL"
t_run "referent told of the three answers" 0 mb_wait_new referent --count 3 --timeout 20
got volunteer2 "Suite donn"
# A sentence is thanked in words, once, with no transcript besides.
got volunteer1 "^Merci, vous rejoignez le groupe d'accompagnement \\[CDP-2026-0001\\]$"
got volunteer3 "^Merci pour votre réponse \\[CDP-2026-0001\\]$" "pas disponible en ce moment"
mb_settled
is_n "volunteer1 and volunteer3 got exactly one mail each" "1|1" "$(mb_count_new volunteer1)|$(mb_count_new volunteer3)"
t_run "their subjects" 0 sh -c "$MAILBOX list volunteer1 | cut -f3; $MAILBOX list volunteer3 | cut -f3"
t_grep "volunteer1: the thanks" "$T/out" "Merci, vous rejoignez le groupe d'accompagnement [CDP-2026-0001]"
t_grep "volunteer3: the thanks anyway" "$T/out" "Merci pour votre réponse [CDP-2026-0001]"
t_sql "the reason without the politeness" "no|pas disponible en ce moment." "SELECT json_extract(e.details, '\$.answer'), json_extract(e.details, '\$.reason') FROM events e JOIN persons p ON p.id = e.actor_id WHERE e.kind = 'answer' AND p.email = 'volunteer3@$D'"
t_sql "invitation_thanks queued twice, no transcript to them" "invitation_thanks|volunteer1@$D
invitation_thanks|volunteer3@$D" "SELECT o.template, p.email FROM outbox o JOIN persons p ON p.id = o.person_id WHERE p.email IN ('volunteer1@$D', 'volunteer3@$D') AND o.template <> 'invitation' ORDER BY p.email"

# --- 4. INTERLOCUTEUR → introduction ------------------------------------------
answer referent "$T/assignment.eml" "INTERLOCUTEUR volunteer1@$D"
poll "poll: INTERLOCUTEUR" "2026-11-30 14:00"
for u in holder referent volunteer1 volunteer2; do
	got $u "CDP-2026-0001" "(?s)volunteer1@$D.*volunteer2@$D|volunteer2@$D.*volunteer1@$D"
done
cp "$T/got.eml" "$T/intro2.eml"
t_grep "introduction shows everyone in Cc" "$T/intro2.eml" "holder@$D"
t_nogrep "no Reply-To in the introduction" "$T/intro2.eml" "Reply-To:"
got volunteer1 "CDP-2026-0001" "Camille"
uid=$($MAILBOX list volunteer1 | awk -F '\t' 'NR == 3 {print $1}')
$MAILBOX fetch volunteer1 "$uid" >"$T/intro1.eml"

# --- 5. RENCONTRE by the privileged contact ------------------------------------
answer volunteer1 "$T/intro1.eml" "RENCONTRE 15/12/2026 18h30 à la mairie d'Ambert"
poll "poll: RENCONTRE" "2026-12-01 09:00"
is_state "state meeting" meeting
for u in holder referent volunteer1 volunteer2; do
	got $u "CDP-2026-0001" "15/12/2026"
done
t_grep "meeting mail carries an invitation" "$T/got.eml" "text/calendar"
t_grep "iMIP REQUEST" "$T/got.eml" "method=REQUEST"
t_sql "one meeting scheduled" 1 "SELECT count(*) FROM meetings WHERE state = 'scheduled'"

# --- 6. FEUILLE DE ROUTE by the referent ----------------------------------------
answer referent "$T/assignment.eml" "FEUILLE DE ROUTE
Nature : jardin partagé et potager pédagogique.
Modalités : un chantier par mois avec les bénévoles.
- 15/01/2027 : construire les bacs
- 01/03/2027 : premières plantations avec l'école
FIN"
poll "poll: FEUILLE DE ROUTE" "2026-12-16 09:00"
is_state "state active" active
t_sql "two milestones" 2 "SELECT count(*) FROM milestones WHERE kind = 'milestone'"
for u in holder referent volunteer1 volunteer2; do
	got $u "CDP-2026-0001" "construire les bacs"
done

# --- 7. POINT by the privileged contact --------------------------------------
answer volunteer1 "$T/intro1.eml" "POINT 01/02/2027 18h bilan de l'hiver"
poll "poll: POINT" "2026-12-17 09:00"
t_sql "one check-in" 1 "SELECT count(*) FROM milestones WHERE kind = 'checkin'"
for u in holder referent volunteer1; do
	got $u "CDP-2026-0001" "01/02/2027"
done

# --- 8. Security: forged From, wrong roles, quoted history ---------------------
crlf >"$T/forged.eml" <<EOF
From: Romane Référente <referent@$D>
To: coupdepouce@$D
Subject: Re: [CDP-2026-0001] dossier
Date: Thu, 17 Dec 2026 10:00:00 +0100
Message-ID: <forged.1@evil.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

CLOTURER
EOF
t_run "a forged mail (other's login, referent's From, tag only)" 0 $MAILBOX send --as other --to "coupdepouce@$D" "$T/forged.eml"
answer volunteer2 "$T/invitation2.eml" "CLOTURER
ELIGIBLE"
answer holder "$T/ack.eml" "ELIGIBLE"
answer referent "$T/assignment.eml" "Merci pour ces nouvelles.

> CLOTURER"
$MAILBOX wait coupdepouce --count 4 --timeout 20 >/dev/null
poll "poll: refused commands" "2026-12-17 11:00"
is_state "nothing changed: still active" active
t_grep "the forged mail is refused for trust" "$T/poll.log" "not run: no verified token"
got referent "^Commandes non exécutées : expéditeur non vérifié \\[CDP-2026-0001\\]$"
got volunteer2 "Suite donn" "pas ouverte"
got holder "Suite donn" "pas ouverte"
t_sql "quoted CLOTURER not even read as a command" 1 "SELECT count(*) FROM events WHERE kind = 'command' AND json_extract(details, '$.verb') = 'CLOTURER'"

# --- 9. CLOTURER ----------------------------------------------------------------
answer referent "$T/assignment.eml" "CLOTURER Le jardin est lancé, bravo à tous."
poll "poll: CLOTURER" "2027-03-15 09:00"
is_state "state closed" closed
for u in holder volunteer1 volunteer2; do
	got $u "CDP-2026-0001" "Le jardin est lanc"
done

# --- 10. Exactly the mails each should get ------------------------------------
mb_settled
# The coordinator's one mail is the digest: planned at the first poll, it
# runs once at the last, however many weeks passed.
for pair in holder:8 referent:14 volunteer1:9 volunteer2:7 volunteer3:2 coordinator:1; do
	u=${pair%%:*} want=${pair#*:}
	n=$(count $u)
	[ "$n" = "$want" ] && t_ok "$u holds $want mails" || t_not_ok "$u holds $want mails" "$n:
$($MAILBOX list $u)"
done
t_run "case show --json" 0 "$CDP" -c "$CONF" case show CDP-2026-0001 --json
cp "$T/out" "$T/show.json"
t_run "timeline complete" 0 /usr/bin/python3 - "$T/show.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
kinds = [e["kind"] for e in d["timeline"]]
states = [e["details"]["to"] for e in d["timeline"] if e["kind"] == "state"]
assert states == ["forming", "meeting", "active", "closed"], states
for k in ("created", "assigned", "invited", "answer", "contact", "introduced",
          "meeting", "roadmap", "checkin", "commands_refused"):
    assert k in kinds, (k, kinds)
assert d["state"] == "closed" and len(d["milestones"]) == 3, d["milestones"]
assert d["contact"]["address"].startswith("volunteer1@"), d["contact"]
PY
t_done
