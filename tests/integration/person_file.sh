# person_file.sh — the database as the pool's one truth and the people
# file as its import format: `person edit`, `person deactivate`, `person
# import FILE --prune [--yes]`, `person export [FILE]` (exit status 0, 1
# and 2 of each, exact outputs, one stderr line per error), the export
# read back byte for byte and row for row, the people file not applied
# again over changes made since, and `check` warning about every
# difference between the file and the database.  No mail server.
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3

mkdir -p "$T/cdp" "$T/cdp2"
CONF="$T/cdp/coupdepouce.conf"
offline_config "$CONF"
P="$T/cdp/people.csv"
cdp() { "$CDP" -c "$CONF" --now '2026-03-02 10:00' "$@"; }
# A second installation with a database of its own.
CONF2="$T/cdp2/coupdepouce.conf"
offline_config "$CONF2"
cdp2() { "$CDP" -c "$CONF2" --now '2026-03-02 10:00' "$@"; }
sql2() { sqlite3 -cmd '.timeout 5000' "$T/cdp2/coupdepouce.db" "$1"; }

# t_same NAME FILE WANT: FILE holds exactly WANT (and a final newline).
t_same() {
	if [ "$(cat "$2")" = "$3" ]; then
		t_ok "$1"
	else
		t_not_ok "$1" "got:
$(cat "$2")
want:
$3"
	fi
}
# t_err1 NAME WANT: the command said exactly WANT, on one stderr line.
t_err1() {
	t_same "$1" "$T/err" "$2"
}
# events: the query of the person events since the last `mark`,
# "kind:fields-or-role-or-until:by:email" each, in order.
MARK=0
mark() { MARK=$(sql "SELECT coalesce(max(id), 0) FROM events"); }
events() {
	echo "SELECT group_concat(e, ',') FROM (SELECT kind || ':' || coalesce(json_extract(details, '\$.fields'), json_extract(details, '\$.role'), json_extract(details, '\$.until'), '') || ':' || json_extract(details, '\$.by') || ':' || (SELECT email FROM persons WHERE id = json_extract(details, '\$.person_id')) AS e FROM events WHERE case_id IS NULL AND kind <> 'people_file' AND id > $MARK ORDER BY id)"
}

t_run "person --help" 0 cdp person --help
t_grep "help: edit" "$T/out" "person edit EMAIL [--name NAME] [--themes 'T;T']"
t_grep "help: deactivate" "$T/out" "person deactivate EMAIL"
t_grep "help: import --prune" "$T/out" "person import FILE.csv [--prune [--yes]]"
t_grep "help: export" "$T/out" "person export [FILE.csv]"
t_grep "help: prune only deactivates" "$T/out" "Pruning only deactivates: roles, themes and"
t_run "person edit --help" 0 cdp person edit --help
t_run "person export --help" 0 cdp person export --help

# ---- import ---------------------------------------------------------
cat >"$T/pool.csv" <<'CSV'
email,name,roles,themes,communes,max_open_cases,active
anne@example.org,Anne Dupré,referent,energie;habitat,Ambert;Cunlhat,4,1
bob@example.org,"Roux, Bob",volunteer;referent,mobilite,Thiers,,1
carl@example.org,Carl,coordinator,,,,1
CSV
t_run "import" 0 cdp person import "$T/pool.csv"
t_same "import: counts" "$T/out" "3 added, 0 updated, 0 deactivated"
t_sql "import: events by the admin" "person_added::admin:anne@example.org,role_added:referent:admin:anne@example.org,person_added::admin:bob@example.org,role_added:referent:admin:bob@example.org,role_added:volunteer:admin:bob@example.org,person_added::admin:carl@example.org,role_added:coordinator:admin:carl@example.org" "$(events)"
t_run "import --yes without --prune: usage" 2 cdp person import "$T/pool.csv" --yes
t_run "import of two files: usage" 2 cdp person import "$T/pool.csv" "$T/pool.csv"
t_run "import of a missing file" 1 cdp person import "$T/none.csv"
t_err1 "import: the missing file named" "coupdepouce person: $T/none.csv: No such file or directory"

# A case anne is the referent of.
sql "INSERT INTO cases (ref, year, seq, kind, state, state_since, referent_id, created_at, updated_at, last_activity_at)
  SELECT 'CDP-2026-0001', 2026, 1, 'request', 'analysis', 1, id, 1, 1, 1 FROM persons WHERE email = 'anne@example.org'"

# ---- edit -----------------------------------------------------------
t_run "edit without address: usage" 2 cdp person edit
t_run "edit with an unknown option: usage" 2 cdp person edit anne@example.org --colour red
t_run "edit with a bad theme: usage" 2 cdp person edit anne@example.org --themes 'Énergie'
t_grep "edit: the bad theme named" "$T/err" "coupdepouce person: edit: themes: 'Énergie' is not a theme identifier"
t_run "edit with nothing to change: usage" 2 cdp person edit anne@example.org
t_run "edit --until without --unavailable: usage" 2 cdp person edit anne@example.org --until 2026-04-10
t_run "edit --available --unavailable: usage" 2 cdp person edit anne@example.org --available --unavailable
t_run "edit --until not a date: usage" 2 cdp person edit anne@example.org --unavailable --until 10/04/2026
t_run "edit --until in the past: usage" 2 cdp person edit anne@example.org --unavailable --until 2026-03-01
t_grep "edit: past date explained" "$T/err" "coupdepouce person: edit: --until: 2026-03-01 is not in the future"
t_run "edit an unknown person" 1 cdp person edit zed@example.org --name Zed
t_err1 "edit: unknown person, one line" "coupdepouce person: zed@example.org: no such person"
t_sql "edit: unknown person not created" "0" "SELECT count(*) FROM persons WHERE email = 'zed@example.org'"

mark
t_run "edit themes and name" 0 cdp person edit Anne@Example.org --themes 'eau;energie' --name 'Anne Dupré-Roux'
t_same "edit: updated" "$T/out" "anne@example.org updated"
t_run "edit the same again" 0 cdp person edit anne@example.org --themes 'eau;energie'
t_same "edit: unchanged" "$T/out" "anne@example.org unchanged"
t_run "edit: removing anne's referent role is refused" 1 cdp person edit anne@example.org --roles volunteer --communes Thiers
t_err1 "edit: refusal names the open case, one line" "coupdepouce person: anne@example.org is referent of open cases CDP-2026-0001: hand them over first (coupdepouce case assign REF EMAIL)"
t_sql "edit: a refused edit changes nothing" 'referent|["Ambert","Cunlhat"]' "SELECT (SELECT group_concat(role) FROM person_roles r WHERE r.person_id = p.id), communes FROM persons p WHERE email = 'anne@example.org'"
t_run "edit bob's roles" 0 cdp person edit bob@example.org --roles 'volunteer;coordinator'
t_same "edit roles: updated" "$T/out" "bob@example.org updated"
t_sql "edit roles: replaced" "coordinator,volunteer" "SELECT group_concat(role) FROM (SELECT role FROM person_roles r JOIN persons p ON p.id = r.person_id WHERE email = 'bob@example.org' ORDER BY role)"
t_run "edit anne unavailable until a day" 0 cdp person edit anne@example.org --unavailable --until 2026-04-10
t_run "edit max-open back to the default" 0 cdp person edit anne@example.org --max-open ''
t_sql "edit: events by the admin with the fields" "person_updated:name,themes:admin:anne@example.org,role_removed:referent:admin:bob@example.org,role_added:coordinator:admin:bob@example.org,availability:2026-04-10T00:00:00+02:00:admin:anne@example.org,person_updated:max_open_cases:admin:anne@example.org" "$(events)"

t_run "list shows availability" 0 cdp person list
t_grep "list: the day anne is back" "$T/out" "yes    2026-04-10"
t_run "list --json" 0 cdp person list --json
$PY - "$T/out" >"$T/check" 2>&1 <<'PY'
import json, sys
people = {p["email"]: p for p in json.load(open(sys.argv[1], encoding="utf-8"))}
a, b = people["anne@example.org"], people["bob@example.org"]
print("anne", a["name"], a["themes"], a["max_open_cases"], a["unavailable"], a["unavailable_until"])
print("bob", [r["role"] for r in b["roles"]], b["unavailable"], b["unavailable_until"])
PY
t_same "json: availability" "$T/check" "anne Anne Dupré-Roux ['eau', 'energie'] None 1 2026-04-10T00:00:00+02:00
bob ['coordinator', 'volunteer'] 0 None"
t_run "edit anne available" 0 cdp person edit anne@example.org --available
t_run "list --json after --available" 0 cdp person list --json
$PY -c 'import json, sys; a = [p for p in json.load(open(sys.argv[1])) if p["email"] == "anne@example.org"][0]; print(a["unavailable"], a["unavailable_until"])' "$T/out" >"$T/check"
t_same "json: available again" "$T/check" "0 None"

# ---- deactivate -----------------------------------------------------
t_run "deactivate without address: usage" 2 cdp person deactivate
t_run "deactivate two addresses: usage" 2 cdp person deactivate a@example.org b@example.org
t_run "deactivate not an address: usage" 2 cdp person deactivate 'Jean Dupont'
t_run "deactivate an unknown person" 1 cdp person deactivate zed@example.org
t_err1 "deactivate: unknown, one line" "coupdepouce person: zed@example.org: no such person"
t_run "deactivate the referent of an open case" 1 cdp person deactivate anne@example.org
t_err1 "deactivate: refusal names the case, one line" "coupdepouce person: anne@example.org is referent of open cases CDP-2026-0001: hand them over first (coupdepouce case assign REF EMAIL)"
t_sql "deactivate: anne still active" "1" "SELECT active FROM persons WHERE email = 'anne@example.org'"
mark
t_run "deactivate carl" 0 cdp person deactivate Carl@Example.org
t_same "deactivate: done" "$T/out" "carl@example.org deactivated"
t_run "deactivate carl again" 0 cdp person deactivate carl@example.org
t_same "deactivate: already" "$T/out" "carl@example.org already inactive"
t_sql "deactivate: one event, roles kept" "person_deactivated::admin:carl@example.org|coordinator" "SELECT ($(events)) || '|' || (SELECT group_concat(role) FROM person_roles r JOIN persons p ON p.id = r.person_id WHERE email = 'carl@example.org')"

# ---- import --prune -------------------------------------------------
cdp person add dan@example.org --role volunteer --name Dan >/dev/null
printf 'email,roles\nanne@example.org,referent\n' >"$T/anne.csv"
mark
t_run "prune preview" 0 cdp person import "$T/anne.csv" --prune
t_same "prune preview: who, and nothing done" "$T/out" "would deactivate bob@example.org (coordinator, volunteer)
would deactivate dan@example.org (volunteer)
2 to deactivate; nothing changed: add --yes to import $T/anne.csv and deactivate them"
t_sql "prune preview: no event" "" "$(events)"
printf 'email,roles\nbob@example.org,volunteer\n' >"$T/bob.csv"
t_run "prune --yes: anne refused" 1 cdp person import "$T/bob.csv" --prune --yes
t_same "prune --yes: the others deactivated" "$T/out" "deactivated dan@example.org (volunteer)
0 added, 0 updated, 1 deactivated"
t_err1 "prune --yes: the refusal, one line" "coupdepouce person: not deactivated, referent of open cases (hand them over with \`case assign\` first): anne@example.org (CDP-2026-0001)"
t_sql "prune --yes: roles kept, only dan deactivated" "anne@example.org=1:referent,bob@example.org=1:coordinator;volunteer,carl@example.org=0:coordinator,dan@example.org=0:volunteer" "SELECT group_concat(email || '=' || active || ':' || (SELECT group_concat(role, ';') FROM (SELECT role FROM person_roles WHERE person_id = p.id ORDER BY role))) FROM (SELECT * FROM persons ORDER BY email) p"
t_sql "prune --yes: event by the admin" "person_deactivated::admin:dan@example.org" "$(events)"
t_run "prune again: nobody left" 0 cdp person import "$T/bob.csv" --prune
t_same "prune: nobody (inactive people are not listed)" "$T/out" "would deactivate anne@example.org (referent)
1 to deactivate; nothing changed: add --yes to import $T/bob.csv and deactivate them"

# ---- export ---------------------------------------------------------
t_run "export with two files: usage" 2 cdp person export a.csv b.csv
t_run "export with an option: usage" 2 cdp person export --all
t_run "export to stdout" 0 cdp person export
cat >"$T/want.csv" <<'CSV'
email,name,roles,themes,communes,max_open_cases,active
anne@example.org,Anne Dupré-Roux,referent,eau;energie,Ambert;Cunlhat,,1
bob@example.org,"Roux, Bob",coordinator;volunteer,mobilite,Thiers,,1
carl@example.org,Carl,coordinator,,,,0
dan@example.org,Dan,volunteer,,,,0
CSV
cp "$T/out" "$T/stdout.csv"
t_run "export: exactly the pool" 0 cmp "$T/stdout.csv" "$T/want.csv"
t_run "export to -" 0 cdp person export -
cp "$T/out" "$T/stdout.csv"
t_run "export: - is stdout" 0 cmp "$T/stdout.csv" "$T/want.csv"
t_run "export to a file" 0 cdp person export "$T/export1.csv"
t_same "export to a file: nothing on stdout" "$T/out" ""
t_run "export: the file" 0 cmp "$T/export1.csv" "$T/want.csv"
stat -c %a "$T/export1.csv" >"$T/mode"
t_same "export: the file is private" "$T/mode" "600"
t_run "export into a missing folder" 1 cdp person export "$T/nowhere/x.csv"
t_grep "export: the path named" "$T/err" "coupdepouce person: $T/nowhere/x.csv.tmp."
t_run "export error: one line" 0 test "$(wc -l <"$T/err")" -eq 1

# Round trip: the export into a fresh database, exported again.
t_run "round trip: import the export" 0 cdp2 person import "$T/export1.csv"
t_same "round trip: everyone added" "$T/out" "4 added, 0 updated, 2 deactivated"
t_run "round trip: export again" 0 cdp2 person export "$T/export2.csv"
t_run "round trip: the same bytes" 0 cmp "$T/export1.csv" "$T/export2.csv"
ROWS="SELECT group_concat(r, char(10)) FROM (SELECT p.email || '|' || p.name || '|' || p.themes || '|' || p.communes || '|' || coalesce(p.max_open_cases, '-') || '|' || p.active || '|' || (SELECT group_concat(role) FROM (SELECT role FROM person_roles WHERE person_id = p.id AND role <> 'holder' ORDER BY role)) AS r FROM persons p WHERE EXISTS (SELECT 1 FROM person_roles WHERE person_id = p.id) ORDER BY p.email)"
sql "$ROWS" >"$T/rows1"
sql2 "$ROWS" >"$T/rows2"
t_run "round trip: the same rows as the database changed by the CLI" 0 cmp "$T/rows1" "$T/rows2"
t_same "round trip: rows" "$T/rows2" 'anne@example.org|Anne Dupré-Roux|["eau","energie"]|["Ambert","Cunlhat"]|-|1|referent
bob@example.org|Roux, Bob|["mobilite"]|["Thiers"]|-|1|coordinator,volunteer
carl@example.org|Carl|[]|[]|-|0|coordinator
dan@example.org|Dan|[]|[]|-|0|volunteer'

# ---- the people file and check --------------------------------------
# The export becomes the people file: nothing differs.
cp "$T/export1.csv" "$P"
t_run "list syncs the exported file" 0 cdp person list
t_grep "sync: nothing to change" "$T/err" "people: $P: 4 people, 0 added, 0 updated, 0 deactivated"
t_nogrep "sync: no notice" "$T/err" "notice"
t_run "check: file and database agree" 0 cdp check --offline
t_grep "check: agree" "$T/out" "people     ok       $P and the database agree"
# Changed on the command line after the file was read: the file is not
# applied again while its bytes stay the same.
cdp person edit anne@example.org --themes dechets >/dev/null
cdp person add eve@example.org --role volunteer >/dev/null
touch "$P"
t_run "list after an edit" 0 cdp person list
t_nogrep "the same file is not synced again" "$T/err" "people:"
t_sql "the edit stays" '["dechets"]' "SELECT themes FROM persons WHERE email = 'anne@example.org'"
printf 'fred@example.org,Fred,volunteer,,,,1\n' >>"$P"
t_run "check: the differences" 0 cdp check --offline
grep '^people ' "$T/out" >"$T/people"
t_same "check: one warning each, naming file and line" "$T/people" "people     ok       $P (5 people)
people     warning  $P:2: anne@example.org: themes: file 'eau;energie', database 'dechets' (the file's value wins when this line changes)
people     warning  $P:6: fred@example.org: not in the database yet (imported when the file is next read)
people     warning  $P: eve@example.org (volunteer): in the database, not in the file (\`coupdepouce person import $P --prune\` deactivates it)"
t_nogrep "check: differences are not errors" "$T/err" "people"
# The file changed by one line: only that line is applied; anne's line
# did not change, her edit stays.
t_run "list syncs the new line" 0 cdp person list
t_grep "sync: fred added" "$T/err" "people: $P: 5 people, 1 added, 0 updated, 0 deactivated"
t_sql "sync: anne's edit stays" '["dechets"]' "SELECT themes FROM persons WHERE email = 'anne@example.org'"
sed 's/^anne@example.org,\(.*\),eau;energie,/anne@example.org,\1,eau,/' "$P" >"$T/p2" && cat "$T/p2" >"$P"
mark
t_run "list syncs anne's changed line" 0 cdp person list
t_sql "sync: anne's line applied, by the file" 'person_updated:themes:file:anne@example.org|["eau"]' "SELECT ($(events)) || '|' || (SELECT themes FROM persons WHERE email = 'anne@example.org')"

t_done
