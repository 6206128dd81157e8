# meeting_reply.sh — answers to the meeting from a calendar (iTIP REPLY),
# through the real servers: the holder declines, the privileged contact
# accepts.  The attendance is recorded, and the referent and the
# privileged contact (not the one who answered) get a sentence saying
# who answered what; the holder's empty calendar mail is not forwarded.
. "$(dirname "$0")/../lib.sh"

cdp_network <<EOF
volunteer1,Valérie Un,volunteer,alimentation,
EOF
. "$TOP/tests/timer_lib.sh"
REF=CDP-2026-0001
DECLINED="holder a décliné la rencontre du 10/12/2026 à 18h30 [$REF]"
ACCEPTED="Valérie Un a accepté la rencontre du 10/12/2026 à 18h30 [$REF]"

# itip_reply MEETING_MAIL USER PARTSTAT: USER's calendar answers the
# invitation in MEETING_MAIL, as clients send it: in the thread, an
# empty text part and the REPLY
itip_reply() {
	/usr/bin/python3 - "$1" "$2@$D" "$3" >"$T/itip.eml" <<'PY'
import email, email.policy, sys
from email.message import EmailMessage
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
who, partstat = sys.argv[2], sys.argv[3]
for p in m.walk():
    if p.get_content_type() == "text/calendar":
        t = p.get_content().replace("\r\n ", "").replace("\n ", "")
        f = dict(l.split(":", 1) for l in t.splitlines() if ":" in l)
ics = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//Agenda//FR",
    "METHOD:REPLY", "BEGIN:VEVENT", "UID:" + f["UID"], "SEQUENCE:" + f.get("SEQUENCE", "0"),
    "DTSTAMP:20261201T090000Z",
    "ATTENDEE;PARTSTAT=%s:mailto:%s" % (partstat, who), "END:VEVENT", "END:VCALENDAR", ""])
r = EmailMessage()
r["From"] = who
r["To"] = str(m["From"])
r["Subject"] = "Réponse : " + str(m["Subject"])
r["In-Reply-To"] = m["Message-ID"]
r["References"] = m["Message-ID"]
r["Message-ID"] = "<itip-%s-%s>" % (partstat.lower(), who)
r.set_content("")
r.add_attachment(ics.encode(), maintype="text", subtype="calendar", params={"method": "REPLY"})
sys.stdout.write(r.as_string())
PY
	cdp_send "$2" "$T/itip.eml"
}
MEETING="Rencontre du groupe le 10/12/2026 à 18h30 [$REF]"

with_group
# Each poll from now on marks these mailboxes: the waits after it only
# see its mail.
MB_USERS="holder volunteer1 referent"
cdp_answer referent "$T/assign.eml" "INTERLOCUTEUR volunteer1@$D
RENCONTRE 10/12/2026 18h30 à la mairie"
poll "poll: RENCONTRE" "2026-11-30 13:00"
t_got "the holder is invited" holder "$T/meeting_holder.eml" --subject "$(rx "$MEETING")"
t_got "the volunteer is invited" volunteer1 "$T/meeting_vol.eml" --subject "$(rx "$MEETING")"

itip_reply "$T/meeting_holder.eml" holder DECLINED
poll "poll: the holder declines from the calendar" "2026-12-01 10:00"
is "the attendance is recorded" "$(sql "SELECT json_extract(details, '\$.partstat') FROM events WHERE kind = 'attendance'")" "DECLINED"
t_got "the referent is told in words" referent "$T/declined.eml" --subject "$(rx "$DECLINED")"
text "$T/declined.eml"
t_grep "it says what to do" "$T/declined.eml.txt" "commande RENCONTRE date heure lieu"
t_got "the privileged contact too" volunteer1 "$T/declined2.eml" --subject "$(rx "$DECLINED")"
t_new "the empty mail is not forwarded: the referent gets that one mail" referent 1
t_new "the holder who answered is not told" holder 0

itip_reply "$T/meeting_vol.eml" volunteer1 ACCEPTED
poll "poll: the contact accepts" "2026-12-01 11:00"
t_got "the referent is told" referent "$T/accepted.eml" --subject "$(rx "$ACCEPTED")"
t_new "once, and nothing else" referent 1
t_new "not the one who answered" volunteer1 0
is "two answers on the timeline" "$(sql "SELECT count(*) FROM events WHERE kind = 'attendance'")" 2
t_done
