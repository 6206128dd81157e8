# scale_plans.sh — issue 15 "Performance": no query on the way of a mail
# reads the whole history.  A database of ten years, small here
# (tests/tools/gendb), takes a new request (intake, routing among 60
# referents, acknowledgement, assignment), a reply by token and one by
# tag, then `case show`, `case list --state`, `status` and the digest,
# all with `-v store`, which logs every full table scan in the plan of
# each statement run (daemon/store/store_plan.c).  Without statistics
# SQLite plans the same on 300 cases as on 100 000, so a scan seen here
# is a scan at scale.  A walk of an index that stops late is no scan:
# with 50 000 witnesses added, no statement of a mail's way may run more
# than the 100 000 steps `-v store` reports, nor when no witness shares
# the new case's theme, nor the next day's purge of raw mails with the
# witnesses' 50 000 ended cases; the digest lists the latest witnesses
# and says how many others there are.  Last, a storm of 30 000 open
# cases and 60 000 mails queued the same day: a new request then reads
# neither its open cases nor its queue.  No timing is asserted
# (scripts/bench_scale.sh measures).
. "$(dirname "$0")/../lib.sh"
DATA="$TOP/tests/data/cases"
NOW="2026-11-30 10:00"

ms_start
cdp_config
CONF="$T/cdp/coupdepouce.conf"
printf '[storage]\ndatabase = %s\n' "$T/cdp/coupdepouce.db" >>"$CONF"
t_run "a database of ten years" 0 "$BUILD/tools/gendb" "$T/cdp/coupdepouce.db" \
    --cases 300 --messages 3000 --events 6000 --raw 300 --domain "$MS_DOMAIN" \
    --now "$(TZ=Europe/Paris date -d "$NOW" +%s)"
t_sql "it has the ten years" "300|3000|60" "SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM messages), (SELECT count(*) FROM person_roles WHERE role = 'referent')"
# Ten years of witnesses, more than the generator makes: 50 000 former
# holders who said OUI on energy, one case each, half of them in Thiers
# (the new request's commune), witness-1 the latest.  A statement reading
# them all runs over the 100 000 steps `-v store` reports.  Closed
# yesterday: the purge of raw mails has nothing to take from them.
NOWS=$(TZ=Europe/Paris date -d "$NOW" +%s)
NEXT="2026-12-01 10:00"
sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000)
INSERT INTO persons (id, email, name, created_at, updated_at)
  SELECT 100000 + i, 'witness-' || i || '@example.org', 'Witness ' || i, 0, 0 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000)
INSERT INTO cases (id, ref, year, seq, kind, state, state_since, holder_id,
    themes, commune, created_at, updated_at, last_activity_at, closed_at)
  SELECT 100000 + i, printf('CDP-2000-%04d', i), 2000, i, 'request', 'closed',
    0, 100000 + i, '[\"energie\"]', CASE i % 2 WHEN 1 THEN 'Thiers' ELSE
    'Ambert' END, 0, 0, 0, $NOWS - 86400 FROM n;
INSERT INTO testimonies (case_id, person_id, answer, answered_at, themes,
    commune) SELECT id, holder_id, 'yes', $NOWS - 86400 - (id - 100000) * 60,
    themes, commune FROM cases WHERE id > 100000"
t_sql "and 50 000 witnesses" "50000" "SELECT count(*) FROM testimonies WHERE case_id > 100000 AND answer = 'yes'"

# scans LOG: the full scans the log names, one per line ("" if none).
scans() {
	grep -o 'full scan of [^:]*: .\{0,160\}' "$1" || true
}
# no_scan NAME LOG: LOG names no full table scan.
no_scan() {
	_s=$(scans "$2")
	if [ -z "$_s" ]; then
		t_ok "$1"
	else
		t_not_ok "$1" "$_s"
	fi
}
# no_steps NAME LOG: LOG names no statement that ran more than 100 000
# steps (store_plan.c): on this database, one that reads a history.
no_steps() {
	_s=$(grep -o '[0-9]* steps: .\{0,160\}' "$2" || true)
	if [ -z "$_s" ]; then
		t_ok "$1"
	else
		t_not_ok "$1" "$_s"
	fi
}
cdp() {	# NAME CMD...: the daemon at NOW with -v store; log in $T/err
	_n=$1
	shift
	t_run "$_n" 0 "$CDP" -c "$CONF" --now "$NOW" -v store "$@"
}
header_of() {	# FILE NAME: the (first) value of header NAME
	tr -d '\r' <"$1" | sed -n "s/^$2: *//Ip" | head -n 1
}

# --- A new request: intake, routing, acknowledgement, assignment -------------
t_run "the database is migrated" 0 "$CDP" -c "$CONF" --now "$NOW" check --offline
# The day's timers (the purge of raw mails) run once, on this first poll:
# what follows is the cost of each mail alone.
cdp "poll: the day's timers" poll
t_run "holder sends a request" 0 $MAILBOX send --as holder "$DATA/request.eml"
t_run "it reaches the contact mailbox" 0 $MAILBOX wait coupdepouce --subject "panneaux solaires" --timeout 20
cdp "poll: the request" poll
cp "$T/err" "$T/new.log"
CID=$(sql "SELECT max(id) FROM cases")
REF=$(sql "SELECT ref FROM cases WHERE id = $CID")
t_grep "log: a new case" "$T/new.log" "$REF: new request case from holder@$MS_DOMAIN"
t_sql "routed to one of the 60 referents" "1" "SELECT referent_id BETWEEN 1 AND 60 FROM cases WHERE id = $CID"
t_sql "an 'assigned' event for them" "1" "SELECT count(*) FROM events e JOIN cases c ON c.id = e.case_id WHERE c.id = $CID AND e.kind = 'assigned' AND json_extract(e.details, '\$.referent_id') = printf('%d', c.referent_id)"
no_scan "intake and routing read no table whole" "$T/new.log"
no_steps "intake and routing read no long history" "$T/new.log"
t_sql "the new request is in Thiers, on energy" "Thiers|1" "SELECT commune, EXISTS (SELECT 1 FROM json_each(themes) WHERE value = 'energie') FROM cases WHERE id = $CID"
t_run "the assignment mail" 0 sh -c "sqlite3 '$T/cdp/coupdepouce.db' \"SELECT message FROM outbox WHERE case_id = $CID AND template = 'assignment'\" | grep -o 'witness-[0-9]*@' | tr '\n' ' '"
[ "$(cat "$T/out")" = "witness-1@ witness-3@ witness-5@ " ] &&
    t_ok "its witnesses: the three latest of Thiers" ||
    t_not_ok "its witnesses: the three latest of Thiers" "$(cat "$T/out")"

# --- Replies: by token (In-Reply-To our acknowledgement), by tag -------------
t_run "the holder gets the acknowledgement" 0 $MAILBOX wait holder --subject "$REF" --timeout 20
ACKID=$(header_of "$T/out" Message-ID | tr -d '<>')
sed -e "s/@REF@/$REF/g" -e "s/@ACKID@/$ACKID/g" "$DATA/thunderbird.eml" >"$T/tb.eml"
sed -e "s/@REF@/$REF/g" -e "s/@ACKID@/$ACKID/g" "$DATA/outlook.eml" >"$T/ol.eml"
t_run "reply by token" 0 $MAILBOX send --as holder "$T/tb.eml"
t_run "reply by tag" 0 $MAILBOX send --as holder "$T/ol.eml"
t_run "the replies arrived" 0 $MAILBOX wait coupdepouce --count 2 --timeout 20
cdp "poll: the replies" poll
cp "$T/err" "$T/replies.log"
t_sql "threaded: one by token, one by tag" "tag|token" "SELECT group_concat(matched_by, '|') FROM (SELECT matched_by FROM messages WHERE case_id = $CID AND matched_by IN ('token', 'tag') ORDER BY matched_by)"
no_scan "threading and forwarding read no table whole" "$T/replies.log"
no_steps "threading and forwarding read no long history" "$T/replies.log"

# --- A new request on a theme no witness shares --------------------------------
# Every OUI is about water now: each one fails the theme filter, and
# without a bound the search would read all 50 000 of them.
sql "UPDATE testimonies SET themes = '[\"eau\"]'"
sed -e 's/^Message-ID: <req-1\./Message-ID: <req-2./' "$DATA/request.eml" >"$T/req2.eml"
t_run "holder sends a second request" 0 $MAILBOX send --as holder "$T/req2.eml"
t_run "it reaches the contact mailbox" 0 $MAILBOX wait coupdepouce --subject "panneaux solaires" --timeout 20
cdp "poll: the second request" poll
cp "$T/err" "$T/new2.log"
CID2=$(sql "SELECT max(id) FROM cases")
t_sql "a second case, on energy" "1|1" "SELECT $CID2 > $CID, EXISTS (SELECT 1 FROM json_each(themes) WHERE value = 'energie') FROM cases WHERE id = $CID2"
t_sql "its assignment names no witness" "1|0" "SELECT count(*), sum(instr(message, 'witness-') > 0) FROM outbox WHERE case_id = $CID2 AND template = 'assignment'"
no_scan "no witness for the theme: no table read whole" "$T/new2.log"
no_steps "no witness for the theme: the OUIs are not all read" "$T/new2.log"

# --- The next day's purge of raw mails ---------------------------------------------
# The 50 000 witnesses' cases ended yesterday, ten years of cases before
# them: the purge reads the mails still kept, not every ended case.
"$CDP" -c "$CONF" --now "$NEXT" -v store poll >"$T/out" 2>"$T/purge.log"
t_grep "the next day: the purge ran" "$T/purge.log" "retention: 0 mails purged"
no_scan "the purge reads no table whole" "$T/purge.log"
no_steps "the purge reads no long history" "$T/purge.log"
# The digest lists the latest witnesses and counts the others.  It also
# lists the cases ended since the last digest, a week of them, and the
# witnesses' 50 000 cases all ended yesterday: they are moved back ten
# years, where the witnesses stay.
sql "UPDATE cases SET closed_at = closed_at - 10 * 365 * 86400 WHERE id > 100000"

# --- The administrator's reads -------------------------------------------------
cdp "case show" case show "$REF"
no_scan "case show reads no table whole" "$T/err"
cdp "case list --state open" case list --state open
no_scan "case list --state open reads no table whole" "$T/err"
cdp "case list --state closed" case list --state closed
no_scan "case list --state closed reads no table whole" "$T/err"
"$CDP" -c "$CONF" --now "$NOW" -v store status >"$T/out" 2>"$T/err"
no_scan "status reads no table whole" "$T/err"

# --- The digest: the count of all cases by state is its only whole read -------
cdp "digest --print" digest --print
cp "$T/err" "$T/digest.log"
cp "$T/out" "$T/digest.txt"
t_run "its witnesses" 0 sh -c "grep -e '^Témoins prêts' -e '^  … et' '$T/digest.txt'"
[ "$(cat "$T/out")" = "$(printf 'Témoins prêts à partager leur expérience (%s)\302\240:\n  … et %s autres, plus anciens.' \
    "$(sql "SELECT count(*) FROM testimonies WHERE answer = 'yes'")" \
    "$(sql "SELECT count(*) - 20 FROM testimonies WHERE answer = 'yes'")")" ] &&
    t_ok "digest: the latest witnesses, then how many others" ||
    t_not_ok "digest: the latest witnesses, then how many others" "$(cat "$T/out")"
t_run "the witnesses listed" 0 sh -c "sed -n '/^Témoins prêts/,/^  … et/p' '$T/digest.txt' | grep -c '^  - '"
[ "$(cat "$T/out")" = 20 ] && t_ok "digest: 20 witnesses listed" ||
    t_not_ok "digest: 20 witnesses listed" "$(cat "$T/out")"
t_run "its scans" 0 sh -c "grep -o 'full scan of [^:]*' '$T/digest.log' | sort"
[ "$(cat "$T/out")" = "full scan of cases" ] && t_ok "digest: the count of cases by state only" ||
    t_not_ok "digest: the count of cases by state only" "$(cat "$T/out")"

# --- A storm: 30 000 open cases, their mails queued today ------------------------
# A loop or a spam wave opens thousands of cases in a day and queues
# their acknowledgements and notices; the send step is held back by
# max_per_minute.  A new request must not read them all: a volunteer's
# load counts their own open cases, "acknowledged today" the sender's
# own mails, "duplicate notice today" the case's own duplicates, and the
# send step reads the first due mails, not the whole queue.  Any walk of
# the storm runs over the 100 000 steps `-v store` reports.
sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000)
INSERT INTO cases (id, ref, year, seq, kind, state, state_since, holder_id,
    themes, commune, created_at, updated_at, last_activity_at)
  SELECT 200000 + i, printf('CDP-2001-%04d', i), 2001, i, 'request', 'new',
    $NOWS, 100000 + i, '[\"energie\"]', 'Ambert', $NOWS, $NOWS, $NOWS FROM n;
INSERT INTO outbox (case_id, person_id, template, sender, recipients,
    message_id, message, next_attempt_at, created_at)
  SELECT id, holder_id, t.template, 'coupdepouce@$MS_DOMAIN',
    '[\"holder@$MS_DOMAIN\"]', t.template || '-' || id || '@storm.example',
    CAST('Subject: storm' || char(13, 10, 13, 10) || 'storm' AS BLOB),
    $NOWS - 60, $NOWS - 60
  FROM cases, (SELECT 'ack' AS template UNION ALL
    SELECT 'duplicate_notice') t WHERE id > 200000 ORDER BY id, t.template"
t_sql "the storm: 30 000 open cases, 60 000 mails queued" "30000|60000" "SELECT (SELECT count(*) FROM cases WHERE id > 200000 AND state = 'new'), (SELECT count(*) FROM outbox WHERE status = 'queued' AND message_id LIKE '%@storm.example')"
sed 's/^\[smtp\]$/[smtp]\nmax_per_minute = 1/' "$CONF" >"$T/storm.conf"
chmod 600 "$T/storm.conf"
sed -e 's/^Message-ID: <req-1\./Message-ID: <req-3./' "$DATA/request.eml" >"$T/req3.eml"
t_run "holder sends a third request" 0 $MAILBOX send --as holder "$T/req3.eml"
t_run "it reaches the contact mailbox" 0 $MAILBOX wait coupdepouce --subject "panneaux solaires" --timeout 20
"$CDP" -c "$T/storm.conf" --now "$NOW" -v store poll >"$T/out" 2>"$T/storm.log"
CID3=$(sql "SELECT max(id) FROM cases")
t_sql "a third case, routed, a possible duplicate" "1|1|1" "SELECT $CID3 > 230000, referent_id BETWEEN 1 AND 60, EXISTS (SELECT 1 FROM events WHERE case_id = $CID3 AND kind = 'possible_duplicate') FROM cases WHERE id = $CID3"
t_sql "the send step took the oldest due mail, once" "ack-200001@storm.example" "SELECT group_concat(message_id) FROM outbox WHERE status = 'sent' AND message_id LIKE '%@storm.example'"
no_scan "the storm: no table read whole" "$T/storm.log"
no_steps "the storm: its open cases and queued mails are not all read" "$T/storm.log"

# --- The check itself sees a scan -------------------------------------------------
cdp "case list (no filter)" case list
_n=$(grep -c 'full scan of c: SELECT c.ref' "$T/err")
[ "$_n" = 1 ] && t_ok "every case read: the check says so, once" ||
    t_not_ok "every case read: the check says so, once" "$_n lines"
t_done
