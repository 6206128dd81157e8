/*
 * prefilter.c — the one-pass literal scan; see prefilter.h.
 *
 * A rule may match when the text holds a literal of each group of one of
 * its alternatives (a slot each: most rules have one).  Every literal
 * has at least LITERALS_MIN_LEN = 3 bytes.  A bitmap of a hash of the
 * three bytes literals start with rejects most places of a text with one
 * load (one of the pairs of bytes they start with begins too many French
 * words); at the others, the literals are found by a hash of their
 * first three bytes and compared, each once per text.  The scan thus
 * costs a few instructions per byte of text, where a pattern that cannot
 * use PCRE2's start-of-match optimisation (an alternation of words after
 * \b) is tried at every place of the text.  It stops once every rule
 * with literals is known to be possible.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/strhash.h"
#include "parse/literals.h"
#include "parse/prefilter.h"

#define PF_BUCKETS	4096		/* power of two */
#define PF_MAX_GROUPS	8		/* of an alternative: bits of need[] */

/* One string, once however many alternatives hold it ("vous" is in
 * dozens): a text's scan looks at it only until it is first found. */
struct pf_entry {
	uint64_t	 head;		/* its first 8 bytes (pf_load) */
	uint64_t	 mask;		/* those of them it has */
	size_t		 off;		/* in pool */
	size_t		 len;
	int32_t		 next;		/* in the same bucket, or -1 */
	int32_t		 target;	/* its first, or -1 */
};

/* A group of an alternative that holds an entry. */
struct pf_target {
	size_t		 slot;		/* the alternative */
	unsigned char	 bit;		/* of its group in need[slot] */
	int32_t		 next;		/* of the same entry, or -1 */
};

struct prefilter {
	uint64_t	*starts;	/* 65536 bits: a literal starts with
					 * three bytes of this pf_start();
					 * NULL until a literal is added */
	int32_t		*heads;		/* PF_BUCKETS, -1 = empty */
	struct pf_entry	*entries;
	size_t		 nentries, centries;	/* used, allocated */
	struct pf_target *targets;
	size_t		 ntargets, ctargets;
	struct buf	 pool;		/* the literals, back to back */
	unsigned char	*need;		/* need[slot]: a bit per group of the
					 * alternative's literals */
	size_t		*rule_of;	/* rule_of[slot] */
	size_t		 nslots, cslots;
	unsigned char	*has;		/* has[rule]: it has slots */
	size_t		 nhas;
};

static inline unsigned
pf_start(const unsigned char *s)
{
	return ((unsigned)s[0] << 8 ^ (unsigned)s[1] << 4 ^ s[2] ^
	    (unsigned)s[2] << 12) & 0xFFFF;
}

static inline unsigned
pf_hash(const unsigned char *s)
{
	return ((unsigned)s[0] * 961u + (unsigned)s[1] * 31u + s[2]) &
	    (PF_BUCKETS - 1);
}

/* The n < 8 or first 8 bytes of s as one word, the others zero: one
 * comparison then rejects a literal that merely shares the bucket or its
 * first three bytes, where a call to memcmp costs a mispredicted branch. */
static inline uint64_t
pf_load(const unsigned char *s, size_t n)
{
	unsigned char b[8] = { 0 };
	uint64_t w;

	memcpy(b, s, n < 8 ? n : 8);
	memcpy(&w, b, 8);
	return w;
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
	free(pf->starts);
	free(pf->heads);
	free(pf->entries);
	free(pf->targets);
	buf_free(&pf->pool);
	free(pf->need);
	free(pf->rule_of);
	free(pf->has);
	free(pf);
}

/* 1 if lits can be added: some groups, few enough, none too short. */
static int
pf_usable(const struct literals *lits)
{
	if (lits->n == 0 || lits->ngroups > PF_MAX_GROUPS)
		return 0;
	for (size_t i = 0; i < lits->n; i++)
		if (strlen(lits->items[i]) < LITERALS_MIN_LEN ||
		    lits->group[i] >= lits->ngroups)
			return 0;
	return 1;
}

/*
 * A signature of each group of alts[0..n): the sum of a hash of each of
 * its strings, whatever their order.  Two groups with the same strings
 * have the same signature, so groups are compared string by string only
 * when their signatures are equal.  mask[k] has a bit for each signature
 * of alternative k: when y's has a bit x's lacks, a group of y is none
 * of x's.
 */
static void
pf_signatures(const struct literals *alts, size_t n,
    uint64_t (*sig)[PF_MAX_GROUPS], uint64_t *mask)
{
	for (size_t k = 0; k < n; k++) {
		memset(sig[k], 0, sizeof(sig[k]));
		for (size_t i = 0; i < alts[k].n; i++)
			sig[k][alts[k].group[i]] += strhash(
			    alts[k].items[i]);
		mask[k] = 0;
		for (size_t g = 0; g < alts[k].ngroups; g++)
			mask[k] |= (uint64_t)1 << (sig[k][g] % 64);
	}
}

/* 1 if group g of a and group h of b hold the same strings. */
static int
pf_same_group(const struct literals *a, unsigned g, const struct literals *b,
    unsigned h)
{
	size_t na = 0, nb = 0;

	for (size_t i = 0; i < a->n; i++)
		na += a->group[i] == g;
	for (size_t j = 0; j < b->n; j++)
		nb += b->group[j] == h;
	if (na != nb)
		return 0;
	for (size_t i = 0; i < a->n; i++) {
		size_t j = 0;

		if (a->group[i] != g)
			continue;
		while (j < b->n && (b->group[j] != h ||
		    strcmp(a->items[i], b->items[j]) != 0))
			j++;
		if (j == b->n)
			return 0;
	}
	return 1;
}

/* 1 if every group of y is one of x: a text x allows, y allows too.
 * sx and sy are their signatures. */
static int
pf_implied(const struct literals *x, const uint64_t *sx,
    const struct literals *y, const uint64_t *sy)
{
	for (unsigned h = 0; h < y->ngroups; h++) {
		unsigned g = 0;

		while (g < x->ngroups && (sx[g] != sy[h] ||
		    !pf_same_group(y, h, x, g)))
			g++;
		if (g == x->ngroups)
			return 0;
	}
	return 1;
}

/* Adds str (a string of group `bit` of alternative `slot`) to the
 * entries, once. */
static void
pf_add_string(struct prefilter *pf, const char *str, size_t slot,
    unsigned char bit)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len = strlen(str);
	unsigned h = pf_hash(s), start = pf_start(s);
	struct pf_target *t;
	int32_t k;

	for (k = pf->heads[h]; k >= 0; k = pf->entries[k].next)
		if (pf->entries[k].len == len && memcmp(pf->pool.data +
		    pf->entries[k].off, s, len) == 0)
			break;
	if (k < 0) {
		struct pf_entry *e;

		if (pf->nentries == PREFILTER_MAX_STRINGS)
			return;		/* never: prefilter_add_any checks */
		if (pf->nentries == pf->centries) {
			pf->centries = pf->centries ? 2 * pf->centries : 64;
			pf->entries = xrealloc(pf->entries, pf->centries *
			    sizeof(*pf->entries));
		}
		e = &pf->entries[pf->nentries];
		e->head = pf_load(s, len);
		e->mask = pf_load((const unsigned char *)"\377\377\377\377"
		    "\377\377\377\377", len);
		e->off = pf->pool.len;
		e->len = len;
		e->next = pf->heads[h];
		e->target = -1;
		k = (int32_t)pf->nentries++;
		pf->heads[h] = k;
		pf->starts[start / 64] |= (uint64_t)1 << (start % 64);
		buf_add(&pf->pool, s, len);
	}
	if (pf->ntargets == pf->ctargets) {
		pf->ctargets = pf->ctargets ? 2 * pf->ctargets : 64;
		pf->targets = xrealloc(pf->targets, pf->ctargets *
		    sizeof(*pf->targets));
	}
	t = &pf->targets[pf->ntargets];
	t->slot = slot;
	t->bit = bit;
	t->next = pf->entries[k].target;
	pf->entries[k].target = (int32_t)pf->ntargets++;
}

static void
pf_add_slot(struct prefilter *pf, size_t rule, const struct literals *lits)
{
	size_t slot = pf->nslots++;

	if (pf->nslots > pf->cslots) {
		pf->cslots = pf->cslots ? 2 * pf->cslots : 16;
		pf->need = xrealloc(pf->need, pf->cslots);
		pf->rule_of = xrealloc(pf->rule_of, pf->cslots *
		    sizeof(*pf->rule_of));
	}
	pf->need[slot] = (unsigned char)((1u << lits->ngroups) - 1);
	pf->rule_of[slot] = rule;
	for (size_t i = 0; i < lits->n; i++)
		pf_add_string(pf, lits->items[i], slot, (unsigned char)(1u <<
		    lits->group[i]));
}

void
prefilter_add(struct prefilter *pf, size_t rule, const struct literals *lits)
{
	prefilter_add_any(pf, rule, lits, 1);
}

void
prefilter_add_any(struct prefilter *pf, size_t rule,
    const struct literals *alts, size_t n)
{
	uint64_t sig[PREFILTER_MAX_ALTS][PF_MAX_GROUPS];
	uint64_t mask[PREFILTER_MAX_ALTS];
	size_t strings = 0;

	if (n == 0 || n > PREFILTER_MAX_ALTS || prefilter_has(pf, rule) ||
	    pf->nslots + n > PREFILTER_MAX_SLOTS)
		return;
	for (size_t k = 0; k < n; k++) {
		if (!pf_usable(&alts[k]))
			return;
		strings += alts[k].n;
	}
	if (pf->nentries + strings > PREFILTER_MAX_STRINGS)
		return;
	if (pf->heads == NULL) {
		pf->starts = xcalloc(65536 / 64, sizeof(*pf->starts));
		pf->heads = xmalloc(PF_BUCKETS * sizeof(*pf->heads));
		for (size_t b = 0; b < PF_BUCKETS; b++)
			pf->heads[b] = -1;
	}
	if (rule >= pf->nhas) {
		pf->has = xrealloc(pf->has, rule + 1);
		memset(pf->has + pf->nhas, 0, rule + 1 - pf->nhas);
		pf->nhas = rule + 1;
	}
	pf->has[rule] = 1;
	/* An alternative another one implies adds only work to the scan:
	 * of two that imply each other, the first is kept. */
	pf_signatures(alts, n, sig, mask);
	for (size_t k = 0; k < n; k++) {
		size_t j = 0;

		while (j < n && (j == k || (mask[j] & ~mask[k]) != 0 ||
		    !pf_implied(&alts[k], sig[k], &alts[j], sig[j]) ||
		    (j > k && pf_implied(&alts[j], sig[j], &alts[k],
		    sig[k]))))
			j++;
		if (j == n)
			pf_add_slot(pf, rule, &alts[k]);
	}
}

int
prefilter_has(const struct prefilter *pf, size_t rule)
{
	return rule < pf->nhas && pf->has[rule] != 0;
}

size_t
prefilter_alternatives(const struct prefilter *pf)
{
	return pf->nslots;
}

size_t
prefilter_strings(const struct prefilter *pf)
{
	return pf->nentries;
}

void
prefilter_scan(const struct prefilter *pf, const char *folded, size_t len,
    unsigned char *may, size_t nrules)
{
	const unsigned char *t = (const unsigned char *)folded;
	unsigned char found[PREFILTER_MAX_SLOTS];
	unsigned char seen[PREFILTER_MAX_STRINGS];
	size_t left = 0;

	/* found[slot] gathers the bits of the groups found; may[i] is 1
	 * once one of rule i's slots has them all. */
	memset(may, 0, nrules);
	memset(found, 0, pf->nslots);
	memset(seen, 0, pf->nentries);
	for (size_t i = 0; i < nrules; i++)
		left += prefilter_has(pf, i);
	for (size_t p = 0; left > 0 && p + LITERALS_MIN_LEN <= len; p++) {
		unsigned start = pf_start(t + p);
		uint64_t w;
		int32_t k, j;

		if (!(pf->starts[start / 64] & ((uint64_t)1 << (start % 64))))
			continue;
		w = pf_load(t + p, len - p);
		for (k = pf->heads[pf_hash(t + p)]; k >= 0;
		    k = pf->entries[k].next) {
			const struct pf_entry *e = &pf->entries[k];

			/* Past the text's end w holds zeros, which no literal
			 * has (a folded text has no NUL): the length test
			 * can come after. */
			if (seen[k] || (w & e->mask) != e->head ||
			    e->len > len - p || (e->len > 8 && memcmp(
			    pf->pool.data + e->off + 8, t + p + 8,
			    e->len - 8) != 0))
				continue;
			seen[k] = 1;
			for (j = e->target; j >= 0; j = pf->targets[j].next) {
				const struct pf_target *g = &pf->targets[j];
				size_t rule = pf->rule_of[g->slot];

				if (rule >= nrules || may[rule])
					continue;
				found[g->slot] |= g->bit;
				if (found[g->slot] == pf->need[g->slot]) {
					may[rule] = 1;
					left--;
				}
			}
		}
	}
	for (size_t i = 0; i < nrules; i++)
		may[i] = !prefilter_has(pf, i) || may[i];
}
