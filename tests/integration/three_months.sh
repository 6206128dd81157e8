# three_months.sh — a realistic network through four simulated months of
# 2027 (15 March to 16 July), with the real Dovecot and Postfix: four cases
# at different stages, the daemon polled three times a day (08:00, 12:00,
# 18:30) every day, weekends and holidays included.  At the end every
# mailbox is compared, mail by mail with its local date and subject, with
# what the network should have received: each reminder once, at the right
# time, moved past weekends, Easter Monday, Whit Monday and 14 July, and
# none once its reason is gone (meeting moved then cancelled, step done,
# case closed).  A generic check also finds no mail dated on a day off or
# outside working hours.
. "$(dirname "$0")/../lib.sh"
MS_EXTRA_USERS="holder3 holder4"
export MS_EXTRA_USERS

cdp_network <<EOP
referent,Romane Référente,referent,alimentation;biodiversite;dechets,Ambert;Marsac-en-Livradois
referent2,Rémi Référent,referent,energie;habitat,Thiers
volunteer1,Valérie Jardinière,volunteer,alimentation,
volunteer2,Victor Composteur,volunteer,alimentation;dechets,
volunteer3,Vanessa Apicultrice,volunteer,biodiversite,
EOP
printf '[timers]\ntestimony_delay = 2\n' >>"$CONF"
LOG="$T/polls.log"
: >"$LOG"

poll() {	# TIME: one poll at that local time, its log appended
	echo "== $1" >>"$LOG"
	"$CDP" -c "$CONF" --now "$1" poll >>"$LOG" 2>&1 ||
	    t_not_ok "poll at $1" "$(tail -n 5 "$LOG")"
}
NOW_DAY=""	# the last day tick() went through
tick() {	# UNTIL_DAY: polls every day at 08:00, 12:00, 18:30 up to it
	_d=$(date -d "$NOW_DAY + 1 day" +%F)
	while [ "$(date -d "$_d" +%s)" -le "$(date -d "$1" +%s)" ]; do
		for _h in 08:00 12:00 18:30; do poll "$_d $_h"; done
		NOW_DAY=$_d
		_d=$(date -d "$_d + 1 day" +%F)
	done
}
write() {	# USER SUBJECT BODY: a new mail to the network
	printf 'From: %s <%s@%s>\r\nTo: coupdepouce@%s\r\nSubject: %s\r\nMessage-ID: <%s.%s@%s>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s\r\n' \
	    "$1" "$1" "$D" "$D" "$2" "$1" "$(date +%s%N)" "$D" "$3" >"$T/new.eml"
	cdp_send "$1" "$T/new.eml"
}
answer() { cdp_answer "$@"; }		# USER ORIGINAL BODY
# mark_poll TIME USER...: marks the mailboxes of USER..., then polls: a
# got after it is met only by the mail sent since
mark_poll() {
	_at=$1
	shift
	mb_mark "$@"
	poll "$_at"
}
got() {	# USER SUBJECT_RE FILE: USER's mail matching, since the last mark
	mb_wait_new "$1" --subject "$2" --timeout 20 >"$3" ||
	    t_not_ok "$1 got '$2'"
}

# ---------------------------------------------------------------- the story
# Monday 15 March 2027.  Case A: a shared garden in Ambert; the group forms
# at once and meets on Tuesday 30 March, the day after Easter Monday.
NOW_DAY=2027-03-14
write holder "Jardin partagé à Ambert" "Nous voulons créer un jardin partagé à Ambert avec l'école."
mark_poll "2027-03-15 09:00" referent
A=CDP-2027-0001
got referent "^Nouvelle demande.*\\[$A\\]" "$T/assignA.eml"
answer referent "$T/assignA.eml" "ELIGIBLE
INVITER volunteer1@$D, volunteer2@$D"
mark_poll "2027-03-15 09:10" volunteer1 volunteer2
got volunteer1 "^Accepteriez-vous.*\\[$A\\]$" "$T/inv1.eml"
got volunteer2 "^Accepteriez-vous.*\\[$A\\]$" "$T/inv2.eml"
answer volunteer1 "$T/inv1.eml" "Oui, avec plaisir !"
answer volunteer2 "$T/inv2.eml" "OUI"
poll "2027-03-15 09:20"
answer referent "$T/assignA.eml" "INTERLOCUTEUR volunteer1@$D"
mark_poll "2027-03-15 09:30" volunteer1
got volunteer1 "^Présentation.*\\[$A\\]" "$T/introA.eml"
answer volunteer1 "$T/introA.eml" "RENCONTRE 30/03/2027 18h30 à la mairie d'Ambert"
poll "2027-03-15 09:40"
tick 2027-03-16

# Wednesday 17 March.  Case B: solar panels in Thiers; its referent never
# decides.
write holder2 "Panneaux solaires à Thiers" "Un projet de panneaux solaires partagés à Thiers, pour l'énergie du quartier."
poll "2027-03-17 10:00"
B=CDP-2027-0002
tick 2027-03-17

# Thursday 18 March.  Case C: beehives in Marsac-en-Livradois; the meeting
# is set, moved, then cancelled, and the case falls silent.
write holder3 "Ruches à Marsac-en-Livradois" "Installer des ruches pour la biodiversité à Marsac-en-Livradois."
mark_poll "2027-03-18 10:00" referent
C=CDP-2027-0003
got referent "^Nouvelle demande.*\\[$C\\]" "$T/assignC.eml"
answer referent "$T/assignC.eml" "ELIGIBLE
INVITER volunteer3@$D"
mark_poll "2027-03-18 10:10" volunteer3
got volunteer3 "^Accepteriez-vous.*\\[$C\\]$" "$T/inv3.eml"
answer volunteer3 "$T/inv3.eml" "OUI"
poll "2027-03-18 10:20"
answer referent "$T/assignC.eml" "INTERLOCUTEUR volunteer3@$D
RENCONTRE 08/04/2027 18h00 au rucher"
poll "2027-03-18 10:30"
tick 2027-03-18

# Friday 19 March.  Case D: a repair café in Ambert, accepted and closed the
# same day; its holder is asked to testify two months later.
write holder4 "Repair café à Ambert" "Un repair café pour réduire les déchets à Ambert."
mark_poll "2027-03-19 10:00" referent
DD=CDP-2027-0004
got referent "^Nouvelle demande.*\\[$DD\\]" "$T/assignD.eml"
answer referent "$T/assignD.eml" "ELIGIBLE"
poll "2027-03-19 10:10"
answer referent "$T/assignD.eml" "CLOTURER Le repair café tourne déjà très bien."
poll "2027-03-19 10:20"
tick 2027-03-21
poll "2027-03-22 08:00"

# Monday 22 March: case C's meeting moves to Monday 12 April.
answer referent "$T/assignC.eml" "RENCONTRE 12/04/2027 18h00"
poll "2027-03-22 10:00"
tick 2027-03-30

# Wednesday 31 March: case A's roadmap, two dated steps.
answer referent "$T/assignA.eml" "FEUILLE DE ROUTE
Nature : jardin partagé avec l'école.
- 15/05/2027 : premières plantations
- 13/07/2027 : bilan de saison
FIN"
poll "2027-03-31 10:00"
tick 2027-04-05

# Tuesday 6 April: case C's meeting is cancelled; nothing more happens
# on case C.
answer referent "$T/assignC.eml" "ANNULER RENCONTRE"
poll "2027-04-06 10:00"
tick 2027-05-17

# Tuesday 18 May (Monday 17 is Whit Monday): the "how did it go?" of the
# first step, due on Sunday, goes at 08:00; the contact answers FAIT.
mb_mark holder4
mark_poll "2027-05-18 08:00" volunteer1
got volunteer1 "^Comment s'est passée l'étape du 15/05/2027.*\\[$A\\]" "$T/askA.eml"
answer volunteer1 "$T/askA.eml" "FAIT"
poll "2027-05-18 10:00"
poll "2027-05-18 12:00"
poll "2027-05-18 18:30"
NOW_DAY=2027-05-18
tick 2027-05-19

# Thursday 20 May: the holder of case D agrees to testify.
got holder4 "^Partager votre expérience.*\\[$DD\\]" "$T/testimony.eml"
answer holder4 "$T/testimony.eml" "Oui, avec plaisir !"
poll "2027-05-20 10:00"
tick 2027-07-16

t_sql "step 1 done, step 2 still planned (overdue)" "premières plantations|done
bilan de saison|planned" "SELECT label, state FROM milestones WHERE case_id = 1 ORDER BY due_at"
t_sql "holder4 is a witness" "holder4@$D|yes" "SELECT p.email, t.answer FROM testimonies t JOIN persons p ON p.id = t.person_id"
t_sql "case B flagged late, case C inactive" "$B|2
$C|4" "SELECT ref, flags FROM cases WHERE flags <> 0 ORDER BY ref"

# ------------------------------------------------------- every mailbox
# By person, then by date: a mail delivered late by the SMTP server
# (under load) keeps its place.  Mails of the same minute are ordered by
# subject: two answers handled in one poll reach a mailbox in whatever order
# the SMTP server delivers them.
mb_settled
for u in holder holder2 holder3 holder4 referent referent2 volunteer1 volunteer2 volunteer3 coordinator; do
	TZ=Europe/Paris $MAILBOX list "$u" --dates | sed "s/^/$u\t/"
done | LC_ALL=C sort -s -t "$(printf '\t')" -k1,1 -k2,2 -k3 >"$T/mailboxes.txt"
if diff -u "$TOP/tests/data/three_months.txt" "$T/mailboxes.txt" >"$T/mailboxes.diff"; then
	t_ok "every mailbox holds exactly the expected mails, at the expected times"
else
	t_not_ok "every mailbox holds exactly the expected mails, at the expected times" "$(head -n 40 "$T/mailboxes.diff")"
fi
cp "$T/mailboxes.txt" "$BUILD/test-logs/three_months.mailboxes.txt" 2>/dev/null

# Independent of the list above: nothing dated on a weekend, a 2027
# holiday, or outside 08:00-20:00.
bad=$(/usr/bin/python3 - "$T/mailboxes.txt" <<'PY'
import datetime, sys
off = {"2027-03-29", "2027-05-01", "2027-05-06", "2027-05-08", "2027-05-17", "2027-07-14"}
for line in open(sys.argv[1], encoding="utf-8"):
    user, when, subject = line.rstrip("\n").split("\t", 2)
    d = datetime.datetime.strptime(when, "%Y-%m-%d %H:%M")
    if d.weekday() >= 5 or when[:10] in off or not (8 <= d.hour < 20):
        print(line.rstrip("\n"))
PY
)
[ -z "$bad" ] && t_ok "no mail on a day off or outside working hours" || t_not_ok "no mail on a day off or outside working hours" "$bad"
t_done
