/* match — queries against items: all topics compiled into one term index
 * (presearch), evaluation with positions, explanations, snippets
 * (daemon/match*.c).
 *
 * Pure: no I/O, no errors (queries come compiled, see topic.h). A matcher
 * is built once per configuration and then only read, so matching may run
 * on any thread while nobody adds to it (the first match files the topics,
 * under a lock; each thread keeps a little scratch memory for its next
 * item, freed by fw_match_thread_release or when the thread ends). What a
 * function returns is the caller's unless said otherwise. */
#ifndef FW_MATCH_H
#define FW_MATCH_H

#include <glib.h>
#include "feedwatch/feed.h"
#include "feedwatch/topic.h"

/* The text of one item by field, plain text as stored (the offsets of a
 * match refer to these strings). NULL means empty. Not owned. */
struct fw_doc {
	const char *field[FW_FIELD_COUNT];
};

/* Fills d with an item as every matcher user sees it (the poller, match,
 * backtest): its fields, the categories one a line (no phrase spans two of
 * them), and as the feed field feed_title and feed_key (the config's name
 * of the feed), one a line; either may be NULL. *own receives the text d
 * points into: the caller frees it after d. */
void fw_doc_from_item(struct fw_doc *d, const struct fw_item *it, const char *feed_key,
                      const char *feed_title, char **own);

/* A matched word or phrase: character offsets in a field's text, end exclusive. */
struct fw_span {
	guint field;        /* enum fw_field */
	guint start;
	guint end;
};

/* One topic that matched an item, and why: its spans are
 * r->spans[first .. first + nspans) of the struct fw_matches r holding it,
 * sorted by field then start, no duplicates. */
struct fw_match {
	guint topic;        /* the number given to fw_matcher_add */
	guint first;
	guint nspans;
};

/* What fw_matcher_match found for one item, flat: a hit costs no
 * allocation, and one result is reused from item to item. Owns both arrays
 * (fw_matches_free frees them); their contents live until the next match
 * into it. */
struct fw_matches {
	GArray *hits;       /* struct fw_match, ordered by topic number */
	GArray *spans;      /* struct fw_span: each hit's in one run (runs in no order) */
};

struct fw_matches *fw_matches_new(void);
void fw_matches_free(struct fw_matches *r);   /* NULL is fine */

/* The spans of hit h of r (h->nspans of them; not owned). NULL when no hit
 * of r has spans (r->spans->data is NULL then, and NULL + 0 is undefined). */
static inline const struct fw_span *
fw_match_spans(const struct fw_matches *r, const struct fw_match *h)
{
	return r->spans->data != NULL ? &g_array_index(r->spans, struct fw_span, h->first) : NULL;
}

struct fw_matcher;

struct fw_matcher *fw_matcher_new(void);
void fw_matcher_free(struct fw_matcher *m);  /* frees the queries too; NULL is fine */

/* Adds topic number `topic` with its compiled query; takes ownership of q. */
void fw_matcher_add(struct fw_matcher *m, guint topic, struct fw_query *q);

/* Files the topics added so far into the index now (else the first match
 * does it): the index is then allocated by the caller's thread. */
void fw_matcher_build(struct fw_matcher *m);

/* Frees the calling thread's scratch buffers (the next match on this thread
 * makes them again): for a thread about to idle. */
void fw_match_thread_release(void);

/* Matches one item against every topic into r (emptied first, its arrays
 * reused). Returns the number of hits (r->hits->len). */
guint fw_matcher_match(struct fw_matcher *m, const struct fw_doc *doc, struct fw_matches *r);

/* Matches one query against one item (no index); NULL spans means "no". */
GArray *fw_query_match(const struct fw_query *q, const struct fw_doc *doc);

/* Says in a few words why q did or did not match doc, for people: the terms
 * found and their fields, and for a miss what was missing ("Milei not
 * found"), too far ("China found in content, no swap* within 8 words (the
 * nearest is 12 words away)"), excluded ("Mercosur found in title, but NOT
 * excluded it: \"Mercado Libre\" found in content"), or nearly there (a
 * field the query does not look at, a phrase's words apart, a word only
 * inside longer ones). Query terms are quoted as written, item text as it
 * is. Looks at every field of doc. At most about 1000 characters. Caller frees. */
char *fw_query_explain(const struct fw_query *q, const struct fw_doc *doc);

/* A cut of one field's text around the first span, about `width`
 * characters, cut at word boundaries, with "…" where text was cut. marks
 * holds struct fw_span (field = the snippet's field) with offsets into text. */
struct fw_snippet {
	guint field;
	char *text;
	GArray *marks;
};

/* Builds the snippet around the first of spans (in field order title,
 * summary, content, ... : prefers content, then summary, then title for
 * context). Returns NULL if spans is empty. */
struct fw_snippet *fw_snippet_make(const struct fw_doc *doc, const GArray *spans, guint width);
void fw_snippet_free(struct fw_snippet *s);   /* NULL is fine */

/* Renders text with each mark wrapped in open/close. With escape_markup, the
 * text (not open/close) is escaped for Pango markup. Caller frees. */
char *fw_snippet_render(const char *text, const GArray *marks, const char *open,
                        const char *close, gboolean escape_markup);

#endif
