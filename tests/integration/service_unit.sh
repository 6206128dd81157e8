# service_unit.sh — coupdepouce.service and coupdepouce@.service are
# accepted by systemd-analyze verify without a warning (with the binary
# path pointed at this build and MANPATH at our man pages, which
# Documentation= names), keep the sandboxing the README promises, score
# "OK" (exposure at most 4.0) in systemd-analyze security, and the
# template gives each instance its own config, state and credentials.
. "$(dirname "$0")/../lib.sh"

if ! command -v systemd-analyze >/dev/null 2>&1; then
	t_skip_all "systemd-analyze is not installed"
fi
mkdir -p "$T/unit" "$T/man/man5" "$T/man/man8"
cp "$TOP/man/coupdepouce.8" "$T/man/man8/"
cp "$TOP/man/coupdepouce.conf.5" "$T/man/man5/"
for u in coupdepouce.service coupdepouce@.service; do
	sed "s|/usr/local/sbin/coupdepouce|$CDP|g" "$TOP/$u" >"$T/unit/$u"
done

# verify_unit NAME FILE: verify accepts FILE and prints nothing.
verify_unit() {
	t_run "systemd-analyze verify accepts $1" 0 \
	    env MANPATH="$T/man" systemd-analyze verify "$2"
	if [ -s "$T/err" ] || [ -s "$T/out" ]; then
		t_not_ok "verify printed no warning for $1" "$(cat "$T/out" "$T/err")"
	else
		t_ok "verify printed no warning for $1"
	fi
}
verify_unit coupdepouce.service "$T/unit/coupdepouce.service"
verify_unit "coupdepouce@net1.service" "$T/unit/coupdepouce@net1.service"

# exposure FILE: the overall exposure systemd-analyze gives FILE, e.g. 1.1
exposure() {
	systemd-analyze security --offline=true "$1" 2>/dev/null |
	    sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p'
}
for u in coupdepouce.service coupdepouce@net1.service; do
	e=$(exposure "$T/unit/$u")
	if [ -z "$e" ]; then
		t_not_ok "$u: systemd-analyze security --offline gives a score" \
		    "$(systemd-analyze security --offline=true "$T/unit/$u" 2>&1 | tail -n 3)"
	elif awk -v e="$e" 'BEGIN { exit !(e <= 4.0) }'; then
		t_ok "$u: exposure $e is at most 4.0"
	else
		t_not_ok "$u: exposure $e is at most 4.0"
	fi
done

for u in coupdepouce.service coupdepouce@.service; do
	for key in "NoNewPrivileges=yes" "ProtectSystem=strict" \
	    "ProtectHome=yes" "PrivateTmp=yes" "UMask=0077" \
	    "SystemCallFilter=@system-service" \
	    "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX" \
	    "Restart=on-failure" "User=coupdepouce" "Type=notify" \
	    "NotifyAccess=main" "WatchdogSec=2min" \
	    'ExecReload=/bin/kill -HUP $MAINPID' \
	    "Documentation=man:coupdepouce(8)" \
	    "Documentation=file:///usr/local/share/doc/coupdepouce/README.md"; do
		t_grep "$u sets $key" "$TOP/$u" "$key"
	done
	t_nogrep "$u: the daemon does not fork" "$TOP/$u" "Type=forking"
done
# One network: the fixed names.
U="$TOP/coupdepouce.service"
for key in "StateDirectory=coupdepouce" \
    "ExecStart=/usr/local/sbin/coupdepouce -c /etc/coupdepouce/coupdepouce.conf run" \
    "LoadCredential=imap-password:/etc/coupdepouce/imap-password" \
    "LoadCredential=smtp-password:/etc/coupdepouce/smtp-password" \
    "LoadCredential=secret:/etc/coupdepouce/secret"; do
	t_grep "coupdepouce.service sets $key" "$U" "$key"
done
# Several: everything of its own, named by the instance.
U="$TOP/coupdepouce@.service"
for key in "StateDirectory=coupdepouce/%i" \
    "ExecStart=/usr/local/sbin/coupdepouce -c /etc/coupdepouce/%i.conf run" \
    "LoadCredential=imap-password:/etc/coupdepouce/%i/imap-password" \
    "LoadCredential=smtp-password:/etc/coupdepouce/%i/smtp-password" \
    "LoadCredential=secret:/etc/coupdepouce/%i/secret"; do
	t_grep "coupdepouce@.service sets $key" "$U" "$key"
done
t_done
