# floods.sh — scenario 4, floods and loops (sourced by torture.sh).
# Two badly made auto-responders (no RFC 3834 header) answer every mail
# the daemon sends them, one in the thread, one with a new subject each
# time, while polls run for a while on one day: the exchange must stop
# within the daily cap ([network] max_auto_per_day, 40).  Then 2 000 mails
# (TORTURE_LONG: 10 000; TORTURE_FLOOD sets it) from one address in one
# poll on a Saturday: each stored, bounded time and memory, one
# acknowledgement.

scenario_floods() {
	_t0=$(tt_ms)
	MS_EXTRA_USERS="loopt loopu flood" tt_up floods || return 1
	CRASHES=0
	_day="2026-11-30 10:00" _secs=$((TORTURE_SCALE * 25 / 100))
	# Long enough for several rounds of the loops even in a quick run.
	[ "$_secs" -ge 8 ] || _secs=8
	$GENMAIL new "$S/mails" 2 1 loop
	sed -i '1s/s001@/loopt@/; s/Habitant s001/Boucle/' "$S/mails/loop-0.eml"
	sed -i '1s/s001@/loopu@/; s/Habitant s001/Boucle/' "$S/mails/loop-1.eml"
	tt_deliver "$S/mails"
	for m in threaded unthreaded; do
		u=loopt
		[ $m = unthreaded ] && u=loopu
		/usr/bin/python3 "$TOP/scripts/torture/autoresponder.py" "$MS_ENV" $u $m \
		    $((_secs + 3)) >"$S/$u.count" 2>"$S/$u.err" &
	done
	_end=$(( $(tt_ms) + _secs * 1000 ))
	_polls=0
	while [ "$(tt_ms)" -lt $_end ]; do
		"$CDP" -c "$CONF" --now "$_day" poll 2>>"$S/poll.log"
		CRASHES=$((CRASHES + $(tt_crash $?)))
		_polls=$((_polls + 1))
		sleep 0.5
	done
	wait
	# What came back in the last seconds is stored too.
	tt_settle "$_day"
	_lt=$($MSGIDS "$ROOT" loopt | wc -l) _lu=$($MSGIDS "$ROOT" loopu | wc -l)
	_rt=$(cat "$S/loopt.count") _ru=$(cat "$S/loopu.count")
	[ "$_lt" -le 40 ] && [ "$_lu" -le 40 ] ||
	    tt_fail "floods: the loops went over the daily cap: $_lt, $_lu"
	_loopin=$(tt_sql "SELECT count(*) FROM messages WHERE direction = 'in'")

	# One address, thousands of mails, one poll.
	_n=${TORTURE_FLOOD:-2000}
	$GENMAIL new "$S/flood" "$_n" 1 flood
	sed -i 's/s001@/flood@/' "$S"/flood/*.eml
	tt_deliver "$S/flood"
	/usr/bin/time -f "%e %M" -o "$S/time" "$CDP" -c "$CONF" \
	    --now "2026-11-28 10:00" poll 2>"$S/flood.log"
	CRASHES=$((CRASHES + $(tt_crash $?)))
	read -r _fs _rss <"$S/time"
	tt_settle "2026-11-28 10:00"
	sleep 2
	_acks=$($MSGIDS "$ROOT" flood | wc -l)
	[ "$_acks" = 1 ] || tt_fail "floods: $_acks mails to the flooding address, want 1"
	find "$S/flood" -name '*.eml' -exec mv -t "$S/mails/" {} +
	_lost=$(tt_lost "$S/mails")
	_dup=$(tt_dup_rows)
	_note="loops: threaded $_rt answers / $_lt mails from us, unthreaded $_ru / $_lu, $_loopin mails in over $_polls polls; flood of $_n: $_fs s ($(echo "$_n $_fs" | awk '{ printf "%d", $1 / ($2 > 0 ? $2 : 1) }') mails/s), peak RSS $((_rss / 1024)) MiB, $_acks mail(s) to the sender; $(( ($(tt_ms) - _t0) / 1000 )) s"
	tt_row floods "$(ls "$S/mails" | wc -l)" 0 "$_lost" "$_dup" "$CRASHES" "$_note"
	tt_down
}
