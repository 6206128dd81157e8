/*
 * mailcmd_private.h — what the files of the mail-command parser share.
 * Private to parse/mailcmd*.c; the API is mailcmd.h.
 *
 * The parser in reading order:
 *   mailcmd.c          keywords, the prose guard, one line into one
 *                      command, the public functions of mailcmd.h
 *   mailcmd_text.c     the text as lines, each as written and folded (case,
 *                      accents, typographic marks), and trimming
 *   mailcmd_args.c     arguments: dates, times, addresses, free text
 *   mailcmd_roadmap.c  the FEUILLE DE ROUTE block and its milestones
 *   mailcmd_pool.c     the arguments of the pool commands (BENEVOLE...)
 * Functions are prefixed mailcmd_; the types and the small character
 * tests below are used by these files only and keep short names.  This
 * header does not include mailcmd.h (mailcmd.c includes both: no cycle).
 */
#ifndef CDP_MAILCMD_PRIVATE_H
#define CDP_MAILCMD_PRIVATE_H

#include <ctype.h>
#include <stddef.h>
#include <time.h>

struct mailcmd;
struct mailcmd_when;

/* One line of the text, as written and folded. */
struct line {
	char	*orig;		/* the line without its CR, NUL-terminated */
	size_t	 olen;
	char	*key;		/* folded, NUL-terminated */
	size_t	*map;		/* key offset -> orig offset; klen + 1 */
	size_t	 klen;
	size_t	 k0;		/* first non-blank byte of key */
};

static inline int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* A byte of the key that continues a word: a keyword followed by one is
 * a longer word ("ELIGIBLES", "NOTER"), not the keyword. */
static inline int
is_word(char c)
{
	unsigned char u = (unsigned char)c;

	return isalnum(u) || u == '_' || u == '@' || u >= 0x80;
}

static inline size_t
skip_blanks(const char *key, size_t k)
{
	while (is_blank(key[k]))
		k++;
	return k;
}

/* ---- lines (mailcmd_text.c) ------------------------------------------ */

/* Where the next line of the text is. */
struct cursor {
	const char	*p;		/* the next line; NULL at the end */
	size_t		 lines;		/* lines looked at */
};

/* Reads the next line into *ln (to free with mailcmd_line_free()); 0 at
 * the end of the text or past COMMAND_MAX_LINES. */
int mailcmd_cursor_next(struct cursor *cur, struct line *ln);
void mailcmd_line_free(struct line *ln);
/* 1 if orig[map[ks]..map[ke]) has letters, all written in upper case. */
int mailcmd_span_caps(const struct line *ln, size_t ks, size_t ke);
/* 1 if the key from k holds only blanks and punctuation that ends or
 * introduces nothing ("Éligible !", "STATUT ?", "OUI."). */
int mailcmd_only_punct(const char *key, size_t k);
/* Takes the word w (folded) at key + *k when a word ends there. */
int mailcmd_take_word(const char *key, size_t *k, const char *w);
/* Skips blanks, one separator among `seps` and the blanks after it. */
size_t mailcmd_skip_sep(const char *key, size_t k, const char *seps);
/* Bytes of a blank at s: ASCII blanks and the Unicode spaces clients put
 * in text (U+00A0, U+2007, U+2009, U+200A, U+202F); 0 if none. */
size_t mailcmd_blank_at(const unsigned char *s);
/* The length of s[0..n) without trailing blanks and bytes of `punct`. */
size_t mailcmd_rtrim(const char *s, size_t n, const char *punct);
/* s trimmed (and without trailing `punct`), owned. */
char *mailcmd_dup_trim(const char *s, const char *punct);
/* The line as written from key offset k, trimmed, owned. */
char *mailcmd_rest_at(const struct line *ln, size_t k, const char *punct);

/* ---- arguments (mailcmd_args.c) -------------------------------------- */

enum parsed {
	PARSED_NONE,		/* not written as a date / time at all */
	PARSED_BAD,		/* written as one, but wrong */
	PARSED_OK
};

/*
 * A date at key + *k, after an optional "le" and French weekday (both
 * ignored: "mardi 14/06", "le 14/06"): AAAA-MM-JJ, JJ/MM/AAAA, JJ/MM/AA,
 * JJ/MM, with '/', '-' or '.' (the same twice).  Without a year, the next
 * such day on or after now's local date.  Fills the date of *w and moves
 * *k past it when PARSED_OK.
 */
enum parsed mailcmd_parse_date(const char *key, size_t *k, time_t now,
    struct mailcmd_when *w);
/*
 * An optional time after a date, introduced or not by ',', "à", "de" or
 * "vers"; an end time after it ("18h-20h", "de 18h à 20h") is read and
 * dropped.  *k moves only when a time was read.
 */
enum parsed mailcmd_parse_time_after(const char *key, size_t *k,
    struct mailcmd_when *w);
/* The addresses of c->args into c->addresses (errors in c->error). */
void mailcmd_parse_addresses(struct mailcmd *c, const char *s);
/* RENCONTRE date heure [lieu] and POINT date [heure] [objet], from k. */
void mailcmd_parse_when(struct mailcmd *c, const struct line *ln, size_t k,
    time_t now);
/* The last date written right in the key from k, at the start of a
 * word: 1 with *w's date and the key offsets where it starts (a "le" or
 * weekday before it included) and ends; 0 if none.  One written wrong
 * ("2.0" in a step's name) is no date. */
int mailcmd_find_date(const char *key, size_t k, time_t now,
    struct mailcmd_when *w, size_t *start, size_t *end);
/* REPORTER [étape] date [heure], from k (mailcmd.h). */
void mailcmd_parse_move(struct mailcmd *c, const struct line *ln, size_t k,
    time_t now);
/* Text arguments: NULL when there is none; required ones are errors. */
void mailcmd_parse_text(struct mailcmd *c, int required);

/* ---- roadmaps (mailcmd_roadmap.c) ------------------------------------ */

/* The lines after FEUILLE DE ROUTE (and the rest of its own line), up to
 * FIN; returns 1 if a quoted line ended the text's commands. */
int mailcmd_parse_roadmap(struct cursor *cur, const struct line *first,
    size_t kargs, time_t now, struct mailcmd *c);

/* ---- pool commands (mailcmd_pool.c) --------------------------------- */

/* The arguments of a pool command (CMD_BENEVOLE ... CMD_ANNUAIRE) from
 * key offset k (mailcmd.h). */
void mailcmd_parse_pool(struct mailcmd *c, const struct line *ln, size_t k,
    time_t now);

#endif
