# smtp_handshake_cut.sh — a running `coupdepouce run` whose SMTP
# connections are cut in the middle of the TLS handshake (a proxy in front
# of the real Postfix, tests/tools/tlscutproxy.py, as when the server
# restarts): each cut is a temporary failure, logged as a deferral and
# retried on the fast schedule (15 s, 30 s), never a configuration error
# that pauses sending; the acknowledgement arrives soon after the cuts
# stop.
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3

ms_start
cdp_config
CONF="$T/cdp/coupdepouce.conf"

touch "$T/cut.flag"
$PY "$TOP/tests/tools/tlscutproxy.py" "$T/proxy.port" "$MS_SUBMISSION_PORT" \
    "$T/cut.flag" >"$T/proxy.log" &
ppid=$!
_n=0; while [ ! -s "$T/proxy.port" ] && [ $_n -lt 50 ]; do sleep 0.1; _n=$((_n + 1)); done
PPORT=$(cat "$T/proxy.port")
sed -i "s|^url = smtp://127.0.0.1:$MS_SUBMISSION_PORT\$|url = smtp://127.0.0.1:$PPORT|" "$CONF"
t_grep "SMTP goes through the proxy" "$CONF" "url = smtp://127.0.0.1:$PPORT"

"$CDP" -c "$CONF" run 2>"$T/run.log" &
pid=$!
stop_all() { kill "$pid" "$ppid" 2>/dev/null; wait "$pid" "$ppid" 2>/dev/null; }

# ack_tries N TIMEOUT: the acknowledgement has been tried N times within
# TIMEOUT s. Its row is followed, not the proxy's count of cuts: the
# forward to the referent is sent on its own schedule and its own cuts
# must not be taken for the acknowledgement's.
ack_tries() {
	wait_sql "$1" 0.1 $(($2 * 10)) \
	    "SELECT attempts FROM outbox WHERE template = 'ack' AND status = 'queued'"
}

t_run "a request arrives" 0 $MAILBOX send --as holder --to "coupdepouce@$MS_DOMAIN" \
    "$TOP/tests/data/compost_request.eml"
ack_tries 1 30 && grep -q '^cut$' "$T/proxy.log" &&
    t_ok "first SMTP connection cut mid-handshake" ||
    t_not_ok "first SMTP connection cut mid-handshake" "$(cat "$T/proxy.log"; tail -n 5 "$T/run.log")"
# The retry comes 15 s (+ 10 % jitter) later; a pause would wait 60 s.
ack_tries 2 25 && t_ok "retried within 25 s, cut again" ||
    t_not_ok "retried within 25 s, cut again" "$(cat "$T/proxy.log"; tail -n 5 "$T/run.log")"
rm -f "$T/cut.flag"
t0=$(date +%s)
t_run "the acknowledgement arrives once the cuts stop" 0 $MAILBOX wait holder \
    --subject "Nous avons bien reçu" --timeout 40
t1=$(date +%s)
echo "# acknowledgement delivered $((t1 - t0)) s after the cuts stopped"
stop_all

t_nogrep "no configuration pause" "$T/run.log" "check [smtp]"
# Each cut is one deferral line of the acknowledgement: first attempt,
# then the second. Other mails of the same request (the forward to the
# referent) may or may not be queued before a cut, so only the
# acknowledgement's row is compared.
ACKID=$(sql "SELECT message_id FROM outbox WHERE template = 'ack'")
grep -F "<$ACKID>" "$T/run.log" | sed -n 's/.*\(outbox: row [0-9]* <[^>]*> deferred until \)[^ ]*\( (attempt [0-9]*): \)\(smtp:[^:]*:[0-9]*\): .*/\1T\2\3/p' |
    sed 's/row [0-9]* <[^>]*>/row R <M>/' >"$T/deferred.out"
printf '%s\n' "outbox: row R <M> deferred until T (attempt 1): smtp://127.0.0.1:$PPORT" \
    "outbox: row R <M> deferred until T (attempt 2): smtp://127.0.0.1:$PPORT" >"$T/deferred.want"
diff -u "$T/deferred.want" "$T/deferred.out" >"$T/deferred.diff" &&
    t_ok "each cut logged as a temporary failure (deferral)" ||
    t_not_ok "each cut logged as a temporary failure (deferral)" "$(cat "$T/deferred.diff"; grep outbox "$T/run.log")"
t_sql "the mail is sent after three attempts" "sent|3" \
    "SELECT status || '|' || attempts FROM outbox WHERE template = 'ack'"
t_done
