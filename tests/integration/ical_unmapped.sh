# ical_unmapped.sh — `run`, the daemon itself, maps libical and ICU only
# while it builds a meeting invitation (out/ical_lib.c): not after its
# start, not after mail that needs no calendar, and no longer once the
# invitation is queued.  The invitation still carries its calendar.
. "$(dirname "$0")/../lib.sh"

cdp_network <<EOF2
EOF2
# The daemon runs on the real clock: outside the default working hours
# (evenings, weekends) the assignment would wait for the morning.
sed -i 's/^\[network\]$/&\nworking_hours = 00:00-24:00/' "$CONF"
D=$MS_DOMAIN
REF=CDP-2026-0001
# A date to come, whenever the test runs.
DAY=$(date -d '+20 days' +%d/%m/%Y)

# mapped: libical and ICU files in the daemon's memory map, one per line
# ("" when none).
mapped() {
	sed -n 's#.*/\(lib\(ical\|icu\)[^/ ]*\)$#\1#p' "/proc/$pid/maps" | sort -u
}

"$CDP" -c "$CONF" run 2>"$T/run.log" &
pid=$!
if wait_sql 0 0.1 100 "SELECT count(*) FROM messages"
then t_ok "run opens its database"
else t_not_ok "run opens its database" "$(tail -n 5 "$T/run.log")"; fi
sleep 1
is "after the start: neither libical nor ICU mapped" "$(mapped)" ""
case $(ldd "$CDP") in
*libical*) t_not_ok "the binary is not linked to libical" "$(ldd "$CDP" | grep ical)" ;;
*) t_ok "the binary is not linked to libical" ;;
esac

# A request: acknowledgement and assignment, no calendar.
printf 'From: Camille <holder@%s>\r\nTo: coupdepouce@%s\r\nSubject: Jardin partagé\r\nMessage-ID: <r1@%s>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nUn jardin partagé et un potager à Ambert, avec les voisins.\r\n' "$D" "$D" "$D" >"$T/request.eml"
mb_mark referent
t_run "holder writes" 0 $MAILBOX deliver coupdepouce "$T/request.eml"
t_got "the referent gets the case" referent "$T/assign.eml" \
    --subject "^Nouvelle demande à étudier \[$REF\]( \(.*\))?\$"
is "after mail without a calendar: neither mapped" "$(mapped)" ""

# ELIGIBLE then RENCONTRE: the invitation is built, with its calendar.
mb_mark holder
cdp_answer referent "$T/assign.eml" "ELIGIBLE
RENCONTRE $DAY 18h30 à la mairie"
if wait_sql 1 0.1 200 "SELECT count(*) > 0 FROM outbox WHERE template = 'meeting'"
then t_ok "run queues the invitation"
else t_not_ok "run queues the invitation" "$(tail -n 5 "$T/run.log")"; fi
t_got "the holder is invited" holder "$T/meeting.eml" \
    --subject "^Rencontre .* $DAY à 18h30 \[$REF\]\$"
t_grep "the invitation carries its calendar" "$T/meeting.eml" \
    "Content-Type: text/calendar; charset=UTF-8; method=REQUEST"
t_grep "which libical wrote" "$T/meeting.eml" "METHOD:REQUEST"
is "after the invitation: neither mapped any more" "$(mapped)" ""
kill -TERM $pid
wait $pid
is "run stops cleanly" "$?" 0
t_done
