/*
 * fuzz_mime.c — the MIME parser as `inspect` and the fetch loop use it:
 * message_parse() on raw bytes, then what reads the parsed message next
 * (automatic-mail and bounce detection with the shipped auto.rules).
 */
#include "fuzz.h"

#include "parse/autodetect.h"
#include "parse/bounce.h"
#include "parse/message.h"
#include "parse/rules.h"

static struct rules *fuzz_mime_auto;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct message *msg = NULL;
	struct bounce_info bounce;
	char err[512], path[512];

	if (fuzz_mime_auto == NULL) {
		snprintf(path, sizeof(path), "%s/auto.rules",
		    fuzz_rules_dir());
		if (rules_load(path, &fuzz_mime_auto, err, sizeof(err)) != 0)
			abort();
	}
	if (message_parse((const char *)data, size, &msg, err,
	    sizeof(err)) != 0)
		return 0;
	memset(&bounce, 0, sizeof(bounce));
	(void)autodetect_classify(msg, fuzz_mime_auto, &bounce);
	bounce_info_free(&bounce);
	free(message_decode_header(message_header(msg, "Subject") ?
	    message_header(msg, "Subject") : ""));
	message_free(msg);
	return 0;
}
