/*
 * fuzz_template.c — the template parser and renderer on template files.
 * The loader reads a folder, so the input is cut at NUL bytes into up to
 * three files of a private templates folder: fr/fz.txt, the partial
 * fr/_p.txt and the HTML alternative fr/fz.html (a real template holds no
 * NUL).  A loaded set is rendered as text, for HTML, and its .html part,
 * with values of every kind under short names a mutation finds easily
 * ("a", "b", "l" a list, "m" a map) and those of the shipped templates'
 * common ones.
 */
#include "fuzz.h"

#include "out/template.h"

static const char *const fuzz_template_files[3] = {
	"fz.txt", "_p.txt", "fz.html"
};

/* The values every render gets; built once. */
static struct tpl_data *
fuzz_template_data(void)
{
	struct tpl_data *d = tpl_data_new(), *it, *m;

	tpl_set(d, "a", "x <b>&amp; \"q\" 'é'\nsecond line");
	tpl_set(d, "ref", "CDP-2026-0001");
	tpl_set(d, "holder_name", "Anne Élise");
	tpl_set(d, "e", "");
	tpl_set_bool(d, "b", 1);
	tpl_set_bool(d, "f", 0);
	tpl_set_int(d, "n", 42);
	for (int i = 0; i < 3; i++) {
		it = tpl_list_add(d, "l");
		tpl_setf(it, "x", "item %d", i);
		tpl_set_bool(it, "b", i % 2);
	}
	tpl_list_init(d, "z");
	m = tpl_map(d, "m");
	tpl_set(m, "y", "in a map");
	tpl_set(tpl_map(m, "m"), "y", "deeper");
	return d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tpl_data *values;
	struct template_set *set = NULL;
	const char *dir = fuzz_dir();
	char path[600], err[2048], *subject = NULL, *body = NULL;
	size_t at = 0;

	if (dir == NULL)
		abort();
	if (values == NULL)
		values = fuzz_template_data();
	snprintf(path, sizeof(path), "%s/fr", dir);
	(void)mkdir(path, 0700);
	for (int f = 0; f < 3; f++) {
		const uint8_t *nul = at < size ? memchr(data + at, '\0',
		    size - at) : NULL;
		size_t end = nul != NULL ? (size_t)(nul - data) : size;

		snprintf(path, sizeof(path), "%s/fr/%s", dir,
		    fuzz_template_files[f]);
		if (at > size || (f > 0 && at >= size)) {
			(void)unlink(path);
			continue;
		}
		if (fuzz_write_file(path, data + at, end - at) != 0)
			abort();
		at = end + 1;
	}
	if (template_load_dir(dir, &set, err, sizeof(err)) != 0)
		return 0;
	if (template_render(set, "fz", values, 0, &subject, &body, err,
	    sizeof(err)) == 0) {
		free(subject);
		free(body);
	}
	if (template_render(set, "fz", values, 1, &subject, &body, err,
	    sizeof(err)) == 0) {
		free(subject);
		free(body);
	}
	if (template_has_html(set, "fz") && template_render_html(set, "fz",
	    values, &body, err, sizeof(err)) == 0)
		free(body);
	if (template_render(set, "_p", values, 0, &subject, &body, err,
	    sizeof(err)) == 0) {
		free(subject);
		free(body);
	}
	template_set_free(set);
	return 0;
}
