/*
 * pool_run.h — mail commands in a mail about no case (DESIGN.md §4, §5).
 *
 * Two ways in, both from dispatch.c:
 *   - a reply whose verified token names a person and no case (the
 *     digest, a pool welcome, a transcript of these): it is recorded for
 *     that person, and its commands run when its From is theirs — pool
 *     commands for coordinators, J'ACCEPTE LA CHARTE, DISPONIBLE /
 *     INDISPONIBLE about oneself, AIDE for everyone;
 *   - a new mail from a coordinator whose new text starts with a pool
 *     command: run when our receiving server vouches for the From domain
 *     (Authentication-Results, trust.h), else answered that it could not
 *     be verified; never a case.
 * Prose without commands is only recorded, never answered.  The table,
 * the running and the transcript are cmd_exec.h's.
 */
#ifndef CDP_POOL_RUN_H
#define CDP_POOL_RUN_H

#include <stddef.h>

struct casework;
struct cw_mail;
struct thread_match;

/* A reply matched by token to a person and no case.  0 or -1 (err). */
int pool_run_reply(struct casework *cw, const struct cw_mail *mail,
    const struct thread_match *tm, char *err, size_t errlen);

/* A new mail (tm->how THREAD_NONE, not automatic): *handled = 1 when it
 * was a coordinator's pool commands (run or refused), 0 when it is for
 * the caller (a new case).  0 or -1 (err). */
int pool_run_new(struct casework *cw, const struct cw_mail *mail,
    const struct thread_match *tm, int *handled, char *err, size_t errlen);

#endif
