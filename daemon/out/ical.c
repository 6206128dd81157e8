/*
 * ical.c — meeting invitations and replies with libical; see ical.h.
 * libical is loaded for each calendar object built or read, and unloaded
 * after (out/ical_lib.h says why): every call goes through the table L.
 *
 * Why the VTIMEZONE is built here instead of taken from libical's built-in
 * zones: on Debian libical makes its zones from the system's TZif files,
 * which gives a 190-line VTIMEZONE with the whole history since 1891, a
 * "/freeassociation.sourceforge.net/" TZID prefix and rules split in 2037.
 * Mail clients expect the short form with the current rules (what
 * Thunderbird, Outlook and Google send).  The same component, loaded into an
 * icaltimezone, converts our UTC instants to the local times we write, so
 * the text is self-consistent; tests/unit/test_ical.c checks it against
 * the system's tz database through Python's icalendar.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/addr.h"
#include "base/buf.h"
#include "base/clock.h"
#include "out/ical.h"
#include "out/ical_lib.h"
#include "base/mem.h"

#define ICAL_PRODID_TEXT	"-//Coup de pouce//coupdepouce//EN"
#define ICAL_TEXT_MAX	(1024 * 1024)	/* a REPLY larger than this is
					 * not an attendee's answer */

/* One observance of the zone (daylight or standard time): its name, the
 * offsets it goes from and to (seconds east of UTC), the first change and
 * the rule that repeats it. */
static void
ical_observance(const struct ical_lib *L, icalcomponent *tz,
    icalcomponent_kind kind, const char *name, int from, int to,
    const char *start, const char *rrule)
{
	icalcomponent *c = L->icalcomponent_new(kind);

	L->icalcomponent_add_property(c, L->icalproperty_new_tzname(name));
	L->icalcomponent_add_property(c,
	    L->icalproperty_new_tzoffsetfrom(from));
	L->icalcomponent_add_property(c, L->icalproperty_new_tzoffsetto(to));
	L->icalcomponent_add_property(c, L->icalproperty_new_dtstart(
	    L->icaltime_from_string(start)));
	L->icalcomponent_add_property(c, L->icalproperty_new_rrule(
	    L->icalrecurrencetype_from_string(rrule)));
	L->icalcomponent_add_component(tz, c);
}

/* The VTIMEZONE of ICAL_ZONE, current EU rules. */
static icalcomponent *
ical_vtimezone(const struct ical_lib *L)
{
	icalcomponent *tz;
	icalproperty *loc;

	tz = L->icalcomponent_new(ICAL_VTIMEZONE_COMPONENT);
	L->icalcomponent_add_property(tz, L->icalproperty_new_tzid(ICAL_ZONE));
	loc = L->icalproperty_new_x(ICAL_ZONE);
	L->icalproperty_set_x_name(loc, "X-LIC-LOCATION");
	L->icalcomponent_add_property(tz, loc);
	ical_observance(L, tz, ICAL_XDAYLIGHT_COMPONENT, "CEST", 3600, 7200,
	    "19700329T020000", "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU");
	ical_observance(L, tz, ICAL_XSTANDARD_COMPONENT, "CET", 7200, 3600,
	    "19701025T030000", "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU");
	return tz;
}

const char *
ical_method_name(enum ical_method method)
{
	return method == ICAL_DO_CANCEL ? "CANCEL" : "REQUEST";
}

/* A CN parameter value: libical quotes it, but a '"' or a control
 * character cannot be written in a parameter at all (RFC 5545 §3.1). */
static char *
ical_cn(const char *name)
{
	char *cn = xstrdup(name), *d = cn;

	for (const char *s = name; *s; s++) {
		if (*s == '"')
			*d++ = '\'';
		else if ((unsigned char)*s < ' ' || *s == 0x7f)
			*d++ = ' ';
		else
			*d++ = *s;
	}
	*d = '\0';
	return cn;
}

static icalproperty *
ical_person_prop(const struct ical_lib *L, const struct ical_person *p,
    int organizer)
{
	icalproperty *prop;
	char *uri = xasprintf("mailto:%s", p->address), *cn;

	prop = organizer ? L->icalproperty_new_organizer(uri) :
	    L->icalproperty_new_attendee(uri);
	free(uri);
	if (p->name != NULL && *p->name != '\0') {
		cn = ical_cn(p->name);
		L->icalproperty_add_parameter(prop,
		    L->icalparameter_new_cn(cn));
		free(cn);
	}
	return prop;
}

/* DTSTART/DTEND: local time of zone, with TZID. */
static icalproperty *
ical_local_prop(const struct ical_lib *L,
    icalproperty *(*make)(struct icaltimetype), long long t,
    icaltimezone *zone)
{
	struct icaltimetype tt;
	icalproperty *prop;

	tt = L->icaltime_from_timet_with_zone((time_t)t, 0, zone);
	tt.zone = NULL;		/* written as floating + our TZID below */
	prop = make(tt);
	L->icalproperty_add_parameter(prop,
	    L->icalparameter_new_tzid(ICAL_ZONE));
	return prop;
}

static const icalparameter_role ical_roles[] = {
	ICAL_ROLE_REQPARTICIPANT, ICAL_ROLE_OPTPARTICIPANT,
	ICAL_ROLE_CHAIR, ICAL_ROLE_NONPARTICIPANT
};

/* What ical_build() refuses before loading anything. */
static int
ical_check(const struct ical_meeting *m, char *err, size_t errlen)
{
	if (m->uid == NULL || *m->uid == '\0' || m->sequence < 0) {
		snprintf(err, errlen, "ical: a meeting needs a UID and a "
		    "sequence >= 0");
		return -1;
	}
	if (m->ends_at <= m->starts_at) {
		snprintf(err, errlen, "ical: meeting %s ends before it "
		    "starts", m->uid);
		return -1;
	}
	if (!addr_valid(m->organizer.address)) {
		snprintf(err, errlen, "ical: meeting %s: bad organizer "
		    "address '%s'", m->uid, m->organizer.address ?
		    m->organizer.address : "");
		return -1;
	}
	for (size_t i = 0; i < m->nattendees; i++)
		if (!addr_valid(m->attendees[i].address) ||
		    (unsigned)m->attendees[i].role >= sizeof(ical_roles) /
		    sizeof(ical_roles[0])) {
			snprintf(err, errlen, "ical: meeting %s: bad attendee "
			    "'%s'", m->uid, m->attendees[i].address ?
			    m->attendees[i].address : "");
			return -1;
		}
	return 0;
}

/* ical_build() once libical is loaded. */
static int
ical_write(const struct ical_lib *L, enum ical_method method,
    const struct ical_meeting *m, char **out, char *err, size_t errlen)
{
	icalcomponent *cal = NULL, *ev, *tzc;
	icaltimezone *zone = NULL;
	char *text = NULL;
	long long stamp;
	int rc = -1;

	/* The zone owns tzc; the calendar gets a copy. */
	tzc = ical_vtimezone(L);
	zone = L->icaltimezone_new();
	if (zone == NULL || !L->icaltimezone_set_component(zone, tzc)) {
		L->icalcomponent_free(tzc);
		snprintf(err, errlen, "ical: time zone: %s",
		    L->icalerror_strerror(*L->icalerrno_return()));
		goto out;
	}

	cal = L->icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
	L->icalcomponent_add_property(cal, L->icalproperty_new_prodid(
	    ICAL_PRODID_TEXT));
	L->icalcomponent_add_property(cal, L->icalproperty_new_version("2.0"));
	L->icalcomponent_add_property(cal, L->icalproperty_new_calscale(
	    "GREGORIAN"));
	L->icalcomponent_add_property(cal, L->icalproperty_new_method(
	    method == ICAL_DO_CANCEL ? ICAL_METHOD_CANCEL :
	    ICAL_METHOD_REQUEST));
	L->icalcomponent_add_component(cal, L->icalcomponent_new_clone(tzc));

	ev = L->icalcomponent_new(ICAL_VEVENT_COMPONENT);
	L->icalcomponent_add_property(ev, L->icalproperty_new_uid(m->uid));
	L->icalcomponent_add_property(ev,
	    L->icalproperty_new_sequence(m->sequence));
	stamp = m->stamp ? m->stamp : (long long)clock_now();
	L->icalcomponent_add_property(ev, L->icalproperty_new_dtstamp(
	    L->icaltime_from_timet_with_zone((time_t)stamp, 0,
	    L->icaltimezone_get_utc_timezone())));
	L->icalcomponent_add_property(ev, ical_local_prop(L,
	    L->icalproperty_new_dtstart, m->starts_at, zone));
	L->icalcomponent_add_property(ev, ical_local_prop(L,
	    L->icalproperty_new_dtend, m->ends_at, zone));
	if (m->summary && *m->summary)
		L->icalcomponent_add_property(ev, L->icalproperty_new_summary(
		    m->summary));
	if (m->location && *m->location)
		L->icalcomponent_add_property(ev, L->icalproperty_new_location(
		    m->location));
	if (m->description && *m->description)
		L->icalcomponent_add_property(ev, L->icalproperty_new_description(
		    m->description));
	L->icalcomponent_add_property(ev, ical_person_prop(L,
	    &m->organizer, 1));
	for (size_t i = 0; i < m->nattendees; i++) {
		icalproperty *a = ical_person_prop(L,
		    &m->attendees[i], 0);

		L->icalproperty_add_parameter(a, L->icalparameter_new_role(
		    ical_roles[m->attendees[i].role]));
		if (method == ICAL_DO_REQUEST) {
			L->icalproperty_add_parameter(a,
			    L->icalparameter_new_partstat(
			    ICAL_PARTSTAT_NEEDSACTION));
			L->icalproperty_add_parameter(a,
			    L->icalparameter_new_rsvp(ICAL_RSVP_TRUE));
		}
		L->icalcomponent_add_property(ev, a);
	}
	L->icalcomponent_add_property(ev, L->icalproperty_new_status(
	    method == ICAL_DO_CANCEL ? ICAL_STATUS_CANCELLED :
	    ICAL_STATUS_CONFIRMED));
	L->icalcomponent_add_property(ev, L->icalproperty_new_transp(
	    ICAL_TRANSP_OPAQUE));
	L->icalcomponent_add_component(cal, ev);

	if ((text = L->icalcomponent_as_ical_string_r(cal)) == NULL) {
		snprintf(err, errlen, "ical: meeting %s: %s", m->uid,
		    L->icalerror_strerror(*L->icalerrno_return()));
		goto out;
	}
	*out = xstrdup(text);
	rc = 0;
out:
	if (text)
		L->icalmemory_free_buffer(text);
	if (cal)
		L->icalcomponent_free(cal);
	if (zone)
		L->icaltimezone_free(zone, 1);
	return rc;
}

int
ical_build(enum ical_method method, const struct ical_meeting *m,
    char **out, char *err, size_t errlen)
{
	struct ical_lib lib;
	char why[512];
	int rc;

	*out = NULL;
	if (ical_check(m, err, errlen) != 0)
		return -1;
	if (ical_lib_open(&lib, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "ical: meeting %s: the calendar object "
		    "cannot be built: %s", m->uid, why);
		return -1;
	}
	rc = ical_write(&lib, method, m, out, err, errlen);
	ical_lib_close(&lib);
	return rc;
}

/* ical_parse_reply() once libical is loaded. */
static int
ical_read(const struct ical_lib *L, const char *text, char **uid,
    int *sequence, char **attendee, char **partstat, char *err,
    size_t errlen)
{
	icalcomponent *root = NULL, *cal, *ev;
	icalproperty *p;
	icalparameter *ps;
	const char *v;
	int rc = -1;

	if ((root = L->icalparser_parse_string(text)) == NULL) {
		snprintf(err, errlen, "ical: reply does not parse: %s",
		    L->icalerror_strerror(*L->icalerrno_return()));
		return -1;
	}
	cal = root;
	if (L->icalcomponent_isa(root) == ICAL_XROOT_COMPONENT)
		cal = L->icalcomponent_get_first_component(root,
		    ICAL_VCALENDAR_COMPONENT);
	if (cal == NULL || L->icalcomponent_isa(cal) != ICAL_VCALENDAR_COMPONENT) {
		snprintf(err, errlen, "ical: reply has no VCALENDAR");
		goto out;
	}
	if ((p = L->icalcomponent_get_first_property(cal,
	    ICAL_METHOD_PROPERTY)) == NULL ||
	    L->icalproperty_get_method(p) != ICAL_METHOD_REPLY) {
		snprintf(err, errlen, "ical: not an iTIP REPLY (METHOD is %s)",
		    p ? L->icalproperty_get_value_as_string(p) : "missing");
		goto out;
	}
	if ((ev = L->icalcomponent_get_first_component(cal,
	    ICAL_VEVENT_COMPONENT)) == NULL) {
		snprintf(err, errlen, "ical: reply has no VEVENT");
		goto out;
	}
	if ((p = L->icalcomponent_get_first_property(ev, ICAL_UID_PROPERTY)) ==
	    NULL || (v = L->icalproperty_get_uid(p)) == NULL || *v == '\0') {
		snprintf(err, errlen, "ical: reply has no UID");
		goto out;
	}
	*uid = xstrdup(v);
	if ((p = L->icalcomponent_get_first_property(ev,
	    ICAL_SEQUENCE_PROPERTY)) != NULL)
		*sequence = L->icalproperty_get_sequence(p);
	if ((p = L->icalcomponent_get_first_property(ev,
	    ICAL_ATTENDEE_PROPERTY)) == NULL ||
	    (v = L->icalproperty_get_attendee(p)) == NULL) {
		snprintf(err, errlen, "ical: reply to %s has no ATTENDEE",
		    *uid);
		goto out;
	}
	if (strncasecmp(v, "mailto:", 7) == 0)
		v += 7;
	if (!addr_valid(v)) {
		snprintf(err, errlen, "ical: reply to %s: ATTENDEE is not an "
		    "address", *uid);
		goto out;
	}
	*attendee = xstrdup(v);
	for (char *c = *attendee; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	ps = L->icalproperty_get_first_parameter(p, ICAL_PARTSTAT_PARAMETER);
	switch (ps ? L->icalparameter_get_partstat(ps) : ICAL_PARTSTAT_NONE) {
	case ICAL_PARTSTAT_ACCEPTED:
		*partstat = xstrdup("ACCEPTED");
		break;
	case ICAL_PARTSTAT_DECLINED:
		*partstat = xstrdup("DECLINED");
		break;
	case ICAL_PARTSTAT_TENTATIVE:
		*partstat = xstrdup("TENTATIVE");
		break;
	default:
		snprintf(err, errlen, "ical: reply to %s from %s: PARTSTAT "
		    "is not ACCEPTED, DECLINED or TENTATIVE", *uid, *attendee);
		goto out;
	}
	rc = 0;
out:
	L->icalcomponent_free(root);
	if (rc != 0) {
		free(*uid);
		free(*attendee);
		free(*partstat);
		*uid = *attendee = *partstat = NULL;
		*sequence = 0;
	}
	return rc;
}

int
ical_parse_reply(const char *text, char **uid, int *sequence,
    char **attendee, char **partstat, char *err, size_t errlen)
{
	struct ical_lib lib;
	char why[512];
	int rc;

	*uid = *attendee = *partstat = NULL;
	*sequence = 0;
	if (text == NULL || strlen(text) > ICAL_TEXT_MAX) {
		snprintf(err, errlen, "ical: reply missing or larger than %d "
		    "bytes", ICAL_TEXT_MAX);
		return -1;
	}
	if (ical_lib_open(&lib, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "ical: the reply cannot be read: %s",
		    why);
		return -1;
	}
	rc = ical_read(&lib, text, uid, sequence, attendee, partstat, err,
	    errlen);
	ical_lib_close(&lib);
	return rc;
}
