/*
 * mime_addr.c — the addresses, date and message-ids of a header block.
 *
 * libetpan reads the mailbox and date grammars (mailimf_mailbox_parse,
 * mailimf_date_time_parse); what it cannot read is taken apart here,
 * because people's address headers are often not RFC 5322: "a@b; c@d"
 * typed in Outlook, "Dupont, Jean <j@d.fr>" unquoted, comments libetpan
 * misreads.  A mailbox libetpan cannot read does not lose the others.
 * See mime_private.h.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libetpan/libetpan.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/mem.h"
#include "parse/message.h"
#include "parse/mime_private.h"

#define MIME_MAX_ADDRS		1000	/* addresses kept per header */
#define MIME_MAX_ADDR_HEADER	(256 * 1024)	/* bytes of an address
						 * header given to libetpan */

static void
mime_addr_set(struct msg_addr *a, const char *name, const char *addr)
{
	char *n = NULL;
	size_t nl;

	while (name != NULL && mime_is_wsp((unsigned char)*name))
		name++;
	nl = name ? strlen(name) : 0;
	while (nl > 0 && mime_is_wsp((unsigned char)name[nl - 1]))
		nl--;
	if (nl >= 2 && name[0] == '"' && name[nl - 1] == '"') {
		struct buf b;

		buf_init(&b, 0);
		for (size_t i = 1; i + 1 < nl; i++) {
			if (name[i] == '\\' && i + 2 < nl)
				i++;
			buf_addc(&b, name[i]);
		}
		n = buf_steal(&b);
	}
	a->name = mime_decode_words(n ? n : name ? name : "",
	    strlen(n ? n : name ? name : ""));
	free(n);
	if (addr != NULL) {
		const char *s = addr, *lt = strrchr(addr, '<');
		size_t l;

		if (lt != NULL)
			s = lt + 1;
		l = strcspn(s, ">");
		a->address = mime_clean_raw(s, l);
	} else
		a->address = xstrdup("");
}

static void
mime_addrs_push(struct msg_addrs *out, size_t *cap, const char *name,
    const char *addr)
{
	if (out->n >= MIME_MAX_ADDRS)
		return;
	if (out->n == *cap) {
		*cap = *cap ? *cap * 2 : 4;
		out->items = xrealloc(out->items, *cap * sizeof(*out->items));
	}
	mime_addr_set(&out->items[out->n++], name, addr);
}

/*
 * One mailbox from a chunk of an address header (comments already
 * removed).  libetpan reads the mailbox grammar; what it cannot read, or
 * reads into nonsense ("Jean <j@d" without '>'), is taken apart by hand.
 * A bare word (no '@', no '<') is kept as written so that an Outlook
 * "Dupont, Jean <j@d.fr>" can be joined back later.
 */
static void
mime_add_chunk(struct msg_addrs *out, size_t *cap, const char *chunk,
    const char *comment)
{
	struct mailimf_mailbox *mb = NULL;
	size_t len = strlen(chunk), idx = 0;
	const char *lt;

	while (len > 0 && isspace((unsigned char)chunk[len - 1]))
		len--;
	while (len > 0 && isspace((unsigned char)*chunk)) {
		chunk++;
		len--;
	}
	if (len == 0)
		return;
	if (memchr(chunk, '@', len) == NULL && memchr(chunk, '<', len) ==
	    NULL) {
		char *word = xstrndup(chunk, len);

		mime_addrs_push(out, cap, comment, word);
		free(word);
		return;
	}
	if (mailimf_mailbox_parse(chunk, len, &idx, &mb) == MAILIMF_NO_ERROR &&
	    mb != NULL) {
		const char *a = mb->mb_addr_spec;

		while (idx < len && isspace((unsigned char)chunk[idx]))
			idx++;
		if (idx == len && a != NULL && strpbrk(a, "<> \t") == NULL) {
			const char *name = mb->mb_display_name;

			mime_addrs_push(out, cap, name && name[0] ? name :
			    comment, a);
			mailimf_mailbox_free(mb);
			return;
		}
	}
	if (mb != NULL)
		mailimf_mailbox_free(mb);
	if ((lt = memchr(chunk, '<', len)) != NULL) {
		char *name = xstrndup(chunk, (size_t)(lt - chunk));
		char *addr = xstrndup(lt + 1, len - (size_t)(lt - chunk) - 1);
		char *colon;

		addr[strcspn(addr, ">")] = '\0';
		/* obsolete source route "<@relay:a@b>" */
		if (addr[0] == '@' && (colon = strchr(addr, ':')) != NULL)
			memmove(addr, colon + 1, strlen(colon + 1) + 1);
		mime_addrs_push(out, cap, name[0] ? name : comment, addr);
		free(name);
		free(addr);
		return;
	}
	{
		char *addr = xstrndup(chunk, len);

		mime_addrs_push(out, cap, comment, addr);
		free(addr);
	}
}

/*
 * Parses an address header into out.  The header is cut into mailboxes
 * here, at ',' and ';' outside quotes, comments and <> (libetpan's list
 * parser stops at the first thing it cannot read: "a@b, , c@d", the
 * "a@b; c@d" people type in Outlook); a group's "name:" is dropped and its
 * members kept.  Comments are removed (libetpan 1.9.4 misreads "\)" in
 * them); the first one names a mailbox written "a@b (Jean Dupont)".
 * Afterwards "Dupont, Jean <j@d.fr>" (an unquoted comma, as older Outlook
 * writes it) is joined back: a bare word without a name becomes part of
 * the next entry's name; other bare words are dropped ("To: Jean Dupont"
 * is not an address), but "Mail Delivery System <MAILER-DAEMON>" stays.
 */
void
mime_parse_addrs(const char *value, struct msg_addrs *out)
{
	size_t len = strlen(value), cap = 0, k;
	struct buf chunk, comment;
	int quoted = 0, angle = 0, depth = 0, ncomments = 0;

	memset(out, 0, sizeof(*out));
	if (len > MIME_MAX_ADDR_HEADER)
		len = MIME_MAX_ADDR_HEADER;
	buf_init(&chunk, 0);
	buf_init(&comment, 0);
	for (size_t i = 0; i <= len && out->n < MIME_MAX_ADDRS; i++) {
		char c = i < len ? value[i] : ',';

		if (depth > 0 && i < len) {
			if (c == '\\' && i + 1 < len) {
				if (ncomments == 1)
					buf_addc(&comment, value[i + 1]);
				i++;
			} else if (c == '(') {
				depth++;
			} else if (c == ')') {
				if (--depth == 0 && !angle)
					buf_addc(&chunk, ' ');
			} else if (ncomments == 1)
				buf_addc(&comment, c);
			continue;
		}
		if (quoted && i < len) {
			buf_addc(&chunk, c);
			if (c == '\\' && i + 1 < len)
				buf_addc(&chunk, value[++i]);
			else if (c == '"')
				quoted = 0;
			continue;
		}
		if (c == '"')
			quoted = 1;
		else if (c == '(') {
			depth = 1;
			ncomments++;
			continue;
		} else if (c == '<')
			angle = 1;
		else if (c == '>')
			angle = 0;
		else if (i == len || (!angle && (c == ',' || c == ';'))) {
			mime_add_chunk(out, &cap, buf_str(&chunk),
			    comment.len ? buf_str(&comment) : NULL);
			buf_reset(&chunk);
			buf_reset(&comment);
			ncomments = 0;
			quoted = 0;
			depth = 0;
			continue;
		} else if (!angle && c == ':' && memchr(buf_str(&chunk), '@',
		    chunk.len) == NULL) {
			buf_reset(&chunk);	/* "group name:" */
			buf_reset(&comment);
			ncomments = 0;
			continue;
		}
		buf_addc(&chunk, c);
	}
	buf_free(&chunk);
	buf_free(&comment);
	/* Join "Dupont, Jean <j@d.fr>"; drop bare words. */
	for (k = 0; k < out->n; k++) {
		struct msg_addr *a = &out->items[k];

		if (strchr(a->address, '@') != NULL || a->name[0] != '\0')
			continue;
		if (k + 1 < out->n && out->items[k + 1].name[0] != '\0' &&
		    strchr(out->items[k + 1].address, '@') != NULL) {
			char *joined = xasprintf("%s, %s", a->address,
			    out->items[k + 1].name);

			free(out->items[k + 1].name);
			out->items[k + 1].name = joined;
		}
		a->address[0] = '\0';	/* marks it for removal */
	}
	for (size_t i = k = 0; i < out->n; i++) {
		if (out->items[i].address[0] == '\0' &&
		    out->items[i].name[0] == '\0') {
			free(out->items[i].name);
			free(out->items[i].address);
			continue;
		}
		out->items[k++] = out->items[i];
	}
	out->n = k;
}

void
mime_parse_from(const char *value, struct msg_addr *from)
{
	struct msg_addrs all;
	const char *lt;
	char *name;

	mime_parse_addrs(value, &all);
	if (all.n > 0) {
		*from = all.items[0];
		for (size_t i = 1; i < all.n; i++) {
			free(all.items[i].name);
			free(all.items[i].address);
		}
		free(all.items);
		return;
	}
	free(all.items);
	/* "From: Jean Dupont", "From: <>" and other unreadable forms: keep
	 * what is there. */
	lt = strchr(value, '<');
	if (lt == NULL) {
		from->name = mime_decode_words(value, strlen(value));
		from->address = xstrdup("");
		return;
	}
	name = xstrndup(value, (size_t)(lt - value));
	mime_addr_set(from, name, lt);
	free(name);
}

void
mime_parse_date(const char *value, struct message *msg)
{
	struct mailimf_date_time *dt = NULL;
	size_t len = strlen(value), idx = 0, l;
	char *v = xstrndup(value, len < 1024 ? len : 1024);
	int year, zone, hh, mm, off;
	struct tm tm;

	len = strlen(v);
	mime_tame_parens(v, len, 0);
	if (mailimf_date_time_parse(v, len, &idx, &dt) != MAILIMF_NO_ERROR ||
	    dt == NULL)
		goto out;
	year = dt->dt_year;
	if (year < 50)
		year += 2000;		/* RFC 5322 §4.3 */
	else if (year < 1000)
		year += 1900;
	if (dt->dt_month < 1 || dt->dt_month > 12 || dt->dt_day < 1 ||
	    year > 9999 || dt->dt_day > clock_days_in_month(year,
	    dt->dt_month) || dt->dt_hour < 0 || dt->dt_hour > 23 ||
	    dt->dt_min < 0 || dt->dt_min > 59 || dt->dt_sec < 0 ||
	    dt->dt_sec > 60)
		goto out;
	zone = dt->dt_zone;
	hh = (zone < 0 ? -zone : zone) / 100;
	mm = (zone < 0 ? -zone : zone) % 100;
	off = hh * 60 + mm;
	if (mm >= 60 || hh > 18)
		off = 0;		/* nonsense offset: read as UTC */
	if (zone < 0)
		off = -off;
	/* libetpan 1.9.4 reads the obsolete zone "UT" as +0001. */
	l = idx;
	while (l > 0 && mime_is_wsp((unsigned char)v[l - 1]))
		l--;
	if (l >= 2 && strncasecmp(v + l - 2, "UT", 2) == 0)
		off = 0;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = dt->dt_month - 1;
	tm.tm_mday = dt->dt_day;
	tm.tm_hour = dt->dt_hour;
	tm.tm_min = dt->dt_min;
	tm.tm_sec = dt->dt_sec > 59 ? 59 : dt->dt_sec;
	msg->date = timegm(&tm) - (time_t)off * 60;
	msg->date_offset = off;
	msg->has_date = 1;
out:
	if (dt != NULL)
		mailimf_date_time_free(dt);
	free(v);
}

/* Message-ids from a Message-ID, In-Reply-To or References value: the
 * contents of <...>; without any <>, the words holding an '@'. */
size_t
mime_msgids(const char *v, char **ids, size_t max)
{
	size_t n = 0;
	const char *p = v;

	if (strchr(v, '<') != NULL) {
		while (n < max && (p = strchr(p, '<')) != NULL) {
			const char *e = strchr(p + 1, '>');
			const char *lt;
			char *id;

			if (e == NULL)
				break;
			/* "<<id>": the id starts after the last '<'. */
			lt = memrchr(p, '<', (size_t)(e - p));
			id = mime_clean_raw(lt + 1, (size_t)(e - lt - 1));
			if (id[0] != '\0' && strchr(id, ' ') == NULL)
				ids[n++] = id;
			else
				free(id);
			p = e + 1;
		}
		return n;
	}
	while (n < max && *p) {
		size_t l;

		p += strspn(p, " \t,");
		l = strcspn(p, " \t,");
		if (l == 0)
			break;
		if (memchr(p, '@', l) != NULL)
			ids[n++] = mime_clean_raw(p, l);
		p += l;
	}
	return n;
}

char *
mime_first_msgid(const char *v)
{
	char *id = NULL;

	if (v == NULL || mime_msgids(v, &id, 1) == 0)
		return NULL;
	return id;
}

char *
mime_return_path(const char *v)
{
	const char *lt = strchr(v, '<');

	if (lt != NULL)
		return mime_clean_raw(lt + 1, strcspn(lt + 1, ">"));
	return mime_clean_raw(v, strlen(v));
}
