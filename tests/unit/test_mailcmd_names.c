/*
 * test_mailcmd_names.c — the names written beside the addresses of an
 * INVITER line ("Noé Martin <n@x.fr>"), kept to greet a newcomer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tap.h"
#include "parse/mailcmd.h"

/* The INVITER of text as "address=name|..." ("-" for no name). */
static char *
names(const char *text)
{
	struct mailcmd_list l;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	memset(&l, 0, sizeof(l));
	mailcmd_parse(text, (time_t)1764500000, &l);
	if (l.n == 1) {
		const struct mailcmd *c = &l.items[0];

		for (size_t i = 0; i < c->naddresses; i++)
			fprintf(f, "%s%s=%s", i ? "|" : "", c->addresses[i],
			    c->address_names && c->address_names[i] ?
			    c->address_names[i] : "-");
	} else
		fprintf(f, "%zu commands", l.n);
	fclose(f);
	mailcmd_list_free(&l);
	return buf;
}

static void
check(const char *text, const char *want, const char *name)
{
	char *got = names(text);

	is_str(got, want, name);
	free(got);
}

int
main(void)
{
	check("INVITER a@x.fr", "a@x.fr=-", "a bare address has no name");
	check("INVITER Noé Martin <n@x.fr>", "n@x.fr=Noé Martin",
	    "the words before <address> are its name");
	check("INVITER \"Martin, Noé\" <n@x.fr>, b@x.fr",
	    "n@x.fr=Martin, Noé|b@x.fr=-",
	    "a quoted name keeps its comma, without the quotes");
	check("INVITER a@x.fr, Camille Roux <C@X.fr>; <d@x.fr>",
	    "a@x.fr=-|c@x.fr=Camille Roux|d@x.fr=-",
	    "each address its own name, none for <address> alone");
	check("INVITER Léa <mailto:l@x.fr>", "l@x.fr=Léa",
	    "a mailto: link keeps the name");
	check("INVITER a@x.fr et Paul <p@x.fr>", "a@x.fr=-|p@x.fr=Paul",
	    "the filler word is no part of a name");
	return tap_done();
}
