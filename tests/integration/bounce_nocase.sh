# bounce_nocase.sh — a delivery report that names none of our cases (a
# Postfix DSN whose returned Message-ID is not one our key signed) is
# stored and flags the failing address; it used to fail without a reason
# and be quarantined with garbage as the reason.
. "$(dirname "$0")/../lib.sh"

ms_start
cdp_people_config <<EOF2
email,name,roles,themes,communes,max_open_cases,active
referent@$MS_DOMAIN,Romane Référente,referent,energie,Ambert,,1
volunteer1@$MS_DOMAIN,Valérie Bénévole,volunteer,energie,,,1
EOF2
NOW="2026-12-05 10:30"
EPOCH=$(TZ=Europe/Paris date -d "$NOW" +%s)

# The same report twice: once for a known person, once for an address
# nobody in the network has.
sed "s/benevole\.inconnu@example\.net/volunteer1@$MS_DOMAIN/g" \
    "$TOP/tests/data/bounce_postfix.eml" >"$T/known.eml"
sed -e "s/benevole\.inconnu@example\.net/stranger@example.net/g" \
    -e "s/4N9b1C2d3E4f@/5M0c2D3e4F5g@/" \
    "$TOP/tests/data/bounce_postfix.eml" >"$T/unknown.eml"
t_run "two reports arrive" 0 $MAILBOX deliver coupdepouce "$T/known.eml" "$T/unknown.eml"
t_run "poll" 0 "$CDP" -c "$CONF" --now "$NOW" poll
cp "$T/err" "$T/poll.log"
t_nogrep "no store failure in the log" "$T/poll.log" "warning: uid"
t_sql "nothing quarantined" 0 "SELECT count(*) FROM quarantine"
t_sql "both stored as bounces, on no case" "bounce|0|2" \
    "SELECT auto, count(case_id), count(*) FROM messages WHERE direction = 'in' GROUP BY auto"
t_sql "the known person's address is flagged" "$EPOCH|5.1.1" \
    "SELECT failing_since, last_bounce_status FROM persons WHERE email = 'volunteer1@$MS_DOMAIN'"
t_sql "the other person is not" "|" \
    "SELECT failing_since, last_bounce_status FROM persons WHERE email = 'referent@$MS_DOMAIN'"
t_sql "no case was opened" 0 "SELECT count(*) FROM cases"
t_sql "nothing was sent" 0 "SELECT count(*) FROM outbox"
n=$($MAILBOX count coupdepouce)
[ "$n" = 0 ] && t_ok "both left the inbox" || t_not_ok "both left the inbox" "$n mails still there"
t_done
