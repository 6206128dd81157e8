/* mailer.c — template → MIME message → outbox row; see mailer.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "out/compose.h"
#include "config/config.h"
#include "out/mailer.h"
#include "base/mem.h"
#include "out/outbox.h"
#include "config/secret.h"
#include "parse/theme_labels.h"
#include "out/template.h"
#include "thread/token.h"

struct mailer {
	const struct config	*cfg;
	struct template_set	*templates;
	struct theme_labels	*labels;
	unsigned char		*key;
	size_t			 keylen;
};

int
mailer_open(const struct config *cfg, struct mailer **out, char *err,
    size_t errlen)
{
	struct mailer *m = xcalloc(1, sizeof(*m));
	char *labels = xasprintf("%s/themes.labels", cfg->paths.rules);
	int rc = -1;

	m->cfg = cfg;
	if (template_load_dir(cfg->paths.templates, &m->templates, err,
	    errlen) != 0 ||
	    theme_labels_load(labels, &m->labels, err, errlen) != 0 ||
	    template_check_names(m->templates, err, errlen) != 0 ||
	    secret_load(cfg->network.secret_file, 1, &m->key, &m->keylen, err,
	    errlen) != 0)
		goto out;
	*out = m;
	m = NULL;
	rc = 0;
out:
	mailer_close(m);
	free(labels);
	return rc;
}

void
mailer_close(struct mailer *m)
{
	if (m == NULL)
		return;
	template_set_free(m->templates);
	theme_labels_free(m->labels);
	secret_free(m->key, m->keylen);
	free(m);
}

const unsigned char *
mailer_key(const struct mailer *m, size_t *keylen)
{
	*keylen = m->keylen;
	return m->key;
}

const struct theme_labels *
mailer_theme_labels(const struct mailer *m)
{
	return m ? m->labels : NULL;
}

int
mailer_counted(const struct mailer_mail *mail)
{
	/* The cap is there to break loops (RFC 3834): only a mail sent
	 * because a mail came in can loop.  Mail a person waits for (an
	 * assignment, an invitation, a reminder, the digest) is caused by
	 * someone's decision or by the clock, and dropping it would lose
	 * the network's work without a trace. */
	return mail->auto_replied != 0;
}

int
mailer_queue(struct mailer *m, struct store *st,
    const struct mailer_mail *mail, int64_t *outbox_id, char *err,
    size_t errlen)
{
	const struct config *cfg = m->cfg;
	const char *rcpts[1] = { mail->to_addr };
	struct compose_addr to = { mail->to_name, mail->to_addr };
	struct outbox_item item;
	struct outbox_slot slot;
	struct compose_mail cm;
	char msgid[TOKEN_MSGID_MAX], *subject = NULL, *body = NULL;
	char *tagged = NULL, *msg = NULL, *html = NULL;
	size_t len = 0;
	int rc = OUTBOX_ERR, res;

	memset(&item, 0, sizeof(item));
	item.cfg = cfg;
	item.case_id = mail->case_id;
	item.person_id = mail->person_id;
	item.template = mail->template;
	item.rcpts = rcpts;
	item.nrcpt = 1;
	item.urgent = mail->urgent;
	item.automatic = mailer_counted(mail);
	/* The row is written once, composed: outbox_slot_open gives its id
	 * for the token.  A mail over the daily cap costs no rendering. */
	res = outbox_slot_open(st, &item, &slot, err, errlen);
	if (res != OUTBOX_OK) {
		rc = res;
		goto out;
	}
	tpl_set(mail->data, "network_name", cfg->network.name);
	tpl_set(mail->data, "contact", cfg->network.contact);
	if (template_render(m->templates, mail->template, mail->data, 0,
	    &subject, &body, err, errlen) != 0)
		goto out;
	if (template_has_html(m->templates, mail->template) &&
	    template_render_html(m->templates, mail->template, mail->data,
	    &html, err, errlen) != 0)
		goto out;
	if (mail->case_ref)
		tagged = compose_tag_subject(mail->case_ref, subject);
	if (token_make(m->key, m->keylen, slot.id, mail->case_id,
	    mail->person_id, cfg->network.domain, msgid, sizeof(msgid)) != 0) {
		snprintf(err, errlen, "cannot make a Message-ID for outbox "
		    "row %lld", (long long)slot.id);
		goto out;
	}
	memset(&cm, 0, sizeof(cm));
	/* [smtp] from written "Name <a@b>" names itself; else the network. */
	cm.from_name = cfg->smtp.from_name && *cfg->smtp.from_name ?
	    cfg->smtp.from_name : cfg->network.name;
	cm.from_addr = cfg->smtp.from;
	cm.reply_to = mail->no_reply_to ? NULL : cfg->network.contact;
	cm.to = &to;
	cm.nto = 1;
	cm.subject = tagged ? tagged : subject;
	cm.body_text = body;
	cm.body_html = html;
	cm.in_reply_to = mail->in_reply_to;
	cm.references = mail->references;
	cm.nreferences = mail->nreferences;
	cm.message_id = msgid;
	cm.auto_submitted = mail->auto_replied ? "auto-replied" :
	    "auto-generated";
	cm.calendar = mail->calendar;
	cm.calendar_method = mail->calendar_method;
	cm.cc = mail->cc;
	cm.ncc = mail->ncc;
	cm.attachments = mail->attachments;
	cm.nattachments = mail->nattachments;
	cm.date = clock_now();
	if (compose_build(&cm, &msg, &len, err, errlen) != 0 ||
	    outbox_slot_put(st, &slot, msgid, msg, len, err, errlen) != 0)
		goto out;
	*outbox_id = slot.id;
	rc = OUTBOX_OK;
out:
	outbox_slot_free(&slot);
	free(subject);
	free(body);
	free(tagged);
	free(msg);
	free(html);
	return rc;
}

int
mailer_render(struct mailer *m, const char *tpl, struct tpl_data *data,
    int html, char **subject, char **body, char *err, size_t errlen)
{
	tpl_set(data, "network_name", m->cfg->network.name);
	tpl_set(data, "contact", m->cfg->network.contact);
	if (template_render(m->templates, tpl, data, 0, subject, body, err,
	    errlen) != 0)
		return -1;
	if (!html)
		return 0;
	free(*body);
	*body = NULL;
	if (template_render_html(m->templates, tpl, data, body, err,
	    errlen) == 0)
		return 0;
	free(*subject);
	*subject = NULL;
	return -1;
}
