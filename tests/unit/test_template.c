/*
 * test_template.c — the template language (values, sections, lists,
 * inverted sections, comments, standalone lines, escaping, partials),
 * syntax errors named by file and line, and caps.  The shipped templates
 * are test_template_shipped.c's.  Run from the top of the source tree.
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

/* Renders `text` (a one-template folder "t.txt") with d; the body, or
 * "ERROR: ..." — a new string. */
static char *
render_text(const char *text, const struct tpl_data *d, int html,
    char **subject)
{
	struct template_set *ts;
	char err[2048], *s = NULL, *b = NULL;

	clear_dir();
	write_tpl("t.txt", text);
	ts = load(err, sizeof(err));
	if (ts == NULL || template_render(ts, "t", d, html, &s, &b, err,
	    sizeof(err)) != 0) {
		template_set_free(ts);
		if (subject)
			*subject = NULL;
		b = malloc(strlen(err) + 8);
		sprintf(b, "ERROR: %s", err);
		return b;
	}
	template_set_free(ts);
	if (subject)
		*subject = s;
	else
		free(s);
	return b;
}

static void
check_render(const char *text, const struct tpl_data *d, int html,
    const char *want, const char *name)
{
	char *got = render_text(text, d, html, NULL);

	is_str(got, want, name);
	free(got);
}

/* Renders `text` and checks the subject exactly, and the body too unless
 * want_body is NULL. */
static void
check_subject(const char *text, const struct tpl_data *d, int html,
    const char *want_subject, const char *subject_name,
    const char *want_body, const char *body_name)
{
	char *s = NULL, *b = render_text(text, d, html, &s);

	is_str(s, want_subject, subject_name);
	if (want_body != NULL)
		is_str(b, want_body, body_name);
	free(s);
	free(b);
}

static void
test_values(void)
{
	struct tpl_data *d = tpl_data_new(), *m;

	tpl_set(d, "ref", "CDP-2026-0001");
	tpl_set(d, "name", "Hélène");
	tpl_set_int(d, "days", 7);
	tpl_setf(d, "when", "%02d/%02d/%d", 5, 12, 2026);
	m = tpl_map(d, "case");
	tpl_set(m, "commune", "Ambert");

	check_subject("Subject: Votre demande [{{ref}}]\n\nBonjour {{name}}, "
	    "{{days}} jours, le {{when}}.\n", d, 0,
	    "Votre demande [CDP-2026-0001]", "subject rendered",
	    "Bonjour Hélène, 7 jours, le 05/12/2026.\n", "values");

	check_render("Subject: x\n\n{{case.commune}}|{{case.none}}|{{nothing}}"
	    "|{{ name }}\n", d, 0, "Ambert|||Hélène\n",
	    "dotted name, missing values are empty, blanks in tags");
	tpl_set(d, "name", "Paul");
	check_render("Subject: x\n\n{{name}}\n", d, 0, "Paul\n",
	    "setting again replaces");
	tpl_set(d, "name", NULL);
	check_render("Subject: x\n\n[{{name}}]{{^name}}vide{{/name}}\n", d, 0,
	    "[]vide\n", "NULL is the empty string");

	/* Comments and documentation before the Subject line. */
	check_render("{{! doc\n  on two lines }}\n\n{{! more }}\nSubject: x\n"
	    "\nA{{! inline }}B\n", d, 0, "AB\n", "comments dropped");
	check_subject("{{! doc }}\nSubject:   Objet   {{! c }}  fin \n\n"
	    "corps\n\n\n", d, 0, "Objet fin",
	    "subject trimmed, blanks collapsed",
	    "corps\n", "trailing blank lines dropped, one newline");

	/* Control characters in values never make a second subject line. */
	tpl_set(d, "name", "a\r\nBcc: x@y\tz\xc2\x85w");
	check_subject("Subject: [{{name}}]\n\nx\n", d, 0, "[a Bcc: x@y z w]",
	    "subject stays one line", NULL, NULL);

	/* CRLF template files work the same. */
	check_render("Subject: x\r\n\r\nun\r\ndeux\r\n", d, 0, "un\ndeux\n",
	    "CRLF file");
	tpl_data_free(d);
}

static void
test_sections(void)
{
	struct tpl_data *d = tpl_data_new(), *v;

	tpl_set_bool(d, "yes", 1);
	tpl_set_bool(d, "no", 0);
	tpl_set(d, "str", "x");
	tpl_set(d, "empty", "");
	tpl_list_init(d, "none");
	v = tpl_list_add(d, "vol");
	tpl_set(v, "name", "Ana");
	tpl_set_int(v, "load", 2);
	v = tpl_list_add(d, "vol");
	tpl_set(v, "name", "Bruno");
	tpl_set_int(v, "load", 0);
	tpl_set(d, "ref", "R1");

	check_render("Subject: x\n\n{{#yes}}Y{{/yes}}{{#no}}N{{/no}}"
	    "{{^no}}n{{/no}}{{^yes}}y{{/yes}}{{#str}}S{{/str}}"
	    "{{#empty}}E{{/empty}}{{^empty}}e{{/empty}}{{#missing}}M"
	    "{{/missing}}{{^missing}}m{{/missing}}{{#none}}L{{/none}}"
	    "{{^none}}l{{/none}}\n", d, 0, "YnSeml\n",
	    "truth of bools, strings, missing, empty lists");
	check_render("Subject: x\n\n{{#vol}}{{name}}({{load}}, {{ref}}) "
	    "{{/vol}}.\n", d, 0, "Ana(2, R1) Bruno(0, R1) .\n",
	    "list iterated, item fields then enclosing ones");
	check_render("Subject: x\n\n{{#vol}}{{#load}}{{name}}{{/load}}"
	    "{{/vol}}\n", d, 0, "AnaBruno\n",
	    "string \"0\" is true (only empty strings are false)");
	check_render("Subject: x\n\n{{#str}}{{#yes}}{{#vol}}{{name}}{{/vol}}"
	    "{{/yes}}{{/str}}\n", d, 0, "AnaBruno\n", "nested sections");

	/* Standalone lines. */
	check_render("Subject: x\n\nDébut\n{{#vol}}\n  - {{name}}\n{{/vol}}\n"
	    "{{^vol}}\n  personne\n{{/vol}}\n  {{! note }}  \nFin\n", d, 0,
	    "Début\n  - Ana\n  - Bruno\nFin\n",
	    "standalone tags leave no blank lines");
	check_render("Subject: x\n\nA {{#yes}}\nB\n{{/yes}} C\n", d, 0,
	    "A \nB\n C\n", "tags sharing a line with text are not standalone");
	check_render("Subject: x\n\n{{#yes}}\nY\n{{/yes}}", d, 0, "Y\n",
	    "standalone close at end of file");
	check_render("Subject: x\n\n{{! a\nmulti-line\ncomment }}\nA\n", d, 0,
	    "A\n", "standalone multi-line comment");
	check_render("Subject: {{#yes}}oui{{/yes}} {{#no}}non{{/no}}\n\nx\n",
	    d, 0, "x\n", "sections in the subject");
	check_subject("Subject: {{#yes}}oui{{/yes}}{{#no}}non{{/no}} [{{ref}}]"
	    "\n\nx\n", d, 0, "oui [R1]", "subject sections rendered", NULL,
	    NULL);
	tpl_data_free(d);
}

static void
test_escaping(void)
{
	struct tpl_data *d = tpl_data_new();

	tpl_set(d, "v", "<b>\"Dupont\" & fils'</b>");
	check_render("Subject: {{v}}\n\n{{v}}|{{{v}}}|{{&v}}\n", d, 1,
	    "&lt;b&gt;&quot;Dupont&quot; &amp; fils&#39;&lt;/b&gt;|"
	    "<b>\"Dupont\" & fils'</b>|<b>\"Dupont\" & fils'</b>\n",
	    "HTML escaping, triple mustache and & unescaped");
	check_render("Subject: x\n\n{{v}}\n", d, 0,
	    "<b>\"Dupont\" & fils'</b>\n", "no escaping in text mode");
	check_subject("Subject: {{v}}\n\nx\n", d, 1,
	    "<b>\"Dupont\" & fils'</b>", "the subject is never HTML-escaped",
	    NULL, NULL);
	tpl_data_free(d);
}

/* NAME.html: the HTML part of NAME.txt, escaped by default, partials
 * within a line, HTML partials before text ones. */
static void
test_html(void)
{
	struct tpl_data *d = tpl_data_new();
	struct template_set *ts;
	char err[2048], *s = NULL, *b = NULL;

	tpl_set(d, "v", "<b>\"Dupont\" & fils'</b>");
	tpl_set(d, "ref", "CDP-2026-0001");
	clear_dir();
	write_tpl("t.txt", "Subject: {{v}}\n\nTexte {{v}} [{{> _ref}}]\n");
	write_tpl("t.html", "{{! the HTML part }}\n<p>{{v}}|{{{v}}}|"
	    "{{> _ref}}|{{> _cell}}</p>\n");
	write_tpl("_ref.txt", "{{ref}}\n");
	write_tpl("_cell.txt", "texte\n");
	write_tpl("_cell.html", "<td>{{ref}}</td>\n");
	write_tpl("plain.txt", "Subject: p\n\nrien\n");
	ts = load(err, sizeof(err));
	if (!ok(ts != NULL, "HTML templates load"))
		printf("# %s\n", err);
	if (ts) {
		ok(template_has_html(ts, "t") && !template_has_html(ts,
		    "plain"), "which templates have an HTML part");
		ok(template_render_html(ts, "t", d, &b, err, sizeof(err)) == 0,
		    "HTML part rendered");
		is_str(b, "<p>&lt;b&gt;&quot;Dupont&quot; &amp; fils&#39;&lt;/b&gt;"
		    "|<b>\"Dupont\" & fils'</b>|CDP-2026-0001|"
		    "<td>CDP-2026-0001</td></p>\n", "escaped by default, "
		    "{{{ }}} raw, a text partial in a line stays in it, the HTML "
		    "partial first");
		free(b);
		ok(template_render(ts, "t", d, 0, &s, &b, err,
		    sizeof(err)) == 0, "its text part too");
		is_str(b, "Texte <b>\"Dupont\" & fils'</b> [CDP-2026-0001]\n",
		    "the text is not escaped and a partial in a line ends "
		    "with the partial");
		free(s);
		free(b);
		ok(template_render_html(ts, "plain", d, &b, err,
		    sizeof(err)) != 0 && b == NULL, "no HTML part: an error");
		template_set_free(ts);
	}
	clear_dir();
	write_tpl("alone.html", "<p>x</p>\n");
	ts = load(err, sizeof(err));
	ok(ts == NULL, "an HTML file without its text template is refused");
	like_str(err, "alone.html: an HTML template is the HTML part of a "
	    "text one: alone.txt is missing", "and the file named");
	template_set_free(ts);
	tpl_data_free(d);
}

static void
test_partials(void)
{
	struct tpl_data *d = tpl_data_new(), *i;
	struct template_set *ts;
	char err[2048], *s = NULL, *b = NULL;

	i = tpl_list_add(d, "items");
	tpl_set(i, "n", "1");
	i = tpl_list_add(d, "items");
	tpl_set(i, "n", "2");
	clear_dir();
	write_tpl("_part.txt", "{{! a partial: no Subject }}\n"
	    "{{#items}}\n- {{n}}\n{{/items}}\n");
	write_tpl("main.txt", "Subject: s\n\nAvant\n{{> _part}}\nAprès\n");
	ts = load(err, sizeof(err));
	ok(ts != NULL, "partial loaded");
	if (ts) {
		ok(template_render(ts, "main", d, 0, &s, &b, err,
		    sizeof(err)) == 0, "rendered with a partial");
		is_str(b, "Avant\n- 1\n- 2\nAprès\n", "partial inlined");
		free(s);
		free(b);
		ok(template_render(ts, "_part", d, 0, &s, &b, err,
		    sizeof(err)) == 0, "a partial renders alone");
		is_str(s, "", "partial: empty subject");
		free(s);
		free(b);
		ok(template_render(ts, "nope", d, 0, &s, &b, err,
		    sizeof(err)) != 0 && s == NULL && b == NULL,
		    "unknown template refused");
		template_set_free(ts);
	}

	/* A partial including itself stops at the cap. */
	clear_dir();
	write_tpl("_loop.txt", "x{{> _loop}}\n");
	ts = load(err, sizeof(err));
	ok(ts != NULL, "self-including partial loads");
	if (ts) {
		ok(template_render(ts, "_loop", d, 0, &s, &b, err,
		    sizeof(err)) != 0, "but does not render forever");
		like_str(err, "partials nested more than", "cap named");
		template_set_free(ts);
	}
	tpl_data_free(d);
}

/* Loads "t.txt" with `text` and expects the error `want` (after the
 * path). */
static void
check_error(const char *text, const char *want, const char *name)
{
	struct template_set *ts;
	char err[2048], full[1024];

	clear_dir();
	write_tpl("t.txt", text);
	ts = load(err, sizeof(err));
	ok(ts == NULL, name);
	template_set_free(ts);
	snprintf(full, sizeof(full), "%s/t.txt:%s", fr, want);
	like_str(err, full, name);
}

static void
test_errors(void)
{
	struct template_set *ts;
	char err[4096], want[1024], *deep;
	size_t n = 0;

	check_error("Subject: x\n\nA\n{{#a}}\nB\n", "4: unclosed section {{#a}}",
	    "unclosed section at its opening line");
	check_error("Subject: x\n\n{{#a}}\n{{#b}}\n{{/a}}\n{{/b}}\n",
	    "5: {{/a}} does not match {{#b}} opened at line 4",
	    "mismatched close");
	check_error("Subject: x\n\nA\n\n{{/a}}\n", "5: {{/a}} closes no open "
	    "section", "close without open");
	check_error("Subject: x\n\n\n{{foo bar}}\n", "4: bad tag {{foo bar}}",
	    "bad tag");
	check_error("Subject: x\n\n{{=<% %>=}}\n", "3: bad tag",
	    "delimiter change unsupported");
	check_error("Subject: x\n\nA {{name\n}}\n", "3: unterminated tag",
	    "unterminated tag");
	check_error("Subject: x\n\n{{! never closed\n", "3: unterminated "
	    "comment", "unterminated comment");
	check_error("Subject: x\n\n{{! has }} inside }}\nB\n", "3: stray }}",
	    "stray }} after a comment");
	check_error("Bonjour\n\nx\n", "1: expected \"Subject: ...\"",
	    "missing Subject line");
	check_error("{{! doc\n}}\n\nSujet: x\n\nx\n", "4: expected \"Subject:",
	    "missing Subject line after the doc comment");
	check_error("Subject: x\nBonjour\n", "2: expected a blank line",
	    "no blank line after the Subject");
	check_error("Subject: x", "2: expected a blank line", "no body");
	check_error("Subject:   \n\nx\n", "1: empty Subject", "empty Subject");
	check_error("Subject: {{#a}}x\n\n{{/a}}\n", "1: unclosed section",
	    "a subject section closes on its line");
	check_error("Subject: x\n\n\xc3\x28 caf\xe9\n", "3: not valid UTF-8",
	    "invalid UTF-8 with its line");
	check_error("Subject: x\n\n{{> nowhere}}\n", "3: unknown partial",
	    "unknown partial");

	/* Depth: 16 nested sections are fine, 17 are not. */
	deep = malloc(4096);
	n = (size_t)sprintf(deep, "Subject: x\n\n");
	for (int i = 0; i < TEMPLATE_MAX_DEPTH; i++)
		n += (size_t)sprintf(deep + n, "{{#s%d}}", i);
	for (int i = TEMPLATE_MAX_DEPTH - 1; i >= 0; i--)
		n += (size_t)sprintf(deep + n, "{{/s%d}}", i);
	sprintf(deep + n, "\n");
	clear_dir();
	write_tpl("t.txt", deep);
	ts = load(err, sizeof(err));
	ok(ts != NULL, "16 nested sections accepted");
	template_set_free(ts);
	n = (size_t)sprintf(deep, "Subject: x\n\n");
	for (int i = 0; i <= TEMPLATE_MAX_DEPTH; i++)
		n += (size_t)sprintf(deep + n, "{{#s%d}}", i);
	sprintf(deep + n, "\n");
	check_error(deep, "3: sections nested more than 16 deep",
	    "17 nested sections refused");
	free(deep);

	/* Size cap. */
	deep = malloc(TEMPLATE_MAX_SIZE + 64);
	memset(deep, 'a', TEMPLATE_MAX_SIZE + 63);
	memcpy(deep, "Subject: x\n\n", 12);
	deep[TEMPLATE_MAX_SIZE + 63] = '\0';
	clear_dir();
	write_tpl("t.txt", deep);
	ok(load(err, sizeof(err)) == NULL, "file over the size cap refused");
	like_str(err, "larger than 65536 bytes", "size cap named");
	free(deep);

	/* Every file's problem is reported at once; names are checked. */
	clear_dir();
	write_tpl("a.txt", "Subject: x\n\n{{#a}}\n");
	write_tpl("b.txt", "Subject: x\n\n{{/b}}\n");
	write_tpl("Bad-Name.txt", "Subject: x\n\nx\n");
	write_tpl("README.md", "not a template {{\n");
	ok(load(err, sizeof(err)) == NULL, "several bad files refused");
	snprintf(want, sizeof(want), "%s/a.txt:3: unclosed", fr);
	like_str(err, want, "first file's error");
	snprintf(want, sizeof(want), "%s/b.txt:3: {{/b}} closes", fr);
	like_str(err, want, "second file's error");
	like_str(err, "Bad-Name.txt: a template name is lower-case",
	    "bad file name");
	ok(strstr(err, "README") == NULL, "other files ignored");

	ok(template_load_dir("/nonexistent", &ts, err, sizeof(err)) != 0,
	    "missing folder refused");
	like_str(err, "/nonexistent/fr: No such file", "missing folder named");
}

static void
test_output_cap(void)
{
	struct tpl_data *d = tpl_data_new();
	char *big = malloc(1024 * 1024 + 1), *got;

	memset(big, 'x', 1024 * 1024);
	big[1024 * 1024] = '\0';
	tpl_set(d, "big", big);
	for (int i = 0; i < 3; i++)
		tpl_list_add(d, "l");
	got = render_text("Subject: x\n\n{{#l}}{{big}}{{/l}}\n", d, 0, NULL);
	like_str(got, "ERROR: template t: output larger than", "output cap");
	free(got);
	big[1024 * 1024 - 1] = '\0';
	tpl_set(d, "big", big);
	got = render_text("Subject: x\n\n{{big}}{{big}}\n", d, 0, NULL);
	ok(strncmp(got, "xxxx", 4) == 0 && strlen(got) == 2 * 1024 * 1024 - 1,
	    "output just under the cap is allowed");
	free(got);
	free(big);
	tpl_data_free(d);
}

int
main(void)
{
	tpl_scratch("tpl");

	test_values();
	test_sections();
	test_escaping();
	test_html();
	test_partials();
	test_errors();
	test_output_cap();

	scratch_remove();
	return tap_done();
}
