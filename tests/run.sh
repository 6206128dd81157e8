#!/bin/sh
# run.sh BUILD [NAME...] — runs every test program (or only those named,
# e.g. `tests/run.sh build test_mime cases_intake`) and sums their results.
#
# Unit tests are the C programs in BUILD/tests/; integration tests are the
# shell scripts in tests/integration/, which start their own mail servers;
# then three suites that prove the code against attacks, each check a row
# of its table: "torture" (scripts/torture.sh at TORTURE_QUICK scale),
# "fuzz" (fuzz/run.sh, FUZZ_SECONDS each target of BUILD-fuzz) and
# "mutants" (scripts/mutants.sh: every mutation must be caught).
# Each program ends with "N passed, N failed"; a program that crashes or
# prints no such line counts as one failure, so nothing fails silently.
# A program that ran no check ("0 passed, 0 failed") counts as one failure
# too, unless it said why it had nothing to check with a line
#     # skip: REASON
# (t_skip_all in lib.sh prints one; so do the corpus tests without their
# corpora).  Skipped programs are named, with the reason of their last such
# line, before the final "N passed, N failed", which stays the last line.
# Output of each program is kept in BUILD/test-logs/ and shown on failure;
# the lines of a program's log that start with "| " (the tables of the
# suites) are shown under its line.
#
# Up to JOBS programs run at once (default: one more than the cores, as
# most integration time is spent waiting on mail servers and timers;
# JOBS=1 runs them one after another); the suites run beside them.  The
# longest start first; the lines are printed in the order of the list,
# each once it and all before it are done, so the output does not depend
# on the timing.
set -u
BUILD=${1:-build}
[ $# -gt 0 ] && shift
ONLY="$*"
export BUILD
JOBS=${JOBS:-$(($(nproc 2>/dev/null || echo 1) + 1))}
# libetpan leaks a BYE greeting on a refused connection: not ours to fix.
LSAN_OPTIONS="suppressions=$(pwd)/tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
LOGS=${TEST_LOGS:-$BUILD/test-logs}
rm -rf "$LOGS"
# Per program of the list: its name and command ($LIST), then, once it
# ended, its exit status and times ($DONE/INDEX).
DONE="$LOGS/.done"
LIST="$LOGS/.list"
mkdir -p "$LOGS" "$DONE"
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

# The list, in the order of the output: "name command..." per line.
: >"$LIST"
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	n=$(basename "$t")
	wanted "$n" && echo "$n $t" >>"$LIST"
done
for t in tests/integration/*.sh; do
	[ -f "$t" ] || continue
	n=$(basename "$t" .sh)
	wanted "$n" && echo "$n sh $t" >>"$LIST"
done
# The suites' commands (run by sh -c).  The fuzz targets are built here,
# beside the tests that wait on mail servers, not before them.
NPROC=$(nproc 2>/dev/null || echo 1)
suite() {	# name
	case $1 in
	torture) echo "TORTURE_QUICK=\${TORTURE_QUICK:-1} sh scripts/torture.sh $BUILD" ;;
	fuzz) echo "make --no-print-directory -s -j$NPROC BUILD=$BUILD fuzz-progs &&" \
	    "sh fuzz/run.sh $BUILD-fuzz \${FUZZ_SECONDS:-5}" ;;
	mutants) echo "BUILD=$BUILD sh scripts/mutants.sh" ;;
	esac
}
for n in torture fuzz mutants; do
	wanted "$n" && echo "$n $(suite "$n")" >>"$LIST"
done
count=$(wc -l <"$LIST")
# The suites (last in the list) start at once and run beside the JOBS
# programs, not in their place: they are the longest and their builds and
# fuzzing use the cores that programs waiting on mail servers leave idle.
# With JOBS=1 everything runs one after another, the suites last.
nprog=$(grep -cvE '^(torture|fuzz|mutants) ' "$LIST")
[ "$JOBS" -gt 1 ] || nprog=$count
# The order the programs start in: the slowest first, as measured (a name
# that left the list costs nothing), so that the run does not end waiting
# on one started late; then the rest in the list's order.
SLOW="three_months testimony pool_mail timers_crash source_layout
remind_meeting remind_inactive milestones transfer invite_newcomer
cases_commands inbound_fetch invitation_timers"
{
	for n in $SLOW; do
		grep -n "^$n " "$LIST"
	done
	grep -n . "$LIST" | grep -vE "^[0-9]+:($(echo $SLOW | tr ' ' '|')) "
} | cut -d: -f1 | awk -v m="$nprog" '$1 <= m' >"$LOGS/.order"

launch() {	# index, name, command
	(
		t0=$(date +%s)
		sh -c "$3" >"$LOGS/$2.log" 2>&1 </dev/null
		echo "$? $t0 $(date +%s)" >"$DONE/$1.tmp"
		mv "$DONE/$1.tmp" "$DONE/$1"
	) &
}

report() {	# index, name: the line of a program that ended
	read -r status t0 t1 <"$DONE/$1"
	name=$2
	log="$LOGS/$name.log"
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
	grep '^| ' "$log" | sed 's/^/    /'
	if [ "$f" -ne 0 ]; then
		failed_progs="$failed_progs $name"
		grep -E '^not ok|^#' "$log" | head -n 40 | sed 's/^/    /'
		tail -n 15 "$log" | sed 's/^/    | /'
	fi
}

# Start while fewer than JOBS programs run; print what ended, in the
# list's order.
i=$nprog
while [ "$i" -lt "$count" ]; do
	i=$((i + 1))
	cmd=$(sed -n "${i}p" "$LIST")
	launch "$i" "${cmd%% *}" "${cmd#* }"
done
started=0
printed=0
while [ "$printed" -lt "$count" ]; do
	ended=$(ls "$DONE" | awk -v m="$nprog" '/^[0-9]+$/ && $1 <= m' | wc -l)
	while [ "$started" -lt "$nprog" ] &&
	    [ $((started - ended)) -lt "$JOBS" ]; do
		started=$((started + 1))
		i=$(sed -n "${started}p" "$LOGS/.order")
		cmd=$(sed -n "${i}p" "$LIST")
		launch "$i" "${cmd%% *}" "${cmd#* }"
	done
	next=$((printed + 1))
	if [ -f "$DONE/$next" ]; then
		report "$next" "$(sed -n "${next}p" "$LIST" | cut -d' ' -f1)"
		printed=$next
		continue
	fi
	sleep 0.2
done
wait
rm -rf "$DONE" "$LIST" "$LOGS/.order"

if [ -n "$ONLY" ]; then
	for w in $ONLY; do
		if [ ! -x "$BUILD/tests/$w" ] && [ ! -f "tests/integration/$w.sh" ] &&
		    [ -z "$(suite "$w")" ]; then
			echo "no test program named $w"
			total_fail=$((total_fail + 1))
		fi
	done
fi
echo "test time: $(( $(date +%s) - start ))s with $JOBS at once; logs in $LOGS"
[ -n "$skipped_progs" ] && echo "skipped: ${skipped_progs#, }"
[ -n "$failed_progs" ] && echo "failed:$failed_progs"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ] && [ "$total_pass" -gt 0 ]
