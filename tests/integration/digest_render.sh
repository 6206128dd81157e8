# digest_render.sh — the digest's HTML part as a browser shows it: the
# digest of the seeded network (tests/data/digest/seed.sql) is queued to
# its coordinator, the text/html part of the composed mail is written to
# a file and rendered by headless Chromium: a screenshot is kept in
# $BUILD/test-logs/digest.png and the rendered DOM must hold every
# section's heading and the values as written (escaped, not markup).
# Skipped, saying so, only when Chromium is not installed (scripts/deps.sh
# installs it).
. "$(dirname "$0")/../lib.sh"
DATA="$TOP/tests/data/digest"
LOGS="$BUILD/test-logs"
BROWSER=$(command -v chromium || command -v chromium-browser || true)
[ -n "$BROWSER" ] || t_skip_all "chromium is not installed (make deps installs it): the HTML digest was not rendered"

mkdir -p "$T/cdp" "$LOGS"
CONF="$T/cdp/coupdepouce.conf"
offline_config "$CONF"
sed -i 's/^contact = .*/&\ncoordinators = coord@example.org/' "$CONF"
"$CDP" -c "$CONF" person list >/dev/null 2>&1
TZ=Europe/Paris sqlite3 "$T/cdp/coupdepouce.db" <"$DATA/seed.sql" &&
    t_ok "seeded" || t_not_ok "seeded"
t_run "digest queued" 0 "$CDP" -c "$CONF" --now '2026-12-07 08:00' digest
sqlite3 "$T/cdp/coupdepouce.db" "SELECT writefile('$T/digest.eml', message) FROM outbox WHERE template = 'digest'" >/dev/null

# The parts, in order, and the HTML one into a file.
/usr/bin/python3 - "$T/digest.eml" "$T/digest.html" >"$T/parts" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(m.get_content_type())
for p in m.walk():
    if not p.is_multipart():
        print(p.get_content_type())
        if p.get_content_type() == "text/html":
            open(sys.argv[2], "w", encoding="utf-8").write(p.get_content())
PY
t_grep "multipart/alternative" "$T/parts" "multipart/alternative"
[ "$(tr '\n' ' ' <"$T/parts")" = "multipart/alternative text/plain text/html " ] &&
    t_ok "text part first, HTML second" ||
    t_not_ok "text part first, HTML second" "$(cat "$T/parts")"

rm -f "$LOGS/digest.png"
timeout 120 "$BROWSER" --headless --no-sandbox --disable-gpu \
    --screenshot="$LOGS/digest.png" --window-size=1000,4000 \
    "file://$T/digest.html" >"$T/shot.log" 2>&1
[ -s "$LOGS/digest.png" ] && t_ok "screenshot in test-logs/digest.png" ||
    t_not_ok "screenshot in test-logs/digest.png" "$(tail -n 5 "$T/shot.log")"
timeout 120 "$BROWSER" --headless --no-sandbox --disable-gpu --dump-dom \
    "file://$T/digest.html" >"$T/dom.html" 2>"$T/dom.log"
# The text a reader sees: the rendered DOM without its tags, entities
# decoded.
/usr/bin/python3 - "$T/dom.html" >"$T/dom.txt" <<'PY'
import html, re, sys
s = open(sys.argv[1], encoding="utf-8").read()
s = re.sub(r"<[^>]*>", " ", s)
print(re.sub(r"\s+", " ", html.unescape(s)))
PY
for h in "Synthèse du réseau au 07/12/2026" "1. À traiter maintenant" \
    "2. Les 14 prochains jours" "3. En retard" \
    "4. Depuis la précédente synthèse" \
    "5. Le vivier des personnes ressources" "6. Chiffres" \
    "Dossiers sans personne référente (1)" "Décisions en retard (1)" \
    "Groupes où personne n'a encore accepté (1)" \
    "Nouveaux dossiers et dossiers terminés, sur 12 mois"; do
	t_grep "rendered: $h" "$T/dom.txt" "$h"
done
t_grep "the subject reads as written" "$T/dom.txt" \
    'Panneaux solaires <école> & "mairie"'
t_grep "a theme by its French label" "$T/dom.txt" "Biodiversité, Lien social"
t_done
