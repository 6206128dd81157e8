/*
 * test_html2text.c — HTML to text: layout, entities, what is dropped, how
 * quoted history is marked (blockquote, Gmail, Outlook), and that broken or
 * cut HTML never makes the scanner read outside its buffer (run under the
 * sanitizers by `make check`).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/html2text.h"
#include "tap.h"

static void
conv(const char *html, const char *want, const char *name)
{
	char *got = html2text_convert(html, strlen(html));

	is_str(got, want, name);
	free(got);
}

static void
test_layout(void)
{
	conv("", "", "empty input");
	conv("<html><body></body></html>", "", "no visible text");
	conv("Bonjour", "Bonjour\n", "bare text");
	conv("<p>Bonjour,</p><p>Merci pour votre message.</p>",
	    "Bonjour,\n\nMerci pour votre message.\n", "paragraphs");
	conv("Ligne 1<br>Ligne 2<br/>Ligne 3<BR >Fin",
	    "Ligne 1\nLigne 2\nLigne 3\nFin\n", "line breaks");
	conv("a<br><br>b", "a\n\nb\n", "two breaks make a blank line");
	conv("a<br><br><br><br><br>b", "a\n\nb\n",
	    "blank lines squeezed to one");
	conv("<div>Bonjour,</div><div><br></div><div>Merci.</div>",
	    "Bonjour,\n\nMerci.\n", "Gmail's empty div line");
	conv("<div>un<br></div><div>deux</div>", "un\ndeux\n",
	    "a break closing a block adds no line");
	conv("  beaucoup   d'espaces\n\tet\r\n des   retours  ",
	    "beaucoup d'espaces et des retours\n", "whitespace collapsed");
	conv("<p>  début</p>", "début\n", "leading space of a block dropped");
	conv("mot<b>gras</b>mot <i> italique </i> fin",
	    "motgrasmot italique fin\n", "inline tags leave text joined");
	conv("<h1>Titre</h1>texte", "Titre\n\ntexte\n", "heading");
	conv("<table><tr><td>Nom</td><td>Commune</td></tr>"
	    "<tr><td>Élodie</td><td>Ambert</td></tr></table>",
	    "Nom Commune\nÉlodie Ambert\n", "table rows and cells");
	conv("<pre>  a  b\n    c</pre>après", "  a  b\n    c\n\naprès\n",
	    "pre keeps whitespace");
	conv("avant<hr>après", "avant\naprès\n", "hr is a line break");
}

static void
test_lists(void)
{
	conv("<p>Communes :</p><ul><li>Cunlhat</li><li>Auzelles</li></ul>"
	    "<p>Merci</p>", "Communes :\n\n- Cunlhat\n- Auzelles\n\nMerci\n",
	    "unordered list");
	conv("<ol><li>Accueil</li><li>Analyse</li><li>Groupe</li></ol>",
	    "1. Accueil\n2. Analyse\n3. Groupe\n", "ordered list");
	conv("<ul><li>Énergie<ul><li>bois</li><li>solaire</li></ul></li>"
	    "<li>Eau</li></ul>", "- Énergie\n  - bois\n  - solaire\n- Eau\n",
	    "nested list indented");
	conv("<ul><li><p>un</p></li><li>  deux </li></ul>",
	    "- un\n- deux\n", "paragraph inside an item");
	conv("<li>seul</li>", "- seul\n", "item outside a list");
	conv("<ul><li></li><li>b</li></ul>", "-\n- b\n", "empty item");
}

static void
test_entities(void)
{
	conv("&eacute;t&eacute; &agrave; l&rsquo;&eacute;cole&hellip;",
	    "été à l’école…\n", "named entities");
	conv("&Eacute;lodie &amp; Fran&ccedil;ois &lt;ok&gt; &quot;x&quot;",
	    "Élodie & François <ok> \"x\"\n", "more named entities");
	conv("&#233;&#xE9;&#Xe9;&#8364;", "éé\xc3\xa9€\n", "numeric entities");
	conv("&#150;&#146;", "–’\n", "windows-1252 numeric references");
	conv("a&nbsp;&nbsp;b&#160;c", "a  b c\n",
	    "no-break spaces kept, as spaces");
	conv("x&nbsp;</p>", "x\n", "trailing no-break space trimmed");
	conv("&unknown; &amp &; & a&b", "&unknown; & &; & a&b\n",
	    "unknown and bare ampersands kept");
	conv("&#0;&#xD800;&#1114112;&#99999999999;", "\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd\xef\xbf\xbd\n", "invalid code points replaced");
	conv("co&shy;op", "coop\n", "soft hyphen dropped");
	conv("1 &lt; 2", "1 < 2\n", "lt");
}

static void
test_dropped(void)
{
	conv("<html><head><title>Titre</title><style>p{color:red}</style>"
	    "</head><body><p>Texte</p></body></html>", "Texte\n",
	    "head dropped");
	conv("<script>alert('<p>non</p>')</script>oui", "oui\n",
	    "script dropped, tags inside ignored");
	conv("<style type=\"text/css\">\n.x{}\n</style>visible",
	    "visible\n", "style dropped");
	conv("a<!-- commentaire <p>caché</p> -->b", "ab\n", "comment");
	conv("<!--[if !mso]><p>pas pour Outlook</p><![endif]-->vu",
	    "vu\n", "conditional comment");
	conv("<![if !supportLists]>-<![endif]>liste", "-liste\n",
	    "downlevel-revealed conditional shows its content");
	conv("<?xml version=\"1.0\"?><!DOCTYPE html>x", "x\n",
	    "processing instruction and doctype");
	conv("<span style=\"display:none\">aperçu caché</span>Bonjour",
	    "Bonjour\n", "display:none content dropped");
	conv("<div style=\"DISPLAY: NONE\"><div>a</div>b</div>c", "c\n",
	    "display:none with nested element");
	conv("<img src=\"logo.png\" alt=\"logo\" style=\"display:none\">texte",
	    "texte\n", "display:none on a void element drops nothing else");
	conv("<head><meta charset=utf-8><p>pas de fin de head", 
	    "pas de fin de head\n", "unclosed head without body kept");
	conv("<head><title>t</title><body>corps", "corps\n",
	    "unclosed head ended by body");
	conv("<header>En-tête</header>", "En-tête\n", "header is not head");
}

static void
test_quotes(void)
{
	conv("<p>Merci</p><blockquote><p>Ancien message</p></blockquote>",
	    "Merci\n\n> Ancien message\n", "blockquote quoted");
	conv("<p>Oui</p><blockquote type=\"cite\"><p>Q1</p><blockquote>"
	    "<p>Q2</p></blockquote><p>Q1 bis</p></blockquote><p>Fin</p>",
	    "Oui\n\n> Q1\n>\n> > Q2\n>\n> Q1 bis\n\nFin\n",
	    "nested blockquotes");
	conv("<div>Réponse</div><div class=\"gmail_quote\"><div "
	    "class=\"gmail_attr\">Le lun. 30 nov. 2026, X a écrit :<br></div>"
	    "<blockquote class=\"gmail_quote\">Question ?<br></blockquote>"
	    "</div><div>après</div>",
	    "Réponse\n> Le lun. 30 nov. 2026, X a écrit :\n>\n> > Question ?\n"
	    "\naprès\n", "gmail_quote");
	conv("<div>Nouveau</div><div id=\"appendonsend\"></div><hr>"
	    "<div id=\"divRplyFwdMsg\" dir=\"ltr\"><b>De :</b> A<br><b>"
	    "Envoyé :</b> lundi</div><div>ancien texte</div>",
	    "Nouveau\n> De : A\n> Envoyé : lundi\n> ancien texte\n",
	    "Outlook on the web: everything after appendonsend is history");
	conv("<p class=MsoNormal>Bien à vous<o:p></o:p></p>"
	    "<div style='border:none;border-top:solid #B5C4DF 1.0pt;padding:"
	    "3.0pt 0cm 0cm 0cm'><p class=MsoNormal><b>De :</b> B</p></div>"
	    "<p class=MsoNormal>vieux</p>",
	    "Bien à vous\n> De : B\n> vieux\n",
	    "Outlook 2010 bordered header");
	conv("<div class=\"yahoo_quoted\">cité</div>hors", "> cité\nhors\n",
	    "Yahoo quote scoped to its div");
	conv("<div>Réponse</div><span id=\"OLK_SRC_BODY_SECTION\"><div>De : "
	    "Bob</div></span><div>Salut</div>", "Réponse\n> De : Bob\n> Salut\n",
	    "Outlook for Mac source section");
	conv("merci<hr id=\"stopSpelling\">Date: lundi<br>vieux",
	    "merci\n> Date: lundi\n> vieux\n", "Hotmail stopSpelling rule");
}

static void
test_outlook(void)
{
	conv("<p class=MsoNormal>Bonjour,<o:p></o:p></p>"
	    "<p class=MsoNormal><o:p>&nbsp;</o:p></p>"
	    "<p class=MsoNormal>Ligne 1<o:p></o:p></p>"
	    "<p class=MsoNormal>Ligne 2<o:p></o:p></p>",
	    "Bonjour,\n\nLigne 1\nLigne 2\n",
	    "MsoNormal paragraphs are lines");
}

/* Broken HTML, and every prefix of a busy document: no read outside the
 * buffer (ASan), always a string. */
static void
test_broken(void)
{
	static const char busy[] =
	    "<html><head><style>a{}</style></head><body><div class=\"gmail_"
	    "quote\"><p class=MsoNormal>&eacute;&#x20AC;&#150; <a href=\"x\" "
	    "title='>'>lien</a><ul><li>un<ol><li>deux</ol></ul><pre> p </pre>"
	    "<!-- c --><blockquote><script>x</script></blockquote><span "
	    "style=\"display:none\">h</span>&amp</div></body></html>";
	size_t n = strlen(busy);
	int all = 1;

	conv("<p>texte <b", "texte\n", "unterminated tag stops the text");
	conv("a <!-- jamais fermé", "a\n", "unterminated comment");
	conv("<div class=\"x>y", "", "unterminated attribute");
	conv("a < b et c > d", "a < b et c > d\n", "lone angle brackets");
	conv("</p></div></blockquote></ul>reste", "reste\n",
	    "end tags without start tags");
	conv("<script>jamais fermé", "", "unclosed script drops the rest");
	conv("x&#", "x&#\n", "cut numeric entity");
	conv("x&", "x&\n", "cut entity");
	conv("a\0b", "a\n", "NUL ends a C string");
	for (size_t i = 0; i <= n; i++) {
		char *copy = malloc(i ? i : 1), *t;

		memcpy(copy, busy, i);
		t = html2text_convert(copy, i);
		if (t == NULL)
			all = 0;
		free(t);
		free(copy);
	}
	ok(all, "every prefix of a busy document converts");
	{
		char *t = html2text_convert(NULL, 10);

		is_str(t, "", "NULL input");
		free(t);
	}
	{
		/* 10 000 nested blockquotes and lists: prefixes are capped. */
		size_t k = 10000, len = k * 28 + 10;
		char *deep = malloc(len), *p = deep, *t;

		for (size_t i = 0; i < k; i++)
			p += sprintf(p, "<blockquote><ul><li>");
		strcpy(p, "x");
		t = html2text_convert(deep, strlen(deep));
		like_str(t, "> > > > > > > > > > > > > > > > ", "deep nesting capped");
		/* One marker line per item, each with bounded prefixes. */
		ok(strlen(t) < k * 64, "deep nesting: output linear in input");
		free(t);
		free(deep);
	}
}

static void
test_sniff(void)
{
	static const struct {
		const char	*html, *want;
	} cases[] = {
		{ "<meta charset=\"UTF-8\">", "utf-8" },
		{ "<html><head><meta http-equiv=\"Content-Type\" "
		    "content=\"text/html; charset=Windows-1252\">", "windows-1252" },
		{ "<META CHARSET=iso-8859-15>", "iso-8859-15" },
		{ "<meta name=\"Generator\" content=\"Word\">", NULL },
		{ "<p>charset=utf-8</p>", NULL },
		{ "<meta charset=", NULL },
		{ "", NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = html2text_sniff_charset(cases[i].html,
		    strlen(cases[i].html)), name[64];

		snprintf(name, sizeof(name), "sniff charset %zu", i);
		is_str(got, cases[i].want, name);
		free(got);
	}
}

int
main(void)
{
	test_layout();
	test_lists();
	test_entities();
	test_dropped();
	test_quotes();
	test_outlook();
	test_broken();
	test_sniff();
	return tap_done();
}
