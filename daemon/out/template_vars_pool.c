/*
 * template_vars_pool.c — the variables of the mails about the network's
 * people (casework/pool*.c: the welcomes of BENEVOLE, REFERENT and
 * COORDINATION, and the answer to ANNUAIRE): a part of the catalog of
 * template_vars.c, apart to keep that file readable.
 */
#include <stddef.h>

#include "out/template_vars_digest.h"
#include "out/template_vars_pool.h"

const char *const template_pool_welcome_vars[] = {
	"recipient_name",
	"coordinator_name",	/* who added them, name or address */
	"themes", THEME_FIELDS("themes."), "themes.first",
	"communes",		/* ", "-joined; "" if none */
	"charter_signed",	/* true: already signed */
	"is_referent", "is_coordinator",	/* pool_welcome only */
	NULL
};

const char *const template_pool_list_vars[] = {
	"recipient_name",
	"sections",		/* referents, volunteers, coordinators, retired */
	"sections.is_referents", "sections.is_volunteers",
	"sections.is_coordinators", "sections.is_retired",
	"sections.count", "sections.empty",
	"sections.people", "sections.people.name", "sections.people.address",
	"sections.people.themes", THEME_FIELDS("sections.people.themes."),
	"sections.people.themes.first",
	"sections.people.has_themes", "sections.people.communes",
	"sections.people.cases_referent",	/* open cases as referent */
	"sections.people.cases_member",	/* open cases as group volunteer */
	"sections.people.charter_signed", "sections.people.charter_date",
	"sections.people.unavailable",
	"sections.people.unavailable_until",	/* last day; "" until DISPONIBLE */
	"sections.people.is_referent", "sections.people.is_volunteer",
	"sections.people.is_coordinator",
	NULL
};
