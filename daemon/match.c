/* match — the matcher: its topics, what each requires, their filing, and
 * fw_matcher_match (see match.h; the module's files in match-int.h).
 *
 * A query is turned into clauses of terms it requires (words, prefixes,
 * regex literals: one term of each clause is in any item it matches). The
 * matcher files each topic under the terms of one clause, chosen when
 * matching starts: the clause whose terms fewest topics use (words many
 * topics use are taken to be common); a few more are kept as checks. To
 * match an item, fw_matcher_match tokenises it (match-doc.c), lists the
 * topics filed under its terms that pass their checks (match-index.c) and
 * evaluates each of them (match-eval.c). */
#include <string.h>

#include "match-int.h"

/* A topic added but not filed yet, with its clauses. */
struct pending {
	guint slot;
	GPtrArray *cs;
};

/* Frees a struct pending. */
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
	fw_match_strtab_init(&m->tab[TERM_WORD], 64);
	fw_match_strtab_init(&m->tab[TERM_PREFIX], 16);
	fw_match_strtab_init(&m->tab[TERM_INFIX], 16);
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
	m->cterms = g_array_new(FALSE, FALSE, sizeof(struct cterm));
	m->twins = g_array_new(FALSE, FALSE, sizeof(struct twin));
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
		fw_match_strtab_clear(&m->tab[k]);
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
	g_free(m->wslots);
	g_array_unref(m->always);
	g_array_unref(m->cterms);
	g_array_unref(m->twins);
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

/* Orders clauses by clause_cost. */
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

/* An empty clause. */
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

/* How many clauses of topics use the term of r (at least 1). */
static guint32
term_uses(const struct fw_matcher *m, struct req r)
{
	guint kind = term_kind(r.t);
	gint64 e = strtab_find(&m->tab[kind], r.t->word, r.t->len, r.t->hash);

	return e >= 0 && (guint)e < m->uses[kind]->len ?
	       MAX(g_array_index(m->uses[kind], guint32, e), 1) : 1;
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
		t->check_at = m->cterms->len;
		for (guint i = 1; i < cs->len && t->nchecks < FW_MATCH_CHECKS_MAX; i++) {
			GArray *c = cs->pdata[i];
			struct cterm head = { .kind = FW_MATCH_CLAUSE, .entry = c->len };
			g_array_append_val(m->cterms, head);
			for (guint j = 0; j < c->len; j++) {
				const struct fw_qterm *qt = g_array_index(c, struct req, j).t;
				struct cterm ct = { term_kind(qt), fw_match_term_entry(m, qt), qt->hash,
				                    qt->len };
				g_array_append_val(m->cterms, ct);
			}
			t->nchecks++;
		}
		for (guint i = 0; i < ((GArray *)cs->pdata[0])->len; i++)
			fw_match_file_under(m, g_array_index((GArray *)cs->pdata[0], struct req, i), pd->slot);
		t->filed = TRUE;
	}
	g_ptr_array_set_size(m->pending, 0);

	/* The twins in one array, a topic's together (a match reads them all). */
	g_array_set_size(m->twins, 0);
	for (guint s = 0; s < m->topics->len; s++) {
		struct topic *t = &g_array_index(m->topics, struct topic, s);
		t->twin_at = m->twins->len;
		for (guint k = t->twin; k != FW_MATCH_NO_TWIN;
		     k = g_array_index(m->topics, struct topic, k).twin) {
			struct twin tw = { g_array_index(m->topics, struct topic, k).number, k };
			g_array_append_val(m->twins, tw);
		}
		t->ntwins = m->twins->len - t->twin_at;
	}

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
	fw_match_index_words(m);
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
	fw_match_enter_prefixes(m, fw_query_root(q));
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
			guint32 e = fw_match_term_entry(m, qt);
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
	fw_match_docidx_release();
	fw_match_candidates_release();
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
	fw_match_docidx_init(&d, doc, m->fields, m);
	cand = fw_match_candidates(m, &d);
	found = d.buf->found;
	g_array_set_size(found, 0);
	/* Each query is a cache miss of its own: the next one's first lines
	 * (its nodes, terms and words are one block, see topic.c) are fetched
	 * while this one is evaluated. */
	if (cand->len > 0)
		__builtin_prefetch(g_array_index(m->topics, struct topic,
		                                 g_array_index(cand, guint, 0)).root);
	for (guint i = 0; i < cand->len; i++) {
		guint slot = g_array_index(cand, guint, i);
		const struct topic *t = &g_array_index(m->topics, struct topic, slot);
		struct found f = { .number = t->number, .slot = slot, .first = r->spans->len };

		if (i + 1 < cand->len) {
			const char *q = (const char *)g_array_index(m->topics, struct topic,
			                                            g_array_index(cand, guint, i + 1)).root;
			__builtin_prefetch(q);
			__builtin_prefetch(q + 64);
			__builtin_prefetch(q + 128);
			__builtin_prefetch(q + 192);
		}

		if (fw_match_query_eval(t->root, &d, r->spans)) {
			f.nspans = r->spans->len - f.first;
			FW_MATCH_PUSH(found, &d.buf->room_found, struct found, f);
			/* its twins match too, with the same spans */
			for (guint k = 0; k < t->ntwins; k++) {
				const struct twin *tw = &g_array_index(m->twins, struct twin, t->twin_at + k);
				f.number = tw->number;
				f.slot = tw->slot;
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
	fw_match_docidx_clear(&d);
	return r->hits->len;
}
