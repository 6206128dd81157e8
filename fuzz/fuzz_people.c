/*
 * fuzz_people.c — the people file reader (people_parse, csv.c below it)
 * on the bytes of a people file, not NUL-terminated.
 */
#include "fuzz.h"

#include "config/people_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct people_list l;
	char err[2048];

	memset(&l, 0, sizeof(l));
	(void)people_parse("fuzz.csv", (const char *)data, size, &l, err,
	    sizeof(err));
	people_list_free(&l);
	return 0;
}
