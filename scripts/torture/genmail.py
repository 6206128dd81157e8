#!/usr/bin/python3
"""genmail.py - the mails a torture scenario sends the daemon.

  genmail.py new DIR N SENDERS PREFIX        N new requests from s001..sSENDERS
  genmail.py replies DIR ROOT N PREFIX USER...  N replies by token to what the
                                             daemon sent USER... (their Maildirs)
  genmail.py commands DIR ROOT N PREFIX USER... STATUT/AIDE/NOTE by USER... in
                                             reply to the mails they received
  genmail.py bounces DIR ROOT N PREFIX USER... delivery reports for mails sent
                                             to USER...

ROOT is the mail servers' MS_MAIL_ROOT/DOMAIN.  Every mail gets the
Message-ID <PREFIX.I@example.org> and goes to DIR/PREFIX-I.eml (CRLF), so a
scenario knows the whole set it must find stored: `ls DIR`.
"""
import email.parser
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from msgids import maildirs  # noqa: E402

DOMAIN = "example.org"
CONTACT = "coupdepouce@" + DOMAIN
THEMES = ["un jardin partagé", "un composteur collectif", "une recyclerie",
          "des toilettes sèches", "une haie bocagère", "un repair café"]
TOWNS = ["Ambert", "Thiers", "Arlanc", "Olliergues", "Cunlhat"]


def write(d, prefix, i, headers, body):
    head = "".join("%s: %s\n" % kv for kv in headers)
    msg = (head + "Message-ID: <%s.%d@%s>\nDate: Mon, 30 Nov 2026 10:00:00 +0100\n"
           "MIME-Version: 1.0\n" % (prefix, i, DOMAIN))
    if not any(k == "Content-Type" for k, _ in headers):
        msg += "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n"
    msg += "\n" + body
    with open(os.path.join(d, "%s-%d.eml" % (prefix, i)), "wb") as f:
        f.write(msg.replace("\r\n", "\n").replace("\n", "\r\n").encode())


def received(root, users):
    """(user, headers) of every mail the users got, in a stable order."""
    parser = email.parser.BytesHeaderParser()
    out = []
    for u in users:
        for md in maildirs(os.path.join(root, u)):
            for sub in ("new", "cur"):
                p = os.path.join(md, sub)
                for f in sorted(os.listdir(p)) if os.path.isdir(p) else []:
                    with open(os.path.join(p, f), "rb") as fh:
                        out.append((u, parser.parse(fh)))
    if not out:
        sys.exit("genmail: no mail received by %s yet" % " ".join(users))
    return out


def new(d, n, senders, prefix):
    for i in range(n):
        s = "s%03d" % (i % senders + 1)
        what, town = THEMES[i % len(THEMES)], TOWNS[i % len(TOWNS)]
        write(d, prefix, i, [("From", "Habitant %s <%s@%s>" % (s, s, DOMAIN)),
                             ("To", CONTACT),
                             ("Subject", "Projet %d : %s à %s" % (i, what, town))],
              "Bonjour,\n\nNous voudrions monter %s à %s (demande %d).\n\n"
              "Cordialement,\n%s\n" % (what, town, i, s))


def reply_headers(user, h):
    mid = h.get("Message-ID", "").strip()
    subj = str(h.get("Subject", "")).replace("\n", " ")
    return [("From", "<%s@%s>" % (user, DOMAIN)), ("To", CONTACT),
            ("Subject", "Re: " + subj), ("In-Reply-To", mid), ("References", mid)]


def replies(d, root, n, prefix, users):
    got = received(root, users)
    for i in range(n):
        u, h = got[i % len(got)]
        write(d, prefix, i, reply_headers(u, h),
              "Merci, voici des nouvelles du projet (%d).\n\n"
              "Le lundi 30 novembre, Coup de pouce a écrit :\n> Bonjour\n" % i)


def commands(d, root, n, prefix, users):
    got = received(root, users)
    verbs = ["STATUT", "AIDE", "NOTE appel passé, à suivre"]
    for i in range(n):
        u, h = got[i % len(got)]
        write(d, prefix, i, reply_headers(u, h), "%s\n" % verbs[i % len(verbs)])


def bounces(d, root, n, prefix, users):
    got = received(root, users)
    for i in range(n):
        u, h = got[i % len(got)]
        mid = h.get("Message-ID", "").strip()
        rcpt = "%s@%s" % (u, DOMAIN)
        body = ("--b\nContent-Type: text/plain\n\nYour message could not be "
                "delivered to <%s>.\n\n--b\nContent-Type: message/delivery-status\n\n"
                "Reporting-MTA: dns; mx.%s\n\nFinal-Recipient: rfc822; %s\n"
                "Action: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 "
                "user unknown\n\n--b\nContent-Type: text/rfc822-headers\n\n"
                "From: %s\nTo: %s\nMessage-ID: %s\nSubject: test\n\n--b--\n"
                % (rcpt, DOMAIN, rcpt, CONTACT, rcpt, mid))
        write(d, prefix, i, [("From", "Mail Delivery System <MAILER-DAEMON@%s>" % DOMAIN),
                             ("To", CONTACT), ("Subject", "Undelivered Mail Returned to Sender"),
                             ("Auto-Submitted", "auto-replied"),
                             ("Content-Type", 'multipart/report; report-type=delivery-status; boundary="b"')],
              body)


def main():
    random.seed(16)
    mode, d = sys.argv[1], sys.argv[2]
    os.makedirs(d, exist_ok=True)
    if mode == "new":
        new(d, int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    else:
        fn = {"replies": replies, "commands": commands, "bounces": bounces}[mode]
        fn(d, sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6:])


if __name__ == "__main__":
    main()
