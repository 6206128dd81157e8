# sent_folder.sh — [imap] sent_folder against the real Dovecot and Postfix:
# `coupdepouce poll` fetches, flushes the outbox, then APPENDs a copy of
# each mail it sent to the contact mailbox's Sent folder (created when
# missing), flagged \Seen, byte for byte the mail the recipients got (same
# Message-ID); a second poll copies nothing again; without sent_folder no
# copy is made and the rows wait; once the option is set, mail from the
# last 7 days is copied and older mail is marked without a copy; a deleted
# Sent folder is created again; a refused copy does not hold back the
# others, is tried again at each poll, and is given up after 7 days; the
# running daemon (`run`) copies too.
. "$(dirname "$0")/../lib.sh"
TOOL="$BUILD/tools/outboxtool"
PY=/usr/bin/python3

ms_start
cdp_config "sent_folder = Sent"
CONF="$T/cdp/coupdepouce.conf"
sed '/^sent_folder = /d' "$CONF" >"$T/cdp/nocopy.conf"
chmod 600 "$T/cdp/nocopy.conf"
NOCOPY="$T/cdp/nocopy.conf"

# Message-ID header of the raw message in FILE, without <>.
msgid_of() {
	tr -d '\r' <"$1" | sed -n 's/^[Mm]essage-[Ii][Dd]: *<\(.*\)>$/\1/p' | head -n 1
}
# queue NAME TO SUBJECT [CONF]: queues an urgent mail, sets $id and $mid.
queue() {
	"$TOOL" -c "${4:-$CONF}" enqueue --to "$2" --subject "$3" \
	    --body-file "$T/body.txt" --urgent >"$T/out" 2>"$T/err"
	id=$(awk '/^queued/ {print $2}' "$T/out")
	mid=$(awk '/^queued/ {print $3}' "$T/out")
	if [ -n "$id" ]; then t_ok "$1"; else t_not_ok "$1" "$(cat "$T/err")"; fi
}
# contact_imap: runs the Python read from stdin with `imap`, an IMAPS
# session of the contact mailbox (and sys) at hand.
contact_imap() {
	$PY -c "$(cat <<'PY'
import imaplib, shlex, ssl, sys
env = {}
for line in open(sys.argv[1]):
    for word in shlex.split(line, comments=True):
        key, _, value = word.partition("=")
        env[key] = value
ctx = ssl.create_default_context(cafile=env["MS_CA_FILE"])
imap = imaplib.IMAP4_SSL(env["MS_HOST"], int(env["MS_IMAPS_PORT"]),
                         ssl_context=ctx, timeout=10)
imap.login("coupdepouce@" + env["MS_DOMAIN"], "coupdepouce")
PY
)
$(cat)" "$MS_ENV"
}
sent_count() { $MAILBOX count coupdepouce --folder Sent 2>/dev/null || echo 0; }
# sent_flags: "MESSAGE-ID<TAB>seen" (or "unseen: FLAGS") per message in
# coupdepouce's Sent.
sent_flags() {
	contact_imap <<'PY'
import re
if imap.select('"Sent"', readonly=True)[0] != "OK":
    sys.exit("no Sent folder")
flags, mids = {}, {}
typ, data = imap.uid("FETCH", "1:*", "(FLAGS)")
for item in data:
    m = re.search(rb"UID (\d+) FLAGS \(([^)]*)\)|FLAGS \(([^)]*)\) UID (\d+)",
                  item if isinstance(item, bytes) else item[0])
    if m:
        uid = m.group(1) or m.group(4)
        flags[uid] = (m.group(2) if m.group(1) else m.group(3)).decode()
typ, data = imap.uid("FETCH", "1:*", "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
for item in data:
    if isinstance(item, tuple):
        uid = re.search(rb"UID (\d+)", item[0])
        mid = re.search(rb"<([^>]*)>", item[1])
        if uid and mid:
            mids[uid.group(1)] = mid.group(1).decode()
for uid in sorted(mids, key=int):
    f = flags.get(uid, "?").split()
    print("%s\t%s" % (mids[uid], "seen" if "\\Seen" in f else "unseen: " + " ".join(f)))
imap.logout()
PY
}

printf 'Bonjour,\n\nVotre demande « économie d’énergie à Thiers » est bien reçue.\n\nL’équipe Coup de pouce\n' >"$T/body.txt"

# --- 1. Two mails sent, two copies in Sent ----------------------------------
t_run "Sent does not exist yet" 1 $MAILBOX count coupdepouce --folder Sent
queue "queue a mail to the holder" "holder@$MS_DOMAIN" "Copie A $$ « Thiers »"
idA=$id midA=$mid
queue "queue a mail to the referent" "referent@$MS_DOMAIN" "Copie B $$"
idB=$id midB=$mid
t_run "poll with sent_folder = Sent" 0 "$CDP" -c "$CONF" poll
cp "$T/err" "$T/poll1.log"
t_grep "poll reports the copies" "$T/poll1.log" "copied 2 sent mail(s) to Sent"
t_grep "the folder was created" "$T/poll1.log" "created folder Sent"
t_run "the holder receives A" 0 $MAILBOX wait holder --subject "^Copie A $$ « Thiers »\$" --timeout 20
cp "$T/out" "$T/holderA.eml"
t_run "the referent receives B" 0 $MAILBOX wait referent --subject "^Copie B $$\$" --timeout 20
cp "$T/out" "$T/referentB.eml"
n=$(sent_count)
[ "$n" = 2 ] && t_ok "two messages in Sent" || t_not_ok "two messages in Sent" "$n"
sent_flags >"$T/flags" 2>"$T/flags.err"
t_run "read the copies' flags" 0 test -s "$T/flags"
t_grep "copy of A, flagged \\Seen" "$T/flags" "$midA	seen"
t_grep "copy of B, flagged \\Seen" "$T/flags" "$midB	seen"
got=$(msgid_of "$T/holderA.eml")
[ "$got" = "$midA" ] && t_ok "A: same Message-ID as delivered" || t_not_ok "A: same Message-ID as delivered" "'$got' vs '$midA'"
got=$(msgid_of "$T/referentB.eml")
[ "$got" = "$midB" ] && t_ok "B: same Message-ID as delivered" || t_not_ok "B: same Message-ID as delivered" "'$got' vs '$midB'"
uid=$($MAILBOX list coupdepouce --folder Sent | awk -F '\t' -v s="Copie A $$ « Thiers »" '$3 == s {print $1}')
$MAILBOX fetch coupdepouce "$uid" --folder Sent >"$T/copyA.eml" 2>"$T/fetch.err"
sql "SELECT writefile('$T/outboxA.eml', message) FROM outbox WHERE id = $idA" >/dev/null
t_run "the copy is byte for byte the queued message" 0 cmp "$T/copyA.eml" "$T/outboxA.eml"
t_run "rows" 0 sql "SELECT id, status, copied_at >= sent_at FROM outbox WHERE id IN ($idA, $idB) ORDER BY id"
t_grep "A marked copied" "$T/out" "$idA|sent|1"
t_grep "B marked copied" "$T/out" "$idB|sent|1"

t_run "second poll" 0 "$CDP" -c "$CONF" poll
t_nogrep "reports no copy" "$T/err" "copied"
n=$(sent_count)
[ "$n" = 2 ] && t_ok "no copy added by the second poll" || t_not_ok "no copy added by the second poll" "$n in Sent"

# --- 2. Without sent_folder: no copy; the rows wait --------------------------
queue "queue a mail with no sent_folder" "holder2@$MS_DOMAIN" "Sans copie $$" "$NOCOPY"
idC=$id midC=$mid
queue "and an older one" "volunteer1@$MS_DOMAIN" "Ancien $$" "$NOCOPY"
idD=$id midD=$mid
t_run "poll without sent_folder" 0 "$CDP" -c "$NOCOPY" poll
t_nogrep "reports no copy" "$T/err" "copied"
t_run "holder2 receives it" 0 $MAILBOX wait holder2 --subject "^Sans copie $$\$" --timeout 20
t_run "volunteer1 too" 0 $MAILBOX wait volunteer1 --subject "^Ancien $$\$" --timeout 20
n=$(sent_count)
[ "$n" = 2 ] && t_ok "nothing copied without sent_folder" || t_not_ok "nothing copied without sent_folder" "$n in Sent"
t_run "rows" 0 sql "SELECT id, status, copied_at IS NULL FROM outbox WHERE id IN ($idC, $idD) ORDER BY id"
t_grep "C sent, not copied" "$T/out" "$idC|sent|1"
t_grep "D sent, not copied" "$T/out" "$idD|sent|1"

# --- 3. sent_folder set again: last 7 days copied, older marked ---------------
sql "UPDATE outbox SET sent_at = strftime('%s', 'now') - 8 * 86400 WHERE id = $idD"
t_run "poll with sent_folder again" 0 "$CDP" -c "$CONF" poll
cp "$T/err" "$T/poll3.log"
t_grep "the recent one is copied" "$T/poll3.log" "copied 1 sent mail(s) to Sent"
t_grep "the old one is reported" "$T/poll3.log" "sent folder Sent: 1 mail(s) sent more than 7 days ago left without a copy"
n=$(sent_count)
[ "$n" = 3 ] && t_ok "three messages in Sent" || t_not_ok "three messages in Sent" "$n"
sent_flags >"$T/flags"
t_grep "C copied, \\Seen" "$T/flags" "$midC	seen"
t_nogrep "D not copied" "$T/flags" "$midD"
t_sql "every row marked" 0 "SELECT count(*) FROM outbox WHERE copied_at IS NULL"

# --- 4. The folder deleted under the daemon: created again -------------------
contact_imap <<'PY'
imap.delete('"Sent"')
imap.logout()
PY
t_run "Sent deleted by someone" 1 $MAILBOX count coupdepouce --folder Sent
queue "queue one more" "holder@$MS_DOMAIN" "Recréé $$"
midE=$mid
t_run "poll" 0 "$CDP" -c "$CONF" poll
t_grep "the folder is created again" "$T/err" "created folder Sent"
sent_flags >"$T/flags"
t_grep "and gets the new copy" "$T/flags" "$midE	seen"

# --- 5. A copy refused: skipped, the next one still copied; given up after 7 days
queue "queue a mail whose copy will be refused" "holder@$MS_DOMAIN" "Refusée $$" "$NOCOPY"
idF=$id midF=$mid
queue "and one after it" "holder@$MS_DOMAIN" "Après $$" "$NOCOPY"
midG=$mid
t_run "send both, no copy yet" 0 "$CDP" -c "$NOCOPY" poll
# A NUL byte cannot go in an IMAP literal: imap_append refuses it itself.
sql "UPDATE outbox SET message = X'46726f6d3a20610d0a0d0a780078' WHERE id = $idF"
t_run "poll: one copy refused, exit 1" 1 "$CDP" -c "$CONF" poll
t_grep "the other one is copied" "$T/err" "copied 1 sent mail(s) to Sent"
t_grep "the refusal is logged" "$T/err" "sent folder Sent: 1 copy refused, tried again next time; last: <$midF>"
t_grep "with the reason" "$T/err" "NUL byte"
sent_flags >"$T/flags"
t_grep "the one after it is in Sent" "$T/flags" "$midG	seen"
t_nogrep "the refused one is not" "$T/flags" "$midF"
t_run "refused row" 0 sql "SELECT copied_at IS NULL FROM outbox WHERE id = $idF"
t_grep "still to copy" "$T/out" "1"
t_run "poll: refused again" 1 "$CDP" -c "$CONF" poll
t_grep "tried again" "$T/err" "1 copy refused"
sql "UPDATE outbox SET sent_at = sent_at - 8 * 86400 WHERE id = $idF"
t_run "poll once it is 8 days old" 0 "$CDP" -c "$CONF" poll
t_grep "given up, said once" "$T/err" "1 mail(s) sent more than 7 days ago left without a copy"
t_nogrep "no refusal any more" "$T/err" "refused"

# --- 6. The running daemon copies too -----------------------------------------
queue "queue a mail for the daemon" "referent@$MS_DOMAIN" "Démon $$"
idH=$id midH=$mid
"$CDP" -c "$CONF" run 2>"$T/run.log" &
pid=$!
wait_sql 1 0.1 99 "SELECT copied_at IS NOT NULL FROM outbox WHERE id = $idH"
copied=$?
kill -TERM $pid
wait $pid
st=$?
[ $copied = 0 ] && t_ok "run sends and copies" || t_not_ok "run sends and copies" "$(tail -n 5 "$T/run.log")"
[ $st = 0 ] && t_ok "and stops cleanly" || t_not_ok "and stops cleanly" "exit $st"
t_grep "run logs the copy" "$T/run.log" "copied 1 sent mail(s) to Sent"
sent_flags >"$T/flags"
t_grep "the copy is in Sent" "$T/flags" "$midH	seen"

t_done
