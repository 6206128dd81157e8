# inspect_memory.sh — a 30 MB mail on one line (plain text, then HTML)
# parsed by `inspect` stays under 5 times its size in peak memory (it took
# 415 MB), its text is cut at MESSAGE_TEXT_MAX (1 MiB) with a note and
# "truncated": true in --json; a 1 MB Subject line and 10 000 headers each
# take less than twice their size over a small mail's peak, cut at 64 KiB
# and 2 000 headers, the headers after them still read; a mail
# over [imap] max_message_size is refused by inspect and by quarantine
# retry with one error line, as the daemon would not fetch it whole.
. "$(dirname "$0")/../lib.sh"

# bounded NAME KB LIMIT: KB kilobytes are under LIMIT bytes.  An
# AddressSanitizer build (`make check`) pads and keeps freed memory, so its
# peaks say nothing about the parser's: the bound is not checked there.
if nm -D "$CDP" 2>/dev/null | grep -q __asan_init; then
	echo "# skip: memory bounds (AddressSanitizer build); the rest is checked"
	bounded() { :; }
else
	bounded() {
		if [ "$(($2 * 1024))" -lt "$3" ]; then t_ok "$1 ($2 KB)"
		else t_not_ok "$1" "$2 KB, limit $3 bytes"; fi
	}
fi
CONF="$T/c.conf"
offline_config "$CONF"
sed -i "s|^url = imaps://127.0.0.1:1|&\nmax_message_size = 64M|" "$CONF"
printf '[storage]\ndatabase = %s\n' "$T/cdp.db" >>"$CONF"
/usr/bin/python3 - "$T" <<'PY'
import sys
t = sys.argv[1]
hdr = ("From: A <a@example.org>\r\nTo: b@example.org\r\nSubject: big\r\n"
       "Message-ID: <big@example.org>\r\nMIME-Version: 1.0\r\n")
with open(t + "/plain.eml", "wb") as f:
    f.write((hdr + "Content-Type: text/plain; charset=utf-8\r\n\r\n").encode())
    f.write(b"a" * (30 * 1024 * 1024) + b"\r\n")
with open(t + "/html.eml", "wb") as f:
    f.write((hdr + "Content-Type: text/html; charset=utf-8\r\n\r\n<p>").encode())
    f.write(b"ab " * (10 * 1024 * 1024) + b"</p>\r\n")
PY

for kind in plain html; do
	size=$(wc -c <"$T/$kind.eml")
	/usr/bin/time -f %M -o "$T/rss" "$CDP" -c "$CONF" inspect "$T/$kind.eml" >"$T/out" 2>"$T/err"
	is "$kind: inspect of a 30 MB line succeeds" "$?" 0
	kb=$(tail -n 1 "$T/rss")
	echo "# $kind: $size bytes, peak RSS $kb KB ($((kb * 1024 * 100 / size)) % of the size)"
	bounded "$kind: peak memory under 5 times the size" "$kb" "$((size * 5))"
	is "$kind: a note says the text was cut" "$(grep '^Note:' "$T/out")" \
	    "Note:     message too large or too deep: read in part (text parts up to 1048576 bytes, header values up to 65536)"
done
is "plain: the text is its first MiB" \
    "$("$CDP" -c "$CONF" inspect "$T/plain.eml" | tail -n 1 | tr -d '\n' | wc -c)" 1048576

is "plain: --json says it was cut" \
    "$("$CDP" -c "$CONF" inspect --json "$T/plain.eml" | grep '^  "truncated"')" '  "truncated": true'

# Headers: a 1 MB Subject line and 10 000 headers.  A header's value is
# kept up to 64 KiB and 2 000 headers are kept, so each costs at most about
# its size over what a small mail takes (the libraries and the rules).
/usr/bin/python3 - "$T" <<'PY'
import sys
t = sys.argv[1]
rest = (b"From: A <a@example.org>\r\nTo: b@example.org\r\n"
        b"Message-ID: <h@example.org>\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nBonjour\r\n")
with open(t + "/small.eml", "wb") as f:
    f.write(b"Subject: petit\r\n" + rest)
with open(t + "/longhdr.eml", "wb") as f:
    f.write(b"Subject: " + b"a" * (1024 * 1024) + b"\r\n" + rest)
with open(t + "/manyhdr.eml", "wb") as f:
    f.write(b"Subject: beaucoup\r\n")
    for i in range(10000):
        f.write(b"X-Header-%05d: %s\r\n" % (i, b"v" * 90))
    f.write(rest)
PY
# Rules are JIT-compiled once they have run on 1 KiB of text (rules.h): the
# long subject compiles those it runs, the small mail none.  That code is
# the rules' and bounded by them, not by the mail, so both run under the
# interpreter here.
rss() {	# FILE: peak RSS in KB of inspect --json
	CDP_NO_JIT=1 /usr/bin/time -f %M -o "$T/rss" "$CDP" -c "$CONF" inspect --json "$1" >"$T/json" 2>"$T/err"
	tail -n 1 "$T/rss"
}
base=$(rss "$T/small.eml")
is "a small mail: not cut" "$(grep '^  "truncated"' "$T/json")" '  "truncated": false'
for kind in longhdr manyhdr; do
	size=$(wc -c <"$T/$kind.eml")
	kb=$(rss "$T/$kind.eml")
	echo "# $kind: $size bytes, peak RSS $kb KB, $((kb - base)) KB over a small mail's"
	bounded "$kind: memory over a small mail's under twice the size" "$((kb - base))" "$((size * 2))"
	is "$kind: --json says it was cut" "$(grep '^  "truncated"' "$T/json")" '  "truncated": true'
	/usr/bin/python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(len(d["subject"]), d["from"]["address"], d["message_id"], d["text"].strip())' "$T/json" >"$T/$kind.fields"
done
is "longhdr: the subject's first 64 KiB, the headers after it read" \
    "$(cat "$T/longhdr.fields")" "65535 a@example.org h@example.org Bonjour"
is "manyhdr: the headers after 10 000 read" \
    "$(cat "$T/manyhdr.fields")" "8 a@example.org h@example.org Bonjour"

# Over max_message_size: refused, as the daemon would not fetch it whole.
sed "s/^max_message_size = 64M/max_message_size = 16M/" "$CONF" >"$T/small.conf"
chmod 600 "$T/small.conf"
t_run "inspect refuses a mail over max_message_size" 1 "$CDP" -c "$T/small.conf" inspect "$T/plain.eml"
is "  with one error line" "$(cat "$T/err")" \
    "coupdepouce inspect: $T/plain.eml: too large: $(wc -c <"$T/plain.eml") bytes (max_message_size is 16777216)"

t_run "a database" 0 "$CDP" -c "$CONF" quarantine list
sqlite3 "$T/cdp.db" "INSERT INTO quarantine (raw, content_hash, reason, created_at) VALUES (readfile('$T/plain.eml'), '$(sha256sum "$T/plain.eml" | cut -c1-64)', 'could not be stored: test', 0)"
t_run "quarantine retry refuses it too" 1 "$CDP" -c "$T/small.conf" quarantine retry 1
is "  with one error line" "$(cat "$T/err")" \
    "coupdepouce quarantine: mail 1 is too large: $(wc -c <"$T/plain.eml") bytes (max_message_size is 16777216)"
t_done
