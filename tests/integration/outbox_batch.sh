# outbox_batch.sh — a batch of queued mails through the real Postfix
# (submission, STARTTLS + AUTH): one `poll` sends 40 mails over one SMTP
# connection (counted in Postfix's own log: one session, one AUTH, 40
# transactions), and a poll killed just after the server accepted the
# 12th mail of a batch of 30 leaves exactly 11 rows sent, the 12th
# 'sending' and the others queued: the result of a mail is committed
# before the next one goes to the server, so only the mail in flight can
# be sent twice.  The next poll sends the rest, each once more only for
# the interrupted one.
. "$(dirname "$0")/../lib.sh"
TOOL="$BUILD/tools/outboxtool"
MSGIDS="/usr/bin/python3 $TOP/scripts/torture/msgids.py"

ms_start
cdp_config "" "max_per_minute = 1000"
CONF="$T/cdp/coupdepouce.conf"
LOG="$MS_DIR/postfix.log"
printf 'Bonjour,\n\nUn rappel de la rencontre de jeudi.\n\nCoup de pouce\n' >"$T/body.txt"

# since LINE: the lines of Postfix's log after line LINE.
since() { tail -n +"$(($1 + 1))" "$LOG"; }
# sessions LINE: the submission sessions ended since LINE, one summary
# each ("ehlo=2 starttls=1 auth=1 mail=40 ..."), once Postfix logged them.
sessions() {
	_n=0
	while ! since "$1" | grep -q 'submission/smtpd.*disconnect from' &&
	    [ $_n -lt 100 ]; do
		sleep 0.1
		_n=$((_n + 1))
	done
	since "$1" | sed -n 's/.*submission\/smtpd\[[0-9]*\]: disconnect from [^ ]* //p'
}
check() {	# NAME WANT GOT
	if [ "$2" = "$3" ]; then t_ok "$1"; else t_not_ok "$1" "got '$3', want '$2'"; fi
}

# --- 1. 40 mails, one connection ---------------------------------------------
t_run "queue 40 urgent mails" 0 "$TOOL" -c "$CONF" enqueue --to "holder@$MS_DOMAIN" \
    --subject "Rappel" --body-file "$T/body.txt" --urgent --count 40
mark=$(wc -l <"$LOG")
t_run "one poll" 0 "$CDP" -c "$CONF" poll
t_sql "all 40 sent" "sent|40" "SELECT status, count(*) FROM outbox GROUP BY status"
check "one submission session: one STARTTLS, one AUTH, 40 transactions" \
    "ehlo=2 starttls=1 auth=1 mail=40 rcpt=40 data=40 noop=1 quit=1 commands=126" \
    "$(sessions "$mark")"
check "one connection to the submission port" 1 \
    "$(since "$mark" | grep -c 'submission/smtpd.*: connect from')"
t_run "all 40 delivered" 0 $MAILBOX wait holder --subject "^Rappel #" --count 40 --timeout 30

# --- 2. killed after the 12th of 30 ----------------------------------------------
first=$(($(sql "SELECT max(id) FROM outbox") + 1))
"$TOOL" -c "$CONF" enqueue --to "holder2@$MS_DOMAIN" --subject "Rappel" \
    --body-file "$T/body.txt" --urgent --count 30 >/dev/null
t_run "poll killed after the server accepted the 12th mail" 137 \
    env CDP_FAULT=outbox.sent:12 "$CDP" -c "$CONF" poll
t_sql "rows as the kill left them: 11 sent, the 12th sending, 18 queued" \
    "queued|18
sending|1
sent|11" "SELECT status, count(*) FROM outbox WHERE id >= $first GROUP BY status ORDER BY status"
t_sql "the one sending is the 12th" "$((first + 11))" \
    "SELECT id FROM outbox WHERE status = 'sending'"
t_sql "the 11 before it are the ones sent" "$first|$((first + 10))" \
    "SELECT min(id), max(id) FROM outbox WHERE id >= $first AND status = 'sent'"
t_run "the next poll" 0 "$CDP" -c "$CONF" poll
t_grep "queues the interrupted row again" "$T/err" "outbox: 1 mail interrupted while sending, queued again"
t_sql "all 30 sent, one attempt each" "sent|1|30" \
    "SELECT status, attempts, count(*) FROM outbox WHERE id >= $first GROUP BY status, attempts"
t_run "31 mails delivered: 30 and the interrupted one again" 0 \
    $MAILBOX wait holder2 --subject "^Rappel #" --count 31 --timeout 30
mb_settled
mid=$(sql "SELECT message_id FROM outbox WHERE id = $((first + 11))")
check "only the mail in flight arrived twice" "$(printf 'holder2\t<%s>' "$mid")" \
    "$($MSGIDS "$MS_MAIL_ROOT/$MS_DOMAIN" holder2 | sort | uniq -d)"
check "and 31 in all" 31 "$($MSGIDS "$MS_MAIL_ROOT/$MS_DOMAIN" holder2 | wc -l | tr -d ' ')"

t_done
