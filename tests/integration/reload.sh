# reload.sh — SIGHUP to a running `coupdepouce run`, against the real
# Dovecot and Postfix: a changed acknowledgement template is used for the
# next new case, without a new IMAP login; a template with a syntax error,
# a config file with an unknown key, then a rule that does not compile,
# are refused with one error line
# naming the file and line, the daemon keeps running on the last good
# files (the next acknowledgement still has the new text); changed IMAP
# settings make it log in again; 150 SIGHUP while mail comes and goes
# keep one IMAP login; SIGHUP during a network call does not end it.  RELOADING=1 and READY=1 go to the
# service manager around each reload.
. "$(dirname "$0")/../lib.sh"

ms_start
cdp_config
CONF="$T/cdp/coupdepouce.conf"
cp -r "$TOP/templates" "$T/tpl"
cp -r "$TOP/config/rules" "$T/rules"
sed -i -e "s|^templates = .*|templates = $T/tpl|" \
    -e "s|^rules = .*|rules = $T/rules|" "$CONF"
ACK="$T/tpl/fr/ack.txt"
OLD="et nous vous remercions de votre confiance. Votre demande est enregistrée"
NEW="et nous vous remercions vivement de votre confiance. Votre demande est enregistrée"

notify_listen "$T/notify.log"
run_start "$CONF" "$T/run.log" NOTIFY_SOCKET="$T/notify.sock"
pid=$RUN_PID

# wait_log TEXT: the daemon's log gets a line with TEXT within 20 s.
wait_log() { wait_text "$T/run.log" "$1"; }

# hup NAME TEXT: SIGHUP, then TEXT in the log (a check named NAME).
hup() {
	_before=$(grep -c "SIGHUP: reloading" "$T/run.log")
	kill -HUP $pid
	_n=0
	while [ "$(grep -c "SIGHUP: reloading" "$T/run.log")" = "$_before" ] && [ $_n -lt 100 ]; do
		sleep 0.1; _n=$((_n + 1))
	done
	wait_log "$2" && t_ok "$1" || t_not_ok "$1" "$(tail -n 5 "$T/run.log")"
}

# ack USER: USER writes a new request; their acknowledgement's text is
# left in $T/USER.txt.
ack() {
	cat >"$T/$1.eml" <<EOF
From: $1@$MS_DOMAIN
To: coupdepouce@$MS_DOMAIN
Subject: Compost partagé ($1)
Message-ID: <reload-$1-$$@$MS_DOMAIN>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Bonjour,

Nous voudrions installer un composteur partagé à Ambert.

Merci !
EOF
	$MAILBOX send --as "$1" --to "coupdepouce@$MS_DOMAIN" "$T/$1.eml" &&
	    $MAILBOX wait "$1" --subject "Nous avons bien reçu" --timeout 30 >"$T/$1.ack" &&
	    mail_text "$T/$1.ack" >"$T/$1.txt"
}

wait_log "connected to imaps://" && t_ok "the daemon logs in" ||
    t_not_ok "the daemon logs in" "$(cat "$T/run.log")"

# --- 1. A changed template is used after SIGHUP --------------------------------
grep -qxF "$OLD" "$ACK" && t_ok "the template has the line to change" ||
    t_not_ok "the template has the line to change"
sed -i "s/^$OLD\$/$NEW/" "$ACK"
hup "SIGHUP: reloaded" "reloaded $CONF with its templates and rules"
ack holder
t_run "the next acknowledgement has the new line" 0 grep -qxF "$NEW" "$T/holder.txt"
t_nogrep "and not the old one" "$T/holder.txt" "$OLD"

# --- 2. A template with a syntax error: refused, the daemon goes on ----------
cp "$ACK" "$T/ack.good"
sed -i '0,/{{\/holder_name}}/s//{{\/holder}}/' "$ACK"
hup "SIGHUP with a broken template: refused" "reload failed"
t_run "one error line naming the template's file and line" 0 grep -qxF \
    "coupdepouce: error: reload failed, keeping the running configuration: $ACK:19: {{/holder}} does not match {{#holder_name}} opened at line 17" "$T/run.log"
t_run "the daemon still runs" 0 kill -0 $pid
ack holder2
t_run "the next acknowledgement still has the last good text" 0 grep -qxF "$NEW" "$T/holder2.txt"

# --- 3. A broken config line: refused likewise --------------------------------
cp "$T/ack.good" "$ACK"
cp "$CONF" "$T/conf.good"
n=$(($(wc -l <"$CONF") + 2))
printf '[imap]\nbogus = 1\n' >>"$CONF"
_fails=$(grep -c "reload failed" "$T/run.log")
kill -HUP $pid
_n=0
while [ "$(grep -c "reload failed" "$T/run.log")" = "$_fails" ] && [ $_n -lt 100 ]; do sleep 0.1; _n=$((_n + 1)); done
t_run "one error line naming the config's file, line and key" 0 grep -qxF \
    "coupdepouce: error: reload failed, keeping the running configuration: $CONF:$n: bogus: unknown key in [imap]" "$T/run.log"
t_run "the daemon still runs" 0 kill -0 $pid
ack other
t_run "the acknowledgement still has the last good text" 0 grep -qxF "$NEW" "$T/other.txt"

# --- 4. A broken rule: refused likewise --------------------------------------
cp "$T/conf.good" "$CONF"
cp "$T/rules/auto.rules" "$T/auto.good"
line=$(grep -n '^bounce_subject' "$T/rules/auto.rules" | head -n 1 | cut -d: -f1)
sed -i "${line}s/.*/bounce_subject  ^(undelivered/" "$T/rules/auto.rules"
_fails=$(grep -c "reload failed" "$T/run.log")
kill -HUP $pid
_n=0
while [ "$(grep -c "reload failed" "$T/run.log")" = "$_fails" ] && [ $_n -lt 100 ]; do sleep 0.1; _n=$((_n + 1)); done
t_run "one error line naming the rule's file, line and name" 0 grep -qxF \
    "coupdepouce: error: reload failed, keeping the running configuration: $T/rules/auto.rules:$line: bounce_subject: missing closing parenthesis at offset 13 of the pattern" "$T/run.log"
t_run "the daemon still runs" 0 kill -0 $pid
cp "$T/auto.good" "$T/rules/auto.rules"

# --- 5. The IMAP session was kept through all of it ------------------------------
t_run "one IMAP login for four reloads" 0 test "$(grep -c "connected to imaps://" "$T/run.log")" = 1
t_run "RELOADING=1 four times" 0 test "$(grep -cxF RELOADING=1 "$T/notify.log")" = 4
t_run "READY=1 at start and after each reload" 0 test "$(grep -cxF READY=1 "$T/notify.log")" = 5

# --- 6. SIGHUP after SIGHUP while mail comes and goes: still one login ---------
( _i=0; while [ $_i -lt 150 ]; do kill -HUP $pid; sleep 0.02; _i=$((_i + 1)); done ) &
bpid=$!
ack volunteer3
wait $bpid
sleep 1
t_run "the acknowledgement during the burst has the new line" 0 grep -qxF "$NEW" "$T/volunteer3.txt"
t_run "150 SIGHUP while working: still one IMAP login" 0 test "$(grep -c "connected to imaps://" "$T/run.log")" = 1
t_nogrep "and no lost connection" "$T/run.log" "retrying in"

# --- 7. Changed IMAP settings: a new login -------------------------------------
sed 's/^timeout = 10s$/timeout = 12s/' "$T/conf.good" >"$CONF"
hup "SIGHUP with a new IMAP timeout" "reload: the IMAP settings changed, reconnecting"
wait_log "reloaded $CONF" >/dev/null
_n=0; while [ "$(grep -c "connected to imaps://" "$T/run.log")" -lt 2 ] && [ $_n -lt 100 ]; do sleep 0.1; _n=$((_n + 1)); done
t_run "and logs in again" 0 test "$(grep -c "connected to imaps://" "$T/run.log")" = 2

run_stop "stops cleanly after the reloads" 20000
kill $NOTIFY_PID; wait $NOTIFY_PID 2>/dev/null

# --- 8. SIGHUP during a network call does not break the call ------------------
# libetpan takes an interrupted read for a lost connection: the daemon
# lets SIGHUP in only while it waits.  A server that accepts and never
# greets keeps the daemon in its first read for the whole timeout (20 s).
silent_server
sed -e "s|^url = imaps://.*|url = imap://127.0.0.1:$SILENT_PORT|" \
    -e 's|^timeout = 10s|timeout = 20s|' "$T/conf.good" >"$T/cdp/hang.conf"
chmod 600 "$T/cdp/hang.conf"
run_start "$T/cdp/hang.conf" "$T/hang.run.log"
wait_line "$T/silent.log" accepted 100
sleep 0.5
kill -HUP $RUN_PID
sleep 1.5
t_nogrep "the read of the greeting goes on after SIGHUP" "$T/hang.run.log" "no IMAP greeting"
kill -TERM $RUN_PID
wait $RUN_PID
kill $SILENT_PID; wait $SILENT_PID 2>/dev/null
t_done
