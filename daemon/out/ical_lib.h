/*
 * ical_lib.h — libical, loaded for the time of one use and unloaded after.
 *
 * libical pulls in ICU and libstdc++, about 3 MiB of resident memory for a
 * library that only meeting invitations and their replies need: the
 * daemon maps it while it builds or reads one calendar object, and not
 * otherwise.  Its headers still give every type and constant; the
 * functions are called through the table of struct ical_lib, which
 * ical_lib_open() fills with dlsym().
 *
 * Each function used is one line of ICAL_LIB_FUNCTIONS: return type, name
 * and parameter list as libical's headers declare them (ical_lib.c checks
 * each against the header at compile time).
 */
#ifndef CDP_ICAL_LIB_H
#define CDP_ICAL_LIB_H

#include <pthread.h>
#include <stddef.h>

#include <libical/ical.h>

#define ICAL_LIB_FUNCTIONS(F)						\
	F(void, icalerror_set_errors_are_fatal, (int))			\
	F(icalerrorenum *, icalerrno_return, (void))			\
	F(const char *, icalerror_strerror, (icalerrorenum))		\
	F(void *, icalmemory_tmp_buffer, (size_t))			\
	F(void, icalmemory_free_buffer, (void *))			\
	F(void, icalmemory_free_ring, (void))				\
	F(icalcomponent *, icalcomponent_new, (icalcomponent_kind))	\
	F(icalcomponent *, icalcomponent_new_clone, (icalcomponent *))	\
	F(void, icalcomponent_free, (icalcomponent *))			\
	F(void, icalcomponent_add_property, (icalcomponent *,		\
	    icalproperty *))						\
	F(void, icalcomponent_add_component, (icalcomponent *,		\
	    icalcomponent *))						\
	F(char *, icalcomponent_as_ical_string_r, (icalcomponent *))	\
	F(icalcomponent_kind, icalcomponent_isa, (const icalcomponent *)) \
	F(icalcomponent *, icalcomponent_get_first_component,		\
	    (icalcomponent *, icalcomponent_kind))			\
	F(icalproperty *, icalcomponent_get_first_property,		\
	    (icalcomponent *, icalproperty_kind))			\
	F(icalcomponent *, icalparser_parse_string, (const char *))	\
	F(struct icaltimetype, icaltime_from_string, (const char *))	\
	F(struct icaltimetype, icaltime_from_timet_with_zone, (const	\
	    time_t, const int, const icaltimezone *))			\
	F(struct icalrecurrencetype, icalrecurrencetype_from_string,	\
	    (const char *))						\
	F(icaltimezone *, icaltimezone_new, (void))			\
	F(void, icaltimezone_free, (icaltimezone *, int))		\
	F(int, icaltimezone_set_component, (icaltimezone *,		\
	    icalcomponent *))						\
	F(icaltimezone *, icaltimezone_get_utc_timezone, (void))	\
	F(void, icaltimezone_free_builtin_timezones, (void))		\
	F(icalproperty *, icalproperty_new_tzname, (const char *))	\
	F(icalproperty *, icalproperty_new_tzoffsetfrom, (int))		\
	F(icalproperty *, icalproperty_new_tzoffsetto, (int))		\
	F(icalproperty *, icalproperty_new_tzid, (const char *))	\
	F(icalproperty *, icalproperty_new_x, (const char *))		\
	F(void, icalproperty_set_x_name, (icalproperty *, const char *)) \
	F(icalproperty *, icalproperty_new_dtstart, (struct icaltimetype)) \
	F(icalproperty *, icalproperty_new_dtend, (struct icaltimetype)) \
	F(icalproperty *, icalproperty_new_dtstamp, (struct icaltimetype)) \
	F(icalproperty *, icalproperty_new_rrule,			\
	    (struct icalrecurrencetype))				\
	F(icalproperty *, icalproperty_new_prodid, (const char *))	\
	F(icalproperty *, icalproperty_new_version, (const char *))	\
	F(icalproperty *, icalproperty_new_calscale, (const char *))	\
	F(icalproperty *, icalproperty_new_method, (icalproperty_method)) \
	F(icalproperty *, icalproperty_new_uid, (const char *))		\
	F(icalproperty *, icalproperty_new_sequence, (int))		\
	F(icalproperty *, icalproperty_new_summary, (const char *))	\
	F(icalproperty *, icalproperty_new_location, (const char *))	\
	F(icalproperty *, icalproperty_new_description, (const char *)) \
	F(icalproperty *, icalproperty_new_organizer, (const char *))	\
	F(icalproperty *, icalproperty_new_attendee, (const char *))	\
	F(icalproperty *, icalproperty_new_status, (enum icalproperty_status)) \
	F(icalproperty *, icalproperty_new_transp, (enum icalproperty_transp)) \
	F(void, icalproperty_add_parameter, (icalproperty *,		\
	    icalparameter *))						\
	F(icalparameter *, icalproperty_get_first_parameter,		\
	    (icalproperty *, icalparameter_kind))			\
	F(const char *, icalproperty_get_value_as_string,		\
	    (const icalproperty *))					\
	F(enum icalproperty_method, icalproperty_get_method,		\
	    (const icalproperty *))					\
	F(const char *, icalproperty_get_uid, (const icalproperty *))	\
	F(int, icalproperty_get_sequence, (const icalproperty *))	\
	F(const char *, icalproperty_get_attendee, (const icalproperty *)) \
	F(icalparameter *, icalparameter_new_cn, (const char *))	\
	F(icalparameter *, icalparameter_new_tzid, (const char *))	\
	F(icalparameter *, icalparameter_new_role, (icalparameter_role)) \
	F(icalparameter *, icalparameter_new_partstat,			\
	    (icalparameter_partstat))					\
	F(icalparameter *, icalparameter_new_rsvp, (icalparameter_rsvp)) \
	F(icalparameter_partstat, icalparameter_get_partstat,		\
	    (const icalparameter *))

struct ical_lib {
	void		*handle;	/* dlopen()'s; NULL when closed */
	int		 started;	/* libical was called */
	pthread_key_t	 ring_key;	/* libical's, when owns_key */
	int		 owns_key;
#define ICAL_LIB_MEMBER(ret, name, params) ret (*name) params;
	ICAL_LIB_FUNCTIONS(ICAL_LIB_MEMBER)
#undef ICAL_LIB_MEMBER
};

/*
 * Loads libical and fills lib's table.  -1 with the reason in err (the
 * library's file name and dlerror()'s text) when it cannot be loaded or
 * lacks a function; lib is then closed.
 */
int ical_lib_open(struct ical_lib *lib, char *err, size_t errlen);

/* Frees what libical keeps between calls and unloads it; a closed lib is
 * left as it is. */
void ical_lib_close(struct ical_lib *lib);

/* The file name ical_lib_open() loads, for messages and tests. */
const char *ical_lib_soname(void);

#endif
