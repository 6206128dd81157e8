/*
 * mailcmd_run.h — running the mail commands of a reply (DESIGN.md §4, §5).
 *
 * mailcmd_run() takes the commands parsed from a matched mail's new text
 * (mailcmd.h), decides whether the sender may give commands at all
 * (trust: a verified token with a matching From, or the subject tag with
 * an Authentication-Results pass from our own server, and no failure
 * it saw for the From domain, trust.h; that failure is answered with
 * auth_failed), then runs
 * each in order after checking the sender's role on the case and the
 * case's state, and answers with one transcript (command_transcript).
 * After a failed command, the following ones are not run.  Every command,
 * run or refused, is an event of the case's timeline; every mail a
 * command causes is queued in the same transaction.
 *
 * The effects live in files named for what they do (decision.h, group.h,
 * meeting.h, roadmap.h, status.h, volunteer.h, witness.h) and share
 * cmd_context.h; none of them calls the runner.
 */
#ifndef CDP_MAILCMD_RUN_H
#define CDP_MAILCMD_RUN_H

#include <stddef.h>

struct casework;
struct cw_mail;
struct mailcmd_list;
struct thread_match;

/*
 * Runs the commands of `cl` found in a mail matched to a case.  Natural
 * answers (mailcmd.h) count only from someone asked a question: a
 * volunteer invited on this case, the holder of a closed case (would they
 * share their experience?); when nothing applies, nothing happens
 * (*ran = 0) and the mail is just correspondence.  0 or -1 (err).
 */
int mailcmd_run(struct casework *cw, const struct cw_mail *mail,
    const struct thread_match *tm, const struct mailcmd_list *cl,
    int *ran, char *err, size_t errlen);

#endif
