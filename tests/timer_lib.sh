# timer_lib.sh — helpers of the timer tests (remind_*.sh), sourced after
# lib.sh and ms_start, with $CONF set (cdp_people_config).  The clock is
# driven with --now; every mail is a real one through Dovecot and Postfix.
REPLY="/usr/bin/python3 $TOP/tests/tools/replymail.py"
D=$MS_DOMAIN

# poll NAME TIME: one poll at local TIME ("YYYY-MM-DD HH:MM"), its log
# kept in $T/poll.log; the mailboxes of $MB_USERS marked before it (mb_mark)
poll() {
	[ -z "${MB_USERS:-}" ] || mb_mark $MB_USERS
	t_run "$1" 0 "$CDP" -c "$CONF" --now "$2" poll
	cp "$T/err" "$T/poll.log"
	POLL_AT=$(TZ=Europe/Paris date -d "$2" +%s)
}

# ran KIND: how many jobs whose kind is LIKE KIND ("meeting%") the last
# poll ran (or closed): the count of the runner's log line would also
# count the jobs of other kinds (the digest...) due at the same time
ran() { sql "SELECT count(*) FROM jobs WHERE kind LIKE '$1' AND done_at = $POLL_AT"; }

# answer USER ORIGINAL BODY: USER replies to the mail in file ORIGINAL
answer() {
	printf '%s\n' "$3" | $REPLY "$2" "$1@$D" >"$T/reply.eml" &&
	    $MAILBOX send --as "$1" --to "coupdepouce@$D" "$T/reply.eml"
}

# request USER SUBJECT N [TEXT]: USER's new mail to the network, put
# straight into the contact mailbox (the N-th, Message-ID <rN@...>)
request() {
	printf 'From: %s <%s@%s>\r\nTo: coupdepouce@%s\r\nSubject: %s\r\nMessage-ID: <r%s@%s>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n' \
	    "$1" "$1" "$D" "$D" "$2" "$3" "$D" \
	    "${4:-Nous voulons ouvrir un jardin partagé à Ambert, près de l'école.}" \
	    >"$T/request$3.eml"
	$MAILBOX deliver coupdepouce "$T/request$3.eml" >/dev/null
}

# n USER SUBJECT: how many mails with exactly that subject USER has
n() { $MAILBOX list "$1" | cut -f3 | grep -cxF -- "$2"; }

# text FILE: the decoded text part of the mail in FILE, into FILE.txt
text() {
	/usr/bin/python3 -c 'import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(m.get_body(("plain",)).get_content())' "$1" >"$1.txt"
}

# with_group: holder's request CDP-2026-0001 polled on 30/11/2026 at
# 10:00, the referent's ELIGIBLE + INVITER volunteer1 at 11:00, its OUI
# at 12:00; the assignment kept in $T/assign.eml
with_group() {
	request holder "Jardin partagé" 1
	mb_mark referent
	poll "poll: the request" "2026-11-30 10:00"
	t_got "the referent gets the case" referent "$T/assign.eml" \
	    --subject "^Nouvelle demande à étudier \[CDP-2026-0001\]( \(.*\))?\$"
	cdp_answer referent "$T/assign.eml" "ELIGIBLE
INVITER volunteer1@$D"
	mb_mark volunteer1
	poll "poll: ELIGIBLE + INVITER" "2026-11-30 11:00"
	t_got "the volunteer is invited" volunteer1 "$T/invite.eml" \
	    --subject "$(rx "Accepteriez-vous d'accompagner une initiative ? [CDP-2026-0001]")"
	cdp_answer volunteer1 "$T/invite.eml" "OUI"
	poll "poll: OUI" "2026-11-30 12:00"
	is "the volunteer is in the group" "$(sql "SELECT status FROM case_members m JOIN persons p ON p.id = m.person_id WHERE p.email = 'volunteer1@$D'")" "accepted"
}
