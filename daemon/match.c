/* match — evaluation of compiled queries over an item, the presearch index
 * over all topics, snippets, explanations (see match.h).
 *
 * An item is tokenised once into a doc index: every word of every field in
 * document order (fields one after the other, so a global word number and the
 * field tell positions apart), its distinct words in a hash table with their
 * positions and fields. Under a matcher only the words some topic can use
 * (its words, words starting with its prefixes, words the regex literal scan
 * looks at) get ids of their own; the rest share one id, still counted as
 * words so that distances stay exact. The matcher files each topic under the terms of one
 * clause of what it requires (words, prefixes, regex literals: one of them
 * is in any item it matches), chosen when matching starts: the clause whose
 * terms fewest topics use (words many topics use are taken to be common).
 * One scan of the item's distinct words finds the topics filed under them,
 * under their prefixes and under literals inside them, and lists the words
 * under each prefix topics use; a few more clauses are checked before a
 * topic is evaluated. Measured in bench (10,000 topics against 10). */
#include <stdlib.h>
#include <string.h>

#include "feedwatch/match.h"
#include "feedwatch/text.h"

#define FW_FIELDS_ALL ((1u << FW_FIELD_COUNT) - 1)

/* Spans recorded per leaf of a query at most (a word can occur thousands of times). */
#define FW_MATCH_SPANS_MAX 100

/* ---- string tables: open addressing over a pool of strings ---- */

/* The tables hash with the tokenizer's hash (FNV-1a, see text.h), so that
 * words come with their hash and query terms carry theirs. */
#define FNV_INIT FW_TEXT_HASH_INIT

/* One step of the hash: incremental, so prefixes hash on the way. */
static inline guint32
fnv_step(guint32 h, guchar c)
{
	return FW_TEXT_HASH_STEP(h, c);
}

/* The hash of s[0..len). */
static inline guint32
fnv(const char *s, gsize len)
{
	return fw_text_hash(s, len);
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
	guint cap;          /* entries ents has room for */
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
	t->cap = hint;
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

/* TRUE if some entry has this hash and length (a check that may say yes
 * wrongly, never no wrongly, without touching the string). */
static gboolean
strtab_has_hash(const struct strtab *t, guint32 len, guint32 hash)
{
	for (guint32 i = hash & t->mask;; i = (i + 1) & t->mask) {
		guint32 e = t->slots[i];
		const struct sent *x;

		if (e == 0)
			return FALSE;
		x = strtab_ent(t, e - 1);
		if (x->hash == hash && x->len == len)
			return TRUE;
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

/* The entry for s[0..len), added (with val 0) if new. Copies in place
 * while the pool and the entries have room (the doc index adds a word for
 * most words of an item under many topics). */
static guint32
strtab_add(struct strtab *t, const char *s, guint32 len, guint32 hash)
{
	struct sent x = { .off = t->pool->len, .len = len, .hash = hash };
	gsize at = t->pool->len;
	guint32 i, e;

	for (i = hash & t->mask; (e = t->slots[i]) != 0; i = (i + 1) & t->mask) {
		const struct sent *y = strtab_ent(t, e - 1);
		if (y->hash == hash && y->len == len && memcmp(t->pool->str + y->off, s, len) == 0)
			return e - 1;
	}
	if ((t->ents->len + 1) * 2 > t->mask + 1) {
		strtab_grow(t);
		for (i = hash & t->mask; t->slots[i]; i = (i + 1) & t->mask)
			;
	}
	if (at + len + 1 < t->pool->allocated_len) {
		memcpy(t->pool->str + at, s, len);
		t->pool->str[at + len] = '\0';
		t->pool->len = at + len + 1;
		t->pool->str[t->pool->len] = '\0';
	} else {
		g_string_append_len(t->pool, s, len);
		g_string_append_c(t->pool, '\0');
	}
	if (t->ents->len == t->cap) {
		guint n = t->ents->len;
		t->cap = MAX(2 * t->cap, 16);
		g_array_set_size(t->ents, t->cap);
		g_array_set_size(t->ents, n);
	}
	((struct sent *)(void *)t->ents->data)[t->ents->len++] = x;
	t->slots[i] = t->ents->len;
	return t->ents->len - 1;
}

/* ---- the doc index ---- */

/* Zero bytes after a field's text for the regex JIT (see regex_text). */
#define FW_MATCH_REGEX_PAD 64

/* Slots of the matcher's prefix and infix filters (a power of two). */
#define FW_MATCH_FILTER 16384

/* The filter slot of a word's first 3 bytes. */
static inline guint
filter_slot(const char *w)
{
	guint32 x = (guchar)w[0] | (guchar)w[1] << 8 | (guchar)w[2] << 16;

	return (x * 2654435761u) >> 18;   /* the top 14 bits: FW_MATCH_FILTER slots */
}

/* One word of the item. */
struct dtok {
	guint32 wid;        /* its distinct word */
	guint32 field;
	guint32 start;      /* character offsets in the field's text */
	guint32 end;
};

/* A bit of a doc index's word fields (beside the field bits): some
 * occurrence of the word is not all ASCII letters and digits, so a regex
 * word boundary may fall inside it (see scan_terms). */
#define FW_MATCH_WORD_WIDE 0x80

/* A word of the item that starts with a prefix some topic uses. */
struct pair {
	guint32 entry;      /* in the matcher's table of prefixes */
	guint32 wid;
};

/* A match found, with the slot of its topic (for ordering) and its run of
 * the result's spans. */
struct found {
	guint number;
	guint slot;
	guint first;
	guint nspans;
};

/* Makes room in a for at least twice its length, 64 elements at least, and
 * records the room in *room (see FW_MATCH_PUSH). */
static void
array_grow(GArray *a, guint *room)
{
	guint n = a->len;

	*room = MAX(2 * n, 64);
	g_array_set_size(a, *room);
	g_array_set_size(a, n);   /* GArray keeps what it allocated */
}

/* Appends v (of type) to GArray a (not zero-terminated) whose room the
 * caller keeps in *room: in place, where g_array_append_val is a call per
 * element (millions of candidates and matches in a run). */
#define FW_MATCH_PUSH(a, room, type, v) do { \
	if (G_UNLIKELY((a)->len >= *(room))) \
		array_grow((a), (room)); \
	((type *)(void *)(a)->data)[(a)->len++] = (v); \
} while (0)

/* The buffers of a doc index, kept for the thread's next item (allocating
 * them for each item costs more than filling them). */
struct dbuf {
	struct strtab words;
	GArray *toks;
	guint32 *post;
	guint32 *post_at;
	guint8 *wfields;
	guint cap_toks;         /* entries toks holds room for (at least) */
	guint cap_post;         /* entries of post */
	guint cap_words;        /* entries of post_at (and wfields) */
	/* the matcher's per-item arrays (see candidates) and regex_text's copies */
	GArray *pairs;          /* struct pair */
	GArray *cand;           /* candidate slots */
	guint room_pairs, room_cand, room_found;    /* see FW_MATCH_PUSH */
	GArray *found;          /* struct found */
	GArray *wide;           /* word ids of words not all ASCII letters and digits
	                         * (repeats possible) */
	GArray *near[2];        /* struct occ: eval_near's */
	guint8 *pfx_in;
	guint cap_pfx_in;
	guint8 *ifx_fields;
	guint cap_ifx;
	char *pad[FW_FIELD_COUNT];
	gsize cap_pad[FW_FIELD_COUNT];
	gboolean busy;          /* lent to a doc index now */
};

/* An item tokenised. */
struct docidx {
	const struct fw_doc *doc;
	struct dbuf *buf;       /* words, toks, post, post_at, wfields live there */
	struct strtab words;    /* distinct normalised words (word ids) */
	GArray *toks;           /* struct dtok, field by field */
	guint base[FW_FIELD_COUNT + 1];   /* words of field f: [base[f], base[f + 1]) */
	guint8 *wfields;        /* word id -> mask of the fields it occurs in, and
	                         * FW_MATCH_WORD_WIDE */
	guint32 *post;          /* word numbers grouped by word id, in document order */
	guint32 *post_at;       /* word id -> its first in post; [nwords] = words */
	const struct strtab *ptab;  /* the matcher's prefixes (see candidates), or NULL */
	struct pair *pfx;       /* (prefix entry, word id starting with it), sorted */
	guint npfx;
	guint8 *pfx_in;         /* prefix entry -> 1 if some word starts with it */
	const struct strtab *itab;  /* the matcher's regex literals, or NULL */
	guint8 *ifx_fields;     /* literal entry -> the fields of the words holding it */
	gboolean ifx_partial;   /* ifx_fields lacks literals inside all-ASCII words
	                         * (the matcher's are all word_start) */
	guint8 *ifx_start;      /* literal entry -> the fields where it may start a
	                         * regex word: starts a word, or is inside a word
	                         * that is not all ASCII letters and digits */
	gboolean long_words;    /* a word may have been cut (see build_cb) */
	char *padded[FW_FIELD_COUNT];   /* see regex_text (in buf), NULL until made */
	GArray **near;          /* buf's: eval_near's, reused within the item */
};

/* An occurrence of a phrase: word numbers first..last (inclusive). */
struct occ {
	guint first;
	guint last;
	guint16 field;
	gboolean used;
};

static inline const struct dtok *
tok_at(const struct docidx *d, guint i)
{
	return &g_array_index(d->toks, struct dtok, i);
}

struct build {
	struct docidx *d;
	guint field;
	const struct fw_matcher *keep;  /* index only the words its topics can use, or NULL */
	guint cap;              /* entries d->toks holds room for (at least) */
};

struct fw_matcher;
static gboolean token_wanted(const struct fw_matcher *m, const struct fw_text_word *tw);

/* The word id of the words a matcher's topics cannot use (see build_cb). */
#define FW_MATCH_OTHER 0

/* Appends one word of a field to the doc index. */
static void
build_cb(const struct fw_text_word *w, gpointer data)
{
	struct build *b = data;
	guint len = w->len, start = w->start, end = w->end;
	struct dtok t = { .field = b->field, .start = start, .end = end };

	/* Words no topic can use all share one id (an empty word): they still
	 * count as words, so phrase and NEAR distances stay exact. */
	if (b->keep != NULL && !token_wanted(b->keep, w)) {
		t.wid = FW_MATCH_OTHER;
	} else {
		t.wid = strtab_add(&b->d->words, w->norm, len, w->hash);
		/* the few words not all ASCII letters and digits (see docidx_init) */
		if (G_UNLIKELY(!w->ascii))
			g_array_append_val(b->d->buf->wide, t.wid);
	}

	/* The tokenizer cuts words past FW_TEXT_WORD_MAX bytes (and reads at
	 * most 8 times that): a regex literal may be in the part cut off. */
	if (len > FW_TEXT_WORD_MAX - 8 || end - start > FW_TEXT_WORD_MAX - 8)
		b->d->long_words = TRUE;
	/* Appending in place while there is room: g_array_append_val is a call
	 * per word, and this is the hottest loop of matching. */
	if (b->d->toks->len < b->cap) {
		((struct dtok *)(void *)b->d->toks->data)[b->d->toks->len++] = t;
	} else {
		g_array_append_val(b->d->toks, t);
		b->cap = b->d->toks->len;
	}
}

/* Slots of a doc index's word table kept between items at most. */
#define FW_MATCH_KEEP_SLOTS 4096

static void
dbuf_free(struct dbuf *b)
{
	strtab_clear(&b->words);
	g_array_unref(b->toks);
	g_free(b->post);
	g_free(b->post_at);
	g_free(b->wfields);
	g_array_unref(b->pairs);
	g_array_unref(b->cand);
	g_array_unref(b->found);
	g_array_unref(b->wide);
	g_array_unref(b->near[0]);
	g_array_unref(b->near[1]);
	g_free(b->pfx_in);
	g_free(b->ifx_fields);
	for (guint f = 0; f < FW_FIELD_COUNT; f++)
		g_free(b->pad[f]);
	g_free(b);
}

static void
dbuf_free_cb(gpointer p)
{
	dbuf_free(p);
}

static GPrivate dbuf_key = G_PRIVATE_INIT(dbuf_free_cb);

/* This thread's buffers, emptied, or new ones if they are lent already. */
static struct dbuf *
dbuf_get(void)
{
	struct dbuf *b = g_private_get(&dbuf_key);
	gboolean keep = b == NULL;

	if (b == NULL || b->busy) {
		b = g_new0(struct dbuf, 1);
		strtab_init(&b->words, 256);
		b->toks = g_array_sized_new(FALSE, FALSE, sizeof(struct dtok), 512);
		b->cap_toks = 512;
		b->pairs = g_array_new(FALSE, FALSE, sizeof(struct pair));
		b->cand = g_array_new(FALSE, FALSE, sizeof(guint));
		b->found = g_array_new(FALSE, FALSE, sizeof(struct found));
		b->wide = g_array_new(FALSE, FALSE, sizeof(guint32));
		b->near[0] = g_array_new(FALSE, FALSE, sizeof(struct occ));
		b->near[1] = g_array_new(FALSE, FALSE, sizeof(struct occ));
		if (keep)
			g_private_set(&dbuf_key, b);
	} else {
		g_string_truncate(b->words.pool, 0);
		g_array_set_size(b->words.ents, 0);
		if (b->words.mask + 1 > FW_MATCH_KEEP_SLOTS) {
			g_free(b->words.slots);
			b->words.slots = g_new0(guint32, 512);
			b->words.mask = 511;
		} else {
			memset(b->words.slots, 0, sizeof(guint32) * (b->words.mask + 1));
		}
		g_array_set_size(b->toks, 0);
		g_array_set_size(b->wide, 0);
	}
	b->busy = TRUE;
	return b;
}

/* Gives buffers back (or frees them if they are not the thread's). */
static void
dbuf_put(struct dbuf *b)
{
	if (b == g_private_get(&dbuf_key))
		b->busy = FALSE;
	else
		dbuf_free(b);
}

/* Tokenises the fields in mask of doc into d: with keep, only the words
 * keep's topics can use get ids of their own (see build_cb). */
static void
docidx_init(struct docidx *d, const struct fw_doc *doc, guint mask,
            const struct fw_matcher *keep)
{
	struct build b = { .d = d, .keep = keep };
	struct dbuf *buf = dbuf_get();
	guint n, nw;

	memset(d, 0, sizeof(*d));
	d->doc = doc;
	d->buf = buf;
	d->near = buf->near;
	d->words = buf->words;
	d->toks = buf->toks;
	b.cap = buf->cap_toks;
	if (keep != NULL)
		strtab_add(&d->words, "", 0, fnv("", 0));   /* FW_MATCH_OTHER */
	for (guint f = 0; f < FW_FIELD_COUNT; f++) {
		d->base[f] = d->toks->len;
		if (!(mask & (1u << f)) || doc->field[f] == NULL)
			continue;
		b.field = f;
		fw_text_tokenize(doc->field[f], build_cb, &b);
	}
	buf->words = d->words;   /* the table may have grown */
	buf->cap_toks = b.cap;
	n = d->base[FW_FIELD_COUNT] = d->toks->len;
	nw = d->words.ents->len;

	/* Postings: counting sort of the words by word id. */
	if (buf->cap_post < n + 1) {
		g_free(buf->post);
		buf->cap_post = MAX(n + 1, 1024);
		buf->post = g_new(guint32, buf->cap_post);
	}
	if (buf->cap_words < nw + 1) {
		g_free(buf->post_at);
		g_free(buf->wfields);
		buf->cap_words = MAX(nw + 1, 512);
		buf->post_at = g_new(guint32, buf->cap_words);
		buf->wfields = g_new(guint8, buf->cap_words);
	}
	d->post = buf->post;
	d->post_at = buf->post_at;
	d->wfields = buf->wfields;
	memset(d->post_at, 0, sizeof(guint32) * (nw + 1));
	memset(d->wfields, 0, nw + 1);
	for (guint i = 0; i < n; i++) {
		d->post_at[tok_at(d, i)->wid + 1]++;
		d->wfields[tok_at(d, i)->wid] |= 1u << tok_at(d, i)->field;
	}
	for (guint i = 0; i < buf->wide->len; i++)
		d->wfields[g_array_index(buf->wide, guint32, i)] |= FW_MATCH_WORD_WIDE;
	for (guint w = 0; w < nw; w++)
		d->post_at[w + 1] += d->post_at[w];
	for (guint i = 0; i < n; i++) {
		guint32 w = tok_at(d, i)->wid;
		/* val (0 when added) counts the word's postings filled so far */
		d->post[d->post_at[w] + g_array_index(d->words.ents, struct sent, w).val++] = i;
	}
}

static void
docidx_clear(struct docidx *d)
{
	dbuf_put(d->buf);
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

/* phrase_each for the occurrences that start with word id w. */
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

static gboolean
phrase_each(const struct docidx *d, const struct fw_qnode *n, occ_cb found, gpointer data)
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

static inline __attribute__((always_inline)) void sort_small(GArray *a, gsize size,
                                                             GCompareFunc cmp);

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

	near_collect(d, n->kids[0], L);
	if (L->len == 0)
		return FALSE;
	near_collect(d, n->kids[1], R);
	if (R->len == 0)
		return FALSE;
	sort_small(L, sizeof(struct occ), occ_cmp_cb);   /* stable, as g_array_sort */
	sort_small(R, sizeof(struct occ), occ_cmp_cb);
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

	struct dbuf *b = d->buf;

	*len = strlen(text);
	if (dd->padded[f] == NULL) {
		if (b->cap_pad[f] < *len + FW_MATCH_REGEX_PAD) {
			g_free(b->pad[f]);
			b->cap_pad[f] = MAX(*len + FW_MATCH_REGEX_PAD, 1024);
			b->pad[f] = g_malloc(b->cap_pad[f]);
		}
		memcpy(b->pad[f], text, *len);
		memset(b->pad[f] + *len, 0, FW_MATCH_REGEX_PAD);
		dd->padded[f] = b->pad[f];
	}
	return dd->padded[f];
}

/* The characters in valid UTF-8 text [p, e): its bytes that do not
 * continue a character, counted 8 at a time. */
static guint
utf8_chars(const char *p, const char *e)
{
	guint n = e - p;

	for (; p + 8 <= e; p += 8) {
		guint64 w;
		memcpy(&w, p, 8);
		/* continuation bytes are 10xxxxxx: bit 7 set, bit 6 clear */
		w = (w & ~(w << 1) & G_GUINT64_CONSTANT(0x8080808080808080)) >> 7;
		n -= (w * G_GUINT64_CONSTANT(0x0101010101010101)) >> 56;   /* the sum of the bytes */
	}
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
			sp.start = lastc + utf8_chars(last, text + s);
			sp.end = sp.start + utf8_chars(text + s, text + e);
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

/* Sorts an array of elements of `size` bytes in place: insertion sort for a
 * few (inlined at each use, with its comparison), g_array_sort for more. */
static inline __attribute__((always_inline)) void
sort_small(GArray *a, gsize size, GCompareFunc cmp)
{
	char tmp[32];

	if (a->len > 32 || size > sizeof(tmp)) {
		g_array_sort(a, cmp);
		return;
	}
	for (guint i = 1; i < a->len; i++) {
		guint j = i;
		memcpy(tmp, a->data + i * size, size);
		while (j > 0 && cmp(a->data + (j - 1) * size, tmp) > 0) {
			memcpy(a->data + j * size, a->data + (j - 1) * size, size);
			j--;
		}
		memcpy(a->data + j * size, tmp, size);
	}
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
static gboolean
query_eval(const struct fw_qnode *root, const struct docidx *d, GArray *spans)
{
	guint mark = spans->len;

	if (!eval(d, root, spans))
		return FALSE;
	g_array_set_size(spans, mark + spans_tidy(&g_array_index(spans, struct fw_span, mark),
	                                          spans->len - mark));
	return TRUE;
}

GArray *
fw_query_match(const struct fw_query *q, const struct fw_doc *doc)
{
	struct docidx d;
	GArray *spans = g_array_new(FALSE, FALSE, sizeof(struct fw_span));
	gboolean yes;

	docidx_init(&d, doc, fw_query_fields(q), NULL);
	yes = query_eval(fw_query_root(q), &d, spans);
	docidx_clear(&d);
	if (!yes) {
		g_array_unref(spans);
		return NULL;
	}
	return spans;
}

/* ---- explanations ---- */

/* Items of a list named in an explanation at most ("and N more" after). */
#define FW_MATCH_EXPLAIN_LIST 5
/* Characters of an explanation at most (cut with "…"). */
#define FW_MATCH_EXPLAIN_MAX 1000
/* Characters of quoted item text (a regex match, a word form) at most. */
#define FW_MATCH_EXPLAIN_QUOTE 40


struct explain {
	const struct docidx *d;
	const char *src;        /* the query's source */
};

/* What an explanation of one node says. */
struct why {
	GString *text;
	gboolean plain_miss;    /* just "X not found": ORs list such kids as "none of ..." */
};

/* The query text of node n; a word or phrase without parentheses around it. */
static char *
node_text(const struct explain *x, const struct fw_qnode *n)
{
	char *s = g_utf8_substring(x->src, n->col - 1, n->end - 1);
	gsize len = strlen(s);

	while ((n->kind == FW_QNODE_PHRASE || n->kind == FW_QNODE_REGEX) && len >= 2 &&
	       s[0] == '(' && s[len - 1] == ')') {
		memmove(s, s + 1, len - 2);
		len -= 2;
		s[len] = '\0';
		g_strstrip(s);
		len = strlen(s);
	}
	return s;
}

/* Appends the names of the fields in mask: "title", "title and content". */
static void
append_fields(GString *out, guint mask)
{
	guint n = 0, total = 0;

	for (guint f = 0; f < FW_FIELD_COUNT; f++)
		total += (mask >> f) & 1;
	for (guint f = 0; f < FW_FIELD_COUNT; f++) {
		if (!(mask & (1u << f)))
			continue;
		if (n > 0)
			g_string_append(out, n + 1 == total ? " and " : ", ");
		g_string_append(out, fw_field_name(f));
		n++;
	}
}

/* The item's text of word numbers first..last, cut to FW_MATCH_EXPLAIN_QUOTE. */
static char *
occ_text(const struct docidx *d, guint first, guint last)
{
	const struct dtok *a = tok_at(d, first), *b = tok_at(d, last);
	const char *text = d->doc->field[a->field];
	const char *s = g_utf8_offset_to_pointer(text, a->start);
	glong n = MIN(b->end - a->start, FW_MATCH_EXPLAIN_QUOTE);
	const char *e = g_utf8_offset_to_pointer(s, n);
	char *out = g_strndup(s, e - s);

	if (b->end - a->start > FW_MATCH_EXPLAIN_QUOTE) {
		char *cut = g_strconcat(out, "…", NULL);
		g_free(out);
		out = cut;
	}
	return out;
}

/* Where a phrase occurs: its fields, its first occurrence, a few forms. */
struct seen_occ {
	const struct docidx *d;
	guint fields;
	guint count;
	gint first;             /* word number of the first occurrence, or -1 */
	gint last;
	GPtrArray *forms;       /* distinct texts of occurrences (prefixes), or NULL */
};

static gboolean
seen_occ_cb(guint first, guint last, guint field, gpointer data)
{
	struct seen_occ *s = data;

	s->fields |= 1u << field;
	if (s->count++ == 0) {
		s->first = first;
		s->last = last;
	}
	if (s->forms && s->forms->len <= FW_MATCH_EXPLAIN_LIST) {
		g_autofree char *t = occ_text(s->d, first, last);
		gboolean dup = FALSE;
		g_autofree char *ft = g_utf8_casefold(t, -1);
		for (guint i = 0; i < s->forms->len && !dup; i++) {
			g_autofree char *fi = g_utf8_casefold(s->forms->pdata[i], -1);
			dup = strcmp(fi, ft) == 0;
		}
		if (!dup)
			g_ptr_array_add(s->forms, g_steal_pointer(&t));
	}
	return TRUE;
}

/* Appends up to FW_MATCH_EXPLAIN_LIST strings joined by sep, then "and N more". */
static void
append_list(GString *out, GPtrArray *items, const char *sep)
{
	for (guint i = 0; i < items->len && i < FW_MATCH_EXPLAIN_LIST; i++)
		g_string_append_printf(out, "%s%s", i ? sep : "", (char *)items->pdata[i]);
	if (items->len > FW_MATCH_EXPLAIN_LIST)
		g_string_append_printf(out, " and %u more", items->len - FW_MATCH_EXPLAIN_LIST);
}

static struct why explain_node(const struct explain *x, const struct fw_qnode *n);

/* A word or phrase: where it was found, or why not. */
static struct why
explain_phrase(const struct explain *x, const struct fw_qnode *n)
{
	struct why w = { g_string_new(NULL), FALSE };
	g_autofree char *text = node_text(x, n);
	g_autoptr(GPtrArray) forms = g_ptr_array_new_with_free_func(g_free);
	struct seen_occ s = { .d = x->d, .first = -1, .forms = forms };
	struct fw_qnode all = *n;
	gboolean prefix = FALSE;

	for (guint i = 0; i < n->n; i++)
		prefix = prefix || n->terms[i].prefix;
	phrase_each(x->d, n, seen_occ_cb, &s);
	if (s.count > 0) {
		g_string_append_printf(w.text, "%s found in ", text);
		append_fields(w.text, s.fields);
		if (prefix) {
			g_string_append(w.text, " (");
			append_list(w.text, forms, ", ");
			g_string_append_c(w.text, ')');
		}
		return w;
	}
	g_string_append_printf(w.text, "%s not found", text);
	if (n->fields != FW_FIELDS_DEFAULT) {
		g_string_append(w.text, " in ");
		append_fields(w.text, n->fields);
	}
	/* Near misses: in fields the query does not look at, words apart, or
	 * only as the start of longer words (China in Chinatown). */
	all.fields = FW_FIELDS_ALL;
	g_ptr_array_set_size(forms, 0);
	phrase_each(x->d, &all, seen_occ_cb, &s);
	if (s.count > 0) {
		g_string_append(w.text, " (only in ");
		append_fields(w.text, s.fields);
		g_string_append_c(w.text, ')');
		return w;
	}
	if (n->n > 1) {
		gboolean all_there = TRUE;
		for (guint i = 0; i < n->n && all_there; i++) {
			const struct fw_qterm *t = &n->terms[i];
			gboolean there = FALSE;
			for (guint32 v = 0; v < x->d->words.ents->len && !there; v++)
				there = t->prefix ? has_prefix(x->d, v, t)
				                  : strcmp(strtab_key(&x->d->words, v), t->word) == 0;
			all_there = there;
		}
		if (all_there) {
			g_string_append(w.text, " (its words are there, not in that order)");
			return w;
		}
	}
	if (n->n == 1 && !n->terms[0].prefix) {
		const struct fw_qterm *t = &n->terms[0];
		for (guint32 v = 0; v < x->d->words.ents->len; v++) {
			if (strtab_ent(&x->d->words, v)->len > t->len && has_prefix(x->d, v, t)) {
				guint i = x->d->post[x->d->post_at[v]];
				g_autofree char *form = occ_text(x->d, i, i);
				if (forms->len < FW_MATCH_EXPLAIN_LIST)
					g_ptr_array_add(forms, g_steal_pointer(&form));
			}
		}
		if (forms->len > 0) {
			g_string_append(w.text, " (only inside other words: ");
			append_list(w.text, forms, ", ");
			g_string_append_c(w.text, ')');
			return w;
		}
	}
	w.plain_miss = n->fields == FW_FIELDS_DEFAULT;
	return w;
}

/* A regular expression: the first match and its field, or why not. */
static struct why
explain_regex(const struct explain *x, const struct fw_qnode *n)
{
	struct why w = { g_string_new(NULL), FALSE };
	g_autofree char *text = node_text(x, n);
	gboolean limit = FALSE;

	for (guint f = 0; f < FW_FIELD_COUNT; f++) {
		g_autoptr(GMatchInfo) mi = NULL;
		g_autoptr(GError) err = NULL;
		const char *s;
		gsize len;
		gint a, b;

		if (!(n->fields & (1u << f)) || x->d->doc->field[f] == NULL)
			continue;
		s = regex_text(x->d, f, &len);
		if (!g_regex_match_full(n->regex, s, len, 0, 0, &mi, &err)) {
			limit = limit || err != NULL;
			continue;
		}
		g_match_info_fetch_pos(mi, 0, &a, &b);
		{
			g_autofree char *m = g_strndup(s + a, b - a);
			glong chars = g_utf8_strlen(m, -1);
			g_autofree char *cut = g_utf8_substring(m, 0, MIN(chars, FW_MATCH_EXPLAIN_QUOTE));
			g_string_append_printf(w.text, "%s matched \"%s%s\" in %s", text, cut,
			                       chars > FW_MATCH_EXPLAIN_QUOTE ? "…" : "",
			                       fw_field_name(f));
		}
		return w;
	}
	if (limit)
		g_string_append_printf(w.text, "%s gave up (too much backtracking), counted as no match",
		                       text);
	else
		g_string_append_printf(w.text, "%s did not match", text);
	return w;
}

/* Collects the occurrences of NEAR operand n in the item (sorted). */
static GArray *
near_occs(const struct docidx *d, const struct fw_qnode *n)
{
	GArray *o = g_array_new(FALSE, FALSE, sizeof(struct occ));

	near_collect(d, n, o);
	g_array_sort(o, occ_cmp_cb);
	return o;
}

/* "China found in content" for a NEAR operand found at occurrence o. */
static void
append_found(GString *out, const struct docidx *d, const struct occ *o)
{
	g_autofree char *t = occ_text(d, o->first, o->last);

	g_string_append_printf(out, "%s found in %s", t, fw_field_name(o->field));
}

/* a NEAR/n b: the pair that made it, or what was missing or too far. */
static struct why
explain_near(const struct explain *x, const struct fw_qnode *n)
{
	struct why w = { g_string_new(NULL), FALSE };
	g_autoptr(GArray) L = near_occs(x->d, n->kids[0]);
	g_autoptr(GArray) R = near_occs(x->d, n->kids[1]);
	g_autofree char *rtext = node_text(x, n->kids[1]);
	const struct occ *ba = NULL, *bb = NULL;
	guint best = G_MAXUINT;

	if (L->len == 0 || R->len == 0) {
		/* what was found first, then what was not */
		for (guint k = 0; k < 2; k++) {
			if ((k ? R : L)->len > 0) {
				append_found(w.text, x->d, &g_array_index(k ? R : L, struct occ, 0));
				g_string_append(w.text, ", but ");
			}
		}
		for (guint k = 0; k < 2; k++) {
			if ((k ? R : L)->len == 0) {
				struct why m = explain_node(x, n->kids[k]);
				if (k && L->len == 0)
					g_string_append(w.text, ", ");
				g_string_append_len(w.text, m.text->str, m.text->len);
				g_string_free(m.text, TRUE);
			}
		}
		return w;
	}
	/* The closest pair in one field (not overlapping). */
	for (guint i = 0; i < L->len; i++) {
		const struct occ *a = &g_array_index(L, struct occ, i);
		for (guint j = 0; j < R->len; j++) {
			const struct occ *b = &g_array_index(R, struct occ, j);
			guint gap;
			if (a->field != b->field)
				continue;
			if (b->first > a->last)
				gap = b->first - a->last;
			else if (a->first > b->last)
				gap = a->first - b->last;
			else
				continue;
			if (gap < best) {
				best = gap;
				ba = a;
				bb = b;
			}
		}
	}
	if (ba != NULL && best <= n->n) {
		g_autofree char *ta = occ_text(x->d, ba->first, ba->last);
		g_autofree char *tb = occ_text(x->d, bb->first, bb->last);
		if (best == 1)
			g_string_append_printf(w.text, "%s and %s found next to each other in %s", ta, tb,
			                       fw_field_name(ba->field));
		else
			g_string_append_printf(w.text, "%s and %s found %u words apart in %s (NEAR/%u)",
			                       ta, tb, best, fw_field_name(ba->field), n->n);
		return w;
	}
	append_found(w.text, x->d, ba ? ba : &g_array_index(L, struct occ, 0));
	g_string_append_printf(w.text, ", no %s within %u word%s", rtext, n->n, n->n == 1 ? "" : "s");
	if (ba != NULL) {
		g_string_append_printf(w.text, " (the nearest is %u words away)", best);
	} else {
		guint rf = 0;
		for (guint j = 0; j < R->len; j++)
			rf |= 1u << g_array_index(R, struct occ, j).field;
		g_string_append(w.text, " (it is only in ");
		append_fields(w.text, rf);
		g_string_append(w.text, ": words in different fields are never near)");
	}
	return w;
}

/* AND, OR: the kids that decided it. */
static struct why
explain_list(const struct explain *x, const struct fw_qnode *n, gboolean value)
{
	struct why w = { g_string_new(NULL), FALSE };
	g_autoptr(GPtrArray) yes = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) no = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; i < n->n; i++) {
		gboolean v = eval(x->d, n->kids[i], NULL);
		struct why k;

		/* A true OR and a false AND are decided by some kids only. */
		if ((n->kind == FW_QNODE_OR && value && !v))
			continue;
		k = explain_node(x, n->kids[i]);
		if (!v && k.plain_miss && n->kind == FW_QNODE_OR) {
			g_ptr_array_add(missing, node_text(x, n->kids[i]));
			g_string_free(k.text, TRUE);
			continue;
		}
		g_ptr_array_add(v ? yes : no, g_string_free(k.text, FALSE));
	}
	if (n->kind == FW_QNODE_OR && value) {
		append_list(w.text, yes, "; ");
		return w;
	}
	if (n->kind == FW_QNODE_OR) {
		/* "none of A, B found" for the plain misses, then the others */
		if (missing->len > 1) {
			g_string_append(w.text, "none of ");
			append_list(w.text, missing, ", ");
			g_string_append(w.text, " found");
		} else if (missing->len == 1) {
			g_string_append_printf(w.text, "%s not found", (char *)missing->pdata[0]);
		}
		if (no->len > 0 && missing->len > 0)
			g_string_append(w.text, "; ");
		append_list(w.text, no, "; ");
		return w;
	}
	append_list(w.text, yes, ", ");
	if (no->len > 0) {
		if (yes->len > 0)
			g_string_append(w.text, ", but ");
		append_list(w.text, no, ", ");
	}
	return w;
}

static struct why
explain_node(const struct explain *x, const struct fw_qnode *n)
{
	struct why w;

	switch (n->kind) {
	case FW_QNODE_PHRASE:
		return explain_phrase(x, n);
	case FW_QNODE_REGEX:
		return explain_regex(x, n);
	case FW_QNODE_NEAR:
		return explain_near(x, n);
	case FW_QNODE_NOT:
		w = explain_node(x, n->kids[0]);
		if (eval(x->d, n->kids[0], NULL))
			g_string_prepend(w.text, "NOT excluded it: ");
		w.plain_miss = FALSE;
		return w;
	case FW_QNODE_AND:
	case FW_QNODE_OR:
	default:
		return explain_list(x, n, eval(x->d, n, NULL));
	}
}

char *
fw_query_explain(const struct fw_query *q, const struct fw_doc *doc)
{
	struct docidx d;
	struct explain x = { .d = &d, .src = fw_query_source(q) };
	struct why w;

	docidx_init(&d, doc, FW_FIELDS_ALL, NULL);
	w = explain_node(&x, fw_query_root(q));
	docidx_clear(&d);
	if (g_utf8_strlen(w.text->str, -1) > FW_MATCH_EXPLAIN_MAX) {
		char *cut = g_utf8_substring(w.text->str, 0, FW_MATCH_EXPLAIN_MAX - 1);
		g_string_assign(w.text, cut);
		g_string_append(w.text, "…");
		g_free(cut);
	}
	return g_string_free(w.text, FALSE);
}

/* ---- the matcher ---- */

/* The three kinds of index term: a whole word, a prefix, a regex literal
 * (anywhere inside a word). */
enum { TERM_WORD, TERM_PREFIX, TERM_INFIX, TERM_KINDS };

/* Bits of the matcher's word Bloom filters (2 of them a word): 16 KB each. */
#define FW_MATCH_BLOOM 131072

static inline void
bits_set(guint64 *bits, guint i)
{
	bits[i >> 6] |= G_GUINT64_CONSTANT(1) << (i & 63);
}

static inline gboolean
bits_test(const guint64 *bits, guint i)
{
	return (bits[i >> 6] >> (i & 63)) & 1;
}

/* A word's two Bloom bits lie in one 64-bit word of the filter (a blocked
 * Bloom filter: one load a test, one cache line a word): the word chosen by
 * the FNV hash's low bits, the bits by its high bits and a multiplied copy. */
static inline guint64
bloom_mask(guint32 hash)
{
	return (G_GUINT64_CONSTANT(1) << (hash >> 26)) |
	       (G_GUINT64_CONSTANT(1) << ((hash * 0x9E3779B1u) >> 26));
}

/* Enters a word's hash into a Bloom filter. */
static inline void
bloom_add(guint64 *bloom, guint32 hash)
{
	bloom[hash & (FW_MATCH_BLOOM / 64 - 1)] |= bloom_mask(hash);
}

/* TRUE if a word's hash may be in a Bloom filter; never FALSE if it is. */
static inline gboolean
bloom_has(const guint64 *bloom, guint32 hash)
{
	guint64 m = bloom_mask(hash);

	return (bloom[hash & (FW_MATCH_BLOOM / 64 - 1)] & m) == m;
}

/* A topic filed under a term, and the fields the term counts in for it. */
struct posting {
	guint32 slot;
	guint32 fields;
};

struct topic {
	guint number;
	struct fw_query *q;
	const struct fw_qnode *root;    /* q's, here to save a step */
	guint check_at;         /* its checks: clauses[check_at .. check_at + nchecks) */
	guint nchecks;
	guint twin;             /* the next topic with an equal query that is filed
	                         * under this one and matches when it does, or
	                         * FW_MATCH_NO_TWIN (see matcher_build) */
	gboolean filed;         /* in the index (not evaluated always, not a twin) */
};

#define FW_MATCH_NO_TWIN G_MAXUINT

/* A check: one of these terms must be in the item (cterms[at .. at + n)). */
struct clause {
	guint at;
	guint n;
};

/* A term of a check: an entry of the matcher's table of its kind, and for
 * a word its hash and length (enough for a check: a false yes only costs
 * an evaluation). */
struct cterm {
	guint32 kind;
	guint32 entry;
	guint32 hash;
	guint32 len;
};

struct fw_matcher {
	GArray *topics;         /* struct topic, in the order added */
	struct strtab tab[TERM_KINDS];  /* normalised term -> lists[val - 1] (val 0: none) */
	GPtrArray *lists;       /* GArray of struct posting (filled while filing) */
	struct posting *posts;  /* every list one after the other, for the scan: list i
	                         * is posts[post_at[i] .. post_at[i + 1]) */
	guint32 *post_at;
	guint8 prefix_short[3]; /* [l]: 1 if some prefix has l (1 or 2) bytes */
	guint32 *filter[TERM_KINDS];    /* [TERM_PREFIX], [TERM_INFIX]: FW_MATCH_FILTER slots
	                         * by the first 3 bytes: bit l (31: 31 or more) if
	                         * some term of l bytes starts so */
	guint64 *slot_bits[TERM_KINDS];  /* [TERM_PREFIX], [TERM_INFIX]: bit s if filter[s] != 0
	                         * (2 KB: the candidate scan tests this first) */
	guint64 *ifx_bits;      /* FW_MATCH_FILTER bits: the slot of every 3 bytes of
	                         * every regex literal (see infix_maybe) */
	guint ifx_stride;       /* the shortest regex literal's length - 2 (at least 1) */
	gboolean ifx_anywhere;  /* some regex literal entered is not word_start (topic.h):
	                         * without one, the scan looks for literals inside
	                         * words only where a regex \b may fall */
	guint64 *word_bloom;    /* FW_MATCH_BLOOM bits: 2 per word that has topics filed */
	guint64 *term_bloom;    /* FW_MATCH_BLOOM bits: 2 per word of tab[TERM_WORD] */
	GArray *always;         /* slots of topics evaluated on every item */
	GArray *clauses;        /* struct clause: the checks of every topic */
	GArray *cterms;         /* struct cterm: the terms of the checks */
	guint fields;           /* the fields any topic looks at */
	GArray *uses[TERM_KINDS];   /* entry -> how many clauses of topics use the term */
	GPtrArray *pending;     /* struct pending: topics added, not filed yet */
	GMutex lock;            /* held while filing them (see matcher_build) */
	gint built;             /* 0 while some topic waits to be filed (atomic) */
};

/* A topic added but not filed yet, with its clauses. */
struct pending {
	guint slot;
	GPtrArray *cs;
};

static void
pending_free(gpointer p)
{
	struct pending *pd = p;

	g_ptr_array_unref(pd->cs);
	g_free(pd);
}

struct fw_matcher *
fw_matcher_new(void)
{
	struct fw_matcher *m = g_new0(struct fw_matcher, 1);

	m->topics = g_array_new(FALSE, FALSE, sizeof(struct topic));
	strtab_init(&m->tab[TERM_WORD], 64);
	strtab_init(&m->tab[TERM_PREFIX], 16);
	strtab_init(&m->tab[TERM_INFIX], 16);
	m->lists = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
	m->filter[TERM_PREFIX] = g_new0(guint32, FW_MATCH_FILTER);
	m->filter[TERM_INFIX] = g_new0(guint32, FW_MATCH_FILTER);
	m->slot_bits[TERM_PREFIX] = g_new0(guint64, FW_MATCH_FILTER / 64);
	m->slot_bits[TERM_INFIX] = g_new0(guint64, FW_MATCH_FILTER / 64);
	m->ifx_bits = g_new0(guint64, FW_MATCH_FILTER / 64);
	m->ifx_stride = G_MAXUINT;
	m->word_bloom = g_new0(guint64, FW_MATCH_BLOOM / 64);
	m->term_bloom = g_new0(guint64, FW_MATCH_BLOOM / 64);
	m->always = g_array_new(FALSE, FALSE, sizeof(guint));
	m->clauses = g_array_new(FALSE, FALSE, sizeof(struct clause));
	m->cterms = g_array_new(FALSE, FALSE, sizeof(struct cterm));
	for (guint k = 0; k < TERM_KINDS; k++)
		m->uses[k] = g_array_new(FALSE, TRUE, sizeof(guint32));
	m->pending = g_ptr_array_new_with_free_func(pending_free);
	g_mutex_init(&m->lock);
	m->built = 1;
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
	for (guint k = 0; k < TERM_KINDS; k++) {
		strtab_clear(&m->tab[k]);
		g_free(m->filter[k]);
		g_free(m->slot_bits[k]);
		g_array_unref(m->uses[k]);
	}
	g_ptr_array_unref(m->pending);
	g_mutex_clear(&m->lock);
	g_free(m->ifx_bits);
	g_free(m->word_bloom);
	g_free(m->term_bloom);
	g_ptr_array_unref(m->lists);
	g_free(m->posts);
	g_free(m->post_at);
	g_array_unref(m->always);
	g_array_unref(m->clauses);
	g_array_unref(m->cterms);
	g_free(m);
}

/* Requirements: a query is turned into clauses (GArray of struct req), each
 * a set of terms one of which any matching item holds in the fields given;
 * all clauses hold at once (a conjunctive normal form of what the query
 * needs, NOT needing nothing, a regex its literals). A topic is filed under
 * the terms of its most selective clause and a few others are checked
 * before evaluating it. */
#define FW_MATCH_CLAUSES_MAX 16
#define FW_MATCH_CHECKS_MAX 4
#define FW_MATCH_CLAUSE_TERMS_MAX 16

/* A term a clause is met by, in these fields. */
struct req {
	const struct fw_qterm *t;
	guint fields;
};

/* The kind of index term of a query term. */
static inline guint
term_kind(const struct fw_qterm *t)
{
	return t->infix ? TERM_INFIX : t->prefix ? TERM_PREFIX : TERM_WORD;
}

/* How common a clause's terms are likely to be: lower is better (fewer
 * terms, longer words, words rather than prefixes or literals). */
static double
clause_cost(GArray *c)
{
	static const double weight[TERM_KINDS] = { 1.0, 3.0, 6.0 };
	double cost = 0;

	for (guint i = 0; i < c->len; i++) {
		const struct fw_qterm *t = g_array_index(c, struct req, i).t;
		cost += weight[term_kind(t)] / t->len;
	}
	return cost;
}

static gint
clause_cmp_cb(gconstpointer a, gconstpointer b)
{
	double x = clause_cost(*(GArray **)a), y = clause_cost(*(GArray **)b);

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

/* Adds r to clause c, or its fields to the same term already there. */
static void
clause_add(GArray *c, struct req r)
{
	for (guint i = 0; i < c->len; i++) {
		struct req *u = &g_array_index(c, struct req, i);
		if (term_kind(u->t) == term_kind(r.t) && strcmp(u->t->word, r.t->word) == 0) {
			u->fields |= r.fields;
			return;
		}
	}
	g_array_append_val(c, r);
}

static GArray *
clause_new(void)
{
	return g_array_new(FALSE, FALSE, sizeof(struct req));
}

/* The clauses of node n (empty: n needs nothing). */
static GPtrArray *
clauses_of(const struct fw_qnode *n)
{
	GPtrArray *cs = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);

	switch (n->kind) {
	case FW_QNODE_PHRASE:
		for (guint i = 0; i < n->n; i++) {
			GArray *c = clause_new();
			clause_add(c, (struct req){ &n->terms[i], n->fields });
			g_ptr_array_add(cs, c);
		}
		break;
	case FW_QNODE_REGEX:
		/* one of its literals is inside some word of any item it matches */
		if (n->n > 0) {
			GArray *c = clause_new();
			for (guint i = 0; i < n->n; i++)
				clause_add(c, (struct req){ &n->terms[i], n->fields });
			g_ptr_array_add(cs, c);
		}
		break;
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
		g_ptr_array_add(cs, clause_new());
		for (guint i = 0; i < n->n && cs->len; i++) {
			g_autoptr(GPtrArray) k = clauses_of(n->kids[i]);
			g_autoptr(GPtrArray) next = g_ptr_array_new_with_free_func(
				(GDestroyNotify)g_array_unref);
			for (guint x = 0; x < cs->len; x++) {
				for (guint y = 0; y < k->len; y++) {
					GArray *a = cs->pdata[x], *b = k->pdata[y];
					GArray *c = clause_new();
					for (guint j = 0; j < a->len; j++)
						clause_add(c, g_array_index(a, struct req, j));
					for (guint j = 0; j < b->len; j++)
						clause_add(c, g_array_index(b, struct req, j));
					if (c->len > FW_MATCH_CLAUSE_TERMS_MAX)
						g_array_unref(c);   /* too wide to be worth it */
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

/* The entry of term t in the matcher's table of its kind (added if new,
 * with the filter bits the candidate scan needs to find it). */
static guint32
term_entry(struct fw_matcher *m, const struct fw_qterm *t)
{
	guint kind = term_kind(t);
	guint32 h = t->hash;
	guint32 e = strtab_add(&m->tab[kind], t->word, t->len, h);

	if (kind == TERM_WORD) {
		bloom_add(m->term_bloom, h);
	} else if (kind == TERM_PREFIX && t->len < 3) {
		m->prefix_short[t->len] = 1;
	} else if (kind != TERM_WORD) {
		guint slot = filter_slot(t->word);
		m->filter[kind][slot] |= 1u << MIN(t->len, 31);
		bits_set(m->slot_bits[kind], slot);
	}
	if (kind == TERM_INFIX) {
		m->ifx_anywhere = m->ifx_anywhere || !t->word_start;
		for (guint i = 0; i + 3 <= t->len; i++)
			bits_set(m->ifx_bits, filter_slot(t->word + i));
		m->ifx_stride = MAX(MIN(m->ifx_stride, t->len < 3 ? 1 : t->len - 2), 1);
	}
	return e;
}

/* Enters every prefix of the query into the table (so that the candidate
 * scan lists the item's words for each, see phrase_each), and every word
 * (so that the doc index keeps it, see token_wanted). */
static void
enter_prefixes(struct fw_matcher *m, const struct fw_qnode *n)
{
	switch (n->kind) {
	case FW_QNODE_PHRASE:
		for (guint i = 0; i < n->n; i++) {
			const struct fw_qterm *t = &n->terms[i];
			guint32 h = t->hash;
			if (t->prefix) {
				term_entry(m, t);
			} else {
				strtab_add(&m->tab[TERM_WORD], t->word, t->len, h);
				bloom_add(m->term_bloom, h);
			}
		}
		return;
	case FW_QNODE_REGEX:
		return;
	case FW_QNODE_NOT:
		enter_prefixes(m, n->kids[0]);
		return;
	case FW_QNODE_NEAR:
		enter_prefixes(m, n->kids[0]);
		enter_prefixes(m, n->kids[1]);
		return;
	case FW_QNODE_AND:
	case FW_QNODE_OR:
		for (guint i = 0; i < n->n; i++)
			enter_prefixes(m, n->kids[i]);
		return;
	}
}

/* Files topic slot under term r (once). */
static void
file_under(struct fw_matcher *m, struct req r, guint slot)
{
	guint kind = term_kind(r.t);
	guint32 e = term_entry(m, r.t);
	struct sent *x = &g_array_index(m->tab[kind].ents, struct sent, e);
	struct posting p = { .slot = slot, .fields = r.fields };
	GArray *a;

	if (x->val == 0) {
		g_ptr_array_add(m->lists, g_array_new(FALSE, FALSE, sizeof(struct posting)));
		x->val = m->lists->len;   /* list number + 1 */
	}
	a = m->lists->pdata[x->val - 1];
	/* topics are filed one at a time: the same topic can only be last */
	if (a->len > 0 && g_array_index(a, struct posting, a->len - 1).slot == slot) {
		g_array_index(a, struct posting, a->len - 1).fields |= r.fields;
		return;
	}
	g_array_append_val(a, p);
	if (kind == TERM_WORD) {
		bloom_add(m->word_bloom, x->hash);
	}
}

/* How many clauses of topics use the term of r (at least 1). */
static guint32
term_uses(const struct fw_matcher *m, struct req r)
{
	guint kind = term_kind(r.t);
	gint64 e = strtab_find(&m->tab[kind], r.t->word, r.t->len, r.t->hash);

	return e >= 0 && (guint)e < m->uses[kind]->len ? MAX(g_array_index(m->uses[kind], guint32, e), 1) : 1;
}

/* How often a clause is likely to be met: terms used by many topics are
 * taken to be common words (the matcher sees no text before matching), and
 * prefixes and regex literals to meet more words than a word does. */
static double
clause_uses(const struct fw_matcher *m, GArray *c)
{
	static const double weight[TERM_KINDS] = { 1.0, 2.0, 3.0 };
	double n = 0;

	for (guint i = 0; i < c->len; i++) {
		struct req r = g_array_index(c, struct req, i);
		n += weight[term_kind(r.t)] * term_uses(m, r);
	}
	return n;
}

/* Orders clauses by clause_uses, then clause_cost (the most selective first). */
static gint
clause_rank_cb(gconstpointer a, gconstpointer b, gpointer data)
{
	GArray *x = *(GArray **)a, *y = *(GArray **)b;
	double ux = clause_uses(data, x), uy = clause_uses(data, y);

	if (ux != uy)
		return ux < uy ? -1 : 1;
	return clause_cmp_cb(a, b);
}

/* TRUE if query nodes a and b match the same items with the same spans. */
static gboolean
qnode_equal(const struct fw_qnode *a, const struct fw_qnode *b)
{
	if (a->kind != b->kind || a->fields != b->fields || a->n != b->n)
		return FALSE;
	switch (a->kind) {
	case FW_QNODE_REGEX:
		return strcmp(g_regex_get_pattern(a->regex), g_regex_get_pattern(b->regex)) == 0 &&
		       g_regex_get_compile_flags(a->regex) == g_regex_get_compile_flags(b->regex) &&
		       g_regex_get_match_flags(a->regex) == g_regex_get_match_flags(b->regex);
	case FW_QNODE_PHRASE:
		for (guint i = 0; i < a->n; i++)
			if (a->terms[i].prefix != b->terms[i].prefix ||
			    strcmp(a->terms[i].word, b->terms[i].word) != 0)
				return FALSE;
		return TRUE;
	case FW_QNODE_NOT:
		return qnode_equal(a->kids[0], b->kids[0]);
	case FW_QNODE_NEAR:
		return qnode_equal(a->kids[0], b->kids[0]) && qnode_equal(a->kids[1], b->kids[1]);
	case FW_QNODE_AND:
	case FW_QNODE_OR:
		for (guint i = 0; i < a->n; i++)
			if (!qnode_equal(a->kids[i], b->kids[i]))
				return FALSE;
		return TRUE;
	}
	return FALSE;
}

/* Files the topics added since the last build: each under its most
 * selective clause, the next few as checks; a topic whose query equals one
 * filed already (many users watch the same thing) is only chained to it as
 * its twin, evaluated once for both. Called with m->lock held. */
static void
matcher_build(struct fw_matcher *m)
{
	/* query source -> the first filed topic's slot + 1 */
	g_autoptr(GHashTable) filed = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint s = 0; s < m->topics->len; s++) {
		const struct topic *t = &g_array_index(m->topics, struct topic, s);
		if (t->filed && !g_hash_table_contains(filed, fw_query_source(t->q)))
			g_hash_table_insert(filed, (gpointer)fw_query_source(t->q), GUINT_TO_POINTER(s + 1));
	}
	for (guint p = 0; p < m->pending->len; p++) {
		struct pending *pd = m->pending->pdata[p];
		struct topic *t = &g_array_index(m->topics, struct topic, pd->slot);
		GPtrArray *cs = pd->cs;
		guint first = GPOINTER_TO_UINT(g_hash_table_lookup(filed, fw_query_source(t->q)));

		if (first > 0 && first - 1 != pd->slot) {
			struct topic *f = &g_array_index(m->topics, struct topic, first - 1);
			if (qnode_equal(f->root, t->root)) {
				t->twin = f->twin;
				f->twin = pd->slot;
				continue;
			}
		}
		if (first == 0)
			g_hash_table_insert(filed, (gpointer)fw_query_source(t->q),
			                    GUINT_TO_POINTER(pd->slot + 1));

		g_ptr_array_sort_with_data(cs, clause_rank_cb, m);
		t->check_at = m->clauses->len;
		for (guint i = 1; i < cs->len && t->nchecks < FW_MATCH_CHECKS_MAX; i++) {
			GArray *c = cs->pdata[i];
			struct clause cl = { .at = m->cterms->len, .n = c->len };
			for (guint j = 0; j < c->len; j++) {
				const struct fw_qterm *qt = g_array_index(c, struct req, j).t;
				struct cterm ct = { term_kind(qt), term_entry(m, qt), qt->hash,
				                    qt->len };
				g_array_append_val(m->cterms, ct);
			}
			g_array_append_val(m->clauses, cl);
			t->nchecks++;
		}
		for (guint i = 0; i < ((GArray *)cs->pdata[0])->len; i++)
			file_under(m, g_array_index((GArray *)cs->pdata[0], struct req, i), pd->slot);
		t->filed = TRUE;
	}
	g_ptr_array_set_size(m->pending, 0);

	/* The lists in one array (a scattered GArray each costs the scan misses). */
	g_free(m->posts);
	g_free(m->post_at);
	m->post_at = g_new(guint32, m->lists->len + 1);
	m->post_at[0] = 0;
	for (guint i = 0; i < m->lists->len; i++)
		m->post_at[i + 1] = m->post_at[i] + ((GArray *)m->lists->pdata[i])->len;
	m->posts = g_new(struct posting, MAX(m->post_at[m->lists->len], 1));
	for (guint i = 0; i < m->lists->len; i++) {
		GArray *a = m->lists->pdata[i];
		memcpy(m->posts + m->post_at[i], a->data, a->len * sizeof(struct posting));
	}
}

/* Topics are filed when matching starts (then every topic's terms are
 * known): adding records the clauses and counts the terms' uses. */
void
fw_matcher_add(struct fw_matcher *m, guint topic, struct fw_query *q)
{
	struct topic t = { .number = topic, .q = q, .root = fw_query_root(q),
	                   .twin = FW_MATCH_NO_TWIN };
	guint slot = m->topics->len;
	GPtrArray *cs;

	g_return_if_fail(q != NULL);
	m->fields |= fw_query_fields(q);
	enter_prefixes(m, fw_query_root(q));
	cs = clauses_of(fw_query_root(q));
	g_array_append_val(m->topics, t);
	if (cs->len == 0) {
		g_array_append_val(m->always, slot);
		g_ptr_array_unref(cs);
		return;
	}
	for (guint i = 0; i < cs->len; i++) {
		GArray *c = cs->pdata[i];
		for (guint j = 0; j < c->len; j++) {
			const struct fw_qterm *qt = g_array_index(c, struct req, j).t;
			guint kind = term_kind(qt);
			guint32 e = term_entry(m, qt);
			if (e >= m->uses[kind]->len)
				g_array_set_size(m->uses[kind], e + 1);
			g_array_index(m->uses[kind], guint32, e)++;
		}
	}
	{
		struct pending *pd = g_new(struct pending, 1);
		pd->slot = slot;
		pd->cs = cs;
		g_ptr_array_add(m->pending, pd);
	}
	g_atomic_int_set(&m->built, 0);
}

struct fw_matches *
fw_matches_new(void)
{
	struct fw_matches *r = g_new(struct fw_matches, 1);

	r->hits = g_array_new(FALSE, FALSE, sizeof(struct fw_match));
	r->spans = g_array_new(FALSE, FALSE, sizeof(struct fw_span));
	return r;
}

void
fw_matches_free(struct fw_matches *r)
{
	if (r == NULL)
		return;
	g_array_unref(r->hits);
	g_array_unref(r->spans);
	g_free(r);
}

/* TRUE if the filter bits name a term length beyond l (bit 31: 31 or more). */
static inline gboolean
longer_bits(guint32 bits, guint l)
{
	return l >= 31 ? (bits >> 31) != 0 : (bits >> (l + 1)) != 0;
}

/* FALSE if no regex literal of m is inside word w (len bytes): a literal of
 * L bytes covers L - 2 windows of 3 bytes, so one of them starts at a
 * multiple of the stride; TRUE if such a window is in some literal. */
static inline gboolean
infix_maybe(const struct fw_matcher *m, const char *w, guint len)
{
	for (guint i = 0; i + 3 <= len; i += m->ifx_stride)
		if (bits_test(m->ifx_bits, filter_slot(w + i)))
			return TRUE;
	return FALSE;
}

/* TRUE if the tokenizer's word tw (normalised) may matter to some topic
 * of m: one of its words, a word starting with one of its prefixes, or one
 * that may hold one of its regex literals (see infix_maybe). Looks at
 * the matcher's bit filters only (its tables are large: probing them for
 * every word of an item costs more than it saves), so it may say yes for a
 * word no topic uses, which then only gets an id of its own; never no for
 * one that matters. */
static gboolean
token_wanted(const struct fw_matcher *m, const struct fw_text_word *tw)
{
	const struct strtab *pt = &m->tab[TERM_PREFIX];
	const char *w = tw->norm;
	guint32 len = tw->len, hash = tw->hash;

	if (bloom_has(m->term_bloom, hash))
		return TRUE;
	if (pt->ents->len > 0) {
		for (guint l = 1; (m->prefix_short[1] | m->prefix_short[2]) && l < 3 && l <= len; l++)
			if (m->prefix_short[l] && strtab_find(pt, w, l, fnv(w, l)) >= 0)
				return TRUE;
		/* some prefix of 3 to len bytes starts like w (filter bit l: length l) */
		if (len >= 3 && bits_test(m->slot_bits[TERM_PREFIX], filter_slot(w)) &&
		    (m->filter[TERM_PREFIX][filter_slot(w)] &
		     (len >= 31 ? G_MAXUINT32 : (2u << len) - 1)))
			return TRUE;
	}
	if (m->tab[TERM_INFIX].ents->len == 0)
		return FALSE;
	/* all literals after a \b: in a word of ASCII letters and digits, only
	 * one at its start matters (see ifx_anywhere) */
	if (!m->ifx_anywhere && tw->ascii)
		return len >= 3 && bits_test(m->slot_bits[TERM_INFIX], filter_slot(w));
	return infix_maybe(m, w, len);
}

/* Per-thread memory of the candidate scan, reused from item to item: a
 * byte a topic, 1 once it is a candidate (all 0 between items: the scan
 * clears the ones it set), so nothing is cleared or allocated per item. */
struct scratch {
	guint8 *bits;
	guint cap;
	GArray *touched;        /* slots whose byte is 1 */
	guint room;             /* touched's, see FW_MATCH_PUSH */
};

static void
scratch_free_cb(gpointer p)
{
	struct scratch *s = p;

	g_free(s->bits);
	g_array_unref(s->touched);
	g_free(s);
}

static GPrivate scratch_key = G_PRIVATE_INIT(scratch_free_cb);

/* This thread's scratch, for n topics. */
static struct scratch *
scratch_get(guint n)
{
	struct scratch *s = g_private_get(&scratch_key);

	if (s == NULL) {
		s = g_new0(struct scratch, 1);
		s->touched = g_array_new(FALSE, FALSE, sizeof(guint));
		g_private_set(&scratch_key, s);
	}
	if (s->cap < n) {
		g_free(s->bits);
		s->cap = MAX(n, 64);
		s->bits = g_new0(guint8, s->cap);
	}
	return s;
}

/* TRUE the first time topic slot is taken in this item. */
static inline gboolean
scratch_take(struct scratch *s, guint slot)
{
	if (s->bits[slot])
		return FALSE;
	s->bits[slot] = 1;
	FW_MATCH_PUSH(s->touched, &s->room, guint, slot);
	return TRUE;
}

/* Clears what the item's scan set. */
static void
scratch_done(struct scratch *s)
{
	for (guint i = 0; i < s->touched->len; i++)
		s->bits[g_array_index(s->touched, guint, i)] = 0;
	g_array_set_size(s->touched, 0);
}

/* The state of one item's candidate scan. */
struct scan {
	const struct fw_matcher *m;
	struct docidx *d;
	struct scratch *got;    /* the topics taken already */
	GArray *cand;           /* candidate slots */
	GArray *pairs;          /* struct pair: the item's words by prefix entry */
};

/* Orders prefix hits by entry, then word id. */
static gint
pair_cmp_cb(gconstpointer a, gconstpointer b)
{
	const struct pair *x = a, *y = b;

	if (x->entry != y->entry)
		return x->entry < y->entry ? -1 : 1;
	return x->wid < y->wid ? -1 : x->wid > y->wid;
}

/* Adds the topics of entry e of table kind (if it has any) whose term counts
 * in one of `fields` to the candidates. */
static void
add_cands(struct scan *sc, guint kind, guint32 e, guint fields)
{
	guint32 val = strtab_ent(&sc->m->tab[kind], e)->val;

	if (val == 0)
		return;
	for (guint32 i = sc->m->post_at[val - 1]; i < sc->m->post_at[val]; i++) {
		const struct posting *p = &sc->m->posts[i];

		if ((p->fields & fields) && scratch_take(sc->got, p->slot))
			FW_MATCH_PUSH(sc->cand, &sc->d->buf->room_cand, guint, p->slot);
	}
}

/* Looks up the prefixes (kind TERM_PREFIX) or literals starting the text
 * (TERM_INFIX) of word id w at byte `from` that some topic uses: with the
 * filter bits of its first 3 bytes, only the lengths entered. FNV hashes
 * them on the way. */
static void
scan_terms(struct scan *sc, guint kind, guint32 w, guint from)
{
	const struct strtab *t = &sc->m->tab[kind];
	const char *word = strtab_key(&sc->d->words, w) + from;
	guint len = strtab_ent(&sc->d->words, w)->len - from;
	guint32 bits = len >= 3 ? sc->m->filter[kind][filter_slot(word)] : 0;
	guint32 h = FNV_INIT;

	for (guint l = 1; l <= len; l++) {
		gint64 e;

		h = fnv_step(h, word[l - 1]);
		if (l < 3 ? !(kind == TERM_PREFIX && sc->m->prefix_short[l]) :
		            !(bits & (1u << MIN(l, 31)))) {
			if (l >= 3 && !longer_bits(bits, l))
				break;
			continue;
		}
		if ((e = strtab_find(t, word, l, h)) < 0)
			continue;
		if (kind == TERM_PREFIX) {
			struct pair p = { (guint32)e, w };
			FW_MATCH_PUSH(sc->pairs, &sc->d->buf->room_pairs, struct pair, p);
			sc->d->pfx_in[e] = 1;
		} else {
			guint8 wf = sc->d->wfields[w];
			sc->d->ifx_fields[e] |= wf & FW_FIELDS_ALL;
			/* in an all-ASCII word no regex \b falls after its start */
			if (from == 0 || (wf & FW_MATCH_WORD_WIDE))
				sc->d->ifx_start[e] |= wf & FW_FIELDS_ALL;
		}
		add_cands(sc, kind, e, sc->d->wfields[w] & FW_FIELDS_ALL);
	}
}

/* TRUE if the item holds a term of every check of topic t. */
static gboolean
checks_pass(const struct scan *sc, const struct topic *t)
{
	const struct fw_matcher *m = sc->m;
	const struct docidx *d = sc->d;

	for (guint i = 0; i < t->nchecks; i++) {
		const struct clause *c = &g_array_index(m->clauses, struct clause, t->check_at + i);
		gboolean any = FALSE;
		for (guint j = 0; j < c->n && !any; j++) {
			const struct cterm *ct = &g_array_index(m->cterms, struct cterm, c->at + j);
			switch (ct->kind) {
			case TERM_WORD:
				any = strtab_has_hash(&d->words, ct->len, ct->hash);
				break;
			case TERM_PREFIX:
				any = d->pfx_in[ct->entry];
				break;
			default:
				any = d->ifx_fields[ct->entry] != 0;
				break;
			}
		}
		if (!any)
			return FALSE;
	}
	return TRUE;
}

/* The topics that may match d (slots, in no order): those evaluated always
 * and those filed under one of its words, under a prefix of one or under a
 * literal inside one, that pass their checks. Lists d's words by the
 * prefixes topics use (d->pfx). The array is d's buffers' (not the caller's). */
static GArray *
candidates(const struct fw_matcher *m, struct docidx *d)
{
	guint nw = d->words.ents->len;
	guint npfx = m->tab[TERM_PREFIX].ents->len, nifx = m->tab[TERM_INFIX].ents->len;
	struct scan sc = { .m = m, .d = d };
	guint keep = 0;

	sc.cand = d->buf->cand;
	g_array_set_size(sc.cand, 0);
	sc.got = scratch_get(m->topics->len);
	sc.pairs = d->buf->pairs;
	g_array_set_size(sc.pairs, 0);
	d->ptab = &m->tab[TERM_PREFIX];
	if (d->buf->cap_pfx_in < npfx + 1) {
		g_free(d->buf->pfx_in);
		d->buf->cap_pfx_in = npfx + 1;
		d->buf->pfx_in = g_malloc(npfx + 1);
	}
	d->pfx_in = memset(d->buf->pfx_in, 0, npfx + 1);
	d->itab = &m->tab[TERM_INFIX];
	if (d->buf->cap_ifx < nifx + 1) {
		g_free(d->buf->ifx_fields);
		d->buf->cap_ifx = nifx + 1;
		d->buf->ifx_fields = g_malloc(2 * (nifx + 1));   /* and ifx_start */
	}
	d->ifx_fields = memset(d->buf->ifx_fields, 0, 2 * (nifx + 1));
	d->ifx_start = d->ifx_fields + nifx + 1;
	d->ifx_partial = !m->ifx_anywhere;
	for (guint i = 0; i < m->always->len; i++) {
		guint s = g_array_index(m->always, guint, i);
		scratch_take(sc.got, s);
		FW_MATCH_PUSH(sc.cand, &d->buf->room_cand, guint, s);
	}
	if (nifx > 0 && d->long_words) {
		/* a literal may be in the part of a word that was cut off */
		memset(d->ifx_fields, FW_FIELDS_ALL, nifx);
		memset(d->ifx_start, FW_FIELDS_ALL, nifx);
		for (guint32 e = 0; e < nifx; e++)
			add_cands(&sc, TERM_INFIX, e, FW_FIELDS_ALL);
		nifx = 0;
	}
	for (guint32 w = 0; w < nw; w++) {
		const struct sent *e = strtab_ent(&d->words, w);
		const char *word = strtab_key(&d->words, w);

		/* The small bit sets first: most words have no topic filed under them. */
		if (bloom_has(m->word_bloom, e->hash)) {
			gint64 x = strtab_find(&m->tab[TERM_WORD], word, e->len, e->hash);
			if (x >= 0)
				add_cands(&sc, TERM_WORD, x, d->wfields[w] & FW_FIELDS_ALL);
		}
		if (npfx > 0 && (m->prefix_short[1] || m->prefix_short[2] ||
		                 (e->len >= 3 && bits_test(m->slot_bits[TERM_PREFIX], filter_slot(word)))))
			scan_terms(&sc, TERM_PREFIX, w, 0);
		/* literals start anywhere in the word (most words hold none); if
		 * every literal is word_start, in an all-ASCII word only at its start */
		if (nifx > 0 && !m->ifx_anywhere && !(d->wfields[w] & FW_MATCH_WORD_WIDE)) {
			if (e->len >= 3 && bits_test(m->slot_bits[TERM_INFIX], filter_slot(word)))
				scan_terms(&sc, TERM_INFIX, w, 0);
		} else if (nifx > 0 && infix_maybe(m, word, e->len)) {
			for (guint i = 0; i + 3 <= e->len; i++)
				if (bits_test(m->slot_bits[TERM_INFIX], filter_slot(word + i)))
					scan_terms(&sc, TERM_INFIX, w, i);
		}
	}

	/* The words by prefix entry (pairs come in word id order). */
	sort_small(sc.pairs, sizeof(struct pair), pair_cmp_cb);
	d->npfx = sc.pairs->len;
	d->pfx = (struct pair *)(void *)sc.pairs->data;

	/* The checks, now that every term of the item is known. */
	for (guint i = 0; i < sc.cand->len; i++) {
		guint s = g_array_index(sc.cand, guint, i);
		if (checks_pass(&sc, &g_array_index(m->topics, struct topic, s)))
			g_array_index(sc.cand, guint, keep++) = s;
	}
	g_array_set_size(sc.cand, keep);
	scratch_done(sc.got);

	return sc.cand;
}

void
fw_matcher_build(struct fw_matcher *m)
{
	if (g_atomic_int_get(&m->built))
		return;
	g_mutex_lock(&m->lock);
	if (!g_atomic_int_get(&m->built)) {
		matcher_build(m);
		g_atomic_int_set(&m->built, 1);
	}
	g_mutex_unlock(&m->lock);
}

void
fw_match_thread_release(void)
{
	g_private_replace(&dbuf_key, NULL);
	g_private_replace(&scratch_key, NULL);
}

/* Orders matches by topic number, then slot. */
static gint
found_cmp_cb(gconstpointer a, gconstpointer b)
{
	const struct found *x = a, *y = b;

	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	return x->slot < y->slot ? -1 : x->slot > y->slot;
}

guint
fw_matcher_match(struct fw_matcher *m, const struct fw_doc *doc, struct fw_matches *r)
{
	GArray *cand, *found;
	struct docidx d;

	g_array_set_size(r->hits, 0);
	g_array_set_size(r->spans, 0);
	if (m->topics->len == 0)
		return 0;
	fw_matcher_build(m);
	docidx_init(&d, doc, m->fields, m);
	cand = candidates(m, &d);
	found = d.buf->found;
	g_array_set_size(found, 0);
	for (guint i = 0; i < cand->len; i++) {
		guint slot = g_array_index(cand, guint, i);
		const struct topic *t = &g_array_index(m->topics, struct topic, slot);
		struct found f = { .number = t->number, .slot = slot, .first = r->spans->len };

		if (query_eval(t->root, &d, r->spans)) {
			f.nspans = r->spans->len - f.first;
			FW_MATCH_PUSH(found, &d.buf->room_found, struct found, f);
			/* its twins match too, with the same spans */
			for (guint s = t->twin; s != FW_MATCH_NO_TWIN;
			     s = g_array_index(m->topics, struct topic, s).twin) {
				f.number = g_array_index(m->topics, struct topic, s).number;
				f.slot = s;
				FW_MATCH_PUSH(found, &d.buf->room_found, struct found, f);
			}
		}
	}
	sort_small(found, sizeof(struct found), found_cmp_cb);
	g_array_set_size(r->hits, found->len);
	for (guint i = 0; i < found->len; i++) {
		const struct found *f = &g_array_index(found, struct found, i);
		struct fw_match *h = &g_array_index(r->hits, struct fw_match, i);

		h->topic = f->number;
		h->first = f->first;
		h->nspans = f->nspans;
	}
	docidx_clear(&d);
	return r->hits->len;
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

void
fw_doc_from_item(struct fw_doc *d, const struct fw_item *it, const char *feed_title, char **cats)
{
	GString *cs = g_string_new(NULL);

	for (guint i = 0; i < it->categories->len; i++) {
		if (i > 0)
			g_string_append(cs, " \n ");
		g_string_append(cs, it->categories->pdata[i]);
	}
	*cats = g_string_free(cs, FALSE);
	memset(d, 0, sizeof *d);
	d->field[FW_FIELD_TITLE] = it->title;
	d->field[FW_FIELD_SUMMARY] = it->summary;
	d->field[FW_FIELD_CONTENT] = it->content;
	d->field[FW_FIELD_CATEGORY] = *cats;
	d->field[FW_FIELD_AUTHOR] = it->author;
	d->field[FW_FIELD_FEED] = feed_title;
	d->field[FW_FIELD_LINK] = it->link;
}
