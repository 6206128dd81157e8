/*
 * test_config.c — config loading: defaults, relative paths, passwords, and
 * that every kind of mistake is reported as "file:line: key: problem".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "config/datadir.h"
#include "tap.h"
#include "testutil.h"

/* "<scratch>/name" holding `text`, with that mode; returns its path. */
static const char *
write_mode(const char *name, const char *text, mode_t mode)
{
	const char *path = write_file(path_in(name), text);

	chmod(path, mode);
	return path;
}

#define BASE \
	"[network]\ncontact = cdp@example.org\n" \
	"[imap]\nurl = imaps://127.0.0.1:993\n" \
	"[smtp]\nurl = smtp://127.0.0.1:587\n"

/* Loads `text` as "<scratch>/t.conf"; returns the error text ("" on
 * success). */
static const char *
load(const char *text, mode_t mode, struct config **out)
{
	static char err[4096];
	struct config *cfg = NULL;
	const char *path = write_mode("t.conf", text, mode);

	err[0] = '\0';
	if (config_load(path, &cfg, err, sizeof(err)) == 0) {
		if (out)
			*out = cfg;
		else
			config_free(cfg);
	}
	return err;
}

static void
test_defaults(void)
{
	struct config *cfg = NULL;
	char want[512];

	is_str(load(BASE, 0644, &cfg), "", "minimal config loads");
	if (cfg == NULL)
		return;
	is_str(cfg->network.timezone, "Europe/Paris", "default time zone");
	is_str(cfg->network.domain, "example.org", "domain from contact");
	is_str(cfg->smtp.from, "cdp@example.org", "from defaults to contact");
	is_str(cfg->imap.folder, "INBOX", "default folder");
	is_int(cfg->imap.poll_interval, 60, "default poll interval");
	is_int(cfg->imap.max_message_size, 25L * 1024 * 1024,
	    "default max message size");
	is_int(cfg->imap.m.tls_verify, 1, "TLS verification on by default");
	is_int(cfg->network.work_start, 8 * 60, "working hours start");
	is_int(cfg->network.work_end, 20 * 60, "working hours end");
	is_int((long long)cfg->timers.n_meeting_reminders, 2,
	    "two meeting reminders");
	is_int(cfg->timers.meeting_reminders[0], 7, "first reminder 7 days");
	is_int(cfg->timers.digest_day, 1, "digest on Monday");
	is_int(cfg->timers.digest_time, 8 * 60, "digest at 08:00");
	is_int(cfg->timers.digest_referents, 0, "no referent digests");
	is_int(cfg->timers.testimony_delay, 6, "testimony asked after 6 months");
	is_int(cfg->storage.keep_raw_days, 730, "raw mails kept 730 days");
	snprintf(want, sizeof(want), "%s/coupdepouce.db", scratch);
	if (getenv("STATE_DIRECTORY") == NULL)
		is_str(cfg->storage.database, want,
		    "database next to the config file");
	/* Unset and with no folder beside the config: the installed ones. */
	snprintf(want, sizeof(want), "%s/rules", datadir_path());
	is_str(cfg->paths.rules, want, "rules default to the installed ones");
	snprintf(want, sizeof(want), "%s/templates", datadir_path());
	is_str(cfg->paths.templates, want,
	    "templates default to the installed ones");
	/* A rules folder beside the config comes first. */
	config_free(cfg);
	cfg = NULL;
	snprintf(want, sizeof(want), "%s/rules", scratch);
	mkdir(want, 0700);
	is_str(load(BASE, 0644, &cfg), "", "config with a rules folder loads");
	rmdir(want);
	if (cfg == NULL)
		return;
	is_str(cfg->paths.rules, want, "relative path resolved");
	ok(cfg->imap.m.password == NULL, "no password");
	is_int((long long)cfg->network.authserv_id.n, 0,
	    "no trusted authserv-id by default");
	config_free(cfg);
}

static void
test_typed_values(void)
{
	struct config *cfg = NULL;

	is_str(load("[network]\ncontact = cdp@example.org\n"
	    "coordinators = a@example.org, b@example.org ,\n"
	    "authserv_id = mx.example.org , MX2.Example.org\n"
	    "working_hours = 09:30-18h00\n"
	    "[imap]\nurl = imaps://h\npoll_interval = 5m\nidle = no\n"
	    "max_message_size = 512k\nfolder = \" Boîte \"\n"
	    "[smtp]\nurl = smtps://h\n"
	    "[storage]\ndatabase = /var/lib/x.db\nkeep_raw_days = 0\n"
	    "[timers]\nmeeting_reminders = 3d, 2, 0\ndigest_day = Jeudi\n"
	    "digest_time = 7h30\ndigest_referents = yes\n"
	    "testimony_delay = 0\n", 0644, &cfg),
	    "", "typed values load");
	if (cfg == NULL)
		return;
	is_int(cfg->imap.poll_interval, 300, "5m is 300 s");
	is_int(cfg->imap.idle, 0, "idle = no");
	is_int(cfg->imap.max_message_size, 512 * 1024, "512k");
	is_str(cfg->imap.folder, " Boîte ", "quotes keep spaces and UTF-8");
	is_int((long long)cfg->network.coordinators.n, 2, "two coordinators");
	is_str(cfg->network.coordinators.items[1], "b@example.org",
	    "list items trimmed");
	is_int((long long)cfg->network.authserv_id.n, 2, "two authserv-ids");
	if (cfg->network.authserv_id.n == 2) {
		is_str(cfg->network.authserv_id.items[0], "mx.example.org",
		    "first authserv-id trimmed");
		is_str(cfg->network.authserv_id.items[1], "MX2.Example.org",
		    "authserv-id kept as written");
	}
	is_int(cfg->network.work_start, 9 * 60 + 30, "09:30");
	is_int(cfg->network.work_end, 18 * 60, "18h00");
	is_str(cfg->storage.database, "/var/lib/x.db", "absolute path kept");
	is_int(cfg->storage.keep_raw_days, 0, "raw mails kept forever");
	is_int((long long)cfg->timers.n_meeting_reminders, 3, "three reminders");
	is_int(cfg->timers.meeting_reminders[2], 0, "reminder on the day");
	is_int(cfg->timers.digest_day, 4, "Jeudi is Thursday");
	is_int(cfg->timers.digest_time, 7 * 60 + 30, "7h30");
	is_int(cfg->timers.digest_referents, 1, "referent digests");
	is_int(cfg->timers.testimony_delay, 0, "testimony never asked");
	config_free(cfg);
}

struct bad_case {
	const char *text;
	const char *want;	/* substring of the error, after "<scratch>/" */
};

static void
test_errors(void)
{
	static const struct bad_case cases[] = {
		{ BASE "colour = blue\n", "t.conf:7: colour: unknown key in [smtp]" },
		{ BASE "starttls = maybe\n", "t.conf:7: starttls: 'maybe' is not yes or no" },
		{ BASE "timeout = soon\n", "t.conf:7: timeout: 'soon' is not a duration" },
		{ BASE "timeout = 2d\n", "t.conf:7: timeout: 172800 is out of range (1 to 3600 seconds)" },
		{ BASE "max_per_minute = 10\nmax_per_minute = 20\n", "t.conf:8: max_per_minute: set twice (first on line 7)" },
		{ "contact = x@y.z\n" BASE, "t.conf:1: contact: key outside of any [section]" },
		{ BASE "[smtp\n", "t.conf:7: section: malformed section header '[smtp'" },
		{ BASE "[mailer]\nx = 1\n", "t.conf:7: mailer: unknown section" },
		{ BASE "no equals sign\n", "t.conf:7: no equals sign: expected 'key = value'" },
		{ "[imap]\nurl = imaps://h\n[smtp]\nurl = smtp://h\n", "t.conf: contact: required key missing in [network]" },
		{ "[network]\ncontact = nobody\n[imap]\nurl = imaps://h\n[smtp]\nurl = smtp://h\n", "t.conf:2: contact: 'nobody' is not an e-mail address" },
		/* check used to accept it while composition refused it, so no
		 * mail would ever have gone out (one validator now). */
		{ "[network]\ncontact = coup_de(pouce)@exa_mple.org\n[imap]\nurl = imaps://h\n[smtp]\nurl = smtp://h\n", "t.conf:2: contact: 'coup_de(pouce)@exa_mple.org' is not an e-mail address" },
		{ "[network]\ncontact = a@b.c\ncoordinators = ok@b.c, x@exa_mple.org\n[imap]\nurl = imaps://h\n[smtp]\nurl = smtp://h\n", "t.conf:3: coordinators: 'x@exa_mple.org' is not an e-mail address" },
		{ "[network]\ncontact = a@b.c\n[imap]\nurl = pop3://h\n[smtp]\nurl = smtp://h\n", "t.conf:4: url: 'pop3://h' must start with imap:// or imaps://" },
		{ "[network]\ncontact = a@b.c\ncoordinators = a@b.c, oops\n[imap]\nurl = imaps://h\n[smtp]\nurl = smtp://h\n", "t.conf:3: coordinators: 'oops' is not an e-mail address" },
		{ "[network]\ncontact = a@b.c\nauthserv_id = mx.b.c, mx b.c\n[imap]\nurl = imaps://h\n[smtp]\nurl = smtp://h\n", "t.conf:3: authserv_id: 'mx b.c' is not a host name" },
		{ "[network]\ncontact = a@b.c\nauthserv_id = mx..b.c\n[imap]\nurl = imaps://h\n[smtp]\nurl = smtp://h\n", "t.conf:3: authserv_id: 'mx..b.c' is not a host name" },
		{ "[network]\ncontact = a@b.c\nauthserv_id = a@b.c\n[imap]\nurl = imaps://h\n[smtp]\nurl = smtp://h\n", "t.conf:3: authserv_id: 'a@b.c' is not a host name" },
		{ "[network]\ncontact = a@b.c\ntimezone = Europe/Nowhere\n[imap]\nurl = imaps://h\n[smtp]\nurl = smtp://h\n", "t.conf:3: timezone: unknown time zone 'Europe/Nowhere'" },
		{ "[network]\ncontact = a@b.c\nworking_hours = 20:00-08:00\n[imap]\nurl = imaps://h\n[smtp]\nurl = smtp://h\n", "t.conf:3: working_hours: '20:00-08:00' is not a time range" },
		{ "[network]\ncontact = a@b.c\n[imap]\nurl = imaps://h\n[smtp]\nurl = smtp://h\n[timers]\ndigest_day = lun\n", "t.conf:8: digest_day: 'lun' is not a day of the week (monday to sunday, or lundi to dimanche)" },
		{ "[network]\ncontact = a@b.c\n[imap]\nurl = imaps://h\n[smtp]\nurl = smtp://h\n[timers]\ndigest_time = 24:00\n", "t.conf:8: digest_time: '24:00' is not a time like 08:00" },
		{ BASE "password = hunter2\n", "t.conf:7: password: the file holds a password but is readable by others (mode 0644)" },
		{ "[network]\ncontact = a@b.c\n[imap]\nurl = imaps://h\n[smtp]\nurl = smtp://h\n[storage]\nkeep_raw_days = 99999\n", "t.conf:8: keep_raw_days: 99999 is out of range (0 to 36500 days)" },
		{ "[network]\ncontact = a@b.c\n[imap]\nurl = imaps://h\n[smtp]\nurl = smtp://h\n[storage]\nkeep_raw_days = two years\n", "t.conf:8: keep_raw_days: 'two years' is not a number of days" },
		{ BASE "folder = \n", "t.conf:7: folder: unknown key in [smtp]" },
		{ "[network]\ncontact = a@b.c\n[imap]\nurl = imaps://h\nfolder =\n[smtp]\nurl = smtp://h\n", "t.conf:5: folder: must not be empty" },
	};
	char want[1024];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(want, sizeof(want), "%s/%s", scratch, cases[i].want);
		like_str(load(cases[i].text, 0644, NULL), want, cases[i].want);
	}
}

static void
test_all_errors_reported(void)
{
	const char *err = load("[network]\ncontact = a@b.c\nbogus = 1\n"
	    "[imap]\nurl = imaps://h\nidle = perhaps\n[smtp]\nurl = smtp://h\n",
	    0644, NULL);

	like_str(err, "t.conf:3: bogus: unknown key", "first error reported");
	like_str(err, "t.conf:6: idle: 'perhaps' is not yes or no",
	    "second error reported too");
}

static void
test_passwords(void)
{
	struct config *cfg = NULL;
	char text[1024], err[512];
	const char *pf;

	/* Inline password in a private file is accepted (tests use it). */
	is_str(load(BASE "password = s3cret\n", 0600, &cfg), "",
	    "inline password in a mode 600 file");
	if (cfg) {
		is_str(cfg->smtp.m.password, "s3cret", "inline password read");
		config_free(cfg);
		cfg = NULL;
	}

	pf = write_mode("pw-open", "open\n", 0644);
	snprintf(text, sizeof(text), BASE "user = u\npassword_file = %s\n", pf);
	snprintf(err, sizeof(err), "t.conf:8: password_file: %s is readable "
	    "by others (mode 0644)", pf);
	like_str(load(text, 0644, NULL), err, "password file 0644 refused");

	pf = write_mode("pw", "from-file\n", 0600);
	snprintf(text, sizeof(text), BASE "user = u\npassword_file = pw\n");
	is_str(load(text, 0644, &cfg), "", "relative password_file");
	if (cfg) {
		is_str(cfg->smtp.m.password, "from-file",
		    "password file read without its newline");
		config_free(cfg);
		cfg = NULL;
	}

	snprintf(text, sizeof(text), BASE "password = a\npassword_file = pw\n");
	like_str(load(text, 0600, NULL), "t.conf:8: password_file: [smtp] sets "
	    "both password (line 7) and password_file", "both ways refused");

	snprintf(text, sizeof(text), BASE "password_file = missing\n");
	like_str(load(text, 0644, NULL), "t.conf:7: password_file: ",
	    "missing password file reported");

	/* systemd LoadCredential= */
	write_mode("imap-password", "cred\n", 0600);
	setenv("CREDENTIALS_DIRECTORY", scratch, 1);
	is_str(load("[network]\ncontact = a@b.c\n[imap]\nurl = imaps://h\n"
	    "user = u\n[smtp]\nurl = smtp://h\nuser = v\n", 0644, &cfg), "",
	    "credential directory");
	if (cfg) {
		is_str(cfg->imap.m.password, "cred", "imap credential read");
		ok(config_check_credentials(cfg, err, sizeof(err)) != 0,
		    "smtp user without any password is refused");
		like_str(err, "[smtp] user is set but no password",
		    "and the error says which");
		config_free(cfg);
	}
	unsetenv("CREDENTIALS_DIRECTORY");
}

static void
test_shipped_example(void)
{
	struct config *cfg = NULL;
	char err[4096] = "";

	if (access("config/coupdepouce.conf", R_OK) != 0) {
		tap_skip("shipped example", "not run from the source tree");
		return;
	}
	ok(config_load("config/coupdepouce.conf", &cfg, err, sizeof(err)) == 0,
	    "the shipped config/coupdepouce.conf loads");
	if (err[0])
		printf("#   %s\n", err);
	if (cfg)
		is_str(cfg->paths.templates, "config/../templates",
		    "templates relative to the config folder");
	config_free(cfg);
}

/* An administrator writes the network's address with its name. */
static void
test_display_names(void)
{
	struct config *cfg = NULL;

	is_str(load("[network]\ncontact = Coup de pouce <cdp@example.org>\n"
	    "[imap]\nurl = imaps://h\n[smtp]\nurl = smtp://h\n"
	    "from = \"Coup de pouce, le réseau\" <envoi@example.org>\n",
	    0644, &cfg), "", "addresses with display names load");
	if (cfg == NULL)
		return;
	is_str(cfg->network.contact, "cdp@example.org", "contact: bare address");
	is_str(cfg->network.contact_name, "Coup de pouce", "contact: its name");
	is_str(cfg->network.domain, "example.org", "domain from the address");
	is_str(cfg->smtp.from, "envoi@example.org", "from: bare address");
	is_str(cfg->smtp.from_name, "Coup de pouce, le réseau",
	    "from: its name, quotes removed");
	ok(config_own_address(cfg, "CDP@Example.org") == 1,
	    "own address: the contact, in any case");
	ok(config_own_address(cfg, "envoi@example.org") == 1,
	    "own address: [smtp] from");
	ok(config_own_address(cfg, "envoi@example.org.") == 0 &&
	    config_own_address(cfg, "holder@example.org") == 0,
	    "own address: no other");
	config_free(cfg);
	cfg = NULL;
	is_str(load(BASE, 0644, &cfg), "", "bare addresses load");
	if (cfg == NULL)
		return;
	is_str(cfg->smtp.from_name, "", "from: no name written, none kept");
	is_str(cfg->network.contact_name, "", "contact: no name written");
	ok(config_own_address(cfg, "cdp@example.org") == 1 &&
	    config_own_address(cfg, "envoi@example.org") == 0,
	    "own address: without [smtp] from, only the contact");
	config_free(cfg);
	like_str(load("[network]\ncontact = Coup <cdp@example.org\n"
	    "[imap]\nurl = imaps://h\n[smtp]\nurl = smtp://h\n", 0644, NULL),
	    "t.conf:2: contact: 'Coup <cdp@example.org' is not an e-mail "
	    "address", "an unclosed < is refused");
	like_str(load("[network]\ncontact = Coup <nobody>\n"
	    "[imap]\nurl = imaps://h\n[smtp]\nurl = smtp://h\n", 0644, NULL),
	    "t.conf:2: contact: 'Coup <nobody>' is not an e-mail address",
	    "a name does not make a bad address good");
}

int
main(void)
{
	scratch_make("config");
	unsetenv("CREDENTIALS_DIRECTORY");
	test_defaults();
	test_typed_values();
	test_errors();
	test_all_errors_reported();
	test_passwords();
	test_shipped_example();
	test_display_names();
	scratch_remove();
	return tap_done();
}
