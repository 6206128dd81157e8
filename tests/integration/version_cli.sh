# version_cli.sh — `coupdepouce --version` prints "coupdepouce VERSION",
# VERSION being the VERSION file's, and exits 0 without a configuration.
. "$(dirname "$0")/../lib.sh"

want="coupdepouce $(cat "$TOP/VERSION")"
got=$("$CDP" --version 2>"$T/err")
rc=$?
[ "$rc" = 0 ] && t_ok "--version exits 0" || t_not_ok "--version exits 0" "exit $rc"
[ "$got" = "$want" ] && t_ok "--version prints the VERSION file's number" ||
    t_not_ok "--version prints the VERSION file's number" "got '$got', want '$want'"
[ ! -s "$T/err" ] && t_ok "nothing on stderr" || t_not_ok "nothing on stderr" "$(cat "$T/err")"
"$CDP" --help >"$T/help"
t_grep "--help names --version" "$T/help" "--version"
t_done
