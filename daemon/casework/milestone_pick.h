/*
 * milestone_pick.h — which roadmap step a FAIT or REPORTER means (the
 * rules are in milestone.h); for milestone.c only.
 *
 * People name a step the way they remember it: "étude", "l'étude de
 * faisabilité", "Étude de Faisabilite".  Names are compared folded (the
 * keywords' folding, mailcmd_fold()) with punctuation as blanks, exactly
 * first, then as a part; a refusal always says which lines to send, so
 * that the second try works.
 */
#ifndef CDP_MILESTONE_PICK_H
#define CDP_MILESTONE_PICK_H

#include <stddef.h>
#include <stdint.h>

struct cmd_ctx;
struct cmd_res;

/* The timeline events that say which step one of our mails was about
 * (details {"milestone", "outbox", "to"}): written by
 * milestone_record_mail(), read back when a reply names that outbox row. */
#define MILESTONE_EVENT_REMINDED	"milestone_reminded"
#define MILESTONE_EVENT_ASKED		"milestone_asked"

/* One step of the case (not cancelled). */
struct milestone_step {
	int64_t		 id;
	long long	 due;
	int		 has_time;
	int		 done;		/* state 'done'; else 'planned' */
	int		 checkin;	/* kind 'checkin' */
	char		*label;		/* owned, as written ("" possible) */
	char		*name;		/* owned: the label, or "point d'étape"
					 * for a check-in without one */
	char		 date[16];	/* DD/MM/YYYY */
};

struct milestone_steps {
	struct milestone_step	*v;
	size_t			 n;
};

/* The case's steps, by date.  0 or -1; free with milestone_steps_free(). */
int milestone_steps_load(struct cmd_ctx *x, struct milestone_steps *out,
    char *err, size_t errlen);
void milestone_steps_free(struct milestone_steps *s);

/*
 * The step that `named` (the sender's words, NULL: none) means, or the
 * one the mail answers, or the only planned one whose date has come: 1
 * and *which (an index into s).  A done step is taken, unless
 * planned_only, when it is named or answered (FAIT twice is no error:
 * the caller says so).  When the mail answers our mail about a step that
 * cannot be taken, nothing is guessed.  0 when there is none or several:
 * res->outcome (CMDOUT_NO_STEP, CMDOUT_AMBIGUOUS) and res->choices, the
 * lines "{verb} {name}{tail}" to send instead.  -1 on a database error.
 */
int milestone_pick(struct cmd_ctx *x, const struct milestone_steps *s,
    const char *named, int planned_only, const char *verb, const char *tail,
    size_t *which, struct cmd_res *res, char *err, size_t errlen);

#endif
