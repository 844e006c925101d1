/* libFuzzer harness for the query language and the matcher: fw_query_parse,
 * fw_query_match, the topic index (fw_matcher_match), fw_query_explain and
 * snippets. Input: the query, a newline, then the item's fields separated by
 * 0x1F (title, summary, content, category, author, feed, link); both are
 * made valid UTF-8 first, as the config and the feed parser guarantee.
 * Contract checked: a parse error has a message and a column inside the
 * query (or just past it); a match's spans lie inside their fields; the
 * index finds exactly the items the query alone matches, with the same
 * spans; an explanation is valid UTF-8 of at most about 1000 characters;
 * a snippet's marks lie inside its text, and its renderings are valid UTF-8
 * (escaped for Pango markup when asked: no raw '<' or '&' left). */
#include <stdint.h>
#include <string.h>

#include "feedwatch/match.h"
#include "feedwatch/topic.h"

#define EXPLAIN_MAX_CHARS 1001   /* FW_MATCH_EXPLAIN_MAX (1000) and a "…" */

/* Valid UTF-8 of the first n bytes of s, cut at a NUL (a C string's end). */
static char *valid(const char *s, size_t n)
{
	const char *nul = memchr(s, '\0', n);

	return g_utf8_make_valid(s, nul ? nul - s : (gssize)n);
}

static void check_utf8(const char *s)
{
	if (s == NULL || !g_utf8_validate(s, -1, NULL))
		__builtin_trap();
}

/* Aborts unless every span is inside its field of doc, start < end. */
static void check_spans(const GArray *spans, const struct fw_doc *doc)
{
	for (guint i = 0; spans && i < spans->len; i++) {
		const struct fw_span *sp = &g_array_index(spans, struct fw_span, i);
		const char *f = sp->field < FW_FIELD_COUNT ? doc->field[sp->field] : NULL;

		if (f == NULL || sp->start >= sp->end || sp->end > (guint)g_utf8_strlen(f, -1))
			__builtin_trap();
	}
}

/* The same spans, as sets (the index may list them in another order). */
static gboolean same_spans(const struct fw_span *a, guint na, const GArray *b)
{
	if (na != b->len)
		return FALSE;
	for (guint i = 0; i < na; i++) {
		gboolean found = FALSE;
		for (guint k = 0; k < b->len && !found; k++) {
			const struct fw_span *y = &g_array_index(b, struct fw_span, k);
			found = a[i].field == y->field && a[i].start == y->start && a[i].end == y->end;
		}
		if (!found)
			return FALSE;
	}
	return TRUE;
}

static void check_snippet(const struct fw_doc *doc, const GArray *spans, guint width)
{
	struct fw_snippet *sn = fw_snippet_make(doc, spans, width);
	char *r;

	if (spans->len > 0 && sn == NULL)
		__builtin_trap();
	if (sn == NULL)
		return;
	check_utf8(sn->text);
	for (guint i = 0; i < sn->marks->len; i++) {
		const struct fw_span *m = &g_array_index(sn->marks, struct fw_span, i);
		if (m->start >= m->end || m->end > (guint)g_utf8_strlen(sn->text, -1))
			__builtin_trap();
	}
	r = fw_snippet_render(sn->text, sn->marks, "\x01", "\x02", TRUE);
	check_utf8(r);
	for (const char *p = r; *p; p++)
		if (*p == '<')
			__builtin_trap();
	g_free(r);
	r = fw_snippet_render(sn->text, sn->marks, "[", "]", FALSE);
	check_utf8(r);
	g_free(r);
	fw_snippet_free(sn);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data, *nl = memchr(in, '\n', size);
	size_t qlen = nl ? (size_t)(nl - in) : size;
	char *query = valid(in, qlen);
	char *rest = nl ? valid(nl + 1, size - qlen - 1) : g_strdup("");
	char **fields = g_strsplit(rest, "\x1f", FW_FIELD_COUNT);
	struct fw_doc doc = { { NULL } };
	GError *err = NULL;
	guint col = 0, width = 20 + (guint)(size % 200);
	struct fw_query *q;

	for (guint i = 0; fields[i] != NULL && i < FW_FIELD_COUNT; i++)
		doc.field[i] = fields[i];
	q = fw_query_parse(query, &col, &err);
	if (q == NULL) {
		if (err == NULL || err->domain != FW_TOPIC_ERROR || err->message[0] == '\0' ||
		    col < 1 || col > (guint)g_utf8_strlen(query, -1) + 1)
			__builtin_trap();
		check_utf8(err->message);
		g_error_free(err);
	} else {
		GArray *spans = fw_query_match(q, &doc);
		char *why = fw_query_explain(q, &doc);
		struct fw_matcher *m = fw_matcher_new();
		struct fw_matches *r = fw_matches_new();
		guint hits;

		check_spans(spans, &doc);
		check_utf8(why);
		if (g_utf8_strlen(why, -1) > EXPLAIN_MAX_CHARS)
			__builtin_trap();
		g_free(why);
		/* The index, with the query as topic 3 beside one that never
		 * matches: the same verdict and spans as the query alone. */
		fw_matcher_add(m, 1, fw_query_parse("zzqqxxnevermatches", NULL, NULL));
		fw_matcher_add(m, 3, fw_query_parse(query, NULL, NULL));
		hits = fw_matcher_match(m, &doc, r);
		if (hits != (spans != NULL ? 1u : 0u))
			__builtin_trap();
		if (hits == 1) {
			const struct fw_match *h = &g_array_index(r->hits, struct fw_match, 0);
			if (h->topic != 3 || !same_spans(fw_match_spans(r, h), h->nspans, spans))
				__builtin_trap();
			check_snippet(&doc, spans, width);
		}
		if (spans)
			g_array_unref(spans);
		fw_matches_free(r);
		fw_matcher_free(m);
		fw_query_free(q);
	}
	fw_match_thread_release();
	g_strfreev(fields);
	g_free(rest);
	g_free(query);
	return 0;
}
