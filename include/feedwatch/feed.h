/* feed — libxml2 -> normalised items (RSS 0.9x/2.0, RSS 1.0, Atom 0.3/1.0,
 * JSON Feed 1.0/1.1 through json-glib).
 *
 * Feeds are hostile input: the parser follows DESIGN.md "Untrusted input"
 * (memory APIs only, no network, no external entities, no DTD loading,
 * entity-declaring documents refused, strict parse first and a recover parse
 * marked degraded, encoding decided here, every string valid UTF-8, only
 * http/https links). All text fields are plain text (HTML turned into text
 * by fw_html_to_text) — exactly the text that topics match.
 *
 * Streaming: the document goes to libxml2's push parser in chunks of 256 KB
 * (after a byte pass that fixes what libxml2 would choke on), and each item
 * is read as its element ends and then freed, so the tree never holds more
 * than one item. Peak memory is the input, a decoded copy when it is not
 * UTF-8, and the items read (on a 50 MB feed about 1.7 times its size). A
 * run of text, CDATA or markup longer than 4 MB is cut there (libxml2 would
 * give up on it and lose the rest of the feed). */
#ifndef FW_FEED_H
#define FW_FEED_H

#include <glib.h>

#define FW_FEED_ERROR (fw_feed_error_quark())
GQuark fw_feed_error_quark(void);

enum fw_feed_error_code {
	FW_FEED_ERROR_NOT_XML,     /* not a well-formed document, even in recover mode */
	FW_FEED_ERROR_NOT_FEED,    /* XML or HTML but no rss/rdf/feed root ("not a feed: text/html") */
	FW_FEED_ERROR_HOSTILE,     /* refused: entity declarations, size, depth */
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
	char *id;          /* guid / atom:id / rdf:about; else link; else "sha1:" hash of the
	                    * title and content; one over 1 KB becomes "sha1:" and its hash */
	char *title;       /* plain text */
	char *link;        /* absolute http(s) URL (xml:base and feed URL resolved), or NULL */
	gint64 published;
	gint64 updated;
	char *author;      /* plain text */
	GPtrArray *categories; /* of char*, plain text; never NULL (may be empty) */
	char *summary;     /* plain text (description / summary) */
	char *content;     /* plain text (content:encoded / atom:content); NULL if none */
};

/* A parsed document. Owns its items. */
struct fw_feed_doc {
	char *title;       /* the feed's own title, plain text, or NULL */
	char *link;        /* the site link, or NULL */
	GPtrArray *items;  /* of struct fw_item *, in document order; never NULL */
	gboolean degraded; /* the strict parse failed; read in recover mode */
	char *warning;     /* why degraded, or NULL */
	gint64 ttl;        /* <ttl> or sy:updatePeriod, in seconds; 0 = none */
};

/* Parses a feed document from memory. base_url is the URL it was fetched
 * from (final URL after redirects) or NULL; content_type is the HTTP
 * Content-Type header (for its charset) or NULL. Returns a new doc (free with
 * fw_feed_doc_free) or NULL with error set (FW_FEED_ERROR_*), message naming
 * what is wrong (line:column for XML errors). Thread-safe: libxml2 is set up
 * once (external entity loader that refuses everything). Errors used:
 * NOT_XML ("not XML: L:C: ..."), NOT_FEED ("not a feed: text/html", with
 * " (it links to a feed: URL)" when the page names one; "not a feed: XML
 * document with root element <x>"), HOSTILE ("feed declares entities",
 * "feed nested too deeply", "feed too large" over 64 MB).
 *
 * The encoding is decided here and nowhere else (to_utf8 in feed.c):
 *  1. a byte order mark decides: UTF-8, UTF-16 LE/BE, UTF-32 LE/BE (and
 *     UTF-16 without one when the text starts "<\0" or "\0<");
 *  2. else the XML declaration's encoding="...";
 *  3. else the charset of content_type (so the declaration beats HTTP);
 *  then: bytes that are valid UTF-8 are read as UTF-8 whatever the label
 *  says; bytes invalid in UTF-8 are read as Windows-1252 (so are ISO-8859-1
 *  and US-ASCII labels: Windows-1252 mislabelled either way comes out right);
 *  other labels (ISO-8859-x, KOI8-R, Shift_JIS, GB2312...) go through iconv,
 *  legacy ones read as their superset as browsers do (GB2312 as GB18030,
 *  Shift_JIS as Windows-31J, Big5 as Big5-HKSCS), a sequence that does not
 *  decode becoming U+FFFD; a label iconv does not
 *  know, or one that would not read the declaration as written (EBCDIC,
 *  UTF-7), is ignored. NUL bytes are dropped; the result is valid UTF-8. */
struct fw_feed_doc *fw_feed_parse(const char *data, gsize len, const char *base_url,
                                  const char *content_type, GError **error);

/* Initialises libxml2 for the process now (else the first parse does, on
 * its thread): its global tables are then the caller's thread's memory. */
void fw_feed_init(void);

void fw_feed_doc_free(struct fw_feed_doc *doc);  /* NULL is fine */
void fw_item_free(struct fw_item *item);         /* NULL is fine */

/* Parses an RFC 822 / RFC 3339 / ISO 8601 date (with real-world variants).
 * Returns Unix seconds UTC, or FW_TIME_NONE for nonsense. */
gint64 fw_feed_parse_date(const char *s);

#endif
