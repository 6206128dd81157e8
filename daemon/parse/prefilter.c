/*
 * prefilter.c — the one-pass literal scan; see prefilter.h.
 *
 * A rule may match when the text holds a literal of each of its groups.
 * Every literal has at least LITERALS_MIN_LEN = 3 bytes.  A bitmap of the
 * pairs of bytes literals start with rejects most places of a text with
 * one load; at the others, the literals are found by a hash of their
 * first three bytes and compared.  The scan thus costs a few
 * instructions per byte of text, where a pattern that cannot use PCRE2's
 * start-of-match optimisation (an alternation of words after \b) is tried
 * at every place of the text.  It stops once every rule with literals is
 * known to be possible.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "parse/literals.h"
#include "parse/prefilter.h"

#define PF_BUCKETS	4096		/* power of two */

struct pf_entry {
	size_t		 rule;
	unsigned char	 bit;		/* of its group in need[rule] */
	size_t		 off;		/* in pool */
	size_t		 len;
	int32_t		 next;		/* in the same bucket, or -1 */
};

struct prefilter {
	uint64_t	*pairs;		/* 65536 bits: a literal starts with
					 * these two bytes; NULL until a
					 * literal is added */
	int32_t		*heads;		/* PF_BUCKETS, -1 = empty */
	struct pf_entry	*entries;
	size_t		 nentries;
	struct buf	 pool;		/* the literals, back to back */
	unsigned char	*need;		/* need[rule]: a bit per group of the
					 * rule's literals, 0 for none */
	size_t		 nneed;
};

static inline unsigned
pf_pair(const unsigned char *s)
{
	return (unsigned)s[0] << 8 | s[1];
}

static inline unsigned
pf_hash(const unsigned char *s)
{
	return ((unsigned)s[0] * 961u + (unsigned)s[1] * 31u + s[2]) &
	    (PF_BUCKETS - 1);
}

struct prefilter *
prefilter_new(void)
{
	struct prefilter *pf = xcalloc(1, sizeof(*pf));

	buf_init(&pf->pool, 0);
	return pf;
}

void
prefilter_free(struct prefilter *pf)
{
	if (pf == NULL)
		return;
	free(pf->pairs);
	free(pf->heads);
	free(pf->entries);
	buf_free(&pf->pool);
	free(pf->need);
	free(pf);
}

void
prefilter_add(struct prefilter *pf, size_t rule, const struct literals *lits)
{
	if (lits->n == 0 || lits->ngroups > 8 || prefilter_has(pf, rule))
		return;
	for (size_t i = 0; i < lits->n; i++)
		if (strlen(lits->items[i]) < LITERALS_MIN_LEN ||
		    lits->group[i] >= lits->ngroups)
			return;
	if (pf->heads == NULL) {
		pf->pairs = xcalloc(65536 / 64, sizeof(*pf->pairs));
		pf->heads = xmalloc(PF_BUCKETS * sizeof(*pf->heads));
		for (size_t b = 0; b < PF_BUCKETS; b++)
			pf->heads[b] = -1;
	}
	if (rule >= pf->nneed) {
		pf->need = xrealloc(pf->need, rule + 1);
		memset(pf->need + pf->nneed, 0, rule + 1 - pf->nneed);
		pf->nneed = rule + 1;
	}
	pf->need[rule] = (unsigned char)((1u << lits->ngroups) - 1);
	pf->entries = xrealloc(pf->entries, (pf->nentries + lits->n) *
	    sizeof(*pf->entries));
	for (size_t i = 0; i < lits->n; i++) {
		const unsigned char *s = (const unsigned char *)lits->items[i];
		struct pf_entry *e = &pf->entries[pf->nentries];
		unsigned h = pf_hash(s), pair = pf_pair(s);

		e->rule = rule;
		e->bit = (unsigned char)(1u << lits->group[i]);
		e->off = pf->pool.len;
		e->len = strlen(lits->items[i]);
		e->next = pf->heads[h];
		pf->heads[h] = (int32_t)pf->nentries++;
		pf->pairs[pair / 64] |= (uint64_t)1 << (pair % 64);
		buf_add(&pf->pool, s, e->len);
	}
}

int
prefilter_has(const struct prefilter *pf, size_t rule)
{
	return rule < pf->nneed && pf->need[rule] != 0;
}

void
prefilter_scan(const struct prefilter *pf, const char *folded, size_t len,
    unsigned char *may, size_t nrules)
{
	const unsigned char *t = (const unsigned char *)folded;
	size_t left = 0;

	/* may[i] gathers the bits of the groups found, then says whether
	 * they are all of rule i's. */
	memset(may, 0, nrules);
	for (size_t i = 0; i < nrules; i++)
		left += prefilter_has(pf, i);
	for (size_t p = 0; left > 0 && p + LITERALS_MIN_LEN <= len; p++) {
		unsigned pair = pf_pair(t + p);
		int32_t k;

		if (!(pf->pairs[pair / 64] & ((uint64_t)1 << (pair % 64))))
			continue;
		for (k = pf->heads[pf_hash(t + p)]; k >= 0;
		    k = pf->entries[k].next) {
			const struct pf_entry *e = &pf->entries[k];

			if (e->rule >= nrules || (may[e->rule] & e->bit) ||
			    e->len > len - p || memcmp(pf->pool.data +
			    e->off, t + p, e->len) != 0)
				continue;
			may[e->rule] |= e->bit;
			left -= may[e->rule] == pf->need[e->rule];
		}
	}
	for (size_t i = 0; i < nrules; i++)
		may[i] = !prefilter_has(pf, i) || may[i] == pf->need[i];
}
