# testimony.sh — holders asked to share their experience, through the real
# servers.  Five cases are closed on Monday 31 August 2026: the testimony
# requests are planned six months later, on the 28th of February (the
# month is shorter), a Sunday, so they run on Monday 1 March at 08:00.
# holder2 answers NON to the closing mail of one of their two cases, with
# a few words that reach the referent: that is recorded, thanked, and
# they are never asked; holder (Camille) gets exactly one request,
# answers "Oui, avec plaisir !" and a name, and is thanked, not
# forwarded.  A later
# case on the same theme (from other@) names Camille in its assignment
# mail, a case on another theme (from volunteer3@, who is no volunteer
# here) does not, and Camille's AIDE lists the testimony answers; their
# own second case neither names them nor asks them again when it closes.
# volunteer1@ (Claude, no volunteer either) has two cases closed the same
# day and gets one request, not two.
. "$(dirname "$0")/../lib.sh"

cdp_network <<EOF
referent,Romane Référente,referent,alimentation;energie,Ambert
EOF
# A non-breaking space; mailbox.py shows it as a plain space in subjects.
NB=$(printf '\302\240')
# poll NAME TIME: marks the mailboxes first: the waits after it only see
# the mail this poll sent.
poll() {
	mb_mark holder holder2 referent volunteer1
	cdp_poll "$@"
}
# got USER SUBJECT [BODY_RE]: waits for the mail with exactly SUBJECT sent
# since the last poll, keeps it in $T/got.eml
got() {
	t_got "$1 gets: $2" "$1" "$T/got.eml" --subject "$(rx "$2")" ${3:+--body "$3"}
}
answer() { cdp_answer "$@"; }		# USER ORIGINAL BODY
request() {	# USER NAME ID SUBJECT TEXT: a new mail to the contact address
	printf 'From: %s <%s@%s>\r\nTo: coupdepouce@%s\r\nSubject: %s\r\nMessage-ID: <%s@%s>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n' \
	    "$2" "$1" "$D" "$D" "$4" "$3" "$D" "$5" >"$T/$3.eml"
	$MAILBOX deliver coupdepouce "$T/$3.eml"
}
text() {	# FILE: the decoded text of a mail
	/usr/bin/python3 -c 'import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(m.get_body(("plain",)).get_content())' "$1"
}

# --- Three cases, closed on Monday 31 August 2026 ---------------------------
request holder "Camille Un" r1 "Jardin partagé" "Un jardin partagé à Ambert."
request holder2 "Dominique Deux" r2 "AMAP" "Une AMAP à Ambert."
request holder2 "Dominique Deux" r3 "Marché" "Un marché de producteurs à Ambert."
request volunteer1 "Claude Cinq" r6 "Compost" "Un compost collectif."
request volunteer1 "Claude Cinq" r7 "Ressourcerie" "Une ressourcerie."
poll "poll: five requests" "2026-08-31 09:00"
for n in 1 2 3 4 5; do
	t_got "referent gets: case $n" referent "$T/assign$n.eml" \
	    --subject "^Nouvelle demande à étudier \[CDP-2026-000$n\]( \(Ambert\))?$"
done
# holder2 and volunteer1 (Claude) write twice: their second case comes
# with a notice of a possible duplicate.
for n in 3 5; do
	t_new "a duplicate notice for case $n" referent 1 \
	    "Doublon possible d'un dossier que vous suivez [CDP-2026-000$n]"
done
t_new "five assignments and two notices, nothing else" referent 7
t_nogrep "no witness to suggest yet" "$T/assign1.eml" "partager leur exp"
for n in 1 2 3 4 5; do
	answer referent "$T/assign$n.eml" "ELIGIBLE
CLOTURER Bravo pour ce beau projet."
done
poll "poll: ELIGIBLE and CLOTURER" "2026-08-31 10:00"
t_sql "five cases closed" "closed|5" "SELECT state, count(*) FROM cases GROUP BY state"
# 31/08/2026 10:00 + 6 months: 28/02/2027 10:00 CET.
t_sql "one request planned per case, six months later" "1|1803805200|holder@$D
2|1803805200|holder2@$D
3|1803805200|holder2@$D
4|1803805200|volunteer1@$D
5|1803805200|volunteer1@$D" "SELECT j.case_id, j.due_at, p.email FROM jobs j JOIN persons p ON p.id = j.person_id WHERE j.kind = 'testimony' AND j.done_at IS NULL ORDER BY j.case_id"
got holder "Fin de l'accompagnement : merci ! [CDP-2026-0001]" "OUI ou NON sur la"
got holder2 "Fin de l'accompagnement : merci ! [CDP-2026-0002]" "OUI ou NON sur la"
cp "$T/got.eml" "$T/closing2.eml"

# --- holder2: NON to the closing mail, with a few words ---------------------
answer holder2 "$T/closing2.eml" "NON

Merci encore, l'épicerie tourne bien."
poll "poll: holder2 answers NON" "2026-09-01 10:00"
got holder2 "Votre réponse est bien notée [CDP-2026-0002]"
text "$T/got.eml" >"$T/thanks2.txt"
t_grep "the thanks say they will not be asked again" "$T/thanks2.txt" "poserons plus la question"
t_new "holder2 is thanked once, nothing else" holder2 1
t_sql "NON recorded with the case's themes and commune" "holder2@$D|no|1788249600|[\"alimentation\"]|Ambert" "SELECT p.email, t.answer, t.answered_at, t.themes, t.commune FROM testimonies t JOIN persons p ON p.id = t.person_id WHERE t.case_id = 2"
got referent "Nouveau message de Dominique Deux [CDP-2026-0002]" "l..picerie tourne bien"
t_new "the referent gets those words alone" referent 1
t_sql "no transcript besides the thanks" 0 "SELECT count(*) FROM outbox WHERE template = 'command_transcript' AND person_id = (SELECT id FROM persons WHERE email = 'holder2@$D')"

# --- Six months later ---------------------------------------------------------
poll "poll: Friday before" "2027-02-26 10:00"
t_sql "nothing due before" 0 "SELECT count(*) FROM outbox WHERE template = 'testimony_request'"
poll "poll: Sunday 28 February, the due day" "2027-02-28 11:00"
t_sql "nothing on a Sunday" 0 "SELECT count(*) FROM outbox WHERE template = 'testimony_request'"
poll "poll: Monday 08:00" "2027-03-01 08:00"
# (The weekly digest may run in the same poll: count the testimony jobs;
# holder2's was closed by their NON.)
t_sql "the four remaining jobs ran" 5 "SELECT count(*) FROM jobs WHERE kind = 'testimony' AND done_at IS NOT NULL"
got holder "Partager votre expérience avec d'autres personnes qui se lancent ? [CDP-2026-0001]" "31/08/2026"
cp "$T/got.eml" "$T/request1.eml"
t_new "holder is asked once" holder 1 \
    "Partager votre expérience avec d'autres personnes qui se lancent ? [CDP-2026-0001]"
t_new "volunteer1, with two cases closed, is asked once" volunteer1 1 \
    "Partager votre expérience avec d'autres personnes qui se lancent ? [CDP-2026-0004]"
t_new "and nothing else" volunteer1 1
t_new "holder2, who said NON, is not asked" holder2 0
poll "poll: later the same day" "2027-03-01 12:00"
t_nogrep "not run twice" "$T/poll.log" "asked to share"
t_new "no request again" holder 0
t_sql "one request per person, none to holder2 who said NON" "holder@$D|1
volunteer1@$D|4" "SELECT p.email, o.case_id FROM outbox o JOIN persons p ON p.id = o.person_id WHERE o.template = 'testimony_request' ORDER BY o.id"

# --- Camille: "Oui, avec plaisir !" and a sign-off ---------------------------
answer holder "$T/request1.eml" "Oui, avec plaisir !

Camille"
poll "poll: Camille answers OUI" "2027-03-01 14:00"
got holder "Merci d'accepter de partager votre expérience ! [CDP-2026-0001]"
cp "$T/got.eml" "$T/thanks1.eml"
t_sql "OUI recorded: a witness" "1|holder@$D|1803884400|yes|1803906000|[\"alimentation\"]|Ambert
2|holder2@$D||no|1788249600|[\"alimentation\"]|Ambert
4|volunteer1@$D|1803884400|||[\"dechets\"]|" "SELECT t.case_id, p.email, t.asked_at, t.answer, t.answered_at, t.themes, t.commune FROM testimonies t JOIN persons p ON p.id = t.person_id ORDER BY t.case_id"
t_sql "the answer is on the timeline" "yes" "SELECT json_extract(details, '$.answer') FROM events WHERE case_id = 1 AND kind = 'testimony_answer'"
t_sql "Camille's answer and sign-off are not forwarded" 1 "SELECT count(*) FROM outbox WHERE template = 'forward_to_referent'"
t_new "the referent gets nothing from it" referent 0

# --- New cases: the witness suggested on the same theme only ------------------
request other "Alix Trois" r4 "Potager" "Un potager partagé à Ambert."
request volunteer3 "Sacha Quatre" r5 "Solaire" "Des panneaux solaires sur la salle des fêtes d'Ambert."
request holder "Camille Un" r8 "Verger" "Un verger et un potager partagés à Ambert."
answer holder "$T/thanks1.eml" "AIDE"
poll "poll: three new requests and an AIDE" "2027-03-02 10:00"
got referent "Nouvelle demande à étudier [CDP-2027-0001] (Ambert)"
text "$T/got.eml" >"$T/assign4.txt"
t_line "the witness named, with commune and themes" "$T/assign4.txt" "  - Camille Un <holder@$D>, Ambert${NB}: Alimentation"
t_grep "their consent said" "$T/assign4.txt" "accepté d'être contactées"
t_nogrep "not the holder who said NON" "$T/assign4.txt" "holder2@"
got referent "Nouvelle demande à étudier [CDP-2027-0002] (Ambert)"
text "$T/got.eml" >"$T/assign5.txt"
t_grep "the other case is about energy" "$T/assign5.txt" "Énergie"
t_nogrep "no witness on another theme" "$T/assign5.txt" "holder@"
got referent "Nouvelle demande à étudier [CDP-2027-0003] (Ambert)"
cp "$T/got.eml" "$T/assign8.eml"
text "$T/assign8.eml" >"$T/assign8.txt"
t_line "the second case of a witness" "$T/assign8.txt" "  Expéditeur${NB}: Camille Un <holder@$D>"
t_nogrep "is not suggested to themself" "$T/assign8.txt" "<holder@$D>,"
got holder "Aide : les commandes du réseau [CDP-2026-0001]"
text "$T/got.eml" >"$T/help1.txt"
t_grep "AIDE: OUI to share their experience" "$T/help1.txt" "vous acceptez de partager votre expérience"
t_grep "AIDE: NON too" "$T/help1.txt" "ne vous sollicite pas"

# --- Camille's second initiative: a witness is not asked again --------------
answer referent "$T/assign8.eml" "ELIGIBLE
CLOTURER"
poll "poll: the second case closed" "2027-03-03 10:00"
got holder "Fin de l'accompagnement : merci ! [CDP-2027-0003]"
text "$T/got.eml" >"$T/closing8.txt"
t_nogrep "the closing mail does not ask again" "$T/closing8.txt" "OUI ou NON"
t_sql "and no request is planned" 0 "SELECT count(*) FROM jobs j JOIN cases c ON c.id = j.case_id WHERE c.ref = 'CDP-2027-0003' AND j.kind = 'testimony'"
t_done
