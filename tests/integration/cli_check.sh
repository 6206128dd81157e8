# cli_check.sh — the command line and `coupdepouce check` against real
# servers: logins over IMAPS and SMTP submission with STARTTLS + AUTH,
# refusal of an untrusted certificate and of a wrong password, config errors
# with file, line and key, and a database newer than the program.
. "$(dirname "$0")/../lib.sh"

t_run "--help exits 0" 0 "$CDP" --help
t_grep "--help lists check" "$T/out" "check"
t_run "unknown command is a usage error" 2 "$CDP" frobnicate
t_grep "usage error names the command" "$T/err" "unknown command 'frobnicate'"
t_run "check --help exits 0" 0 "$CDP" check --help
t_grep "check --help explains --offline" "$T/out" "--offline"
t_run "missing config file is an error" 1 "$CDP" -c "$T/nope.conf" check
t_grep "missing config named" "$T/err" "$T/nope.conf"

ms_start
cdp_config

t_run "impossible --now date is a usage error" 2 "$CDP" -c "$T/cdp/coupdepouce.conf" --now '2026-02-31 10:00' check --offline
t_grep "--now error explains" "$T/err" "'2026-02-31 10:00' is not a valid date"
t_run "--now in the expected form is accepted" 0 "$CDP" -c "$T/cdp/coupdepouce.conf" --now '2026-03-29 02:30' check --offline

t_run "check passes against the test servers" 0 "$CDP" -c "$T/cdp/coupdepouce.conf" check
t_grep "IMAPS login reported" "$T/out" "imaps://127.0.0.1:$MS_IMAPS_PORT as coupdepouce@example.org, folder INBOX"
t_grep "IDLE detected" "$T/out" "IDLE"
t_grep "SMTP login reported" "$T/out" "smtp://127.0.0.1:$MS_SUBMISSION_PORT as coupdepouce@example.org"

# The same server without our CA: the certificate must be refused before
# the password is sent (libetpan alone would accept it).
sed "/^ca_file/d" "$T/cdp/coupdepouce.conf" >"$T/cdp/noca.conf"
chmod 600 "$T/cdp/noca.conf"
t_run "untrusted IMAP certificate refused" 1 "$CDP" -c "$T/cdp/noca.conf" check
t_grep "IMAP refusal says why" "$T/err" "imap: imaps://127.0.0.1:$MS_IMAPS_PORT: certificate not trusted"
t_grep "SMTP refusal too" "$T/err" "smtp:"

# imap:// with STARTTLS works as well as imaps://.
sed "s|^url = imaps://127.0.0.1:$MS_IMAPS_PORT|url = imap://127.0.0.1:$MS_IMAP_PORT|" \
    "$T/cdp/coupdepouce.conf" >"$T/cdp/starttls.conf"
chmod 600 "$T/cdp/starttls.conf"
t_run "IMAP STARTTLS login" 0 "$CDP" -c "$T/cdp/starttls.conf" check

sed "s/^password = coupdepouce/password = wrong/" "$T/cdp/coupdepouce.conf" >"$T/cdp/badpw.conf"
chmod 600 "$T/cdp/badpw.conf"
t_run "wrong password refused" 1 "$CDP" -c "$T/cdp/badpw.conf" check
t_grep "IMAP login failure reported" "$T/err" "coupdepouce check: imap:"
t_grep "SMTP login failure reported" "$T/err" "coupdepouce check: smtp:"

# Config errors name the file, the line and the key.
printf '[network]\ncontact = coupdepouce@example.org\n[imap]\nurl = imaps://h\nidle = sometimes\n[smtp]\nurl = smtp://h\n' >"$T/cdp/bad.conf"
t_run "bad value refused" 1 "$CDP" -c "$T/cdp/bad.conf" check --offline
t_grep "error names file, line and key" "$T/err" "$T/cdp/bad.conf:5: idle: 'sometimes' is not yes or no"

# A broken rule is reported with its file, line and label.
mkdir -p "$T/rules"
cp "$TOP/config/rules/auto.rules" "$T/rules/"
printf '# comment\nquote_header  (non fermé\n' >"$T/rules/reply.rules"
sed "s|^rules = .*|rules = $T/rules|" "$T/cdp/coupdepouce.conf" >"$T/cdp/badrules.conf"
chmod 600 "$T/cdp/badrules.conf"
t_run "broken rule refused by check" 1 "$CDP" -c "$T/cdp/badrules.conf" check --offline
t_grep "rule error names file, line and label" "$T/err" "$T/rules/reply.rules:2: quote_header: missing closing parenthesis"
t_run "and the daemon refuses to start with it" 1 "$CDP" -c "$T/cdp/badrules.conf" poll
t_grep "saying why" "$T/err" "$T/rules/reply.rules:2: quote_header"

# The themes' labels against the rules: a theme without a label and a
# label of no theme are warnings; a bad line is an error.
cp -R "$TOP/config/rules" "$T/lrules"
sed -i 's/^eau .*/tiers_lieu  Tiers-lieu/' "$T/lrules/themes.labels"
sed "s|^rules = .*|rules = $T/lrules|" "$T/cdp/coupdepouce.conf" >"$T/cdp/labels.conf"
chmod 600 "$T/cdp/labels.conf"
t_run "labels: warnings only" 0 "$CDP" -c "$T/cdp/labels.conf" check --offline
grep '^rules  *warning' "$T/out" | sed 's/  */ /g' >"$T/labels.out"
printf '%s\n' "rules warning $T/lrules/themes.labels: eau: theme of themes.rules without a label (mails show the identifier)" \
    "rules warning $T/lrules/themes.labels:18: tiers_lieu: not a theme of themes.rules" >"$T/labels.want"
diff -u "$T/labels.want" "$T/labels.out" >"$T/labels.diff" &&
    t_ok "labels: each problem named with file and line" ||
    t_not_ok "labels: each problem named with file and line" "$(cat "$T/labels.diff")"
printf 'eau\n' >>"$T/lrules/themes.labels"
t_run "labels: a bad line refused" 1 "$CDP" -c "$T/cdp/labels.conf" check --offline
t_grep "labels: the bad line named" "$T/err" "coupdepouce check: rules: $T/lrules/themes.labels:22: eau: missing label"

# A bad people file is reported with its file, line and column.
printf 'email,name,roles\nbad-address,X,referent\n' >"$T/people.csv"
# ([paths] is the last section of the test config.)
{ cat "$T/cdp/coupdepouce.conf"; printf 'people = %s\n' "$T/people.csv"; } \
    >"$T/cdp/badpeople.conf"
chmod 600 "$T/cdp/badpeople.conf"
t_run "bad people file refused by check" 1 "$CDP" -c "$T/cdp/badpeople.conf" check --offline
cat "$T/out" "$T/err" >"$T/both"
t_grep "people error names file, line and column" "$T/both" "$T/people.csv:2: email: 'bad-address' is not a mail address"

# A broken template is reported with its file and line.
cp -R "$TOP/templates" "$T/tpl"
printf 'Subject: Test {{ref}}\n\nBonjour {{#holder_name}}{{holder_name}}\n' >"$T/tpl/fr/ack.txt"
sed "s|^templates = .*|templates = $T/tpl|" "$T/cdp/coupdepouce.conf" >"$T/cdp/badtpl.conf"
chmod 600 "$T/cdp/badtpl.conf"
t_run "broken template refused by check" 1 "$CDP" -c "$T/cdp/badtpl.conf" check --offline
t_grep "template error names file and line" "$T/err" "$T/tpl/fr/ack.txt:3:"
printf 'Subject: Test {{ref}}\n\nBonjour {{reff}}\n' >"$T/tpl/fr/ack.txt"
t_run "unknown placeholder refused by check" 1 "$CDP" -c "$T/cdp/badtpl.conf" check --offline
t_grep "and named" "$T/err" "$T/tpl/fr/ack.txt:3: unknown placeholder {{reff}}"

# A password in a file others can read is refused.
cp "$T/cdp/coupdepouce.conf" "$T/cdp/open.conf"
chmod 644 "$T/cdp/open.conf"
t_run "world-readable config with a password refused" 1 "$CDP" -c "$T/cdp/open.conf" check --offline
t_grep "and the reason is given" "$T/err" "readable by others (mode 0644)"

# A database from a newer program is refused by check.
sqlite3 "$T/cdp/coupdepouce.db" "PRAGMA user_version = 999;"
t_run "newer database refused" 1 "$CDP" -c "$T/cdp/coupdepouce.conf" check --offline
t_grep "database error says so" "$T/err" "newer than this program"

# Refusals at start-up end with one error line saying what to fix, from
# check (with --offline too) and from poll alike.
mkdir -p "$T/refuse"
offline_config "$T/refuse/secret.conf"
sed -i "s|^contact = .*|&\nsecret_file = $T/refuse/secret|" "$T/refuse/secret.conf"
head -c 32 /dev/urandom >"$T/refuse/secret"
chmod 644 "$T/refuse/secret"
want="$T/refuse/secret is readable by others (mode 0644); chmod 600 it"
t_run "poll refuses a secret others can read" 1 "$CDP" -c "$T/refuse/secret.conf" poll
t_sh_eq() {	# NAME GOT WANT
	if [ "$2" = "$3" ]; then t_ok "$1"; else t_not_ok "$1" "got '$2', want '$3'"; fi
}
t_sh_eq "  with one error line" "$(cat "$T/err")" "coupdepouce: error: $want"
t_run "check --offline reports it as an error" 1 "$CDP" -c "$T/refuse/secret.conf" check --offline
t_grep "  on its secret line" "$T/out" "secret     error    $want"
chmod 600 "$T/refuse/secret"
offline_config "$T/refuse/nopass.conf"
sed -i "s|^url = imaps://127.0.0.1:1|&\nuser = cdp@example.org|" "$T/refuse/nopass.conf"
sed -i "s|^contact = .*|&\nsecret_file = $T/refuse/secret|" "$T/refuse/nopass.conf"
want="$T/refuse/nopass.conf: password: [imap] user is set but no password was found (set password_file, or the systemd credential imap-password)"
t_run "poll refuses a user without a password" 1 "$CDP" -c "$T/refuse/nopass.conf" poll
t_sh_eq "  with one error line" "$(cat "$T/err")" "coupdepouce: error: $want"
t_run "check --offline reports it as an error" 1 "$CDP" -c "$T/refuse/nopass.conf" check --offline
t_grep "  on its password line" "$T/out" "password   error    $want"
# The same for run, and for [smtp].
want="$T/refuse/secret is readable by others (mode 0644); chmod 600 it"
chmod 644 "$T/refuse/secret"
t_run "run refuses a secret others can read" 1 timeout 20 "$CDP" -c "$T/refuse/secret.conf" run
t_sh_eq "  with one error line" "$(cat "$T/err")" "coupdepouce: error: $want"
chmod 600 "$T/refuse/secret"
offline_config "$T/refuse/nosmtppass.conf"
sed -i "s|^url = smtp://127.0.0.1:1|&\nuser = cdp@example.org|" "$T/refuse/nosmtppass.conf"
sed -i "s|^contact = .*|&\nsecret_file = $T/refuse/secret|" "$T/refuse/nosmtppass.conf"
want="$T/refuse/nosmtppass.conf: password: [smtp] user is set but no password was found (set password_file, or the systemd credential smtp-password)"
t_run "poll refuses an SMTP user without a password" 1 "$CDP" -c "$T/refuse/nosmtppass.conf" poll
t_sh_eq "  with one error line" "$(cat "$T/err")" "coupdepouce: error: $want"
t_run "run refuses it too" 1 timeout 20 "$CDP" -c "$T/refuse/nosmtppass.conf" run
t_sh_eq "  with one error line" "$(cat "$T/err")" "coupdepouce: error: $want"
t_run "check --offline reports it as an error" 1 "$CDP" -c "$T/refuse/nosmtppass.conf" check --offline
t_grep "  on its password line" "$T/out" "password   error    $want"

offline_config "$T/refuse/down.conf"
sed -i "s|^contact = .*|&\nsecret_file = $T/refuse/secret|" "$T/refuse/down.conf"
t_run "poll with the IMAP server unreachable fails" 1 "$CDP" -c "$T/refuse/down.conf" poll
tail -n 1 "$T/err" >"$T/last"
t_grep "  and its last line is the error" "$T/last" "coupdepouce: error: poll did not complete: imap: "

t_done
