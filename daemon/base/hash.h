/*
 * hash.h — SHA-256 and HMAC-SHA256 from GnuTLS's crypto API.
 *
 * The content hash of every stored mail (dedupe across UIDVALIDITY resets
 * and copies), the HMAC of our Message-ID tokens (token.c) and the random
 * bytes of a new token key (secret.c).  A well-kept implementation, not our
 * own.
 */
#ifndef CDP_HASH_H
#define CDP_HASH_H

#include <stddef.h>

#define HASH_SHA256_HEX	65	/* 64 hex digits + NUL */

/* Lower-case hex SHA-256 of data[0..len) into out. */
void hash_sha256_hex(const void *data, size_t len, char out[HASH_SHA256_HEX]);

/* HMAC-SHA256 of data with key into out (32 bytes); -1 on a library error. */
int hash_hmac_sha256(const void *key, size_t keylen, const void *data,
    size_t len, unsigned char out[32]);

/* n bytes from the library's key-grade random generator into buf; -1 if
 * the generator failed (never returns weak bytes). */
int hash_random(void *buf, size_t n);

#endif
