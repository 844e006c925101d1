/* match-explain — fw_query_explain: why a query did or did not match an
 * item, in words. */
#include <string.h>

#include "match-int.h"

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

/* Records one occurrence of a phrase in a struct seen_occ. */
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
	fw_match_phrase_each(x->d, n, seen_occ_cb, &s);
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
	fw_match_phrase_each(x->d, &all, seen_occ_cb, &s);
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
		s = fw_match_regex_text(x->d, f, &len);
		if (!g_regex_match_full(n->regex, s, len, 0, G_REGEX_MATCH_NOTEMPTY, &mi, &err)) {
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

	fw_match_near_collect(d, n, o);
	g_array_sort(o, fw_match_occ_cmp_cb);
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
		gboolean v = fw_match_eval(x->d, n->kids[i], NULL);
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

/* Any node: why it is TRUE or FALSE. */
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
		if (fw_match_eval(x->d, n->kids[0], NULL))
			g_string_prepend(w.text, "NOT excluded it: ");
		w.plain_miss = FALSE;
		return w;
	case FW_QNODE_AND:
	case FW_QNODE_OR:
	default:
		return explain_list(x, n, fw_match_eval(x->d, n, NULL));
	}
}

char *
fw_query_explain(const struct fw_query *q, const struct fw_doc *doc)
{
	struct docidx d;
	struct explain x = { .d = &d, .src = fw_query_source(q) };
	struct why w;

	fw_match_docidx_init(&d, doc, FW_FIELDS_ALL, NULL);
	w = explain_node(&x, fw_query_root(q));
	fw_match_docidx_clear(&d);
	if (g_utf8_strlen(w.text->str, -1) > FW_MATCH_EXPLAIN_MAX) {
		char *cut = g_utf8_substring(w.text->str, 0, FW_MATCH_EXPLAIN_MAX - 1);
		g_string_assign(w.text, cut);
		g_string_append(w.text, "…");
		g_free(cut);
	}
	return g_string_free(w.text, FALSE);
}
