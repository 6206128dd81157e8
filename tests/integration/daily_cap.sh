# daily_cap.sh — the daily cap of automatic mail stops loops, never the
# network's work (RFC 3834, DESIGN.md §4).  With max_auto_per_day = 3, a
# holder who sends STATUT five times in a day gets three answers, then
# nothing: the two left unsent are 'mail_capped' events on the case's
# timeline, with their template.  The same day a new request from that
# holder is still assigned to its referent (only its acknowledgement,
# an answer, is capped) and the referent's ELIGIBLE still reaches the
# holder: only answers count, and the mail a person waits for goes out.
# The digest lists the answers left unsent per address and day.
. "$(dirname "$0")/../lib.sh"

cdp_network </dev/null
sed -i 's/^\[network\]$/[network]\nmax_auto_per_day = 3/' "$CONF"
# poll NAME TIME: marks the mailboxes first: the waits and counts after
# it only see the mail this poll sent.
poll() {
	mb_mark holder referent
	cdp_poll "$@"
}
# got USER SUBJECT: waits for the mail with exactly SUBJECT sent since the
# last poll, keeps it in $T/got.eml
got() { t_got "$1 gets: $2" "$1" "$T/got.eml" --subject "$(rx "$2")"; }
crlf() { tr -d '\r' | sed 's/$/\r/'; }
request() {	# MESSAGE_ID SUBJECT
	crlf >"$T/request.eml" <<EOF
From: Camille Martin <holder@$D>
To: coupdepouce@$D
Subject: $2
Date: Mon, 30 Nov 2026 09:00:00 +0100
Message-ID: <$1@$D>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Bonjour, nous voulons $2 à Ambert, avec l'école et les voisins.
Pouvez-vous nous aider ?
Camille
EOF
	cdp_send holder "$T/request.eml"
}

# --- Day 1: a request, its acknowledgement and assignment -----------------------
request req.jardin "créer un jardin partagé"
poll "poll: request" "2026-11-30 10:00"
got holder "Nous avons bien reçu votre message [CDP-2026-0001]"
cp "$T/got.eml" "$T/ack.eml"
got referent "Nouvelle demande à étudier [CDP-2026-0001] (Ambert)"

# --- Day 2: five STATUT, three answers, then nothing ----------------------------
for i in 1 2 3 4 5; do
	cdp_answer holder "$T/ack.eml" "STATUT"
done
poll "poll: five STATUT" "2026-12-01 10:00"
t_sql "three answers queued, the last two not" "status|3" \
    "SELECT template, count(*) FROM outbox WHERE case_id = 1 AND template = 'status' GROUP BY template"
t_sql "the two unsent answers on the timeline" "status|holder@$D|2026-12-01
status|holder@$D|2026-12-01" \
    "SELECT json_extract(details, '\$.template'), json_extract(details, '\$.address'), json_extract(details, '\$.day') FROM events WHERE case_id = 1 AND kind = 'mail_capped' ORDER BY id"
t_sql "three answers counted for the holder" 3 \
    "SELECT count FROM rate WHERE address = 'holder@$D' AND day = '2026-12-01'"
t_run "holder gets the three answers" 0 mb_wait_new holder \
    --subject "$(rx "Où en est le dossier ? [CDP-2026-0001]")" --count 3 --timeout 20
t_new "and no more" holder 3
t_grep "the cap is logged" "$T/poll.log" "status to holder@$D not queued"

# --- The same day: a new case is assigned, and decided ---------------------------
request req.compost "installer un composteur collectif"
poll "poll: new request at the cap" "2026-12-01 11:00"
t_sql "its acknowledgement is capped, on its timeline" "ack|holder@$D" \
    "SELECT json_extract(e.details, '\$.template'), json_extract(e.details, '\$.address') FROM events e JOIN cases c ON c.id = e.case_id WHERE c.ref = 'CDP-2026-0002' AND e.kind = 'mail_capped'"
t_sql "its assignment is queued for the referent" "assignment|referent@$D" \
    "SELECT o.template, p.email FROM outbox o JOIN cases c ON c.id = o.case_id JOIN persons p ON p.id = o.person_id WHERE c.ref = 'CDP-2026-0002' AND o.template = 'assignment'"
got referent "Nouvelle demande à étudier [CDP-2026-0002] (Ambert)"
cp "$T/got.eml" "$T/assignment2.eml"
t_new "the holder at the cap is not acknowledged" holder 0
t_sql "the assignment is sent" "sent" \
    "SELECT o.status FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.ref = 'CDP-2026-0002' AND o.template = 'assignment'"
cdp_answer referent "$T/assignment2.eml" "ELIGIBLE"
poll "poll: ELIGIBLE" "2026-12-01 14:00"
t_sql "case 2 eligible" forming "SELECT state FROM cases WHERE ref = 'CDP-2026-0002'"
got holder "Votre demande d'accompagnement est acceptée [CDP-2026-0002]"
t_new "that mail alone" holder 1
t_sql "the holder at the cap still got the decision" "decision_eligible|sent" \
    "SELECT o.template, o.status FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.ref = 'CDP-2026-0002' AND o.person_id = c.holder_id"
t_sql "the holder's count did not move" 3 \
    "SELECT count FROM rate WHERE address = 'holder@$D' AND day = '2026-12-01'"

# --- The digest lists the unsent answers ---------------------------------------
t_run "digest --print" 0 "$CDP" -c "$CONF" --now "2026-12-01 15:00" digest --print
t_line "digest: holder, day, count" "$T/out" "  - holder@$D, le 01/12/2026 : 3 réponse(s) non envoyée(s)"
t_done
