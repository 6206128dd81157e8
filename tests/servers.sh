# servers.sh — what the integration tests (through lib.sh), the demo and
# the bench share (sourced, POSIX sh, with TOP set to the source tree and
# BUILD to the build folder): the programs, a scratch folder, the private
# mail servers (Dovecot + Postfix on free loopback ports) and the daemon's
# config for them.

case $BUILD in /*) ;; *) BUILD="$TOP/$BUILD" ;; esac
CDP="$BUILD/coupdepouce"
MAILBOX="/usr/bin/python3 $TOP/tests/mailserver/mailbox.py"
MAILSERVER="$TOP/tests/mailserver/mailserver.sh"

# scratch_dir NAME: makes and prints a new "$TMPDIR/cdp-NAME.XXXXXX" that
# the servers' users can enter.
scratch_dir() {
	_d=$(mktemp -d "${TMPDIR:-/tmp}/cdp-$1.XXXXXX") || return 1
	chmod 755 "$_d"
	printf '%s\n' "$_d"
}

# ms_up DIR: starts the mail servers in DIR/ms and reads their settings
# (MS_DOMAIN, MS_IMAPS_PORT, MS_SUBMISSION_PORT, MS_CA_FILE...; MS_ENV is
# exported for the tools); returns mailserver.sh's status (3: not root).
ms_up() {
	mkdir -p "$1/ms"
	bash "$MAILSERVER" start "$1/ms" || return $?
	. "$1/ms/env"
	export MS_ENV="$1/ms/env"
}

# ms_down DIR: stops the mail servers of DIR/ms, if any.
ms_down() {
	bash "$MAILSERVER" stop "$1/ms" >/dev/null 2>&1 || true
}

# ms_login: the contact mailbox's login lines for [imap] or [smtp].
ms_login() {
	printf 'user = coupdepouce@%s\npassword = coupdepouce\nca_file = %s\n' \
	    "$MS_DOMAIN" "$MS_CA_FILE"
}

# ms_config FILE [NETWORK] [IMAP] [SMTP] [PATHS]: writes FILE (mode 0600,
# and leaves the umask at 022), the daemon's config for the contact mailbox
# of the servers: its address, its IMAPS login, the submission port, the
# templates and rules of the source tree; each further argument is more
# lines for that section (no SMTP login unless given: "$(ms_login)").
ms_config() {
	umask 077
	{
		echo "[network]"
		echo "contact = coupdepouce@$MS_DOMAIN"
		_ms_lines "${2:-}"
		echo "[imap]"
		echo "url = imaps://127.0.0.1:$MS_IMAPS_PORT"
		ms_login
		_ms_lines "${3:-}"
		echo "[smtp]"
		echo "url = smtp://127.0.0.1:$MS_SUBMISSION_PORT"
		_ms_lines "${4:-}"
		echo "[paths]"
		echo "templates = $TOP/templates"
		echo "rules = $TOP/config/rules"
		_ms_lines "${5:-}"
	} >"$1"
	umask 022
}

_ms_lines() {
	[ -z "$1" ] || printf '%s\n' "$1"
}
