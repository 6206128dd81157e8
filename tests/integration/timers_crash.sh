# timers_crash.sh — a SIGKILL in the middle of a batch of due jobs sends
# nothing twice and loses nothing: twelve invitation reminders come due
# together, the daemon is killed right after the fifth job's commit
# (CDP_FAULT, base/fault.h), and the next poll runs the seven others; each
# volunteer has exactly one reminder, through the real servers.
. "$(dirname "$0")/../lib.sh"
REPLY="/usr/bin/python3 $TOP/tests/tools/replymail.py"

N=12
MS_EXTRA_USERS=$(seq -f 'volunteer%g' 4 $N | tr '\n' ' ')
export MS_EXTRA_USERS
ms_start
D=$MS_DOMAIN
{
	echo "email,name,roles,themes,communes"
	echo "referent@$D,Romane Référente,referent,alimentation,Ambert"
	i=1
	while [ $i -le $N ]; do
		echo "volunteer$i@$D,Bénévole $i,volunteer,alimentation,"
		i=$((i + 1))
	done
} >"$T/people.csv"
cdp_people_config <"$T/people.csv"
# No daily retention job: this test counts every job a poll runs.
echo "keep_raw_days = 0" >>"$CONF"
poll() {	# NAME TIME [ENV...]
	_name=$1 _at=$2
	shift 2
	t_run "$_name" "${WANT:-0}" env "$@" "$CDP" -c "$CONF" --now "$_at" poll
	cp "$T/err" "$T/poll.log"
}
list=""
i=1
while [ $i -le $N ]; do
	list="$list${list:+, }volunteer$i@$D"
	i=$((i + 1))
done

printf 'From: Camille <holder@%s>\r\nTo: coupdepouce@%s\r\nSubject: Jardin partagé\r\nMessage-ID: <r1@%s>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nUn jardin partagé à Ambert.\r\n' "$D" "$D" "$D" >"$T/request.eml"
$MAILBOX deliver coupdepouce "$T/request.eml" >/dev/null
poll "poll: request" "2026-11-30 10:00"
$MAILBOX wait referent --timeout 20 >"$T/assignment.eml"
printf 'ELIGIBLE\nINVITER %s\n' "$list" | $REPLY "$T/assignment.eml" "referent@$D" >"$T/reply.eml"
$MAILBOX send --as referent --to "coupdepouce@$D" "$T/reply.eml"
$MAILBOX wait coupdepouce --timeout 20 >/dev/null
poll "poll: twelve invitations" "2026-11-30 11:00"
t_sql "twelve reminders planned" $N "SELECT count(*) FROM jobs WHERE kind = 'invitation_reminder' AND done_at IS NULL"

# Monday 7 December 09:00: the twelve reminders are due together.
WANT=137 poll "poll killed after the fifth job" "2026-12-07 09:00" CDP_FAULT=timers.job:5
t_sql "five jobs done" 5 "SELECT count(*) FROM jobs WHERE kind = 'invitation_reminder' AND done_at IS NOT NULL"
t_sql "five reminders queued with them" 5 "SELECT count(*) FROM outbox WHERE template = 'invitation_reminder'"
t_sql "each queued reminder's job is done" 0 "SELECT count(*) FROM outbox o WHERE o.template = 'invitation_reminder' AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.kind = 'invitation_reminder' AND j.person_id = o.person_id AND j.done_at IS NOT NULL)"
poll "poll after the crash" "2026-12-07 09:05"
# The seven other reminders, and the weekly digest due at 08:00.
t_grep "the seven others ran" "$T/poll.log" "ran 8 due timer(s)"
t_sql "every reminder job done" $N "SELECT count(*) FROM jobs WHERE kind = 'invitation_reminder' AND done_at IS NOT NULL"
poll "poll again" "2026-12-07 09:10"
t_nogrep "and nothing more" "$T/poll.log" "due timer"
t_sql "twelve reminders in all" $N "SELECT count(*) FROM outbox WHERE template = 'invitation_reminder'"
t_sql "one per volunteer" $N "SELECT count(DISTINCT person_id) FROM outbox WHERE template = 'invitation_reminder'"
i=1
while [ $i -le $N ]; do
	$MAILBOX wait volunteer$i --count 2 --timeout 20 >/dev/null
	i=$((i + 1))
done
mb_settled
bad=""
i=1
while [ $i -le $N ]; do
	got=$($MAILBOX list volunteer$i | awk -F '\t' '{print $3}' | grep -c '^Rappel')
	n=$($MAILBOX count volunteer$i)
	[ "$got" = 1 ] && [ "$n" = 2 ] || bad="$bad volunteer$i:$got/$n"
	i=$((i + 1))
done
[ -z "$bad" ] && t_ok "every volunteer: the invitation and exactly one reminder" || t_not_ok "every volunteer: the invitation and exactly one reminder" "$bad"
t_done
