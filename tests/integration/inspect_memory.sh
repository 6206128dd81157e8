# inspect_memory.sh — a 30 MB mail on one line (plain text, then HTML)
# parsed by `inspect` stays under 5 times its size in peak memory (it took
# 415 MB), its text is cut at MESSAGE_TEXT_MAX (1 MiB) with a note; a mail
# over [imap] max_message_size is refused by inspect and by quarantine
# retry with one error line, as the daemon would not fetch it whole.
. "$(dirname "$0")/../lib.sh"

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
	if [ "$((kb * 1024))" -lt "$((size * 5))" ]; then
		t_ok "$kind: peak memory under 5 times the size ($kb KB)"
	else
		t_not_ok "$kind: peak memory under 5 times the size" "$kb KB for $size bytes"
	fi
	is "$kind: a note says the text was cut" "$(grep '^Note:' "$T/out")" \
	    "Note:     message too large or too deep: read in part (text parts up to 1048576 bytes)"
done
is "plain: the text is its first MiB" \
    "$("$CDP" -c "$CONF" inspect "$T/plain.eml" | tail -n 1 | tr -d '\n' | wc -c)" 1048576

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
