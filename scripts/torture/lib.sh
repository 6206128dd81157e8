# lib.sh — what the torture scenarios share (sourced by scripts/torture.sh,
# POSIX sh, with TOP, BUILD and T set and tests/servers.sh sourced).
#
# Each scenario runs in its own folder $T/NAME with its own mail servers,
# so that one scenario's mail never counts in another's figures.  A
# scenario ends with tt_row, which prints its line of figures and adds it
# to the table torture.sh prints at the end.

GENMAIL="/usr/bin/python3 $TOP/scripts/torture/genmail.py"
MSGIDS="/usr/bin/python3 $TOP/scripts/torture/msgids.py"

tt_log() {
	echo "torture: $*" >&2
}

# tt_up NAME [CONFIG_NETWORK_LINES] [IMAP_LINES] [SMTP_LINES]: servers and
# config for scenario NAME (users from $MS_EXTRA_USERS too); sets S, CONF,
# DB, ROOT (the domain's mail folder).  The people: two referents and a
# coordinator.
tt_up() {
	S="$T/$1"
	mkdir -p "$S/cdp"
	ms_up "$S" || return 1
	CONF="$S/cdp/coupdepouce.conf"
	DB=${TT_DB:-$S/cdp/coupdepouce.db}
	ROOT="$MS_MAIL_ROOT/$MS_DOMAIN"
	ms_config "$CONF" "coordinators = coordinator@$MS_DOMAIN
max_open_cases = 10000
${2:-}" "timeout = ${TT_TIMEOUT:-10s}
poll_interval = 5s
${3:-}" "$(ms_login)
timeout = ${TT_TIMEOUT:-10s}
max_per_minute = 100000
${4:-}" "people = $S/cdp/people.csv
[storage]
database = $DB
keep_raw_days = 0"
	cat >"$S/cdp/people.csv" <<CSV
email,name,roles,themes,communes
referent@$MS_DOMAIN,Romane Référente,referent,,
referent2@$MS_DOMAIN,Rémi Référent,referent,,
coordinator@$MS_DOMAIN,Claire Coordination,coordinator,,
CSV
}

tt_down() {
	ms_down "$S"
	! mountpoint -q "$S/db" 2>/dev/null || umount "$S/db"
}

# tt_sql QUERY: on the scenario's database (waits for a writer's lock).
tt_sql() {
	sqlite3 -cmd '.timeout 30000' "$DB" "$1"
}

# tt_deliver DIR: every mail of DIR into the contact inbox.
tt_deliver() {
	find "$1" -name '*.eml' | sort | xargs $MAILBOX deliver coupdepouce >/dev/null
}

# tt_inbox [FOLDER]: how many mails the contact mailbox has there.
tt_inbox() {
	$MAILBOX count coupdepouce --folder "${1:-INBOX}" 2>/dev/null || echo "?"
}

# tt_lost DIR: how many mails of DIR (by Message-ID) are neither stored
# nor quarantined.
tt_lost() {
	ls "$1" | sed 's/^\(.*\)-\([0-9]*\)\.eml$/\1.\2@example.org/' |
	    sort >"$S/want.ids"
	tt_sql "SELECT message_id FROM messages WHERE direction = 'in'
	    UNION SELECT message_id FROM quarantine" | sort >"$S/got.ids"
	comm -23 "$S/want.ids" "$S/got.ids" | wc -l
}

# tt_dup_rows: rows the database holds twice for one mail: a received
# mail stored twice, an event repeated for the same mail, a mail queued
# twice in answer to the same received mail, a due job run twice.
tt_dup_rows() {
	tt_sql "SELECT
	  (SELECT count(*) FROM (SELECT 1 FROM messages WHERE direction = 'in'
	    GROUP BY message_id HAVING count(*) > 1))
	+ (SELECT count(*) FROM (SELECT 1 FROM events WHERE msg_id IS NOT NULL
	    GROUP BY msg_id, case_id, kind, details HAVING count(*) > 1))
	+ (SELECT count(*) FROM (SELECT 1 FROM messages WHERE direction = 'out'
	    AND in_reply_to IS NOT NULL GROUP BY in_reply_to, person_id, subject
	    HAVING count(*) > 1))
	+ (SELECT count(*) FROM (SELECT 1 FROM jobs GROUP BY kind, case_id,
	    person_id, due_at HAVING count(*) > 1))"
}

# tt_resent USER...: mails that reached one of USER twice with the same
# Message-ID (sent again after a kill between the 250 and the commit).
tt_resent() {
	$MSGIDS "$ROOT" "$@" | sort | uniq -d | wc -l
}

# tt_users: every mailbox of the scenario's servers.
tt_users() {
	ls "$ROOT"
}

# tt_status STATUS: 1 if the daemon's exit status is a crash of its own
# (a signal other than our SIGKILL, or an exit code other than 0/1).
tt_crash() {
	case $1 in 0|1|137|143) echo 0 ;; *) echo 1 ;; esac
}

# tt_row NAME MAILS FAULTS LOST DUP CRASHES NOTE: the scenario's line.
tt_row() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"${TT_TABLE:-$T/table}"
	echo "== $1: $2 mails, $3 faults, lost $4, duplicated $5, crashes $6; $7"
}

# tt_ms: milliseconds of a monotonic-enough clock.
tt_ms() {
	echo $(( $(date +%s%N) / 1000000 ))
}

# tt_rand N: a random number in 0..N-1.
tt_rand() {
	echo $(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % $1 ))
}

# tt_progress: a number that moves whenever the daemon commits work (a
# batch of mails stored, a mail sent, a job done).
tt_progress() {
	tt_sql "SELECT (SELECT count(*) FROM messages)
	    + (SELECT count(*) FROM outbox WHERE status = 'sent')
	    + (SELECT count(*) FROM jobs WHERE done_at IS NOT NULL)" 2>/dev/null || echo 0
}

# tt_kill_polls N NOW: runs `poll` at NOW again and again, and SIGKILLs it
# N times, every other time after a random delay (0.2 to 3 s) and
# otherwise as soon as the database moves; then polls without a kill
# until one poll finds nothing to do.  Adds to KILLS and CRASHES.
tt_kill_polls() {
	_n=0 _idle=0
	while [ $_n -lt "$1" ] && [ $_idle -lt 2 ]; do
		_before=$(tt_progress)
		"$CDP" -c "$CONF" --now "$2" poll 2>>"$S/poll.log" &
		_pid=$!
		if [ $((_n % 2)) = 0 ]; then
			sleep "$(( $(tt_rand 28) / 10 )).$(tt_rand 10)2"
		else
			_w=0
			while [ "$(tt_progress)" = "$_before" ] && [ $_w -lt 600 ] &&
			    kill -0 $_pid 2>/dev/null; do
				sleep 0.05
				_w=$((_w + 1))
			done
		fi
		if kill -KILL $_pid 2>/dev/null; then
			_n=$((_n + 1))
			KILLS=$((KILLS + 1))
			_idle=0
		else
			_idle=$((_idle + 1))
		fi
		{ wait $_pid; } 2>/dev/null
		CRASHES=$((CRASHES + $(tt_crash $?)))
	done
	tt_settle "$2"
}

# tt_settle NOW: polls until a poll stores and sends nothing (at most 20).
tt_settle() {
	_i=0
	while [ $_i -lt 20 ]; do
		"$CDP" -c "$CONF" --now "$1" poll 2>"$S/settle.log"
		CRASHES=$((CRASHES + $(tt_crash $?)))
		cat "$S/settle.log" >>"$S/poll.log"
		grep -q "stored\|sent [1-9]\|due timer" "$S/settle.log" || return 0
		_i=$((_i + 1))
	done
}

# tt_stop PID WHAT: TERM to a `run` (WHAT names it), which must then
# exit 0: gone before, or failing, it did not stay up.
tt_stop() {
	kill -TERM "$1" 2>/dev/null
	wait "$1"
	_st=$?
	CRASHES=$((CRASHES + $(tt_crash $_st)))
	[ $_st = 0 ] || tt_fail "$2 did not stay up: exit $_st (see $S/run.log)"
}

# tt_fail WHY: an invariant broken that the table's columns do not show;
# torture.sh fails at the end.
tt_fail() {
	echo "$*" >>"$T/failures"
	tt_log "FAILED: $*"
}

# tt_wait_sql WANT SECONDS QUERY: waits until QUERY prints WANT; prints
# the milliseconds it took, or "timeout".
tt_wait_sql() {
	_s=$(tt_ms)
	while [ "$(tt_sql "$3")" != "$1" ]; do
		if [ $(( $(tt_ms) - _s )) -gt $(($2 * 1000)) ]; then
			echo timeout
			return 1
		fi
		sleep 0.1
	done
	echo $(( $(tt_ms) - _s ))
}

# What must have left by now: rows not held for working hours.
TT_DUE_UNSENT="SELECT count(*) FROM outbox WHERE status <> 'sent' AND coalesce(hold_until, 0) <= CAST(strftime('%s', 'now') AS INTEGER)"

# tt_proxy NAME TARGET MODE: starts faultproxy.py; sets PROXY_PORT and
# PROXY_PID.
tt_proxy() {
	rm -f "$S/$1.port"
	/usr/bin/python3 "$TOP/scripts/torture/faultproxy.py" "$S/$1.port" "$2" "$3" >"$S/$1.log" 2>&1 &
	PROXY_PID=$!
	while [ ! -s "$S/$1.port" ]; do sleep 0.05; done
	PROXY_PORT=$(cat "$S/$1.port")
}
