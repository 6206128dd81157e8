/*
 * pool.h — the network's people managed by mail (DESIGN.md §5, pool
 * commands): coordinators add volunteers, referents and coordinators,
 * set their themes and communes, their availability, and retire them;
 * volunteers and referents set their own availability.
 *
 * These are effects of the mail commands (cmd_context.h tells what they
 * receive and return).  They act on people, never on the case the mail
 * may be about: they run alike in a reply to a case mail, in a reply to
 * a mail about no case (the digest, a welcome) and in a coordinator's
 * new mail (pool_run.h).  Every change is a person event (person_db.h)
 * by "mail" with the coordinator as actor, or by "self".
 */
#ifndef CDP_POOL_H
#define CDP_POOL_H

#include <stddef.h>

struct cmd_ctx;
struct cmd_res;
struct mailcmd;

/*
 * BENEVOLE / REFERENT / COORDINATION adresse [Nom] ; thèmes ; communes:
 * the person added (or their name, themes, communes updated) with the
 * role; a role new to them brings a welcome mail (pool_welcome_volunteer
 * with the charter to accept by replying J'ACCEPTE LA CHARTE, or
 * pool_welcome).  res->flags says what changed (added, role_added,
 * name_changed, themes_changed, communes_changed, reactivated,
 * unchanged).  Unknown themes or communes change nothing
 * (CMDOUT_UNKNOWN_THEME / _COMMUNE, the values in detail).
 */
int pool_member(struct cmd_ctx *, const struct mailcmd *, struct cmd_res *,
    char *, size_t);

/* THEMES / COMMUNES adresse : liste — the person's list replaced. */
int pool_replace(struct cmd_ctx *, const struct mailcmd *, struct cmd_res *,
    char *, size_t);

/* DISPONIBLE / INDISPONIBLE [adresse] [jusqu'au date]: about the sender
 * when no address (or their own) is given; about someone else only from
 * a coordinator.  Unavailable until the end of that day, or until
 * DISPONIBLE. */
int pool_availability(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);

/* RETIRER adresse: person_deactivate(); refused while referent of open
 * cases (CMDOUT_OPEN_CASES, their refs one per line in choices). */
int pool_retire(struct cmd_ctx *, const struct mailcmd *, struct cmd_res *,
    char *, size_t);

#endif
