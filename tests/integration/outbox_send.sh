# outbox_send.sh — the outbox against the real test servers (Postfix
# submission with STARTTLS + AUTH, delivering into Dovecot): mails arrive
# with their accents; a refused recipient (550) fails alone while the other
# gets the mail; with Postfix stopped mails stay queued with their attempts
# and error counted, and once it is back every mail arrives exactly once
# with its Message-ID; a wrong password keeps mails queued without counting
# attempts; the per-minute budget stops a flush; `outbox list` and
# `outbox retry` work; a flushing process killed with SIGKILL in the
# middle of a batch of 50 loses nothing (at most the mail in flight is
# delivered twice).  Mails are queued and flushed with tests/tools/outboxtool.
. "$(dirname "$0")/../lib.sh"
TOOL="$BUILD/tools/outboxtool"

ms_start
cdp_config "" "max_per_minute = 1000"
CONF="$T/cdp/coupdepouce.conf"

ms_now() { date +%s%N | cut -b1-13; }
# flush [CONF] [--now TIME]: one outboxtool flush, output in $T/flush.
flush() {
	_c=$CONF
	[ $# -gt 0 ] && [ "${1#--}" = "$1" ] && { _c=$1; shift; }
	"$TOOL" -c "$_c" "$@" flush >"$T/flush" 2>"$T/flush.err"
}
# Message-ID header of the raw message in FILE, without <>.
msgid_of() {
	tr -d '\r' <"$1" | sed -n 's/^[Mm]essage-[Ii][Dd]: *<\(.*\)>$/\1/p' | head -n 1
}
# flushed NAME WANT: the counts of the last flush are exactly WANT
# ("recovered=N rows=N sent=N ...", the whole line).
flushed() { is "$1" "$(head -n 1 "$T/flush")" "$2"; }
# in_future MINUTES: local time MINUTES from now, for --now.
in_future() {
	TZ=Europe/Paris date -d "+$1 min" '+%Y-%m-%d %H:%M'
}
# row_has NAME ID WORD...: the `outbox list` line of mail ID in $T/out has
# WORD... as its next columns.
row_has() {
	_n=$1 _id=$2
	shift 2
	if awk -v id="$_id" -v want="$*" '$1 == id { line = $2; for (i = 3; i <= NF && i < 2 + split(want, w, " "); i++) line = line " " $i; if (line == want) found = 1 } END { exit !found }' "$T/out"; then
		t_ok "$_n"
	else
		t_not_ok "$_n" "no line '$_id $*' in:
$(cat "$T/out")"
	fi
}

# --- 1. Accents, two recipients, one session -------------------------------
printf 'Bonjour Camille,\n\nVotre demande « économie d’énergie à Thiers » est bien reçue.\nÀÇÉÈÊËÎÏÔÙÛÜ àçéèêëîïôùûü œ — merci !\n\nL’équipe Coup de pouce\n' >"$T/body.txt"
subj="Accusé de réception — demande $$ « Thiers »"
t_run "enqueue an urgent mail to two people" 0 "$TOOL" -c "$CONF" enqueue \
    --to holder@example.org --to Referent@Example.org --subject "$subj" \
    --body-file "$T/body.txt" --urgent
id1=$(awk '/^queued/ {print $2}' "$T/out")
mid1=$(awk '/^queued/ {print $3}' "$T/out")
mb_mark holder referent
t0=$(ms_now)
t_run "flush" 0 flush
t1=$(ms_now)
flushed "one row, two recipients accepted" "recovered=0 rows=1 sent=1 failed=0 deferred=0 accepted=2 refused=0 rate_limited=0 paused=0"
echo "# flush of 1 mail to 2 recipients (connect, STARTTLS, AUTH): $((t1 - t0)) ms"
t_run "the holder receives it, accents intact" 0 mb_wait_new holder \
    --subject "^Accusé de réception — demande $$ « Thiers »\$" \
    --body "ÀÇÉÈÊËÎÏÔÙÛÜ àçéèêëîïôùûü œ — merci" --timeout 20
cp "$T/out" "$T/holder.eml"
t_run "the referent too (address case folded)" 0 mb_wait_new referent --subject "$(rx "$subj")" --body "économie d’énergie" --timeout 20
t_new "the holder gets it once" holder 1
t_new "the referent too" referent 1
got=$(msgid_of "$T/holder.eml")
if [ "$got" = "$mid1" ]; then t_ok "Message-ID as queued ($mid1)"; else t_not_ok "Message-ID as queued" "got '$got', want '$mid1'"; fi
t_sql "sent, one attempt, nobody owed any more" 'sent|1|[]|1' \
    "SELECT status, attempts, recipients, sent_at IS NOT NULL FROM outbox WHERE id = $id1"

# --- 2. One good and one unknown recipient ---------------------------------
sql "INSERT INTO cases (id, ref, year, seq, kind, state_since, created_at, updated_at, last_activity_at) VALUES (1, 'CDP-2026-0001', 2026, 1, 'request', 1, 1, 1, 1)"
t_run "enqueue to holder2 and nobody" 0 "$TOOL" -c "$CONF" enqueue --to holder2@example.org \
    --to nobody@example.org --subject "Groupe $$" --body-file "$T/body.txt" --urgent --case 1
id2=$(awk '/^queued/ {print $2}' "$T/out")
mb_mark holder2
t_run "flush" 0 flush
flushed "one accepted, one refused" "recovered=0 rows=1 sent=1 failed=0 deferred=0 accepted=1 refused=1 rate_limited=0 paused=0"
t_run "holder2 receives it" 0 mb_wait_new holder2 --subject "^Groupe $$\$" --timeout 20
t_new "once" holder2 1
t_sql "sent to the good one, nobody owed" 'sent []' \
    "SELECT status || ' ' || recipients FROM outbox WHERE id = $id2"
t_run "last_error" 0 sql "SELECT last_error FROM outbox WHERE id = $id2"
t_grep "last_error names the refused address" "$T/out" "nobody@example.org: 550"
t_grep "with the server's answer" "$T/out" "5.1.1"
t_sql "mail_failed event for that recipient only" "nobody@example.org refused 550" \
    "SELECT json_extract(details, '\$.recipient') || ' ' || json_extract(details, '\$.reason') || ' ' || json_extract(details, '\$.code') FROM events WHERE case_id = 1 AND kind = 'mail_failed'"
if [ "$(sql "SELECT count(*) FROM events WHERE kind = 'mail_failed'")" = 1 ]; then
	t_ok "exactly one failure event"
else
	t_not_ok "exactly one failure event" "$(sql "SELECT * FROM events")"
fi

# Only an unknown recipient: the row fails, and keeps whom it failed for.
"$TOOL" -c "$CONF" enqueue --to nobody@example.org --subject "Perdu $$" --body-file "$T/body.txt" --urgent >"$T/out"
id3=$(awk '/^queued/ {print $2}' "$T/out")
flush
t_sql "all refused: row failed, recipients kept for a retry" 'failed 1 ["nobody@example.org"]' \
    "SELECT status || ' ' || attempts || ' ' || recipients FROM outbox WHERE id = $id3"

# --- 3. outbox list / retry -------------------------------------------------
t_run "outbox list" 0 "$CDP" -c "$CONF" outbox list
t_grep "lists the subject, decoded" "$T/out" "Accusé de réception — demande $$ « Thiers »"
t_grep "lists the failed row with its error" "$T/out" "last error: nobody@example.org: 550"
row_has "and its status" "$id3" failed
t_run "outbox list --status failed" 0 "$CDP" -c "$CONF" outbox list --status failed
t_nogrep "--status filters" "$T/out" "Groupe $$"
t_run "outbox list --json" 0 "$CDP" -c "$CONF" outbox list --json
cp "$T/out" "$T/list.json"
t_run "--json is valid JSON with the documented keys" 0 /usr/bin/python3 -c '
import json, sys
rows = json.load(open(sys.argv[1]))
keys = {"id", "status", "attempts", "next_attempt", "hold_until", "created", "sent",
        "case_id", "template", "message_id", "recipients", "to", "subject", "last_error"}
assert all(set(r) == keys for r in rows), rows[0].keys()
r = [r for r in rows if r["id"] == int(sys.argv[2])][0]
assert r["status"] == "sent" and r["recipients"] == [] and r["sent"], r
assert r["subject"] == sys.argv[3], r["subject"]
f = [r for r in rows if r["id"] == int(sys.argv[4])][0]
assert f["status"] == "failed" and f["recipients"] == ["nobody@example.org"], f
assert "550" in f["last_error"], f
' "$T/list.json" "$id1" "$subj" "$id3"
t_run "outbox list --status bogus is a usage error" 2 "$CDP" -c "$CONF" outbox list --status bogus
t_run "outbox retry of an unknown id" 1 "$CDP" -c "$CONF" outbox retry 9999
t_grep "says there is no such mail" "$T/err" "no outbox mail with id 9999"
t_run "outbox retry of a sent mail" 1 "$CDP" -c "$CONF" outbox retry "$id1"
t_grep "says it was sent" "$T/err" "already sent"
t_run "outbox retry abc is a usage error" 2 "$CDP" -c "$CONF" outbox retry abc
t_run "outbox retry of the failed mail" 0 "$CDP" -c "$CONF" outbox retry "$id3"
t_sql "row queued again, attempts reset" "queued 0" "SELECT status || ' ' || attempts FROM outbox WHERE id = $id3"
flush
flushed "the retried mail is attempted again" "recovered=0 rows=1 sent=0 failed=1 deferred=0 accepted=0 refused=1 rate_limited=0 paused=0"
t_run "outbox --help" 0 "$CDP" outbox --help
t_grep "help names retry" "$T/out" "outbox retry ID"

# --- 4. SMTP server down, then back ----------------------------------------
t_run "stop Postfix alone" 0 bash "$MAILSERVER" stop-smtp "$T/ms"
t_run "enqueue 3 mails while it is down" 0 "$TOOL" -c "$CONF" enqueue --to volunteer2@example.org \
    --subject "Panne $$" --body-file "$T/body.txt" --urgent --count 3
ids=$(awk '/^queued/ {print $2}' "$T/out" | tr '\n' ' ')
set -- $ids
idA=$1 idB=$2 idC=$3
mb_mark volunteer2
t_run "flush with the server down" 0 flush
flushed "all three deferred in one flush" "recovered=0 rows=3 sent=0 failed=0 deferred=3 accepted=0 refused=0 rate_limited=0 paused=0"
t_run "rows" 0 sql "SELECT status || ' ' || attempts FROM outbox WHERE id IN ($idA, $idB, $idC)"
if [ "$(grep -c '^queued 1$' "$T/out")" = 3 ]; then t_ok "still queued, one attempt each"; else t_not_ok "still queued, one attempt each" "$(cat "$T/out")"; fi
t_run "error" 0 sql "SELECT last_error FROM outbox WHERE id = $idA"
t_grep "temporary error recorded" "$T/out" "Couldn't connect"
t_run "retry wait" 0 sql "SELECT next_attempt_at - strftime('%s','now') FROM outbox WHERE id = $idB"
w=$(cat "$T/out")
if [ "$w" -ge 12 ] && [ "$w" -le 17 ]; then t_ok "next attempt in 15 s + jitter ($w s)"; else t_not_ok "next attempt in 15 s + jitter" "$w s"; fi
t_run "outbox list shows attempts and error" 0 "$CDP" -c "$CONF" outbox list --status queued
row_has "list: attempts" "$idA" queued 1
t_grep "list: error" "$T/out" "last error: smtp://127.0.0.1:$MS_SUBMISSION_PORT: Couldn't connect"
flush
flushed "nothing due before the backoff" "recovered=0 rows=0 sent=0 failed=0 deferred=0 accepted=0 refused=0 rate_limited=0 paused=0"
t_run "start Postfix again" 0 bash "$MAILSERVER" start-smtp "$T/ms"
t_run "retry one mail by hand" 0 "$CDP" -c "$CONF" outbox retry "$idA"
flush
flushed "the retried one is sent, and with it the others: the server answered" "recovered=0 rows=3 sent=3 failed=0 deferred=0 accepted=3 refused=0 rate_limited=0 paused=0"
t_sql "all three sent" "sent sent sent" \
    "SELECT group_concat(status, ' ') FROM outbox WHERE id IN ($idA, $idB, $idC)"
flush --now "$(in_future 10)"
flushed "none left for their next attempt" "recovered=0 rows=0 sent=0 failed=0 deferred=0 accepted=0 refused=0 rate_limited=0 paused=0"
flush --now "$(in_future 20)"
flushed "and nothing is sent twice" "recovered=0 rows=0 sent=0 failed=0 deferred=0 accepted=0 refused=0 rate_limited=0 paused=0"
t_run "volunteer2 has the three" 0 mb_wait_new volunteer2 --subject "^Panne $$ #[1-3]\$" --count 3 --timeout 20
t_new "each delivered exactly once (3 in the mailbox)" volunteer2 3
$MAILBOX list volunteer2 --after "$(cat "$T/mark.volunteer2")" >"$T/list"
ok_ids=0
for uid in $(cut -f1 "$T/list"); do
	$MAILBOX fetch volunteer2 "$uid" >"$T/m.eml"
	m=$(msgid_of "$T/m.eml")
	[ "$(sql "SELECT count(*) FROM outbox WHERE message_id = '$m' AND id IN ($idA, $idB, $idC) AND status = 'sent'")" = 1 ] && ok_ids=$((ok_ids + 1))
done
if [ "$ok_ids" = 3 ]; then t_ok "Message-IDs unchanged by the retries"; else t_not_ok "Message-IDs unchanged by the retries" "$ok_ids of 3 match"; fi

# --- 5. Wrong password: queued, attempts not counted -------------------------
sed "/^\[smtp\]/,/^\[/ s/^password = coupdepouce/password = wrong/" "$CONF" >"$T/cdp/badpw.conf"
chmod 600 "$T/cdp/badpw.conf"
"$TOOL" -c "$CONF" enqueue --to referent2@example.org --subject "Auth $$" --body-file "$T/body.txt" --urgent >"$T/out"
idP=$(awk '/^queued/ {print $2}' "$T/out")
t_run "flush with a wrong password" 0 flush "$T/cdp/badpw.conf"
flushed "flush paused" "recovered=0 rows=1 sent=0 failed=0 deferred=0 accepted=0 refused=0 rate_limited=0 paused=1"
t_grep "logged loudly" "$T/flush.err" "check [smtp] in the configuration"
t_sql "still queued, no attempt counted" "queued 0" "SELECT status || ' ' || attempts FROM outbox WHERE id = $idP"
t_run "error" 0 sql "SELECT last_error FROM outbox WHERE id = $idP"
t_grep "last_error says why" "$T/out" "smtp://127.0.0.1:$MS_SUBMISSION_PORT"
mb_mark referent2
flush
flushed "with the right password it goes" "recovered=0 rows=1 sent=1 failed=0 deferred=0 accepted=1 refused=0 rate_limited=0 paused=0"
t_run "referent2 receives it" 0 mb_wait_new referent2 --subject "^Auth $$\$" --timeout 20
t_new "once" referent2 1

# --- 6. Per-minute budget ------------------------------------------------------
sed "s/^max_per_minute = 1000/max_per_minute = 3/" "$CONF" >"$T/cdp/slow.conf"
chmod 600 "$T/cdp/slow.conf"
"$TOOL" -c "$CONF" enqueue --to volunteer1@example.org --subject "Budget $$" --body-file "$T/body.txt" --urgent --count 5 >/dev/null
mb_mark volunteer1
t_run "flush with max_per_minute = 3" 0 flush "$T/cdp/slow.conf"
flushed "stops after 3, rate limited" "recovered=0 rows=3 sent=3 failed=0 deferred=0 accepted=3 refused=0 rate_limited=1 paused=0"
t_sql "two mails wait for the next minute" 2 "SELECT count(*) FROM outbox WHERE status = 'queued'"
flush "$T/cdp/slow.conf"
flushed "a new process has a new minute" "recovered=0 rows=2 sent=2 failed=0 deferred=0 accepted=2 refused=0 rate_limited=0 paused=0"
t_run "volunteer1 has the five" 0 mb_wait_new volunteer1 --subject "^Budget $$ #" --count 5 --timeout 20
t_new "and no more" volunteer1 5

# --- 7. SIGKILL in the middle of a batch of 50 -------------------------------
mb_mark volunteer3 other
t_run "enqueue 50 mails to two people" 0 "$TOOL" -c "$CONF" enqueue --to volunteer3@example.org \
    --to other@example.org --subject "Lot $$" --body-file "$T/body.txt" --urgent --count 50
lot=$(awk '/^queued/ {print $2; exit}' "$T/out")
t0=$(ms_now)
"$TOOL" -c "$CONF" flush >"$T/flush1" 2>&1 &
pid=$!
sent=0
while [ "$sent" -lt 15 ] && kill -0 "$pid" 2>/dev/null; do
	sent=$(sql "SELECT count(*) FROM outbox WHERE status = 'sent' AND id >= $lot" 2>/dev/null || echo 0)
	sleep 0.01
done
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
t1=$(ms_now)
before=$(sql "SELECT status || ':' || count(*) FROM outbox WHERE id >= $lot GROUP BY status" | tr '\n' ' ')
if ! grep -q "rows=" "$T/flush1"; then
	t_ok "flush killed with SIGKILL after $((t1 - t0)) ms (rows then: $before)"
else
	t_not_ok "flush killed in the middle" "it had finished already: $(cat "$T/flush1")"
fi
t0=$(ms_now)
t_run "flush again" 0 flush
t1=$(ms_now)
echo "# second flush after the kill: $(head -n 1 "$T/flush") in $((t1 - t0)) ms"
t_sql "no row left unsent" 0 "SELECT count(*) FROM outbox WHERE status <> 'sent' AND id >= $lot"
for u in volunteer3 other; do
	mb_wait_new "$u" --subject "^Lot $$ #" --count 50 --timeout 30 >/dev/null 2>&1
	mb_settled
	$MAILBOX list "$u" --after "$(cat "$T/mark.$u")" >"$T/list"
	n=$(wc -l <"$T/list")
	distinct=$(cut -f3 "$T/list" | sort -u | wc -l)
	if [ "$n" -ge 50 ] && [ "$n" -le 51 ] && [ "$distinct" = 50 ]; then
		t_ok "$u: all 50 delivered, none lost ($n in the mailbox, $((n - 50)) duplicate)"
	else
		t_not_ok "$u: 50 delivered" "$n in the mailbox, $distinct distinct subjects"
	fi
done

t_done
