/*
 * mem.h — allocation that never returns NULL.
 *
 * Out of memory is fatal (as in OpenSMTPD and isync): the daemon logs and
 * exits, and systemd restarts it; no caller has to handle a NULL.
 */
#ifndef CDP_MEM_H
#define CDP_MEM_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
