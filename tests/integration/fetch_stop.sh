# fetch_stop.sh — SIGTERM during a long pass (a storm of mails in the
# inbox): `run` ends the pass after the batch it is in, committed and
# moved, and exits at once with status 0, well before the 5 s after
# which it would be killed; every stored mail is out of the inbox, the
# others are still in it, and the next pass takes them, each once.
. "$(dirname "$0")/../lib.sh"

N=300
ms_start
# Batches of one mail: a pass over the storm is long (a commit per mail,
# a move per ten), the batch a stop waits for is short.
cdp_config "batch_size = 1"
CONF="$T/cdp/coupdepouce.conf"
is() {	# name, got, want
	if [ "$2" = "$3" ]; then t_ok "$1"; else t_not_ok "$1" "got '$2', want '$3'"; fi
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }

gen_mails "$T/mails" $N storm
find "$T/mails" -name '*.eml' | xargs $MAILBOX deliver coupdepouce
is "the storm is in the inbox" "$(folder_count INBOX)" $N

# A stop that comes just after the fifth batch's commit, before its move:
# the batch is moved, then the pass ends.
CDP_FAULT=fetch.committed:5:term "$CDP" -c "$CONF" run 2>"$T/run.log"
is "run stopped at the fifth batch exits with status 0" "$?" 0
t_grep "and says it stopped the pass" "$T/run.log" \
    "stopping the pass: $((N - 5)) new message(s) left in the inbox"
is "the five stored mails" "$(sql "SELECT count(*) FROM messages")" 5
is "are out of the inbox" "$(folder_count Processed)" 5
is "the others are still in it" "$(folder_count INBOX)" $((N - 5))

# A stop from outside, whenever it comes.
"$CDP" -c "$CONF" run 2>"$T/run.log" &
pid=$!
# The pass has begun: a few more batches are stored.
i=0
until [ "$(sql "SELECT count(*) >= 30 FROM messages")" = 1 ]; do
	i=$((i + 1))
	[ $i -le 1200 ] || break
	sleep 0.05
done
start=$(now_ms)
kill -TERM $pid
wait $pid
status=$?
took=$(($(now_ms) - start))
is "run exits with status 0 after SIGTERM" "$status" 0
if [ "$took" -le 2000 ]; then
	t_ok "within 2 s of the signal ($took ms)"
else
	t_not_ok "within 2 s of the signal" "took $took ms"
fi
t_nogrep "not through the grace kill" "$T/run.log" "stopping took more than"
# A signal that lands in a network call ends that call (the daemon is
# leaving): the batch is then stored but not moved yet, for the next pass.
stored=$(sql "SELECT count(*) FROM messages")
left=$(folder_count INBOX)
moved=$(folder_count Processed)
if [ "$moved" -eq "$stored" ] || [ "$moved" -eq $((stored - 1)) ]; then
	t_ok "the stored mails are out of the inbox, but for the last batch"
else
	t_not_ok "the stored mails are out of the inbox" "$moved moved, $stored stored"
fi
is "nothing else left the inbox" "$((moved + left))" $N
if [ "$left" -gt 0 ]; then
	t_ok "the pass did not run to its end ($left left)"
else
	t_not_ok "the pass did not run to its end" "none left in the inbox"
fi

cdp_config "batch_size = 100"
t_run "the next poll" 0 "$CDP" -c "$CONF" poll
is "takes the rest: the inbox is empty" "$(folder_count INBOX)" 0
is "all are in Processed" "$(folder_count Processed)" $N
is "each stored once" \
    "$(sql "SELECT count(*) || ' ' || count(DISTINCT message_id) FROM messages")" "$N $N"
t_done
