/*
 * cmd_check.c — `coupdepouce check`: is this installation ready to run?
 *
 * The administrator's `smtpd -n`: it reports every problem it finds (not
 * only the first), one line each, on stdout as a readable list and on stderr
 * as "coupdepouce check: what: problem" lines, and exits 1 if any.  The
 * configuration itself was already validated by main.c when it was loaded.
 * Unless --offline is given, it logs into the IMAP and SMTP servers the way
 * the daemon will, certificate verification included.  The database is only
 * probed read-only: check may run as root, and must not leave root-owned
 * files in the daemon's state folder.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parse/classify.h"
#include "cli/cli.h"
#include "config/config.h"
#include "fetch/imap.h"
#include "base/mem.h"
#include "base/buf.h"
#include "config/people_file.h"
#include "store/people_diff.h"
#include "parse/reply.h"
#include "parse/rules.h"
#include "parse/theme_labels.h"
#include "out/smtp.h"
#include "store/store.h"
#include "out/template.h"

const char cmd_check_help[] =
"usage: coupdepouce [-c FILE] check [--offline] [--print-config]\n"
"\n"
"Validates the configuration, the templates, rules and people files and\n"
"the database, then logs into the IMAP and SMTP servers (certificates\n"
"verified as the daemon does).  Every problem is listed; exit status 1 if\n"
"there is any.  Where the people file and the database differ (people or\n"
"roles only in the database, fields that differ, lines not yet imported)\n"
"each difference is a warning, naming the file and line.\n"
"\n"
"  --offline        do not connect to the mail servers\n"
"  --print-config   also print every key with its effective value\n";

struct check_report {
	int	 errors;
	int	 warnings;
};

static void check_line(struct check_report *, int, const char *,
    const char *, ...) __attribute__((format(printf, 4, 5)));

/* level: 0 ok, 1 warning, 2 error. */
static void
check_line(struct check_report *r, int level, const char *what,
    const char *fmt, ...)
{
	static const char *const words[] = { "ok", "warning", "error" };
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printf("%-10s %-8s %s\n", what, words[level], msg);
	if (level == 2) {
		r->errors++;
		fprintf(stderr, "coupdepouce check: %s: %s\n", what, msg);
	} else if (level == 1)
		r->warnings++;
}

/* An error text listing several problems, one per line (the loaders
 * report every bad line at once): one error each. */
static void
check_errors(struct check_report *r, const char *what, char *err)
{
	char *line, *save = NULL;

	for (line = strtok_r(err, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		check_line(r, 2, what, "%s", line);
}

/* Every template parses and uses only the names the daemon gives it: one
 * line per problem, "path:line: problem". */
static void
check_templates(struct check_report *r, const char *dir)
{
	struct template_set *ts = NULL;
	char err[8192];

	if (template_load_dir(dir, &ts, err, sizeof(err)) == 0 &&
	    template_check_names(ts, err, sizeof(err)) == 0)
		check_line(r, 0, "templates", "%s/%s", dir, TEMPLATE_LANG);
	else
		check_errors(r, "templates", err);
	template_set_free(ts);
}

/* themes.labels against themes.rules: a theme without a label shows as
 * its identifier in mails, a label of no theme is likely a typo or a
 * theme renamed in the rules only.  Both are warnings: mail still goes. */
static void
check_labels(struct check_report *r, const char *dir,
    const struct classify *cls)
{
	struct theme_labels *t = NULL;
	char err[8192], *path = xasprintf("%s/themes.labels", dir);

	if (theme_labels_load(path, &t, err, sizeof(err)) != 0) {
		check_errors(r, "rules", err);
		goto out;
	}
	for (size_t i = 0; i < classify_theme_count(cls); i++)
		if (theme_labels_find(t, classify_theme_name(cls, i)) == NULL)
			check_line(r, 1, "rules", "%s: %s: theme of "
			    "themes.rules without a label (mails show the "
			    "identifier)", path, classify_theme_name(cls, i));
	for (size_t i = 0; i < theme_labels_count(t); i++)
		if (cls && !classify_theme_known(cls, theme_labels_id(t, i)))
			check_line(r, 1, "rules", "%s:%d: %s: not a theme of "
			    "themes.rules", path, theme_labels_line(t, i),
			    theme_labels_id(t, i));
out:
	theme_labels_free(t);
	free(path);
}

/*
 * Compiles every rule file the daemon reads (inbound_rules_load's files),
 * each on its own so that one broken file does not hide the problems of
 * the next: each bad line is reported with its file and line.
 */
static void
check_rules(struct check_report *r, const char *dir)
{
	struct rules *reply = NULL, *autodetect = NULL;
	struct classify *cls = NULL;
	char err[8192], *reply_path, *auto_path;
	int before = r->errors;

	reply_path = xasprintf("%s/reply.rules", dir);
	auto_path = xasprintf("%s/auto.rules", dir);
	if (rules_load(reply_path, &reply, err, sizeof(err)) != 0 ||
	    reply_rules_check(reply, reply_path, err, sizeof(err)) != 0)
		check_errors(r, "rules", err);
	if (rules_load(auto_path, &autodetect, err, sizeof(err)) != 0)
		check_errors(r, "rules", err);
	/* kind.rules, themes.rules, communes.txt */
	if (classify_load(dir, &cls, err, sizeof(err)) != 0)
		check_errors(r, "rules", err);
	check_labels(r, dir, cls);
	if (r->errors == before)
		check_line(r, 0, "rules", "%s (%zu reply rules, %zu automatic "
		    "mail rules; kind.rules, themes.rules, themes.labels, "
		    "communes.txt)", dir,
		    rules_count(reply), rules_count(autodetect));
	classify_free(cls);
	rules_free(autodetect);
	rules_free(reply);
	free(auto_path);
	free(reply_path);
}

static void
check_secret(struct check_report *r, const struct config *cfg)
{
	struct stat st;
	const char *path = cfg->network.secret_file;

	if (stat(path, &st) != 0) {
		const char *credir = getenv("CREDENTIALS_DIRECTORY");

		/* systemd's credentials folder is read-only to us. */
		if (credir && *credir && strncmp(path, credir,
		    strlen(credir)) == 0)
			check_line(r, 2, "secret", "%s: %s (add "
			    "LoadCredential=secret:... to the unit)", path,
			    strerror(errno));
		else
			check_line(r, 1, "secret", "%s: %s (a random key is "
			    "created there when the first mail is written)",
			    path, strerror(errno));
		return;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO))
		check_line(r, 2, "secret", "%s is readable by others (mode "
		    "%04o); chmod 600 it", path, (unsigned)(st.st_mode & 07777));
	else if (access(path, R_OK) != 0)
		check_line(r, 2, "secret", "%s: %s", path, strerror(errno));
	else
		check_line(r, 0, "secret", "%s", path);
}

static void
check_database(struct check_report *r, const struct config *cfg)
{
	const char *path = cfg->storage.database;
	char err[1024], *dir, *slash;
	int version = 0;

	if (access(path, F_OK) != 0) {
		dir = strdup(path);
		slash = dir ? strrchr(dir, '/') : NULL;
		if (slash)
			*slash = '\0';
		if (dir && access(slash ? (*dir ? dir : "/") : ".", W_OK) != 0)
			check_line(r, 2, "database", "%s does not exist and "
			    "its folder is not writable: %s", path,
			    strerror(errno));
		else
			check_line(r, 0, "database", "%s (created at first "
			    "run)", path);
		free(dir);
		return;
	}
	if (store_probe(path, &version, err, sizeof(err)) != 0)
		check_line(r, 2, "database", "%s", err);
	else
		check_line(r, 0, "database", "%s (schema version %d)", path,
		    version);
}

static void
check_imap(struct check_report *r, const struct config *cfg)
{
	struct imap_params p;
	struct imap_conn *c = NULL;
	char err[1024];
	uint32_t uidvalidity = 0;

	imap_params_from_config(cfg, &p);
	if (imap_open(&p, &c, err, sizeof(err)) != 0) {
		check_line(r, 2, "imap", "%s", err);
		return;
	}
	if (imap_select(c, cfg->imap.folder, &uidvalidity, err,
	    sizeof(err)) != 0)
		check_line(r, 2, "imap", "%s", err);
	else
		check_line(r, 0, "imap", "%s as %s, folder %s (UIDVALIDITY "
		    "%u)%s%s%s", cfg->imap.m.url, cfg->imap.m.user,
		    cfg->imap.folder, uidvalidity,
		    imap_has_idle(c) ? ", IDLE" : ", no IDLE (polling)",
		    imap_has_move(c) ? ", MOVE" : "",
		    imap_has_uidplus(c) ? ", UIDPLUS" : "");
	imap_close(c);
}

static void
check_smtp(struct check_report *r, const struct config *cfg)
{
	struct smtp_params p;
	char err[1024];

	smtp_params_from_config(cfg, &p);
	if (smtp_check_login(&p, err, sizeof(err)) != 0)
		check_line(r, 2, "smtp", "%s", err);
	else
		check_line(r, 0, "smtp", "%s%s%s", cfg->smtp.m.url,
		    *cfg->smtp.m.user ? " as " : "", cfg->smtp.m.user);
}

/* The people file, read as the daemon reads it: every bad line named.
 * *l is the file's entries when it could be read (else empty). */
static void
check_people(struct check_report *r, const char *path,
    struct people_list *l)
{
	char err[4096];

	if (access(path, R_OK) != 0) {
		check_line(r, 1, "people", "%s: %s (no referents or "
		    "volunteers known yet)", path, strerror(errno));
		return;
	}
	if (people_read(path, l, err, sizeof(err)) != 0)
		check_errors(r, "people", err);
	else
		check_line(r, 0, "people", "%s (%zu people)", path, l->n);
}

/*
 * The people file against the database, which is the truth: each
 * difference is a warning, not an error, since a database ahead of its
 * file (a volunteer accepted by mail, a `person edit`) is normal.
 */
static void
check_people_db(struct check_report *r, const struct config *cfg,
    const struct people_list *l)
{
	struct store *st = NULL;
	struct people_diffs d = { NULL, 0 };
	struct buf line;
	char err[1024];

	if (access(cfg->paths.people, R_OK) != 0 ||
	    access(cfg->storage.database, F_OK) != 0)
		return;
	buf_init(&line, 0);
	if (store_open_existing(cfg->storage.database, &st, err,
	    sizeof(err)) != 0 || people_diff(st, l, &d, err,
	    sizeof(err)) != 0) {
		check_line(r, 1, "people", "not compared with the database: "
		    "%s", err);
		goto out;
	}
	for (size_t i = 0; i < d.n; i++) {
		buf_reset(&line);
		people_diff_text(&d.items[i], cfg->paths.people, &line);
		check_line(r, 1, "people", "%s", buf_str(&line));
	}
	if (d.n == 0)
		check_line(r, 0, "people", "%s and the database agree",
		    cfg->paths.people);
out:
	people_diffs_free(&d);
	buf_free(&line);
	store_close(st);
}

int
cmd_check(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "offline", no_argument, NULL, 'o' },
		{ "print-config", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	const struct config *cfg = cli->cfg;
	struct check_report r = { 0, 0 };
	struct people_list people = { NULL, 0 };
	int c, offline = 0, print = 0;
	char err[1024];

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'o')
			offline = 1;
		else if (c == 'p')
			print = 1;
		else
			return cli_usage_error("check", "unknown option");
	}
	if (optind != argc)
		return cli_usage_error("check", "unexpected argument '%s'",
		    argv[optind]);

	check_line(&r, 0, "config", "%s", cfg->path);
	if (print)
		config_dump(cfg);
	check_templates(&r, cfg->paths.templates);
	check_rules(&r, cfg->paths.rules);
	check_people(&r, cfg->paths.people, &people);
	check_secret(&r, cfg);
	check_database(&r, cfg);
	check_people_db(&r, cfg, &people);
	people_list_free(&people);
	/* A missing password is the configuration's fault, not the
	 * network's: reported with --offline too; no login is tried. */
	if (config_check_credentials(cfg, err, sizeof(err)) != 0)
		check_line(&r, 2, "password", "%s", err);
	else if (!offline) {
		check_imap(&r, cfg);
		check_smtp(&r, cfg);
	}
	printf("%d error%s, %d warning%s\n", r.errors, r.errors == 1 ? "" :
	    "s", r.warnings, r.warnings == 1 ? "" : "s");
	return r.errors ? EXIT_ERR : EXIT_OK;
}
