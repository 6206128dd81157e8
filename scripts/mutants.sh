#!/bin/sh
# mutants.sh [N...] — mutation testing of the critical code: applies each
# one-line mutation of scripts/mutants.list (or only those numbered N) to a
# scratch copy of the tree, rebuilds it, runs the mutation's test programs
# (tests/run.sh), and prints a table: "caught" when a check failed that
# passes unmutated (or a program died), "SURVIVED" otherwise.  Exit 1 if a
# mutation survived or did not build, a line of the list no longer matches
# the code exactly once, or the tree does not build.  The working tree is
# never changed; logs are kept in BUILD/mutants-logs.
# Run from the project root as root (integration tests start mail servers).
set -u
ROOT=$(pwd)
LIST=$ROOT/scripts/mutants.list
ONLY="$*"
JOBS=${JOBS:-2}
[ -f "$LIST" ] || { echo "mutants: no $LIST" >&2; exit 1; }

S=$(mktemp -d "${TMPDIR:-/tmp}/cdp-mutants-XXXXXX") || exit 1
trap 'rm -rf "$S"' EXIT INT TERM
# Logs of the builds and test runs outlive the scratch tree.
LOG=$ROOT/${BUILD:-build}/mutants-logs
WORK=$S/tree
rm -rf "$LOG"
mkdir -p "$WORK" "$LOG"

# The list, one mutation per line of $S/list: name, file, from, to, tests
# joined by a character no C line holds (0x1f).
US=$(printf '\037')
awk -v us="$US" -v ign="$S/ignore" '
	function strip(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
	function flush() {
		if (name != "" || file != "" || from != "")
			print name us file us from us to us tests
		name = file = from = to = tests = ""
	}
	/^#/ { next }
	/^[ \t]*$/ { flush(); next }
	/^name:/  { name  = strip(substr($0, 6)); next }
	/^file:/  { file  = strip(substr($0, 6)); next }
	/^from:/  { from  = strip(substr($0, 6)); next }
	/^to:/    { to    = strip(substr($0, 4)); next }
	/^tests:/ { tests = strip(substr($0, 7)); next }
	/^ignore:/ { print strip(substr($0, 8)) > ign; next }
	{ printf "mutants.list:%d: unknown line: %s\n", NR, $0 > "/dev/stderr"; bad = 1 }
	END { flush(); exit bad }
' "$LIST" >"$S/list" || exit 1

# matches FILE FROM: how many lines of FILE read FROM, blanks aside.
matches() {
	FROM=$2 awk 'BEGIN { want = ENVIRON["FROM"] }
	{ s = $0; sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s)
	  if (s == want) n++ }
	END { print n + 0 }' "$1"
}

# apply FILE FROM TO: replaces the one line reading FROM, indentation kept.
apply() {
	FROM=$2 TO=$3 awk 'BEGIN { want = ENVIRON["FROM"]; to = ENVIRON["TO"] }
	{ s = $0; sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s)
	  if (s == want) { match($0, /^[ \t]*/)
	                   print substr($0, 1, RLENGTH) to; next } }
	{ print }' "$1" >"$1.mutant" && mv "$1.mutant" "$1"
}

wanted() {
	[ -z "$ONLY" ] && return 0
	for w in $ONLY; do [ "$w" = "$1" ] && return 0; done
	return 1
}

# Every line first: a list that rotted stops here, before any build.
n=0
bad=0
all_tests=""
while IFS="$US" read -r name file from to tests; do
	n=$((n + 1))
	wanted "$n" || continue
	if [ ! -f "$ROOT/$file" ]; then
		echo "mutants: #$n $name: no file $file" >&2
		bad=1
		continue
	fi
	m=$(matches "$ROOT/$file" "$from")
	if [ "$m" -ne 1 ]; then
		echo "mutants: #$n $name: '$from' matches $m lines of $file (want 1)" >&2
		bad=1
	fi
	[ -n "$tests" ] || { echo "mutants: #$n $name: no tests" >&2; bad=1; }
	all_tests="$all_tests $tests"
done <"$S/list"
[ "$bad" -eq 0 ] || exit 1
all_tests=$(printf '%s\n' $all_tests | sort -u | tr '\n' ' ')

# The files git knows or would add, as they are now (changes not yet
# committed included), and nothing built.
git ls-files -z --cached --others --exclude-standard |
    xargs -0 cp --parents -t "$WORK" || exit 1
# The targets a run needs: the daemon, the tools, the unit programs named.
targets() {
	t="build/coupdepouce"
	for f in "$WORK"/tests/tools/*.c; do
		t="$t build/tools/$(basename "$f" .c)"
	done
	for p in $1; do
		case $p in test_*) t="$t build/tests/$p" ;; esac
	done
	echo "$t"
}
# Without -Werror: a mutation that leaves a parameter or a function unused
# still changes behaviour, which is what the tests are asked about.
build() {	# targets...: 0 if the scratch tree builds them
	make -C "$WORK" -j"$JOBS" BUILD=build WERROR= $* >"$LOG/build.log" 2>&1
}

echo "mutants: building a scratch copy of the tree"
if ! build $(targets "$all_tests"); then
	tail -n 20 "$LOG/build.log"
	echo "mutants: the unmutated tree does not build" >&2
	exit 1
fi
echo "mutants: running the unmutated tests:$all_tests"
# Checks that fail without any mutation (a timing check on a loaded
# machine) are noted and do not count: a mutation is caught when a check
# fails that passed unmutated, or a program dies.
failing_checks() {	# the names of the checks that failed in the last run
	cat "$WORK"/build/test-logs/*.log 2>/dev/null |
	    sed -n 's/^not ok [0-9]* *- *//p' | sort -u
}
(cd "$WORK" && sh tests/run.sh build $all_tests) >"$LOG/base.log" 2>&1
touch "$S/ignore"
failing_checks | cat - "$S/ignore" | sort -u >"$LOG/base-failing"
if [ -s "$LOG/base-failing" ]; then
	echo "mutants: failing without a mutation, not counted:"
	sed 's/^/    /' "$LOG/base-failing"
fi
if ! grep -q '^[0-9]* passed' "$LOG/base.log"; then
	cat "$LOG/base.log"
	echo "mutants: the unmutated tests did not run (logs in $LOG)" >&2
	exit 1
fi

n=0
survived=0
broken=0
caught=0
table=$S/table
printf '| %2s | %-56s | %-8s | %s\n' "#" "mutation" "result" "tests" >"$table"
# new_failures: the checks failing now that did not fail unmutated.
new_failures() {
	failing_checks | comm -23 - "$LOG/base-failing"
}
while IFS="$US" read -r name file from to tests; do
	n=$((n + 1))
	wanted "$n" || continue
	t0=$(date +%s)
	apply "$WORK/$file" "$from" "$to"
	result="SURVIVED"
	if ! build $(targets "$tests"); then
		result="NO BUILD"
		cp "$LOG/build.log" "$LOG/build-$n.log"
	elif ! (cd "$WORK" && sh tests/run.sh build $tests) \
	    >"$LOG/run-$n.log" 2>&1; then
		new_failures >"$S/new"
		[ -s "$S/new" ] && result="caught"
	fi
	rm -rf "$LOG/test-logs-$n"
	[ -d "$WORK/build/test-logs" ] &&
	    cp -r "$WORK/build/test-logs" "$LOG/test-logs-$n"
	# A fresh copy (new time stamp) makes the next build recompile it.
	cp "$ROOT/$file" "$WORK/$file"
	# Caught by an integration test: the same checks, unmutated, must
	# pass, else they depend on timing and do not count.
	if [ "$result" = caught ] && [ -n "$(echo $tests | tr ' ' '\n' |
	    grep -v '^test_')" ] && build $(targets "$tests"); then
		(cd "$WORK" && sh tests/run.sh build $tests) \
		    >"$LOG/recheck-$n.log" 2>&1
		failing_checks | cat - "$LOG/base-failing" | sort -u \
		    >"$S/base" && mv "$S/base" "$LOG/base-failing"
		[ -z "$(comm -23 "$S/new" "$LOG/base-failing")" ] &&
		    result="SURVIVED"
	fi
	case $result in
	caught)		caught=$((caught + 1)) ;;
	SURVIVED)	survived=$((survived + 1)) ;;
	*)		broken=$((broken + 1)) ;;
	esac
	line=$(printf '| %2d | %-56s | %-8s | %s (%ds)' "$n" "$name" "$result" \
	    "$tests" $(($(date +%s) - t0)))
	echo "$line"
	echo "$line" >>"$table"
done <"$S/list"

echo
cat "$table"
echo "mutants: $caught caught, $survived survived, $broken did not build"
[ "$survived" -eq 0 ] && [ "$broken" -eq 0 ]
