/*
 * template.c — parsing, checking and rendering our mail templates; see
 * template.h for the language.
 *
 * Each file is parsed once at start-up into a small tree (text, variable,
 * section, inverted section, partial), so a syntax error stops the daemon
 * before it sends anything, and rendering is a walk over the tree with a
 * stack of scopes.  The table `known` below is the contract between the
 * code that fills in values and the people who edit the texts: which
 * templates the daemon sends and which variables it gives each of them.
 * `coupdepouce check` compares the files with it, so a misspelt
 * placeholder is found before a mail goes out with a hole in it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fileio.h"
#include "base/buf.h"
#include "base/charset.h"
#include "out/compose.h"
#include "base/log.h"
#include "base/mem.h"
#include "out/template.h"

/* ---- The templates the daemon sends, and their variables ---------------- */

/*
 * Every template gets the common variables.  A list's item fields are
 * written "list.field": inside {{#list}} they are found as {{field}}.
 */
static const char *const common_vars[] = {
	"network_name",		/* [network] name */
	"contact",		/* [network] contact address */
	NULL
};

static const char *const ack_vars[] = {
	"ref",			/* case reference, CDP-2026-0001 */
	"holder_name",		/* sender's display name, "" if unknown */
	"subject",		/* subject of their mail */
	"reply_days",		/* a referent answers within about N days */
	"is_report",		/* true: they report someone else's initiative */
	NULL
};

static const char *const ack_volunteer_vars[] = {
	"ref",
	"volunteer_name",	/* "" if unknown */
	"subject",
	"reply_days",		/* coordinators answer within about N days */
	NULL
};

static const char *const assignment_vars[] = {
	"ref",
	"referent_name",
	"holder_name",
	"holder_address",
	"subject",
	"request_text",		/* the request as written (new text) */
	"received_date",	/* DD/MM/YYYY, local time */
	"received_time",	/* HH:MM */
	"is_report",
	"commune",		/* "" if not found */
	"themes",		/* comma-separated; "" if none found */
	"attachments", "attachments.filename",
	"volunteers",		/* matching volunteers, best first */
	"volunteers.name", "volunteers.address",
	"volunteers.load",	/* open cases they are in */
	"volunteers.skills",	/* their themes, comma-separated */
	"has_volunteers",	/* true: the list is not empty */
	"decision_days",	/* reminder if no decision after N days */
	"unassigned",		/* true: no referent free, to coordinators */
	"triage",		/* true: kind other, to coordinators */
	NULL
};

static const char *const volunteer_application_vars[] = {
	"ref",
	"coordinator_name",
	"volunteer_name",
	"volunteer_address",
	"subject",
	"text",			/* their message (new text) */
	"received_date",
	"received_time",
	"commune",		/* "" if not found */
	"themes",		/* comma-separated; "" if none found */
	"attachments", "attachments.filename",
	NULL
};

static const char *const duplicate_notice_vars[] = {
	"ref",			/* the new case */
	"other_ref",		/* the case it may duplicate */
	"recipient_name",	/* that case's referent (or a coordinator) */
	"holder_name",
	"holder_address",
	"subject",
	"text",
	"tag_only",		/* true: the mail named other_ref in its
				 * subject but its sender is not part of it */
	NULL
};

static const char *const bounce_notice_vars[] = {
	"ref",
	"recipient_name",	/* the referent, or a coordinator */
	"failing_name",		/* "" if unknown */
	"failing_address",
	"status",		/* DSN status, e.g. 5.1.1; "" if unknown */
	"reason",		/* the server's diagnostic; "" if none */
	NULL
};

static const char *const forward_to_referent_vars[] = {
	"ref",
	"referent_name",
	"holder_name",
	"holder_address",
	"subject",
	"text",			/* the follow-up's new text */
	"received_date",
	"received_time",
	"attachments", "attachments.filename",
	NULL
};

/* ---- Mails of the support process (mail commands, DESIGN.md §5) ---- */

static const char *const decision_eligible_vars[] = {
	"ref", "holder_name", "subject",
	"referent_name", "referent_address",
	NULL
};

static const char *const decision_ineligible_vars[] = {
	"ref", "holder_name", "subject",
	"referent_name",
	"reason",		/* the referent's motif, as written */
	NULL
};

static const char *const transfer_vars[] = {
	"ref",
	"referent_name",	/* the new referent */
	"previous_name", "previous_address",	/* who handed it over */
	"holder_name", "holder_address",
	"subject",
	"request_text",		/* the first mail's new text */
	"commune", "themes",
	"state_new", "state_analysis", "state_forming", "state_meeting",
	"state_active",		/* exactly one is true */
	NULL
};

static const char *const invitation_vars[] = {
	"ref",
	"volunteer_name",
	"referent_name", "referent_address",
	"subject",
	"request_text",		/* what the initiative is about */
	"commune", "themes",
	"needs_charter",	/* true: not signed yet; OUI signs it */
	"answer_days",		/* reminder after N days without answer */
	NULL
};

static const char *const invitation_reminder_vars[] = {
	"ref",
	"volunteer_name",
	"referent_name",
	"subject",		/* the case's subject */
	"expiry_days",		/* the invitation lapses in N more days */
	NULL
};

static const char *const invitation_expired_vars[] = {
	"ref",
	"referent_name",
	"volunteer_name", "volunteer_address",
	"days",			/* days without an answer */
	NULL
};

static const char *const invitation_answer_vars[] = {
	"ref",
	"referent_name",
	"volunteer_name", "volunteer_address",
	"accepted",		/* true: OUI; false: NON */
	"reason",		/* their motif, "" if none */
	"accepted_count",	/* volunteers in the group now */
	"pending_count",	/* invitations still unanswered */
	NULL
};

/* A list of the people of a case, for introduction and status. */
#define MEMBER_VARS							\
	"members", "members.name", "members.address",			\
	"members.is_holder", "members.is_referent",			\
	"members.is_volunteer", "members.is_contact",			\
	"members.invited", "members.accepted", "members.declined"

static const char *const introduction_vars[] = {
	"ref",
	"recipient_name",
	"is_holder",		/* true for the holder's copy */
	"subject",
	"holder_name", "holder_address",
	"referent_name", "referent_address",
	"contact_name", "contact_address",	/* privileged contact */
	MEMBER_VARS,
	NULL
};

static const char *const meeting_vars[] = {
	"ref",
	"recipient_name",
	"date",			/* DD/MM/YYYY, local */
	"time",			/* e.g. 18h30 */
	"place",		/* "" if not given */
	"is_update",		/* true: it was moved */
	"by_name",		/* who scheduled it */
	NULL
};

static const char *const meeting_cancelled_vars[] = {
	"ref",
	"recipient_name",
	"date", "time", "place",
	"by_name",
	NULL
};

static const char *const roadmap_vars[] = {
	"ref",
	"recipient_name",
	"is_holder",
	"roadmap",		/* the text as written */
	"milestones", "milestones.date", "milestones.time",
	"milestones.label",
	"contact_name", "contact_address",
	NULL
};

static const char *const checkin_vars[] = {
	"ref",
	"recipient_name",
	"date", "time",		/* time "" when not given */
	"topic",		/* "" if none */
	"by_name",
	NULL
};

static const char *const closing_vars[] = {
	"ref",
	"recipient_name",
	"is_holder",		/* the holder is also asked to testify */
	"summary",		/* the bilan, "" if none */
	"referent_name",
	NULL
};

static const char *const withdrawn_vars[] = {
	"ref",
	"recipient_name",
	"by_name",		/* who withdrew the case */
	"by_holder",		/* true: the holder did */
	"reason",		/* "" if none */
	NULL
};

static const char *const status_vars[] = {
	"ref",
	"recipient_name",
	"subject",
	"state_new", "state_analysis", "state_ineligible", "state_forming",
	"state_meeting", "state_active", "state_closed", "state_withdrawn",
	"created_date",
	"last_activity_date",
	"holder_name", "referent_name", "contact_name",
	MEMBER_VARS,
	"has_meeting", "meeting_date", "meeting_time", "meeting_place",
	"milestones", "milestones.date", "milestones.label",
	"milestones.is_checkin", "milestones.done",
	NULL
};

static const char *const volunteer_accepted_vars[] = {
	"ref",
	"volunteer_name",
	NULL
};

static const char *const volunteer_refused_vars[] = {
	"ref",
	"volunteer_name",
	"reason",		/* "" if none */
	NULL
};

static const char *const untrusted_notice_vars[] = {
	"ref",
	"recipient_name",	/* the referent or a coordinator */
	"sender_name", "sender_address",
	"subject",
	"lines", "lines.line",	/* the command lines not run */
	NULL
};

static const char *const charter_vars[] = {
	NULL
};

/* One item per command the recipient may use, in order; exactly one of
 * the flags is true in each item. */
#define HELP_VARS							\
	"commands", "commands.verb",					\
	"commands.eligible", "commands.non_eligible",			\
	"commands.transferer", "commands.inviter", "commands.oui",	\
	"commands.non", "commands.interlocuteur", "commands.rencontre",	\
	"commands.annuler_rencontre", "commands.feuille_de_route",	\
	"commands.point", "commands.note", "commands.cloturer",		\
	"commands.abandon", "commands.statut", "commands.aide",		\
	"commands.accepter", "commands.refuser", "commands.charte"

static const char *const help_commands_vars[] = {
	HELP_VARS,
	NULL
};

static const char *const help_vars[] = {
	"ref",			/* "" when the mail named no case */
	"recipient_name",
	HELP_VARS,
	NULL
};

static const char *const command_transcript_vars[] = {
	"ref",
	"recipient_name",
	"subject",		/* subject of their mail */
	"has_errors",		/* true: at least one command failed */
	"untrusted",		/* true: nothing run, the sender could not
				 * be verified */
	"results",		/* one item per command line, in order */
	"results.line",		/* the line as written */
	"results.verb",		/* as understood, e.g. NON ELIGIBLE; "" if none */
	"results.detail",	/* argument as understood (date, address...) */
	"results.ok",		/* true: done */
	/* why it failed: exactly one of these is true when ok is false */
	"results.unknown",	/* not a command */
	"results.not_allowed",	/* not for this sender's role */
	"results.bad_date", "results.bad_time", "results.bad_address",
	"results.missing_argument",
	"results.wrong_state",	/* not possible at this stage of the case */
	"results.not_found",	/* address or person not known in the case */
	"results.not_run",	/* not carried out: an earlier command failed */
	"results.internal_error",
	HELP_VARS,
	NULL
};

struct known_template {
	const char		*name;
	const char		*purpose;	/* for "missing template" */
	const char *const	*vars;
};

static const struct known_template known[] = {
	{ "ack", "acknowledgement of a new request or report", ack_vars },
	{ "ack_volunteer", "acknowledgement of a volunteer's offer",
	    ack_volunteer_vars },
	{ "assignment", "a new case sent to its referent", assignment_vars },
	{ "volunteer_application", "a volunteer's offer sent to the "
	    "coordinators", volunteer_application_vars },
	{ "duplicate_notice", "a referent told of a possible duplicate case",
	    duplicate_notice_vars },
	{ "bounce_notice", "a referent told that mail to a member bounced",
	    bounce_notice_vars },
	{ "forward_to_referent", "a holder's follow-up forwarded to the "
	    "referent", forward_to_referent_vars },
	{ "command_transcript", "reply to a mail carrying commands",
	    command_transcript_vars },
	{ "help", "reply to AIDE: the commands the sender may use",
	    help_vars },
	{ "_help_commands", "partial: the command list of help and "
	    "command_transcript", help_commands_vars },
	{ "_charter", "partial: the network's ethics and trust charter",
	    charter_vars },
	{ "decision_eligible", "the holder told their initiative is "
	    "accepted", decision_eligible_vars },
	{ "decision_ineligible", "the holder told, kindly, it is not",
	    decision_ineligible_vars },
	{ "transfer", "a case handed to another referent", transfer_vars },
	{ "invitation", "a volunteer invited to join a support group",
	    invitation_vars },
	{ "invitation_reminder", "a volunteer reminded of an unanswered "
	    "invitation", invitation_reminder_vars },
	{ "invitation_expired", "the referent told an invitation lapsed",
	    invitation_expired_vars },
	{ "invitation_answer", "the referent told of a volunteer's answer",
	    invitation_answer_vars },
	{ "introduction", "the group complete: everyone introduced",
	    introduction_vars },
	{ "meeting", "first meeting scheduled or moved (with .ics)",
	    meeting_vars },
	{ "meeting_cancelled", "first meeting cancelled (with .ics)",
	    meeting_cancelled_vars },
	{ "roadmap", "the roadmap sent to the holder and the group",
	    roadmap_vars },
	{ "checkin", "a check-in scheduled", checkin_vars },
	{ "closing", "the support closed: thanks, testimonial request",
	    closing_vars },
	{ "withdrawn", "a case withdrawn", withdrawn_vars },
	{ "status", "reply to STATUT: the case summary", status_vars },
	{ "volunteer_accepted", "an applicant accepted: the charter to sign",
	    volunteer_accepted_vars },
	{ "volunteer_refused", "an applicant not retained",
	    volunteer_refused_vars },
	{ "untrusted_notice", "the referent told commands were not run for "
	    "lack of proof of the sender", untrusted_notice_vars },
};

#define NKNOWN	(sizeof(known) / sizeof(known[0]))

const char *const *
template_known_names(void)
{
	static const char *names[NKNOWN + 1];

	for (size_t i = 0; i < NKNOWN; i++)
		names[i] = known[i].name;
	names[NKNOWN] = NULL;
	return names;
}

static const struct known_template *
known_find(const char *name)
{
	for (size_t i = 0; i < NKNOWN; i++)
		if (strcmp(known[i].name, name) == 0)
			return &known[i];
	return NULL;
}

int
template_known_vars(const char *name, const char **out, size_t max)
{
	const struct known_template *k = known_find(name);
	size_t n = 0;

	if (k == NULL || max == 0)
		return -1;
	for (size_t i = 0; k->vars[i] && n + 1 < max; i++)
		out[n++] = k->vars[i];
	for (size_t i = 0; common_vars[i] && n + 1 < max; i++)
		out[n++] = common_vars[i];
	out[n] = NULL;
	return (int)n;
}

static int
known_has_var(const struct known_template *k, const char *var)
{
	for (size_t i = 0; k->vars[i]; i++)
		if (strcmp(k->vars[i], var) == 0)
			return 1;
	for (size_t i = 0; common_vars[i]; i++)
		if (strcmp(common_vars[i], var) == 0)
			return 1;
	return 0;
}

/* ---- Data model --------------------------------------------------------- */

enum tpl_kind { TPL_STR, TPL_BOOL, TPL_LIST, TPL_MAP };

struct tpl_value {
	char		 *name;
	enum tpl_kind	  kind;
	char		 *str;		/* TPL_STR */
	int		  b;		/* TPL_BOOL */
	struct tpl_data	**items;	/* TPL_LIST */
	size_t		  nitems, capitems;
	struct tpl_data	 *map;		/* TPL_MAP */
};

struct tpl_data {
	struct tpl_value *v;
	size_t		  n, cap;
};

struct tpl_data *
tpl_data_new(void)
{
	return xcalloc(1, sizeof(struct tpl_data));
}

static void
value_clear(struct tpl_value *v)
{
	free(v->str);
	v->str = NULL;
	for (size_t i = 0; i < v->nitems; i++)
		tpl_data_free(v->items[i]);
	free(v->items);
	v->items = NULL;
	v->nitems = v->capitems = 0;
	tpl_data_free(v->map);
	v->map = NULL;
	v->b = 0;
}

void
tpl_data_free(struct tpl_data *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n; i++) {
		value_clear(&d->v[i]);
		free(d->v[i].name);
	}
	free(d->v);
	free(d);
}

static int
name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

/* The slot for `name` in d, made if absent (kind TPL_STR, ""). */
static struct tpl_value *
tpl_slot(struct tpl_data *d, const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > TEMPLATE_MAX_NAME)
		fatalx("template data: bad name \"%s\"", name);
	for (size_t i = 0; i < len; i++)
		if (!name_char(name[i]))
			fatalx("template data: bad name \"%s\"", name);
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->v[i].name, name) == 0)
			return &d->v[i];
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 8;
		d->v = xrealloc(d->v, d->cap * sizeof(d->v[0]));
	}
	memset(&d->v[d->n], 0, sizeof(d->v[0]));
	d->v[d->n].name = xstrdup(name);
	d->v[d->n].kind = TPL_STR;
	return &d->v[d->n++];
}

void
tpl_set(struct tpl_data *d, const char *name, const char *value)
{
	struct tpl_value *v = tpl_slot(d, name);

	value_clear(v);
	v->kind = TPL_STR;
	v->str = xstrdup(value ? value : "");
}

void
tpl_setf(struct tpl_data *d, const char *name, const char *fmt, ...)
{
	struct buf b;
	va_list ap;

	buf_init(&b, 0);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	tpl_set(d, name, buf_str(&b));
	buf_free(&b);
}

void
tpl_set_int(struct tpl_data *d, const char *name, long long value)
{
	tpl_setf(d, name, "%lld", value);
}

void
tpl_set_bool(struct tpl_data *d, const char *name, int value)
{
	struct tpl_value *v = tpl_slot(d, name);

	value_clear(v);
	v->kind = TPL_BOOL;
	v->b = value != 0;
}

void
tpl_list_init(struct tpl_data *d, const char *name)
{
	struct tpl_value *v = tpl_slot(d, name);

	if (v->kind != TPL_LIST) {
		value_clear(v);
		v->kind = TPL_LIST;
	}
}

struct tpl_data *
tpl_list_add(struct tpl_data *d, const char *name)
{
	struct tpl_value *v = tpl_slot(d, name);

	if (v->kind != TPL_LIST) {
		value_clear(v);
		v->kind = TPL_LIST;
	}
	if (v->nitems == v->capitems) {
		v->capitems = v->capitems ? 2 * v->capitems : 4;
		v->items = xrealloc(v->items, v->capitems *
		    sizeof(v->items[0]));
	}
	v->items[v->nitems] = tpl_data_new();
	return v->items[v->nitems++];
}

struct tpl_data *
tpl_map(struct tpl_data *d, const char *name)
{
	struct tpl_value *v = tpl_slot(d, name);

	if (v->kind != TPL_MAP) {
		value_clear(v);
		v->kind = TPL_MAP;
		v->map = tpl_data_new();
	}
	return v->map;
}

/* ---- Parsed templates --------------------------------------------------- */

enum node_kind {
	NODE_TEXT,
	NODE_VAR,	/* {{name}} */
	NODE_RAW,	/* {{{name}}}, {{&name}} */
	NODE_SECTION,	/* {{#name}} */
	NODE_INVERTED,	/* {{^name}} */
	NODE_PARTIAL	/* {{>name}} */
};

struct node;

struct nodes {
	struct node	*v;
	size_t		 n, cap;
};

struct node {
	enum node_kind	 kind;
	int		 line;
	char		*text;		/* TEXT: the text; else the name */
	size_t		 len;
	struct nodes	 kids;		/* SECTION, INVERTED */
};

struct template {
	char		*name;
	char		*path;
	int		 partial;
	struct nodes	 subject;
	struct nodes	 body;
};

struct template_set {
	char		*dir;		/* DIR/fr */
	struct template	*t;
	size_t		 n;
};

static void
nodes_free(struct nodes *ns)
{
	for (size_t i = 0; i < ns->n; i++) {
		free(ns->v[i].text);
		nodes_free(&ns->v[i].kids);
	}
	free(ns->v);
	ns->v = NULL;
	ns->n = ns->cap = 0;
}

static struct node *
nodes_add(struct nodes *ns, enum node_kind kind, int line)
{
	if (ns->n == ns->cap) {
		ns->cap = ns->cap ? 2 * ns->cap : 8;
		ns->v = xrealloc(ns->v, ns->cap * sizeof(ns->v[0]));
	}
	memset(&ns->v[ns->n], 0, sizeof(ns->v[0]));
	ns->v[ns->n].kind = kind;
	ns->v[ns->n].line = line;
	return &ns->v[ns->n++];
}

void
template_set_free(struct template_set *set)
{
	if (set == NULL)
		return;
	for (size_t i = 0; i < set->n; i++) {
		free(set->t[i].name);
		free(set->t[i].path);
		nodes_free(&set->t[i].subject);
		nodes_free(&set->t[i].body);
	}
	free(set->t);
	free(set->dir);
	free(set);
}

static const struct template *
set_find(const struct template_set *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->t[i].name, name) == 0)
			return &set->t[i];
	return NULL;
}

int
template_exists(const struct template_set *set, const char *name)
{
	return set != NULL && set_find(set, name) != NULL;
}

/* ---- Parser ------------------------------------------------------------- */

enum tag_kind {
	TAG_VAR, TAG_RAW, TAG_SECTION, TAG_INVERTED, TAG_CLOSE, TAG_COMMENT,
	TAG_PARTIAL
};

struct parser {
	const char	*path;
	const char	*src;		/* the segment being parsed */
	size_t		 len;
	size_t		 pos;		/* next byte to scan (all before it
					 * is emitted) */
	int		 line;		/* line number at pos */
	int		 inline_only;	/* no standalone lines (the subject) */
	char		*err;
	size_t		 errlen;
};

static int parse_error(struct parser *, int, const char *, ...)
	__attribute__((format(printf, 3, 4)));

static int
parse_error(struct parser *p, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%d: %s", p->path, line, msg);
	return -1;
}

static int
count_lines(const char *s, size_t from, size_t to)
{
	int n = 0;

	for (size_t i = from; i < to; i++)
		if (s[i] == '\n')
			n++;
	return n;
}

/* A valid name: segments of [A-Za-z0-9_] joined by single dots. */
static int
valid_name(const char *s, size_t n)
{
	if (n == 0 || n > TEMPLATE_MAX_NAME || s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.' && s[i + 1] == '.')
			return 0;
		if (s[i] != '.' && !name_char(s[i]))
			return 0;
	}
	return 1;
}

/* Shows a tag in an error message: at most 40 bytes, on one line. */
static void
tag_excerpt(const char *s, size_t n, char *out, size_t outlen)
{
	size_t k = 0;

	for (size_t i = 0; i < n && i < 40 && k + 4 < outlen; i++)
		out[k++] = (s[i] == '\n' || s[i] == '\t') ? ' ' : s[i];
	if (n > 40 && k + 4 < outlen) {
		memcpy(out + k, "...", 3);
		k += 3;
	}
	out[k] = '\0';
}

/*
 * Reads the tag at p->src[t] ("{{"), at line `line`.  Sets its kind, name
 * (start, length) and end (just past the closing braces).
 */
static int
parse_tag(struct parser *p, size_t t, int line, enum tag_kind *kind,
    size_t *name, size_t *namelen, size_t *end)
{
	const char *s = p->src;
	const char *close = "}}";
	size_t q = t + 2, e, a, b;
	char ex[64];

	*kind = TAG_VAR;
	*name = *namelen = *end = 0;
	if (q < p->len) {
		switch (s[q]) {
		case '#': *kind = TAG_SECTION; break;
		case '^': *kind = TAG_INVERTED; break;
		case '/': *kind = TAG_CLOSE; break;
		case '!': *kind = TAG_COMMENT; break;
		case '&': *kind = TAG_RAW; break;
		case '>': *kind = TAG_PARTIAL; break;
		case '{': *kind = TAG_RAW; close = "}}}"; break;
		default: q--; break;
		}
		q++;
	}
	if (*kind == TAG_COMMENT) {
		const char *c = memmem(s + q, p->len - q, "}}", 2);

		if (c == NULL)
			return parse_error(p, line, "unterminated comment "
			    "{{! (no closing }})");
		*name = q;
		*namelen = 0;
		*end = (size_t)(c - s) + 2;
		return 0;
	}
	/* Other tags end on their own line. */
	for (e = q; e < p->len && s[e] != '\n'; e++)
		if (strncmp(s + e, close, strlen(close)) == 0)
			break;
	if (e >= p->len || s[e] == '\n') {
		tag_excerpt(s + t, e - t, ex, sizeof(ex));
		return parse_error(p, line, "unterminated tag %s (no closing "
		    "%s on this line)", ex, close);
	}
	for (a = q; a < e && (s[a] == ' ' || s[a] == '\t'); a++)
		;
	for (b = e; b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'); b--)
		;
	if (!valid_name(s + a, b - a)) {
		tag_excerpt(s + t, e + strlen(close) - t, ex, sizeof(ex));
		return parse_error(p, line, "bad tag %s (a name is letters, "
		    "digits, _ and dots)", ex);
	}
	*name = a;
	*namelen = b - a;
	*end = e + strlen(close);
	return 0;
}

/* Text from p->pos to `to`.  A "}}" in it is an error: it is what is
 * left of a comment that held "}}" (a comment ends at the first one). */
static int
emit_text(struct parser *p, struct nodes *out, size_t to)
{
	const char *stray;
	struct node *n;

	if (to <= p->pos)
		return 0;
	stray = memmem(p->src + p->pos, to - p->pos, "}}", 2);
	if (stray != NULL)
		return parse_error(p, p->line + count_lines(p->src, p->pos,
		    (size_t)(stray - p->src)), "stray }} outside a tag (a "
		    "comment ends at its first }})");
	n = nodes_add(out, NODE_TEXT, p->line);
	n->text = xstrndup(p->src + p->pos, to - p->pos);
	n->len = to - p->pos;
	return 0;
}

/*
 * Parses nodes into `out` until the end of the segment (open == NULL) or
 * the {{/open}} that closes the section opened at open_line.
 */
static int
parse_nodes(struct parser *p, struct nodes *out, const char *open,
    int open_line, int depth)
{
	const char *s = p->src;

	for (;;) {
		const char *hit = p->pos < p->len ? memmem(s + p->pos,
		    p->len - p->pos, "{{", 2) : NULL;
		enum tag_kind kind;
		size_t t, name, namelen, end, ls, e, next;
		int line, standalone;
		char *nm;

		if (hit == NULL) {
			if (emit_text(p, out, p->len) != 0)
				return -1;
			p->line += count_lines(s, p->pos, p->len);
			p->pos = p->len;
			if (open != NULL)
				return parse_error(p, open_line, "unclosed "
				    "section {{#%s}} (no {{/%s}})", open, open);
			return 0;
		}
		t = (size_t)(hit - s);
		line = p->line + count_lines(s, p->pos, t);
		if (parse_tag(p, t, line, &kind, &name, &namelen, &end) != 0)
			return -1;

		/* Standalone: only blanks around the tag on its line(s). */
		standalone = 0;
		ls = t;
		e = end;
		if (!p->inline_only && kind != TAG_VAR && kind != TAG_RAW) {
			while (ls > p->pos && (s[ls - 1] == ' ' ||
			    s[ls - 1] == '\t'))
				ls--;
			while (e < p->len && (s[e] == ' ' || s[e] == '\t'))
				e++;
			standalone = (ls == 0 || s[ls - 1] == '\n') &&
			    (e == p->len || s[e] == '\n');
		}
		if (!standalone)
			ls = t;
		if (emit_text(p, out, ls) != 0)
			return -1;
		next = standalone ? (e < p->len ? e + 1 : e) : end;
		p->line = line + count_lines(s, t, next);
		p->pos = next;

		nm = xstrndup(s + name, namelen);
		switch (kind) {
		case TAG_COMMENT:
			free(nm);
			break;
		case TAG_VAR:
		case TAG_RAW:
		case TAG_PARTIAL: {
			struct node *n = nodes_add(out, kind == TAG_VAR ?
			    NODE_VAR : kind == TAG_RAW ? NODE_RAW :
			    NODE_PARTIAL, line);

			n->text = nm;
			break;
		}
		case TAG_SECTION:
		case TAG_INVERTED: {
			struct nodes kids = { NULL, 0, 0 };
			struct node *n;

			if (depth + 1 > TEMPLATE_MAX_DEPTH) {
				parse_error(p, line, "sections nested more "
				    "than %d deep", TEMPLATE_MAX_DEPTH);
				free(nm);
				return -1;
			}
			if (parse_nodes(p, &kids, nm, line, depth + 1) != 0) {
				nodes_free(&kids);
				free(nm);
				return -1;
			}
			n = nodes_add(out, kind == TAG_SECTION ?
			    NODE_SECTION : NODE_INVERTED, line);
			n->text = nm;
			n->kids = kids;
			break;
		}
		case TAG_CLOSE:
			if (open == NULL) {
				parse_error(p, line, "{{/%s}} closes no open "
				    "section", nm);
				free(nm);
				return -1;
			}
			if (strcmp(nm, open) != 0) {
				parse_error(p, line, "{{/%s}} does not match "
				    "{{#%s}} opened at line %d", nm, open,
				    open_line);
				free(nm);
				return -1;
			}
			free(nm);
			return 0;
		}
	}
}

static int
parse_segment(const char *path, const char *src, size_t len, int line,
    int inline_only, struct nodes *out, char *err, size_t errlen)
{
	struct parser p = {
		.path = path, .src = src, .len = len, .line = line,
		.inline_only = inline_only, .err = err, .errlen = errlen,
	};

	if (parse_nodes(&p, out, NULL, 0, 0) != 0) {
		nodes_free(out);
		return -1;
	}
	return 0;
}

/*
 * Cleans a file's text in place: UTF-8 checked (no NUL), BOM dropped,
 * CRLF and lone CR become LF.  Returns the new length or -1 (err set).
 */
static long
normalize_text(const char *path, char *s, size_t len, char *err,
    size_t errlen)
{
	size_t i = 0, k = 0;
	int line = 1;

	if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t n;

		if (c == '\0') {
			snprintf(err, errlen, "%s:%d: NUL byte in a template",
			    path, line);
			return -1;
		}
		if (c == '\r') {
			s[k++] = '\n';
			line++;
			i += (i + 1 < len && s[i + 1] == '\n') ? 2 : 1;
			continue;
		}
		if (c == '\n')
			line++;
		n = c < 0x80 ? 1 : charset_utf8_seq(s + i, len - i);
		if (n == 0) {
			snprintf(err, errlen, "%s:%d: not valid UTF-8 (save "
			    "the file as UTF-8)", path, line);
			return -1;
		}
		memmove(s + k, s + i, n);
		k += n;
		i += n;
	}
	s[k] = '\0';
	return (long)k;
}

static int
blank_to_eol(const char *s, size_t i, size_t len, size_t *eol)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	*eol = i;
	return i == len || s[i] == '\n';
}

/* Parses one template file (text normalised) into t. */
static int
template_parse(struct template *t, const char *s, size_t len, char *err,
    size_t errlen)
{
	size_t i = 0, eol, subj, subj_end;
	int line = 1;

	if (t->partial)
		return parse_segment(t->path, s, len, 1, 0, &t->body, err,
		    errlen);

	/* Blank lines and {{! documentation }} before the Subject line. */
	for (;;) {
		size_t j = i;

		while (j < len && (s[j] == ' ' || s[j] == '\t'))
			j++;
		if (j < len && s[j] == '\n') {
			i = j + 1;
			line++;
			continue;
		}
		if (j + 3 <= len && memcmp(s + j, "{{!", 3) == 0) {
			const char *c = memmem(s + j, len - j, "}}", 2);

			if (c == NULL) {
				snprintf(err, errlen, "%s:%d: unterminated "
				    "comment {{! (no closing }})", t->path,
				    line);
				return -1;
			}
			line += count_lines(s, j, (size_t)(c - s));
			if (!blank_to_eol(s, (size_t)(c - s) + 2, len, &eol)) {
				snprintf(err, errlen, "%s:%d: expected the end "
				    "of the line after a comment before the "
				    "Subject line", t->path, line);
				return -1;
			}
			i = eol < len ? eol + 1 : eol;
			if (eol < len)
				line++;
			continue;
		}
		break;
	}
	if (len - i < 8 || strncasecmp(s + i, "Subject:", 8) != 0) {
		snprintf(err, errlen, "%s:%d: expected \"Subject: ...\" as the "
		    "first line", t->path, line);
		return -1;
	}
	subj = i + 8;
	while (subj < len && (s[subj] == ' ' || s[subj] == '\t'))
		subj++;
	for (subj_end = subj; subj_end < len && s[subj_end] != '\n';
	    subj_end++)
		;
	if (subj_end == subj) {
		snprintf(err, errlen, "%s:%d: empty Subject", t->path, line);
		return -1;
	}
	if (parse_segment(t->path, s + subj, subj_end - subj, line, 1,
	    &t->subject, err, errlen) != 0)
		return -1;
	if (subj_end >= len || !blank_to_eol(s, subj_end + 1, len, &eol) ||
	    eol >= len) {
		snprintf(err, errlen, "%s:%d: expected a blank line after the "
		    "Subject line, then the body", t->path, line + 1);
		return -1;
	}
	return parse_segment(t->path, s + eol + 1, len - eol - 1, line + 2, 0,
	    &t->body, err, errlen);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
add_error(struct buf *errs, const char *msg)
{
	if (errs->len)
		buf_addc(errs, '\n');
	buf_adds(errs, msg);
}

/* Every {{> name}} must name a template of the set. */
static void
check_partials(const struct template_set *set, const struct template *t,
    const struct nodes *ns, struct buf *errs)
{
	char msg[512];

	for (size_t i = 0; i < ns->n; i++) {
		const struct node *n = &ns->v[i];

		if (n->kind == NODE_PARTIAL && set_find(set, n->text) == NULL) {
			snprintf(msg, sizeof(msg), "%s:%d: unknown partial "
			    "{{> %s}} (no %s.txt in %s)", t->path, n->line,
			    n->text, n->text, set->dir);
			add_error(errs, msg);
		}
		check_partials(set, t, &n->kids, errs);
	}
}

static int
template_name_ok(const char *s, size_t n)
{
	if (n == 0 || n > TEMPLATE_MAX_NAME)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' &&
		    s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

int
template_load_dir(const char *dir, struct template_set **out, char *err,
    size_t errlen)
{
	struct template_set *set = xcalloc(1, sizeof(*set));
	struct buf errs;
	char **names = NULL, msg[1024];
	size_t nnames = 0, cap = 0;
	struct dirent *de;
	DIR *d = NULL;
	int rc = -1;

	*out = NULL;
	buf_init(&errs, 0);
	set->dir = xasprintf("%s/%s", dir, TEMPLATE_LANG);
	d = opendir(set->dir);
	if (d == NULL) {
		snprintf(msg, sizeof(msg), "%s: %s", set->dir,
		    strerror(errno));
		add_error(&errs, msg);
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);

		if (de->d_name[0] == '.' || n < 5 ||
		    strcmp(de->d_name + n - 4, ".txt") != 0)
			continue;
		if (nnames == cap) {
			cap = cap ? 2 * cap : 16;
			names = xrealloc(names, cap * sizeof(names[0]));
		}
		names[nnames++] = xstrdup(de->d_name);
		if (nnames > TEMPLATE_MAX_FILES) {
			snprintf(msg, sizeof(msg), "%s: more than %d templates",
			    set->dir, TEMPLATE_MAX_FILES);
			add_error(&errs, msg);
			goto out;
		}
	}
	if (nnames)
		qsort(names, nnames, sizeof(names[0]), cmp_str);
	set->t = xcalloc(nnames ? nnames : 1, sizeof(set->t[0]));

	for (size_t i = 0; i < nnames; i++) {
		struct template *t = &set->t[set->n];
		char *text = NULL;
		size_t len = 0;
		long nlen;

		memset(t, 0, sizeof(*t));
		t->path = xasprintf("%s/%s", set->dir, names[i]);
		t->name = xstrndup(names[i], strlen(names[i]) - 4);
		t->partial = t->name[0] == '_';
		msg[0] = '\0';
		if (!template_name_ok(t->name, strlen(t->name)))
			snprintf(msg, sizeof(msg), "%s: a template name is "
			    "lower-case letters, digits and _", t->path);
		else if (fileio_read(t->path, TEMPLATE_MAX_SIZE, 0, &text, &len, NULL,
		    msg, sizeof(msg)) == 0 &&
		    (nlen = normalize_text(t->path, text, len, msg,
		    sizeof(msg))) >= 0)
			(void)template_parse(t, text, (size_t)nlen, msg,
			    sizeof(msg));
		free(text);
		if (msg[0] != '\0') {
			add_error(&errs, msg);
			free(t->name);
			free(t->path);
			nodes_free(&t->subject);
			nodes_free(&t->body);
			continue;
		}
		set->n++;
	}
	if (errs.len == 0)
		for (size_t i = 0; i < set->n; i++) {
			check_partials(set, &set->t[i], &set->t[i].subject,
			    &errs);
			check_partials(set, &set->t[i], &set->t[i].body,
			    &errs);
		}
	if (errs.len == 0) {
		*out = set;
		set = NULL;
		rc = 0;
	}
out:
	if (rc != 0)
		snprintf(err, errlen, "%s", buf_str(&errs));
	buf_free(&errs);
	if (d)
		closedir(d);
	for (size_t i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	template_set_free(set);
	return rc;
}

/* ---- Checking names ----------------------------------------------------- */

struct checker {
	const struct template_set	*set;
	const struct known_template	*k;
	const struct template		*top;	/* the template checked */
	struct buf			*errs;
};

/* The known list of k, for messages: "a, b, c". */
static void
known_list(const struct known_template *k, struct buf *b)
{
	size_t n = 0;

	for (size_t i = 0; k->vars[i]; i++)
		buf_printf(b, "%s%s", n++ ? ", " : "", k->vars[i]);
	for (size_t i = 0; common_vars[i]; i++)
		buf_printf(b, "%s%s", n++ ? ", " : "", common_vars[i]);
}

/*
 * Walks ns with the qualified names of the enclosing sections in
 * scope[0..depth) and reports every name the table does not allow.
 */
static void
check_nodes(struct checker *c, const struct template *t,
    const struct nodes *ns, char **scope, int depth, int partials)
{
	for (size_t i = 0; i < ns->n; i++) {
		const struct node *n = &ns->v[i];
		char *qual = NULL;

		if (n->kind == NODE_TEXT)
			continue;
		if (n->kind == NODE_PARTIAL) {
			const struct template *pt = set_find(c->set, n->text);
			struct buf m;

			if (pt == NULL)
				continue;	/* reported by the loader */
			if (partials >= TEMPLATE_MAX_PARTIALS) {
				buf_init(&m, 0);
				buf_printf(&m, "%s:%d: partials nested more "
				    "than %d deep (does {{> %s}} include "
				    "itself?)", t->path, n->line,
				    TEMPLATE_MAX_PARTIALS, n->text);
				add_error(c->errs, buf_str(&m));
				buf_free(&m);
				continue;
			}
			check_nodes(c, pt, &pt->body, scope, depth,
			    partials + 1);
			continue;
		}
		for (int d = depth; d >= 0 && qual == NULL; d--) {
			char *cand = d ? xasprintf("%s.%s", scope[d - 1],
			    n->text) : xstrdup(n->text);

			if (known_has_var(c->k, cand))
				qual = cand;
			else
				free(cand);
		}
		if (qual == NULL) {
			struct buf m;

			buf_init(&m, 0);
			buf_printf(&m, "%s:%d: unknown placeholder {{%s}}",
			    t->path, n->line, n->text);
			if (t != c->top)
				buf_printf(&m, " in %s", c->top->name);
			buf_adds(&m, " (known: ");
			known_list(c->k, &m);
			buf_adds(&m, ")");
			add_error(c->errs, buf_str(&m));
			buf_free(&m);
			qual = xstrdup(n->text);
		}
		if (n->kind == NODE_SECTION || n->kind == NODE_INVERTED) {
			scope[depth] = qual;
			check_nodes(c, t, &n->kids, scope, depth + 1, partials);
		}
		free(qual);
	}
}

int
template_check_names(const struct template_set *set, char *err,
    size_t errlen)
{
	/* Section depth per file x files in a partial chain, plus one. */
	char *scope[TEMPLATE_MAX_DEPTH * (TEMPLATE_MAX_PARTIALS + 1) + 1];
	struct buf errs, m;
	int rc;

	buf_init(&errs, 0);
	for (size_t i = 0; i < NKNOWN; i++)
		if (set_find(set, known[i].name) == NULL) {
			buf_init(&m, 0);
			buf_printf(&m, "%s/%s.txt: missing template (%s)",
			    set->dir, known[i].name, known[i].purpose);
			add_error(&errs, buf_str(&m));
			buf_free(&m);
		}
	for (size_t i = 0; i < set->n; i++) {
		const struct template *t = &set->t[i];
		struct checker c = { set, known_find(t->name), t, &errs };

		if (c.k == NULL) {
			buf_init(&m, 0);
			buf_printf(&m, "%s: not a template the daemon sends "
			    "(known: ", t->path);
			for (size_t j = 0; j < NKNOWN; j++)
				buf_printf(&m, "%s%s", j ? ", " : "",
				    known[j].name);
			buf_adds(&m, ")");
			add_error(&errs, buf_str(&m));
			buf_free(&m);
			continue;
		}
		check_nodes(&c, t, &t->subject, scope, 0, 0);
		check_nodes(&c, t, &t->body, scope, 0, 0);
	}
	rc = errs.len ? -1 : 0;
	if (rc != 0)
		snprintf(err, errlen, "%s", buf_str(&errs));
	buf_free(&errs);
	return rc;
}

/* ---- Rendering ---------------------------------------------------------- */

#define RENDER_MAX_SCOPE (TEMPLATE_MAX_DEPTH * (TEMPLATE_MAX_PARTIALS + 1) + 1)

struct render {
	const struct template_set *set;
	struct buf		 out;
	int			 html;
	const struct tpl_data	*scope[RENDER_MAX_SCOPE];
	int			 depth;
	int			 partials;
	const char		*name;		/* template rendered */
	char			*err;
	size_t			 errlen;
};

static const struct tpl_value *
data_get(const struct tpl_data *d, const char *name, size_t n)
{
	for (size_t i = 0; i < d->n; i++)
		if (strlen(d->v[i].name) == n &&
		    memcmp(d->v[i].name, name, n) == 0)
			return &d->v[i];
	return NULL;
}

/* Mustache lookup: the first segment in the innermost scope that has it,
 * then down through maps. */
static const struct tpl_value *
lookup(const struct render *r, const char *name)
{
	const char *dot = strchr(name, '.');
	size_t n = dot ? (size_t)(dot - name) : strlen(name);
	const struct tpl_value *v = NULL;

	for (int d = r->depth - 1; d >= 0 && v == NULL; d--)
		v = data_get(r->scope[d], name, n);
	while (v != NULL && dot != NULL) {
		name = dot + 1;
		dot = strchr(name, '.');
		n = dot ? (size_t)(dot - name) : strlen(name);
		v = v->kind == TPL_MAP ? data_get(v->map, name, n) : NULL;
	}
	return v;
}

static int
truthy(const struct tpl_value *v)
{
	if (v == NULL)
		return 0;
	switch (v->kind) {
	case TPL_STR: return v->str[0] != '\0';
	case TPL_BOOL: return v->b;
	case TPL_LIST: return v->nitems > 0;
	case TPL_MAP: return 1;
	}
	return 0;
}

static void
add_escaped(struct buf *b, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '&': buf_adds(b, "&amp;"); break;
		case '<': buf_adds(b, "&lt;"); break;
		case '>': buf_adds(b, "&gt;"); break;
		case '"': buf_adds(b, "&quot;"); break;
		case '\'': buf_adds(b, "&#39;"); break;
		default: buf_addc(b, *s); break;
		}
}

static int render_nodes(struct render *, const struct nodes *, int);

static int
push_render(struct render *r, const struct tpl_data *d,
    const struct nodes *kids, int html)
{
	int rc;

	if (r->depth >= RENDER_MAX_SCOPE) {
		snprintf(r->err, r->errlen, "template %s: scopes nested too "
		    "deeply", r->name);
		return -1;
	}
	r->scope[r->depth++] = d;
	rc = render_nodes(r, kids, html);
	r->depth--;
	return rc;
}

static int
render_nodes(struct render *r, const struct nodes *ns, int html)
{
	for (size_t i = 0; i < ns->n; i++) {
		const struct node *n = &ns->v[i];
		const struct tpl_value *v = n->kind == NODE_TEXT ||
		    n->kind == NODE_PARTIAL ? NULL : lookup(r, n->text);

		switch (n->kind) {
		case NODE_TEXT:
			buf_add(&r->out, n->text, n->len);
			break;
		case NODE_VAR:
		case NODE_RAW:
			if (v == NULL || v->kind != TPL_STR)
				break;
			if (html && n->kind == NODE_VAR)
				add_escaped(&r->out, v->str);
			else
				buf_adds(&r->out, v->str);
			break;
		case NODE_SECTION:
			if (!truthy(v))
				break;
			if (v->kind == TPL_LIST) {
				for (size_t j = 0; j < v->nitems; j++)
					if (push_render(r, v->items[j],
					    &n->kids, html) != 0)
						return -1;
			} else if (v->kind == TPL_MAP) {
				if (push_render(r, v->map, &n->kids,
				    html) != 0)
					return -1;
			} else if (render_nodes(r, &n->kids, html) != 0)
				return -1;
			break;
		case NODE_INVERTED:
			if (!truthy(v) && render_nodes(r, &n->kids, html) != 0)
				return -1;
			break;
		case NODE_PARTIAL: {
			const struct template *pt = set_find(r->set, n->text);

			if (pt == NULL)
				break;
			if (r->partials >= TEMPLATE_MAX_PARTIALS) {
				snprintf(r->err, r->errlen, "template %s: "
				    "partials nested more than %d deep", r->name,
				    TEMPLATE_MAX_PARTIALS);
				return -1;
			}
			r->partials++;
			if (render_nodes(r, &pt->body, html) != 0)
				return -1;
			r->partials--;
			break;
		}
		}
		if (r->out.overflow) {
			snprintf(r->err, r->errlen, "template %s: output larger "
			    "than %d bytes", r->name, TEMPLATE_MAX_OUTPUT);
			return -1;
		}
	}
	return 0;
}

int
template_render(const struct template_set *set, const char *name,
    const struct tpl_data *data, int html, char **subject, char **body,
    char *err, size_t errlen)
{
	const struct template *t = set ? set_find(set, name) : NULL;
	struct tpl_data *empty = NULL;
	struct render r;
	char *subj = NULL;
	int rc = -1;

	*subject = *body = NULL;
	memset(&r, 0, sizeof(r));
	buf_init(&r.out, TEMPLATE_MAX_OUTPUT);
	if (t == NULL) {
		snprintf(err, errlen, "no template %s", name);
		goto out;
	}
	if (data == NULL)
		data = empty = tpl_data_new();
	r.set = set;
	r.name = name;
	r.err = err;
	r.errlen = errlen;
	r.scope[r.depth++] = data;
	if (render_nodes(&r, &t->subject, 0) != 0)
		goto out;
	subj = charset_clean_line(buf_str(&r.out));
	buf_reset(&r.out);
	if (render_nodes(&r, &t->body, html) != 0)
		goto out;
	while (r.out.len > 0 && (r.out.data[r.out.len - 1] == '\n' ||
	    r.out.data[r.out.len - 1] == ' ' ||
	    r.out.data[r.out.len - 1] == '\t'))
		r.out.data[--r.out.len] = '\0';
	if (r.out.len > 0)
		buf_addc(&r.out, '\n');
	if (r.out.overflow) {
		snprintf(err, errlen, "template %s: output larger than %d "
		    "bytes", name, TEMPLATE_MAX_OUTPUT);
		goto out;
	}
	*subject = subj;
	subj = NULL;
	*body = buf_steal(&r.out);
	rc = 0;
out:
	free(subj);
	buf_free(&r.out);
	tpl_data_free(empty);
	return rc;
}
