/*
 * log.h — one line per event on stderr.
 *
 * Under systemd the daemon runs in the foreground and journald reads stderr:
 * each line starts with the syslog level as "<N>" so the journal keeps the
 * priority.  On a terminal (or with log_init(..., LOG_PLAIN)) the prefix is a
 * readable word instead.  Debug lines are enabled per category ("-v imap,smtp"
 * or "-v all").  Never pass passwords or message bodies to these functions:
 * log case references and Message-IDs.
 */
#ifndef CDP_LOG_H
#define CDP_LOG_H

#include <stdarg.h>

enum log_cat {
	LOG_CAT_IMAP  = 1 << 0,
	LOG_CAT_SMTP  = 1 << 1,
	LOG_CAT_STORE = 1 << 2,
	LOG_CAT_MIME  = 1 << 3,
	LOG_CAT_CASE  = 1 << 4,
	LOG_CAT_TIMER = 1 << 5,
	LOG_CAT_CONF  = 1 << 6,
	LOG_CAT_ALL   = 0x7f
};

enum log_style {
	LOG_JOURNAL,	/* "<3>message" */
	LOG_PLAIN	/* "coupdepouce: error: message" */
};

/* Sets the output style; timestamps are added when `timestamps` is set (-d). */
void log_init(enum log_style style, int timestamps);
/* Parses "imap,smtp" or "all" into enabled debug categories; -1 on an
 * unknown name (written into err). */
int log_set_debug(const char *list, char *err, size_t errlen);
int log_debug_enabled(enum log_cat cat);

/* The one line a command that fails ends with (exit status 1): error
 * level, without exiting, so the caller can clean up first. */
void log_errorx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(enum log_cat cat, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Log at error level (with strerror(errno) for fatal) and exit(1). */
void fatal(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

#endif
