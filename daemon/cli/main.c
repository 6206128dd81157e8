/*
 * main.c — the coupdepouce command line (DESIGN.md §6).
 *
 * One binary, subcommands dispatched from a table.  Global options come
 * before the subcommand; each subcommand parses its own.  The configuration
 * is loaded here, once, for the subcommands that need it, and the network's
 * time zone becomes the process's local time.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "base/clock.h"
#include "config/config.h"
#include "base/log.h"
#include "store/store.h"

#define DEFAULT_CONFIG "/etc/coupdepouce/coupdepouce.conf"

struct subcommand {
	const char	*name;
	int		(*run)(struct cli *, int, char **);
	const char	*help;
	int		 needs_config;	/* CONFIG_* below */
};

enum {
	CONFIG_NONE,
	CONFIG_REQUIRED,
	/* Used when -c was given or the default file exists: inspect runs
	 * on a machine where the daemon is not set up. */
	CONFIG_OPTIONAL
};

static const struct subcommand commands[] = {
	{ "run", cmd_run, cmd_run_help, CONFIG_REQUIRED },
	{ "poll", cmd_poll, cmd_poll_help, CONFIG_REQUIRED },
	{ "check", cmd_check, cmd_check_help, CONFIG_REQUIRED },
	{ "inspect", cmd_inspect, cmd_inspect_help, CONFIG_OPTIONAL },
	{ "case", cmd_case, cmd_case_help, CONFIG_REQUIRED },
	{ "outbox", cmd_outbox, cmd_outbox_help, CONFIG_REQUIRED },
	{ "quarantine", cmd_quarantine, cmd_quarantine_help,
	    CONFIG_REQUIRED },
	{ "person", cmd_person, cmd_person_help, CONFIG_REQUIRED },
	{ "digest", cmd_digest, cmd_digest_help, CONFIG_REQUIRED },
	{ "status", cmd_status, cmd_status_help, CONFIG_REQUIRED },
	{ "reprocess", cmd_reprocess, cmd_reprocess_help, CONFIG_REQUIRED },
	{ "export", cmd_export, cmd_export_help, CONFIG_REQUIRED },
	{ "forget", cmd_forget, cmd_forget_help, CONFIG_REQUIRED },
	{ "purge", cmd_purge, cmd_purge_help, CONFIG_REQUIRED },
	{ "backup", cmd_backup, cmd_backup_help, CONFIG_REQUIRED },
};

static const char main_help[] =
"usage: coupdepouce [-c FILE] [--now 'YYYY-MM-DD HH:MM'] [-v CATS] [-d] COMMAND [ARGS]\n"
"\n"
"Mail daemon of the \"Coup de pouce\" network: turns mails sent to the\n"
"contact address into tracked support cases.\n"
"\n"
"Options:\n"
"  -c, --config FILE   configuration file (default " DEFAULT_CONFIG ")\n"
"      --now TIME      act as if the local time were TIME (tests, replays)\n"
"  -v, --verbose CATS  debug log for imap,smtp,store,mime,case,timer,conf or all\n"
"  -d, --timestamps    prefix log lines with the time (outside systemd)\n"
"  -h, --help          this help; 'coupdepouce COMMAND --help' for a command\n"
"      --version       print \"coupdepouce VERSION\" and exit\n"
"\n"
"Commands:\n"
"  run                 daemon: IDLE/poll, fetch and store mail, until SIGTERM\n"
"  poll                one full cycle, then exit\n"
"  check               validate config, templates, rules; try IMAP and SMTP logins\n"
"  inspect FILE.eml [--json]  parse one message, no database, no network\n"
"  case list|show REF  the support cases and their timeline\n"
"  case assign REF EMAIL | case note REF TEXT | case close REF [REASON]\n"
"                      the administrator changes a case (mails leave at\n"
"                      the next poll)\n"
"  quarantine list|retry  mails that could not be handled; handle one again\n"
"  outbox list|retry   the outgoing mail queue; send a failed mail again\n"
"  person add|edit|deactivate|list|import|export  the network's people\n"
"  digest [--print [--html]] [--to EMAIL]  build (and send) the digest now\n"
"  status [--json]     health for monitoring, from the database (exit 1:\n"
"                      unhealthy)\n"
"  reprocess --since DATE [--db SCRATCH]  replay stored mail with the\n"
"                      current rules in a copy of the database; print\n"
"                      what would change\n"
"  export EMAIL [--out DIR]  everything stored about a person (JSON, mbox)\n"
"  forget EMAIL        erase a person's personal data (RGPD erasure)\n"
"  purge [--dry-run]   erase the raw mails of cases closed keep_raw_days ago\n"
"  backup FILE         online copy of the database into FILE (never\n"
"                      overwritten), safe while the daemon runs\n"
"\n"
"Exit status: 0 success, 1 error (one line on stderr), 2 bad usage.\n";

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "now", required_argument, NULL, 'n' },
		{ "verbose", required_argument, NULL, 'v' },
		{ "timestamps", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli cli = { DEFAULT_CONFIG, NULL };
	const struct subcommand *cmd = NULL;
	const char *now_text = NULL;
	char err[4096];
	int c, timestamps = 0, config_given = 0, rc;

	/* A server closing the connection must give an error, not kill us:
	 * libetpan writes to sockets without MSG_NOSIGNAL. */
	signal(SIGPIPE, SIG_IGN);
	/* No thread of this program touches the database. */
	if (store_library_setup() != 0)
		fatalx("cannot set SQLite up for a single thread");
	/* journald sets JOURNAL_STREAM for the units it reads. */
	log_init(getenv("JOURNAL_STREAM") ? LOG_JOURNAL : LOG_PLAIN, 0);
	/* "+" stops at the first non-option: the subcommand's own options. */
	while ((c = getopt_long(argc, argv, "+c:v:dh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			cli.config_path = optarg;
			config_given = 1;
			break;
		case 'n':
			now_text = optarg;
			break;
		case 'v':
			if (log_set_debug(optarg, err, sizeof(err)) != 0)
				return cli_usage_error(NULL, "%s", err);
			break;
		case 'd':
			timestamps = 1;
			break;
		case 'h':
			fputs(main_help, stdout);
			return EXIT_OK;
		case 'V':
			printf("coupdepouce %s\n", CDP_VERSION);
			return EXIT_OK;
		default:
			fputs(main_help, stderr);
			return EXIT_USAGE;
		}
	}
	if (timestamps)
		log_init(getenv("JOURNAL_STREAM") ? LOG_JOURNAL : LOG_PLAIN, 1);
	if (optind >= argc)
		return cli_usage_error(NULL, "no command given");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, argv[optind]) == 0)
			cmd = &commands[i];
	if (cmd == NULL)
		return cli_usage_error(NULL, "unknown command '%s'",
		    argv[optind]);
	argc -= optind;
	argv += optind;
	if (cli_wants_help(argc, argv)) {
		fputs(cmd->help, stdout);
		return EXIT_OK;
	}
	if (cmd->needs_config == CONFIG_REQUIRED ||
	    (cmd->needs_config == CONFIG_OPTIONAL &&
	    (config_given || access(cli.config_path, F_OK) == 0))) {
		if (config_load(cli.config_path, &cli.cfg, err,
		    sizeof(err)) != 0) {
			fprintf(stderr, "%s\n", err);
			return EXIT_ERR;
		}
		clock_set_zone(cli.cfg->network.timezone);
	} else
		clock_set_zone("Europe/Paris");
	if (now_text) {
		time_t t;

		if (clock_parse_local(now_text, &t, err, sizeof(err)) != 0) {
			config_free(cli.cfg);
			return cli_usage_error(NULL, "--now: %s", err);
		}
		clock_fix(t);
	}
	optind = 0;	/* the subcommand runs getopt again on its argv */
	rc = cmd->run(&cli, argc, argv);
	config_free(cli.cfg);
	return rc;
}
