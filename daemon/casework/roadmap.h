/*
 * roadmap.h — what the first meeting produces and what follows it
 * (DESIGN.md §1 steps 4-5, §3, §5).
 *
 * Effects of the mail commands (cmd_context.h tells what they receive and
 * return); both are open once the group met (state meeting or active).
 */
#ifndef CDP_ROADMAP_H
#define CDP_ROADMAP_H

#include <stddef.h>

struct cmd_ctx;
struct cmd_res;
struct mailcmd;

/* FEUILLE DE ROUTE … FIN: the roadmap and its dated steps replace the
 * previous ones; state active; holder and group get it. */
int roadmap_record(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);
/* POINT date [heure] [objet]: a check-in. */
int roadmap_checkin(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);

#endif
