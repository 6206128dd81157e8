/*
 * html_entity.h — HTML character references: "&eacute;", "&#233;",
 * "&#xE9;" and the legacy ones written without ';' ("&nbsp").
 *
 * Split from the HTML-to-text scanner because it is a table and a rule of
 * HTML5, not layout: what a reference means is decided here, what the
 * text does with the character (a no-break space as a space, a soft
 * hyphen dropped) is html2text's business.
 */
#ifndef CDP_HTML_ENTITY_H
#define CDP_HTML_ENTITY_H

#include <stddef.h>

/*
 * Reads the character reference at s[i] == '&' in s[0..len) (borrowed,
 * untrusted, need not be NUL-terminated).  Returns the offset just after
 * it with its code point in *cp, or i when there is none there (then the
 * '&' is a literal '&').  Numeric references above U+10FFFF give U+FFFD;
 * those to 0x80-0x9F are returned as written (HTML5 reads them as
 * windows-1252 bytes: the caller converts).
 */
size_t html_entity_read(const char *s, size_t len, size_t i,
    unsigned long *cp);

#endif
