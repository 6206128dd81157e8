/*
 * attendance.c — see attendance.h.  The calendar mail itself says nothing
 * a person can read (a text/calendar part): forwarding it would show an
 * empty message, so the answer is told in a sentence instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casework/attendance.h"
#include "casework/case_mail.h"
#include "casework/cmd_context.h"
#include "out/template.h"

int
attendance_tell(struct casework *cw, int64_t case_id, const char *ref,
    int64_t sender_id, const char *partstat, long long starts_at,
    char *err, size_t errlen)
{
	struct cw_person who, *to = NULL;
	struct tpl_data *d;
	char date[16], tm[16];
	size_t n = 0, k = 0;
	int rc;

	memset(&who, 0, sizeof(who));
	if (sender_id == 0 || casemail_person(cw, sender_id, &who, err,
	    errlen) != 0 || casemail_group(cw, case_id, GROUP_REFERENT |
	    GROUP_CONTACT, &to, &n, err, errlen) != 0)
		return sender_id == 0 ? 0 : -1;
	for (size_t i = 0; i < n; i++)
		if (to[i].id != sender_id)
			to[k++] = to[i];
	cmdctx_format_when(starts_at, 1, date, sizeof(date), tm, sizeof(tm));
	d = tpl_data_new();
	tpl_set(d, "ref", ref);
	tpl_set(d, "who", who.name[0] ? who.name : who.email);
	tpl_set(d, "who_address", who.email);
	tpl_set_bool(d, "accepted", strcmp(partstat, "ACCEPTED") == 0);
	tpl_set_bool(d, "declined", strcmp(partstat, "DECLINED") == 0);
	tpl_set_bool(d, "tentative", strcmp(partstat, "TENTATIVE") == 0);
	tpl_set(d, "meeting_date", date);
	tpl_set(d, "meeting_time", tm);
	rc = casemail_send(cw, "attendance", d, "recipient_name", ref,
	    case_id, to, k, err, errlen);
	tpl_data_free(d);
	free(to);
	return rc;
}
