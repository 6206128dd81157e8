/*
 * case_mail.c — mail about a case and the people it goes to; see
 * case_mail.h.
 *
 * These helpers were once in the dispatcher and in the command runner,
 * which the modules they serve also called: they live apart so that
 * intake, follow-up, the command effects and the timers depend on them
 * and nothing here depends back on who called.  Recipients are resolved
 * to persons (created when needed) so that every mail can carry a token
 * binding its recipient to the case.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/mem.h"
#include "casework/case_mail.h"
#include "config/config.h"
#include "out/compose.h"
#include "out/mailer.h"
#include "out/outbox.h"
#include "out/template.h"
#include "parse/message.h"
#include "parse/theme_labels.h"
#include "store/case_db.h"
#include "store/person_db.h"
#include "store/store.h"

int
casemail_person(struct casework *cw, int64_t id, struct cw_person *out,
    char *err, size_t errlen)
{
	out->id = id;
	return person_get(cw->st, id, out->name, sizeof(out->name),
	    out->email, sizeof(out->email), err, errlen);
}

void
casemail_add_person(struct cw_person **v, size_t *n, size_t *cap,
    const struct cw_person *p)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i].id == p->id)
			return;
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		*v = xrealloc(*v, *cap * sizeof(**v));
	}
	(*v)[(*n)++] = *p;
}

int
casemail_coordinators(struct casework *cw, struct cw_person **out,
    size_t *n, char *err, size_t errlen)
{
	const struct config_strlist *cl = &cw->cfg->network.coordinators;
	struct store_stmt *s = NULL;
	struct cw_person *v = NULL, p;
	size_t cap = 0;
	int rc = -1, step;

	*n = 0;
	for (size_t i = 0; i < cl->n; i++) {
		memset(&p, 0, sizeof(p));
		if (person_ensure(cw->st, cl->items[i], NULL, cw->now, &p.id,
		    err, errlen) != 0 || casemail_person(cw, p.id, &p, err,
		    errlen) != 0)
			goto out;
		casemail_add_person(&v, n, &cap, &p);
	}
	s = store_prepare(cw->st, "SELECT p.id, p.name, p.email FROM persons p "
	    "JOIN person_roles r ON r.person_id = p.id AND r.role = "
	    "'coordinator' WHERE p.active = 1 AND p.forgotten_at IS NULL "
	    "ORDER BY p.id", err, errlen);
	if (s == NULL)
		goto out;
	while ((step = store_step(s)) == STORE_ROW) {
		memset(&p, 0, sizeof(p));
		p.id = store_col_int64(s, 0);
		snprintf(p.name, sizeof(p.name), "%s", store_col_text(s, 1));
		snprintf(p.email, sizeof(p.email), "%s", store_col_text(s, 2));
		casemail_add_person(&v, n, &cap, &p);
	}
	if (step < 0) {
		snprintf(err, errlen, "coordinators: %s", store_errmsg(cw->st));
		goto out;
	}
	rc = 0;
out:
	store_finalize(s);
	if (rc != 0) {
		free(v);
		v = NULL;
		*n = 0;
	}
	*out = v;
	return rc;
}

int
casemail_group(struct casework *cw, int64_t case_id, int which,
    struct cw_person **out, size_t *n, char *err, size_t errlen)
{
	struct store_stmt *s;
	struct cw_person *v = NULL, p;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	/* Holder first, then referent, contact, volunteers: the order
	 * people are named in group mails. */
	s = store_query(cw->st, "SELECT p.id, p.name, p.email, m.role, "
	    "m.person_id = coalesce(c.contact_id, 0) FROM case_members m "
	    "JOIN persons p ON p.id = m.person_id JOIN cases c ON c.id = "
	    "m.case_id WHERE m.case_id = ?1 AND m.status = 'accepted' "
	    "AND p.forgotten_at IS NULL ORDER BY CASE m.role WHEN 'holder' "
	    "THEN 1 WHEN 'reporter' THEN 2 WHEN 'referent' THEN 3 ELSE 4 "
	    "END, 5 DESC, m.answered_at, p.id",
	    STORE_ARGS(STORE_INT(case_id)), err, errlen);
	if (s == NULL)
		return -1;
	while ((rc = store_step(s)) == STORE_ROW) {
		const char *role = store_col_text(s, 3);
		int contact = (int)store_col_int64(s, 4);
		int want = ((which & GROUP_HOLDER) && (strcmp(role, "holder")
		    == 0 || strcmp(role, "reporter") == 0)) ||
		    ((which & GROUP_REFERENT) && strcmp(role, "referent") ==
		    0) || ((which & GROUP_VOLUNTEERS) && strcmp(role,
		    "volunteer") == 0) || ((which & GROUP_CONTACT) && contact);

		if (!want)
			continue;
		memset(&p, 0, sizeof(p));
		p.id = store_col_int64(s, 0);
		snprintf(p.name, sizeof(p.name), "%s", store_col_text(s, 1));
		snprintf(p.email, sizeof(p.email), "%s", store_col_text(s, 2));
		casemail_add_person(&v, n, &cap, &p);
	}
	if (rc < 0)
		snprintf(err, errlen, "case group: %s", store_errmsg(cw->st));
	store_finalize(s);
	if (rc < 0) {
		free(v);
		*n = 0;
		return -1;
	}
	*out = v;
	return 0;
}

int
casemail_followers(struct casework *cw, int64_t referent_id,
    struct cw_person **out, size_t *n, char *err, size_t errlen)
{
	if (referent_id == 0)
		return casemail_coordinators(cw, out, n, err, errlen);
	*out = xcalloc(1, sizeof(**out));
	*n = 1;
	if (casemail_person(cw, referent_id, *out, err, errlen) != 0) {
		free(*out);
		*out = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

int
casemail_send(struct casework *cw, const char *tpl, struct tpl_data *d,
    const char *name_var, const char *ref, int64_t case_id,
    const struct cw_person *to, size_t nto, char *err, size_t errlen)
{
	return casemail_send_extra(cw, tpl, d, name_var, ref, case_id, to,
	    nto, NULL, err, errlen);
}

/* One recipient: 0 queued (*oid), 1 over the daily cap (logged), -1. */
/* A mail of template tpl about the case, to one person, bound to them. */
static void
casemail_mail(struct mailer_mail *mm, const char *tpl, struct tpl_data *d,
    const char *ref, int64_t case_id, const struct cw_person *to)
{
	memset(mm, 0, sizeof(*mm));
	mm->template = tpl;
	mm->data = d;
	mm->case_ref = ref != NULL && *ref != '\0' ? ref : NULL;  /* no tag */
	mm->case_id = case_id;
	mm->person_id = to->id;
	mm->to_name = to->name;
	mm->to_addr = to->email;
}

static int
casemail_queue(struct casework *cw, const char *tpl, struct tpl_data *d,
    const char *name_var, const char *ref, int64_t case_id,
    const struct cw_person *to, const struct casemail_extra *extra,
    int64_t *oid, char *err, size_t errlen)
{
	struct mailer_mail mm;
	int res;

	tpl_set(d, name_var, to->name);
	casemail_mail(&mm, tpl, d, ref, case_id, to);
	if (extra != NULL) {
		mm.attachments = extra->attachments;
		mm.nattachments = extra->nattachments;
		mm.calendar = extra->calendar;
		mm.calendar_method = extra->calendar_method;
	}
	res = mailer_queue(cw->mailer, cw->st, &mm, oid, err, errlen);
	if (res == OUTBOX_ERR)
		return -1;
	if (res != OUTBOX_OK) {
		log_notice("%s %s to %s not queued: daily cap reached",
		    ref ? ref : "", tpl, to->email);
		return 1;
	}
	return 0;
}

int
casemail_send_extra(struct casework *cw, const char *tpl,
    struct tpl_data *d, const char *name_var, const char *ref,
    int64_t case_id, const struct cw_person *to, size_t nto,
    const struct casemail_extra *extra, char *err, size_t errlen)
{
	for (size_t i = 0; i < nto; i++) {
		int64_t oid;

		if (casemail_queue(cw, tpl, d, name_var, ref, case_id, &to[i],
		    extra, &oid, err, errlen) < 0)
			return -1;
	}
	return 0;
}

int
casemail_send_one(struct casework *cw, const char *tpl, struct tpl_data *d,
    const char *name_var, const char *ref, int64_t case_id,
    const struct cw_person *to, int64_t *outbox_id, char *err,
    size_t errlen)
{
	return casemail_queue(cw, tpl, d, name_var, ref, case_id, to, NULL,
	    outbox_id, err, errlen);
}

/* An answer left unsent at the daily cap: a log line, and an event on the
 * case's timeline that the referent sees and the digest counts (per
 * address and local day, from these events). */
static int
casemail_capped(struct casework *cw, const char *tpl, const char *ref,
    int64_t case_id, const struct cw_person *to, char *err, size_t errlen)
{
	time_t t = (time_t)cw->now;
	struct tm tm;
	char day[16];
	const char *kv[6];

	localtime_r(&t, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	log_notice("%s: %s to %s not queued: %d answers on %s already "
	    "(daily cap)", ref ? ref : "-", tpl, to->email,
	    cw->cfg->network.max_auto_per_day, day);
	if (case_id <= 0)
		return 0;
	kv[0] = "template";
	kv[1] = tpl;
	kv[2] = "address";
	kv[3] = to->email;
	kv[4] = "day";
	kv[5] = day;
	return case_event(cw->st, case_id, to->id, "mail_capped", 0, kv, 6,
	    cw->now, err, errlen);
}

int
casemail_reply(struct casework *cw, const struct message *m,
    const char *tpl, struct tpl_data *d, const char *ref, int64_t case_id,
    const struct cw_person *to, char *err, size_t errlen)
{
	const char *refs[COMPOSE_MAX_REFERENCES];
	struct mailer_mail mm;
	size_t nrefs = 0;
	int64_t oid;
	int rc;

	/* Our answer continues the sender's thread: the last references
	 * (compose keeps the first and the latest) and their mail. */
	for (size_t i = 0; i < m->nreferences && nrefs + 1 <
	    COMPOSE_MAX_REFERENCES; i++)
		refs[nrefs++] = m->references[i];
	if (m->message_id != NULL)
		refs[nrefs++] = m->message_id;
	casemail_mail(&mm, tpl, d, ref, case_id, to);
	mm.in_reply_to = m->message_id;
	mm.references = refs;
	mm.nreferences = nrefs;
	mm.urgent = 1;
	mm.auto_replied = 1;
	rc = mailer_queue(cw->mailer, cw->st, &mm, &oid, err, errlen);
	if (rc == OUTBOX_ERR)
		return -1;
	if (rc == OUTBOX_OK)
		return 0;
	return casemail_capped(cw, tpl, ref, case_id, to, err, errlen) == 0 ?
	    1 : -1;
}

void
casemail_set_received(const struct casework *cw, struct tpl_data *d)
{
	time_t t = (time_t)cw->now;
	struct tm tm;
	char date[16], hm[8];

	localtime_r(&t, &tm);
	strftime(date, sizeof(date), "%d/%m/%Y", &tm);
	strftime(hm, sizeof(hm), "%H:%M", &tm);
	tpl_set(d, "received_date", date);
	tpl_set(d, "received_time", hm);
}

/* Signature logos and pasted pictures are part of the body as the
 * sender saw it, not documents for the case. */
static int
casemail_is_document(const struct msg_attachment *a)
{
	return !a->inline_part || a->filename[0] != '\0';
}

struct compose_attachment *
casemail_attachments(const struct message *m, size_t *n)
{
	struct compose_attachment *v = NULL;

	*n = 0;
	for (size_t i = 0; i < m->nattachments; i++) {
		const struct msg_attachment *a = &m->attachments[i];

		if (!casemail_is_document(a) || *n == COMPOSE_MAX_ATTACHMENTS)
			continue;
		if (v == NULL)
			v = xcalloc(m->nattachments, sizeof(*v));
		v[*n].filename = a->filename;
		v[*n].content_type = a->content_type;
		v[*n].data = a->data;
		v[*n].len = a->size;
		(*n)++;
	}
	return v;
}

void
casemail_list_attachments(const struct message *m, struct tpl_data *d)
{
	tpl_list_init(d, "attachments");
	for (size_t i = 0; i < m->nattachments; i++) {
		const struct msg_attachment *a = &m->attachments[i];

		if (casemail_is_document(a))
			tpl_set(tpl_list_add(d, "attachments"), "filename",
			    a->filename[0] ? a->filename : a->content_type);
	}
}

/* The start of t, at most max bytes, ending on a whole word where
 * there is one and never inside a UTF-8 sequence, and "[…]". */
static char *
casemail_cut(char *t, size_t max)
{
	size_t n = max, keep;
	char *out;

	if (strlen(t) <= max)
		return t;
	while (n > 0 && ((unsigned char)t[n] & 0xc0) == 0x80)
		n--;
	keep = n;
	while (n > max / 2 && t[n] != ' ' && t[n] != '\n')
		n--;
	if (n > max / 2)
		keep = n;
	while (keep > 0 && (t[keep - 1] == ' ' || t[keep - 1] == '\n'))
		keep--;
	out = xasprintf("%.*s […]", (int)keep, t);
	free(t);
	return out;
}

char *
casemail_first_text(struct casework *cw, int64_t case_id, size_t max)
{
	struct store_stmt *s;
	char err[256], *t = NULL;

	s = store_query(cw->st, "SELECT new_text FROM messages WHERE "
	    "case_id = ?1 AND direction = 'in' AND matched_by = 'new' "
	    "ORDER BY id LIMIT 1", STORE_ARGS(STORE_INT(case_id)), err,
	    sizeof(err));
	if (s == NULL)
		return xstrdup("");
	if (store_step(s) == STORE_ROW && !store_col_is_null(s, 0))
		t = xstrdup(store_col_text(s, 0));
	store_finalize(s);
	if (t == NULL)
		return xstrdup("");
	return max > 0 ? casemail_cut(t, max) : t;
}

char *
casemail_list_text(struct casework *cw, const char *json)
{
	struct store_stmt *s;
	char err[256], *out = NULL;

	s = store_query(cw->st, "SELECT group_concat(value, ', ') FROM "
	    "json_each(?1)", STORE_ARGS(STORE_TEXT(json ? json : "[]")), err,
	    sizeof(err));
	if (s != NULL) {
		if (store_step(s) == STORE_ROW && !store_col_is_null(s, 0))
			out = xstrdup(store_col_text(s, 0));
		store_finalize(s);
	}
	return out ? out : xstrdup("");
}

char *
casemail_themes_text(struct casework *cw, const char *themes_json)
{
	char *ids = casemail_list_text(cw, themes_json), *out;

	out = theme_labels_join(mailer_theme_labels(cw->mailer), ids);
	free(ids);
	return out;
}

void
casemail_set_themes(struct casework *cw, struct tpl_data *d,
    const char *list, const char *themes_json)
{
	struct store_stmt *s;
	char err[256];
	int first = 1;

	tpl_list_init(d, list);
	s = store_query(cw->st, "SELECT value FROM json_each(?1)",
	    STORE_ARGS(STORE_TEXT(themes_json ? themes_json : "[]")), err,
	    sizeof(err));
	if (s == NULL)
		return;
	while (store_step(s) == STORE_ROW) {
		struct tpl_data *it = tpl_list_add(d, list);
		const char *id = store_col_text(s, 0);

		tpl_set(it, "theme_id", id);
		tpl_set(it, "theme_label", theme_label(mailer_theme_labels(
		    cw->mailer), id));
		tpl_set_bool(it, "first", first);
		first = 0;
	}
	store_finalize(s);
}
