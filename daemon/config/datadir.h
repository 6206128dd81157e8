/*
 * datadir.h — where the templates and rules are when the configuration
 * does not say.
 *
 * A source checkout keeps them beside its example configuration
 * (config/rules, templates/), an installed tree in the data folder fixed
 * at build time (CDP_DATADIR, PREFIX/share/coupdepouce).  A [paths] key
 * left unset takes its usual place next to the configuration file when
 * that folder exists, else the data folder's: so the example config works
 * from the checkout and /etc/coupdepouce/coupdepouce.conf finds the
 * installed files, without a [paths] section in either.
 */
#ifndef CDP_DATADIR_H
#define CDP_DATADIR_H

/* *path (owned, resolved next to the config) is kept when it is a folder;
 * otherwise it is replaced by CDP_DATADIR/name.  Never fails: a missing
 * folder is reported later by whoever reads it, under the data folder's
 * name. */
void datadir_default(char **path, const char *name);

/* The data folder this program was built for. */
const char *datadir_path(void);

#endif
