#!/usr/bin/python3
"""reaction.py N PREFIX - how fast a running daemon answers a holder.

N holders PREFIX01..PREFIXnn (users of the test mail server) each write one
new mail to the contact address over SMTP submission, one after the other.
For each, the time from the server accepting the mail (the end of DATA) to
the acknowledgement landing in the holder's Maildir (a new file in new/,
read from disk every 2 ms).  Prints "median_s p95_s max_s" in seconds, or
exits 1 when an acknowledgement does not come within 30 s.  The test
servers are given in the environment as tests/servers.sh names them:
MS_HOST, MS_SUBMISSION_PORT, MS_CA_FILE, MS_MAIL_ROOT, MS_DOMAIN.
"""

import os
import smtplib
import ssl
import sys
import time


def mail(sender, contact, i):
    return ("From: Porteur %d <%s>\r\nTo: <%s>\r\n"
            "Subject: Projet de verger partage %d\r\n"
            "Message-ID: <reaction.%d.%f@bench.example>\r\n"
            "Date: Thu, 03 Dec 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n"
            "Bonjour,\r\n\r\nNous voudrions planter un verger partagé à "
            "Ambert avec l'école.\r\n\r\nCordialement,\r\nPorteur %d\r\n"
            % (i, sender, contact, i, i, time.time(), i)).encode()


def main():
    env = os.environ
    n, prefix = int(sys.argv[1]), sys.argv[2]
    domain = env["MS_DOMAIN"]
    contact = "coupdepouce@" + domain
    ctx = ssl.create_default_context(cafile=env["MS_CA_FILE"])
    delays = []
    for i in range(1, n + 1):
        user = "%s%02d" % (prefix, i)
        sender = "%s@%s" % (user, domain)
        new = os.path.join(env["MS_MAIL_ROOT"], domain, user, "Maildir",
                           "new")
        before = set(os.listdir(new))
        with smtplib.SMTP(env["MS_HOST"], int(env["MS_SUBMISSION_PORT"]),
                          timeout=10) as smtp:
            smtp.starttls(context=ctx)
            smtp.login(sender, user)
            smtp.sendmail(sender, [contact], mail(sender, contact, i))
            accepted = time.monotonic()
        while set(os.listdir(new)) == before:
            if time.monotonic() - accepted > 30:
                sys.exit("reaction: no acknowledgement for %s in 30 s"
                         % sender)
            time.sleep(0.002)
        delays.append(time.monotonic() - accepted)
    delays.sort()
    p95 = delays[min(len(delays) - 1, int(round(0.95 * len(delays))) - 1)]
    print("%.3f %.3f %.3f" % (delays[len(delays) // 2], p95, delays[-1]))


if __name__ == "__main__":
    main()
