/*
 * classify.c — kind, themes and commune of a new mail; see classify.h.
 *
 * Kinds and themes are plain rule files (rules.h).  Communes are a list of
 * names, because that is what the administrator has (the Park's perimeter,
 * copied from its charter); people write those names in many ways ("St
 * Anthème", "saint-antheme", "Vic le Comte", "Saint-Germain-l’Herm"), so
 * at load time each name becomes one PCRE2 pattern that accepts them all,
 * compiled through rules_load_text() with one generated line per line of
 * communes.txt: an error still points at the administrator's line.
 *
 * Only the first CLASSIFY_MAX_INPUT bytes of the subject and of the text
 * are read: what a mail is about is said at its top, and a hundred
 * patterns over a huge pasted document must not stall the daemon.
 *
 * Most rules are alternations of words after \b, which PCRE2 tries at
 * every place of a text.  So each input is case-folded once and scanned
 * once per rule set for the literals of its rules (rules_scan()): a rule
 * none of whose literals is in the input cannot match it and is not run.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "parse/casefold.h"
#include "parse/classify.h"
#include "parse/commune_any.h"
#include "base/mem.h"
#include "parse/mailcmd.h"
#include "parse/prefilter.h"
#include "parse/rules.h"

#define CLASSIFY_MAX_INPUT	(64 * 1024)	/* bytes read of each input */
/* What surrounds every name's pattern: not glued to a letter, nor by a
 * hyphen to another word ("Saint-Just" is not found in
 * "Saint-Just-en-Chevalet", another place). */
#define CLASSIFY_BEFORE	"(?<![\\p{L}\\p{N}]|[\\p{L}\\p{N}]-)"
#define CLASSIFY_AFTER	"(?![\\p{L}\\p{N}]|-[\\p{L}\\p{N}])"
#define CLASSIFY_MAX_NAME	200		/* bytes of a commune name */

struct classify {
	/* classify_run's: the rules keep their match data and compile
	 * their JIT code on first use, so two threads may not run them at
	 * once (a pass classifies ahead in its IMAP thread, fetch_pipe.h,
	 * and the main thread a mail that was not). */
	pthread_mutex_t	*lock;
	struct rules	*kind;
	struct rules	*themes;
	size_t		*theme_of;	/* theme index of each themes rule */
	const char	**theme_names;	/* borrowed from `themes` */
	size_t		 nthemes;
	struct prefilter *pf;		/* the kind rules' literals, then the
					 * themes rules' */
	struct rules	*communes;	/* rule i matches names[i] */
	struct rules	*communes_any;	/* one rule: any of them, longest
					 * names first */
	struct rules	*communes_plain; /* the same as a plain alternation,
					 * compiled by classify_prefilter(c, 0) */
	char		*any_plain;	/* its rules text */
	char		*any_name;	/* the file name of both */
	char		**names;
	size_t		 nnames;
	int		 unfiltered;	/* classify_prefilter(c, 0) */
};

/*
 * One input of a mail (subject or text) as the rules read it: its first
 * CLASSIFY_MAX_INPUT bytes, and which rules of each set may match them
 * (rules_scan(): the others are not run).
 */
struct classify_input {
	const char	*s;
	size_t		 len;
	unsigned char	*kind;		/* rules_count(c->kind) bytes, then */
	unsigned char	*themes;	/* rules_count(c->themes) bytes */
};

static const char *const classify_kinds[] = {
	"request", "report", "volunteer", "other"
};

/* The static name of a kind label, or NULL if it is not one. */
static const char *
classify_kind_name(const char *label)
{
	for (size_t i = 0; i < sizeof(classify_kinds) /
	    sizeof(classify_kinds[0]); i++)
		if (strcmp(label, classify_kinds[i]) == 0)
			return classify_kinds[i];
	return NULL;
}

static void
classify_add_error(struct buf *errs, const char *msg)
{
	buf_printf(errs, "%s%s", errs->len ? "\n" : "", msg);
}

static void
classify_load_kind(struct classify *c, const char *dir, struct buf *errs)
{
	char *path = xasprintf("%s/kind.rules", dir), msg[8192];

	if (rules_load(path, &c->kind, msg, sizeof(msg)) != 0) {
		classify_add_error(errs, msg);
		goto out;
	}
	for (size_t i = 0; i < rules_count(c->kind); i++)
		if (classify_kind_name(rules_label(c->kind, i)) == NULL)
			buf_printf(errs, "%s%s:%d: label '%s': not a kind "
			    "(request, report, volunteer, other)",
			    errs->len ? "\n" : "", path,
			    rules_line(c->kind, i), rules_label(c->kind, i));
out:
	free(path);
}

/* Themes are reported in the order their label first appears in the
 * file, whichever of its rules matched: the administrator orders them. */
static void
classify_load_themes(struct classify *c, const char *dir, struct buf *errs)
{
	char *path = xasprintf("%s/themes.rules", dir), msg[8192];
	size_t n, t;

	if (rules_load(path, &c->themes, msg, sizeof(msg)) != 0) {
		classify_add_error(errs, msg);
		goto out;
	}
	n = rules_count(c->themes);
	c->theme_of = xcalloc(n ? n : 1, sizeof(*c->theme_of));
	c->theme_names = xcalloc(n ? n : 1, sizeof(*c->theme_names));
	for (size_t i = 0; i < n; i++) {
		const char *label = rules_label(c->themes, i);

		for (t = 0; t < c->nthemes; t++)
			if (strcmp(c->theme_names[t], label) == 0)
				break;
		if (t == c->nthemes)
			c->theme_names[c->nthemes++] = label;
		c->theme_of[i] = t;
	}
out:
	free(path);
}

/*
 * The unaccented letter of U+00C0..U+00FF ('.' when none): "É" and "é"
 * are 'e'.  The same table gives each letter's accented forms.
 */
static const char classify_latin1[] =
    "aaaaaa.ceeeeiiii.nooooo..uuuuy.."
    "aaaaaa.ceeeeiiii.nooooo..uuuuy.y";

/* Appends the character class of ASCII letter `base`: "[eéèêë]", or the
 * letter alone when it has no accented form.  Lower case is enough: the
 * patterns are caseless. */
static void
classify_letter_class(struct buf *out, char base)
{
	size_t start = out->len;

	buf_addc(out, '[');
	buf_addc(out, base);
	for (unsigned cp = 0xE0; cp <= 0xFF; cp++)
		if (classify_latin1[cp - 0xC0] == base) {
			buf_addc(out, (char)(0xC0 | (cp >> 6)));
			buf_addc(out, (char)(0x80 | (cp & 0x3F)));
		}
	if (out->len == start + 2) {	/* no accented form */
		out->len = start;
		buf_addc(out, base);
	} else
		buf_addc(out, ']');
}

/* Length of the separator run at s ('-', blanks, ' and ’), and whether it
 * holds an apostrophe. */
static size_t
classify_separator(const char *s, int *apostrophe)
{
	size_t n = 0;

	*apostrophe = 0;
	for (;;) {
		if (s[n] == '-' || s[n] == ' ' || s[n] == '\t')
			n++;
		else if (s[n] == '\'') {
			*apostrophe = 1;
			n++;
		} else if (strncmp(s + n, "\xE2\x80\x99", 3) == 0) {
			*apostrophe = 1;
			n += 3;
		} else
			return n;
	}
}

/*
 * Appends to `out` the pattern of one commune name.  -1 with the reason
 * in `why` for a character a name cannot hold (a typo such as "Ambert;"
 * would otherwise never match anything, silently).
 */
static int
classify_name_pattern(const char *name, struct buf *out, char *why,
    size_t whylen)
{
	const unsigned char *p = (const unsigned char *)name;
	int apostrophe, saint = 0, word_start = 1, letters = 0;
	size_t wlen, n;

	buf_adds(out, CLASSIFY_BEFORE);
	while (*p != '\0') {
		n = classify_separator((const char *)p, &apostrophe);
		if (n > 0) {
			p += n;
			if (*p == '\0')
				break;
			/* "l'Herm" is also written "l Herm" and "lHerm";
			 * after "St" a dot may replace the hyphen. */
			if (apostrophe)
				buf_adds(out, "[-\\s'’]*");
			else if (saint)
				buf_adds(out, "(?:\\.?[-\\s]+|\\.)");
			else
				buf_adds(out, "[-\\s]+");
			word_start = 1;
			continue;
		}
		wlen = word_start ? strcspn((const char *)p, "- \t'\xE2") : 0;
		word_start = saint = 0;
		letters++;
		if (wlen == 5 && strncasecmp((const char *)p, "saint", 5) == 0) {
			buf_adds(out, "(?:saint|st)");
			saint = 1;
			p += 5;
			continue;
		}
		if (wlen == 6 && strncasecmp((const char *)p, "sainte", 6) == 0) {
			buf_adds(out, "(?:sainte|ste)");
			saint = 1;
			p += 6;
			continue;
		}
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) {
			classify_letter_class(out, (char)(*p | 0x20));
			p++;
		} else if (*p >= '0' && *p <= '9')
			buf_addc(out, (char)*p++);
		else if (*p < 0x80) {
			snprintf(why, whylen, "'%c' is not allowed in a commune "
			    "name (letters, digits, '-', blanks, ' and ’)", *p);
			return -1;
		} else if ((p[0] & 0xE0) == 0xC0 && (p[1] & 0xC0) == 0x80) {
			unsigned cp = ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);

			if (cp == 0xE6 || cp == 0xC6)
				buf_adds(out, "(?:æ|ae)");
			else if (cp == 0x152 || cp == 0x153)
				buf_adds(out, "(?:œ|oe)");
			else if (cp >= 0xC0 && cp <= 0xFF &&
			    classify_latin1[cp - 0xC0] != '.')
				classify_letter_class(out,
				    classify_latin1[cp - 0xC0]);
			else
				buf_add(out, p, 2);
			p += 2;
		} else {
			/* Any other letter stands for itself; a multibyte
			 * UTF-8 sequence holds no pattern syntax. */
			n = 1;
			while ((p[n] & 0xC0) == 0x80)
				n++;
			if (n == 1 || n > 4) {
				snprintf(why, whylen, "not valid UTF-8");
				return -1;
			}
			buf_add(out, p, n);
			p += n;
		}
	}
	if (letters == 0) {
		/* It would match the empty string in every mail. */
		snprintf(why, whylen, "no letter in the name");
		return -1;
	}
	buf_adds(out, CLASSIFY_AFTER);
	return 0;
}

/* Strips blanks (and a CR) around s, in place. */
static char *
classify_trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == '\n' || end[-1] == '\r' ||
	    end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	return s;
}

static const char *const *classify_sort_names;

static int
classify_by_length(const void *a, const void *b)
{
	size_t la = strlen(classify_sort_names[*(const size_t *)a]);
	size_t lb = strlen(classify_sort_names[*(const size_t *)b]);

	return la < lb ? 1 : la > lb ? -1 : 0;
}

/*
 * One pattern for all the communes, longest names first: a mail is
 * scanned once instead of once per commune (the per-commune rules then
 * only tell which name the match is), and at a given place the longest
 * name wins, as "Saint-Germain-l'Herm" over a shorter one.  The
 * boundaries every name shares are written once around the alternation:
 * the same matches (a name refused by the boundary after it backtracks
 * into the next name), but the assertion before is tested once per place
 * instead of once per name and place: a third of the time spent
 * classifying a mail went there.
 */
static void
classify_load_any(struct classify *c, const char *path,
    const char *const *pats, struct buf *errs)
{
	size_t *order;
	char *text, msg[1024];

	if (c->nnames == 0)
		return;
	order = xcalloc(c->nnames, sizeof(*order));
	for (size_t i = 0; i < c->nnames; i++)
		order[i] = i;
	classify_sort_names = (const char *const *)c->names;
	qsort(order, c->nnames, sizeof(*order), classify_by_length);
	classify_sort_names = NULL;
	/* Gathered by first letter (commune_any.h); the plain alternation
	 * is kept for classify_prefilter(c, 0), the reference. */
	text = commune_any_text(pats, order, c->nnames, CLASSIFY_BEFORE,
	    CLASSIFY_AFTER, 1);
	c->any_plain = commune_any_text(pats, order, c->nnames,
	    CLASSIFY_BEFORE, CLASSIFY_AFTER, 0);
	c->any_name = xasprintf("%s (all communes)", path);
	if (rules_load_text(c->any_name, text, 1, &c->communes_any, msg,
	    sizeof(msg)) != 0)
		classify_add_error(errs, msg);
	free(text);
	free(order);
}

/*
 * Reads communes.txt and compiles one pattern per name.  The generated
 * rules text keeps the file's line numbers (a blank line for each comment)
 * so that any error names communes.txt and the line to fix.
 */
static void
classify_load_communes(struct classify *c, const char *dir, struct buf *errs)
{
	char *path = xasprintf("%s/communes.txt", dir), line[1024], *name;
	char why[256], msg[8192], **pats = NULL;
	struct buf text, one;
	FILE *f;
	int lineno = 0, bad = 0;

	buf_init(&text, 0);
	f = fopen(path, "re");
	if (f == NULL) {
		buf_printf(errs, "%s%s: %s", errs->len ? "\n" : "", path,
		    strerror(errno));
		goto out;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		name = line;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			int ch;

			while ((ch = fgetc(f)) != EOF && ch != '\n')
				;
			line[0] = '\0';
			snprintf(why, sizeof(why), "longer than %d bytes",
			    CLASSIFY_MAX_NAME);
			goto bad_name;
		}
		name = classify_trim(line);
		if (*name == '\0' || *name == '#') {
			buf_addc(&text, '\n');
			continue;
		}
		if (strlen(name) > CLASSIFY_MAX_NAME) {
			snprintf(why, sizeof(why), "longer than %d bytes",
			    CLASSIFY_MAX_NAME);
			goto bad_name;
		}
		buf_init(&one, 0);
		if (classify_name_pattern(name, &one, why, sizeof(why)) != 0) {
			buf_free(&one);
			goto bad_name;
		}
		buf_printf(&text, "commune %s\n", buf_str(&one));
		pats = xrealloc(pats, (c->nnames + 1) * sizeof(*pats));
		pats[c->nnames] = buf_steal(&one);
		c->names = xrealloc(c->names, (c->nnames + 1) *
		    sizeof(*c->names));
		c->names[c->nnames++] = xstrdup(name);
		continue;
bad_name:
		bad = 1;
		buf_printf(errs, "%s%s:%d: '%.60s': %s", errs->len ? "\n" : "",
		    path, lineno, line[0] ? name : "...", why);
		buf_addc(&text, '\n');
	}
	if (ferror(f)) {
		buf_printf(errs, "%s%s: %s", errs->len ? "\n" : "", path,
		    strerror(errno));
		goto out;
	}
	if (bad)
		goto out;
	/* Each name's own rule only tells which name the one pattern of all
	 * of them found, on those few bytes: not worth its JIT code (a
	 * megabyte for the Park's communes). */
	if (rules_load_text(path, buf_str(&text), 0, &c->communes, msg,
	    sizeof(msg)) != 0) {
		classify_add_error(errs, msg);
		goto out;
	}
	rules_prefilter(c->communes);
	classify_load_any(c, path, (const char *const *)pats, errs);
out:
	for (size_t i = 0; pats && i < c->nnames; i++)
		free(pats[i]);
	free(pats);
	if (f)
		fclose(f);
	buf_free(&text);
	free(path);
}

int
classify_load(const char *dir, struct classify **out, char *err,
    size_t errlen)
{
	struct classify *c = xcalloc(1, sizeof(*c));
	struct buf errs;
	int rc = -1;

	c->lock = xmalloc(sizeof(*c->lock));
	if (pthread_mutex_init(c->lock, NULL) != 0) {
		free(c->lock);
		free(c);
		snprintf(err, errlen, "classify: cannot create a lock");
		return -1;
	}
	buf_init(&errs, 0);
	/* All three are read even after an error: `check` lists every
	 * problem at once. */
	classify_load_kind(c, dir, &errs);
	classify_load_themes(c, dir, &errs);
	classify_load_communes(c, dir, &errs);
	if (errs.len) {
		snprintf(err, errlen, "%s", buf_str(&errs));
		goto out;
	}
	/* Both sets run on the same texts: one scan finds for both. */
	c->pf = prefilter_new();
	rules_prefilter_into(c->kind, c->pf, 0);
	rules_prefilter_into(c->themes, c->pf, rules_count(c->kind));
	*out = c;
	c = NULL;
	rc = 0;
out:
	buf_free(&errs);
	classify_free(c);
	return rc;
}

void
classify_free(struct classify *c)
{
	if (c == NULL)
		return;
	pthread_mutex_destroy(c->lock);
	free(c->lock);
	rules_free(c->kind);
	rules_free(c->themes);
	prefilter_free(c->pf);
	free(c->theme_of);
	free(c->theme_names);
	rules_free(c->communes);
	rules_free(c->communes_any);
	rules_free(c->communes_plain);
	free(c->any_plain);
	free(c->any_name);
	for (size_t i = 0; i < c->nnames; i++)
		free(c->names[i]);
	free(c->names);
	free(c);
}

/* How much of s is read: CLASSIFY_MAX_INPUT bytes at most, cut before a
 * UTF-8 continuation byte. */
static size_t
classify_input_len(const char *s)
{
	size_t len = s ? strnlen(s, CLASSIFY_MAX_INPUT + 1) : 0;

	if (len > CLASSIFY_MAX_INPUT) {
		len = CLASSIFY_MAX_INPUT;
		while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--;
	}
	return len;
}

/* Which rules of r may match the text folded[0..flen): a new array of
 * rules_count(r) bytes (at least one). */
static unsigned char *
classify_scan(const struct classify *c, const struct rules *r,
    const char *folded, size_t flen)
{
	size_t n = rules_count(r);
	unsigned char *may = xmalloc(n ? n : 1);

	if (c->unfiltered)
		memset(may, 1, n ? n : 1);
	else
		rules_scan(r, folded, flen, may);
	return may;
}

/* Reads s (may be NULL) into in: one fold, one scan for both sets. */
static void
classify_input_init(const struct classify *c, const char *s,
    struct classify_input *in)
{
	size_t nk = rules_count(c->kind), n = nk + rules_count(c->themes);
	struct buf folded;

	in->s = s;
	in->len = classify_input_len(s);
	in->kind = xmalloc(n ? n : 1);
	in->themes = in->kind + nk;
	if (c->unfiltered) {
		memset(in->kind, 1, n ? n : 1);
		return;
	}
	buf_init(&folded, 0);
	casefold_text(s ? s : "", in->len, &folded);
	prefilter_scan(c->pf, buf_str(&folded), folded.len, in->kind, n);
	buf_free(&folded);
}

static void
classify_input_free(struct classify_input *in)
{
	free(in->kind);
}

/* Rule i of r matches the subject or the text (may: their scans for r);
 * a matching error (PCRE2's match limit) counts as no match. */
static int
classify_match(const struct rules *r, size_t i,
    const struct classify_input *sub, const unsigned char *smay,
    const struct classify_input *txt, const unsigned char *tmay)
{
	return (sub->len && smay[i] && rules_match(r, i, sub->s, sub->len,
	    NULL, NULL) == 1) || (txt->len && tmay[i] && rules_match(r, i,
	    txt->s, txt->len, NULL, NULL) == 1);
}

/* The commune named first in the input (the longest at the same place),
 * or NULL. */
static const char *
classify_commune(const struct classify *c, const struct classify_input *in)
{
	const char *s = in->s, *found = NULL;
	size_t start, end, a, b;
	unsigned char *may;
	struct buf folded;
	const struct rules *any = c->unfiltered && c->communes_plain ?
	    c->communes_plain : c->communes_any;

	if (in->len == 0 || any == NULL ||
	    rules_match(any, 0, s, in->len, &start, &end) != 1)
		return NULL;
	/* Which name it was: the first whose own rule spans the same text
	 * (the boundaries hold at the ends of the excerpt).  Those rules
	 * run in PCRE2's interpreter, a few hundred instructions each: the
	 * literals of the excerpt leave only the names it may be. */
	buf_init(&folded, 0);
	casefold_text(s + start, end - start, &folded);
	may = classify_scan(c, c->communes, buf_str(&folded), folded.len);
	for (size_t i = 0; i < c->nnames && found == NULL; i++)
		if (may[i] && rules_match(c->communes, i, s + start,
		    end - start, &a, &b) == 1 && a == 0 && b == end - start)
			found = c->names[i];
	free(may);
	buf_free(&folded);
	return found;
}

void
classify_run(const struct classify *c, const char *subject,
    const char *text, struct classify_result *out)
{
	struct classify_input sub, txt;
	const char *commune;
	char *found;

	memset(out, 0, sizeof(*out));
	out->kind = "request";
	if (c == NULL)
		return;
	pthread_mutex_lock(c->lock);
	classify_input_init(c, subject, &sub);
	classify_input_init(c, text, &txt);
	for (size_t i = 0; i < rules_count(c->kind); i++)
		if (classify_match(c->kind, i, &sub, sub.kind, &txt,
		    txt.kind)) {
			out->kind = classify_kind_name(rules_label(c->kind, i));
			break;
		}

	found = xcalloc(c->nthemes ? c->nthemes : 1, 1);
	for (size_t i = 0; i < rules_count(c->themes); i++)
		if (!found[c->theme_of[i]] && classify_match(c->themes, i,
		    &sub, sub.themes, &txt, txt.themes))
			found[c->theme_of[i]] = 1;
	for (size_t t = 0; t < c->nthemes; t++)
		if (found[t]) {
			out->themes = xrealloc(out->themes,
			    (out->nthemes + 1) * sizeof(*out->themes));
			out->themes[out->nthemes++] =
			    xstrdup(c->theme_names[t]);
		}
	free(found);

	commune = classify_commune(c, &sub);
	if (commune == NULL)
		commune = classify_commune(c, &txt);
	out->commune = commune ? xstrdup(commune) : NULL;
	classify_input_free(&sub);
	classify_input_free(&txt);
	pthread_mutex_unlock(c->lock);
}

const char *
classify_text(const char *new_text, const char *text)
{
	return new_text != NULL && new_text[0] != '\0' ? new_text : text;
}

void
classify_prefilter(struct classify *c, int on)
{
	char msg[1024];

	c->unfiltered = !on;
	if (!on && c->communes_plain == NULL && c->any_plain != NULL &&
	    rules_load_text(c->any_name, c->any_plain, 1, &c->communes_plain,
	    msg, sizeof(msg)) != 0)
		c->communes_plain = NULL;	/* the gathered one serves */
}

void
classify_result_free(struct classify_result *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nthemes; i++)
		free(r->themes[i]);
	free(r->themes);
	free(r->commune);
	r->themes = NULL;
	r->nthemes = 0;
	r->commune = NULL;
}

char *
classify_themes_json(const struct classify_result *r)
{
	struct buf b;

	/* Theme labels are rule labels, [a-z0-9_]+ (rules.c refuses any
	 * other): nothing to escape. */
	buf_init(&b, 0);
	buf_addc(&b, '[');
	for (size_t i = 0; i < r->nthemes; i++)
		buf_printf(&b, "%s\"%s\"", i ? "," : "", r->themes[i]);
	buf_addc(&b, ']');
	return buf_steal(&b);
}

int
classify_theme_known(const struct classify *c, const char *id)
{
	if (c == NULL || id == NULL)
		return 0;
	for (size_t t = 0; t < c->nthemes; t++)
		if (strcmp(c->theme_names[t], id) == 0)
			return 1;
	return 0;
}

size_t
classify_theme_count(const struct classify *c)
{
	return c ? c->nthemes : 0;
}

const char *
classify_theme_name(const struct classify *c, size_t i)
{
	return c->theme_names[i];
}

const char *
classify_commune_name(const struct classify *c, const char *name)
{
	const char *found = NULL;
	char *want;

	if (c == NULL || name == NULL)
		return NULL;
	want = mailcmd_fold(name);
	for (size_t i = 0; i < c->nnames && found == NULL; i++) {
		char *have = mailcmd_fold(c->names[i]);

		if (strcmp(have, want) == 0)
			found = c->names[i];
		free(have);
	}
	free(want);
	return found;
}
