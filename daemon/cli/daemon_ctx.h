/*
 * daemon_ctx.h — what the run loop (daemon.c) holds between cycles, shared
 * with the SIGHUP reload (reload.c) that replaces its configuration,
 * templates and rules.  Private to cli/.
 */
#ifndef CDP_DAEMON_CTX_H
#define CDP_DAEMON_CTX_H

#include "fetch/inbound.h"
#include "store/people_import.h"

struct config;
struct imap_conn;
struct mailer;
struct store;

struct daemon_ctx {
	/* The configuration in force: main's at start-up, then the last one
	 * a reload loaded (own_cfg, which the daemon frees). */
	const struct config	*cfg;
	struct config		*own_cfg;
	struct store		*st;
	struct inbound_rules	 rules;		/* borrows cfg and mailer */
	struct mailer		*mailer;	/* borrows cfg */
	struct people_watch	 people;
	struct imap_conn	*imap;
	int			 ready;		/* READY=1 was sent */
	long			 ping_ms;	/* watchdog interval; 0: none */
	long long		 last_ping;	/* monotonic ms */
	char			 status[256];	/* the last STATUS= sent */
	char			 last_err[512];	/* for poll's last line */
	int			 erase_more;	/* mailbox copies left to delete
						   (fetch/retention_erase.h) */
};

/*
 * Loads the configuration file again, with its templates, rules and
 * secret, checks them as `coupdepouce check` does (without the network),
 * and only when all are valid puts them in place of the running ones:
 * the IMAP connection is kept unless its settings changed, the people
 * file is read again at the next cycle.  Otherwise the running ones stay
 * and every problem is logged, "reload failed, ...: file:line: key:
 * problem".  Must run between two cycles, outside any transaction.
 * Returns 0 when the new configuration is in force, -1 when the old one
 * stays.
 */
int reload_apply(struct daemon_ctx *d);

#endif
