/*
 * tag.h — the case reference in a subject, "[CDP-2026-0042]", as mail
 * clients and people leave it.
 *
 * Subjects come back as "Re : TR: [CDP-2026-0042] ...", "RE:[cdp-2026-42]",
 * "AW: [CDP 2026 0042]", "Réf. CDP–2026–0042" (an en dash typed by a word
 * processor), with non-breaking spaces anywhere: the tag is searched for
 * anywhere in the subject, with or without brackets, in any letter case,
 * with blanks, '-', '_', '.', '/', en or em dashes between its parts.  The
 * reply and forward prefixes are stripped separately to keep the subject
 * of a new case readable.
 */
#ifndef CDP_TAG_H
#define CDP_TAG_H

#include <stddef.h>


/*
 * Finds the first case reference in `subject` (UTF-8, may be NULL) and
 * writes it in its canonical form "CDP-YYYY-NNNN" to ref (at least
 * CASE_REF_MAX + 4 bytes, store/case_db.h).  Returns 1 when found, 0 when not.
 */
int tag_find(const char *subject, char *ref, size_t reflen);

/*
 * `subject` without its leading reply/forward prefixes ("Re :", "RE:",
 * "TR :", "Réf :", "AW:", "WG:", "Fwd:", "Fw:", "RV:", "Antw:", "SV:",
 * repeated, "Re[2]:" included), its leading case tags, and its outer
 * blanks (non-breaking spaces included).  New string.
 */
char *tag_strip_prefixes(const char *subject);

#endif
