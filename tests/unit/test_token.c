/*
 * test_token.c — Message-ID tokens (round trip, tampering, other key,
 * letter case, garbage) and the key file they depend on (creation, mode,
 * size, $CREDENTIALS_DIRECTORY).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/secret.h"
#include "tap.h"
#include "testutil.h"
#include "thread/token.h"

/* 32 bytes each (the arrays hold a NUL too); the last byte differs. */
#define KEYLEN 32
static const unsigned char key[] = "0123456789abcdef0123456789abcdef";
static const unsigned char key2[] = "0123456789abcdef0123456789abcdeX";

static int
verify(const char *id, const char *domain, int64_t *o, int64_t *c,
    int64_t *p)
{
	return token_verify(key, KEYLEN, id, domain, o, c, p);
}

static void
test_round_trip(void)
{
	char id[TOKEN_MSGID_MAX], buf[TOKEN_MSGID_MAX + 8], *at;
	int64_t o = 0, c = 0, p = 0;

	ok(token_make(key, KEYLEN, 42, 7, 13, "parc-livradois-forez.org",
	    id, sizeof(id)) == 0, "token made");
	ok(strncmp(id, "cdp.42.7.13.", 12) == 0, "readable prefix");
	at = strchr(id, '@');
	ok(at && strcmp(at, "@parc-livradois-forez.org") == 0, "domain");
	is_int((long long)(at - id), 12 + 2 * TOKEN_MAC_BYTES, "mac length");
	for (const char *q = id; *q; q++)
		if (*q >= 'A' && *q <= 'Z') {
			ok(0, "lower case");
			break;
		}
	is_int(verify(id, "parc-livradois-forez.org", &o, &c, &p), 1,
	    "verifies");
	is_int(o, 42, "outbox id back");
	is_int(c, 7, "case id back");
	is_int(p, 13, "person id back");

	snprintf(buf, sizeof(buf), "<%s>", id);
	is_int(verify(buf, NULL, NULL, NULL, NULL), 1, "with <>, any domain");
	snprintf(buf, sizeof(buf), "  <%s>\r\n", id);
	is_int(verify(buf, NULL, NULL, NULL, NULL), 1, "with blanks around");
	for (char *q = buf; *q; q++)
		if (*q >= 'a' && *q <= 'z')
			*q = (char)(*q - 'a' + 'A');
	is_int(verify(buf, "parc-livradois-forez.org", &o, &c, &p), 1,
	    "upper-cased by a client still verifies");
	is_int(verify(id, "example.org", NULL, NULL, NULL), 0,
	    "other domain refused when one is required");

	ok(token_make(key, KEYLEN, 1, 0, 0, "x.org", id, sizeof(id)) == 0,
	    "no case, no person");
	is_int(verify(id, NULL, &o, &c, &p), 1, "zero ids verify");
	is_int(c, 0, "case 0");
	ok(token_make(key, KEYLEN, INT64_MAX, INT64_MAX, INT64_MAX,
	    "x.org", id, sizeof(id)) == 0, "largest ids");
	is_int(verify(id, NULL, &o, NULL, NULL), 1, "largest ids verify");
	ok(o == INT64_MAX, "INT64_MAX back");
}

static void
test_tampering(void)
{
	char id[TOKEN_MSGID_MAX], t[TOKEN_MSGID_MAX + 8];
	char *mac;

	token_make(key, KEYLEN, 42, 7, 13, "example.org", id, sizeof(id));
	mac = strchr(id, '@') - 2 * TOKEN_MAC_BYTES;

	snprintf(t, sizeof(t), "%s", id);
	t[4] = '3';			/* outbox 42 -> 32 */
	is_int(verify(t, NULL, NULL, NULL, NULL), 0, "changed outbox id");
	snprintf(t, sizeof(t), "%s", id);
	t[7] = '8';			/* case 7 -> 8 */
	is_int(verify(t, NULL, NULL, NULL, NULL), 0, "changed case id");
	snprintf(t, sizeof(t), "cdp.42.7.14.%s", mac);
	is_int(verify(t, NULL, NULL, NULL, NULL), 0, "changed person id");
	snprintf(t, sizeof(t), "cdp.042.7.13.%s", mac);
	is_int(verify(t, NULL, NULL, NULL, NULL), 0, "leading zero refused");
	snprintf(t, sizeof(t), "%s", id);
	t[mac - id] = t[mac - id] == '0' ? '1' : '0';
	is_int(verify(t, NULL, NULL, NULL, NULL), 0, "changed mac digit");
	snprintf(t, sizeof(t), "%s", id);
	t[mac - id + 2 * TOKEN_MAC_BYTES - 1] ^= 1;
	is_int(verify(t, NULL, NULL, NULL, NULL), 0, "changed last mac digit");
	snprintf(t, sizeof(t), "%.*s@example.org", (int)(mac - id +
	    2 * TOKEN_MAC_BYTES - 2), id);
	is_int(verify(t, NULL, NULL, NULL, NULL), 0, "shortened mac");
	is_int(token_verify(key2, KEYLEN, id, NULL, NULL, NULL, NULL),
	    0, "other key");
	is_int(token_verify(key, KEYLEN - 1, id, NULL, NULL, NULL, NULL),
	    0, "shorter key");
}

static void
test_garbage(void)
{
	static const char *const bad[] = {
		"", "<>", "<", "cdp.", "cdp.1.2.3.@x.org", "cdp.1.2.@x.org",
		"cdp.a.b.c.0123456789abcdef01234567@x.org",
		"cdp.1.2.3.0123456789abcdef0123456g@x.org",
		"cdp.0.2.3.0123456789abcdef01234567@x.org",
		"cdp.-1.2.3.0123456789abcdef01234567@x.org",
		"cdp.99999999999999999999.2.3.0123456789abcdef01234567@x.org",
		"cdp.1.2.3.0123456789abcdef01234567",
		"cdp.1.2.3.0123456789abcdef01234567@",
		"cdp.1.2.3.0123456789abcdef01234567@x y.org",
		"<cdp.1.2.3.0123456789abcdef01234567@x.org",
		"CAFEBABE.1234@mail.gmail.com",
		"cdp.1.2.3.0123456789abcdef01234567@x.org@y.org",
		"cdp.1.2.3.0123456789abcdef0123456789abcdef@x.org",
	};
	char id[16];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char name[160];

		snprintf(name, sizeof(name), "garbage refused: \"%.100s\"",
		    bad[i]);
		is_int(verify(bad[i], NULL, NULL, NULL, NULL), 0, name);
	}
	is_int(verify(NULL, NULL, NULL, NULL, NULL), 0, "NULL refused");
	is_int(token_verify(NULL, 0, "cdp.1.2.3.x@y", NULL, NULL, NULL, NULL),
	    0, "no key refused");
	ok(token_make(key, KEYLEN, 0, 1, 1, "x.org", id, sizeof(id)) != 0,
	    "outbox id 0 refused");
	ok(token_make(key, KEYLEN, 1, -1, 1, "x.org", id, sizeof(id)) !=
	    0, "negative id refused");
	ok(token_make(key, KEYLEN, 1, 1, 1, "x y.org", id, sizeof(id)) !=
	    0, "bad domain refused");
	ok(token_make(key, KEYLEN, 123456, 1, 1, "example.org", id,
	    sizeof(id)) != 0 && id[0] == '\0', "small buffer refused");
}

static void
test_secret(void)
{
	char path[300], err[512], want[600];
	unsigned char *k = NULL, *k2 = NULL;
	size_t kl = 0, kl2 = 0;
	struct stat st;

	scratch_make("secret");
	snprintf(path, sizeof(path), "%s", path_in("secret"));

	ok(secret_load(path, 0, &k, &kl, err, sizeof(err)) != 0,
	    "missing key without create refused");
	like_str(err, path, "error names the file");
	ok(secret_load(path, 1, &k, &kl, err, sizeof(err)) == 0,
	    "missing key created");
	is_int((long long)kl, SECRET_NEW_LEN, "32 bytes");
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "mode 0600");
	ok(secret_load(path, 1, &k2, &kl2, err, sizeof(err)) == 0 &&
	    kl2 == kl && memcmp(k, k2, kl) == 0, "same key read back");
	secret_free(k2, kl2);
	k2 = NULL;

	chmod(path, 0644);
	ok(secret_load(path, 1, &k2, &kl2, err, sizeof(err)) != 0,
	    "key readable by others refused");
	snprintf(want, sizeof(want), "%s is readable by others (mode 0644); "
	    "chmod 600 it", path);
	is_str(err, want, "refusal says how to fix it");
	ok(k2 == NULL, "nothing returned");
	chmod(path, 0640);
	ok(secret_load(path, 1, &k2, &kl2, err, sizeof(err)) != 0,
	    "key readable by the group refused");

	write_file(path, "short");
	chmod(path, 0600);
	ok(secret_load(path, 0, &k2, &kl2, err, sizeof(err)) != 0,
	    "too short a key refused");
	like_str(err, "16 to 4096 bytes", "says the allowed length");
	write_file(path, "");
	ok(secret_load(path, 1, &k2, &kl2, err, sizeof(err)) != 0,
	    "empty key refused, not replaced");
	like_str(err, "is empty", "says it is empty");
	unlink(path);

	setenv("CREDENTIALS_DIRECTORY", scratch, 1);
	ok(secret_load(path, 1, &k2, &kl2, err, sizeof(err)) != 0,
	    "never created under $CREDENTIALS_DIRECTORY");
	ok(access(path, F_OK) != 0, "no file written there");
	unsetenv("CREDENTIALS_DIRECTORY");

	/* A created key works for tokens. */
	ok(secret_load(path, 1, &k2, &kl2, err, sizeof(err)) == 0,
	    "created again");
	{
		char id[TOKEN_MSGID_MAX];

		token_make(k2, kl2, 5, 6, 7, "example.org", id, sizeof(id));
		is_int(token_verify(k2, kl2, id, NULL, NULL, NULL, NULL), 1,
		    "token with the file's key");
		is_int(token_verify(k, kl, id, NULL, NULL, NULL, NULL), 0,
		    "not with the previous key");
	}
	secret_free(k, kl);
	secret_free(k2, kl2);
	secret_free(NULL, 0);
	scratch_remove();
}

/* token_shaped(): the guess without the key, as the IMAP thread makes it
 * before classifying a mail ahead. */
static void
test_shaped(void)
{
	char id[TOKEN_MSGID_MAX], wrapped[TOKEN_MSGID_MAX + 8];

	ok(token_make(key, KEYLEN, 3, 4, 5, "example.org", id,
	    sizeof(id)) == 0, "a token to guess");
	is_int(token_shaped(id), 1, "ours is shaped");
	snprintf(wrapped, sizeof(wrapped), " <%s>\r\n", id);
	is_int(token_shaped(wrapped), 1, "with blanks and <> too");
	is_int(token_shaped("<CDP.1.2.3.x@y>"), 1,
	    "any letter case, mac unchecked");
	is_int(token_shaped("<cdp@example.org>"), 0, "\"cdp\" alone is not");
	is_int(token_shaped("<CAFEBABE.1234@mail.gmail.com>"), 0,
	    "someone else's is not");
	is_int(token_shaped("<cdp.1.2.3.x@y"), 0, "an unclosed < is not");
	is_int(token_shaped(""), 0, "empty is not");
	is_int(token_shaped(NULL), 0, "NULL is not");
}

int
main(void)
{
	test_round_trip();
	test_tampering();
	test_garbage();
	test_shaped();
	test_secret();
	return tap_done();
}
