# cases_intake.sh — issue "Cases" end to end, with the real Dovecot and
# Postfix: a holder writes, gets an acknowledgement naming the reference,
# the referent chosen by commune and theme gets the assignment; the
# holder's replies from Thunderbird and Outlook land in the same case and
# are forwarded to the referent (attachment included); a reply without
# the tag but with our In-Reply-To lands there too; an out-of-office is
# recorded and not answered; a bounce flags the address and tells the
# referent; a new thread from the same holder is a new case whose
# referent hears of the possible duplicate; 50 mails from one address in
# a minute open 50 cases and get one acknowledgement.
. "$(dirname "$0")/../lib.sh"
DATA="$TOP/tests/data/cases"

ms_start
cdp_people_config <<EOF
email,name,roles,themes,communes,max_open_cases,active
referent@$MS_DOMAIN,Romane Référente,referent,alimentation;biodiversite,Ambert,,1
referent2@$MS_DOMAIN,Rémi Référent,referent,energie;habitat,Thiers;Courpière,3,1
volunteer1@$MS_DOMAIN,Valérie Bénévole,volunteer,energie,,,1
volunteer2@$MS_DOMAIN,Victor Bénévole,volunteer,alimentation,,,1
EOF
NOW="2026-11-30 10:00"
# poll NAME [TIME]: marks the mailboxes, so that the waits after it only
# see what this poll sent, then polls.
poll() {
	mb_mark holder holder2 referent referent2 coordinator
	t_run "$1" 0 "$CDP" -c "$CONF" --now "${2:-$NOW}" poll
	cp "$T/err" "$T/poll.log"
}
# fill FILE: the mail FILE with @REF@ and @ACKID@ filled in, in $T/mail.eml
fill() {
	sed -e "s/@REF@/$REF/g" -e "s/@ACKID@/$ACKID/g" "$DATA/$1" >"$T/mail.eml"
}
header_of() {	# FILE NAME: the (first) value of header NAME
	tr -d '\r' <"$1" | sed -n "s/^$2: *//Ip" | head -n 1
}
count() { $MAILBOX count "$1" 2>/dev/null || echo 0; }
of_holder() {	# EMAIL: SQL for the person id
	echo "(SELECT id FROM persons WHERE email = '$1@$MS_DOMAIN')"
}

# --- 1. A holder writes ------------------------------------------------------
t_run "holder sends a request" 0 $MAILBOX send --as holder "$DATA/request.eml"
t_run "it reaches the contact mailbox" 0 $MAILBOX wait coupdepouce --subject "panneaux solaires" --timeout 20
poll "poll: the request is handled"
t_grep "log: a new case" "$T/poll.log" "CDP-2026-0001: new request case from holder@$MS_DOMAIN"
t_run "the holder gets the acknowledgement" 0 mb_wait_new holder --subject "CDP-2026-0001" --timeout 20
cp "$T/out" "$T/ack.eml"
REF=CDP-2026-0001
ACKID=$(header_of "$T/ack.eml" Message-ID | tr -d '<>')
t_grep "ack subject carries the tag" "$T/ack.eml" "[CDP-2026-0001]"
t_grep "ack is an automatic answer (RFC 3834)" "$T/ack.eml" "Auto-Submitted: auto-replied"
t_grep "ack answers the request" "$T/ack.eml" "In-Reply-To: <req-1.camille@example.org>"
t_grep "ack names the reference in French" "$T/ack.eml" "sous la r=C3=A9f=C3=A9rence CDP-2026-0001"
t_grep "ack has a signed Message-ID" "$T/ack.eml" "Message-ID: <cdp."
t_run "the referent of Thiers gets the assignment" 0 mb_wait_new referent2 --subject "CDP-2026-0001" --timeout 20
cp "$T/out" "$T/assign.eml"
t_grep "assignment names the commune" "$T/assign.eml" "(Thiers)"
t_grep "assignment lists the matching volunteer" "$T/assign.eml" "volunteer1@$MS_DOMAIN"
t_grep "assignment lists the commands" "$T/assign.eml" "NON ELIGIBLE=C2=A0: motif"
mail_text "$T/assign.eml" >"$T/assign.txt"
got_themes=$(grep '^  Thèmes ' "$T/assign.txt")
[ "$got_themes" = "  Thèmes    $(printf '\302\240'): Énergie, Économie locale" ] &&
    t_ok "assignment names the themes by their labels" ||
    t_not_ok "assignment names the themes by their labels" "$got_themes"
t_nogrep "assignment does not list a volunteer of another theme" "$T/assign.eml" "volunteer2@$MS_DOMAIN"
t_sql "the timeline's creation lists the themes found, as in the case" \
    "energie, economie_locale|[\"energie\",\"economie_locale\"]" \
    "SELECT json_extract(e.details, '$.themes'), c.themes FROM events e JOIN cases c ON c.id = e.case_id WHERE e.kind = 'created' AND c.ref = '$REF'"
mb_settled
[ "$(count referent)" = 0 ] && t_ok "the other referent gets nothing" || t_not_ok "the other referent gets nothing" "$(count referent) mails"
t_run "case list --json" 0 "$CDP" -c "$CONF" case list --json
t_grep "case in analysis" "$T/out" '"state": "analysis"'
t_grep "kind request" "$T/out" '"kind": "request"'
t_grep "referent2 assigned" "$T/out" "\"address\": \"referent2@$MS_DOMAIN\""
t_grep "commune found" "$T/out" '"commune": "Thiers"'
t_grep "theme energie" "$T/out" '"energie"'

# --- 2. Replies: Thunderbird (token), Outlook (tag only), tag removed ---------
fill thunderbird.eml
t_run "holder replies from Thunderbird" 0 $MAILBOX send --as holder "$T/mail.eml"
fill outlook.eml
t_run "holder replies from Outlook" 0 $MAILBOX send --as holder "$T/mail.eml"
fill notag.eml
t_run "holder replies without the tag" 0 $MAILBOX send --as holder "$T/mail.eml"
t_run "the replies arrived" 0 $MAILBOX wait coupdepouce --count 3 --timeout 20
poll "poll: the replies" "2026-11-30 12:30"
t_sql "request and three replies in the same case" 4 "SELECT count(*) FROM messages m JOIN cases c ON c.id = m.case_id WHERE c.ref = 'CDP-2026-0001' AND m.direction = 'in'"
t_run "how they matched" 0 sql "SELECT message_id, matched_by FROM messages WHERE direction = 'in' ORDER BY id"
t_grep "Thunderbird by token" "$T/out" "tb-2.camille@example.org|token"
t_grep "Outlook by tag" "$T/out" "AM0PR01MB1234.outlook@example.org|tag"
t_grep "tag removed: by token" "$T/out" "notag-3.camille@example.org|token"
t_sql "no new case for the replies" 1 "SELECT count(*) FROM cases"
t_run "the referent gets the Thunderbird reply" 0 mb_wait_new referent2 --subject "Nouveau message de Camille Martin" --body "orientation plein sud" --timeout 20
cp "$T/out" "$T/fwd1.eml"
t_grep "forward carries the attachment" "$T/fwd1.eml" 'filename="plan-toit.pdf"'
t_nogrep "forward leaves out the quoted history" "$T/fwd1.eml" "> Nous avons bien"
t_run "the referent gets the Outlook reply" 0 mb_wait_new referent2 --body "une dizaine de familles" --timeout 20
t_run "the referent gets the untagged reply" 0 mb_wait_new referent2 --body "la toiture a" --timeout 20
mb_settled
n=$(mb_count_new referent2)
[ "$n" = 3 ] && t_ok "referent2 got exactly the 3 replies" || t_not_ok "referent2 got exactly the 3 replies" "$n mails"
n=$(mb_count_new holder)
[ "$n" = 0 ] && t_ok "no answer to the holder's replies" || t_not_ok "no answer to the holder's replies" "$n mails"
act=$(sql "SELECT last_activity_at - created_at FROM cases WHERE ref = 'CDP-2026-0001'")
[ "$act" = 9000 ] && t_ok "replies reset the inactivity clock" || t_not_ok "replies reset the inactivity clock" "$act"

# --- 3. Out-of-office and bounce --------------------------------------------
fill ooo.eml
cp "$T/mail.eml" "$T/ooo.eml"
fill bounce.eml
cp "$T/mail.eml" "$T/bounce.eml"
t_run "an out-of-office and a bounce arrive" 0 $MAILBOX deliver coupdepouce "$T/ooo.eml" "$T/bounce.eml"
poll "poll: automatic mail" "2026-11-30 13:00"
t_run "timeline kinds" 0 sql "SELECT e.kind FROM events e JOIN cases c ON c.id = e.case_id WHERE c.ref = 'CDP-2026-0001' ORDER BY e.id"
t_grep "out-of-office recorded" "$T/out" "auto_reply"
t_grep "bounce recorded" "$T/out" "bounce"
act=$(sql "SELECT last_activity_at - created_at FROM cases WHERE ref = 'CDP-2026-0001'")
[ "$act" = 9000 ] && t_ok "automatic mail is not activity" || t_not_ok "automatic mail is not activity" "$act"
t_sql "nothing sent back to the out-of-office" 1 "SELECT count(*) FROM outbox WHERE person_id = $(of_holder holder)"
t_sql "holder's address flagged as failing" "1|5.1.1" "SELECT failing_since IS NOT NULL, last_bounce_status FROM persons WHERE email = 'holder@$MS_DOMAIN'"
t_run "the referent is told of the bounce" 0 mb_wait_new referent2 --subject "Adresse injoignable : holder@$MS_DOMAIN" --timeout 20
flags=$(sql "SELECT flags & 8 FROM cases WHERE ref = 'CDP-2026-0001'")
[ "$flags" = 8 ] && t_ok "case flagged for the digest" || t_not_ok "case flagged for the digest" "$flags"

# --- 4. Same holder, new thread: new case, duplicate notice ------------------
sed -e 's/req-1.camille/req-6.camille/' -e 's/^Subject: .*/Subject: Un autre projet : vélos partagés/' \
    "$DATA/request.eml" >"$T/mail.eml"
t_run "holder starts a new thread" 0 $MAILBOX deliver coupdepouce "$T/mail.eml"
poll "poll: the new thread" "2026-11-30 14:00"
t_grep "a second case" "$T/poll.log" "CDP-2026-0002: new request case"
t_sql "a mail from the holder clears the failing flag" 1 "SELECT failing_since IS NULL FROM persons WHERE email = 'holder@$MS_DOMAIN'"
t_run "referent of the open case is told, in the new case's thread" 0 mb_wait_new referent2 --subject "^Doublon possible d'un dossier que vous suivez \\[CDP-2026-0002\\]$" --timeout 20
t_sql "no second ack the same day" 1 "SELECT count(*) FROM outbox WHERE template = 'ack' AND person_id = $(of_holder holder)"

# --- 5. Flood: 50 mails from one address in a minute --------------------------
/usr/bin/python3 - "$T/flood" <<'PY'
import os, sys
d = sys.argv[1]
os.makedirs(d)
for i in range(50):
    msg = ("From: Dominique <holder2@example.org>\r\nTo: coupdepouce@example.org\r\n"
           "Subject: Demande %d\r\nDate: Mon, 30 Nov 2026 15:00:%02d +0100\r\n"
           "Message-ID: <flood-%d@example.org>\r\nMIME-Version: 1.0\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n\r\n"
           "Bonjour, un jardin partagé à Ambert, message %d.\r\n" % (i, i, i, i))
    open("%s/%02d.eml" % (d, i), "w").write(msg)
PY
t_run "50 mails from holder2" 0 $MAILBOX deliver coupdepouce "$T/flood"/*.eml
poll "poll: the flood" "2026-11-30 15:01"
t_sql "50 cases" 50 "SELECT count(*) FROM cases c WHERE c.holder_id = $(of_holder holder2)"
t_sql "one ack queued" 1 "SELECT count(*) FROM outbox WHERE template = 'ack' AND person_id = $(of_holder holder2)"
t_run "holder2 gets the ack" 0 mb_wait_new holder2 --subject "CDP-2026-0003" --timeout 20
mb_settled
[ "$(count holder2)" = 1 ] && t_ok "one ack in holder2's mailbox" || t_not_ok "one ack in holder2's mailbox" "$(count holder2)"
t_sql "one duplicate notice per case and day" 2 "SELECT count(*) FROM outbox WHERE template = 'duplicate_notice'"
n=$(sql "SELECT count(*) FROM cases WHERE flags & 1")
[ "$n" -gt 0 ] && t_ok "referents full: cases go to the coordinators, flagged" || t_not_ok "referents full: cases go to the coordinators, flagged" "$n"
t_run "the coordinator gets unassigned cases" 0 mb_wait_new coordinator --body "Aucune personne r" --timeout 20

# --- 6. case show ------------------------------------------------------------
t_run "case show --json" 0 "$CDP" -c "$CONF" case show CDP-2026-0001 --json
cp "$T/out" "$T/show.json"
t_run "show is JSON with the timeline" 0 /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['ref']=='CDP-2026-0001' and len(d['timeline'])>=6 and d['holder']['address']=='holder@$MS_DOMAIN', d" "$T/show.json"
t_grep "timeline holds the Outlook text" "$T/show.json" "une dizaine de familles"
t_run "case show (text)" 0 "$CDP" -c "$CONF" case show cdp-2026-0001
t_grep "text form names the referent" "$T/out" "referent2@$MS_DOMAIN"
t_run "unknown case" 1 "$CDP" -c "$CONF" case show CDP-2026-9999
t_grep "says so" "$T/err" "no such case"
t_done
