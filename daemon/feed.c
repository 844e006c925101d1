/* feed — libxml2 -> normalised items (RSS 0.9x/2.0, RSS 1.0, Atom 0.3/1.0).
 *
 * The document is decoded to UTF-8 here, then a byte pass ("prep") refuses
 * entity declarations, turns undeclared HTML entities into character
 * references (so no getEntity hook and no entity nodes), escapes stray '&'
 * and '<' and removes control characters. Only then does libxml2 see it:
 * strictly first, in recover mode (with every reference numeric, because
 * 2.9 drops named references after an error) if that fails. */
#include <errno.h>
#include <string.h>
#include <stdlib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <libxml/xmlerror.h>
#include <json-glib/json-glib.h>

#include "feedwatch/feed.h"
#include "feedwatch/html.h"

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

#define FW_FEED_MAX_DOC     (64 * 1024 * 1024)  /* refuse larger documents */
#define FW_FEED_MAX_TITLE   4096
#define FW_FEED_MAX_TEXT    (1024 * 1024)       /* summary, content */
#define FW_FEED_MAX_SHORT   1024                /* author, one category */
#define FW_FEED_MAX_ID      1024                /* longer ids are hashed */
#define FW_FEED_MAX_LINK    4096                /* longer links are dropped */
#define FW_FEED_MAX_CATS    64
#define FW_FEED_MAX_ITEMS   10000
#define FW_FEED_MAX_RUN     (4 * 1024 * 1024)  /* longer text runs, CDATA, comments are cut */

G_DEFINE_QUARK(fw-feed-error-quark, fw_feed_error)

/* Windows-1252 0x80-0x9F; the five undefined bytes become U+FFFD. */
static const guint16 cp1252_c1[32] = {
	0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
	0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

/* ------------------------------------------------------------------ */
/* libxml2 set-up                                                      */

/* Refuses every external entity, DTD and XInclude load. */
static xmlParserInputPtr refuse_loader_cb(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	return NULL;
}

/* Initialises libxml2 once per process (thread-safe). */
static void xml_init_once(void)
{
	static gsize done = 0;
	if (g_once_init_enter(&done)) {
		xmlInitParser();
		xmlSetExternalEntityLoader(refuse_loader_cb);
		g_once_init_leave(&done, 1);
	}
}

void fw_feed_init(void)
{
	xml_init_once();
}

/* First error seen by a parse, and the document its items stream into. */
struct parse_err {
	gboolean set;
	int line, col, code;
	char msg[200];
	struct fw_feed_doc *doc;
};

static gboolean stream_element(struct fw_feed_doc *doc, xmlNodePtr cur);

/* Ends an element as libxml2 would, then lets stream_element read a finished
 * item and free it, so that the tree never holds more than one item. */
static void end_element_cb(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                           const xmlChar *uri)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct parse_err *pe = ctxt->_private;
	xmlNodePtr cur = ctxt->node;

	xmlSAX2EndElementNs(ctx, localname, prefix, uri);
	/* libxml2 appends the next text to the last child at ctxt->nodelen when
	 * nodemem != 0; with cur gone that child is another node: 0 makes it
	 * concatenate safely (xmlTextConcat) instead. */
	if (cur && pe && pe->doc && cur->doc == ctxt->myDoc && stream_element(pe->doc, cur))
		ctxt->nodemem = 0;
}

/* Records the first error of a parse (structured error handler). */
static void record_error_cb(void *data, xmlErrorPtr e)
{
	xmlParserCtxtPtr ctxt = data;
	struct parse_err *pe = ctxt ? ctxt->_private : NULL;

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

static gboolean prep_xml(const char *s, gsize len, gboolean numeric, xmlParserCtxtPtr ctxt);

/* Parses the text t (after the byte pass) with libxml2's push parser, never
 * touching the network or files; items are read into doc as they end and
 * removed from the tree (see stream_element). Returns the rest of the tree,
 * or NULL: not well-formed (unless recover), or *hostile set. */
static xmlDocPtr xml_parse(const char *text, gsize len, const char *url, gboolean recover,
                           struct parse_err *pe, struct fw_feed_doc *doc, gboolean *hostile)
{
	int opts = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_IGNORE_ENC |
	           XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES |
	           XML_PARSE_COMPACT;
	xmlParserCtxtPtr ctxt;
	xmlDocPtr xdoc;

	memset(pe, 0, sizeof *pe);
	*hostile = FALSE;
	if (recover)
		opts |= XML_PARSE_RECOVER;
	ctxt = xmlCreatePushParserCtxt(NULL, NULL, NULL, 0, url);
	if (!ctxt)
		return NULL;
	xmlCtxtUseOptions(ctxt, opts);
	pe->doc = doc;
	ctxt->_private = pe;
	ctxt->sax->serror = record_error_cb;
	ctxt->sax->endElementNs = end_element_cb;
	/* recover mode turns every reference numeric: 2.9 drops named ones
	 * after an error */
	*hostile = !prep_xml(text, len, recover, ctxt);
	xdoc = ctxt->myDoc;
	ctxt->myDoc = NULL;
	if (xdoc && (*hostile || (!recover && !ctxt->wellFormed))) {
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
/* Encoding                                                            */

/* Appends bytes decoded as Windows-1252 (NUL dropped). */
static void append_cp1252(GString *out, const guchar *p, gsize n)
{
	gsize i = 0;

	while (i < n) {
		gsize run = i;
		while (run < n && p[run] > 0 && p[run] < 0x80)
			run++;
		if (run > i) {
			g_string_append_len(out, (const char *)p + i, run - i);
			i = run;
			continue;
		}
		guchar b = p[i++];
		if (b == 0)
			continue;
		char u[4];
		gunichar c = b < 0xA0 ? cp1252_c1[b - 0x80] : b;
		g_string_append_len(out, u, g_unichar_to_utf8(c, u));
	}
}

#define ONES  0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

#ifndef __SSE2__
/* Whether the 8 bytes of v hold a zero byte. */
static inline guint64 word_has_zero(guint64 v)
{
	return (v - ONES) & ~v & HIGHS;
}
#endif

/* Length of the longest prefix of [s, s+len) that is valid UTF-8 without
 * NUL bytes (RFC 3629: no overlongs, surrogates or code points past
 * U+10FFFF). ASCII runs go 8 bytes at a time. */
static gsize utf8_valid_len(const char *s, gsize len)
{
	const guchar *p = (const guchar *)s, *end = p + len;

	while (p < end) {
#ifdef __SSE2__
		if (end - p >= 16) {
			/* skip to the first byte that is NUL or >= 0x80 */
			__m128i v = _mm_loadu_si128((const __m128i *)p);
			guint m = (guint)_mm_movemask_epi8(v) |
			          (guint)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_setzero_si128()));
			if (!m) {
				p += 16;
				continue;
			}
			p += __builtin_ctz(m);
		}
#else
		if (end - p >= 8) {
			guint64 v;
			memcpy(&v, p, 8);
			if (!((v & HIGHS) | word_has_zero(v))) {
				p += 8;
				continue;
			}
		}
#endif
		guchar c = *p;
		if (c < 0x80) {
			if (c == 0)
				break;
			p++;
			continue;
		}
		gsize n;
		guchar lo = 0x80, hi = 0xBF;
		if (c >= 0xC2 && c <= 0xDF) {
			n = 2;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 3;
			if (c == 0xE0)
				lo = 0xA0;
			else if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 4;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;
		} else {
			break;
		}
		if ((gsize)(end - p) < n || p[1] < lo || p[1] > hi)
			break;
		if (n >= 3 && (p[2] & 0xC0) != 0x80)
			break;
		if (n == 4 && (p[3] & 0xC0) != 0x80)
			break;
		p += n;
	}
	return (const char *)p - s;
}

/* Decoded text: [str, str+len), valid UTF-8 without NULs, either the
 * caller's bytes (owned NULL) or a string of ours. */
struct text {
	const char *str;
	gsize len;
	char *owned;
};

/* Sets t to s itself if it is valid UTF-8, else to a copy with every invalid
 * byte read as Windows-1252 and NULs dropped. With own (s itself), the text
 * takes s over (and frees it if a copy is made). */
static void repair_utf8(struct text *t, const char *s, gsize len, char *own)
{
	gsize ok = utf8_valid_len(s, len);
	if (ok == len) {
		t->str = s;
		t->len = len;
		t->owned = own;
		return;
	}
	GString *out = g_string_sized_new(len + len / 8 + 1);
	const char *p = s, *end = s + len;
	while (p < end) {
		g_string_append_len(out, p, ok);
		p += ok;
		if (p >= end)
			break;
		append_cp1252(out, (const guchar *)p, 1);
		p++;
		ok = utf8_valid_len(p, end - p);
	}
	g_free(own);
	t->len = out->len;
	t->owned = g_string_free(out, FALSE);
	t->str = t->owned;
}

/* Whether [s, s+len) has any byte >= 0x80. */
static gboolean has_high(const char *s, gsize len)
{
	gsize i = 0;
	for (; i + 8 <= len; i += 8) {
		guint64 v;
		memcpy(&v, s + i, 8);
		if (v & HIGHS)
			return TRUE;
	}
	for (; i < len; i++)
		if ((guchar)s[i] >= 0x80)
			return TRUE;
	return FALSE;
}

/* Reads the encoding label of an XML declaration into buf; FALSE if none. */
static gboolean xml_decl_encoding(const char *s, gsize len, char *buf, gsize size)
{
	gsize lim = MIN(len, 512);
	const char *end, *e, *q;

	if (lim < 6 || memcmp(s, "<?xml", 5) != 0)
		return FALSE;
	end = g_strstr_len(s, lim, "?>");
	if (!end)
		return FALSE;
	e = g_strstr_len(s, end - s, "encoding");
	if (!e)
		return FALSE;
	q = e + 8;
	while (q < end && (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n' || *q == '='))
		q++;
	if (q >= end || (*q != '"' && *q != '\''))
		return FALSE;
	char quote = *q++;
	const char *v = q;
	while (q < end && *q != quote)
		q++;
	if (q >= end || q == v || (gsize)(q - v) >= size)
		return FALSE;
	memcpy(buf, v, q - v);
	buf[q - v] = '\0';
	return TRUE;
}

/* Reads the charset parameter of a Content-Type into buf; FALSE if none. */
static gboolean http_charset(const char *ct, char *buf, gsize size)
{
	const char *p;
	gsize n = 0;

	if (!ct)
		return FALSE;
	for (p = ct; *p; p++)
		if (g_ascii_strncasecmp(p, "charset=", 8) == 0)
			break;
	if (!*p)
		return FALSE;
	p += 8;
	if (*p == '"' || *p == '\'')
		p++;
	while (p[n] && p[n] != '"' && p[n] != '\'' && p[n] != ';' && !g_ascii_isspace(p[n]))
		n++;
	if (n == 0 || n >= size)
		return FALSE;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return TRUE;
}

/* Whether label names an encoding Windows-1252 stands in for. */
static gboolean is_latin1_label(const char *l)
{
	static const char *const names[] = {
		"iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1",
		"us-ascii", "ascii", "windows-1252", "cp1252", "x-cp1252", "iso-ir-100",
		"ibm819", "cp819", "csisolatin1",
	};
	for (gsize i = 0; i < G_N_ELEMENTS(names); i++)
		if (g_ascii_strcasecmp(l, names[i]) == 0)
			return TRUE;
	return FALSE;
}

/* Whether label names UTF-8 (or a 16/32-bit encoding, impossible for a
 * document whose declaration we could read as bytes). */
static gboolean is_utf8_label(const char *l)
{
	return g_ascii_strcasecmp(l, "utf-8") == 0 || g_ascii_strcasecmp(l, "utf8") == 0 ||
	       g_ascii_strncasecmp(l, "utf-16", 6) == 0 || g_ascii_strncasecmp(l, "utf-32", 6) == 0 ||
	       g_ascii_strncasecmp(l, "ucs-", 4) == 0 || g_ascii_strcasecmp(l, "unicode") == 0;
}

/* The iconv name for an encoding label: as browsers do (WHATWG Encoding
 * Standard), labels of legacy encodings read with their common superset
 * (GB2312 as GB18030, Shift_JIS as Windows-31J, Big5 as Big5-HKSCS...);
 * other labels are passed to iconv as they are. */
static const char *iconv_name(const char *label)
{
	static const struct { const char *label, *name; } map[] = {
		{ "gb2312", "GB18030" }, { "csgb2312", "GB18030" }, { "chinese", "GB18030" },
		{ "gbk", "GB18030" }, { "x-gbk", "GB18030" }, { "cp936", "GB18030" },
		{ "gb_2312", "GB18030" }, { "gb_2312-80", "GB18030" }, { "iso-ir-58", "GB18030" },
		{ "csiso58gb231280", "GB18030" }, { "euc-cn", "GB18030" }, { "windows-936", "GB18030" },
		{ "shift_jis", "CP932" }, { "shift-jis", "CP932" }, { "sjis", "CP932" },
		{ "ms_kanji", "CP932" }, { "csshiftjis", "CP932" }, { "x-sjis", "CP932" },
		{ "windows-31j", "CP932" }, { "big5", "BIG5-HKSCS" }, { "cn-big5", "BIG5-HKSCS" },
		{ "csbig5", "BIG5-HKSCS" }, { "x-x-big5", "BIG5-HKSCS" }, { "iso-8859-9", "CP1254" },
		{ "latin5", "CP1254" }, { "iso8859-9", "CP1254" }, { "tis-620", "CP874" },
		{ "iso-8859-11", "CP874" },
	};
	for (gsize i = 0; i < G_N_ELEMENTS(map); i++)
		if (g_ascii_strcasecmp(label, map[i].label) == 0)
			return map[i].name;
	return label;
}

/* Converts [data, data+len) from encoding from to UTF-8 with iconv; a
 * sequence that does not decode becomes U+FFFD and decoding goes on unit
 * bytes later. Returns a new string (length in *out_len), or NULL if iconv
 * does not know the encoding. */
static char *convert_lossy(const char *data, gsize len, const char *from, gsize unit,
                           gsize *out_len)
{
	GIConv cd = g_iconv_open("UTF-8", from);
	gchar *in = (gchar *)data;
	gsize inleft = len;
	char buf[8192];

	if (cd == (GIConv)-1)
		return NULL;
	GString *out = g_string_sized_new(len + len / 2 + 16);
	while (inleft > 0) {
		gchar *o = buf;
		gsize oleft = sizeof buf;
		gsize r = g_iconv(cd, &in, &inleft, &o, &oleft);
		int err = errno;
		g_string_append_len(out, buf, o - buf);
		if (r != (gsize)-1 || err == E2BIG)
			continue;
		g_string_append(out, "\xEF\xBF\xBD");   /* EILSEQ, EINVAL: skip a unit */
		gsize skip = MIN(unit, inleft);
		in += skip;
		inleft -= skip;
		g_iconv(cd, NULL, NULL, NULL, NULL);
	}
	gchar *o = buf;
	gsize oleft = sizeof buf;
	g_iconv(cd, NULL, NULL, &o, &oleft);   /* the end of a shift state */
	g_string_append_len(out, buf, o - buf);
	g_iconv_close(cd);
	*out_len = out->len;
	return g_string_free(out, FALSE);
}

/* Whether label names an encoding that reads XML's ASCII markup as ASCII
 * (not EBCDIC, UTF-7 and the like, which a readable declaration belies). */
static gboolean ascii_compatible(const char *label)
{
	static const char probe[] =
		"<?xml version=\"1.0\" encoding='x'?>\n<a b=\"c\">&amp;#;/+-</a>";
	gsize n = 0;
	g_autofree char *conv = convert_lossy(probe, sizeof probe - 1, label, 1, &n);
	return conv && n == sizeof probe - 1 && memcmp(conv, probe, n) == 0;
}

/* Decodes the document to UTF-8 into t: the byte order mark decides, then
 * the XML declaration, then the HTTP charset; bytes that are valid UTF-8 are
 * read as UTF-8 whatever the label says; bytes invalid in UTF-8 are read as
 * Windows-1252; a label iconv does not know, or one that would not read
 * the declaration itself as written (EBCDIC, UTF-7), is ignored; bytes that
 * do not decode in the labelled encoding become U+FFFD. FALSE (error set)
 * only if iconv lacks UTF-16/32. */
static gboolean to_utf8(struct text *t, const char *data, gsize len, const char *content_type,
                        GError **error)
{
	const guchar *u = (const guchar *)data;
	const char *from = NULL;
	gsize skip = 0;
	char label[64];

	memset(t, 0, sizeof *t);
	if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
		repair_utf8(t, data + 3, len - 3, NULL);
		return TRUE;
	} else if (len >= 4 && u[0] == 0xFF && u[1] == 0xFE && u[2] == 0 && u[3] == 0) {
		from = "UTF-32LE", skip = 4;
	} else if (len >= 4 && u[0] == 0 && u[1] == 0 && u[2] == 0xFE && u[3] == 0xFF) {
		from = "UTF-32BE", skip = 4;
	} else if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE) {
		from = "UTF-16LE", skip = 2;
	} else if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF) {
		from = "UTF-16BE", skip = 2;
	} else if (len >= 4 && u[0] == '<' && u[1] == 0 && u[2] != 0 && u[3] == 0) {
		from = "UTF-16LE";
	} else if (len >= 4 && u[0] == 0 && u[1] == '<' && u[2] == 0 && u[3] != 0) {
		from = "UTF-16BE";
	}
	if (from) {
		gsize unit = from[4] == '3' ? 4 : 2, out_len = 0;
		char *conv = convert_lossy(data + skip, len - skip, from, unit, &out_len);
		if (!conv) {
			g_set_error(error, FW_FEED_ERROR, FW_FEED_ERROR_NOT_XML,
			            "cannot decode %s: iconv does not know it", from);
			return FALSE;
		}
		repair_utf8(t, conv, out_len, conv);
		return TRUE;
	}

	gboolean labelled = xml_decl_encoding(data, len, label, sizeof label) ||
	                    http_charset(content_type, label, sizeof label);
	if (!labelled || is_utf8_label(label) || !has_high(data, len)) {
		repair_utf8(t, data, len, NULL);
		return TRUE;
	}
	if (utf8_valid_len(data, len) == len) {
		t->str = data;   /* valid UTF-8 wins over the label */
		t->len = len;
		return TRUE;
	}
	if (is_latin1_label(label)) {
		GString *out = g_string_sized_new(len + len / 4 + 1);
		append_cp1252(out, u, len);
		t->len = out->len;
		t->owned = g_string_free(out, FALSE);
		t->str = t->owned;
		return TRUE;
	}
	gsize out_len = 0;
	const char *name = iconv_name(label);
	char *conv = ascii_compatible(name) ? convert_lossy(data, len, name, 1, &out_len) : NULL;
	if (conv)
		repair_utf8(t, conv, out_len, conv);
	else
		repair_utf8(t, data, len, NULL);   /* unknown or bogus label: not fatal */
	return TRUE;
}

/* ------------------------------------------------------------------ */
/* Byte pass before libxml2                                            */

#define FW_FEED_CHUNK (256 * 1024)   /* the byte pass feeds libxml2 this much at a time */

/* The byte pass over a document, feeding libxml2's push parser as it goes:
 * the text not yet fed is out (fixed text, if any) then [copied, p). */
struct prep {
	const char *copied;      /* source bytes before this are in out or fed */
	GString *out;            /* fixed text not fed yet; NULL until the first fix */
	xmlParserCtxtPtr ctxt;   /* the parser fed, or NULL */
	gboolean stop;           /* the parser gave up: no use going on */
};

/* Replaces [at, resume) of the source with repl. */
static void prep_fix(struct prep *pp, const char *at, const char *repl, const char *resume)
{
	if (!pp->out)
		pp->out = g_string_sized_new(FW_FEED_CHUNK + 4096);
	g_string_append_len(pp->out, pp->copied, at - pp->copied);
	g_string_append(pp->out, repl);
	pp->copied = resume;
}

/* Feeds the pending text up to p to the parser (terminate: and ends the
 * document). */
static void prep_feed(struct prep *pp, const char *p, gboolean terminate)
{
	const char *data = pp->copied;
	gsize n = p - pp->copied;

	if (pp->out && pp->out->len) {
		g_string_append_len(pp->out, pp->copied, n);
		data = pp->out->str;
		n = pp->out->len;
	}
	pp->copied = p;
	if (pp->ctxt && !pp->stop) {
		xmlParseChunk(pp->ctxt, data, (int)n, terminate);
		if (pp->ctxt->instate == XML_PARSER_EOF ||
		    (!pp->ctxt->recovery && !pp->ctxt->wellFormed))
			pp->stop = TRUE;
	}
	if (pp->out)
		g_string_truncate(pp->out, 0);
}

/* Bytes the byte pass looks at: 1 control characters XML forbids, 2 '&'
 * and '<'. */
static const guchar prep_class[256] = {
	[0 ... 8] = 1, [11 ... 12] = 1, [14 ... 31] = 1, ['&'] = 2, ['<'] = 2,
};

#ifndef __SSE2__
/* Whether the 8 bytes of v hold a byte below 0x20 (any control character,
 * tab and newlines too). */
static inline guint64 word_has_control(guint64 v)
{
	return (v - 0x20 * ONES) & ~v & HIGHS;
}
#endif

#ifdef __SSE2__
/* Index of the first of the 16 bytes at p that the byte pass looks at: a
 * control character XML forbids, or (with amp_lt) '&' or '<'; 16 if none. */
static inline guint prep_block(const char *p, gboolean amp_lt)
{
	__m128i v = _mm_loadu_si128((const __m128i *)p);
	__m128i ctl = _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(0x1F)), _mm_set1_epi8(0x1F));
	__m128i ok = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\t')),
	                                       _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'))),
	                          _mm_cmpeq_epi8(v, _mm_set1_epi8('\r')));
	__m128i m = _mm_andnot_si128(ok, ctl);
	if (amp_lt)
		m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('&')),
		                                 _mm_cmpeq_epi8(v, _mm_set1_epi8('<'))));
	guint mask = (guint)_mm_movemask_epi8(m);
	return mask ? (guint)__builtin_ctz(mask) : 16;
}
#endif

/* Replaces control characters XML forbids in [p, end) with spaces. */
static void prep_controls(struct prep *pp, const char *p, const char *end)
{
	while (p < end) {
#ifdef __SSE2__
		if (end - p >= 16) {
			guint k = prep_block(p, FALSE);
			p += k;
			if (k == 16)
				continue;
		}
#else
		if (end - p >= 8) {
			guint64 v;
			memcpy(&v, p, 8);
			if (!word_has_control(v)) {
				p += 8;
				continue;
			}
		}
#endif
		if (G_UNLIKELY(prep_class[(guchar)*p] == 1))
			prep_fix(pp, p, " ", p + 1);
		p++;
	}
}

/* Whether code point v may appear in XML 1.0 (as a character reference). */
static gboolean xml_char_ok(guint64 v)
{
	return v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v <= 0xD7FF) ||
	       (v >= 0xE000 && v <= 0xFFFD) || (v >= 0x10000 && v <= 0x10FFFF);
}

/* Code point of an HTML entity name (HTML 4 table plus apos), or 0. */
static gunichar html_entity(const char *name, gsize len)
{
	char buf[40];
	const htmlEntityDesc *d;

	if (len == 0 || len >= sizeof buf)
		return 0;
	memcpy(buf, name, len);
	buf[len] = '\0';
	if (strcmp(buf, "apos") == 0)
		return '\'';
	d = htmlEntityLookup((const xmlChar *)buf);
	return d ? d->value : 0;
}

/* Handles the reference at p ('&'); returns where scanning resumes. */
static const char *prep_ref(struct prep *pp, const char *p, const char *end, gboolean numeric)
{
	const char *q = p + 1;
	char rep[16];

	if (q < end && *q == '#') {
		guint64 v = 0;
		gboolean hex = FALSE;
		q++;
		if (q < end && (*q == 'x' || *q == 'X'))
			hex = TRUE, q++;
		const char *d = q;
		while (q < end && (hex ? g_ascii_isxdigit(*q) : g_ascii_isdigit(*q))) {
			if (v <= 0x10FFFF)
				v = v * (hex ? 16 : 10) + (guint64)(hex ? g_ascii_xdigit_value(*q)
				                                        : *q - '0');
			q++;
		}
		if (q == d) {
			prep_fix(pp, p, "&amp;", p + 1);
			return p + 1;
		}
		gboolean semi = q < end && *q == ';';
		if (v >= 0x80 && v <= 0x9F)
			v = cp1252_c1[v - 0x80];
		if (!xml_char_ok(v))
			v = 0xFFFD;
		if (semi && q - p < 12 && v == strtoull(hex ? p + 3 : p + 2, NULL, hex ? 16 : 10))
			return q + 1;   /* fine as it is */
		g_snprintf(rep, sizeof rep, "&#%u;", (guint)v);
		prep_fix(pp, p, rep, semi ? q + 1 : q);
		return semi ? q + 1 : q;
	}
	const char *n = q;
	while (q < end && q - n <= 32 && (g_ascii_isalnum(*q) || *q == '_' || *q == '-' || *q == '.'))
		q++;
	gsize nlen = q - n;
	gboolean semi = q < end && *q == ';' && nlen > 0 && g_ascii_isalpha(*n);
	if (semi) {
		static const struct { const char *name; const char *num; } pre[] = {
			{ "amp", "&#38;" }, { "lt", "&#60;" }, { "gt", "&#62;" },
			{ "quot", "&#34;" }, { "apos", "&#39;" },
		};
		for (gsize i = 0; i < G_N_ELEMENTS(pre); i++) {
			if (strlen(pre[i].name) == nlen && memcmp(pre[i].name, n, nlen) == 0) {
				if (numeric)
					prep_fix(pp, p, pre[i].num, q + 1);
				return q + 1;
			}
		}
		gunichar c = html_entity(n, nlen);
		if (c) {
			g_snprintf(rep, sizeof rep, "&#%u;", c);
			prep_fix(pp, p, rep, q + 1);
			return q + 1;
		}
	} else if (nlen >= 2 && nlen <= 4) {
		/* "&nbsp" and friends without a semicolon, as HTML reads them */
		static const char *const legacy[] = { "amp", "lt", "gt", "quot", "nbsp", "copy", "reg" };
		for (gsize i = 0; i < G_N_ELEMENTS(legacy); i++) {
			if (strlen(legacy[i]) == nlen && memcmp(legacy[i], n, nlen) == 0) {
				g_snprintf(rep, sizeof rep, "&#%u;", html_entity(n, nlen));
				prep_fix(pp, p, rep, q);
				return q;
			}
		}
	}
	prep_fix(pp, p, "&amp;", p + 1);   /* a stray '&' or an unknown entity: literal */
	return p + 1;
}

/* Finds needle in [p, end); returns NULL if absent. */
static const char *find(const char *p, const char *end, const char *needle)
{
	gsize n = strlen(needle);
	while (p < end && (gsize)(end - p) >= n) {
		const char *c = memchr(p, needle[0], end - p - n + 1);
		if (!c)
			return NULL;
		if (memcmp(c, needle, n) == 0)
			return c;
		p = c + 1;
	}
	return NULL;
}

/* Skips a construct [p, close...) verbatim (controls fixed); returns its end. */
/* Where a cut at p should start: p moved back to a UTF-8 character
 * boundary, not before what the pass has copied. */
static const char *cut_point(const struct prep *pp, const char *p)
{
	while (p > pp->copied && ((guchar)*p & 0xC0) == 0x80)
		p--;
	return p;
}

/* Skips a construct [p, close...) verbatim (controls fixed); returns its
 * end. One longer than FW_FEED_MAX_RUN is cut: CDATA to its first
 * FW_FEED_MAX_RUN bytes, a comment or processing instruction (keep FALSE)
 * dropped (libxml2 would give up on it and lose the rest of the feed). */
static const char *prep_skip(struct prep *pp, const char *p, const char *end, gsize open,
                             const char *close, gboolean keep)
{
	const char *e = find(p + open, end, close);
	const char *body_end = e ? e : end;
	e = e ? e + strlen(close) : end;
	if (G_UNLIKELY((gsize)(body_end - (p + open)) > FW_FEED_MAX_RUN)) {
		if (!keep) {
			prep_fix(pp, p, "", e);
			return e;
		}
		const char *cut = cut_point(pp, p + open + FW_FEED_MAX_RUN);
		prep_controls(pp, p, cut);
		prep_fix(pp, cut, "", body_end);
		prep_controls(pp, body_end, e);
		return e;
	}
	prep_controls(pp, p, e);
	return e;
}

/* Cuts a run of text or markup longer than FW_FEED_MAX_RUN at p: drops
 * everything up to the next '<'. Returns where scanning resumes. */
static const char *prep_cut(struct prep *pp, const char *p, const char *end)
{
	const char *lt = memchr(p, '<', end - p);
	if (!lt)
		lt = end;
	prep_fix(pp, cut_point(pp, p), "", lt);
	return lt;
}

/* Handles a DOCTYPE at p; sets *hostile if its internal subset declares
 * entities. Returns where scanning resumes. */
static const char *prep_doctype(struct prep *pp, const char *p, const char *end, gboolean *hostile)
{
	const char *q = p + 9;
	char quote = 0;

	for (; q < end; q++) {
		if (quote) {
			if (*q == quote)
				quote = 0;
		} else if (*q == '"' || *q == '\'') {
			quote = *q;
		} else if (*q == '>') {
			q++;
			break;
		} else if (*q == '[') {
			/* internal subset: up to "]" spaces ">" */
			const char *e = q;
			while ((e = memchr(e, ']', end - e))) {
				const char *f = e + 1;
				while (f < end && g_ascii_isspace(*f))
					f++;
				if (f < end && *f == '>') {
					e = f + 1;
					break;
				}
				e++;
			}
			if (!e)
				e = end;
			if (g_strstr_len(q, e - q, "<!ENTITY") || g_strstr_len(q, e - q, "<!entity"))
				*hostile = TRUE;
			q = e;
			break;
		}
	}
	prep_controls(pp, p, q);
	return q;
}

/* The byte pass (see the top of the file) over [s, s+len), feeding the
 * result to ctxt in chunks that end before a tag, and ending the document.
 * numeric also turns the five XML entities into character references (for
 * recover mode). FALSE if the document declares entities (the rest is then
 * not fed). */
static gboolean prep_xml(const char *s, gsize len, gboolean numeric, xmlParserCtxtPtr ctxt)
{
	struct prep pp = { s, NULL, ctxt, FALSE };
	const char *p = s, *end = s + len;
	gboolean hostile = FALSE;

	while (p < end && g_ascii_isspace(*p))
		p++;
	if (p > s && p < end && *p == '<')
		pp.copied = p;   /* whitespace before the XML declaration */
	const char *mark = p;   /* the last '<' */
	while (p < end && !hostile) {
		if (G_UNLIKELY((gsize)(p - mark) > FW_FEED_MAX_RUN))
			mark = p = prep_cut(&pp, p, end);
#ifdef __SSE2__
		if (end - p >= 16) {
			/* on to the next control character, '&' or '<' */
			guint k = prep_block(p, TRUE);
			p += k;
			if (k == 16)
				continue;
		}
#else
		if (end - p >= 8) {
			/* skip 8 bytes at a time while there is no control, '&' or '<' */
			guint64 v;
			memcpy(&v, p, 8);
			if (!(word_has_control(v) | word_has_zero(v ^ ('&' * ONES)) |
			      word_has_zero(v ^ ('<' * ONES)))) {
				p += 8;
				continue;
			}
		}
#endif
		guchar c = *p;
		if (!prep_class[c]) {
			p++;
			continue;
		}
		if (c == '&') {
			p = prep_ref(&pp, p, end, numeric);
			continue;
		} else if (c != '<') {
			prep_fix(&pp, p, " ", p + 1);
			p++;
			continue;
		}
		mark = p;
		if (end - p >= 2 && (g_ascii_isalpha(p[1]) || p[1] == '/' || p[1] == '_' ||
		                            p[1] == ':' || (guchar)p[1] >= 0x80)) {
			/* a tag: a chunk may end before it */
			if ((pp.out ? pp.out->len : 0) + (gsize)(p - pp.copied) >= FW_FEED_CHUNK) {
				prep_feed(&pp, p, FALSE);
				if (pp.stop)
					break;
			}
			p++;
		} else if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
			mark = p = prep_skip(&pp, p, end, 4, "-->", FALSE);
		} else if (end - p >= 9 && memcmp(p, "<![CDATA[", 9) == 0) {
			mark = p = prep_skip(&pp, p, end, 9, "]]>", TRUE);
		} else if (end - p >= 2 && p[1] == '?') {
			mark = p = prep_skip(&pp, p, end, 2, "?>", FALSE);
		} else if (end - p >= 9 && g_ascii_strncasecmp(p, "<!DOCTYPE", 9) == 0) {
			mark = p = prep_doctype(&pp, p, end, &hostile);
		} else if (end - p >= 2 && p[1] == '!') {
			p++;
		} else {
			prep_fix(&pp, p, "&#60;", p + 1);   /* "a < b" in text */
			p++;
		}
	}
	if (!hostile)
		prep_feed(&pp, end, TRUE);
	if (pp.out)
		g_string_free(pp.out, TRUE);
	return !hostile;
}

/* ------------------------------------------------------------------ */
/* Tree helpers                                                        */

/* Namespace URI of a node, or NULL. */
static const char *ns_of(xmlNodePtr n)
{
	return n->ns ? (const char *)n->ns->href : NULL;
}

/* Whether n is element name in namespace ns (NULL: no namespace). */
static gboolean is_el(xmlNodePtr n, const char *ns, const char *name)
{
	const char *u = ns_of(n);
	if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, name) != 0)
		return FALSE;
	return ns ? (u && strcmp(u, ns) == 0) : u == NULL;
}

/* Whether n is in the RSS vocabulary (no namespace, RSS 1.0 or 0.90). */
static gboolean is_rss(xmlNodePtr n)
{
	const char *u = ns_of(n);
	return !u || strcmp(u, NS_RSS1) == 0 || strcmp(u, NS_RSS090) == 0 ||
	       strcmp(u, NS_USERLAND) == 0;
}

/* Whether n is in an Atom namespace (1.0 or 0.3). */
static gboolean is_atom(xmlNodePtr n)
{
	const char *u = ns_of(n);
	return u && (strcmp(u, NS_ATOM) == 0 || strcmp(u, NS_ATOM03) == 0);
}

/* Whether n's namespace is ns. */
static gboolean in_ns(xmlNodePtr n, const char *ns)
{
	const char *u = ns_of(n);
	return u && strcmp(u, ns) == 0;
}

/* Whether n has element children (markup that was not escaped). */
static gboolean has_elements(xmlNodePtr n)
{
	for (xmlNodePtr c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return TRUE;
	return FALSE;
}

/* Concatenated text of n's direct text children (raw, not trimmed). */
static char *node_text(xmlNodePtr n)
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

/* The text of n's direct text children, like node_text, without a copy
 * when there is only one: returns it, or a string stored in *tmp. */
static const char *node_text_ref(xmlNodePtr n, char **tmp)
{
	xmlNodePtr only = NULL;
	for (xmlNodePtr c = n->children; c; c = c->next) {
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content) {
			if (only) {
				*tmp = node_text(n);
				return *tmp;
			}
			only = c;
		}
	}
	return only ? (const char *)only->content : "";
}

/* Serialises the children of n as markup. */
static char *node_markup(xmlNodePtr n)
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
static char *cap(char *s, gsize max)
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
static char *nonempty(char *s)
{
	if (s && !*s) {
		g_free(s);
		return NULL;
	}
	return s;
}

/* Text kinds of an element's content. */
enum kind { K_TEXT, K_HTML, K_XHTML, K_SKIP };

/* Kind of an Atom text construct from its type (and 0.3 mode) attributes. */
static enum kind atom_kind(xmlNodePtr n)
{
	g_autofree char *type = (char *)xmlGetProp(n, (const xmlChar *)"type");
	g_autofree char *mode = (char *)xmlGetProp(n, (const xmlChar *)"mode");
	g_autofree char *src = (char *)xmlGetProp(n, (const xmlChar *)"src");

	if (src || (mode && strcmp(mode, "base64") == 0))
		return K_SKIP;
	if (mode && strcmp(mode, "xml") == 0)
		return K_XHTML;
	if (!type || !*type || strcmp(type, "text") == 0 || strcmp(type, "text/plain") == 0)
		return (mode && strcmp(mode, "escaped") == 0) ? K_HTML : K_TEXT;
	if (strcmp(type, "html") == 0 || strcmp(type, "text/html") == 0)
		return K_HTML;
	if (strcmp(type, "xhtml") == 0 || strcmp(type, "application/xhtml+xml") == 0)
		return K_XHTML;
	if (g_str_has_prefix(type, "text/"))
		return K_TEXT;
	if (g_str_has_suffix(type, "+xml") || g_str_has_suffix(type, "/xml"))
		return K_XHTML;
	return K_SKIP;
}

/* Plain text of element n read as kind (markup children always count as
 * HTML), cut to max bytes. Returns NULL if empty. */
static char *text_of(xmlNodePtr n, enum kind kind, gsize max)
{
	g_autofree char *tmp = NULL;
	const char *raw;
	char *out;

	if (!n || kind == K_SKIP)
		return NULL;
	if (kind == K_XHTML || has_elements(n)) {
		xmlNodePtr div = NULL;
		int nel = 0;
		for (xmlNodePtr c = n->children; c; c = c->next) {
			if (c->type == XML_ELEMENT_NODE) {
				nel++;
				div = c;
			}
		}
		if (nel != 1 || !is_el(div, NS_XHTML, "div"))
			div = NULL;
		GString *m = g_string_new(NULL);
		append_markup(m, div ? div : n, 0);
		raw = tmp = g_string_free(m, FALSE);
		kind = K_HTML;
	} else {
		raw = node_text_ref(n, &tmp);
	}
	out = kind == K_HTML ? fw_html_to_text(raw, -1) : fw_html_clean(raw, -1);
	return nonempty(cap(out, max));
}

/* Trimmed raw text of n (valid UTF-8), or NULL if empty. */
static char *trimmed(xmlNodePtr n)
{
	if (!n)
		return NULL;
	g_autofree char *raw = node_text(n);
	return nonempty(g_strdup(g_strstrip(raw)));
}

/* Whether s is an absolute http(s) URL with a host. */
static gboolean http_url_ok(const char *s)
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
static char *url_dup(const char *u)
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
static char *escape_iri(char *h)
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

/* Resolves href against n's xml:base chain and the document URL; returns an
 * http(s) URL or NULL. */
static char *resolve(xmlNodePtr n, const char *href)
{
	g_autofree char *h = NULL;
	xmlChar *base, *abs;
	char *out = NULL;

	if (!href)
		return NULL;
	h = g_strstrip(g_strdup(href));
	if (!*h || strlen(h) > FW_FEED_MAX_LINK)
		return NULL;
	h = escape_iri(h);
	base = has_scheme(h) ? NULL : xmlNodeGetBase(n->doc, n);
	abs = xmlBuildURI((const xmlChar *)h, base);
	if (abs && http_url_ok((const char *)abs))
		out = url_dup((const char *)abs);
	xmlFree(abs);
	xmlFree(base);
	return out;
}

/* ------------------------------------------------------------------ */
/* Items                                                               */

/* What one item's elements provide, best source first (lower rank wins). */
struct pick {
	xmlNodePtr node;
	int rank;
};

/* Takes n for a field if rank beats what it has. */
static void take(struct pick *p, xmlNodePtr n, int rank)
{
	if (!p->node || rank < p->rank) {
		p->node = n;
		p->rank = rank;
	}
}

/* Keeps the first date element of each rank. */
static void take_date(xmlNodePtr *slots, xmlNodePtr n, int rank)
{
	if (!slots[rank])
		slots[rank] = n;
}

struct item_src {
	struct pick title, guid, summary, content;
	xmlNodePtr published[6], updated[3];   /* date sources by rank, first of each */
	enum kind title_kind, summary_kind, content_kind;
	GPtrArray *authors;        /* of xmlNodePtr, of the best rank */
	int author_rank;
	GPtrArray *cats;           /* of char*, plain text */
	char *link;                /* best link so far */
	int link_rank;
	char *guid_link;           /* guid as a permalink */
};

/* Adds a category if new and non-empty. */
static void add_category(struct item_src *s, char *c)
{
	if (!c)
		return;
	if (s->cats->len >= FW_FEED_MAX_CATS) {
		g_free(c);
		return;
	}
	for (guint i = 0; i < s->cats->len; i++) {
		if (strcmp(g_ptr_array_index(s->cats, i), c) == 0) {
			g_free(c);
			return;
		}
	}
	g_ptr_array_add(s->cats, c);
}

/* Takes an author element if its rank is at least as good as the best. */
static void take_author(struct item_src *s, xmlNodePtr n, int rank)
{
	if (s->authors->len > 0 && rank > s->author_rank)
		return;
	if (s->authors->len > 0 && rank < s->author_rank)
		g_ptr_array_set_size(s->authors, 0);
	s->author_rank = rank;
	if (s->authors->len < 16)
		g_ptr_array_add(s->authors, n);
}

/* Offers a link for the item at rank. */
static void offer_link(struct item_src *s, xmlNodePtr n, const char *href, int rank)
{
	if (s->link && rank >= s->link_rank)
		return;
	char *l = resolve(n, href);
	if (l) {
		g_free(s->link);
		s->link = l;
		s->link_rank = rank;
	}
}

/* Rank of an Atom link by its rel: alternate first, self/edit never. */
static int atom_link_rank(xmlNodePtr n)
{
	g_autofree char *rel = (char *)xmlGetProp(n, (const xmlChar *)"rel");
	g_autofree char *type = (char *)xmlGetProp(n, (const xmlChar *)"type");
	if (!rel || strcmp(rel, "alternate") == 0 || strcmp(rel, NS_ATOM "/../alternate") == 0)
		return (type && !strstr(type, "html")) ? 11 : 10;
	if (strcmp(rel, "self") == 0 || strcmp(rel, "edit") == 0 || strcmp(rel, "edit-media") == 0 ||
	    strcmp(rel, "enclosure") == 0 || strcmp(rel, "replies") == 0 || strcmp(rel, "license") == 0 ||
	    strcmp(rel, "hub") == 0)
		return -1;
	return 30;
}

/* Looks at one child element of an item or entry. */
static void item_child(struct item_src *s, xmlNodePtr c, gboolean atom_entry)
{
	const char *name = (const char *)c->name;

	if (is_atom(c)) {
		if (!strcmp(name, "id")) {
			take(&s->guid, c, 1);
		} else if (!strcmp(name, "title")) {
			if (!s->title.node || s->title.rank > 1)
				s->title_kind = atom_kind(c);
			take(&s->title, c, 1);
		} else if (!strcmp(name, "link")) {
			g_autofree char *href = (char *)xmlGetProp(c, (const xmlChar *)"href");
			int r = atom_link_rank(c);
			if (r >= 0)
				offer_link(s, c, href, r);
		} else if (!strcmp(name, "content")) {
			if (!s->content.node || s->content.rank > 1)
				s->content_kind = atom_kind(c);
			take(&s->content, c, 1);
		} else if (!strcmp(name, "summary")) {
			if (!s->summary.node || s->summary.rank > 2)
				s->summary_kind = atom_kind(c);
			take(&s->summary, c, 2);
		} else if (!strcmp(name, "published") || !strcmp(name, "issued")) {
			take_date(s->published, c, 2);
		} else if (!strcmp(name, "created")) {
			take_date(s->published, c, 5);
		} else if (!strcmp(name, "updated") || !strcmp(name, "modified")) {
			take_date(s->updated, c, 1);
		} else if (!strcmp(name, "author")) {
			take_author(s, c, 3);
		} else if (!strcmp(name, "category")) {
			g_autofree char *t = (char *)xmlGetProp(c, (const xmlChar *)"term");
			if (!t || !*t) {
				g_free(t);
				t = (char *)xmlGetProp(c, (const xmlChar *)"label");
			}
			if (t)
				add_category(s, nonempty(cap(fw_html_clean(t, -1), FW_FEED_MAX_SHORT)));
		}
	} else if (is_rss(c) && !atom_entry) {
		if (!strcmp(name, "title")) {
			take(&s->title, c, 1);
		} else if (!strcmp(name, "link")) {
			g_autofree char *t = node_text(c);
			offer_link(s, c, t, 1);
		} else if (!strcmp(name, "guid")) {
			take(&s->guid, c, 1);
			g_autofree char *pl = (char *)xmlGetProp(c, (const xmlChar *)"isPermaLink");
			if (!s->guid_link && !(pl && g_ascii_strcasecmp(g_strstrip(pl), "false") == 0)) {
				/* only a guid that is itself an absolute URL is a link */
				g_autofree char *t = node_text(c);
				g_strstrip(t);
				if (http_url_ok(t))
					s->guid_link = resolve(c, t);
			}
		} else if (!strcmp(name, "description")) {
			take(&s->summary, c, 1);
		} else if (!strcmp(name, "pubDate")) {
			take_date(s->published, c, 1);
		} else if (!strcmp(name, "author")) {
			take_author(s, c, 2);
		} else if (!strcmp(name, "category")) {
			add_category(s, text_of(c, K_TEXT, FW_FEED_MAX_SHORT));
		}
	} else if (in_ns(c, NS_CONTENT)) {
		if (!strcmp(name, "encoded"))
			take(&s->content, c, 0);
	} else if (in_ns(c, NS_DC)) {
		if (!strcmp(name, "creator"))
			take_author(s, c, 1);
		else if (!strcmp(name, "subject"))
			add_category(s, text_of(c, K_TEXT, FW_FEED_MAX_SHORT));
		else if (!strcmp(name, "date"))
			take_date(s->published, c, 3);
		else if (!strcmp(name, "description"))
			take(&s->summary, c, 3);
		else if (!strcmp(name, "title"))
			take(&s->title, c, 3);
		else if (!strcmp(name, "identifier"))
			take(&s->guid, c, 3);
	} else if (in_ns(c, NS_DCTERMS)) {
		if (!strcmp(name, "modified"))
			take_date(s->updated, c, 2);
		else if (!strcmp(name, "issued") || !strcmp(name, "created"))
			take_date(s->published, c, 4);
	} else if (in_ns(c, NS_ITUNES)) {
		if (!strcmp(name, "summary"))
			take(&s->summary, c, 4);
		else if (!strcmp(name, "author"))
			take_author(s, c, 4);
	} else if (in_ns(c, NS_FEEDBURNER)) {
		if (!strcmp(name, "origLink")) {
			g_autofree char *t = node_text(c);
			offer_link(s, c, t, 0);   /* the article itself, not the proxy */
		}
	} else if (in_ns(c, NS_XHTML)) {
		if (!strcmp(name, "body") || !strcmp(name, "div"))
			take(&s->content, c, 2);
	}
}

/* Plain text of one author element (Atom: name, else email; RSS author
 * "mail@x (Name)": Name). */
static char *author_text(xmlNodePtr n)
{
	if (is_atom(n)) {
		xmlNodePtr name = NULL, email = NULL;
		for (xmlNodePtr c = n->children; c; c = c->next) {
			if (c->type != XML_ELEMENT_NODE)
				continue;
			if (!name && !strcmp((const char *)c->name, "name"))
				name = c;
			else if (!email && !strcmp((const char *)c->name, "email"))
				email = c;
		}
		return text_of(name ? name : email, K_TEXT, FW_FEED_MAX_SHORT);
	}
	char *t = text_of(n, K_TEXT, FW_FEED_MAX_SHORT);
	if (t && is_rss(n)) {
		char *open = strchr(t, '(');
		char *close = strrchr(t, ')');
		char *at = strchr(t, '@');
		if (open && close && close > open + 1 && at && at < open) {
			char *name = g_strndup(open + 1, close - open - 1);
			g_free(t);
			t = nonempty(g_strstrip(name)) ? name : NULL;
			if (!t)
				g_free(name);
		}
	}
	return t;
}

/* Parses the date in element n, or FW_TIME_NONE. */
static gint64 date_of(xmlNodePtr n)
{
	if (!n)
		return FW_TIME_NONE;
	g_autofree char *t = node_text(n);
	if (strlen(t) > 200)
		return FW_TIME_NONE;
	return fw_feed_parse_date(t);
}

/* The first date that parses among slots (best rank first), or FW_TIME_NONE. */
static gint64 first_date(xmlNodePtr *slots, gsize n)
{
	for (gsize i = 0; i < n; i++) {
		gint64 t = date_of(slots[i]);
		if (t != FW_TIME_NONE)
			return t;
	}
	return FW_TIME_NONE;
}

/* Raw text of a field for hashing ("" if none). */
static char *raw_of(xmlNodePtr n)
{
	if (!n)
		return g_strdup("");
	return has_elements(n) ? node_markup(n) : node_text(n);
}

/* Returns id, or (freeing it) "sha1:" and its hash if it is longer than
 * FW_FEED_MAX_ID: a long guid or link still identifies the item. */
static char *bounded_id(char *id)
{
	if (strlen(id) <= FW_FEED_MAX_ID)
		return id;
	char *h = g_compute_checksum_for_string(G_CHECKSUM_SHA1, id, -1);
	g_free(id);
	id = g_strconcat("sha1:", h, NULL);
	g_free(h);
	return id;
}

/* Builds one item from an item/entry element; NULL if it is empty. */
static struct fw_item *make_item(xmlNodePtr el, gboolean atom_entry)
{
	struct item_src s = { 0 };
	struct fw_item *it;

	s.authors = g_ptr_array_new();
	s.cats = g_ptr_array_new_with_free_func(g_free);
	s.title_kind = atom_entry ? K_TEXT : K_HTML;
	s.summary_kind = atom_entry ? K_TEXT : K_HTML;
	s.content_kind = K_HTML;
	for (xmlNodePtr c = el->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			item_child(&s, c, atom_entry);

	it = g_new0(struct fw_item, 1);
	/* RSS titles and descriptions may hold escaped HTML; Atom says which. */
	if (s.title.node && !is_atom(s.title.node))
		s.title_kind = K_HTML;
	if (s.summary.node && !is_atom(s.summary.node))
		s.summary_kind = K_HTML;
	if (s.content.node && !is_atom(s.content.node))
		s.content_kind = K_HTML;
	it->title = text_of(s.title.node, s.title_kind, FW_FEED_MAX_TITLE);
	it->summary = text_of(s.summary.node, s.summary_kind, FW_FEED_MAX_TEXT);
	it->content = text_of(s.content.node, s.content_kind, FW_FEED_MAX_TEXT);
	it->link = s.link ? s.link : s.guid_link;
	if (s.link)
		g_free(s.guid_link);
	it->published = first_date(s.published, G_N_ELEMENTS(s.published));
	it->updated = first_date(s.updated, G_N_ELEMENTS(s.updated));
	if (it->published == FW_TIME_NONE)
		it->published = it->updated;
	if (s.authors->len > 0) {
		GString *a = g_string_new(NULL);
		for (guint i = 0; i < s.authors->len; i++) {
			g_autofree char *t = author_text(g_ptr_array_index(s.authors, i));
			if (!t || strstr(a->str, t))
				continue;
			if (a->len)
				g_string_append(a, ", ");
			g_string_append(a, t);
		}
		it->author = nonempty(cap(g_string_free(a, FALSE), FW_FEED_MAX_SHORT));
	}
	it->categories = s.cats;
	g_ptr_array_free(s.authors, TRUE);

	/* identity: guid / atom:id / rdf:about, else link, else a hash */
	char *id = trimmed(s.guid.node);
	if (!id) {
		xmlChar *about = xmlGetNsProp(el, (const xmlChar *)"about", (const xmlChar *)NS_RDF);
		if (about) {
			id = nonempty(g_strstrip(g_strdup((const char *)about)));
			xmlFree(about);
		}
	}
	if (id) {
		char *v = fw_html_valid_utf8(id, -1);
		g_free(id);
		id = bounded_id(v);
	} else if (it->link) {
		id = bounded_id(g_strdup(it->link));
	} else {
		if (!it->title && !it->summary && !it->content) {
			fw_item_free(it);
			return NULL;
		}
		g_autofree char *t = raw_of(s.title.node);
		g_autofree char *c = raw_of(s.content.node ? s.content.node : s.summary.node);
		g_autofree char *all = g_strconcat(t, "\n\n", c, NULL);
		g_autofree char *h = g_compute_checksum_for_string(G_CHECKSUM_SHA1, all, -1);
		id = g_strconcat("sha1:", h, NULL);
	}
	it->id = id;
	return it;
}

/* ------------------------------------------------------------------ */
/* Documents                                                           */

enum dialect { D_NONE, D_RSS, D_RDF, D_ATOM };

/* Which feed dialect a root element is. */
static enum dialect dialect_of(xmlNodePtr root)
{
	if (!root)
		return D_NONE;
	if (!strcmp((const char *)root->name, "rss") && is_rss(root))
		return D_RSS;
	if (!strcmp((const char *)root->name, "RDF") && in_ns(root, NS_RDF))
		return D_RDF;
	if (!strcmp((const char *)root->name, "feed") && is_atom(root))
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
		if (!strcmp(name, "title") && (is_rss(c) || is_atom(c)) && !doc->title) {
			doc->title = text_of(c, is_atom(c) ? atom_kind(c) : K_HTML, FW_FEED_MAX_TITLE);
		} else if (!strcmp(name, "link") && is_rss(c) && link_rank > 1) {
			g_autofree char *t = node_text(c);
			char *l = resolve(c, t);
			if (l) {
				g_free(doc->link);
				doc->link = l;
				link_rank = 1;
			}
		} else if (!strcmp(name, "link") && is_atom(c)) {
			int r = atom_link_rank(c);
			g_autofree char *href = (char *)xmlGetProp(c, (const xmlChar *)"href");
			if (r >= 0 && r < link_rank) {
				char *l = resolve(c, href);
				if (l) {
					g_free(doc->link);
					doc->link = l;
					link_rank = r;
				}
			}
		} else if (!strcmp(name, "ttl") && is_rss(c)) {
			g_autofree char *t = node_text(c);
			gint64 v = g_ascii_strtoll(g_strstrip(t), NULL, 10);
			if (v > 0 && v <= 525600)
				ttl = v * 60;
		} else if (in_ns(c, NS_SY) && !strcmp(name, "updatePeriod")) {
			g_autofree char *t = node_text(c);
			period = sy_period(g_strstrip(t));
		} else if (in_ns(c, NS_SY) && !strcmp(name, "updateFrequency")) {
			g_autofree char *t = node_text(c);
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

/* Adds the item elements that are children of el. */
static void collect_items(struct fw_feed_doc *doc, xmlNodePtr el, gboolean atom)
{
	for (xmlNodePtr c = el->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || doc->items->len >= FW_FEED_MAX_ITEMS)
			continue;
		gboolean is_item = atom ? is_atom(c) && !strcmp((const char *)c->name, "entry")
		                        : is_rss(c) && !strcmp((const char *)c->name, "item");
		if (is_item) {
			struct fw_item *it = make_item(c, atom);
			if (it)
				g_ptr_array_add(doc->items, it);
		}
	}
}

/* Fills doc from a parsed feed tree. */
static void read_tree(struct fw_feed_doc *doc, xmlNodePtr root, enum dialect d)
{
	if (d == D_ATOM) {
		channel_fields(doc, root);
		collect_items(doc, root, TRUE);
		return;
	}
	for (xmlNodePtr c = root->children; c; c = c->next) {
		if (c->type == XML_ELEMENT_NODE && is_rss(c) && !strcmp((const char *)c->name, "channel")) {
			channel_fields(doc, c);
			collect_items(doc, c, FALSE);
		}
	}
	collect_items(doc, root, FALSE);   /* RSS 1.0 items are siblings of channel */
}

/* Whether a container child named name is one channel_fields reads. */
static gboolean channel_field_name(const char *name)
{
	return !strcmp(name, "title") || !strcmp(name, "link") || !strcmp(name, "ttl") ||
	       !strcmp(name, "updatePeriod") || !strcmp(name, "updateFrequency");
}

/* Called as each element ends during the parse: an item or entry that is a
 * child of the item container (the channel, or the root) becomes an item of
 * doc, and every finished container child that read_tree would not read is
 * freed at once. What is left (the channel fields, an item cut off by the end
 * of a broken document) is read by read_tree after the parse. Returns whether
 * cur was freed. */
static gboolean stream_element(struct fw_feed_doc *doc, xmlNodePtr cur)
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
	enum dialect d = dialect_of(root);
	const char *name = (const char *)cur->name;
	gboolean item = FALSE, keep = FALSE;

	if (d == D_NONE) {
		keep = in_channel;   /* only the root's name matters */
	} else if (d == D_ATOM) {
		if (in_channel)
			return FALSE;
		item = is_atom(cur) && !strcmp(name, "entry");
		keep = !item && channel_field_name(name);
	} else if (in_channel) {
		if (!is_rss(parent) || strcmp((const char *)parent->name, "channel") != 0)
			return FALSE;
		item = is_rss(cur) && !strcmp(name, "item");
		keep = !item && channel_field_name(name);
	} else {
		item = is_rss(cur) && !strcmp(name, "item");
		keep = !item && is_rss(cur) && !strcmp(name, "channel");
	}
	if (keep)
		return FALSE;
	if (item && doc->items->len < FW_FEED_MAX_ITEMS) {
		struct fw_item *it = make_item(cur, d == D_ATOM);
		if (it)
			g_ptr_array_add(doc->items, it);
	}
	xmlUnlinkNode(cur);
	xmlFreeNode(cur);
	return TRUE;
}

/* Finds a feed link (<link rel=alternate type=rss/atom>) in an HTML page. */
static char *html_feed_link(const char *buf, gsize len, const char *base_url)
{
	htmlDocPtr h;
	char *found = NULL;
	GQueue q = G_QUEUE_INIT;
	guint seen = 0;

	if (len > G_MAXINT)
		return NULL;
	h = htmlReadMemory(buf, (int)len, base_url, "UTF-8",
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
		if (abs && http_url_ok((const char *)abs))
			found = url_dup((const char *)abs);
		xmlFree(abs);
	}
	g_queue_clear(&q);
	xmlFreeDoc(h);
	return found;
}

/* Whether the text looks like an HTML page. */
static gboolean looks_html(const char *s, gsize len)
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
static void not_feed_html(const char *buf, gsize len, const char *base_url, GError **error)
{
	g_autofree char *l = html_feed_link(buf, len, base_url);
	if (l)
		g_set_error(error, FW_FEED_ERROR, FW_FEED_ERROR_NOT_FEED,
		            "not a feed: text/html (it links to a feed: %s)", l);
	else
		g_set_error(error, FW_FEED_ERROR, FW_FEED_ERROR_NOT_FEED, "not a feed: text/html");
}

/* ------------------------------------------------------------------ */
/* JSON Feed 1.0 / 1.1                                                 */

#define FW_FEED_MAX_JSON_DEPTH 64

/* Whether the JSON text nests arrays/objects at most max deep (json-glib
 * recurses without a limit). */
static gboolean json_depth_ok(const char *s, gsize len, int max)
{
	int depth = 0;
	gboolean in_str = FALSE;

	for (gsize i = 0; i < len; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = FALSE;
		} else if (c == '"') {
			in_str = TRUE;
		} else if (c == '{' || c == '[') {
			if (++depth > max)
				return FALSE;
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	return TRUE;
}

/* String member of o (or NULL if absent or not a string). */
static const char *jstr(JsonObject *o, const char *name)
{
	JsonNode *n = o ? json_object_get_member(o, name) : NULL;
	if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING)
		return NULL;
	return json_node_get_string(n);
}

/* Object member of o, or NULL. */
static JsonObject *jobj(JsonObject *o, const char *name)
{
	JsonNode *n = o ? json_object_get_member(o, name) : NULL;
	return n && JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
}

/* Array member of o, or NULL. */
static JsonArray *jarr(JsonObject *o, const char *name)
{
	JsonNode *n = o ? json_object_get_member(o, name) : NULL;
	return n && JSON_NODE_HOLDS_ARRAY(n) ? json_node_get_array(n) : NULL;
}

/* Resolves a JSON Feed URL against base; http(s) only. */
static char *json_link(const char *href, const char *base)
{
	if (!href || strlen(href) > FW_FEED_MAX_LINK)
		return NULL;
	g_autofree char *h = escape_iri(g_strstrip(g_strdup(href)));
	if (!*h)
		return NULL;
	xmlChar *abs = xmlBuildURI((const xmlChar *)h, (const xmlChar *)base);
	char *out = abs && http_url_ok((const char *)abs) ? url_dup((const char *)abs) : NULL;
	xmlFree(abs);
	return out;
}

/* Plain text of a JSON string member (HTML or text), cut to max; NULL if empty. */
static char *json_text(JsonObject *o, const char *name, gboolean html, gsize max)
{
	const char *v = jstr(o, name);
	if (!v)
		return NULL;
	return nonempty(cap(html ? fw_html_to_text(v, -1) : fw_html_clean(v, -1), max));
}

/* Builds one item from a JSON Feed item object; NULL if it is empty. */
static struct fw_item *json_item(JsonObject *o, const char *base)
{
	struct fw_item *it = g_new0(struct fw_item, 1);
	JsonNode *idn = json_object_get_member(o, "id");
	char *id = NULL;

	it->title = json_text(o, "title", FALSE, FW_FEED_MAX_TITLE);
	it->link = json_link(jstr(o, "url"), base);
	if (!it->link)
		it->link = json_link(jstr(o, "external_url"), base);
	it->content = json_text(o, "content_html", TRUE, FW_FEED_MAX_TEXT);
	if (!it->content)
		it->content = json_text(o, "content_text", FALSE, FW_FEED_MAX_TEXT);
	it->summary = json_text(o, "summary", FALSE, FW_FEED_MAX_TEXT);
	it->published = fw_feed_parse_date(jstr(o, "date_published"));
	it->updated = fw_feed_parse_date(jstr(o, "date_modified"));
	if (it->published == FW_TIME_NONE)
		it->published = it->updated;
	it->categories = g_ptr_array_new_with_free_func(g_free);

	JsonArray *authors = jarr(o, "authors");
	GString *a = g_string_new(NULL);
	guint na = authors ? MIN(json_array_get_length(authors), 16) : 0;
	for (guint i = 0; i < na + 1; i++) {
		JsonObject *ao = i < na ? (JSON_NODE_HOLDS_OBJECT(json_array_get_element(authors, i))
		                           ? json_array_get_object_element(authors, i) : NULL)
		                        : (na ? NULL : jobj(o, "author"));
		g_autofree char *name = json_text(ao, "name", FALSE, FW_FEED_MAX_SHORT);
		if (name && !strstr(a->str, name))
			g_string_append_printf(a, "%s%s", a->len ? ", " : "", name);
	}
	it->author = nonempty(cap(g_string_free(a, FALSE), FW_FEED_MAX_SHORT));

	JsonArray *tags = jarr(o, "tags");
	guint nt = tags ? json_array_get_length(tags) : 0;
	for (guint i = 0; i < nt && it->categories->len < FW_FEED_MAX_CATS; i++) {
		JsonNode *t = json_array_get_element(tags, i);
		if (!JSON_NODE_HOLDS_VALUE(t) || json_node_get_value_type(t) != G_TYPE_STRING)
			continue;
		char *c = nonempty(cap(fw_html_clean(json_node_get_string(t), -1), FW_FEED_MAX_SHORT));
		gboolean dup = FALSE;
		for (guint j = 0; c && j < it->categories->len; j++)
			dup = dup || strcmp(c, g_ptr_array_index(it->categories, j)) == 0;
		if (c && !dup)
			g_ptr_array_add(it->categories, c);
		else
			g_free(c);
	}

	if (idn && JSON_NODE_HOLDS_VALUE(idn)) {
		if (json_node_get_value_type(idn) == G_TYPE_STRING)
			id = nonempty(g_strstrip(fw_html_valid_utf8(json_node_get_string(idn), -1)));
		else if (json_node_get_value_type(idn) == G_TYPE_INT64)
			id = g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(idn));
	}
	if (id)
		id = bounded_id(id);
	if (!id && it->link)
		id = bounded_id(g_strdup(it->link));
	if (!id) {
		if (!it->title && !it->content && !it->summary) {
			fw_item_free(it);
			return NULL;
		}
		g_autofree char *all = g_strconcat(jstr(o, "title") ? jstr(o, "title") : "", "\n\n",
		                                   jstr(o, "content_html") ? jstr(o, "content_html") :
		                                   jstr(o, "content_text") ? jstr(o, "content_text") : "",
		                                   NULL);
		g_autofree char *h = g_compute_checksum_for_string(G_CHECKSUM_SHA1, all, -1);
		id = g_strconcat("sha1:", h, NULL);
	}
	it->id = id;
	return it;
}

/* Parses a JSON Feed (text is valid UTF-8). */
static struct fw_feed_doc *json_feed_parse(const char *text, gsize len, const char *base_url,
                                           GError **error)
{
	g_autoptr(JsonParser) parser = NULL;
	g_autoptr(GError) e = NULL;
	JsonNode *root;
	JsonObject *o;

	if (len > G_MAXSSIZE || !json_depth_ok(text, len, FW_FEED_MAX_JSON_DEPTH)) {
		g_set_error(error, FW_FEED_ERROR, FW_FEED_ERROR_HOSTILE, "JSON nested too deeply");
		return NULL;
	}
	parser = json_parser_new_immutable();
	if (!json_parser_load_from_data(parser, text, (gssize)len, &e)) {
		g_set_error(error, FW_FEED_ERROR, FW_FEED_ERROR_NOT_XML, "not JSON: %s", e->message);
		return NULL;
	}
	root = json_parser_get_root(parser);
	o = root && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : NULL;
	const char *version = jstr(o, "version");
	if (!version || !strstr(version, "jsonfeed.org/version/")) {
		g_set_error(error, FW_FEED_ERROR, FW_FEED_ERROR_NOT_FEED,
		            "not a feed: JSON without a JSON Feed version");
		return NULL;
	}
	struct fw_feed_doc *doc = g_new0(struct fw_feed_doc, 1);
	doc->items = g_ptr_array_new_with_free_func((GDestroyNotify)fw_item_free);
	doc->title = json_text(o, "title", FALSE, FW_FEED_MAX_TITLE);
	doc->link = json_link(jstr(o, "home_page_url"), base_url);
	JsonArray *items = jarr(o, "items");
	guint n = items ? json_array_get_length(items) : 0;
	for (guint i = 0; i < n && doc->items->len < FW_FEED_MAX_ITEMS; i++) {
		JsonNode *in = json_array_get_element(items, i);
		if (!JSON_NODE_HOLDS_OBJECT(in))
			continue;
		struct fw_item *it = json_item(json_node_get_object(in), base_url);
		if (it)
			g_ptr_array_add(doc->items, it);
	}
	return doc;
}

/* Whether the text starts (after spaces) with '{': a JSON document. */
static gboolean looks_json(const char *s, gsize len)
{
	gsize i = 0;
	while (i < len && g_ascii_isspace(s[i]))
		i++;
	return i < len && s[i] == '{';
}

struct fw_feed_doc *fw_feed_parse(const char *data, gsize len, const char *base_url,
                                  const char *content_type, GError **error)
{
	struct text text;
	struct parse_err strict_err, rec_err;
	xmlDocPtr xdoc;
	gboolean degraded = FALSE, hostile;
	struct fw_feed_doc *doc = NULL;

	g_return_val_if_fail(data != NULL || len == 0, NULL);
	xml_init_once();
	if (len > FW_FEED_MAX_DOC) {
		g_set_error(error, FW_FEED_ERROR, FW_FEED_ERROR_HOSTILE,
		            "feed too large (%" G_GSIZE_FORMAT " bytes)", len);
		return NULL;
	}
	if (!to_utf8(&text, data ? data : "", len, content_type, error))
		return NULL;
	if (looks_json(text.str, text.len)) {
		doc = json_feed_parse(text.str, text.len, base_url, error);
		goto out;
	}

	doc = g_new0(struct fw_feed_doc, 1);
	doc->items = g_ptr_array_new_with_free_func((GDestroyNotify)fw_item_free);
	xdoc = xml_parse(text.str, text.len, base_url, FALSE, &strict_err, doc, &hostile);
	if (!xdoc && !hostile) {
		g_ptr_array_set_size(doc->items, 0);
		xdoc = xml_parse(text.str, text.len, base_url, TRUE, &rec_err, doc, &hostile);
		degraded = TRUE;
	}
	if (hostile) {
		g_set_error(error, FW_FEED_ERROR, FW_FEED_ERROR_HOSTILE, "feed declares entities");
		goto fail;
	}
	if (degraded && strict_err.code == XML_ERR_INTERNAL_ERROR &&
	    g_str_has_prefix(strict_err.msg, "Excessive depth")) {
		g_set_error(error, FW_FEED_ERROR, FW_FEED_ERROR_HOSTILE,
		            "feed nested too deeply (%d:%d)", strict_err.line, strict_err.col);
		goto fail;
	}
	xmlNodePtr root = xdoc ? xmlDocGetRootElement(xdoc) : NULL;
	enum dialect d = dialect_of(root);
	if (d == D_NONE) {
		gboolean html = root ? g_ascii_strcasecmp((const char *)root->name, "html") == 0
		                     : looks_html(text.str, text.len);
		if (html)
			not_feed_html(text.str, text.len, base_url, error);
		else if (root)
			g_set_error(error, FW_FEED_ERROR, FW_FEED_ERROR_NOT_FEED,
			            "not a feed: XML document with root element <%s>", root->name);
		else
			g_set_error(error, FW_FEED_ERROR, FW_FEED_ERROR_NOT_XML, "not XML: %d:%d: %s",
			            strict_err.line, strict_err.col, strict_err.msg);
		goto fail;
	}
	if (xdoc->intSubset && xdoc->intSubset->entities) {
		g_set_error(error, FW_FEED_ERROR, FW_FEED_ERROR_HOSTILE, "feed declares entities");
		goto fail;
	}
	if (degraded) {
		doc->degraded = TRUE;
		doc->warning = g_strdup_printf("XML error at %d:%d: %s (read in recover mode)",
		                               strict_err.line, strict_err.col, strict_err.msg);
	}
	read_tree(doc, root, d);
	xmlFreeDoc(xdoc);
	goto out;
fail:
	xmlFreeDoc(xdoc);
	fw_feed_doc_free(doc);
	doc = NULL;
out:
	g_free(text.owned);
	return doc;
}

void fw_item_free(struct fw_item *item)
{
	if (!item)
		return;
	g_free(item->id);
	g_free(item->title);
	g_free(item->link);
	g_free(item->author);
	if (item->categories)
		g_ptr_array_free(item->categories, TRUE);
	g_free(item->summary);
	g_free(item->content);
	g_free(item);
}

void fw_feed_doc_free(struct fw_feed_doc *doc)
{
	if (!doc)
		return;
	g_free(doc->title);
	g_free(doc->link);
	if (doc->items)
		g_ptr_array_free(doc->items, TRUE);
	g_free(doc->warning);
	g_free(doc);
}

/* ------------------------------------------------------------------ */
/* Dates                                                               */

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant). */
static gint64 days_from_civil(gint64 y, int m, int d)
{
	y -= m <= 2;
	gint64 era = (y >= 0 ? y : y - 399) / 400;
	gint64 yoe = y - era * 400;
	gint64 doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	gint64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Days in month m of year y. */
static int month_days(int y, int m)
{
	static const int md[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return md[m - 1];
}

/* Unix seconds of a broken-down UTC time minus offset (seconds east), or
 * FW_TIME_NONE if a field is out of range. */
static gint64 make_time(int y, int mo, int d, int h, int mi, int s, int off)
{
	if (y < 1000 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo))
		return FW_TIME_NONE;
	if (h < 0 || mi < 0 || mi > 59 || s < 0 || s > 60)
		return FW_TIME_NONE;
	if (h > 24 || (h == 24 && (mi || s)))
		return FW_TIME_NONE;
	if (s == 60)
		s = 59;   /* a leap second */
	return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - off;
}

/* Reads up to max digits at *p; returns the value or -1 if there are none.
 * *n gets the number of digits. */
static int digits(const char **p, int max, int *n)
{
	int v = 0, k = 0;
	while (k < max && g_ascii_isdigit(**p)) {
		v = v * 10 + (**p - '0');
		(*p)++;
		k++;
	}
	if (n)
		*n = k;
	return k ? v : -1;
}

/* Skips spaces (and commas with commas). */
static void skip_ws(const char **p, gboolean commas)
{
	while (**p == ' ' || **p == '\t' || **p == '\r' || **p == '\n' || (commas && **p == ','))
		(*p)++;
}

/* Reads a numeric zone "+hhmm", "+hh:mm", "+hh" at p into *off (seconds
 * east); returns FALSE if there is none. */
static gboolean numeric_zone(const char **p, int *off)
{
	const char *q = *p;
	int sign, h, m = 0, n;

	if (*q != '+' && *q != '-')
		return FALSE;
	sign = *q == '-' ? -1 : 1;
	q++;
	h = digits(&q, 4, &n);
	if (h < 0)
		return FALSE;
	if (n == 4) {
		m = h % 100;
		h /= 100;
	} else if (n == 3) {
		m = h % 100;
		h /= 100;
	} else if (*q == ':') {
		q++;
		m = digits(&q, 2, &n);
		if (m < 0)
			return FALSE;
	}
	if (h > 23 || m > 59)
		return FALSE;
	*off = sign * (h * 3600 + m * 60);
	*p = q;
	return TRUE;
}

/* Reads a named zone (UT, GMT, EST..., military letters; unknown names are
 * UTC) at p; returns FALSE if there is no word there. */
static gboolean named_zone(const char **p, int *off)
{
	static const struct { const char *name; int hours; } zones[] = {
		{ "UT", 0 }, { "UTC", 0 }, { "GMT", 0 }, { "Z", 0 }, { "WET", 0 },
		{ "EST", -5 }, { "EDT", -4 }, { "CST", -6 }, { "CDT", -5 },
		{ "MST", -7 }, { "MDT", -6 }, { "PST", -8 }, { "PDT", -7 },
		{ "AST", -4 }, { "ADT", -3 }, { "AKST", -9 }, { "AKDT", -8 },
		{ "HST", -10 }, { "NST", -3 }, { "BST", 1 }, { "CET", 1 }, { "CEST", 2 },
		{ "MET", 1 }, { "MEST", 2 }, { "WEST", 1 }, { "EET", 2 }, { "EEST", 3 },
		{ "MSK", 3 }, { "JST", 9 }, { "KST", 9 }, { "HKT", 8 }, { "SGT", 8 },
		{ "AWST", 8 }, { "AEST", 10 }, { "AEDT", 11 }, { "ACST", 9 },
		{ "NZST", 12 }, { "NZDT", 13 }, { "IST", 5 }, { "ART", -3 }, { "BRT", -3 },
	};
	const char *q = *p;
	char name[8];
	gsize n = 0;

	while (g_ascii_isalpha(q[n]) && n < sizeof name - 1) {
		name[n] = g_ascii_toupper(q[n]);
		n++;
	}
	if (n == 0 || g_ascii_isalpha(q[n]))
		return FALSE;
	name[n] = '\0';
	*p = q + n;
	*off = 0;
	if (n == 1 && name[0] != 'J') {
		/* RFC 822 military zones, as written there (A = -1 ... Z = 0) */
		char c = name[0];
		if (c == 'Z')
			*off = 0;
		else if (c >= 'A' && c <= 'I')
			*off = -(c - 'A' + 1) * 3600;
		else if (c >= 'K' && c <= 'M')
			*off = -(c - 'K' + 10) * 3600;
		else
			*off = (c - 'N' + 1) * 3600;
		return TRUE;
	}
	for (gsize i = 0; i < G_N_ELEMENTS(zones); i++) {
		if (strcmp(zones[i].name, name) == 0) {
			*off = zones[i].hours * 3600;
			if (!strcmp(name, "IST") || !strcmp(name, "NST"))
				*off += strcmp(name, "IST") == 0 ? 1800 : -1800;
			return TRUE;
		}
	}
	return TRUE;   /* unknown zone names count as UTC */
}

/* Month number of an English month name (3 letters or longer), or 0. */
static int month_of(const char **p)
{
	static const char *const names[] = { "january", "february", "march", "april", "may", "june",
		"july", "august", "september", "october", "november", "december" };
	const char *q = *p;
	char w[12];
	gsize n = 0;

	while (g_ascii_isalpha(q[n]) && n < sizeof w - 1) {
		w[n] = g_ascii_tolower(q[n]);
		n++;
	}
	if (n < 3 || g_ascii_isalpha(q[n]))
		return 0;
	w[n] = '\0';
	for (int m = 0; m < 12; m++) {
		if (strncmp(names[m], w, 3) != 0)
			continue;
		if (n == 3 || strcmp(names[m], w) == 0 || (m == 8 && strcmp(w, "sept") == 0)) {
			*p = q + n;
			if (*q && **p == '.')
				(*p)++;
			return m + 1;
		}
	}
	return 0;
}

/* Reads "hh:mm[:ss[.frac]]" at p. */
static gboolean clock_time(const char **p, int *h, int *mi, int *s)
{
	const char *q = *p;
	int n;
	*h = digits(&q, 2, &n);
	if (*h < 0 || *q != ':')
		return FALSE;
	q++;
	*mi = digits(&q, 2, &n);
	if (*mi < 0 || n != 2)
		return FALSE;
	*s = 0;
	if (*q == ':') {
		q++;
		*s = digits(&q, 2, &n);
		if (*s < 0 || n != 2)
			return FALSE;
		if (*q == '.' || *q == ',') {
			q++;
			if (!g_ascii_isdigit(*q))
				return FALSE;
			while (g_ascii_isdigit(*q))
				q++;
		}
	}
	*p = q;
	return TRUE;
}

/* Reads an optional zone after a time: numeric, named, or named+numeric. */
static gboolean zone_of(const char **p, int *off)
{
	const char *q = *p;
	*off = 0;
	skip_ws(&q, FALSE);
	if (numeric_zone(&q, off)) {
		*p = q;
		return TRUE;
	}
	if (named_zone(&q, off)) {
		int extra;
		if (numeric_zone(&q, &extra))
			*off = extra;   /* "GMT+0100" */
		*p = q;
		return TRUE;
	}
	return TRUE;
}

/* Whether only spaces and a parenthesised comment remain at p. */
static gboolean at_end(const char *p)
{
	skip_ws(&p, FALSE);
	if (*p == '(') {
		const char *e = strchr(p, ')');
		if (!e)
			return FALSE;
		p = e + 1;
		skip_ws(&p, FALSE);
	}
	return *p == '\0';
}

/* Two-digit and three-digit years as RFC 2822 reads them. */
static int full_year(int y, int ndigits)
{
	if (ndigits == 2)
		return y < 50 ? 2000 + y : 1900 + y;
	if (ndigits == 3)
		return 1900 + y;
	return y;
}

/* RFC 822 / 2822 / 850 and asctime forms. */
static gint64 parse_rfc822(const char *p)
{
	int d, mo, y, h = 0, mi = 0, s = 0, off = 0, n;

	skip_ws(&p, FALSE);
	/* optional weekday ("Tue," "Tuesday," "Tue") */
	if (g_ascii_isalpha(*p) && !month_of(&(const char *){ p })) {
		while (g_ascii_isalpha(*p))
			p++;
		if (*p == '.')
			p++;
		skip_ws(&p, TRUE);
	}
	if (g_ascii_isdigit(*p)) {
		d = digits(&p, 2, NULL);
		skip_ws(&p, FALSE);
		if (*p == '-' || *p == '/')
			p++;
		skip_ws(&p, FALSE);
		mo = month_of(&p);
		if (!mo)
			return FW_TIME_NONE;
		skip_ws(&p, FALSE);
		if (*p == '-' || *p == '/')
			p++;
		skip_ws(&p, TRUE);
		y = digits(&p, 4, &n);
		if (y < 0 || n == 1 || g_ascii_isdigit(*p))
			return FW_TIME_NONE;
		y = full_year(y, n);
		skip_ws(&p, TRUE);
		if (g_ascii_isdigit(*p)) {
			if (!clock_time(&p, &h, &mi, &s))
				return FW_TIME_NONE;
			if (!zone_of(&p, &off))
				return FW_TIME_NONE;
		}
	} else {
		/* asctime "Nov 26 05:05:00 2024" or "Nov 26, 2024 05:05:00 +0000" */
		mo = month_of(&p);
		if (!mo)
			return FW_TIME_NONE;
		skip_ws(&p, FALSE);
		d = digits(&p, 2, NULL);
		if (d < 0)
			return FW_TIME_NONE;
		skip_ws(&p, TRUE);
		const char *q = p;
		int y4 = digits(&q, 4, &n);
		if (y4 >= 0 && n == 4 && *q != ':') {
			y = y4;
			p = q;
			skip_ws(&p, TRUE);
			if (g_ascii_isdigit(*p) && (!clock_time(&p, &h, &mi, &s) || !zone_of(&p, &off)))
				return FW_TIME_NONE;
		} else {
			if (!clock_time(&p, &h, &mi, &s))
				return FW_TIME_NONE;
			zone_of(&p, &off);
			skip_ws(&p, FALSE);
			y = digits(&p, 4, &n);
			if (y < 0 || n != 4)
				return FW_TIME_NONE;
		}
	}
	if (!at_end(p))
		return FW_TIME_NONE;
	return make_time(y, mo, d, h, mi, s, off);
}

/* ISO 8601 / RFC 3339 / W3C-DTF, extended or basic ("20241126T050500Z"). */
static gint64 parse_iso(const char *p)
{
	int y, mo = 1, d = 1, h = 0, mi = 0, s = 0, off = 0, n;
	gboolean basic;

	skip_ws(&p, FALSE);
	y = digits(&p, 4, &n);
	if (n != 4)
		return FW_TIME_NONE;
	basic = g_ascii_isdigit(*p);
	if (basic) {
		mo = digits(&p, 2, &n);
		if (n != 2)
			return FW_TIME_NONE;
		d = digits(&p, 2, &n);
		if (n != 2)
			return FW_TIME_NONE;
	} else if (*p == '-') {
		p++;
		mo = digits(&p, 2, &n);
		if (n != 2)
			return FW_TIME_NONE;
		if (*p == '-') {
			p++;
			d = digits(&p, 2, &n);
			if (n != 2)
				return FW_TIME_NONE;
		}
	}
	if (*p == 'T' || *p == 't' || (*p == ' ' && g_ascii_isdigit(p[1]))) {
		p++;
		if (basic) {
			h = digits(&p, 2, &n);
			if (n != 2)
				return FW_TIME_NONE;
			mi = digits(&p, 2, &n);
			if (n != 2)
				return FW_TIME_NONE;
			if (g_ascii_isdigit(*p)) {
				s = digits(&p, 2, &n);
				if (n != 2)
					return FW_TIME_NONE;
			}
			if (*p == '.' || *p == ',') {
				p++;
				while (g_ascii_isdigit(*p))
					p++;
			}
		} else if (!clock_time(&p, &h, &mi, &s)) {
			return FW_TIME_NONE;
		}
		skip_ws(&p, FALSE);
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			if (!numeric_zone(&p, &off))
				return FW_TIME_NONE;
		} else if (g_ascii_isalpha(*p)) {
			if (!named_zone(&p, &off))
				return FW_TIME_NONE;
		}
	}
	if (!at_end(p))
		return FW_TIME_NONE;
	return make_time(y, mo, d, h, mi, s, off);
}

gint64 fw_feed_parse_date(const char *s)
{
	const char *p = s;
	int n;

	if (!s)
		return FW_TIME_NONE;
	skip_ws(&p, FALSE);
	if (!*p || strlen(p) > 200)
		return FW_TIME_NONE;
	const char *q = p;
	digits(&q, 8, &n);
	if (n == 4 || n == 8)
		return parse_iso(p);
	return parse_rfc822(p);
}
