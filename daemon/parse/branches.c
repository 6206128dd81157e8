/*
 * branches.c — a pattern spelt out as the alternatives of its top-level
 * alternations; see branches.h.
 *
 * Only the structure is read: groups, classes and escapes, to know where
 * a group ends and which '|' belong to it.  Anything that could hide a
 * parenthesis or a bar from that reading (\Q...\E, a POSIX class name,
 * extended mode where '#' starts a comment) leaves the pattern whole.
 */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "parse/branches.h"

/* Where the class opening at p ends (after its ']'); NULL when a POSIX
 * name or the end of the pattern comes first. */
static const char *
br_class_end(const char *p)
{
	p++;
	if (*p == '^')
		p++;
	if (*p == ']')			/* a ']' first stands for itself */
		p++;
	for (; *p != '\0'; p++) {
		if (*p == '[')
			return NULL;
		if (*p == '\\') {
			if (p[1] == '\0' || p[1] == 'Q' || p[1] == 'E')
				return NULL;
			p++;
		} else if (*p == ']')
			return p + 1;
	}
	return NULL;
}

/* 1 if the inline options at p (after "(?") turn extended mode on. */
static int
br_extended(const char *p)
{
	size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ^-");

	return (p[n] == ')' || p[n] == ':') && memchr(p, 'x', n) != NULL;
}

/*
 * Reads the structure of pat: for each place, its depth of groups.  Sets
 * *bars to the top-level '|' (their offsets, at most BRANCHES_MAX) and
 * *group to the first top-level "(?:...)" holding a '|' of its own and
 * not quantified (its '(' and ')' offsets), if any.  -1 when the syntax
 * is not read here.
 */
struct br_shape {
	size_t	bars[BRANCHES_MAX];
	size_t	nbars;
	size_t	open, close;	/* close == 0: no such group */
};

static int
br_shape(const char *pat, struct br_shape *sh)
{
	const char *p = pat;
	size_t depth = 0, open = 0;
	int inner_bar = 0;

	memset(sh, 0, sizeof(*sh));
	while (*p != '\0') {
		if (*p == '\\') {
			if (p[1] == '\0' || p[1] == 'Q' || p[1] == 'E')
				return -1;
			p += 2;
			continue;
		}
		if (*p == '[') {
			if ((p = br_class_end(p)) == NULL)
				return -1;
			continue;
		}
		if (*p == '(' && p[1] == '?' && p[2] == '#') {
			if ((p = strchr(p, ')')) == NULL)
				return -1;
			p++;
			continue;
		}
		if (*p == '(' && p[1] == '?' && br_extended(p + 2))
			return -1;
		if (*p == '(') {
			if (depth == 0 && sh->close == 0) {
				open = (size_t)(p - pat);
				inner_bar = 0;
			}
			depth++;
		} else if (*p == ')') {
			if (depth == 0)
				return -1;
			depth--;
			if (depth == 0 && sh->close == 0 && inner_bar &&
			    strncmp(pat + open, "(?:", 3) == 0 &&
			    (p[1] == '\0' || strchr("?*+{", p[1]) == NULL)) {
				sh->open = open;
				sh->close = (size_t)(p - pat);
			}
		} else if (*p == '|') {
			if (depth == 0) {
				if (sh->nbars == BRANCHES_MAX)
					return -1;
				sh->bars[sh->nbars++] = (size_t)(p - pat);
			} else if (depth == 1)
				inner_bar = 1;
		}
		p++;
	}
	return depth == 0 ? 0 : -1;
}

struct br_list {
	char	**s;
	size_t	  n;
};

static void
br_add(struct br_list *l, const char *s, size_t len)
{
	l->s = xrealloc(l->s, (l->n + 1) * sizeof(*l->s));
	l->s[l->n++] = xstrndup(s, len);
}

/* Appends the alternatives of pat to l, spelling out no more than
 * `budget` in all (pat itself when there is no room). */
static void
br_expand(const char *pat, size_t budget, struct br_list *l)
{
	struct br_shape sh;
	struct buf one;
	size_t start = l->n, from, nparts;

	if (br_shape(pat, &sh) != 0 || (sh.nbars == 0 && sh.close == 0)) {
		br_add(l, pat, strlen(pat));
		return;
	}
	buf_init(&one, 0);
	if (sh.nbars > 0) {
		/* A|B|C: each branch, itself spelt out. */
		nparts = sh.nbars + 1;
		if (nparts > budget)
			goto whole;
		from = 0;
		for (size_t i = 0; i <= sh.nbars; i++) {
			size_t to = i < sh.nbars ? sh.bars[i] : strlen(pat);

			buf_reset(&one);
			buf_add(&one, pat + from, to - from);
			br_expand(buf_str(&one), budget - (l->n - start) -
			    (nparts - 1 - i), l);
			from = to + 1;
		}
		goto out;
	}
	/* A(?:B1|B2)C: A B1 C and A B2 C, the group's own bars found by
	 * reading its inside as a pattern. */
	{
		char *inside = xstrndup(pat + sh.open + 3, sh.close -
		    sh.open - 3);
		struct br_shape in;

		if (br_shape(inside, &in) != 0 || in.nbars + 1 > budget) {
			free(inside);
			goto whole;
		}
		nparts = in.nbars + 1;
		from = 0;
		for (size_t i = 0; i <= in.nbars; i++) {
			size_t to = i < in.nbars ? in.bars[i] : strlen(inside);

			buf_reset(&one);
			buf_add(&one, pat, sh.open);
			buf_add(&one, inside + from, to - from);
			buf_adds(&one, pat + sh.close + 1);
			br_expand(buf_str(&one), budget - (l->n - start) -
			    (nparts - 1 - i), l);
			from = to + 1;
		}
		free(inside);
	}
	goto out;
whole:
	br_add(l, pat, strlen(pat));
out:
	buf_free(&one);
}

size_t
branches_expand(const char *pattern, char ***out)
{
	struct br_list l = { NULL, 0 };

	br_expand(pattern, BRANCHES_MAX, &l);
	*out = l.s;
	return l.n;
}

void
branches_free(char **b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(b[i]);
	free(b);
}
