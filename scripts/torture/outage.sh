# outage.sh — scenario 3, server faults (sourced by torture.sh): `run`
# stays up while Dovecot and Postfix are each stopped and started again
# (mail arriving meanwhile), then meets a server that accepts and never
# answers (the [imap]/[smtp] timeout must end the wait) and servers whose
# connections are cut mid-command.  Nothing is lost; the figures are the
# times from a server's return to the work being done.

# _outage_run: starts `run` (real clock) with $CONF; sets RUN_PID.
_outage_run() {
	"$CDP" -c "$CONF" run 2>>"$S/run.log" &
	RUN_PID=$!
}

# _outage_wave PREFIX: 30 new mails into the inbox, from 30 senders of
# their own (so that each wave is acknowledged: one acknowledgement per
# sender and day); sets WANT.
_outage_wave() {
	$GENMAIL new "$S/m-$1" "$((TORTURE_SCALE * 30 / 100))" 30 "$1"
	sed -i "s/s\([0-9][0-9][0-9]\)@/$1x\1@/g" "$S/m-$1"/*.eml
	tt_deliver "$S/m-$1"
	mv "$S/m-$1"/*.eml "$S/mails/"
	WANT=$(ls "$S/mails" | wc -l)
}

_outage_stored() {	# SECONDS: ms until every mail is stored
	tt_wait_sql "$WANT" "$1" "SELECT count(*) FROM messages WHERE direction = 'in'"
}

scenario_outage() {
	_t0=$(tt_ms)
	_rounds=$((TORTURE_SCALE * 2 / 100)) _users=""
	[ "$_rounds" -ge 1 ] || _rounds=1
	for w in $(seq 1 "$_rounds"); do
		_users="$_users $(seq -f "i${w}x%03g" 1 30) $(seq -f "s${w}x%03g" 1 30)"
	done
	_users="$_users $(seq -f 'hangx%03g' 1 30) $(seq -f 'cutx%03g' 1 30)"
	MS_EXTRA_USERS=$(echo $_users) TT_TIMEOUT=5s tt_up outage || return 1
	mkdir -p "$S/mails"
	KILLS=0 CRASHES=0 _imap="" _smtp=""
	_outage_run
	_r=1
	while [ $_r -le $_rounds ]; do
		bash "$MAILSERVER" stop-imap "$S/ms" 2>/dev/null
		_outage_wave "i$_r"
		sleep 3
		bash "$MAILSERVER" start-imap "$S/ms" 2>/dev/null
		_imap="$_imap $(_outage_stored 120)"
		bash "$MAILSERVER" stop-smtp "$S/ms" 2>/dev/null
		_outage_wave "s$_r"
		_outage_stored 120 >/dev/null
		sleep 3
		bash "$MAILSERVER" start-smtp "$S/ms" 2>/dev/null
		_smtp="$_smtp $(tt_wait_sql 0 180 "$TT_DUE_UNSENT")"
		KILLS=$((KILLS + 2))
		_r=$((_r + 1))
	done
	tt_stop "$RUN_PID" "outage: run"

	# A server that accepts and never answers: IMAP, then SMTP.
	cp "$CONF" "$S/conf.good"
	tt_proxy hang "$MS_IMAPS_PORT" hang
	sed -i "s|^url = imaps://127.0.0.1:.*|url = imaps://127.0.0.1:$PROXY_PORT|" "$CONF"
	_s=$(tt_ms)
	"$CDP" -c "$CONF" poll 2>>"$S/poll.log"
	CRASHES=$((CRASHES + $(tt_crash $?)))
	_hang_imap=$(( $(tt_ms) - _s ))
	cp "$S/conf.good" "$CONF"
	sed -i "s|^url = smtp://127.0.0.1:.*|url = smtp://127.0.0.1:$PROXY_PORT|" "$CONF"
	_outage_wave hang
	_s=$(tt_ms)
	"$CDP" -c "$CONF" poll 2>>"$S/poll.log"
	CRASHES=$((CRASHES + $(tt_crash $?)))
	_hang_smtp=$(( $(tt_ms) - _s ))
	kill "$PROXY_PID"
	KILLS=$((KILLS + 2))

	# Connections cut mid-command: the first five to IMAP, three to SMTP.
	cp "$S/conf.good" "$CONF"
	tt_proxy cutimap "$MS_IMAPS_PORT" cut:5
	_ci=$PROXY_PID
	sed -i "s|^url = imaps://127.0.0.1:.*|url = imaps://127.0.0.1:$PROXY_PORT|" "$CONF"
	tt_proxy cutsmtp "$MS_SUBMISSION_PORT" cut:3
	_cs=$PROXY_PID
	sed -i "s|^url = smtp://127.0.0.1:.*|url = smtp://127.0.0.1:$PROXY_PORT|" "$CONF"
	_outage_wave cut
	_outage_run
	_cut=$(_outage_stored 180)
	_cut="$_cut/$(tt_wait_sql 0 180 "$TT_DUE_UNSENT")"
	tt_stop "$RUN_PID" "outage: run"
	kill "$_ci" "$_cs"
	_cuts=$(cat "$S/cutimap.log" "$S/cutsmtp.log" | grep -c '^cut')
	KILLS=$((KILLS + _cuts))

	sleep 2
	_lost=$(tt_lost "$S/mails")
	_dup=$(tt_dup_rows)
	# shellcheck disable=SC2046
	_resent=$(tt_resent $(tt_users))
	_failed=$(tt_sql "SELECT count(*) FROM outbox WHERE status = 'failed'")
	_note="recovery ms after IMAP back:$_imap; after SMTP back:$_smtp; hung IMAP poll $_hang_imap ms, hung SMTP poll $_hang_smtp ms (timeout 5 s); $_cuts cuts, stored/sent after $_cut ms; resent $_resent, failed $_failed; $(( ($(tt_ms) - _t0) / 1000 )) s"
	case "$_imap$_smtp$_cut" in *timeout*) tt_fail "outage: no recovery: $_note" ;; esac
	[ "$_failed" = 0 ] && [ "$_resent" -le "$_cuts" ] &&
	    [ "$_hang_imap" -lt 60000 ] && [ "$_hang_smtp" -lt 60000 ] ||
	    tt_fail "outage: $_note"
	tt_row outage "$WANT" "$KILLS" "$_lost" "$_dup" "$CRASHES" "$_note"
	tt_down
}
