/*
 * decision.h — the referent's decisions on a case (DESIGN.md §3, §5).
 *
 * Effects of the mail commands (cmd_context.h tells what they receive and
 * return).  A decision on a case nobody had makes its author the
 * referent; ending a case (CLOTURER, ABANDON) cancels its upcoming
 * meeting (meeting.h).
 */
#ifndef CDP_DECISION_H
#define CDP_DECISION_H

#include <stddef.h>

struct cmd_ctx;
struct cmd_res;
struct mailcmd;

/* ELIGIBLE: new or under analysis → forming; the holder is told. */
int decision_eligible(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);
/* NON ELIGIBLE : motif → ineligible; the holder gets the reason. */
int decision_ineligible(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);
/* TRANSFERER adresse: to another referent or coordinator. */
int decision_transfer(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);
/* CLOTURER [bilan] → closed; holder and volunteers told. */
int decision_close(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);
/* ABANDON [motif] → withdrawn; the group told. */
int decision_withdraw(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);

#endif
