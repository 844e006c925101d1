/* wordpack — an item's texts coded a word at a time (see wordpack.h).
 *
 * A text is a run of tokens: words (ASCII letters and digits, and every
 * byte of a multibyte character) and what lies between them. A single
 * space between two words is not coded: two words in a row have one
 * between them. Each token is a symbol of the model's word list under a
 * canonical Huffman code, or ESC, its length (Elias gamma) and its bytes
 * under the byte code; END ends a text. Bits are written first to last,
 * the most significant first. */
#include <string.h>

#include "feedwatch/text.h"
#include "feedwatch/wordpack.h"

#define MAXLEN 24          /* bits of a code at most */
#define FAST 11            /* bits looked up at once when decoding */
#define SYM_END 0
#define SYM_ESC 1
#define WORDS_MAX 65536    /* symbols in a model's list at most */
#define TOKEN_MAX 255      /* bytes of a listed token at most */
#define GAMMA_MAX 24       /* bits of a gamma-coded number at most */
#define MODEL_VERSION 1

static const guint8 model_magic[4] = { 'F', 'W', 'W', 'P' };

/* A canonical code's decoding tables. */
struct huff {
	guint32 count[MAXLEN + 1];      /* symbols of each length */
	guint32 first[MAXLEN + 1];      /* the first code of each length */
	guint32 index[MAXLEN + 1];      /* its symbol's place in sorted */
	guint32 *sorted;                /* symbols by (length, symbol) */
	guint32 fast[1 << FAST];        /* (symbol + 1) << 5 | length, 0: longer */
};

struct fw_wordpack {
	guint32 id;
	guint n;                /* symbols: END, ESC, then the words */
	guint8 *len;            /* each symbol's code length */
	guint32 *code;
	guint32 *off;           /* n + 1 offsets of the symbols' bytes in text */
	guint8 *text;
	guint32 *slot;          /* hash of the words: symbol + 1, or 0 */
	guint32 mask;
	struct huff dec;
	guint8 blen[256];       /* the byte code */
	guint32 bcode[256];
	struct huff bdec;
};

struct fw_wordpack_trainer {
	GHashTable *counts;     /* token (char *) -> count (guint64 *) */
	guint64 ends;           /* texts */
};

/* TRUE for a byte of a word. */
static inline gboolean is_word(guint8 c)
{
	return g_ascii_isalnum(c) || c >= 0x80;
}

/* The hash of p[0, n) (FNV-1a, as the matcher's words). */
static inline guint32 hash_of(const guint8 *p, gsize n)
{
	return fw_text_hash((const char *)p, n);
}

typedef void (*token_cb)(const guint8 *p, gsize n, gpointer data);

/* Calls cb for each token of p[0, n) that is coded (not the single spaces
 * between words). */
static void walk(const guint8 *p, gsize n, token_cb cb, gpointer data)
{
	const guint8 *start = p, *end = p + n;

	while (p < end) {
		gboolean w = is_word(*p);
		const guint8 *q = p + 1;

		while (q < end && is_word(*q) == w)
			q++;
		/* a space between two words: implied */
		if (!(!w && q - p == 1 && *p == ' ' && p > start && is_word(p[-1]) && q < end))
			cb(p, (gsize)(q - p), data);
		p = q;
	}
}

/* The bytes summary and content begin with alike. */
static gsize common_prefix(const char *a, const char *b)
{
	gsize i = 0;

	if (!a || !b)
		return 0;
	while (a[i] && a[i] == b[i])
		i++;
	return i;
}

/* Calls cb for the tokens of each text x codes, and done after each. */
static void walk_texts(const struct fw_wordpack_texts *x, token_cb cb, void (*done)(gpointer),
                       gpointer data)
{
	if (x->content) {
		walk((const guint8 *)x->content, strlen(x->content), cb, data);
		done(data);
	}
	if (x->summary) {
		gsize at = common_prefix(x->summary, x->content);

		walk((const guint8 *)x->summary + at, strlen(x->summary + at), cb, data);
		done(data);
	}
	for (guint i = 0; i < x->n_cats; i++) {
		walk((const guint8 *)x->cats[i], strlen(x->cats[i]), cb, data);
		done(data);
	}
}

/* Training. */

struct fw_wordpack_trainer *fw_wordpack_trainer_new(void)
{
	struct fw_wordpack_trainer *t = g_new0(struct fw_wordpack_trainer, 1);

	t->counts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	return t;
}

static void count_token(const guint8 *p, gsize n, gpointer data)
{
	struct fw_wordpack_trainer *t = data;
	char buf[TOKEN_MAX + 1];
	guint64 *count;

	if (n > TOKEN_MAX)
		return;   /* never listed: spelt out */
	memcpy(buf, p, n);
	buf[n] = '\0';
	if ((count = g_hash_table_lookup(t->counts, buf)))
		(*count)++;
	else
		g_hash_table_insert(t->counts, g_strdup(buf), g_memdup2(&(guint64){ 1 }, sizeof(guint64)));
}

static void count_end(gpointer data)
{
	((struct fw_wordpack_trainer *)data)->ends++;
}

void fw_wordpack_trainer_add(struct fw_wordpack_trainer *t, const struct fw_wordpack_texts *x)
{
	walk_texts(x, count_token, count_end, t);
}

void fw_wordpack_trainer_free(struct fw_wordpack_trainer *t)
{
	if (t) {
		g_hash_table_unref(t->counts);
		g_free(t);
	}
}

struct node {
	guint64 w;
	gint32 parent;
};

/* Sifts heap[i] down (a min-heap of node indices by weight). */
static void heap_down(guint32 *heap, guint size, guint i, const struct node *nodes)
{
	for (;;) {
		guint l = 2 * i + 1, m = i;

		if (l < size && nodes[heap[l]].w < nodes[heap[m]].w)
			m = l;
		if (l + 1 < size && nodes[heap[l + 1]].w < nodes[heap[m]].w)
			m = l + 1;
		if (m == i)
			return;
		guint32 tmp = heap[i];
		heap[i] = heap[m];
		heap[m] = tmp;
		i = m;
	}
}

/* Huffman code lengths of n symbols of counts cnt (each at least 1) into
 * len, at most MAXLEN: counts are halved until the code fits. */
static void huff_lengths(const guint64 *cnt, guint n, guint8 *len)
{
	g_autofree struct node *nodes = g_new(struct node, 2 * (gsize)n);
	g_autofree guint32 *heap = g_new(guint32, n);
	g_autofree guint64 *w = g_memdup2(cnt, n * sizeof *cnt);

	if (n == 1) {
		len[0] = 1;
		return;
	}
	for (;;) {
		guint size = n, next = n, longest = 0;

		for (guint i = 0; i < n; i++) {
			nodes[i] = (struct node){ w[i], -1 };
			heap[i] = i;
		}
		for (guint i = n / 2; i-- > 0;)
			heap_down(heap, size, i, nodes);
		while (size > 1) {
			guint32 a = heap[0], b;

			heap[0] = heap[--size];
			heap_down(heap, size, 0, nodes);
			b = heap[0];
			nodes[next] = (struct node){ nodes[a].w + nodes[b].w, -1 };
			nodes[a].parent = nodes[b].parent = (gint32)next;
			heap[0] = next++;
			heap_down(heap, size, 0, nodes);
		}
		/* depths: a parent is always made after its children */
		g_autofree guint8 *depth = g_new0(guint8, next);
		for (guint i = next - 1; i-- > 0;) {
			guint d = depth[nodes[i].parent] + 1u;

			depth[i] = (guint8)MIN(d, 255u);
			if (i < n)
				longest = MAX(longest, d);
		}
		if (longest <= MAXLEN) {
			memcpy(len, depth, n);
			return;
		}
		for (guint i = 0; i < n; i++)
			w[i] = (w[i] >> 1) + 1;
	}
}

/* Canonical codes of n symbols of lengths len into code (when not NULL)
 * and the decoding tables into h; FALSE when the lengths oversubscribe. */
static gboolean huff_build(const guint8 *len, guint n, guint32 *code, struct huff *h)
{
	guint32 next[MAXLEN + 2];
	guint64 kraft = 0;

	memset(h->count, 0, sizeof h->count);
	for (guint i = 0; i < n; i++) {
		if (len[i] < 1 || len[i] > MAXLEN)
			return FALSE;
		h->count[len[i]]++;
		kraft += (guint64)1 << (MAXLEN - len[i]);
	}
	if (kraft > (guint64)1 << MAXLEN)
		return FALSE;
	next[1] = 0;
	h->index[1] = 0;
	for (guint l = 1; l <= MAXLEN; l++) {
		h->first[l] = next[l];
		if (l < MAXLEN) {
			next[l + 1] = (next[l] + h->count[l]) << 1;
			h->index[l + 1] = h->index[l] + h->count[l];
		}
	}
	h->sorted = g_new(guint32, n);
	memset(h->fast, 0, sizeof h->fast);
	for (guint i = 0; i < n; i++) {
		guint l = len[i];
		guint32 c = next[l]++;

		h->sorted[h->index[l] + (c - h->first[l])] = i;
		if (code)
			code[i] = c;
		if (l <= FAST)
			for (guint32 v = c << (FAST - l); v < (c + 1) << (FAST - l); v++)
				h->fast[v] = (i + 1) << 5 | l;
	}
	return TRUE;
}

struct entry {
	const char *word;
	guint64 count;
};

/* By count, most first, then by bytes (the model does not depend on the
 * hash table's order). */
static gint entry_cmp(gconstpointer a, gconstpointer b)
{
	const struct entry *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->word, y->word);
}

/* Lists the words, their lookup and codes of m's first n symbols (lengths
 * set); FALSE when the lengths do not make a code. */
static gboolean model_index(struct fw_wordpack *m)
{
	guint32 size = 16;

	while (size < 2 * m->n)
		size <<= 1;
	m->mask = size - 1;
	m->slot = g_new0(guint32, size);
	for (guint i = 2; i < m->n; i++) {
		const guint8 *p = m->text + m->off[i];
		gsize len = m->off[i + 1] - m->off[i];
		guint32 k = hash_of(p, len) & m->mask;

		while (m->slot[k]) {
			guint32 o = m->slot[k] - 1;

			if (m->off[o + 1] - m->off[o] == len && !memcmp(m->text + m->off[o], p, len))
				break;   /* listed twice: the first stands */
			k = (k + 1) & m->mask;
		}
		if (!m->slot[k])
			m->slot[k] = i + 1;
	}
	m->code = g_new(guint32, m->n);
	return huff_build(m->len, m->n, m->code, &m->dec) &&
	       huff_build(m->blen, 256, m->bcode, &m->bdec);
}

struct fw_wordpack *fw_wordpack_trainer_model(const struct fw_wordpack_trainer *t, guint32 id)
{
	struct fw_wordpack *m = g_new0(struct fw_wordpack, 1);
	g_autoptr(GArray) list = g_array_new(FALSE, FALSE, sizeof(struct entry));
	g_autofree guint64 *cnt = NULL;
	guint64 bytes[256], esc = 1;
	GHashTableIter it;
	gpointer key, value;
	gsize text = 0;
	guint listed;

	for (guint i = 0; i < 256; i++)
		bytes[i] = 1;
	g_hash_table_iter_init(&it, t->counts);
	while (g_hash_table_iter_next(&it, &key, &value)) {
		struct entry e = { key, *(guint64 *)value };

		g_array_append_val(list, e);
	}
	g_array_sort(list, entry_cmp);
	/* words met once are spelt out: they teach the byte code */
	for (listed = 0; listed < list->len && listed < WORDS_MAX - 2; listed++)
		if (g_array_index(list, struct entry, listed).count < 2)
			break;
	for (guint i = listed; i < list->len; i++) {
		const struct entry *e = &g_array_index(list, struct entry, i);

		esc += e->count;
		for (const guint8 *p = (const guint8 *)e->word; *p; p++)
			bytes[*p] += e->count;
	}
	m->id = id;
	m->n = listed + 2;
	m->len = g_new(guint8, m->n);
	m->off = g_new(guint32, m->n + 1);
	cnt = g_new(guint64, m->n);
	cnt[SYM_END] = t->ends + 1;
	cnt[SYM_ESC] = esc;
	for (guint i = 0; i < listed; i++) {
		cnt[i + 2] = g_array_index(list, struct entry, i).count;
		text += strlen(g_array_index(list, struct entry, i).word);
	}
	m->text = g_malloc(text + 1);
	m->off[0] = m->off[1] = m->off[2] = 0;
	for (guint i = 0; i < listed; i++) {
		const char *w = g_array_index(list, struct entry, i).word;
		gsize l = strlen(w);

		memcpy(m->text + m->off[i + 2], w, l);
		m->off[i + 3] = m->off[i + 2] + (guint32)l;
	}
	huff_lengths(cnt, m->n, m->len);
	huff_lengths(bytes, 256, m->blen);
	if (!model_index(m)) {   /* cannot happen: Huffman's lengths make a code */
		fw_wordpack_free(m);
		return NULL;
	}
	return m;
}

/* Models in their stored form: "FWWP", a version byte, the symbols (4
 * bytes, little-endian), the byte code's 256 lengths, then each symbol's
 * length and its token's length and bytes (END and ESC: none). */

GBytes *fw_wordpack_save(const struct fw_wordpack *m)
{
	GByteArray *out = g_byte_array_sized_new(9 + 256 + 2 * m->n + m->off[m->n]);
	guint8 head[9];

	memcpy(head, model_magic, 4);
	head[4] = MODEL_VERSION;
	for (guint i = 0; i < 4; i++)
		head[5 + i] = (guint8)(m->n >> (8 * i));
	g_byte_array_append(out, head, sizeof head);
	g_byte_array_append(out, m->blen, 256);
	for (guint i = 0; i < m->n; i++) {
		guint8 l[2] = { m->len[i], (guint8)(m->off[i + 1] - m->off[i]) };

		g_byte_array_append(out, l, 2);
		g_byte_array_append(out, m->text + m->off[i], l[1]);
	}
	return g_byte_array_free_to_bytes(out);
}

gboolean fw_wordpack_is_model(const void *data, gsize n)
{
	return data && n >= 4 && !memcmp(data, model_magic, 4);
}

struct fw_wordpack *fw_wordpack_load(const void *data, gsize n, guint32 id)
{
	const guint8 *p = data, *end = p + n;
	struct fw_wordpack *m;
	guint32 count = 0;

	if (!fw_wordpack_is_model(data, n) || n < 9 + 256 || p[4] != MODEL_VERSION)
		return NULL;
	for (guint i = 0; i < 4; i++)
		count |= (guint32)p[5 + i] << (8 * i);
	if (count < 2 || count > WORDS_MAX || count > (n - 9 - 256) / 2)
		return NULL;
	m = g_new0(struct fw_wordpack, 1);
	m->id = id;
	m->n = count;
	memcpy(m->blen, p + 9, 256);
	p += 9 + 256;
	m->len = g_new(guint8, count);
	m->off = g_new(guint32, count + 1);
	m->text = g_malloc(n);   /* the tokens' bytes fit in the data */
	m->off[0] = 0;
	for (guint i = 0; i < count; i++) {
		guint l;

		if (end - p < 2)
			goto bad;
		m->len[i] = p[0];
		l = p[1];
		p += 2;
		if ((gsize)(end - p) < l || (i < 2) != (l == 0) || memchr(p, '\0', l))
			goto bad;
		memcpy(m->text + m->off[i], p, l);
		m->off[i + 1] = m->off[i] + l;
		p += l;
	}
	if (p != end || !model_index(m))
		goto bad;
	return m;
bad:
	fw_wordpack_free(m);
	return NULL;
}

guint32 fw_wordpack_id(const struct fw_wordpack *m)
{
	return m->id;
}

void fw_wordpack_free(struct fw_wordpack *m)
{
	if (!m)
		return;
	g_free(m->len);
	g_free(m->code);
	g_free(m->off);
	g_free(m->text);
	g_free(m->slot);
	g_free(m->dec.sorted);
	g_free(m->bdec.sorted);
	g_free(m);
}

/* Packing. */

struct bits {
	GByteArray *out;
	guint64 acc;
	guint n;                /* bits in acc not yet written */
};

/* Writes the low len bits of v (len at most 32). */
static inline void put(struct bits *b, guint32 v, guint len)
{
	b->acc = b->acc << len | (v & (guint32)(((guint64)1 << len) - 1));
	b->n += len;
	while (b->n >= 8) {
		guint8 c = (guint8)(b->acc >> (b->n - 8));

		g_byte_array_append(b->out, &c, 1);
		b->n -= 8;
	}
}

/* Writes v (1 to 2^GAMMA_MAX - 1) in Elias gamma. */
static void put_gamma(struct bits *b, guint32 v)
{
	guint k = g_bit_storage(v) - 1;

	put(b, 0, k);
	put(b, v, k + 1);
}

struct packing {
	const struct fw_wordpack *m;
	struct bits b;
};

static void pack_token(const guint8 *p, gsize n, gpointer data)
{
	struct packing *k = data;
	const struct fw_wordpack *m = k->m;

	if (n <= TOKEN_MAX) {
		for (guint32 i = hash_of(p, n) & m->mask; m->slot[i]; i = (i + 1) & m->mask) {
			guint32 s = m->slot[i] - 1;

			if (m->off[s + 1] - m->off[s] == n && !memcmp(m->text + m->off[s], p, n)) {
				put(&k->b, m->code[s], m->len[s]);
				return;
			}
		}
	}
	put(&k->b, m->code[SYM_ESC], m->len[SYM_ESC]);
	put_gamma(&k->b, (guint32)n);
	for (gsize i = 0; i < n; i++)
		put(&k->b, m->bcode[p[i]], m->blen[p[i]]);
}

static void pack_end(gpointer data)
{
	struct packing *k = data;

	put(&k->b, k->m->code[SYM_END], k->m->len[SYM_END]);
}

GBytes *fw_wordpack_pack(const struct fw_wordpack *m, const struct fw_wordpack_texts *x)
{
	struct packing k;
	guint8 head[5] = { FW_WORDPACK_MAGIC };
	gsize total = 0;

	if (x->n_cats > FW_WORDPACK_CATS_MAX)
		return NULL;
	/* what unpacking counts: the summary's tail past the prefix too */
	total += x->content ? strlen(x->content) : 0;
	total += x->summary ? strlen(x->summary) : 0;
	for (guint i = 0; i < x->n_cats; i++)
		total += strlen(x->cats[i]);
	if (total > FW_WORDPACK_OUT_MAX / 2)
		return NULL;
	k = (struct packing){ m, { g_byte_array_sized_new(256), 0, 0 } };

	for (guint i = 0; i < 4; i++)
		head[1 + i] = (guint8)(m->id >> (8 * i));
	g_byte_array_append(k.b.out, head, sizeof head);
	put(&k.b, x->summary != NULL, 1);
	put(&k.b, x->content != NULL, 1);
	if (x->summary)
		put_gamma(&k.b, (guint32)common_prefix(x->summary, x->content) + 1);
	put_gamma(&k.b, x->n_cats + 1);
	walk_texts(x, pack_token, pack_end, &k);
	put(&k.b, 0, 7);   /* the last byte's bits */
	return g_byte_array_free_to_bytes(k.b.out);
}

guint32 fw_wordpack_body_id(const void *data, gsize n)
{
	const guint8 *p = data;

	if (!p || n < 5 || p[0] != FW_WORDPACK_MAGIC)
		return 0;
	return (guint32)p[1] | (guint32)p[2] << 8 | (guint32)p[3] << 16 | (guint32)p[4] << 24;
}

/* Unpacking. */

struct reader {
	const guint8 *p;
	gsize bits;             /* in p */
	gsize at;               /* bits read */
	gsize out;              /* bytes written */
};

/* The next k bits (k at most 24), zeros past the end, not consumed. */
static inline guint32 peek(const struct reader *r, guint k)
{
	gsize byte = r->at >> 3, n = r->bits >> 3;
	guint32 v = 0;

	for (gsize i = byte; i < byte + 4; i++)
		v = v << 8 | (i < n ? r->p[i] : 0);
	return (guint32)((v << (r->at & 7)) >> (32 - k));
}

/* The next symbol under h, or -1 when none (or past the end). */
static gint64 get_sym(struct reader *r, const struct huff *h)
{
	guint32 e = h->fast[peek(r, FAST)], code;

	if (e) {
		r->at += e & 31;
		return r->at <= r->bits ? (gint64)(e >> 5) - 1 : -1;
	}
	code = peek(r, MAXLEN);
	for (guint l = FAST + 1; l <= MAXLEN; l++) {
		guint32 c = code >> (MAXLEN - l);

		if (c - h->first[l] < h->count[l] && c >= h->first[l]) {
			r->at += l;
			return r->at <= r->bits ? (gint64)h->sorted[h->index[l] + c - h->first[l]] : -1;
		}
	}
	return -1;
}

/* A gamma-coded number, or 0 when there is none. */
static guint32 get_gamma(struct reader *r)
{
	guint k = 0;
	guint32 v;

	while (k <= GAMMA_MAX && peek(r, 1) == 0 && r->at < r->bits) {
		r->at++;
		k++;
	}
	if (k > GAMMA_MAX || r->at + k + 1 > r->bits)
		return 0;
	v = peek(r, k + 1);
	r->at += k + 1;
	return v;
}

/* Reads one text into a new string, or NULL when it does not decode. */
static char *get_text(struct reader *r, const struct fw_wordpack *m, const char *prefix,
                      gsize prefix_len)
{
	GString *s = g_string_new_len(prefix, (gssize)prefix_len);
	gboolean last_word = FALSE;

	r->out += prefix_len;
	for (;;) {
		gint64 sym = get_sym(r, &m->dec);
		const guint8 *p;
		gsize n;

		if (sym == SYM_END)
			return g_string_free(s, FALSE);
		if (sym < 0)
			break;
		if (sym == SYM_ESC) {
			guint32 len = get_gamma(r);
			gsize at = s->len;

			if (!len || r->out + len + 1 > FW_WORDPACK_OUT_MAX)
				break;
			for (guint32 i = 0; i < len; i++) {
				gint64 c = get_sym(r, &m->bdec);

				if (c <= 0)
					goto bad;
				g_string_append_c(s, (char)c);
			}
			p = (const guint8 *)s->str + at;
			n = len;
			if (last_word && is_word(p[0])) {
				g_string_insert_c(s, (gssize)at, ' ');
				r->out++;
			}
		} else {
			p = m->text + m->off[sym];
			n = m->off[sym + 1] - m->off[sym];
			if (r->out + n + 1 > FW_WORDPACK_OUT_MAX)
				break;
			if (last_word && is_word(p[0])) {
				g_string_append_c(s, ' ');
				r->out++;
			}
			g_string_append_len(s, (const char *)p, (gssize)n);
		}
		r->out += n;
		last_word = is_word(s->str[s->len - 1]);
	}
bad:
	g_string_free(s, TRUE);
	return NULL;
}

gboolean fw_wordpack_unpack(const struct fw_wordpack *m, const void *data, gsize n,
                            char **summary, char **content, GPtrArray *cats)
{
	struct reader r = { (const guint8 *)data + 5, 0, 0, 0 };
	gboolean has_summary, has_content;
	guint32 prefix = 0, n_cats;
	g_autofree char *s = NULL, *c = NULL;
	g_autoptr(GPtrArray) cv = NULL;

	if (fw_wordpack_body_id(data, n) != m->id || n - 5 > G_MAXSIZE / 8)
		return FALSE;
	r.bits = (n - 5) * 8;
	has_summary = r.bits >= 2 && peek(&r, 1);
	has_content = r.bits >= 2 && peek(&r, 2) & 1;
	r.at = 2;
	if (has_summary && !(prefix = get_gamma(&r)))
		return FALSE;
	if (!(n_cats = get_gamma(&r)) || --n_cats > FW_WORDPACK_CATS_MAX)
		return FALSE;
	if (has_content && !(c = get_text(&r, m, NULL, 0)))
		return FALSE;
	if (has_summary && (--prefix > (c ? strlen(c) : 0) || !(s = get_text(&r, m, c, prefix))))
		return FALSE;
	cv = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < n_cats; i++) {
		char *t = get_text(&r, m, NULL, 0);

		if (!t)
			return FALSE;
		g_ptr_array_add(cv, t);
	}
	if ((r.bits - r.at) >= 8)
		return FALSE;   /* more than the last byte's bits left */
	*summary = g_steal_pointer(&s);
	*content = g_steal_pointer(&c);
	for (guint i = 0; i < cv->len; i++)
		g_ptr_array_add(cats, g_steal_pointer(&cv->pdata[i]));
	g_ptr_array_set_free_func(cv, NULL);
	return TRUE;
}
