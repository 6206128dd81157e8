/*
 * test_addr.c — the one address validator: what the network's people have
 * passes, what composition, the outbox or SMTP could not write is refused,
 * and every module that used to have its own rule now agrees with it.
 */
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "base/addr.h"

static const char *const good[] = {
	"coupdepouce@parc-livradois-forez.org",
	"Jean.Dupont+cdp@mail.example-asso.fr",
	"a@b.c",
	"o'brien@example.org",
	"x_y-z@EXAMPLE.ORG",
	"jean..dupont@orange.fr",	/* seen at old providers; kept */
	"123@456.fr",
};

static const char *const bad[] = {
	"",
	"coup_de(pouce)@exa_mple.org",	/* passed `check`, refused by compose */
	"coupdepouce@exa_mple.org",	/* '_' is not in a host name */
	"coup(de)pouce@example.org",
	"no-at-sign.example.org",
	"@example.org",
	"a@",
	"a@@example.org",
	"a@b@example.org",
	"a b@example.org",
	"a\t@example.org",
	"a\r\n@example.org",
	"<a@example.org>",
	"\"a\"@example.org",
	"a,b@example.org",
	"a;b@example.org",
	"a:b@example.org",
	"a\\b@example.org",
	"a[1]@example.org",
	"a@.example.org",
	"a@example.org.",
	"a@example..org",
	"a@exam ple.org",
	"a@exämple.org",
	"é@example.org",
	"a@example.org\x7f",
};

static void
test_lists(void)
{
	char name[300];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(name, sizeof(name), "accepted: %s", good[i]);
		ok(addr_valid(good[i]) == 1, name);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(name, sizeof(name), "refused: %s", bad[i]);
		ok(addr_valid(bad[i]) == 0, name);
	}
	ok(addr_valid(NULL) == 0, "refused: NULL");
}

static void
test_length(void)
{
	char a[ADDR_MAX_LEN + 2];

	/* 254 bytes in all is the most RFC 5321 lets through a path. */
	memset(a, 'x', sizeof(a));
	memcpy(a + ADDR_MAX_LEN - 12, "@example.org", 12);
	a[ADDR_MAX_LEN] = '\0';
	is_int(addr_valid(a), 1, "254 bytes accepted");
	memset(a, 'x', sizeof(a));
	memcpy(a + ADDR_MAX_LEN + 1 - 12, "@example.org", 12);
	a[ADDR_MAX_LEN + 1] = '\0';
	is_int(addr_valid(a), 0, "255 bytes refused");
}

static void
test_msgid(void)
{
	const char *ours = "cdp.12.3.4.abcdef@parc-livradois-forez.org";

	is_int(addr_msgid_valid(ours, strlen(ours), 1), 1, "our Message-ID");
	is_int(addr_msgid_valid("abc", 3, 0), 1, "a foreign id without @");
	is_int(addr_msgid_valid("abc", 3, 1), 0, "ours need one @");
	is_int(addr_msgid_valid("a@b@c", 5, 1), 0, "ours need exactly one @");
	is_int(addr_msgid_valid("a b@c", 5, 0), 0, "no blank");
	is_int(addr_msgid_valid("a<b@c", 5, 0), 0, "no angle bracket");
	is_int(addr_msgid_valid("a\r\n@c", 5, 0), 0, "no line break");
	is_int(addr_msgid_valid("", 0, 0), 0, "not empty");
}

int
main(void)
{
	test_lists();
	test_length();
	test_msgid();
	return tap_done();
}
