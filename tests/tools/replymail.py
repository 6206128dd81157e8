#!/usr/bin/python3
"""replymail.py ORIGINAL FROM [--to ADDR] [--quote] < BODY > MAIL

Writes, on stdout, the reply a mail client would send to the raw message
ORIGINAL: From FROM, To the contact address (or --to), Subject "Re: " and
the original subject, In-Reply-To and References naming it, the body read
from stdin, and with --quote the original text quoted below a French
"Le ... a écrit :" line, as Thunderbird writes it.
"""
import argparse
import email
import email.policy
import email.utils
import sys
import uuid


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("original")
    ap.add_argument("sender")
    ap.add_argument("--to", default=None)
    ap.add_argument("--quote", action="store_true")
    ap.add_argument("--subject", default=None)
    a = ap.parse_args()
    orig = email.message_from_binary_file(open(a.original, "rb"),
                                          policy=email.policy.default)
    mid = orig["Message-ID"].strip()
    refs = (orig.get("References", "") + " " + mid).strip()
    subject = a.subject if a.subject is not None else "Re: " + str(orig["Subject"])
    to = a.to or str(orig.get("Reply-To") or orig["From"])
    body = sys.stdin.read()
    if a.quote:
        part = orig.get_body(preferencelist=("plain",))
        text = part.get_content() if part else ""
        body += "\nLe 30/11/2026 à 10:00, %s a écrit :\n" % orig["From"]
        body += "".join("> " + line + "\n" for line in text.splitlines())
    msg = email.message.EmailMessage(policy=email.policy.SMTP)
    msg["From"] = a.sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = email.utils.formatdate(localtime=True)
    msg["Message-ID"] = "<%s@example.org>" % uuid.uuid4()
    msg["In-Reply-To"] = mid
    msg["References"] = refs
    msg.set_content(body)
    sys.stdout.buffer.write(msg.as_bytes())


main()
