/* match-eval — evaluation of a compiled query over an item's doc index:
 * whether it matches, and the spans of what matched. */
#include <stdlib.h>
#include <string.h>

#include "match-int.h"

/* Spans recorded per leaf of a query at most (a word can occur thousands of times). */
#define FW_MATCH_SPANS_MAX 100

/* Zero bytes after a field's text for the regex JIT (see fw_match_regex_text). */
#define FW_MATCH_REGEX_PAD 64

/* Appends span sp to spans, the array d's evaluation appends to (in place
 * while its room allows: a call per span costs more than the span). */
static inline void
span_push(const struct docidx *d, GArray *spans, struct fw_span sp)
{
	FW_MATCH_PUSH(spans, &d->buf->room_spans, struct fw_span, sp);
}

/* Cuts spans (not zero-terminated, no clear function) back to len elements. */
static inline void
span_cut(GArray *spans, guint len)
{
	spans->len = len;
}

/* The word id of query term t (a whole word), or -1 if the item does not hold it. */
static inline gint64
word_id(const struct docidx *d, const struct fw_qterm *t)
{
	return strtab_find(&d->words, t->word, t->len, t->hash);
}

/* The range [*lo, *hi) of d->pfx holding prefix entry e. */
static void
pfx_range(const struct docidx *d, guint32 e, guint *lo, guint *hi)
{
	guint a = 0, b = d->npfx;

	while (a < b) {
		guint mid = a + (b - a) / 2;
		if (d->pfx[mid].entry < e)
			a = mid + 1;
		else
			b = mid;
	}
	*lo = a;
	for (b = a; b < d->npfx && d->pfx[b].entry == e; b++)
		;
	*hi = b;
}

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

/* fw_match_phrase_each for the occurrences that start with word id w. */
static gboolean
phrase_each_at(const struct docidx *d, const struct fw_qnode *n, const gint64 *wids, guint32 w,
               occ_cb found, gpointer data)
{
	for (guint32 p = d->post_at[w]; p < d->post_at[w + 1]; p++) {
		guint i = d->post[p];
		if (phrase_at(d, n, wids, i) && !found(i, i + n->n - 1, tok_at(d, i)->field, data))
			return FALSE;
	}
	return TRUE;
}

/* See match-int.h: the occurrences of phrase n, its first word found by its
 * postings (or, for a prefix, by the words listed under it). */
gboolean
fw_match_phrase_each(const struct docidx *d, const struct fw_qnode *n, occ_cb found, gpointer data)
{
	gint64 wids[FW_TOPIC_PHRASE_MAX];
	const struct fw_qterm *t0 = &n->terms[0];

	/* Every whole word of the phrase must be in the item. */
	for (guint j = 0; j < n->n; j++) {
		wids[j] = n->terms[j].prefix ? -1 : word_id(d, &n->terms[j]);
		if (!n->terms[j].prefix && wids[j] < 0)
			return TRUE;
	}
	if (!t0->prefix)
		return phrase_each_at(d, n, wids, wids[0], found, data);
	/* The words starting with t0: listed by the matcher, or a scan of the
	 * distinct words (both in word id order). */
	if (d->ptab != NULL) {
		gint64 e = strtab_find(d->ptab, t0->word, t0->len, t0->hash);
		if (e >= 0) {
			guint lo, hi;
			pfx_range(d, e, &lo, &hi);
			for (guint k = lo; k < hi; k++)
				if (!phrase_each_at(d, n, wids, d->pfx[k].wid, found, data))
					return FALSE;
			return TRUE;
		}
	}
	for (guint32 w = 0; w < d->words.ents->len; w++)
		if (has_prefix(d, w, t0) && !phrase_each_at(d, n, wids, w, found, data))
			return FALSE;
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

	span_push(s->d, s->spans, sp);
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
void
fw_match_near_collect(const struct docidx *d, const struct fw_qnode *n, GArray *out)
{
	if (n->kind == FW_QNODE_PHRASE) {
		fw_match_phrase_each(d, n, occ_add_cb, out);
		return;
	}
	for (guint i = 0; i < n->n; i++)
		fw_match_near_collect(d, n->kids[i], out);
}

/* Orders occurrences by first word, then last. */
gint
fw_match_occ_cmp_cb(gconstpointer a, gconstpointer b)
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

	span_push(d, spans, sp);
}

/* a NEAR/n b: some occurrence of each, in the same field, not overlapping,
 * at most n words apart (from the end of one to the start of the other). */
static gboolean
eval_near(const struct docidx *d, const struct fw_qnode *n, GArray *spans)
{
	struct docidx *dd = (struct docidx *)d;   /* its arrays are scratch: NEAR never nests */
	GArray *L, *R;
	guint dist = n->n, maxspan = 0, lo = 0;
	gboolean hit = FALSE;

	for (guint k = 0; k < 2; k++)
		g_array_set_size(dd->near[k], 0);
	L = dd->near[0];
	R = dd->near[1];

	fw_match_near_collect(d, n->kids[0], L);
	if (L->len == 0)
		return FALSE;
	fw_match_near_collect(d, n->kids[1], R);
	if (R->len == 0)
		return FALSE;
	sort_small(L, sizeof(struct occ), fw_match_occ_cmp_cb);   /* stable, as g_array_sort */
	sort_small(R, sizeof(struct occ), fw_match_occ_cmp_cb);
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
const char *
fw_match_regex_text(const struct docidx *d, guint f, gsize *len)
{
	struct docidx *dd = (struct docidx *)d;   /* a cache: d is logically unchanged */
	struct dbuf *b = d->buf;

	/* a field's text can be long: measured and copied once an item */
	if (d->padded[f] != NULL) {
		*len = d->padded_len[f];
		return d->padded[f];
	}
	*len = dd->padded_len[f] = strlen(d->doc->field[f]);
	if (b->cap_pad[f] < *len + FW_MATCH_REGEX_PAD) {
		g_free(b->pad[f]);
		b->cap_pad[f] = MAX(*len + FW_MATCH_REGEX_PAD, 1024);
		b->pad[f] = g_malloc(b->cap_pad[f]);
	}
	memcpy(b->pad[f], d->doc->field[f], *len);
	memset(b->pad[f] + *len, 0, FW_MATCH_REGEX_PAD);
	dd->padded[f] = b->pad[f];
	return dd->padded[f];
}

/* The characters in valid UTF-8 text [p, e): its bytes that do not
 * continue a character, counted 32 at a time. */
static guint
utf8_chars(const char *p, const char *e)
{
	guint n = e - p;

	/* continuation bytes are 10xxxxxx: bit 7 set, bit 6 clear; a byte of
	 * each word below is 1 for one, and their sum is at most 4 a byte */
#define FW_CONT(w) (((w) & ~((w) << 1) & G_GUINT64_CONSTANT(0x8080808080808080)) >> 7)
	for (; p + 32 <= e; p += 32) {
		guint64 w[4];
		memcpy(w, p, 32);
		w[0] = FW_CONT(w[0]) + FW_CONT(w[1]) + FW_CONT(w[2]) + FW_CONT(w[3]);
		n -= (w[0] * G_GUINT64_CONSTANT(0x0101010101010101)) >> 56;   /* the sum of the bytes */
	}
	for (; p + 8 <= e; p += 8) {
		guint64 w;
		memcpy(&w, p, 8);
		n -= (FW_CONT(w) * G_GUINT64_CONSTANT(0x0101010101010101)) >> 56;
	}
#undef FW_CONT
	for (; p < e; p++)
		n -= ((guchar)*p & 0xC0) == 0x80;
	return n;
}

/* A regular expression on the raw text of each of its fields. The match
 * limit compiled into it (topic.h) stops runaway backtracking at one start
 * position; a match that hits it counts as no match. */
static gboolean
eval_regex(const struct docidx *d, const struct fw_qnode *n, GArray *spans)
{
	gboolean hit = FALSE;
	guint fields = n->fields;

	/* After the matcher's scan: only the fields where one of its literals is
	 * (where a match starts, for a literal after \b). */
	if (d->itab != NULL && n->n > 0) {
		guint in = 0;
		for (guint i = 0; i < n->n; i++) {
			const struct fw_qterm *t = &n->terms[i];
			gint64 e = strtab_find(d->itab, t->word, t->len, t->hash);
			in |= e < 0 ? FW_FIELDS_ALL : t->word_start ? d->ifx_start[e] :
			      d->ifx_partial ? FW_FIELDS_ALL : d->ifx_fields[e];
		}
		fields &= in;
	}
	for (guint f = 0; f < FW_FIELD_COUNT; f++) {
		g_autoptr(GMatchInfo) mi = NULL;
		const char *text, *last;
		guint lastc = 0, count = 0;
		gsize len;

		if (!(fields & (1u << f)) || d->doc->field[f] == NULL)
			continue;
		last = text = fw_match_regex_text(d, f, &len);
		if (!g_regex_match_full(n->regex, text, len, 0, G_REGEX_MATCH_NOTEMPTY, &mi, NULL))
			continue;
		hit = TRUE;
		if (spans == NULL)
			return TRUE;
		do {
			gint s, e;
			struct fw_span sp = { .field = f };

			if (!g_match_info_fetch_pos(mi, 0, &s, &e) || s == e)
				continue;
			sp.start = lastc + utf8_chars(last, text + s);
			sp.end = sp.start + utf8_chars(text + s, text + e);
			last = text + e;
			lastc = sp.end;
			span_push(d, spans, sp);
			if (++count >= FW_MATCH_SPANS_MAX)
				break;
		} while (g_match_info_next(mi, NULL));
	}
	return hit;
}

/* Evaluates node n on d; with spans non-NULL, appends the spans of what
 * matched (nothing when it returns FALSE). */
gboolean
fw_match_eval(const struct docidx *d, const struct fw_qnode *n, GArray *spans)
{
	gboolean any = FALSE;
	guint mark;

	switch (n->kind) {
	case FW_QNODE_PHRASE:
		if (spans == NULL) {
			fw_match_phrase_each(d, n, stop_cb, &any);
			return any;
		} else {
			struct span_sink s = { .d = d, .spans = spans };
			mark = spans->len;
			fw_match_phrase_each(d, n, span_cb, &s);
			return spans->len > mark;
		}
	case FW_QNODE_REGEX:
		return eval_regex(d, n, spans);
	case FW_QNODE_NEAR:
		return eval_near(d, n, spans);
	case FW_QNODE_NOT:
		return !fw_match_eval(d, n->kids[0], NULL);
	case FW_QNODE_AND:
		mark = spans ? spans->len : 0;
		for (guint i = 0; i < n->n; i++) {
			if (!fw_match_eval(d, n->kids[i], spans)) {
				if (spans)
					span_cut(spans, mark);
				return FALSE;
			}
		}
		return TRUE;
	case FW_QNODE_OR:
		for (guint i = 0; i < n->n; i++) {
			if (fw_match_eval(d, n->kids[i], spans)) {
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

/* Sorts the n spans at a and merges the ones that overlap (or repeat);
 * returns how many are left (at the start of a). */
static guint
spans_tidy(struct fw_span *a, guint n)
{
	guint w = 0;

	/* usually a few spans, nearly in order: insertion sort */
	if (n > 32) {
		qsort(a, n, sizeof(*a), span_cmp_cb);
	} else {
		for (guint i = 1; i < n; i++) {
			struct fw_span x = a[i];
			guint j = i;
			while (j > 0 && span_cmp_cb(&a[j - 1], &x) > 0) {
				a[j] = a[j - 1];
				j--;
			}
			a[j] = x;
		}
	}
	for (guint i = 0; i < n; i++) {
		struct fw_span *p = w ? &a[w - 1] : NULL;

		if (p && p->field == a[i].field && a[i].start < p->end) {
			p->end = MAX(p->end, a[i].end);
			continue;
		}
		a[w++] = a[i];
	}
	return w;
}

/* Evaluates the query of root node `root` on an indexed item: TRUE if it
 * matches, with its spans (tidy) appended to spans; FALSE appends nothing. */
gboolean
fw_match_query_eval(const struct fw_qnode *root, const struct docidx *d, GArray *spans)
{
	guint mark = spans->len;

	if (!fw_match_eval(d, root, spans))
		return FALSE;
	/* Nothing appended (a NOT) leaves spans->data NULL if it was: no
	 * pointer into it then (NULL + 0 is undefined). */
	if (spans->len > mark)
		span_cut(spans, mark + spans_tidy(&g_array_index(spans, struct fw_span, mark),
		                                  spans->len - mark));
	return TRUE;
}

GArray *
fw_query_match(const struct fw_query *q, const struct fw_doc *doc)
{
	struct docidx d;
	GArray *spans = g_array_new(FALSE, FALSE, sizeof(struct fw_span));
	gboolean yes;

	fw_match_docidx_init(&d, doc, fw_query_fields(q), NULL);
	yes = fw_match_query_eval(fw_query_root(q), &d, spans);
	fw_match_docidx_clear(&d);
	if (!yes) {
		g_array_unref(spans);
		return NULL;
	}
	return spans;
}
