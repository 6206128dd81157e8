/*
 * server_params.c — [imap] and [smtp] of the configuration as connection
 * parameters; see server_params.h.  Kept beside the commands that connect
 * (the daemon and check) so that both build the same blocks field for
 * field, and a field added to a section is passed on in one place.
 */
#include <string.h>

#include "cli/server_params.h"
#include "config/config.h"
#include "fetch/imap.h"
#include "out/smtp.h"

void
server_params_imap(const struct config *cfg, struct imap_params *p)
{
	memset(p, 0, sizeof(*p));
	p->url = cfg->imap.m.url;
	p->user = cfg->imap.m.user;
	p->password = cfg->imap.m.password;
	p->tls_verify = cfg->imap.m.tls_verify;
	p->ca_file = cfg->imap.m.ca_file;
	p->timeout_sec = cfg->imap.m.timeout;
}

void
server_params_smtp(const struct config *cfg, struct smtp_params *p)
{
	memset(p, 0, sizeof(*p));
	p->url = cfg->smtp.m.url;
	p->user = cfg->smtp.m.user;
	p->password = cfg->smtp.m.password;
	p->starttls = cfg->smtp.starttls;
	p->tls_verify = cfg->smtp.m.tls_verify;
	p->ca_file = cfg->smtp.m.ca_file;
	p->timeout_sec = cfg->smtp.m.timeout;
}
