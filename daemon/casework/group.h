/*
 * group.h — forming the support group (DESIGN.md §1 step 3, §5).
 *
 * Effects of the mail commands (cmd_context.h tells what they receive and
 * return).  Once a privileged contact is designated and no invitation
 * waits, the group gets its introduction, once.
 */
#ifndef CDP_GROUP_H
#define CDP_GROUP_H

#include <stddef.h>

struct cmd_ctx;
struct cmd_res;
struct mailcmd;

/* INVITER adresse[, adresse…]: each address on its own, res->addrs
 * saying what became of it; someone outside the pool is invited as a
 * newcomer (group.c says when the command counts as done). */
int group_invite(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);
/* OUI and NON [motif]: an invited volunteer answers; a yes signs the
 * charter the invitation carried, and puts a newcomer in the pool
 * (volunteer_join()). */
int group_answer(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);
/* INTERLOCUTEUR adresse: among the volunteers who said yes. */
int group_contact(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);

#endif
