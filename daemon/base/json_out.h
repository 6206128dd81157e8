/*
 * json_out.h — building JSON documents for the command line's --json.
 *
 * A thin layer over jansson (the only file that includes it), so that the
 * subcommands that print JSON (inspect, case show, export...) share one
 * way of doing it: keys come out in the order they were set, UTF-8 is
 * written as is (not \u-escaped), and a string that is not valid UTF-8 is
 * repaired (read as windows-1252 where invalid) instead of failing.
 * Out of memory is fatal, like everywhere else.
 */
#ifndef CDP_JSON_OUT_H
#define CDP_JSON_OUT_H

#include <stddef.h>

struct json_out;	/* an object, array or value; owned by its parent
			 * once added to one */

struct json_out *json_out_object(void);
struct json_out *json_out_array(void);
/* A string value; NULL gives JSON null. */
struct json_out *json_out_string(const char *s);

/* The value of a JSON text stored in the database (event details, lists);
 * text that does not parse comes out as a string, NULL as null. */
struct json_out *json_out_parse(const char *text);

/* Adds key/value to an object (the value is taken over). */
void json_out_set(struct json_out *obj, const char *key,
    struct json_out *value);
void json_out_set_string(struct json_out *obj, const char *key,
    const char *s);			/* NULL gives null */
void json_out_set_int(struct json_out *obj, const char *key, long long v);
void json_out_set_null(struct json_out *obj, const char *key);
void json_out_set_bool(struct json_out *obj, const char *key, int v);
/* Appends to an array (the value is taken over). */
void json_out_push(struct json_out *arr, struct json_out *value);

/* The document as text, indented by `indent` spaces (0: compact), with a
 * final newline; the caller frees it. */
char *json_out_dump(const struct json_out *v, int indent);
/* The document on stdout, indented by two spaces, as every --json prints. */
void json_out_print(const struct json_out *v);
/* Frees a value not added to a parent; NULL is a no-op. */
void json_out_free(struct json_out *v);

#endif
