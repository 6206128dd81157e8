# digest_replan.sh — the planned digest follows [timers] digest_day and
# digest_time: a change (read at the next start or reload) moves the
# pending digest job to the new slot, counted from when it was planned,
# or to the next one from now when that slot is already past; without a
# change nothing moves; the digest then runs at the new slot only.
. "$(dirname "$0")/../lib.sh"
TZ=Europe/Paris
export TZ

cdp_network <<EOF2
referent,Romane Référente,referent,alimentation,
other,Colette Coordination,coordinator,,
EOF2
printf '[timers]\nreferent_reminder = 300\nreferent_flag = 365\ndigest_day = monday\ndigest_time = 08:00\n' >>"$CONF"
settings() {	# DAY TIME
	sed -i -e "s/^digest_day = .*/digest_day = $1/" \
	    -e "s/^digest_time = .*/digest_time = $2/" "$CONF"
}
poll() {	# NAME TIME
	t_run "$1" 0 "$CDP" -c "$CONF" --now "$2" poll
	cp "$T/err" "$T/poll.log"
}
pending() {
	sql "SELECT count(*) || ' ' || strftime('%Y-%m-%d %H:%M', min(due_at), 'unixepoch', 'localtime') FROM jobs WHERE kind = 'digest' AND done_at IS NULL"
}
printf 'From: Camille <holder@%s>\r\nTo: coupdepouce@%s\r\nSubject: Jardin partagé\r\nMessage-ID: <r.replan@%s>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nUn projet de jardin partagé à Ambert.\r\n' \
    "$D" "$D" "$D" >"$T/request.eml"

poll "poll: Monday 15 March, digest on Mondays at 08:00" "2027-03-15 10:00"
t_eq "planned for the next Monday" "1 2027-03-22 08:00" "$(pending)"

settings wednesday 09:30
poll "poll: Tuesday, now on Wednesdays at 09:30" "2027-03-16 10:00"
t_eq "moved to this Wednesday 09:30, still one job" "1 2027-03-17 09:30" "$(pending)"
t_eq "the log says so" "digest: re-planned for 2027-03-17 09:30 (the settings changed)" \
    "$(grep -o 'digest: .*' "$T/poll.log")"

poll "poll again, nothing changed" "2027-03-16 11:00"
t_eq "the job stays" "1 2027-03-17 09:30" "$(pending)"
t_nogrep "nothing re-planned" "$T/poll.log" "re-planned"

settings tuesday 09:30
$MAILBOX deliver coupdepouce "$T/request.eml"	# something to report
poll "poll: Thursday, now on Tuesdays: this week's is past" "2027-03-18 10:00"
t_eq "moved to next Tuesday" "1 2027-03-23 09:30" "$(pending)"
t_eq "no digest ran meanwhile" 0 \
    "$(sql "SELECT count(*) FROM jobs WHERE kind = 'digest' AND done_at IS NOT NULL")"

poll "poll: Tuesday 23 March 09:29" "2027-03-23 09:29"
t_nogrep "no digest a minute early" "$T/poll.log" "mail(s) queued"
poll "poll: Tuesday 23 March 09:30" "2027-03-23 09:30"
t_eq "the digest ran at the new slot" "digest: 2 mail(s) queued" \
    "$(grep -o 'digest: .*' "$T/poll.log")"
t_eq "the next one a week later" "1 2027-03-30 09:30" "$(pending)"
mb_settled
t_eq "two digest mails queued in all" 2 \
    "$(sql "SELECT count(*) FROM outbox WHERE template = 'digest'")"
t_done
