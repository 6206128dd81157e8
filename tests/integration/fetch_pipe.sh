# fetch_pipe.sh — a pass's IMAP commands run in a second thread
# (fetch/fetch_pipe.h): mails come in pieces of 20 that never straddle two
# batches of group commit, each batch is stored in UID order, moved only
# after its commit, ten batches per MOVE and the rest at the end of the
# pass, and a stop drops what was fetched ahead, which stays in the inbox
# for the next pass.
. "$(dirname "$0")/../lib.sh"

N=130
ms_start
cdp_config "batch_size = 50"
CONF="$T/cdp/coupdepouce.conf"
seq_uids() { awk -v a="$1" -v b="$2" 'BEGIN { for (i = a; i <= b; i++) printf "%s%d", (i > a ? "," : ""), i }'; }

gen_mails "$T/mails" $N pipe
find "$T/mails" -name '*.eml' | sort -t- -k2 -n | xargs $MAILBOX deliver coupdepouce
is "the mails are in the inbox" "$(folder_count INBOX)" $N

t_run "poll with -v imap" 0 "$CDP" -v imap -c "$CONF" poll
sed 's/^coupdepouce: debug: //' "$T/err" >"$T/log"
is "three batches of group commit" \
    "$(sed -n 's/^batch of \([0-9]*\): fetch wait .*/\1/p' "$T/log" | tr '\n' ' ')" "50 50 30 "
is "fetched in pieces of at most 20 that end with each batch" \
    "$(sed -n 's/^fetched \([0-9]*\) message(s) in .*/\1/p' "$T/log" | tr '\n' ' ')" \
    "20 20 10 20 20 10 20 10 "
is "fewer than ten batches moved by one command" \
    "$(sed -n 's/^moved \([0-9]*\) message(s) to Processed (move) in .*/\1/p' "$T/log" | tr '\n' ' ')" \
    "130 "
is "the worker's commands in order: two pieces fetched ahead, the move after the last commit" \
    "$(sed -n 's/^\(fetched\|moved\) \([0-9]*\) .*/\1 \2/p' "$T/log" | tr '\n' ',')" \
    "fetched 20,fetched 20,fetched 10,fetched 20,fetched 20,fetched 10,fetched 20,fetched 10,moved 130,"
is "stored in UID order" \
    "$(sql "SELECT group_concat(imap_uid) FROM (SELECT imap_uid FROM messages ORDER BY id)")" \
    "$(seq_uids 1 $N)"
is "the inbox is empty" "$(folder_count INBOX)" 0
is "all are in Processed" "$(folder_count Processed)" $N
is "the summary counts them once" "$(sed -n 's/.*\(fetched [0-9]*: .*\)/\1/p' "$T/err")" \
    "fetched $N: $N stored, 0 already known, 0 quarantined; $N moved"
# The worker classifies a piece ahead only while this thread is busy with
# an earlier one; this thread classifies the others.
is "the first piece is not classified ahead: the main thread waits for it" \
    "$(sed -n 's/^fetched [0-9]* message(s) in [0-9.]* s, read in [0-9.]* s\(.*\)/[\1]/p' "$T/log" | head -n 1)" "[]"
is "every case classified alike, by whichever thread did it" \
    "$(sql "SELECT count(*) || ' ' || group_concat(DISTINCT themes) || ' ' || group_concat(DISTINCT commune) FROM cases")" \
    "$N [\"energie\"] Thiers"
echo "# pieces classified ahead: $(grep -c ', ahead$' "$T/log")"

# A stop just after the first batch's commit: that batch is moved, the
# pieces fetched ahead of the second one are dropped, and stay in the inbox.
gen_mails "$T/mails2" $N again
find "$T/mails2" -name '*.eml' | sort -t- -k2 -n | xargs $MAILBOX deliver coupdepouce
CDP_FAULT=fetch.committed:1:term "$CDP" -v imap -c "$CONF" run 2>"$T/run.log"
is "run stopped after the first batch exits with status 0" "$?" 0
t_grep "and says what it left" "$T/run.log" \
    "stopping the pass: $((N - 50)) new message(s) left in the inbox"
t_grep "after fetching the next piece ahead" "$T/run.log" \
    "fetched 20 message(s) in"
is "fifty more are stored" "$(sql "SELECT count(*) FROM messages")" $((N + 50))
is "and moved" "$(folder_count Processed)" $((N + 50))
is "the rest is still in the inbox" "$(folder_count INBOX)" $((N - 50))
t_run "the next poll" 0 "$CDP" -c "$CONF" poll
is "takes the rest: the inbox is empty" "$(folder_count INBOX)" 0
is "each stored once, in UID order" \
    "$(sql "SELECT count(DISTINCT message_id) || ' ' || group_concat(imap_uid) FROM (SELECT message_id, imap_uid FROM messages ORDER BY id)")" \
    "$((2 * N)) $(seq_uids 1 $((2 * N)))"

# Batches of 5: every ten committed batches are moved by one command, the
# rest at the end of the pass.
gen_mails "$T/mails3" $N third
find "$T/mails3" -name '*.eml' | sort -t- -k2 -n | xargs $MAILBOX deliver coupdepouce
sed -i 's/^batch_size = 50$/batch_size = 5/' "$CONF"
t_run "a poll in batches of 5" 0 "$CDP" -v imap -c "$CONF" poll
sed 's/^coupdepouce: debug: //' "$T/err" >"$T/log3"
is "26 batches" "$(grep -c '^batch of 5: ' "$T/log3")" 26
is "moved ten batches at a time" \
    "$(sed -n 's/^moved \([0-9]*\) message(s) to Processed (move) in .*/\1/p' "$T/log3" | tr '\n' ' ')" \
    "50 50 30 "
is "the first move queued after the tenth commit, when 60 mails were asked for" \
    "$(awk '/^fetched [0-9]+ message/ { n += $2 } /^moved / { print n; exit }' "$T/log3")" 60
is "the inbox is empty again" "$(folder_count INBOX)" 0
is "all $((3 * N)) in Processed" "$(folder_count Processed)" $((3 * N))
t_done
