#!/bin/sh
# memcheck.sh BUILD [NAME...] — runs each unit test program BUILD/tests/
# test_* (or only those named) under valgrind's memcheck, through
# tests/run.sh: its "N passed, N failed" per program, then the total.
#
# Each program is run by a small wrapper in BUILD/memcheck/tests/ that
# calls valgrind with --error-exitcode=1: a memory error (invalid or
# uninitialised read or write, bad free) or a definite leak makes the
# program exit 1, which tests/run.sh counts as a failure even when its
# checks passed; valgrind's report is in BUILD/memcheck/test-logs/NAME.log.
# Build without sanitizers (valgrind cannot run an AddressSanitizer
# build).  PCRE2's JIT is turned off (CDP_NO_JIT): its code reads ahead of
# the subject on purpose, which valgrind cannot tell from a bug.  Reports
# about other libraries' code are suppressed by scripts/memcheck.supp.
set -u
BUILD=${1:-build}
[ $# -gt 0 ] && shift
ONLY="$*"
command -v valgrind >/dev/null 2>&1 || {
	echo "memcheck: valgrind is missing (run 'make deps' as root)" >&2
	exit 1
}
MC="$BUILD/memcheck"
SUPP="$(pwd)/scripts/memcheck.supp"
rm -rf "$MC"
mkdir -p "$MC/tests"
names=""
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	if [ -n "$ONLY" ]; then
		case " $ONLY " in *" $name "*) ;; *) continue ;; esac
	fi
	cat >"$MC/tests/$name" <<WRAP
#!/bin/sh
CDP_NO_JIT=1 exec valgrind -q --error-exitcode=1 --leak-check=full \\
    --errors-for-leak-kinds=definite --track-origins=yes \\
    --suppressions="$SUPP" \\
    "$(cd "$(dirname "$t")" && pwd)/$name" "\$@"
WRAP
	chmod +x "$MC/tests/$name"
	names="$names $name"
done
[ -n "$names" ] || { echo "memcheck: no test program in $BUILD/tests" >&2; exit 1; }
# Only the names given: tests/run.sh would run the integration tests too.
exec sh tests/run.sh "$MC" $names
