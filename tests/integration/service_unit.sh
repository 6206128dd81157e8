# service_unit.sh — coupdepouce.service is accepted by systemd-analyze verify
# (with the installed binary path pointed at this build) and keeps the
# sandboxing the README promises.
. "$(dirname "$0")/../lib.sh"

UNIT="$TOP/coupdepouce.service"
if ! command -v systemd-analyze >/dev/null 2>&1; then
	t_skip_all "systemd-analyze is not installed"
fi
mkdir -p "$T/unit"
sed "s|/usr/local/bin/coupdepouce|$CDP|g" "$UNIT" >"$T/unit/coupdepouce.service"
t_run "systemd-analyze verify accepts the unit" 0 systemd-analyze verify "$T/unit/coupdepouce.service"
if [ -s "$T/err" ] || [ -s "$T/out" ]; then
	t_not_ok "verify printed no warning" "$(cat "$T/out" "$T/err")"
else
	t_ok "verify printed no warning"
fi
for key in "NoNewPrivileges=yes" "ProtectSystem=strict" "ProtectHome=yes" \
    "PrivateTmp=yes" "UMask=0077" "SystemCallFilter=@system-service" \
    "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX" "Restart=on-failure" \
    "StateDirectory=coupdepouce" "LoadCredential=imap-password:" \
    "LoadCredential=smtp-password:" "LoadCredential=secret:" "User=coupdepouce"; do
	t_grep "unit sets $key" "$UNIT" "$key"
done
t_nogrep "the daemon does not fork" "$UNIT" "Type=forking"
t_done
