/*
 * fuzz_reply.c — the new text of a reply (reply_extract_ex) with the
 * shipped reply.rules.  The first byte picks the flags, the rest is the
 * text, not NUL-terminated, as the API allows.
 */
#include "fuzz.h"

#include "parse/reply.h"
#include "parse/rules.h"

static struct rules *fuzz_reply_rules;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reply_info info;
	char err[512], path[512], *out = NULL;
	unsigned flags;

	if (fuzz_reply_rules == NULL) {
		snprintf(path, sizeof(path), "%s/reply.rules",
		    fuzz_rules_dir());
		if (rules_load(path, &fuzz_reply_rules, err,
		    sizeof(err)) != 0)
			abort();
		rules_prefilter(fuzz_reply_rules);	/* as the daemon */
	}
	if (size == 0)
		return 0;
	flags = data[0] & 0x0f;
	if (reply_extract_ex(fuzz_reply_rules, (const char *)data + 1,
	    size - 1, flags, &out, &info) == 0)
		free(out);
	return 0;
}
