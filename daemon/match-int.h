/* match-int.h — the match module's private types and helpers, shared by
 * its files: only daemon/match*.c may include it (every other file sees
 * include/feedwatch/match.h).
 *
 *   match-doc.c      string tables; the doc index (an item tokenised once)
 *   match-eval.c     evaluation of a query over a doc index
 *   match-explain.c  fw_query_explain
 *   match-index.c    the presearch index over all topics, the candidate scan
 *   match-snippet.c  snippets
 *   match.c          the matcher: topics, clauses, filing, fw_matcher_match
 *
 * The helpers the hot path calls across files are static inline here. */
#ifndef FW_MATCH_INT_H
#define FW_MATCH_INT_H

#include <string.h>

#include "feedwatch/match.h"
#include "feedwatch/text.h"

#define FW_FIELDS_ALL ((1u << FW_FIELD_COUNT) - 1)

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

/* A string table: open addressing over a pool of strings, entries in
 * insertion order. */
struct strtab {
	GString *pool;
	GArray *ents;       /* struct sent, in insertion order */
	guint cap;          /* entries ents has room for */
	guint32 *slots;     /* entry number + 1; 0 is empty */
	guint32 mask;       /* number of slots - 1 (a power of two - 1) */
};

/* Entry e of t. */
static inline const struct sent *
strtab_ent(const struct strtab *t, guint32 e)
{
	return &g_array_index(t->ents, struct sent, e);
}

/* The string of entry e of t (NUL-terminated). */
static inline const char *
strtab_key(const struct strtab *t, guint32 e)
{
	return t->pool->str + strtab_ent(t, e)->off;
}

/* The entry for s[0..len) with hash `hash`, or -1. */
static inline gint64
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
static inline gboolean
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

/* In match-doc.c: an empty table with room for about hint entries; its
 * memory freed (not t); the entry of s[0..len), added if new. */
void fw_match_strtab_init(struct strtab *t, guint hint);
void fw_match_strtab_clear(struct strtab *t);
guint32 fw_match_strtab_add(struct strtab *t, const char *s, guint32 len, guint32 hash);

/* ---- the doc index ---- */

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
 * word boundary may fall inside it (see scan_terms, match-index.c). */
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

/* A word of the item that may have topics filed under it (its word id),
 * then the postings found for it, posts[at .. end), end 0 when none (see
 * fw_match_candidates). */
struct filed {
	guint32 w;
	guint32 at;
	guint32 end;
};

/* Makes room in a for at least twice its length, 64 elements at least, and
 * records the room in *room (see FW_MATCH_PUSH). */
static inline void
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
	/* the matcher's per-item arrays (see fw_match_candidates) and fw_match_regex_text's copies */
	GArray *pairs;          /* struct pair */
	GArray *cand;           /* candidate slots */
	guint room_pairs, room_cand, room_found;    /* see FW_MATCH_PUSH */
	guint room_spans;       /* of the spans array the lent doc index's evaluation
	                         * appends to (one an index: 0 when lent) */
	GArray *found;          /* struct found */
	GArray *filed;          /* struct filed: fw_match_candidates' words that may
	                         * have topics filed under them */
	guint room_filed;
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
	const struct strtab *ptab;  /* the matcher's prefixes (see fw_match_candidates), or NULL */
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
	gboolean long_words;    /* a word may have been cut (see build_cb, match-doc.c) */
	char *padded[FW_FIELD_COUNT];   /* see fw_match_regex_text (in buf), NULL until made */
	gsize padded_len[FW_FIELD_COUNT];   /* the text's length, once padded */
	GArray **near;          /* buf's: eval_near's, reused within the item */
};

/* An occurrence of a phrase: word numbers first..last (inclusive). */
struct occ {
	guint first;
	guint last;
	guint16 field;
	gboolean used;
};

/* Word number i of the item. */
static inline const struct dtok *
tok_at(const struct docidx *d, guint i)
{
	return &g_array_index(d->toks, struct dtok, i);
}

/* In match-doc.c: tokenises the fields in mask of doc into d (with keep,
 * only the words keep's topics can use get ids of their own); gives d's
 * buffers back to the thread; frees the thread's buffers. */
void fw_match_docidx_init(struct docidx *d, const struct fw_doc *doc, guint mask,
                          const struct fw_matcher *keep);
void fw_match_docidx_clear(struct docidx *d);
void fw_match_docidx_release(void);

/* ---- evaluation (match-eval.c) ---- */

/* TRUE if word id w starts with t's word. */
static inline gboolean
has_prefix(const struct docidx *d, guint32 w, const struct fw_qterm *t)
{
	return strtab_ent(&d->words, w)->len >= t->len &&
	       memcmp(strtab_key(&d->words, w), t->word, t->len) == 0;
}

/* Told of one occurrence of a phrase: word numbers first..last (inclusive)
 * in field; FALSE stops the search. */
typedef gboolean (*occ_cb)(guint first, guint last, guint field, gpointer data);

/* Calls found for each occurrence of phrase n (in its fields) until it
 * returns FALSE. Returns FALSE if stopped. */
gboolean fw_match_phrase_each(const struct docidx *d, const struct fw_qnode *n, occ_cb found,
                              gpointer data);
/* Appends every occurrence (struct occ) of a NEAR operand to out. */
void fw_match_near_collect(const struct docidx *d, const struct fw_qnode *n, GArray *out);
/* Orders struct occ by first word, then last. */
gint fw_match_occ_cmp_cb(gconstpointer a, gconstpointer b);
/* Field f's text padded for the regex JIT (made once an item); *len its length. */
const char *fw_match_regex_text(const struct docidx *d, guint f, gsize *len);
/* Node n on d: TRUE if it matches, appending its spans when spans is not NULL. */
gboolean fw_match_eval(const struct docidx *d, const struct fw_qnode *n, GArray *spans);
/* A query on d: TRUE if it matches, its spans tidy (sorted, merged) appended. */
gboolean fw_match_query_eval(const struct fw_qnode *root, const struct docidx *d, GArray *spans);

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

/* ---- the matcher ---- */

/* The three kinds of index term: a whole word, a prefix, a regex literal
 * (anywhere inside a word). */
enum { TERM_WORD, TERM_PREFIX, TERM_INFIX, TERM_KINDS };

/* Bits of the matcher's word Bloom filters (2 of them a word): 16 KB each. */
#define FW_MATCH_BLOOM 131072

/* Sets bit i of a bit set. */
static inline void
bits_set(guint64 *bits, guint i)
{
	bits[i >> 6] |= G_GUINT64_CONSTANT(1) << (i & 63);
}

/* Bit i of a bit set. */
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
	guint check_at;         /* its checks: nchecks clauses from cterms[check_at] */
	guint nchecks;
	guint twin;             /* the next topic with an equal query that is filed
	                         * under this one and matches when it does, or
	                         * FW_MATCH_NO_TWIN (see matcher_build) */
	guint twin_at;          /* its twins, the chain laid out: twins[twin_at ..
	                         * twin_at + ntwins) */
	guint ntwins;
	gboolean filed;         /* in the index (not evaluated always, not a twin) */
};

#define FW_MATCH_NO_TWIN G_MAXUINT

/* A twin of a topic as a match needs it (see struct topic). */
struct twin {
	guint number;
	guint slot;
};

/* A term of a check: an entry of the matcher's table of its kind, and for
 * a word its hash and length (enough for a check: a false yes only costs
 * an evaluation). A clause of a check is a head (kind FW_MATCH_CLAUSE,
 * entry: its number of terms) and its terms after it, so that a topic's
 * checks are one run of the array. */
struct cterm {
	guint32 kind;
	guint32 entry;
	guint32 hash;
	guint32 len;
};

/* The kind of a clause's head in cterms. */
#define FW_MATCH_CLAUSE TERM_KINDS

/* A slot of the matcher's table of filed words (see fw_match_index_words):
 * a word's hash and its topics, posts[at .. end); end 0 is an empty slot. */
struct wslot {
	guint32 hash;
	guint32 at;
	guint32 end;
};

struct fw_matcher {
	GArray *topics;         /* struct topic, in the order added */
	struct strtab tab[TERM_KINDS];  /* normalised term -> lists[val - 1] (val 0: none) */
	GPtrArray *lists;       /* GArray of struct posting (filled while filing) */
	struct posting *posts;  /* every list one after the other, for the scan: list i
	                         * is posts[post_at[i] .. post_at[i + 1]) */
	guint32 *post_at;
	struct wslot *wslots;   /* the words with topics filed, by hash alone (the scan
	                         * reads one slot a word, not the table's entry and string) */
	guint32 wmask;          /* slots - 1 (a power of two - 1) */
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
	GArray *cterms;         /* struct cterm: the checks of every topic, clause by clause */
	GArray *twins;          /* struct twin: the topics' twins, topic by topic */
	guint fields;           /* the fields any topic looks at */
	GArray *uses[TERM_KINDS];   /* entry -> how many clauses of topics use the term */
	GPtrArray *pending;     /* struct pending: topics added, not filed yet */
	GMutex lock;            /* held while filing them (see matcher_build) */
	gint built;             /* 0 while some topic waits to be filed (atomic) */
};

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

/* ---- the presearch index (match-index.c) ---- */

/* The entry of term t in m's table of its kind, added with its filter bits if new. */
guint32 fw_match_term_entry(struct fw_matcher *m, const struct fw_qterm *t);
/* Enters every prefix and word of a query (so that the doc index keeps them). */
void fw_match_enter_prefixes(struct fw_matcher *m, const struct fw_qnode *n);
/* Files topic slot under the term of r (once). */
void fw_match_file_under(struct fw_matcher *m, struct req r, guint slot);
/* Lays out m->wslots from the filed words (after posts and post_at). */
void fw_match_index_words(struct fw_matcher *m);
/* The slots of the topics that may match d (d's buffers' array, not the caller's). */
GArray *fw_match_candidates(const struct fw_matcher *m, struct docidx *d);
/* Frees the calling thread's scan scratch. */
void fw_match_candidates_release(void);

#endif
