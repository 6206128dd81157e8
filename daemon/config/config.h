/*
 * config/ — what the administrator writes and the daemon reads at start-up
 * or when it changes: the configuration file (INI, DESIGN.md §6), the key
 * of our Message-ID tokens, and the people file (who the referents,
 * volunteers and coordinators are), with the INI and CSV readers under
 * them.  Everything here reads files and checks them, reporting
 * "path:line: key: problem"; nothing here touches the database
 * (store/people_import.h brings the people file's entries into it), so the
 * folders read base/ -> config/ -> store/.
 *
 * Files, in reading order:
 *   ini.c          INI syntax: sections, keys, values, with line numbers
 *   value.c        typed values: host names, numbers with units, times,
 *                  days of the week
 *   config.c       the keys of coupdepouce.conf: table, checks, defaults,
 *                  passwords, loading (this header)
 *   datadir.c      the installed templates and rules, when [paths] is unset
 *   secret.c       the token key file, made on first start if missing
 *   csv.c          CSV syntax as spreadsheets write it (RFC 4180)
 *   people_file.c  the people file's columns and their checks
 *
 * config.h — the daemon's configuration (INI file, DESIGN.md §6).
 *
 * Loaded once at start-up and read-only afterwards: with the log, it is the
 * only process-wide state.  Every key has a default except the required ones
 * ([network] contact, [imap] url, [smtp] url).  Relative paths are resolved
 * against the folder of the config file.  Errors read
 * "path:line: key: what is wrong" so an administrator can go straight there.
 */
#ifndef CDP_CONFIG_H
#define CDP_CONFIG_H

#include <stddef.h>

#define CONFIG_MAX_REMINDERS 8

struct config_strlist {
	char	**items;	/* owned */
	size_t	  n;
};

struct config_mail {		/* shared shape of [imap] and [smtp] */
	char	*url;
	char	*user;
	char	*password;	/* resolved secret, owned; never logged */
	char	*password_file;
	int	 password_line;	/* where the password setting came from */
	int	 tls_verify;
	char	*ca_file;
	int	 timeout;	/* seconds */
};

struct config {
	char	*path;		/* the file as given */
	char	*dir;		/* its folder, for relative paths */

	struct {
		char	*name;
		char	*contact;	/* bare address: envelope, comparisons */
		char	*contact_name;	/* "" unless written "Name <a@b>" */
		char	*domain;
		char	*timezone;
		struct config_strlist coordinators;
		/* authserv-ids (RFC 8601) our own receiving server writes in
		 * Authentication-Results; empty = a mail matched to its case
		 * only by the subject tag never carries commands (trust.h). */
		struct config_strlist authserv_id;
		char	*secret_file;
		int	 work_start;	/* minutes after midnight, local */
		int	 work_end;
		int	 max_auto_per_day;
		int	 max_open_cases;	/* a referent's default */
	} network;

	struct {
		struct config_mail m;
		char	*folder;
		char	*processed_folder;
		char	*quarantine_folder;
		char	*sent_folder;	/* "" = no copy of sent mail */
		int	 idle;
		int	 poll_interval;	/* seconds */
		int	 batch_size;
		long	 max_message_size;	/* bytes */
	} imap;

	struct {
		struct config_mail m;
		int	 starttls;
		char	*from;	/* bare address: envelope, comparisons */
		char	*from_name;	/* "" unless written "Name <a@b>" */
		int	 max_per_minute;
	} smtp;

	struct {
		char	*database;
		/* Raw mails and bodies of cases closed longer ago are
		 * purged (timers/retention.h); 0: kept forever. */
		int	 keep_raw_days;
	} storage;

	struct {
		char	*templates;
		char	*rules;
		char	*people;
	} paths;

	struct {			/* DESIGN.md §3, in days */
		int	 referent_reminder;
		int	 referent_flag;
		int	 invitation_reminder;
		int	 invitation_expiry;
		int	 meeting_reminders[CONFIG_MAX_REMINDERS];
		size_t	 n_meeting_reminders;
		int	 milestone_reminder;
		int	 inactivity_followup;
		int	 inactivity_flag;
		int	 digest_interval;
		int	 digest_day;		/* 1 Monday .. 7 Sunday */
		int	 digest_time;		/* minutes after midnight */
		int	 digest_referents;	/* each referent gets theirs */
		int	 testimony_delay;	/* months; 0: never asked */
	} timers;
};

/*
 * Reads and validates `path`.  On success *out is a new config the caller
 * frees with config_free().  On failure returns -1 with
 * "path:line: key: problem" in err (every problem found is reported, one per
 * line, up to errlen).  Passwords are read from password_file, from
 * $CREDENTIALS_DIRECTORY/imap-password and smtp-password (systemd
 * LoadCredential=), or from the file itself; a password or config file that
 * others can read is refused.
 */
int config_load(const char *path, struct config **out, char *err,
    size_t errlen);
void config_free(struct config *cfg);

/*
 * Checks that a login that needs a password has one (from password,
 * password_file or the systemd credential); only the commands that talk to
 * the servers call it, so "inspect" works without secrets.
 */
int config_check_credentials(const struct config *cfg, char *err,
    size_t errlen);

/* 1 when addr (compared without case) is the network's own: its contact
 * address or [smtp] from.  Mail from it is a loop through a forward or a
 * copy of what we sent, never a request. */
int config_own_address(const struct config *cfg, const char *addr);

/* Writes every key with its effective value (passwords masked) to stdout,
 * in INI form; used by "check --verbose". */
void config_dump(const struct config *cfg);

#endif
