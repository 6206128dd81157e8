/*
 * secret.h — the key of our Message-ID tokens ([network] secret_file).
 *
 * The key is raw bytes (any length from SECRET_MIN_LEN to SECRET_MAX_LEN;
 * a new one is 32 random bytes).  Anyone who reads it can forge tokens and
 * so give mail commands in someone else's name (DESIGN.md §4): a key file
 * that the group or others can access is refused, as config.c refuses an
 * open password file (msmtp's CONF_EINSECURE).
 */
#ifndef CDP_SECRET_H
#define CDP_SECRET_H

#include <stddef.h>

#define SECRET_MIN_LEN	16
#define SECRET_MAX_LEN	4096
#define SECRET_NEW_LEN	32

/*
 * Reads the key in `path` into a new buffer (*key, *keylen; the caller
 * frees it with secret_free()).  When the file does not exist and
 * `create_if_missing` is set, creates it (mode 0600, O_EXCL, fsync'd) with
 * SECRET_NEW_LEN random bytes and returns them — except under
 * $CREDENTIALS_DIRECTORY, which systemd fills and we must not write into.
 * Returns 0, or -1 with a sentence naming the path in err: missing,
 * "PATH is readable by others (mode 0644); chmod 600 it", not a regular
 * file, empty, shorter than SECRET_MIN_LEN or longer than SECRET_MAX_LEN.
 */
int secret_load(const char *path, int create_if_missing, unsigned char **key,
    size_t *keylen, char *err, size_t errlen);

/* Wipes and frees a key from secret_load(); NULL is a no-op. */
void secret_free(unsigned char *key, size_t keylen);

#endif
