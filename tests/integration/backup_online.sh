# backup_online.sh — `coupdepouce backup FILE` while `run` ingests a few
# hundred mails from the real Dovecot: every copy taken mid-ingest is an
# undamaged database (PRAGMA integrity_check, foreign keys) holding whole
# batches only (each fetched mail with its case, the sequence of cases
# without a hole), between what the database held before and after the
# copy; a copy opens with the program (case list, status) once put in a
# config's [storage] database; FILE is never overwritten, never left half
# written, and is mode 0600.
. "$(dirname "$0")/../lib.sh"

N=400
ms_start
cdp_config "batch_size = 10"
CONF="$T/cdp/coupdepouce.conf"
B="$T/backups"
mkdir -p "$B"

t_run "backup before the first run: no database yet" 1 \
    "$CDP" -c "$CONF" backup "$B/none.db"
t_grep "says which file is missing" "$T/err" \
    "coupdepouce backup: $T/cdp/coupdepouce.db: No such file or directory"
[ ! -e "$B/none.db" ] && t_ok "and leaves no file" || t_not_ok "and leaves no file"
t_run "backup without FILE is a usage error" 2 "$CDP" -c "$CONF" backup
t_run "backup --help" 0 "$CDP" backup --help
t_grep "help says FILE is never overwritten" "$T/out" \
    "never overwritten: when it exists, nothing is copied (exit 1)"

gen_mails "$T/mails" $N bk
$MAILBOX deliver coupdepouce "$T"/mails/bk-*.eml
"$CDP" -c "$CONF" run 2>"$T/run.log" &
pid=$!
# The daemon creates the database at its start.
waits=0
until sql "SELECT count(*) FROM messages" 2>/dev/null | grep -qx '[0-9]*'; do
	[ $waits -ge 100 ] && break
	sleep 0.05
	waits=$((waits + 1))
done
# Copies as fast as they come while the daemon stores the mails; each
# copy's count must lie between the counts read before and after it.
i=0 mid=0 bad=""
while :; do
	before=$(sql "SELECT count(*) FROM messages WHERE direction = 'in'")
	[ "$before" -ge $N ] && break
	[ $i -ge 200 ] && break
	i=$((i + 1))
	if ! "$CDP" -c "$CONF" backup "$B/b$i.db" >"$T/bk.out" 2>"$T/bk.err"; then
		bad="$bad
b$i: $(cat "$T/bk.err")"
		continue
	fi
	after=$(sql "SELECT count(*) FROM messages WHERE direction = 'in'")
	echo "$i $before $after" >>"$T/counts"
	[ "$before" -gt 0 ] && [ "$after" -lt $N ] && mid=$((mid + 1))
done
wait_sql $N 0.2 100 "SELECT count(*) FROM messages WHERE direction = 'in'" ||
    t_not_ok "run stores the $N mails" "$(tail -n 5 "$T/run.log")"
kill -TERM $pid
wait $pid
t_run "one more backup once the daemon stopped" 0 "$CDP" -c "$CONF" backup "$B/final.db"
echo "# $i copies taken during the ingest, $mid while it was half done"
[ -z "$bad" ] && t_ok "every backup during the ingest succeeded" ||
    t_not_ok "every backup during the ingest succeeded" "$bad"
[ "$mid" -ge 1 ] && t_ok "at least one copy taken in the middle of the ingest" ||
    t_not_ok "at least one copy taken in the middle of the ingest" "$(cat "$T/counts" 2>/dev/null)"

# bsql FILE QUERY: QUERY on a copy.
bsql() { sqlite3 "$1" "$2"; }
problems=""
while read -r n before after; do
	f="$B/b$n.db"
	got=$(bsql "$f" "PRAGMA integrity_check")
	[ "$got" = ok ] || problems="$problems
b$n: integrity_check: $got"
	got=$(bsql "$f" "PRAGMA foreign_key_check" | head -n 3)
	[ -z "$got" ] || problems="$problems
b$n: foreign_key_check: $got"
	msgs=$(bsql "$f" "SELECT count(*) FROM messages WHERE direction = 'in'")
	[ "$msgs" -ge "$before" ] && [ "$msgs" -le "$after" ] || problems="$problems
b$n: $msgs mails, not between $before and $after"
	[ $((msgs % 10)) -eq 0 ] || problems="$problems
b$n: $msgs mails is not a whole number of batches of 10"
	got=$(bsql "$f" "SELECT (SELECT count(*) FROM cases) || ' ' ||
	    (SELECT count(*) FROM messages WHERE direction = 'in' AND
	     case_id IS NOT NULL) || ' ' || (SELECT coalesce(max(seq), 0) FROM cases)")
	[ "$got" = "$msgs $msgs $msgs" ] || problems="$problems
b$n: cases, mails with a case, last sequence: $got (want $msgs each)"
	[ "$(stat -c %a "$f")" = 600 ] || problems="$problems
b$n: mode $(stat -c %a "$f")"
done <"$T/counts"
[ -z "$problems" ] && t_ok "every copy: integrity ok, whole batches, counts agree, mode 600" ||
    t_not_ok "every copy: integrity ok, whole batches, counts agree, mode 600" "$problems"
t_sql "the final database holds the $N mails" $N \
    "SELECT count(*) FROM messages WHERE direction = 'in'"
got=$(bsql "$B/final.db" "SELECT count(*) FROM messages WHERE direction = 'in'")
[ "$got" = $N ] && t_ok "so does the copy taken after" || t_not_ok "so does the copy taken after" "got $got"
ls "$B" | grep -v '\.db$' >"$T/stray"
[ -s "$T/stray" ] && t_not_ok "no temporary file left" "$(cat "$T/stray")" ||
    t_ok "no temporary file left"

# Restore: a config whose database is a mid-ingest copy.
n=$(awk -v N=$N '$2 > 0 && $3 < N { print $1; exit }' "$T/counts")
[ -n "$n" ] || n=1
want=$(bsql "$B/b$n.db" "SELECT count(*) FROM cases")
cp "$B/b$n.db" "$T/restored.db"
chmod 600 "$T/restored.db"
cp "$CONF" "$T/restored.conf"
printf '[storage]\ndatabase = %s\n' "$T/restored.db" >>"$T/restored.conf"
chmod 600 "$T/restored.conf"
t_run "the restored copy opens: case list" 0 "$CDP" -c "$T/restored.conf" case list --json
got=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$T/out")
[ "$got" = "$want" ] && t_ok "case list shows the copy's $want cases" ||
    t_not_ok "case list shows the copy's $want cases" "got $got"
t_run "status reads the restored copy" 0 "$CDP" -c "$T/restored.conf" status --json
t_grep "status shows the copy's database" "$T/out" "\"database\""

# Never overwritten.
cp "$B/b1.db" "$T/b1.before"
t_run "a backup onto an existing file is refused" 1 "$CDP" -c "$CONF" backup "$B/b1.db"
t_grep "and says so" "$T/err" "coupdepouce backup: $B/b1.db: exists (a backup never overwrites a file)"
cmp -s "$B/b1.db" "$T/b1.before" &&
    t_ok "the existing file is untouched" || t_not_ok "the existing file is untouched"
t_done
