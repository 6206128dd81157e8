/*
 * cmd_inspect.c — `coupdepouce inspect FILE.eml [--json]`: what the daemon
 * reads in one mail, without a database or a network (DESIGN.md §6).
 *
 * For people (why was this mail treated so?) and for tools: --json prints
 * the contract object of DESIGN.md §6, keys in the documented order.  The
 * message goes through the same parser as fetched mail (message_parse);
 * the later stages fill their own fields, each at one marked place below
 * (inspect_analyse), so that inspect always shows what the daemon would
 * decide.  It needs no configuration: it runs from a source checkout and
 * on a machine where the daemon is not set up.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "parse/autodetect.h"
#include "parse/bounce.h"
#include "parse/classify.h"
#include "cli/cli.h"
#include "base/clock.h"
#include "parse/mailcmd.h"
#include "config/config.h"
#include "fetch/inbound.h"
#include "base/json_out.h"
#include "base/mem.h"
#include "parse/message.h"
#include "parse/reply.h"

/* [imap] max_message_size's default (config.c), for inspect without a
 * configuration. */
#define INSPECT_DEFAULT_MAX	(25L * 1024 * 1024)

const char cmd_inspect_help[] =
"usage: coupdepouce inspect FILE.eml [--json]\n"
"\n"
"Parses one message (a raw RFC 5322 file, CRLF or LF; \"-\" reads standard\n"
"input) the way the daemon does, without a database or a network, and\n"
"prints what was understood: sender, recipients, date, subject,\n"
"attachments and the text.\n"
"\n"
"  --json   print the DESIGN.md §6 object instead: from, to, cc, subject,\n"
"           date, message_id, in_reply_to, references, auto, bounce, text,\n"
"           reply, attachments, kind, themes, commands, and truncated\n"
"           (true when a header, the text or the MIME tree was cut by a\n"
"           cap)\n"
"\n"
"Exit status: 0 success, 1 unreadable or unparseable file, 2 bad usage.\n";

/* What the stages after parsing decide about a message. */
struct inspect_result {
	const char	*auto_kind;	/* "none" | "auto-reply" | "bounce" |
					 * "list" */
	struct bounce_info bounce;	/* owned; all NULL unless a bounce */
	char		*reply;		/* owned */
	struct classify_result cls;	/* owned: kind, themes, commune */
	struct mailcmd_list cmds;	/* owned: commands of the reply */
};

/*
 * The rules folder: the configuration's when there is one, else the
 * installed copy, else the one of the source tree the binary was built in
 * (build/coupdepouce → config/rules), so inspect runs anywhere.
 */
static int
inspect_rules(const struct cli *cli, struct inbound_rules *rules, char *err,
    size_t errlen)
{
	char exe[4096], *slash, *dir = NULL;
	ssize_t n;
	int rc;

	if (cli->cfg)
		return inbound_rules_load(cli->cfg->paths.rules, rules, err,
		    errlen);
	if (access(CDP_DATADIR "/config/rules/reply.rules", R_OK) == 0)
		return inbound_rules_load(CDP_DATADIR "/config/rules", rules,
		    err, errlen);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		dir = xasprintf("%s/../config/rules", exe);
	}
	if (dir == NULL) {
		snprintf(err, errlen, "no rules folder found; give one with "
		    "-c FILE ([paths] rules)");
		return -1;
	}
	rc = inbound_rules_load(dir, rules, err, errlen);
	free(dir);
	return rc;
}

/*
 * Runs the same stages as the daemon on a parsed message.  Commands stay
 * empty until the command module exists.
 */
static void
inspect_analyse(const struct message *msg, const struct inbound_rules *rules,
    struct inspect_result *r)
{
	memset(r, 0, sizeof(*r));
	r->auto_kind = autodetect_name(autodetect_classify(msg,
	    rules->autodetect, &r->bounce));
	if (reply_extract(rules->reply, msg->text, strlen(msg->text),
	    &r->reply) != 0)
		r->reply = xstrdup(msg->text);
	classify_run(rules->classify, msg->subject,
	    classify_text(r->reply, msg->text), &r->cls);
	mailcmd_parse(r->reply, clock_now(), &r->cmds);
}

/* Reads the whole file (or stdin for "-"), at most MESSAGE_MAX_SIZE. */
static int
inspect_read(const char *path, char **out, size_t *outlen, char *err,
    size_t errlen)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t cap = 65536, n = 0, r;
	char *buf = NULL;
	struct stat st;
	int rc = -1;

	if (f == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		goto out;
	}
	if (fstat(fileno(f), &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "is a folder");
			goto out;
		}
		if (S_ISREG(st.st_mode) && st.st_size > MESSAGE_MAX_SIZE) {
			snprintf(err, errlen, "larger than %d MiB",
			    MESSAGE_MAX_SIZE / (1024 * 1024));
			goto out;
		}
	}
	buf = xmalloc(cap);
	for (;;) {
		if (n == cap) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		r = fread(buf + n, 1, cap - n, f);
		if (r == 0)
			break;
		n += r;
		if (n > MESSAGE_MAX_SIZE) {
			snprintf(err, errlen, "larger than %d MiB",
			    MESSAGE_MAX_SIZE / (1024 * 1024));
			goto out;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s", strerror(errno ? errno : EIO));
		goto out;
	}
	*out = buf;
	*outlen = n;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	if (f != NULL && f != stdin)
		fclose(f);
	return rc;
}

/* The daemon quarantines a mail over [imap] max_message_size unread;
 * inspect refuses it the same, so that it never parses what the daemon
 * would not.  Without a configuration, the key's default. */
static int
inspect_size(const struct cli *cli, size_t len, char *err, size_t errlen)
{
	long max = cli->cfg ? cli->cfg->imap.max_message_size :
	    INSPECT_DEFAULT_MAX;

	if (len <= (size_t)max)
		return 0;
	snprintf(err, errlen, "too large: %zu bytes (max_message_size is "
	    "%ld)", len, max);
	return -1;
}

/* ISO 8601 in the sender's own offset: 2026-11-28T18:05:00+01:00. */
static void
inspect_date(const struct message *msg, char *out, size_t outlen)
{
	time_t local = msg->date + (time_t)msg->date_offset * 60;
	int off = msg->date_offset < 0 ? -msg->date_offset : msg->date_offset;
	struct tm tm;

	if (gmtime_r(&local, &tm) == NULL) {
		snprintf(out, outlen, "?");
		return;
	}
	snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, msg->date_offset < 0 ? '-' : '+', off / 60,
	    off % 60);
}

static struct json_out *
inspect_addr(const struct msg_addr *a)
{
	struct json_out *o = json_out_object();

	json_out_set_string(o, "name", a->name ? a->name : "");
	json_out_set_string(o, "address", a->address ? a->address : "");
	return o;
}

static struct json_out *
inspect_addrs(const struct msg_addrs *list)
{
	struct json_out *arr = json_out_array();

	for (size_t i = 0; i < list->n; i++)
		json_out_push(arr, inspect_addr(&list->items[i]));
	return arr;
}

static char *
inspect_json(const struct message *msg, const struct inspect_result *r)
{
	struct json_out *o = json_out_object(), *arr;
	char date[64], *s;

	json_out_set(o, "from", inspect_addr(&msg->from));
	json_out_set(o, "to", inspect_addrs(&msg->to));
	json_out_set(o, "cc", inspect_addrs(&msg->cc));
	json_out_set_string(o, "subject", msg->subject);
	if (msg->has_date) {
		inspect_date(msg, date, sizeof(date));
		json_out_set_string(o, "date", date);
	} else
		json_out_set_null(o, "date");
	json_out_set_string(o, "message_id", msg->message_id);
	json_out_set_string(o, "in_reply_to", msg->in_reply_to);
	arr = json_out_array();
	for (size_t i = 0; i < msg->nreferences; i++)
		json_out_push(arr, json_out_string(msg->references[i]));
	json_out_set(o, "references", arr);
	json_out_set_string(o, "auto", r->auto_kind);
	if (r->bounce.recipient || r->bounce.status || r->bounce.action) {
		struct json_out *b = json_out_object();

		json_out_set_string(b, "recipient", r->bounce.recipient);
		json_out_set_string(b, "status", r->bounce.status);
		json_out_set_string(b, "action", r->bounce.action);
		json_out_set(o, "bounce", b);
	} else
		json_out_set_null(o, "bounce");
	json_out_set_string(o, "text", msg->text);
	json_out_set_string(o, "reply", r->reply);
	arr = json_out_array();
	for (size_t i = 0; i < msg->nattachments; i++) {
		struct json_out *a = json_out_object();

		json_out_set_string(a, "filename",
		    msg->attachments[i].filename);
		json_out_set_string(a, "content_type",
		    msg->attachments[i].content_type);
		json_out_set_int(a, "size",
		    (long long)msg->attachments[i].size);
		json_out_push(arr, a);
	}
	json_out_set(o, "attachments", arr);
	json_out_set_string(o, "kind", r->cls.kind);
	arr = json_out_array();
	for (size_t i = 0; i < r->cls.nthemes; i++)
		json_out_push(arr, json_out_string(r->cls.themes[i]));
	json_out_set(o, "themes", arr);
	arr = json_out_array();
	for (size_t i = 0; i < r->cmds.n; i++) {
		const struct mailcmd *c = &r->cmds.items[i];
		struct json_out *co;

		/* A line that only looks like a command has no verb. */
		if (c->verb == CMD_UNKNOWN)
			continue;
		co = json_out_object();
		json_out_set_string(co, "verb", mailcmd_verb_name(c->verb));
		json_out_set_string(co, "args", c->args);
		json_out_push(arr, co);
	}
	json_out_set(o, "commands", arr);
	/* Beyond DESIGN's object: whether a cap cut a header, the text or
	 * the MIME tree (the rest is then what was read before it). */
	json_out_set_bool(o, "truncated", msg->truncated);
	s = json_out_dump(o, 2);
	json_out_free(o);
	return s;
}

static void
inspect_print_addrs(const char *label, const struct msg_addrs *list)
{
	for (size_t i = 0; i < list->n; i++) {
		const struct msg_addr *a = &list->items[i];

		printf("%-10s", i == 0 ? label : "");
		if (a->name[0] != '\0')
			printf("%s <%s>\n", a->name, a->address);
		else
			printf("%s\n", a->address);
	}
}

static void
inspect_print(const struct message *msg, const struct inspect_result *r)
{
	char date[64];
	struct msg_addrs from = { (struct msg_addr *)&msg->from, 1 };

	inspect_print_addrs("From:", &from);
	inspect_print_addrs("To:", &msg->to);
	inspect_print_addrs("Cc:", &msg->cc);
	if (msg->has_date) {
		inspect_date(msg, date, sizeof(date));
		printf("%-10s%s\n", "Date:", date);
	}
	printf("%-10s%s\n", "Subject:", msg->subject);
	if (strcmp(r->auto_kind, "none") != 0)
		printf("%-10s%s\n", "Auto:", r->auto_kind);
	printf("%-10s%s\n", "Kind:", r->cls.kind);
	for (size_t i = 0; i < r->cls.nthemes; i++)
		printf("%-10s%s\n", i == 0 ? "Themes:" : "", r->cls.themes[i]);
	if (r->cls.commune != NULL)
		printf("%-10s%s\n", "Commune:", r->cls.commune);
	for (size_t i = 0; i < msg->nattachments; i++) {
		const struct msg_attachment *a = &msg->attachments[i];

		printf("%-10s%s (%s, %zu bytes)\n", i == 0 ? "Attached:" : "",
		    a->filename[0] ? a->filename : "(no name)",
		    a->content_type, a->size);
	}
	if (msg->truncated)
		printf("%-10smessage too large or too deep: read in part (text "
		    "parts up to %ld bytes, header values up to %d)\n",
		    "Note:", MESSAGE_TEXT_MAX, MESSAGE_MAX_HEADER_LEN);
	printf("\n%s", msg->text);
	if (msg->text[0] != '\0' && msg->text[strlen(msg->text) - 1] != '\n')
		printf("\n");
}

int
cmd_inspect(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct inspect_result r;
	struct inbound_rules rules = { 0 };
	struct message *msg = NULL;
	const char *path;
	char err[512], *raw = NULL, *json;
	size_t len = 0;
	int c, as_json = 0, rc = EXIT_ERR;

	memset(&r, 0, sizeof(r));
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			as_json = 1;
			break;
		case 'h':
			fputs(cmd_inspect_help, stdout);
			return EXIT_OK;
		default:
			return cli_usage_error("inspect", "unknown option '%s'",
			    argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error("inspect", "no FILE.eml given");
	if (argc - optind > 1)
		return cli_usage_error("inspect", "one FILE.eml at a time");
	path = argv[optind];
	if (inspect_read(path, &raw, &len, err, sizeof(err)) != 0 ||
	    inspect_size(cli, len, err, sizeof(err)) != 0 ||
	    message_parse(raw, len, &msg, err, sizeof(err)) != 0) {
		fprintf(stderr, "coupdepouce inspect: %s: %s\n", path, err);
		goto out;
	}
	if (inspect_rules(cli, &rules, err, sizeof(err)) != 0) {
		fprintf(stderr, "coupdepouce inspect: %s\n", err);
		goto out;
	}
	inspect_analyse(msg, &rules, &r);
	if (as_json) {
		json = inspect_json(msg, &r);
		fputs(json, stdout);
		free(json);
	} else
		inspect_print(msg, &r);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "coupdepouce inspect: writing: %s\n",
		    strerror(errno));
		goto out;
	}
	rc = EXIT_OK;
out:
	inbound_rules_free(&rules);
	bounce_info_free(&r.bounce);
	free(r.reply);
	classify_result_free(&r.cls);
	mailcmd_list_free(&r.cmds);
	message_free(msg);
	free(raw);
	return rc;
}
