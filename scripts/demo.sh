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
mkdir -p "$D/cdp/rules"
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
cat <<MAIL | tr -d '\r' | sed 's/$/\r/' >"$D/request.eml"
From: Camille Porteur <holder@$MS_DOMAIN>
To: Coup de pouce <coupdepouce@$MS_DOMAIN>
Subject: Projet de jardin partagé à Ambert
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
$MAILBOX wait coupdepouce --subject 'jardin partagé' --timeout 20 >/dev/null
echo "Contact mailbox now holds:"
$MAILBOX list coupdepouce | sed 's/^/    /'

step "Not yet playable: fetching and handling that request (cases, replies, commands) — see the open issues"
