/* match-index — the presearch index over all topics: their terms in
 * tables, filters and Bloom bits, and the candidate scan of an item.
 *
 * One scan of the item's distinct words finds the topics filed under them,
 * under their prefixes and under literals inside them, and lists the words
 * under each prefix topics use; a few more clauses are checked before a
 * topic is evaluated. Measured in bench (10,000 topics against 10). */
#include <string.h>

#include "match-int.h"

/* The entry of term t in the matcher's table of its kind (added if new,
 * with the filter bits the candidate scan needs to find it). */
guint32
fw_match_term_entry(struct fw_matcher *m, const struct fw_qterm *t)
{
	guint kind = term_kind(t);
	guint32 h = t->hash;
	guint32 e = fw_match_strtab_add(&m->tab[kind], t->word, t->len, h);

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
 * scan lists the item's words for each, see fw_match_phrase_each), and every word
 * (so that the doc index keeps it, see token_wanted). */
void
fw_match_enter_prefixes(struct fw_matcher *m, const struct fw_qnode *n)
{
	switch (n->kind) {
	case FW_QNODE_PHRASE:
		for (guint i = 0; i < n->n; i++) {
			const struct fw_qterm *t = &n->terms[i];
			guint32 h = t->hash;
			if (t->prefix) {
				fw_match_term_entry(m, t);
			} else {
				fw_match_strtab_add(&m->tab[TERM_WORD], t->word, t->len, h);
				bloom_add(m->term_bloom, h);
			}
		}
		return;
	case FW_QNODE_REGEX:
		return;
	case FW_QNODE_NOT:
		fw_match_enter_prefixes(m, n->kids[0]);
		return;
	case FW_QNODE_NEAR:
		fw_match_enter_prefixes(m, n->kids[0]);
		fw_match_enter_prefixes(m, n->kids[1]);
		return;
	case FW_QNODE_AND:
	case FW_QNODE_OR:
		for (guint i = 0; i < n->n; i++)
			fw_match_enter_prefixes(m, n->kids[i]);
		return;
	}
}

/* Files topic slot under term r (once). */
void
fw_match_file_under(struct fw_matcher *m, struct req r, guint slot)
{
	guint kind = term_kind(r.t);
	guint32 e = fw_match_term_entry(m, r.t);
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

/* Lays out the table of filed words the candidate scan probes: each word
 * with topics filed under it by its hash, pointing at its postings. Only
 * the hash is kept: two words of one hash both make their topics
 * candidates, which evaluation then sorts out (a false candidate costs an
 * evaluation, a probe of the word table a few cache misses a word). */
void
fw_match_index_words(struct fw_matcher *m)
{
	const struct strtab *t = &m->tab[TERM_WORD];
	guint n = 0, size = 16;

	for (guint32 e = 0; e < t->ents->len; e++)
		n += strtab_ent(t, e)->val != 0;
	while (size < 2 * n)
		size *= 2;
	g_free(m->wslots);
	m->wslots = g_new0(struct wslot, size);
	m->wmask = size - 1;
	for (guint32 e = 0; e < t->ents->len; e++) {
		const struct sent *x = strtab_ent(t, e);
		guint32 i;

		if (x->val == 0)
			continue;
		for (i = x->hash & m->wmask; m->wslots[i].end != 0; i = (i + 1) & m->wmask)
			;
		m->wslots[i] = (struct wslot){ x->hash, m->post_at[x->val - 1], m->post_at[x->val] };
	}
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

/* The thread key's destructor. */
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

/* Adds the topics of postings posts[at .. end) whose term counts in one of
 * `fields` to the candidates. */
static inline void
add_postings(struct scan *sc, guint32 at, guint32 end, guint fields)
{
	for (guint32 i = at; i < end; i++) {
		const struct posting *p = &sc->m->posts[i];

		if ((p->fields & fields) && scratch_take(sc->got, p->slot))
			FW_MATCH_PUSH(sc->cand, &sc->d->buf->room_cand, guint, p->slot);
	}
}

/* Adds the topics of entry e of table kind (if it has any) whose term counts
 * in one of `fields` to the candidates. */
static void
add_cands(struct scan *sc, guint kind, guint32 e, guint fields)
{
	guint32 val = strtab_ent(&sc->m->tab[kind], e)->val;

	if (val == 0)
		return;
	add_postings(sc, sc->m->post_at[val - 1], sc->m->post_at[val], fields);
}

/* Takes term entry e of table kind, found at the start of word id w's text
 * at byte `from`: records it in d (prefix pairs, literal fields) and adds
 * its topics to the candidates. */
static void
scan_found(struct scan *sc, guint kind, guint32 e, guint32 w, guint from)
{
	guint8 wf = sc->d->wfields[w];

	if (kind == TERM_PREFIX) {
		struct pair p = { e, w };
		FW_MATCH_PUSH(sc->pairs, &sc->d->buf->room_pairs, struct pair, p);
		sc->d->pfx_in[e] = 1;
	} else {
		sc->d->ifx_fields[e] |= wf & FW_FIELDS_ALL;
		/* in an all-ASCII word no regex \b falls after its start */
		if (from == 0 || (wf & FW_MATCH_WORD_WIDE))
			sc->d->ifx_start[e] |= wf & FW_FIELDS_ALL;
	}
	add_cands(sc, kind, e, wf & FW_FIELDS_ALL);
}

/* Looks up the prefixes (kind TERM_PREFIX) or literals starting the text
 * (TERM_INFIX) of word id w at byte `from` that some topic uses: only the
 * lengths the filter bits of its first 3 bytes name (and the short
 * prefixes), visited bit by bit. FNV hashes them on the way. */
static void
scan_terms(struct scan *sc, guint kind, guint32 w, guint from)
{
	const struct strtab *t = &sc->m->tab[kind];
	const char *word = strtab_key(&sc->d->words, w) + from;
	guint len = strtab_ent(&sc->d->words, w)->len - from, l = 0;
	guint32 bits = len >= 3 ? sc->m->filter[kind][filter_slot(word)] : 0;
	guint32 h = FNV_INIT;
	gint64 e;

	if (kind == TERM_PREFIX)
		bits |= (guint32)sc->m->prefix_short[1] << 1 | (guint32)sc->m->prefix_short[2] << 2;
	/* bit l: a term of l bytes (31: 31 or more); none longer than the word */
	if (len < 31)
		bits &= (2u << len) - 1;
	while (bits != 0) {
		guint next = (guint)__builtin_ctz(bits);

		bits &= bits - 1;
		if (next == 31) {
			/* every length from 31 to the word's */
			for (; l < len; ) {
				h = fnv_step(h, word[l++]);
				if (l >= 31 && (e = strtab_find(t, word, l, h)) >= 0)
					scan_found(sc, kind, (guint32)e, w, from);
			}
			return;
		}
		for (; l < next; l++)
			h = fnv_step(h, word[l]);
		if ((e = strtab_find(t, word, l, h)) >= 0)
			scan_found(sc, kind, (guint32)e, w, from);
	}
}

/* TRUE if the item holds a term of every check of topic t. */
static gboolean
checks_pass(const struct scan *sc, const struct topic *t)
{
	const struct docidx *d = sc->d;
	const struct cterm *ct, *end;

	if (t->nchecks == 0)
		return TRUE;
	ct = &g_array_index(sc->m->cterms, struct cterm, t->check_at);
	for (guint i = 0; i < t->nchecks; i++, ct = end) {
		gboolean any = FALSE;
		end = ct + 1 + ct->entry;   /* past the clause's head and terms */
		for (ct++; ct < end && !any; ct++) {
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
GArray *
fw_match_candidates(const struct fw_matcher *m, struct docidx *d)
{
	guint nw = d->words.ents->len;
	guint npfx = m->tab[TERM_PREFIX].ents->len, nifx = m->tab[TERM_INFIX].ents->len;
	struct scan sc = { .m = m, .d = d };
	GArray *filed = d->buf->filed;
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
	g_array_set_size(filed, 0);
	for (guint32 w = 0; w < nw; w++) {
		const struct sent *e = strtab_ent(&d->words, w);
		const char *word = strtab_key(&d->words, w);

		/* The small bit sets first: most words have no topic filed under
		 * them. The others' slots are looked at after the loop, fetched
		 * all at once (each a cache miss of its own). */
		if (bloom_has(m->word_bloom, e->hash)) {
			struct filed f = { .w = w };
			FW_MATCH_PUSH(filed, &d->buf->room_filed, struct filed, f);
			__builtin_prefetch(&m->wslots[e->hash & m->wmask]);
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

	/* The filed words' postings: found, fetched, then taken. */
	for (guint k = 0; k < filed->len; k++) {
		struct filed *f = &g_array_index(filed, struct filed, k);
		guint32 hash = strtab_ent(&d->words, f->w)->hash;

		for (guint32 i = hash & m->wmask; m->wslots[i].end != 0; i = (i + 1) & m->wmask) {
			if (m->wslots[i].hash != hash)
				continue;
			if (f->end != 0)   /* a second word of this hash: rare */
				add_postings(&sc, m->wslots[i].at, m->wslots[i].end,
				             d->wfields[f->w] & FW_FIELDS_ALL);
			else
				f->at = m->wslots[i].at, f->end = m->wslots[i].end;
		}
		if (f->end != 0)
			__builtin_prefetch(&m->posts[f->at]);
	}
	for (guint k = 0; k < filed->len; k++) {
		const struct filed *f = &g_array_index(filed, struct filed, k);
		add_postings(&sc, f->at, f->end, d->wfields[f->w] & FW_FIELDS_ALL);
	}

	/* The words by prefix entry (pairs come in word id order). */
	sort_small(sc.pairs, sizeof(struct pair), pair_cmp_cb);
	d->npfx = sc.pairs->len;
	d->pfx = (struct pair *)(void *)sc.pairs->data;

	/* The checks, now that every term of the item is known (the topics
	 * fetched first, all at once: each is a cache miss of its own). */
	for (guint i = 0; i < sc.cand->len; i++)
		__builtin_prefetch(&g_array_index(m->topics, struct topic,
		                                  g_array_index(sc.cand, guint, i)));
	for (guint i = 0; i < sc.cand->len; i++) {
		guint s = g_array_index(sc.cand, guint, i);
		if (checks_pass(&sc, &g_array_index(m->topics, struct topic, s)))
			g_array_index(sc.cand, guint, keep++) = s;
	}
	g_array_set_size(sc.cand, keep);
	scratch_done(sc.got);

	return sc.cand;
}

/* Frees the calling thread's scan scratch (see fw_match_thread_release). */
void
fw_match_candidates_release(void)
{
	g_private_replace(&scratch_key, NULL);
}
