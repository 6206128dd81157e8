/*
 * ini.c — the INI reader; see ini.h.
 *
 * Ours (a hundred lines) rather than libinih because every error,
 * including a bad *value*, must name the file and line it came from, and
 * libinih's callback does not receive the line number in Debian's build.
 * It knows nothing of our keys: config.c gives them their meaning, so the
 * syntax and the table of keys can each be read on their own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "config/ini.h"

char *
ini_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		*--e = '\0';
	return s;
}

void
ini_parse(char *text, size_t max_line, const struct ini_handler *h,
    void *arg)
{
	char section[INI_MAX_SECTION + 1] = "";
	int line = 0, section_ok = 0;
	char *save = NULL, *raw;

	/* strtok_r would merge empty lines and break numbering: split by hand. */
	for (raw = text; raw; raw = save) {
		char *nl = strchr(raw, '\n'), *s, *eq, *key, *val, *msg;

		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		line++;
		if (strlen(raw) > max_line) {
			msg = xasprintf("line longer than %zu bytes",
			    max_line);
			h->error(arg, line, section[0] ? section : "line", msg);
			free(msg);
			continue;
		}
		s = ini_trim(raw);
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *close = strchr(s, ']');

			if (close == NULL || *ini_trim(close + 1) != '\0' ||
			    close - s - 1 <= 0 ||
			    (size_t)(close - s - 1) >= sizeof(section)) {
				msg = xasprintf("malformed section header "
				    "'%s'", s);
				h->error(arg, line, "section", msg);
				free(msg);
				section[0] = '\0';
				section_ok = 0;
				continue;
			}
			*close = '\0';
			snprintf(section, sizeof(section), "%s",
			    ini_trim(s + 1));
			section_ok = h->section(arg, section, line) == 0;
			continue;
		}
		eq = strchr(s, '=');
		if (eq == NULL) {
			h->error(arg, line, s, "expected 'key = value'");
			continue;
		}
		*eq = '\0';
		key = ini_trim(s);
		val = ini_trim(eq + 1);
		if (section[0] == '\0') {
			h->error(arg, line, key, "key outside of any "
			    "[section]");
			continue;
		}
		if (!section_ok)
			continue;	/* already reported */
		/* Quotes keep leading or trailing spaces of a value. */
		if (strlen(val) >= 2 && val[0] == '"' &&
		    val[strlen(val) - 1] == '"') {
			val[strlen(val) - 1] = '\0';
			val++;
		}
		h->key(arg, section, key, val, line);
	}
}
