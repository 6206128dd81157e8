#!/usr/bin/python3
"""autoresponder.py ENV USER MODE SECONDS - a badly made out-of-office.

Answers every mail USER@DOMAIN receives, for SECONDS, with a mail to the
network's contact address and none of the RFC 3834 headers
(Auto-Submitted, Precedence, X-Autoreply) that would mark it automatic:
MODE threaded keeps In-Reply-To/References and "Re: " + the subject,
unthreaded writes a fresh subject each time.  Reads USER's Maildir/new,
sends over the servers' plain SMTP port.  Prints how many it sent.
"""
import email.parser
import os
import shlex
import smtplib
import sys
import time


def main():
    envfile, user, mode, secs = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    env = {}
    for line in open(envfile):
        for w in shlex.split(line):
            k, _, v = w.partition("=")
            env[k] = v
    dom = env["MS_DOMAIN"]
    new = os.path.join(env["MS_MAIL_ROOT"], dom, user, "Maildir", "new")
    cur = os.path.join(os.path.dirname(new), "cur")
    parser = email.parser.BytesHeaderParser()
    sent, end = 0, time.time() + secs
    while time.time() < end:
        files = sorted(os.listdir(new))
        if not files:
            time.sleep(0.1)
            continue
        for f in files:
            with open(os.path.join(new, f), "rb") as fh:
                h = parser.parse(fh)
            os.rename(os.path.join(new, f), os.path.join(cur, f + ":2,S"))
            sent += 1
            head = "From: <%s@%s>\r\nTo: coupdepouce@%s\r\n" % (user, dom, dom)
            head += "Message-ID: <ooo.%s.%d.%d@%s>\r\n" % (user, sent, os.getpid(), dom)
            if mode == "threaded":
                mid = (h.get("Message-ID") or "").strip()
                head += "Subject: Re: %s\r\nIn-Reply-To: %s\r\nReferences: %s\r\n" % (
                    " ".join(str(h.get("Subject", "")).split()), mid, mid)
            else:
                head += "Subject: Absent du bureau (%d)\r\n" % sent
            body = ("Je suis absent jusqu'au 15 décembre, je lirai votre message "
                    "à mon retour.\r\n")
            msg = head + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body
            with smtplib.SMTP("127.0.0.1", int(env["MS_SMTP_PORT"])) as s:
                s.sendmail("%s@%s" % (user, dom), ["coupdepouce@%s" % dom], msg.encode())
    print(sent)


if __name__ == "__main__":
    main()
