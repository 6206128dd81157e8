/*
 * volunteer.h — volunteer applications and the charter (DESIGN.md §3).
 *
 * ACCEPTER, REFUSER and J'ACCEPTE LA CHARTE are effects of the mail
 * commands (cmd_context.h tells what they receive and return);
 * volunteer_sign() is also how a yes to an invitation that carried the
 * charter signs it (group.h).
 */
#ifndef CDP_VOLUNTEER_H
#define CDP_VOLUNTEER_H

#include <stddef.h>

struct cmd_ctx;
struct cmd_res;
struct mailcmd;

/* ACCEPTER: the applicant joins the pool; the case closes. */
int volunteer_accept(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);
/* REFUSER [motif]: the application is ineligible; the applicant told. */
int volunteer_refuse(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);
/* J'ACCEPTE LA CHARTE: signs it and answers with the charter_signed
 * welcome (res->replied: no transcript besides). */
int volunteer_charter(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);

/* The sender signs the charter (charter_signed_at, a 'charter_signed'
 * event) unless they had already.  0 or -1. */
int volunteer_sign(struct cmd_ctx *x, char *err, size_t errlen);

/* The sender, invited from outside the pool, accepted: they join it
 * (role volunteer; the case's themes and commune fill their empty
 * lists), with a network-wide 'joined_pool' event, and get a welcome
 * as the answer to their mail.  0 or -1. */
int volunteer_join(struct cmd_ctx *x, char *err, size_t errlen);

#endif
