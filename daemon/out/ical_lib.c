/*
 * ical_lib.c — loading and unloading libical; see ical_lib.h.
 *
 * Unloading must leave nothing of libical behind, since the daemon may
 * load it thousands of times in its life:
 * - its ring of temporary buffers and its table of built-in zones live on
 *   the heap, out of reach once the library is gone (about 64 KiB a load):
 *   they are freed before dlclose();
 * - its ring hangs on a thread-specific key that libical creates at its
 *   first use after each load and never deletes.  A process has 1 024
 *   keys: without care the 1 024th load fails to get one and libical
 *   then writes through another library's key.  The key is found as the
 *   lowest free one just before libical's first call (glibc gives the
 *   lowest free key, and the daemon has one thread), confirmed by
 *   libical's ring being found there, and deleted after the ring is freed;
 * - ICU, which libical calls to expand the zone's rules, keeps caches on
 *   the heap (about 16 KiB a load): ICU's own u_cleanup() frees them.
 *   Nothing else in the daemon uses ICU (test_footprint checks it is not
 *   mapped after the start), so no other user's state is lost.
 */
#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <string.h>

#include "out/ical_lib.h"

#ifndef CDP_LIBICAL_SONAME
#error "CDP_LIBICAL_SONAME: the Makefile passes libical's file name"
#endif

/* Each entry of the table has the type libical's header declares: a
 * mismatch would be a call through the wrong type.  _Generic does not
 * evaluate its operand, so this takes no address of libical's functions
 * and the binary does not link to libical. */
#define ICAL_LIB_CHECK(ret, name, params)				\
	_Static_assert(_Generic(&name, ret (*) params: 1, default: 0),	\
	    #name ": the table's type differs from libical's header");
ICAL_LIB_FUNCTIONS(ICAL_LIB_CHECK)
#undef ICAL_LIB_CHECK

/* dlsym() returns a void * that POSIX guarantees converts to a function
 * pointer of the same size; this is the conversion POSIX itself shows. */
_Static_assert(sizeof(void *) == sizeof(void (*)(void)),
    "function pointers and void * differ in size");

const char *
ical_lib_soname(void)
{
	return CDP_LIBICAL_SONAME;
}

/* ICU's u_cleanup(), if libical brought ICU in.  ICU's exported names
 * end with its major version (u_cleanup_72), read from the file name of
 * the libicuuc that was loaded. */
static void
ical_lib_icu_cleanup(void *handle)
{
	static const char icuuc[] = "/libicuuc.so.";
	struct link_map *map = NULL;
	void (*cleanup)(void);
	const char *so;
	char name[48];

	if (dlinfo(handle, RTLD_DI_LINKMAP, &map) != 0)
		return;
	for (; map != NULL; map = map->l_next) {
		if ((so = strstr(map->l_name, icuuc)) == NULL)
			continue;
		so += sizeof(icuuc) - 1;
		snprintf(name, sizeof(name), "u_cleanup_%.*s",
		    (int)strspn(so, "0123456789"), so);
		*(void **)(&cleanup) = dlsym(handle, name);
		if (cleanup != NULL)
			cleanup();
		return;
	}
}

/* libical's ring key: see the top of this file. */
static int
ical_lib_find_key(struct ical_lib *lib, char *err, size_t errlen)
{
	pthread_key_t probe;

	if (pthread_key_create(&probe, NULL) != 0) {
		snprintf(err, errlen, "no thread-specific key left for "
		    "%s", CDP_LIBICAL_SONAME);
		return -1;
	}
	pthread_key_delete(probe);
	lib->started = 1;
	/* Makes libical create its key and ring now. */
	if (lib->icalmemory_tmp_buffer(1) == NULL) {
		snprintf(err, errlen, "%s: out of memory",
		    CDP_LIBICAL_SONAME);
		return -1;
	}
	lib->ring_key = probe;
	lib->owns_key = pthread_getspecific(probe) != NULL;
	return 0;
}

int
ical_lib_open(struct ical_lib *lib, char *err, size_t errlen)
{
	const char *missing = NULL;

	*lib = (struct ical_lib){ .handle = NULL };
	dlerror();
	lib->handle = dlopen(CDP_LIBICAL_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (lib->handle == NULL) {
		snprintf(err, errlen, "cannot load %s: %s",
		    CDP_LIBICAL_SONAME, dlerror());
		return -1;
	}
#define ICAL_LIB_SYM(ret, name, params)					\
	*(void **)(&lib->name) = dlsym(lib->handle, #name);		\
	if (lib->name == NULL && missing == NULL)			\
		missing = #name;
	ICAL_LIB_FUNCTIONS(ICAL_LIB_SYM)
#undef ICAL_LIB_SYM
	if (missing != NULL) {
		snprintf(err, errlen, "%s has no %s: %s",
		    CDP_LIBICAL_SONAME, missing, dlerror());
		goto fail;
	}
	if (ical_lib_find_key(lib, err, errlen) != 0)
		goto fail;
	/* A new load starts with libical's defaults again. */
	lib->icalerror_set_errors_are_fatal(0);
	return 0;
fail:
	ical_lib_close(lib);
	return -1;
}

void
ical_lib_close(struct ical_lib *lib)
{
	if (lib->handle == NULL)
		return;
	if (lib->started) {
		lib->icalmemory_free_ring();
		lib->icaltimezone_free_builtin_timezones();
		ical_lib_icu_cleanup(lib->handle);
	}
	if (lib->owns_key)
		pthread_key_delete(lib->ring_key);
	dlclose(lib->handle);
	*lib = (struct ical_lib){ .handle = NULL };
}
