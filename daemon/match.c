/* match — evaluation of compiled queries over an item, the presearch index
 * over all topics, snippets (see match.h).
 *
 * An item is tokenised once into a doc index: every word of every field in
 * document order (fields one after the other, so a global word number and the
 * field tell positions apart), its distinct words in a hash table with their
 * positions, and the distinct words sorted, so that a prefix is found by
 * binary search. The matcher files each topic under the terms one of which
 * must be in any item it matches; only topics whose terms occur in the item
 * are evaluated. */
#include <string.h>

#include "feedwatch/match.h"
#include "feedwatch/text.h"

/* Spans recorded per leaf of a query at most (a word can occur thousands of times). */
#define FW_MATCH_SPANS_MAX 100

/* ---- string tables: open addressing over a pool of strings ---- */

#define FNV_INIT 2166136261u

/* One step of the FNV-1a hash: incremental, so prefixes hash on the way. */
static inline guint32
fnv_step(guint32 h, guchar c)
{
	return (h ^ c) * 16777619u;
}

/* FNV-1a of s[0..len). */
static guint32
fnv(const char *s, gsize len)
{
	guint32 h = FNV_INIT;

	for (gsize i = 0; i < len; i++)
		h = fnv_step(h, s[i]);
	return h;
}

/* An entry of a string table. */
struct sent {
	guint32 off;        /* of the string (NUL-terminated) in the pool */
	guint32 len;
	guint32 hash;
	guint32 val;        /* the owner's */
};

struct strtab {
	GString *pool;
	GArray *ents;       /* struct sent, in insertion order */
	guint32 *slots;     /* entry number + 1; 0 is empty */
	guint32 mask;       /* number of slots - 1 (a power of two - 1) */
};

static void
strtab_init(struct strtab *t, guint hint)
{
	guint n = 16;

	while (n < hint * 2)
		n *= 2;
	t->pool = g_string_sized_new(hint * 8);
	t->ents = g_array_sized_new(FALSE, FALSE, sizeof(struct sent), hint);
	t->slots = g_new0(guint32, n);
	t->mask = n - 1;
}

static void
strtab_clear(struct strtab *t)
{
	g_string_free(t->pool, TRUE);
	g_array_unref(t->ents);
	g_free(t->slots);
}

static inline const struct sent *
strtab_ent(const struct strtab *t, guint32 e)
{
	return &g_array_index(t->ents, struct sent, e);
}

static inline const char *
strtab_key(const struct strtab *t, guint32 e)
{
	return t->pool->str + strtab_ent(t, e)->off;
}

/* The entry for s[0..len) with hash `hash`, or -1. */
static gint64
strtab_find(const struct strtab *t, const char *s, guint32 len, guint32 hash)
{
	for (guint32 i = hash & t->mask;; i = (i + 1) & t->mask) {
		guint32 e = t->slots[i];
		const struct sent *x;

		if (e == 0)
			return -1;
		x = strtab_ent(t, e - 1);
		if (x->hash == hash && x->len == len && memcmp(t->pool->str + x->off, s, len) == 0)
			return e - 1;
	}
}

/* Doubles the slots and files every entry again. */
static void
strtab_grow(struct strtab *t)
{
	guint32 n = (t->mask + 1) * 2;

	g_free(t->slots);
	t->slots = g_new0(guint32, n);
	t->mask = n - 1;
	for (guint32 e = 0; e < t->ents->len; e++) {
		guint32 i = strtab_ent(t, e)->hash & t->mask;
		while (t->slots[i])
			i = (i + 1) & t->mask;
		t->slots[i] = e + 1;
	}
}

/* The entry for s[0..len), added (with val 0) if new. */
static guint32
strtab_add(struct strtab *t, const char *s, guint32 len, guint32 hash)
{
	gint64 f = strtab_find(t, s, len, hash);
	struct sent x = { .off = t->pool->len, .len = len, .hash = hash };
	guint32 i;

	if (f >= 0)
		return f;
	if ((t->ents->len + 1) * 2 > t->mask + 1)
		strtab_grow(t);
	g_string_append_len(t->pool, s, len);
	g_string_append_c(t->pool, '\0');
	g_array_append_val(t->ents, x);
	for (i = hash & t->mask; t->slots[i]; i = (i + 1) & t->mask)
		;
	t->slots[i] = t->ents->len;
	return t->ents->len - 1;
}

/* ---- the doc index ---- */

/* Zero bytes after a field's text for the regex JIT (see regex_text). */
#define FW_MATCH_REGEX_PAD 64

/* Prefix lookups in one item done by scanning its words before sorting them. */
#define FW_MATCH_SCANS_MAX 16

/* Slots of the matcher's prefix filter (a power of two). */
#define FW_MATCH_FILTER 4096

/* The prefix filter slot of a word's first 3 bytes. */
static inline guint
filter_slot(const char *w)
{
	return ((guchar)w[0] * 31u * 31u + (guchar)w[1] * 31u + (guchar)w[2]) & (FW_MATCH_FILTER - 1);
}

/* One word of the item. */
struct dtok {
	guint32 wid;        /* its distinct word */
	guint32 field;
	guint32 start;      /* character offsets in the field's text */
	guint32 end;
};

/* An item tokenised. */
struct docidx {
	const struct fw_doc *doc;
	struct strtab words;    /* distinct normalised words (word ids) */
	GArray *toks;           /* struct dtok, field by field */
	guint base[FW_FIELD_COUNT + 1];   /* words of field f: [base[f], base[f + 1]) */
	guint32 *sorted;        /* word ids in word order, or NULL: see docidx_sort */
	guint32 *post;          /* word numbers grouped by word id, in document order */
	guint32 *post_at;       /* word id -> its first in post; [nwords] = words */
	guint prefix_lookups;   /* so far: the first few scan instead of sorting */
	char *padded[FW_FIELD_COUNT];   /* see regex_text */
};

/* An occurrence of a phrase: word numbers first..last (inclusive). */
struct occ {
	guint first;
	guint last;
	guint16 field;
	gboolean used;
};

struct topic {
	guint number;
	struct fw_query *q;
	guint check_at;         /* its checks: clauses[check_at .. check_at + nchecks) */
	guint nchecks;
};

/* A check: one of these words must be in the item (terms[at .. at + n)). */
struct clause {
	guint at;
	guint n;
};

/* A word of a check, hashed as the doc index hashes its words. */
struct cterm {
	const char *word;       /* in the query (owned by the matcher) */
	guint32 len;
	guint32 hash;
};

struct fw_matcher {
	GArray *topics;         /* struct topic, in the order added */
	struct strtab words;    /* normalised word -> lists[val] */
	struct strtab prefixes; /* normalised prefix -> lists[val] */
	GPtrArray *lists;       /* GArray of topic slots */
	guint8 prefix_short[3]; /* [l]: 1 if some prefix has l (1 or 2) bytes */
	guint32 *prefix_filter; /* FW_MATCH_FILTER slots by the first 3 bytes: bit l
	                         * (31: 31 or more) if some prefix of l bytes starts so */
	GArray *always;         /* slots of topics evaluated on every item */
	GArray *clauses;        /* struct clause: the checks of every topic */
	GArray *cterms;         /* struct cterm: the words of the checks */
	guint fields;           /* the fields any topic looks at */
};

static inline const struct dtok *
tok_at(const struct docidx *d, guint i)
{
	return &g_array_index(d->toks, struct dtok, i);
}

struct build {
	struct docidx *d;
	guint field;
};

/* Appends one word of a field to the doc index. */
static void
build_cb(const char *norm, guint start, guint end, guint index, gpointer data)
{
	struct build *b = data;
	gsize len = strlen(norm);
	struct dtok t = {
		.wid = strtab_add(&b->d->words, norm, len, fnv(norm, len)),
		.field = b->field, .start = start, .end = end,
	};

	g_array_append_val(b->d->toks, t);
}

/* A word id with the first 8 bytes of its word, for sorting. */
struct skey {
	guint64 key;
	guint32 wid;
	const char *word;
};

/* Orders words as strcmp does, mostly by comparing 8 bytes at once. */
static int
skey_cmp_cb(const void *a, const void *b)
{
	const struct skey *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	/* Same first 8 bytes and distinct words: both are at least 8 long. */
	return strcmp(x->word + 8, y->word + 8);
}

/* Tokenises the fields in mask of doc into d. */
static void
docidx_init(struct docidx *d, const struct fw_doc *doc, guint mask)
{
	struct build b = { .d = d };
	guint n, nw;

	d->doc = doc;
	strtab_init(&d->words, 256);
	d->toks = g_array_sized_new(FALSE, FALSE, sizeof(struct dtok), 512);
	for (guint f = 0; f < FW_FIELD_COUNT; f++) {
		d->base[f] = d->toks->len;
		if (!(mask & (1u << f)) || doc->field[f] == NULL)
			continue;
		b.field = f;
		fw_text_tokenize(doc->field[f], build_cb, &b);
	}
	n = d->base[FW_FIELD_COUNT] = d->toks->len;
	nw = d->words.ents->len;

	/* Postings: counting sort of the words by word id. */
	d->post_at = g_new0(guint32, nw + 1);
	d->post = g_new(guint32, n ? n : 1);
	for (guint i = 0; i < n; i++)
		d->post_at[tok_at(d, i)->wid + 1]++;
	for (guint w = 0; w < nw; w++)
		d->post_at[w + 1] += d->post_at[w];
	for (guint i = 0; i < n; i++) {
		guint32 w = tok_at(d, i)->wid;
		/* val (0 when added) counts the word's postings filled so far */
		d->post[d->post_at[w] + g_array_index(d->words.ents, struct sent, w).val++] = i;
	}

	d->sorted = NULL;   /* sorted when prefixes are looked up often */
	memset(d->padded, 0, sizeof(d->padded));
	d->prefix_lookups = 0;
}

/* Sorts the distinct words of d, once (only prefix lookups need it). */
static void
docidx_sort(struct docidx *d)
{
	guint nw = d->words.ents->len;
	struct skey *keys;

	if (d->sorted)
		return;
	keys = g_new(struct skey, nw ? nw : 1);
	for (guint w = 0; w < nw; w++) {
		const char *s = strtab_key(&d->words, w);
		guint64 k = 0;
		guint l = strtab_ent(&d->words, w)->len;
		for (guint i = 0; i < 8; i++)
			k = (k << 8) | (i < l ? (guchar)s[i] : 0);
		keys[w] = (struct skey){ .key = k, .wid = w, .word = s };
	}
	qsort(keys, nw, sizeof(*keys), skey_cmp_cb);
	d->sorted = g_new(guint32, nw ? nw : 1);
	for (guint w = 0; w < nw; w++)
		d->sorted[w] = keys[w].wid;
	g_free(keys);
}

static void
docidx_clear(struct docidx *d)
{
	strtab_clear(&d->words);
	g_array_unref(d->toks);
	g_free(d->sorted);
	g_free(d->post);
	g_free(d->post_at);
	for (guint f = 0; f < FW_FIELD_COUNT; f++)
		g_free(d->padded[f]);
}

/* The word id of a normalised word, or -1 if the item does not hold it. */
static gint64
word_id(const struct docidx *d, const char *w, guint32 len)
{
	return strtab_find(&d->words, w, len, fnv(w, len));
}

/* The first position in d->sorted whose word is >= key (sorting d first). */
static guint
lower_bound(const struct docidx *d, const char *key)
{
	guint lo = 0, hi = d->words.ents->len;

	/* Sorting is a cache: d is logically unchanged. */
	docidx_sort((struct docidx *)d);
	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;
		if (strcmp(strtab_key(&d->words, d->sorted[mid]), key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* TRUE if word id w starts with t's word. */
static inline gboolean
has_prefix(const struct docidx *d, guint32 w, const struct fw_qterm *t)
{
	return strtab_ent(&d->words, w)->len >= t->len &&
	       memcmp(strtab_key(&d->words, w), t->word, t->len) == 0;
}

/* Calls found(first, last) for each occurrence of phrase n (in its fields)
 * until it returns FALSE. Returns FALSE if stopped. */
typedef gboolean (*occ_cb)(guint first, guint last, guint field, gpointer data);

/* Checks the phrase at word number i (its first term already matched). */
static gboolean
phrase_at(const struct docidx *d, const struct fw_qnode *n, const gint64 *wids, guint i)
{
	const struct dtok *k = tok_at(d, i);

	if (!(n->fields & (1u << k->field)) || i + n->n > d->base[k->field + 1])
		return FALSE;
	for (guint j = 1; j < n->n; j++) {
		guint32 w = tok_at(d, i + j)->wid;
		if (n->terms[j].prefix ? !has_prefix(d, w, &n->terms[j]) : w != wids[j])
			return FALSE;
	}
	return TRUE;
}

static gboolean
phrase_each(const struct docidx *d, const struct fw_qnode *n, occ_cb found, gpointer data)
{
	gint64 wids[FW_TOPIC_PHRASE_MAX];
	const struct fw_qterm *t0 = &n->terms[0];

	/* Every whole word of the phrase must be in the item. */
	for (guint j = 0; j < n->n; j++) {
		wids[j] = n->terms[j].prefix ? -1 : word_id(d, n->terms[j].word, n->terms[j].len);
		if (!n->terms[j].prefix && wids[j] < 0)
			return TRUE;
	}
	if (!t0->prefix) {
		for (guint32 p = d->post_at[wids[0]]; p < d->post_at[wids[0] + 1]; p++) {
			guint i = d->post[p];
			if (phrase_at(d, n, wids, i) && !found(i, i + n->n - 1, tok_at(d, i)->field, data))
				return FALSE;
		}
		return TRUE;
	}
	/* The words starting with t0: a scan of the distinct words, or after a
	 * few prefix lookups in this item a run of the sorted words. */
	if (((struct docidx *)d)->prefix_lookups++ < FW_MATCH_SCANS_MAX) {
		for (guint32 w = 0; w < d->words.ents->len; w++) {
			if (!has_prefix(d, w, t0))
				continue;
			for (guint32 p = d->post_at[w]; p < d->post_at[w + 1]; p++) {
				guint i = d->post[p];
				if (phrase_at(d, n, wids, i) &&
				    !found(i, i + n->n - 1, tok_at(d, i)->field, data))
					return FALSE;
			}
		}
		return TRUE;
	}
	for (guint s = lower_bound(d, t0->word); s < d->words.ents->len; s++) {
		guint32 w = d->sorted[s];
		if (!has_prefix(d, w, t0))
			break;
		for (guint32 p = d->post_at[w]; p < d->post_at[w + 1]; p++) {
			guint i = d->post[p];
			if (phrase_at(d, n, wids, i) && !found(i, i + n->n - 1, tok_at(d, i)->field, data))
				return FALSE;
		}
	}
	return TRUE;
}

/* Stops at the first occurrence. */
static gboolean
stop_cb(guint first, guint last, guint field, gpointer data)
{
	*(gboolean *)data = TRUE;
	return FALSE;
}

struct span_sink {
	const struct docidx *d;
	GArray *spans;
	guint count;
};

/* Records an occurrence as a span; stops after FW_MATCH_SPANS_MAX. */
static gboolean
span_cb(guint first, guint last, guint field, gpointer data)
{
	struct span_sink *s = data;
	struct fw_span sp = {
		.field = field,
		.start = tok_at(s->d, first)->start,
		.end = tok_at(s->d, last)->end,
	};

	g_array_append_val(s->spans, sp);
	return ++s->count < FW_MATCH_SPANS_MAX;
}

/* Records an occurrence in a GArray of struct occ. */
static gboolean
occ_add_cb(guint first, guint last, guint field, gpointer data)
{
	struct occ o = { .first = first, .last = last, .field = field };

	g_array_append_val((GArray *)data, o);
	return TRUE;
}

/* Collects every occurrence of a NEAR operand (a phrase or an OR of them). */
static void
near_collect(const struct docidx *d, const struct fw_qnode *n, GArray *out)
{
	if (n->kind == FW_QNODE_PHRASE) {
		phrase_each(d, n, occ_add_cb, out);
		return;
	}
	for (guint i = 0; i < n->n; i++)
		near_collect(d, n->kids[i], out);
}

/* Orders occurrences by first word, then last. */
static gint
occ_cmp_cb(gconstpointer a, gconstpointer b)
{
	const struct occ *x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return x->last < y->last ? -1 : x->last > y->last;
}

/* Appends the span of occurrence o. */
static void
occ_span(const struct docidx *d, const struct occ *o, GArray *spans)
{
	struct fw_span sp = {
		.field = o->field,
		.start = tok_at(d, o->first)->start,
		.end = tok_at(d, o->last)->end,
	};

	g_array_append_val(spans, sp);
}

/* a NEAR/n b: some occurrence of each, in the same field, not overlapping,
 * at most n words apart (from the end of one to the start of the other). */
static gboolean
eval_near(const struct docidx *d, const struct fw_qnode *n, GArray *spans)
{
	g_autoptr(GArray) L = g_array_new(FALSE, FALSE, sizeof(struct occ));
	g_autoptr(GArray) R = g_array_new(FALSE, FALSE, sizeof(struct occ));
	guint dist = n->n, maxspan = 0, lo = 0;
	gboolean hit = FALSE;

	near_collect(d, n->kids[0], L);
	if (L->len == 0)
		return FALSE;
	near_collect(d, n->kids[1], R);
	if (R->len == 0)
		return FALSE;
	g_array_sort(L, occ_cmp_cb);
	g_array_sort(R, occ_cmp_cb);
	for (guint j = 0; j < R->len; j++)
		maxspan = MAX(maxspan, g_array_index(R, struct occ, j).last -
		                       g_array_index(R, struct occ, j).first);
	for (guint i = 0; i < L->len; i++) {
		struct occ *a = &g_array_index(L, struct occ, i);
		guint from = a->first > dist + maxspan ? a->first - dist - maxspan : 0;

		/* L is sorted, so the window's left edge only moves right. */
		while (lo < R->len && g_array_index(R, struct occ, lo).first < from)
			lo++;
		for (guint j = lo; j < R->len; j++) {
			struct occ *b = &g_array_index(R, struct occ, j);
			guint gap;

			if (b->first > a->last + dist)
				break;
			if (b->field != a->field)
				continue;
			if (b->first > a->last)
				gap = b->first - a->last;
			else if (a->first > b->last)
				gap = a->first - b->last;
			else
				continue;   /* overlapping: the same words */
			if (gap > dist)
				continue;
			if (spans == NULL)
				return TRUE;
			a->used = b->used = TRUE;
			hit = TRUE;
		}
	}
	if (!hit)
		return FALSE;
	for (guint k = 0, c = 0; k < L->len && c < FW_MATCH_SPANS_MAX; k++)
		if (g_array_index(L, struct occ, k).used && ++c)
			occ_span(d, &g_array_index(L, struct occ, k), spans);
	for (guint k = 0, c = 0; k < R->len && c < FW_MATCH_SPANS_MAX; k++)
		if (g_array_index(R, struct occ, k).used && ++c)
			occ_span(d, &g_array_index(R, struct occ, k), spans);
	return TRUE;
}

/* The text of field f as regexes see it: a copy followed by zero bytes,
 * because PCRE2's JIT reads a few bytes past the end of its subject (within
 * the same machine word: harmless, but valgrind reports it). Made once. */
static const char *
regex_text(const struct docidx *d, guint f, gsize *len)
{
	struct docidx *dd = (struct docidx *)d;   /* a cache: d is logically unchanged */
	const char *text = d->doc->field[f];

	*len = strlen(text);
	if (dd->padded[f] == NULL) {
		dd->padded[f] = g_malloc0(*len + FW_MATCH_REGEX_PAD);
		memcpy(dd->padded[f], text, *len);
	}
	return dd->padded[f];
}

/* A regular expression on the raw text of each of its fields. PCRE2's
 * default match limit (10 million backtracking steps) stops catastrophic
 * patterns; a match that hits it counts as no match. */
static gboolean
eval_regex(const struct docidx *d, const struct fw_qnode *n, GArray *spans)
{
	gboolean hit = FALSE;

	for (guint f = 0; f < FW_FIELD_COUNT; f++) {
		g_autoptr(GMatchInfo) mi = NULL;
		const char *text, *last;
		guint lastc = 0, count = 0;
		gsize len;

		if (!(n->fields & (1u << f)) || d->doc->field[f] == NULL)
			continue;
		last = text = regex_text(d, f, &len);
		if (!g_regex_match_full(n->regex, text, len, 0, 0, &mi, NULL))
			continue;
		hit = TRUE;
		if (spans == NULL)
			return TRUE;
		do {
			gint s, e;
			struct fw_span sp = { .field = f };

			if (!g_match_info_fetch_pos(mi, 0, &s, &e) || s == e)
				continue;
			sp.start = lastc + g_utf8_pointer_to_offset(last, text + s);
			sp.end = sp.start + g_utf8_pointer_to_offset(text + s, text + e);
			last = text + e;
			lastc = sp.end;
			g_array_append_val(spans, sp);
			if (++count >= FW_MATCH_SPANS_MAX)
				break;
		} while (g_match_info_next(mi, NULL));
	}
	return hit;
}

/* Evaluates node n on d; with spans non-NULL, appends the spans of what
 * matched (nothing when it returns FALSE). */
static gboolean
eval(const struct docidx *d, const struct fw_qnode *n, GArray *spans)
{
	gboolean any = FALSE;
	guint mark;

	switch (n->kind) {
	case FW_QNODE_PHRASE:
		if (spans == NULL) {
			phrase_each(d, n, stop_cb, &any);
			return any;
		} else {
			struct span_sink s = { .d = d, .spans = spans };
			mark = spans->len;
			phrase_each(d, n, span_cb, &s);
			return spans->len > mark;
		}
	case FW_QNODE_REGEX:
		return eval_regex(d, n, spans);
	case FW_QNODE_NEAR:
		return eval_near(d, n, spans);
	case FW_QNODE_NOT:
		return !eval(d, n->kids[0], NULL);
	case FW_QNODE_AND:
		mark = spans ? spans->len : 0;
		for (guint i = 0; i < n->n; i++) {
			if (!eval(d, n->kids[i], spans)) {
				if (spans)
					g_array_set_size(spans, mark);
				return FALSE;
			}
		}
		return TRUE;
	case FW_QNODE_OR:
		for (guint i = 0; i < n->n; i++) {
			if (eval(d, n->kids[i], spans)) {
				any = TRUE;
				if (spans == NULL)
					return TRUE;
			}
		}
		return any;
	}
	return FALSE;
}

/* Orders spans by field, start, end. */
static gint
span_cmp_cb(gconstpointer a, gconstpointer b)
{
	const struct fw_span *x = a, *y = b;

	if (x->field != y->field)
		return x->field < y->field ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

/* Sorts spans and merges the ones that overlap (or repeat). */
static void
spans_tidy(GArray *spans)
{
	guint w = 0;

	g_array_sort(spans, span_cmp_cb);
	for (guint i = 0; i < spans->len; i++) {
		struct fw_span *s = &g_array_index(spans, struct fw_span, i);
		struct fw_span *p = w ? &g_array_index(spans, struct fw_span, w - 1) : NULL;

		if (p && p->field == s->field && s->start < p->end) {
			p->end = MAX(p->end, s->end);
			continue;
		}
		g_array_index(spans, struct fw_span, w++) = *s;
	}
	g_array_set_size(spans, w);
}

/* Evaluates q on an indexed item: the tidy spans in a new array, or NULL
 * for no match. scratch (emptied) collects spans on the way. */
static GArray *
query_eval(const struct fw_query *q, const struct docidx *d, GArray *scratch)
{
	GArray *spans;

	g_array_set_size(scratch, 0);
	if (!eval(d, fw_query_root(q), scratch))
		return NULL;
	spans_tidy(scratch);
	spans = g_array_sized_new(FALSE, FALSE, sizeof(struct fw_span), scratch->len);
	g_array_append_vals(spans, scratch->data, scratch->len);
	return spans;
}

GArray *
fw_query_match(const struct fw_query *q, const struct fw_doc *doc)
{
	struct docidx d;
	GArray *spans;

	g_autoptr(GArray) scratch = g_array_new(FALSE, FALSE, sizeof(struct fw_span));

	docidx_init(&d, doc, fw_query_fields(q));
	spans = query_eval(q, &d, scratch);
	docidx_clear(&d);
	return spans;
}

/* ---- the matcher ---- */

struct fw_matcher *
fw_matcher_new(void)
{
	struct fw_matcher *m = g_new0(struct fw_matcher, 1);

	m->topics = g_array_new(FALSE, FALSE, sizeof(struct topic));
	strtab_init(&m->words, 64);
	strtab_init(&m->prefixes, 16);
	m->lists = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
	m->prefix_filter = g_new0(guint32, FW_MATCH_FILTER);
	m->always = g_array_new(FALSE, FALSE, sizeof(guint));
	m->clauses = g_array_new(FALSE, FALSE, sizeof(struct clause));
	m->cterms = g_array_new(FALSE, FALSE, sizeof(struct cterm));
	return m;
}

void
fw_matcher_free(struct fw_matcher *m)
{
	if (m == NULL)
		return;
	for (guint i = 0; i < m->topics->len; i++)
		fw_query_free(g_array_index(m->topics, struct topic, i).q);
	g_array_unref(m->topics);
	strtab_clear(&m->words);
	strtab_clear(&m->prefixes);
	g_ptr_array_unref(m->lists);
	g_free(m->prefix_filter);
	g_array_unref(m->always);
	g_array_unref(m->clauses);
	g_array_unref(m->cterms);
	g_free(m);
}

/* Requirements: a query is turned into clauses (GPtrArray of const struct
 * fw_qterm *), each a set of terms one of which any matching item holds; all
 * clauses hold at once (a conjunctive normal form of what the query needs,
 * NOT and regexes needing nothing). A topic is filed under the words of its
 * most selective clause and the others are checked before evaluating it. */
#define FW_MATCH_CLAUSES_MAX 16
#define FW_MATCH_CHECKS_MAX 4
#define FW_MATCH_CLAUSE_TERMS_MAX 16

/* How common a clause's words are likely to be: lower is better (fewer
 * terms, longer words, words rather than prefixes). */
static double
clause_cost(GPtrArray *c)
{
	double cost = 0;

	for (guint i = 0; i < c->len; i++) {
		const struct fw_qterm *t = c->pdata[i];
		cost += (t->prefix ? 3.0 : 1.0) / t->len;
	}
	return cost;
}

static gint
clause_cmp_cb(gconstpointer a, gconstpointer b)
{
	double x = clause_cost(*(GPtrArray **)a), y = clause_cost(*(GPtrArray **)b);

	return x < y ? -1 : x > y;
}

/* Keeps the FW_MATCH_CLAUSES_MAX cheapest clauses of cs, cheapest first
 * (dropping a clause only weakens the requirement). */
static void
clauses_prune(GPtrArray *cs)
{
	g_ptr_array_sort(cs, clause_cmp_cb);
	if (cs->len > FW_MATCH_CLAUSES_MAX)
		g_ptr_array_set_size(cs, FW_MATCH_CLAUSES_MAX);
}

/* Adds term t to clause c unless it is there. */
static void
clause_add(GPtrArray *c, const struct fw_qterm *t)
{
	for (guint i = 0; i < c->len; i++) {
		const struct fw_qterm *u = c->pdata[i];
		if (u->prefix == t->prefix && strcmp(u->word, t->word) == 0)
			return;
	}
	g_ptr_array_add(c, (gpointer)t);
}

/* The clauses of node n (empty: n needs nothing). */
static GPtrArray *
clauses_of(const struct fw_qnode *n)
{
	GPtrArray *cs = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);

	switch (n->kind) {
	case FW_QNODE_PHRASE:
		for (guint i = 0; i < n->n; i++) {
			GPtrArray *c = g_ptr_array_new();
			g_ptr_array_add(c, &n->terms[i]);
			g_ptr_array_add(cs, c);
		}
		break;
	case FW_QNODE_REGEX:
	case FW_QNODE_NOT:
		break;
	case FW_QNODE_AND:
	case FW_QNODE_NEAR:
		for (guint i = 0; i < (n->kind == FW_QNODE_NEAR ? 2 : n->n); i++) {
			g_autoptr(GPtrArray) k = clauses_of(n->kids[i]);
			while (k->len)
				g_ptr_array_add(cs, g_ptr_array_steal_index(k, 0));
		}
		break;
	case FW_QNODE_OR:
		/* (a AND b) OR c = (a OR c) AND (b OR c): the cross product. */
		g_ptr_array_add(cs, g_ptr_array_new());
		for (guint i = 0; i < n->n && cs->len; i++) {
			g_autoptr(GPtrArray) k = clauses_of(n->kids[i]);
			g_autoptr(GPtrArray) next = g_ptr_array_new_with_free_func(
				(GDestroyNotify)g_ptr_array_unref);
			for (guint x = 0; x < cs->len; x++) {
				for (guint y = 0; y < k->len; y++) {
					GPtrArray *a = cs->pdata[x], *b = k->pdata[y];
					GPtrArray *c = g_ptr_array_new();
					for (guint j = 0; j < a->len; j++)
						clause_add(c, a->pdata[j]);
					for (guint j = 0; j < b->len; j++)
						clause_add(c, b->pdata[j]);
					if (c->len > FW_MATCH_CLAUSE_TERMS_MAX)
						g_ptr_array_unref(c);   /* too wide to be worth it */
					else
						g_ptr_array_add(next, c);
				}
			}
			g_ptr_array_set_size(cs, 0);
			while (next->len)
				g_ptr_array_add(cs, g_ptr_array_steal_index(next, 0));
			clauses_prune(cs);
		}
		break;
	}
	clauses_prune(cs);
	return cs;
}

/* Files topic slot under a word or prefix (once). */
static void
file_under(struct fw_matcher *m, struct strtab *t, const struct fw_qterm *qt, guint slot)
{
	guint32 e = strtab_add(t, qt->word, qt->len, fnv(qt->word, qt->len));
	struct sent *x = &g_array_index(t->ents, struct sent, e);
	GArray *a;

	if (x->val == 0) {
		g_ptr_array_add(m->lists, g_array_new(FALSE, FALSE, sizeof(guint)));
		x->val = m->lists->len;   /* list number + 1 */
	}
	a = m->lists->pdata[x->val - 1];
	if (a->len == 0 || g_array_index(a, guint, a->len - 1) != slot)
		g_array_append_val(a, slot);
}

/* TRUE if every term of clause c is a whole word (checkable by lookup). */
static gboolean
clause_exact(GPtrArray *c)
{
	for (guint i = 0; i < c->len; i++)
		if (((const struct fw_qterm *)c->pdata[i])->prefix)
			return FALSE;
	return TRUE;
}

void
fw_matcher_add(struct fw_matcher *m, guint topic, struct fw_query *q)
{
	g_autoptr(GPtrArray) cs = NULL;
	struct topic t = { .number = topic, .q = q, .check_at = m->clauses->len };
	guint slot = m->topics->len;
	GPtrArray *file;

	g_return_if_fail(q != NULL);
	m->fields |= fw_query_fields(q);
	cs = clauses_of(fw_query_root(q));
	if (cs->len == 0) {
		g_array_append_val(m->topics, t);
		g_array_append_val(m->always, slot);
		return;
	}
	/* File under the cheapest clause; check (some of) the others. */
	file = cs->pdata[0];
	for (guint i = 1; i < cs->len && t.nchecks < FW_MATCH_CHECKS_MAX; i++) {
		GPtrArray *c = cs->pdata[i];
		struct clause cl = { .at = m->cterms->len, .n = c->len };
		if (!clause_exact(c))
			continue;
		for (guint j = 0; j < c->len; j++) {
			const struct fw_qterm *qt = c->pdata[j];
			struct cterm ct = { qt->word, qt->len, fnv(qt->word, qt->len) };
			g_array_append_val(m->cterms, ct);
		}
		g_array_append_val(m->clauses, cl);
		t.nchecks++;
	}
	g_array_append_val(m->topics, t);
	for (guint i = 0; i < file->len; i++) {
		const struct fw_qterm *qt = file->pdata[i];
		if (qt->prefix) {
			file_under(m, &m->prefixes, qt, slot);
			if (qt->len < 3)
				m->prefix_short[qt->len] = 1;
			else
				m->prefix_filter[filter_slot(qt->word)] |= 1u << MIN(qt->len, 31);
		} else {
			file_under(m, &m->words, qt, slot);
		}
	}
}

static void
match_free(gpointer p)
{
	struct fw_match *fm = p;

	g_array_unref(fm->spans);
	g_free(fm);
}

/* TRUE if the filter bits name a prefix length beyond l (bit 31: 31 or more). */
static inline gboolean
longer_bits(guint32 bits, guint l)
{
	return l >= 31 ? (bits >> 31) != 0 : (bits >> (l + 1)) != 0;
}

/* TRUE if the item holds a word of every check of topic t. */
static gboolean
checks_pass(const struct fw_matcher *m, const struct topic *t, const struct docidx *d)
{
	for (guint i = 0; i < t->nchecks; i++) {
		const struct clause *c = &g_array_index(m->clauses, struct clause, t->check_at + i);
		gboolean any = FALSE;
		for (guint j = 0; j < c->n && !any; j++) {
			const struct cterm *ct = &g_array_index(m->cterms, struct cterm, c->at + j);
			any = strtab_find(&d->words, ct->word, ct->len, ct->hash) >= 0;
		}
		if (!any)
			return FALSE;
	}
	return TRUE;
}

/* Adds the topics of list entry e of table t (if found) that were not seen
 * yet and pass their checks to cand. */
static void
add_cands(const struct fw_matcher *m, const struct strtab *t, gint64 e, guint8 *seen,
          const struct docidx *d, GArray *cand)
{
	GArray *a;

	if (e < 0)
		return;
	a = m->lists->pdata[strtab_ent(t, e)->val - 1];
	for (guint i = 0; i < a->len; i++) {
		guint s = g_array_index(a, guint, i);
		if (seen[s])
			continue;
		seen[s] = 1;
		if (checks_pass(m, &g_array_index(m->topics, struct topic, s), d))
			g_array_append_val(cand, s);
	}
}

/* A match found, with the slot of its topic (for ordering). */
struct found {
	guint number;
	guint slot;
	GArray *spans;
};

/* Orders matches by topic number, then slot. */
static gint
found_cmp_cb(gconstpointer a, gconstpointer b)
{
	const struct found *x = a, *y = b;

	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	return x->slot < y->slot ? -1 : x->slot > y->slot;
}

/* The topics that may match d: those filed under one of its words or under
 * a prefix of one, and those evaluated always (slots, in no order). */
static GArray *
candidates(const struct fw_matcher *m, const struct docidx *d)
{
	GArray *cand = g_array_new(FALSE, FALSE, sizeof(guint));
	g_autofree guint8 *seen = g_malloc0(m->topics->len);
	gboolean any_prefix = m->prefixes.ents->len > 0;

	for (guint i = 0; i < m->always->len; i++) {
		guint s = g_array_index(m->always, guint, i);
		seen[s] = 1;
		g_array_append_val(cand, s);
	}
	for (guint w = 0; w < d->words.ents->len; w++) {
		const struct sent *e = strtab_ent(&d->words, w);
		const char *word = strtab_key(&d->words, w);
		guint32 h = FNV_INIT, bits;

		add_cands(m, &m->words, strtab_find(&m->words, word, e->len, e->hash), seen, d,
		          cand);
		if (!any_prefix)
			continue;
		/* The prefixes of the word some topic may use (by length, and for 3
		 * bytes or more by the filter); FNV hashes them on the way. */
		bits = e->len >= 3 ? m->prefix_filter[filter_slot(word)] : 0;
		for (guint l = 1; l <= e->len; l++) {
			h = fnv_step(h, word[l - 1]);
			if (l < 3 ? m->prefix_short[l] : (bits & (1u << MIN(l, 31))) != 0)
				add_cands(m, &m->prefixes, strtab_find(&m->prefixes, word, l, h), seen,
				          d, cand);
			else if (l >= 3 && !longer_bits(bits, l))
				break;
		}
	}
	return cand;
}

GPtrArray *
fw_matcher_match(struct fw_matcher *m, const struct fw_doc *doc)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(match_free);
	g_autoptr(GArray) cand = NULL;
	g_autoptr(GArray) scratch = NULL;
	g_autoptr(GArray) found = NULL;
	struct docidx d;

	if (m->topics->len == 0)
		return out;
	docidx_init(&d, doc, m->fields);
	cand = candidates(m, &d);
	scratch = g_array_new(FALSE, FALSE, sizeof(struct fw_span));
	found = g_array_new(FALSE, FALSE, sizeof(struct found));
	for (guint i = 0; i < cand->len; i++) {
		guint slot = g_array_index(cand, guint, i);
		const struct topic *t = &g_array_index(m->topics, struct topic, slot);
		struct found f = { .number = t->number, .slot = slot };

		f.spans = query_eval(t->q, &d, scratch);
		if (f.spans)
			g_array_append_val(found, f);
	}
	docidx_clear(&d);
	g_array_sort(found, found_cmp_cb);
	for (guint i = 0; i < found->len; i++) {
		struct fw_match *fm = g_new(struct fw_match, 1);
		fm->topic = g_array_index(found, struct found, i).number;
		fm->spans = g_array_index(found, struct found, i).spans;
		g_ptr_array_add(out, fm);
	}
	return out;
}

/* ---- snippets ---- */

/* The snippet's field preference: richest context first. */
static const guint snippet_order[] = {
	FW_FIELD_CONTENT, FW_FIELD_SUMMARY, FW_FIELD_TITLE, FW_FIELD_CATEGORY,
	FW_FIELD_AUTHOR, FW_FIELD_FEED, FW_FIELD_LINK,
};

/* TRUE if c is part of a word (for cutting at word boundaries). */
static gboolean
wordish(gunichar c)
{
	return g_unichar_isalnum(c) || g_unichar_ismark(c);
}

struct fw_snippet *
fw_snippet_make(const struct fw_doc *doc, const GArray *spans, guint width)
{
	const struct fw_span *first = NULL;
	struct fw_snippet *sn;
	const char *text;
	g_autofree gunichar *u = NULL;
	glong n = 0;
	guint a, b, slen, before;
	GString *out;

	if (spans == NULL || spans->len == 0)
		return NULL;
	for (guint k = 0; k < G_N_ELEMENTS(snippet_order) && first == NULL; k++) {
		for (guint i = 0; i < spans->len; i++) {
			const struct fw_span *s = &g_array_index(spans, struct fw_span, i);
			if (s->field == snippet_order[k] && doc->field[s->field] &&
			    (first == NULL || s->start < first->start))
				first = s;
		}
	}
	if (first == NULL)
		return NULL;
	text = doc->field[first->field];
	u = g_utf8_to_ucs4_fast(text, -1, &n);
	if (first->start > (guint)n || first->end > (guint)n || first->start > first->end)
		return NULL;

	/* The window [a, b): the span, with the rest of the width split around it. */
	slen = first->end - first->start;
	before = width > slen ? (width - slen) / 2 : 0;
	a = first->start > before ? first->start - before : 0;
	b = MIN((guint)n, MAX(a + width, first->end));
	if (b == (guint)n && b - a < width)
		a = b > width ? MIN(b - width, first->start) : 0;
	/* Cut at word boundaries, never into the span. */
	if (a > 0) {
		if (wordish(u[a - 1]))
			while (a < first->start && wordish(u[a]))
				a++;
		while (a < first->start && !wordish(u[a]))
			a++;
	}
	if (b < (guint)n) {
		if (wordish(u[b]))
			while (b > first->end && wordish(u[b - 1]))
				b--;
		while (b > first->end && g_unichar_isspace(u[b - 1]))
			b--;
	}

	sn = g_new0(struct fw_snippet, 1);
	sn->field = first->field;
	sn->marks = g_array_new(FALSE, FALSE, sizeof(struct fw_span));
	out = g_string_sized_new((b - a) * 2 + 8);
	if (a > 0)
		g_string_append(out, "…");
	for (guint i = a; i < b; i++)
		g_string_append_unichar(out, u[i]);
	if (b < (guint)n)
		g_string_append(out, "…");
	sn->text = g_string_free(out, FALSE);
	for (guint i = 0; i < spans->len; i++) {
		const struct fw_span *s = &g_array_index(spans, struct fw_span, i);
		struct fw_span mk = { .field = first->field };
		if (s->field != first->field || s->start < a || s->end > b || s->start >= s->end)
			continue;
		mk.start = s->start - a + (a > 0);
		mk.end = s->end - a + (a > 0);
		g_array_append_val(sn->marks, mk);
	}
	return sn;
}

void
fw_snippet_free(struct fw_snippet *s)
{
	if (s == NULL)
		return;
	g_free(s->text);
	if (s->marks)
		g_array_unref(s->marks);
	g_free(s);
}

/* Appends text[from, to) (byte pointers), escaped if asked. */
static void
render_append(GString *out, const char *from, const char *to, gboolean escape)
{
	if (to <= from)
		return;
	if (escape) {
		g_autofree char *e = g_markup_escape_text(from, to - from);
		g_string_append(out, e);
	} else {
		g_string_append_len(out, from, to - from);
	}
}

char *
fw_snippet_render(const char *text, const GArray *marks, const char *open,
                  const char *close, gboolean escape_markup)
{
	GString *out;
	const char *p;
	glong len;
	guint pos = 0;

	if (text == NULL)
		return g_strdup("");
	out = g_string_sized_new(strlen(text) + 32);
	len = g_utf8_strlen(text, -1);
	p = text;
	for (guint i = 0; marks && i < marks->len; i++) {
		const struct fw_span *mk = &g_array_index(marks, struct fw_span, i);
		const char *s, *e;

		/* Marks are sorted; skip ones that overlap the last or fall outside. */
		if (mk->start < pos || mk->end <= mk->start || mk->end > (guint)len)
			continue;
		s = g_utf8_offset_to_pointer(p, mk->start - pos);
		e = g_utf8_offset_to_pointer(s, mk->end - mk->start);
		render_append(out, p, s, escape_markup);
		g_string_append(out, open ? open : "");
		render_append(out, s, e, escape_markup);
		g_string_append(out, close ? close : "");
		p = e;
		pos = mk->end;
	}
	render_append(out, p, p + strlen(p), escape_markup);
	return g_string_free(out, FALSE);
}
