/*
 * tplutil.h — what the template tests share: a scratch folder of
 * templates (SCRATCH/fr) written one file at a time, emptied, filled with
 * a copy of the shipped templates, and loaded.  Static functions, like
 * testutil.h, which it needs (scratch, write_file, load_fixture).
 */
#ifndef CDP_TPLUTIL_H
#define CDP_TPLUTIL_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "out/template.h"
#include "testutil.h"

#define SHIPPED "templates"

/* SCRATCH/fr, made by tpl_scratch(). */
static char fr[300];

/* Writes fr/name. */
static TU_UNUSED void
write_tpl(const char *name, const char *text)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/%s", fr, name);
	write_file(path, text);
}

/* Empties the scratch folder. */
static TU_UNUSED void
clear_dir(void)
{
	struct dirent *de;
	char path[600];
	DIR *d = opendir(fr);

	while (d && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", fr, de->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
}

/* Copies the shipped templates into the scratch folder. */
static TU_UNUSED void
copy_shipped(void)
{
	struct dirent *de;
	char path[600], *text;
	DIR *d = opendir(SHIPPED "/" TEMPLATE_LANG);

	clear_dir();
	while (d && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", SHIPPED,
		    TEMPLATE_LANG, de->d_name);
		text = load_fixture(path, NULL);
		write_tpl(de->d_name, text);
		free(text);
	}
	if (d)
		closedir(d);
}

/* Loads the scratch folder; returns the set or NULL with err. */
static TU_UNUSED struct template_set *
load(char *err, size_t errlen)
{
	struct template_set *ts = NULL;

	if (template_load_dir(scratch, &ts, err, errlen) != 0)
		return NULL;
	return ts;
}

/* Makes the scratch folder and its fr/ subfolder. */
static TU_UNUSED void
tpl_scratch(const char *name)
{
	scratch_make(name);
	snprintf(fr, sizeof(fr), "%s", path_in(TEMPLATE_LANG));
	mkdir(fr, 0700);
}

#endif
