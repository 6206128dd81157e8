/*
 * server_params.h — the IMAP and SMTP connection parameters, as the
 * configuration's [imap] and [smtp] sections give them.
 *
 * The daemon and `coupdepouce check` open the same connections; filling
 * the parameter blocks in one place means check tests exactly what the
 * daemon will use.  The IMAP and SMTP modules themselves take plain
 * parameters and know nothing of the configuration (the test tools drive
 * them from the command line).
 */
#ifndef CDP_SERVER_PARAMS_H
#define CDP_SERVER_PARAMS_H

struct config;
struct imap_params;
struct smtp_params;

/* Fills *p from [imap]; every string in it is borrowed from cfg and
 * lives as long as cfg. */
void server_params_imap(const struct config *cfg, struct imap_params *p);

/* Fills *p from [smtp]; every string in it is borrowed from cfg. */
void server_params_smtp(const struct config *cfg, struct smtp_params *p);

#endif
