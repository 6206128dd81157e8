#!/bin/sh
# torture.sh BUILD [SCENARIO...] — the torture suite (`make torture`): the
# daemon against the project's real Dovecot and Postfix under crashes,
# server faults, floods, a full or locked database and hostile mail.
# Each scenario (scripts/torture/NAME.sh, one function scenario_NAME)
# prints one line of figures; the suite ends with the table of them and
# exits 1 when a mail was lost or handled twice, the daemon crashed on its
# own, or another invariant broke.  TORTURE_LONG=1: longer release run
# (more mails and faults); TORTURE_QUICK=1: the short run of `make test`
# (a tenth of the mails, fewer kills), every scenario still played.
# Each row is also a check ("ok"/"not ok", then "N passed, N failed", as
# tests/run.sh counts them) and the table's lines start with "| ".
set -u
BUILD=${1:-build}
[ $# -gt 0 ] && shift
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/servers.sh"
. "$TOP/scripts/torture/lib.sh"
SCENARIOS=${*:-crash faults outage floods disk hostile}
if [ "${TORTURE_LONG:-0}" = 1 ]; then
	TORTURE_SCALE=${TORTURE_SCALE:-300}
	TORTURE_CRASH_KILLS=${TORTURE_CRASH_KILLS:-60}
	TORTURE_FLOOD=${TORTURE_FLOOD:-10000}
fi
if [ "${TORTURE_QUICK:-0}" = 1 ]; then
	TORTURE_SCALE=${TORTURE_SCALE:-10}
	TORTURE_CRASH_KILLS=${TORTURE_CRASH_KILLS:-6}
	TORTURE_FLOOD=${TORTURE_FLOOD:-200}
fi
TORTURE_SCALE=${TORTURE_SCALE:-100}	# percent of the default mail counts
export TORTURE_SCALE TORTURE_CRASH_KILLS TORTURE_FLOOD
# With a sanitizer build (BUILD=build-asan, built as `make check` does), a
# finding must not pass for the daemon's ordinary exit 1.
ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=99}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:exitcode=98}
LSAN_OPTIONS="suppressions=$TOP/tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
if [ "$(id -u)" != 0 ]; then
	echo "# skip: the mail servers need root"
	echo "0 passed, 0 failed"
	# Skipped in `make test` as the integration tests are; alone, an error.
	[ "${TORTURE_QUICK:-0}" = 1 ] && exit 0
	exit 3
fi
T=$(scratch_dir torture) || exit 1
: >"$T/table"
t0=$(date +%s)
# S: the scenario folder that tt_down cleans; set by tt_up, in the
# subshell of a scenario when they run at once.
S=""
trap 'tt_down 2>/dev/null' EXIT

# scenario NAME: one scenario, its row into $T/table.NAME.
scenario() {
	TT_TABLE="$T/table.$1"
	f="$TOP/scripts/torture/$1.sh"
	if [ ! -f "$f" ]; then
		tt_row "$1" - - - - - "not written yet"
		return
	fi
	. "$f"
	tt_log "scenario $1"
	if ! "scenario_$1"; then
		tt_fail "$1: could not run (see $T/$1)"
		tt_row "$1" - - - - - "could not run"
		tt_down 2>/dev/null
	fi
}

# TORTURE_JOBS scenarios at once (quick run: all, as they mostly wait on
# the servers and each has its own), each in a subshell, its output kept
# and shown in the scenarios' order.
if [ "${TORTURE_QUICK:-0}" = 1 ]; then
	TORTURE_JOBS=${TORTURE_JOBS:-6}
fi
if [ "${TORTURE_JOBS:-1}" -gt 1 ]; then
	set -- $SCENARIOS
	while [ $# -gt 0 ]; do
		i=0
		while [ $# -gt 0 ] && [ $i -lt "$TORTURE_JOBS" ]; do
			(
				trap 'tt_down 2>/dev/null' EXIT
				scenario "$1"
			) >"$T/out.$1" 2>&1 &
			i=$((i + 1))
			shift
		done
		wait
	done
	for sc in $SCENARIOS; do
		cat "$T/out.$sc"
	done
else
	for sc in $SCENARIOS; do
		scenario "$sc"
	done
fi
for sc in $SCENARIOS; do
	cat "$T/table.$sc" 2>/dev/null
done >"$T/table"

echo
row() {
	printf '| %-10s %7s %7s %5s %11s %8s  %s\n' "$@"
}
row scenario mails faults lost duplicated crashes notes
bad=0
pass=0
fail=0
while IFS="$(printf '\t')" read -r name mails faults lost dup crashes note; do
	row "$name" "$mails" "$faults" "$lost" "$dup" "$crashes" "$note"
	ok=1
	for v in $lost $dup $crashes; do
		case $v in 0|-) ;; *) ok=0 ;; esac
	done
	# A scenario that broke an invariant the columns do not show fails
	# its row too.
	grep -q "^$name: " "$T/failures" 2>/dev/null && ok=0
	if [ $ok = 1 ]; then
		pass=$((pass + 1))
		echo "ok $((pass + fail)) - $name: lost $lost, duplicated $dup, crashes $crashes" >>"$T/checks"
	else
		fail=$((fail + 1))
		bad=1
		echo "not ok $((pass + fail)) - $name: lost $lost, duplicated $dup, crashes $crashes" >>"$T/checks"
	fi
done <"$T/table"
echo "| torture: $(( $(date +%s) - t0 )) s at scale $TORTURE_SCALE %"
if [ -s "$T/failures" ]; then
	sed 's/^/torture: FAILED: /' "$T/failures"
	bad=1
fi
cat "$T/checks" 2>/dev/null
# A failure that names no scenario of the table is one check more.
if [ $bad = 1 ] && [ $fail = 0 ]; then
	fail=1
	echo "not ok $((pass + fail)) - torture: an invariant broke"
fi
if [ $bad = 0 ]; then
	rm -rf "$T"
else
	echo "torture: kept for inspection: $T"
fi
echo "$pass passed, $fail failed"
exit $bad
