/*
 * fuzz_rules.c — the rules loader (rules_load_text, the buffer twin of
 * rules_load) on a rules file, then every loaded rule matched against the
 * file itself and the reply module's check of its labels.  A rule that
 * matches the file must have been allowed by the literal prefilter's scan
 * of it (rules_scan()): a literal derived wrongly from a pattern aborts.
 */
#include "fuzz.h"

#include "base/buf.h"
#include "parse/casefold.h"
#include "parse/reply.h"
#include "parse/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rules *r = NULL;
	char err[1024], *text = fuzz_cstr(data, size);

	if (rules_load_text("fuzz.rules", text, 1, &r, err, sizeof(err)) == 0) {
		size_t n = rules_count(r), len = strlen(text);
		unsigned char *may = malloc(n ? n : 1);
		struct buf folded;

		rules_prefilter(r);
		buf_init(&folded, 0);
		casefold_text(text, len, &folded);
		rules_scan(r, buf_str(&folded), folded.len, may);
		for (size_t i = 0; i < n && i < 64; i++) {
			(void)rules_label(r, i);
			(void)rules_line(r, i);
			if (rules_match(r, i, text, len, NULL, NULL) == 1 &&
			    !may[i])
				abort();
		}
		buf_free(&folded);
		free(may);
		(void)reply_rules_check(r, "fuzz.rules", err, sizeof(err));
		rules_free(r);
	}
	free(text);
	return 0;
}
