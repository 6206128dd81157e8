# run_lock.sh — one mail-handling process per database: `poll` started
# while `run` works, and a second `run`, are refused with one line and
# exit 1 (an flock on DATABASE.lock, base/lockfile.h); the other commands
# (status, case list, backup) keep working beside `run`; the lock goes
# with its process, even one killed by SIGKILL.
. "$(dirname "$0")/../lib.sh"

ms_start
cdp_config
CONF="$T/cdp/coupdepouce.conf"
DB="$T/cdp/coupdepouce.db"

gen_mails "$T/mails" 2 lock
$MAILBOX deliver coupdepouce "$T/mails/lock-0.eml"
"$CDP" -c "$CONF" run 2>"$T/run.log" &
pid=$!
wait_sql 1 0.1 100 "SELECT count(*) FROM messages" 2>/dev/null &&
    t_ok "run stores the first mail" || t_not_ok "run stores the first mail"
is "the lock file names run's pid" "$(cat "$DB.lock")" "$pid"

t_run "poll while run runs is refused" 1 "$CDP" -c "$CONF" poll
is "with one line naming the holder" "$(cat "$T/err")" \
    "coupdepouce poll: $DB is in use by another run or poll (pid $pid, $DB.lock)"
# (timeout: a second run let through would never return.)
t_run "a second run is refused" 1 timeout 30 "$CDP" -c "$CONF" run
is "with the same line for run" "$(cat "$T/err")" \
    "coupdepouce run: $DB is in use by another run or poll (pid $pid, $DB.lock)"
kill -0 $pid 2>/dev/null && t_ok "the first run still works" ||
    t_not_ok "the first run still works"

# The other commands do not take the lock.
t_run "status beside run" 0 "$CDP" -c "$CONF" status
t_run "case list beside run" 0 "$CDP" -c "$CONF" case list
t_run "backup beside run" 0 "$CDP" -c "$CONF" backup "$T/copy.db"
is "the backup holds the stored mail" \
    "$(sqlite3 "$T/copy.db" "SELECT count(*) FROM messages")" 1

# run still handles new mail: nothing was lost to the refused commands.
$MAILBOX deliver coupdepouce "$T/mails/lock-1.eml"
wait_sql 2 0.1 100 "SELECT count(*) FROM messages" &&
    t_ok "run stores the next mail" || t_not_ok "run stores the next mail"

kill -TERM $pid
wait $pid
is "run stops cleanly" "$?" 0
t_run "poll once run has stopped" 0 "$CDP" -c "$CONF" poll
is "the inbox is empty" "$(folder_count INBOX)" 0

# A run killed outright leaves no stale lock.
"$CDP" -c "$CONF" run 2>"$T/run2.log" &
pid=$!
i=0
while [ "$(cat "$DB.lock" 2>/dev/null)" != "$pid" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -KILL $pid
wait $pid 2>/dev/null
t_run "poll after run was SIGKILLed" 0 "$CDP" -c "$CONF" poll
t_done
