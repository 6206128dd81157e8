/*
 * forget_mailbox.c — the second half of `coupdepouce forget`: the copies
 * of the erased mails in the contact mailbox, found by Message-ID in the
 * daemon's folders (the inbox, where a mail waits until it is moved, and
 * the processed, quarantine and sent folders) and deleted for good.
 *
 * cmd_forget.c runs this inside the erasure's transaction, before the
 * commit: when the server cannot be reached nothing is erased at all,
 * and running the command again later does the whole job.  Should the
 * commit fail after the copies went, the database still holds the mails
 * and a second run erases them.  Holding the write lock meanwhile also
 * keeps the daemon from storing (and moving) a new mail of the person
 * between the two halves.
 */
#include <stdio.h>
#include <string.h>

#include "cli/forget_mailbox.h"
#include "config/config.h"
#include "fetch/imap.h"

int
forget_mailbox(const struct config *cfg, char **ids, size_t nids,
    struct forget_mailbox_counts *out, char *err, size_t errlen)
{
	struct imap_params p;
	struct imap_conn *c = NULL;
	const char *folders[FORGET_FOLDERS];
	int rc;

	memset(out, 0, sizeof(*out));
	folders[0] = cfg->imap.folder;
	folders[1] = cfg->imap.processed_folder;
	folders[2] = cfg->imap.quarantine_folder;
	folders[3] = cfg->imap.sent_folder;
	for (size_t f = 0; f < FORGET_FOLDERS; f++)
		out->folder[f] = folders[f];
	if (nids == 0)
		return 0;
	imap_params_from_config(cfg, &p);
	if ((rc = imap_open(&p, &c, err, errlen)) != IMAP_OK)
		return -1;
	for (size_t f = 0; f < FORGET_FOLDERS && rc == IMAP_OK; f++) {
		int skip = folders[f] == NULL || folders[f][0] == '\0';

		/* The same folder named twice is searched once. */
		for (size_t g = 0; g < f && !skip; g++)
			skip = strcmp(folders[g], folders[f]) == 0;
		if (!skip)
			rc = imap_erase_message_ids(c, folders[f], ids, nids,
			    &out->deleted[f], err, errlen);
	}
	imap_close(c);
	return rc == IMAP_OK ? 0 : -1;
}
