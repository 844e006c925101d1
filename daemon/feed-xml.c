/* feed-xml — the XML side of the feed parser: libxml2's push parser, set
 * up so that it never loads anything and fed by the byte pass
 * (feed-prep.c), with each item handed to feed_make_item (feed.c) and freed
 * as its element ends; the tree helpers items are read with; documents
 * (dialects, channel fields, an HTML page's feed link). */
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <libxml/xmlerror.h>

#include "feedwatch/html.h"
#include "feed-int.h"

/* ------------------------------------------------------------------ */
/* libxml2 set-up                                                      */

static void ns_keys_init(void);

/* Refuses every external entity, DTD and XInclude load. */
static xmlParserInputPtr refuse_loader_cb(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	return NULL;
}

/* Initialises libxml2 once per process (thread-safe). */
void feed_xml_init(void)
{
	static gsize done = 0;
	if (g_once_init_enter(&done)) {
		xmlInitParser();
		xmlSetExternalEntityLoader(refuse_loader_cb);
		ns_keys_init();
		g_once_init_leave(&done, 1);
	}
}

static gboolean stream_element(struct fw_feed_doc *doc, xmlNodePtr cur, gboolean recover);

/* Nodes of the tree under and including element n that the parse counts
 * (pe->nodes): elements, attributes, namespace declarations, comments and
 * processing instructions. Recursion is bounded by libxml2's depth limit. */
static gsize count_nodes(xmlNodePtr n)
{
	gsize k = 1;
	if (n->type != XML_ELEMENT_NODE)
		return n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE;
	for (xmlAttrPtr a = n->properties; a; a = a->next)
		k++;
	for (xmlNsPtr ns = n->nsDef; ns; ns = ns->next)
		k++;
	for (xmlNodePtr c = n->children; c; c = c->next)
		k += count_nodes(c);
	return k;
}

/* Adds k nodes to the parse's count; stops the parse over FW_FEED_MAX_NODES
 * or its budget. */
static void add_nodes(xmlParserCtxtPtr ctxt, gsize k)
{
	struct feed_parse_err *pe = ctxt->_private;

	pe->nodes += k;
	if (pe->nodes > FW_FEED_MAX_NODES)
		feed_guard_refuse(pe->guard, "feed too large: over 200000 XML nodes in one item");
	if (feed_guard_stop(pe->guard))
		xmlStopParser(ctxt);
}

/* Starts an element as libxml2 would, counting it; stops the parse at a
 * root that is no feed's (its name is all the caller reads then). */
static void start_element_cb(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                             const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
                             int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	xmlParserCtxtPtr ctxt = ctx;

	xmlSAX2StartElementNs(ctx, localname, prefix, uri, nb_namespaces, namespaces,
	                      nb_attributes, nb_defaulted, attributes);
	add_nodes(ctxt, 1 + (gsize)nb_namespaces + (gsize)nb_attributes);
	xmlNodePtr n = ctxt->node;
	if (n && n->parent && n->parent->type == XML_DOCUMENT_NODE &&
	    feed_dialect_of(n) == D_NONE)
		xmlStopParser(ctxt);
}

/* A comment as libxml2 would add it, counted. */
static void comment_cb(void *ctx, const xmlChar *value)
{
	xmlSAX2Comment(ctx, value);
	add_nodes(ctx, 1);
}

/* A processing instruction as libxml2 would add it, counted. */
static void pi_cb(void *ctx, const xmlChar *target, const xmlChar *data)
{
	xmlSAX2ProcessingInstruction(ctx, target, data);
	add_nodes(ctx, 1);
}

/* Ends an element as libxml2 would, then lets stream_element read a finished
 * item and free it, so that the tree never holds more than one item. */
static void end_element_cb(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                           const xmlChar *uri)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct feed_parse_err *pe = ctxt->_private;
	xmlNodePtr cur = ctxt->node;

	xmlSAX2EndElementNs(ctx, localname, prefix, uri);
	if (!cur || !pe || !pe->doc || cur->doc != ctxt->myDoc)
		return;
	/* only a child or grandchild of the root is ever freed: count those
	 * (each node is then counted at most twice in all) */
	xmlNodePtr up = cur->parent && cur->parent->parent ? cur->parent->parent : NULL;
	gboolean may_free = up && (up->type == XML_DOCUMENT_NODE ||
	                           (up->parent && up->parent->type == XML_DOCUMENT_NODE));
	gsize k = may_free ? count_nodes(cur) : 0;
	/* libxml2 appends the next text to the last child at ctxt->nodelen when
	 * nodemem != 0; with cur gone that child is another node: 0 makes it
	 * concatenate safely (xmlTextConcat) instead. */
	if (may_free && stream_element(pe->doc, cur, ctxt->recovery)) {
		ctxt->nodemem = 0;
		pe->nodes -= MIN(k, pe->nodes);
	}
	if (feed_guard_stop(pe->guard))
		xmlStopParser(ctxt);
}

/* Records the first error of a parse (structured error handler). */
static void record_error_cb(void *data, xmlErrorPtr e)
{
	xmlParserCtxtPtr ctxt = data;
	struct feed_parse_err *pe = ctxt ? ctxt->_private : NULL;

	if (!pe || pe->set || !e || e->level < XML_ERR_ERROR)
		return;
	pe->set = TRUE;
	pe->line = e->line;
	pe->col = e->int2;
	pe->code = e->code;
	if (e->code == XML_ERR_DOCUMENT_END && ctxt->nameNr > 0 && ctxt->name)
		/* the push parser's words for a document cut short */
		g_snprintf(pe->msg, sizeof pe->msg, "document cut short (<%s> not closed)",
		           ctxt->name);
	else
		g_strlcpy(pe->msg, e->message ? e->message : "error", sizeof pe->msg);
	g_strchomp(pe->msg);
}

/* Parses [text, text+len) with libxml2's push parser, fed by the byte pass
 * (feed_prep_xml), never touching the network or files; items are read into
 * doc as they end and removed from the tree (see stream_element). Returns
 * the rest of the tree, or NULL: not well-formed (unless recover), or
 * guard->why set (refused, over a cap or budget, cancelled); pe gets the
 * first error. */
xmlDocPtr feed_xml_parse(const char *text, gsize len, const char *url, gboolean recover,
                         struct feed_parse_err *pe, struct fw_feed_doc *doc,
                         struct feed_guard *guard)
{
	int opts = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_IGNORE_ENC |
	           XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES |
	           XML_PARSE_COMPACT;
	xmlParserCtxtPtr ctxt;
	xmlDocPtr xdoc;

	memset(pe, 0, sizeof *pe);
	pe->guard = guard;
	if (recover)
		opts |= XML_PARSE_RECOVER;
	ctxt = xmlCreatePushParserCtxt(NULL, NULL, NULL, 0, url);
	if (!ctxt)
		return NULL;
	xmlCtxtUseOptions(ctxt, opts);
	pe->doc = doc;
	ctxt->_private = pe;
	ctxt->sax->serror = record_error_cb;
	ctxt->sax->startElementNs = start_element_cb;
	ctxt->sax->endElementNs = end_element_cb;
	ctxt->sax->comment = comment_cb;
	ctxt->sax->processingInstruction = pi_cb;
	/* recover mode turns every reference numeric: 2.9 drops named ones
	 * after an error */
	feed_prep_xml(text, len, recover, ctxt, guard);
	xdoc = ctxt->myDoc;
	ctxt->myDoc = NULL;
	if (xdoc && (guard->why || (!recover && !ctxt->wellFormed))) {
		xmlFreeDoc(xdoc);
		xdoc = NULL;
	}
	if (!xdoc && !pe->set) {
		pe->set = TRUE;
		g_strlcpy(pe->msg, "not well-formed", sizeof pe->msg);
	}
	xmlFreeParserCtxt(ctxt);
	return xdoc;
}

/* ------------------------------------------------------------------ */
/* Tree helpers                                                        */

/* The namespaces of enum feed_ns, as their specifications spell them. */
static const char *const ns_uri[] = {
	[FNS_ATOM] = NS_ATOM, [FNS_ATOM03] = NS_ATOM03, [FNS_RSS1] = NS_RSS1,
	[FNS_RSS090] = NS_RSS090, [FNS_USERLAND] = NS_USERLAND, [FNS_RDF] = NS_RDF,
	[FNS_CONTENT] = NS_CONTENT, [FNS_DC] = NS_DC, [FNS_DCTERMS] = NS_DCTERMS, [FNS_SY] = NS_SY,
	[FNS_ITUNES] = NS_ITUNES, [FNS_XHTML] = NS_XHTML, [FNS_FEEDBURNER] = NS_FEEDBURNER,
	[FNS_MEDIA] = NS_MEDIA,
};

/* The part of a namespace URI that names it as publishers vary it: without
 * "http://" or "https://", a "www." and a final '/'; its length in *len. */
static const char *ns_key(const char *u, gsize *len)
{
	if (g_ascii_strncasecmp(u, "http://", 7) == 0)
		u += 7;
	else if (g_ascii_strncasecmp(u, "https://", 8) == 0)
		u += 8;
	if (g_ascii_strncasecmp(u, "www.", 4) == 0)
		u += 4;
	*len = strlen(u);
	if (*len > 0 && u[*len - 1] == '/')
		(*len)--;
	return u;
}

/* ns_key of each of ns_uri (ns_keys_init, once). */
static struct { const char *key; gsize len; } ns_keys[G_N_ELEMENTS(ns_uri)];

static void ns_keys_init(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(ns_uri); i++)
		if (ns_uri[i])
			ns_keys[i].key = ns_key(ns_uri[i], &ns_keys[i].len);
}

/* Which known namespace URI u is, matched as publishers write it: http or
 * https, any case ("http://www.itunes.com/DTDs/Podcast-1.0.dtd"), with or
 * without "www." and a final '/'. */
static enum feed_ns ns_classify(const char *u)
{
	gsize n;
	for (gsize i = 0; i < G_N_ELEMENTS(ns_uri); i++)
		if (ns_uri[i] && strcmp(u, ns_uri[i]) == 0)
			return (enum feed_ns)i;   /* as specified: the common case */
	const char *k = ns_key(u, &n);
	for (gsize i = 0; i < G_N_ELEMENTS(ns_uri); i++)
		if (ns_keys[i].key && ns_keys[i].len == n && g_ascii_strncasecmp(k, ns_keys[i].key, n) == 0)
			return (enum feed_ns)i;
	return FNS_OTHER;
}

/* Classifies a namespace declaration (ns_classify) into its _private, as
 * feed_ns_of reads it; returns the namespace. */
enum feed_ns feed_ns_classify(xmlNsPtr ns)
{
	enum feed_ns k = ns_classify((const char *)ns->href);
	gboolean ex = k != FNS_OTHER && strcmp((const char *)ns->href, ns_uri[k]) == 0;
	ns->_private = GINT_TO_POINTER(1 + (k << 1) + ex);
	return k;
}

/* Whether n is element name in namespace ns. */
static gboolean is_el(xmlNodePtr n, enum feed_ns ns, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0 &&
	       feed_ns_of(n, NULL) == ns;
}

/* Whether n is in the RSS vocabulary (no namespace, RSS 1.0 or 0.90, Userland). */
gboolean feed_is_rss(xmlNodePtr n)
{
	enum feed_ns k = feed_ns_of(n, NULL);
	return k == FNS_NONE || k == FNS_RSS1 || k == FNS_RSS090 || k == FNS_USERLAND;
}

/* Whether n is in an Atom namespace (1.0 or 0.3). */
gboolean feed_is_atom(xmlNodePtr n)
{
	enum feed_ns k = feed_ns_of(n, NULL);
	return k == FNS_ATOM || k == FNS_ATOM03;
}

/* Whether n's namespace is ns. */
gboolean feed_in_ns(xmlNodePtr n, enum feed_ns ns)
{
	return feed_ns_of(n, NULL) == ns;
}

/* Whether n has element children (markup that was not escaped). */
gboolean feed_has_elements(xmlNodePtr n)
{
	for (xmlNodePtr c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return TRUE;
	return FALSE;
}

/* Concatenated text of n's direct text children (raw, not trimmed). */
char *feed_node_text(xmlNodePtr n)
{
	GString *s = NULL;
	for (xmlNodePtr c = n->children; c; c = c->next) {
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content) {
			if (!s)
				s = g_string_new(NULL);
			g_string_append(s, (const char *)c->content);
		}
	}
	return s ? g_string_free(s, FALSE) : g_strdup("");
}

/* The text of n's direct text children, like feed_node_text, without a copy
 * when there is only one: returns it, or a string stored in *tmp. */
static const char *node_text_ref(xmlNodePtr n, char **tmp)
{
	xmlNodePtr only = NULL;
	for (xmlNodePtr c = n->children; c; c = c->next) {
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content) {
			if (only) {
				*tmp = feed_node_text(n);
				return *tmp;
			}
			only = c;
		}
	}
	return only ? (const char *)only->content : "";
}

/* Serialises the children of n as markup. */
char *feed_node_markup(xmlNodePtr n)
{
	xmlBufferPtr buf = xmlBufferCreate();
	char *out;

	for (xmlNodePtr c = n->children; c; c = c->next)
		xmlNodeDump(buf, n->doc, c, 0, 0);
	out = g_strndup((const char *)xmlBufferContent(buf), xmlBufferLength(buf));
	xmlBufferFree(buf);
	return out;
}

/* Appends text escaped for markup ('&' and '<'). */
static void append_escaped(GString *out, const char *t)
{
	for (;;) {
		gsize n = strcspn(t, "&<");
		g_string_append_len(out, t, n);
		t += n;
		if (!*t)
			return;
		g_string_append(out, *t == '&' ? "&amp;" : "&lt;");
		t++;
	}
}

/* Appends the markup of n's children that HTML-to-text reads: element tags
 * without attributes and escaped text (comments and PIs dropped), depth-
 * bounded (libxml2 stops documents at 256 levels). */
static void append_markup(GString *out, xmlNodePtr n, int depth)
{
	for (xmlNodePtr c = n->children; c; c = c->next) {
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			if (c->content)
				append_escaped(out, (const char *)c->content);
		} else if (c->type == XML_ELEMENT_NODE && depth < 512) {
			g_string_append_c(out, '<');
			g_string_append(out, (const char *)c->name);
			g_string_append_c(out, '>');
			append_markup(out, c, depth + 1);
			g_string_append(out, "</");
			g_string_append(out, (const char *)c->name);
			g_string_append_c(out, '>');
		}
	}
}

/* Cuts s (valid UTF-8) to at most max bytes at a character boundary. */
char *feed_cap(char *s, gsize max)
{
	gsize n;
	if (!s || (n = strlen(s)) <= max)
		return s;
	char *e = s + max;
	while (e > s && ((guchar)*e & 0xC0) == 0x80)
		e--;
	*e = '\0';
	g_strchomp(s);
	return s;
}

/* Returns s, or NULL (freeing it) if it is empty. */
char *feed_nonempty(char *s)
{
	if (s && !*s) {
		g_free(s);
		return NULL;
	}
	return s;
}

/* Kind of an Atom text construct from its type (and 0.3 mode) attributes:
 * Atom 0.3 mode="base64", and Atom 1.0 types neither text nor XML, are
 * base64 (read as text if they decode to it); src= is out of line. */
enum feed_kind feed_atom_kind(xmlNodePtr n)
{
	g_autofree char *type = (char *)xmlGetProp(n, (const xmlChar *)"type");
	g_autofree char *mode = (char *)xmlGetProp(n, (const xmlChar *)"mode");
	g_autofree char *src = (char *)xmlGetProp(n, (const xmlChar *)"src");
	gboolean b64 = mode && strcmp(mode, "base64") == 0;
	enum feed_kind k;

	if (src)
		return K_SKIP;
	if (mode && strcmp(mode, "xml") == 0)
		return K_XHTML;
	if (!type || !*type || strcmp(type, "text") == 0 || strcmp(type, "text/plain") == 0)
		k = (mode && strcmp(mode, "escaped") == 0) ? K_HTML : K_TEXT;
	else if (strcmp(type, "html") == 0 || strcmp(type, "text/html") == 0)
		k = K_HTML;
	else if (strcmp(type, "xhtml") == 0 || strcmp(type, "application/xhtml+xml") == 0)
		k = K_XHTML;
	else if (g_str_has_prefix(type, "text/"))
		k = K_TEXT;
	else if (g_str_has_suffix(type, "+xml") || g_str_has_suffix(type, "/xml"))
		k = K_XHTML;
	else
		return K_B64_TEXT;
	if (b64)
		return k == K_TEXT ? K_B64_TEXT : K_B64_HTML;
	return k;
}

/* The text that n's base64 content decodes to, or NULL if that is not
 * text (not UTF-8, or binary with NULs). */
static char *base64_text(xmlNodePtr n)
{
	char *b = feed_node_text(n);
	gsize len = 0;
	if (*b)
		g_base64_decode_inplace(b, &len);
	b[len] = '\0';
	if (len == 0 || memchr(b, '\0', len) || !g_utf8_validate(b, len, NULL)) {
		g_free(b);
		return NULL;
	}
	return b;
}

/* Plain text of element n read as kind (markup children always count as
 * HTML), cut to max bytes. Text that was UTF-8 encoded twice
 * (feed_undouble_utf8) is repaired as the feed wrote it (markup and
 * references, ASCII, left as they are), or, when that is all ASCII, as the
 * text it gives (the mojibake was in character references). Returns NULL
 * if empty. */
char *feed_text_of(xmlNodePtr n, enum feed_kind kind, gsize max)
{
	g_autofree char *tmp = NULL;
	const char *raw;
	char *out;

	if (!n || kind == K_SKIP)
		return NULL;
	if (kind == K_B64_TEXT || kind == K_B64_HTML) {
		raw = tmp = base64_text(n);
		if (!raw)
			return NULL;
		kind = kind == K_B64_HTML ? K_HTML : K_TEXT;
	} else if (kind == K_XHTML || feed_has_elements(n)) {
		xmlNodePtr div = NULL;
		int nel = 0;
		for (xmlNodePtr c = n->children; c; c = c->next) {
			if (c->type == XML_ELEMENT_NODE) {
				nel++;
				div = c;
			}
		}
		if (nel != 1 || !is_el(div, FNS_XHTML, "div"))
			div = NULL;
		GString *m = g_string_new(NULL);
		append_markup(m, div ? div : n, 0);
		raw = tmp = g_string_free(m, FALSE);
		kind = K_HTML;
	} else {
		raw = node_text_ref(n, &tmp);
	}
	gboolean ascii;
	gsize len = strlen(raw);
	g_autofree char *fixed = feed_undouble_utf8(raw, len, &ascii);
	if (fixed) {
		raw = fixed;
		len = strlen(raw);
	}
	out = kind == K_HTML ? fw_html_to_text(raw, len) : fw_html_clean(raw, len);
	if (ascii && *out && (fixed = feed_undouble_utf8(out, -1, NULL))) {
		g_free(out);
		out = g_steal_pointer(&fixed);
	}
	return feed_nonempty(feed_cap(out, max));
}

/* Plain text of an attribute value (fw_html_clean), repaired like
 * feed_text_of's. */
char *feed_plain_text(const char *s)
{
	gboolean ascii;
	g_autofree char *fixed = feed_undouble_utf8(s, -1, &ascii);
	char *out = fw_html_clean(fixed ? fixed : s, -1);
	if (ascii && (fixed = feed_undouble_utf8(out, -1, NULL))) {
		g_free(out);
		out = g_steal_pointer(&fixed);
	}
	return out;
}

/* Trimmed raw text of n (valid UTF-8), or NULL if empty. */
char *feed_trimmed(xmlNodePtr n)
{
	if (!n)
		return NULL;
	g_autofree char *raw = feed_node_text(n);
	return feed_nonempty(g_strdup(g_strstrip(raw)));
}

/* Whether s is an absolute http(s) URL with a host. */
gboolean feed_http_url_ok(const char *s)
{
	const char *h;
	if (g_ascii_strncasecmp(s, "http://", 7) == 0)
		h = s + 7;
	else if (g_ascii_strncasecmp(s, "https://", 8) == 0)
		h = s + 8;
	else
		return FALSE;
	if (!*h || *h == '/' || *h == '?' || *h == '#')
		return FALSE;
	for (const char *p = s; *p; p++)
		if ((guchar)*p <= ' ' || *p == 0x7F)
			return FALSE;
	return strlen(s) <= FW_FEED_MAX_LINK;
}

/* Copies an http(s) URL with its scheme in lower case. */
char *feed_url_dup(const char *u)
{
	char *out = g_strdup(u);
	for (char *p = out; *p && *p != ':'; p++)
		*p = g_ascii_tolower(*p);
	return out;
}

/* Bytes a URI may not hold as they are: controls, space, non-ASCII (IRIs)
 * and <>"\^`{|}. */
static const guchar iri_escape[256] = {
	[0 ... 0x20] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, ['\\'] = 1, ['^'] = 1, ['`'] = 1,
	['{'] = 1, ['|'] = 1, ['}'] = 1, [0x7F ... 0xFF] = 1,
};

/* Percent-encodes what a URI may not hold (see iri_escape) so that
 * xmlBuildURI accepts it. Takes and returns ownership. */
char *feed_escape_iri(char *h)
{
	const char *p = h;
	while (*p && !iri_escape[(guchar)*p])
		p++;
	if (!*p)
		return h;
	GString *out = g_string_new_len(h, p - h);
	for (; *p; p++) {
		if (iri_escape[(guchar)*p])
			g_string_append_printf(out, "%%%02X", (guchar)*p);
		else
			g_string_append_c(out, *p);
	}
	g_free(h);
	return g_string_free(out, FALSE);
}

/* Whether h starts with a URI scheme ("x:"), which makes it absolute: then
 * xmlBuildURI returns it as it is (or NULL), whatever the base. */
static gboolean has_scheme(const char *h)
{
	if (!g_ascii_isalpha(*h))
		return FALSE;
	for (h++; *h; h++) {
		if (*h == ':')
			return TRUE;
		if (!g_ascii_isalnum(*h) && *h != '+' && *h != '-' && *h != '.')
			return FALSE;
	}
	return FALSE;
}

/* Percent-encodes what libxml2's URI parser refuses and browsers take as
 * it is (Spiegel's ".../#refsponi#ref=rss"): a '#' after the first, a '%'
 * not followed by two hex digits, '[' and ']' past the host. Takes and
 * returns ownership. */
static char *escape_more(char *h)
{
	GString *out = g_string_sized_new(strlen(h) + 16);
	gboolean hash = FALSE, past_host = !strstr(h, "//");
	const char *p = h, *ss = strstr(h, "//");

	for (; *p; p++) {
		if (!past_host && p > ss + 1 && (*p == '/' || *p == '?' || *p == '#'))
			past_host = TRUE;
		if (*p == '#' && hash)
			g_string_append(out, "%23");
		else if (*p == '%' && !(g_ascii_isxdigit(p[1]) && g_ascii_isxdigit(p[2])))
			g_string_append(out, "%25");
		else if ((*p == '[' || *p == ']') && past_host)
			g_string_append_printf(out, "%%%02X", (guchar)*p);
		else
			g_string_append_c(out, *p);
		hash = hash || *p == '#';
	}
	g_free(h);
	return g_string_free(out, FALSE);
}

/* xmlBuildURI of *h (escaped by feed_escape_iri) against base; a link
 * libxml2 will not parse as it is is escaped further (escape_more, *h
 * replaced) and built again, *escaped set. Returns what xmlBuildURI does. */
xmlChar *feed_build_uri(char **h, const xmlChar *base, gboolean *escaped)
{
	xmlChar *abs = xmlBuildURI((const xmlChar *)*h, base);
	*escaped = FALSE;
	if (!abs && strpbrk(*h, "#%[]")) {
		*h = escape_more(*h);
		abs = xmlBuildURI((const xmlChar *)*h, base);
		*escaped = TRUE;
	}
	return abs;
}

/* Resolves href against n's xml:base chain and the document URL; returns an
 * http(s) URL or NULL. *escaped says whether feed_build_uri had to escape
 * it further. */
char *feed_resolve_ex(xmlNodePtr n, const char *href, gboolean *escaped)
{
	g_autofree char *h = NULL;
	xmlChar *base, *abs;
	char *out = NULL;

	*escaped = FALSE;
	if (!href)
		return NULL;
	h = g_strstrip(g_strdup(href));
	if (!*h || strlen(h) > FW_FEED_MAX_LINK)
		return NULL;
	h = feed_escape_iri(h);
	base = has_scheme(h) ? NULL : xmlNodeGetBase(n->doc, n);
	abs = feed_build_uri(&h, base, escaped);
	if (abs && feed_http_url_ok((const char *)abs))
		out = feed_url_dup((const char *)abs);
	xmlFree(abs);
	xmlFree(base);
	return out;
}

/* feed_resolve_ex without saying whether the link was escaped further. */
char *feed_resolve(xmlNodePtr n, const char *href)
{
	gboolean escaped;
	return feed_resolve_ex(n, href, &escaped);
}

/* ------------------------------------------------------------------ */
/* Documents                                                           */

/* Which feed dialect a root element is. */
enum feed_dialect feed_dialect_of(xmlNodePtr root)
{
	if (!root)
		return D_NONE;
	if (!strcmp((const char *)root->name, "rss") && feed_is_rss(root))
		return D_RSS;
	if (!strcmp((const char *)root->name, "RDF") && feed_in_ns(root, FNS_RDF))
		return D_RDF;
	if (!strcmp((const char *)root->name, "feed") && feed_is_atom(root))
		return D_ATOM;
	return D_NONE;
}

/* Seconds in a sy:updatePeriod, or 0. */
static gint64 sy_period(const char *p)
{
	if (!g_ascii_strcasecmp(p, "hourly"))
		return 3600;
	if (!g_ascii_strcasecmp(p, "daily"))
		return 86400;
	if (!g_ascii_strcasecmp(p, "weekly"))
		return 7 * 86400;
	if (!g_ascii_strcasecmp(p, "monthly"))
		return 30 * 86400;
	if (!g_ascii_strcasecmp(p, "yearly"))
		return 365 * 86400;
	return 0;
}

/* Reads the channel-level fields (title, link, ttl) of container el. */
static void channel_fields(struct fw_feed_doc *doc, xmlNodePtr el)
{
	gint64 ttl = 0, period = 0, freq = 1;
	int link_rank = 100;

	for (xmlNodePtr c = el->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		const char *name = (const char *)c->name;
		if (!strcmp(name, "title") && (feed_is_rss(c) || feed_is_atom(c)) && !doc->title) {
			doc->title = feed_text_of(c, feed_is_atom(c) ? feed_atom_kind(c) : K_HTML, FW_FEED_MAX_TITLE);
		} else if (!strcmp(name, "link") && feed_is_rss(c) && link_rank > 1) {
			g_autofree char *t = feed_node_text(c);
			char *l = feed_resolve(c, t);
			if (l) {
				g_free(doc->link);
				doc->link = l;
				link_rank = 1;
			}
		} else if (!strcmp(name, "link") && feed_is_atom(c)) {
			int r = feed_atom_link_rank(c);
			g_autofree char *href = (char *)xmlGetProp(c, (const xmlChar *)"href");
			if (r >= 0 && r < link_rank) {
				char *l = feed_resolve(c, href);
				if (l) {
					g_free(doc->link);
					doc->link = l;
					link_rank = r;
				}
			}
		} else if (!strcmp(name, "ttl") && feed_is_rss(c)) {
			g_autofree char *t = feed_node_text(c);
			gint64 v = g_ascii_strtoll(g_strstrip(t), NULL, 10);
			if (v > 0 && v <= 525600)
				ttl = v * 60;
		} else if (feed_in_ns(c, FNS_SY) && !strcmp(name, "updatePeriod")) {
			g_autofree char *t = feed_node_text(c);
			period = sy_period(g_strstrip(t));
		} else if (feed_in_ns(c, FNS_SY) && !strcmp(name, "updateFrequency")) {
			g_autofree char *t = feed_node_text(c);
			gint64 v = g_ascii_strtoll(g_strstrip(t), NULL, 10);
			if (v >= 1 && v <= 100000)
				freq = v;
		}
	}
	if (ttl)
		doc->ttl = ttl;
	else if (period && !doc->ttl)
		doc->ttl = MAX(period / freq, 60);
}

/* Whether c is an item of its dialect: an Atom entry, or an RSS item. */
static gboolean is_item(xmlNodePtr c, gboolean atom)
{
	return c->type == XML_ELEMENT_NODE &&
	       (atom ? feed_is_atom(c) && !strcmp((const char *)c->name, "entry")
	             : feed_is_rss(c) && !strcmp((const char *)c->name, "item"));
}

static void nested_items(struct fw_feed_doc *doc, xmlNodePtr el, gboolean atom);

/* Adds item element c to doc (up to FW_FEED_MAX_ITEMS); in recover mode
 * then the items nested in it (nested_items). */
static void add_item(struct fw_feed_doc *doc, xmlNodePtr c, gboolean atom, gboolean recover)
{
	if (doc->items->len < FW_FEED_MAX_ITEMS) {
		struct fw_item *it = feed_make_item(c, atom, doc);
		if (it)
			g_ptr_array_add(doc->items, it);
	} else {
		feed_warn_items_cut(doc);
	}
	if (recover)
		nested_items(doc, c, atom);
}

/* Adds the items nested at any depth under el, in document order. In
 * recover mode, where libxml2 closes one element an end tag whatever its
 * name, an element left open before the items (<itunes:category text="x">
 * without its end tag) holds them all, and one left open in an item puts
 * the next items inside it. */
static void nested_items(struct fw_feed_doc *doc, xmlNodePtr el, gboolean atom)
{
	xmlNodePtr c = el->children;
	while (c) {
		if (is_item(c, atom) && doc->items->len < FW_FEED_MAX_ITEMS) {
			struct fw_item *it = feed_make_item(c, atom, doc);
			if (it)
				g_ptr_array_add(doc->items, it);
		} else if (is_item(c, atom)) {
			feed_warn_items_cut(doc);
		}
		if (c->type == XML_ELEMENT_NODE && c->children) {
			c = c->children;
			continue;
		}
		while (!c->next) {
			c = c->parent;
			if (c == el)
				return;
		}
		c = c->next;
	}
}

/* Adds the item elements that are children of el; in recover mode also
 * those nested in its other children (but a channel's). */
static void collect_items(struct fw_feed_doc *doc, xmlNodePtr el, gboolean atom, gboolean recover)
{
	for (xmlNodePtr c = el->children; c; c = c->next) {
		if (is_item(c, atom))
			add_item(doc, c, atom, recover);
		else if (recover && c->type == XML_ELEMENT_NODE &&
		         !(feed_is_rss(c) && !strcmp((const char *)c->name, "channel")))
			nested_items(doc, c, atom);
	}
}

/* Fills doc from a parsed feed tree (read in recover mode: recover). */
void feed_read_tree(struct fw_feed_doc *doc, xmlNodePtr root, enum feed_dialect d, gboolean recover)
{
	if (d == D_ATOM) {
		channel_fields(doc, root);
		collect_items(doc, root, TRUE, recover);
		return;
	}
	for (xmlNodePtr c = root->children; c; c = c->next) {
		if (c->type == XML_ELEMENT_NODE && feed_is_rss(c) && !strcmp((const char *)c->name, "channel")) {
			channel_fields(doc, c);
			collect_items(doc, c, FALSE, recover);
		}
	}
	collect_items(doc, root, FALSE, recover);   /* RSS 1.0 items are siblings of channel */
}

/* Whether a container child named name is one channel_fields reads. */
static gboolean channel_field_name(const char *name)
{
	return !strcmp(name, "title") || !strcmp(name, "link") || !strcmp(name, "ttl") ||
	       !strcmp(name, "updatePeriod") || !strcmp(name, "updateFrequency");
}

/* Called as each element ends during the parse: an item or entry that is a
 * child of the item container (the channel, or the root) becomes an item of
 * doc, and every finished container child that feed_read_tree would not read is
 * freed at once (in recover mode after reading the items nested in it:
 * nested_items). What is left (the channel fields, an item cut off by the end
 * of a broken document) is read by feed_read_tree after the parse. Returns whether
 * cur was freed. */
static gboolean stream_element(struct fw_feed_doc *doc, xmlNodePtr cur, gboolean recover)
{
	xmlNodePtr parent = cur->parent, root;
	gboolean in_channel;

	if (cur->type != XML_ELEMENT_NODE || !parent || parent->type != XML_ELEMENT_NODE)
		return FALSE;
	if (parent->parent && parent->parent->type == XML_DOCUMENT_NODE) {
		root = parent;
		in_channel = FALSE;
	} else if (parent->parent && parent->parent->type == XML_ELEMENT_NODE &&
	           parent->parent->parent && parent->parent->parent->type == XML_DOCUMENT_NODE) {
		root = parent->parent;
		in_channel = TRUE;
	} else {
		return FALSE;
	}
	enum feed_dialect d = feed_dialect_of(root);
	const char *name = (const char *)cur->name;
	gboolean item = FALSE, keep = FALSE;

	if (d == D_NONE) {
		keep = in_channel;   /* only the root's name matters */
	} else if (d == D_ATOM) {
		if (in_channel)
			return FALSE;
		item = feed_is_atom(cur) && !strcmp(name, "entry");
		keep = !item && channel_field_name(name);
	} else if (in_channel) {
		if (!feed_is_rss(parent) || strcmp((const char *)parent->name, "channel") != 0)
			return FALSE;
		item = feed_is_rss(cur) && !strcmp(name, "item");
		keep = !item && channel_field_name(name);
	} else {
		item = feed_is_rss(cur) && !strcmp(name, "item");
		keep = !item && feed_is_rss(cur) && !strcmp(name, "channel");
	}
	if (keep)
		return FALSE;
	if (item)
		add_item(doc, cur, d == D_ATOM, recover);
	else if (recover && d != D_NONE)
		nested_items(doc, cur, d == D_ATOM);
	xmlUnlinkNode(cur);
	xmlFreeNode(cur);
	return TRUE;
}

/* The <link> tags of an HTML page (at most FW_FEED_MAX_LINKTAGS, each up
 * to 4 KB and FW_FEED_MAX_ATTRS attributes) as a page of their own: what
 * html_feed_link reads, in bounded memory and linear time whatever the page
 * holds. */
static GString *html_link_tags(const char *buf, gsize len)
{
	GString *out = g_string_new("<html><head>");
	const char *p = buf, *end = buf + len;
	guint n = 0;

	while (n < FW_FEED_MAX_LINKTAGS && (p = memchr(p, '<', end - p)) != NULL) {
		const char *e;
		if (end - p < 6 || g_ascii_strncasecmp(p + 1, "link", 4) != 0 ||
		    !(g_ascii_isspace(p[5]) || p[5] == '/' || p[5] == '>')) {
			p++;
			continue;
		}
		e = memchr(p, '>', MIN((gsize)(end - p), 4096));
		if (e && !feed_tag_too_wide(p, e + 1, NULL)) {
			g_string_append_len(out, p, e + 1 - p);
			n++;
		}
		p = e ? e + 1 : p + 1;
	}
	g_string_append(out, "</head></html>");
	return out;
}

/* Finds a feed link (<link rel=alternate type=rss/atom>) in an HTML page. */
static char *html_feed_link(const char *buf, gsize len, const char *base_url)
{
	htmlDocPtr h;
	char *found = NULL;
	GQueue q = G_QUEUE_INIT;
	guint seen = 0;
	g_autoptr(GString) links = html_link_tags(buf, len);

	h = htmlReadMemory(links->str, (int)links->len, base_url, "UTF-8",
	                   HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	                   HTML_PARSE_RECOVER);
	if (!h)
		return NULL;
	if (xmlDocGetRootElement(h))
		g_queue_push_tail(&q, xmlDocGetRootElement(h));
	while (!found && !g_queue_is_empty(&q) && seen++ < 100000) {
		xmlNodePtr n = g_queue_pop_head(&q);
		for (xmlNodePtr c = n->children; c; c = c->next)
			if (c->type == XML_ELEMENT_NODE)
				g_queue_push_tail(&q, c);
		if (g_ascii_strcasecmp((const char *)n->name, "link") != 0)
			continue;
		g_autofree char *rel = (char *)xmlGetProp(n, (const xmlChar *)"rel");
		g_autofree char *type = (char *)xmlGetProp(n, (const xmlChar *)"type");
		g_autofree char *href = (char *)xmlGetProp(n, (const xmlChar *)"href");
		g_autofree char *rel_low = rel ? g_ascii_strdown(rel, -1) : NULL;
		if (!rel_low || !type || !href || !strstr(rel_low, "alternate"))
			continue;
		if (g_ascii_strcasecmp(type, "application/rss+xml") && g_ascii_strcasecmp(type, "application/atom+xml") &&
		    g_ascii_strcasecmp(type, "application/rdf+xml") && g_ascii_strcasecmp(type, "application/feed+json"))
			continue;
		xmlChar *abs = xmlBuildURI((const xmlChar *)g_strstrip(href), (const xmlChar *)base_url);
		if (abs && feed_http_url_ok((const char *)abs))
			found = feed_url_dup((const char *)abs);
		xmlFree(abs);
	}
	g_queue_clear(&q);
	xmlFreeDoc(h);
	return found;
}

/* Whether the text looks like an HTML page. */
gboolean feed_looks_html(const char *s, gsize len)
{
	gsize lim = MIN(len, 4096);
	for (gsize i = 0; i + 5 < lim; i++) {
		if (s[i] != '<')
			continue;
		if (g_ascii_strncasecmp(s + i, "<!doctype html", MIN(14, lim - i)) == 0 ||
		    g_ascii_strncasecmp(s + i, "<html", 5) == 0 || g_ascii_strncasecmp(s + i, "<head", 5) == 0 ||
		    g_ascii_strncasecmp(s + i, "<body", 5) == 0)
			return TRUE;
	}
	return FALSE;
}

/* Sets the NOT_FEED error for an HTML page, naming a feed it links to. */
void feed_not_feed_html(const char *buf, gsize len, const char *base_url, GError **error)
{
	g_autofree char *l = html_feed_link(buf, len, base_url);
	if (l)
		g_set_error(error, FW_FEED_ERROR, FW_FEED_ERROR_NOT_FEED,
		            "not a feed: text/html (it links to a feed: %s)", l);
	else
		g_set_error(error, FW_FEED_ERROR, FW_FEED_ERROR_NOT_FEED, "not a feed: text/html");
}
