/*
 * test_prefilter.c — the literal prefilter of the rules (literals.c,
 * casefold.c, prefilter.c, rules_scan()) never rules out a rule that
 * matches.
 *
 * Three proofs.  The fold: for every character whose fold casefold.h
 * calls known, every code point PCRE2 matches with it caselessly (found
 * by PCRE2 itself over all of Unicode) folds to the same bytes.  The
 * derivation: the literals of chosen patterns, exactly.  The whole: every
 * shipped rule (kind, themes, auto, reply) run on the mails of the bench
 * corpus (scripts/bench/corpus.py) and on every fixture of tests/data,
 * also upper-cased and spelt with the Unicode look-alikes (KELVIN SIGN,
 * LONG S...), matches only where the scan allowed it; classify_run()
 * gives the same kind, themes and commune with the prefilter and without;
 * and reply_extract_ex() the same new text and cut with it and without,
 * on the same texts, the bench's replies and wrapped quote headers whose
 * literal spans the lines joined.
 * Run from the project root, as tests/run.sh does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "parse/branches.h"
#include "parse/casefold.h"
#include "parse/classify.h"
#include "parse/commune_any.h"
#include "parse/literals.h"
#include "parse/message.h"
#include "parse/reply.h"
#include "parse/rules.h"
#include "tap.h"
#include "testutil.h"

#define RULES_DIR	"config/rules"
#define BENCH_MAILS	120		/* of scripts/bench/corpus.py */
#define BENCH_REPLIES	40
#define TEXT_MAX	(64 * 1024)	/* as classify.c reads */

/* Sentences of each kind, as people write them (the mails of the bench
 * are all requests). */
static const char *const sentences[] = {
	"Bonjour, je souhaiterais devenir bénévole dans votre réseau.",
	"J'aimerais vraiment être personne ressource pour l'énergie.",
	"Comment devenir bénévole ?",
	"Je serais ravie de donner un coup de main le samedi.",
	"Je voudrais vous signaler une initiative à Ambert.",
	"Mon voisin a un beau projet de verger partagé.",
	"Je connais une association qui mériterait d'être soutenue.",
	"Pour vous désabonner de cette newsletter, cliquez ici.",
	"Si ce message ne s'affiche pas correctement, voir en ligne.",
	"Candidature spontanée : vous trouverez ci-joint mon CV.",
	"Communiqué de presse : inauguration de la chaufferie bois.",
	"Devis gratuit et sans engagement de votre part !",
};

/* Replies whose quote header a client wrapped: the literal of its rule
 * ("ha scritto", "đã viết") is only whole in the lines joined. */
static const char *const wrapped[] = {
	"Va bene, grazie.\n\nIl giorno lun 3 giu 2024 alle ore 10:12 Mario "
	"Rossi <mario@example.it> ha\nscritto:\n> Buongiorno\n",
	"Merci, c'est noté.\n\nLe lun. 3 juin 2024 à 10:12, Marie Dupont "
	"<marie@example.fr> a\nécrit :\n> Bonjour\n",
	"OK\n\nVào Th 2, 3 thg 6, 2024 lúc 10:12 Minh <minh@example.vn> đã\n"
	"viết:\n> Xin chào\n",
	"Thanks!\n\nOn Mon, Jun 3, 2024 at 10:12 AM Jane Doe\n"
	"<jane@example.com> wrote:\n> Hello\n",
};

struct corpus {
	char	**texts;
	size_t	  n;
};

static void
corpus_add(struct corpus *c, const char *s, size_t len)
{
	if (len > TEXT_MAX)
		len = TEXT_MAX;
	c->texts = xrealloc(c->texts, (c->n + 1) * sizeof(*c->texts));
	c->texts[c->n++] = xstrndup(s, len);
}

static void
corpus_free(struct corpus *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->texts[i]);
	free(c->texts);
}

/* The subject, the text and the new text of a mail, as classify reads
 * them. */
static void
corpus_mail(struct corpus *c, const struct rules *reply, const char *raw,
    size_t len)
{
	struct message *m;
	char err[256], *r;

	if (message_parse(raw, len, &m, err, sizeof(err)) != 0)
		return;
	if (m->subject)
		corpus_add(c, m->subject, strlen(m->subject));
	corpus_add(c, m->text, strlen(m->text));
	if (reply_extract(reply, m->text, strlen(m->text), &r) == 0) {
		corpus_add(c, r, strlen(r));
		free(r);
	}
	message_free(m);
}

/* Every file `cmd` lists: a mail (.eml) or a text. */
static void
corpus_files(struct corpus *c, const struct rules *reply, const char *cmd)
{
	char path[1024];
	FILE *p = popen(cmd, "r");

	if (p == NULL) {
		perror(cmd);
		exit(1);
	}
	while (fgets(path, sizeof(path), p)) {
		size_t len;
		char *data;

		path[strcspn(path, "\n")] = '\0';
		if ((data = read_file(path, &len)) == NULL)
			continue;
		len = strlen(data) < len ? strlen(data) : len;
		if (strstr(path, ".eml") != NULL)
			corpus_mail(c, reply, data, len);
		else
			corpus_add(c, data, len);
		free(data);
	}
	pclose(p);
}

/*
 * Text s spelt otherwise, as PCRE2 still matches it caselessly: upper
 * case (ASCII, Latin-1, œ, ÿ), or with the look-alikes Unicode gives
 * some letters (k, s, å, ß).
 */
static char *
respell(const char *s, int lookalikes)
{
	const unsigned char *p = (const unsigned char *)s;
	struct buf b;

	buf_init(&b, 0);
	while (*p) {
		if (lookalikes && (*p == 'k' || *p == 'K'))
			buf_adds(&b, "\xE2\x84\xAA"), p++;
		else if (lookalikes && (*p == 's' || *p == 'S'))
			buf_adds(&b, "\xC5\xBF"), p++;
		else if (lookalikes && p[0] == 0xC3 && p[1] == 0xA5)
			buf_adds(&b, "\xE2\x84\xAB"), p += 2;
		else if (lookalikes && p[0] == 0xC3 && p[1] == 0x9F)
			buf_adds(&b, "\xE1\xBA\x9E"), p += 2;
		else if (!lookalikes && *p >= 'a' && *p <= 'z')
			buf_addc(&b, (char)(*p++ - 0x20));
		else if (!lookalikes && p[0] == 0xC3 && p[1] >= 0xA0 &&
		    p[1] <= 0xBE && p[1] != 0xB7) {
			buf_addc(&b, (char)0xC3);
			buf_addc(&b, (char)(p[1] - 0x20));
			p += 2;
		} else if (!lookalikes && p[0] == 0xC3 && p[1] == 0xBF)
			buf_adds(&b, "\xC5\xB8"), p += 2;
		else if (!lookalikes && p[0] == 0xC5 && p[1] == 0x93)
			buf_adds(&b, "\xC5\x92"), p += 2;
		else
			buf_addc(&b, (char)*p++);
	}
	return buf_steal(&b);
}

/* Adds the two respellings of every text so far. */
static void
corpus_respell(struct corpus *c)
{
	size_t n = c->n;

	for (size_t i = 0; i < n; i++)
		for (int look = 0; look <= 1; look++) {
			char *t = respell(c->texts[i], look);

			corpus_add(c, t, strlen(t));
			free(t);
		}
}

/*
 * Every rule of r that matches a text of c was allowed by the scan of
 * that text; and the scan ruled out some rule somewhere (it works).
 */
static void
check_sound(const char *name, const struct rules *r, const struct corpus *c)
{
	size_t wrong = 0, matched = 0, ruled_out = 0, n = rules_count(r);
	unsigned char *may = xmalloc(n ? n : 1);
	char msg[256];
	struct buf f;

	buf_init(&f, 0);
	for (size_t t = 0; t < c->n; t++) {
		const char *s = c->texts[t];

		buf_reset(&f);
		casefold_text(s, strlen(s), &f);
		rules_scan(r, buf_str(&f), f.len, may);
		for (size_t i = 0; i < n; i++) {
			int m = rules_match(r, i, s, strlen(s), NULL,
			    NULL) == 1;

			matched += m;
			ruled_out += !may[i];
			if (m && !may[i] && wrong++ < 5)
				printf("#   %s line %d ruled out on text %zu "
				    "(%.60s)\n", name, rules_line(r, i), t, s);
		}
	}
	snprintf(msg, sizeof(msg), "%s: no rule that matches is ruled out "
	    "(%zu texts, %zu matches)", name, c->n, matched);
	is_int(wrong, 0, msg);
	snprintf(msg, sizeof(msg), "%s: the scan rules some out", name);
	ok(ruled_out > 0 && matched > 0, msg);
	buf_free(&f);
	free(may);
}

/* classify_run() with and without the prefilter: the same results. */
static void
check_classify(struct classify *c, const struct corpus *mails)
{
	size_t differ = 0;

	for (size_t t = 0; t < mails->n; t++) {
		const char *sub = mails->texts[t];
		const char *text = mails->texts[(t + 1) % mails->n];
		struct classify_result a, b;
		char *ja, *jb;

		classify_prefilter(c, 1);
		classify_run(c, sub, text, &a);
		classify_prefilter(c, 0);
		classify_run(c, sub, text, &b);
		ja = classify_themes_json(&a);
		jb = classify_themes_json(&b);
		if (strcmp(a.kind, b.kind) != 0 || strcmp(ja, jb) != 0 ||
		    strcmp(a.commune ? a.commune : "", b.commune ?
		    b.commune : "") != 0) {
			if (differ++ < 5)
				printf("#   %s %s %s, unfiltered %s %s %s\n",
				    a.kind, ja, a.commune ? a.commune : "-",
				    b.kind, jb, b.commune ? b.commune : "-");
		}
		free(ja);
		free(jb);
		classify_result_free(&a);
		classify_result_free(&b);
	}
	classify_prefilter(c, 1);
	is_int(differ, 0, "classify_run: same kind, themes and commune with "
	    "the prefilter as without, each text as subject and as text");
}

/*
 * Every name of communes.txt, in a sentence as written, upper-cased,
 * with look-alikes, with blanks for hyphens and "St" for "Saint": the
 * scan of the excerpt the pattern of all names found leaves the name's
 * own rule, so classify_run() finds the same commune with the prefilter
 * as without, and the name itself where it is written as it is.
 */
static void
check_communes(struct classify *c)
{
	FILE *f = fopen(RULES_DIR "/communes.txt", "re");
	size_t names = 0, itself = 0, differ = 0;
	char line[512];
	struct buf t;

	buf_init(&t, 0);
	while (f != NULL && fgets(line, sizeof(line), f)) {
		char *forms[5];

		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		names++;
		buf_reset(&t);
		buf_printf(&t, "Rendez-vous à %s demain.", line);
		forms[0] = xstrdup(buf_str(&t));
		forms[1] = respell(forms[0], 0);
		forms[2] = respell(forms[0], 1);
		forms[3] = xstrdup(forms[0]);
		for (char *p = forms[3] + 12; *p; p++)
			if (*p == '-')
				*p = ' ';
		buf_reset(&t);
		buf_printf(&t, "Rendez-vous à %s%s demain.",
		    strncmp(line, "Saint", 5) == 0 ? "St" : "",
		    strncmp(line, "Saint", 5) == 0 ? line + 5 : line);
		forms[4] = xstrdup(buf_str(&t));
		for (int k = 0; k < 5; k++) {
			struct classify_result a, b;

			classify_prefilter(c, 1);
			classify_run(c, NULL, forms[k], &a);
			classify_prefilter(c, 0);
			classify_run(c, NULL, forms[k], &b);
			itself += k == 0 && a.commune != NULL &&
			    strcmp(a.commune, line) == 0;
			if (strcmp(a.commune ? a.commune : "", b.commune ?
			    b.commune : "") != 0 && differ++ < 5)
				printf("#   %s: %s, unfiltered %s\n", forms[k],
				    a.commune ? a.commune : "-", b.commune ?
				    b.commune : "-");
			classify_result_free(&a);
			classify_result_free(&b);
			free(forms[k]);
		}
	}
	if (f != NULL)
		fclose(f);
	classify_prefilter(c, 1);
	buf_free(&t);
	is_int(differ, 0, "communes: the same commune with the prefilter as "
	    "without, every name in five spellings");
	ok(names > 100 && itself == names, "communes: each name written as "
	    "it is is found");
}

/* reply_extract_ex() with rules `pf` (prefiltered) and `all` (not): the
 * same new text, cut, line and rule on every text, with signatures cut
 * and kept. */
static void
check_reply(const struct rules *pf, const struct rules *all,
    const struct corpus *c)
{
	size_t differ = 0, cuts = 0;

	for (size_t t = 0; t < c->n; t++)
		for (unsigned flags = 0; flags <= REPLY_KEEP_SIGNATURE;
		    flags += REPLY_KEEP_SIGNATURE) {
			const char *s = c->texts[t];
			struct reply_info a, b;
			char *ra = NULL, *rb = NULL;
			int ea, eb;

			ea = reply_extract_ex(pf, s, strlen(s), flags, &ra,
			    &a);
			eb = reply_extract_ex(all, s, strlen(s), flags, &rb,
			    &b);
			cuts += eb == 0 && b.cut_by != NULL;
			if (ea != eb || (ea == 0 && (strcmp(ra, rb) != 0 ||
			    strcmp(a.cut_by ? a.cut_by : "", b.cut_by ?
			    b.cut_by : "") != 0 || a.cut_line != b.cut_line ||
			    a.rule_line != b.rule_line))) {
				if (differ++ < 5)
					printf("#   text %zu (%.60s): cut by %s "
					    "line %d, unfiltered %s line %d\n",
					    t, s, a.cut_by ? a.cut_by : "-",
					    a.cut_line, b.cut_by ? b.cut_by :
					    "-", b.cut_line);
			}
			free(ra);
			free(rb);
		}
	is_int(differ, 0, "reply_extract_ex: same new text and cut with the "
	    "prefilter as without, signatures cut and kept");
	ok(cuts > c->n / 4, "reply_extract_ex: the texts cut somewhere");
}

/* Each wrapped header is cut where its rule says, with the prefilter. */
static void
check_wrapped(const struct rules *pf)
{
	for (size_t i = 0; i < sizeof(wrapped) / sizeof(wrapped[0]); i++) {
		struct reply_info info;
		char *r = NULL, name[100];
		const char *nl = strchr(wrapped[i], '\n');

		reply_extract_ex(pf, wrapped[i], strlen(wrapped[i]), 0, &r,
		    &info);
		snprintf(name, sizeof(name), "wrapped header %zu: only the "
		    "new text is kept", i);
		is_str(r ? r : "", i == 0 ? "Va bene, grazie." :
		    i == 1 ? "Merci, c'est noté." : i == 2 ? "OK" : "Thanks!",
		    name);
		snprintf(name, sizeof(name), "wrapped header %zu: cut by a "
		    "quote_header at line 3", i);
		ok(nl != NULL && info.cut_by != NULL &&
		    strcmp(info.cut_by, "quote_header") == 0 &&
		    info.cut_line == 3, name);
		free(r);
	}
}

/* The UTF-8 encoding of cp into out (4 bytes at most); its length. */
static size_t
utf8_put(unsigned cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* The pattern that matches code point cp alone (caselessly). */
static void
char_pattern(unsigned cp, struct buf *pat)
{
	char u[4];

	if (cp < 0x80 && !((cp >= 'a' && cp <= 'z') || (cp >= 'A' &&
	    cp <= 'Z') || (cp >= '0' && cp <= '9')))
		buf_printf(pat, "\\x{%X}", cp);	/* blanks, syntax */
	else
		buf_add(pat, u, utf8_put(cp, u));
}

/*
 * For every known character c and every code point x PCRE2 matches with
 * c caselessly, the folds of c and x are the same bytes.  The candidates
 * x are found first by one class of all the known characters scanned
 * over every code point, then each is tried against each c.
 */
static void
test_fold_exact(void)
{
	struct rules *any = NULL, *each = NULL;
	struct buf all, text, fx, fc;
	unsigned *known = NULL, *cand = NULL;
	size_t nknown = 0, ncand = 0, pairs = 0, wrong = 0, kelvin = 0;
	size_t off = 0, start, end;
	char err[1024], u[4];

	buf_init(&all, 0);
	buf_init(&text, 0);
	buf_init(&fx, 0);
	buf_init(&fc, 0);
	for (unsigned cp = 0; cp < 0x3000; cp++)
		if (casefold_known(cp)) {
			known = xrealloc(known, (nknown + 1) *
			    sizeof(*known));
			known[nknown++] = cp;
		}
	buf_adds(&text, "any [");
	for (size_t i = 0; i < nknown; i++)
		char_pattern(known[i], &text);
	buf_adds(&text, "]\n");
	for (size_t i = 0; i < nknown; i++) {
		buf_adds(&text, "c ");
		char_pattern(known[i], &text);
		buf_addc(&text, '\n');
	}
	if (rules_load_text("fold", buf_str(&text), 1, &any, err,
	    sizeof(err)) != 0) {
		printf("# %s\n", err);
		exit(1);
	}
	each = any;
	/* Every code point but the surrogates, one after the other. */
	for (unsigned cp = 1; cp <= 0x10FFFF; cp++)
		if (cp < 0xD800 || cp > 0xDFFF)
			buf_add(&all, u, utf8_put(cp, u));
	while (off < all.len && rules_match(any, 0, all.data + off,
	    all.len - off, &start, &end) == 1) {
		unsigned cp = 0;
		size_t n = end - start;
		const unsigned char *q = (const unsigned char *)all.data +
		    off + start;

		cp = n == 1 ? q[0] : n == 2 ? (q[0] & 0x1Fu) << 6 |
		    (q[1] & 0x3Fu) : n == 3 ? (q[0] & 0x0Fu) << 12 |
		    (q[1] & 0x3Fu) << 6 | (q[2] & 0x3Fu) : (q[0] & 0x07u) <<
		    18 | (q[1] & 0x3Fu) << 12 | (q[2] & 0x3Fu) << 6 |
		    (q[3] & 0x3Fu);
		cand = xrealloc(cand, (ncand + 1) * sizeof(*cand));
		cand[ncand++] = cp;
		off += end;
	}
	for (size_t j = 0; j < ncand; j++) {
		size_t nx = utf8_put(cand[j], u);

		buf_reset(&fx);
		casefold_text(u, nx, &fx);
		for (size_t i = 0; i < nknown; i++) {
			char uc[4];
			size_t nc;

			if (rules_match(each, i + 1, u, nx, NULL, NULL) != 1)
				continue;
			pairs++;
			kelvin += cand[j] == 0x212A && known[i] == 'k';
			nc = utf8_put(known[i], uc);
			buf_reset(&fc);
			casefold_text(uc, nc, &fc);
			if (fx.len != fc.len || memcmp(fx.data, fc.data,
			    fx.len) != 0) {
				if (wrong++ < 5)
					printf("#   U+%04X matches U+%04X "
					    "caselessly, folds differ\n",
					    cand[j], known[i]);
			}
		}
	}
	is_int(wrong, 0, "fold: every code point PCRE2 matches caselessly "
	    "with a known character folds as it does");
	ok(pairs > nknown && kelvin == 1, "fold: the check saw the case "
	    "pairs, KELVIN SIGN with k among them");
	is_int(nknown, 95 + 62 + 4, "fold: ASCII, Latin-1 letters, "
	    "Œ œ Ÿ and ’ are known");
	rules_free(any);
	free(known);
	free(cand);
	buf_free(&all);
	buf_free(&text);
	buf_free(&fx);
	buf_free(&fc);
}

/*
 * reply.rules matches its Chinese, Korean and Japanese words with (?-i:),
 * which lets PCRE2 turn away at once a line without them: the same
 * matches only if none of their characters has a case.  Each matched
 * caselessly over every code point is found once, itself.
 */
static void
test_caseless_cjk(void)
{
	static const char words[] = "写道寫작성のメッセージ";
	const unsigned char *w = (const unsigned char *)words;
	struct buf all, text;
	struct rules *r = NULL;
	size_t n = 0, wrong = 0;
	char err[1024], u[4];

	buf_init(&all, 0);
	buf_init(&text, 0);
	for (size_t i = 0; i + 3 <= sizeof(words) - 1; i += 3) {
		buf_adds(&text, "c ");
		buf_add(&text, w + i, 3);
		buf_addc(&text, '\n');
	}
	if (rules_load_text("cjk", buf_str(&text), 1, &r, err,
	    sizeof(err)) != 0) {
		printf("# %s\n", err);
		exit(1);
	}
	for (unsigned cp = 1; cp <= 0x10FFFF; cp++)
		if (cp < 0xD800 || cp > 0xDFFF)
			buf_add(&all, u, utf8_put(cp, u));
	for (size_t i = 0; i < rules_count(r); i++) {
		size_t off = 0, start, end, found = 0;

		while (off < all.len && rules_match(r, i, all.data + off,
		    all.len - off, &start, &end) == 1) {
			found++;
			if (end - start != 3 || memcmp(all.data + off + start,
			    w + 3 * i, 3) != 0)
				wrong++;
			off += end;
		}
		wrong += found != 1;
		n++;
	}
	is_int(n, 11, "cjk: the characters of reply.rules' words read");
	is_int(wrong, 0, "cjk: each matches caselessly only itself");
	rules_free(r);
	buf_free(&all);
	buf_free(&text);
}

/* The literals of pattern are want: the strings of a group joined by
 * '|', the groups by " & " ("" for none). */
static void
check_literals(const char *pattern, const char *want)
{
	struct literals l;
	struct buf got;
	char name[300];

	literals_derive(pattern, &l);
	buf_init(&got, 0);
	for (size_t i = 0; i < l.n; i++)
		buf_printf(&got, "%s%s", i == 0 ? "" : l.group[i] !=
		    l.group[i - 1] ? " & " : "|", l.items[i]);
	snprintf(name, sizeof(name), "literals of %.200s", pattern);
	is_str(buf_str(&got), want, name);
	buf_free(&got);
	literals_free(&l);
}

static void
test_derive(void)
{
	check_literals("\\b(?:se|vous|me)\\s+d[ée]sabonner\\b",
	    "désabonner|desabonner");
	check_literals("(?<!chauffe-)(?<!chauffe\\s)\\beaux?\\b(?!-de-vie)",
	    "eau");
	check_literals("\\btrains?\\b(?!\\s+(?:de|d['’])\\b)", "train");
	check_literals("\\b(?:je|j['’])\\s*(?:peux|veux)\\s+aider",
	    "peux|veux & aider");
	check_literals("\\b(?:mon|ton)\\s+voisin\\s+(?:a|porte)\\s+un\\s+"
	    "projet", "mon|ton & voisin & projet");
	check_literals("personnes?[- ]ressources?", "personnes-ressource|"
	    "personnes ressource|personne-ressource|personne ressource");
	check_literals("\\b(?:tiers-?lieux?|tiers\\s+lieux?)\\b", "tiers");
	check_literals("ÉLAN|Straße|ŒUVRE", "élan|straße|œuvre");
	check_literals("(?-i:ESS)|Kilo", "ess|kilo");
	check_literals("(?:abc)+x|(?:def){2,}", "abc|def");
	check_literals("[^x]abc[a-z]+\\d\\.com", "abc & .com");
	check_literals("(?|abc|abd)", "abc|abd");
	check_literals("(?<n>wxyz)\\s(?P<m>uv)", "wxyz");
	check_literals("(?#note)abcd", "abcd");
	check_literals("[ée]t[ée]", "été|éte|eté|ete");
	/* None: a branch without a literal, one too short, or syntax the
	 * reader does not know. */
	check_literals("abc|(?:def)?", "");
	check_literals("abc|de", "");
	check_literals("(?:abc)*", "");
	check_literals("a{3}", "");
	check_literals("\\x{41}bcd", "");
	check_literals("\\Qab\\Ecdef", "");
	check_literals("(?x) a b c d", "");
	check_literals("(*UTF)abcd", "");
	check_literals("(abc)\\1", "");
	check_literals("(?(1)abc|def)", "");
	check_literals("ab(?R)?cd", "");
	check_literals("µabc|µdef", "abc|def");
	/* A literal holding another of its group is left out. */
	check_literals("\\b(?:projets?|leprojet|projet)\\b", "projet");
	check_literals("(?:xabcx|abcd|abce)", "xabcx|abcd|abce");
	check_literals("(?:abcd|abc|zabc)", "abc");
}

/* The alternatives of pattern are want, joined by " || ". */
static void
check_branches(const char *pattern, const char *want)
{
	char **b, name[300];
	size_t n = branches_expand(pattern, &b);
	struct buf got;

	buf_init(&got, 0);
	for (size_t i = 0; i < n; i++)
		buf_printf(&got, "%s%s", i ? " || " : "", b[i]);
	snprintf(name, sizeof(name), "alternatives of %.200s", pattern);
	is_str(buf_str(&got), want, name);
	buf_free(&got);
	branches_free(b, n);
}

/* Rule `pattern` alone: whether the scan allows it on text. */
static int
scan_allows(const char *pattern, const char *text)
{
	struct rules *r = NULL;
	unsigned char may = 1;
	char *line = xasprintf("r %s\n", pattern), err[512];
	struct buf f;

	if (rules_load_text("t", line, 0, &r, err, sizeof(err)) != 0) {
		printf("# %s\n", err);
		exit(1);
	}
	rules_prefilter(r);
	buf_init(&f, 0);
	casefold_text(text, strlen(text), &f);
	rules_scan(r, buf_str(&f), f.len, &may);
	buf_free(&f);
	rules_free(r);
	free(line);
	return may;
}

static void
test_alternatives(void)
{
	static const char *const alt = "\\b(?:personnes?\\s+(?:âgées|"
	    "isolées)|centres?\\s+sociaux|des\\s+voisins)\\b";
	char many[400];
	struct buf p;

	check_branches("ab|cd", "ab || cd");
	check_branches("\\b(?:foo|bar)\\s+baz", "\\bfoo\\s+baz || "
	    "\\bbar\\s+baz");
	check_branches("x(?:a(?:b|c)|d)y", "xaby || xacy || xdy");
	check_branches("[|)]a(?:b|c)", "[|)]ab || [|)]ac");
	check_branches("[]|]a(?:b|c)", "[]|]ab || []|]ac");
	check_branches("(?#a|b)(?:c|d)", "(?#a|b)c || (?#a|b)d");
	/* Left whole: quantified, an assertion, a capturing group, syntax
	 * that hides the structure. */
	check_branches("(?:ab|cd)+x", "(?:ab|cd)+x");
	check_branches("(?=ab|cd)x", "(?=ab|cd)x");
	check_branches("(ab|cd)x", "(ab|cd)x");
	check_branches("\\Q(|\\E(?:a|b)", "\\Q(|\\E(?:a|b)");
	check_branches("(?x)(?:a|b)", "(?x)(?:a|b)");
	check_branches("[[:alpha:]](?:a|b)", "[[:alpha:]](?:a|b)");
	buf_init(&p, 0);
	buf_adds(&p, "(?:");
	for (int i = 0; i <= BRANCHES_MAX; i++)
		buf_printf(&p, "%sw%d", i ? "|" : "", i);
	buf_adds(&p, ")");
	snprintf(many, sizeof(many), "%s", buf_str(&p));
	check_branches(many, many);
	buf_free(&p);
	{
		char **b;
		size_t n = branches_expand("(?:a|b)(?:c|d)(?:e|f)(?:g|h)"
		    "(?:i|j)(?:k|l)", &b);

		ok(n > 1 && n <= BRANCHES_MAX, "alternatives: no more than "
		    "BRANCHES_MAX");
		branches_free(b, n);
	}

	/* Each alternative with all it requires: a text with a word of
	 * each branch but no branch whole is ruled out. */
	is_int(scan_allows(alt, "Une personne seule au centre du bourg."),
	    0, "alternatives: 'personne' and 'centre' without their "
	    "second words: ruled out");
	is_int(scan_allows(alt, "Des PERSONNES ÂGÉES."), 1,
	    "alternatives: a branch whole: allowed");
	is_int(scan_allows(alt, "le centre sociaux"), 1,
	    "alternatives: another branch whole: allowed");
	is_int(scan_allows(alt, "nos voisins"), 0, "alternatives: a "
	    "three-byte word beside a longer one is required too");
	is_int(scan_allows(alt, "DES VOISINS"), 1, "alternatives: both "
	    "words of a branch: allowed");
	is_int(scan_allows("\\b(?:bus|gare)\\b", "un pédibus"), 1,
	    "alternatives: short words alone are still required");
	is_int(scan_allows("\\b(?:bus|gare)\\b", "un vélo"), 0,
	    "alternatives: short words alone: ruled out without them");
}

/* The pattern of all communes gathered by first letter, exactly; a name
 * of another first letter leaves the plain alternation. */
static void
test_commune_any(void)
{
	static const char *const pats[] = {
		"<[aàáâãäå]mbert>", "<(?:saint|st)[-\\s]+x>",
		"<[aàáâãäå]rlanc>", "<s[aàáâãäå]uxill>", "<(?:æ|ae)zy>",
	};
	static const char *const odd[] = { "<b>", "<łódź>" };
	static const size_t order[] = { 0, 1, 2, 3, 4 };
	char *t;

	t = commune_any_text(pats, order, 5, "<", ">", 1);
	is_str(t, "any <(?:(?=[aàáâãäå]|(?:æ|ae))(?:[aàáâãäå]mbert|"
	    "[aàáâãäå]rlanc|(?:æ|ae)zy)|(?=(?:saint|st)|s)(?:(?:saint|st)"
	    "[-\\s]+x|s[aàáâãäå]uxill))>\n", "commune pattern: gathered "
	    "by first letter, names in their order");
	free(t);
	t = commune_any_text(pats, order, 5, "<", ">", 0);
	is_str(t, "any <(?:[aàáâãäå]mbert|(?:saint|st)[-\\s]+x|"
	    "[aàáâãäå]rlanc|s[aàáâãäå]uxill|(?:æ|ae)zy)>\n",
	    "commune pattern: plain");
	free(t);
	t = commune_any_text(odd, order, 2, "<", ">", 1);
	is_str(t, "any <(?:b|łódź)>\n", "commune pattern: a first letter "
	    "of unknown case: plain");
	free(t);
}

int
main(void)
{
	struct rules *sets[4] = { NULL, NULL, NULL, NULL }, *reply_all = NULL;
	static const char *const names[4] = {
		"kind.rules", "themes.rules", "auto.rules", "reply.rules"
	};
	struct corpus mails = { NULL, 0 }, all = { NULL, 0 };
	struct classify *c = NULL;
	char err[8192], cmd[2048];
	size_t with;

	test_fold_exact();
	test_caseless_cjk();
	test_derive();
	test_alternatives();
	test_commune_any();

	for (int i = 0; i < 4; i++) {
		char *path = xasprintf("%s/%s", RULES_DIR, names[i]);

		if (rules_load(path, &sets[i], err, sizeof(err)) != 0) {
			printf("# %s\n", err);
			return 1;
		}
		rules_prefilter(sets[i]);
		free(path);
	}
	if (rules_load(RULES_DIR "/reply.rules", &reply_all, err,
	    sizeof(err)) != 0) {
		printf("# %s\n", err);
		return 1;
	}
	if (classify_load(RULES_DIR, &c, err, sizeof(err)) != 0) {
		printf("# %s\n", err);
		return 1;
	}
	/* Every shipped kind and theme rule has literals: a rule added
	 * without any would run on every mail, unseen. */
	for (int i = 0; i < 2; i++) {
		char msg[200];

		with = 0;
		for (size_t k = 0; k < rules_count(sets[i]); k++)
			with += rules_prefiltered(sets[i], k);
		snprintf(msg, sizeof(msg), "%s: every rule has literals",
		    names[i]);
		is_int(with, rules_count(sets[i]), msg);
	}

	scratch_make("prefilter");
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 scripts/bench/corpus.py "
	    "new '%s' %d pf example.org", scratch, BENCH_MAILS);
	if (system(cmd) != 0) {
		printf("# %s failed\n", cmd);
		return 1;
	}
	/* Replies by token to made-up acknowledgements: new text on top,
	 * the quoted acknowledgement below its header. */
	snprintf(cmd, sizeof(cmd), "for i in 1 2 3; do printf "
	    "'h%%s@example.net\\tack%%s@example.org\\n' $i $i; done "
	    ">'%s/acks' && /usr/bin/python3 scripts/bench/corpus.py replies "
	    "'%s' %d pfr example.org '%s/acks' && rm '%s/acks'", scratch,
	    scratch, BENCH_REPLIES, scratch, scratch);
	if (system(cmd) != 0) {
		printf("# %s failed\n", cmd);
		return 1;
	}
	snprintf(cmd, sizeof(cmd), "find '%s' tests/data -type f | sort",
	    scratch);
	corpus_files(&mails, sets[3], cmd);
	scratch_remove();
	ok(mails.n > 3 * (BENCH_MAILS + BENCH_REPLIES), "corpus: the bench "
	    "mails, its replies and the fixtures read");
	for (size_t i = 0; i < sizeof(wrapped) / sizeof(wrapped[0]); i++)
		corpus_add(&mails, wrapped[i], strlen(wrapped[i]));
	for (size_t i = 0; i < sizeof(sentences) / sizeof(sentences[0]); i++)
		corpus_add(&mails, sentences[i], strlen(sentences[i]));
	for (size_t i = 0; i < mails.n; i++)
		corpus_add(&all, mails.texts[i], strlen(mails.texts[i]));
	corpus_respell(&all);

	check_sound("kind.rules", sets[0], &all);
	check_sound("themes.rules", sets[1], &all);
	check_sound("auto.rules", sets[2], &mails);
	check_sound("reply.rules", sets[3], &mails);
	check_classify(c, &all);
	check_communes(c);
	check_reply(sets[3], reply_all, &all);
	check_wrapped(sets[3]);

	corpus_free(&mails);
	corpus_free(&all);
	classify_free(c);
	for (int i = 0; i < 4; i++)
		rules_free(sets[i]);
	rules_free(reply_all);
	return tap_done();
}
