#!/bin/bash
# mailserver.sh - a private, throw-away mail server on loopback for the tests.
#
#   mailserver.sh start DIR    start Dovecot + Postfix with all state in DIR
#   mailserver.sh stop DIR     stop them (idempotent; logs stay in DIR)
#   mailserver.sh env DIR      print DIR/env (shell assignments, see below)
#   mailserver.sh stop-imap DIR / start-imap DIR   stop or restart Dovecot alone
#   mailserver.sh stop-smtp DIR / start-smtp DIR   stop or restart Postfix alone
#
# Why it is built this way:
# - The daemon talks IMAP and SMTP to real servers, so the tests run real ones:
#   Dovecot (IMAP with STARTTLS, IMAPS, LMTP, SASL) and Postfix (a plain SMTP
#   port for loopback and a submission port with STARTTLS + AUTH), Postfix
#   delivering into Dovecot over LMTP.  Nothing touches /etc: each run has its
#   own config files, sockets, queue, mail store and logs under DIR (sockets
#   and queue move to a short /tmp directory when DIR is too long for a unix
#   socket path), and its own random ports, so several runs can share a machine.
# - There is no systemd and no syslog: the daemons are started by hand, log into
#   DIR/dovecot.log and DIR/postfix.log, and are detached from our stdio (a
#   caller that reads our output through a pipe must not wait for them).
# - A port accepts connections before the server behind it is ready, so start
#   waits for the protocol greetings, not for the ports.
# - Only example.org users exist; anything else is refused at RCPT time, so
#   no test mail is ever queued for elsewhere.
# - Postfix's master must run as root, so without root we exit 3 ("skip");
#   also when a needed program is missing.  Other failures exit 1.
#
# Users (domain example.org, password = local part): see USERS below, plus
# the local parts a test lists in MS_EXTRA_USERS (space-separated).
# DIR/env defines MS_DIR MS_HOST MS_IMAP_PORT MS_IMAPS_PORT MS_LMTP_PORT
# MS_SMTP_PORT MS_SUBMISSION_PORT MS_CA_FILE MS_DOMAIN MS_MAIL_ROOT MS_USERS.
# Mail of user@example.org is in $MS_MAIL_ROOT/example.org/user/Maildir.

set -u
umask 022       # the mail and postfix users must read and traverse what we make

DOMAIN=example.org
USERS="coupdepouce holder holder2 referent referent2 volunteer1 volunteer2 volunteer3 coordinator other ${MS_EXTRA_USERS:-}"
PY=/usr/bin/python3
PF_MASTER=/usr/lib/postfix/sbin/master
START_TIMEOUT_MS=20000
STOP_TIMEOUT_MS=10000

say() { echo "mailserver: $*" >&2; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Directory for the unix sockets: Dovecot's base_dir ($RUN/dovecot) and
# Postfix's queue ($RUN/queue).  Socket paths are limited to 108 bytes, so a
# long DIR gets a short directory in /tmp instead, named in DIR/run.path.
run_dir() {
    if [ -f "$1/run.path" ]; then cat "$1/run.path"; else echo "$1/run"; fi
}

# ports_free P...: true if every port P can be bound on 127.0.0.1.
# ports_free without arguments: print a random base B such that B..B+4 are
# free; bases are taken below the ephemeral range, away from client sockets.
ports_free() {
    "$PY" - "$@" <<'EOF'
import random, socket, sys
low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
top = low if low > 20000 else 65536
def free(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()
if sys.argv[1:]:
    sys.exit(0 if all(free(int(p)) for p in sys.argv[1:]) else 1)
for _ in range(100):
    # Bases on multiples of 5: two runs starting at once either pick the
    # same five ports or none in common, never an overlap.
    base = random.randrange(2000, (top - 5) // 5) * 5
    if all(free(base + i) for i in range(5)):
        print(base)
        sys.exit(0)
sys.exit("no free ports found")
EOF
}

# The pid in FILE if it is alive and really one of ours (its command line
# names DIR): a stale pid file must never make us signal a stranger.
our_pid() {
    local file=$1 pid
    [ -f "$file" ] || return 1
    pid=$(tr -d ' \n' < "$file")
    [ -n "$pid" ] && alive "$pid" || return 1
    tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$D/" || return 1
    echo "$pid"
}

# Alive and not a zombie (PID 1 of a container may not reap them).
alive() {
    local stat
    { read -r stat < "/proc/$1/stat"; } 2>/dev/null || return 1
    stat=${stat##*) }           # the state letter follows "pid (name) "
    [ "${stat%% *}" != Z ]
}

# Wait until PORT sends a first line starting with PREFIX, or the deadline.
wait_greeting() {
    local port=$1 prefix=$2 line
    while [ "$(now_ms)" -lt "$DEADLINE" ]; do
        if { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
            line=
            read -r -t 2 line <&3
            exec 3<&-
            [[ $line == "$prefix"* ]] && return 0
        fi
        sleep 0.02
    done
    say "no '$prefix' greeting on port $port after $((START_TIMEOUT_MS / 1000)) s"
    return 1
}

show_logs() {
    local f
    for f in "$D/dovecot.log" "$D/postfix.log"; do
        [ -s "$f" ] || continue
        echo "--- tail of $f" >&2
        tail -n 20 "$f" >&2
    done
}

make_files() {
    mkdir -p "$D/dovecot" "$D/postfix/data" "$D/mail" "$RUN/dovecot" "$RUN/queue/pid"
    # mktemp -d makes 0700 directories; mail and postfix must get through.
    chmod 755 "$D" "$RUN"
    if ! setpriv --reuid=mail --regid=mail --clear-groups test -x "$D/mail"; then
        say "user 'mail' cannot reach $D (a parent directory is not world-searchable)"
        return 1
    fi

    # Self-signed certificate; an EC key is much faster to make than RSA.
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$D/key.pem" -out "$D/cert.pem" -days 3650 -subj /CN=localhost \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>"$D/openssl.err" \
        || { cat "$D/openssl.err" >&2; return 1; }
    rm -f "$D/openssl.err"
    chmod 600 "$D/key.pem"

    local u maildirs=()
    for u in $USERS; do
        echo "$u@$DOMAIN:{PLAIN}$u::::::" >&3
        echo "$u@$DOMAIN ok" >&4
        # An empty Maildir per user, so `mailbox.py deliver` works at once.
        maildirs+=("$D/mail/$DOMAIN/$u/Maildir/"{cur,new,tmp})
    done 3> "$D/dovecot/users" 4> "$D/postfix/recipients"
    mkdir -p "${maildirs[@]}"
    chmod 644 "$D/dovecot/users"
    chown -R mail:mail "$D/mail"
    chown postfix "$D/postfix/data"

    # Postfix's queue layout (what `postfix set-permissions` would make).
    (cd "$RUN/queue" &&
     install -d -o postfix -g root -m 700 active bounce corrupt defer deferred flush \
         hold incoming private saved trace &&
     install -d -o postfix -g postdrop -m 730 maildrop &&
     install -d -o postfix -g postdrop -m 710 public)
}

# Config files for port base $BASE.
write_configs() {
    IMAP_PORT=$BASE IMAPS_PORT=$((BASE + 1)) LMTP_PORT=$((BASE + 2))
    SMTP_PORT=$((BASE + 3)) SUBMISSION_PORT=$((BASE + 4))

    cat > "$D/dovecot/dovecot.conf" <<EOF
# Generated by mailserver.sh for one test run.
protocols = imap lmtp
listen = 127.0.0.1
instance_name = ms-$BASE
base_dir = $RUN/dovecot
state_dir = $D/dovecot/state
log_path = $D/dovecot.log
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = 8
mail_uid = mail
mail_gid = mail
mail_location = maildir:~/Maildir
mail_fsync = never
mail_max_userip_connections = 100
ssl = yes
ssl_cert = <$D/cert.pem
ssl_key = <$D/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
# Failed logins still take up to 0.5 s: Dovecot answers them on a timer.
auth_failure_delay = 0
passdb {
  driver = passwd-file
  args = scheme=PLAIN $D/dovecot/users
}
userdb {
  driver = passwd-file
  args = $D/dovecot/users
  default_fields = uid=mail gid=mail home=$D/mail/%d/%n
}
namespace inbox {
  inbox = yes
  separator = /
}
service imap-login {
  inet_listener imap {
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = $IMAPS_PORT
    ssl = yes
  }
}
service lmtp {
  inet_listener lmtp {
    port = $LMTP_PORT
  }
}
service auth {
  unix_listener auth-postfix {
    mode = 0666
  }
}
# No growing delays after failed logins (tests try wrong passwords on purpose).
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
EOF

    cat > "$D/postfix/main.cf" <<EOF
# Generated by mailserver.sh for one test run.
compatibility_level = 3.6
syslog_name = postfix-ms-$BASE
queue_directory = $RUN/queue
data_directory = $D/postfix/data
mail_owner = postfix
setgid_group = postdrop
maillog_file = $D/postfix.log
maillog_file_prefixes = $D
myhostname = mx.$DOMAIN
myorigin = $DOMAIN
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtp_dns_support_level = disabled
alias_maps =
alias_database =
local_header_rewrite_clients =
biff = no

# Everything goes to Dovecot; unknown users and other domains are refused at RCPT.
virtual_mailbox_domains = $DOMAIN
virtual_mailbox_maps = texthash:$D/postfix/recipients
virtual_transport = lmtp:inet:127.0.0.1:$LMTP_PORT
default_transport = error:5.7.1 this test server only delivers to $DOMAIN
relay_transport = error:5.7.1 this test server only delivers to $DOMAIN
smtpd_client_restrictions = permit_mynetworks, reject
smtpd_recipient_restrictions = reject_unauth_destination

smtpd_tls_cert_file = $D/cert.pem
smtpd_tls_key_file = $D/key.pem
smtpd_tls_security_level = may
smtpd_sasl_type = dovecot
smtpd_sasl_path = $RUN/dovecot/auth-postfix

# Fast tests: no penalty sleeps, short queue retries.
smtpd_error_sleep_time = 0
smtpd_soft_error_limit = 1000
smtpd_hard_error_limit = 1000
in_flow_delay = 0
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
EOF

    # Port BASE+3: plain SMTP for loopback.  BASE+4: submission, STARTTLS+AUTH.
    cat > "$D/postfix/master.cf" <<EOF
127.0.0.1:$SMTP_PORT inet n - n - - smtpd
127.0.0.1:$SUBMISSION_PORT inet n - n - - smtpd
  -o syslog_name=postfix-ms-$BASE/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_auth_only=yes
  -o smtpd_client_restrictions=
  -o smtpd_recipient_restrictions=permit_sasl_authenticated,reject
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
    # Postfix's master stalls ~1.5 s at start when main.cf is brand new.
    touch -d "-10 seconds" "$D/postfix/main.cf" "$D/postfix/master.cf" "$D/postfix/recipients"
}

# Start both daemons on the ports of write_configs; true when every
# greeting was seen.  Detached from our stdio: their early errors (before
# their log is open) go to the log files.
launch() {
    dovecot -c "$D/dovecot/dovecot.conf" </dev/null >>"$D/dovecot.log" 2>&1 &&
    wait_greeting "$IMAP_PORT" "* OK" &&
    wait_greeting "$LMTP_PORT" "220" &&
    "$PF_MASTER" -c "$D/postfix" -w </dev/null >>"$D/postfix.log" 2>&1 &&
    wait_greeting "$SMTP_PORT" "220" &&
    wait_greeting "$SUBMISSION_PORT" "220"
}

cmd_start() {
    if [ "$(id -u)" != 0 ]; then
        say "the SMTP part (Postfix) needs root; not starting (exit 3 = skip)"
        exit 3
    fi
    local tool
    for tool in dovecot openssl setpriv "$PF_MASTER" "$PY"; do
        if ! command -v "$tool" >/dev/null; then
            say "$tool is not installed (need dovecot-imapd dovecot-lmtpd postfix openssl python3); exit 3 = skip"
            exit 3
        fi
    done

    local t0
    t0=$(now_ms)
    DEADLINE=$((t0 + START_TIMEOUT_MS))
    mkdir -p "$D" && D=$(cd "$D" && pwd) || exit 1
    if [ -e "$D/dovecot/dovecot.conf" ]; then
        say "$D was already used; give start a fresh directory"
        exit 1
    fi
    RUN=$D/run
    if [ ${#D} -gt 60 ]; then
        RUN=$(mktemp -d /tmp/ms-run.XXXXXX) || exit 1
        echo "$RUN" > "$D/run.path"
    fi
    make_files || exit 1

    # Another program may take one of our ports between the check and the
    # start (Postfix then fails without a word in its log), or two runs
    # starting at once may both have found the same ports free: try other
    # ports when they are taken now or a server said so.
    local attempt logged
    for attempt in 1 2 3 4 5; do
        BASE=$(ports_free) || { say "cannot find free ports"; exit 1; }
        write_configs
        logged=$(cat "$D/dovecot.log" "$D/postfix.log" 2>/dev/null | wc -l)
        launch && break
        stop_daemons
        if { ports_free "$IMAP_PORT" "$IMAPS_PORT" "$LMTP_PORT" "$SMTP_PORT" "$SUBMISSION_PORT" &&
             ! cat "$D/dovecot.log" "$D/postfix.log" 2>/dev/null |
               tail -n +$((logged + 1)) | grep -qi "address already in use"; } ||
           [ "$attempt" = 5 ]; then
            say "start failed (state kept in $D)"
            show_logs
            exit 1
        fi
        say "a port of $BASE..$((BASE + 4)) was taken meanwhile, trying other ports"
        DEADLINE=$(( $(now_ms) + START_TIMEOUT_MS ))
    done

    {
        printf 'MS_DIR=%q\n' "$D"
        echo "MS_HOST=127.0.0.1"
        echo "MS_IMAP_PORT=$IMAP_PORT"
        echo "MS_IMAPS_PORT=$IMAPS_PORT"
        echo "MS_LMTP_PORT=$LMTP_PORT"
        echo "MS_SMTP_PORT=$SMTP_PORT"
        echo "MS_SUBMISSION_PORT=$SUBMISSION_PORT"
        printf 'MS_CA_FILE=%q\n' "$D/cert.pem"
        echo "MS_DOMAIN=$DOMAIN"
        printf 'MS_MAIL_ROOT=%q\n' "$D/mail"
        echo "MS_USERS='$USERS'"
    } > "$D/env"
    say "up in $(( $(now_ms) - t0 )) ms (imap $IMAP_PORT, smtp $SMTP_PORT, submission $SUBMISSION_PORT, env $D/env)"
}

# TERM both masters, wait for them and for what they started to go away,
# KILL whatever is left after STOP_TIMEOUT_MS.
stop_daemons() {
    local pids="" sids="" pid deadline left
    for pid in $(our_pid "$RUN/dovecot/master.pid") $(our_pid "$RUN/queue/pid/master.pid"); do
        pids="$pids $pid"
        # Only a master that leads its own session: never our caller's session.
        [ "$(ps -o sid= -p "$pid" | tr -d ' ')" = "$pid" ] && sids="$sids $pid"
        kill -TERM "$pid" 2>/dev/null
    done
    [ -n "$pids" ] || return 0
    deadline=$(( $(now_ms) + STOP_TIMEOUT_MS ))
    while :; do
        # The masters, plus any child still in their sessions.
        left=""
        # shellcheck disable=SC2086   # lists of pids, split on purpose
        for pid in $pids $(session_members $sids); do
            alive "$pid" && left="$left $pid"
        done
        [ -z "$left" ] && break
        if [ "$(now_ms)" -ge "$deadline" ]; then
            say "still running after $((STOP_TIMEOUT_MS / 1000)) s, killing:$left"
            # shellcheck disable=SC2086
            kill -KILL $left 2>/dev/null
            break
        fi
        sleep 0.02
    done
    rm -f "$RUN/dovecot/master.pid" "$RUN/queue/pid/master.pid"
}

session_members() {
    local sid
    for sid in "$@"; do
        [ -n "$sid" ] && [ "$sid" != 0 ] && ps -o pid= -s "$sid" 2>/dev/null
    done
}

cmd_stop() {
    [ -d "$D" ] || exit 0
    D=$(cd "$D" && pwd)
    RUN=$(run_dir "$D")
    local t0
    t0=$(now_ms)
    stop_daemons
    [ -f "$D/run.path" ] && rm -rf "$RUN" && rm -f "$D/run.path"
    say "stopped in $(( $(now_ms) - t0 )) ms"
    exit 0
}

# Stop or start Dovecot alone (tests of a daemon that must survive its IMAP
# server going away); Postfix keeps running and queues for LMTP meanwhile.
cmd_imap() {
    local pid t0
    D=$(cd "$D" && pwd)
    RUN=$(run_dir "$D")
    t0=$(now_ms)
    if [ "$1" = stop ]; then
        pid=$(our_pid "$RUN/dovecot/master.pid") || exit 0
        # The imap processes outlive their master for seconds and keep
        # serving open connections: end the whole session, as a crash would.
        local all="$pid"
        [ "$(ps -o sid= -p "$pid" | tr -d ' ')" = "$pid" ] && all="$pid $(session_members "$pid")"
        # shellcheck disable=SC2086
        kill -KILL $all 2>/dev/null
        for p in $all; do while alive "$p"; do sleep 0.02; done; done
        rm -f "$RUN/dovecot/master.pid"
        say "dovecot stopped in $(( $(now_ms) - t0 )) ms"
        exit 0
    fi
    # shellcheck disable=SC1091
    . "$D/env"
    DEADLINE=$((t0 + START_TIMEOUT_MS))
    dovecot -c "$D/dovecot/dovecot.conf" </dev/null >>"$D/dovecot.log" 2>&1 &&
    wait_greeting "$MS_IMAP_PORT" "* OK" || exit 1
    say "dovecot started in $(( $(now_ms) - t0 )) ms"
}

# Stop or start Postfix alone (tests of the outbox while the SMTP server is
# down); Dovecot keeps running.  Postfix's master takes its children with it.
cmd_smtp() {
    local pid t0 sid
    D=$(cd "$D" && pwd)
    RUN=$(run_dir "$D")
    t0=$(now_ms)
    if [ "$1" = stop ]; then
        pid=$(our_pid "$RUN/queue/pid/master.pid") || exit 0
        sid=""
        [ "$(ps -o sid= -p "$pid" | tr -d ' ')" = "$pid" ] && sid=$pid
        kill -TERM "$pid"
        # The master and the children still in its session (an smtpd
        # serving a client); KILL what is left after STOP_TIMEOUT_MS.
        local deadline=$(( t0 + STOP_TIMEOUT_MS )) p
        for p in $pid $(session_members $sid); do
            while alive "$p"; do
                if [ "$(now_ms)" -ge "$deadline" ]; then
                    kill -KILL "$p" 2>/dev/null
                    break
                fi
                sleep 0.02
            done
        done
        rm -f "$RUN/queue/pid/master.pid"
        say "postfix stopped in $(( $(now_ms) - t0 )) ms"
        exit 0
    fi
    # shellcheck disable=SC1091
    . "$D/env"
    DEADLINE=$((t0 + START_TIMEOUT_MS))
    "$PF_MASTER" -c "$D/postfix" -w </dev/null >>"$D/postfix.log" 2>&1 &&
    wait_greeting "$MS_SMTP_PORT" "220" &&
    wait_greeting "$MS_SUBMISSION_PORT" "220" || exit 1
    say "postfix started in $(( $(now_ms) - t0 )) ms"
}

cmd=${1:-} D=${2:-}
if [ -z "$D" ]; then
    echo "usage: $0 start|stop|env DIR" >&2
    exit 2
fi
case $cmd in
    start) cmd_start ;;
    stop) cmd_stop ;;
    env) cat "$D/env" ;;
    stop-imap) cmd_imap stop ;;
    start-imap) cmd_imap start ;;
    stop-smtp) cmd_smtp stop ;;
    start-smtp) cmd_smtp start ;;
    *) echo "usage: $0 start|stop|env|stop-imap|start-imap|stop-smtp|start-smtp DIR" >&2; exit 2 ;;
esac
