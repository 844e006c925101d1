/* match-doc — string tables, and the doc index of an item (types in
 * match-int.h).
 *
 * An item is tokenised once into a doc index: every word of every field in
 * document order (fields one after the other, so a global word number and
 * the field tell positions apart), its distinct words in a hash table with
 * their positions and fields. Under a matcher only the words some topic can
 * use (its words, words starting with its prefixes, words the regex literal
 * scan looks at) get ids of their own; the rest share one id, still counted
 * as words so that distances stay exact. */
#include <string.h>

#include "match-int.h"

/* An empty table with room for about hint entries. */
void
fw_match_strtab_init(struct strtab *t, guint hint)
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

/* Frees what t holds (not t). */
void
fw_match_strtab_clear(struct strtab *t)
{
	g_string_free(t->pool, TRUE);
	g_array_unref(t->ents);
	g_free(t->slots);
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
guint32
fw_match_strtab_add(struct strtab *t, const char *s, guint32 len, guint32 hash)
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

struct build {
	struct docidx *d;
	guint field;
	guint off;              /* character offset of the text tokenised in its field */
	const struct fw_matcher *keep;  /* index only the words its topics can use, or NULL */
	guint cap;              /* entries d->toks holds room for (at least) */
};

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

/* The word id of the words a matcher's topics cannot use (see build_cb). */
#define FW_MATCH_OTHER 0

/* Appends a token of word id wid over characters [start, end) of b's field.
 * In place while there is room: g_array_append_val is a call per word, and
 * this is the hottest loop of matching. */
static void
build_put(struct build *b, guint32 wid, guint start, guint end)
{
	struct dtok t = { .wid = wid, .field = b->field, .start = start, .end = end };

	if (b->d->toks->len < b->cap) {
		((struct dtok *)(void *)b->d->toks->data)[b->d->toks->len++] = t;
	} else {
		g_array_append_val(b->d->toks, t);
		b->cap = b->d->toks->len;
	}
}

/* Appends one word of a field to the doc index. */
static void
build_cb(const struct fw_text_word *w, gpointer data)
{
	struct build *b = data;
	guint len = w->len, start = w->start + b->off, end = w->end + b->off;
	guint32 wid;

	/* Words no topic can use all share one id (an empty word): they still
	 * count as words, so phrase and NEAR distances stay exact. */
	if (b->keep != NULL && !token_wanted(b->keep, w)) {
		wid = FW_MATCH_OTHER;
	} else {
		wid = fw_match_strtab_add(&b->d->words, w->norm, len, w->hash);
		/* the few words not all ASCII letters and digits (see fw_match_docidx_init) */
		if (G_UNLIKELY(!w->ascii))
			g_array_append_val(b->d->buf->wide, wid);
	}

	/* The tokenizer cuts words past FW_TEXT_WORD_MAX bytes (and reads at
	 * most 8 times that): a regex literal may be in the part cut off. */
	if (len > FW_TEXT_WORD_MAX - 8 || end - start > FW_TEXT_WORD_MAX - 8)
		b->d->long_words = TRUE;
	build_put(b, wid, start, end);
}

/* Tokenises the values of a field of several, one a line (the categories,
 * the feed's title and key: fw_doc_from_item), with an empty word between
 * two values: it matches nothing, so that no phrase runs from one value
 * into the next. */
static void
build_values(struct build *b, const char *text)
{
	guint32 gap = fw_match_strtab_add(&b->d->words, "", 0, fnv("", 0));

	b->off = 0;
	for (const char *p = text;;) {
		const char *nl = strchr(p, '\n');
		g_autofree char *one = nl ? g_strndup(p, nl - p) : NULL;

		fw_text_tokenize(one ? one : p, build_cb, b);
		if (!nl)
			break;
		b->off += (guint)g_utf8_strlen(p, nl - p);
		build_put(b, gap, b->off, b->off + 1);
		b->off++;
		p = nl + 1;
	}
	b->off = 0;
}

/* Slots of a doc index's word table kept between items at most. */
#define FW_MATCH_KEEP_SLOTS 4096

/* Frees buffers and what they hold. */
static void
dbuf_free(struct dbuf *b)
{
	fw_match_strtab_clear(&b->words);
	g_array_unref(b->toks);
	g_free(b->post);
	g_free(b->post_at);
	g_free(b->wfields);
	g_array_unref(b->pairs);
	g_array_unref(b->cand);
	g_array_unref(b->found);
	g_array_unref(b->wide);
	g_array_unref(b->filed);
	g_array_unref(b->near[0]);
	g_array_unref(b->near[1]);
	g_free(b->pfx_in);
	g_free(b->ifx_fields);
	for (guint f = 0; f < FW_FIELD_COUNT; f++)
		g_free(b->pad[f]);
	g_free(b);
}

/* The thread key's destructor. */
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
		fw_match_strtab_init(&b->words, 256);
		b->toks = g_array_sized_new(FALSE, FALSE, sizeof(struct dtok), 512);
		b->cap_toks = 512;
		b->pairs = g_array_new(FALSE, FALSE, sizeof(struct pair));
		b->cand = g_array_new(FALSE, FALSE, sizeof(guint));
		b->found = g_array_new(FALSE, FALSE, sizeof(struct found));
		b->wide = g_array_new(FALSE, FALSE, sizeof(guint32));
		b->filed = g_array_new(FALSE, FALSE, sizeof(struct filed));
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
	b->room_spans = 0;   /* a new spans array, whose room is not known */
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
void
fw_match_docidx_init(struct docidx *d, const struct fw_doc *doc, guint mask,
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
		fw_match_strtab_add(&d->words, "", 0, fnv("", 0));   /* FW_MATCH_OTHER */
	for (guint f = 0; f < FW_FIELD_COUNT; f++) {
		d->base[f] = d->toks->len;
		if (!(mask & (1u << f)) || doc->field[f] == NULL)
			continue;
		b.field = f;
		if ((f == FW_FIELD_CATEGORY || f == FW_FIELD_FEED) && strchr(doc->field[f], '\n'))
			build_values(&b, doc->field[f]);
		else
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

/* Lets go of d (its buffers go back to the thread). */
void
fw_match_docidx_clear(struct docidx *d)
{
	dbuf_put(d->buf);
}

/* Frees the calling thread's doc index buffers (see fw_match_thread_release). */
void
fw_match_docidx_release(void)
{
	g_private_replace(&dbuf_key, NULL);
}

void
fw_doc_from_item(struct fw_doc *d, const struct fw_item *it, const char *feed_key,
                 const char *feed_title, char **own)
{
	GString *cs = g_string_new(NULL);
	gsize feed_at;

	for (guint i = 0; i < it->categories->len; i++) {
		if (i > 0)
			g_string_append(cs, " \n ");
		g_string_append(cs, it->categories->pdata[i]);
	}
	/* then, after its NUL, the feed's title and key (once if the same) */
	g_string_append_c(cs, '\0');
	feed_at = cs->len;
	if (feed_title != NULL)
		g_string_append(cs, feed_title);
	if (feed_key != NULL && (feed_title == NULL || g_ascii_strcasecmp(feed_key, feed_title) != 0))
		g_string_append_printf(cs, "%s%s", feed_title != NULL ? " \n " : "", feed_key);
	memset(d, 0, sizeof *d);
	d->field[FW_FIELD_TITLE] = it->title;
	d->field[FW_FIELD_SUMMARY] = it->summary;
	d->field[FW_FIELD_CONTENT] = it->content;
	d->field[FW_FIELD_CATEGORY] = cs->str;
	d->field[FW_FIELD_AUTHOR] = it->author;
	d->field[FW_FIELD_FEED] = feed_title || feed_key ? cs->str + feed_at : NULL;
	d->field[FW_FIELD_LINK] = it->link;
	*own = g_string_free(cs, FALSE);
}
