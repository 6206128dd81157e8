/*
 * json_out.c — JSON output through jansson; see json_out.h.
 *
 * struct json_out is jansson's json_t behind our own name: callers never
 * see jansson.  jansson (2.14 in Debian 12) keeps object keys in insertion
 * order and refuses invalid UTF-8, which is repaired here first.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/charset.h"
#include "base/json_out.h"
#include "base/log.h"
#include "base/mem.h"

static json_t *
json_out_checked(json_t *v)
{
	if (v == NULL)
		fatalx("out of memory (json)");
	return v;
}

struct json_out *
json_out_object(void)
{
	return (struct json_out *)json_out_checked(json_object());
}

struct json_out *
json_out_array(void)
{
	return (struct json_out *)json_out_checked(json_array());
}

struct json_out *
json_out_string(const char *s)
{
	size_t len;
	char *fixed;
	json_t *v;

	if (s == NULL)
		return (struct json_out *)json_out_checked(json_null());
	len = strlen(s);
	if (charset_utf8_valid(s, len))
		return (struct json_out *)json_out_checked(json_stringn(s,
		    len));
	fixed = charset_to_utf8(NULL, s, len, &len);
	v = json_out_checked(json_stringn(fixed, len));
	free(fixed);
	return (struct json_out *)v;
}

struct json_out *
json_out_parse(const char *text)
{
	json_t *v;

	if (text == NULL)
		return (struct json_out *)json_out_checked(json_null());
	v = json_loads(text, JSON_DECODE_ANY, NULL);
	if (v == NULL)
		return json_out_string(text);
	return (struct json_out *)v;
}

void
json_out_set(struct json_out *obj, const char *key, struct json_out *value)
{
	if (json_object_set_new((json_t *)obj, key, (json_t *)value) != 0)
		fatalx("json: cannot set key %s", key);
}

void
json_out_set_string(struct json_out *obj, const char *key, const char *s)
{
	json_out_set(obj, key, json_out_string(s));
}

void
json_out_set_int(struct json_out *obj, const char *key, long long v)
{
	json_out_set(obj, key, (struct json_out *)json_out_checked(
	    json_integer(v)));
}

void
json_out_set_null(struct json_out *obj, const char *key)
{
	json_out_set(obj, key, json_out_string(NULL));
}

void
json_out_set_bool(struct json_out *obj, const char *key, int v)
{
	json_out_set(obj, key, (struct json_out *)json_boolean(v));
}

void
json_out_push(struct json_out *arr, struct json_out *value)
{
	if (json_array_append_new((json_t *)arr, (json_t *)value) != 0)
		fatalx("json: cannot append");
}

char *
json_out_dump(const struct json_out *v, int indent)
{
	size_t flags = JSON_INDENT(indent < 0 ? 0 : indent > 31 ? 31 :
	    indent);
	char *s = json_dumps((const json_t *)v, flags), *out;

	if (s == NULL)
		fatalx("out of memory (json dump)");
	out = xasprintf("%s\n", s);
	free(s);
	return out;
}

void
json_out_print(const struct json_out *v)
{
	char *text = json_out_dump(v, 2);

	fputs(text, stdout);
	free(text);
}

void
json_out_free(struct json_out *v)
{
	if (v != NULL)
		json_decref((json_t *)v);
}
