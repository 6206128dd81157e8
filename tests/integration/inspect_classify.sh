# inspect_classify.sh — `coupdepouce inspect`: kind and themes of a mail
# (DESIGN.md §6) from the shipped rules, read from the new text only (not
# from quoted history), in --json and in the text output; a broken
# kind.rules is refused with its file and line.
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3

crlf() { tr -d '\r' | sed 's/$/\r/'; }

# mail FILE SUBJECT: a plain UTF-8 mail with the body read from stdin.
mail() {
	{
		printf 'From: Camille <camille@example.org>\n'
		printf 'To: Coup de pouce <coupdepouce@example.org>\n'
		printf 'Subject: %s\n' "$2"
		printf 'Date: Sat, 28 Nov 2026 10:00:00 +0100\n'
		printf 'Message-ID: <%s@example.org>\n' "$(basename "$1" .eml)"
		printf 'MIME-Version: 1.0\n'
		printf 'Content-Type: text/plain; charset=utf-8\n'
		printf 'Content-Transfer-Encoding: 8bit\n\n'
		cat
	} | crlf >"$1"
}

# json_is NAME FILE KEY WANT: the JSON value of KEY in FILE is WANT (JSON).
json_is() {
	if $PY - "$2" "$3" "$4" >"$T/why" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
want = json.loads(sys.argv[3])
if d.get(sys.argv[2]) != want:
    print("got %r, want %r" % (d.get(sys.argv[2]), want))
    sys.exit(1)
PY
	then
		t_ok "$1"
	else
		t_not_ok "$1" "$(cat "$T/why")"
	fi
}

mail "$T/holder.eml" "Projet de jardin partagé à Job" <<'MAIL'
Bonjour,

Avec quelques voisins nous aimerions créer un jardin partagé et un
composteur collectif derrière la salle des fêtes. Pouvez-vous nous aider ?

Camille
MAIL
t_run "a holder's mail" 0 "$CDP" inspect --json "$T/holder.eml"
cp "$T/out" "$T/holder.json"
json_is "holder: kind request" "$T/holder.json" kind '"request"'
json_is "holder: themes from subject and text, in file order" \
    "$T/holder.json" themes '["alimentation", "dechets"]'

mail "$T/volunteer.eml" "Proposition" <<'MAIL'
Bonjour,

Retraitée de la thermique du bâtiment, je souhaiterais devenir bénévole
et proposer mes compétences sur l'isolation et les panneaux solaires.

Bien cordialement,
Anne
MAIL
t_run "a volunteer's mail" 0 "$CDP" inspect --json "$T/volunteer.eml"
cp "$T/out" "$T/volunteer.json"
json_is "volunteer: kind" "$T/volunteer.json" kind '"volunteer"'
json_is "volunteer: themes" "$T/volunteer.json" themes \
    '["energie", "habitat"]'

mail "$T/report.eml" "Une initiative à Thiers" <<'MAIL'
Bonjour,

Je voudrais vous signaler le repair café que des habitants ont lancé à
Thiers : ils réparent des vélos et de l'électroménager chaque samedi.

Paul
MAIL
t_run "a report" 0 "$CDP" inspect --json "$T/report.eml"
cp "$T/out" "$T/report.json"
json_is "report: kind" "$T/report.json" kind '"report"'
json_is "report: themes" "$T/report.json" themes '["mobilite", "dechets"]'

mail "$T/newsletter.eml" "La lettre de novembre" <<'MAIL'
Au sommaire : la fête du vélo, nos nouveaux bureaux.

Si vous ne souhaitez plus recevoir cette lettre, cliquez ici.
MAIL
t_run "a newsletter" 0 "$CDP" inspect --json "$T/newsletter.eml"
cp "$T/out" "$T/newsletter.json"
json_is "newsletter: kind other" "$T/newsletter.json" kind '"other"'
json_is "newsletter: 'bureaux' is not water" "$T/newsletter.json" themes \
    '["mobilite"]'

# What is quoted is not what this sender says: classified from the new
# text ("reply"), not from the history below it.
mail "$T/quoted.eml" "Re: Bienvenue" <<'MAIL'
Je souhaite devenir bénévole, merci !

Le 27 nov. 2026 à 09:12, Coup de pouce <coupdepouce@example.org> a écrit :
> Nos panneaux solaires sont posés ! Pour vous désabonner, cliquez ici.
MAIL
t_run "a mail quoting another" 0 "$CDP" inspect --json "$T/quoted.eml"
cp "$T/out" "$T/quoted.json"
json_is "quoted: kind from the new text" "$T/quoted.json" kind \
    '"volunteer"'
json_is "quoted: no theme from the history" "$T/quoted.json" themes '[]'

t_run "text output" 0 "$CDP" inspect "$T/holder.eml"
t_grep "text output: kind" "$T/out" "Kind:     request"
t_grep "text output: themes" "$T/out" "Themes:   alimentation"
t_grep "text output: commune" "$T/out" "Commune:  Job"

# A broken kind.rules in the configured rules folder.
mkdir -p "$T/rules"
cp "$TOP/config/rules/"*.rules "$TOP/config/rules/communes.txt" "$T/rules/"
printf '# kinds\nvolunteer  bénévole\nrequets  x\n' >"$T/rules/kind.rules"
offline_config "$T/bad.conf" "$T/rules"
t_run "a bad kind label is refused" 1 "$CDP" -c "$T/bad.conf" inspect --json "$T/holder.eml"
t_grep "naming file, line and label" "$T/err" \
    "$T/rules/kind.rules:3: label 'requets': not a kind (request, report, volunteer, other)"
t_done
