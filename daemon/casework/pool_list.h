/*
 * pool_list.h — ANNUAIRE (POOL): a coordinator asks for the network's
 * people (DESIGN.md §5).
 *
 * The answer (template pool_list) lists referents, volunteers and
 * coordinators, each with their themes, communes, load (open cases as
 * referent, as a group's volunteer), charter and availability; people
 * retired (RETIRER, inactive) are listed apart at the end, with their
 * roles, so that a coordinator sees whom a BENEVOLE would bring back.
 */
#ifndef CDP_POOL_LIST_H
#define CDP_POOL_LIST_H

#include <stddef.h>

struct cmd_ctx;
struct cmd_res;
struct mailcmd;

/* ANNUAIRE: the effect (cmd_context.h); answers the mail. */
int pool_list(struct cmd_ctx *, const struct mailcmd *, struct cmd_res *,
    char *, size_t);

#endif
