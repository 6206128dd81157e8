/*
 * retention_erase.c — deleting the mailbox copies of purged mails; see
 * retention_erase.h.
 */
#include <stdio.h>
#include <string.h>

#include "base/fault.h"
#include "config/config.h"
#include "fetch/imap.h"
#include "fetch/retention_erase.h"
#include "store/retention_db.h"
#include "store/store.h"

#define RETENTION_FOLDERS	3

/* The folders that may hold copies, each named once; how many. */
static size_t
retention_folders(const struct config *cfg, const char **v)
{
	const char *all[RETENTION_FOLDERS] = { cfg->imap.processed_folder,
	    cfg->imap.quarantine_folder, cfg->imap.sent_folder };
	size_t n = 0;

	for (size_t i = 0; i < RETENTION_FOLDERS; i++) {
		int skip = all[i] == NULL || all[i][0] == '\0';

		for (size_t j = 0; j < n && !skip; j++)
			skip = strcmp(v[j], all[i]) == 0;
		if (!skip)
			v[n++] = all[i];
	}
	return n;
}

/* One round: 1 when it worked a batch, 0 when the queue is empty, or an
 * error status; *selected is set once it selected a folder. */
static int
retention_erase_round(struct imap_conn *c, struct store *st,
    const char *const *folders, size_t nfolders, int round, int *selected,
    struct retention_erase_stats *stats, char *err, size_t errlen)
{
	char **ids = NULL, msg[512];
	size_t n = 0;
	int rc = IMAP_OK;

	if (retention_erase_next(st, RETENTION_ERASE_BATCH, &ids, &n, err,
	    errlen) != 0)
		return RETENTION_ERASE_ESTORE;
	for (size_t f = 0; f < nfolders && rc == IMAP_OK && n > 0; f++) {
		*selected = 1;
		rc = imap_erase_message_ids(c, folders[f], ids, n,
		    &stats->erased, msg, sizeof(msg));
		if (rc != IMAP_OK)
			snprintf(err, errlen, "%s: %s", folders[f], msg);
	}
	if (rc == IMAP_OK && n > 0) {
		/* Deleted, not yet dequeued: the next pass searches again. */
		fault_point("retention.erased", round);
		if (retention_erase_done(st, ids, n, err, errlen) != 0)
			rc = RETENTION_ERASE_ESTORE;
		else
			stats->searched += (long long)n;
	}
	store_texts_free(ids, n);
	return rc != IMAP_OK ? rc : n > 0;
}

int
retention_erase_pass(struct imap_conn *c, struct store *st,
    const struct config *cfg, const volatile sig_atomic_t *stop,
    struct retention_erase_stats *stats, char *err, size_t errlen)
{
	const char *folders[RETENTION_FOLDERS];
	size_t nfolders = retention_folders(cfg, folders);
	uint32_t validity;
	char msg[512];
	int rc, r, rounds = 0, selected = 0;

	memset(stats, 0, sizeof(*stats));
	do
		rc = retention_erase_round(c, st, folders, nfolders, rounds + 1,
		    &selected, stats, err, errlen);
	while (rc == 1 && ++rounds < RETENTION_ERASE_ROUNDS &&
	    (stop == NULL || !*stop));
	/* Stopped after a full round: some may be left. */
	stats->more = rc == 1;
	/* IDLE watches the selected folder: the inbox again, unless the
	 * connection is gone. */
	if (!selected || rc == IMAP_ETEMP)
		return rc < 0 ? rc : 0;
	r = imap_select(c, cfg->imap.folder, &validity, msg, sizeof(msg));
	if (rc < 0)
		return rc;	/* the first error is the one to report */
	if (r != IMAP_OK)
		snprintf(err, errlen, "%s: %s", cfg->imap.folder, msg);
	return r;
}
