# outbox_hold.sh — mail that is not urgent waits for working hours: queued
# on a Wednesday at 23:00 it is held until Thursday 08:00, a flush during
# the night sends nothing, the first flush after 08:00 sends it once.
. "$(dirname "$0")/../lib.sh"
TOOL="$BUILD/tools/outboxtool"

ms_start
cdp_config
CONF="$T/cdp/coupdepouce.conf"
printf 'Bonjour,\n\nUn message qui peut attendre le matin.\n' >"$T/body.txt"

t_run "a mail that is not urgent, queued at 23:00" 0 "$TOOL" -c "$CONF" \
    --now "2026-12-02 23:00" enqueue --to volunteer1@example.org \
    --subject "Nuit $$" --body-file "$T/body.txt"
id=$(awk '/^queued/ {print $2; exit}' "$T/out")
is "it is held until Thursday 08:00" "$(sql "SELECT hold_until FROM outbox WHERE id = $id")" \
    "$(TZ=Europe/Paris date -d '2026-12-03 08:00' +%s)"
"$TOOL" -c "$CONF" --now "2026-12-03 02:00" flush >"$T/flush" 2>&1
t_grep "a flush at 02:00 sends nothing" "$T/flush" "rows=0 sent=0"
is "it is still queued" "$(sql "SELECT status || ' ' || attempts FROM outbox WHERE id = $id")" "queued 0"
"$TOOL" -c "$CONF" --now "2026-12-03 08:01" flush >"$T/flush" 2>&1
t_grep "the first flush after 08:00 sends it" "$T/flush" "rows=1 sent=1"
t_run "it arrives" 0 $MAILBOX wait volunteer1 --subject "^Nuit $$\$" --timeout 20
"$TOOL" -c "$CONF" --now "2026-12-03 09:00" flush >"$T/flush" 2>&1
t_grep "and is not sent again" "$T/flush" "rows=0"
is "once in the mailbox" "$($MAILBOX count volunteer1)" 1
t_done
