/*
 * reload.c — SIGHUP: a new configuration, templates and rules without
 * restarting; see daemon_ctx.h.
 *
 * Everything new is loaded beside the running set and swapped in only
 * once all of it loaded, so a typo in one file never leaves the daemon
 * half on the old and half on the new files.  The old mailer and rules
 * borrow the old configuration: they are freed before it.
 */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "cli/daemon_ctx.h"
#include "config/config.h"
#include "fetch/imap.h"
#include "out/mailer.h"

static int
reload_differs(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") != 0;
}

/* What the IMAP session was opened with: when any of it changed, the
 * session is dropped and the next cycle logs in anew. */
static int
reload_imap_changed(const struct config *old, const struct config *cfg)
{
	const struct config_mail *a = &old->imap.m, *b = &cfg->imap.m;

	return reload_differs(a->url, b->url) ||
	    reload_differs(a->user, b->user) ||
	    reload_differs(a->password, b->password) ||
	    reload_differs(a->ca_file, b->ca_file) ||
	    a->tls_verify != b->tls_verify || a->timeout != b->timeout ||
	    reload_differs(old->imap.folder, cfg->imap.folder) ||
	    reload_differs(old->imap.processed_folder,
	    cfg->imap.processed_folder) ||
	    reload_differs(old->imap.quarantine_folder,
	    cfg->imap.quarantine_folder) ||
	    reload_differs(old->imap.sent_folder, cfg->imap.sent_folder);
}

/* One line per problem (the loaders list every bad line of a file). */
static void
reload_refused(char *err)
{
	char *line, *save = NULL;

	for (line = strtok_r(err, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		log_errorx("reload failed, keeping the running configuration: "
		    "%s", line);
}

int
reload_apply(struct daemon_ctx *d)
{
	const struct config *old = d->cfg;
	struct config *cfg = NULL;
	struct inbound_rules rules;
	struct mailer *mailer = NULL;
	char err[8192];
	int rc = -1;

	memset(&rules, 0, sizeof(rules));
	err[0] = '\0';
	if (config_load(old->path, &cfg, err, sizeof(err)) != 0 ||
	    config_check_credentials(cfg, err, sizeof(err)) != 0 ||
	    inbound_rules_load(cfg->paths.rules, &rules, err,
	    sizeof(err)) != 0 ||
	    mailer_open(cfg, &mailer, err, sizeof(err)) != 0) {
		reload_refused(err);
		goto out;
	}
	/* The database stays open: moving it under a running daemon would
	 * split its state in two. */
	if (reload_differs(old->storage.database, cfg->storage.database))
		log_warnx("reload: [storage] database is now %s; %s stays in "
		    "use until the daemon restarts", cfg->storage.database,
		    old->storage.database);
	if (d->imap != NULL && reload_imap_changed(old, cfg)) {
		log_info("reload: the IMAP settings changed, reconnecting");
		imap_close(d->imap);
		d->imap = NULL;
	}
	/* Read the people file at the next cycle even if unchanged: its
	 * path may be new, and an unchanged file is not applied twice. */
	memset(&d->people, 0, sizeof(d->people));
	inbound_rules_free(&d->rules);
	mailer_close(d->mailer);
	d->rules = rules;
	memset(&rules, 0, sizeof(rules));
	d->mailer = mailer;
	mailer = NULL;
	d->rules.cfg = cfg;
	d->rules.mailer = d->mailer;
	clock_set_zone(cfg->network.timezone);
	d->cfg = cfg;
	config_free(d->own_cfg);	/* NULL the first time: main owns it */
	d->own_cfg = cfg;
	cfg = NULL;
	log_info("reloaded %s with its templates and rules", d->cfg->path);
	rc = 0;
out:
	mailer_close(mailer);
	inbound_rules_free(&rules);
	config_free(cfg);
	return rc;
}
