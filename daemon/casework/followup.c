/* followup.c — a mail on a known case; see followup.h. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "base/mem.h"
#include "casework/case_mail.h"
#include "casework/followup.h"
#include "casework/mailcmd_run.h"
#include "casework/meeting.h"
#include "out/compose.h"
#include "out/template.h"
#include "parse/mailcmd.h"
#include "parse/message.h"
#include "store/case_db.h"
#include "store/person_db.h"
#include "thread/match.h"
#include "thread/tag.h"

/* Longest new text copied into the timeline event; the whole mail is in
 * the messages table. */
#define FOLLOWUP_EVENT_TEXT	4000

/* Words under a holder's OUI or NON still read as a sign-off. */
#define FOLLOWUP_SIGNOFF_WORDS	3

static int
followup_addressed(const struct msg_addrs *a, const char *email)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcasecmp(a->items[i].address, email) == 0)
			return 1;
	return 0;
}

/* The start of a new text for the timeline, cut on a character. */
static char *
followup_excerpt(const char *t)
{
	size_t n = strlen(t);

	if (n <= FOLLOWUP_EVENT_TEXT)
		return xstrdup(t);
	n = FOLLOWUP_EVENT_TEXT;
	while (n > 0 && ((unsigned char)t[n] & 0xc0) == 0x80)
		n--;
	return xstrndup(t, n);
}

/*
 * 1 if the new text says more than its command lines: after as many
 * non-blank lines as there are commands, and before quoted history,
 * more than FOLLOWUP_SIGNOFF_WORDS words — a first name or "Merci,
 * Camille" under an answer is a sign-off, not a message.  The closing
 * mail asks the holder both for OUI or NON and for a few words on what
 * the support brought them: the words are for the referent.
 */
static int
followup_more_than_commands(const char *t, const struct mailcmd_list *cl)
{
	size_t lines = 0, words = 0;

	while (*t != '\0') {
		size_t len = strcspn(t, "\n"), i = 0;

		while (i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == '\r'))
			i++;
		if (i < len && t[i] == '>')
			break;
		if (i < len && ++lines > cl->n)
			for (; i < len; i++)
				if (!isspace((unsigned char)t[i]) && (i == 0 ||
				    isspace((unsigned char)t[i - 1])))
					words++;
		t += len;
		if (*t == '\n')
			t++;
	}
	return words > FOLLOWUP_SIGNOFF_WORDS;
}

/* The holder's mail reached only us: forward it to whoever follows the
 * case. */
static int
followup_forward(struct casework *cw, const struct cw_mail *mail,
    const struct case_row *c, const struct cw_person *sender, char *err,
    size_t errlen)
{
	const struct message *m = mail->m;
	struct compose_attachment *att;
	struct casemail_extra extra = { NULL, 0, NULL, NULL };
	struct cw_person *to = NULL;
	struct tpl_data *d;
	size_t nto = 0, natt = 0;
	char *subject = NULL;
	int rc = -1;

	if (casemail_followers(cw, c->referent_id, &to, &nto, err,
	    errlen) != 0)
		goto out;
	/* The referent already has it. */
	if (c->referent_id != 0 && (followup_addressed(&m->to, to->email) ||
	    followup_addressed(&m->cc, to->email))) {
		rc = 0;
		goto out;
	}
	subject = tag_strip_prefixes(m->subject);
	d = tpl_data_new();
	tpl_set(d, "ref", c->ref);
	tpl_set(d, "holder_name", sender->name);
	tpl_set(d, "holder_address", sender->email);
	tpl_set(d, "subject", subject);
	tpl_set(d, "text", mail->new_text);
	casemail_set_received(cw, d);
	casemail_list_attachments(m, d);
	extra.attachments = att = casemail_attachments(m, &natt);
	extra.nattachments = natt;
	rc = casemail_send_extra(cw, "forward_to_referent", d,
	    "referent_name", c->ref, c->id, to, nto, &extra, err, errlen);
	free(att);
	tpl_data_free(d);
out:
	free(subject);
	free(to);
	return rc;
}

static int
followup_blank(const char *text)
{
	for (; text != NULL && *text != '\0'; text++)
		if (!isspace((unsigned char)*text))
			return 0;
	return 1;
}

int
followup_record(struct casework *cw, const struct cw_mail *mail,
    const struct thread_match *tm, char *err, size_t errlen)
{
	const struct message *m = mail->m;
	struct cw_person sender;
	struct case_row c;
	char *text = NULL;
	const char *kind;
	const char *kv[6];
	struct mailcmd_list cl = { NULL, 0 };
	int rc = -1, holder, ran = 0, itip = 0, closed;

	memset(&sender, 0, sizeof(sender));
	if (case_load(cw->st, tm->case_id, &c, err, errlen) != 1)
		return -1;
	closed = strcmp(c.state, "closed") == 0;
	sender.id = tm->sender_id;
	if (sender.id != 0 && casemail_person(cw, sender.id, &sender, err,
	    errlen) != 0)
		goto out;
	if (sender.id == 0)
		snprintf(sender.email, sizeof(sender.email), "%s",
		    m->from.address);
	text = followup_excerpt(mail->new_text);
	kind = mail->autokind == MSG_AUTO_NONE ? "mail" :
	    mail->autokind == MSG_AUTO_REPLY ? "auto_reply" : "list_mail";
	kv[0] = "from";
	kv[1] = sender.email;
	kv[2] = "text";
	kv[3] = text;
	kv[4] = "matched_by";
	kv[5] = thread_how_name(tm->how);
	if (case_link_message(cw->st, mail->msg_id, c.id, sender.id,
	    thread_how_name(tm->how), err, errlen) != 0 ||
	    case_event(cw->st, c.id, sender.id, kind, mail->msg_id, kv, 6,
	    cw->now, err, errlen) != 0)
		goto out;
	log_info("%s: %s from %s (by %s)", c.ref, kind, sender.email,
	    thread_how_name(tm->how));
	if (mail->autokind != MSG_AUTO_NONE) {
		/* Recorded, never answered, and not activity: an
		 * out-of-office is not news of the initiative. */
		rc = 0;
		goto out;
	}
	if (case_touch(cw->st, c.id, cw->now, err, errlen) != 0 ||
	    (sender.id != 0 && person_mark_working(cw->st, sender.id,
	    cw->now, err, errlen) != 0))
		goto out;
	mailcmd_parse(mail->new_text, (time_t)cw->now, &cl);
	if (mailcmd_run(cw, mail, tm, &cl, &ran, err, errlen) != 0 ||
	    meeting_itip_reply(cw, mail, c.id, sender.id, &itip, err,
	    errlen) != 0)
		goto out;
	/* A mail that gave commands has its answer in their effects; but
	 * the holder of a closed case who answers OUI or NON may write on,
	 * as the closing mail invites them to. */
	holder = strcmp(tm->role, "holder") == 0 ||
	    strcmp(tm->role, "reporter") == 0;
	/* A calendar answer with no words was told in a sentence
	 * (attendance.h): forwarded, it would read as an empty mail. */
	if (holder && !(itip && followup_blank(mail->new_text)) &&
	    (!ran || (closed && followup_more_than_commands(mail->new_text,
	    &cl))) && followup_forward(cw, mail, &c, &sender, err,
	    errlen) != 0)
		goto out;
	rc = 0;
out:
	mailcmd_list_free(&cl);
	free(text);
	case_row_free(&c);
	return rc;
}
