/* feed — a feed document in memory -> normalised items (RSS 0.9x/2.0,
 * RSS 1.0, Atom 0.3/1.0, JSON Feed 1.0/1.1 through json-glib).
 *
 * Feeds are hostile input: the parser reads memory only (no network, files,
 * external entities or DTDs), decides the encoding itself, and hands out
 * bounded, valid UTF-8 plain text (HTML turned into text by fw_html_to_text:
 * exactly the text topics match) and http(s) links only. The rules, and how
 * a document streams through libxml2, are in docs/design.md "Hostile input".
 * Thread-safe; errors are GErrors in FW_FEED_ERROR. */
#ifndef FW_FEED_H
#define FW_FEED_H

#include <glib.h>

#define FW_FEED_ERROR (fw_feed_error_quark())
GQuark fw_feed_error_quark(void);

enum fw_feed_error_code {
	FW_FEED_ERROR_NOT_XML,     /* not a well-formed document, even in recover mode */
	FW_FEED_ERROR_NOT_FEED,    /* XML or HTML but no rss/rdf/feed root ("not a feed: text/html") */
	FW_FEED_ERROR_HOSTILE,     /* refused: entities other than plain internal text, size,
	                            * depth, a cap below, the CPU budget */
	FW_FEED_ERROR_CANCELLED,   /* fw_feed_limits.cancel was set during the parse */
};

/* Time value meaning "the feed gave no date". */
#define FW_TIME_NONE G_MININT64

/* One item of a feed. Every string is owned by the item, valid UTF-8 and
 * bounded (title 4 KB, summary and content 1 MB, author and each category
 * 1 KB, at most 64 categories); any may be NULL except id. Times are Unix
 * seconds UTC or FW_TIME_NONE; published falls back to updated when the
 * feed gives only that. Empty items (no id, title, link or text) are
 * skipped; a document yields at most 10000 items. */
struct fw_item {
	char *id;          /* guid / atom:id; dc:identifier; rdf:about; else link; else "sha1:"
	                    * hash of the title and content; one over 1 KB becomes "sha1:" and
	                    * its hash; never changes for an item (docs/design.md section 3) */
	char *title;       /* plain text */
	char *link;        /* absolute http(s) URL (xml:base and feed URL resolved), or NULL */
	gint64 published;
	gint64 updated;
	char *author;      /* plain text */
	GPtrArray *categories; /* of char*, plain text; never NULL (may be empty) */
	char *summary;     /* plain text (description / summary) */
	char *content;     /* plain text (content:encoded / atom:content); NULL if none */
	gboolean link_shared; /* another item of its document has its link under another
	                       * title (a landing page): the store keys its story on link
	                       * and title (docs/design.md section 3) */
	gboolean link_twin;   /* another item of its document has its link and title under
	                       * another id: the store takes it for a stored item whose guid
	                       * changed only when that one has its text too (section 3) */
};

/* A parsed document. Owns its items. */
struct fw_feed_doc {
	char *title;       /* the feed's own title, plain text, or NULL */
	char *link;        /* the site link, or NULL */
	GPtrArray *items;  /* of struct fw_item *, in document order; never NULL */
	gboolean degraded; /* the strict parse failed (read in recover mode), or a date's
	                    * nonsense zone was dropped */
	char *warning;     /* why degraded ("; " between reasons), or NULL */
	gint64 ttl;        /* <ttl> or sy:updatePeriod, in seconds; 0 = none */
};

/* What one parse may cost. Whatever the document, a parse holds at most
 * its decoded text (up to 3x its bytes from a legacy charset), one 4 MB run
 * of it being fixed (up to 5x), one item with what it has read so far, and
 * at most 200000 XML nodes (elements, attributes, comments, processing
 * instructions; ~250 bytes each) or 100000 JSON values (~300 bytes each):
 * with the default max_size of 10 MB, under 100 MB (docs/design.md
 * "Hostile input" has the figures). Elements are refused over 512
 * attributes (libxml2 checks duplicates in quadratic time), a DOCTYPE's
 * internal subset is dropped, an HTML page is searched only for its <link>
 * tags. A parse that hits one of these fails with HOSTILE naming it. */
struct fw_feed_limits {
	gint64 budget_ms;      /* thread CPU time the parse may take; 0: no limit */
	const gint *cancel;    /* read atomically: the parse stops soon after it turns
	                        * non-zero (CANCELLED); NULL: never */
};

/* The CPU budget the daemon gives a parse (fw_feed_limits.budget_ms). */
#define FW_FEED_BUDGET_MS 10000

/* Parses a feed document from memory. base_url is the URL it was fetched
 * from (final URL after redirects) or NULL; content_type is the HTTP
 * Content-Type header (its charset counts after a byte order mark and the
 * XML declaration) or NULL. Returns a new doc (free with fw_feed_doc_free),
 * or NULL with error set, the message naming what is wrong: NOT_XML ("not
 * XML: LINE:COL: ..."), NOT_FEED ("not a feed: text/html", with " (it links
 * to a feed: URL)" when the page names one; "not a feed: XML document with
 * root element <x>"), HOSTILE ("feed declares entities", "feed nested too
 * deeply", "feed too large" over 64 MB, and the caps of fw_feed_limits).
 * Every string of the result is free of C0 and C1 controls and of bidi
 * overrides and isolates (U+202A-U+202E, U+2066-U+2069), ids included. */
struct fw_feed_doc *fw_feed_parse(const char *data, gsize len, const char *base_url,
                                  const char *content_type, GError **error);

/* fw_feed_parse within limits (NULL: none): over its budget it fails with
 * HOSTILE "feed took too long to parse (over its CPU budget)", cancelled
 * with CANCELLED. */
struct fw_feed_doc *fw_feed_parse_limited(const char *data, gsize len, const char *base_url,
                                          const char *content_type,
                                          const struct fw_feed_limits *limits, GError **error);

/* Initialises libxml2 for the process now (else the first parse does, on
 * its thread): its global tables are then the caller's thread's memory. */
void fw_feed_init(void);

void fw_feed_doc_free(struct fw_feed_doc *doc);  /* NULL is fine */
void fw_item_free(struct fw_item *item);         /* NULL is fine */

/* Parses an RFC 822 / RFC 3339 / ISO 8601 date (with real-world variants).
 * Returns Unix seconds UTC, or FW_TIME_NONE for nonsense; a zone out of
 * range ("+3000") is dropped and the time read as UTC. */
gint64 fw_feed_parse_date(const char *s);

#endif
