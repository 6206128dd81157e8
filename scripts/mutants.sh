#!/bin/sh
# mutants.sh [N...] — mutation testing of the critical code: applies each
# one-line mutation of scripts/mutants.list (or only those numbered N) to a
# scratch copy of the tree, rebuilds what it needs, runs the mutation's
# test programs, and prints a table: "caught" when a check failed that
# passes unmutated (or a program died), "SURVIVED" otherwise.  Exit 1 if a
# mutation survived or did not build, or a line of the list no longer
# matches the code exactly once.  The working tree is never changed; logs
# are kept in BUILD/mutants-logs.  Each mutation is one check for
# tests/run.sh (ok when caught), the table's lines start with "| " and the
# last line is "N passed, N failed".
#
# Cheap mutations, so that `make test` runs them all: the scratch trees
# start from the objects of ./build (time stamps kept), so a mutation
# rebuilds one object and relinks the programs it runs; its programs run
# unit ones first and stop at the first that catches it; each runs at the
# same time unmutated, from BUILD, for the comparison; JOBS (2) mutations
# run at once, each in a tree of its own.
# Run from the project root as root (integration tests start mail servers).
set -u
ROOT=$(pwd)
LIST=$ROOT/scripts/mutants.list
ONLY="$*"
[ -f "$LIST" ] || { echo "mutants: no $LIST" >&2; exit 1; }

S=$(mktemp -d "${TMPDIR:-/tmp}/cdp-mutants-XXXXXX") || exit 1
trap 'rm -rf "$S"' EXIT INT TERM
# Logs of the builds and test runs outlive the scratch tree.
LOG=$ROOT/${BUILD:-build}/mutants-logs
rm -rf "$LOG"
mkdir -p "$LOG"

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

# The unmutated programs each mutated run is compared with: those built in
# BUILD (`make mutants` builds them first).
B=${BUILD:-build}
for p in $all_tests; do
	case $p in
	test_*) f="$ROOT/$B/tests/$p" ;;
	*) f="$ROOT/$B/coupdepouce" ;;
	esac
	[ -x "$f" ] || { echo "mutants: no $f: build the tests first (make mutants does)" >&2; exit 1; }
done

# Scratch trees, one per lane of mutations run at once: the files git
# knows or would add, as they are now (changes not yet committed
# included, time stamps kept), and the objects of ./build when that is
# the build, so that a mutation rebuilds one object and relinks.
LANES=${JOBS:-2}
lane=0
while [ "$lane" -lt "$LANES" ]; do
	mkdir -p "$S/tree$lane"
	git ls-files -z --cached --others --exclude-standard |
	    xargs -0 cp -p --parents -t "$S/tree$lane" || exit 1
	if [ "$B" = build ] && [ -f "$ROOT/build/pkg.mk" ]; then
		tar -C "$ROOT" --exclude=build/test-logs --exclude=build/mutants-logs \
		    --exclude=build/torture-logs --exclude=build/scale -cf - build |
		    tar -C "$S/tree$lane" -xf - || exit 1
	fi
	lane=$((lane + 1))
done

# The targets a run needs: the unit programs named, and for integration
# tests the daemon and the tools.
targets() {
	t=""
	for p in $1; do
		case $p in
		test_*) t="$t build/tests/$p" ;;
		*) t="$t build/coupdepouce" ;;
		esac
	done
	case $t in *coupdepouce*)
		for f in "$ROOT"/tests/tools/*.c; do
			t="$t build/tools/$(basename "$f" .c)"
		done ;;
	esac
	echo "$t" | tr ' ' '\n' | sort -u | tr '\n' ' '
}
# Without -Werror: a mutation that leaves a parameter or a function unused
# still changes behaviour, which is what the tests are asked about.
build() {	# tree, log, targets...: 0 if the tree builds them
	_tree=$1 _log=$2
	shift 2
	make -C "$_tree" -j2 BUILD=build WERROR= "$@" >"$_log" 2>&1
}

# run_prog TREE BUILD NAME LOG: one test program of TREE, built in BUILD;
# a program that dies or ends without its result line fails a check
# named so.
run_prog() {
	case $3 in
	test_*) (cd "$1" && "$2/tests/$3") ;;
	*) (cd "$1" && BUILD=$2 sh "tests/integration/$3.sh") ;;
	esac >"$4" 2>&1 </dev/null
	_st=$?
	grep -Eq '^[0-9]+ passed, [0-9]+ failed$' "$4" ||
	    echo "not ok - $3 ended without its result line" >>"$4"
	[ "$_st" -eq 0 ] || grep -q '^not ok' "$4" ||
	    echo "not ok - $3 exited $_st" >>"$4"
}

failing() {	# log: the names of its failed checks, timing checks aside
	sed -n 's/^not ok [0-9]* *- *//p' "$1" | sort -u |
	    comm -23 - "$S/ignore"
}

# mutate N NAME FILE FROM TO TESTS LANE: one mutation in the lane's tree;
# its result line into $S/result.N.  Each program of TESTS (unit programs
# first) runs mutated in the tree and, at the same time, unmutated from
# BUILD: caught when a check fails mutated that passed unmutated (a
# timing check on a loaded machine does not count), and the next
# programs are not run.
mutate() {
	_n=$1 _name=$2 _file=$3 _from=$4 _to=$5 _tests=$6
	_w=$S/tree$7
	_t0=$(date +%s)
	apply "$_w/$_file" "$_from" "$_to"
	_result="SURVIVED"
	_by=""
	if ! build "$_w" "$LOG/build-$_n.log" $(targets "$_tests"); then
		_result="NO BUILD"
	else
		rm -f "$LOG/build-$_n.log"
		for _p in $(printf '%s\n' $_tests | grep '^test_') \
		    $(printf '%s\n' $_tests | grep -v '^test_'); do
			run_prog "$ROOT" "$B" "$_p" "$LOG/$_n-$_p.base.log" &
			run_prog "$_w" build "$_p" "$LOG/$_n-$_p.log"
			wait $!
			failing "$LOG/$_n-$_p.base.log" >"$S/base.$_n"
			failing "$LOG/$_n-$_p.log" | comm -23 - "$S/base.$_n" \
			    >"$LOG/$_n-$_p.caught"
			if [ -s "$LOG/$_n-$_p.caught" ]; then
				_result="caught"
				_by=" by $_p"
				break
			fi
		done
	fi
	# A fresh copy (new time stamp) makes the next build recompile it.
	cp "$ROOT/$_file" "$_w/$_file"
	printf '| %2d | %-56s | %-8s | %s (%ds)%s\n' "$_n" "$_name" \
	    "$_result" "$_tests" $(($(date +%s) - _t0)) "$_by" >"$S/result.$_n"
	sed 's/^| /mutants: /' "$S/result.$_n"
}

touch "$S/ignore"
sort -u -o "$S/ignore" "$S/ignore"
echo "mutants: $(grep -c . "$S/list") mutations, $LANES at once"
lane=0
while [ "$lane" -lt "$LANES" ]; do
	(
		n=0
		while IFS="$US" read -r name file from to tests; do
			n=$((n + 1))
			wanted "$n" || continue
			[ $((n % LANES)) -eq "$lane" ] || continue
			mutate "$n" "$name" "$file" "$from" "$to" "$tests" "$lane"
		done <"$S/list"
	) &
	lane=$((lane + 1))
done
wait

echo
printf '| %2s | %-56s | %-8s | %s\n' "#" "mutation" "result" "tests"
caught=0
failed=0
n=0
while IFS="$US" read -r name file from to tests; do
	n=$((n + 1))
	wanted "$n" || continue
	r=$(cat "$S/result.$n" 2>/dev/null)
	echo "${r:-| $n | $name | lost}"
	case $r in
	*"| caught "*)
		caught=$((caught + 1))
		echo "ok $n - mutation $name: caught" >>"$S/checks" ;;
	*)
		failed=$((failed + 1))
		echo "not ok $n - mutation $name: not caught" >>"$S/checks" ;;
	esac
done <"$S/list"
echo "| mutants: $caught caught, $failed not (survived or did not build)"
cat "$S/checks"
echo "$caught passed, $failed failed"
[ "$failed" -eq 0 ]
