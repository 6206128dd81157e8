#!/bin/sh
# Installs the Debian packages the build, the tests and the demo need.
# Only what is missing is installed, so a second run costs a dpkg query.
# Must run as root on Debian 12 (or be given sudo); prints what it does.
set -eu

BUILD="gcc make pkg-config libetpan-dev libcurl4-gnutls-dev libsqlite3-dev
libpcre2-dev libgnutls28-dev libjansson-dev libical-dev"
# libical is loaded by name at run time (dlopen), not linked: its runtime
# package is named here rather than left to libical-dev's dependencies.
RUN="libical3"
TEST="dovecot-imapd dovecot-lmtpd postfix openssl ca-certificates sqlite3
python3 procps tzdata systemd python3-icalendar time chromium
fonts-dejavu-core groff-base isync"
# make fuzz (clang 14 and its libFuzzer runtime), make memcheck.
CHECK="clang libclang-rt-14-dev valgrind"

missing=""
for p in $BUILD $RUN $TEST $CHECK; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 || {
		echo "deps: missing packages:$missing (run 'make deps' as root)" >&2
		exit 1
	}
	SUDO=sudo
fi
echo "deps: installing$missing"
# Postfix asks a debconf question on install; the test suite writes its own
# configuration, so the system instance is left unconfigured.
echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || true
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
