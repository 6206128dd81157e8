/*
 * test_ical.c — meeting invitations: REQUEST and CANCEL are well-formed
 * iCalendar (CRLF, folded lines, escaped text, VTIMEZONE with DST rules),
 * and an independent parser — Python's icalendar with the system's tz
 * database, run as /usr/bin/python3 on the produced text — reads back the
 * same UID, SEQUENCE, method, zone and local times, across both DST
 * changes.  Then iTIP REPLYs as clients send them are read, and bad ones
 * refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "out/ical.h"
#include "tap.h"
#include "testutil.h"

static char err[1024];

/* Every line ends with CRLF and is at most 75 octets (RFC 5545 §3.1). */
static int
lines_ok(const char *s)
{
	const char *p = s;

	while (*p) {
		const char *nl = strchr(p, '\n');

		if (nl == NULL || nl == p || nl[-1] != '\r' || nl - 1 - p > 75)
			return 0;
		p = nl + 1;
	}
	return 1;
}

/* Unfolded copy (CRLF + space removed), for substring checks. */
static char *
unfold(const char *s)
{
	char *out = malloc(strlen(s) + 1), *d = out;

	for (const char *p = s; *p; p++) {
		if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ') {
			p += 2;
			continue;
		}
		*d++ = *p;
	}
	*d = '\0';
	return out;
}

/* Runs the independent parser on text; its output in out. */
static int
python_read(const char *text, char *out, size_t outlen)
{
	static const char script[] =
	    "import sys, icalendar\n"
	    "data = open(sys.argv[1], 'rb').read()\n"
	    "cal = icalendar.Calendar.from_ical(data)\n"
	    "print('method', cal['METHOD'])\n"
	    "tzs = [c for c in cal.walk('VTIMEZONE')]\n"
	    "print('vtimezone', tzs[0]['TZID'] if tzs else '-')\n"
	    "for ev in cal.walk('VEVENT'):\n"
	    "    s = ev['DTSTART'].dt\n"
	    "    e = ev['DTEND'].dt\n"
	    "    print('uid', ev['UID'])\n"
	    "    print('sequence', int(ev['SEQUENCE']))\n"
	    "    print('status', ev['STATUS'])\n"
	    "    print('tzid', ev['DTSTART'].params.get('TZID'))\n"
	    "    print('zone', getattr(s.tzinfo, 'zone', str(s.tzinfo)))\n"
	    "    print('start', s.isoformat())\n"
	    "    print('start_ts', int(s.timestamp()))\n"
	    "    print('end_ts', int(e.timestamp()))\n"
	    "    print('summary', ev['SUMMARY'].replace('\\n', '|'))\n"
	    "    print('location', ev.get('LOCATION', '-'))\n"
	    "    print('description', ev.get('DESCRIPTION', '-'))\n"
	    "    o = ev['ORGANIZER']\n"
	    "    print('organizer', o, o.params['CN'])\n"
	    "    att = ev['ATTENDEE']\n"
	    "    att = att if isinstance(att, list) else [att]\n"
	    "    for a in att:\n"
	    "        g = a.params.get\n"
	    "        print('attendee', a, g('CN'), g('ROLE'),\n"
	    "              g('PARTSTAT', '-'), g('RSVP', '-'))\n";
	char path[] = "/tmp/cdp-ical.XXXXXX", spath[] = "/tmp/cdp-icpy.XXXXXX";
	char cmd[256];
	FILE *p;
	size_t n;
	int fd, sfd, status;

	if ((fd = mkstemp(path)) < 0 || (sfd = mkstemp(spath)) < 0)
		return -1;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    write(sfd, script, strlen(script)) != (ssize_t)strlen(script)) {
		close(fd);
		close(sfd);
		return -1;
	}
	close(fd);
	close(sfd);
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s %s 2>&1", spath, path);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	n = fread(out, 1, outlen - 1, p);
	out[n] = '\0';
	status = pclose(p);
	unlink(path);
	unlink(spath);
	if (status != 0)
		printf("# python3 said:\n%s\n", out);
	return status == 0 ? 0 : -1;
}

static const struct ical_person attendees[] = {
	{ "Camille Porteur", "holder@example.org", ICAL_AS_REQUIRED },
	{ "Dominique \"Dom\" Bénévole, jr", "volunteer1@example.org",
	    ICAL_AS_OPTIONAL },
};

static void
test_request(void)
{
	struct ical_meeting m = {
		.uid = "cdp-meeting-3.a1b2@example.org",
		.sequence = 1,
		/* DST began at 02:00 that day. */
		.starts_at = local_time("2026-03-29 10:00"),
		.ends_at = local_time("2026-03-29 12:00"),
		.stamp = local_time("2026-03-20 09:15"),
		.summary = "Rencontre, projet; «énergie» à Thiers\nsuite",
		.location = "Mairie d'Ambert, salle 2",
		.description = "Première rencontre du groupe d'accompagnement "
		    "pour clarifier le projet et établir la feuille de route. "
		    "Apportez vos idées ; merci ! ééééééééééééééééééééééééééééé"
		    "éééééééééééééééééééééééééééééééééééééééééééééééééééééééé",
		.organizer = { "Coup de pouce Livradois-Forez",
		    "coupdepouce@example.org", ICAL_AS_CHAIR },
		.attendees = attendees,
		.nattendees = 2,
	};
	static const struct like_case lines[] = {
		{ "METHOD:REQUEST\r\n", "METHOD:REQUEST" },
		{ "UID:cdp-meeting-3.a1b2@example.org\r\n", "UID" },
		{ "SEQUENCE:1\r\n", "SEQUENCE" },
		{ "DTSTAMP:20260320T081500Z\r\n", "DTSTAMP in UTC" },
		{ "DTSTART;TZID=Europe/Paris:20260329T100000\r\n",
		    "DTSTART local with TZID" },
		{ "DTEND;TZID=Europe/Paris:20260329T120000\r\n", "DTEND" },
		{ "BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\n", "VTIMEZONE" },
		{ "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n", "DST rule" },
		{ "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n",
		    "winter rule" },
		{ "SUMMARY:Rencontre\\, projet\\; «énergie» à Thiers\\nsuite",
		    "text escaped (comma, semicolon, newline), UTF-8 kept" },
		{ "ORGANIZER;CN=Coup de pouce Livradois-Forez:"
		    "mailto:coupdepouce@example.org", "ORGANIZER with CN" },
		{ "mailto:holder@example.org", "attendee" },
		{ "PARTSTAT=NEEDS-ACTION", "PARTSTAT" },
		{ "RSVP=TRUE", "RSVP" },
		{ "ROLE=OPT-PARTICIPANT", "ROLE" },
		{ "STATUS:CONFIRMED", "STATUS" },
	};
	/* What python icalendar reads back, one "key value" a line. */
	static const struct like_case read_back[] = {
		{ "method REQUEST\n", "py: method" },
		{ "vtimezone Europe/Paris\n", "py: VTIMEZONE" },
		{ "uid cdp-meeting-3.a1b2@example.org\n", "py: UID" },
		{ "sequence 1\n", "py: SEQUENCE" },
		{ "tzid Europe/Paris\n", "py: DTSTART TZID" },
		{ "zone Europe/Paris\n", "py: DTSTART zone is Europe/Paris" },
		{ "start 2026-03-29T10:00:00+02:00\n",
		    "py: local time 10:00 summer time (+02:00) on the DST "
		    "day" },
		{ "summary Rencontre, projet; «énergie» à Thiers|suite\n",
		    "py: summary unescaped, accents intact" },
		{ "location Mairie d'Ambert, salle 2\n", "py: location" },
		{ "organizer mailto:coupdepouce@example.org Coup de pouce "
		    "Livradois-Forez\n", "py: organizer and CN" },
		{ "attendee mailto:holder@example.org Camille Porteur "
		    "REQ-PARTICIPANT NEEDS-ACTION TRUE\n",
		    "py: first attendee" },
		{ "attendee mailto:volunteer1@example.org Dominique 'Dom' "
		    "Bénévole, jr OPT-PARTICIPANT NEEDS-ACTION TRUE\n",
		    "py: CN with comma and quotes survives" },
	};
	char *text = NULL, *u, py[8192], want[1024];

	is_int(ical_build(ICAL_DO_REQUEST, &m, &text, err, sizeof(err)), 0,
	    "REQUEST built");
	if (text == NULL) {
		printf("# %s\n", err);
		return;
	}
	ok(lines_ok(text), "CRLF everywhere, lines of at most 75 octets");
	u = unfold(text);
	LIKE_EACH(u, NULL, lines);
	free(u);

	ok(python_read(text, py, sizeof(py)) == 0, "python icalendar parses "
	    "the REQUEST");
	LIKE_EACH(py, NULL, read_back);
	snprintf(want, sizeof(want), "start_ts %lld\n", (long long)m.starts_at);
	like_str(py, want, "py: same instant as given");
	snprintf(want, sizeof(want), "end_ts %lld\n", (long long)m.ends_at);
	like_str(py, want, "py: end instant");
	snprintf(want, sizeof(want), "description %s\n", m.description);
	like_str(py, want, "py: long description folded without breaking "
	    "UTF-8 sequences");
	free(text);

	/* Winter time, and the day summer time ends. */
	m.starts_at = local_time("2026-10-25 18:30");
	m.ends_at = local_time("2026-10-25 20:00");
	is_int(ical_build(ICAL_DO_REQUEST, &m, &text, err, sizeof(err)), 0,
	    "REQUEST on the day summer time ends");
	if (text && python_read(text, py, sizeof(py)) == 0) {
		like_str(py, "start 2026-10-25T18:30:00+01:00\n",
		    "py: 18:30 winter time (+01:00)");
		snprintf(want, sizeof(want), "start_ts %lld\n",
		    (long long)m.starts_at);
		like_str(py, want, "py: same instant (winter)");
	} else
		ok(0, "python icalendar parses the winter REQUEST");
	u = text ? unfold(text) : NULL;
	like_str(u, "DTSTART;TZID=Europe/Paris:20261025T183000", "DTSTART "
	    "winter");
	free(u);
	free(text);
}

static void
test_cancel(void)
{
	struct ical_meeting m = {
		.uid = "cdp-meeting-3.a1b2@example.org",
		.sequence = 2,
		.starts_at = local_time("2026-12-03 14:00"),
		.ends_at = local_time("2026-12-03 15:30"),
		.stamp = local_time("2026-11-30 10:00"),
		.summary = "Rencontre annulée",
		.organizer = { "Coup de pouce", "coupdepouce@example.org", 0 },
		.attendees = attendees,
		.nattendees = 1,
	};
	static const struct like_case lines[] = {
		{ "METHOD:CANCEL\r\n", "METHOD:CANCEL" },
		{ "STATUS:CANCELLED\r\n", "STATUS:CANCELLED" },
		{ "SEQUENCE:2\r\n", "SEQUENCE bumped by the caller" },
	};
	static const struct like_case read_back[] = {
		{ "method CANCEL\n", "py: method CANCEL" },
		{ "status CANCELLED\n", "py: status" },
		{ "uid cdp-meeting-3.a1b2@example.org\n", "py: same UID" },
		{ "sequence 2\n", "py: sequence 2" },
		{ "start 2026-12-03T14:00:00+01:00\n", "py: local time" },
		{ "attendee mailto:holder@example.org Camille Porteur "
		    "REQ-PARTICIPANT - -\n",
		    "py: attendee without PARTSTAT/RSVP" },
	};
	char *text = NULL, *u, py[8192];

	is_int(ical_build(ICAL_DO_CANCEL, &m, &text, err, sizeof(err)), 0,
	    "CANCEL built");
	if (text == NULL)
		return;
	u = unfold(text);
	LIKE_EACH(u, NULL, lines);
	ok(strstr(u, "RSVP") == NULL, "no RSVP asked in a cancellation");
	ok(lines_ok(text), "CANCEL lines well-formed");
	free(u);
	ok(python_read(text, py, sizeof(py)) == 0, "python icalendar parses "
	    "the CANCEL");
	LIKE_EACH(py, NULL, read_back);
	free(text);

	ok(ical_build(ICAL_DO_CANCEL, &(struct ical_meeting){ .uid = "x",
	    .starts_at = 10, .ends_at = 5, .organizer = { NULL, "a@b.c", 0 } },
	    &text, err, sizeof(err)) == -1 && text == NULL,
	    "end before start refused");
	like_str(err, "ends before it starts", "and said");
	ok(ical_build(ICAL_DO_REQUEST, &(struct ical_meeting){ .uid = "x",
	    .starts_at = 10, .ends_at = 50, .organizer = { NULL, "not an "
	    "address", 0 } }, &text, err, sizeof(err)) == -1,
	    "bad organizer refused");
	is_str(ical_method_name(ICAL_DO_CANCEL), "CANCEL", "method name");
}

/* A REPLY as Thunderbird sends it (folded ATTENDEE, upper-case MAILTO). */
static const char reply_tb[] =
	"BEGIN:VCALENDAR\r\n"
	"PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN\r\n"
	"VERSION:2.0\r\n"
	"METHOD:REPLY\r\n"
	"BEGIN:VEVENT\r\n"
	"CREATED:20260320T091700Z\r\n"
	"DTSTAMP:20260320T091720Z\r\n"
	"UID:cdp-meeting-3.a1b2@example.org\r\n"
	"SUMMARY:Rencontre\r\n"
	"ORGANIZER;CN=Coup de pouce:mailto:coupdepouce@example.org\r\n"
	"ATTENDEE;RSVP=TRUE;CN=Camille Porteur;PARTSTAT=%s;ROLE=REQ-PARTICI\r\n"
	" PANT:MAILTO:Holder@Example.org\r\n"
	"DTSTART;TZID=Europe/Paris:20260329T100000\r\n"
	"DTEND;TZID=Europe/Paris:20260329T120000\r\n"
	"SEQUENCE:%d\r\n"
	"END:VEVENT\r\n"
	"END:VCALENDAR\r\n";

static void
test_reply(void)
{
	static const char *const states[] = { "ACCEPTED", "DECLINED",
	    "TENTATIVE" };
	char text[2048], *uid, *att, *ps;
	int seq, rc;

	for (int i = 0; i < 3; i++) {
		snprintf(text, sizeof(text), reply_tb, states[i], 4);
		rc = ical_parse_reply(text, &uid, &seq, &att, &ps, err,
		    sizeof(err));
		is_int(rc, 0, states[i]);
		is_str(uid, "cdp-meeting-3.a1b2@example.org", "reply UID");
		is_int(seq, 4, "reply SEQUENCE");
		is_str(att, "holder@example.org", "attendee, mailto: removed, "
		    "lower case");
		is_str(ps, states[i], "PARTSTAT");
		free(uid);
		free(att);
		free(ps);
	}

	snprintf(text, sizeof(text), reply_tb, "NEEDS-ACTION", 1);
	ok(ical_parse_reply(text, &uid, &seq, &att, &ps, err, sizeof(err)) ==
	    -1 && uid == NULL && att == NULL && ps == NULL,
	    "NEEDS-ACTION is not an answer");
	like_str(err, "PARTSTAT", "and said why");

	snprintf(text, sizeof(text), reply_tb, "ACCEPTED", 1);
	memcpy(strstr(text, "METHOD:REPLY"), "METHOD:PUBLI", 12);
	ok(ical_parse_reply(text, &uid, &seq, &att, &ps, err, sizeof(err)) ==
	    -1, "METHOD other than REPLY refused");
	like_str(err, "not an iTIP REPLY", "and said");

	ok(ical_parse_reply("BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\n"
	    "BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", &uid,
	    &seq, &att, &ps, err, sizeof(err)) == -1 && uid == NULL,
	    "REPLY without ATTENDEE refused, nothing leaked");
	ok(ical_parse_reply("this is not iCalendar at all\r\n", &uid, &seq,
	    &att, &ps, err, sizeof(err)) == -1, "garbage refused");
	ok(ical_parse_reply("", &uid, &seq, &att, &ps, err, sizeof(err)) ==
	    -1, "empty text refused");
}

int
main(void)
{
	clock_set_zone("Europe/Paris");
	test_request();
	test_cancel();
	test_reply();
	return tap_done();
}
