/* feed-int.h — private to the feed parser: only daemon/feed*.c may include
 * it (everything else uses include/feedwatch/feed.h). Limits, namespaces,
 * shared types and the functions one feed*.c calls in another, grouped by
 * the file that defines them. */
#ifndef FW_FEED_INT_H
#define FW_FEED_INT_H

#include <libxml/parser.h>

#include "feedwatch/feed.h"

/* Namespaces the parser reads, as their specifications spell them
 * (feed_ns_of also accepts the variants publishers write). */
#define NS_ATOM     "http://www.w3.org/2005/Atom"
#define NS_ATOM03   "http://purl.org/atom/ns#"
#define NS_RSS1     "http://purl.org/rss/1.0/"
#define NS_RSS090   "http://my.netscape.com/rdf/simple/0.9/"
#define NS_USERLAND "http://backend.userland.com/rss2"
#define NS_RDF      "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define NS_CONTENT  "http://purl.org/rss/1.0/modules/content/"
#define NS_DC       "http://purl.org/dc/elements/1.1/"
#define NS_DCTERMS  "http://purl.org/dc/terms/"
#define NS_SY       "http://purl.org/rss/1.0/modules/syndication/"
#define NS_ITUNES   "http://www.itunes.com/dtds/podcast-1.0.dtd"
#define NS_XHTML    "http://www.w3.org/1999/xhtml"
#define NS_FEEDBURNER "http://rssnamespace.org/feedburner/ext/1.0"
#define NS_MEDIA    "http://search.yahoo.com/mrss/"

/* The same namespaces as feed_ns_of names them: FNS_NONE for no namespace,
 * FNS_OTHER for one the parser does not read. */
enum feed_ns {
	FNS_OTHER, FNS_NONE, FNS_ATOM, FNS_ATOM03, FNS_RSS1, FNS_RSS090, FNS_USERLAND, FNS_RDF,
	FNS_CONTENT, FNS_DC, FNS_DCTERMS, FNS_SY, FNS_ITUNES, FNS_XHTML, FNS_FEEDBURNER, FNS_MEDIA,
};

/* Bounds on a document and what it yields (feed.h states them to callers). */
#define FW_FEED_MAX_DOC     (64 * 1024 * 1024)  /* refuse larger documents */
#define FW_FEED_MAX_TITLE   4096
#define FW_FEED_MAX_TEXT    (1024 * 1024)       /* summary, content */
#define FW_FEED_MAX_SHORT   1024                /* author, one category */
#define FW_FEED_MAX_ID      1024                /* longer ids are hashed */
#define FW_FEED_MAX_LINK    4096                /* longer links are dropped */
#define FW_FEED_MAX_CATS    64
#define FW_FEED_MAX_ITEMS   10000
#define FW_FEED_MAX_RUN     (4 * 1024 * 1024)  /* longer text runs, CDATA, comments are cut */
#define FW_FEED_MAX_JSON_VALUES 100000         /* a JSON Feed with more is refused */
#define FW_FEED_MAX_NODES   200000  /* elements, attributes, comments, PIs held at once */
#define FW_FEED_MAX_ATTRS   512     /* attributes (and xmlns) of one element */
#define FW_FEED_MAX_LINKTAGS 1000   /* <link> tags an HTML page is searched for */

/* Eight bytes at a time (the decoder; the byte pass without SSE2). */
#define ONES  0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

#ifndef __SSE2__
/* Whether the 8 bytes of v hold a zero byte. */
static inline guint64 word_has_zero(guint64 v)
{
	return (v - ONES) & ~v & HIGHS;
}
#endif

/* Which namespace n is in; *exact (if given) says whether its URI is
 * spelt as the specification does (ids are read from those only, see
 * feed.c item_id). feed_ns_classify keeps the answer in the xmlNs (its
 * _private: 1 + 2 * namespace + exact), so each declaration is classified
 * once and this is called for every element. */
enum feed_ns feed_ns_classify(xmlNsPtr ns);
static inline enum feed_ns feed_ns_of(xmlNodePtr n, gboolean *exact)
{
	xmlNsPtr ns = n->ns;
	gintptr v;
	if (!ns || !ns->href) {
		if (exact)
			*exact = TRUE;
		return FNS_NONE;
	}
	v = GPOINTER_TO_INT(ns->_private);
	if (G_UNLIKELY(!v)) {
		feed_ns_classify(ns);
		v = GPOINTER_TO_INT(ns->_private);
	}
	if (exact)
		*exact = (v - 1) & 1;
	return (enum feed_ns)((v - 1) >> 1);
}

/* Decoded text: [str, str+len), valid UTF-8 without NULs, either the
 * caller's bytes (owned NULL) or a string of ours. */
struct feed_text {
	const char *str;
	gsize len;
	char *owned;
};

/* The limits of one fw_feed_parse_limited: its CPU budget, its cancel
 * flag, and why it was stopped (then the parse fails with that). */
struct feed_guard {
	gint64 deadline;        /* thread CPU time (us) the parse must end by; 0 none */
	const gint *cancel;     /* stops the parse once non-zero; NULL none */
	guint calls;            /* of feed_guard_stop, to read the clock every 64th */
	const char *why;        /* NULL, or the message of the error it fails with */
	int code;               /* its FW_FEED_ERROR code */
};

/* First error seen by a parse, and the document its items stream into. */
struct feed_parse_err {
	gboolean set;
	int line, col, code;
	char msg[200];
	struct fw_feed_doc *doc;
	struct feed_guard *guard;
	gsize nodes;            /* elements, attributes, comments and PIs in the tree now */
};

/* Text kinds of an element's content (K_B64_*: base64 of text or HTML). */
enum feed_kind { K_TEXT, K_HTML, K_XHTML, K_SKIP, K_B64_TEXT, K_B64_HTML };

/* Feed dialects, by root element (feed_dialect_of). */
enum feed_dialect { D_NONE, D_RSS, D_RDF, D_ATOM };

/* feed-xml.c */
void feed_xml_init(void);
xmlDocPtr feed_xml_parse(const char *text, gsize len, const char *url, gboolean recover,
                         struct feed_parse_err *pe, struct fw_feed_doc *doc,
                         struct feed_guard *guard);
gboolean feed_is_rss(xmlNodePtr n);
gboolean feed_is_atom(xmlNodePtr n);
gboolean feed_in_ns(xmlNodePtr n, enum feed_ns ns);
gboolean feed_has_elements(xmlNodePtr n);
char *feed_node_text(xmlNodePtr n);
char *feed_node_markup(xmlNodePtr n);
char *feed_cap(char *s, gsize max);
char *feed_nonempty(char *s);
enum feed_kind feed_atom_kind(xmlNodePtr n);
char *feed_text_of(xmlNodePtr n, enum feed_kind kind, gsize max);
char *feed_trimmed(xmlNodePtr n);
gboolean feed_http_url_ok(const char *s);
char *feed_url_dup(const char *u);
char *feed_escape_iri(char *h);
char *feed_resolve(xmlNodePtr n, const char *href);
char *feed_resolve_ex(xmlNodePtr n, const char *href, gboolean *escaped);
xmlChar *feed_build_uri(char **h, const xmlChar *base, gboolean *escaped);
char *feed_plain_text(const char *s);
enum feed_dialect feed_dialect_of(xmlNodePtr root);
void feed_read_tree(struct fw_feed_doc *doc, xmlNodePtr root, enum feed_dialect d, gboolean recover);
gboolean feed_looks_html(const char *s, gsize len);
void feed_not_feed_html(const char *buf, gsize len, const char *base_url, GError **error);

/* feed.c */
char *feed_safe_message(char *msg);
struct fw_item *feed_make_item(xmlNodePtr el, gboolean atom_entry, struct fw_feed_doc *doc);
void feed_warn(struct fw_feed_doc *doc, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* The warning that an item past FW_FEED_MAX_ITEMS was left out (once). */
void feed_warn_items_cut(struct fw_feed_doc *doc);
int feed_atom_link_rank(xmlNodePtr n);
char *feed_bounded_id(char *id);
gboolean feed_guard_stop(struct feed_guard *g);
void feed_guard_refuse(struct feed_guard *g, const char *why);

/* feed-date.c */
gint64 feed_parse_date(const char *s, gboolean *zone_dropped);

/* feed-encoding.c */
char *feed_undouble_utf8(const char *s, gssize len, gboolean *ascii);
gboolean feed_to_utf8(struct feed_text *t, const char *data, gsize len, const char *content_type,
                      GError **error);

/* feed-prep.c */
gboolean feed_prep_xml(const char *s, gsize len, gboolean numeric, xmlParserCtxtPtr ctxt,
                       struct feed_guard *guard);
gboolean feed_tag_too_wide(const char *p, const char *end, const char **tag_end);

/* feed-json.c */
struct fw_feed_doc *feed_json_parse(const char *text, gsize len, const char *base_url,
                                    struct feed_guard *guard, GError **error);
gboolean feed_looks_json(const char *s, gsize len);

#endif
