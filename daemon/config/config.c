/*
 * config.c — the keys of coupdepouce.conf and loading it: the table of
 * keys, the checks of their values, defaults, passwords; see config.h.
 *
 * Keys are described by one table (section, key, type, field, default), so
 * parsing, defaults, validation and config_dump() cannot drift apart.
 * Unknown sections and keys are errors: a typo must not silently fall back to
 * a default.  All problems of a file are reported at once.  The INI syntax
 * itself is ini.c's, the reading of typed values value.c's.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/addr.h"
#include "base/buf.h"
#include "base/fileio.h"
#include "base/log.h"
#include "base/mem.h"
#include "config/config.h"
#include "config/datadir.h"
#include "config/ini.h"
#include "config/value.h"

#define CONFIG_MAX_LINE		4096
#define CONFIG_MAX_SIZE		(1024 * 1024)
#define CONFIG_MAX_SECRET	4096

enum conf_type {
	T_STR,		/* non-empty string */
	T_STR0,		/* string, may be empty */
	T_PATH,		/* resolved against the config folder */
	T_EMAIL,
	T_EMAILS,	/* comma-separated list of addresses */
	T_NAMES,	/* comma-separated list of host names */
	T_BOOL,
	T_INT,		/* plain integer in [min, max] */
	T_SECS,		/* 30, 30s, 5m, 2h */
	T_DAYS,		/* 7, 7d */
	T_DAYLIST,	/* "7, 1" */
	T_SIZE,		/* 25M, 512k, bytes */
	T_HOURS,	/* 08:00-20:00 */
	T_TIME,		/* 08:00, minutes after midnight */
	T_WEEKDAY,	/* lundi / monday: 1 (Monday) to 7 (Sunday) */
	T_TZ,
	T_IMAPURL,
	T_SMTPURL,
	T_SECRET	/* inline password */
};

struct conf_key {
	const char	*section;
	const char	*key;
	enum conf_type	 type;
	size_t		 off;		/* field in struct config */
	const char	*def;		/* NULL = required or computed */
	long		 min, max;
	int		 required;
};

#define F(field) offsetof(struct config, field)

static const struct conf_key conf_keys[] = {
	{ "network", "name", T_STR, F(network.name),
	    "Coup de pouce Livradois-Forez", 0, 0, 0 },
	{ "network", "contact", T_EMAIL, F(network.contact), NULL, 0, 0, 1 },
	{ "network", "domain", T_STR, F(network.domain), NULL, 0, 0, 0 },
	{ "network", "timezone", T_TZ, F(network.timezone), "Europe/Paris",
	    0, 0, 0 },
	{ "network", "coordinators", T_EMAILS, F(network.coordinators), "",
	    0, 0, 0 },
	{ "network", "authserv_id", T_NAMES, F(network.authserv_id), "",
	    0, 0, 0 },
	{ "network", "secret_file", T_PATH, F(network.secret_file), NULL,
	    0, 0, 0 },
	{ "network", "working_hours", T_HOURS, F(network.work_start),
	    "08:00-20:00", 0, 0, 0 },
	{ "network", "max_auto_per_day", T_INT, F(network.max_auto_per_day),
	    "40", 1, 100000, 0 },
	{ "network", "max_open_cases", T_INT, F(network.max_open_cases),
	    "5", 1, 10000, 0 },

	{ "imap", "url", T_IMAPURL, F(imap.m.url), NULL, 0, 0, 1 },
	{ "imap", "user", T_STR0, F(imap.m.user), "", 0, 0, 0 },
	{ "imap", "password", T_SECRET, F(imap.m.password), NULL, 0, 0, 0 },
	{ "imap", "password_file", T_PATH, F(imap.m.password_file), NULL,
	    0, 0, 0 },
	{ "imap", "tls_verify", T_BOOL, F(imap.m.tls_verify), "yes", 0, 0, 0 },
	{ "imap", "ca_file", T_PATH, F(imap.m.ca_file), NULL, 0, 0, 0 },
	{ "imap", "timeout", T_SECS, F(imap.m.timeout), "60s", 1, 3600, 0 },
	{ "imap", "folder", T_STR, F(imap.folder), "INBOX", 0, 0, 0 },
	{ "imap", "processed_folder", T_STR, F(imap.processed_folder),
	    "Processed", 0, 0, 0 },
	{ "imap", "quarantine_folder", T_STR, F(imap.quarantine_folder),
	    "Quarantine", 0, 0, 0 },
	{ "imap", "sent_folder", T_STR0, F(imap.sent_folder), "", 0, 0, 0 },
	{ "imap", "idle", T_BOOL, F(imap.idle), "yes", 0, 0, 0 },
	{ "imap", "poll_interval", T_SECS, F(imap.poll_interval), "60s",
	    5, 86400, 0 },
	{ "imap", "batch_size", T_INT, F(imap.batch_size), "100", 1, 10000,
	    0 },
	{ "imap", "max_message_size", T_SIZE, F(imap.max_message_size), "25M",
	    1024, 1L << 30, 0 },

	{ "smtp", "url", T_SMTPURL, F(smtp.m.url), NULL, 0, 0, 1 },
	{ "smtp", "user", T_STR0, F(smtp.m.user), "", 0, 0, 0 },
	{ "smtp", "password", T_SECRET, F(smtp.m.password), NULL, 0, 0, 0 },
	{ "smtp", "password_file", T_PATH, F(smtp.m.password_file), NULL,
	    0, 0, 0 },
	{ "smtp", "starttls", T_BOOL, F(smtp.starttls), "yes", 0, 0, 0 },
	{ "smtp", "tls_verify", T_BOOL, F(smtp.m.tls_verify), "yes", 0, 0, 0 },
	{ "smtp", "ca_file", T_PATH, F(smtp.m.ca_file), NULL, 0, 0, 0 },
	{ "smtp", "timeout", T_SECS, F(smtp.m.timeout), "60s", 1, 3600, 0 },
	{ "smtp", "from", T_EMAIL, F(smtp.from), NULL, 0, 0, 0 },
	{ "smtp", "max_per_minute", T_INT, F(smtp.max_per_minute), "60",
	    1, 100000, 0 },

	{ "storage", "database", T_PATH, F(storage.database), NULL, 0, 0, 0 },
	{ "storage", "keep_raw_days", T_DAYS, F(storage.keep_raw_days), "730",
	    0, 36500, 0 },

	{ "paths", "templates", T_PATH, F(paths.templates), "../templates",
	    0, 0, 0 },
	{ "paths", "rules", T_PATH, F(paths.rules), "rules", 0, 0, 0 },
	{ "paths", "people", T_PATH, F(paths.people), "people.csv", 0, 0, 0 },

	{ "timers", "referent_reminder", T_DAYS, F(timers.referent_reminder),
	    "7", 1, 365, 0 },
	{ "timers", "referent_flag", T_DAYS, F(timers.referent_flag), "14",
	    1, 365, 0 },
	{ "timers", "invitation_reminder", T_DAYS,
	    F(timers.invitation_reminder), "5", 1, 365, 0 },
	{ "timers", "invitation_expiry", T_DAYS, F(timers.invitation_expiry),
	    "10", 1, 365, 0 },
	{ "timers", "meeting_reminders", T_DAYLIST,
	    F(timers.meeting_reminders), "7, 1", 0, 365, 0 },
	{ "timers", "milestone_reminder", T_DAYS, F(timers.milestone_reminder),
	    "3", 0, 365, 0 },
	{ "timers", "inactivity_followup", T_DAYS,
	    F(timers.inactivity_followup), "45", 1, 3650, 0 },
	{ "timers", "inactivity_flag", T_DAYS, F(timers.inactivity_flag), "90",
	    1, 3650, 0 },
	{ "timers", "digest_interval", T_DAYS, F(timers.digest_interval), "7",
	    1, 365, 0 },
	{ "timers", "digest_day", T_WEEKDAY, F(timers.digest_day), "monday",
	    0, 0, 0 },
	{ "timers", "digest_time", T_TIME, F(timers.digest_time), "08:00",
	    0, 0, 0 },
	{ "timers", "digest_referents", T_BOOL, F(timers.digest_referents),
	    "no", 0, 0, 0 },
	{ "timers", "testimony_delay", T_INT, F(timers.testimony_delay), "6",
	    0, 60, 0 },
};

#define NKEYS (sizeof(conf_keys) / sizeof(conf_keys[0]))

struct conf_parse {
	struct config	*cfg;
	const char	*path;
	struct buf	 errs;
	int		 nerr;
	int		 seen[NKEYS];	/* line where each key was set, 0 = unset */
	mode_t		 mode;		/* of the config file */
};

static void conf_error(struct conf_parse *, int, const char *, const char *,
    ...) __attribute__((format(printf, 4, 5)));

static void
conf_error(struct conf_parse *p, int line, const char *key, const char *fmt,
    ...)
{
	va_list ap;

	if (p->nerr++)
		buf_addc(&p->errs, '\n');
	if (line > 0)
		buf_printf(&p->errs, "%s:%d: %s: ", p->path, line, key);
	else
		buf_printf(&p->errs, "%s: %s: ", p->path, key);
	va_start(ap, fmt);
	buf_vprintf(&p->errs, fmt, ap);
	va_end(ap);
}

static void *
conf_field(struct config *cfg, const struct conf_key *k)
{
	return (char *)cfg + k->off;
}

static char *
resolve_path(const char *dir, const char *v)
{
	size_t n = dir ? strlen(dir) : 0;

	if (v[0] == '/' || n == 0 || strcmp(dir, ".") == 0)
		return xstrdup(v);
	return xasprintf("%s%s%s", dir, dir[n - 1] == '/' ? "" : "/", v);
}

static void
strlist_free(struct config_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

/* Where an address key keeps the display name written with it
 * ("Coup de pouce <a@b>"), or NULL if the key takes an address alone. */
static char **
conf_name_field(struct config *cfg, const struct conf_key *k)
{
	if (k->off == F(network.contact))
		return &cfg->network.contact_name;
	if (k->off == F(smtp.from))
		return &cfg->smtp.from_name;
	return NULL;
}

/* Sets one key from its text; reports problems against `line`. */
static void
conf_set(struct conf_parse *p, const struct conf_key *k, const char *v,
    int line)
{
	static const char *const secs_u[] = { "s", "m", "h", "d", NULL };
	static const long secs_m[] = { 1, 60, 3600, 86400 };
	static const char *const days_u[] = { "d", NULL };
	static const long days_m[] = { 1 };
	static const char *const size_u[] = { "k", "M", "G", NULL };
	static const long size_m[] = { 1024, 1024 * 1024, 1024 * 1024 * 1024 };
	void *f = conf_field(p->cfg, k);
	long n;

	switch (k->type) {
	case T_STR:
	case T_STR0:
	case T_SECRET:
		if (k->type == T_STR && *v == '\0') {
			conf_error(p, line, k->key, "must not be empty");
			return;
		}
		free(*(char **)f);
		*(char **)f = xstrdup(v);
		return;
	case T_PATH:
		if (*v == '\0') {
			conf_error(p, line, k->key, "must not be empty");
			return;
		}
		free(*(char **)f);
		*(char **)f = resolve_path(p->cfg->dir, v);
		return;
	case T_EMAIL: {
		char **name_f = conf_name_field(p->cfg, k), *name, *addr;

		if (value_mailbox(v, &name, &addr) != 0 || !addr_valid(addr)) {
			conf_error(p, line, k->key,
			    "'%s' is not an e-mail address", v);
		} else if (*name != '\0' && name_f == NULL) {
			conf_error(p, line, k->key,
			    "'%s': no display name here, the address alone", v);
		} else {
			free(*(char **)f);
			*(char **)f = addr;
			addr = NULL;
			if (name_f) {
				free(*name_f);
				*name_f = name;
				name = NULL;
			}
		}
		free(name);
		free(addr);
		return;
	}
	case T_EMAILS:
	case T_NAMES: {
		struct config_strlist *l = f;
		int email = k->type == T_EMAILS;
		char *copy = xstrdup(v), *save = NULL, *tok;

		strlist_free(l);
		for (tok = strtok_r(copy, ",", &save); tok;
		    tok = strtok_r(NULL, ",", &save)) {
			tok = ini_trim(tok);
			if (*tok == '\0')
				continue;
			if (email ? !addr_valid(tok) : !value_hostname_ok(tok)) {
				conf_error(p, line, k->key, "'%s' is not %s",
				    tok, email ? "an e-mail address" :
				    "a host name");
				continue;
			}
			l->items = xrealloc(l->items,
			    (l->n + 1) * sizeof(*l->items));
			l->items[l->n++] = xstrdup(tok);
		}
		free(copy);
		return;
	}
	case T_BOOL:
		if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") ||
		    !strcasecmp(v, "on") || !strcmp(v, "1"))
			*(int *)f = 1;
		else if (!strcasecmp(v, "no") || !strcasecmp(v, "false") ||
		    !strcasecmp(v, "off") || !strcmp(v, "0"))
			*(int *)f = 0;
		else
			conf_error(p, line, k->key,
			    "'%s' is not yes or no", v);
		return;
	case T_INT:
	case T_SECS:
	case T_DAYS:
	case T_SIZE: {
		int bad;

		if (k->type == T_INT)
			bad = value_scaled(v, (const char *const[]){ NULL },
			    NULL, &n);
		else if (k->type == T_SECS)
			bad = value_scaled(v, secs_u, secs_m, &n);
		else if (k->type == T_DAYS)
			bad = value_scaled(v, days_u, days_m, &n);
		else
			bad = value_scaled(v, size_u, size_m, &n);
		if (bad) {
			conf_error(p, line, k->key, "'%s' is not %s", v,
			    k->type == T_SECS ? "a duration (30s, 5m, 2h, 1d)" :
			    k->type == T_DAYS ? "a number of days" :
			    k->type == T_SIZE ? "a size (512k, 25M, 1G)" :
			    "a whole number");
			return;
		}
		if (n < k->min || n > k->max) {
			conf_error(p, line, k->key,
			    "%ld is out of range (%ld to %ld%s)", n, k->min,
			    k->max, k->type == T_SECS ? " seconds" :
			    k->type == T_DAYS ? " days" :
			    k->type == T_SIZE ? " bytes" : "");
			return;
		}
		if (k->type == T_SIZE)
			*(long *)f = n;
		else
			*(int *)f = (int)n;
		return;
	}
	case T_DAYLIST: {
		int *arr = f;
		size_t *count = (size_t *)((char *)p->cfg +
		    offsetof(struct config, timers.n_meeting_reminders));
		char *copy = xstrdup(v), *save = NULL, *tok;

		*count = 0;
		for (tok = strtok_r(copy, ",", &save); tok;
		    tok = strtok_r(NULL, ",", &save)) {
			tok = ini_trim(tok);
			if (value_scaled(tok, days_u, days_m, &n) || n > k->max) {
				conf_error(p, line, k->key,
				    "'%s' is not a number of days (0 to %ld)",
				    tok, k->max);
				break;
			}
			if (*count == CONFIG_MAX_REMINDERS) {
				conf_error(p, line, k->key,
				    "at most %d reminders", CONFIG_MAX_REMINDERS);
				break;
			}
			arr[(*count)++] = (int)n;
		}
		free(copy);
		return;
	}
	case T_HOURS: {
		/* The only T_HOURS key fills work_start and work_end. */
		int *start = &p->cfg->network.work_start;
		int *end = &p->cfg->network.work_end, a, b;
		const char *rest;

		if (value_hhmm(v, &a, &rest) || (rest = ini_trim((char *)rest),
		    *rest != '-') || value_hhmm(ini_trim((char *)rest + 1), &b,
		    &rest) || *rest != '\0' || a >= b) {
			conf_error(p, line, k->key,
			    "'%s' is not a time range like 08:00-20:00", v);
			return;
		}
		*start = a;
		*end = b;
		return;
	}
	case T_TIME: {
		const char *rest;
		int m;

		if (value_hhmm(v, &m, &rest) || *ini_trim((char *)rest) ||
		    m >= 24 * 60) {
			conf_error(p, line, k->key,
			    "'%s' is not a time like 08:00", v);
			return;
		}
		*(int *)f = m;
		return;
	}
	case T_WEEKDAY: {
		if (value_weekday(v, (int *)f) == 0)
			return;
		conf_error(p, line, k->key, "'%s' is not a day of the week "
		    "(monday to sunday, or lundi to dimanche)", v);
		return;
	}
	case T_TZ: {
		char *zf;

		if (*v == '\0' || v[0] == '/' || strstr(v, "..")) {
			conf_error(p, line, k->key, "'%s' is not a time zone",
			    v);
			return;
		}
		zf = xasprintf("/usr/share/zoneinfo/%s", v);
		if (access(zf, R_OK) != 0)
			conf_error(p, line, k->key, "unknown time zone '%s' "
			    "(no %s; is tzdata installed?)", v, zf);
		else {
			free(*(char **)f);
			*(char **)f = xstrdup(v);
		}
		free(zf);
		return;
	}
	case T_IMAPURL:
	case T_SMTPURL: {
		const char *a = k->type == T_IMAPURL ? "imap://" : "smtp://";
		const char *b = k->type == T_IMAPURL ? "imaps://" : "smtps://";

		if (strncasecmp(v, a, strlen(a)) != 0 &&
		    strncasecmp(v, b, strlen(b)) != 0) {
			conf_error(p, line, k->key, "'%s' must start with %s "
			    "or %s", v, a, b);
			return;
		}
		free(*(char **)f);
		*(char **)f = xstrdup(v);
		return;
	}
	}
}

static const struct conf_key *
conf_find(const char *section, const char *key, int *section_known)
{
	*section_known = 0;
	for (size_t i = 0; i < NKEYS; i++) {
		if (strcmp(conf_keys[i].section, section) != 0)
			continue;
		*section_known = 1;
		if (strcmp(conf_keys[i].key, key) == 0)
			return &conf_keys[i];
	}
	return NULL;
}

/* ini.h's handler: our sections and keys. */
static int
conf_on_section(void *arg, const char *name, int line)
{
	struct conf_parse *p = arg;
	int known;

	conf_find(name, "", &known);
	if (!known) {
		conf_error(p, line, name, "unknown section (network, imap, "
		    "smtp, storage, paths, timers)");
		return -1;
	}
	return 0;
}

static void
conf_on_key(void *arg, const char *section, const char *key,
    const char *val, int line)
{
	struct conf_parse *p = arg;
	const struct conf_key *k;
	int known;

	k = conf_find(section, key, &known);
	if (k == NULL) {
		conf_error(p, line, key, "unknown key in [%s]", section);
		return;
	}
	if (p->seen[k - conf_keys]) {
		conf_error(p, line, key, "set twice (first on line %d)",
		    p->seen[k - conf_keys]);
		return;
	}
	p->seen[k - conf_keys] = line;
	conf_set(p, k, val, line);
}

static void
conf_on_error(void *arg, int line, const char *what, const char *msg)
{
	conf_error(arg, line, what, "%s", msg);
}

static const struct ini_handler conf_ini = {
	conf_on_section, conf_on_key, conf_on_error
};

/* Reads a password file: first line, no trailing newline; refuses a file
 * others can read (msmtp's CONF_EINSECURE). */
static int
read_secret(const char *path, char **out, char *err, size_t errlen)
{
	char *text = NULL;
	size_t len = 0;

	if (fileio_read(path, CONFIG_MAX_SECRET, FILEIO_PRIVATE, &text, &len,
	    NULL, err, errlen) != 0)
		return -1;
	text[strcspn(text, "\r\n")] = '\0';
	*out = text;
	return 0;
}

static void
conf_resolve_password(struct conf_parse *p, const char *section,
    struct config_mail *m)
{
	int known;
	const struct conf_key *kpw = conf_find(section, "password", &known);
	const struct conf_key *kpf = conf_find(section, "password_file",
	    &known);
	int lpw = p->seen[kpw - conf_keys], lpf = p->seen[kpf - conf_keys];
	const char *credir = getenv("CREDENTIALS_DIRECTORY");
	char err[512];

	if (lpw && lpf) {
		conf_error(p, lpf, "password_file", "[%s] sets both password "
		    "(line %d) and password_file; keep one", section, lpw);
		return;
	}
	if (lpw) {
		m->password_line = lpw;
		if (p->mode & (S_IRWXG | S_IRWXO))
			conf_error(p, lpw, "password", "the file holds a "
			    "password but is readable by others (mode %04o); "
			    "chmod 600 it or use password_file",
			    (unsigned)(p->mode & 07777));
		return;
	}
	if (lpf) {
		m->password_line = lpf;
		if (read_secret(m->password_file, &m->password, err,
		    sizeof(err)) != 0)
			conf_error(p, lpf, "password_file", "%s", err);
		return;
	}
	if (credir && *credir) {
		/* systemd LoadCredential=imap-password:/etc/... */
		char *cf = xasprintf("%s/%s-password", credir, section);

		if (access(cf, F_OK) == 0 &&
		    read_secret(cf, &m->password, err, sizeof(err)) != 0)
			conf_error(p, 0, "password", "%s", err);
		free(cf);
	}
}

static void
conf_defaults(struct conf_parse *p)
{
	const char *statedir = getenv("STATE_DIRECTORY");
	const char *credir = getenv("CREDENTIALS_DIRECTORY");
	struct config *cfg = p->cfg;

	for (size_t i = 0; i < NKEYS; i++) {
		if (p->seen[i])
			continue;
		if (conf_keys[i].required) {
			conf_error(p, 0, conf_keys[i].key,
			    "required key missing in [%s]",
			    conf_keys[i].section);
			continue;
		}
		if (conf_keys[i].def)
			conf_set(p, &conf_keys[i], conf_keys[i].def, 0);
		/* Unset, they may be the installed ones (datadir.h). */
		if (conf_keys[i].off == F(paths.templates) ||
		    conf_keys[i].off == F(paths.rules))
			datadir_default(conf_field(cfg, &conf_keys[i]),
			    conf_keys[i].key);
	}
	/* Defaults that depend on other keys or on systemd's environment. */
	if (cfg->network.domain == NULL && cfg->network.contact)
		cfg->network.domain = xstrdup(strchr(cfg->network.contact,
		    '@') + 1);
	if (cfg->smtp.from == NULL && cfg->network.contact)
		cfg->smtp.from = xstrdup(cfg->network.contact);
	/* No name written with the address: From: shows [network] name. */
	if (cfg->network.contact_name == NULL)
		cfg->network.contact_name = xstrdup("");
	if (cfg->smtp.from_name == NULL)
		cfg->smtp.from_name = xstrdup("");
	if (cfg->storage.database == NULL)
		cfg->storage.database = statedir && *statedir ?
		    xasprintf("%s/coupdepouce.db", statedir) :
		    resolve_path(cfg->dir, "coupdepouce.db");
	if (cfg->network.secret_file == NULL)
		cfg->network.secret_file = credir && *credir ?
		    xasprintf("%s/secret", credir) :
		    resolve_path(cfg->dir, "secret");
}

int
config_load(const char *path, struct config **out, char *err, size_t errlen)
{
	struct conf_parse p;
	struct stat st;
	char *text = NULL, *slash, ferr[512];
	size_t len;
	int rc = -1;

	memset(&p, 0, sizeof(p));
	buf_init(&p.errs, 0);
	p.path = path;
	p.cfg = xcalloc(1, sizeof(*p.cfg));
	p.cfg->path = xstrdup(path);
	slash = strrchr(path, '/');
	p.cfg->dir = slash ? xstrndup(path, (size_t)(slash - path + (slash ==
	    path))) : xstrdup(".");

	if (fileio_read(path, CONFIG_MAX_SIZE, 0, &text, &len, &st, ferr,
	    sizeof(ferr)) != 0) {
		snprintf(err, errlen, "%s", ferr);
		goto out;
	}
	if (memchr(text, '\0', len)) {
		snprintf(err, errlen, "%s: contains a NUL byte; not a text "
		    "file", path);
		goto out;
	}
	p.mode = st.st_mode;
	ini_parse(text, CONFIG_MAX_LINE, &conf_ini, &p);
	conf_defaults(&p);
	conf_resolve_password(&p, "imap", &p.cfg->imap.m);
	conf_resolve_password(&p, "smtp", &p.cfg->smtp.m);
	if (p.nerr) {
		snprintf(err, errlen, "%s", buf_str(&p.errs));
		goto out;
	}
	*out = p.cfg;
	p.cfg = NULL;
	rc = 0;
out:
	free(text);
	buf_free(&p.errs);
	config_free(p.cfg);
	return rc;
}

int
config_check_credentials(const struct config *cfg, char *err, size_t errlen)
{
	static const char *const names[] = { "imap", "smtp" };
	const struct config_mail *ms[] = { &cfg->imap.m, &cfg->smtp.m };

	for (size_t i = 0; i < 2; i++) {
		if (ms[i]->user && *ms[i]->user && ms[i]->password == NULL) {
			snprintf(err, errlen, "%s: %s: [%s] user is set but no "
			    "password was found (set password_file, or the "
			    "systemd credential %s-password)", cfg->path,
			    "password", names[i], names[i]);
			return -1;
		}
	}
	return 0;
}

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < NKEYS; i++) {
		void *f = conf_field(cfg, &conf_keys[i]);

		switch (conf_keys[i].type) {
		case T_EMAILS: case T_NAMES:
			strlist_free(f);
			break;
		case T_STR: case T_STR0: case T_PATH: case T_EMAIL:
		case T_TZ: case T_IMAPURL: case T_SMTPURL: case T_SECRET:
			if (conf_keys[i].type == T_SECRET && *(char **)f)
				explicit_bzero(*(char **)f,
				    strlen(*(char **)f));
			free(*(char **)f);
			break;
		default:
			break;
		}
	}
	free(cfg->network.contact_name);
	free(cfg->smtp.from_name);
	free(cfg->path);
	free(cfg->dir);
	free(cfg);
}

int
config_own_address(const struct config *cfg, const char *addr)
{
	return strcasecmp(addr, cfg->network.contact) == 0 ||
	    (cfg->smtp.from != NULL && strcasecmp(addr, cfg->smtp.from) == 0);
}

void
config_dump(const struct config *cfg)
{
	const char *section = "";

	for (size_t i = 0; i < NKEYS; i++) {
		const struct conf_key *k = &conf_keys[i];
		const void *f = (const char *)cfg + k->off;

		if (strcmp(section, k->section) != 0) {
			printf("%s[%s]\n", *section ? "\n" : "", k->section);
			section = k->section;
		}
		printf("%s = ", k->key);
		switch (k->type) {
		case T_SECRET:
			printf("%s\n", *(char *const *)f ? "(set)" : "");
			break;
		case T_EMAILS: case T_NAMES: {
			const struct config_strlist *l = f;

			for (size_t j = 0; j < l->n; j++)
				printf("%s%s", j ? ", " : "", l->items[j]);
			printf("\n");
			break;
		}
		case T_BOOL:
			printf("%s\n", *(const int *)f ? "yes" : "no");
			break;
		case T_INT: case T_SECS: case T_DAYS:
			printf("%d\n", *(const int *)f);
			break;
		case T_SIZE:
			printf("%ld\n", *(const long *)f);
			break;
		case T_DAYLIST:
			for (size_t j = 0; j < cfg->timers.n_meeting_reminders;
			    j++)
				printf("%s%d", j ? ", " : "",
				    cfg->timers.meeting_reminders[j]);
			printf("\n");
			break;
		case T_TIME:
			printf("%02d:%02d\n", *(const int *)f / 60,
			    *(const int *)f % 60);
			break;
		case T_WEEKDAY: {
			static const char *const days[] = { "monday",
			    "tuesday", "wednesday", "thursday", "friday",
			    "saturday", "sunday" };
			int d = *(const int *)f;

			printf("%s\n", d >= 1 && d <= 7 ? days[d - 1] : "");
			break;
		}
		case T_HOURS:
			printf("%02d:%02d-%02d:%02d\n",
			    cfg->network.work_start / 60,
			    cfg->network.work_start % 60,
			    cfg->network.work_end / 60,
			    cfg->network.work_end % 60);
			break;
		default:
			printf("%s\n", *(char *const *)f ? *(char *const *)f :
			    "");
			break;
		}
	}
}
