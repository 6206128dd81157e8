# reprocess.sh — `coupdepouce reprocess --since DATE [--db SCRATCH]` with
# the real Dovecot and Postfix: mails handled with the shipped rules,
# then a theme word added to a copy of themes.rules and an out-of-office
# subject to auto.rules; reprocess prints exactly the lines of what would
# change and the summary, keeps the replayed values in SCRATCH when asked
# and removes its temporary copy otherwise; the real database is the
# same, row for row, before and after; nothing is sent.  Usage errors
# exit 2, an existing SCRATCH 1.
. "$(dirname "$0")/../lib.sh"

cdp_network </dev/null
cp -r "$TOP/config/rules" "$T/rules"
sed -i "s|^rules = .*|rules = $T/rules|" "$CONF"
NOW="2026-11-30 10:00"
cdp() { "$CDP" -c "$CONF" --now "$NOW" "$@"; }
crlf() { tr -d '\r' | sed 's/$/\r/'; }

crlf >"$T/req.eml" <<EOF
From: Camille Martin <holder@$D>
To: coupdepouce@$D
Subject: Un jardin partagé
Date: Mon, 30 Nov 2026 09:00:00 +0100
Message-ID: <req1@$D>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Bonjour, nous voulons créer un jardin partagé à Ambert, avec un
poulailler pour les voisins. Pouvez-vous nous aider ?
Camille
EOF
cdp_send holder "$T/req.eml"
mb_mark holder
t_run "poll: the request" 0 cdp poll
t_got "the holder gets the acknowledgement" holder "$T/ack.eml" \
    --subject "$(rx "Nous avons bien reçu votre message [CDP-2026-0001]")"
crlf >"$T/reply.eml" <<EOF
From: Camille Martin <holder@$D>
To: coupdepouce@$D
Subject: Petit mot : [CDP-2026-0001] merci
Date: Mon, 30 Nov 2026 11:00:00 +0100
Message-ID: <reply1@$D>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Merci beaucoup, à bientôt.
EOF
cdp_send holder "$T/reply.eml"
NOW="2026-11-30 11:00"
t_run "poll: the reply" 0 cdp poll
t_sql "stored as the shipped rules said" "req1@$D|none|new|[\"alimentation\"]|Ambert
reply1@$D|none|tag|[\"alimentation\"]|Ambert" \
    "SELECT m.message_id, m.auto, m.matched_by, c.themes, c.commune FROM messages m JOIN cases c ON c.id = m.case_id WHERE m.direction = 'in' ORDER BY m.id"
sent=$(sql "SELECT count(*) FROM outbox")
dump() { sqlite3 "$T/cdp/coupdepouce.db" .dump | sha256sum; }
before=$(dump)
# Whatever reprocess does, nobody gets mail from it (checked at the end).
mb_settled
mb_mark holder referent

# --- usage ------------------------------------------------------------------------
t_run "reprocess --help" 0 cdp reprocess --help
t_grep "help says what is not replayed" "$T/out" "Not replayed: what the network did"
t_run "main help" 0 "$CDP" --help
t_grep "main help: reprocess" "$T/out" "reprocess --since DATE [--db SCRATCH]"
t_run "without --since" 2 cdp reprocess
t_grep "says --since is needed" "$T/err" "--since DATE is needed"
t_run "a bad date" 2 cdp reprocess --since 30/11/2026
t_run "an extra argument" 2 cdp reprocess --since 2026-11-30 now

# --- same rules: nothing changes ---------------------------------------------------
mkdir -p "$T/tmp"
t_run "same rules" 0 env TMPDIR="$T/tmp" "$CDP" -c "$CONF" --now "$NOW" reprocess --since 2026-11-30
is "nothing would change, in one line" "$(cat "$T/out")" "2 mails replayed, 0 would change"
[ -z "$(ls -A "$T/tmp")" ] && t_ok "temporary copy removed" || t_not_ok "temporary copy removed" "$(ls -A "$T/tmp")"
t_run "since after the mails" 0 cdp reprocess --since "2026-11-30 10:30"
is "only the reply" "$(cat "$T/out")" "1 mails replayed, 0 would change"

# --- new rules -----------------------------------------------------------------------
# printf: dash's echo would read \b as a backspace.
printf '%s\n' 'biodiversite     \bpoulaillers?\b' >>"$T/rules/themes.rules"
printf '%s\n' 'auto_subject     ^petit mot\b' >>"$T/rules/auto.rules"
t_run "new rules" 0 env TMPDIR="$T/tmp" "$CDP" -c "$CONF" --now "$NOW" reprocess --since 2026-11-30
cat >"$T/want" <<EOF
msg 1 <req1@$D>: themes [alimentation] -> [alimentation,biodiversite]
msg 2 <reply1@$D>: auto none -> auto-reply
2 mails replayed, 2 would change
EOF
if cmp -s "$T/want" "$T/out"; then t_ok "exactly the difference lines"; else
	t_not_ok "exactly the difference lines" "$(diff "$T/want" "$T/out")"; fi
[ -z "$(ls -A "$T/tmp")" ] && t_ok "temporary copy removed again" || t_not_ok "temporary copy removed again" "$(ls -A "$T/tmp")"
[ "$(dump)" = "$before" ] && t_ok "real database unchanged (same dump)" || t_not_ok "real database unchanged (same dump)"
t_sql "real database: old themes and auto" "[\"alimentation\"]|none" \
    "SELECT c.themes, m.auto FROM cases c, messages m WHERE m.message_id = 'reply1@$D'"

# --- kept copy -------------------------------------------------------------------------
t_run "with --db" 0 cdp reprocess --since 2026-11-30 --db "$T/scratch.db"
t_line "says where the copy is" "$T/out" "replayed values kept in $T/scratch.db"
t_line "same summary" "$T/out" "2 mails replayed, 2 would change"
got=$(sqlite3 "$T/scratch.db" "SELECT c.themes || '|' || m.auto FROM cases c, messages m WHERE m.message_id = 'reply1@$D'")
[ "$got" = '["alimentation","biodiversite"]|auto-reply' ] && t_ok "the copy has the replayed values" ||
    t_not_ok "the copy has the replayed values" "got $got"
[ "$(stat -c %a "$T/scratch.db")" = 600 ] && t_ok "the copy is mode 600" || t_not_ok "the copy is mode 600" "$(stat -c %a "$T/scratch.db")"
t_run "an existing SCRATCH is refused" 1 cdp reprocess --since 2026-11-30 --db "$T/scratch.db"
t_grep "one line naming it" "$T/err" "$T/scratch.db: exists and is not empty"
[ "$(wc -l <"$T/err")" = 1 ] && t_ok "one line on stderr" || t_not_ok "one line on stderr" "$(cat "$T/err")"

# --- a broken rules file -----------------------------------------------------------
printf '%s\n' 'habitat (' >>"$T/rules/themes.rules"
t_run "a bad rule" 1 cdp reprocess --since 2026-11-30
t_grep "names file and line" "$T/err" "themes.rules:"

[ "$(dump)" = "$before" ] && t_ok "real database still unchanged" || t_not_ok "real database still unchanged"
t_sql "nothing queued or sent" "$sent" "SELECT count(*) FROM outbox"
t_new "the holder got no mail" holder 0
t_new "nor the referent" referent 0
t_done
