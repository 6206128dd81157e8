/*
 * imap_mailbox.c — the commands on the contact mailbox's folders: SELECT,
 * LIST/CREATE, APPEND, UID SEARCH, UID FETCH, MOVE (or its COPY
 * fallbacks) and \Seen; see imap.h.  The session they run on is opened
 * in imap_conn.c and shared through imap_private.h.
 *
 * Why it is built this way:
 * - Messages are addressed by UID only and fetched with BODY.PEEK[], so
 *   nothing we do before the move changes the server (RFC822 would set
 *   \Seen).  UID sets are sent compressed into ranges (5,7:9) and long ones
 *   in chunks, so a command line stays far below servers' limits (Dovecot:
 *   64 KiB).
 * - Copies of sent mail go up with APPEND (one synchronizing literal per
 *   message, as libetpan sends it: no LITERAL+, so the server can refuse
 *   before the bytes travel).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fetch/imap_private.h"
#include "base/log.h"
#include "base/mem.h"

/* At most this many ranges ("7:9", up to 22 bytes) per command: below the
 * 8 KiB command line RFC 7162 asks servers to accept. */
#define IMAP_SET_MAX_RANGES 300

int
imap_select(struct imap_conn *c, const char *folder, uint32_t *uidvalidity,
    char *err, size_t errlen)
{
	int r;

	*uidvalidity = 0;
	if ((r = imap_usable(c, err, errlen)) != IMAP_OK)
		return r;
	r = mailimap_select(c->imap, folder);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, err, errlen, "SELECT %s", folder);
	if (c->imap->imap_selection_info != NULL)
		*uidvalidity = c->imap->imap_selection_info->sel_uidvalidity;
	log_debug(LOG_CAT_IMAP, "%s: selected %s, UIDVALIDITY %u", c->url,
	    folder, *uidvalidity);
	return IMAP_OK;
}

int
imap_folder_exists(struct imap_conn *c, const char *folder, char *err,
    size_t errlen)
{
	clist *list = NULL;
	clistiter *it;
	int r, found = 0;

	if ((r = imap_usable(c, err, errlen)) != IMAP_OK)
		return r;
	r = mailimap_list(c->imap, "", folder, &list);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, err, errlen, "LIST %s", folder);
	/* The name may hold the wildcards * and %: compare exactly. */
	for (it = clist_begin(list); it != NULL; it = clist_next(it)) {
		struct mailimap_mailbox_list *mb = clist_content(it);

		if (mb->mb_name != NULL && (strcmp(mb->mb_name, folder) == 0 ||
		    (strcasecmp(folder, "INBOX") == 0 &&
		    strcasecmp(mb->mb_name, "INBOX") == 0))) {
			found = 1;
			break;
		}
	}
	mailimap_list_result_free(list);
	return found;
}

int
imap_ensure_folder(struct imap_conn *c, const char *folder, int *created,
    char *err, size_t errlen)
{
	int r;

	if (created != NULL)
		*created = 0;
	if ((r = imap_usable(c, err, errlen)) != IMAP_OK)
		return r;
	r = imap_folder_exists(c, folder, err, errlen);
	if (r < 0)
		return r;
	if (r == 1)
		return IMAP_OK;
	r = mailimap_create(c->imap, folder);
	if (r != MAILIMAP_NO_ERROR) {
		char err2[64];
		int rc = imap_fail(c, r, err, errlen, "CREATE %s", folder);

		/* Someone else may have created it meanwhile. */
		if (rc == IMAP_EPROTO &&
		    imap_folder_exists(c, folder, err2, sizeof(err2)) == 1)
			return IMAP_OK;
		return rc;
	}
	if (created != NULL)
		*created = 1;
	log_info("%s: created folder %s", c->url, folder);
	return IMAP_OK;
}

int
imap_append(struct imap_conn *c, const char *folder, const char *msg,
    size_t len, int seen, char *err, size_t errlen)
{
	struct mailimap_flag_list *fl = NULL;
	struct mailimap_flag *flag;
	int r, rc;

	if ((rc = imap_usable(c, err, errlen)) != IMAP_OK)
		return rc;
	if (len == 0 || memchr(msg, '\0', len) != NULL) {
		snprintf(err, errlen, "%s: APPEND %s: %s message not sent",
		    c->url, folder, len == 0 ? "empty" : "NUL byte in the");
		return IMAP_EPROTO;
	}
	if (seen && ((fl = mailimap_flag_list_new_empty()) == NULL ||
	    (flag = mailimap_flag_new_seen()) == NULL ||
	    mailimap_flag_list_add(fl, flag) != MAILIMAP_NO_ERROR))
		fatalx("imap: out of memory");
	/* libetpan sends the message as a synchronizing literal: the server
	 * may say NO before it (Dovecot: "[TRYCREATE] Mailbox doesn't
	 * exist") or after it; both are MAILIMAP_ERROR_APPEND. */
	r = mailimap_append(c->imap, folder, fl, NULL, msg, len);
	if (fl != NULL)
		mailimap_flag_list_free(fl);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, err, errlen, "APPEND %s (%zu bytes)",
		    folder, len);
	log_debug(LOG_CAT_IMAP, "%s: appended %zu bytes to %s%s", c->url,
	    len, folder, seen ? " (\\Seen)" : "");
	return IMAP_OK;
}

int
imap_select_info(const struct imap_conn *c, uint32_t *exists,
    uint32_t *uidnext)
{
	const struct mailimap_selection_info *si;

	if (exists != NULL)
		*exists = 0;
	if (uidnext != NULL)
		*uidnext = 0;
	if (c->imap == NULL || c->imap->imap_state != MAILIMAP_STATE_SELECTED ||
	    (si = c->imap->imap_selection_info) == NULL)
		return IMAP_EPROTO;
	if (exists != NULL)
		*exists = si->sel_exists;
	if (uidnext != NULL)
		*uidnext = si->sel_uidnext;
	return IMAP_OK;
}

/* ---------------------------------------------------------------- UIDs */

static int
imap_uid_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorts u[0..n) and drops zeros and duplicates; returns the new count. */
static size_t
imap_uids_normalize(uint32_t *u, size_t n)
{
	size_t i, m = 0;

	if (n == 0)
		return 0;
	qsort(u, n, sizeof(*u), imap_uid_cmp);
	for (i = 0; i < n; i++)
		if (u[i] != 0 && (m == 0 || u[m - 1] != u[i]))
			u[m++] = u[i];
	return m;
}

/* A sorted copy of uids[0..n) without zeros and duplicates (n > 0). */
static uint32_t *
imap_uids_sorted(const uint32_t *uids, size_t n, size_t *m)
{
	uint32_t *s = xcalloc(n, sizeof(*s));

	memcpy(s, uids, n * sizeof(*s));
	*m = imap_uids_normalize(s, n);
	return s;
}

/*
 * The next set of at most max_ranges ranges ("5", "7:9") of the sorted,
 * unique s[*pos..n); advances *pos past what it took.
 */
static struct mailimap_set *
imap_set_next(const uint32_t *s, size_t n, size_t *pos, size_t max_ranges)
{
	struct mailimap_set *set;
	size_t i = *pos, ranges = 0;

	if ((set = mailimap_set_new_empty()) == NULL)
		fatalx("imap: out of memory");
	while (i < n && ranges < max_ranges) {
		uint32_t first = s[i], last = s[i];

		/* Sorted and unique: s[i + 1] > last, so last + 1 cannot
		 * wrap into a match. */
		while (i + 1 < n && s[i + 1] == last + 1)
			last = s[++i];
		i++;
		if (mailimap_set_add_interval(set, first, last) !=
		    MAILIMAP_NO_ERROR)
			fatalx("imap: out of memory");
		ranges++;
	}
	*pos = i;
	return set;
}

void
imap_uids_free(struct imap_uids *u)
{
	if (u == NULL)
		return;
	free(u->uids);
	u->uids = NULL;
	u->n = 0;
}

/* The search key UNDELETED (libetpan has no helper for it). */
static struct mailimap_search_key *
imap_key_undeleted(void)
{
	struct mailimap_search_key *k;

	k = mailimap_search_key_new(MAILIMAP_SEARCH_KEY_UNDELETED, NULL, NULL,
	    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	    NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL);
	if (k == NULL)
		fatalx("imap: out of memory");
	return k;
}

void
imap_uids_from_search(clist *res, uint32_t from, struct imap_uids *out)
{
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	if (res != NULL && clist_count(res) > 0) {
		out->uids = xcalloc((size_t)clist_count(res),
		    sizeof(*out->uids));
		for (clistiter *it = clist_begin(res); it != NULL;
		    it = clist_next(it)) {
			uint32_t *u = clist_content(it);

			if (u != NULL && *u >= from)
				out->uids[n++] = *u;
		}
	}
	if (res != NULL)
		mailimap_search_result_free(res);
	out->n = imap_uids_normalize(out->uids, n);
	if (out->n == 0)
		imap_uids_free(out);
}

/* UID SEARCH [UID from:*] UNDELETED, keeping UIDs >= from; from 0: all. */
static int
imap_uid_search(struct imap_conn *c, uint32_t from, struct imap_uids *out,
    char *err, size_t errlen)
{
	struct mailimap_search_key *key, *k;
	struct mailimap_set *set;
	clist *res = NULL;
	int r, rc;

	memset(out, 0, sizeof(*out));
	if ((rc = imap_usable_selected(c, err, errlen)) != IMAP_OK)
		return rc;
	if ((key = mailimap_search_key_new_multiple_empty()) == NULL)
		fatalx("imap: out of memory");
	if (from > 0) {
		if ((set = mailimap_set_new_interval(from, 0)) == NULL ||
		    (k = mailimap_search_key_new_uid(set)) == NULL)
			fatalx("imap: out of memory");
		if (mailimap_search_key_multiple_add(key, k) !=
		    MAILIMAP_NO_ERROR)
			fatalx("imap: out of memory");
	}
	if (mailimap_search_key_multiple_add(key, imap_key_undeleted()) !=
	    MAILIMAP_NO_ERROR)
		fatalx("imap: out of memory");
	r = mailimap_uid_search(c->imap, NULL, key, &res);
	mailimap_search_key_free(key);
	if (r != MAILIMAP_NO_ERROR) {
		if (from > 0)
			return imap_fail(c, r, err, errlen, "UID SEARCH UID "
			    "%u:*", from);
		return imap_fail(c, r, err, errlen, "UID SEARCH");
	}
	/* "n:*" always matches the highest UID, even < n. */
	imap_uids_from_search(res, from, out);
	log_debug(LOG_CAT_IMAP, "%s: UID SEARCH from %u: %zu message(s)",
	    c->url, from, out->n);
	return IMAP_OK;
}

int
imap_search_from(struct imap_conn *c, uint32_t from_uid,
    struct imap_uids *out, char *err, size_t errlen)
{
	return imap_uid_search(c, from_uid > 0 ? from_uid : 1, out, err,
	    errlen);
}

int
imap_search_all(struct imap_conn *c, struct imap_uids *out, char *err,
    size_t errlen)
{
	return imap_uid_search(c, 0, out, err, errlen);
}

/* ---------------------------------------------------------------- FETCH */

/* Where each UID asked for goes in the caller's array. */
struct imap_slot {
	uint32_t	uid;
	size_t		i;
};

static int
imap_slot_cmp(const void *a, const void *b)
{
	const struct imap_slot *x = a, *y = b;

	if (x->uid != y->uid)
		return x->uid < y->uid ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Slots sorted by UID, for imap_slot_find. */
static struct imap_slot *
imap_slots_new(const uint32_t *uids, size_t n)
{
	struct imap_slot *sl = xcalloc(n, sizeof(*sl));

	for (size_t i = 0; i < n; i++) {
		sl[i].uid = uids[i];
		sl[i].i = i;
	}
	qsort(sl, n, sizeof(*sl), imap_slot_cmp);
	return sl;
}

/* Index of the first slot for uid, or n if none. */
static size_t
imap_slot_find(const struct imap_slot *sl, size_t n, uint32_t uid)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sl[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && sl[lo].uid == uid ? lo : n;
}

/* What one FETCH response holds that we use. */
struct imap_fetched {
	uint32_t	 uid;		/* 0 if the response had none */
	int		 has_size;
	uint32_t	 size;
	const char	*body;		/* borrowed from the response */
	size_t		 body_len;
	int		 has_body;
};

static void
imap_fetched_read(const struct mailimap_msg_att *ma, struct imap_fetched *f)
{
	clistiter *it;

	memset(f, 0, sizeof(*f));
	if (ma == NULL || ma->att_list == NULL)
		return;
	for (it = clist_begin(ma->att_list); it != NULL; it = clist_next(it)) {
		struct mailimap_msg_att_item *item = clist_content(it);
		struct mailimap_msg_att_static *st;

		if (item == NULL || item->att_type !=
		    MAILIMAP_MSG_ATT_ITEM_STATIC ||
		    (st = item->att_data.att_static) == NULL)
			continue;
		switch (st->att_type) {
		case MAILIMAP_MSG_ATT_UID:
			f->uid = st->att_data.att_uid;
			break;
		case MAILIMAP_MSG_ATT_RFC822_SIZE:
			f->has_size = 1;
			f->size = st->att_data.att_rfc822_size;
			break;
		case MAILIMAP_MSG_ATT_BODY_SECTION:
			if (st->att_data.att_body_section != NULL &&
			    st->att_data.att_body_section->sec_body_part !=
			    NULL) {
				f->has_body = 1;
				f->body = st->att_data.att_body_section->
				    sec_body_part;
				f->body_len = st->att_data.att_body_section->
				    sec_length;
			}
			break;
		default:
			break;
		}
	}
}

/* Copies f's body into m, which may hold a copy already (the server sent
 * it twice); counts a new entry in *found and the bytes in *bytes. */
static void
imap_msg_take_body(struct imap_msg *m, const struct imap_fetched *f,
    size_t *found, size_t *bytes)
{
	if (m->data == NULL)
		(*found)++;
	free(m->data);
	m->data = xmalloc(f->body_len + 1);
	memcpy(m->data, f->body, f->body_len);
	m->data[f->body_len] = '\0';
	m->len = f->body_len;
	m->uid = f->uid;
	*bytes += f->body_len;
}

/*
 * One UID FETCH (UID <att>) of all these UIDs (n > 0); att is consumed.
 * Each answer is written into out[i] for every i with uids[i] its UID:
 * the body when want_body (imap_msg_take_body), else uid and size.
 * *found counts the entries written, *bytes the body bytes copied (both
 * start at 0).  The answer is freed before returning.
 */
static int
imap_uid_fetch(struct imap_conn *c, const uint32_t *uids, size_t n,
    struct mailimap_fetch_att *att, const char *what, int want_body,
    struct imap_msg *out, size_t *found, size_t *bytes, char *err,
    size_t errlen)
{
	struct mailimap_fetch_type *ft;
	struct mailimap_fetch_att *uid_att;
	struct mailimap_set *set;
	struct imap_slot *sl;
	clist *res = NULL;
	clistiter *it;
	uint32_t *s;
	size_t m, pos = 0;
	int r;

	*found = 0;
	*bytes = 0;
	if ((ft = mailimap_fetch_type_new_fetch_att_list_empty()) == NULL ||
	    (uid_att = mailimap_fetch_att_new_uid()) == NULL ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft, uid_att) !=
	    MAILIMAP_NO_ERROR ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft, att) !=
	    MAILIMAP_NO_ERROR)
		fatalx("imap: out of memory");
	s = imap_uids_sorted(uids, n, &m);
	set = imap_set_next(s, m, &pos, (size_t)-1);
	r = m > 0 ? mailimap_uid_fetch(c->imap, set, ft, &res) :
	    MAILIMAP_NO_ERROR;
	mailimap_set_free(set);
	mailimap_fetch_type_free(ft);
	free(s);
	/* libetpan frees res on its error paths */
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, err, errlen, "UID FETCH %s", what);
	sl = imap_slots_new(uids, n);
	for (it = clist_begin(res); it != NULL; it = clist_next(it)) {
		struct imap_fetched f;
		size_t k;

		imap_fetched_read(clist_content(it), &f);
		/* Answers without what we asked for: e.g. an unsolicited
		 * FLAGS update. */
		if (f.uid == 0 || !(want_body ? f.has_body : f.has_size))
			continue;
		for (k = imap_slot_find(sl, n, f.uid); k < n &&
		    sl[k].uid == f.uid; k++) {
			struct imap_msg *e = &out[sl[k].i];

			if (want_body)
				imap_msg_take_body(e, &f, found, bytes);
			else {
				e->uid = f.uid;
				e->size = f.size;
				(*found)++;
			}
		}
	}
	mailimap_fetch_list_free(res);
	free(sl);
	return IMAP_OK;
}

int
imap_fetch_sizes(struct imap_conn *c, const uint32_t *uids, size_t n,
    struct imap_msg *out, char *err, size_t errlen)
{
	struct mailimap_fetch_att *att;
	size_t found, bytes;
	int rc;

	for (size_t i = 0; i < n; i++)
		memset(&out[i], 0, sizeof(out[i]));
	if (n == 0)
		return IMAP_OK;
	if ((rc = imap_usable_selected(c, err, errlen)) != IMAP_OK)
		return rc;
	if ((att = mailimap_fetch_att_new_rfc822_size()) == NULL)
		fatalx("imap: out of memory");
	rc = imap_uid_fetch(c, uids, n, att, "RFC822.SIZE", 0, out, &found,
	    &bytes, err, errlen);
	if (rc != IMAP_OK)
		return rc;
	log_debug(LOG_CAT_IMAP, "%s: sizes of %zu message(s): %zu found",
	    c->url, n, found);
	return IMAP_OK;
}

int
imap_fetch_bodies(struct imap_conn *c, const uint32_t *uids, size_t n,
    int header_only, struct imap_msg *out, char *err, size_t errlen)
{
	struct mailimap_fetch_att *att;
	struct mailimap_section *sec;
	size_t found, bytes;
	int rc;

	for (size_t i = 0; i < n; i++) {
		out[i].data = NULL;
		out[i].len = 0;
	}
	if (n == 0)
		return IMAP_OK;
	if ((rc = imap_usable_selected(c, err, errlen)) != IMAP_OK)
		return rc;
	sec = header_only ? mailimap_section_new_header() :
	    mailimap_section_new(NULL);
	if (sec == NULL ||
	    (att = mailimap_fetch_att_new_body_peek_section(sec)) == NULL)
		fatalx("imap: out of memory");
	rc = imap_uid_fetch(c, uids, n, att, header_only ?
	    "BODY.PEEK[HEADER]" : "BODY.PEEK[]", 1, out, &found, &bytes, err,
	    errlen);
	if (rc != IMAP_OK)
		return rc;
	log_debug(LOG_CAT_IMAP, "%s: fetched %zu of %zu message(s)%s, %zu "
	    "bytes", c->url, found, n, header_only ? " (headers)" : "",
	    bytes);
	return IMAP_OK;
}

void
imap_msg_free(struct imap_msg *m, size_t n)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(m[i].data);
		m[i].data = NULL;
		m[i].len = 0;
	}
}

/* ---------------------------------------------------------------- MOVE */

/* UID STORE set +FLAGS.SILENT (flag); flag is consumed. */
int
imap_store_flag(struct imap_conn *c, struct mailimap_set *set,
    struct mailimap_flag *flag, const char *name, char *err, size_t errlen)
{
	struct mailimap_flag_list *fl;
	struct mailimap_store_att_flags *sa;
	int r;

	if (flag == NULL || (fl = mailimap_flag_list_new_empty()) == NULL ||
	    mailimap_flag_list_add(fl, flag) != MAILIMAP_NO_ERROR ||
	    (sa = mailimap_store_att_flags_new_add_flags_silent(fl)) == NULL)
		fatalx("imap: out of memory");
	r = mailimap_uid_store(c->imap, set, sa);
	mailimap_store_att_flags_free(sa);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, err, errlen, "UID STORE +FLAGS (%s)",
		    name);
	return IMAP_OK;
}

/*
 * Runs cmd once per set of at most IMAP_SET_MAX_RANGES ranges of these
 * UIDs (sorted, without zeros and duplicates: *m gets their number),
 * stopping at the first error, which it returns.  n == 0 is IMAP_OK
 * without a command.
 */
int
imap_each_set(struct imap_conn *c, const uint32_t *uids, size_t n,
    int (*cmd)(struct imap_conn *, struct mailimap_set *, const char *,
    char *, size_t), const char *folder, size_t *m, char *err,
    size_t errlen)
{
	uint32_t *s;
	size_t pos = 0;
	int rc;

	*m = 0;
	if (n == 0)
		return IMAP_OK;
	if ((rc = imap_usable_selected(c, err, errlen)) != IMAP_OK)
		return rc;
	s = imap_uids_sorted(uids, n, m);
	while (rc == IMAP_OK && pos < *m) {
		struct mailimap_set *set = imap_set_next(s, *m, &pos,
		    IMAP_SET_MAX_RANGES);

		rc = cmd(c, set, folder, err, errlen);
		mailimap_set_free(set);
	}
	free(s);
	return rc;
}

/* imap_each_set's command for imap_move: one set to `folder`. */
static int
imap_move_set(struct imap_conn *c, struct mailimap_set *set,
    const char *folder, char *err, size_t errlen)
{
	int r, rc;

	if (c->has_move) {
		r = mailimap_uid_move(c->imap, set, folder);
		if (r != MAILIMAP_NO_ERROR)
			return imap_fail(c, r, err, errlen, "UID MOVE to %s",
			    folder);
		return IMAP_OK;
	}
	r = mailimap_uid_copy(c->imap, set, folder);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, err, errlen, "UID COPY to %s", folder);
	rc = imap_store_flag(c, set, mailimap_flag_new_deleted(), "\\Deleted",
	    err, errlen);
	if (rc == IMAP_OK && c->has_uidplus) {
		r = mailimap_uid_expunge(c->imap, set);
		if (r != MAILIMAP_NO_ERROR)
			rc = imap_fail(c, r, err, errlen, "UID EXPUNGE");
	}
	return rc;
}

int
imap_move(struct imap_conn *c, const uint32_t *uids, size_t n,
    const char *folder, const char **how, char *err, size_t errlen)
{
	const char *method;
	size_t m;
	int rc;

	method = c->has_move ? "move" : c->has_uidplus ? "copy+expunge" :
	    "copy+deleted";
	if (how != NULL)
		*how = method;
	rc = imap_each_set(c, uids, n, imap_move_set, folder, &m, err,
	    errlen);
	if (rc == IMAP_OK && n > 0)
		log_debug(LOG_CAT_IMAP, "%s: %zu message(s) to %s (%s)",
		    c->url, m, folder, method);
	return rc;
}

/* imap_each_set's command for imap_mark_seen (no folder). */
static int
imap_seen_set(struct imap_conn *c, struct mailimap_set *set,
    const char *folder, char *err, size_t errlen)
{
	(void)folder;
	return imap_store_flag(c, set, mailimap_flag_new_seen(), "\\Seen",
	    err, errlen);
}

int
imap_mark_seen(struct imap_conn *c, const uint32_t *uids, size_t n,
    char *err, size_t errlen)
{
	size_t m;

	return imap_each_set(c, uids, n, imap_seen_set, NULL, &m, err,
	    errlen);
}
