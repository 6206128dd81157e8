# man_pages.sh — coupdepouce(8) and coupdepouce.conf(5) cannot drift from
# the program: scripts/check_man.py agrees on the real files and fails on
# a key added to the example config only, a key dropped from the man
# page, a key added to config.c's table only, and a command of main.c
# with no entry in coupdepouce(8); both pages render without a warning.
. "$(dirname "$0")/../lib.sh"

CHECK="/usr/bin/python3 $TOP/scripts/check_man.py"
C="$TOP/config/coupdepouce.conf"
K="$TOP/daemon/config/config.c"
M5="$TOP/man/coupdepouce.conf.5"
MAIN="$TOP/daemon/cli/main.c"
M8="$TOP/man/coupdepouce.8"

t_run "the man pages agree with the config and the commands" 0 \
    $CHECK "$C" "$K" "$M5" "$MAIN" "$M8"
n_keys=$(grep -cE '^[[:space:]]*\{ "[a-z]+", "[a-z_]+", T_' "$K")
t_grep "every key of config.c counted ($n_keys)" "$T/out" \
    "man pages agree: $n_keys keys"

sed 's/^#poll_interval = 60s$/&\n#poll_jitter = 5s/' "$C" >"$T/conf"
t_run "a key only in the example config fails" 1 \
    $CHECK "$T/conf" "$K" "$M5" "$MAIN" "$M8"
t_grep "and is named with its file" "$T/out" \
    "$K: key [imap] poll_jitter is missing"

awk '/^\.B digest_time$/ { skip = 1; next } { print }' "$M5" >"$T/man5"
t_run "a key dropped from coupdepouce.conf(5) fails" 1 \
    $CHECK "$C" "$K" "$T/man5" "$MAIN" "$M8"
t_grep "and is named" "$T/out" "$T/man5: key [timers] digest_time is missing"

sed 's/^\t{ "storage", "database",/\t{ "storage", "wal_limit", T_INT, 0, "1", 0, 0, 0 },\n&/' \
    "$K" >"$T/config.c"
t_run "a key only in config.c fails" 1 \
    $CHECK "$C" "$T/config.c" "$M5" "$MAIN" "$M8"
t_grep "and is named" "$T/out" "$C: key [storage] wal_limit is missing"

sed 's/^\t{ "purge", cmd_purge,.*/&\n\t{ "vacuum", cmd_vacuum, cmd_vacuum_help, CONFIG_REQUIRED },/' \
    "$MAIN" >"$T/main.c"
t_run "a command without its man entry fails" 1 \
    $CHECK "$C" "$K" "$M5" "$T/main.c" "$M8"
t_grep "and is named" "$T/out" "$M8: command vacuum is not documented"

if command -v groff >/dev/null 2>&1; then
	for m in "$M8" "$M5"; do
		t_run "$(basename "$m") renders" 0 groff -man -Tutf8 -ww -z "$m"
		if [ -s "$T/err" ]; then
			t_not_ok "$(basename "$m") renders without warning" "$(cat "$T/err")"
		else
			t_ok "$(basename "$m") renders without warning"
		fi
	done
else
	echo "# skip: rendering (groff is not installed)"
fi
t_done
