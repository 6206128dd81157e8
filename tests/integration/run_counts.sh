# run_counts.sh — tests/run.sh counts honestly: a program that ran no check
# fails unless it printed "# skip: REASON", skipped programs are named with
# their reason, and "N passed, N failed" stays the last line.
. "$(dirname "$0")/../lib.sh"

F="$T/fake"
mkdir -p "$F/tests" "$T/src/tests/integration"
cp "$TOP/tests/run.sh" "$T/src/tests/"
prog() {	# name, body
	printf '#!/bin/sh\n%s\n' "$2" >"$F/tests/$1"
	chmod +x "$F/tests/$1"
}
prog test_silent 'echo "0 passed, 0 failed"'
prog test_skipper 'echo "# skip: no corpora"; echo "0 passed, 0 failed"'
prog test_fine 'echo "ok 1 - x"; echo "ok 2 - y"; echo "2 passed, 0 failed"'
run() {	# names...: tests/run.sh on the fake build, output in $T/run.out
	(cd "$T/src" && sh tests/run.sh "$F" "$@") >"$T/run.out" 2>&1
}

run test_fine test_skipper
t_run_status=$?
[ "$t_run_status" -eq 0 ] && t_ok "a skip with its reason is no failure" ||
    t_not_ok "a skip with its reason is no failure" "$(cat "$T/run.out")"
is() {	# name, got, want
	if [ "$2" = "$3" ]; then t_ok "$1"; else t_not_ok "$1" "got '$2', want '$3'"; fi
}
is "skipped program named with its reason" \
    "$(grep '^skipped:' "$T/run.out")" "skipped: test_skipper (no corpora)"
is "the count stays the last line" "$(tail -n 1 "$T/run.out")" "2 passed, 0 failed"

run test_fine test_silent
t_run_status=$?
[ "$t_run_status" -ne 0 ] && t_ok "a program that ran no check fails" ||
    t_not_ok "a program that ran no check fails" "$(cat "$T/run.out")"
is "it is named among the failed" "$(grep '^failed:' "$T/run.out")" "failed: test_silent"
is "and counted as one failure" "$(tail -n 1 "$T/run.out")" "2 passed, 1 failed"
is "nothing said skipped" "$(grep -c '^skipped:' "$T/run.out")" "0"
t_done
