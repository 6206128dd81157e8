# retention_idle.sh — `run` deletes the mailbox copies the retention
# queued (fetch/retention_erase.c) from the processed folder, over its
# own connection, 500 Message-IDs a cycle with the next cycle a second
# later, then goes back to the inbox: a request that arrives afterwards
# is taken at once through IDLE, not at the next re-issue.
. "$(dirname "$0")/../lib.sh"

cdp_network <<EOF2
EOF2
# The daemon runs on the real clock: all day, so nothing waits.
sed -i 's/^\[network\]$/&\nworking_hours = 00:00-24:00/' "$CONF"
D=$MS_DOMAIN
request() {	# ID SUBJECT
	printf 'From: Camille <holder@%s>\r\nTo: coupdepouce@%s\r\nSubject: %s\r\nMessage-ID: <%s@%s>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nUn jardin partagé et un potager à Ambert, avec les voisins.\r\n' "$D" "$D" "$2" "$1" "$D" >"$T/$1.eml"
	$MAILBOX deliver coupdepouce "$T/$1.eml"
}
processed() { $MAILBOX list coupdepouce --folder Processed --ids | sort | tr '\n' ' '; }

request r1 "Jardin partagé"
request r2 "Poulailler"
request r4 "Rucher"
t_run "poll: three requests" 0 "$CDP" -c "$CONF" poll
is "all three in Processed" "$(processed)" "<r1@$D> <r2@$D> <r4@$D> "

# A crash between the deletion and the dequeue: the next pass searches
# again, finds nothing, and dequeues.
sql "INSERT INTO mailbox_erase VALUES ('r4@$D', 1)"
t_run "poll killed once the copy is deleted" 137 env CDP_FAULT=retention.erased:1 "$CDP" -c "$CONF" poll
is "the copy is gone" "$(processed)" "<r1@$D> <r2@$D> "
t_sql "still queued" "r4@$D" "SELECT message_id FROM mailbox_erase"
t_run "the next poll" 0 "$CDP" -c "$CONF" poll
t_grep "searches again and finds nothing" "$T/err" "retention: 0 mailbox copies of purged mails deleted (1 Message-ID searched)"
t_sql "the queue is empty" 0 "SELECT count(*) FROM mailbox_erase"
# As the daily purge queues purged mails (store/retention_db.c): a
# thousand whose copies are gone already, then one still there.
sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
    INSERT INTO mailbox_erase SELECT 'gone' || i || '@$D', 1 FROM n;
    INSERT INTO mailbox_erase VALUES ('r1@$D', 2)"

"$CDP" -c "$CONF" run 2>"$T/run.log" &
pid=$!
if wait_sql 0 0.1 300 "SELECT count(*) FROM mailbox_erase"
then t_ok "run empties the queue"
else t_not_ok "run empties the queue" "$(tail -n 5 "$T/run.log")"; fi
is "its copy left Processed, the other stayed" "$(processed)" "<r2@$D> "
grep 'retention: .* deleted' "$T/run.log" >"$T/passes"
P="coupdepouce: retention:"
is "three cycles, 500 at most each" "$(cat "$T/passes")" "$P 0 mailbox copies of purged mails deleted (500 Message-IDs searched, more at the next cycle)
$P 0 mailbox copies of purged mails deleted (500 Message-IDs searched, more at the next cycle)
$P 1 mailbox copy of purged mails deleted (1 Message-ID searched)"
# IDLE on the inbox again: the next request is taken within seconds.
sleep 1
request r3 "Composteur"
if wait_sql 1 0.1 100 "SELECT count(*) FROM messages WHERE message_id = 'r3@$D'"
then t_ok "a request after it is taken at once"
else t_not_ok "a request after it is taken at once" "$(tail -n 5 "$T/run.log")"; fi
kill -TERM $pid
wait $pid
is "run stops cleanly" "$?" 0
t_done
