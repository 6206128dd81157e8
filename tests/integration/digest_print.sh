# digest_print.sh — the digest's content, from a seeded database
# (tests/data/digest/seed.sql: a case in each situation the digest
# reports), compared line by line with the expected text for the
# coordinators and for a referent; the HTML escapes what came from
# outside; nothing to report means no mail and --print says so; a digest
# sent by hand is queued once per coordinator, bound to them.
# No mail server is needed: nothing is sent, only queued.
. "$(dirname "$0")/../lib.sh"
DATA="$TOP/tests/data/digest"
NOW='2026-12-07 08:00'

mkdir -p "$T/cdp"
CONF="$T/cdp/coupdepouce.conf"
offline_config "$CONF"
sed -i 's/^contact = .*/&\ncoordinators = coord@example.org/' "$CONF"
dg() { "$CDP" -c "$CONF" --now "$NOW" digest "$@"; }

# An empty network: nothing to report, nothing queued.
t_run "print, empty network" 0 dg --print
t_grep "print says there is nothing to report" "$T/out" \
    "nothing to report on 2026-12-07 08:00: no digest would be sent"
t_run "send, empty network" 0 dg
t_grep "send says so" "$T/out" "nothing to report: no digest queued"
t_sql "nothing queued" 0 "SELECT count(*) FROM outbox"

# The seed numbers its own people: a fresh database.
rm -f "$T/cdp/coupdepouce.db"*
"$CDP" -c "$CONF" person list >/dev/null 2>&1
TZ=Europe/Paris sqlite3 "$T/cdp/coupdepouce.db" <"$DATA/seed.sql" &&
    t_ok "seeded" || t_not_ok "seeded"

# diff_lines NAME WANT GOT: the first differing line, if any.
diff_lines() {
	if diff -u "$2" "$3" >"$T/diff"; then
		t_ok "$1"
	else
		t_not_ok "$1" "$(head -n 30 "$T/diff")"
	fi
}
t_run "print the coordinators' digest" 0 dg --print
diff_lines "coordinators' digest, line by line" "$DATA/expected.txt" "$T/out"
t_run "print a referent's digest" 0 dg --print --to romane@example.org
diff_lines "referent's digest, line by line" "$DATA/expected_referent.txt" \
    "$T/out"
t_run "a volunteer has no digest" 1 dg --print --to victor@example.org
t_grep "and is told why" "$T/err" \
    "victor@example.org is neither a coordinator nor an active referent"
t_run "--html needs --print" 2 dg --html

t_run "print the HTML" 0 dg --print --html
cp "$T/out" "$T/digest.html"
t_grep "a subject with markup is escaped" "$T/digest.html" \
    "Panneaux solaires &lt;école&gt; &amp; &quot;mairie&quot;"
t_nogrep "and never raw" "$T/digest.html" "<école>"
t_nogrep "no script" "$T/digest.html" "<script"
t_nogrep "no outside resource" "$T/digest.html" "src="
t_grep "the trend's bars are table cells" "$T/digest.html" \
    'width="240" height="10" bgcolor="#3d6b35"'

# Sent by hand: one mail per coordinator, due now, bound to them and to
# no case.
t_run "send" 0 dg
t_grep "one recipient" "$T/out" "digest queued for 1 recipient(s)"
t_sql "queued to the coordinator, no case, not held" \
    "coord@example.org||digest|" \
    "SELECT p.email, o.case_id, o.template, o.hold_until FROM outbox o JOIN persons p ON p.id = o.person_id WHERE o.template = 'digest'"
t_sql "the token names the person and no case" 1 \
    "SELECT count(*) FROM outbox o WHERE o.template = 'digest' AND message_id LIKE 'cdp.' || o.id || '.0.' || o.person_id || '.%'"
t_done
