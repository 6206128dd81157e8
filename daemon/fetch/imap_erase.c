/*
 * imap_erase.c — finding a message by its Message-ID and deleting
 * messages for good, for the right to erasure (`coupdepouce forget`) and
 * the retention of raw mails (fetch/retention_erase.h); see imap.h.
 *
 * The search key is the whole "<id>": IMAP's HEADER search matches a
 * substring, and "abc@x" alone would also find "<xabc@x>".  Messages
 * already flagged \Deleted are found too, since they are still on the
 * server until an EXPUNGE.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "fetch/imap_private.h"

int
imap_search_message_id(struct imap_conn *c, const char *message_id,
    struct imap_uids *out, char *err, size_t errlen)
{
	struct mailimap_search_key *key;
	clist *res = NULL;
	size_t len = strlen(message_id);
	char *field, *value;
	int r, rc;

	memset(out, 0, sizeof(*out));
	if ((rc = imap_usable_selected(c, err, errlen)) != IMAP_OK)
		return rc;
	value = xmalloc(len + 3);
	snprintf(value, len + 3, "<%s>", message_id);
	field = xstrdup("Message-ID");
	/* The key owns both strings from here. */
	if ((key = mailimap_search_key_new_header(field, value)) == NULL)
		fatalx("imap: out of memory");
	r = mailimap_uid_search(c->imap, NULL, key, &res);
	mailimap_search_key_free(key);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, err, errlen, "UID SEARCH HEADER "
		    "Message-ID <%s>", message_id);
	imap_uids_from_search(res, 1, out);
	return IMAP_OK;
}

/* imap_each_set's command for imap_erase: \Deleted, then away. */
static int
imap_erase_set(struct imap_conn *c, struct mailimap_set *set,
    const char *folder, char *err, size_t errlen)
{
	int r, rc;

	(void)folder;
	rc = imap_store_flag(c, set, mailimap_flag_new_deleted(), "\\Deleted",
	    err, errlen);
	if (rc != IMAP_OK)
		return rc;
	r = c->has_uidplus ? mailimap_uid_expunge(c->imap, set) :
	    mailimap_expunge(c->imap);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, err, errlen, "%s", c->has_uidplus ?
		    "UID EXPUNGE" : "EXPUNGE");
	return IMAP_OK;
}

int
imap_erase(struct imap_conn *c, const uint32_t *uids, size_t n, char *err,
    size_t errlen)
{
	size_t m;
	int rc;

	rc = imap_each_set(c, uids, n, imap_erase_set, NULL, &m, err, errlen);
	if (rc == IMAP_OK && n > 0)
		log_debug(LOG_CAT_IMAP, "%s: %zu message(s) erased", c->url, m);
	return rc;
}

int
imap_erase_message_ids(struct imap_conn *c, const char *folder,
    char *const *ids, size_t nids, long long *n, char *err, size_t errlen)
{
	uint32_t validity;
	int rc;

	/* A folder the daemon has not made yet holds nothing to erase. */
	if ((rc = imap_folder_exists(c, folder, err, errlen)) != 1)
		return rc < 0 ? rc : IMAP_OK;
	if ((rc = imap_select(c, folder, &validity, err, errlen)) != IMAP_OK)
		return rc;
	for (size_t i = 0; i < nids && rc == IMAP_OK; i++) {
		struct imap_uids u;

		rc = imap_search_message_id(c, ids[i], &u, err, errlen);
		if (rc == IMAP_OK && u.n > 0 &&
		    (rc = imap_erase(c, u.uids, u.n, err, errlen)) == IMAP_OK)
			*n += (long long)u.n;
		imap_uids_free(&u);
	}
	return rc;
}
