/*
 * template_vars_digest.c — the variables of the digest's templates
 * (timers/digest*.c) and of the partials it shares with other mails: a
 * part of the catalog of template_vars.c, apart because it is the
 * longest list (one entry per section and field of the digest).
 */
#include <stddef.h>

#include "out/template_vars_digest.h"

/* A case's step, one boolean true (_case_state.txt writes the label). */
#define STATE_FIELDS(p)							\
	p "state_new", p "state_analysis", p "state_ineligible",	\
	p "state_forming", p "state_meeting", p "state_active",		\
	p "state_closed", p "state_withdrawn"

/* A list of the digest: its items, their count, has_LIST, and the case
 * each item is about ("" for items about no case) with its date and
 * time (HHhMM) when it has one. */
#define DIGEST_LIST(l)							\
	l, l "_count", "has_" l, l ".ref", l ".subject",		\
	l ".referent_name", l ".date", l ".time"
/* A list cut at DIGEST_LINES_MAX lines: how many more there are. */
#define DIGEST_CUT_LIST(l)	DIGEST_LIST(l), l "_more", "has_" l "_more"

const char *const template_theme_vars[] = {
	THEME_FIELDS(""),
	NULL
};

const char *const template_case_state_vars[] = {
	STATE_FIELDS(""),
	NULL
};

const char *const template_digest_case_vars[] = {
	"ref", "subject", "referent_name",
	NULL
};

const char *const template_digest_vars[] = {
	"recipient_name",	/* "" when unknown or for --print */
	"date",			/* today, DD/MM/YYYY */
	"since_date", "since_time",	/* the previous digest */
	"is_first",		/* no previous digest: the last 7 days */
	"for_referent",		/* a referent's digest of their own cases:
				 * no pool, no counts */
	"agenda_days",		/* 14 */
	"has_attention", "has_late", "has_news",	/* sections 1, 3, 4 */
	/* 1. needs a human now; NAME_plural: NAME > 1 */
	DIGEST_CUT_LIST("unassigned"), "unassigned.days",
	"unassigned.days_plural",
	DIGEST_CUT_LIST("decision_late"), "decision_late.days",
	"decision_late.days_plural",
	DIGEST_CUT_LIST("group_incomplete"), "group_incomplete.invited",
	"group_incomplete.declined", "group_incomplete.expired",
	"group_incomplete.invited_plural", "group_incomplete.declined_plural",
	"group_incomplete.expired_plural",
	DIGEST_CUT_LIST("untrusted"), "untrusted.sender_name",
	"untrusted.sender_address",
	DIGEST_CUT_LIST("bounced"), "bounced.name", "bounced.address",
	"bounced.status",
	DIGEST_CUT_LIST("quarantined"), "quarantined.reason",
	"quarantined.message_id", "quarantined.id",
	DIGEST_CUT_LIST("outbox_failed"), "outbox_failed.recipients",
	"outbox_failed.error", "outbox_failed.template", "outbox_failed.id",
	DIGEST_CUT_LIST("capped"), "capped.address", "capped.day",
	"capped.count", "max_auto_per_day",
	"bounced_older", "has_bounced_older",	/* reported before */
	"bounced_older_plural", "quarantined_older",
	"has_quarantined_older", "quarantined_older_plural",
	"failed_older", "has_failed_older", "failed_older_plural",
	/* 2. the coming days */
	DIGEST_CUT_LIST("agenda"), "agenda.label", "agenda.is_meeting",
	"agenda.is_milestone", "agenda.is_checkin", "agenda.has_time",
	/* 3. late */
	DIGEST_CUT_LIST("overdue"), "overdue.label", "overdue.is_meeting",
	"overdue.is_milestone",
	"overdue.is_checkin", "overdue.has_time", "overdue.days",
	"overdue.days_plural",
	DIGEST_CUT_LIST("inactive"), "inactive.days", "inactive.days_plural",
	/* 4. since the previous digest */
	DIGEST_CUT_LIST("opened"), "opened.kind_request", "opened.kind_report",
	"opened.kind_volunteer", "opened.kind_other", STATE_FIELDS("opened."),
	DIGEST_CUT_LIST("ended"), STATE_FIELDS("ended."),
	/* 5. the pool (not for_referent) */
	"pool_themes", THEME_FIELDS("pool_themes."), "pool_themes.count",
	"pool_themes.volunteers", "pool_themes.volunteers.name",
	"pool_themes.volunteers.load", "pool_themes.volunteers.load_plural",
	"pool_themes.volunteers.first",
	"pool_themes.volunteers.unavailable",	/* now */
	"pool_themes.volunteers.until",	/* DD/MM/YYYY; "" further notice */
	"pool_communes", "pool_communes.commune", "pool_communes.commune_none",
	"pool_communes.count", "pool_communes.volunteers",
	"pool_communes.volunteers.name", "pool_communes.volunteers.load",
	"pool_communes.volunteers.load_plural",
	"pool_communes.volunteers.first",
	"pool_communes.volunteers.unavailable",
	"pool_communes.volunteers.until",
	/* who joined the pool (an invitation's OUI) or signed the charter;
	 * ref: the case of the invitation */
	DIGEST_CUT_LIST("joined"), "joined.name", "joined.address",
	"joined.is_newcomer", "joined.charter_signed",
	DIGEST_LIST("witnesses"), "witnesses.name", "witnesses.commune",
	"witnesses.is_new", "witnesses.themes", "witnesses.themes.first",
	THEME_FIELDS("witnesses.themes."), "witnesses_new",
	/* all of them, and those past DIGEST_WITNESSES_MAX not listed */
	"witnesses_total", "witnesses_more", "witnesses_more_plural",
	"has_witnesses_more",
	/* 6. counts (not for_referent) */
	DIGEST_LIST("by_state"), "by_state.count", STATE_FIELDS("by_state."),
	DIGEST_LIST("by_theme"), "by_theme.count", THEME_FIELDS("by_theme."),
	DIGEST_LIST("by_commune"), "by_commune.commune", "by_commune.count",
	"trend", "trend.month",		/* MM/YYYY, oldest first */
	"trend.opened", "trend.ended",	/* new and ended cases */
	"trend.opened_col", "trend.ended_col",	/* the same, 3 wide */
	"trend.opened_bar", "trend.ended_bar",	/* '#' bars, text */
	"trend.opened_px", "trend.ended_px",	/* bar widths, HTML */
	NULL
};
