/* feed-prep — the byte pass before libxml2 (feed_prep_xml). It expands the
 * plain text entities a DOCTYPE's internal subset declares itself and
 * refuses any other entity declaration (external, parameter, recursive,
 * too large, or used so much it amplifies), turns undeclared HTML entities
 * into character references (so libxml2 sees no entity at all: no
 * getEntity hook, no entity nodes), escapes stray '&' and '<', replaces
 * control characters and cuts runs libxml2 would give up on, gives a root
 * <feed> without any namespace Atom 1.0's (prep_root), feeding libxml2's
 * push parser in chunks as it goes. */
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <libxml/parser.h>

#include "feedwatch/html.h"
#include "feed-int.h"

#define FW_FEED_CHUNK (256 * 1024)   /* the byte pass feeds libxml2 this much at a time */
#define FW_FEED_MAX_ENTITY 4096        /* bytes of one declared entity's value */
#define FW_FEED_MAX_ENTITIES 64        /* entities a document may declare */

/* The byte pass over a document, feeding libxml2's push parser as it goes:
 * the text not yet fed is out (fixed text, if any) then [copied, p). */
struct prep {
	const char *copied;      /* source bytes before this are in out or fed */
	GString *out;            /* fixed text not fed yet; NULL until the first fix */
	xmlParserCtxtPtr ctxt;   /* the parser fed, or NULL */
	gboolean stop;           /* the parser gave up or the guard stopped it */
	struct feed_guard *guard;
	gboolean hostile;        /* an entity declaration or use refused */
	GHashTable *ents;        /* declared entity name -> its text, escaped; or NULL */
	gsize ent_budget;        /* bytes expansions may still add */
	gboolean root_seen;      /* the first start tag (the root's) was seen */
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
	if (pp->guard && feed_guard_stop(pp->guard))
		pp->stop = TRUE;
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
			v = fw_html_cp1252((guchar)v);
		if (!xml_char_ok(v))
			v = 0xFFFD;
		if (semi && q - p < 12 && p[2] != 'X' &&
		    v == strtoull(hex ? p + 3 : p + 2, NULL, hex ? 16 : 10))
			return q + 1;   /* fine as it is ("&#X41;" is not XML: rewritten) */
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
		if (pp->ents) {
			g_autofree char *key = g_strndup(n, nlen);
			const char *v = g_hash_table_lookup(pp->ents, key);
			if (v) {
				gsize vlen = strlen(v);
				if (vlen > pp->ent_budget) {
					pp->hostile = TRUE;   /* amplifies */
					return end;
				}
				pp->ent_budget -= vlen;
				prep_fix(pp, p, v, q + 1);
				return q + 1;
			}
		}
		gunichar c = fw_html_entity_lookup(n, nlen);
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
				g_snprintf(rep, sizeof rep, "&#%u;", fw_html_entity_lookup(n, nlen));
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

/* Whether the tag at p ('<' and a name) has more than FW_FEED_MAX_ATTRS
 * attributes: counts the words outside quotes up to its '>' (or the next
 * '<', which no attribute value may hold), where *tag_end (if not NULL) is
 * set. Each byte is read once whatever the tags (no quadratic rescans). */
gboolean feed_tag_too_wide(const char *p, const char *end, const char **tag_end)
{
	guint words = 0;
	char quote = 0;
	gboolean in_word = FALSE;

	for (p++; p < end && *p != '<'; p++) {
		char c = *p;
		if (quote) {
			if (c == quote)
				quote = 0;
		} else if (c == '"' || c == '\'') {
			quote = c;
		} else if (c == '>') {
			break;
		} else if (g_ascii_isspace(c)) {
			in_word = FALSE;
		} else if (!in_word) {
			in_word = TRUE;
			if (++words > FW_FEED_MAX_ATTRS + 1)   /* the name is a word */
				break;
		}
	}
	if (tag_end)
		*tag_end = p;
	return words > FW_FEED_MAX_ATTRS + 1;
}

/* Skips spaces in [p, end). */
static const char *skip_spaces(const char *p, const char *end)
{
	while (p < end && g_ascii_isspace(*p))
		p++;
	return p;
}

/* The text of an entity value [v, e) as the byte pass feeds it: character
 * references and the five XML entities decoded, then '&' and '<' escaped
 * (markup in a value stays text), control characters spaces. NULL if it
 * refers to another entity (recursion, amplification) or a parameter
 * entity. */
static char *entity_text(const char *v, const char *e)
{
	GString *out = g_string_sized_new(e - v + 16);
	while (v < e) {
		char c = *v;
		if (c == '%')
			goto refuse;
		if (c == '&') {
			const char *semi = memchr(v, ';', MIN(e - v, 12));
			gunichar u = 0;
			if (!semi)
				goto refuse;
			if (v[1] == '#') {
				gboolean hex = v[2] == 'x';
				char *stop;
				guint64 n = g_ascii_strtoull(v + (hex ? 3 : 2), &stop, hex ? 16 : 10);
				if (stop != semi || stop == v + (hex ? 3 : 2) || n > 0x10FFFF)
					goto refuse;
				u = (gunichar)n;
			} else {
				static const char *const pre[] = { "amp", "lt", "gt", "quot", "apos" };
				static const char chars[] = "&<>\"'";
				for (gsize i = 0; i < G_N_ELEMENTS(pre); i++)
					if ((gsize)(semi - v - 1) == strlen(pre[i]) && !memcmp(v + 1, pre[i], semi - v - 1))
						u = (guchar)chars[i];
				if (!u)
					goto refuse;   /* another entity */
			}
			if (u == '&' || u == '<')
				g_string_append_printf(out, "&#%u;", u);
			else if (u < 0x20 && u != '\t' && u != '\n' && u != '\r')
				g_string_append_c(out, ' ');
			else
				g_string_append_unichar(out, u);
			v = semi + 1;
			continue;
		}
		if (c == '<')
			g_string_append(out, "&#60;");
		else if ((guchar)c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			g_string_append_c(out, ' ');
		else
			g_string_append_c(out, c);
		v++;
	}
	return g_string_free(out, FALSE);
refuse:
	g_string_free(out, TRUE);
	return NULL;
}

/* Reads an internal subset [p, e): keeps the plain text entities it
 * declares in pp->ents. Returns FALSE if it declares anything else: an
 * external or parameter entity, a value that refers to an entity, one
 * over FW_FEED_MAX_ENTITY bytes or more than FW_FEED_MAX_ENTITIES. */
static gboolean prep_subset(struct prep *pp, const char *p, const char *e)
{
	for (;;) {
		p = skip_spaces(p, e);
		if (p >= e)
			return TRUE;
		if (e - p >= 4 && memcmp(p, "<!--", 4) == 0) {
			const char *c = find(p + 4, e, "-->");
			if (!c)
				return FALSE;
			p = c + 3;
		} else if (e - p >= 2 && memcmp(p, "<?", 2) == 0) {
			const char *c = find(p + 2, e, "?>");
			if (!c)
				return FALSE;
			p = c + 2;
		} else if (e - p >= 8 && memcmp(p, "<!ENTITY", 8) == 0) {
			const char *n = skip_spaces(p + 8, e);
			const char *ne = n;
			while (ne < e && !g_ascii_isspace(*ne) && *ne != '"' && *ne != '\'' && *ne != '>' &&
			       *ne != '%')
				ne++;
			const char *v = skip_spaces(ne, e);
			if (ne == n || ne - n > 64 || v >= e || (*v != '"' && *v != '\''))
				return FALSE;   /* a parameter entity, or SYSTEM / PUBLIC */
			const char *ve = memchr(v + 1, *v, e - v - 1);
			if (!ve || ve - v - 1 > FW_FEED_MAX_ENTITY)
				return FALSE;
			const char *gt = skip_spaces(ve + 1, e);
			if (gt >= e || *gt != '>')
				return FALSE;   /* NDATA and the like */
			char *text = entity_text(v + 1, ve);
			if (!text)
				return FALSE;
			if (!pp->ents)
				pp->ents = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
			char *name = g_strndup(n, ne - n);
			if (g_hash_table_size(pp->ents) >= FW_FEED_MAX_ENTITIES) {
				g_free(name);
				g_free(text);
				return FALSE;
			}
			if (g_hash_table_contains(pp->ents, name)) {
				g_free(name);   /* the first declaration counts */
				g_free(text);
			} else {
				g_hash_table_insert(pp->ents, name, text);
			}
			p = gt + 1;
		} else if (e - p >= 3 && memcmp(p, "<!", 2) == 0 && g_ascii_isupper(p[2])) {
			/* ELEMENT, ATTLIST, NOTATION: skipped, quotes and all */
			char quote = 0;
			for (p += 2; p < e && (quote || *p != '>'); p++)
				if (quote ? *p == quote : (*p == '"' || *p == '\''))
					quote = quote ? 0 : *p;
			if (p >= e)
				return FALSE;
			p++;
		} else {
			return FALSE;   /* a parameter entity reference, or what is this */
		}
	}
}

/* Handles a DOCTYPE at p (in a document of len bytes). An internal subset
 * that declares only plain text entities (prep_subset) is not fed, its
 * entities expanded as they are used, in all by no more bytes than the
 * document has (else it amplifies); any other entity declaration sets
 * pp->hostile. Returns where scanning resumes. */
static const char *prep_doctype(struct prep *pp, const char *p, const char *end, gsize len)
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
			const char *e = q, *close = NULL;
			while ((e = memchr(e, ']', end - e))) {
				const char *f = e + 1;
				while (f < end && g_ascii_isspace(*f))
					f++;
				if (f < end && *f == '>') {
					close = e;
					e = f + 1;
					break;
				}
				e++;
			}
			if (!e)
				e = end;
			if (g_strstr_len(q, e - q, "<!ENTITY") || g_strstr_len(q, e - q, "<!entity")) {
				if (!close || !prep_subset(pp, q + 1, close)) {
					pp->hostile = TRUE;
					return e;
				}
				pp->ent_budget = len;
			}
			/* The subset is not fed (its newlines kept for libxml2's line
			 * numbers): libxml2 sees no declaration, and would keep every
			 * one of them, processing instructions too, in memory. */
			prep_controls(pp, p, q);
			GString *nl = g_string_new(NULL);
			for (const char *c = q; c < (close ? close + 1 : e); c++)
				if (*c == '\n')
					g_string_append_c(nl, '\n');
			if (close) {
				prep_fix(pp, q, nl->str, close + 1);
				prep_controls(pp, close + 1, e);
			} else {
				g_string_append_c(nl, '>');
				prep_fix(pp, q, nl->str, e);
			}
			g_string_free(nl, TRUE);
			return e;
		}
	}
	prep_controls(pp, p, q);
	return q;
}

/* Whether the start tag [p, e) (from just after its name) may declare a
 * default namespace: "xmlns", spaces and '=' anywhere in it, quoted or
 * not (more than libxml2 could read as one, however broken the tag: the
 * root is then left as it is). Each byte is read at most twice. */
static gboolean may_declare_default_ns(const char *p, const char *e)
{
	while ((p = find(p, e, "xmlns")) != NULL) {
		const char *q = skip_spaces(p + 5, e);
		if (q < e && *q == '=')
			return TRUE;
		p += 5;
	}
	return FALSE;
}

/* The root's start tag at p, up to tag_end (as feed_tag_too_wide found it)
 * in a document ending at end. A <feed> with no namespace at all (no
 * prefix, no default namespace declared, not even xmlns="") and a '>'
 * ending its tag (one cut short by a '<' is left as it is) is Atom 1.0
 * whose generator left the namespace out, as sfeed and feedparser read it:
 * it gets xmlns="http://www.w3.org/2005/Atom" after its name, which libxml2
 * then scopes as it would the feed's own, to every unprefixed element that
 * declares no default namespace of its own, on the DOM and the streaming
 * paths alike. Any other root is left as it is. The insertion shifts the
 * columns of errors later on that line, as the pass's other fixes do.
 * Returns where scanning resumes. */
static const char *prep_root(struct prep *pp, const char *p, const char *tag_end,
                             const char *end)
{
	const char *name_end = p + 5;
	if (end - p < 6 || tag_end < name_end || tag_end == end || *tag_end != '>' ||
	    memcmp(p + 1, "feed", 4) != 0 ||
	    !(g_ascii_isspace(*name_end) || *name_end == '/' || *name_end == '>') ||
	    may_declare_default_ns(name_end, tag_end))
		return p + 1;
	prep_fix(pp, name_end, " xmlns=\"" NS_ATOM "\"", name_end);
	return name_end;
}

/* The byte pass (see the top of the file) over [s, s+len), feeding the
 * result to ctxt in chunks that end before a tag, and ending the document.
 * numeric also turns the five XML entities into character references (for
 * recover mode). FALSE, with guard->why set, if an entity declaration or use
 * is refused (prep_doctype), an element has over FW_FEED_MAX_ATTRS attributes,
 * or the guard stopped the parse (the rest is then not fed). */
gboolean feed_prep_xml(const char *s, gsize len, gboolean numeric, xmlParserCtxtPtr ctxt,
                       struct feed_guard *guard)
{
	struct prep pp = { .copied = s, .ctxt = ctxt, .guard = guard };
	const char *p = s, *end = s + len;

	while (p < end && g_ascii_isspace(*p))
		p++;
	if (p > s && p < end && *p == '<')
		pp.copied = p;   /* whitespace before the XML declaration */
	const char *mark = p;   /* the last '<' */
	while (p < end && !pp.hostile) {
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
			/* a tag: libxml2 checks its attributes for duplicates in
			 * quadratic time; a chunk may end before it */
			const char *tag_end;
			if (G_UNLIKELY(feed_tag_too_wide(p, end, &tag_end))) {
				feed_guard_refuse(guard, "feed has an element with over 512 attributes");
				break;
			}
			if ((pp.out ? pp.out->len : 0) + (gsize)(p - pp.copied) >= FW_FEED_CHUNK) {
				prep_feed(&pp, p, FALSE);
				if (pp.stop)
					break;
			}
			if (G_UNLIKELY(!pp.root_seen) && p[1] != '/') {
				pp.root_seen = TRUE;
				p = prep_root(&pp, p, tag_end, end);
				continue;
			}
			p++;
		} else if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
			mark = p = prep_skip(&pp, p, end, 4, "-->", FALSE);
		} else if (end - p >= 9 && memcmp(p, "<![CDATA[", 9) == 0) {
			mark = p = prep_skip(&pp, p, end, 9, "]]>", TRUE);
		} else if (end - p >= 2 && p[1] == '?') {
			mark = p = prep_skip(&pp, p, end, 2, "?>", FALSE);
		} else if (end - p >= 9 && g_ascii_strncasecmp(p, "<!DOCTYPE", 9) == 0) {
			mark = p = prep_doctype(&pp, p, end, len);
		} else if (end - p >= 2 && p[1] == '!') {
			p++;
		} else {
			prep_fix(&pp, p, "&#60;", p + 1);   /* "a < b" in text */
			p++;
		}
	}
	if (pp.hostile)
		feed_guard_refuse(guard, "feed declares entities");
	if (!guard->why)
		prep_feed(&pp, end, TRUE);
	if (pp.out)
		g_string_free(pp.out, TRUE);
	if (pp.ents)
		g_hash_table_destroy(pp.ents);
	return !guard->why;
}
