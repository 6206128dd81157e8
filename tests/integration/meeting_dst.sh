# meeting_dst.sh — RENCONTRE on the nights the clocks change, through the
# real servers.  28/03/2027 02:30 does not exist in Paris (02:00 CET
# becomes 03:00 CEST): the meeting is refused and the transcript says why,
# nothing is stored.  31/10/2027 02:30 happens twice (03:00 CEST becomes
# 02:00 CET): it is the first one, +02:00 (00:30 UTC), as RFC 5545 reads
# the invitation's DTSTART with TZID, and the reminders J-7 and J-1 are at
# 02:30 CEST of 24/10 and 30/10.  The daemon's clock is set to 01/03/2027
# (winter time) with --now, so that mktime() was last asked about a winter
# time when it reads the twice-happening one.
. "$(dirname "$0")/../lib.sh"

cdp_network </dev/null
. "$TOP/tests/timer_lib.sh"
# Each poll marks these mailboxes: the waits after it only see its mail.
MB_USERS="holder referent"
REF=CDP-2027-0001
NB=$(printf '\302\240')
# ical FILE: the event's DTSTART and DTEND (those with a TZID; the
# VTIMEZONE's own DTSTARTs have none)
ical() {
	/usr/bin/python3 - "$1" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
for p in m.walk():
    if p.get_content_type() == "text/calendar":
        t = p.get_content().replace("\r\n ", "").replace("\n ", "")
        print(" ".join(l for l in t.splitlines() if l.startswith(("DTSTART;TZID", "DTEND;TZID"))))
PY
}

request holder "Jardin partagé" 1
poll "poll: the request" "2027-03-01 10:00"
t_got "the referent gets the case" referent "$T/assign.eml" \
    --subject "$(rx "Nouvelle demande à étudier [$REF] (Ambert)")"

# --- spring forward: 02:30 does not exist ------------------------------------
cdp_answer referent "$T/assign.eml" "ELIGIBLE
RENCONTRE 28/03/2027 02h30 à la mairie"
poll "poll: RENCONTRE at a time the clocks skip" "2027-03-01 11:00"
t_got "the referent gets a transcript" referent "$T/skipped.eml" \
    --subject "^Suite donnée à vos commandes \[$REF\]$"
text "$T/skipped.eml"
t_line "it names the time as written, not run" "$T/skipped.eml.txt" \
    "    -> RENCONTRE (28/03/2027 02h30)$NB: non exécutée."
t_line "and says why" "$T/skipped.eml.txt" \
    "    -> cette heure n'existe pas ce jour-là$NB: les horloges avancent d'une"
t_nogrep "not as a date not understood" "$T/skipped.eml.txt" "la date n'a pas été comprise"
t_sql "no meeting stored" 0 "SELECT count(*) FROM meetings"
t_sql "no reminder planned" 0 "SELECT count(*) FROM jobs WHERE kind = 'meeting_reminder'"
t_sql "the case is still forming" "forming" "SELECT state FROM cases"
t_new "the holder got the decision, no invitation" holder 1 \
    "Votre demande d'accompagnement est acceptée [$REF]"
t_new "and nothing else" holder 1

# --- a date already past: said so, not "not understood" -----------------------
cdp_answer referent "$T/assign.eml" "RENCONTRE 15/02/2027 18h30 à la mairie"
poll "poll: RENCONTRE on a past date" "2027-03-01 11:30"
t_got "the referent gets a transcript" referent "$T/past.eml" \
    --subject "^Suite donnée à vos commandes \[$REF\]$"
text "$T/past.eml"
t_line "it says the date is past" "$T/past.eml.txt" \
    "    -> cette date est déjà passée$NB: indiquez une date à venir."
t_nogrep "not as a date not understood" "$T/past.eml.txt" "la date n'a pas été comprise"

# --- fall back: 02:30 happens twice ------------------------------------------
cdp_answer referent "$T/assign.eml" "RENCONTRE 31/10/2027 02h30 à la mairie"
poll "poll: RENCONTRE at a time that happens twice" "2027-03-01 12:00"
t_got "the holder is invited" holder "$T/invitation.eml" \
    --subject "^Rencontre du groupe le 31/10/2027 à 02h30 \[$REF\]$"
# 2027-10-31 00:30 UTC = 02:30 CEST, the first 02:30
t_sql "stored at its first occurrence, +02:00" 1824942600 "SELECT starts_at FROM meetings"
is "DTSTART 02:30 and DTEND two hours later, 03:30 CET" "$(ical "$T/invitation.eml")" \
    "DTSTART;TZID=Europe/Paris:20271031T023000 DTEND;TZID=Europe/Paris:20271031T033000"
# J-7: 24/10 02:30 CEST (00:30 UTC); J-1: 30/10 02:30 CEST (00:30 UTC)
t_sql "reminders J-7 and J-1 at 02:30 CEST" "7|1824337800
1|1824856200" "SELECT json_extract(payload, '\$.days'), due_at FROM jobs WHERE kind = 'meeting_reminder' ORDER BY due_at"
t_run "case show" 0 "$CDP" -c "$CONF" --now "2027-03-01 12:00" case show "$REF" --json
t_grep "the command line shows it with its offset" "$T/out" "2027-10-31T02:30:00+02:00"
t_done
