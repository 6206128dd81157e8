# run_locked_db.sh — `coupdepouce run` started while another process holds
# an exclusive lock on the database for 16 s (beyond the 5 s busy
# timeout): it logs once that it waits, starts when the lock goes, and
# then answers a delivered mail; `poll` in the same situation ends with
# exit 1 and one clear line.
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3

ms_start
cdp_config
CONF="$T/cdp/coupdepouce.conf"
DB="$T/cdp/coupdepouce.db"
t_run "a first poll creates the database" 0 "$CDP" -c "$CONF" poll

# The lock: BEGIN EXCLUSIVE with a write, held 16 s, then committed.
$PY - "$DB" "$T/locked" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
c.execute("UPDATE outbox SET status = status")
open(sys.argv[2], "w").close()
time.sleep(16)
c.execute("COMMIT")
PY
lpid=$!
_n=0; while [ ! -e "$T/locked" ] && [ $_n -lt 50 ]; do sleep 0.1; _n=$((_n + 1)); done

# poll first, then run: the two also exclude each other (run_lock.sh), so
# started together one of them would be refused by the other's lock file.
t_run "poll on the locked database fails" 1 "$CDP" -c "$CONF" poll
t_grep "with one clear line" "$T/err" \
    "coupdepouce: error: $DB: database locked by another process, try again later (outbox: recover: database is locked)"
"$CDP" -c "$CONF" run 2>"$T/run.log" &
pid=$!
sleep 7	# run's first try (5 s busy timeout) has given up by now
if kill -0 "$pid" 2>/dev/null; then t_ok "run waits instead of exiting"; else
	t_not_ok "run waits instead of exiting" "$(cat "$T/run.log")"; fi
wait "$lpid"
t0=$(date +%s)
_n=0
while ! grep -q "running for" "$T/run.log" && [ $_n -lt 300 ]; do sleep 0.1; _n=$((_n + 1)); done
t1=$(date +%s)
if grep -q "running for" "$T/run.log" && kill -0 "$pid" 2>/dev/null; then
	t_ok "run starts once the lock goes"
else
	t_not_ok "run starts once the lock goes" "$(cat "$T/run.log")"
fi
echo "# run started $((t1 - t0)) s after the lock was released"
n=$(grep -cx "coupdepouce: warning: database locked by another process, waiting" "$T/run.log")
if [ "$n" = 1 ]; then t_ok "the wait is logged once"; else
	t_not_ok "the wait is logged once" "$n times in: $(cat "$T/run.log")"; fi
t_nogrep "no recover error" "$T/run.log" "outbox: recover"

t_run "a request arrives" 0 $MAILBOX send --as holder --to "coupdepouce@$MS_DOMAIN" \
    "$TOP/tests/data/compost_request.eml"
t_run "the running daemon acknowledges it" 0 $MAILBOX wait holder \
    --subject "Nous avons bien reçu" --timeout 30
t_sql "the case is stored" "1" "SELECT count(*) FROM cases"
kill "$pid"
wait "$pid"
t_run_rc=$?
if [ "$t_run_rc" = 0 ]; then t_ok "run stops cleanly"; else t_not_ok "run stops cleanly" "exit $t_run_rc"; fi
t_done
