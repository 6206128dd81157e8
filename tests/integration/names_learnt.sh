# names_learnt.sh — a person is named as their own mails name them,
# through the real servers: a holder who first wrote from a bare address
# is greeted "Bonjour," and addressed by address; once their own reply
# says "Camille Martin <holder2@...>", the next mails go to "Camille
# Martin" and greet "Bonjour Camille Martin,".  A display name that is
# only the address again is no name.
. "$(dirname "$0")/../lib.sh"

ms_start
D=$MS_DOMAIN
cdp_people_config <<EOF2
email,name,roles,themes,communes
referent@$D,Romane Référente,referent,alimentation,Ambert
EOF2
. "$TOP/tests/timer_lib.sh"
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
t_run "holder2 is acknowledged" 0 $MAILBOX wait holder2 --subject "CDP-2026-0001" --timeout 20
cp "$T/out" "$T/ack2.eml"; text "$T/ack2.eml"
is "the acknowledgement goes to the bare address" "$(to_of "$T/ack2.eml")" "holder2@$D"
is "and greets without a name" "$(greeting "$T/ack2.eml")" "Bonjour,"
t_run "holder is acknowledged" 0 $MAILBOX wait holder --subject "CDP-2026-0002" --timeout 20
cp "$T/out" "$T/ack1.eml"; text "$T/ack1.eml"
is "an address as name: the bare address" "$(to_of "$T/ack1.eml")" "holder@$D"
is "an address as name: no name in the greeting" "$(greeting "$T/ack1.eml")" "Bonjour,"
t_run "the referent gets the first case" 0 $MAILBOX wait referent --subject "CDP-2026-0001" --timeout 20
cp "$T/out" "$T/assign.eml"

# Both answer their acknowledgement: holder2 with a name, holder with
# its address again.
printf 'Merci, à bientôt.\n' | $REPLY "$T/ack2.eml" "Camille Martin <holder2@$D>" >"$T/reply2.eml" &&
    $MAILBOX send --as holder2 --to "coupdepouce@$D" "$T/reply2.eml"
printf 'Merci.\n' | $REPLY "$T/ack1.eml" "\"holder@$D\" <holder@$D>" >"$T/reply1.eml" &&
    $MAILBOX send --as holder --to "coupdepouce@$D" "$T/reply1.eml"
$MAILBOX wait coupdepouce --count 2 --timeout 20 >/dev/null
poll "poll: the two replies" "2026-11-30 11:00"
is "the name learnt from holder2's own mail" "$(name_of holder2)" "Camille Martin"
is "an address as name is still no name" "$(name_of holder)" ""

answer referent "$T/assign.eml" "ELIGIBLE"
$MAILBOX wait coupdepouce --count 1 --timeout 20 >/dev/null
poll "poll: ELIGIBLE" "2026-11-30 12:00"
t_run "holder2 is told the decision" 0 $MAILBOX wait holder2 --subject "acceptée.*CDP-2026-0001" --timeout 20
cp "$T/out" "$T/decision.eml"; text "$T/decision.eml"
is "the decision goes to their name" "$(to_of "$T/decision.eml")" "Camille Martin <holder2@$D>"
is "and greets them by name" "$(greeting "$T/decision.eml")" "Bonjour Camille Martin,"
t_done
