/*
 * imap.h — the daemon's connection to its contact mailbox.
 *
 * One struct imap_conn is one logged-in IMAP session over TLS: imaps://
 * (TLS from the first byte) or imap:// with STARTTLS, which is always
 * required.  The server's certificate chain and host name are verified by
 * us (tls_verify.h) before the password is sent, because libetpan does not
 * verify anything.  libetpan is included by the four files behind this
 * API only (imap_conn.c: the session; imap_mailbox.c: folder and message
 * commands; imap_idle.c: IDLE; imap_erase.c: deleting for good; they
 * share imap_private.h); callers see
 * this API and our own return codes.
 *
 * Return codes: every function returns IMAP_OK (0) or one of the negative
 * codes below, with a sentence in the caller's err buffer that starts with
 * the URL as configured ("imaps://mail.example.org: ...") and includes the
 * server's own words or libetpan's error.  The split that matters to the
 * caller is retry (IMAP_ETEMP) versus tell the administrator (the others).
 * After IMAP_ETEMP from a command the session is usually dead: close it and
 * open a new one later.  A URL that does not parse (url.h) is IMAP_EPROTO;
 * LOGIN refused with [UNAVAILABLE] (RFC 5530) is IMAP_ETEMP.  Every command
 * on a connection already lost returns IMAP_ETEMP without touching the
 * network, so a caller may run a whole pass and reconnect once at the end.
 *
 * The process must ignore SIGPIPE (main.c does): libetpan and GnuTLS write
 * to the socket with plain send(), and a server that went away would
 * otherwise kill us instead of giving IMAP_ETEMP.
 */
#ifndef CDP_IMAP_H
#define CDP_IMAP_H

#include <stddef.h>
#include <stdint.h>

enum imap_status {
	IMAP_OK = 0,
	IMAP_ETEMP = -1,	/* network, timeout, server unavailable or gone */
	IMAP_EAUTH = -2,	/* LOGIN refused, or no user configured */
	IMAP_ETLS = -3,		/* certificate refused, no STARTTLS, handshake */
	IMAP_EPROTO = -4,	/* the server said NO/BAD or made no sense */
	IMAP_EINTR = -5		/* imap_idle_wait only: a signal arrived */
};

struct config;

struct imap_params {		/* everything borrowed for the call */
	const char	*url;		/* imap://host[:port] or imaps://... */
	const char	*user;		/* NULL or "" only for PREAUTH servers */
	const char	*password;	/* never logged */
	int		 tls_verify;	/* 0 skips the certificate check */
	const char	*ca_file;	/* PEM CAs; NULL = system store */
	int		 timeout_sec;	/* connect, TLS and each reply; <= 0: 60 */
};

struct imap_conn;

/* Fills *p from the [imap] section of cfg (the daemon and `check` open
 * the same connection this way); the strings stay cfg's. */
void imap_params_from_config(const struct config *cfg,
    struct imap_params *p);

/*
 * Connects, sets up TLS, verifies the certificate (when tls_verify), logs
 * in and reads the capabilities.  On IMAP_OK *out is a new connection the
 * caller closes with imap_close(); otherwise *out is NULL.
 */
int imap_open(const struct imap_params *p, struct imap_conn **out,
    char *err, size_t errlen);

/* Server capabilities, as read after login. */
int imap_has_idle(const struct imap_conn *c);
int imap_has_move(const struct imap_conn *c);
int imap_has_uidplus(const struct imap_conn *c);

/*
 * SELECTs `folder` (read-write) and stores its UIDVALIDITY in *uidvalidity
 * (0 if the server sent none).  Folder names go to the server as given:
 * non-ASCII names must already be in IMAP's modified UTF-7.
 */
int imap_select(struct imap_conn *c, const char *folder,
    uint32_t *uidvalidity, char *err, size_t errlen);

/*
 * What the server told us about the selected folder: *exists is the
 * message count (SELECT's EXISTS, kept current by the EXISTS and EXPUNGE
 * responses of later commands, e.g. imap_noop), *uidnext SELECT's UIDNEXT
 * (0 if the server sent none; not updated after SELECT).  Either pointer
 * may be NULL.  IMAP_EPROTO when no folder is selected.
 */
int imap_select_info(const struct imap_conn *c, uint32_t *exists,
    uint32_t *uidnext);

/* LISTs the exact name `folder`: 1 it exists, 0 it does not, or a
 * negative imap_status. */
int imap_folder_exists(struct imap_conn *c, const char *folder, char *err,
    size_t errlen);

/*
 * Makes sure `folder` exists: LIST, then CREATE when it is missing.
 * *created (may be NULL) is set to 1 when it was created now.
 */
int imap_ensure_folder(struct imap_conn *c, const char *folder,
    int *created, char *err, size_t errlen);

/*
 * APPENDs one message to `folder` (which must exist: imap_ensure_folder),
 * with the flag \Seen when `seen` is non-zero, no other flag, and the
 * server's time as internal date.  Works with or without a folder
 * selected, and leaves the selection as it was.  msg (borrowed, len bytes,
 * need not be NUL-terminated) is a complete RFC 5322 message with CRLF
 * line ends: libetpan turns a bare LF or CR into CRLF as it sends, so the
 * copy is byte for byte the same only for a CRLF message.  An empty
 * message or one holding a NUL byte (not allowed in an IMAP literal,
 * RFC 3501 section 4.3) is IMAP_EPROTO without a command.  A NO from the
 * server, before or after the message was sent (folder missing, quota,
 * too large), is IMAP_EPROTO with the server's text; the session stays
 * usable.  IMAP_OK means the server has stored the message; after
 * IMAP_ETEMP it may or may not have.  The whole message is one literal:
 * the caller bounds its size.
 */
int imap_append(struct imap_conn *c, const char *folder, const char *msg,
    size_t len, int seen, char *err, size_t errlen);

/*
 * Messages.  All functions below work on the folder selected with
 * imap_select() and take UIDs; none of them sets \Seen except
 * imap_mark_seen.  Arrays of UIDs passed in may be in any order; an empty
 * one (n == 0) is IMAP_OK without a command.
 */
struct imap_msg {		/* one fetched message */
	uint32_t	 uid;
	size_t		 size;		/* RFC822.SIZE from the server */
	char		*data;		/* raw message, owned, NUL-terminated
					   (len excludes the NUL); NULL if
					   not fetched */
	size_t		 len;
};

struct imap_uids {		/* owned array */
	uint32_t	*uids;
	size_t		 n;
};

/* Frees the array and leaves the struct zeroed; NULL is fine. */
void imap_uids_free(struct imap_uids *u);

/*
 * UIDs of the selected folder that are >= from_uid, ascending (UID SEARCH
 * UID from:* UNDELETED; the server answers "n:*" with the highest UID even
 * when it is below n: such UIDs are filtered out).  from_uid 0 means 1.
 * Messages flagged \Deleted are left out: they are on their way out, and
 * imap_move's copy+deleted fallback leaves them behind until someone
 * expunges.  On success *out is a new array (n may be 0, uids then NULL)
 * the caller frees with imap_uids_free; on error it is zeroed.
 */
int imap_search_from(struct imap_conn *c, uint32_t from_uid,
    struct imap_uids *out, char *err, size_t errlen);

/* All UIDs in the selected folder, ascending (UID SEARCH UNDELETED: as
 * above, without the \Deleted ones). */
int imap_search_all(struct imap_conn *c, struct imap_uids *out, char *err,
    size_t errlen);

/*
 * RFC822.SIZE of each UID in one UID FETCH.  out is an array of n
 * imap_msg the caller allocates: out[i] is for uids[i] and gets uid and
 * size, data NULL and len 0 (whatever was there is overwritten, not
 * freed).  UIDs that no longer exist get uid 0 and size 0.
 */
int imap_fetch_sizes(struct imap_conn *c, const uint32_t *uids, size_t n,
    struct imap_msg *out, char *err, size_t errlen);

/*
 * BODY.PEEK[] of these UIDs in ONE UID FETCH command (a set like 5,7:9;
 * the caller makes batches, bounded by the sizes from imap_fetch_sizes:
 * the whole answer is held in memory by libetpan).  Never sets \Seen.
 * For each uids[i] that the server returned, out[i].data is a malloc'ed,
 * NUL-terminated copy of the message, out[i].len its length and out[i].uid
 * is set to uids[i]; for the others data is NULL, len 0 and uid left as it
 * was (0 from a fresh array or from imap_fetch_sizes for a vanished UID).
 * out[i].size is not touched.  out[].data must not hold anything on entry
 * (free it with imap_msg_free first).  header_only != 0 fetches
 * BODY.PEEK[HEADER] instead (the header and its blank line, to keep a
 * too-large message's headers).  On error every out[i].data is NULL.
 */
int imap_fetch_bodies(struct imap_conn *c, const uint32_t *uids, size_t n,
    int header_only, struct imap_msg *out, char *err, size_t errlen);

/* Frees the data of n entries (and sets it to NULL, len 0); the array
 * itself is the caller's.  NULL is fine. */
void imap_msg_free(struct imap_msg *m, size_t n);

/*
 * Moves these UIDs of the selected folder to `folder` (which must exist:
 * imap_ensure_folder):
 *   "move"          UID MOVE (RFC 6851) when the server offers it;
 *   "copy+expunge"  else UID COPY, UID STORE +FLAGS (\Deleted), UID
 *                   EXPUNGE of exactly these UIDs (UIDPLUS, RFC 4315);
 *   "copy+deleted"  else UID COPY and \Deleted only: the messages leave
 *                   the folder at the next EXPUNGE by someone else (a plain
 *                   EXPUNGE would also remove what others flagged).
 * *how (may be NULL) is set to one of these static strings.  Large sets
 * are sent in several commands; on an error some may have been moved
 * already (moving the same UIDs again is harmless: those gone are
 * ignored).  A NO from the server (folder missing, quota, ...) is
 * IMAP_EPROTO with the server's text.
 */
int imap_move(struct imap_conn *c, const uint32_t *uids, size_t n,
    const char *folder, const char **how, char *err, size_t errlen);

/* Sets \Seen on these UIDs (UID STORE +FLAGS.SILENT), for servers that can
 * do neither MOVE nor COPY into our folder. */
int imap_mark_seen(struct imap_conn *c, const uint32_t *uids, size_t n,
    char *err, size_t errlen);

/*
 * The right to erasure (imap_erase.c).  imap_search_message_id gives the
 * UIDs of the selected folder whose Message-ID header is "<message_id>"
 * (message_id without <>), \Deleted ones included; *out as for
 * imap_search_all.  imap_erase deletes these UIDs for good: \Deleted,
 * then UID EXPUNGE of exactly them (UIDPLUS) or else a plain EXPUNGE,
 * which also removes what was already flagged \Deleted in the folder: it
 * is meant for the daemon's own folders.
 */
int imap_search_message_id(struct imap_conn *c, const char *message_id,
    struct imap_uids *out, char *err, size_t errlen);
int imap_erase(struct imap_conn *c, const uint32_t *uids, size_t n,
    char *err, size_t errlen);
/* Selects `folder` and erases the messages whose Message-ID is one of
 * ids[] (without <>), adding their number to *n; a folder that does not
 * exist holds nothing.  The folder stays selected. */
int imap_erase_message_ids(struct imap_conn *c, const char *folder,
    char *const *ids, size_t nids, long long *n, char *err, size_t errlen);
/*
 * IDLE (RFC 2177), on the selected folder; the server must offer it
 * (imap_has_idle), else IMAP_EPROTO.
 *
 * imap_idle_start sends IDLE and reads the server's "+ idling".  Between
 * start and done no other command may be sent (they return IMAP_EPROTO),
 * except imap_close, which ends the IDLE itself.
 *
 * imap_idle_wait waits up to timeout_ms (< 0: forever) for the server to
 * say something (EXISTS, EXPUNGE, FETCH, BYE, a keepalive "* OK"...) and
 * returns 1 if it did, 0 on timeout, IMAP_EINTR when a signal handler ran
 * (the caller checks its stop flag and calls again or ends the IDLE), or
 * IMAP_ETEMP when the connection is gone (closed by the server or reset;
 * a silent peer is found by TCP keepalive within ~4 minutes), IMAP_EPROTO
 * when not in IDLE.  What the server said is not read: the caller ends
 * the IDLE and searches (a BYE then gives IMAP_ETEMP from imap_idle_done).
 * 1 also comes without news: Dovecot sends "* OK Still here" every 2
 * minutes (imap_idle_notify_interval; seen after 71 s and 99 s, as it
 * aligns the timer), and a TLS record may carry no IMAP data; that only
 * costs one DONE and search.  Data that arrived before the wait
 * counts: what libetpan already buffered, and untagged responses the
 * server sent before its "+ idling", make it return 1 at once.  Dovecot
 * batches its notifications: a delivery wakes us after ~0.5 s.
 *
 * imap_idle_done sends DONE and reads the tagged answer (and the untagged
 * responses before it, which update imap_select_info).  The caller ends
 * and restarts the IDLE before 29 minutes (RFC 2177), and may call
 * imap_idle_done after any return of imap_idle_wait; after IMAP_ETEMP it
 * returns IMAP_ETEMP at once.
 */
int imap_idle_start(struct imap_conn *c, char *err, size_t errlen);
int imap_idle_wait(struct imap_conn *c, int timeout_ms);
int imap_idle_done(struct imap_conn *c, char *err, size_t errlen);

/* NOOP: keeps the session alive and lets the server report new mail
 * (imap_select_info's exists is updated). */
int imap_noop(struct imap_conn *c, char *err, size_t errlen);

/* LOGOUT (skipped when the connection is already broken; DONE first when
 * in IDLE) and free; NULL is fine. */
void imap_close(struct imap_conn *c);

/* "temporary", "authentication", "TLS", "protocol", "interrupted" for an
 * imap_status; "ok" for IMAP_OK. */
const char *imap_status_name(int status);

#endif
