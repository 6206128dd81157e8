/*
 * forget_mailbox.h — deleting the mailbox copies of the mails an erasure
 * blanked (`coupdepouce forget`); see forget_mailbox.c.
 */
#ifndef CDP_FORGET_MAILBOX_H
#define CDP_FORGET_MAILBOX_H

#include <stddef.h>

struct config;

/* The inbox, then the processed, quarantine and sent folders. */
#define FORGET_FOLDERS	4

struct forget_mailbox_counts {
	const char	*folder[FORGET_FOLDERS];	/* the config's; NULL or
							   "" when not set */
	long long	 deleted[FORGET_FOLDERS];	/* copies deleted */
};

/*
 * Logs in to the [imap] mailbox and deletes, in each of the folders, the
 * messages whose Message-ID is one of ids[] (without <>).  Nothing is
 * done without ids.  0 with the counts in *out, or -1 with the server's
 * reason in err (some copies may be gone already).
 */
int forget_mailbox(const struct config *cfg, char **ids, size_t nids,
    struct forget_mailbox_counts *out, char *err, size_t errlen);

#endif
