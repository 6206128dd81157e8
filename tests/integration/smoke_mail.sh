# smoke_mail.sh — the daemon's own IMAP and SMTP modules against the test
# servers: an IMAPS login and SELECT, then one mail sent through Postfix
# submission (STARTTLS + AUTH) that must appear in the recipient's mailbox,
# read back over IMAPS with its accents intact.
. "$(dirname "$0")/../lib.sh"
NETCHECK="$BUILD/tools/netcheck"

ms_start

t_run "IMAPS login and SELECT with our CA" 0 "$NETCHECK" imap \
    "imaps://127.0.0.1:$MS_IMAPS_PORT" "coupdepouce@$MS_DOMAIN" coupdepouce --ca "$MS_CA_FILE"
t_grep "UIDVALIDITY printed" "$T/out" "uidvalidity"

subject="Smoke $$ $(date +%s)"
printf 'From: Coup de pouce <coupdepouce@example.org>\r\nTo: holder@example.org\r\nSubject: %s\r\nMessage-ID: <smoke.%s@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nBonjour, voici un message accentué : éàç.\r\n' \
    "$subject" "$$" >"$T/smoke.eml"
mb_mark holder
t_run "mail accepted by the SMTP server" 0 "$NETCHECK" smtp \
    "smtp://127.0.0.1:$MS_SUBMISSION_PORT" "coupdepouce@$MS_DOMAIN" coupdepouce --ca "$MS_CA_FILE" \
    "coupdepouce@$MS_DOMAIN" "holder@$MS_DOMAIN" "$T/smoke.eml"
t_run "mail arrives in the holder's mailbox" 0 mb_wait_new holder --subject "^$subject\$" --timeout 20
body=$(mail_text "$T/out")
[ "$body" = "Bonjour, voici un message accentué : éàç." ] && t_ok "body intact" ||
    t_not_ok "body intact" "$body"

t_done
