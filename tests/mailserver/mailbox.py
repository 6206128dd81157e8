#!/usr/bin/python3
"""mailbox.py - look into and fill the test mail server from shell tests.

The tests start a private Dovecot + Postfix with mailserver.sh and then need
to act as the people around the daemon: send it mail, see what it sent back,
wait for a reply to arrive.  This script does that with the standard library
only (imaplib, smtplib, ssl, email), so it runs on any machine that has
/usr/bin/python3, and it always talks to the servers the way a real client
does (TLS verified against the test CA, real logins), except `deliver`, which
writes straight into a Maildir because tests sometimes need many messages fast.

Every command finds the server through the env file written by
`mailserver.sh start DIR`: --env DIR/env, or the MS_ENV variable.
A USER is a local part ("holder") or a full address; its password is the
local part.  Regular expressions are Python's (re.search); use (?i) etc.

  send --as USER [--smtp submission|plain] [--to ADDR ...] FILE|-
  list USER [--folder F] [--after UID] [--dates] [--ids]
                                    UID<TAB>From<TAB>Subject per message;
                                    --dates: local Date<TAB>Subject;
                                    --ids: the Message-ID
  fetch USER UID [--folder F]       the raw message
  count USER [--folder F] [--after UID]
  mark USER... [--folder F]         per USER, one line: the baseline UID, the
                                    last UID the folder has given (0 if none)
  wait USER [--folder F] [--after UID] [--subject RE] [--from RE] [--body RE]
       [--count N] [--timeout S]    the raw first match, exit 1 on timeout
  settle [--timeout S]              returns once Postfix's queue is empty
  folders USER
  deliver USER FILE|-               straight into the user's Maildir/new

--after UID: only the messages whose UID is above UID count, so that a wait
for "the next acknowledgement" cannot be met by an older one; take UID with
`mark` before the action that sends the mail.
"""

import argparse
import base64
import email
import email.policy
import email.utils
import imaplib
import os
import pwd
import re
import shlex
import smtplib
import socket
import ssl
import sys
import time

POLL_SECONDS = 0.2


class Fail(Exception):
    """An error to report on stderr; the command exits with status 1."""


# ---------------------------------------------------------------- settings

def read_env(path):
    if not path:
        raise Fail("no server: give --env DIR/env or set MS_ENV")
    env = {}
    with open(path) as f:
        for line in f:
            for word in shlex.split(line, comments=True):
                key, _, value = word.partition("=")
                env[key] = value
    return env


def address(env, user):
    return user if "@" in user else "%s@%s" % (user, env["MS_DOMAIN"])


def password(user):
    return user.split("@")[0]


def tls_context(env):
    return ssl.create_default_context(cafile=env["MS_CA_FILE"])


# ---------------------------------------------------------------- messages

def read_input(name):
    if name == "-":
        return sys.stdin.buffer.read()
    with open(name, "rb") as f:
        return f.read()


def parse(raw):
    return email.message_from_bytes(raw, policy=email.policy.default)


def header(msg, name):
    """A header decoded to one line of text ('' if missing or broken)."""
    try:
        value = str(msg.get(name, ""))
    except Exception:       # too broken for the header parser: show it raw
        value = next((v for k, v in msg.raw_items() if k.lower() == name.lower()), "")
    return " ".join(value.split())


def body_text(msg):
    """The text of all text/* parts, decoded to str."""
    texts = []
    for part in msg.walk():
        if part.get_content_maintype() != "text":
            continue
        try:
            texts.append(part.get_content())
        except Exception:
            payload = part.get_payload(decode=True) or b""
            texts.append(payload.decode("utf-8", "replace"))
    return "\n".join(texts)


# ---------------------------------------------------------------- IMAP

def utf7_encode(name):
    """Folder name to IMAP modified UTF-7 (RFC 3501 5.1.3)."""
    out, chunk = [], []

    def flush():
        if chunk:
            data = "".join(chunk).encode("utf-16-be")
            b64 = base64.b64encode(data).decode().rstrip("=")
            out.append("&" + b64.replace("/", ",") + "-")
            chunk.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7e:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            chunk.append(ch)
    flush()
    return "".join(out)


def utf7_decode(name):
    def one(m):
        if m.group(1) == "":
            return "&"
        b64 = m.group(1).replace(",", "/")
        b64 += "=" * (-len(b64) % 4)
        return base64.b64decode(b64).decode("utf-16-be")
    return re.sub(r"&([^-]*)-", one, name)


def quote(name):
    name = utf7_encode(name)
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def imap_login(env, user):
    imap = imaplib.IMAP4_SSL(env["MS_HOST"], int(env["MS_IMAPS_PORT"]),
                             ssl_context=tls_context(env), timeout=10)
    try:
        imap.login(address(env, user), password(user))
    except imaplib.IMAP4.error as e:
        raise Fail("IMAP login as %s failed: %s" % (address(env, user), e))
    return imap


def examine(imap, folder):
    """Select FOLDER read-only; return its UIDVALIDITY, or None if it does not exist."""
    typ, _ = imap.select(quote(folder), readonly=True)
    if typ != "OK":
        return None
    return imap.response("UIDVALIDITY")[1][0]


def search_uids(imap, after=0):
    typ, data = imap.uid("SEARCH", "ALL")
    if typ != "OK":
        raise Fail("UID SEARCH failed: %s" % data)
    return [u for u in map(int, data[0].split()) if u > after]


def last_uid(imap, folder):
    """The baseline of FOLDER: UIDNEXT - 1, so that a mail already moved
    out of the folder cannot lower it (0 when the folder does not exist)."""
    if examine(imap, folder) is None:
        return 0
    nxt = imap.response("UIDNEXT")[1][0]
    if nxt is None:
        typ, data = imap.status(quote(folder), "(UIDNEXT)")
        m = re.search(rb"UIDNEXT (\d+)", data[0] or b"") if typ == "OK" else None
        if not m:
            raise Fail("no UIDNEXT for %s" % folder)
        nxt = m.group(1)
    return int(nxt) - 1


def fetch_raw(imap, uids):
    """{uid: raw bytes} for the given UIDs (without setting \\Seen)."""
    if not uids:
        return {}
    typ, data = imap.uid("FETCH", ",".join(map(str, uids)), "(UID BODY.PEEK[])")
    if typ != "OK":
        raise Fail("UID FETCH failed: %s" % data)
    found = {}
    for item in data:
        if isinstance(item, tuple):
            m = re.search(rb"UID (\d+)", item[0])
            if m:
                found[int(m.group(1))] = item[1]
    return found


def mailbox_lines(msgs):
    return ["%d\t%s\t%s" % (uid, header(msg, "From"), header(msg, "Subject"))
            for uid, msg in sorted(msgs.items())]


def open_folder(env, user, folder):
    """Log in as USER with FOLDER selected read-only; fail if it does not exist."""
    imap = imap_login(env, user)
    if examine(imap, folder) is None:
        imap.logout()
        raise Fail("%s has no folder %s" % (address(env, user), folder))
    return imap


# ---------------------------------------------------------------- commands

def cmd_send(env, args):
    raw = read_input(args.file)
    raw = re.sub(rb"\r?\n", b"\r\n", raw)
    sender = address(env, args.as_user)
    rcpts = args.to
    if not rcpts:
        msg = parse(raw)
        fields = msg.get_all("To", []) + msg.get_all("Cc", [])
        rcpts = [a for _, a in email.utils.getaddresses([str(f) for f in fields]) if a]
    if not rcpts:
        raise Fail("no recipients: give --to or To/Cc headers")

    port = env["MS_SUBMISSION_PORT" if args.smtp == "submission" else "MS_SMTP_PORT"]
    options = ["BODY=8BITMIME"] if re.search(rb"[\x80-\xff]", raw) else []
    try:
        with smtplib.SMTP(env["MS_HOST"], int(port), timeout=10) as smtp:
            if args.smtp == "submission":
                smtp.starttls(context=tls_context(env))
                smtp.login(sender, password(args.as_user))
            # All recipients or nobody: a test must never half-send.
            code, answer = smtp.mail(sender, options)
            if code != 250:
                raise Fail("MAIL FROM:<%s> refused: %d %s" % (sender, code, answer.decode(errors="replace")))
            for rcpt in rcpts:
                code, answer = smtp.rcpt(rcpt)
                if code not in (250, 251):
                    smtp.rset()
                    raise Fail("RCPT TO:<%s> refused: %d %s" % (rcpt, code, answer.decode(errors="replace")))
            smtp.data(raw)
    except smtplib.SMTPResponseException as e:
        raise Fail("SMTP server said: %d %s" % (e.smtp_code, e.smtp_error.decode(errors="replace")))
    except (smtplib.SMTPException, OSError) as e:
        raise Fail("SMTP on port %s failed: %s" % (port, e))


def local_date(msg):
    """The Date header as 'YYYY-MM-DD HH:MM' in the machine's zone (TZ)."""
    try:
        d = email.utils.parsedate_to_datetime(header(msg, "Date"))
    except (TypeError, ValueError):
        return "-"
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(d.timestamp()))


def cmd_list(env, args):
    imap = open_folder(env, args.user, args.folder)
    try:
        raw = fetch_raw(imap, search_uids(imap, args.after))
    finally:
        imap.logout()
    msgs = {uid: parse(data) for uid, data in raw.items()}
    if args.dates:
        for uid, msg in sorted(msgs.items()):
            print("%s\t%s" % (local_date(msg), header(msg, "Subject")))
        return
    if args.ids:
        for uid, msg in sorted(msgs.items()):
            print(header(msg, "Message-ID"))
        return
    for line in mailbox_lines(msgs):
        print(line)


def cmd_count(env, args):
    imap = open_folder(env, args.user, args.folder)
    try:
        print(len(search_uids(imap, args.after)))
    finally:
        imap.logout()


def cmd_mark(env, args):
    for user in args.user:
        imap = imap_login(env, user)
        try:
            print(last_uid(imap, args.folder))
        finally:
            imap.logout()


def queue_files(root):
    """Messages in Postfix's queue under ROOT (hashed subfolders included)."""
    n = 0
    for sub in ("maildrop", "incoming", "active", "deferred", "hold"):
        for _, _, files in os.walk(os.path.join(root, sub)):
            n += len(files)
    return n


def cmd_settle(env, args):
    # Postfix writes a mail into its queue before it answers 250 and removes
    # it once the LMTP server has stored it: an empty queue means that what
    # was sent before is in the mailboxes, so an absence check can follow.
    path = os.path.join(env["MS_DIR"], "run.path")
    run = open(path).read().strip() if os.path.exists(path) else os.path.join(env["MS_DIR"], "run")
    queue = os.path.join(run, "queue")
    if not os.path.isdir(queue):
        raise Fail("no Postfix queue at %s" % queue)
    deadline = time.monotonic() + args.timeout
    while True:
        n = queue_files(queue)
        if n == 0:
            return
        if time.monotonic() >= deadline:
            raise Fail("timeout after %gs: %d message(s) still in the Postfix queue" % (args.timeout, n))
        time.sleep(POLL_SECONDS)


def cmd_fetch(env, args):
    imap = open_folder(env, args.user, args.folder)
    try:
        raw = fetch_raw(imap, [args.uid]).get(args.uid)
    finally:
        imap.logout()
    if raw is None:
        raise Fail("no message with UID %d in %s" % (args.uid, args.folder))
    sys.stdout.buffer.write(raw)


def cmd_folders(env, args):
    imap = imap_login(env, args.user)
    try:
        typ, data = imap.list('""', "*")
    finally:
        imap.logout()
    for item in data:
        if isinstance(item, tuple):        # name sent as a literal
            name = item[1].decode()
        else:
            m = re.match(rb'\(.*?\) (?:NIL|"(?:[^"\\]|\\.)*") (.*)$', item)
            name = m.group(1).decode() if m else item.decode()
            if name.startswith('"'):
                name = re.sub(r'\\(.)', r'\1', name[1:-1])
        print(utf7_decode(name))


def matches(msg, args):
    return ((not args.subject or re.search(args.subject, header(msg, "Subject"))) and
            (not args.from_ or re.search(args.from_, header(msg, "From"))) and
            (not args.body or re.search(args.body, body_text(msg))))


def cmd_wait(env, args):
    deadline = time.monotonic() + args.timeout
    imap = imap_login(env, args.user)
    cache, raws, validity = {}, {}, None
    try:
        while True:
            # A new SELECT each round: that is how the session sees new mail.
            v = examine(imap, args.folder)
            uids = search_uids(imap, args.after) if v is not None else []
            if v != validity:
                cache, raws, validity = {}, {}, v
            new = [u for u in uids if u not in cache]
            for uid, raw in fetch_raw(imap, new).items():
                raws[uid], cache[uid] = raw, parse(raw)
            present = {u: cache[u] for u in uids if u in cache}
            hits = [u for u in sorted(present) if matches(present[u], args)]
            if len(hits) >= args.count:
                sys.stdout.buffer.write(raws[hits[0]])
                return
            if time.monotonic() >= deadline:
                break
            time.sleep(POLL_SECONDS)
    finally:
        imap.logout()

    wanted = ", ".join("%s~/%s/" % (k, getattr(args, a)) for k, a in
                       (("subject", "subject"), ("from", "from_"), ("body", "body"))
                       if getattr(args, a))
    newer = " newer than UID %d" % args.after if args.after else ""
    lines = ["timeout after %gs: %d of %d wanted message(s)%s%s in %s of %s" % (
        args.timeout, len(hits), args.count, " with " + wanted if wanted else "",
        newer, args.folder, address(env, args.user))]
    if validity is None:
        lines.append("  (the folder does not exist)")
    else:
        lines.append("  the folder holds %d message(s)%s%s" % (
            len(present), newer, ":" if present else ""))
        lines += ["  " + line for line in mailbox_lines(present)]
    raise Fail("\n".join(lines))


def cmd_deliver(env, args):
    local = address(env, args.user).split("@")[0]
    root = env.get("MS_MAIL_ROOT") or os.path.join(env["MS_DIR"], "mail")
    maildir = os.path.join(root, env["MS_DOMAIN"], local, "Maildir")
    if not os.path.isdir(maildir):
        raise Fail("no Maildir for %s at %s" % (args.user, maildir))
    mail = pwd.getpwnam("mail")
    host = socket.gethostname().replace("/", "_")
    for seq, file in enumerate(args.file):
        raw = read_input(file)
        # Maildir naming: <seconds>.M<microseconds>P<pid>Q<seq>.<host>,S=<size>;
        # written in tmp/ and renamed into new/, as a delivery agent does.
        now = time.time()
        name = "%d.M%dP%dQ%d.%s,S=%d" % (now, now % 1 * 1e6, os.getpid(),
                                         seq, host, len(raw))
        tmp = os.path.join(maildir, "tmp", name)
        with open(tmp, "wb") as f:
            f.write(raw)
        if os.geteuid() == 0:
            os.chown(tmp, mail.pw_uid, mail.pw_gid)
        os.rename(tmp, os.path.join(maildir, "new", name))


def main():
    ap = argparse.ArgumentParser(description="Test helper for the mailserver.sh mail server.")
    ap.add_argument("--env", default=os.environ.get("MS_ENV"),
                    help="DIR/env written by mailserver.sh (default: $MS_ENV)")
    # --env is also accepted after the command: "mailbox.py list holder --env X".
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--env", default=argparse.SUPPRESS)
    sub = ap.add_subparsers(dest="command", required=True)

    p = sub.add_parser("send", parents=[common], help="send a raw message over SMTP")
    p.add_argument("--as", dest="as_user", required=True)
    p.add_argument("--smtp", choices=["submission", "plain"], default="submission")
    p.add_argument("--to", action="append", default=[])
    p.add_argument("file")

    for name in ("list", "count", "fetch", "wait"):
        p = sub.add_parser(name, parents=[common])
        p.add_argument("user")
        if name == "fetch":
            p.add_argument("uid", type=int)
        p.add_argument("--folder", default="INBOX")
        if name == "list":
            p.add_argument("--dates", action="store_true",
                           help="print DATE<TAB>Subject, the Date header in local time (TZ)")
            p.add_argument("--ids", action="store_true",
                           help="print each message's Message-ID")
        if name != "fetch":
            p.add_argument("--after", type=int, default=0, metavar="UID",
                           help="only messages whose UID is above UID (see mark)")
        if name == "wait":
            p.add_argument("--subject")
            p.add_argument("--from", dest="from_")
            p.add_argument("--body")
            p.add_argument("--count", type=int, default=1)
            p.add_argument("--timeout", type=float, default=20)

    p = sub.add_parser("mark", parents=[common],
                       help="print each USER's baseline UID for --after")
    p.add_argument("user", nargs="+")
    p.add_argument("--folder", default="INBOX")
    p = sub.add_parser("settle", parents=[common],
                       help="wait until Postfix's queue is empty")
    p.add_argument("--timeout", type=float, default=20)

    sub.add_parser("folders", parents=[common]).add_argument("user")
    p = sub.add_parser("deliver", parents=[common], help="write messages into the user's Maildir/new")
    p.add_argument("user")
    p.add_argument("file", nargs="+")

    args = ap.parse_args()
    try:
        env = read_env(args.env)
        globals()["cmd_" + args.command](env, args)
    except (Fail, OSError, imaplib.IMAP4.error, re.error) as e:
        print("mailbox.py %s: %s" % (args.command, e), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
