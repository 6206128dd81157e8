/*
 * milestone.h — a roadmap's dated steps and the check-ins once planned
 * (DESIGN.md §3, §5): the jobs that remind of them before and ask how
 * they went the day after, and the commands FAIT and REPORTER.
 *
 * A step (a row of milestones, kind 'milestone' or 'checkin') is planned
 * by FEUILLE DE ROUTE or POINT (roadmap.h), which call milestone_plan().
 * It stays 'planned' until FAIT marks it 'done' (or a new roadmap cancels
 * it); past its day it is overdue, which STATUT and the digest show.
 *
 * Which step a command means.  FAIT [étape] and REPORTER [étape] date
 * take, in this order: the step named, its name matched accent- and
 * case-insensitively, exactly or by its words ("l'étude" for "Étude de
 * faisabilité"; a date "15/01/2027" names the step of that day); else
 * the step the mail answers, when it answers one of our reminders or
 * questions about a step (milestone_record_mail() notes which); else the
 * only planned step whose date has come.  Several → CMDOUT_AMBIGUOUS,
 * none → CMDOUT_NO_STEP, each with the exact command lines to send
 * instead in res->choices.
 */
#ifndef CDP_MILESTONE_H
#define CDP_MILESTONE_H

#include <stddef.h>
#include <stdint.h>

struct casework;
struct cmd_ctx;
struct cmd_res;
struct mailcmd;

/* The kinds of jobs (table jobs, payload {"milestone": id, "due": due_at})
 * a step has while planned; the runner knows them as one family. */
#define MILESTONE_JOB_REMINDER	"milestone_reminder"
#define MILESTONE_JOB_ASK	"milestone_ask"

/*
 * Plans the jobs of step `id` of the case, due at `due`: the reminder
 * [timers] milestone_reminder days before, when that is still ahead, and
 * the question the day after (milestone_ask_time()).  0 or -1.
 */
int milestone_plan(struct casework *cw, int64_t case_id, int64_t id,
    long long due, char *err, size_t errlen);

/* Closes the pending jobs of step `id`.  0 or -1. */
int milestone_unplan(struct casework *cw, int64_t case_id, int64_t id,
    char *err, size_t errlen);

/* When the question about a step due at `due` is asked: 00:00 of the day
 * after, so that it leaves with the next morning's working hours. */
long long milestone_ask_time(long long due);

/* 1 if a planned step due at `due` is overdue at `now`: its day is over
 * (the day its question is asked). */
int milestone_overdue(long long due, long long now);

/*
 * Notes on the case's timeline that outbox row `outbox` (to `to`) was the
 * reminder (asked 0) or the question (asked 1) about step `id`, so that
 * FAIT or REPORTER in a reply to it means that step.  0 or -1.
 */
int milestone_record_mail(struct casework *cw, int64_t case_id, int64_t id,
    const char *label, int asked, int64_t outbox, const char *to,
    char *err, size_t errlen);

/* FAIT [étape]: the step is done; its pending jobs are closed. */
int milestone_done(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);
/* REPORTER [étape] date [heure]: the step moves, and its reminder and
 * question with it; a date already past is CMDOUT_PAST_DATE. */
int milestone_move(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);

#endif
