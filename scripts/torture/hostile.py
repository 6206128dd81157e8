#!/usr/bin/python3
"""hostile.py DIR - mails written to hurt a mail parser.

Writes DIR/hostile-I.eml, each with Message-ID <hostile.I@example.org>
(except where the Message-ID itself is the attack), to the network's
contact address: huge header counts and lines, deep MIME nesting, a 30 MB
attachment, NUL bytes, broken base64, invalid UTF-8, RFC 2047 words that
decode to CR/LF and a header of our choosing ("X-Injected: yes", "Bcc:"),
charsets iconv does not know, forged tokens and forged senders.  What
the daemon sends after reading them must not carry X-Injected or Bcc.
"""
import base64
import os
import sys

D = "example.org"
TO = "To: coupdepouce@%s\r\n" % D
INJ = "Bonjour\r\nX-Injected: yes\r\nBcc: evil@%s" % D


def b64w(s, cs="UTF-8"):
    return "=?%s?B?%s?=" % (cs, base64.b64encode(s.encode()).decode())


def head(i, frm=None, subject=None, extra=""):
    # A sender per mail: each gets its own acknowledgement (one per
    # sender and day), which echoes the subject.
    frm = frm or "h%02d" % i
    return ("From: <%s@%s>\r\n%sSubject: %s\r\nMessage-ID: <hostile.%d@%s>\r\n"
            "Date: Mon, 30 Nov 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\n%s"
            % (frm, D, TO, subject or "Essai %d" % i, i, D, extra))


def plain(body):
    return "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body


def mails():
    m = []
    m.append(head(0, extra="".join("X-H-%d: valeur %d\r\n" % (k, k) for k in range(10000)))
             + plain("Dix mille en-têtes.\r\n"))
    nest = "".join('Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (k, k)
                   for k in range(1000))
    nest += plain("Au fond.\r\n") + "".join("\r\n--b%d--\r\n" % k for k in reversed(range(1000)))
    m.append(head(1) + nest)
    blob = base64.encodebytes(os.urandom(30 * 1024 * 1024 * 3 // 4)).decode().replace("\n", "\r\n")
    m.append(head(2) + 'Content-Type: multipart/mixed; boundary="x"\r\n\r\n--x\r\n'
             + plain("Voici le plan.\r\n") + "\r\n--x\r\nContent-Type: application/pdf; name=plan.pdf\r\n"
             "Content-Transfer-Encoding: base64\r\n\r\n" + blob + "--x--\r\n")
    m.append(head(3, subject="Nul\0octet") + plain("Un\0deux\0trois.\r\n"))
    m.append(head(4) + 'Content-Type: multipart/mixed; boundary="x"\r\n\r\n--x\r\n'
             "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
             "QmxvbmpvdXI!!!@@@ ###\r\n=====\r\nYWJj=ZGVm\r\n--x--\r\n")
    m.append(head(5, subject="Caf\udcc3( \udcff\udcfe projet") + plain("UTF-8 invalide.\r\n"))
    m.append(head(6, extra="X-Long: " + "a" * (1024 * 1024) + "\r\n") + plain("Une ligne d'un méga.\r\n"))
    m.append(head(7, subject=b64w(INJ)) + plain("Sujet piégé.\r\n"))
    m.append(head(8, subject=b64w("Projet", "x-pas-un-charset"))
             + "Content-Type: text/plain; charset=x-pas-un-charset\r\n\r\nCharset inconnu.\r\n")
    m.append(head(9, frm="referent", extra="In-Reply-To: <cdp.1.1.1.0123456789abcdef01234567@%s>\r\n" % D)
             + plain("STATUT\r\n"))
    m.append(head(10, frm="coordinator") + plain("BENEVOLE evil@%s Pirate ; eau ; Ambert\r\n" % D))
    m.append(head(11, frm="coordinator",
                  extra="Authentication-Results: mx.ailleurs.example; dmarc=pass; spf=pass\r\n")
             + plain("REFERENT evil2@%s Pirate ; eau ; Ambert\r\n" % D))
    m.append("From: %s <h12@%s>\r\n" % (b64w(INJ), D) + TO
             + "Subject: Nom piégé\r\nMessage-ID: <hostile.12@%s>\r\n" % D + plain("Bonjour.\r\n"))
    m.append(head(13, subject="=?UTF-8?Q?Bonjour=0D=0AX-Injected=3A_yes?=") + plain("QP.\r\n"))
    m.append(head(14, extra="Content-Type: text/plain; charset=utf-8\r\n") + "\r\n"
             + "Pas de fin de ligne, ni CRLF" + "\n" * 3 + "\rX-Injected: yes")
    return m


def main():
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    for i, msg in enumerate(mails()):
        with open(os.path.join(d, "hostile-%d.eml" % i), "wb") as f:
            f.write(msg.encode("utf-8", "surrogateescape"))


if __name__ == "__main__":
    main()
