# mail_compose.sh — a mail written by the daemon (template → token → MIME →
# outbox → SMTP) arrives in the recipient's mailbox and parses back, with
# the inbound parser, to the same subject, sender, body and accents; its
# Message-ID token verifies, and a tampered one does not.
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3
MAILTOOL="$BUILD/tools/mailtool"

ms_start
cdp_config
CONF="$T/cdp/coupdepouce.conf"

t_run "ack queued through the mailer" 0 "$MAILTOOL" "$CONF" ack "holder@$MS_DOMAIN" \
    "Hélène Dupré-Lefèvre" CDP-2026-0001 "Jardin partagé à Ambert"
t_run "secret created on first use, mode 600" 0 test "$(stat -c %a "$T/cdp/secret")" = 600
t_run "poll sends it" 0 "$CDP" -c "$CONF" poll
t_run "it arrives in the holder's mailbox" 0 $MAILBOX wait holder --subject 'CDP-2026-0001' --timeout 20
cp "$T/out" "$T/ack.eml"
t_run "inspect parses it back" 0 "$CDP" -c "$CONF" inspect --json "$T/ack.eml"
cp "$T/out" "$T/ack.json"
$PY - "$T/ack.json" >"$T/check" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
print("subject", d["subject"] == "Nous avons bien reçu votre message [CDP-2026-0001]")
print("from", d["from"] == {"name": "Coup de pouce Livradois-Forez", "address": "coupdepouce@example.org"})
print("to", d["to"] == [{"name": "Hélène Dupré-Lefèvre", "address": "holder@example.org"}])
print("greeting", d["text"].startswith("Bonjour Hélène Dupré-Lefèvre,\n"))
print("body", "«\u00a0Jardin partagé à Ambert\u00a0»" in d["text"] and "référence CDP-2026-0001" in d["text"])
print("auto", d["auto"] == "auto-reply")
print("placeholders", "{{" not in d["text"])
PY
for k in subject from to greeting body auto placeholders; do
	t_grep "parsed back: $k" "$T/check" "$k True"
done
t_grep "RFC 3834 header" "$T/ack.eml" "Auto-Submitted: auto-replied"
t_grep "Outlook out-of-office suppressed" "$T/ack.eml" "X-Auto-Response-Suppress: All"
t_grep "replies go to the contact address" "$T/ack.eml" "Reply-To: coupdepouce@example.org"
t_grep "quoted-printable UTF-8" "$T/ack.eml" "Content-Transfer-Encoding: quoted-printable"
msgid=$(sed -n 's/^Message-ID: <\(.*\)>\r*$/\1/Ip' "$T/ack.eml" | head -n 1)
t_run "its Message-ID token verifies" 0 "$MAILTOOL" "$CONF" verify "$msgid"
t_grep "and names its outbox row" "$T/out" "outbox 1 case 0 person 0"
bad=$(echo "$msgid" | sed 's/^cdp\.1\./cdp.2./')
t_run "a tampered token does not" 1 "$MAILTOOL" "$CONF" verify "$bad"
t_run "outbox list shows it sent" 0 "$CDP" -c "$CONF" outbox list
t_grep "sent" "$T/out" "sent"
t_grep "outbox list: the name decoded" "$T/out" "Hélène Dupré-Lefèvre <holder@example.org>"
t_nogrep "outbox list: no encoded word" "$T/out" "=?UTF-8?"
t_done
