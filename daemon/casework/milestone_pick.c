/*
 * milestone_pick.c — which roadmap step a FAIT or REPORTER means; see
 * milestone_pick.h and the rules in milestone.h.
 *
 * The order of the rules is the order of certainty: a step named in the
 * command says exactly what the sender wants, the mail they answer says
 * what they were asked about, and "the only step whose date has come" is
 * a guess that holds only when there is nothing else to choose from.
 * Every refusal lists the lines that would work, written with names that
 * pick exactly one step, so that copying one of them succeeds.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "casework/cmd_context.h"
#include "casework/milestone_pick.h"
#include "parse/mailcmd.h"
#include "store/store.h"

/* How a name is compared: folded, punctuation as blanks, blanks single
 * ("L'Étude  de faisabilité." -> "l etude de faisabilite").  New
 * string. */
static char *
pick_norm(const char *s)
{
	char *f = mailcmd_fold(s), *o = f;
	int blank = 1;

	for (const char *p = f; *p != '\0'; p++) {
		unsigned char u = (unsigned char)*p;

		if (u < 0x80 && !isalnum(u)) {
			if (!blank)
				*o++ = ' ';
			blank = 1;
		} else {
			*o++ = *p;
			blank = 0;
		}
	}
	if (o > f && o[-1] == ' ')
		o--;
	*o = '\0';
	return f;
}

int
milestone_steps_load(struct cmd_ctx *x, struct milestone_steps *out,
    char *err, size_t errlen)
{
	struct store_stmt *s;
	size_t cap = 0;
	int rc;

	out->v = NULL;
	out->n = 0;
	s = store_query(x->cw->st, "SELECT id, due_at, has_time, state = "
	    "'done', kind = 'checkin', label FROM milestones WHERE case_id = "
	    "?1 AND state <> 'cancelled' ORDER BY due_at, id",
	    STORE_ARGS(STORE_INT(x->c.id)), err, errlen);
	if (s == NULL)
		return -1;
	while ((rc = store_step(s)) == STORE_ROW) {
		struct milestone_step *m;
		char tm[16];

		if (out->n == cap) {
			cap = cap ? cap * 2 : 8;
			out->v = xrealloc(out->v, cap * sizeof(*out->v));
		}
		m = &out->v[out->n++];
		m->id = store_col_int64(s, 0);
		m->due = store_col_int64(s, 1);
		m->has_time = (int)store_col_int64(s, 2);
		m->done = (int)store_col_int64(s, 3);
		m->checkin = (int)store_col_int64(s, 4);
		m->label = xstrdup(store_col_text(s, 5));
		m->name = xstrdup(m->label[0] ? m->label : m->checkin ?
		    "point d'étape" : "étape");
		cmdctx_format_when(m->due, 0, m->date, sizeof(m->date), tm,
		    sizeof(tm));
	}
	if (rc < 0)
		snprintf(err, errlen, "steps: %s", store_errmsg(x->cw->st));
	store_finalize(s);
	if (rc < 0) {
		milestone_steps_free(out);
		return -1;
	}
	return 0;
}

void
milestone_steps_free(struct milestone_steps *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].label);
		free(s->v[i].name);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

/* "name du DD/MM/YYYY": a name that tells apart two steps named alike,
 * and lets a date alone name a step.  New string. */
static char *
pick_full_name(const struct milestone_step *m)
{
	return xasprintf("%s du %s", m->name, m->date);
}

/* Little words a name is written with or without ("l'étude", "les
 * bacs" for "Construction des bacs"), normalized. */
static const char *const pick_small[] = {
	"l", "le", "la", "les", "d", "de", "du", "des", "un", "une", "au",
	"aux", "a", "et", "en"
};

static int
pick_is_small(const char *w, size_t n)
{
	for (size_t i = 0; i < sizeof(pick_small) / sizeof(*pick_small); i++)
		if (strlen(pick_small[i]) == n && strncmp(pick_small[i], w, n) == 0)
			return 1;
	return 0;
}

/* 1 if the words of q but the little ones are parts of `name`, in their
 * order (so that "01/02" is not 02/01); q itself when it has only little
 * words. */
static int
pick_words_in(const char *q, const char *name)
{
	const char *from = name;
	int words = 0;

	for (const char *w = q; *w != '\0'; ) {
		size_t n = strcspn(w, " ");

		if (!pick_is_small(w, n)) {
			char *word = xstrndup(w, n);
			const char *at = strstr(from, word);

			free(word);
			if (at == NULL)
				return 0;
			from = at + n;
			words++;
		}
		w += n + (w[n] == ' ');
	}
	return words > 0 || strstr(name, q) != NULL;
}

/* 1 if q (normalized) is step m's name or full name (exact), or its
 * words are parts of the full name (!exact). */
static int
pick_matches(const struct milestone_step *m, const char *q, int exact)
{
	char *full = pick_full_name(m);
	char *n1 = pick_norm(m->name), *n2 = pick_norm(full);
	int hit = exact ? strcmp(n1, q) == 0 || strcmp(n2, q) == 0 :
	    pick_words_in(q, n2);

	free(n1);
	free(n2);
	free(full);
	return hit;
}

/* The name to write in a command for step i: its name, or its full name
 * when the name alone would pick another step too (a planned one of the
 * same name; any, for a done step: planned ones are tried first). */
static char *
pick_command_name(const struct milestone_steps *s, size_t i)
{
	char *mine = pick_norm(s->v[i].name);
	int shared = 0;

	for (size_t j = 0; j < s->n && !shared; j++) {
		char *other;

		if (j == i || (s->v[j].done && !s->v[i].done))
			continue;
		other = pick_norm(s->v[j].name);
		shared = strcmp(mine, other) == 0;
		free(other);
	}
	free(mine);
	return shared ? pick_full_name(&s->v[i]) : xstrdup(s->v[i].name);
}

/* Adds "{verb} {name}{tail}" for each step of hits[0..n) to
 * res->choices; the lines that would not fit are left out. */
static void
pick_choices(const struct milestone_steps *s, const size_t *hits, size_t n,
    const char *verb, const char *tail, struct cmd_res *res)
{
	size_t used = strlen(res->choices);

	for (size_t i = 0; i < n; i++) {
		char *name = pick_command_name(s, hits[i]);
		int w = snprintf(res->choices + used, sizeof(res->choices) -
		    used, "%s%s %s%s", used ? "\n" : "", verb, name, tail);

		free(name);
		if (w < 0 || (size_t)w >= sizeof(res->choices) - used) {
			res->choices[used] = '\0';
			break;
		}
		used += (size_t)w;
	}
}

/* The steps a name fits: exactly before in part, planned before done
 * (never done with planned_only); the first of these sets that is not
 * empty. */
static size_t
pick_named(const struct milestone_steps *s, const char *named,
    int planned_only, size_t *hits)
{
	char *q = pick_norm(named);
	size_t n = 0;

	for (int pass = 0; pass < 4 && n == 0; pass++) {
		int exact = pass < 2, planned = pass % 2 == 0;

		if (planned_only && !planned)
			continue;
		for (size_t i = 0; i < s->n; i++)
			if ((!planned || !s->v[i].done) &&
			    pick_matches(&s->v[i], q, exact))
				hits[n++] = i;
	}
	free(q);
	return n;
}

/*
 * The step our mail answered by this one was about: 1 and *i; 2 when it
 * was about a step that cannot be taken (cancelled by a new roadmap, or
 * done with planned_only): then nothing is guessed; 0 when the mail
 * answers no mail about a step; -1.
 */
static int
pick_answered(struct cmd_ctx *x, const struct milestone_steps *s,
    int planned_only, size_t *i, char *err, size_t errlen)
{
	int64_t id;
	int rc;

	if (x->answered == 0)
		return 0;
	rc = store_get_int64(x->cw->st, &id, "answered step", "SELECT "
	    "CAST(json_extract(details, '$.milestone') AS INTEGER) FROM events "
	    "WHERE case_id = ?1 AND kind IN ('" MILESTONE_EVENT_REMINDED "', '"
	    MILESTONE_EVENT_ASKED "') AND CAST(json_extract(details, "
	    "'$.outbox') AS INTEGER) = ?2 ORDER BY id DESC LIMIT 1",
	    STORE_ARGS(STORE_INT(x->c.id), STORE_INT(x->answered)), err,
	    errlen);
	if (rc <= 0)
		return rc;
	for (*i = 0; *i < s->n; (*i)++)
		if (s->v[*i].id == id)
			return planned_only && s->v[*i].done ? 2 : 1;
	return 2;
}

int
milestone_pick(struct cmd_ctx *x, const struct milestone_steps *s,
    const char *named, int planned_only, const char *verb, const char *tail,
    size_t *which, struct cmd_res *res, char *err, size_t errlen)
{
	size_t *hits = xcalloc(s->n + 1, sizeof(*hits)), n = 0;
	char *q = named ? pick_norm(named) : NULL;
	int rc = 0;

	res->choices[0] = '\0';
	if (q != NULL && q[0] != '\0') {
		n = pick_named(s, named, planned_only, hits);
	} else {
		rc = pick_answered(x, s, planned_only, which, err, errlen);
		if (rc < 0 || rc == 1)
			goto out;
		if (rc == 0)
			for (size_t i = 0; i < s->n; i++)
				if (!s->v[i].done && s->v[i].due <= x->cw->now)
					hits[n++] = i;
		rc = 0;
	}
	if (n == 1) {
		*which = hits[0];
		rc = 1;
		goto out;
	}
	res->outcome = n > 1 ? CMDOUT_AMBIGUOUS : CMDOUT_NO_STEP;
	if (n == 0)		/* what could be meant: every planned step */
		for (size_t i = 0; i < s->n; i++)
			if (!s->v[i].done)
				hits[n++] = i;
	pick_choices(s, hits, n, verb, tail, res);
out:
	free(q);
	free(hits);
	return rc;
}
