/*
 * test_tag.c — case references found in subjects the way clients mangle
 * them, and reply prefixes stripped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/case_db.h"
#include "thread/tag.h"
#include "tap.h"

static void
found(const char *subject, const char *want)
{
	char ref[CASE_REF_MAX + 8] = "", name[256];

	snprintf(name, sizeof(name), "%s in '%s'", want ? want : "no tag",
	    subject ? subject : "(null)");
	if (want == NULL) {
		ok(tag_find(subject, ref, sizeof(ref)) == 0, name);
		return;
	}
	ok(tag_find(subject, ref, sizeof(ref)) == 1, name);
	is_str(ref, want, name);
}

static void
stripped(const char *subject, const char *want)
{
	char *s = tag_strip_prefixes(subject), name[256];

	snprintf(name, sizeof(name), "strip '%s'", subject ? subject :
	    "(null)");
	is_str(s, want, name);
	free(s);
}

int
main(void)
{
	found("[CDP-2026-0042] Jardin partagé", "CDP-2026-0042");
	found("Re : [CDP-2026-0042] Jardin partagé", "CDP-2026-0042");
	found("RE:[cdp-2026-42]", "CDP-2026-0042");
	found("AW: [CDP 2026 0042] x", "CDP-2026-0042");
	found("TR\xc2\xa0: [CDP\xc2\xa0-\xc2\xa0" "2026-0007]", "CDP-2026-0007");
	found("Réf. CDP\xe2\x80\x93" "2026\xe2\x80\x93" "0042 suite",
	    "CDP-2026-0042");
	found("Fwd: (CDP_2026_0100)", "CDP-2026-0100");
	found("dossier cdp-2027-12345", "CDP-2027-12345");
	found("[CDP-2026-0042] et [CDP-2026-0043]", "CDP-2026-0042");
	found("Projet ABCDP-2026-0042", NULL);
	found("CDP-2026-0042x", NULL);
	found("CDP-26-0042", NULL);
	found("CDP-2026-0000", NULL);
	found("CDP-1999-0001", NULL);
	found("Le CDP de 2026", NULL);
	found("", NULL);
	found(NULL, NULL);

	stripped("Re : TR: Jardin partagé", "Jardin partagé");
	stripped("RE: RE:Re[2]: Four à pain", "Four à pain");
	stripped("Réf : Compost", "Compost");
	stripped("R\xc3\x89" "F.: Compost", "Compost");
	stripped("AW: WG: Fwd: Fw: Haies", "Haies");
	stripped("TR\xc2\xa0: [CDP-2026-0001] Vélos\xc2\xa0", "Vélos");
	stripped("Re : [CDP-2026-0001] Re: Ruches", "Ruches");
	stripped("Retour d'expérience", "Retour d'expérience");
	stripped("Trop bien : un projet", "Trop bien : un projet");
	stripped("Refuge LPO", "Refuge LPO");
	stripped(NULL, "");
	return tap_done();
}
