# crash.sh — scenario 1, crash consistency (sourced by torture.sh).
#
# 2 000 mails (1 200 new requests from 200 senders, then replies by token
# to the daemon's answers, STATUT/AIDE/NOTE from the referents, delivery
# reports) go through repeated `poll`s that are SIGKILLed 20 times, at
# random or as soon as the database moves; then a week later the due
# reminders run under kills too.  Judged from the database and from the
# recipients' mailboxes: every mail stored once, no row twice for one
# mail, every due job done once, the inbox empty, and no mail received
# twice but those in flight at a kill (at most one per kill, same
# Message-ID).

scenario_crash() {
	_t0=$(tt_ms)
	_k=${TORTURE_CRASH_KILLS:-20}
	_senders=$(seq -f 's%03g' 1 200 | tr '\n' ' ')
	MS_EXTRA_USERS=$_senders tt_up crash || return 1
	KILLS=0 CRASHES=0
	_day1="2026-11-30 10:00" _day8="2026-12-08 10:00"

	# First wave: new requests; their answers are what the second wave
	# replies to.
	$GENMAIL new "$S/mails" "$((TORTURE_SCALE * 1200 / 100))" 200 req
	tt_deliver "$S/mails"
	tt_kill_polls $((_k * 2 / 5)) "$_day1"
	sleep 2		# the last answers reach their mailboxes
	# shellcheck disable=SC2086
	$GENMAIL replies "$S/m2" "$ROOT" "$((TORTURE_SCALE * 500 / 100))" rep $_senders &&
	    $GENMAIL commands "$S/m2" "$ROOT" "$((TORTURE_SCALE * 200 / 100))" cmd referent referent2 coordinator &&
	    $GENMAIL bounces "$S/m2" "$ROOT" "$((TORTURE_SCALE * 100 / 100))" bnc $_senders || return 1
	tt_deliver "$S/m2"
	mv "$S"/m2/*.eml "$S/mails/"
	tt_kill_polls $((_k * 2 / 5)) "$_day1"
	# A week later the decision reminders and the digest come due.
	tt_kill_polls $((_k - KILLS)) "$_day8"

	_mails=$(ls "$S/mails" | wc -l)
	_lost=$(tt_lost "$S/mails")
	_dup=$(( $(tt_dup_rows) + $(tt_sql "SELECT count(*) FROM (SELECT 1
	    FROM outbox WHERE template IN ('decision_reminder', 'digest')
	    GROUP BY template, case_id, person_id HAVING count(*) > 1)") ))
	_left=$(tt_inbox)
	_undone=$(tt_sql "SELECT count(*) FROM jobs WHERE done_at IS NULL
	    AND due_at <= CAST(strftime('%s', '2026-12-08 09:00:00') AS INTEGER)")
	_ran=$(tt_sql "SELECT count(*) FROM jobs WHERE done_at IS NOT NULL")
	_unsent=$(tt_sql "SELECT count(*) FROM outbox WHERE status <> 'sent'")
	sleep 2
	# shellcheck disable=SC2046
	_resent=$(tt_resent $(tt_users))
	_note="$KILLS kills, $_ran jobs run, $_undone due jobs not run, inbox left $_left, unsent $_unsent, resent $_resent (at most one per kill), $(( ($(tt_ms) - _t0) / 1000 )) s"
	[ "$_left" = 0 ] && [ "$_undone" = 0 ] && [ "$_unsent" = 0 ] &&
	    [ "$_resent" -le "$KILLS" ] || tt_fail "crash: $_note"
	tt_row crash "$_mails" "$KILLS" "$_lost" "$_dup" "$CRASHES" "$_note"
	tt_down
}
