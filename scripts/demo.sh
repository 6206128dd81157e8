#!/bin/sh
# demo.sh BUILD — plays, through real mail servers on loopback, everything
# coupdepouce can do so far, and shows the result: a holder writes, the
# network acknowledges and routes the request, the referent, three
# volunteers (one a newcomer outside the pool) and the holder carry the
# support from the first analysis to its closure by replying to mails;
# the coordinator manages the pool by replying to the digest; the
# administrator checks the health and exercises a person's data rights.  The servers and the daemon's files
# live in a temporary folder removed at the end (kept with KEEP=1).
set -eu
BUILD=${1:-build}
MS_EXTRA_USERS=volunteer4
export MS_EXTRA_USERS
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/servers.sh"
REPLY="/usr/bin/python3 $TOP/tests/tools/replymail.py"
D=$(scratch_dir demo)

step() { printf '\n==> %s\n' "$*"; }
finish() {
	ms_down "$D"
	if [ "${KEEP:-0}" = 1 ]; then echo "demo files kept in $D"; else rm -rf "$D"; fi
}
trap finish EXIT

step "Starting private mail servers (Dovecot IMAP + Postfix SMTP) on loopback"
ms_up "$D"
M=$MS_DOMAIN

step "Writing the daemon's configuration and the people of the network"
mkdir -p "$D/cdp"
ms_config "$D/cdp/coupdepouce.conf" "coordinators = coordinator@$M" "" \
    "$(ms_login)" "people = people.csv"
(umask 077 && head -c 32 /dev/urandom >"$D/cdp/secret")
cat >"$D/cdp/people.csv" <<CSV
email,name,roles,themes,communes
referent@$M,Romane Référente,referent,alimentation;biodiversite,Ambert;Marsac-en-Livradois
referent2@$M,Rémi Référent,referent,energie;habitat,Thiers
volunteer1@$M,Valérie Jardinière,volunteer,alimentation,
volunteer3@$M,Vanessa Apicultrice,volunteer,biodiversite;alimentation,
CSV
sed 's/^password = .*/password = ********/' "$D/cdp/coupdepouce.conf"
echo "--- people.csv"
cat "$D/cdp/people.csv"
CFG="$D/cdp/coupdepouce.conf"
run() { "$CDP" -c "$CFG" --now "$1" poll 2>&1 | sed 's/^coupdepouce: /    /'; }
inbox() {	# USER: the subjects in USER's mailbox
	echo "  $1:"
	$MAILBOX list "$1" | awk -F '\t' '{print "    " $3}'
}
answer() {	# USER ORIGINAL BODY: USER answers the mail
	printf '%s\n' "$3" | $REPLY "$2" "$1@$M" >"$D/reply.eml"
	$MAILBOX send --as "$1" --to "coupdepouce@$M" "$D/reply.eml"
	echo "  $1 answers:"; printf '%s\n' "$3" | sed 's/^/    | /'
}
fetch() {	# USER N FILE: the Nth mail of USER's mailbox into FILE
	_uid=$($MAILBOX list "$1" | awk -F '\t' -v n="$2" 'NR == n {print $1}')
	$MAILBOX fetch "$1" "$_uid" >"$3"
}
crlf() { tr -d '\r' | sed 's/$/\r/'; }

step "coupdepouce check: config, templates, rules, IMAPS and SMTP logins"
"$CDP" -c "$CFG" check

step "A holder writes to the contact address from their own mail client"
crlf >"$D/request.eml" <<MAIL
From: Camille Porteur <holder@$M>
To: Coup de pouce <coupdepouce@$M>
Subject: Projet de jardin partagé à Ambert
Date: $(LC_ALL=C date -R)
Message-ID: <demo.$$@$M>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Bonjour,

Nous voudrions créer un jardin partagé et un potager pédagogique
près de l'école d'Ambert, avec les voisins. Pouvez-vous nous aider ?

Camille
MAIL
$MAILBOX send --as holder "$D/request.eml"
$MAILBOX wait coupdepouce --timeout 20 >/dev/null
"$CDP" inspect --json "$D/request.eml" | grep -E '"(kind|themes|subject)"|"(alimentation|lien_social)"'

step "coupdepouce poll: a case, the acknowledgement, the referent of Ambert gets the request"
run "2026-11-30 10:00"
$MAILBOX wait referent --timeout 20 >/dev/null
inbox holder; inbox referent
fetch holder 1 "$D/ack.eml"
fetch referent 1 "$D/assign.eml"
echo "  The acknowledgement:"
/usr/bin/python3 -c 'import email,email.policy,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb"),policy=email.policy.default); print("\n".join("    | "+l for l in m.get_body(("plain",)).get_content().splitlines()[:12]))' "$D/ack.eml"

step "The holder answers from Outlook (tag kept, no In-Reply-To); an out-of-office comes back"
crlf >"$D/outlook.eml" <<MAIL
From: Camille Porteur <holder@$M>
To: coupdepouce@$M
Subject: RE : [CDP-2026-0001] Nous avons bien reçu votre message
Date: $(LC_ALL=C date -R)
Message-ID: <demo.reply.$$@$M>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

La mairie nous prête le terrain derrière l'école.

Envoyé de mon iPhone

-----Message d'origine-----
De : Coup de pouce <coupdepouce@$M>
Objet : [CDP-2026-0001] Nous avons bien reçu votre message
MAIL
$MAILBOX send --as holder "$D/outlook.eml"
crlf >"$D/ooo.eml" <<MAIL
From: Camille Porteur <holder@$M>
To: coupdepouce@$M
Subject: Réponse automatique : absente
In-Reply-To: <$(tr -d '\r' <"$D/ack.eml" | sed -n 's/^Message-ID: <\(.*\)>$/\1/Ip' | head -n1)>
Auto-Submitted: auto-replied
Date: $(LC_ALL=C date -R)
Message-ID: <demo.ooo.$$@$M>
Content-Type: text/plain; charset=utf-8

Je suis absente jusqu'au 7 décembre.
MAIL
$MAILBOX send --as holder "$D/ooo.eml"
$MAILBOX wait coupdepouce --count 2 --timeout 20 >/dev/null
run "2026-11-30 11:00"
echo "  The referent receives the holder's new text (history and signature removed):"
$MAILBOX wait referent --count 2 --timeout 20 >/dev/null
inbox referent

step "The referent replies to the assignment: ELIGIBLE, INVITER two volunteers of the pool and a newcomer (volunteer2, not in people.csv)"
answer referent "$D/assign.eml" "ELIGIBLE
INVITER volunteer1@$M, volunteer2@$M, volunteer3@$M

Très beau projet, je m'en occupe."
run "2026-11-30 14:00"
for v in 1 2 3; do fetch volunteer$v 1 "$D/inv$v.eml"; done
inbox holder; inbox volunteer1

step "The volunteers answer as they would: two yes (one in a sentence; the newcomer's OUI also signs the charter), one no"
answer volunteer1 "$D/inv1.eml" "Oui, avec plaisir !"
answer volunteer2 "$D/inv2.eml" "OUI"
answer volunteer3 "$D/inv3.eml" "Non merci, pas disponible en ce moment."
$MAILBOX wait coupdepouce --count 3 --timeout 20 >/dev/null
run "2026-11-30 16:00"
inbox volunteer2

step "INTERLOCUTEUR: the group is complete, everyone is introduced to everyone"
answer referent "$D/assign.eml" "INTERLOCUTEUR volunteer1@$M"
run "2026-11-30 17:00"
$MAILBOX wait volunteer1 --count 2 --timeout 20 >/dev/null
fetch volunteer1 2 "$D/intro.eml"
tr -d '\r' <"$D/intro.eml" | grep -E '^(To|Cc|Subject):' | sed 's/^/    /'

step "The privileged contact sets the first meeting (iMIP invitation), the referent records the roadmap"
answer volunteer1 "$D/intro.eml" "RENCONTRE 10/12/2026 18h30 à la mairie d'Ambert"
run "2026-12-01 09:00"
answer referent "$D/assign.eml" "FEUILLE DE ROUTE
Nature : jardin partagé et potager pédagogique.
Modalités : un chantier par mois.
- 15/01/2027 : construire les bacs
- 01/03/2027 : premières plantations avec l'école
FIN"
run "2026-12-11 09:00"
answer volunteer1 "$D/intro.eml" "POINT 01/02/2027 18h bilan de l'hiver"
run "2026-12-11 11:00"

step "Seven weeks pass: the daemon polls at 08:00, 12:00 and 18:30 every day, weekends and holidays too"
echo "  (reminders and digests wait for working hours on working days: not on"
echo "   weekends, not on 25 December nor 1 January)"
day=2026-12-11
while [ "$day" != 2027-01-29 ]; do
	day=$(date -d "$day + 1 day" +%F)
	for h in 08:00 12:00 18:30; do
		"$CDP" -c "$CFG" --now "$day $h" poll 2>&1 |
		    sed -n "s/^coupdepouce: \(ran [0-9]* due timer(s)\)/  $(date -d "$day" +%a) $day $h: \1/p"
	done
done
sleep 1
echo "  What the timers sent (local date, subject):"
for u in holder referent volunteer1 coordinator; do
	echo "  $u:"
	TZ=Europe/Paris $MAILBOX list "$u" --dates |
	    grep -E "$(printf '\t')(Rappel|Comment|Synth|Des nouvelles)" |
	    sed 's/^/    /'
done

step "The privileged contact answers the question about the first step: FAIT"
_uid=$($MAILBOX list volunteer1 | awk -F '\t' '$3 ~ /^Comment/ {print $1; exit}')
$MAILBOX fetch volunteer1 "$_uid" >"$D/ask.eml"
answer volunteer1 "$D/ask.eml" "FAIT"
run "2027-01-29 09:00"
answer referent "$D/assign.eml" "STATUT"
run "2027-01-29 09:30"
$MAILBOX wait referent --subject "^Où en est" --timeout 20 >"$D/status.eml"
/usr/bin/python3 -c 'import email,email.policy,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb"),policy=email.policy.default); print("\n".join("    | "+l for l in m.get_body(("plain",)).get_content().splitlines() if "/20" in l))' "$D/status.eml"

step "Someone forges the referent's address: nothing is run, the referent is told"
crlf >"$D/forged.eml" <<MAIL
From: Romane Référente <referent@$M>
To: coupdepouce@$M
Subject: Re: [CDP-2026-0001] dossier
Date: $(LC_ALL=C date -R)
Message-ID: <forged.$$@evil.example>
Content-Type: text/plain; charset=utf-8

CLOTURER
MAIL
$MAILBOX send --as other --to "coupdepouce@$M" "$D/forged.eml"
$MAILBOX wait coupdepouce --timeout 20 >/dev/null
run "2027-02-01 10:00"

step "CLOTURER: the holder is thanked and asked whether they would share their experience"
answer referent "$D/assign.eml" "CLOTURER Le jardin est lancé, bravo à tous."
run "2027-02-01 11:00"
sleep 1
echo "Every mailbox now:"
for u in holder referent volunteer1 volunteer2 volunteer3; do inbox $u; done

step "coupdepouce case list, and the case's timeline"
"$CDP" -c "$CFG" case list
"$CDP" -c "$CFG" case show CDP-2026-0001

step "The last digest the coordinator received (text part; an HTML part goes with it)"
_uid=$($MAILBOX list coordinator | awk -F '\t' '$3 ~ /^Synth/ {u = $1} END {print u}')
$MAILBOX fetch coordinator "$_uid" >"$D/digest.eml"
/usr/bin/python3 -c 'import email,email.policy,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb"),policy=email.policy.default); print("  Subject: "+m["Subject"]); print("\n".join("    | "+l for l in m.get_body(("plain",)).get_content().splitlines()))' "$D/digest.eml"

step "The coordinator replies to that digest: BENEVOLE adds a volunteer, ANNUAIRE lists the pool"
answer coordinator "$D/digest.eml" "BENEVOLE volunteer4@$M Vincent Menuisier ; habitat, energie ; Thiers
ANNUAIRE"
run "2027-02-01 14:00"
$MAILBOX wait volunteer4 --subject "^Bienvenue" --timeout 20 >"$D/welcome.eml"
echo "  volunteer4 receives the welcome with the charter, and accepts it:"
answer volunteer4 "$D/welcome.eml" "J'accepte la charte"
run "2027-02-01 15:00"
$MAILBOX wait coordinator --subject "^Annuaire" --timeout 20 >"$D/pool.eml"
/usr/bin/python3 -c 'import email,email.policy,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb"),policy=email.policy.default); print("  Subject: "+m["Subject"]); print("\n".join("    | "+l for l in m.get_body(("plain",)).get_content().splitlines()))' "$D/pool.eml"
"$CDP" -c "$CFG" person list

step "The administrator: status for monitoring, a person's data (export), erasure (forget), retention (purge)"
"$CDP" -c "$CFG" --now "2027-02-01 15:05" status || true
"$CDP" -c "$CFG" export volunteer2@$M | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print("  export volunteer2: %d case(s), %d mail(s) from them, %d mail(s) to them" % (len(d["cases"]), len(d["mails_from_them"]), len(d["mails_to_them"])))'
"$CDP" -c "$CFG" forget volunteer2@$M --yes
"$CDP" -c "$CFG" --now "2029-03-01 10:00" purge --dry-run
processed() { $MAILBOX list coupdepouce --folder Processed --ids | wc -l; }
echo "  the contact mailbox keeps $(processed) processed mail(s)"
"$CDP" -c "$CFG" --now "2029-03-01 10:00" purge | head -n 1
echo "  the next poll deletes their copies from the mailbox:"
run "2029-03-01 10:05" | grep 'retention:' || true
echo "  the contact mailbox keeps $(processed) processed mail(s)"
