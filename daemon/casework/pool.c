/*
 * pool.c — the network's people managed by mail; see pool.h.
 *
 * A coordinator's command names a person by address, so every effect
 * starts from person_find() and none creates a person except BENEVOLE,
 * REFERENT and COORDINATION: a typo in THEMES must not add a stranger.
 * Lists are checked against the rules before anything changes (a theme
 * the rules do not know would never route anything), and each change is
 * its own person event, so that the history says who changed what, from
 * which mail.  Welcome mails carry a token bound to the newcomer and to
 * no case: their answer (J'ACCEPTE LA CHARTE) comes back to pool_run.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/mem.h"
#include "casework/case_mail.h"
#include "casework/cmd_context.h"
#include "casework/pool.h"
#include "out/mailer.h"
#include "out/template.h"
#include "parse/classify.h"
#include "parse/mailcmd.h"
#include "parse/theme_labels.h"
#include "store/person_db.h"
#include "store/store.h"

/* What pool_member() and pool_replace() compare before changing. */
struct pool_row {
	char	 name[256];
	char	*themes;	/* owned JSON, compact */
	char	*communes;	/* owned JSON, compact */
	int	 active;
	int	 charter_signed;
};

static void
pool_row_free(struct pool_row *r)
{
	free(r->themes);
	free(r->communes);
}

static int
pool_row_load(struct cmd_ctx *x, int64_t id, struct pool_row *r, char *err,
    size_t errlen)
{
	struct store_stmt *s;
	int rc;

	memset(r, 0, sizeof(*r));
	s = store_query(x->cw->st, "SELECT name, json(themes), "
	    "json(communes), active, charter_signed_at IS NOT NULL FROM "
	    "persons WHERE id = ?1", STORE_ARGS(STORE_INT(id)), err, errlen);
	if (s == NULL)
		return -1;
	if ((rc = store_step(s)) == STORE_ROW) {
		snprintf(r->name, sizeof(r->name), "%s", store_col_text(s, 0));
		r->themes = xstrdup(store_col_text(s, 1));
		r->communes = xstrdup(store_col_text(s, 2));
		r->active = (int)store_col_int64(s, 3);
		r->charter_signed = (int)store_col_int64(s, 4);
	} else
		snprintf(err, errlen, "person %lld: %s", (long long)id,
		    store_errmsg(x->cw->st));
	store_finalize(s);
	return rc == STORE_ROW ? 0 : -1;
}

/* A compact JSON array of v (the form json() gives back). */
static char *
pool_json(char *const *v, size_t n)
{
	struct buf b;

	buf_init(&b, 0);
	buf_addc(&b, '[');
	for (size_t i = 0; i < n; i++) {
		buf_adds(&b, i ? ",\"" : "\"");
		for (const char *p = v[i]; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				buf_addc(&b, '\\');
			buf_addc(&b, *p);
		}
		buf_addc(&b, '"');
	}
	buf_addc(&b, ']');
	return buf_steal(&b);
}

/*
 * The command's lists as JSON (NULL when not given): themes the rules
 * know, communes as communes.txt names them.  1 with res set when one is
 * unknown (all unknown ones in detail), 0.
 */
/* The theme of the rules that `key` (mailcmd_theme_key) names: itself
 * when it is an identifier, else the one whose label folds to it
 * ("Énergie"), borrowed; NULL if none. */
static const char *
pool_theme(struct cmd_ctx *x, const char *key)
{
	const struct theme_labels *t = mailer_theme_labels(x->cw->mailer);
	const char *found = NULL;

	if (classify_theme_known(x->cw->classify, key))
		return key;
	for (size_t i = 0; i < theme_labels_count(t) && !found; i++) {
		char *k = mailcmd_theme_key(theme_labels_label(t, i));

		if (strcmp(k, key) == 0 && classify_theme_known(
		    x->cw->classify, theme_labels_id(t, i)))
			found = theme_labels_id(t, i);
		free(k);
	}
	return found;
}

static int
pool_lists(struct cmd_ctx *x, const struct mailcmd *cmd, char **themes,
    char **communes, struct cmd_res *res)
{
	const struct classify *cf = x->cw->classify;
	char **names = xcalloc(cmd->ncommunes + 1, sizeof(*names));
	char **ids = xcalloc(cmd->nthemes + 1, sizeof(*ids));
	struct buf bad;
	int rc = 0;

	*themes = *communes = NULL;
	buf_init(&bad, 0);
	for (size_t i = 0; i < cmd->nthemes; i++)
		if ((ids[i] = (char *)pool_theme(x, cmd->themes[i])) == NULL)
			buf_printf(&bad, "%s%s", bad.len ? ", " : "",
			    cmd->themes[i]);
	if (bad.len > 0) {
		res->outcome = CMDOUT_UNKNOWN_THEME;
		goto out;
	}
	for (size_t i = 0; i < cmd->ncommunes; i++)
		if ((names[i] = (char *)classify_commune_name(cf,
		    cmd->communes[i])) == NULL)
			buf_printf(&bad, "%s%s", bad.len ? ", " : "",
			    cmd->communes[i]);
	if (bad.len > 0) {
		res->outcome = CMDOUT_UNKNOWN_COMMUNE;
		goto out;
	}
	if (cmd->has_themes)
		*themes = pool_json(ids, cmd->nthemes);
	if (cmd->has_communes)
		*communes = pool_json(names, cmd->ncommunes);
out:
	if (bad.len > 0) {
		snprintf(res->detail, sizeof(res->detail), "%s", buf_str(&bad));
		rc = 1;
	}
	buf_free(&bad);
	free(names);
	free(ids);
	return rc;
}

/* A change to a person by this mail: their row, then the event. */
static int
pool_event(struct cmd_ctx *x, int64_t id, const char *kind,
    const char *const *kv, size_t nkv, char *err, size_t errlen)
{
	return person_event(x->cw->st, id, id == x->sender.id &&
	    !x->coordinator ? PERSON_BY_SELF : PERSON_BY_MAIL, x->sender.id,
	    kind, x->mail->msg_id, kv, nkv, x->cw->now, err, errlen);
}

/* Sets column col (name, themes or communes) when value differs from
 * was; 1 with a 'person_updated' event when it changed (none for a
 * person just added: 'person_added' says it all). */
static int
pool_set(struct cmd_ctx *x, int64_t id, const char *col, const char *value,
    const char *was, int added, char *err, size_t errlen)
{
	const char *kv[] = { "field", col };
	char sql[128];

	if (value == NULL || (was != NULL && strcmp(value, was) == 0))
		return 0;
	snprintf(sql, sizeof(sql), "UPDATE persons SET %s = ?2, updated_at "
	    "= ?3 WHERE id = ?1", col);
	if (store_run(x->cw->st, col, sql, STORE_ARGS(STORE_INT(id),
	    STORE_TEXT(value), STORE_INT(x->cw->now)), err, errlen) != 0 ||
	    (!added && pool_event(x, id, "person_updated", kv, 2, err,
	    errlen) != 0))
		return -1;
	return 1;
}

/* The person a command names by address: 1 with *p, 0 when unknown
 * (res NOT_FOUND), -1. */
static int
pool_target(struct cmd_ctx *x, const char *addr, struct cw_person *p,
    struct cmd_res *res, char *err, size_t errlen)
{
	int rc = person_find(x->cw->st, addr, &p->id, err, errlen);

	snprintf(res->detail, sizeof(res->detail), "%s", addr);
	if (rc == 0)
		res->outcome = CMDOUT_NOT_FOUND;
	if (rc != 1)
		return rc;
	return casemail_person(x->cw, p->id, p, err, errlen) == 0 ? 1 : -1;
}

/* The welcome of someone who was given role `role` (the mail's token
 * binds them and no case). */
static int
pool_welcome(struct cmd_ctx *x, const struct cw_person *p, const char *role,
    const struct pool_row *r, char *err, size_t errlen)
{
	int volunteer = strcmp(role, "volunteer") == 0;
	struct tpl_data *d = tpl_data_new();
	char *communes = casemail_list_text(x->cw, r->communes);
	int64_t oid;
	int rc;

	tpl_set(d, "coordinator_name", cmdctx_sender_name(x));
	casemail_set_themes(x->cw, d, "themes", r->themes);
	tpl_set(d, "communes", communes);
	tpl_set_bool(d, "is_referent", strcmp(role, "referent") == 0);
	tpl_set_bool(d, "is_coordinator", strcmp(role, "coordinator") == 0);
	tpl_set_bool(d, "charter_signed", r->charter_signed);
	rc = casemail_send_one(x->cw, volunteer ? "pool_welcome_volunteer" :
	    "pool_welcome", d, "recipient_name", NULL, 0, p, &oid, err,
	    errlen);
	free(communes);
	tpl_data_free(d);
	return rc < 0 ? -1 : 0;
}

int
pool_member(struct cmd_ctx *x, const struct mailcmd *cmd,
    struct cmd_res *res, char *err, size_t errlen)
{
	const char *role = cmd->verb == CMD_BENEVOLE ? "volunteer" :
	    cmd->verb == CMD_REFERENT ? "referent" : "coordinator";
	const char *kv[] = { "role", role };
	struct pool_row was;
	struct cw_person p;
	struct buf flags;
	char *themes = NULL, *communes = NULL;
	int known, rc = -1, c;

	memset(&was, 0, sizeof(was));
	memset(&p, 0, sizeof(p));
	buf_init(&flags, 0);
	if (pool_lists(x, cmd, &themes, &communes, res) != 0)
		return 0;
	if ((known = person_find(x->cw->st, cmd->addresses[0], &p.id, err,
	    errlen)) < 0)
		goto out;
	if (!known) {
		if (person_ensure(x->cw->st, cmd->addresses[0], cmd->name,
		    x->cw->now, &p.id, err, errlen) != 0 ||
		    pool_event(x, p.id, "person_added", kv, 2, err,
		    errlen) != 0)
			goto out;
		buf_adds(&flags, "added ");
	}
	if (pool_row_load(x, p.id, &was, err, errlen) != 0)
		goto out;
	if (known && (c = pool_set(x, p.id, "name", cmd->name, was.name, 0,
	    err, errlen)) != 0) {
		if (c < 0)
			goto out;
		buf_adds(&flags, "name_changed ");
	}
	if ((c = pool_set(x, p.id, "themes", themes, was.themes, !known, err,
	    errlen)) < 0)
		goto out;
	if (c > 0 && known)
		buf_adds(&flags, "themes_changed ");
	if ((c = pool_set(x, p.id, "communes", communes, was.communes,
	    !known, err, errlen)) < 0)
		goto out;
	if (c > 0 && known)
		buf_adds(&flags, "communes_changed ");
	if (!was.active) {
		if (store_run(x->cw->st, "reactivate", "UPDATE persons SET "
		    "active = 1, updated_at = ?2 WHERE id = ?1",
		    STORE_ARGS(STORE_INT(p.id), STORE_INT(x->cw->now)), err,
		    errlen) != 0 || pool_event(x, p.id, "person_reactivated",
		    NULL, 0, err, errlen) != 0)
			goto out;
		buf_adds(&flags, "reactivated ");
	}
	if (person_add_role(x->cw->st, p.id, role, PERSON_SRC_DB, x->cw->now,
	    err, errlen) != 0)
		goto out;
	if (store_changes(x->cw->st) > 0) {
		pool_row_free(&was);
		if (pool_event(x, p.id, "role_added", kv, 2, err, errlen) != 0 ||
		    pool_row_load(x, p.id, &was, err, errlen) != 0 ||
		    casemail_person(x->cw, p.id, &p, err, errlen) != 0 ||
		    pool_welcome(x, &p, role, &was, err, errlen) != 0)
			goto out;
		if (known)
			buf_adds(&flags, "role_added ");
	}
	res->outcome = CMDOUT_OK;
	snprintf(res->detail, sizeof(res->detail), "%s", cmd->addresses[0]);
	snprintf(res->flags, sizeof(res->flags), "%s", flags.len ?
	    buf_str(&flags) : "unchanged");
	rc = 0;
out:
	pool_row_free(&was);
	buf_free(&flags);
	free(themes);
	free(communes);
	return rc;
}

int
pool_replace(struct cmd_ctx *x, const struct mailcmd *cmd,
    struct cmd_res *res, char *err, size_t errlen)
{
	int themes = cmd->verb == CMD_THEMES;
	struct pool_row was;
	struct cw_person p;
	char *tj = NULL, *cj = NULL;
	int rc, c = -1;

	if (pool_lists(x, cmd, &tj, &cj, res) != 0)
		return 0;
	memset(&was, 0, sizeof(was));
	if ((rc = pool_target(x, cmd->addresses[0], &p, res, err, errlen)) <= 0)
		goto out;
	rc = -1;
	if (pool_row_load(x, p.id, &was, err, errlen) != 0 ||
	    (c = pool_set(x, p.id, themes ? "themes" : "communes", themes ?
	    tj : cj, themes ? was.themes : was.communes, 0, err,
	    errlen)) < 0)
		goto out;
	res->outcome = CMDOUT_OK;
	snprintf(res->flags, sizeof(res->flags), "%s", c ? (themes ?
	    "themes_changed" : "communes_changed") : "unchanged");
	rc = 0;
out:
	pool_row_free(&was);
	free(tj);
	free(cj);
	return rc < 0 ? -1 : 0;
}

/* The start of the day after w, local time: INDISPONIBLE jusqu'au
 * 15/01 holds all of the 15th. */
static time_t
pool_day_after(const struct mailcmd_when *w)
{
	struct mailcmd_when n = *w;

	n.has_time = 0;
	if (++n.day > clock_days_in_month(n.year, n.month)) {
		n.day = 1;
		if (++n.month > 12) {
			n.month = 1;
			n.year++;
		}
	}
	return mailcmd_when_time(&n);
}

int
pool_availability(struct cmd_ctx *x, const struct mailcmd *cmd,
    struct cmd_res *res, char *err, size_t errlen)
{
	int off = cmd->verb == CMD_INDISPONIBLE;
	time_t until = off && cmd->when.year ? pool_day_after(&cmd->when) : 0;
	const char *kv[4] = { "unavailable", off ? "1" : "0", "until", NULL };
	char date[16] = "", tm[8], iso[16];
	struct cw_person p;
	int rc;

	p = x->sender;
	if (cmd->naddresses == 1 && strcmp(cmd->addresses[0],
	    x->sender.email) != 0) {
		/* About someone else: a coordinator's business. */
		if (!x->coordinator) {
			res->outcome = CMDOUT_NOT_ALLOWED;
			return 0;
		}
		if ((rc = pool_target(x, cmd->addresses[0], &p, res, err,
		    errlen)) <= 0)
			return rc;
	}
	snprintf(res->detail, sizeof(res->detail), "%s", p.email);
	if (until != 0 && until <= (time_t)x->cw->now) {
		res->outcome = CMDOUT_PAST_DATE;
		return 0;
	}
	if (until != 0) {
		cmdctx_format_when((long long)until - 1, 0, date, sizeof(date),
		    tm, sizeof(tm));
		snprintf(res->detail, sizeof(res->detail), "%s, %s", p.email,
		    date);
		snprintf(iso, sizeof(iso), "%04d-%02d-%02d", cmd->when.year,
		    cmd->when.month, cmd->when.day);
		kv[3] = iso;
	}
	if (store_run(x->cw->st, "availability", "UPDATE persons SET "
	    "unavailable = ?2, unavailable_until = ?3, updated_at = ?4 WHERE "
	    "id = ?1", STORE_ARGS(STORE_INT(p.id), STORE_INT(off),
	    until ? STORE_INT(until) : STORE_NULL, STORE_INT(x->cw->now)), err,
	    errlen) != 0 || pool_event(x, p.id, "availability", kv,
	    until ? 4 : 2, err, errlen) != 0)
		return -1;
	res->outcome = CMDOUT_OK;
	return 0;
}

int
pool_retire(struct cmd_ctx *x, const struct mailcmd *cmd,
    struct cmd_res *res, char *err, size_t errlen)
{
	struct cw_person p;
	char *refs = NULL;
	int rc;

	if ((rc = pool_target(x, cmd->addresses[0], &p, res, err, errlen)) <= 0)
		return rc;
	rc = person_deactivate(x->cw->st, p.id, PERSON_BY_MAIL, x->sender.id,
	    x->mail->msg_id, x->cw->now, &refs, err, errlen);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		/* The cases to hand over, one per line of the answer. */
		char *r, *q = res->choices, *end = res->choices +
		    sizeof(res->choices) - 1;

		res->outcome = CMDOUT_OPEN_CASES;
		for (r = refs; *r != '\0' && q < end; r++)
			if (*r == ',')
				*q++ = '\n';
			else if (*r != ' ')
				*q++ = *r;
		*q = '\0';
	} else
		res->outcome = CMDOUT_OK;
	free(refs);
	return 0;
}
