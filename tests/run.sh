#!/bin/sh
# run.sh BUILD [NAME...] — runs every test program (or only those named,
# e.g. `tests/run.sh build test_mime cases_intake`) and sums their results.
#
# Unit tests are the C programs in BUILD/tests/; integration tests are the
# shell scripts in tests/integration/, which start their own mail servers.
# Each program ends with "N passed, N failed"; a program that crashes or
# prints no such line counts as one failure, so nothing fails silently.
# A program that ran no check ("0 passed, 0 failed") counts as one failure
# too, unless it said why it had nothing to check with a line
#     # skip: REASON
# (t_skip_all in lib.sh prints one; so do the corpus tests without their
# corpora).  Skipped programs are named, with the reason of their last such
# line, before the final "N passed, N failed", which stays the last line.
# Output of each program is kept in BUILD/test-logs/ and shown on failure.
set -u
BUILD=${1:-build}
[ $# -gt 0 ] && shift
ONLY="$*"
export BUILD
# libetpan leaks a BYE greeting on a refused connection: not ours to fix.
LSAN_OPTIONS="suppressions=$(pwd)/tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
LOGS="$BUILD/test-logs"
rm -rf "$LOGS"
mkdir -p "$LOGS"
total_pass=0
total_fail=0
failed_progs=""
skipped_progs=""
start=$(date +%s)

wanted() {	# name: is it one of the programs asked for (all when none)?
	[ -z "$ONLY" ] && return 0
	for w in $ONLY; do
		[ "$w" = "$1" ] && return 0
	done
	return 1
}

run_one() {	# name, command...
	name=$1
	shift
	wanted "$name" || return 0
	log="$LOGS/$name.log"
	t0=$(date +%s)
	"$@" >"$log" 2>&1
	status=$?
	t1=$(date +%s)
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		p=0
		f=1
		echo "not ok - $name: no result line (exit $status)" >>"$log"
	else
		p=${line%% passed*}
		f=${line#*, }
		f=${f%% failed}
		[ "$status" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		why=$(grep -E '^# skip: ' "$log" | tail -n 1)
		if [ -n "$why" ]; then
			skipped_progs="$skipped_progs, $name (${why#\# skip: })"
		else
			f=1
			echo "not ok - $name: ran no check and printed no" \
			    "'# skip: REASON' line" >>"$log"
		fi
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	printf '%-28s %4d passed, %d failed  (%ds)\n' "$name" "$p" "$f" \
	    $((t1 - t0))
	if [ "$f" -ne 0 ]; then
		failed_progs="$failed_progs $name"
		grep -E '^not ok|^#' "$log" | head -n 40 | sed 's/^/    /'
		tail -n 15 "$log" | sed 's/^/    | /'
	fi
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	run_one "$(basename "$t")" "$t"
done
for t in tests/integration/*.sh; do
	[ -f "$t" ] || continue
	run_one "$(basename "$t" .sh)" sh "$t"
done

if [ -n "$ONLY" ]; then
	for w in $ONLY; do
		if [ ! -x "$BUILD/tests/$w" ] && [ ! -f "tests/integration/$w.sh" ]; then
			echo "no test program named $w"
			total_fail=$((total_fail + 1))
		fi
	done
fi
echo "test time: $(( $(date +%s) - start ))s; logs in $LOGS"
[ -n "$skipped_progs" ] && echo "skipped: ${skipped_progs#, }"
[ -n "$failed_progs" ] && echo "failed:$failed_progs"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ] && [ "$total_pass" -gt 0 ]
