# names_learnt.sh — a person is named as their own mails name them,
# through the real servers: a holder who first wrote from a bare address
# is greeted "Bonjour," and addressed by address; once their own reply
# says "Camille Martin <holder2@...>", the next mails go to "Camille
# Martin" and greet "Bonjour Camille Martin,".  A display name that is
# only the address again is no name.
. "$(dirname "$0")/../lib.sh"

cdp_network </dev/null
. "$TOP/tests/timer_lib.sh"
# Each poll marks these mailboxes: the waits after it only see its mail.
MB_USERS="holder holder2 referent"
name_of() { sql "SELECT name FROM persons WHERE email = '$1@$D'"; }
to_of() { tr -d '\r' <"$1" | sed -n 's/^To: *//p' | head -n 1; }
greeting() { head -n 1 "$1.txt"; }
# new FROM USER N: a new mail from USER's address with From: FROM
new() {
	printf 'From: %s\r\nTo: coupdepouce@%s\r\nSubject: Jardin partagé %s\r\nMessage-ID: <r%s@%s>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nNous voulons ouvrir un jardin partagé à Ambert.\r\n' \
	    "$1" "$D" "$3" "$3" "$D" >"$T/request$3.eml"
	$MAILBOX deliver coupdepouce "$T/request$3.eml" >/dev/null
}

new "holder2@$D" holder2 1
new "\"holder@$D\" <holder@$D>" holder 2
poll "poll: two requests" "2026-11-30 10:00"
is "a bare address gives no name" "$(name_of holder2)" ""
is "an address as display name is no name" "$(name_of holder)" ""
t_got "holder2 is acknowledged" holder2 "$T/ack2.eml" \
    --subject "$(rx "Nous avons bien reçu votre message [CDP-2026-0001]")"
text "$T/ack2.eml"
is "the acknowledgement goes to the bare address" "$(to_of "$T/ack2.eml")" "holder2@$D"
is "and greets without a name" "$(greeting "$T/ack2.eml")" "Bonjour,"
t_got "holder is acknowledged" holder "$T/ack1.eml" \
    --subject "$(rx "Nous avons bien reçu votre message [CDP-2026-0002]")"
text "$T/ack1.eml"
is "an address as name: the bare address" "$(to_of "$T/ack1.eml")" "holder@$D"
is "an address as name: no name in the greeting" "$(greeting "$T/ack1.eml")" "Bonjour,"
t_got "the referent gets the first case" referent "$T/assign.eml" \
    --subject "$(rx "Nouvelle demande à étudier [CDP-2026-0001] (Ambert)")"

# Both answer their acknowledgement: holder2 with a name, holder with
# its address again.
printf 'Merci, à bientôt.\n' | $REPLY "$T/ack2.eml" "Camille Martin <holder2@$D>" >"$T/reply2.eml" &&
    cdp_send holder2 "$T/reply2.eml"
printf 'Merci.\n' | $REPLY "$T/ack1.eml" "\"holder@$D\" <holder@$D>" >"$T/reply1.eml" &&
    cdp_send holder "$T/reply1.eml"
poll "poll: the two replies" "2026-11-30 11:00"
is "the name learnt from holder2's own mail" "$(name_of holder2)" "Camille Martin"
is "an address as name is still no name" "$(name_of holder)" ""

cdp_answer referent "$T/assign.eml" "ELIGIBLE"
poll "poll: ELIGIBLE" "2026-11-30 12:00"
t_got "holder2 is told the decision" holder2 "$T/decision.eml" \
    --subject "$(rx "Votre demande d'accompagnement est acceptée [CDP-2026-0001]")"
text "$T/decision.eml"
t_new "and that mail alone" holder2 1
is "the decision goes to their name" "$(to_of "$T/decision.eml")" "Camille Martin <holder2@$D>"
is "and greets them by name" "$(greeting "$T/decision.eml")" "Bonjour Camille Martin,"
t_done
