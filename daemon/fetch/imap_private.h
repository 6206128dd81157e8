/*
 * imap_private.h — what imap_conn.c, imap_mailbox.c, imap_idle.c and
 * imap_erase.c share; PRIVATE to those four files.  Everyone else
 * includes imap.h.
 *
 * The IMAP client is one module in four files (the connection, the
 * mailbox commands, IDLE, erasure) that all work on the same session.  The session
 * struct and the error helper are declared here so that struct imap_conn
 * stays opaque outside, and so that libetpan, which this header includes,
 * is seen by these files only.
 */
#ifndef CDP_IMAP_PRIVATE_H
#define CDP_IMAP_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include <libetpan/libetpan.h>

/* A pass runs these commands in a second thread (fetch_pipe.h) while the
 * main thread parses MIME with libetpan: both use libetpan's shared table
 * of referenced strings, which only a reentrant build guards with a lock. */
#if !defined(LIBETPAN_REENTRANT) || !LIBETPAN_REENTRANT
#error "libetpan must be built reentrant (LIBETPAN_REENTRANT)"
#endif

#include "base/url.h"
#include "fetch/imap.h"

struct imap_conn {
	mailimap	*imap;		/* owned; owns the stream once connected */
	char		*url;		/* as configured, prefix of every error */
	struct mail_url	 u;
	int		 timeout;	/* seconds */
	int		 broken;	/* stream unusable: close without LOGOUT */
	int		 has_idle;
	int		 has_move;
	int		 has_uidplus;
	int		 idling;	/* between IDLE and DONE */
	int		 idle_early;	/* news seen during imap_idle_start */
};

/*
 * Writes "URL: <what>: <reason>" for libetpan result r and returns our
 * code.  For a NO/BAD reply the reason is the server's text; for a dead
 * stream it is libetpan's word, and the connection is marked broken.
 */
int imap_fail(struct imap_conn *c, int r, char *err, size_t errlen,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* IMAP_OK if a command may be sent now: IMAP_ETEMP once the connection is
 * lost, IMAP_EPROTO in IDLE; the reason goes into err. */
int imap_usable(struct imap_conn *c, char *err, size_t errlen);

/* imap_usable, and a folder must be selected (else IMAP_EPROTO). */
int imap_usable_selected(struct imap_conn *c, char *err, size_t errlen);

/* imap_mailbox.c's helpers for the other command files: UID STORE
 * +FLAGS.SILENT of one flag (consumed) on a set, and a command run on
 * these UIDs one set of ranges at a time (see imap_mailbox.c). */
int imap_store_flag(struct imap_conn *c, struct mailimap_set *set,
    struct mailimap_flag *flag, const char *name, char *err, size_t errlen);
/* The UIDs >= from of a UID SEARCH result (consumed), sorted, without
 * zeros and duplicates, into *out. */
void imap_uids_from_search(clist *res, uint32_t from, struct imap_uids *out);
int imap_each_set(struct imap_conn *c, const uint32_t *uids, size_t n,
    int (*cmd)(struct imap_conn *, struct mailimap_set *, const char *,
    char *, size_t), const char *folder, size_t *m, char *err,
    size_t errlen);

#endif
