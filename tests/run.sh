#!/bin/sh
# run.sh BUILD — runs every test program and sums their results.
#
# Unit tests are the C programs in BUILD/tests/; integration tests are the
# shell scripts in tests/integration/, which start their own mail servers.
# Each program ends with "N passed, N failed"; a program that crashes or
# prints no such line counts as one failure, so nothing fails silently.
# Output of each program is kept in BUILD/test-logs/ and shown on failure.
set -u
BUILD=${1:-build}
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
start=$(date +%s)

run_one() {	# name, command...
	name=$1
	shift
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

echo "test time: $(( $(date +%s) - start ))s; logs in $LOGS"
[ -n "$failed_progs" ] && echo "failed:$failed_progs"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ] && [ "$total_pass" -gt 0 ]
