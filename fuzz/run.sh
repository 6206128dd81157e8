#!/bin/sh
# run.sh FUZZ_BUILD SECONDS [TARGET...] — runs each libFuzzer target of
# FUZZ_BUILD (fuzz_mime, fuzz_reply... or only those named: "mime reply")
# for SECONDS, and prints per target the executions, executions per
# second and crashes.
#
# The working corpus of each target stays in FUZZ_BUILD/corpus/TARGET, so
# time spent in several runs adds up; it starts from the seeds in
# tests/data (mails, reply texts, rules, configuration, people file,
# templates) and fuzz/seeds/TARGET; fuzz/dict/TARGET.dict, when there is
# one, gives libFuzzer the format's words.  A crash, leak, timeout or undefined
# behaviour stops libFuzzer: its input is kept in FUZZ_BUILD/crashes/
# TARGET and the target goes on for the time left, so one run finds
# several.  Copy a crash to tests/data/fuzz/TARGET/ once fixed: the unit
# test test_fuzz_regress replays that folder.  Exit 1 if anything crashed.
# Each target is one check for tests/run.sh (ok when it ran and nothing
# crashed), the table's lines start with "| " and the last line is
# "N passed, N failed".
set -u
FB=${1:?usage: run.sh FUZZ_BUILD SECONDS [TARGET...]}
SECONDS_EACH=${2:-30}
shift 2 || shift $#
ONLY="$*"

# seeds TARGET DIR: copies the seed files of TARGET into DIR.
seeds() {
	case $1 in
	mime)		set -- tests/data/*.eml tests/data/*/*.eml ;;
	reply)		set -- tests/data/reply/*.txt ;;
	mailcmd)	set -- ;;
	config)		set -- config/coupdepouce.conf ;;
	rules)		set -- config/rules/*.rules ;;
	people)		set -- config/people.csv ;;
	template)	set -- templates/fr/*.txt ;;
	*)		set -- ;;
	esac
	for f in "$@" "fuzz/seeds/$T"/*; do
		[ -f "$f" ] && cp "$f" "$DIR/seed-$(basename "$f")"
	done
	return 0
}

total_crashes=0
pass=0
fail=0
CHECKS=$(mktemp) || exit 1
trap 'rm -f "$CHECKS"' EXIT
printf '| %-10s %12s %9s %8s %8s\n' target executions exec/s seconds crashes
for bin in "$FB"/fuzz_*; do
	[ -x "$bin" ] || continue
	T=${bin##*/fuzz_}
	if [ -n "$ONLY" ]; then
		case " $ONLY " in *" $T "*) ;; *) continue ;; esac
	fi
	DIR="$FB/corpus/$T"
	CRASH="$FB/crashes/$T"
	LOG="$FB/logs/$T.log"
	mkdir -p "$DIR" "$CRASH" "$FB/logs"
	seeds "$T"
	: >"$LOG"
	execs=0
	crashes=0
	start=$(date +%s)
	left=$SECONDS_EACH
	# The words of a format (fuzz/dict/TARGET.dict) lead mutations past
	# the first checks sooner.
	dict=""
	[ -f "fuzz/dict/$T.dict" ] && dict="-dict=fuzz/dict/$T.dict"
	while [ "$left" -gt 0 ]; do
		before=$(ls "$CRASH" | wc -l)
		"$bin" -max_total_time="$left" -timeout=20 -rss_limit_mb=2048 \
		    -max_len=65536 -print_final_stats=1 $dict \
		    -artifact_prefix="$CRASH/" "$DIR" >>"$LOG" 2>&1
		status=$?
		n=$(grep '^stat::number_of_executed_units:' "$LOG" | tail -n 1 |
		    awk '{print $2}')
		execs=$((execs + ${n:-0}))
		# The stat line is per run: forget it once counted.
		sed -i 's/^stat::number_of_executed_units:/counted&/' "$LOG"
		after=$(ls "$CRASH" | wc -l)
		if [ "$status" -ne 0 ]; then
			crashes=$((crashes + 1))
			[ "$after" -eq "$before" ] && break	# no input: stop
		fi
		left=$((SECONDS_EACH - ($(date +%s) - start)))
	done
	secs=$(($(date +%s) - start))
	[ "$secs" -gt 0 ] || secs=1
	printf '| %-10s %12d %9d %8d %8d\n' "$T" "$execs" $((execs / secs)) \
	    "$secs" "$crashes"
	total_crashes=$((total_crashes + crashes))
	if [ "$crashes" -eq 0 ] && [ "$execs" -gt 0 ]; then
		pass=$((pass + 1))
		echo "ok $((pass + fail)) - fuzz_$T: $execs executions, no crash"
	else
		fail=$((fail + 1))
		echo "not ok $((pass + fail)) - fuzz_$T: $execs executions, $crashes crashes"
	fi >>"$CHECKS"
done
cat "$CHECKS"
[ $((pass + fail)) -gt 0 ] || echo "# skip: no fuzz target built in $FB (make fuzz builds them)"
[ "$total_crashes" -eq 0 ] ||
	echo "crashing inputs in $FB/crashes/, logs in $FB/logs/"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
