# source_layout.sh — the shape of daemon/ that the README's source tour
# promises: no include, link or folder cycle, each outside library
# included from one folder, no file over 800 lines but the listed ones
# (scripts/layout.py, run on the objects `make test` just built).  First
# the checker proves on a small tree of its own that it sees a cycle.
cd "$(dirname "$0")/../.." || exit 1
PY=/usr/bin/python3
BUILD=${BUILD:-build}
T=$(mktemp -d "${TMPDIR:-/tmp}/cdp-layout.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT

# A two-folder tree where each folder includes the other.
mkdir -p "$T/src/low" "$T/src/high" "$T/obj"
printf '#include "high/b.h"\nint a(void);\n' >"$T/src/low/a.h"
printf '#include "low/a.h"\nint a(void) { return 1; }\n' >"$T/src/low/a.c"
printf '#include "low/a.h"\nint b(void);\n' >"$T/src/high/b.h"
printf '#include "high/b.h"\nint b(void) { return a(); }\n' >"$T/src/high/b.c"
$PY scripts/layout.py "$T/src" "$T/obj" >"$T/self" 2>&1
status=$?
pass=0
fail=0
if [ "$status" -ne 0 ] && grep -qx 'not ok - no include cycle between folders' "$T/self" &&
    grep -qx 'not ok - no include cycle between modules' "$T/self"; then
	echo "ok - the checker reports a cycle it is shown"
	pass=1
else
	echo "not ok - the checker reports a cycle it is shown"
	sed 's/^/#   /' "$T/self"
	fail=1
fi

$PY scripts/layout.py daemon "$BUILD" >"$T/out" 2>&1
status=$?
grep -v -E '^[0-9]+ passed, [0-9]+ failed$' "$T/out"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$T/out")
p=${line%% passed*}
f=${line#*, }
f=${f%% failed}
[ -z "$line" ] && { p=0; f=1; }
[ "$status" -ne 0 ] && [ "$f" -eq 0 ] && f=1
echo "$((p + pass)) passed, $((f + fail)) failed"
[ $((f + fail)) -eq 0 ]
