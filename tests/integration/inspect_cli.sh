# inspect_cli.sh — `coupdepouce inspect`: the DESIGN.md §6 JSON contract
# (keys and their order, auto/bounce, reply without quoted history), with
# and without a configuration file, and clear errors.
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3
DATA="$TOP/tests/data"

crlf() { tr -d '\r' | sed 's/$/\r/'; }
crlf >"$T/reply.eml" <<'MAIL'
From: =?UTF-8?Q?H=C3=A9l=C3=A8ne_Dupr=C3=A9?= <helene@example.org>
To: Coup de pouce <coupdepouce@example.org>
Subject: =?UTF-8?Q?RE=C2=A0:_[CDP-2026-0007]_Jardin_partag=C3=A9?=
Date: Sat, 28 Nov 2026 18:05:00 +0100
Message-ID: <r1@example.org>
In-Reply-To: <cdp.1.2.3.abc@example.org>
References: <a@example.org> <cdp.1.2.3.abc@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

ELIGIBLE
INVITER volunteer1@example.org

De : Coup de pouce <coupdepouce@example.org>
Envoyé : samedi 28 novembre 2026 10:00
À : Hélène Dupré <helene@example.org>
Objet : [CDP-2026-0007] Jardin partagé

NON ELIGIBLE : ceci est cité
MAIL

t_run "inspect --json with the project config" 0 "$CDP" -c "$TOP/config/coupdepouce.conf" inspect --json "$T/reply.eml"
cp "$T/out" "$T/reply.json"
$PY - "$T/reply.json" >"$T/check" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
keys = ["from", "to", "cc", "subject", "date", "message_id", "in_reply_to",
        "references", "auto", "bounce", "text", "reply", "attachments",
        "kind", "themes", "commands", "truncated"]
print("keys", list(d.keys()) == keys and d["truncated"] is False)
print("from", d["from"] == {"name": "Hélène Dupré", "address": "helene@example.org"})
print("subject", d["subject"] == "RE\u00a0: [CDP-2026-0007] Jardin partagé")
print("date", d["date"] == "2026-11-28T18:05:00+01:00")
print("refs", d["references"] == ["a@example.org", "cdp.1.2.3.abc@example.org"])
print("irt", d["in_reply_to"] == "cdp.1.2.3.abc@example.org")
print("auto", d["auto"] == "none" and d["bounce"] is None)
print("reply", d["reply"] == "ELIGIBLE\nINVITER volunteer1@example.org")
print("text", "NON ELIGIBLE : ceci est cité" in d["text"])
PY
for k in keys from subject date refs irt auto reply text; do
	t_grep "json: $k" "$T/check" "$k True"
done

# Without any configuration (no /etc file): the rules of the source tree.
t_run "-c naming a missing file is an error" 1 "$CDP" -c "$T/none.conf" inspect "$T/reply.eml"
t_grep "which names the file" "$T/err" "$T/none.conf"
( cd "$T" && "$CDP" inspect --json "$T/reply.eml" >"$T/out2" 2>"$T/err2" )
t_grep "no -c and no default config: still works" "$T/out2" '"reply": "ELIGIBLE\nINVITER volunteer1@example.org"'

t_run "a Postfix bounce" 0 "$CDP" inspect --json "$DATA/bounce_postfix.eml"
t_grep "is classified bounce" "$T/out" '"auto": "bounce"'
t_grep "with its failed recipient" "$T/out" '"status": "5.1.1"'

t_run "missing file" 1 "$CDP" inspect "$T/nope.eml"
t_grep "named in the error" "$T/err" "coupdepouce inspect: $T/nope.eml:"
t_run "no file is a usage error" 2 "$CDP" inspect
t_done
