/* dispatch.c — a stored mail's way into the cases; see dispatch.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "parse/bounce.h"
#include "store/case_db.h"
#include "casework/dispatch.h"
#include "out/compose.h"
#include "config/config.h"
#include "casework/followup.h"
#include "casework/intake.h"
#include "base/log.h"
#include "out/mailer.h"
#include "base/mem.h"
#include "parse/message.h"
#include "out/outbox.h"
#include "store/person_db.h"
#include "store/store.h"
#include "out/template.h"
#include "thread/match.h"
#include "thread/token.h"

int
casework_person(struct casework *cw, int64_t id, struct cw_person *out,
    char *err, size_t errlen)
{
	out->id = id;
	return person_get(cw->st, id, out->name, sizeof(out->name),
	    out->email, sizeof(out->email), err, errlen);
}

static int
cw_has_person(const struct cw_person *v, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].id == id)
			return 1;
	return 0;
}

static void
cw_push_person(struct cw_person **v, size_t *n, size_t *cap,
    const struct cw_person *p)
{
	if (cw_has_person(*v, *n, p->id))
		return;
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 4;
		*v = xrealloc(*v, *cap * sizeof(**v));
	}
	(*v)[(*n)++] = *p;
}

int
casework_coordinators(struct casework *cw, struct cw_person **out,
    size_t *n, char *err, size_t errlen)
{
	const struct config_strlist *cl = &cw->cfg->network.coordinators;
	struct store_stmt *s = NULL;
	struct cw_person *v = NULL, p;
	size_t cap = 0;
	int rc;

	*n = 0;
	for (size_t i = 0; i < cl->n; i++) {
		memset(&p, 0, sizeof(p));
		if (person_ensure(cw->st, cl->items[i], NULL, cw->now, &p.id,
		    err, errlen) != 0 || casework_person(cw, p.id, &p, err,
		    errlen) != 0)
			goto fail;
		cw_push_person(&v, n, &cap, &p);
	}
	s = store_prepare(cw->st, "SELECT p.id, p.name, p.email FROM persons p "
	    "JOIN person_roles r ON r.person_id = p.id AND r.role = "
	    "'coordinator' WHERE p.active = 1 AND p.forgotten_at IS NULL "
	    "ORDER BY p.id", err, errlen);
	if (s == NULL)
		goto fail;
	while ((rc = store_step(s)) == STORE_ROW) {
		memset(&p, 0, sizeof(p));
		p.id = store_col_int64(s, 0);
		snprintf(p.name, sizeof(p.name), "%s", store_col_text(s, 1));
		snprintf(p.email, sizeof(p.email), "%s", store_col_text(s, 2));
		cw_push_person(&v, n, &cap, &p);
	}
	if (rc < 0) {
		snprintf(err, errlen, "coordinators: %s", store_errmsg(cw->st));
		goto fail;
	}
	store_finalize(s);
	*out = v;
	return 0;
fail:
	store_finalize(s);
	free(v);
	*n = 0;
	*out = NULL;
	return -1;
}

int
casework_followers(struct casework *cw, int64_t referent_id,
    struct cw_person **out, size_t *n, char *err, size_t errlen)
{
	if (referent_id == 0)
		return casework_coordinators(cw, out, n, err, errlen);
	*out = xcalloc(1, sizeof(**out));
	*n = 1;
	if (casework_person(cw, referent_id, *out, err, errlen) != 0) {
		free(*out);
		*out = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

void
casework_set_received(const struct casework *cw, struct tpl_data *d)
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
cw_is_document(const struct msg_attachment *a)
{
	return !a->inline_part || a->filename[0] != '\0';
}

struct compose_attachment *
casework_attachments(const struct message *m, size_t *n)
{
	struct compose_attachment *v = NULL;

	*n = 0;
	for (size_t i = 0; i < m->nattachments; i++) {
		const struct msg_attachment *a = &m->attachments[i];

		if (!cw_is_document(a) || *n == COMPOSE_MAX_ATTACHMENTS)
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
casework_list_attachments(const struct message *m, struct tpl_data *d)
{
	tpl_list_init(d, "attachments");
	for (size_t i = 0; i < m->nattachments; i++) {
		const struct msg_attachment *a = &m->attachments[i];

		if (cw_is_document(a))
			tpl_set(tpl_list_add(d, "attachments"), "filename",
			    a->filename[0] ? a->filename : a->content_type);
	}
}

char *
casework_themes_text(struct casework *cw, const char *themes_json)
{
	struct store_stmt *s;
	char err[256], *out = NULL;

	s = store_prepare(cw->st, "SELECT group_concat(value, ', ') FROM "
	    "json_each(?1)", err, sizeof(err));
	if (s != NULL) {
		store_bind_text(s, 1, themes_json ? themes_json : "[]");
		if (store_step(s) == STORE_ROW && !store_col_is_null(s, 0))
			out = xstrdup(store_col_text(s, 0));
		store_finalize(s);
	}
	return out ? out : xstrdup("");
}

/* Mail from our own addresses (a loop through a forward, a copy of
 * what we sent) is never a request. */
static int
cw_from_self(const struct casework *cw, const struct message *m)
{
	const char *from = m->from.address;

	return strcasecmp(from, cw->cfg->network.contact) == 0 ||
	    (cw->cfg->smtp.from && strcasecmp(from, cw->cfg->smtp.from) == 0);
}

/* The Message-ID of the returned copy in a bounce, if any (new string). */
static char *
cw_returned_message_id(const struct message *m)
{
	const char *h = m->returned_headers, *p, *e;

	for (p = h; p != NULL && *p; p = strchr(p, '\n'), p = p ? p + 1 :
	    NULL) {
		if (strncasecmp(p, "Message-ID:", 11) != 0)
			continue;
		p += 11;
		/* The id may be folded onto the next line. */
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		e = p + strcspn(p, "\r\n");
		return xstrndup(p, (size_t)(e - p));
	}
	return NULL;
}

int
casework_send(struct casework *cw, const char *tpl, struct tpl_data *d,
    const char *name_var, const char *ref, int64_t case_id,
    const struct cw_person *to, size_t nto, char *err, size_t errlen)
{
	return casework_send_extra(cw, tpl, d, name_var, ref, case_id, to,
	    nto, NULL, err, errlen);
}

int
casework_send_extra(struct casework *cw, const char *tpl,
    struct tpl_data *d, const char *name_var, const char *ref,
    int64_t case_id, const struct cw_person *to, size_t nto,
    const struct cw_extra *extra, char *err, size_t errlen)
{
	for (size_t i = 0; i < nto; i++) {
		struct mailer_mail mm;
		int64_t oid;
		int res;

		tpl_set(d, name_var, to[i].name);
		memset(&mm, 0, sizeof(mm));
		mm.template = tpl;
		mm.data = d;
		mm.case_ref = ref;
		mm.case_id = case_id;
		mm.person_id = to[i].id;
		mm.to_name = to[i].name;
		mm.to_addr = to[i].email;
		if (extra != NULL) {
			mm.attachments = extra->attachments;
			mm.nattachments = extra->nattachments;
			mm.calendar = extra->calendar;
			mm.calendar_method = extra->calendar_method;
		}
		res = mailer_queue(cw->mailer, cw->st, &mm, &oid, err, errlen);
		if (res == OUTBOX_ERR)
			return -1;
		if (res != OUTBOX_OK)
			log_notice("%s %s to %s not queued: daily cap reached",
			    ref ? ref : "", tpl, to[i].email);
	}
	return 0;
}

static int
cw_notify_bounce(struct casework *cw, const struct case_row *c,
    const struct cw_person *failing, const struct bounce_info *b,
    char *err, size_t errlen)
{
	struct cw_person *to = NULL;
	struct tpl_data *d;
	size_t nto = 0;
	int rc;

	/* The referent is told, unless the failing address is theirs:
	 * then the coordinators are. */
	if (casework_followers(cw, c->referent_id != failing->id ?
	    c->referent_id : 0, &to, &nto, err, errlen) != 0)
		return -1;
	d = tpl_data_new();
	tpl_set(d, "ref", c->ref);
	tpl_set(d, "failing_name", failing->name);
	tpl_set(d, "failing_address", failing->email);
	tpl_set(d, "status", b->status);
	rc = casework_send(cw, "bounce_notice", d, "recipient_name", c->ref,
	    c->id, to, nto, err, errlen);
	tpl_data_free(d);
	free(to);
	return rc;
}

/*
 * A bounce: the failing address is flagged; when the returned copy (or
 * the bounce's threading headers) shows which case the mail was about,
 * the bounce goes on that case's timeline and its referent is told.
 */
static int
cw_bounce(struct casework *cw, const struct cw_mail *mail,
    const struct thread_match *tm, char *err, size_t errlen)
{
	const struct bounce_info *b = mail->bounce;
	struct cw_person failing;
	struct case_row c;
	size_t keylen;
	const unsigned char *key = mailer_key(cw->mailer, &keylen);
	char *mid = cw_returned_message_id(mail->m);
	int64_t case_id = tm->case_id, bound = tm->bound_id, oid = 0;
	const char *kv[4];
	int rc = -1, found = 0;

	memset(&failing, 0, sizeof(failing));
	memset(&c, 0, sizeof(c));
	if (mid != NULL && token_verify(key, keylen, mid, NULL, &oid,
	    &case_id, &bound))
		found = 1;
	free(mid);
	if (b->recipient != NULL && b->recipient[0] != '\0') {
		if (person_mark_bounce(cw->st, b->recipient, b->status,
		    cw->now, &failing.id, err, errlen) != 0)
			goto out;
	} else if (found && bound != 0) {
		if (casework_person(cw, bound, &failing, err, errlen) != 0 ||
		    person_mark_bounce(cw->st, failing.email, b->status,
		    cw->now, &failing.id, err, errlen) != 0)
			goto out;
	}
	if (failing.id != 0 && casework_person(cw, failing.id, &failing, err,
	    errlen) != 0)
		goto out;
	log_notice("bounce for %s (status %s)%s", failing.id ? failing.email :
	    (b->recipient ? b->recipient : "an unknown address"),
	    b->status ? b->status : "unknown",
	    failing.id ? "" : ": not a known person");
	if (case_id == 0 || (rc = case_load(cw->st, case_id, &c, err,
	    errlen)) <= 0) {
		rc = rc < 0 ? -1 : case_link_message(cw->st, mail->msg_id, 0,
		    failing.id, "none", err, errlen);
		goto out;
	}
	kv[0] = "address";
	kv[1] = failing.id ? failing.email : b->recipient;
	kv[2] = "status";
	kv[3] = b->status;
	rc = -1;
	if (case_link_message(cw->st, mail->msg_id, c.id, failing.id,
	    found ? "token" : thread_how_name(tm->how), err, errlen) != 0 ||
	    case_event(cw->st, c.id, 0, "bounce", mail->msg_id, kv, 4,
	    cw->now, err, errlen) != 0 ||
	    case_flag(cw->st, c.id, CASE_FLAG_BOUNCE, err, errlen) != 0)
		goto out;
	if (failing.id != 0 && cw_notify_bounce(cw, &c, &failing, b, err,
	    errlen) != 0)
		goto out;
	rc = 0;
out:
	case_row_free(&c);
	return rc;
}

int
casework_handle(struct casework *cw, const struct cw_mail *mail, char *err,
    size_t errlen)
{
	const struct message *m = mail->m;
	struct thread_match tm;
	size_t keylen;
	const unsigned char *key = mailer_key(cw->mailer, &keylen);

	if (m->from.address[0] == '\0' || cw_from_self(cw, m)) {
		log_notice("message <%s> from %s: %s, not handled",
		    m->message_id ? m->message_id : "",
		    m->from.address[0] ? m->from.address : "nobody",
		    m->from.address[0] ? "our own address" : "no sender");
		return case_link_message(cw->st, mail->msg_id, 0, 0, "none",
		    err, errlen);
	}
	if (thread_match(cw->st, key, keylen, m, &tm, err, errlen) != 0)
		return -1;
	if (mail->autokind == MSG_AUTO_BOUNCE)
		return cw_bounce(cw, mail, &tm, err, errlen);
	if (tm.how != THREAD_NONE)
		return followup_record(cw, mail, &tm, err, errlen);
	if (mail->autokind != MSG_AUTO_NONE) {
		/* RFC 3834: an automatic mail never opens a case (it would
		 * be acknowledged, and the ack answered...). */
		log_info("message <%s> from %s: %s with no case, recorded only",
		    m->message_id ? m->message_id : "", m->from.address,
		    autodetect_name(mail->autokind));
		return case_link_message(cw->st, mail->msg_id, 0, tm.sender_id,
		    "none", err, errlen);
	}
	return intake_new_case(cw, mail, &tm, err, errlen);
}
