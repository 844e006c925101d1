/* match — evaluation of compiled queries over an item, the presearch index
 * over all topics, snippets (see match.h).
 *
 * An item is tokenised once into a doc index: every word of every field in
 * document order (fields one after the other, so a global word number and the
 * field tell positions apart), plus the same words sorted, so that a word or
 * a prefix is found by binary search. The matcher files each topic under the
 * terms one of which must be in any item it matches; only topics whose terms
 * occur in the item are evaluated. */
#include <string.h>

#include "feedwatch/match.h"
#include "feedwatch/text.h"

/* Spans recorded per leaf of a query at most (a word can occur thousands of times). */
#define FW_MATCH_SPANS_MAX 100

/* One word of the item. */
struct dtok {
	guint32 off;        /* of the normalised word in the pool */
	guint16 len;        /* its bytes */
	guint16 field;
	guint32 start;      /* character offsets in the field's text */
	guint32 end;
};

/* An item tokenised: words in document order and sorted. */
struct docidx {
	const struct fw_doc *doc;
	GString *pool;      /* normalised words, NUL-terminated */
	GArray *toks;       /* struct dtok, field by field */
	guint base[FW_FIELD_COUNT + 1];   /* words of field f: [base[f], base[f + 1]) */
	guint *sorted;      /* word numbers sorted by (word, number) */
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
};

struct fw_matcher {
	GArray *topics;         /* struct topic, in the order added */
	GHashTable *words;      /* normalised word -> GArray of topic slots */
	GHashTable *prefixes;   /* normalised prefix -> GArray of topic slots */
	guint8 prefix_len[FW_TEXT_WORD_MAX + 1];   /* 1 if some prefix has that many bytes */
	GArray *always;         /* slots of topics evaluated on every item */
	guint fields;           /* the fields any topic looks at */
};

/* The normalised word number i of d. */
static inline const char *
tok_word(const struct docidx *d, guint i)
{
	return d->pool->str + g_array_index(d->toks, struct dtok, i).off;
}

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
		.off = b->d->pool->len, .len = len, .field = b->field, .start = start, .end = end,
	};

	g_string_append_len(b->d->pool, norm, len + 1);
	g_array_append_val(b->d->toks, t);
}

/* Orders word numbers by word, then number. */
static gint
sorted_cmp_cb(gconstpointer a, gconstpointer b, gpointer data)
{
	const struct docidx *d = data;
	guint i = *(const guint *)a, j = *(const guint *)b;
	int c = strcmp(tok_word(d, i), tok_word(d, j));

	if (c)
		return c;
	return i < j ? -1 : i > j;
}

/* Tokenises the fields in mask of doc into d. */
static void
docidx_init(struct docidx *d, const struct fw_doc *doc, guint mask)
{
	struct build b = { .d = d };
	guint n;

	d->doc = doc;
	d->pool = g_string_sized_new(4096);
	d->toks = g_array_sized_new(FALSE, FALSE, sizeof(struct dtok), 512);
	for (guint f = 0; f < FW_FIELD_COUNT; f++) {
		d->base[f] = d->toks->len;
		if (!(mask & (1u << f)) || doc->field[f] == NULL)
			continue;
		b.field = f;
		fw_text_tokenize(doc->field[f], build_cb, &b);
	}
	n = d->base[FW_FIELD_COUNT] = d->toks->len;
	d->sorted = g_new(guint, n ? n : 1);
	for (guint i = 0; i < n; i++)
		d->sorted[i] = i;
	g_qsort_with_data(d->sorted, n, sizeof(guint), sorted_cmp_cb, d);
}

static void
docidx_clear(struct docidx *d)
{
	g_string_free(d->pool, TRUE);
	g_array_unref(d->toks);
	g_free(d->sorted);
}

/* The first position in d->sorted whose word is >= key. */
static guint
lower_bound(const struct docidx *d, const char *key)
{
	guint lo = 0, hi = d->toks->len;

	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;
		if (strcmp(tok_word(d, d->sorted[mid]), key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* TRUE if word number i matches term t. */
static inline gboolean
term_matches(const struct docidx *d, guint i, const struct fw_qterm *t)
{
	const struct dtok *k = tok_at(d, i);

	if (t->prefix)
		return k->len >= t->len && memcmp(tok_word(d, i), t->word, t->len) == 0;
	return k->len == t->len && memcmp(tok_word(d, i), t->word, t->len) == 0;
}

/* Calls found(first, last) for each occurrence of phrase n (in its fields),
 * in sorted-word order, until it returns FALSE. Returns FALSE if stopped. */
typedef gboolean (*occ_cb)(guint first, guint last, guint field, gpointer data);

static gboolean
phrase_each(const struct docidx *d, const struct fw_qnode *n, occ_cb found, gpointer data)
{
	const struct fw_qterm *t0 = &n->terms[0];

	for (guint s = lower_bound(d, t0->word); s < d->toks->len; s++) {
		guint i = d->sorted[s];
		const struct dtok *k = tok_at(d, i);
		guint end;
		gboolean ok = TRUE;

		/* The words equal to t0 (or starting with it) are one run. */
		if (!term_matches(d, i, t0))
			break;
		if (!(n->fields & (1u << k->field)))
			continue;
		end = d->base[k->field + 1];
		if (i + n->n > end)
			continue;
		for (guint j = 1; j < n->n && ok; j++)
			ok = term_matches(d, i + j, &n->terms[j]);
		if (ok && !found(i, i + n->n - 1, k->field, data))
			return FALSE;
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

/* A regular expression on the raw text of each of its fields. A match that
 * hits PCRE2's backtracking limit counts as no match. */
static gboolean
eval_regex(const struct docidx *d, const struct fw_qnode *n, GArray *spans)
{
	gboolean hit = FALSE;

	for (guint f = 0; f < FW_FIELD_COUNT; f++) {
		const char *text = d->doc->field[f];
		g_autoptr(GMatchInfo) mi = NULL;
		const char *last = text;
		guint lastc = 0, count = 0;

		if (!(n->fields & (1u << f)) || text == NULL)
			continue;
		if (!g_regex_match_full(n->regex, text, -1, 0, 0, &mi, NULL))
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

/* Evaluates q on an indexed item: the tidy spans, or NULL for no match. */
static GArray *
query_eval(const struct fw_query *q, const struct docidx *d)
{
	GArray *spans = g_array_new(FALSE, FALSE, sizeof(struct fw_span));

	if (!eval(d, fw_query_root(q), spans)) {
		g_array_unref(spans);
		return NULL;
	}
	spans_tidy(spans);
	return spans;
}

GArray *
fw_query_match(const struct fw_query *q, const struct fw_doc *doc)
{
	struct docidx d;
	GArray *spans;

	docidx_init(&d, doc, fw_query_fields(q));
	spans = query_eval(q, &d);
	docidx_clear(&d);
	return spans;
}

/* ---- the matcher ---- */

struct fw_matcher *
fw_matcher_new(void)
{
	struct fw_matcher *m = g_new0(struct fw_matcher, 1);

	m->topics = g_array_new(FALSE, FALSE, sizeof(struct topic));
	m->words = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	                                 (GDestroyNotify)g_array_unref);
	m->prefixes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	                                    (GDestroyNotify)g_array_unref);
	m->always = g_array_new(FALSE, FALSE, sizeof(guint));
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
	g_hash_table_unref(m->words);
	g_hash_table_unref(m->prefixes);
	g_array_unref(m->always);
	g_free(m);
}

/* How selective a set of required terms is: lower is better (fewer terms,
 * longer words, words rather than prefixes). */
static double
req_cost(GPtrArray *terms)
{
	double c = 0;

	for (guint i = 0; i < terms->len; i++) {
		const struct fw_qterm *t = terms->pdata[i];
		c += (t->prefix ? 3.0 : 1.0) / t->len;
	}
	return c;
}

/* Fills out with terms one of which every item matching n contains.
 * Returns FALSE when there is no such set (a regex, a NOT). */
static gboolean
req_terms(const struct fw_qnode *n, GPtrArray *out)
{
	switch (n->kind) {
	case FW_QNODE_PHRASE: {
		const struct fw_qterm *best = NULL;
		for (guint i = 0; i < n->n; i++) {
			const struct fw_qterm *t = &n->terms[i];
			if (best == NULL || (best->prefix && !t->prefix) ||
			    (best->prefix == t->prefix && t->len > best->len))
				best = t;
		}
		g_ptr_array_add(out, (gpointer)best);
		return TRUE;
	}
	case FW_QNODE_REGEX:
	case FW_QNODE_NOT:
		return FALSE;
	case FW_QNODE_OR:
		for (guint i = 0; i < n->n; i++)
			if (!req_terms(n->kids[i], out))
				return FALSE;
		return TRUE;
	case FW_QNODE_AND:
	case FW_QNODE_NEAR: {
		g_autoptr(GPtrArray) best = NULL;
		guint k = n->kind == FW_QNODE_NEAR ? 2 : n->n;
		double best_cost = 0;
		for (guint i = 0; i < k; i++) {
			g_autoptr(GPtrArray) tmp = g_ptr_array_new();
			double c;
			if (!req_terms(n->kids[i], tmp))
				continue;
			c = req_cost(tmp);
			if (best == NULL || c < best_cost) {
				g_clear_pointer(&best, g_ptr_array_unref);
				best = g_steal_pointer(&tmp);
				best_cost = c;
			}
		}
		if (best == NULL)
			return FALSE;
		for (guint i = 0; i < best->len; i++)
			g_ptr_array_add(out, best->pdata[i]);
		return TRUE;
	}
	}
	return FALSE;
}

/* Files topic slot under key in table (once). */
static void
file_under(GHashTable *table, const char *key, guint slot)
{
	GArray *a = g_hash_table_lookup(table, key);

	if (a == NULL) {
		a = g_array_new(FALSE, FALSE, sizeof(guint));
		g_hash_table_insert(table, g_strdup(key), a);
	}
	if (a->len == 0 || g_array_index(a, guint, a->len - 1) != slot)
		g_array_append_val(a, slot);
}

void
fw_matcher_add(struct fw_matcher *m, guint topic, struct fw_query *q)
{
	g_autoptr(GPtrArray) terms = g_ptr_array_new();
	struct topic t = { .number = topic, .q = q };
	guint slot = m->topics->len;

	g_return_if_fail(q != NULL);
	g_array_append_val(m->topics, t);
	m->fields |= fw_query_fields(q);
	if (!req_terms(fw_query_root(q), terms)) {
		g_array_append_val(m->always, slot);
		return;
	}
	for (guint i = 0; i < terms->len; i++) {
		const struct fw_qterm *qt = terms->pdata[i];
		if (qt->prefix) {
			file_under(m->prefixes, qt->word, slot);
			m->prefix_len[MIN(qt->len, FW_TEXT_WORD_MAX)] = 1;
		} else {
			file_under(m->words, qt->word, slot);
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

/* Adds the slots in a (if any) not seen yet to cand. */
static void
add_cands(GArray *a, guint8 *seen, GArray *cand)
{
	if (a == NULL)
		return;
	for (guint i = 0; i < a->len; i++) {
		guint s = g_array_index(a, guint, i);
		if (!seen[s]) {
			seen[s] = 1;
			g_array_append_val(cand, s);
		}
	}
}

/* Orders candidate slots by topic number, then slot. */
static gint
cand_cmp_cb(gconstpointer a, gconstpointer b, gpointer data)
{
	const struct fw_matcher *m = data;
	guint x = *(const guint *)a, y = *(const guint *)b;
	guint tx = g_array_index(m->topics, struct topic, x).number;
	guint ty = g_array_index(m->topics, struct topic, y).number;

	if (tx != ty)
		return tx < ty ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Length of the common prefix of two strings. */
static guint
common_prefix(const char *a, const char *b)
{
	guint i = 0;

	while (a[i] && a[i] == b[i])
		i++;
	return i;
}

GPtrArray *
fw_matcher_match(struct fw_matcher *m, const struct fw_doc *doc)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(match_free);
	g_autoptr(GArray) cand = NULL;
	g_autofree guint8 *seen = NULL;
	gboolean any_prefix = g_hash_table_size(m->prefixes) > 0;
	const char *prev = "";
	struct docidx d;

	if (m->topics->len == 0)
		return out;
	docidx_init(&d, doc, m->fields);
	seen = g_malloc0(m->topics->len);
	cand = g_array_new(FALSE, FALSE, sizeof(guint));
	add_cands(m->always, seen, cand);
	for (guint s = 0; s < d.toks->len; s++) {
		const char *w = tok_word(&d, d.sorted[s]);
		guint len = tok_at(&d, d.sorted[s])->len;
		guint lcp;
		char key[FW_TEXT_WORD_MAX + 1];

		if (s > 0 && strcmp(w, prev) == 0)
			continue;
		lcp = common_prefix(w, prev);
		prev = w;
		add_cands(g_hash_table_lookup(m->words, w), seen, cand);
		if (!any_prefix)
			continue;
		/* Prefixes of w not already looked up for the previous word. */
		memcpy(key, w, len + 1);
		for (guint l = lcp + 1; l <= len; l++) {
			char c;
			if (!m->prefix_len[l])
				continue;
			c = key[l];
			key[l] = '\0';
			add_cands(g_hash_table_lookup(m->prefixes, key), seen, cand);
			key[l] = c;
		}
	}
	g_array_sort_with_data(cand, cand_cmp_cb, m);
	for (guint i = 0; i < cand->len; i++) {
		const struct topic *t = &g_array_index(m->topics, struct topic, g_array_index(cand, guint, i));
		GArray *spans = query_eval(t->q, &d);
		struct fw_match *fm;

		if (spans == NULL)
			continue;
		fm = g_new(struct fw_match, 1);
		fm->topic = t->number;
		fm->spans = spans;
		g_ptr_array_add(out, fm);
	}
	docidx_clear(&d);
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
