# case_admin.sh — the administrator's `case assign | note | close` and the
# filters of `case list`, with the real Dovecot and Postfix: a case
# handed from one referent to another (the old one leaves the group, its
# decision reminders go, the new one gets them and the transfer mail in
# their mailbox after the next poll, not before), a note, a closing that
# thanks the holder as CLOTURER does, every action an event by "admin";
# refusals exit 1 with one line, bad usage and unknown filter values
# exit 2; `case list` filters combined, compared as exact JSON.
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3

ms_start
cdp_people_config <<EOF
email,name,roles,themes,communes,max_open_cases,active
referent@$MS_DOMAIN,Romane Référente,referent,alimentation,Ambert,,1
referent2@$MS_DOMAIN,Rémi Référent,referent,energie,Thiers,,1
referent3@$MS_DOMAIN,Rose Absente,referent,energie,Thiers,,0
volunteer1@$MS_DOMAIN,Valérie Bénévole,volunteer,energie,,,1
EOF
D=$MS_DOMAIN
cdp() { "$CDP" -c "$CONF" --now "$NOW" "$@"; }
count() { $MAILBOX count "$1" 2>/dev/null || echo 0; }
crlf() { tr -d '\r' | sed 's/$/\r/'; }
mail() {	# USER ID SUBJECT TEXT
	crlf >"$T/$2.eml" <<EOF
From: $1 <$1@$D>
To: coupdepouce@$D
Subject: $3
Date: Mon, 30 Nov 2026 09:00:00 +0100
Message-ID: <$2@$D>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

$4
EOF
	$MAILBOX send --as "$1" "$T/$2.eml" >/dev/null
}

mail holder req1 "Panneaux solaires sur l'école" "Bonjour, nous voulons poser des panneaux solaires sur le toit de l'école de Thiers."
$MAILBOX wait coupdepouce --timeout 20 >/dev/null
NOW="2026-11-30 10:00"
t_run "poll: first request" 0 cdp poll
mail holder2 req2 "Un jardin partagé" "Bonjour, nous voulons créer un jardin partagé et un potager à Ambert."
$MAILBOX wait coupdepouce --timeout 20 >/dev/null
NOW="2026-11-30 10:05"
t_run "poll: second request" 0 cdp poll
$MAILBOX wait referent2 --subject "CDP-2026-0001" --timeout 20 >/dev/null
$MAILBOX wait referent --subject "CDP-2026-0002" --timeout 20 >/dev/null
t_sql "routing gave the cases" "CDP-2026-0001|analysis|referent2@$D
CDP-2026-0002|analysis|referent@$D" \
    "SELECT c.ref, c.state, p.email FROM cases c JOIN persons p ON p.id = c.referent_id ORDER BY c.ref"

# --- usage and help ------------------------------------------------------------
t_run "case --help" 0 cdp case --help
t_grep "help names assign" "$T/out" "case assign REF EMAIL"
t_grep "help says the mails wait for the next cycle" "$T/out" "leave at the next cycle"
t_run "main help names the admin actions" 0 "$CDP" --help
t_grep "main help: assign" "$T/out" "case assign REF EMAIL | case note REF TEXT"
t_run "assign without arguments" 2 cdp case assign
t_run "assign without address" 2 cdp case assign CDP-2026-0001
t_grep "usage names what is missing" "$T/err" "assign: REF EMAIL expected"
t_run "assign with too many arguments" 2 cdp case assign CDP-2026-0001 a@$D b@$D
t_run "note without text" 2 cdp case note CDP-2026-0001
t_run "note with an empty text" 2 cdp case note CDP-2026-0001 "  "
t_run "close without reference" 2 cdp case close
t_run "close with an option" 2 cdp case close --force CDP-2026-0001
t_run "list with an unknown state" 2 cdp case list --state ouvert
t_grep "unknown state named" "$T/err" "--state: 'ouvert' is not a state"
t_run "list with an unknown theme" 2 cdp case list --theme solaire
t_grep "unknown theme named" "$T/err" "--theme: 'solaire' is not a theme of"
t_run "list with a bad referent address" 2 cdp case list --referent romane
t_run "show with a filter" 2 cdp case show CDP-2026-0001 --theme energie

# --- refusals ----------------------------------------------------------------------
t_run "assign: no such case" 1 cdp case assign CDP-2026-0099 referent@$D
t_grep "no such case, one line" "$T/err" "coupdepouce case assign: CDP-2026-0099: no such case"
t_run "assign: unknown address" 1 cdp case assign CDP-2026-0001 nobody@$D
t_grep "unknown address named" "$T/err" "nobody@$D: nobody with this address"
t_run "assign: not a referent" 1 cdp case assign CDP-2026-0001 volunteer1@$D
t_grep "not a referent named" "$T/err" "volunteer1@$D: not a referent"
t_run "assign: inactive referent" 1 cdp case assign CDP-2026-0001 referent3@$D
t_grep "inactive named" "$T/err" "referent3@$D: inactive"
t_run "assign: the same referent" 1 cdp case assign CDP-2026-0001 referent2@$D
t_grep "same referent named" "$T/err" "CDP-2026-0001: referent2@$D is already its referent"
t_sql "refusals wrote nothing" "0" "SELECT count(*) FROM events WHERE details LIKE '%\"by\":\"admin\"%'"

# --- assign ------------------------------------------------------------------------
before=$(count referent)
NOW="2026-11-30 11:00"
t_run "assign to another referent" 0 cdp case assign cdp-2026-0001 Referent@$D
t_grep "assign says what it did" "$T/out" "CDP-2026-0001: assigned to Referent@$D"
t_sql "the case has its new referent" "referent@$D" \
    "SELECT p.email FROM cases c JOIN persons p ON p.id = c.referent_id WHERE c.ref = 'CDP-2026-0001'"
t_sql "old referent removed, new one accepted" "referent2@$D|removed
referent@$D|accepted" \
    "SELECT p.email, m.status FROM case_members m JOIN persons p ON p.id = m.person_id JOIN cases c ON c.id = m.case_id WHERE c.ref = 'CDP-2026-0001' AND m.role = 'referent' ORDER BY p.email"
t_sql "assigned event by admin, no actor" "assigned||{\"referent_id\":\"$(sql "SELECT id FROM persons WHERE email = 'referent@$D'")\",\"by\":\"admin\"}" \
    "SELECT e.kind, e.actor_id, e.details FROM events e JOIN cases c ON c.id = e.case_id WHERE c.ref = 'CDP-2026-0001' AND e.details LIKE '%admin%'"
t_sql "decision reminders: the old referent's closed, the new one's planned" "decision_flag|referent2@$D|1
decision_flag|referent@$D|0
decision_reminder|referent2@$D|1
decision_reminder|referent@$D|0" \
    "SELECT j.kind, p.email, j.done_at IS NOT NULL FROM jobs j JOIN persons p ON p.id = j.person_id JOIN cases c ON c.id = j.case_id WHERE c.ref = 'CDP-2026-0001' ORDER BY j.kind, p.email"
t_sql "the transfer mail is queued, not sent" "transfer|queued" \
    "SELECT template, status FROM outbox o JOIN persons p ON p.id = o.person_id WHERE p.email = 'referent@$D' AND o.case_id = (SELECT id FROM cases WHERE ref = 'CDP-2026-0001')"
mb_settled
[ "$(count referent)" = "$before" ] && t_ok "nothing reaches the referent before the poll" ||
    t_not_ok "nothing reaches the referent before the poll" "$(count referent) mails"
t_sql "the previous referent is told, once" "transfer_previous|referent2@$D" \
    "SELECT group_concat(o.template || '|' || p.email, ',') FROM outbox o JOIN persons p ON p.id = o.person_id WHERE o.template = 'transfer_previous'"
mb_mark referent referent2
t_run "poll sends it" 0 cdp poll
t_run "the new referent gets the case" 0 mb_wait_new referent --subject "CDP-2026-0001" --timeout 20
cp "$T/out" "$T/transfer.eml"
t_run "the previous referent learns who has the case now" 0 mb_wait_new referent2 \
    --subject "^Dossier confié à Romane Référente \\[CDP-2026-0001\\]$" --timeout 20
mail_text "$T/out" >"$T/previous.txt"
t_grep "the previous referent is told it was the network's doing" "$T/previous.txt" \
    "Coup de pouce Livradois-Forez a confié le dossier CDP-2026-0001"
t_grep "transfer mail: the holder" "$T/transfer.eml" "holder@$D"
t_grep "transfer mail: the commands of a case in analysis" "$T/transfer.eml" "NON ELIGIBLE=C2=A0: motif"

# --- note --------------------------------------------------------------------------
t_run "note" 0 cdp case note CDP-2026-0001 "Appelé le porteur : rappeler en janvier"
t_grep "note says done" "$T/out" "CDP-2026-0001: note added"
t_sql "note event: no actor, text and by admin" "note||{\"text\":\"Appelé le porteur : rappeler en janvier\",\"by\":\"admin\"}" \
    "SELECT e.kind, e.actor_id, e.details FROM events e JOIN cases c ON c.id = e.case_id WHERE c.ref = 'CDP-2026-0001' AND e.kind = 'note'"
t_run "note: no such case" 1 cdp case note CDP-2026-0042 "texte"

# --- close -------------------------------------------------------------------------
NOW="2026-11-30 12:00"
t_run "close with a summary" 0 cdp case close CDP-2026-0002 "Projet mené à bien"
t_grep "close says done" "$T/out" "CDP-2026-0002: closed"
t_sql "closed with its reason" "closed|Projet mené à bien|1" \
    "SELECT state, reason, closed_at IS NOT NULL FROM cases WHERE ref = 'CDP-2026-0002'"
t_sql "state event by admin" "state||{\"from\":\"analysis\",\"to\":\"closed\",\"reason\":\"Projet mené à bien\",\"by\":\"admin\"}" \
    "SELECT e.kind, e.actor_id, e.details FROM events e JOIN cases c ON c.id = e.case_id WHERE c.ref = 'CDP-2026-0002' AND e.kind = 'state'"
t_sql "no pending job but the testimony request" "testimony" \
    "SELECT kind FROM jobs WHERE done_at IS NULL AND case_id = (SELECT id FROM cases WHERE ref = 'CDP-2026-0002')"
t_sql "the closing mail is queued for the holder" "closing|holder2@$D|queued" \
    "SELECT o.template, p.email, o.status FROM outbox o JOIN persons p ON p.id = o.person_id WHERE o.case_id = (SELECT id FROM cases WHERE ref = 'CDP-2026-0002') AND o.template = 'closing'"
t_run "close again" 1 cdp case close CDP-2026-0002
t_grep "already ended, one line" "$T/err" "coupdepouce case close: CDP-2026-0002: already ended (closed)"
[ "$(wc -l <"$T/err")" = 1 ] && t_ok "one line on stderr" || t_not_ok "one line on stderr" "$(cat "$T/err")"
t_run "assign an ended case" 1 cdp case assign CDP-2026-0002 referent2@$D
sql "INSERT INTO cases (ref, year, seq, kind, state, state_since, created_at, updated_at, last_activity_at) VALUES
  ('CDP-2026-0003', 2026, 3, 'request', 'new', 1, 1, 1, 1), ('CDP-2026-0004', 2026, 4, 'volunteer', 'new', 1, 1, 1, 1);
  UPDATE case_seq SET last_seq = 4 WHERE year = 2026"
t_run "close a new case nobody analysed" 1 cdp case close CDP-2026-0003
t_grep "new case: says to assign it first" "$T/err" "CDP-2026-0003: new, nobody has analysed it yet"
t_run "close a volunteer offer" 1 cdp case close CDP-2026-0004
t_grep "volunteer offer: says who decides" "$T/err" "CDP-2026-0004: a volunteer offer cannot be closed"
t_run "assign a volunteer offer" 1 cdp case assign CDP-2026-0004 referent2@$D
t_sql "refusals changed nothing" "new|new" "SELECT group_concat(state, '|') FROM cases WHERE ref IN ('CDP-2026-0003', 'CDP-2026-0004')"
sql "DELETE FROM cases WHERE ref IN ('CDP-2026-0003', 'CDP-2026-0004')"
t_run "poll sends the closing" 0 cdp poll
t_run "the holder is thanked" 0 $MAILBOX wait holder2 --subject "CDP-2026-0002" --body "Projet men" --timeout 20

# --- list filters ------------------------------------------------------------------
refs() {	# prints the refs of the JSON array in $T/out
	$PY -c 'import json,sys; print(" ".join(c["ref"] for c in json.load(open(sys.argv[1]))))' "$T/out"
}
t_run "list --theme energie" 0 cdp case list --theme energie --json
t_sql "theme filter" "CDP-2026-0001" "SELECT '$(refs)'"
t_run "list --referent" 0 cdp case list --referent REFERENT@$D --json
t_sql "referent filter (both cases are Romane's now)" "CDP-2026-0002 CDP-2026-0001" "SELECT '$(refs)'"
t_run "list --referent --state open" 0 cdp case list --referent referent@$D --state open --json
t_sql "referent and state" "CDP-2026-0001" "SELECT '$(refs)'"
t_run "list --commune (any case)" 0 cdp case list --commune ambert --json
t_sql "commune filter" "CDP-2026-0002" "SELECT '$(refs)'"
t_run "list --commune --state closed --theme alimentation" 0 cdp case list --commune Ambert --state closed --theme alimentation --json
$PY - "$T/out" >"$T/check" <<'PY'
import json, sys
cases = json.load(open(sys.argv[1], encoding="utf-8"))
print(len(cases))
c = cases[0]
print(c["ref"], c["state"], c["kind"], c["commune"], c["themes"],
      c["referent"]["address"].split("@")[0], c["holder"]["address"].split("@")[0], c["flags"])
PY
t_grep "exact JSON of the one case" "$T/check" "1
CDP-2026-0002 closed request Ambert ['alimentation'] referent holder2 []"
t_run "list: filters that exclude each other" 0 cdp case list --commune Thiers --theme alimentation --json
t_grep "empty JSON array" "$T/out" "[]"
t_run "list: text, no match" 0 cdp case list --referent referent2@$D
t_grep "no case" "$T/out" "no case"

t_done
