# install_tree.sh — `make install DESTDIR=... PREFIX=/usr/local` installs
# exactly the documented tree (README, "Installed files"), the installed
# binary finds the installed templates and rules by itself when the
# config has no [paths] (its check then fails only on the unreachable
# mail servers), and `make uninstall` takes every file away again.
#
# The binary looks for its data in /usr/local/share/coupdepouce, fixed at
# build time.  To test that very lookup without writing to this machine's
# /usr/local, the check runs in a private mount namespace where the
# DESTDIR's usr/local is mounted over /usr/local.
. "$(dirname "$0")/../lib.sh"

R="$T/root"
E="$R/etc/coupdepouce"
t_run "make install into DESTDIR" 0 \
    make -C "$TOP" -s BUILD="$BUILD" DESTDIR="$R" PREFIX=/usr/local install

# The expected tree: fixed names, and every file of templates/ and
# config/rules/ under the data folder.
{
	printf '%s\n' \
	    usr/local/sbin/coupdepouce \
	    usr/local/share/doc/coupdepouce/README.md \
	    usr/local/share/doc/coupdepouce/coupdepouce.conf \
	    usr/local/share/doc/coupdepouce/people.csv \
	    usr/local/lib/systemd/system/coupdepouce.service \
	    usr/local/lib/systemd/system/coupdepouce@.service \
	    usr/local/share/man/man5/coupdepouce.conf.5 \
	    usr/local/share/man/man8/coupdepouce.8
	(cd "$TOP" && find templates -type f) |
	    sed 's|^|usr/local/share/coupdepouce/|'
	(cd "$TOP/config" && find rules -type f) |
	    sed 's|^|usr/local/share/coupdepouce/|'
} | LC_ALL=C sort >"$T/want"
(cd "$R" && find . -type f -o -type l) | sed 's|^\./||' | LC_ALL=C sort >"$T/got"
if cmp -s "$T/want" "$T/got"; then
	t_ok "installed files are exactly the documented ones ($(wc -l <"$T/got"))"
else
	t_not_ok "installed files are exactly the documented ones" \
	    "$(diff "$T/want" "$T/got")"
fi
if [ -x "$R/usr/local/sbin/coupdepouce" ] &&
    [ "$(stat -c %a "$R/usr/local/share/coupdepouce/rules/reply.rules")" = 644 ]; then
	t_ok "the binary is executable, the data files mode 644"
else
	t_not_ok "the binary is executable, the data files mode 644"
fi
t_grep "the installed unit starts the installed binary" \
    "$R/usr/local/lib/systemd/system/coupdepouce.service" \
    "ExecStart=/usr/local/sbin/coupdepouce -c /etc/coupdepouce/coupdepouce.conf run"
t_run "the installed binary runs" 0 "$R/usr/local/sbin/coupdepouce" --version
t_grep "and says its version" "$T/out" "coupdepouce $(cat "$TOP/VERSION")"

# An administrator's setup from the installed examples: the config
# without [paths], its server URLs edited (to servers that do not
# answer), the people file beside it, the passwords and secret as
# systemd credentials and the database in the state directory.
mkdir -p "$E" "$T/cred" "$T/state"
sed -e 's|^url = imaps://.*|url = imaps://127.0.0.1:1|' \
    -e 's|^url = smtp://.*|url = smtp://127.0.0.1:1|' \
    "$R/usr/local/share/doc/coupdepouce/coupdepouce.conf" >"$E/coupdepouce.conf"
cp "$R/usr/local/share/doc/coupdepouce/people.csv" "$E/"
printf 'imap-pw' >"$T/cred/imap-password"
printf 'smtp-pw' >"$T/cred/smtp-password"
head -c 32 /dev/urandom >"$T/cred/secret"
chmod 600 "$T/cred/"*
if grep -q '^\[paths\]' "$E/coupdepouce.conf" &&
    ! grep -qE '^(templates|rules) *=' "$E/coupdepouce.conf"; then
	t_ok "the example config leaves templates and rules unset"
else
	t_not_ok "the example config leaves templates and rules unset"
fi

# installed_check CONF: `check` of the installed binary, in a namespace
# where the DESTDIR is /usr/local; prints "topic status" lines in $T/out.
installed_check() {
	unshare -m sh -c 'mount --bind "$1/usr/local" /usr/local &&
	    CREDENTIALS_DIRECTORY="$2" STATE_DIRECTORY="$3" \
	    /usr/local/sbin/coupdepouce -c "$4" check' sh "$R" "$T/cred" \
	    "$T/state" "$1" >"$T/out" 2>"$T/err"
}
if ! unshare -m true 2>/dev/null; then
	echo "# skip: default data folder checks (unshare -m needs root)"
else
	installed_check "$E/coupdepouce.conf"
	awk '{ print $1, $2 }' "$T/out" >"$T/status"
	printf '%s\n' "config ok" "templates ok" "rules ok" "people ok" \
	    "secret ok" "database ok" "imap error" "smtp error" \
	    "2 errors," >"$T/want"
	if cmp -s "$T/want" "$T/status"; then
		t_ok "check: everything ok but the unreachable servers"
	else
		t_not_ok "check: everything ok but the unreachable servers" \
		    "$(cat "$T/out" "$T/err")"
	fi
	path_is() {	# NAME WANT TOPIC: the path check printed for TOPIC
		_got=$(awk -v t="$3" '$1 == t { print $3 }' "$T/out")
		if [ "$_got" = "$2" ]; then
			t_ok "$1"
		else
			t_not_ok "$1" "got '$_got', want '$2'"
		fi
	}
	path_is "templates come from the installed data folder" \
	    /usr/local/share/coupdepouce/templates/fr templates
	path_is "rules come from the installed data folder" \
	    /usr/local/share/coupdepouce/rules rules
	# A rules folder of one's own beside the config comes first.
	cp -R "$R/usr/local/share/coupdepouce/rules" "$E/rules"
	installed_check "$E/coupdepouce.conf"
	path_is "a rules folder beside the config replaces the installed one" \
	    "$E/rules" rules
	path_is "while the templates stay the installed ones" \
	    /usr/local/share/coupdepouce/templates/fr templates
	rm -rf "$E/rules"
fi

t_run "make uninstall" 0 \
    make -C "$TOP" -s BUILD="$BUILD" DESTDIR="$R" PREFIX=/usr/local uninstall
(cd "$R/usr" && find . -type f -o -type l) >"$T/left"
if [ -s "$T/left" ]; then
	t_not_ok "uninstall leaves no file" "$(cat "$T/left")"
else
	t_ok "uninstall leaves no file"
fi
if [ -e "$R/usr/local/share/coupdepouce" ] ||
    [ -e "$R/usr/local/share/doc/coupdepouce" ]; then
	t_not_ok "uninstall removes our folders"
else
	t_ok "uninstall removes our folders"
fi
t_done
