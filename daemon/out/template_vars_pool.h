/*
 * template_vars_pool.h — the pool's part of the template catalog
 * (template_vars.c, private to out/): NULL-terminated lists of the
 * variable names each template may use, "list.field" for the fields of
 * a list's items.
 */
#ifndef CDP_TEMPLATE_VARS_POOL_H
#define CDP_TEMPLATE_VARS_POOL_H

/* pool_welcome_volunteer and pool_welcome; pool_list (ANNUAIRE). */
extern const char *const template_pool_welcome_vars[];
extern const char *const template_pool_list_vars[];

#endif
