/*
 * log.c — stderr logging with journald level prefixes and debug categories.
 *
 * The log is, with the configuration, the only process-wide state: the
 * style and the enabled debug categories are set once at start-up.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"

static enum log_style log_style = LOG_PLAIN;
static int log_timestamps;
static int log_debug_mask;

static const struct {
	const char *name;
	enum log_cat cat;
} log_cats[] = {
	{ "imap", LOG_CAT_IMAP }, { "smtp", LOG_CAT_SMTP },
	{ "store", LOG_CAT_STORE }, { "mime", LOG_CAT_MIME },
	{ "case", LOG_CAT_CASE }, { "timer", LOG_CAT_TIMER },
	{ "conf", LOG_CAT_CONF }, { "all", LOG_CAT_ALL },
};

void
log_init(enum log_style style, int timestamps)
{
	log_style = style;
	log_timestamps = timestamps;
}

int
log_set_debug(const char *list, char *err, size_t errlen)
{
	const char *p = list;
	int mask = 0;

	while (*p) {
		size_t n = strcspn(p, ",");
		size_t i;

		for (i = 0; i < sizeof(log_cats) / sizeof(log_cats[0]); i++)
			if (strlen(log_cats[i].name) == n &&
			    strncmp(log_cats[i].name, p, n) == 0)
				break;
		if (i == sizeof(log_cats) / sizeof(log_cats[0])) {
			snprintf(err, errlen, "unknown debug category '%.*s' "
			    "(imap, smtp, store, mime, case, timer, conf, all)",
			    (int)n, p);
			return -1;
		}
		mask |= log_cats[i].cat;
		p += n;
		if (*p == ',')
			p++;
	}
	log_debug_mask |= mask;
	return 0;
}

int
log_debug_enabled(enum log_cat cat)
{
	return (log_debug_mask & cat) != 0;
}

/* Syslog levels, as journald reads them from the "<N>" prefix. */
enum { LV_ERR = 3, LV_WARNING = 4, LV_NOTICE = 5, LV_INFO = 6, LV_DEBUG = 7 };

static void
log_vwrite(int level, const char *fmt, va_list ap, const char *suffix)
{
	static const char *const words[8] = {
		"emerg", "alert", "crit", "error", "warning", "notice", "info",
		"debug"
	};
	char msg[2048];
	char stamp[32] = "";

	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* A single line per event: an outside string must not forge lines. */
	for (char *c = msg; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	if (log_timestamps) {
		struct timespec ts;
		struct tm tm;
		size_t n;

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		n = strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
		snprintf(stamp + n, sizeof(stamp) - n, ".%03ld ",
		    ts.tv_nsec / 1000000);
	}
	if (log_style == LOG_JOURNAL)
		fprintf(stderr, "<%d>%s%s%s%s\n", level, stamp, msg,
		    suffix ? ": " : "", suffix ? suffix : "");
	else
		fprintf(stderr, "%scoupdepouce: %s%s%s%s%s\n", stamp,
		    level == LV_INFO ? "" : words[level],
		    level == LV_INFO ? "" : ": ", msg,
		    suffix ? ": " : "", suffix ? suffix : "");
}

void
log_errorx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LV_ERR, fmt, ap, NULL);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	const char *e = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LV_WARNING, fmt, ap, e);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LV_WARNING, fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LV_INFO, fmt, ap, NULL);
	va_end(ap);
}

void
log_notice(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LV_NOTICE, fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(enum log_cat cat, const char *fmt, ...)
{
	va_list ap;

	if (!log_debug_enabled(cat))
		return;
	va_start(ap, fmt);
	log_vwrite(LV_DEBUG, fmt, ap, NULL);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	const char *e = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LV_ERR, fmt, ap, e);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LV_ERR, fmt, ap, NULL);
	va_end(ap);
	exit(1);
}
