/*
 * fuzz_mailcmd.c — the mail command parser (mailcmd_parse) on the text
 * of a reply, with a fixed "now" so that a crash replays the same way.
 */
#include "fuzz.h"

#include "parse/mailcmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mailcmd_list l;
	char *text = fuzz_cstr(data, size);

	mailcmd_parse(text, (time_t)1767225600, &l);	/* 2026-01-01 */
	for (size_t i = 0; i < l.n; i++)
		(void)mailcmd_verb_name(l.items[i].verb);
	mailcmd_list_free(&l);
	free(mailcmd_fold(text));
	free(text);
	return 0;
}
