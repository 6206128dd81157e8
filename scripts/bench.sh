#!/bin/sh
# bench.sh BUILD — measures the inbound path against the private Dovecot:
# N mails (default 2000, ~4 KB each, French, some with attachments) are put
# in the contact inbox, then one `coupdepouce poll` fetches, parses,
# classifies, stores (SQLite, synchronous=FULL) and moves them all.
# Prints wall time, mails per second and peak memory (max RSS).
# Figures to compare with (same kind of machine, recipes/README.md):
# mbsync copies 2000 mails in 1.6-1.7 s with fsync; Request Tracker handles
# about 2 mails/s.
set -eu
BUILD=${1:-build}
N=${N:-2000}
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/servers.sh"
T=$(scratch_dir bench)
trap 'ms_down "$T"; rm -rf "$T"' EXIT
mkdir -p "$T/cdp" "$T/mails"
ms_up "$T"
ms_config "$T/cdp/coupdepouce.conf"
/usr/bin/python3 - "$T/mails" "$N" <<'PY'
import base64, sys
d, n = sys.argv[1], int(sys.argv[2])
para = ("Bonjour, nous portons un projet de jardin partagé et de composteur "
        "collectif à Ambert, avec l'association du quartier. ") * 3
for i in range(n):
    body = "\r\n".join([para] * 8) + "\r\n\r\nCordialement,\r\nCamille\r\n"
    if i % 10 == 0:
        att = base64.encodebytes(bytes(range(256)) * 8).decode().replace("\n", "\r\n")
        msg = ("From: Camille <holder@example.org>\r\nTo: coupdepouce@example.org\r\n"
               "Subject: =?UTF-8?Q?Projet_n=C2=B0_%d?=\r\nMessage-ID: <bench.%d@example.org>\r\n"
               "Date: Sat, 28 Nov 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\n"
               "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
               "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
               "%s\r\n--b\r\nContent-Type: application/pdf; name=plan.pdf\r\n"
               "Content-Transfer-Encoding: base64\r\n\r\n%s--b--\r\n" % (i, i, body, att))
    else:
        msg = ("From: Camille <holder@example.org>\r\nTo: coupdepouce@example.org\r\n"
               "Subject: Re: Projet %d\r\nMessage-ID: <bench.%d@example.org>\r\n"
               "Date: Sat, 28 Nov 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\n"
               "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
               "%s\r\nLe 27/11/2026 à 18:00, Coup de pouce a écrit :\r\n> Bonjour\r\n" % (i, i, body))
    open("%s/m%05d.eml" % (d, i), "wb").write(msg.encode())
PY
bytes=$(cat "$T"/mails/*.eml | wc -c)
find "$T/mails" -name '*.eml' | sort | xargs $MAILBOX deliver coupdepouce
# Let Dovecot index the new mails first, as it would have on delivery.
$MAILBOX count coupdepouce >/dev/null
${BENCH_WRAP:-} /usr/bin/time -f "%e %M" -o "$T/time" "$CDP" -c "$T/cdp/coupdepouce.conf" poll 2>"$T/poll.log"
read -r secs rss <"$T/time"
stored=$(sqlite3 "$T/cdp/coupdepouce.db" "SELECT count(*) FROM messages")
echo "inbound: $N mails ($((bytes / 1024)) KiB) fetched, parsed, stored and moved in $secs s" \
    "($(echo "$stored $secs" | awk '{ printf "%d", $1 / ($2 > 0 ? $2 : 0.001) }') mails/s), peak RSS $((rss / 1024)) MiB, $stored rows"
[ "$stored" = "$N" ] || { echo "bench: only $stored of $N stored" >&2; tail -n 5 "$T/poll.log" >&2; exit 1; }
