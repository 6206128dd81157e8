/*
 * template_vars_digest.h — the digest's part of the template catalog
 * (template_vars.c, private to out/): NULL-terminated lists of the
 * variable names each template may use, "list.field" for the fields of
 * a list's items.
 */
#ifndef CDP_TEMPLATE_VARS_DIGEST_H
#define CDP_TEMPLATE_VARS_DIGEST_H

/* A theme: its identifier and its label (themes.labels, or the
 * identifier when the table has none). */
#define THEME_FIELDS(p)							\
	p "theme_id", p "theme_none", p "theme_label"

/* _theme, _case_state, _digest_case, and digest (.txt and .html). */
extern const char *const template_theme_vars[];
extern const char *const template_case_state_vars[];
extern const char *const template_digest_case_vars[];
extern const char *const template_digest_vars[];

#endif
