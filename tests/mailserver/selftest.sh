#!/bin/bash
# selftest.sh - checks that the test mail server and its helper work.
#
# Starts mailserver.sh in a fresh temporary directory, goes once through what
# the project's tests rely on (submission with STARTTLS + AUTH, delivery into
# Dovecot, the plain loopback port, refusal of unknown recipients, direct
# Maildir delivery, listing, clean stop), and prints one "ok - ..." or
# "not ok - ..." line per check, then "N passed, N failed".
# Exit 0 when all passed, 1 when something failed (the directory is then kept
# for inspection), 3 when the server cannot run here (not root: skip).
# Several copies may run at once: each has its own directory and ports.

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
MAILSERVER=$HERE/mailserver.sh
MAILBOX="/usr/bin/python3 $HERE/mailbox.py"
passed=0 failed=0

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# check NAME COMMAND...: run COMMAND, report, show its output when it fails.
check() {
    local name=$1
    shift
    if "$@" > "$DIR/check.out" 2>&1; then
        echo "ok - $name"
        passed=$((passed + 1))
    else
        echo "not ok - $name"
        sed 's/^/#   /' "$DIR/check.out"
        failed=$((failed + 1))
    fi
}

DIR=$(mktemp -d) || exit 1
t=$(now_ms)
"$MAILSERVER" start "$DIR" 2> "$DIR/start.err"
rc=$?
start_ms=$(( $(now_ms) - t ))
if [ $rc = 3 ]; then
    cat "$DIR/start.err"
    echo "skip - the test mail server cannot run here"
    rm -rf "$DIR"
    exit 3
fi
export MS_ENV=$DIR/env
TOKEN=$$-$RANDOM

# --- the checks -------------------------------------------------------------

server_started() {
    cat "$DIR/start.err"
    [ $rc = 0 ] && [ -s "$DIR/env" ]
}

send_by_submission() {
    cat > "$DIR/msg1.eml" <<EOF
From: Holder <holder@example.org>
To: Referent <referent@example.org>
Subject: =?UTF-8?Q?selftest_=C3=A9t=C3=A9_$TOKEN?=
Message-ID: <selftest-$TOKEN@example.org>
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

Bonjour, =E0 demain.
EOF
    $MAILBOX send --as holder "$DIR/msg1.eml"
}

arrives_in_inbox() {
    $MAILBOX wait referent --subject "^selftest été $TOKEN\$" --from 'holder@example\.org' \
        --body 'à demain' --timeout 20 > "$DIR/got1.eml" &&
    grep -q "^Message-ID: <selftest-$TOKEN@example.org>" "$DIR/got1.eml"
}

unknown_recipient_refused() {
    local out
    out=$($MAILBOX send --as holder --to nobody@example.org "$DIR/msg1.eml" 2>&1) && return 1
    echo "$out"
    [[ $out == *" 550 "* ]]
}

plain_port_delivers() {
    printf 'From: other@example.org\nTo: holder@example.org\nSubject: plain %s\n\nhi\n' "$TOKEN" |
        $MAILBOX send --as other --smtp plain - &&
    $MAILBOX wait holder --subject "^plain $TOKEN\$" --timeout 20 > /dev/null
}

deliver_then_list() {
    printf 'From: Coordinator <coordinator@example.org>\nTo: volunteer1@example.org\nSubject: direct %s\n\nhi\n' "$TOKEN" |
        $MAILBOX deliver volunteer1 - &&
    $MAILBOX list volunteer1 > "$DIR/list.out" &&
    cat "$DIR/list.out" &&
    [ "$(cat "$DIR/list.out")" = "$(printf '1\tCoordinator <coordinator@example.org>\tdirect %s' "$TOKEN")" ] &&
    [ "$($MAILBOX count volunteer1)" = 1 ]
}

# The baseline: an older mail that matches must not meet a wait --after.
baseline_hides_older_mail() {
    local mark out
    printf 'From: other@example.org\nTo: holder2@example.org\nSubject: suivi %s\nMessage-ID: <a-%s@example.org>\n\nA\n' \
        "$TOKEN" "$TOKEN" > "$DIR/a.eml"
    printf 'From: other@example.org\nTo: holder2@example.org\nSubject: suivi %s\nMessage-ID: <b-%s@example.org>\n\nB\n' \
        "$TOKEN" "$TOKEN" > "$DIR/b.eml"
    mark=$($MAILBOX mark holder2) || return 1
    [ "$mark" = 0 ] || { echo "mark of an empty INBOX: $mark, want 0"; return 1; }
    $MAILBOX deliver holder2 "$DIR/a.eml" || return 1
    $MAILBOX wait holder2 --after 0 --subject "^suivi $TOKEN\$" --timeout 5 > /dev/null || return 1
    mark=$($MAILBOX mark holder2) || return 1
    [ "$mark" = 1 ] || { echo "mark after one mail: $mark, want 1"; return 1; }
    if out=$($MAILBOX wait holder2 --after "$mark" --subject "^suivi $TOKEN\$" --timeout 1 2>&1); then
        echo "the older mail A met the wait:"
        echo "$out"
        return 1
    fi
    echo "$out"
    [ "$(echo "$out" | head -n 1)" = "mailbox.py wait: timeout after 1s: 0 of 1 wanted message(s) with subject~/^suivi $TOKEN\$/ newer than UID 1 in INBOX of holder2@example.org" ] || return 1
    [ "$($MAILBOX count holder2 --after "$mark")" = 0 ] || return 1
    $MAILBOX deliver holder2 "$DIR/b.eml" || return 1
    $MAILBOX wait holder2 --after "$mark" --subject "^suivi $TOKEN\$" --timeout 5 | tr -d '\r' > "$DIR/gotb.eml" || return 1
    cmp "$DIR/b.eml" "$DIR/gotb.eml" || return 1
    [ "$($MAILBOX count holder2)" = 2 ] && [ "$($MAILBOX count holder2 --after "$mark")" = 1 ] || return 1
    [ "$($MAILBOX list holder2 --after "$mark")" = "$(printf '2\tother@example.org\tsuivi %s' "$TOKEN")" ] || return 1
    [ "$($MAILBOX mark holder2 other)" = "$(printf '2\n0')" ]
}

# settle waits while Postfix holds a mail: with Dovecot stopped the mail
# stays deferred and settle times out; once delivered, settle returns.
settle_waits_for_the_queue() {
    local out
    "$MAILSERVER" stop-imap "$DIR" || return 1
    printf 'From: other@example.org\nTo: referent2@example.org\nSubject: file %s\n\nhi\n' "$TOKEN" |
        $MAILBOX send --as other --smtp plain - || return 1
    if out=$($MAILBOX settle --timeout 2 2>&1); then
        echo "settle returned with a mail in the queue"
        "$MAILSERVER" start-imap "$DIR"
        return 1
    fi
    echo "$out"
    [ "$out" = "mailbox.py settle: timeout after 2s: 1 message(s) still in the Postfix queue" ] || return 1
    "$MAILSERVER" start-imap "$DIR" || return 1
    postqueue -c "$DIR/postfix" -f || return 1
    $MAILBOX settle --timeout 20 &&
    [ "$($MAILBOX count referent2)" = 1 ]
}

stops_cleanly() {
    local pids pid t st
    pids="$(cat "$DIR/run/dovecot/master.pid") $(tr -d ' ' < "$DIR/run/queue/pid/master.pid")"
    t=$(now_ms)
    "$MAILSERVER" stop "$DIR" || return 1
    stop_ms=$(( $(now_ms) - t ))
    for pid in $pids; do
        # Read once: a zombie may be reaped between a test and a read
        # (then there is nothing to read, and it is gone).
        st=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || st=""
        if [ -n "$st" ] && [ "$st" != Z ]; then
            echo "pid $pid still running ($st)"
            return 1
        fi
    done
    "$MAILSERVER" stop "$DIR"     # a second stop is harmless
}

check "server starts (${start_ms} ms)" server_started
if [ $rc = 0 ]; then
    check "holder sends to referent by submission (STARTTLS + AUTH)" send_by_submission
    check "the message arrives in referent's INBOX" arrives_in_inbox
    check "an unknown recipient is refused with 550" unknown_recipient_refused
    check "the plain loopback port delivers" plain_port_delivers
    check "deliver writes into the Maildir and list shows it" deliver_then_list
    check "wait --after a mark ignores an older match and returns the new one" baseline_hides_older_mail
    check "settle waits while Postfix holds a mail, returns once it is delivered" settle_waits_for_the_queue
    stop_ms='?'
    check "server stops" stops_cleanly
    echo "# start ${start_ms} ms, stop ${stop_ms} ms"
fi

echo "$passed passed, $failed failed"
if [ $failed != 0 ]; then
    "$MAILSERVER" stop "$DIR" 2>/dev/null
    echo "# kept $DIR"
    for f in "$DIR/dovecot.log" "$DIR/postfix.log"; do
        [ -s "$f" ] && { echo "# --- tail of $f"; tail -n 15 "$f" | sed 's/^/# /'; }
    done
    exit 1
fi
rm -rf "$DIR"
