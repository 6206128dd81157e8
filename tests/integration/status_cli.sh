# status_cli.sh — `coupdepouce status [--json]` with the real Dovecot and
# Postfix: a database that does not exist yet is an error, a fresh one
# never fetched is unhealthy, a polled one is healthy (exact JSON), and
# each reason to be unhealthy on its own: no fetch for too long, a mail
# that failed for good, a queued mail waiting for more than an hour, a
# quarantined mail (a real one, too large) — exit 1 with one line on
# stderr.  status writes nothing.
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3

ms_start
cdp_people_config <<EOF
email,name,roles,themes,communes
referent@$MS_DOMAIN,Romane Référente,referent,energie,Thiers
EOF
sed -i 's/^\[imap\]$/[imap]\nmax_message_size = 65536\npoll_interval = 30m/' "$CONF"
D=$MS_DOMAIN
cdp() { "$CDP" -c "$CONF" --now "$NOW" "$@"; }
NOW="2026-11-30 10:00"
# t_eq NAME WANT GOT: GOT is exactly WANT.
t_eq() {
	[ "$3" = "$2" ] && t_ok "$1" || t_not_ok "$1" "got '$3', want '$2'"
}
# js FIELDS...: prints the given Python expressions over the JSON in $T/out
js() {
	$PY -c 'import json,sys; j=json.load(open(sys.argv[1])); print(*[eval(e, {"j": j}) for e in sys.argv[2:]], sep="|")' "$T/out" "$@"
}

t_run "status --help" 0 cdp status --help
t_grep "help gives the thresholds" "$T/out" "none for 3 x [imap] poll_interval"
t_run "status with an argument" 2 cdp status now
t_run "status with an unknown option" 2 cdp status --xml
t_run "status before the first run" 1 cdp status
t_grep "no database, one line" "$T/err" "coupdepouce status: "
t_grep "no database: said why" "$T/err" "the daemon creates the database at its first run"

t_run "poll once" 0 cdp poll
NOW="2026-11-30 10:20"
t_run "status after a poll: healthy" 0 cdp status --json
t_eq "healthy JSON" "True|[]|2026-11-30T10:20:00+01:00|2026-11-30T10:00:00+01:00|1200|5400|None|None|0|0|0|None|None|3600|0|[{'kind': 'retention', 'next_due': '2026-12-01T10:00:00+01:00', 'count': 1}, {'kind': 'digest', 'next_due': '2026-12-07T08:00:00+01:00', 'count': 1}]" \
    "$(js 'j["healthy"]' 'j["problems"]' 'j["now"]' 'j["imap"]["last_fetch"]' 'j["imap"]["last_fetch_age"]' 'j["imap"]["late_after"]' 'j["smtp"]["last_error"]' 'j["smtp"]["next_attempt"]' 'j["outbox"]["queued"]' 'j["outbox"]["failed"]' 'j["outbox"]["late"]' 'j["outbox"]["oldest_queued"]' 'j["outbox"]["oldest_queued_age"]' 'j["outbox"]["late_after"]' 'j["quarantine"]' 'j["jobs"]')"
t_eq "JSON keys" "healthy problems now imap smtp outbox quarantine jobs database" \
    "$(js '" ".join(j)')"
t_eq "database size is pages x page size" "$(sql "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")" \
    "$(js 'j["database"]["size"]')"
wal=$(stat -c %s "$T/cdp/coupdepouce.db-wal" 2>/dev/null || echo 0)
t_eq "WAL size is the file's" "$wal" "$(js 'j["database"]["wal_size"]')"
t_run "status text: healthy" 0 cdp status
t_grep "text says healthy" "$T/out" "healthy"
t_grep "text: last fetch" "$T/out" "last fetch   2026-11-30T10:00:00+01:00 (20 min ago; late after 90 min)"

# --- a quiet inbox polled again moves the last fetch ----------------------------
NOW="2026-11-30 11:00"
t_run "poll with nothing new" 0 cdp poll
NOW="2026-11-30 12:00"
t_run "status: fetched an hour ago" 0 cdp status --json
t_eq "last fetch of the quiet poll" "2026-11-30T11:00:00+01:00|3600" \
    "$(js 'j["imap"]["last_fetch"]' 'j["imap"]["last_fetch_age"]')"

# --- no fetch for too long -------------------------------------------------------
NOW="2026-11-30 12:31"
t_run "status: no fetch for 91 min" 1 cdp status --json
t_eq "stale fetch in JSON" "False|['imap: no successful fetch for 91 min']" \
    "$(js 'j["healthy"]' 'j["problems"]')" 
t_grep "stale fetch: one line on stderr" "$T/err" "coupdepouce status: unhealthy: imap: no successful fetch for 91 min"
[ "$(wc -l <"$T/err")" = 1 ] && t_ok "one line" || t_not_ok "one line" "$(cat "$T/err")"

# --- a request: mails queued, jobs planned; sent by the poll ---------------------
crlf() { tr -d '\r' | sed 's/$/\r/'; }
crlf >"$T/req.eml" <<EOF
From: Camille <holder@$D>
To: coupdepouce@$D
Subject: Panneaux solaires
Message-ID: <req@$D>

Bonjour, des panneaux solaires sur l'école de Thiers ?
EOF
$MAILBOX send --as holder "$T/req.eml" >/dev/null
$MAILBOX wait coupdepouce --timeout 20 >/dev/null
NOW="2026-11-30 13:00"
t_run "poll: the request" 0 cdp poll
t_run "status after the request: healthy" 0 cdp status --json
t_eq "jobs by kind, next due first" "decision_reminder 1 2026-12-07T13:00:00+01:00|decision_flag 1 2026-12-14T13:00:00+01:00" \
    "$(js '"|".join("%s %d %s" % (x["kind"], x["count"], x["next_due"]) for x in j["jobs"] if x["kind"].startswith("decision"))')"

# --- a mail that failed for good --------------------------------------------------
sql "UPDATE outbox SET status = 'failed', last_error = '550 5.1.1 <holder@$D>: unknown user' WHERE template = 'ack'"
t_run "status: a failed mail" 1 cdp status --json
t_eq "failed mail in JSON" "False|['smtp: 1 outgoing mail(s) failed: 550 5.1.1 <holder@$D>: unknown user']|1|550 5.1.1 <holder@$D>: unknown user" \
    "$(js 'j["healthy"]' 'j["problems"]' 'j["outbox"]["failed"]' 'j["smtp"]["last_error"]')"
t_grep "failed mail on stderr" "$T/err" "unhealthy: smtp: 1 outgoing mail(s) failed"
sql "UPDATE outbox SET status = 'sent', last_error = NULL WHERE template = 'ack'"

# --- a queued mail waiting too long ------------------------------------------------
sql "UPDATE outbox SET status = 'queued', attempts = 3, last_error = '421 4.3.0 try later', next_attempt_at = strftime('%s', '2026-11-30 12:30:00') WHERE template = 'assignment'"
NOW="2026-11-30 13:30"
t_run "status: queued for half an hour" 0 cdp status --json
t_eq "queued, not late yet" "True|1|0|1800|2026-11-30T13:30:00+01:00|421 4.3.0 try later" \
    "$(js 'j["healthy"]' 'j["outbox"]["queued"]' 'j["outbox"]["late"]' 'j["outbox"]["oldest_queued_age"]' 'j["smtp"]["next_attempt"]' 'j["smtp"]["last_error"]')"
NOW="2026-11-30 14:01"
t_run "status: queued for 61 min" 1 cdp status --json
t_eq "late mail in JSON" "False|['outbox: 1 mail(s) waiting for more than 60 min']|1" \
    "$(js 'j["healthy"]' 'j["problems"]' 'j["outbox"]["late"]')"
sql "UPDATE outbox SET hold_until = strftime('%s', '2026-11-30 12:45:00') WHERE template = 'assignment'"
t_run "status: held for working hours until 13:45" 0 cdp status --json
sql "UPDATE outbox SET status = 'sent', hold_until = NULL WHERE template = 'assignment'"

# --- a quarantined mail --------------------------------------------------------------
$PY - "$T/big.eml" <<'PY'
import sys
body = ("x" * 76 + "\r\n") * 1200
open(sys.argv[1], "wb").write(("From: holder@example.org\r\nTo: coupdepouce@example.org\r\n"
    "Subject: Gros fichier\r\nMessage-ID: <big@example.org>\r\n\r\n" + body).encode())
PY
$MAILBOX deliver coupdepouce "$T/big.eml"
NOW="2026-11-30 14:10"
t_run "poll: a mail too large" 0 cdp poll
t_sql "it is quarantined" 1 "SELECT count(*) FROM quarantine"
before=$(sql "SELECT (SELECT count(*) FROM events) || ' ' || (SELECT count(*) FROM outbox) || ' ' || (SELECT max(updated_at) FROM imap_state)")
t_run "status: quarantine" 1 cdp status --json
t_eq "quarantine in JSON" "False|['quarantine: 1 mail(s) not handled']|1" \
    "$(js 'j["healthy"]' 'j["problems"]' 'j["quarantine"]')"
t_run "status text: unhealthy" 1 cdp status
t_grep "text names the reason" "$T/out" "unhealthy: quarantine: 1 mail(s) not handled"
t_grep "stderr names the reason" "$T/err" "coupdepouce status: unhealthy: quarantine: 1 mail(s) not handled"
t_sql "status wrote nothing" "$before" "SELECT (SELECT count(*) FROM events) || ' ' || (SELECT count(*) FROM outbox) || ' ' || (SELECT max(updated_at) FROM imap_state)"

t_done
