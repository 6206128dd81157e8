# faults.sh — scenario 2, deterministic fault points (sourced by
# torture.sh): polls killed exactly between a batch's commit and its IMAP
# move (fetch.committed), between the SMTP server's 250 and the row's commit
# (outbox.sent) and after a due job's commit (timers.job), see base/fault.h.
# Nothing is lost or stored twice, and exactly one mail per outbox.sent
# kill reaches its recipient twice, with the same Message-ID.

scenario_faults() {
	_t0=$(tt_ms)
	_senders=$(seq -f 'f%03g' 1 50 | tr '\n' ' ')
	MS_EXTRA_USERS=$_senders tt_up faults "" "batch_size = 20" || return 1
	KILLS=0 CRASHES=0 _sent_kills=0
	$GENMAIL new "$S/mails" "$((TORTURE_SCALE * 200 / 100))" 50 fp
	sed -i 's/s\([0-9][0-9][0-9]\)@/f\1@/g' "$S"/mails/*.eml
	tt_deliver "$S/mails"
	for f in fetch.committed:1 fetch.committed:2 fetch.committed:3 outbox.sent:1 \
	    outbox.sent:7 outbox.sent:30 outbox.sent:2 @2026-12-08 timers.job:3 \
	    outbox.sent:5 timers.job:40 outbox.sent:100; do
		case $f in @*) _now="${f#@} 10:00"; continue ;; esac
		CDP_FAULT=$f "$CDP" -c "$CONF" --now "${_now:-2026-11-30 10:00}" poll 2>>"$S/poll.log"
		_rc=$?
		if [ $_rc = 137 ]; then
			KILLS=$((KILLS + 1))
			case $f in outbox.sent:*) _sent_kills=$((_sent_kills + 1)) ;; esac
		else
			CRASHES=$((CRASHES + $(tt_crash $_rc)))
			tt_log "faults: $f not reached (exit $_rc)"
		fi
	done
	tt_settle "${_now:-2026-11-30 10:00}"
	sleep 2
	_lost=$(tt_lost "$S/mails")
	_dup=$(tt_dup_rows)
	# shellcheck disable=SC2046
	_resent=$(tt_resent $(tt_users))
	_unsent=$(tt_sql "SELECT count(*) FROM outbox WHERE status <> 'sent'")
	_note="$KILLS kills ($_sent_kills at outbox.sent), resent $_resent, unsent $_unsent, inbox left $(tt_inbox), $(( ($(tt_ms) - _t0) / 1000 )) s"
	[ "$_resent" = "$_sent_kills" ] && [ "$(tt_inbox)" = 0 ] && [ "$_unsent" = 0 ] ||
	    tt_fail "faults: want $_sent_kills resent: $_note"
	tt_row faults "$(ls "$S/mails" | wc -l)" "$KILLS" "$_lost" "$_dup" "$CRASHES" "$_note"
	tt_down
}
