/*
 * merge.h — FUSIONNER: a new case that repeats an open one is folded into
 * it (DESIGN.md §5).
 */
#ifndef CDP_MERGE_H
#define CDP_MERGE_H

#include <stddef.h>

struct cmd_ctx;
struct cmd_res;
struct mailcmd;

/* FUSIONNER CDP-AAAA-NNNN from a referent or coordinator, on a case not
 * yet decided: the case's incoming mails move to the named open case, a
 * 'merged' event on both timelines, this case withdrawn with the reason
 * "fusionné avec CDP-…", and its holder told once, in the named case's
 * thread.  A reference that names no other open case: CMDOUT_NOT_FOUND. */
int merge_case(struct cmd_ctx *, const struct mailcmd *, struct cmd_res *,
    char *, size_t);

#endif
