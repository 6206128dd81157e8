# hostile.sh — scenario 6, hostile input (sourced by torture.sh): the
# mails of hostile.py through `poll` (run it with a sanitizer build too:
# `make torture BUILD=build-asan` after building it as `make check`
# does).  No crash, each mail stored or quarantined with a readable
# reason, no header of the attacker's in any mail we send, no command run
# from a forged token or sender.

scenario_hostile() {
	_t0=$(tt_ms)
	MS_EXTRA_USERS=$(seq -f 'h%02g' 0 14 | tr '\n' ' ') tt_up hostile || return 1
	CRASHES=0
	/usr/bin/python3 "$TOP/scripts/torture/hostile.py" "$S/mails"
	tt_deliver "$S/mails"
	/usr/bin/time -f "%e %M" -o "$S/time" "$CDP" -c "$CONF" \
	    --now "2026-11-30 10:00" poll 2>"$S/poll.log"
	CRASHES=$((CRASHES + $(tt_crash $?)))
	read -r _secs _rss <"$S/time"
	tt_settle "2026-11-30 10:00"
	_q=$(tt_sql "SELECT count(*) FROM quarantine")
	_badq=$(tt_sql "SELECT count(*) FROM quarantine WHERE reason IS NULL
	    OR reason = '' OR reason GLOB ('*[' || char(1) || '-' || char(31) || char(127) || ']*')")
	[ "$_badq" = 0 ] || tt_fail "hostile: $_badq quarantine reasons empty or not one printable line"
	# The header block of every mail we queued: no line of the attacker's.
	_inj=$(tt_sql "SELECT count(*) FROM outbox WHERE
	    instr(substr(CAST(message AS TEXT), 1, instr(CAST(message AS TEXT), char(13, 10, 13, 10))),
	    char(10) || 'X-Injected:') > 0
	    OR instr(substr(CAST(message AS TEXT), 1, instr(CAST(message AS TEXT), char(13, 10, 13, 10))),
	    char(10) || 'Bcc:') > 0")
	[ "$_inj" = 0 ] || tt_fail "hostile: $_inj outgoing mails carry an injected header"
	_forged=$(tt_sql "SELECT count(*) FROM persons WHERE email LIKE 'evil%'")
	[ "$_forged" = 0 ] || tt_fail "hostile: a forged pool command ran"
	_status=$(tt_sql "SELECT count(*) FROM outbox WHERE template IN ('status', 'pool_joined', 'pool_welcome', 'pool_welcome_volunteer')")
	[ "$_status" = 0 ] || tt_fail "hostile: $_status answers to forged commands"
	_left=$(tt_inbox)
	[ "$_left" = 0 ] || tt_fail "hostile: $_left mails left in the inbox"
	_lost=$(tt_lost "$S/mails")
	_dup=$(tt_dup_rows)
	_note="$(ls "$S/mails" | wc -l) hostile mails in $_secs s, peak RSS $((_rss / 1024)) MiB; $_q quarantined ($(tt_sql "SELECT group_concat(substr(reason, 1, 40), ' | ') FROM quarantine")); $(tt_sql "SELECT count(*) FROM outbox") mails queued, $_inj with an injected header; forged commands run: $_status; $(( ($(tt_ms) - _t0) / 1000 )) s"
	tt_row hostile "$(ls "$S/mails" | wc -l)" 0 "$_lost" "$_dup" "$CRASHES" "$_note"
	tt_down
}
