/*
 * fuzz_mime.c — the MIME parser as `inspect` and the fetch loop use it:
 * message_parse() on raw bytes, then every stage that reads the parsed
 * message (cli/cmd_inspect.c's inspect_analyse): automatic mail and
 * bounces, the new text of the reply, kind and themes, mail commands,
 * with the shipped rules.
 */
#include "fuzz.h"

#include "fetch/inbound.h"
#include "parse/autodetect.h"
#include "parse/bounce.h"
#include "parse/classify.h"
#include "parse/mailcmd.h"
#include "parse/message.h"
#include "parse/reply.h"

static struct inbound_rules fuzz_mime_rules;
static int fuzz_mime_loaded;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct message *msg = NULL;
	struct bounce_info bounce;
	struct classify_result cls;
	struct mailcmd_list cmds;
	char err[2048], *reply = NULL;
	const char *subject;

	if (!fuzz_mime_loaded) {
		if (inbound_rules_load(fuzz_rules_dir(), &fuzz_mime_rules, err,
		    sizeof(err)) != 0) {
			fprintf(stderr, "fuzz_mime: %s\n", err);
			abort();
		}
		fuzz_mime_loaded = 1;
	}
	if (message_parse((const char *)data, size, &msg, err,
	    sizeof(err)) != 0)
		return 0;
	memset(&bounce, 0, sizeof(bounce));
	(void)autodetect_classify(msg, fuzz_mime_rules.autodetect, &bounce);
	bounce_info_free(&bounce);
	subject = message_header(msg, "Subject");
	free(message_decode_header(subject != NULL ? subject : ""));
	if (reply_extract(fuzz_mime_rules.reply, msg->text, strlen(msg->text),
	    &reply) != 0)
		reply = strdup(msg->text);
	if (reply == NULL)
		abort();
	classify_run(fuzz_mime_rules.classify, msg->subject,
	    reply[0] != '\0' ? reply : msg->text, &cls);
	classify_result_free(&cls);
	mailcmd_parse(reply, (time_t)1767225600, &cmds);
	mailcmd_list_free(&cmds);
	free(reply);
	message_free(msg);
	return 0;
}
