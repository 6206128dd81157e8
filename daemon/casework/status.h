/*
 * status.h — STATUT, an effect of the mail commands (DESIGN.md §5;
 * cmd_context.h tells what it receives and returns).
 */
#ifndef CDP_STATUS_H
#define CDP_STATUS_H

#include <stddef.h>

struct cmd_ctx;
struct cmd_res;
struct mailcmd;

/* Answers the sender with the case summary: state, people, meeting,
 * milestones. */
int status_reply(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);

#endif
