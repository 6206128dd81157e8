/*
 * ical.h — iCalendar (RFC 5545) for meeting invitations: the iMIP body of
 * a REQUEST or CANCEL (RFC 5546, RFC 6047), and reading an attendee's
 * REPLY.
 *
 * libical does the writing and the parsing (escaping of , ; \ and line
 * breaks in text, line folding, parameter quoting); it is included by
 * ical.c only.  Times are given as unix seconds and written as local time
 * of Europe/Paris with TZID=Europe/Paris, and the object carries a
 * VTIMEZONE for Europe/Paris with its current DST rules (last Sunday of
 * March 02:00 -> CEST, last Sunday of October 03:00 -> CET), written the
 * way Thunderbird and Outlook do, so every client shows the meeting at the
 * same local time whatever its own zone.  The conversion uses that same
 * VTIMEZONE, so what is written and what clients compute agree.
 *
 * The caller (compose) puts the text in a text/calendar part with
 * "; charset=UTF-8; method=REQUEST" (or CANCEL): ical_method_name().
 */
#ifndef CDP_ICAL_H
#define CDP_ICAL_H

#include <stddef.h>

#define ICAL_ZONE "Europe/Paris"

enum ical_method {
	ICAL_DO_REQUEST,	/* invitation, or update (SEQUENCE + 1) */
	ICAL_DO_CANCEL		/* STATUS:CANCELLED; SEQUENCE + 1 */
};

enum ical_role {
	ICAL_AS_REQUIRED = 0,	/* REQ-PARTICIPANT (the default) */
	ICAL_AS_OPTIONAL,	/* OPT-PARTICIPANT */
	ICAL_AS_CHAIR,		/* CHAIR */
	ICAL_AS_INFO		/* NON-PARTICIPANT (for information) */
};

struct ical_person {		/* borrowed */
	const char	*name;		/* CN; NULL or "" for none */
	const char	*address;	/* e-mail, without mailto: */
	enum ical_role	 role;		/* attendees only */
};

struct ical_meeting {		/* everything borrowed */
	const char	*uid;		/* stable for the meeting's life */
	int		 sequence;	/* >= 0; +1 at each change */
	long long	 starts_at;	/* unix seconds */
	long long	 ends_at;	/* unix seconds, > starts_at */
	long long	 stamp;		/* DTSTAMP; 0: clock_now() */
	const char	*summary;	/* UTF-8; NULL: none */
	const char	*location;
	const char	*description;
	struct ical_person organizer;	/* the network's contact address */
	const struct ical_person *attendees;
	size_t		 nattendees;
};

/*
 * Builds a VCALENDAR with METHOD:REQUEST or CANCEL and one VEVENT (UID,
 * SEQUENCE, DTSTAMP in UTC, DTSTART/DTEND with TZID, SUMMARY, LOCATION,
 * DESCRIPTION, ORGANIZER with CN, one ATTENDEE per attendee with CN and
 * ROLE — plus PARTSTAT=NEEDS-ACTION and RSVP=TRUE in a REQUEST —,
 * STATUS:CONFIRMED or CANCELLED) and the VTIMEZONE.  Lines end with CRLF.
 * On success *out is a NUL-terminated string the caller frees with free().
 * -1 with the reason in err on a missing field or an address that does
 * not look like one.
 */
int ical_build(enum ical_method method, const struct ical_meeting *m,
    char **out, char *err, size_t errlen);

/* "REQUEST" or "CANCEL", for the Content-Type's method parameter. */
const char *ical_method_name(enum ical_method method);

/*
 * Reads an iTIP REPLY (RFC 5546 §3.2.3): text is untrusted.  On success
 * sets *uid, *attendee (the address, mailto: removed, lower case) and
 * *partstat ("ACCEPTED", "DECLINED" or "TENTATIVE"), new strings the
 * caller frees, and *sequence (0 when absent).  -1 with the reason in err
 * (outputs NULL) when the text does not parse, is not METHOD:REPLY, has no
 * VEVENT, UID or ATTENDEE, or another PARTSTAT.
 */
int ical_parse_reply(const char *text, char **uid, int *sequence,
    char **attendee, char **partstat, char *err, size_t errlen);

#endif
