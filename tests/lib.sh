# lib.sh — shared helpers for the integration tests (sourced, POSIX sh).
#
# A test script sources this file, calls the t_* checks, and ends with
# t_done, which prints "N passed, N failed" for tests/run.sh.  ms_start gives
# the script its own mail servers (Dovecot + Postfix on free loopback ports,
# everything in a private folder), stopped on exit; the folder and its logs
# are kept when a check failed, and its path is printed.

TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
. "$TOP/tests/servers.sh"
t_pass=0
t_fail=0
T=$(scratch_dir test)
MS_RUNNING=0

t_ok() {	# name
	t_pass=$((t_pass + 1))
	echo "ok $((t_pass + t_fail)) - $1"
}

t_not_ok() {	# name, why
	t_fail=$((t_fail + 1))
	echo "not ok $((t_pass + t_fail)) - $1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/#   /'
	return 0
}

# t_run NAME WANT_STATUS CMD...: runs CMD, output in $T/out and $T/err.
t_run() {
	_name=$1 _want=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	_got=$?
	if [ "$_got" -eq "$_want" ]; then
		t_ok "$_name"
	else
		t_not_ok "$_name" "exit $_got, want $_want: $*
$(tail -n 5 "$T/err")"
	fi
}

# t_grep NAME FILE PATTERN: FILE contains PATTERN (fixed string).
t_grep() { _t_has "$1" "$2" "$3" -qF "'$3' not found"; }

# t_line NAME FILE LINE: FILE holds LINE as a whole line (a value that is
# only part of a line, "2" of "12", does not count).
t_line() { _t_has "$1" "$2" "$3" -qxF "no line '$3'"; }

_t_has() {	# NAME FILE TEXT GREP_OPTIONS WHY_NOT
	if grep "$4" -- "$3" "$2"; then
		t_ok "$1"
	else
		t_not_ok "$1" "$5 in $(basename "$2"):
$(head -n 20 "$2")"
	fi
}

t_nogrep() {
	if grep -qF -- "$3" "$2"; then
		t_not_ok "$1" "'$3' unexpectedly found in $(basename "$2")"
	else
		t_ok "$1"
	fi
}

# t_eq NAME WANT GOT: GOT is exactly WANT.
t_eq() {
	if [ "$3" = "$2" ]; then
		t_ok "$1"
	else
		t_not_ok "$1" "got '$3', want '$2'"
	fi
}

# t_sql NAME WANT QUERY: QUERY on the daemon's database prints exactly WANT.
t_sql() {
	_got=$(sql "$3")
	if [ "$_got" = "$2" ]; then
		t_ok "$1"
	else
		t_not_ok "$1" "got '$_got', want '$2'"
	fi
}

# wait_sql WANT STEP N QUERY: runs QUERY until it prints WANT, sleeping
# STEP seconds between tries, at most N times; false when it never did.
wait_sql() {
	_waits=0
	while [ "$(sql "$4")" != "$1" ]; do
		[ "$_waits" -ge "$3" ] && return 1
		sleep "$2"
		_waits=$((_waits + 1))
	done
}

t_skip_all() {	# why
	echo "# skip: $1"
	ms_stop
	rm -rf "$T"
	echo "0 passed, 0 failed"
	exit 0
}

ms_stop() {
	if [ "$MS_RUNNING" = 1 ]; then
		ms_down "$T"
		MS_RUNNING=0
	fi
}

t_cleanup() {
	ms_stop
	if [ "$t_fail" -eq 0 ]; then
		rm -rf "$T"
	else
		echo "# kept for inspection: $T"
	fi
}
trap t_cleanup EXIT
trap 'exit 130' INT TERM

ms_start() {
	MS_RUNNING=1
	ms_up "$T"
	_rc=$?
	[ "$_rc" -eq 3 ] && t_skip_all "the mail servers need root"
	if [ "$_rc" -ne 0 ]; then
		t_not_ok "mail servers start" "mailserver.sh exit $_rc"
		t_done
	fi
}

# cdp_config [EXTRA_IMAP_LINES] [EXTRA_SMTP_LINES]: writes $T/cdp/coupdepouce.conf
# for the contact mailbox of the test servers; prints nothing.
cdp_config() {
	mkdir -p "$T/cdp"
	ms_config "$T/cdp/coupdepouce.conf" \
	    "coordinators = coordinator@$MS_DOMAIN" \
	    "$(printf 'timeout = 10s\n%s' "${1:-}")" \
	    "$(ms_login; printf 'timeout = 10s\n%s' "${2:-}")"
}

# offline_config FILE [RULES]: writes FILE (mode 0600), a config whose
# servers are never contacted (port 1 on loopback), with the database and
# people file at their defaults next to it; RULES: the rules folder.
offline_config() {
	cat >"$1" <<CONF
[network]
contact = coupdepouce@example.org
[imap]
url = imaps://127.0.0.1:1
[smtp]
url = smtp://127.0.0.1:1
[paths]
templates = $TOP/templates
rules = ${2:-$TOP/config/rules}
CONF
	chmod 600 "$1"
}

# cdp_people_config: cdp_config plus a people file read from stdin
# ($T/cdp/people.csv) and the database in $T/cdp; sets $CONF.
cdp_people_config() {
	cdp_config
	CONF="$T/cdp/coupdepouce.conf"
	printf 'people = %s\n[storage]\ndatabase = %s\n' "$T/cdp/people.csv" \
	    "$T/cdp/coupdepouce.db" >>"$CONF"
	cat >"$T/cdp/people.csv"
}

# cdp_network: the start most mail tests share: the mail servers
# (ms_start), D set to their domain, and the people file of
# cdp_people_config ($CONF set) made of the lines read from stdin, each
# "LOCAL,name,roles,themes,communes" with LOCAL an address's local part at
# the servers' domain; Romane Référente, referent of alimentation in
# Ambert, comes first unless a line gives "referent" itself.
cdp_network() {
	_people=$(cat)
	ms_start
	D=$MS_DOMAIN
	{
		echo "email,name,roles,themes,communes"
		printf '%s\n' "$_people" | grep -q '^referent,' ||
		    echo "referent,Romane Référente,referent,alimentation,Ambert"
		[ -z "$_people" ] || printf '%s\n' "$_people"
	} | sed "2,\$ s/^\([^,]*\),/\1@$D,/" >"$T/people.in"
	cdp_people_config <"$T/people.in"
}

# gen_mails DIR N PREFIX: writes N distinct French test mails DIR/PREFIX-I.eml
# (CRLF), from holder@, to the contact address.
gen_mails() {
	mkdir -p "$1"
	/usr/bin/python3 - "$1" "$2" "$3" <<'PY'
import sys
d, n, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
for i in range(n):
    body = ("Bonjour,\n\nMessage numéro %d : projet d'économie d'énergie "
            "à Thiers.\n\nCordialement,\nCamille\n" % i)
    msg = ("From: Camille Porteur <holder@example.org>\n"
           "To: Coup de pouce <coupdepouce@example.org>\n"
           "Subject: =?UTF-8?Q?Demande_n=C2=B0_%d?=\n"
           "Date: Sat, 28 Nov 2026 10:%02d:00 +0100\n"
           "Message-ID: <%s.%d@example.org>\n"
           "MIME-Version: 1.0\n"
           "Content-Type: text/plain; charset=utf-8\n"
           "Content-Transfer-Encoding: 8bit\n\n%s" % (i, i % 60, prefix, i, body))
    with open("%s/%s-%d.eml" % (d, prefix, i), "wb") as f:
        f.write(msg.replace("\n", "\r\n").encode())
PY
}

# sql QUERY: runs QUERY on the daemon's database, prints the result.
sql() {
	sqlite3 -cmd '.timeout 5000' "$T/cdp/coupdepouce.db" "$1"
}

# cdp_poll NAME TIME: one `poll` of the daemon at TIME (a check named
# NAME); its log in $T/poll.log.
cdp_poll() {
	t_run "$1" 0 "$CDP" -c "$CONF" --now "$2" poll
	cp "$T/err" "$T/poll.log"
}

# cdp_send USER FILE: USER@$MS_DOMAIN sends the mail in FILE to the contact
# address; returns once it is in the contact mailbox (a mail newer than
# the baseline taken before sending, whatever else the mailbox holds).
cdp_send() {
	mb_mark coupdepouce &&
	    $MAILBOX send --as "$1" --to "coupdepouce@$MS_DOMAIN" "$2" &&
	    mb_wait_new coupdepouce --timeout 20 >/dev/null
}

# cdp_answer USER ORIGINAL BODY: USER@$MS_DOMAIN replies BODY to the mail
# in the file ORIGINAL (tests/tools/replymail.py); returns once the reply
# is in the contact mailbox.
cdp_answer() {
	printf '%s\n' "$3" | /usr/bin/python3 "$TOP/tests/tools/replymail.py" \
	    "$2" "$1@$MS_DOMAIN" >"$T/reply.eml" &&
	    cdp_send "$1" "$T/reply.eml"
}

# mb_mark USER...: notes where each USER's INBOX stands now ($T/mark.USER),
# before the action whose mail mb_wait_new then waits for.
mb_mark() {
	$MAILBOX mark "$@" >"$T/marks" || return 1
	_i=1
	for _u in "$@"; do
		sed -n "${_i}p" "$T/marks" >"$T/mark.$_u"
		_i=$((_i + 1))
	done
}

# mb_wait_new USER [WAIT OPTIONS]: `$MAILBOX wait USER` that only a mail
# arrived after the last mb_mark USER can meet: an older mail of the same
# kind (an earlier acknowledgement, transcript, reminder) does not count.
mb_wait_new() {
	_u=$1
	shift
	$MAILBOX wait "$_u" --after "$(cat "$T/mark.$_u")" "$@"
}

# mb_count_new USER: how many mails USER got since the last mb_mark USER.
mb_count_new() {
	$MAILBOX count "$1" --after "$(cat "$T/mark.$1")"
}

# folder_count FOLDER: how many mails FOLDER of the contact mailbox holds,
# "?" when it cannot be read.
folder_count() {
	$MAILBOX count coupdepouce --folder "$1" 2>/dev/null || echo "?"
}

# mb_settled: returns once Postfix holds no more mail, i.e. all the mail
# sent so far is in the mailboxes; what a check of absence waits for.
mb_settled() {
	$MAILBOX settle --timeout 20
}

# t_got NAME USER FILE [WAIT OPTIONS]: a check that USER gets, after the
# last mb_mark USER, a mail meeting the options (--subject RE...); the
# mail is kept in FILE.
t_got() {
	_name=$1 _u=$2 _file=$3
	shift 3
	if mb_wait_new "$_u" --timeout 20 "$@" >"$_file" 2>"$T/got.err"; then
		t_ok "$_name"
	else
		t_not_ok "$_name" "$(cat "$T/got.err")"
	fi
}

# t_new NAME USER N [SUBJECT]: once Postfix is done (mb_settled), USER got
# exactly N mails since the last mb_mark USER (N with exactly SUBJECT).
t_new() {
	if ! mb_settled 2>"$T/new.err"; then
		t_not_ok "$1" "$(cat "$T/new.err")"
		return 0
	fi
	$MAILBOX list "$2" --after "$(cat "$T/mark.$2")" >"$T/new.list"
	if [ $# -ge 4 ]; then
		_got=$(cut -f3 "$T/new.list" | grep -cxF -- "$4")
	else
		_got=$(wc -l <"$T/new.list")
	fi
	if [ "$_got" = "$3" ]; then
		t_ok "$1"
	else
		t_not_ok "$1" "$_got mail(s), want $3; since the mark:
$(cat "$T/new.list")"
	fi
}

# is NAME GOT WANT: GOT is exactly WANT.
is() {
	[ "$2" = "$3" ] && t_ok "$1" || t_not_ok "$1" "got '$2', want '$3'"
}

# rx TEXT: a regular expression matching exactly TEXT (a whole subject)
rx() { printf '^%s$' "$(printf '%s' "$1" | sed 's/[][\\.*^$()+?{}|]/\\&/g')"; }

# mail_text FILE: the decoded text part of a mail.
mail_text() {
	/usr/bin/python3 -c 'import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(m.get_body(preferencelist=("plain",)).get_content(), end="")' "$1"
}

# wait_line FILE LINE [TRIES]: FILE gets the exact LINE within TRIES/10 s
# (200: 20 s); false when it never did.
wait_line() { _wait_grep -qxF "$@"; }

# wait_text FILE TEXT [TRIES]: as wait_line, TEXT anywhere in a line.
wait_text() { _wait_grep -qF "$@"; }

_wait_grep() {	# GREP_OPTIONS FILE TEXT [TRIES]
	_n=0
	while ! grep "$1" -- "$3" "$2" 2>/dev/null; do
		[ "$_n" -ge "${4:-200}" ] && return 1
		sleep 0.1
		_n=$((_n + 1))
	done
}

# wait_path TEST FILE: returns once `test TEST FILE` holds, 5 s at most
# (-S: a socket is bound there, -s: something was written).
wait_path() {
	_n=0
	while ! test "$1" "$2" && [ $_n -lt 50 ]; do
		sleep 0.1
		_n=$((_n + 1))
	done
}

# notify_listen FILE: the service manager's side of sd_notify: binds the
# datagram socket $T/notify.sock (for NOTIFY_SOCKET) and appends each
# message the daemon sends to FILE, one line per field; NOTIFY_PID is the
# listener's pid.
notify_listen() {
	rm -f "$T/notify.sock"
	/usr/bin/python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a") as f:
    while True:
        f.write(s.recv(65536).decode() + "\n")
        f.flush()' "$T/notify.sock" "$1" &
	NOTIFY_PID=$!
	wait_path -S "$T/notify.sock"
}

# silent_server: a server on loopback that accepts connections and never
# says a word (an IMAP server stuck before its greeting); SILENT_PORT is
# its port, SILENT_PID its pid, and $T/silent.log gets a line for each
# connection it accepted.
silent_server() {
	rm -f "$T/silent.port" "$T/silent.log"
	/usr/bin/python3 -c 'import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(5)
open(sys.argv[1], "w").write("%d\n" % s.getsockname()[1])
conns = []
while True:
    c, _ = s.accept()
    conns.append(c)
    open(sys.argv[2], "a").write("accepted\n")' "$T/silent.port" "$T/silent.log" &
	SILENT_PID=$!
	wait_path -s "$T/silent.port"
	SILENT_PORT=$(cat "$T/silent.port")
}

# run_start CONF LOG [NAME=VALUE...]: `coupdepouce -c CONF run` in the
# background with NAME=VALUE... in its environment and its stderr in LOG;
# RUN_PID is its pid.  WATCHDOG_PID is set to that pid, as a service
# manager does (it only counts with WATCHDOG_USEC).
run_start() {
	_conf=$1 _log=$2
	shift 2
	env "$@" sh -c 'export WATCHDOG_PID=$$; exec "$0" -c "$1" run' \
	    "$CDP" "$_conf" 2>"$_log" &
	RUN_PID=$!
}

# run_stop NAME LIMIT_MS [STATUS]: SIGTERM to the daemon of run_start; the
# check NAME passes when it is gone within LIMIT_MS and exited STATUS (0).
# STOP_MS is how long it took.
run_stop() {
	_t0=$(date +%s%3N)
	kill -TERM "$RUN_PID"
	_n=0
	while kill -0 "$RUN_PID" 2>/dev/null && [ $_n -lt 300 ]; do
		sleep 0.05
		_n=$((_n + 1))
	done
	STOP_MS=$(($(date +%s%3N) - _t0))
	wait "$RUN_PID"
	_st=$?
	if [ "$STOP_MS" -le "$2" ] && [ "$_st" = "${3:-0}" ]; then
		t_ok "$1"
	else
		t_not_ok "$1" "took $STOP_MS ms (at most $2), exit $_st"
	fi
}

t_done() {
	echo "$t_pass passed, $t_fail failed"
	[ "$t_fail" -eq 0 ] && [ "$t_pass" -gt 0 ]
	exit $?
}
