#!/bin/sh
# bench.sh BUILD — `make bench`: the daemon against the private Dovecot and
# Postfix on loopback (tests/servers.sh), one table with the targets beside
# the figures.
#   ingest    N realistic mails (scripts/bench/corpus.py: many senders,
#             plain, quoted-printable Latin-1, HTML only, 20 KB
#             attachments, out-of-office, bounces; a third are replies by
#             token to our acknowledgements) in the inbox, `poll` until
#             all are stored, cases opened and moved; beside it `mbsync`
#             pulling the same mails to a Maildir (the IMAP floor).  The
#             acknowledgements are queued, not sent (max_per_minute = 1):
#             sending is measured apart.
#             The small storm again as under the systemd unit, whose
#             MemoryDenyWriteExecute=yes refuses PCRE2's JIT
#             (scripts/bench/nojit.py).
#   send      queued mails (tests/tools/outboxtool) sent by `poll` to Postfix
#   reaction  `run` in IDLE: from Postfix accepting a holder's mail to our
#             acknowledgement in the holder's Maildir (scripts/bench/reaction.py)
#   scale     the rows of scripts/bench_scale.sh BUILD, when it exists
#   memory    RSS of `run` after the small and after the large storm, and
#             its peak during the small one
# Last, the wall clock and the CPU time (of the bench's own processes:
# the daemon, mbsync, the tools; not Dovecot's nor Postfix's) of each
# stage and of the whole run, with the load average at the end: the
# whole run must stay under 10 minutes on two cores.
# BENCH_QUICK=1: smaller counts, and a scale database of 10 000 cases,
# for a first look.
set -eu
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/servers.sh"
if [ "${BENCH_QUICK:-0}" = 1 ]; then
	SMALL=500 LARGE=2000 SEND=500 REACT=10
	export CASES=${CASES:-10000} MESSAGES=${MESSAGES:-100000} \
	    EVENTS=${EVENTS:-200000}
else
	SMALL=2000 LARGE=20000 SEND=2000 REACT=50
fi
CORPUS="/usr/bin/python3 $TOP/scripts/bench/corpus.py"
TIME="/usr/bin/time -f %e\t%U\t%S\t%M"
T=$(scratch_dir bench)
PIDS=""
cleanup() {
	for p in $PIDS; do kill -TERM "$p" 2>/dev/null || true; done
	ms_down "$T"
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The stages' costs, in $T/stages: "name<TAB>wall_s<TAB>cpu_s".  cpu_s is the
# user and system time of the finished children of this shell (`times`),
# which counts every process the stage started and waited for (run in
# this shell: a subshell's `times` starts from zero).
now_s() { date +%s.%N; }
cpu_s() {
	times >"$T/times"
	awk 'NR == 2 { for (i = 1; i <= 2; i++) { split($i, a, "m");
	    sub("s", "", a[2]); t += a[1] * 60 + a[2] } printf "%.1f", t }' \
	    "$T/times"
}
STAGE="" STAGE_T0=0 STAGE_C0=0
RUN_T0=$(now_s)
stage() {
	cpu_s >"$T/cpu"
	_t=$(now_s) _c=$(cat "$T/cpu")
	[ -z "$STAGE" ] || awk -v n="$STAGE" -v t="$_t - $STAGE_T0" \
	    -v c="$_c - $STAGE_C0" 'BEGIN { split(t, a, " - ");
	    split(c, b, " - "); printf "%s\t%.1f\t%.1f\n", n, a[1] - a[2],
	    b[1] - b[2] }' >>"$T/stages"
	STAGE=$1 STAGE_T0=$_t STAGE_C0=$_c
}
stage setup

MS_EXTRA_USERS=$(i=1; while [ $i -le $REACT ]; do printf 'r%02d ' $i; i=$((i + 1)); done)
export MS_EXTRA_USERS
ms_up "$T" >/dev/null
ROWS="$T/rows"
: >"$ROWS"

say() { printf 'bench: %s\n' "$*" >&2; }
# table: the rows so far, one line each with the target beside.
table() {
	printf '\n%-62s %12s  %-28s %s\n' "measure" "figure" "target" ""
	awk -F '\t' '{ printf "%-62s %12s  %-28s %s\n", $1, $2, $3, $4 }' \
	    "$ROWS"
}
# die MESSAGE: a stage failed; the figures measured before it are kept.
die() { say "$*"; [ ! -s "$ROWS" ] || table >&2; exit 1; }
# row LABEL FIGURE TARGET VERDICT
row() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$ROWS"; }
# meets VALUE <=|>= LIMIT: "ok" or "MISSED"
meets() {
	awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
	    ok = (op == "<=") ? v + 0 <= l + 0 : v + 0 >= l + 0
	    print ok ? "ok" : "MISSED" }'
}
calc() { awk "BEGIN { printf \"$1\", $2 }"; }


# daemon_conf NAME [SMTP_LINES]: a config (and so a database) of its own.
daemon_conf() {
	mkdir -p "$T/$1"
	ms_config "$T/$1/coupdepouce.conf" "coordinators = coordinator@$MS_DOMAIN" \
	    "timeout = 30s" "$(ms_login; printf '%s' "${2:-}")"
	printf '%s\n' "$T/$1/coupdepouce.conf"
}
sql() { sqlite3 -cmd '.timeout 5000' "$1" "$2"; }
deliver() { find "$1" -name '*.eml' | sort | xargs $MAILBOX deliver coupdepouce; }

# mbsync_pull DIR: copies the contact inbox to the Maildir DIR; prints
# "seconds mails".
mbsync_pull() {
	mkdir -p "$1"
	cat >"$T/mbsyncrc" <<EOF
IMAPAccount bench
Host localhost
Port $MS_IMAPS_PORT
User coupdepouce@$MS_DOMAIN
Pass coupdepouce
SSLType IMAPS
CertificateFile $MS_CA_FILE

IMAPStore far
Account bench

MaildirStore near
Path $1/
Inbox $1/INBOX

Channel pull
Far :far:
Near :near:
Patterns INBOX
Create Near
Sync Pull
SyncState *
EOF
	$TIME -o "$T/mbsync.time" mbsync -c "$T/mbsyncrc" -q pull >/dev/null 2>"$T/mbsync.log" ||
	    die "mbsync failed: $(tail -n 3 "$T/mbsync.log")"
	printf '%s %s\n' "$(cut -f1 "$T/mbsync.time")" \
	    "$(find "$1/INBOX/new" "$1/INBOX/cur" -type f | wc -l)"
}

# timed_poll CONF: one `poll` (run by $NOJIT when set); adds "wall user
# sys maxrss_kb" to $T/poll.times.
timed_poll() {
	$TIME -o "$T/one.time" ${NOJIT:-} "$CDP" -c "$1" poll 2>>"$T/poll.log" ||
	    die "poll failed: $(tail -n 3 "$T/poll.log")"
	cat "$T/one.time" >>"$T/poll.times"
}

# ingest N TAG: the whole ingest stage for N mails; prints
# "poll_s cpu_s mbsync_s peak_kb".
ingest() {
	n=$1 tag=$2 replies=$(($1 / 3))
	conf=$(daemon_conf "ingest$tag" "max_per_minute = 1") || exit 1
	db="$T/ingest$tag/coupdepouce.db"
	: >"$T/poll.times"
	mb=0
	mkdir -p "$T/$tag-a" "$T/$tag-b"
	say "ingest $n: writing $((n - replies)) first mails"
	$CORPUS new "$T/$tag-a" $((n - replies)) "$tag" "$MS_DOMAIN"
	deliver "$T/$tag-a"
	$MAILBOX count coupdepouce >/dev/null	# Dovecot indexes them first
	out=$(mbsync_pull "$T/$tag-mb1") || exit 1
	set -- $out
	[ "$2" = $((n - replies)) ] || die "mbsync copied $2 of $((n - replies))"
	mb=$1
	say "ingest $n: poll"
	timed_poll "$conf"
	# Replies by token to our acknowledgements, from their recipients.
	sql "$db" "SELECT json_extract(recipients, '\$[0]'), message_id FROM outbox
	    WHERE template = 'ack' ORDER BY id" | tr '|' '\t' >"$T/acks"
	say "ingest $n: writing $replies replies to $(wc -l <"$T/acks") acknowledgements"
	$CORPUS replies "$T/$tag-b" $replies "$tag" "$MS_DOMAIN" "$T/acks"
	deliver "$T/$tag-b"
	$MAILBOX count coupdepouce >/dev/null
	out=$(mbsync_pull "$T/$tag-mb2") || exit 1
	set -- $out
	[ "$2" = $replies ] || die "mbsync copied $2 of $replies"
	mb=$(calc %.2f "$mb + $1")
	say "ingest $n: poll"
	timed_poll "$conf"
	stored=$(sql "$db" "SELECT count(*) FROM messages WHERE direction = 'in'")
	[ "$stored" = "$n" ] || die "only $stored of $n mails stored"
	left=$($MAILBOX count coupdepouce)
	[ "$left" = 0 ] || die "$left mails left in the inbox"
	awk -v mb="$mb" '{ w += $1; c += $2 + $3; if ($4 > m) m = $4 }
	    END { printf "%.2f %.2f %s %d\n", w, c, mb, m }' "$T/poll.times"
}

# ingest_rows N WHAT POLL_S CPU_S MBSYNC_S PEAK_KB
ingest_rows() {
	n=$1 what=$2 poll=$3 cpu=$4 mb=$5 peak=$6
	rate=$(calc %d "$n / ($poll > 0 ? $poll : 0.001)")
	row "ingest $n$what: poll, mails/s ($poll s, CPU $cpu s)" "$rate" ">= 1000" "$(meets "$rate" '>=' 1000)"
	ratio=$(calc %.2f "$poll / ($mb > 0 ? $mb : 0.001)")
	row "ingest $n$what: poll / mbsync floor ($mb s)" "$ratio x" "<= 1.5 x" "$(meets "$ratio" '<=' 1.5)"
	row "ingest $n$what: poll peak RSS" "$(calc %.1f "$peak / 1024") MiB" "<= 20 MiB" \
	    "$(meets "$(calc %.1f "$peak / 1024")" '<=' 20)"
}

# --- 1. ingest ---------------------------------------------------------
stage ingest
out=$(ingest $SMALL s) || exit 1
set -- $out
s_poll=$1 s_cpu=$2
ingest_rows $SMALL "" "$@"
out=$(ingest $LARGE l) || exit 1
set -- $out
l_poll=$1 l_cpu=$2
ingest_rows $LARGE "" "$@"
s_ms=$(calc %.3f "1000 * $s_poll / $SMALL")
l_ms=$(calc %.3f "1000 * $l_poll / $LARGE")
growth=$(calc %.2f "$l_ms / ($s_ms > 0 ? $s_ms : 0.001)")
row "ingest: ms per mail at $LARGE / at $SMALL ($l_ms / $s_ms)" "$growth x" "<= 1.1 x" "$(meets "$growth" '<=' 1.1)"
# The same with our own CPU time only: what the server takes longer for
# with a larger mailbox shows in the row above, not in this one.
s_ms=$(calc %.3f "1000 * $s_cpu / $SMALL")
l_ms=$(calc %.3f "1000 * $l_cpu / $LARGE")
growth=$(calc %.2f "$l_ms / ($s_ms > 0 ? $s_ms : 0.001)")
row "ingest: CPU ms per mail at $LARGE / at $SMALL ($l_ms / $s_ms)" "$growth x" "<= 1.1 x" "$(meets "$growth" '<=' 1.1)"
# The systemd unit sets MemoryDenyWriteExecute=yes, which refuses PCRE2's
# JIT: the small storm again that way, as the daemon runs in production.
stage "ingest without JIT"
if /usr/bin/python3 "$TOP/scripts/bench/nojit.py" /bin/true 2>/dev/null; then
	NOJIT="/usr/bin/python3 $TOP/scripts/bench/nojit.py"
	out=$(ingest $SMALL n) || exit 1
	set -- $out
	ingest_rows $SMALL " without JIT" "$@"
	NOJIT=""
else
	row "ingest $SMALL without JIT: not measured (no PR_SET_MDWE)" "-" "" ""
fi

# --- 2. send -----------------------------------------------------------
stage send
say "send $SEND"
conf=$(daemon_conf send "max_per_minute = 100000") || exit 1
printf 'Bonjour,\n\nUn rappel de la rencontre de jeudi.\n\nCoup de pouce\n' >"$T/body.txt"
"$BUILD/tools/outboxtool" -c "$conf" enqueue --to "holder@$MS_DOMAIN" \
    --subject "Rappel" --body-file "$T/body.txt" --urgent --count $SEND >/dev/null
: >"$T/poll.times"
timed_poll "$conf"
sent=$(sql "$T/send/coupdepouce.db" "SELECT count(*) FROM outbox WHERE status = 'sent'")
[ "$sent" = $SEND ] || die "only $sent of $SEND mails sent"
secs=$(cut -f1 "$T/poll.times")
rate=$(calc %d "$SEND / ($secs > 0 ? $secs : 0.001)")
row "send $SEND queued mails: mails/s ($secs s)" "$rate" ">= 200" "$(meets "$rate" '>=' 200)"

# --- 3. reaction -------------------------------------------------------
stage reaction
say "reaction: $REACT holders one by one"
# Each holder's mail causes two (the acknowledgement and the referent's
# copy): past 30 holders the default [smtp] max_per_minute of 60 would
# hold mails for the next minute, and the stage would measure the cap.
conf=$(daemon_conf react "$(printf '\nmax_per_minute = 1000')") || exit 1
"$CDP" -c "$conf" -v imap -d run 2>"$T/react.log" &
PIDS="$PIDS $!"
pid=$!
i=0
until grep -q 'idling' "$T/react.log"; do
	i=$((i + 1))
	[ $i -le 300 ] || die "run never reached IDLE: $(tail -n 3 "$T/react.log")"
	sleep 0.1
done
out=$(MS_HOST=$MS_HOST MS_SUBMISSION_PORT=$MS_SUBMISSION_PORT MS_CA_FILE=$MS_CA_FILE \
    MS_MAIL_ROOT=$MS_MAIL_ROOT MS_DOMAIN=$MS_DOMAIN \
    /usr/bin/python3 "$TOP/scripts/bench/reaction.py" $REACT r) ||
    die "reaction: a holder got no acknowledgement"
set -- $out
kill -TERM $pid
wait $pid || true
row "reaction over $REACT mails: median (max $3 s)" "$1 s" "<= 1 s" "$(meets "$1" '<=' 1)"
row "reaction over $REACT mails: p95" "$2 s" "<= 1.5 s" "$(meets "$2" '<=' 1.5)"

# --- 4. scale ----------------------------------------------------------
stage scale
if [ -f "$TOP/scripts/bench_scale.sh" ]; then
	say "scale"
	sh "$TOP/scripts/bench_scale.sh" "$BUILD" >"$T/scale.out" ||
	    die "bench_scale.sh failed"
	grep '^ROW	' "$T/scale.out" | cut -f2- | while IFS='	' read -r label fig target; do
		row "scale: $label" "$fig" "$target" ""
	done
else
	row "scale: not measured (scripts/bench_scale.sh missing)" "-" "ops <= 50 ms, digest <= 1 s" ""
fi

# --- 5. memory ---------------------------------------------------------
# rss PID FIELD: VmRSS or VmHWM of the process, in KiB.
rss() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }
# wait_stored DB N: until N mails are stored (10 minutes at most).
wait_stored() {
	i=0
	while [ "$(sql "$1" "SELECT count(*) FROM messages WHERE direction = 'in'")" -lt "$2" ]; do
		i=$((i + 1))
		[ $i -le 3000 ] || die "run stored only part of $2 mails"
		kill -0 $pid 2>/dev/null || die "run died: $(tail -n 3 "$T/mem.log")"
		sleep 0.2
	done
	sleep 1		# the batch's end: moves, acknowledgements
}
stage memory
say "memory: run through $SMALL then $LARGE mails"
conf=$(daemon_conf mem) || exit 1
db="$T/mem/coupdepouce.db"
"$CDP" -c "$conf" run 2>"$T/mem.log" &
PIDS="$PIDS $!"
pid=$!
mkdir -p "$T/m1" "$T/m2"
$CORPUS new "$T/m1" $SMALL m1 "$MS_DOMAIN"
$CORPUS new "$T/m2" $((LARGE - SMALL)) m2 "$MS_DOMAIN"
deliver "$T/m1"
wait_stored "$db" $SMALL
rss_s=$(rss $pid VmRSS)
hwm=$(rss $pid VmHWM)
deliver "$T/m2"
wait_stored "$db" $LARGE
rss_l=$(rss $pid VmRSS)
kill -TERM $pid
wait $pid || true
mib() { calc %.1f "$1 / 1024"; }
row "memory: run RSS after $SMALL mails" "$(mib $rss_s) MiB" "<= 20 MiB" "$(meets "$(mib $rss_s)" '<=' 20)"
row "memory: run RSS after $LARGE mails" "$(mib $rss_l) MiB" "<= 20 MiB" "$(meets "$(mib $rss_l)" '<=' 20)"
drift=$(calc %.1f "100 * ($rss_l - $rss_s) / $rss_s")
row "memory: RSS change $SMALL -> $LARGE mails" "$drift %" "within 10 %" \
    "$(awk -v d="$drift" 'BEGIN { print (d <= 10 && d >= -10) ? "ok" : "MISSED" }')"
row "memory: run peak during the first $SMALL" "$(mib $hwm) MiB" "<= 20 MiB" "$(meets "$(mib $hwm)" '<=' 20)"

# --- the stages and the whole run --------------------------------------
stage ""
while IFS='	' read -r name wall cpu; do
	row "bench: stage $name, wall clock (CPU ${cpu} s)" "$wall s" "-" ""
done <"$T/stages"
wall=$(calc %.0f "$(now_s) - $RUN_T0")
load=$(cut -d ' ' -f 1-3 /proc/loadavg)
cpu_s >"$T/cpu"
row "bench: whole run, wall clock (CPU $(cat "$T/cpu") s, load $load)" \
    "$wall s" "<= 600 s" "$(meets "$wall" '<=' 600)"

# --- the table ---------------------------------------------------------
table
