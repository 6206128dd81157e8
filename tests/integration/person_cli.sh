# person_cli.sh — `coupdepouce person add|list|import`: people entered on
# the command line, the people file synced by `list` (roles marked with
# their source; a line or role dropped from the file kept in the database,
# with a notice saying how to act), --json, open cases and failing
# addresses, and errors naming file, line and column.  The rest of
# `person` (edit, deactivate, import --prune, export) is person_file.sh.
# No mail server: these commands only use the database.
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3

mkdir -p "$T/cdp"
CONF="$T/cdp/coupdepouce.conf"
# The servers are never contacted; the database and the people file take
# their defaults, next to the config: coupdepouce.db and people.csv.
offline_config "$CONF"
P="$T/cdp/people.csv"
cdp() { "$CDP" -c "$CONF" --now '2026-03-02 10:00' "$@"; }

t_run "--help lists person" 0 "$CDP" --help
t_grep "main help names person" "$T/out" "person add|edit|deactivate|list|import|export"
t_run "person --help exits 0" 0 "$CDP" person --help
t_grep "person --help explains import" "$T/out" "import FILE"
t_run "person without action is a usage error" 2 cdp person
t_run "unknown action is a usage error" 2 cdp person frob
t_grep "unknown action named" "$T/err" "unknown action 'frob'"
t_run "add without address is a usage error" 2 cdp person add
t_run "add with a bad address is a usage error" 2 cdp person add "Jean Dupont"
t_grep "bad address explained" "$T/err" "email: 'Jean Dupont' is not a mail address"
t_run "add with an unknown role is a usage error" 2 cdp person add a@example.org --role chef
t_grep "unknown role explained" "$T/err" "roles: 'chef' is not a role"
t_run "add with a bad theme is a usage error" 2 cdp person add a@example.org --themes "Énergie"
t_run "list with an unknown role is a usage error" 2 cdp person list --role chef

t_run "list on a fresh install" 0 cdp person list
t_grep "fresh install knows nobody" "$T/out" "nobody"

t_run "add a referent" 0 cdp person add Anne@Example.org --name "Anne Dupré" \
    --role referent --themes "energie;habitat" --communes "Ambert;Saint-Amant-Roche-Savine" \
    --max-open 4
t_grep "add says added" "$T/out" "anne@example.org added"
t_run "add the same again" 0 cdp person add anne@example.org --role referent
t_grep "nothing changed" "$T/out" "anne@example.org unchanged"
t_run "add --inactive" 0 cdp person add anne@example.org --inactive
t_grep "inactive is an update" "$T/out" "anne@example.org updated"
sql "SELECT name, themes, communes, max_open_cases, active FROM persons WHERE email = 'anne@example.org'" >"$T/anne"
t_grep "add stored every field" "$T/anne" 'Anne Dupré|["energie","habitat"]|["Ambert","Saint-Amant-Roche-Savine"]|4|0'
sql "SELECT role || ':' || source FROM person_roles" >"$T/roles"
t_grep "add gives a database role" "$T/roles" "referent:db"

# The people file: list syncs it first.
cat >"$P" <<'CSV'
# test file
email,name,roles,themes,communes,max_open_cases,active
bob@example.org,Bob Roux,referent;volunteer,mobilite,Thiers,,1
"coord@example.org","Coordination, Parc",coordinator,,,,oui
CSV
t_run "list syncs the people file" 0 cdp person list
t_grep "file role marked" "$T/out" "referent(file), volunteer(file)"
t_grep "database role marked" "$T/out" "referent(db)"
t_grep "coordinator listed" "$T/out" "coord@example.org"
t_grep "sync logged" "$T/err" "2 people, 2 added"

# Open cases (as referent) and a failing address show in --json.
sql "INSERT INTO cases (ref, year, seq, kind, state, state_since, referent_id, created_at, updated_at, last_activity_at)
  SELECT 'CDP-2026-0001', 2026, 1, 'request', 'analysis', 1, id, 1, 1, 1 FROM persons WHERE email = 'anne@example.org';
INSERT INTO cases (ref, year, seq, kind, state, state_since, referent_id, created_at, updated_at, last_activity_at)
  SELECT 'CDP-2026-0002', 2026, 2, 'request', 'closed', 1, id, 1, 1, 1 FROM persons WHERE email = 'anne@example.org';
UPDATE persons SET failing_since = 1772442000, last_bounce_status = '5.1.1' WHERE email = 'bob@example.org';"
t_run "list --json" 0 cdp person list --json
$PY - "$T/out" >"$T/check" 2>&1 <<'PY'
import json, sys
people = {p["email"]: p for p in json.load(open(sys.argv[1], encoding="utf-8"))}
a, b, c = people["anne@example.org"], people["bob@example.org"], people["coord@example.org"]
print("emails", sorted(people))
print("keys", list(a.keys()))
print("anne", a["name"], a["roles"], a["themes"], a["communes"],
      a["max_open_cases"], a["active"], a["open_cases"], a["failing"])
print("bob", b["roles"], b["max_open_cases"], b["failing"], b["failing_since"],
      b["last_bounce_status"])
print("coord", c["name"], c["roles"], c["themes"])
PY
t_grep "json: everyone" "$T/check" "emails ['anne@example.org', 'bob@example.org', 'coord@example.org']"
t_grep "json: keys in order" "$T/check" "keys ['email', 'name', 'roles', 'themes', 'communes', 'max_open_cases', 'active', 'unavailable', 'unavailable_until', 'open_cases', 'failing', 'failing_since', 'last_bounce_status']"
t_grep "json: anne with one open case" "$T/check" "anne Anne Dupré [{'role': 'referent', 'source': 'db'}] ['energie', 'habitat'] ['Ambert', 'Saint-Amant-Roche-Savine'] 4 0 1 0"
t_grep "json: bob failing, default max" "$T/check" "bob [{'role': 'referent', 'source': 'file'}, {'role': 'volunteer', 'source': 'file'}] None 1 2026-03-02T10:00:00+01:00 5.1.1"
t_grep "json: quoted name" "$T/check" "coord Coordination, Parc [{'role': 'coordinator', 'source': 'file'}] []"

t_run "list --role referent" 0 cdp person list --role referent
t_grep "referent filter keeps anne" "$T/out" "anne@example.org"
t_nogrep "referent filter drops the coordinator" "$T/out" "coord@example.org"

# A bad file: reported with file, line and column; nothing changes.
cat >"$P" <<'CSV'
email,name,roles
bob@example.org,Bob Roux,volunteer
coord@example.org,Coordination,chef
CSV
t_run "bad people file: list fails" 1 cdp person list
t_grep "error names file, line and column" "$T/err" "$P:3: roles: 'chef' is not a role"
sql "SELECT group_concat(role || ':' || source) FROM person_roles r JOIN persons p ON p.id = r.person_id WHERE p.email = 'bob@example.org'" >"$T/bob"
t_grep "bad file changed nothing" "$T/bob" "referent:file,volunteer:file"

# Bob's line drops his referent role, the coordinator leaves the file:
# the database keeps both, and the sync says what differs and what to do.
printf 'email,roles\r\nbob@example.org,volunteer\r\n' >"$P"
t_run "fixed file: list works" 0 cdp person list
t_grep "bob keeps the referent role the file dropped" "$T/out" "referent(file), volunteer(file)"
t_grep "anne keeps her database role" "$T/out" "referent(db)"
t_grep "the coordinator is kept" "$T/out" "coord@example.org"
t_sql "the file removed nothing, deactivated nobody" "0|bob@example.org=1,coord@example.org=1" \
    "SELECT (SELECT count(*) FROM events WHERE kind IN ('role_removed', 'person_deactivated') AND json_extract(details, '$.by') = 'file'), group_concat(email || '=' || active) FROM persons WHERE email <> 'anne@example.org'"
t_grep "sync summary" "$T/err" "people: $P: 1 people, 0 added, 0 updated, 0 deactivated"
t_grep "notice names who is only in the database" "$T/err" "notice: people: $P: kept as the database has them: in the database, not in the file: coord@example.org (coordinator); roles the file does not give: bob@example.org referent."
t_grep "notice says how to act" "$T/err" "\`coupdepouce person import $P --prune --yes\` deactivates the people not in the file"
t_run "list again: the file is not applied twice" 0 cdp person list
t_nogrep "no second sync" "$T/err" "people:"
# Synced: the missing file, the first file, the fixed one (the bad one
# changed nothing).
t_sql "one people_file event per content" "3" "SELECT count(*) FROM events WHERE kind = 'people_file'"

# import: roles from the database, kept when the file changes.
cat >"$T/import.csv" <<'CSV'
email,roles,communes
anne@example.org,referent;volunteer,Ambert
dan@example.org,referent,Cunlhat
CSV
t_run "import" 0 cdp person import "$T/import.csv"
t_grep "import counts" "$T/out" "1 added, 1 updated"
: >"$P"
t_run "list after import and an empty file" 0 cdp person list --role referent
t_grep "imported role survives the file" "$T/out" "dan@example.org"
printf 'email,roles\nx@example.org,referent\nnot an address,volunteer\n' >"$T/bad.csv"
t_run "import of a bad file fails" 1 cdp person import "$T/bad.csv"
t_grep "import error names file, line and column" "$T/err" "$T/bad.csv:3: email: 'not an address' is not a mail address"
t_run "x was not imported either" 0 cdp person list
t_nogrep "bad import changed nothing" "$T/out" "x@example.org"
t_run "import of a missing file fails" 1 cdp person import "$T/none.csv"
t_grep "missing file named" "$T/err" "$T/none.csv"
t_run "import without a file is a usage error" 2 cdp person import

t_done
