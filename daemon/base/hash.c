/* hash.c — SHA-256, HMAC-SHA256 and random bytes through GnuTLS; see
 * hash.h. */
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "base/hash.h"
#include "base/log.h"

void
hash_sha256_hex(const void *data, size_t len, char out[HASH_SHA256_HEX])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[32];

	/* Only fails for an unknown algorithm, which SHA-256 is not. */
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, data, len, d) != 0)
		fatalx("gnutls_hash_fast(SHA256) failed");
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[64] = '\0';
}

int
hash_hmac_sha256(const void *key, size_t keylen, const void *data,
    size_t len, unsigned char out[32])
{
	return gnutls_hmac_fast(GNUTLS_MAC_SHA256, key, keylen, data, len,
	    out) == 0 ? 0 : -1;
}

int
hash_random(void *buf, size_t n)
{
	return gnutls_rnd(GNUTLS_RND_KEY, buf, n) == 0 ? 0 : -1;
}
