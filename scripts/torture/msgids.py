#!/usr/bin/python3
"""msgids.py ROOT USER... - the Message-ID of every mail a user received.

Reads the users' Maildirs under ROOT (MS_MAIL_ROOT/DOMAIN) directly, every
folder, so that thousands of mails are counted in a second without an IMAP
session each; prints "USER<TAB>Message-ID" per mail ("-" when it has none).
The SMTP side of a torture run is judged by these lines: the same
Message-ID twice in one mailbox is a mail sent twice.
"""
import email.parser
import os
import sys


def maildirs(home):
    top = os.path.join(home, "Maildir")
    yield top
    for name in sorted(os.listdir(top)) if os.path.isdir(top) else []:
        if name.startswith(".") and os.path.isdir(os.path.join(top, name, "cur")):
            yield os.path.join(top, name)


def main():
    root, users = sys.argv[1], sys.argv[2:]
    parser = email.parser.BytesHeaderParser()
    for user in users:
        for md in maildirs(os.path.join(root, user)):
            for sub in ("new", "cur"):
                d = os.path.join(md, sub)
                for f in sorted(os.listdir(d)) if os.path.isdir(d) else []:
                    with open(os.path.join(d, f), "rb") as fh:
                        mid = parser.parse(fh).get("Message-ID", "-")
                    print("%s\t%s" % (user, " ".join(str(mid).split())))


if __name__ == "__main__":
    main()
