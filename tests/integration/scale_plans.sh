# scale_plans.sh — issue 15 "Performance": no query on the way of a mail
# reads the whole history.  A database of ten years, small here
# (tests/tools/gendb), takes a new request (intake, routing among 60
# referents, acknowledgement, assignment), a reply by token and one by
# tag, then `case show`, `case list --state`, `status` and the digest,
# all with `-v store`, which logs every full table scan in the plan of
# each statement run (daemon/store/store_plan.c).  Without statistics
# SQLite plans the same on 300 cases as on 100 000, so a scan seen here
# is a scan at scale; no timing is asserted (scripts/bench_scale.sh
# measures).
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
t_run "holder sends a request" 0 $MAILBOX send --as holder "$DATA/request.eml"
t_run "it reaches the contact mailbox" 0 $MAILBOX wait coupdepouce --subject "panneaux solaires" --timeout 20
cdp "poll: the request" poll
cp "$T/err" "$T/new.log"
REF=$(sql "SELECT ref FROM cases WHERE id = 301")
t_grep "log: a new case" "$T/new.log" "$REF: new request case from holder@$MS_DOMAIN"
t_sql "routed to one of the 60 referents" "1" "SELECT referent_id BETWEEN 1 AND 60 FROM cases WHERE id = 301"
t_sql "an 'assigned' event for them" "1" "SELECT count(*) FROM events e JOIN cases c ON c.id = e.case_id WHERE c.id = 301 AND e.kind = 'assigned' AND json_extract(e.details, '\$.referent_id') = printf('%d', c.referent_id)"
no_scan "intake and routing read no table whole" "$T/new.log"

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
t_sql "threaded: one by token, one by tag" "tag|token" "SELECT group_concat(matched_by, '|') FROM (SELECT matched_by FROM messages WHERE case_id = 301 AND matched_by IN ('token', 'tag') ORDER BY matched_by)"
no_scan "threading and forwarding read no table whole" "$T/replies.log"

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
t_run "its scans" 0 sh -c "grep -o 'full scan of [^:]*' '$T/digest.log' | sort"
[ "$(cat "$T/out")" = "full scan of cases" ] && t_ok "digest: the count of cases by state only" ||
    t_not_ok "digest: the count of cases by state only" "$(cat "$T/out")"

# --- The check itself sees a scan -------------------------------------------------
cdp "case list (no filter)" case list
_n=$(grep -c 'full scan of c: SELECT c.ref' "$T/err")
[ "$_n" = 1 ] && t_ok "every case read: the check says so, once" ||
    t_not_ok "every case read: the check says so, once" "$_n lines"
t_done
