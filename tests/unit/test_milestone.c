/*
 * test_milestone.c — FAIT and REPORTER (casework/milestone.c and
 * milestone_pick.c) on a real store: a step named accent- and
 * case-insensitively, exactly before in part and planned before done;
 * two steps alike told apart by their date; a name that fits none or
 * several refused with the exact lines to send; a bare FAIT taking the
 * step the mail answers, else the only one due; FAIT twice; REPORTER
 * moving a step with its jobs, refusing a past date and a done step;
 * both refused once the case ended; and a line of a refusal sent back
 * doing what it says.  No mail is sent by these effects
 * (the runner answers), so no template is needed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "casework/case_mail.h"
#include "casework/cmd_context.h"
#include "casework/milestone.h"
#include "config/config.h"
#include "parse/mailcmd.h"
#include "store/case_db.h"
#include "store/person_db.h"
#include "store/store.h"
#include "tap.h"
#include "testutil.h"

static char err[4096];

struct fixture {
	struct config	*cfg;
	struct store	*st;
	struct casework	 cw;
	struct cw_mail	 mail;
	int64_t		 case_id, referent;
};

/* Runs effect fn on the one command of `text` as the referent, in a
 * transaction, the mail answering outbox row `answered` (0: none). */
static int
run(struct fixture *fx, cmd_effect fn, const char *text, int64_t answered,
    struct cmd_res *res)
{
	struct mailcmd_list cl;
	struct cmd_ctx x;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	memset(&x, 0, sizeof(x));
	mailcmd_parse(text, (time_t)fx->cw.now, &cl);
	x.cw = &fx->cw;
	x.mail = &fx->mail;
	x.sender.id = fx->referent;
	x.answered = answered;
	if (cl.n != 1 || cl.items[0].error != CMDERR_NONE) {
		printf("# \"%s\": not one good command\n", text);
		goto out;
	}
	if (case_load(fx->st, fx->case_id, &x.c, err, sizeof(err)) != 1 ||
	    casemail_person(&fx->cw, fx->referent, &x.sender, err,
	    sizeof(err)) != 0 || store_begin(fx->st, err, sizeof(err)) != 0)
		goto out;
	if (fn(&x, &cl.items[0], res, err, sizeof(err)) == 0)
		rc = store_commit(fx->st, err, sizeof(err));
	else {
		printf("# effect failed: %s\n", err);
		store_rollback(fx->st, err, sizeof(err));
	}
out:
	case_row_free(&x.c);
	mailcmd_list_free(&cl);
	return rc;
}

/* A planned step, with its jobs as FEUILLE DE ROUTE plans them. */
static int64_t
step(struct fixture *fx, const char *kind, const char *when,
    const char *label)
{
	struct store_stmt *s;
	int64_t id;

	s = store_query(fx->st, "INSERT INTO milestones (case_id, kind, "
	    "due_at, label, created_at) VALUES (?1, ?2, ?3, ?4, 0)",
	    STORE_ARGS(STORE_INT(fx->case_id), STORE_TEXT(kind),
	    STORE_INT(local_time(when)), STORE_TEXT(label)), err, sizeof(err));
	if (s == NULL || store_step_done(s, "step", err, sizeof(err)) != 0) {
		printf("# step: %s\n", err);
		return 0;
	}
	id = store_last_insert_id(fx->st);
	if (milestone_plan(&fx->cw, fx->case_id, id, local_time(when), err,
	    sizeof(err)) != 0)
		printf("# plan: %s\n", err);
	return id;
}

static const char *
state_of(struct fixture *fx, int64_t id)
{
	return q_text(fx->st, "SELECT state FROM milestones WHERE id = ?1", id);
}

static int
setup(struct fixture *fx)
{
	struct case_new n = { "request", "[]", NULL, "Jardin", 0 };
	char db[512], ref[32], sql[256];

	snprintf(db, sizeof(db), "%s", path_in("milestone.db"));
	fx->cfg = config_from("[network]\ncontact = coupdepouce@example.org\n"
	    "[imap]\nurl = imaps://127.0.0.1:1\n[smtp]\nurl = "
	    "smtp://127.0.0.1:1\n[storage]\ndatabase = %s\n", db);
	if (fx->cfg == NULL || store_open(db, &fx->st, err, sizeof(err)) != 0)
		return -1;
	if (person_ensure(fx->st, "referent@example.org", "Rémi", 0,
	    &fx->referent, err, sizeof(err)) != 0 ||
	    case_create(fx->st, &n, fx->cw.now, &fx->case_id, ref,
	    sizeof(ref), err, sizeof(err)) != 0) {
		printf("# setup: %s\n", err);
		return -1;
	}
	snprintf(sql, sizeof(sql), "UPDATE cases SET state = 'active', "
	    "referent_id = %lld WHERE id = %lld", (long long)fx->referent,
	    (long long)fx->case_id);
	exec_ok(fx->st, sql);
	fx->cw.cfg = fx->cfg;
	fx->cw.st = fx->st;
	return 0;
}

static void
test_named(struct fixture *fx)
{
	struct cmd_res res;
	int64_t faisa, sol, bacs, ch1, ch2, point;

	faisa = step(fx, "milestone", "2027-03-01 00:00",
	    "Étude de faisabilité");
	sol = step(fx, "milestone", "2027-03-10 00:00", "Étude de sol");
	bacs = step(fx, "milestone", "2027-03-20 00:00",
	    "Construction des bacs");
	ch1 = step(fx, "milestone", "2027-04-01 00:00", "Chantier");
	ch2 = step(fx, "milestone", "2027-05-01 00:00", "Chantier");
	point = step(fx, "checkin", "2027-06-01 00:00", "");

	run(fx, milestone_done, "FAIT étude", 0, &res);
	is_int(res.outcome, CMDOUT_AMBIGUOUS, "a part of two names");
	is_str(res.choices, "FAIT Étude de faisabilité\nFAIT Étude de sol",
	    "the lines to send");
	is_str(state_of(fx, faisa), "planned", "nothing ticked");

	run(fx, milestone_done, "FAIT ETUDE DE SOL.", 0, &res);
	is_int(res.outcome, CMDOUT_OK, "named in capitals, no accent");
	is_str(res.detail, "Étude de sol du 10/03/2027", "detail");
	is_str(state_of(fx, sol), "done", "that step is done");
	is_int(q_int(fx->st, "SELECT count(*) FROM jobs WHERE done_at IS NULL "
	    "AND json_extract(payload, '$.milestone') = ?1", sol), 0,
	    "its jobs are closed");
	is_int(q_int(fx->st, "SELECT count(*) FROM events WHERE kind = "
	    "'milestone_done'", 0), 1, "on the timeline");

	run(fx, milestone_done, "FAIT : l'étude", 0, &res);
	is_int(res.outcome, CMDOUT_OK, "planned before done");
	is_str(state_of(fx, faisa), "done", "the one still planned");

	run(fx, milestone_done, "FAIT Étude de sol", 0, &res);
	is_int(res.outcome, CMDOUT_OK, "FAIT twice: no error");
	is_str(res.detail, "Étude de sol du 10/03/2027, déjà marquée faite",
	    "FAIT twice: said so");

	run(fx, milestone_done, "FAIT chantier", 0, &res);
	is_int(res.outcome, CMDOUT_AMBIGUOUS, "two steps alike");
	is_str(res.choices, "FAIT Chantier du 01/04/2027\n"
	    "FAIT Chantier du 01/05/2027", "told apart by their date");
	run(fx, milestone_done, "FAIT Chantier du 01/05/2027", 0, &res);
	is_int(res.outcome, CMDOUT_OK, "the line sent back");
	is_str(state_of(fx, ch2), "done", "the second one");
	is_str(state_of(fx, ch1), "planned", "not the first");

	run(fx, milestone_done, "FAIT 01/05/2027", 0, &res);
	is_str(res.detail, "Chantier du 01/05/2027, déjà marquée faite",
	    "a date names the step of that day, not the 05/01");
	run(fx, milestone_move, "REPORTER 01/04/2027 02/04/2027", 0, &res);
	is_int(res.outcome, CMDOUT_OK, "REPORTER of the step of a date");
	is_str(res.detail, "Chantier\xc2\xa0: du 01/04/2027 au 02/04/2027",
	    "the first chantier moves");

	run(fx, milestone_done, "FAIT piscine", 0, &res);
	is_int(res.outcome, CMDOUT_NO_STEP, "a name that fits none");
	is_str(res.detail, "piscine", "what was understood");
	is_str(res.choices, "FAIT Construction des bacs\nFAIT Chantier\n"
	    "FAIT point d'étape", "every planned step");

	run(fx, milestone_done, "FAIT Point d’étape", 0, &res);
	is_int(res.outcome, CMDOUT_OK, "a check-in without a label");
	is_str(state_of(fx, point), "done", "the check-in");

	/* REPORTER */
	run(fx, milestone_move, "REPORTER les bacs au 15/06/2027", 0, &res);
	is_int(res.outcome, CMDOUT_OK, "REPORTER: ok");
	is_str(res.detail, "Construction des bacs\xc2\xa0: du 20/03/2027 au "
	    "15/06/2027", "REPORTER: detail");
	is_int(q_int(fx->st, "SELECT due_at FROM milestones WHERE id = ?1",
	    bacs), local_time("2027-06-15 00:00"), "REPORTER: new date");
	is_int(q_int(fx->st, "SELECT due_at FROM jobs WHERE done_at IS NULL "
	    "AND kind = 'milestone_reminder' AND json_extract(payload, "
	    "'$.milestone') = ?1", bacs), local_time("2027-06-12 00:00"),
	    "REPORTER: the reminder moves");
	is_int(q_int(fx->st, "SELECT due_at FROM jobs WHERE done_at IS NULL "
	    "AND kind = 'milestone_ask' AND json_extract(payload, "
	    "'$.milestone') = ?1", bacs), local_time("2027-06-16 00:00"),
	    "REPORTER: the question moves");
	is_int(q_int(fx->st, "SELECT count(*) FROM jobs WHERE done_at IS NULL "
	    "AND json_extract(payload, '$.milestone') = ?1", bacs), 2,
	    "REPORTER: the old jobs are closed");

	run(fx, milestone_move, "REPORTER chantier au 01/01/2027", 0, &res);
	is_int(res.outcome, CMDOUT_PAST_DATE, "a past date");
	is_str(res.detail, "chantier\xc2\xa0: 01/01/2027", "what was understood");
	run(fx, milestone_move, "REPORTER étude de sol au 01/07/2027", 0, &res);
	is_int(res.outcome, CMDOUT_NO_STEP, "a done step does not move");
}

static void
test_bare(struct fixture *fx)
{
	struct cmd_res res;
	int64_t a, b, c;
	const char *kv[] = { "milestone", NULL, "outbox", "4242" };
	char idtext[24];

	exec_ok(fx->st, "UPDATE milestones SET state = 'cancelled'");
	a = step(fx, "milestone", "2027-02-01 00:00", "Semis");
	b = step(fx, "milestone", "2027-02-03 00:00", "Récolte");

	fx->cw.now = local_time("2027-01-25 10:00");
	run(fx, milestone_done, "FAIT 02/01/2027", 0, &res);
	is_int(res.outcome, CMDOUT_NO_STEP, "02/01 is not the step of 01/02");
	run(fx, milestone_done, "FAIT", 0, &res);
	is_int(res.outcome, CMDOUT_NO_STEP, "bare FAIT, nothing due");
	is_str(res.choices, "FAIT Semis\nFAIT Récolte", "every planned step");

	fx->cw.now = local_time("2027-02-04 10:00");
	run(fx, milestone_done, "FAIT", 0, &res);
	is_int(res.outcome, CMDOUT_AMBIGUOUS, "bare FAIT, two due");

	/* The mail answers our question about the second one. */
	snprintf(idtext, sizeof(idtext), "%lld", (long long)b);
	kv[1] = idtext;
	if (case_event(fx->st, fx->case_id, 0, "milestone_asked", 0, kv, 4,
	    fx->cw.now, err, sizeof(err)) != 0)
		printf("# event: %s\n", err);
	run(fx, milestone_done, "FAIT", 4242, &res);
	is_int(res.outcome, CMDOUT_OK, "bare FAIT in reply to a question");
	is_str(state_of(fx, b), "done", "the step asked about");
	is_str(state_of(fx, a), "planned", "not the other");
	run(fx, milestone_move, "REPORTER 10/03/2027", 4242, &res);
	is_int(res.outcome, CMDOUT_NO_STEP, "a reply about a done step moves "
	    "nothing, and nothing is guessed");
	run(fx, milestone_done, "FAIT", 0, &res);
	is_int(res.outcome, CMDOUT_OK, "bare FAIT, one due");
	is_str(state_of(fx, a), "done", "the one due");

	/* A question about a step a new roadmap cancelled: no guess. */
	c = step(fx, "milestone", "2027-02-02 00:00", "Désherbage");
	snprintf(idtext, sizeof(idtext), "%lld", q_int(fx->st, "SELECT "
	    "min(id) FROM milestones WHERE state = 'cancelled'"));
	kv[3] = "4343";
	if (case_event(fx->st, fx->case_id, 0, "milestone_reminded", 0, kv, 4,
	    fx->cw.now, err, sizeof(err)) != 0)
		printf("# event: %s\n", err);
	run(fx, milestone_done, "FAIT", 4343, &res);
	is_int(res.outcome, CMDOUT_NO_STEP, "a reply about a cancelled step");
	is_str(state_of(fx, c), "planned", "the step due is not guessed");
	is_str(res.choices, "FAIT Désherbage", "but offered");

	exec_ok(fx->st, "UPDATE cases SET state = 'closed'");
	run(fx, milestone_done, "FAIT Semis", 0, &res);
	is_int(res.outcome, CMDOUT_WRONG_STATE, "FAIT on an ended case");
	run(fx, milestone_move, "REPORTER Semis 10/03/2027", 0, &res);
	is_int(res.outcome, CMDOUT_WRONG_STATE, "REPORTER on an ended case");
}

/* A line of a refusal, sent back as is, does what it says. */
static void
test_round_trip(struct fixture *fx)
{
	struct cmd_res res;
	int64_t t1, t2;
	char line[256];

	exec_ok(fx->st, "UPDATE cases SET state = 'active'");
	exec_ok(fx->st, "UPDATE milestones SET state = 'cancelled'");
	t1 = step(fx, "milestone", "2027-03-01 00:00", "Taille des haies");
	t2 = step(fx, "milestone", "2027-04-01 00:00", "Taille des haies");
	run(fx, milestone_move, "REPORTER taille 20/06/2027", 0, &res);
	is_int(res.outcome, CMDOUT_AMBIGUOUS, "REPORTER: two steps alike");
	is_str(res.choices, "REPORTER Taille des haies du 01/03/2027 "
	    "20/06/2027\nREPORTER Taille des haies du 01/04/2027 20/06/2027",
	    "REPORTER: the lines, with the new date");
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(res.choices, "\n"),
	    res.choices);
	run(fx, milestone_move, line, 0, &res);
	is_int(res.outcome, CMDOUT_OK, "the first line sent back");
	is_int(q_int(fx->st, "SELECT due_at FROM milestones WHERE id = ?1", t1),
	    local_time("2027-06-20 00:00"), "moved the first");
	is_int(q_int(fx->st, "SELECT due_at FROM milestones WHERE id = ?1", t2),
	    local_time("2027-04-01 00:00"), "not the second");
}

int
main(void)
{
	struct fixture fx;

	memset(&fx, 0, sizeof(fx));
	clock_set_zone("Europe/Paris");
	scratch_make("milestone");
	fx.cw.now = local_time("2027-01-10 10:00");
	clock_fix((time_t)fx.cw.now);
	if (setup(&fx) != 0)
		return 1;
	test_named(&fx);
	test_bare(&fx);
	test_round_trip(&fx);
	store_close(fx.st);
	config_free(fx.cfg);
	scratch_remove();
	return tap_done();
}
