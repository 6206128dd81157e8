/*
 * mailcmd_pool.c — the arguments of the pool commands (BENEVOLE,
 * REFERENT, COORDINATION, THEMES, COMMUNES, DISPONIBLE, INDISPONIBLE,
 * RETIRER); see mailcmd.h.
 *
 * Coordinators type a person the way their mail client shows one ("Alex
 * Neuf <alex@exemple.fr>") or the way the design page writes it
 * ("alex@exemple.fr Alex Neuf"): the address is the word with an '@',
 * the other words are the name.  Lists are ','-separated because a theme
 * ("lien social") or a commune ("Saint-Germain-l'Herm") may hold blanks.
 * The address goes through mailcmd_parse_addresses(), the one reading of
 * addresses of the parser.  See mailcmd_private.h.
 */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "parse/mailcmd.h"
#include "parse/mailcmd_private.h"

/* Appends s to the growing list *v. */
static void
list_add(char ***v, size_t *n, char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = s;
}

/* A theme of a list as its key (mailcmd_theme_key). */
static char *
theme_id(const char *s, size_t n)
{
	char *raw = xstrndup(s, n), *key;

	key = mailcmd_theme_key(raw);
	free(raw);
	return key;
}

char *
mailcmd_theme_key(const char *s)
{
	char *key = mailcmd_fold(s), *t;
	struct buf b;
	int sep = 0;

	buf_init(&b, 0);
	for (t = key; *t != '\0'; t++) {
		if (is_blank(*t) || *t == '-' || *t == '\'' || *t == '_') {
			sep = b.len > 0;
			continue;
		}
		if (sep)
			buf_addc(&b, '_');
		sep = 0;
		buf_addc(&b, *t);
	}
	free(key);
	return buf_steal(&b);
}

/* The ','-separated items of s[0..n) (';' too when `semi`), trimmed,
 * empty ones dropped, into *v: themes as identifiers, communes as
 * written.  Returns how many. */
static size_t
parse_list(const char *s, size_t n, int themes, char ***v, size_t *nv)
{
	const char *end = s + n;

	while (s < end) {
		size_t len = strcspn(s, themes ? "," : ",;");
		char *item;

		if (s + len > end)
			len = (size_t)(end - s);
		item = xstrndup(s, len);
		if (themes) {
			char *id = theme_id(item, len);

			free(item);
			item = id;
		} else {
			char *t = mailcmd_dup_trim(item, ".");

			free(item);
			item = t;
		}
		if (item[0] != '\0')
			list_add(v, nv, item);
		else
			free(item);
		s += len + (s + len < end);
	}
	return *nv;
}

/*
 * One person: an address (bare, "<a@b>", "mailto:a@b") and, when
 * name != NULL, the other words as their name ('"' dropped).  Errors in
 * c->error.
 */
static void
parse_person(struct mailcmd *c, const char *s, size_t n, char **name)
{
	char *field = xstrndup(s, n), *addr = NULL;
	const unsigned char *p = (const unsigned char *)field, *q;
	struct buf words;
	size_t b;

	buf_init(&words, 0);
	for (;;) {
		while ((b = mailcmd_blank_at(p)) > 0)
			p += b;
		if (*p == '\0')
			break;
		for (q = p; *q != '\0' && mailcmd_blank_at(q) == 0; q++)
			;
		if (memchr(p, '@', (size_t)(q - p)) != NULL && addr == NULL)
			addr = xstrndup((const char *)p, (size_t)(q - p));
		else if (memchr(p, '@', (size_t)(q - p)) != NULL)
			c->error = CMDERR_BAD_ADDRESS;	/* which one? */
		else {
			for (const unsigned char *w = p; w < q; w++)
				if (*w != '"' && *w != '<' && *w != '>')
					buf_addc(&words, (char)*w);
			buf_addc(&words, ' ');
		}
		p = q;
	}
	if (addr == NULL)
		c->error = words.len == 0 ? CMDERR_MISSING_ARGUMENT :
		    CMDERR_BAD_ADDRESS;
	else if (c->error == CMDERR_NONE)
		mailcmd_parse_addresses(c, addr);
	if (name != NULL) {
		*name = mailcmd_dup_trim(buf_str(&words), ",");
		if (**name == '\0') {
			free(*name);
			*name = NULL;
		}
	}
	buf_free(&words);
	free(addr);
	free(field);
}

/* BENEVOLE | REFERENT | COORDINATION  adresse [Nom] ; thèmes ; communes */
static void
parse_member(struct mailcmd *c)
{
	const char *a = c->args, *semi = strchr(a, ';'), *second;

	parse_person(c, a, semi ? (size_t)(semi - a) : strlen(a), &c->name);
	if (semi == NULL)
		return;
	second = strchr(semi + 1, ';');
	c->has_themes = parse_list(semi + 1, second ? (size_t)(second -
	    semi - 1) : strlen(semi + 1), 1, &c->themes, &c->nthemes) > 0;
	if (second != NULL)
		c->has_communes = parse_list(second + 1, strlen(second + 1), 0,
		    &c->communes, &c->ncommunes) > 0;
}

/* THEMES | COMMUNES  adresse [:] t1, t2 — the list after a ':' (not the
 * one of "mailto:"), or after the address's word. */
static void
parse_replace(struct mailcmd *c)
{
	const char *a = c->args, *list = NULL, *p;
	int themes = c->verb == CMD_THEMES;
	size_t n;

	for (p = a; (p = strchr(p, ':')) != NULL; p++)
		if (p - a < 6 || strncmp(p - 6, "mailto", 6) != 0) {
			list = p + 1;
			break;
		}
	if (list == NULL && (p = strchr(a, '@')) != NULL) {
		while (*p != '\0' && mailcmd_blank_at((const unsigned char *)p)
		    == 0)
			p++;
		list = p;
	}
	n = list != NULL ? (size_t)(list - a) - (*(list - 1) == ':') :
	    strlen(a);
	parse_person(c, a, n, NULL);
	if (c->error != CMDERR_NONE)
		return;
	if (list == NULL || parse_list(list, strlen(list), themes, themes ?
	    &c->themes : &c->communes, themes ? &c->nthemes :
	    &c->ncommunes) == 0) {
		c->error = CMDERR_MISSING_ARGUMENT;
		return;
	}
	c->has_themes = themes;
	c->has_communes = !themes;
}

/* DISPONIBLE [adresse], INDISPONIBLE [adresse] [jusqu'au date]: the
 * address part ends where "jusqu" (or a date) starts. */
static void
parse_availability(struct mailcmd *c, const struct line *ln, size_t k,
    time_t now)
{
	const char *key = ln->key;
	size_t end = ln->klen, p, s, e;
	int until = 0;

	for (p = k; p < ln->klen; p++)
		if ((p == k || is_blank(key[p - 1])) &&
		    strncmp(key + p, "jusqu", 5) == 0) {
			end = p;
			until = 1;
			break;
		}
	if (!until && c->verb == CMD_INDISPONIBLE &&
	    mailcmd_find_date(key, k, now, &c->when, &s, &e)) {
		end = s;
		until = 1;
	}
	if (end > k) {
		char *part = xstrndup(ln->orig + ln->map[k],
		    ln->map[end] - ln->map[k]);
		char *t = mailcmd_dup_trim(part, ",;:");

		if (t[0] != '\0')
			mailcmd_parse_addresses(c, t);
		free(t);
		free(part);
	}
	if (!until || c->error != CMDERR_NONE)
		return;
	memset(&c->when, 0, sizeof(c->when));
	p = end;
	if (mailcmd_take_word(key, &p, "jusqu")) {
		p = skip_blanks(key, p);
		if (key[p] == '\'')
			p = skip_blanks(key, p + 1);
		if (!mailcmd_take_word(key, &p, "au"))
			(void)mailcmd_take_word(key, &p, "a");
	}
	if (c->verb != CMD_INDISPONIBLE ||
	    mailcmd_parse_date(key, &p, now, &c->when) != PARSED_OK ||
	    !mailcmd_only_punct(key, p)) {
		memset(&c->when, 0, sizeof(c->when));
		c->error = CMDERR_BAD_DATE;
	}
}

void
mailcmd_parse_pool(struct mailcmd *c, const struct line *ln, size_t k,
    time_t now)
{
	switch (c->verb) {
	case CMD_BENEVOLE:
	case CMD_REFERENT:
	case CMD_COORDINATION:
		parse_member(c);
		break;
	case CMD_THEMES:
	case CMD_COMMUNES:
		parse_replace(c);
		break;
	case CMD_DISPONIBLE:
	case CMD_INDISPONIBLE:
		parse_availability(c, ln, k, now);
		break;
	case CMD_RETIRER:
		mailcmd_parse_addresses(c, c->args);
		break;
	default:
		break;
	}
}
