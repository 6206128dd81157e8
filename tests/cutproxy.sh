# cutproxy.sh — sourced by the integration tests that drop the IMAP line
# (after lib.sh): tests/tools/bytecutproxy.py between the daemon and
# Dovecot's IMAPS port, the daemon's [imap] url in $CONF pointed at it.
# The proxy is stopped on exit.
PROXY_PID=
proxy_stop() {
	[ -n "$PROXY_PID" ] && kill "$PROXY_PID" 2>/dev/null && wait "$PROXY_PID" 2>/dev/null
	PROXY_PID=
}
trap 'proxy_stop; t_cleanup' EXIT
# proxy NAME CUTS BYTES: a bytecutproxy in front of Dovecot, the daemon's
# [imap] url pointed at it; its lines in $T/NAME.log
proxy() {
	proxy_stop
	rm -f "$T/$1.port"
	/usr/bin/python3 "$TOP/tests/tools/bytecutproxy.py" "$T/$1.port" \
	    "$MS_IMAPS_PORT" "$2" "$3" >"$T/$1.log" &
	PROXY_PID=$!
	_w=0
	while [ ! -s "$T/$1.port" ] && [ $_w -lt 100 ]; do sleep 0.05; _w=$((_w + 1)); done
	sed -i "s|^url = imaps://127.0.0.1:.*|url = imaps://127.0.0.1:$(cat "$T/$1.port")|" "$CONF"
}
