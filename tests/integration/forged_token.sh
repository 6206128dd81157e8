# forged_token.sh — a token travels (the introduction copies the group, a
# reply-all shows it to everyone), so a token with its person's From is
# not enough when our own server saw that From fail its authentication:
# with authserv_id set, a reply with the referent's token, the referent's
# From and "dkim=fail; spf=fail" from our server runs nothing; the sender
# is told why (auth_failed), the referent too, and the mail stays on the
# case's timeline.  The same reply with dkim=pass runs.  Without
# authserv_id nothing can tell, and it runs (the residual risk trust.h
# documents).  And a token in a mail from another person than its own
# runs nothing.
. "$(dirname "$0")/../lib.sh"

cdp_network <<EOF
coordo,Claude Coordination,coordinator,,
EOF
sed -i "s/^coordinators = .*/&\nauthserv_id = mx.cdp.test/" "$CONF"
printf '[timers]\nreferent_reminder = 300\nreferent_flag = 365\n' >>"$CONF"
. "$TOP/tests/timer_lib.sh"
# Each poll marks the referent's mailbox: a wait after it only sees what
# this poll sent, not the notice of an earlier refusal.
MB_USERS="referent"
REFUSED="Commandes non exécutées : message non authentifié [CDP-2026-0001]"

# forged ORIGINAL AR BODY [FROM]: a reply to ORIGINAL "from" the referent
# (or FROM), as our server delivers it with its Authentication-Results
# AR, put straight into the contact mailbox.
forged() {
	printf '%s\n' "$3" | $REPLY "$1" "${4:-Romane Référente <referent@$D>}" >"$T/f.eml"
	{ printf 'Authentication-Results: mx.cdp.test; %s\r\n' "$2"; cat "$T/f.eml"; } \
	    >"$T/forged.eml"
	$MAILBOX deliver coupdepouce "$T/forged.eml" >/dev/null
}
state() { sql "SELECT state FROM cases WHERE ref = '$1'"; }

request holder "Jardin partagé" 1
poll "poll: the request" "2026-11-30 10:00"
t_run "the referent gets the case" 0 $MAILBOX wait referent --subject "CDP-2026-0001" --timeout 20
cp "$T/out" "$T/assign.eml"

forged "$T/assign.eml" "dkim=fail header.d=$D; spf=fail smtp.mailfrom=referent@$D" "ELIGIBLE"
poll "poll: the forged ELIGIBLE" "2026-11-30 11:00"
is "the forged ELIGIBLE ran nothing" "$(state CDP-2026-0001)" "analysis"
is "the refusal is on the timeline, with why" \
    "$(sql "SELECT json_extract(e.details, '\$.reason') FROM events e JOIN cases c ON c.id = e.case_id WHERE c.ref = 'CDP-2026-0001' AND e.kind = 'commands_refused'")" \
    "authentication failed"
is "the mail itself is on the case" \
    "$(sql "SELECT count(*) FROM messages m JOIN cases c ON c.id = m.case_id WHERE c.ref = 'CDP-2026-0001' AND m.direction = 'in' AND m.subject LIKE 'Re:%'")" 1
t_run "the sender's address is told why" 0 mb_wait_new referent --subject "$(rx "$REFUSED")" --timeout 20
cp "$T/out" "$T/refused.eml"
text "$T/refused.eml"
t_grep "  that its server did not authenticate it" "$T/refused.eml.txt" "authentifié par la messagerie de votre adresse."
NB=$(printf '\302\240')
t_grep "  with the line not run" "$T/refused.eml.txt" "  «${NB}ELIGIBLE${NB}»"
mb_settled
is "no transcript besides" "$(n referent "Suite donnée à vos commandes [CDP-2026-0001]")" 0
t_run "the referent is told as for any unverified sender" 0 mb_wait_new referent --subject "CDP-2026-0001" --body "pas exécutées" --timeout 20
is "the case is flagged" "$(sql "SELECT flags & 16 FROM cases WHERE ref = 'CDP-2026-0001'")" 16

# The same reply, vouched for by our server: it runs.
forged "$T/assign.eml" "dkim=pass header.d=$D; spf=fail smtp.mailfrom=referent@$D" "ELIGIBLE"
poll "poll: the ELIGIBLE that passes" "2026-11-30 12:00"
is "with dkim=pass it runs" "$(state CDP-2026-0001)" "forming"

# Without authserv_id nothing tells a forged From from a real one.
sed '/^authserv_id = /d' "$CONF" >"$T/noauth.conf"
chmod 600 "$T/noauth.conf"
CONF="$T/noauth.conf"
request holder2 "Compost collectif" 2
poll "poll: the second request" "2026-11-30 13:00"
t_run "the referent gets it" 0 $MAILBOX wait referent --subject "CDP-2026-0002" --timeout 20
cp "$T/out" "$T/assign2.eml"
forged "$T/assign2.eml" "dkim=fail header.d=$D; spf=fail smtp.mailfrom=referent@$D" "ELIGIBLE"
poll "poll: the forged ELIGIBLE, no authserv_id" "2026-11-30 14:00"
is "without authserv_id it runs (the documented risk)" "$(state CDP-2026-0002)" "forming"

# A token binds its person (DESIGN.md §4): the referent's token in a mail
# from someone else runs nothing, even from a coordinator, who could give
# the command in a mail of their own.
forged "$T/assign2.eml" "dkim=pass header.d=$D" "CLOTURER" "Claude Coordination <coordo@$D>"
poll "poll: CLOTURER with the referent's token from the coordinator" "2026-11-30 15:00"
is "another person's token runs nothing" "$(state CDP-2026-0002)" "forming"
is "  refused as not verified" \
    "$(sql "SELECT json_extract(e.details, '\$.reason') FROM events e JOIN cases c ON c.id = e.case_id WHERE c.ref = 'CDP-2026-0002' AND e.kind = 'commands_refused'")" \
    "sender not verified"
t_done
