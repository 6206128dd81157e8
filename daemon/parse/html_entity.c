/*
 * html_entity.c — HTML character references; see html_entity.h.
 *
 * Only the named references mail composers actually write are known (a
 * table of about 150, French letters first, then the punctuation and
 * symbols Word and Outlook produce), not the two thousand of HTML5: an
 * unknown name is left as written, as "&foo;" in the text.
 */
#include <ctype.h>
#include <string.h>

#include "parse/html_entity.h"

#define HTML_ENTITY_MAX_NAME	32	/* longest name looked at */

struct html_entity {
	const char	*name;
	unsigned int	 cp;
};

/* The named entities mail composers actually write (French first), plus
 * the punctuation and symbols Word and Outlook produce. */
static const struct html_entity html_entities[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
	{ "apos", '\'' }, { "nbsp", 0xA0 },
	{ "agrave", 0xE0 }, { "aacute", 0xE1 }, { "acirc", 0xE2 },
	{ "atilde", 0xE3 }, { "auml", 0xE4 }, { "aring", 0xE5 },
	{ "aelig", 0xE6 }, { "ccedil", 0xE7 }, { "egrave", 0xE8 },
	{ "eacute", 0xE9 }, { "ecirc", 0xEA }, { "euml", 0xEB },
	{ "igrave", 0xEC }, { "iacute", 0xED }, { "icirc", 0xEE },
	{ "iuml", 0xEF }, { "eth", 0xF0 }, { "ntilde", 0xF1 },
	{ "ograve", 0xF2 }, { "oacute", 0xF3 }, { "ocirc", 0xF4 },
	{ "otilde", 0xF5 }, { "ouml", 0xF6 }, { "divide", 0xF7 },
	{ "oslash", 0xF8 }, { "ugrave", 0xF9 }, { "uacute", 0xFA },
	{ "ucirc", 0xFB }, { "uuml", 0xFC }, { "yacute", 0xFD },
	{ "thorn", 0xFE }, { "yuml", 0xFF },
	{ "Agrave", 0xC0 }, { "Aacute", 0xC1 }, { "Acirc", 0xC2 },
	{ "Atilde", 0xC3 }, { "Auml", 0xC4 }, { "Aring", 0xC5 },
	{ "AElig", 0xC6 }, { "Ccedil", 0xC7 }, { "Egrave", 0xC8 },
	{ "Eacute", 0xC9 }, { "Ecirc", 0xCA }, { "Euml", 0xCB },
	{ "Igrave", 0xCC }, { "Iacute", 0xCD }, { "Icirc", 0xCE },
	{ "Iuml", 0xCF }, { "ETH", 0xD0 }, { "Ntilde", 0xD1 },
	{ "Ograve", 0xD2 }, { "Oacute", 0xD3 }, { "Ocirc", 0xD4 },
	{ "Otilde", 0xD5 }, { "Ouml", 0xD6 }, { "times", 0xD7 },
	{ "Oslash", 0xD8 }, { "Ugrave", 0xD9 }, { "Uacute", 0xDA },
	{ "Ucirc", 0xDB }, { "Uuml", 0xDC }, { "Yacute", 0xDD },
	{ "THORN", 0xDE }, { "szlig", 0xDF }, { "Yuml", 0x178 },
	{ "oelig", 0x153 }, { "OElig", 0x152 }, { "scaron", 0x161 },
	{ "Scaron", 0x160 },
	{ "iexcl", 0xA1 }, { "cent", 0xA2 }, { "pound", 0xA3 },
	{ "curren", 0xA4 }, { "yen", 0xA5 }, { "brvbar", 0xA6 },
	{ "sect", 0xA7 }, { "uml", 0xA8 }, { "copy", 0xA9 }, { "ordf", 0xAA },
	{ "laquo", 0xAB }, { "not", 0xAC }, { "shy", 0xAD }, { "reg", 0xAE },
	{ "macr", 0xAF }, { "deg", 0xB0 }, { "plusmn", 0xB1 },
	{ "sup2", 0xB2 }, { "sup3", 0xB3 }, { "acute", 0xB4 },
	{ "micro", 0xB5 }, { "para", 0xB6 }, { "middot", 0xB7 },
	{ "cedil", 0xB8 }, { "sup1", 0xB9 }, { "ordm", 0xBA },
	{ "raquo", 0xBB }, { "frac14", 0xBC }, { "frac12", 0xBD },
	{ "frac34", 0xBE }, { "iquest", 0xBF },
	{ "ndash", 0x2013 }, { "mdash", 0x2014 }, { "lsquo", 0x2018 },
	{ "rsquo", 0x2019 }, { "sbquo", 0x201A }, { "ldquo", 0x201C },
	{ "rdquo", 0x201D }, { "bdquo", 0x201E }, { "dagger", 0x2020 },
	{ "Dagger", 0x2021 }, { "bull", 0x2022 }, { "hellip", 0x2026 },
	{ "permil", 0x2030 }, { "prime", 0x2032 }, { "Prime", 0x2033 },
	{ "lsaquo", 0x2039 }, { "rsaquo", 0x203A }, { "euro", 0x20AC },
	{ "trade", 0x2122 }, { "larr", 0x2190 }, { "uarr", 0x2191 },
	{ "rarr", 0x2192 }, { "darr", 0x2193 }, { "harr", 0x2194 },
	{ "minus", 0x2212 }, { "le", 0x2264 }, { "ge", 0x2265 },
	{ "ne", 0x2260 }, { "infin", 0x221E }, { "asymp", 0x2248 },
	{ "ensp", 0x2002 }, { "emsp", 0x2003 }, { "thinsp", 0x2009 },
	{ "zwnj", 0x200C }, { "zwj", 0x200D }, { "lrm", 0x200E },
	{ "rlm", 0x200F }, { "circ", 0x2C6 }, { "tilde", 0x2DC },
	{ "fnof", 0x192 }, { "hearts", 0x2665 }, { "check", 0x2713 },
};

/* Legacy entities browsers accept without the ';' (HTML5 §13.5). */
static const char *const html_semicolonless[] = {
	"amp", "lt", "gt", "quot", "nbsp", "copy", "reg", "eacute",
	"egrave", "agrave", "ccedil", "ecirc"
};

size_t
html_entity_read(const char *s, size_t len, size_t i, unsigned long *cp)
{
	size_t j = i + 1;
	char name[HTML_ENTITY_MAX_NAME];
	size_t n = 0;

	if (j < len && s[j] == '#') {
		unsigned long v = 0;
		int hex = 0, digits = 0;

		j++;
		if (j < len && (s[j] == 'x' || s[j] == 'X')) {
			hex = 1;
			j++;
		}
		while (j < len && (hex ? isxdigit((unsigned char)s[j]) :
		    isdigit((unsigned char)s[j]))) {
			int d = isdigit((unsigned char)s[j]) ? s[j] - '0' :
			    tolower((unsigned char)s[j]) - 'a' + 10;

			if (v <= 0x10FFFF)
				v = v * (hex ? 16 : 10) + (unsigned long)d;
			digits++;
			j++;
		}
		if (digits == 0)
			return i;
		if (j < len && s[j] == ';')
			j++;
		*cp = v > 0x10FFFF ? 0xFFFD : v;
		return j;
	}
	while (j < len && isalnum((unsigned char)s[j]) && n + 1 < sizeof(name))
		name[n++] = s[j++];
	name[n] = '\0';
	if (n == 0 || (j < len && isalnum((unsigned char)s[j])))
		return i;
	for (size_t k = 0; k < sizeof(html_entities) /
	    sizeof(html_entities[0]); k++) {
		if (strcmp(html_entities[k].name, name) != 0)
			continue;
		if (j < len && s[j] == ';')
			j++;
		else {
			size_t m;

			for (m = 0; m < sizeof(html_semicolonless) /
			    sizeof(html_semicolonless[0]); m++)
				if (strcmp(html_semicolonless[m], name) == 0)
					break;
			if (m == sizeof(html_semicolonless) /
			    sizeof(html_semicolonless[0]))
				return i;
		}
		*cp = html_entities[k].cp;
		return j;
	}
	return i;
}
