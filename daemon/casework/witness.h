/*
 * witness.h — the holder of a closed case says whether they would share
 * their experience with new holders (DESIGN.md §1 step 4, §3, §5).
 *
 * They are asked in the closing mail and, some months later, by the
 * testimony request (timers/testimony.c); OUI or NON — in capitals or in
 * a sentence, "Oui, avec plaisir" — in reply to either is this effect.
 * The runner (mailcmd_run.c) gives it the OUI/NON of the holder of a
 * closed case, and group.h's the OUI/NON of an invited volunteer.
 */
#ifndef CDP_WITNESS_H
#define CDP_WITNESS_H

#include <stddef.h>

struct cmd_ctx;
struct cmd_res;
struct mailcmd;

/* OUI / NON from the holder of a closed case: the answer recorded with
 * the case's themes and commune (store/testimony_db.h), the pending
 * request closed, a 'testimony_answer' event, and a thank-you in reply. */
int witness_answer(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);

#endif
