/*
 * test_template_shipped.c — the shipped templates in templates/fr against
 * the daemon's table of templates and variables: the check of
 * placeholders (unknown names, missing and extra templates, named by
 * file and line), every template rendered with sample data for each
 * variable it may use (text and HTML, no leftover tag, tagged and signed),
 * and every one rendered for a person without a name.  The template
 * language itself is test_template.c's.  Run from the top of the source
 * tree.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "testutil.h"
#include "tplutil.h"
#include "out/template.h"

static void
test_check_names(void)
{
	struct template_set *ts;
	char err[8192], want[1024];
	FILE *f;
	char path[600];

	copy_shipped();
	ts = load(err, sizeof(err));
	ok(ts != NULL, "copied templates load");
	ok(ts && template_check_names(ts, err, sizeof(err)) == 0,
	    "copied templates pass the name check");
	template_set_free(ts);

	/* A misspelt placeholder, deep in a list, and a dotted one. */
	snprintf(path, sizeof(path), "%s/ack.txt", fr);
	f = fopen(path, "a");
	fputs("{{reff}}\n{{#volunteers}}{{name}}{{/volunteers}}\n"
	    "{{#is_report}}{{ref}}{{/is_report}}\n", f);
	fclose(f);
	write_tpl("assignment.txt", "Subject: x [{{ref}}]\n\n{{#volunteers}}"
	    "{{name}} {{load}} {{ref}} {{skill}}{{/volunteers}}\n"
	    "{{#attachments}}{{filename}}{{/attachments}}\n");
	snprintf(path, sizeof(path), "%s/help.txt", fr);
	unlink(path);
	write_tpl("extra.txt", "Subject: x\n\nx\n");
	ts = load(err, sizeof(err));
	ok(ts != NULL, "still loads (syntax is fine)");
	ok(ts && template_check_names(ts, err, sizeof(err)) != 0,
	    "name check fails");
	template_set_free(ts);
	snprintf(want, sizeof(want), "%s/ack.txt:", fr);
	like_str(err, want, "ack named");
	like_str(err, "unknown placeholder {{reff}} (known: ref, holder_name, "
	    "subject, reply_days, is_report, network_name, contact)",
	    "unknown placeholder with the known list");
	like_str(err, "unknown placeholder {{volunteers}}",
	    "a list of another template is unknown");
	like_str(err, "unknown placeholder {{skill}}",
	    "misspelt item field found");
	ok(strstr(err, "{{load}}") == NULL && strstr(err, "{{filename}}") ==
	    NULL, "item fields known inside their list");
	snprintf(want, sizeof(want), "%s/help.txt: missing template", fr);
	like_str(err, want, "missing template");
	snprintf(want, sizeof(want), "%s/extra.txt: not a template the daemon "
	    "sends", fr);
	like_str(err, want, "unknown template");
	/* The line is right: the appended {{reff}} line. */
	{
		char *p = strstr(err, "ack.txt:"), *q;
		int line = p ? atoi(p + 8) : 0;
		int lines = 0;

		snprintf(path, sizeof(path), "%s/%s/ack.txt", SHIPPED,
		    TEMPLATE_LANG);
		f = fopen(path, "r");
		while (f && (q = fgets(want, sizeof(want), f)) != NULL)
			lines++;
		if (f)
			fclose(f);
		is_int(line, lines + 1, "line of the unknown placeholder");
	}
}

/* 1 if template `name` is documented to get variable `var`. */
static int
has_var(const char *name, const char *var)
{
	const char *vars[512];
	int n = template_known_vars(name, vars, 512);

	for (int k = 0; k < n; k++)
		if (strcmp(vars[k], var) == 0)
			return 1;
	return 0;
}

/* Sample values for every variable a template is documented to get. */
static struct tpl_data *
sample_data(const char *name)
{
	struct tpl_data *d = tpl_data_new(), *i;
	const char *vars[128];
	static const char *const cmds[] = { "eligible", "non_eligible",
	    "transferer", "inviter", "oui", "non", "interlocuteur",
	    "rencontre", "annuler_rencontre", "feuille_de_route", "point",
	    "note", "cloturer", "abandon", "statut", "aide", "accepter",
	    "refuser", "charte", "benevole", "referent", "coordination",
	    "themes", "communes", "disponible", "indisponible", "retirer",
	    "annuaire", NULL };
	static const char *const reasons[] = { "unknown", "not_allowed",
	    "bad_date", "bad_time", "bad_address", "missing_argument",
	    "wrong_state", "not_found", "not_run", "internal_error",
	    "unknown_theme", "unknown_commune", "open_cases", NULL };
	int n = template_known_vars(name, vars, 128);

	for (int k = 0; k < n; k++) {
		const char *v = vars[k];

		if (strchr(v, '.'))
			continue;
		if (strncmp(v, "is_", 3) == 0 || strncmp(v, "has_", 4) == 0)
			tpl_set_bool(d, v, 1);
		else
			tpl_setf(d, v, "«%s» é", v);
	}
	tpl_set(d, "ref", "CDP-2026-0001");
	for (int k = 0; k < n; k++) {
		if (strcmp(vars[k], "volunteers") == 0)
			for (int j = 0; j < 2; j++) {
				i = tpl_list_add(d, "volunteers");
				tpl_setf(i, "name", "Bénévole %d", j);
				tpl_setf(i, "address", "b%d@example.org", j);
				tpl_set(i, "skills", "énergie, habitat");
				tpl_set_int(i, "load", j);
			}
		if (strcmp(vars[k], "sections") == 0) {
			struct tpl_data *p;

			i = tpl_list_add(d, "sections");
			tpl_set_bool(i, "is_volunteers", 1);
			tpl_set(i, "count", "1");
			p = tpl_list_add(i, "people");
			tpl_set(p, "name", "Alex Neuf");
			tpl_set(p, "address", "alex@example.org");
			tpl_set(p, "communes", "Ambert");
			tpl_set(p, "cases_referent", "0");
			tpl_set(p, "cases_member", "1");
			tpl_set_bool(p, "unavailable", 1);
			tpl_set(p, "unavailable_until", "15/01/2027");
			i = tpl_list_add(d, "sections");
			tpl_set_bool(i, "is_retired", 1);
			tpl_set_bool(i, "empty", 1);
			tpl_set(i, "count", "0");
		}
		if (strcmp(vars[k], "attachments") == 0) {
			i = tpl_list_add(d, "attachments");
			tpl_set(i, "filename", "plan du jardin.pdf");
		}
		if (strcmp(vars[k], "commands") == 0)
			for (int j = 0; cmds[j]; j++) {
				i = tpl_list_add(d, "commands");
				tpl_set(i, "verb", cmds[j]);
				tpl_set_bool(i, cmds[j], 1);
			}
		if (strcmp(vars[k], "results") == 0) {
			i = tpl_list_add(d, "results");
			tpl_set(i, "line", "ELIGIBLE");
			tpl_set(i, "verb", "ELIGIBLE");
			tpl_set_bool(i, "ok", 1);
			for (int j = 0; reasons[j]; j++) {
				i = tpl_list_add(d, "results");
				tpl_setf(i, "line", "ligne %d", j);
				tpl_set_bool(i, reasons[j], 1);
			}
		}
	}
	return d;
}

static void
test_shipped(void)
{
	struct template_set *ts = NULL;
	const char *const *names = template_known_names();
	char err[8192], msg[256];

	ok(template_load_dir(SHIPPED, &ts, err, sizeof(err)) == 0,
	    "shipped templates load");
	if (ts == NULL) {
		printf("# %s\n", err);
		return;
	}
	if (!ok(template_check_names(ts, err, sizeof(err)) == 0,
	    "shipped templates use only documented names"))
		printf("# %s\n", err);
	for (size_t k = 0; names[k]; k++) {
		struct tpl_data *d = sample_data(names[k]);
		char *s = NULL, *b = NULL;

		for (int html = 0; html <= 1; html++) {
			snprintf(msg, sizeof(msg), "%s renders%s", names[k],
			    html ? " (HTML)" : "");
			ok(template_render(ts, names[k], d, html, &s, &b, err,
			    sizeof(err)) == 0, msg);
			if (b == NULL)
				continue;
			snprintf(msg, sizeof(msg), "%s: no leftover {{ or }}",
			    names[k]);
			ok(strstr(b, "{{") == NULL && strstr(b, "}}") == NULL &&
			    strstr(s, "{{") == NULL, msg);
			snprintf(msg, sizeof(msg), "%s: no blank line run",
			    names[k]);
			ok(strstr(b, "\n\n\n") == NULL, msg);
			if (names[k][0] != '_') {
				snprintf(msg, sizeof(msg), "%s: subject tagged",
				    names[k]);
				/* The tag is mailer.c's, from the case a
				 * mail is about; the digest is about none. */
				if (has_var(names[k], "ref"))
					like_str(s, "[CDP-2026-0001]", msg);
				snprintf(msg, sizeof(msg), "%s: signed",
				    names[k]);
				like_str(b, "L'équipe du réseau", msg);
			}
			free(s);
			free(b);
			s = b = NULL;
		}
		tpl_data_free(d);
	}
	/* The help list shows only the commands given. */
	{
		struct tpl_data *d = tpl_data_new(), *i;
		char *s = NULL, *b = NULL;

		i = tpl_list_add(d, "commands");
		tpl_set(i, "verb", "STATUT");
		tpl_set_bool(i, "statut", 1);
		tpl_set(d, "recipient_name", "Hélène");
		ok(template_render(ts, "help", d, 0, &s, &b, err,
		    sizeof(err)) == 0, "help renders");
		like_str(b, "Bonjour Hélène,", "greeting with the name");
		like_str(b, "  STATUT\n", "the given command");
		ok(b && strstr(b, "ELIGIBLE") == NULL, "no other command");
		is_str(s, "Aide\xc2\xa0: les commandes du réseau", "no tag without "
		    "a case");
		free(s);
		free(b);
		tpl_data_free(d);
	}
	/* A stranger's name cannot put a link or a direction override in a
	 * subject sent from the network's address; the body keeps it whole
	 * so the referent sees what was written. */
	{
		struct tpl_data *d = tpl_data_new();
		char *s = NULL, *b = NULL;

		tpl_set(d, "ref", "CDP-2026-0001");
		tpl_set(d, "holder_name", "Camille \xe2\x80\xae"
		    "https://evil.example/paiement");
		tpl_set(d, "holder_address", "holder@example.org");
		ok(template_render(ts, "forward_to_referent", d, 0, &s, &b,
		    err, sizeof(err)) == 0, "forward renders");
		is_str(s, "Nouveau message de Camille [CDP-2026-0001]",
		    "forward subject: name without link nor override");
		like_str(b, "https://evil.example/paiement",
		    "the body still shows what was written");
		free(s);
		free(b);
		tpl_data_free(d);
	}
	template_set_free(ts);
}

/* 1 if `v` names a person's name: "name", "holder_name", "by_name"... */
static int
is_name_var(const char *v)
{
	size_t n = strlen(v);

	if (strcmp(v, "name") == 0 || strcmp(v, "network_name") == 0)
		return strcmp(v, "name") == 0;
	return n > 5 && strcmp(v + n - 5, "_name") == 0;
}

/*
 * A person whose name is unknown: every template rendered with empty
 * names greets with "Bonjour," and never "Bonjour ,", and shows no
 * address as its own name ("a@b <a@b>").
 */
static void
test_empty_names(void)
{
	struct template_set *ts = NULL;
	const char *const *names = template_known_names();
	char err[8192], msg[256];

	if (template_load_dir(SHIPPED, &ts, err, sizeof(err)) != 0) {
		ok(0, "shipped templates load");
		return;
	}
	for (size_t k = 0; names[k]; k++) {
		struct tpl_data *d = sample_data(names[k]), *i;
		const char *vars[128];
		int n = template_known_vars(names[k], vars, 128);
		char *s = NULL, *b = NULL;
		const char *p, *twice = NULL;

		for (int j = 0; j < n; j++) {
			if (strchr(vars[j], '.') == NULL &&
			    is_name_var(vars[j]))
				tpl_set(d, vars[j], "");
			if (strcmp(vars[j], "members") == 0) {
				i = tpl_list_add(d, "members");
				tpl_set(i, "name", "");
				tpl_set(i, "address", "x@example.org");
				tpl_set_bool(i, "is_volunteer", 1);
			}
		}
		if (template_render(ts, names[k], d, 0, &s, &b, err,
		    sizeof(err)) != 0 || b == NULL) {
			snprintf(msg, sizeof(msg), "%s renders without names",
			    names[k]);
			ok(0, msg);
			tpl_data_free(d);
			continue;
		}
		/* "a@b <a@b>": an address as its own display name. */
		for (p = strstr(b, " <"); p && !twice; p = strstr(p + 1, " <")) {
			const char *gt = strchr(p + 2, '>');
			size_t alen = gt ? (size_t)(gt - p - 2) : 0;

			if (alen > 0 && (size_t)(p - b) >= alen &&
			    memcmp(p - alen, p + 2, alen) == 0)
				twice = p;
		}
		snprintf(msg, sizeof(msg), "%s: \"Bonjour,\" without a name",
		    names[k]);
		ok(strstr(b, "Bonjour ,") == NULL &&
		    strstr(b, "Bonjour\xc2\xa0,") == NULL, msg);
		snprintf(msg, sizeof(msg), "%s: no address as its own name",
		    names[k]);
		if (!ok(twice == NULL, msg))
			printf("#   at \"%.40s\"\n", twice);
		free(s);
		free(b);
		tpl_data_free(d);
	}
	template_set_free(ts);
}

int
main(void)
{
	tpl_scratch("tpl-shipped");

	test_check_names();
	test_shipped();
	test_empty_names();

	scratch_remove();
	return tap_done();
}
