#!/bin/sh
# demo.sh BUILD — plays, through real mail servers on loopback, everything
# coupdepouce can do so far, and shows the result.  The servers and the
# daemon's files live in a temporary folder that is removed at the end
# (kept with KEEP=1).
set -eu
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
case $BUILD in /*) ;; *) BUILD="$TOP/$BUILD" ;; esac
CDP="$BUILD/coupdepouce"
MAILBOX="/usr/bin/python3 $TOP/tests/mailserver/mailbox.py"
D=$(mktemp -d "${TMPDIR:-/tmp}/cdp-demo.XXXXXX")
chmod 755 "$D"

step() { printf '\n==> %s\n' "$*"; }
finish() {
	bash "$TOP/tests/mailserver/mailserver.sh" stop "$D/ms" >/dev/null 2>&1 || true
	if [ "${KEEP:-0}" = 1 ]; then echo "demo files kept in $D"; else rm -rf "$D"; fi
}
trap finish EXIT

step "Starting private mail servers (Dovecot IMAP + Postfix SMTP) on loopback"
mkdir -p "$D/ms"
bash "$TOP/tests/mailserver/mailserver.sh" start "$D/ms"
. "$D/ms/env"
export MS_ENV="$D/ms/env"

step "Writing the daemon's configuration ($D/cdp/coupdepouce.conf)"
mkdir -p "$D/cdp"
umask 077
cat >"$D/cdp/coupdepouce.conf" <<CONF
[network]
contact = coupdepouce@$MS_DOMAIN
coordinators = coordinator@$MS_DOMAIN
[imap]
url = imaps://127.0.0.1:$MS_IMAPS_PORT
user = coupdepouce@$MS_DOMAIN
password = coupdepouce
ca_file = $MS_CA_FILE
[smtp]
url = smtp://127.0.0.1:$MS_SUBMISSION_PORT
user = coupdepouce@$MS_DOMAIN
password = coupdepouce
ca_file = $MS_CA_FILE
[paths]
templates = $TOP/templates
rules = $TOP/config/rules
CONF
head -c 32 /dev/urandom >"$D/cdp/secret"
umask 022
sed 's/^password = .*/password = ********/' "$D/cdp/coupdepouce.conf"

step "coupdepouce check: config, database, IMAPS and SMTP logins"
"$CDP" -c "$D/cdp/coupdepouce.conf" check

step "Same servers without trusting their certificate: the daemon refuses"
sed '/^ca_file/d' "$D/cdp/coupdepouce.conf" >"$D/cdp/untrusted.conf"
chmod 600 "$D/cdp/untrusted.conf"
"$CDP" -c "$D/cdp/untrusted.conf" check --offline >/dev/null
"$CDP" -c "$D/cdp/untrusted.conf" check 2>&1 >/dev/null | sed 's/^/    /' || true

step "A holder writes to the contact address from their own mail client"
crlf() { tr -d '\r' | sed 's/$/\r/'; }
crlf >"$D/request.eml" <<MAIL
From: Camille Porteur <holder@$MS_DOMAIN>
To: Coup de pouce <coupdepouce@$MS_DOMAIN>
Subject: Projet de jardin partagé à Ambert
Date: $(LC_ALL=C date -R)
Message-ID: <demo.$$@$MS_DOMAIN>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Bonjour,

Nous voudrions créer un jardin partagé et un composteur collectif
près de l'école d'Ambert. Pouvez-vous nous aider ?

Camille
MAIL
$MAILBOX send --as holder "$D/request.eml"

step "The holder answers a message from Outlook; a referent's mailbox sends an out-of-office"
crlf >"$D/reply.eml" <<MAIL
From: Camille Porteur <holder@$MS_DOMAIN>
To: Coup de pouce <coupdepouce@$MS_DOMAIN>
Subject: RE : Projet de jardin partagé à Ambert
Date: $(LC_ALL=C date -R)
Message-ID: <demo.reply.$$@$MS_DOMAIN>
In-Reply-To: <demo.$$@$MS_DOMAIN>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Nous avons aussi l'accord de la mairie pour le terrain.

Envoyé de mon iPhone

De : Coup de pouce <coupdepouce@$MS_DOMAIN>
Envoyé : samedi 28 novembre 2026 18:05
À : Camille Porteur <holder@$MS_DOMAIN>
Objet : Projet de jardin partagé à Ambert

Bonjour Camille, merci pour votre message.
MAIL
$MAILBOX send --as holder "$D/reply.eml"
crlf >"$D/ooo.eml" <<MAIL
From: Dominique Référente <referent@$MS_DOMAIN>
To: coupdepouce@$MS_DOMAIN
Subject: Réponse automatique : Projet de jardin partagé à Ambert
Date: $(LC_ALL=C date -R)
Message-ID: <demo.ooo.$$@$MS_DOMAIN>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Je suis absente jusqu'au 7 décembre.
MAIL
$MAILBOX send --as referent "$D/ooo.eml"
$MAILBOX wait coupdepouce --count 3 --timeout 20 >/dev/null
echo "Contact inbox before the daemon runs:"
$MAILBOX list coupdepouce | sed 's/^/    /'

step "coupdepouce poll: fetch, parse, recognise, store (one transaction), then move"
"$CDP" -c "$D/cdp/coupdepouce.conf" poll
echo "Inbox now: $($MAILBOX count coupdepouce) message(s); Processed: $($MAILBOX count coupdepouce --folder Processed)"
echo "Stored in the database:"
sqlite3 -header -column "$D/cdp/coupdepouce.db" \
    "SELECT id, from_address AS sender, auto, substr(subject, 1, 40) AS subject FROM messages ORDER BY id" | sed 's/^/    /'
echo "New text of the holder's reply (quoted Outlook history and phone signature removed):"
sqlite3 "$D/cdp/coupdepouce.db" "SELECT new_text FROM messages WHERE message_id = 'demo.reply.$$@$MS_DOMAIN'" | sed 's/^/    | /'

step "coupdepouce inspect --json on the reply (no database, no network)"
"$CDP" inspect --json "$D/reply.eml" | head -n 40

step "Not yet playable: cases, acknowledgements, routing and mail commands — see the open issues"
