#!/usr/bin/python3
"""corpus.py - the mails of `make bench`, written as .eml files (CRLF).

  corpus.py new DIR N TAG DOMAIN
      N first mails to the contact address of DOMAIN, from many senders
      (one for every four mails): French plain text, quoted-printable
      Latin-1, HTML only, text + HTML, multipart with a 20 KB attachment,
      and a few out-of-office replies and bounces.
  corpus.py replies DIR N TAG DOMAIN ACKS
      N replies by token: ACKS holds "recipient<TAB>message-id" lines (our
      acknowledgements, from the outbox); each reply comes from that
      recipient with In-Reply-To and References set to the Message-ID,
      new text on top and the quoted acknowledgement below.

Message-IDs are TAG.I@bench.example, so runs with different tags never
look like duplicates to the daemon.  The text is drawn with a fixed seed:
two runs write the same bytes.
"""

import base64
import quopri
import random
import sys

OPENINGS = [
    "Bonjour,", "Bonjour à toutes et à tous,", "Madame, Monsieur,",
    "Bonsoir,", "Bonjour l'équipe Coup de pouce,",
]
SENTENCES = [
    "Nous portons un projet de jardin partagé avec les habitants du bourg "
    "de {c}, sur un terrain prêté par la mairie.",
    "Avec quelques voisins nous aimerions lancer un composteur collectif "
    "et un atelier de réparation de vélos à {c}.",
    "Notre association souhaite installer des panneaux solaires sur le toit "
    "de la salle des fêtes de {c} et vendre l'électricité en circuit court.",
    "Je cherche des conseils pour organiser du covoiturage entre {c} et "
    "Ambert pour les salariés de la zone artisanale.",
    "Nous voudrions rénover une grange en habitat partagé, avec de "
    "l'isolation en paille et des enduits à la chaux.",
    "L'école de {c} aimerait une cantine avec des produits locaux et un "
    "potager pédagogique pour les enfants.",
    "Un groupe de parents réfléchit à un pédibus et à une piste cyclable "
    "pour rejoindre le collège en sécurité.",
    "Nous avons repéré un dépôt sauvage de déchets près de la rivière et "
    "nous voudrions organiser un ramassage avec la commune.",
    "La ressourcerie de {c} cherche des bénévoles pour trier les dons et "
    "animer une gratiféria au printemps.",
    "Nous ne savons pas encore quelles démarches faire ni qui contacter à "
    "la communauté de communes ; un premier rendez-vous nous aiderait.",
    "Le budget reste modeste : quelques centaines d'euros pour les outils, "
    "les graines et un peu de bois pour les bacs.",
    "Nous sommes une dizaine, plutôt disponibles le samedi matin et "
    "certains soirs de semaine après dix-huit heures.",
]
CLOSINGS = [
    "Cordialement,", "Bien à vous,", "Merci d'avance pour votre aide,",
    "Belle journée,", "Amicalement,",
]
FIRST = ["Camille", "Dominique", "Claude", "Sacha", "Maxime", "Alix",
         "Lou", "Noé", "Jeanne", "Martin", "Élise", "Hélène", "Gaël"]
LAST = ["Vidal", "Roux", "Chabrier", "Fournier", "Bonnet", "Mathieu",
        "Girard", "Faure", "Chassaing", "Pélissier", "Dufour"]
COMMUNES = ["Ambert", "Thiers", "Olliergues", "Saint-Anthème", "Cunlhat",
            "Arlanc", "Viverols", "Courpière", "Marsac-en-Livradois",
            "Saint-Germain-l'Herm", "Vic-le-Comte", "Billom"]
DOMAINS = ["example.net", "example.com", "mail.example.net",
           "asso.example.com"]


def person(rng, i):
    first, last = FIRST[i % len(FIRST)], LAST[(i // 7) % len(LAST)]
    addr = "%s.%s%d@%s" % (first.lower().replace("é", "e").replace("ë", "e"),
                           last.lower().replace("é", "e"), i,
                           DOMAINS[i % len(DOMAINS)])
    return "%s %s" % (first, last), addr


def text(rng, name, size=3000):
    commune = rng.choice(COMMUNES)
    pool = rng.sample(SENTENCES, 4)   # a mail is about one or two things
    lines = [rng.choice(OPENINGS), ""]
    while sum(len(x) for x in lines) < size:
        lines.append(" ".join(rng.choice(pool).format(c=commune)
                              for _ in range(3)))
        lines.append("")
    lines += [rng.choice(CLOSINGS), name, "06 12 34 56 78"]
    return "\n".join(lines)


def header_word(s):
    """RFC 2047 Q-encoding of a UTF-8 subject or name."""
    q = quopri.encodestring(s.encode(), header=True).decode()
    return "=?UTF-8?Q?%s?=" % q.replace("=\n", "")


def headers(frm_name, frm, to, subject, mid, extra=""):
    return ("From: %s <%s>\nTo: Coup de pouce <%s>\nSubject: %s\n"
            "Date: Thu, 03 Dec 2026 10:00:00 +0100\nMessage-ID: <%s>\n"
            "MIME-Version: 1.0\n%s" % (header_word(frm_name), frm, to,
                                       header_word(subject), mid, extra))


def html_of(body):
    paras = "".join("<p>%s</p>" % p.replace("\n", "<br>")
                    for p in body.split("\n\n"))
    return ("<html><head><style>p{margin:0}</style></head><body>"
            "<div dir=\"ltr\">%s</div></body></html>" % paras)


def qp(s, charset):
    return quopri.encodestring(s.encode(charset)).decode("ascii")


def new_mail(rng, i, tag, to, domain):
    name, frm = person(rng, i // 4)
    mid = "%s.%d@bench.example" % (tag, i)
    subject = rng.choice(["Projet de jardin partagé", "Demande d'aide",
                          "Idée pour notre commune", "Question",
                          "Covoiturage", "Panneaux solaires à l'école"])
    body = text(rng, name)
    kind = i % 12
    if kind <= 3:
        return headers(name, frm, to, subject, mid,
                       "Content-Type: text/plain; charset=utf-8\n"
                       "Content-Transfer-Encoding: 8bit\n") + "\n" + body
    if kind <= 5:
        return headers(name, frm, to, subject, mid,
                       "Content-Type: text/plain; charset=iso-8859-1\n"
                       "Content-Transfer-Encoding: quoted-printable\n") + \
            "\n" + qp(body, "latin-1")
    if kind <= 7:
        return headers(name, frm, to, subject, mid,
                       "Content-Type: text/html; charset=utf-8\n"
                       "Content-Transfer-Encoding: quoted-printable\n") + \
            "\n" + qp(html_of(body), "utf-8")
    if kind == 8:
        att = bytes(rng.getrandbits(8) for _ in range(20 * 1024))
        b64 = base64.encodebytes(att).decode()
        return headers(name, frm, to, subject, mid,
                       "Content-Type: multipart/mixed; boundary=\"=b%d\"\n"
                       % i) + \
            "\nThis is a multi-part message in MIME format.\n" \
            "--=b%d\nContent-Type: text/plain; charset=utf-8\n" \
            "Content-Transfer-Encoding: 8bit\n\n%s\n--=b%d\n" \
            "Content-Type: application/pdf; name=\"plan.pdf\"\n" \
            "Content-Disposition: attachment; filename=\"plan.pdf\"\n" \
            "Content-Transfer-Encoding: base64\n\n%s--=b%d--\n" % (
                i, body, i, b64, i)
    if kind == 9:
        return headers(name, frm, to, subject, mid,
                       "Content-Type: multipart/alternative; "
                       "boundary=\"=a%d\"\n" % i) + \
            "\n--=a%d\nContent-Type: text/plain; charset=utf-8\n" \
            "Content-Transfer-Encoding: quoted-printable\n\n%s\n" \
            "--=a%d\nContent-Type: text/html; charset=utf-8\n" \
            "Content-Transfer-Encoding: quoted-printable\n\n%s\n--=a%d--\n" \
            % (i, qp(body, "utf-8"), i, qp(html_of(body), "utf-8"), i)
    if kind == 10:
        return headers(name, frm, to, "Réponse automatique : absence", mid,
                       "Auto-Submitted: auto-replied\n"
                       "Content-Type: text/plain; charset=utf-8\n"
                       "Content-Transfer-Encoding: 8bit\n") + \
            "\nBonjour,\n\nJe suis absent du bureau jusqu'au 14 décembre " \
            "et n'aurai qu'un accès limité à ma messagerie.\n\n%s\n" % name
    failed = "ancien%d@%s" % (i, domain)
    return ("From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\n"
            "To: %s\nSubject: Undelivered Mail Returned to Sender\n"
            "Date: Thu, 03 Dec 2026 10:00:00 +0100\nMessage-ID: <%s>\n"
            "Auto-Submitted: auto-replied\nMIME-Version: 1.0\n"
            "Content-Type: multipart/report; report-type=delivery-status; "
            "boundary=\"=r%d\"\n\n--=r%d\nContent-Type: text/plain; "
            "charset=us-ascii\n\nThis is the mail system at host "
            "mx.example.net.\n\nI'm sorry to have to inform you that your "
            "message could not\nbe delivered to one or more recipients.\n\n"
            "<%s>: host mx said: 550 5.1.1 User unknown\n\n--=r%d\n"
            "Content-Type: message/delivery-status\n\nReporting-MTA: dns; "
            "mx.example.net\n\nFinal-Recipient: rfc822; %s\nAction: failed\n"
            "Status: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\n"
            "\n--=r%d\nContent-Type: text/rfc822-headers\n\nFrom: %s\n"
            "To: %s\nSubject: Accusé de réception\nMessage-ID: "
            "<lost.%d@%s>\n\n--=r%d--\n" % (
                to, mid, i, i, failed, i, failed, i, to, failed, i, domain,
                i))


def reply_mail(rng, i, tag, to, rcpt, ack_id):
    name = rcpt.split("@")[0].split(".")[0].capitalize()
    mid = "%s.r%d@bench.example" % (tag, i)
    new = text(rng, name, size=600)
    quoted = "\n".join("> " + x for x in (
        "Bonjour,", "", "Votre message est bien arrivé au réseau Coup de "
        "pouce.", "Un référent vous répondra rapidement.", "", "-- ",
        "Coup de pouce"))
    body = "%s\n\nLe jeu. 3 déc. 2026 à 10:01, Coup de pouce <%s> a " \
        "écrit :\n%s\n" % (new, to, quoted)
    return headers(name, rcpt, to, "Re: Accusé de réception", mid,
                   "In-Reply-To: <%s>\nReferences: <%s>\n"
                   "Content-Type: text/plain; charset=utf-8\n"
                   "Content-Transfer-Encoding: 8bit\n" % (ack_id, ack_id)) + \
        "\n" + body


def write(d, name, msg):
    with open("%s/%s.eml" % (d, name), "wb") as f:
        f.write(msg.replace("\r\n", "\n").replace("\n", "\r\n")
                .encode("utf-8"))


def main(argv):
    cmd, d, n, tag, domain = argv[1], argv[2], int(argv[3]), argv[4], argv[5]
    to = "coupdepouce@%s" % domain
    rng = random.Random("%s-%s" % (cmd, tag))
    if cmd == "new":
        for i in range(n):
            write(d, "%s-%06d" % (tag, i), new_mail(rng, i, tag, to, domain))
    elif cmd == "replies":
        acks = [line.rstrip("\n").split("\t") for line in open(argv[6])
                if "\t" in line]
        if not acks:
            sys.exit("corpus.py: no acknowledgement to reply to")
        for i in range(n):
            rcpt, ack_id = acks[i % len(acks)]
            write(d, "%s-r%06d" % (tag, i),
                  reply_mail(rng, i, tag, to, rcpt, ack_id))
    else:
        sys.exit("usage: corpus.py new|replies DIR N TAG DOMAIN [ACKS]")


if __name__ == "__main__":
    main(sys.argv)
