/*
 * html2text.h — the text a person sees in an HTML mail.
 *
 * Outlook (desktop and web) often sends HTML only, and the commands and
 * replies of DESIGN.md §5 are read from text; this turns the HTML of a mail
 * into readable UTF-8 text with LF line ends: paragraphs, line breaks, list
 * items ("- " or "1. "), entities decoded, whitespace collapsed, scripts,
 * styles and the head dropped.  Quoted history is marked the way a
 * text/plain reply marks it, with "> " at the start of each line, so that
 * reply extraction handles both alike: <blockquote> content, Gmail's
 * <div class="gmail_quote"> and Yahoo's <div class="yahoo_quoted"> (up to
 * their end: who answers below the quote in Gmail writes after it), and
 * everything after the start of Outlook's reply header (<div
 * id="divRplyFwdMsg">, <div id="appendonsend">, the desktop client's
 * top-bordered "De : ... Envoyé : ..." block, and the marks Outlook for Mac
 * and Hotmail leave).
 *
 * A hand-written scanner, not a DOM: mail HTML is often broken, and a
 * scanner that only moves forward within the buffer cannot misbehave on it.
 */
#ifndef CDP_HTML2TEXT_H
#define CDP_HTML2TEXT_H

#include <stddef.h>

/*
 * Converts `len` bytes of HTML (borrowed, untrusted; expected UTF-8, need
 * not be NUL-terminated) to a new NUL-terminated string owned by the caller.
 * Never fails; the result is "" for HTML without visible text, and ends
 * with "\n" otherwise.  Invalid UTF-8 in the input is copied as is (callers
 * convert to UTF-8 first).
 */
char *html2text_convert(const char *html, size_t len);

/*
 * The charset an HTML document declares for itself (<meta charset="...">
 * or <meta http-equiv="Content-Type" content="...; charset=...">) in its
 * first 4 KiB, as a new lower-case string owned by the caller; NULL if none.
 * For HTML parts whose Content-Type carries no charset.
 */
char *html2text_sniff_charset(const char *html, size_t len);

#endif
