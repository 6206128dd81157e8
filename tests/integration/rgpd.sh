# rgpd.sh — personal data rights and retention, through the real servers.
# Camille Unique-Nom sends two requests (one plain 8-bit UTF-8, one
# base64-encoded) and a reply; the referent takes and closes both cases.
# `export` gives everything (JSON that parses, with the address, the name
# and each sentence; an mbox with exactly Camille's three mails); `forget`
# is refused for the referent of an open case, wants --yes, erases
# Camille: a byte scan of the database, its log and its index then finds
# none of the address, the name and the sentences (it found each of them
# before), while the cases' statistics are unchanged; a second forget does
# nothing and says so; the people file's referent is refused once no case
# is open.  Retention: two more cases closed a month apart;
# `purge --dry-run` two years later lists exactly the older one, `purge`
# blanks its mails and only them, and the daily job, once the other case
# has passed the delay, purges its mails and logs how many.
. "$(dirname "$0")/../lib.sh"
REPLY="/usr/bin/python3 $TOP/tests/tools/replymail.py"

# Camille and Sacha need mailboxes of their own.
MS_EXTRA_USERS="camille other2"
export MS_EXTRA_USERS
cdp_network <<EOF
referent,Romane Référente,referent,alimentation;energie;lien_social;economie_locale;dechets,Ambert
EOF
# Copies of the sent mails go to a Sent folder, which forget empties too.
sed -i '/^\[imap\]$/a sent_folder = Sent' "$CONF"
# The same network with its mail server out of reach.
(umask 077; sed 's|^url = imaps://127.0.0.1:[0-9]*$|url = imaps://127.0.0.1:1|' "$CONF" >"$T/down.conf")
DB="$T/cdp/coupdepouce.db"
S1="Mon jardin partagé des Quatre-Vents à Ambert"
S2="Un poulailler collectif rue des Tilleuls-Bleus à Ambert"
S3="Nous avons déjà trente-sept familles inscrites au potager"
NAME="Camille Unique-Nom"
ADDR="camille@$D"
poll() {	# NAME TIME
	t_run "$1" 0 "$CDP" -c "$CONF" --now "$2" poll
	cp "$T/err" "$T/poll.log"
}
got() {	# USER SUBJECT_RE: waits for the mail, keeps it in $T/got.eml
	$MAILBOX wait "$1" --subject "$2" --timeout 20 >"$T/got.eml" 2>"$T/got.err" &&
	    t_ok "$1 gets: $2" || t_not_ok "$1 gets: $2" "$(cat "$T/got.err")"
}
answer() {	# USER ORIGINAL BODY
	printf '%s\n' "$3" | $REPLY "$2" "$1@$D" >"$T/reply.eml" &&
	    $MAILBOX send --as "$1" --to "coupdepouce@$D" "$T/reply.eml"
}
same() {	# NAME FILE: FILE holds exactly what stdin holds
	cat >"$T/want"
	cp "$2" "$T/got"
	if cmp -s "$T/want" "$T/got"; then
		t_ok "$1"
	else
		t_not_ok "$1" "$(diff -u "$T/want" "$T/got")"
	fi
}
inbox() { $MAILBOX wait coupdepouce --count "$1" --timeout 20 >/dev/null; }
request() {	# USER NAME ID SUBJECT TEXT [base64]
	if [ "${6:-}" = base64 ]; then
		_cte=base64
		_body=$(printf 'Bonjour,\n\n%s.\n\n%s\n' "$5" "$2" | base64 | sed 's/$/\r/')
	else
		_cte=8bit
		_body=$(printf 'Bonjour,\r\n\r\n%s.\r\n\r\n%s' "$5" "$2")
	fi
	printf 'From: %s <%s@%s>\r\nTo: coupdepouce@%s\r\nSubject: %s\r\nMessage-ID: <%s.rgpd@%s>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: %s\r\n\r\n%s\r\n' \
	    "$2" "$1" "$D" "$D" "$4" "$3" "$D" "$_cte" "$_body" >"$T/$3.eml"
	$MAILBOX deliver coupdepouce "$T/$3.eml"
}
# boxes SUFFIX: the Message-IDs in the inbox, Processed and Sent, sorted,
# in $T/box.FOLDER.SUFFIX
boxes() {
	for _f in INBOX Processed Sent; do
		$MAILBOX list coupdepouce --folder $_f --ids | sort >"$T/box.$_f.$1"
	done
}
# scan: the needles found in the database, its WAL and its shm, one line
# each ("NEEDLE in FILE"): the plain UTF-8 text, its quoted-printable and
# base64 forms, and the distinctive words alone (a soft line break or an
# encoded word may cut a whole sentence).
scan() {
	/usr/bin/python3 - "$DB" "$ADDR" "$NAME" "$S1" "$S2" "$S3" <<'PY'
import base64, os, quopri, sys
db, needles = sys.argv[1], sys.argv[2:]
forms = []
for n in needles:
    b = n.encode()
    forms += [(n, b), (n + " (QP)", quopri.encodestring(b).rstrip(b"\n")),
              (n + " (base64)", base64.b64encode(b))]
for w in ("Unique-Nom", "Quatre-Vents", "Tilleuls-Bleus", "trente-sept"):
    forms.append((w, w.encode()))
for path in (db, db + "-wal", db + "-shm"):
    if not os.path.exists(path):
        continue
    data = open(path, "rb").read()
    for name, b in forms:
        if b in data or b.lower() in data:
            print("%s in %s" % (name, os.path.basename(path)))
PY
}

# --- Camille's two requests, two other people's, the referent's answers ------
request camille "$NAME" r1 "Jardin partagé" "$S1"
request camille "$NAME" r2 "Poulailler" "$S2" base64
request other "Alix Autre" r3 "Épicerie" "Une épicerie solidaire à Ambert"
request other2 "Sacha Troisième" r4 "Repair café" "Un repair café à Ambert"
poll "poll: four requests" "2026-09-07 09:00"
t_sql "four cases, Camille holds two" "CDP-2026-0001|$ADDR
CDP-2026-0002|$ADDR
CDP-2026-0003|other@$D
CDP-2026-0004|other2@$D" "SELECT c.ref, p.email FROM cases c JOIN persons p ON p.id = c.holder_id ORDER BY c.ref"
t_grep "the daily purge ran with the first poll" "$T/poll.log" "retention: 0 mails purged"
for n in 1 2 3 4; do
	got referent "^Nouvelle demande .*CDP-2026-000$n"
	cp "$T/got.eml" "$T/assign$n.eml"
done
got camille "CDP-2026-0001"
cp "$T/got.eml" "$T/ack1.eml"
answer camille "$T/ack1.eml" "$S3."
for n in 1 2 4; do
	answer referent "$T/assign$n.eml" "ELIGIBLE
CLOTURER Bravo pour ce beau projet."
done
inbox 4
poll "poll: Camille's reply; three cases closed" "2026-09-08 10:00"
t_sql "cases 1, 2 and 4 closed, 3 in analysis" "CDP-2026-0001|closed
CDP-2026-0002|closed
CDP-2026-0003|analysis
CDP-2026-0004|closed" "SELECT ref, state FROM cases ORDER BY ref"
t_sql "Camille's reply is on case 1" "1" "SELECT count(*) FROM messages WHERE case_id = 1 AND from_address = '$ADDR' AND new_text LIKE '%trente-sept%'"

# --- export -------------------------------------------------------------------
t_run "export: unknown address" 1 "$CDP" -c "$CONF" export "nobody@$D"
same "export: one line naming it" "$T/err" <<EOF
nobody@$D: no such person
EOF
t_run "export: --help" 0 "$CDP" -c "$CONF" export --help
t_grep "export: --help names the files" "$T/out" "DIR/EMAIL.mbox"
t_run "export to stdout" 0 "$CDP" -c "$CONF" --now "2026-09-08 11:00" export "$ADDR"
cp "$T/out" "$T/export.json"
/usr/bin/python3 - "$T/export.json" "$ADDR" "$NAME" "$S1" "$S2" "$S3" >"$T/check.out" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
addr = sys.argv[2]
text = json.dumps(doc, ensure_ascii=False)
for n in sys.argv[2:]:
    print("%s: %s" % (n, "yes" if n in text else "NO"))
print("keys:", " ".join(doc))
print("person:", doc["person"]["email"], doc["person"]["name"])
print("cases:", " ".join("%s/%s" % (c["ref"], c["role"]) for c in doc["cases"]))
print("from them:", len(doc["mails_from_them"]),
      " ".join(sorted(m["message_id"] for m in doc["mails_from_them"])))
print("to them:", len(doc["mails_to_them"]) > 0,
      all(addr in m["recipients"] or m["recipients"] == []
          for m in doc["mails_to_them"]))
print("base64 mail decoded:", any(sys.argv[5] in (m["new_text"] or "")
      for m in doc["mails_from_them"]))
PY
MIDS=$(sql "SELECT group_concat(message_id, ' ') FROM (SELECT message_id FROM messages WHERE from_address = '$ADDR' ORDER BY message_id)")
same "export: what it holds" "$T/check.out" <<EOF
$ADDR: yes
$NAME: yes
$S1: yes
$S2: yes
$S3: yes
keys: exported_at address person roles cases mails_from_them mails_to_them events jobs testimonies quarantine rate
person: $ADDR $NAME
cases: CDP-2026-0001/holder CDP-2026-0002/holder
from them: 3 $MIDS
to them: True True
base64 mail decoded: True
EOF
t_grep "export: times in ISO 8601" "$T/export.json" '"exported_at": "2026-09-08T11:00:00+02:00"'
mkdir "$T/x"
t_run "export --out" 0 "$CDP" -c "$CONF" --now "2026-09-08 11:00" export "$ADDR" --out "$T/x"
same "export --out: the two paths" "$T/out" <<EOF
$T/x/$ADDR.json
$T/x/$ADDR.mbox (3 mails)
EOF
t_run "export --out: the same JSON" 0 cmp "$T/export.json" "$T/x/$ADDR.json"
t_run "export files readable by their owner only" 0 test "$(stat -c %a "$T/x/$ADDR.json") $(stat -c %a "$T/x/$ADDR.mbox")" = "600 600"
/usr/bin/python3 - "$T/x/$ADDR.mbox" >"$T/mbox.out" <<'PY'
import mailbox, sys
for m in mailbox.mbox(sys.argv[1]):
    print(m["Message-ID"], m["From"])
PY
R3ID=$(sql "SELECT message_id FROM messages WHERE from_address = '$ADDR' AND message_id NOT LIKE 'r_.rgpd@%'")
same "the mbox holds exactly Camille's three mails" "$T/mbox.out" <<EOF
<r1.rgpd@$D> $NAME <$ADDR>
<r2.rgpd@$D> $NAME <$ADDR>
<$R3ID> $ADDR
EOF

# --- forget -------------------------------------------------------------------
t_run "forget: --yes wanted" 2 "$CDP" -c "$CONF" forget "$ADDR"
t_run "forget: the referent of an open case is refused" 1 "$CDP" -c "$CONF" forget "referent@$D" --yes
same "forget: refusal is one line naming the case" "$T/err" <<EOF
referent@$D: referent of open cases CDP-2026-0003; hand them over first (TRANSFERER or 'case assign')
EOF
t_sql "the referent is untouched" "referent@$D|Romane Référente|" "SELECT email, name, forgotten_at FROM persons WHERE email = 'referent@$D'"
scan >"$T/scan.before"
t_run "the scan finds every needle before forget" 0 sh -c "for n in '$ADDR' '$NAME' '$S1' '$S2' '$S3' Unique-Nom Quatre-Vents Tilleuls-Bleus trente-sept; do grep -q \"^\$n in \" '$T/scan.before' || { echo \"missing \$n\"; exit 1; }; done"
STATS="SELECT ref, kind, state, themes, commune, holder_id, referent_id, created_at, closed_at FROM cases ORDER BY ref"
sql "$STATS" >"$T/stats.before"
CID=$(sql "SELECT id FROM persons WHERE email = '$ADDR'")
# Another process (the daemon, say) reading the database keeps the log
# from being emptied (forget waits for it 5 s, the busy timeout): the
# erasure is committed, the file is not clean yet.
/usr/bin/python3 -c 'import os, sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN")
c.execute("SELECT count(*) FROM messages").fetchall()
open(sys.argv[2], "w").close()
for _ in range(1200):		# until released, two minutes at most
    if os.path.exists(sys.argv[3]):
        break
    time.sleep(0.1)
c.execute("COMMIT")
c.close()' "$DB" "$T/held" "$T/release" &
HOLD=$!
while [ ! -e "$T/held" ]; do sleep 0.1; done
boxes before
t_run "forget Camille without the mail server" 1 "$CDP" -c "$T/down.conf" forget "$ADDR" --yes
same "forget without the server: the reason, and nothing erased" "$T/err" <<EOF
coupdepouce forget: imaps://127.0.0.1:1: connect to 127.0.0.1 port 1: Connection refused
Nothing was erased; run it again when the mail server answers, or add --database-only and delete the copies from the mailbox yourself.
EOF
t_sql "nothing erased without the server" "$ADDR|$NAME" "SELECT email, name FROM persons WHERE id = (SELECT id FROM persons WHERE email = '$ADDR')"
t_run "forget Camille while another process reads" 1 "$CDP" -c "$CONF" --now "2026-09-08 12:00" forget "$ADDR" --yes
sed 's/^/# /' "$T/out"
cp "$T/out" "$T/forget.out"
t_grep "forget: says what it did" "$T/out" "$ADDR: forgotten, now forgotten-$CID@invalid; mails blanked: "
same "forget: then that the log is in use" "$T/err" <<EOF
coupdepouce forget: the write-ahead log is in use by another process (the daemon?); stop it or run this again to empty the log
EOF
t_sql "the erasure is committed" "forgotten-$CID@invalid" "SELECT email FROM persons WHERE id = $CID"
# The copies of exactly the blanked mails left the mailbox.
sql "SELECT '<' || message_id || '>' FROM messages WHERE length(raw) = 0 AND message_id <> '' UNION SELECT '<' || message_id || '>' FROM outbox WHERE length(message) = 0 AND status = 'sent'" | sort >"$T/blanked"
boxes after
for f in INBOX Processed Sent; do
	comm -23 "$T/box.$f.before" "$T/blanked" >"$T/box.$f.want"
	t_run "forget: $f holds exactly the mails not blanked" 0 cmp "$T/box.$f.want" "$T/box.$f.after"
done
NP=$(comm -12 "$T/box.Processed.before" "$T/blanked" | wc -l)
NS=$(comm -12 "$T/box.Sent.before" "$T/blanked" | wc -l)
t_run "forget: Camille's three mails were in Processed" 0 test "$(grep -c -e "^<r1.rgpd@$D>\$" -e "^<r2.rgpd@$D>\$" -e "^<$R3ID>\$" "$T/box.Processed.before")" = 3
t_run "forget: mails to Camille were in Sent" 0 test "$NS" -gt 0
t_line "forget: says how many copies went where" "$T/forget.out" "$ADDR: $((NP + NS)) copies deleted from the mailbox (Processed $NP, Sent $NS)"
touch "$T/release"
wait $HOLD
t_run "forget again once it is gone" 0 "$CDP" -c "$CONF" forget "$ADDR" --yes
same "forget again: nothing stored" "$T/out" <<EOF
$ADDR: nothing stored (already forgotten, or never known)
EOF
scan >"$T/scan.after"
same "the scan finds none of them after" "$T/scan.after" </dev/null
t_run "the WAL is empty" 0 test ! -s "$DB-wal"
sql "$STATS" >"$T/stats.after"
same "cases, states, themes, communes, dates unchanged" "$T/stats.after" <"$T/stats.before"
t_sql "the person row stays, blanked" "forgotten-$CID@invalid||[]|[]|0|1|0" "SELECT email, name, themes, communes, active, forgotten_at = strftime('%s', '2026-09-08 10:00'), (SELECT count(*) FROM person_roles WHERE person_id = $CID) FROM persons WHERE id = $CID"
t_sql "Camille's cases lost their texts" "||
||" "SELECT subject, roadmap, reason FROM cases WHERE holder_id = $CID ORDER BY id"
t_sql "their mails and their cases' mails are blanked" "0|0" "SELECT (SELECT count(*) FROM messages WHERE length(raw) > 0 AND (case_id IN (1, 2) OR person_id = $CID)), (SELECT count(*) FROM outbox WHERE length(message) > 0 AND (case_id IN (1, 2) OR person_id = $CID))"
t_sql "other cases' mails are kept" "1" "SELECT count(*) > 0 FROM messages WHERE case_id IN (3, 4) AND length(raw) > 0"
t_sql "the audit event holds no personal data" "{\"person_id\":\"$CID\",\"by\":\"admin\"}" "SELECT details FROM events WHERE kind = 'forgotten'"
t_run "forget a third time: nothing to do" 0 "$CDP" -c "$CONF" forget "$ADDR" --yes
same "forget a third time: says so" "$T/out" <<EOF
$ADDR: nothing stored (already forgotten, or never known)
EOF
t_run "export after forget: no such person" 1 "$CDP" -c "$CONF" export "$ADDR"

# --- retention ----------------------------------------------------------------
answer referent "$T/assign3.eml" "ELIGIBLE
CLOTURER Merci."
inbox 1
poll "poll: case 3 closed a month later" "2026-10-05 10:00"
t_grep "the daily purge found nothing to purge" "$T/poll.log" "retention: 0 mails purged"
t_sql "case 3 closed" "closed" "SELECT state FROM cases WHERE ref = 'CDP-2026-0003'"
t_run "forget: a person of the people file is refused" 1 "$CDP" -c "$CONF" forget "referent@$D" --yes
same "forget: the refusal names the file and line" "$T/err" <<EOF
referent@$D: listed in $T/cdp/people.csv line 2; remove the line first (the daemon would add them back)
EOF
t_sql "the referent is still there" "referent@$D|Romane Référente" "SELECT email, name FROM persons WHERE email = 'referent@$D'"
t_run "purge --help" 0 "$CDP" -c "$CONF" purge --help
# Two years after case 4 closed (730 days: 7 September 2028), before case
# 3 passes the delay.
NOW="2028-09-20 10:00"
CUT=$(sql "SELECT strftime('%s', '2026-09-20 08:00')")
R4=$(sql "SELECT count(*) FROM messages WHERE case_id = 4 AND length(raw) > 0")
S4=$(sql "SELECT count(*) FROM outbox WHERE case_id = 4 AND status = 'sent' AND length(message) > 0")
NR=$(sql "SELECT count(*) FROM messages WHERE case_id IS NULL AND received_at <= $CUT AND length(raw) > 0")
NS=$(sql "SELECT count(*) FROM outbox WHERE case_id IS NULL AND status = 'sent' AND coalesce(sent_at, created_at) <= $CUT AND length(message) > 0")
t_run "case 4 has mails to purge" 0 test "$R4" -gt 0 -a "$S4" -gt 0
{
	echo "$((R4 + S4 + NR + NS)) mails of 1 case would be purged"
	echo "CDP-2026-0004: $R4 received, $S4 sent"
	[ $((NR + NS)) -gt 0 ] && echo "no case: $NR received, $NS sent"
} >"$T/want.purge"
t_run "purge --dry-run" 0 "$CDP" -c "$CONF" --now "$NOW" purge --dry-run
same "purge --dry-run: exact list" "$T/out" <"$T/want.purge"
t_sql "--dry-run changed nothing" "0" "SELECT count(*) FROM messages WHERE purged_at IS NOT NULL"
KEEP3=$(sql "SELECT count(*) FROM messages WHERE case_id = 3 AND length(raw) > 0")
t_run "purge" 0 "$CDP" -c "$CONF" --now "$NOW" purge
sed 's/would be purged/purged/' "$T/want.purge" >"$T/want.purge2"
same "purge: exact list" "$T/out" <"$T/want.purge2"
t_sql "case 4's mails are blanked, marked, subjects kept" "$R4|$R4|$R4|0" "SELECT count(*), sum(length(raw) = 0 AND new_text IS NULL), sum(purged_at = strftime('%s', '2028-09-20 08:00')), sum(subject = '') FROM messages WHERE case_id = 4"
t_sql "case 4's sent mails are blanked" "0" "SELECT count(*) FROM outbox WHERE case_id = 4 AND length(message) > 0"
t_sql "case 3 (closed later) is kept" "$KEEP3|0" "SELECT count(*), sum(purged_at IS NOT NULL) FROM messages WHERE case_id = 3 AND length(raw) > 0"
t_run "purge again: nothing left" 0 "$CDP" -c "$CONF" --now "$NOW" purge
same "purge again: says so" "$T/out" <<EOF
0 mails of 0 cases purged
EOF
# The copies of the purged mails leave the mailbox at the next poll.
t_sql "purge: every purged mail's Message-ID is queued" "0" "SELECT count(*) FROM messages WHERE purged_at IS NOT NULL AND message_id <> '' AND message_id NOT IN (SELECT message_id FROM mailbox_erase)"
t_sql "purge: only purged mails are queued" "0" "SELECT count(*) FROM mailbox_erase e WHERE NOT EXISTS (SELECT 1 FROM messages WHERE message_id = e.message_id AND purged_at IS NOT NULL) AND NOT EXISTS (SELECT 1 FROM outbox WHERE message_id = e.message_id AND length(message) = 0 AND copied_at IS NOT NULL)"
sql "SELECT '<' || message_id || '>' FROM mailbox_erase" | sort >"$T/queued"
boxes purge1
poll "poll: erases the purged mails' copies" "$NOW"
boxes purge2
GONE=0
for f in INBOX Processed Sent; do
	# The poll also sent (and copied into Sent) the testimony requests.
	t_run "retention: $f lost the purged mails' copies" 0 test -z "$(comm -12 "$T/box.$f.purge2" "$T/queued")"
	t_run "retention: $f kept every other mail" 0 test -z "$(comm -23 "$T/box.$f.purge1" "$T/queued" | comm -23 - "$T/box.$f.purge2")"
	_n=$(comm -12 "$T/box.$f.purge1" "$T/queued" | wc -l)
	[ $f = INBOX ] || t_run "retention: $f held some of them" 0 test "$_n" -gt 0
	GONE=$((GONE + _n))
done
t_grep "retention: the poll says how many" "$T/poll.log" "retention: $GONE mailbox copies of purged mails deleted"
t_sql "retention: the queue is empty" "0" "SELECT count(*) FROM mailbox_erase"
# The daily job, once case 3 has passed the delay (closed 5 October 2026,
# 730 days: 4 October 2028; the 9th is a Monday).
R3=$(sql "SELECT count(*) FROM messages WHERE case_id = 3 AND length(raw) > 0")
S3N=$(sql "SELECT count(*) FROM outbox WHERE case_id = 3 AND status = 'sent' AND length(message) > 0")
CUT=$(sql "SELECT strftime('%s', '2026-10-09 08:00')")
NR=$(sql "SELECT count(*) FROM messages WHERE case_id IS NULL AND received_at <= $CUT AND length(raw) > 0")
NS=$(sql "SELECT count(*) FROM outbox WHERE case_id IS NULL AND status = 'sent' AND coalesce(sent_at, created_at) <= $CUT AND length(message) > 0")
# and the testimony request to case 4's holder, sent since its purge.
S4N=$(sql "SELECT count(*) FROM outbox WHERE case_id = 4 AND status = 'sent' AND length(message) > 0")
sql "SELECT '<' || message_id || '>' FROM messages WHERE case_id = 3 AND message_id <> ''" | sort >"$T/case3"
t_run "retention: case 3's received mails are in Processed" 0 test -n "$(comm -12 "$T/box.Processed.purge2" "$T/case3")"
poll "poll: the daily job after case 3 passed the delay" "2028-10-09 10:00"
t_grep "the job logs what it purged" "$T/poll.log" "retention: $((R3 + S3N + NR + NS + S4N)) mails purged"
t_sql "case 3's mails are blanked" "0|0" "SELECT (SELECT count(*) FROM messages WHERE case_id = 3 AND length(raw) > 0), (SELECT count(*) FROM outbox WHERE case_id = 3 AND status = 'sent' AND length(message) > 0 AND sent_at < strftime('%s', '2028-10-09 08:00'))"
boxes purge3
t_run "retention: case 3's received mails are gone from Processed" 0 test -z "$(comm -12 "$T/box.Processed.purge3" "$T/case3")"
t_sql "retention: the queue is empty again" "0" "SELECT count(*) FROM mailbox_erase"
t_sql "one retention job pending, a day later" "$(sql "SELECT strftime('%s', '2028-10-10 08:00')")" "SELECT due_at FROM jobs WHERE kind = 'retention' AND done_at IS NULL"

# --- forget, the database alone -----------------------------------------------
boxes before2
t_run "forget --database-only without the server" 0 "$CDP" -c "$T/down.conf" forget "other2@$D" --yes --database-only
t_line "forget --database-only: says the mailbox is left" "$T/out" "other2@$D: the copies in the mailbox are left as they are (--database-only)"
t_sql "forget --database-only: erased" "1" "SELECT count(*) FROM persons WHERE email LIKE 'forgotten-%@invalid' AND id = (SELECT holder_id FROM cases WHERE ref = 'CDP-2026-0004')"
boxes after2
t_run "forget --database-only: the mailbox is untouched" 0 sh -c "cmp '$T/box.Processed.before2' '$T/box.Processed.after2' && cmp '$T/box.Sent.before2' '$T/box.Sent.after2'"
t_done
