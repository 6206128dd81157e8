# disk.sh — scenario 5, the database's disk full, read-only, locked
# (sourced by torture.sh).  The database lives on a small tmpfs: filled up
# to the last bytes, then remounted read-only, then held by another
# process's `BEGIN EXCLUSIVE` for 30 s while `run` works.  Each time: a
# clean error and no crash, `PRAGMA integrity_check` ok, no mail moved
# out of the inbox without its commit, and everything stored once the
# condition clears.

# _disk_poll NAME: one poll at a fixed working time; logs to $S/NAME.log;
# its exit status in _rc.
_disk_poll() {
	"$CDP" -c "$CONF" --now "2026-11-30 10:00" poll 2>"$S/$1.log"
	_rc=$?
	CRASHES=$((CRASHES + $(tt_crash $_rc)))
}

# _disk_check WHEN: the invariants that hold whatever the disk did.
_disk_check() {
	_ic=$(tt_sql "PRAGMA integrity_check")
	[ "$_ic" = ok ] || tt_fail "disk: $1: integrity_check: $_ic"
	_moved=$(( $(tt_inbox Processed) + $(tt_inbox Quarantine) ))
	_stored=$(tt_sql "SELECT (SELECT count(*) FROM messages WHERE direction = 'in') + (SELECT count(*) FROM quarantine)")
	[ "$_moved" -le "$_stored" ] ||
	    tt_fail "disk: $1: $_moved mails moved out of the inbox, $_stored stored"
}

_disk_wave() {	# PREFIX N
	$GENMAIL new "$S/m-$1" "$2" 20 "$1"
	tt_deliver "$S/m-$1"
	mv "$S/m-$1"/*.eml "$S/mails/"
}

scenario_disk() {
	_t0=$(tt_ms)
	mkdir -p "$T/disk/db"
	if ! mount -t tmpfs -o size=16m,mode=0755 tmpfs "$T/disk/db" 2>"$T/disk/mount.err"; then
		tt_row disk - - - - - "skipped: cannot mount a tmpfs here: $(head -n 1 "$T/disk/mount.err")"
		return 0
	fi
	MS_EXTRA_USERS=$(seq -f 's%03g' 1 20 | tr '\n' ' ') TT_DB="$T/disk/db/cdp.db" TT_TIMEOUT=5s tt_up disk || return 1
	mkdir -p "$S/mails"
	KILLS=0 CRASHES=0
	_disk_wave a 20
	_disk_poll first

	# Disk full: a filler leaves 64 KiB, 300 mails come.
	_free=$(df -k --output=avail "$S/db" | tail -n 1)
	dd if=/dev/zero of="$S/db/filler" bs=1k count=$((_free - 64)) 2>/dev/null
	_disk_wave b 300
	_disk_poll full
	_full_rc=$_rc
	_full_err=$(grep -m 1 -i "full\|disk\|error" "$S/full.log" | cut -c 1-120)
	KILLS=$((KILLS + 1))
	_disk_check "disk full"
	rm -f "$S/db/filler"
	_disk_poll full-cleared
	_disk_check "disk freed"
	_after_full=$(tt_sql "SELECT count(*) FROM messages WHERE direction = 'in'")

	# Read-only.
	_disk_wave c 20
	mount -o remount,ro "$S/db"
	_disk_poll readonly
	_ro_rc=$_rc
	_ro_err=$(grep -m 1 -i "read-only\|readonly\|error" "$S/readonly.log" | cut -c 1-120)
	mount -o remount,rw "$S/db"
	KILLS=$((KILLS + 1))
	_disk_check "read-only"
	_disk_poll ro-cleared
	_disk_check "read-write again"

	# Locked for 30 s by another process while `run` works.  A `poll`
	# tried meanwhile is refused at once by run's lock file (one run or
	# poll per database); a `run` started under the lock would wait for it
	# (tests/integration/run_locked_db.sh).
	_hold=$((TORTURE_SCALE * 30 / 100))
	"$CDP" -c "$CONF" run 2>"$S/run.log" &
	_run=$!
	sleep 2
	{ echo "BEGIN EXCLUSIVE;"; sleep "$_hold"; echo "COMMIT;"; } |
	    sqlite3 "$DB" &
	_lock=$!
	sleep 1
	_disk_wave d 20
	_s=$(tt_ms)
	_disk_poll locked
	_lock_poll="exit $_rc after $(( $(tt_ms) - _s )) ms ('$(grep -m 1 -i "locked\|busy\|in use" "$S/locked.log" | cut -c 1-100)')"
	wait $_lock
	_want=$(ls "$S/mails" | wc -l)
	_locked=$(tt_wait_sql "$_want" 120 "SELECT count(*) FROM messages WHERE direction = 'in'")
	KILLS=$((KILLS + 1))
	tt_stop $_run "disk: run under the lock"
	_lock_err=$(grep -m 1 -i "locked\|busy" "$S/run.log" | cut -c 1-100)
	_disk_check "locked"

	_lost=$(tt_lost "$S/mails")
	_dup=$(tt_dup_rows)
	_left=$(tt_inbox)
	[ "$_left" = 0 ] || tt_fail "disk: $_left mails left in the inbox"
	_note="full: poll exit $_full_rc ('$_full_err'), $_after_full stored once freed; read-only: exit $_ro_rc ('$_ro_err'); locked ${_hold} s: poll $_lock_poll, run '$_lock_err', all stored $_locked ms after the release; inbox left $_left; $(( ($(tt_ms) - _t0) / 1000 )) s"
	tt_row disk "$_want" "$KILLS" "$_lost" "$_dup" "$CRASHES" "$_note"
	tt_down
}
