#!/bin/sh
# memcheck.sh BUILD [NAME...] — runs each unit test program BUILD/tests/
# test_* (or only those named) under valgrind's memcheck, and prints its
# "N passed, N failed" with the errors valgrind found, then a total.
#
# A program passes when its own checks pass and valgrind reports no error
# (invalid or uninitialised reads and writes, bad frees) and no definite
# leak; either kind of problem counts as one failure more.  Valgrind's
# report of each program is kept in BUILD/memcheck-logs/NAME.vg, its
# output in NAME.log.  Build without sanitizers (valgrind cannot run an
# AddressSanitizer build).  PCRE2's JIT is turned off (CDP_NO_JIT): its
# code reads ahead of the subject on purpose, which valgrind cannot tell
# from a bug.  Exit 1 if anything failed.
set -u
BUILD=${1:-build}
[ $# -gt 0 ] && shift
ONLY="$*"
LOGS="$BUILD/memcheck-logs"
command -v valgrind >/dev/null 2>&1 || {
	echo "memcheck: valgrind is missing (run 'make deps' as root)" >&2
	exit 1
}
rm -rf "$LOGS"
mkdir -p "$LOGS"
total_pass=0
total_fail=0
failed=""

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	case $t in *.d|*.o) continue ;; esac
	name=$(basename "$t")
	if [ -n "$ONLY" ]; then
		case " $ONLY " in *" $name "*) ;; *) continue ;; esac
	fi
	log="$LOGS/$name.log"
	vg="$LOGS/$name.vg"
	t0=$(date +%s)
	CDP_NO_JIT=1 valgrind -q --error-exitcode=1 --leak-check=full \
	    --errors-for-leak-kinds=definite --track-origins=yes \
	    --log-file="$vg" "$t" >"$log" 2>&1
	status=$?
	t1=$(date +%s)
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		p=0
		f=1
	else
		p=${line%% passed*}
		f=${line#*, }
		f=${f%% failed}
	fi
	# valgrind -q writes only errors: any line is one.
	errors=$(grep -c '^==[0-9]*== [A-Z]' "$vg")
	if [ "$errors" -gt 0 ] || { [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; }; then
		f=$((f + 1))
	fi
	printf '%-28s %4d passed, %d failed  valgrind: %d error lines  (%ds)\n' \
	    "$name" "$p" "$f" "$errors" $((t1 - t0))
	if [ "$f" -ne 0 ]; then
		failed="$failed $name"
		grep -E '^not ok' "$log" | head -n 10 | sed 's/^/    /'
		head -n 30 "$vg" | sed 's/^/    | /'
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
done
echo "memcheck: $total_pass passed, $total_fail failed${failed:+ (failed:$failed)}"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
