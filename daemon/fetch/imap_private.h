/*
 * imap_private.h — what imap_conn.c, imap_mailbox.c and imap_idle.c share;
 * PRIVATE to those three files.  Everyone else includes imap.h.
 *
 * The IMAP client is one module in three files (the connection, the
 * mailbox commands, IDLE) that all work on the same session.  The session
 * struct and the error helper are declared here so that struct imap_conn
 * stays opaque outside, and so that libetpan, which this header includes,
 * is seen by these files only.
 */
#ifndef CDP_IMAP_PRIVATE_H
#define CDP_IMAP_PRIVATE_H

#include <stddef.h>

#include <libetpan/libetpan.h>

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

#endif
