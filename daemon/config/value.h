/*
 * value.h — the typed values of coupdepouce.conf, read from text: host
 * names, numbers with a unit, times of day, days of the week.  Pure
 * functions: config.c says which key is wrong and where.
 */
#ifndef CDP_VALUE_H
#define CDP_VALUE_H

/* 1 if s is a DNS host name in ASCII: letters, digits, '-' and '_' in
 * non-empty dot-separated labels (an authserv-id is one in practice,
 * RFC 8601 §2.5); else 0. */
int value_hostname_ok(const char *s);

/* A non-negative integer with an optional unit suffix from units (NULL
 * terminated, each matched case-insensitively, with its multiplier in
 * mult), e.g. "5m" with {"s","m"} and {1,60} is 300.  0 or -1. */
int value_scaled(const char *v, const char *const *units, const long *mult,
    long *out);

/* "08:00" or "8h30" at the start of s: minutes after midnight (24:00
 * allowed) and *rest after it.  0 or -1. */
int value_hhmm(const char *s, int *minutes, const char **rest);

/* A day of the week in English or French, any case: 1 (Monday) to 7
 * (Sunday) into *day.  0 or -1. */
int value_weekday(const char *s, int *day);

/*
 * An address as an administrator writes it, bare or with a display name:
 * "a@b", "Coup de pouce <a@b>", "\"Coup de pouce\" <a@b>".  The name
 * (quotes removed, blanks trimmed, "" if none) into *name and the address
 * into *addr, both allocated (free()); the address is not checked here.
 * 0, or -1 (an unclosed "<" or text after ">") with nothing allocated.
 */
int value_mailbox(const char *v, char **name, char **addr);

#endif
