/*
 * digest_render.c — the digest's struct turned into the values of the
 * templates digest.txt and digest.html; see digest_data.h.
 *
 * Every French word is in the templates: the code gives dates, numbers,
 * names as stored, and booleans that tell the template which label to
 * write (state_analysis, kind_report...).  A theme is given as its
 * identifier (theme_id) and as its label from themes.labels
 * (theme_label, the identifier when the table has none), so a theme
 * added to the rules needs no code.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "out/template.h"
#include "parse/theme_labels.h"
#include "timers/digest_data.h"

/* Widths of the trend's bars: characters in the text, pixels in HTML. */
#define DG_BAR_CHARS	30
#define DG_BAR_PIXELS	240

/* How one section's lines become list items. */
struct dg_section {
	const char	*list;		/* the template's list */
	size_t		 off;		/* the list in struct digest */
	const char	*a, *b, *c;	/* names of the line's texts */
	const char	*n1, *n2, *n3;	/* names of its numbers */
	int		 a_theme;	/* a is a theme identifier */
	int		 b_themes;	/* b is a comma-separated list of them */
	int		 all;		/* every line listed: counts by state,
					 * theme, commune (a few dozen at
					 * most); witnesses, capped when
					 * loaded (witnesses_more) */
};

#define OFF(f)	offsetof(struct digest, f)

static const struct dg_section sections[] = {
	{ "unassigned", OFF(unassigned), NULL, NULL, NULL, "days", NULL,
	    NULL, 0, 0, 0 },
	{ "decision_late", OFF(decision_late), NULL, NULL, NULL, "days",
	    NULL, NULL, 0, 0, 0 },
	{ "group_incomplete", OFF(group_incomplete), NULL, NULL, NULL,
	    "invited", "declined", "expired", 0, 0, 0 },
	{ "untrusted", OFF(untrusted), "sender_name", "sender_address", NULL,
	    NULL, NULL, NULL, 0, 0, 0 },
	{ "bounced", OFF(bounced), "name", "address", "status", NULL, NULL,
	    NULL, 0, 0, 0 },
	{ "quarantined", OFF(quarantined), "reason", "message_id", NULL, "id",
	    NULL, NULL, 0, 0, 0 },
	{ "outbox_failed", OFF(outbox_failed), "recipients", "error",
	    "template", "id", NULL, NULL, 0, 0, 0 },
	{ "capped", OFF(capped), "address", "day", NULL, "count", NULL, NULL,
	    0, 0, 0 },
	{ "agenda", OFF(agenda), "label", NULL, NULL, NULL, NULL, NULL, 0, 0, 0 },
	{ "overdue", OFF(overdue), "label", NULL, NULL, "days", NULL, NULL,
	    0, 0, 0 },
	{ "inactive", OFF(inactive), NULL, NULL, NULL, "days", NULL, NULL,
	    0, 0, 0 },
	{ "opened", OFF(opened), NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0 },
	{ "ended", OFF(ended), NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0 },
	{ "joined", OFF(joined), "name", "address", NULL, NULL, NULL, NULL,
	    0, 0, 0 },
	{ "witnesses", OFF(witnesses), "name", NULL, "commune", NULL, NULL,
	    NULL, 0, 1, 1 },
	{ "by_state", OFF(by_state), NULL, NULL, NULL, "count", NULL, NULL,
	    0, 0, 1 },
	{ "by_theme", OFF(by_theme), NULL, NULL, NULL, "count", NULL, NULL,
	    1, 0, 1 },
	{ "by_commune", OFF(by_commune), "commune", NULL, NULL, "count", NULL,
	    NULL, 0, 0, 1 },
};

static void
dg_date(struct tpl_data *t, const char *date_var, const char *time_var,
    long long at)
{
	time_t tt = (time_t)at;
	struct tm tm;
	char buf[32];

	localtime_r(&tt, &tm);
	strftime(buf, sizeof(buf), "%d/%m/%Y", &tm);
	tpl_set(t, date_var, buf);
	if (time_var != NULL) {
		strftime(buf, sizeof(buf), "%Hh%M", &tm);
		tpl_set(t, time_var, buf);
	}
}

static void
dg_theme(struct tpl_data *t, const struct theme_labels *labels,
    const char *id)
{
	if (id == NULL || *id == '\0') {
		tpl_set_bool(t, "theme_none", 1);
		return;
	}
	tpl_set(t, "theme_id", id);
	tpl_set(t, "theme_label", theme_label(labels, id));
}

/* "energie,habitat" as a list of theme items. */
static void
dg_themes(struct tpl_data *t, const struct theme_labels *labels,
    const char *csv)
{
	char buf[1024], *p, *save = NULL;
	int first = 1;

	tpl_list_init(t, "themes");
	snprintf(buf, sizeof(buf), "%s", csv ? csv : "");
	for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",",
	    &save)) {
		struct tpl_data *it = tpl_list_add(t, "themes");

		dg_theme(it, labels, p);
		tpl_set_bool(it, "first", first);
		first = 0;
	}
}

static void
dg_flag(struct tpl_data *t, const char *flag)
{
	if (flag != NULL && tpl_name_ok(flag))
		tpl_set_bool(t, flag, 1);
}

/* A number, and NAME_plural for the template's agreement (French: 0
 * and 1 take the singular). */
static void
dg_number(struct tpl_data *t, const char *name, long long n)
{
	char var[TEMPLATE_MAX_NAME + 1];

	if (name == NULL)
		return;
	tpl_set_int(t, name, n);
	snprintf(var, sizeof(var), "%s_plural", name);
	tpl_set_bool(t, var, n > 1);
}

static void
dg_section(struct tpl_data *t, const struct theme_labels *labels,
    const struct dg_section *s, const struct digest_list *l)
{
	char var[TEMPLATE_MAX_NAME + 1];
	size_t shown = s->all || l->n <= DIGEST_LINES_MAX ? l->n :
	    DIGEST_LINES_MAX;

	tpl_list_init(t, s->list);
	snprintf(var, sizeof(var), "%s_count", s->list);
	tpl_set_int(t, var, (long long)l->n);
	snprintf(var, sizeof(var), "has_%s", s->list);
	tpl_set_bool(t, var, l->n > 0);
	if (!s->all) {
		snprintf(var, sizeof(var), "%s_more", s->list);
		tpl_set_int(t, var, (long long)(l->n - shown));
		snprintf(var, sizeof(var), "has_%s_more", s->list);
		tpl_set_bool(t, var, l->n > shown);
	}
	for (size_t i = 0; i < shown; i++) {
		const struct digest_line *x = &l->v[i];
		struct tpl_data *it = tpl_list_add(t, s->list);

		tpl_set(it, "ref", x->ref);
		tpl_set(it, "subject", x->subject);
		tpl_set(it, "referent_name", x->referent);
		if (x->at != 0)
			dg_date(it, "date", "time", x->at);
		if (s->a_theme)
			dg_theme(it, labels, x->a);
		else if (s->a)
			tpl_set(it, s->a, x->a);
		if (s->b_themes)
			dg_themes(it, labels, x->b);
		else if (s->b)
			tpl_set(it, s->b, x->b);
		if (s->c)
			tpl_set(it, s->c, x->c);
		dg_number(it, s->n1, x->n1);
		dg_number(it, s->n2, x->n2);
		dg_number(it, s->n3, x->n3);
		dg_flag(it, x->flag1);
		dg_flag(it, x->flag2);
	}
}

/* The pool grouped by theme or commune (consecutive rows with the same
 * a): one item per group, with its volunteers. */
static void
dg_pool(struct tpl_data *t, const struct theme_labels *labels,
    const char *list, const struct digest_list *l, int by_theme)
{
	struct tpl_data *group = NULL;
	long long n = 0;

	tpl_list_init(t, list);
	for (size_t i = 0; i < l->n; i++) {
		const struct digest_line *x = &l->v[i];
		struct tpl_data *it;

		if (group == NULL || (x->a == NULL) != (l->v[i - 1].a ==
		    NULL) || (x->a && strcmp(x->a, l->v[i - 1].a) != 0)) {
			if (group != NULL)
				tpl_set_int(group, "count", n);
			group = tpl_list_add(t, list);
			n = 0;
			if (by_theme)
				dg_theme(group, labels, x->a);
			else if (x->a == NULL)
				tpl_set_bool(group, "commune_none", 1);
			else
				tpl_set(group, "commune", x->a);
		}
		it = tpl_list_add(group, "volunteers");
		tpl_set(it, "name", x->b);
		dg_number(it, "load", x->n1);
		dg_flag(it, x->flag1);
		tpl_set(it, "until", "");
		if (x->at != 0)
			dg_date(it, "until", NULL, x->at);
		tpl_set_bool(it, "first", n == 0);
		n++;
	}
	if (group != NULL)
		tpl_set_int(group, "count", n);
}

static void
dg_bar(struct tpl_data *it, const char *name, long long n, long long max)
{
	char bar[DG_BAR_CHARS + 1], var[32];
	long long chars = max ? (n * DG_BAR_CHARS + max - 1) / max : 0;

	memset(bar, '#', (size_t)chars);
	bar[chars] = '\0';
	snprintf(var, sizeof(var), "%s_bar", name);
	tpl_set(it, var, bar);
	snprintf(var, sizeof(var), "%s_px", name);
	tpl_set_int(it, var, max ? (n * DG_BAR_PIXELS + max - 1) / max : 0);
	snprintf(var, sizeof(var), "%s_col", name);
	tpl_setf(it, var, "%3lld", n);
	tpl_set_int(it, name, n);
}

static void
dg_trend(struct tpl_data *t, const struct digest *d)
{
	long long max = 0;

	for (int i = 0; i < DIGEST_TREND_MONTHS; i++) {
		if (d->trend[i].opened > max)
			max = d->trend[i].opened;
		if (d->trend[i].ended > max)
			max = d->trend[i].ended;
	}
	tpl_list_init(t, "trend");
	for (int i = 0; i < DIGEST_TREND_MONTHS; i++) {
		const struct digest_month *m = &d->trend[i];
		struct tpl_data *it = tpl_list_add(t, "trend");

		tpl_setf(it, "month", "%02d/%04d", m->month, m->year);
		dg_bar(it, "opened", m->opened, max);
		dg_bar(it, "ended", m->ended, max);
	}
}

static void
dg_older(struct tpl_data *t, const char *name, long long n)
{
	char var[64];

	dg_number(t, name, n);
	snprintf(var, sizeof(var), "has_%s", name);
	tpl_set_bool(t, var, n > 0);
}

void
digest_render(const struct digest *d, const struct theme_labels *labels,
    struct tpl_data *t)
{
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		dg_section(t, labels, &sections[i], (const struct digest_list *)
		    ((const char *)d + sections[i].off));
	dg_date(t, "date", NULL, d->now);
	dg_date(t, "since_date", "since_time", d->since);
	tpl_set_bool(t, "is_first", d->first);
	tpl_set_int(t, "agenda_days", DIGEST_AGENDA_DAYS);
	tpl_set_bool(t, "for_referent", d->referent_id != 0);
	dg_older(t, "bounced_older", d->bounced_older);
	dg_older(t, "quarantined_older", d->quarantined_older);
	dg_older(t, "failed_older", d->failed_older);
	tpl_set_int(t, "max_auto_per_day", d->max_auto_per_day);
	tpl_set_bool(t, "has_attention", d->unassigned.n ||
	    d->decision_late.n || d->group_incomplete.n || d->untrusted.n ||
	    d->bounced.n || d->quarantined.n || d->outbox_failed.n ||
	    d->capped.n || d->bounced_older || d->quarantined_older ||
	    d->failed_older);
	tpl_set_bool(t, "has_late", d->overdue.n || d->inactive.n);
	tpl_set_bool(t, "has_news", d->opened.n || d->ended.n);
	if (d->referent_id != 0)
		return;
	dg_pool(t, labels, "pool_themes", &d->pool_theme, 1);
	dg_pool(t, labels, "pool_communes", &d->pool_commune, 0);
	tpl_set_int(t, "witnesses_new", d->witnesses_new);
	tpl_set_int(t, "witnesses_total", d->witnesses_total);
	dg_number(t, "witnesses_more", d->witnesses_total -
	    (long long)d->witnesses.n);
	tpl_set_bool(t, "has_witnesses_more", d->witnesses_total >
	    (long long)d->witnesses.n);
	dg_trend(t, d);
}
