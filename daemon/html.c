/* html — HTML to plain text, entity decoding, making text valid UTF-8.
 *
 * A bounded single-pass scanner (no tree): it runs on every item's content,
 * and is several times faster than building a libxml2 HTML tree per item.
 * Named entities come from libxml2's HTML 4 table (htmlEntityLookup), through
 * fw_html_entity_lookup, which the feed parser's byte pass uses too. */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <libxml/HTMLparser.h>

#include "feedwatch/html.h"

/* Output: the text so far and whether whitespace is pending. For valid
 * UTF-8 input the text never outgrows the input (every construct shrinks or
 * keeps its size), so the buffer is allocated once; out_room is a guard. */
struct out {
	char *buf;
	gsize len, cap;
	gboolean space;
};

/* Makes room for n more bytes. */
static inline void out_room(struct out *o, gsize n)
{
	if (G_UNLIKELY(o->len + n + 1 > o->cap)) {
		o->cap = (o->len + n + 1) * 2;
		o->buf = g_realloc(o->buf, o->cap);
	}
}

/* Starts an output buffer for input of len bytes. */
static void out_init(struct out *o, gsize len)
{
	o->cap = len + 16;
	o->buf = g_malloc(o->cap);
	o->len = 0;
	o->space = FALSE;
}

/* Emits the pending space (if any text came before). */
static inline void out_space(struct out *o)
{
	if (o->space) {
		if (o->len > 0) {
			out_room(o, 1);
			o->buf[o->len++] = ' ';
		}
		o->space = FALSE;
	}
}

/* Elements whose content is dropped entirely. */
static const char *const raw_drop[] = { "script", "style", "template", "noembed", "noframes" };

/* Elements that separate words, by first letter: "|name|name|". Those that
 * render nothing between two letters (wbr, meta, link, span...) join them. */
static const char *const block_tags[26] = {
	['a' - 'a'] = "|address|article|aside|audio|",
	['b' - 'a'] = "|blockquote|body|br|button|",
	['c' - 'a'] = "|canvas|caption|center|col|colgroup|",
	['d' - 'a'] = "|dd|details|dialog|dir|div|dl|dt|",
	['e' - 'a'] = "|embed|",
	['f' - 'a'] = "|fieldset|figcaption|figure|footer|form|frame|frameset|",
	['h' - 'a'] = "|h1|h2|h3|h4|h5|h6|head|header|hgroup|hr|html|",
	['i' - 'a'] = "|iframe|img|input|",
	['l' - 'a'] = "|legend|li|",
	['m' - 'a'] = "|main|menu|",
	['n' - 'a'] = "|nav|",
	['o' - 'a'] = "|object|ol|optgroup|option|",
	['p' - 'a'] = "|p|pre|",
	['s' - 'a'] = "|section|select|source|summary|",
	['t' - 'a'] = "|table|tbody|td|textarea|tfoot|th|thead|title|tr|track|",
	['u' - 'a'] = "|ul|",
	['v' - 'a'] = "|video|",
};

/* Whether the lower-case tag name (n bytes, n < 16) is a block element. */
static gboolean is_block(const char *name, gsize n)
{
	char key[20];

	if (n == 0 || name[0] < 'a' || name[0] > 'z' || !block_tags[name[0] - 'a'] ||
	    memchr(name, '|', n))
		return FALSE;
	key[0] = '|';
	memcpy(key + 1, name, n);
	key[n + 1] = '|';
	key[n + 2] = '\0';
	return strstr(block_tags[name[0] - 'a'], key) != NULL;
}

/* Windows-1252 0x80-0x9F, as HTML5 also reads numeric references there; the
 * five undefined bytes become U+FFFD. */
static const guint16 cp1252_c1[32] = {
	0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
	0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

/* Whether code point c is whitespace to fold into one space. */
static gboolean is_space(gunichar c)
{
	switch (c) {
	case ' ': case '\t': case '\n': case '\r': case '\f': case '\v':
	case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
	case 0x202F: case 0x205F: case 0x3000:
		return TRUE;
	default:
		return c >= 0x2000 && c <= 0x200A;
	}
}

/* Whether code point c is dropped from text (controls, BOM, noncharacters). */
static gboolean is_dropped(gunichar c)
{
	return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0xFEFF || c == 0xFFFE
	       || c == 0xFFFF;
}

/* Appends code point c, folding whitespace and dropping controls. */
static void out_char(struct out *o, gunichar c)
{
	if (is_space(c)) {
		o->space = TRUE;
		return;
	}
	if (is_dropped(c))
		return;
	out_space(o);
	out_room(o, 6);
	o->len += g_unichar_to_utf8(c, o->buf + o->len);
}

/* Whether byte c is copied as it is in a run of text ('<' and '&' stop
 * a run when markup is on). */
static inline gboolean plain_byte(guchar c, gboolean markup)
{
	return c > ' ' && c < 0x7F && !(markup && (c == '<' || c == '&'));
}

#ifdef __SSE2__
/* How many bytes from p (of the 16 there) can join the current run as they
 * are, by plain_byte and the rule for spaces in scan_text: printable ASCII,
 * and a space only when a printable byte follows it (and not first in an
 * empty run). */
static inline gsize plain_block(const char *p, gboolean run_empty, gboolean markup)
{
	__m128i v = _mm_loadu_si128((const __m128i *)p);
	/* signed: bytes below 0x20 and from 0x80 up */
	__m128i bad = _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
	                           _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F)));
	if (markup)
		bad = _mm_or_si128(bad, _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('<')),
		                                     _mm_cmpeq_epi8(v, _mm_set1_epi8('&'))));
	guint special = (guint)_mm_movemask_epi8(bad);
	guint space = (guint)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')));
	/* a space followed by a space, a special byte or the end of the block */
	guint stop = special | (space & (((space | special) >> 1) | 0x8000));
	if (run_empty)
		stop |= space & 1;
	return stop ? (gsize)__builtin_ctz(stop) : 16;
}
#endif

/* Decodes the UTF-8 sequence at p (a byte >= 0x80) before end: returns its
 * code point and sets *n to its length, or returns -1 if it is invalid
 * (overlong, surrogate, past U+10FFFF, cut short). */
static inline gunichar utf8_char(const char *s, const char *end, gsize *n)
{
	const guchar *p = (const guchar *)s;
	gsize avail = end - s;
	guchar c = p[0], lo = 0x80, hi = 0xBF;
	gunichar u;

	if (c >= 0xC2 && c <= 0xDF) {
		*n = 2;
		u = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		*n = 3;
		u = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		*n = 4;
		u = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		return (gunichar)-1;
	}
	if (avail < *n || p[1] < lo || p[1] > hi)
		return (gunichar)-1;
	u = (u << 6) | (p[1] & 0x3F);
	for (gsize i = 2; i < *n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return (gunichar)-1;
		u = (u << 6) | (p[i] & 0x3F);
	}
	return u;
}

/* Appends text from p with whitespace folded, up to end or (with markup)
 * the next '<' or '&'; returns where it stopped. Invalid UTF-8 bytes become
 * U+FFFD one by one and NULs are dropped. */
static const char *scan_text(struct out *o, const char *p, const char *end, gboolean markup)
{
	while (p < end) {
		const char *run = p;
		/* printable ASCII, with single spaces between words */
		while (p < end) {
#ifdef __SSE2__
			if (end - p >= 16) {
				gsize k = plain_block(p, p == run, markup);
				p += k;
				if (k == 16)
					continue;
			}
#endif
			guchar c = *p;
			if (plain_byte(c, markup))
				p++;
			else if (c == ' ' && p > run && p + 1 < end && plain_byte(p[1], markup))
				p++;
			else
				break;
		}
		if (p > run) {
			out_space(o);
			out_room(o, p - run);
			memcpy(o->buf + o->len, run, p - run);
			o->len += p - run;
		}
		if (p >= end)
			break;
		guchar c = *p;
		if (c < 0x80) {
			if (markup && (c == '<' || c == '&'))
				return p;
			out_char(o, c);
			p++;
		} else {
			gsize n;
			gunichar u = utf8_char(p, end, &n);
			if (u == (gunichar)-1) {
				out_char(o, 0xFFFD);
				p++;
			} else if (is_space(u) || is_dropped(u)) {
				out_char(o, u);
				p += n;
			} else {
				out_space(o);
				out_room(o, n);
				memcpy(o->buf + o->len, p, n);
				o->len += n;
				p += n;
			}
		}
	}
	return end;
}

/* Appends text [p, end) with whitespace folded (no markup, no references). */
static void out_text(struct out *o, const char *p, const char *end)
{
	scan_text(o, p, end, FALSE);
}

gunichar fw_html_cp1252(guchar b)
{
	return b >= 0x80 && b <= 0x9F ? cp1252_c1[b - 0x80] : b;
}

/* Maps a numeric character reference value to the code point HTML uses. */
static gunichar fix_numeric(guint64 v)
{
	if (v >= 0x80 && v <= 0x9F)
		return cp1252_c1[v - 0x80];
	if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0xFFFD;
	return (gunichar)v;
}

gunichar fw_html_entity_lookup(const char *name, gsize len)
{
	char buf[16];   /* HTML 4's longest name has 8 letters */
	const htmlEntityDesc *d;

	if (len == 0 || len >= sizeof buf)
		return 0;
	memcpy(buf, name, len);
	buf[len] = '\0';
	if (len == 4 && memcmp(buf, "apos", 4) == 0)
		return '\'';
	d = htmlEntityLookup((const xmlChar *)buf);
	return d ? d->value : 0;
}

/* Length of the named entity HTML still decodes without a semicolon that
 * starts name (the common ones: "&nbspb" is U+00A0 "b"), or 0. */
static gsize legacy_nosemi(const char *name, gsize len)
{
	static const char *const names[] = { "amp", "lt", "gt", "quot", "nbsp", "copy", "reg" };
	for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
		gsize n = strlen(names[i]);
		if (n <= len && memcmp(names[i], name, n) == 0)
			return n;
	}
	return 0;
}

/* Decodes the character reference at p ('&'), up to end. Sets *c and returns
 * the bytes consumed, or 0 if there is no reference there. "&amp;" followed
 * by another reference decodes that one too (double escaping), depth-bounded.
 * With strict, the reference must end in ';'. */
static gsize decode_ref(const char *p, const char *end, gunichar *c, gboolean strict, int depth)
{
	const char *q = p + 1;

	if (q >= end)
		return 0;
	if (*q == '#') {
		guint64 v = 0;
		gboolean hex = FALSE;
		const char *d;
		q++;
		if (q < end && (*q == 'x' || *q == 'X')) {
			hex = TRUE;
			q++;
		}
		d = q;
		while (q < end && (hex ? g_ascii_isxdigit(*q) : g_ascii_isdigit(*q))) {
			if (v <= 0x10FFFF)
				v = v * (hex ? 16 : 10) + (guint64)(hex ? g_ascii_xdigit_value(*q)
				                                        : *q - '0');
			q++;
		}
		if (q == d)
			return 0;
		if (q < end && *q == ';')
			q++;
		else if (strict)
			return 0;
		*c = fix_numeric(v);
		return q - p;
	}
	const char *n = q;
	while (q < end && q - n < 12 && g_ascii_isalnum(*q))
		q++;
	gsize nlen = q - n;
	if (nlen == 0)
		return 0;
	gboolean semi = q < end && *q == ';';
	if (!semi) {
		if (strict || !(nlen = legacy_nosemi(n, nlen)))
			return 0;
		q = n + nlen;
	}
	gunichar v = fw_html_entity_lookup(n, nlen);
	if (v == 0)
		return 0;
	if (semi)
		q++;
	if (v == '&' && semi && depth < 4 && q < end) {
		/* "&amp;#8217;" and "&amp;nbsp;": the text was escaped twice. */
		gunichar inner;
		char tmp[24];
		gsize avail = MIN((gsize)(end - q), sizeof tmp - 1);
		tmp[0] = '&';
		memcpy(tmp + 1, q, avail);
		gsize k = decode_ref(tmp, tmp + 1 + avail, &inner, TRUE, depth + 1);
		if (k > 0) {
			*c = inner;
			return (q - p) + k - 1;
		}
	}
	*c = v;
	return q - p;
}

/* Appends [p, end) decoding character references. */
static void out_decoded(struct out *o, const char *p, const char *end)
{
	while (p < end) {
		const char *amp = memchr(p, '&', end - p);
		if (!amp) {
			out_text(o, p, end);
			return;
		}
		out_text(o, p, amp);
		gunichar c;
		gsize k = decode_ref(amp, end, &c, FALSE, 0);
		if (k == 0) {
			out_char(o, '&');
			p = amp + 1;
		} else {
			out_char(o, c);
			p = amp + k;
		}
	}
}

/* Finds needle (lower-case ASCII) in [p, end) ignoring case; returns NULL if absent. */
static const char *find_ci(const char *p, const char *end, const char *needle)
{
	gsize n = strlen(needle);
	while ((gsize)(end - p) >= n) {
		const char *lt = memchr(p, needle[0], end - p - n + 1);
		const char *lt2 = (needle[0] >= 'a' && needle[0] <= 'z')
		                  ? memchr(p, needle[0] - 32, end - p - n + 1) : NULL;
		if (!lt || (lt2 && lt2 < lt))
			lt = lt2;
		if (!lt)
			return NULL;
		if (g_ascii_strncasecmp(lt, needle, n) == 0)
			return lt;
		p = lt + 1;
	}
	return NULL;
}

/* Skips the attributes of a tag starting at p; returns the position after '>'
 * or end if the tag is not closed. */
static const char *skip_tag(const char *p, const char *end)
{
	while (p < end) {
		char ch = *p;
		if (ch == '>')
			return p + 1;
		if (ch == '"' || ch == '\'') {
			const char *q = memchr(p + 1, ch, end - p - 1);
			if (!q)
				return end;
			p = q + 1;
		} else {
			p++;
		}
	}
	return end;
}

/* Handles markup at p ('<'). Returns the position after it, or NULL if p
 * does not start markup (a literal '<'). */
static const char *markup(struct out *o, const char *p, const char *end)
{
	const char *q = p + 1;
	gboolean closing = FALSE;

	if (q >= end)
		return NULL;
	if (*q == '!') {
		if (end - q >= 3 && q[1] == '-' && q[2] == '-') {
			const char *e = find_ci(q + 3, end, "-->");
			return e ? e + 3 : end;
		}
		if (end - q >= 8 && memcmp(q, "![CDATA[", 8) == 0) {
			const char *s = q + 8;
			const char *e = find_ci(s, end, "]]>");
			out_text(o, s, e ? e : end);
			return e ? e + 3 : end;
		}
		const char *e = memchr(q, '>', end - q);
		return e ? e + 1 : end;
	}
	if (*q == '?') {
		const char *e = memchr(q, '>', end - q);
		return e ? e + 1 : end;
	}
	if (*q == '/') {
		closing = TRUE;
		q++;
		if (q < end && *q == '>')
			return q + 1;   /* "</>" is ignored */
	}
	if (q >= end || !g_ascii_isalpha(*q))
		return closing ? skip_tag(q, end) : NULL;

	char name[16];
	gsize n = 0;
	while (q < end && !g_ascii_isspace(*q) && *q != '/' && *q != '>') {
		if (n < sizeof name - 1)
			name[n] = g_ascii_tolower(*q);
		n++;
		q++;
	}
	if (n >= sizeof name)
		n = 0;  /* too long for any known name: inline */
	name[n] = '\0';
	q = skip_tag(q, end);

	if (!closing && n > 0 && strchr("stn", name[0])) {
		for (gsize i = 0; i < G_N_ELEMENTS(raw_drop); i++) {
			if (strcmp(name, raw_drop[i]) == 0) {
				char close[20];
				g_snprintf(close, sizeof close, "</%s", raw_drop[i]);
				const char *e = find_ci(q, end, close);
				o->space = TRUE;
				return e ? skip_tag(e, end) : end;
			}
		}
	}
	if (is_block(name, n))
		o->space = TRUE;
	return q;
}

/* Terminates the output and returns it. */
static char *out_finish(struct out *o)
{
	o->buf[o->len] = '\0';
	return o->buf;
}

char *fw_html_to_text(const char *html, gssize len)
{
	struct out o;

	if (!html)
		return g_strdup("");
	if (len < 0)
		len = strlen(html);
	const char *p = html, *end = html + len;
	out_init(&o, len);
	while (p < end) {
		const char *lt = scan_text(&o, p, end, TRUE);
		if (lt >= end)
			break;
		if (*lt == '&') {
			gunichar c;
			gsize k = decode_ref(lt, end, &c, FALSE, 0);
			if (k == 0) {
				out_char(&o, '&');
				p = lt + 1;
			} else {
				out_char(&o, c);
				p = lt + k;
			}
			continue;
		}
		const char *next = markup(&o, lt, end);
		if (!next) {
			out_char(&o, '<');
			p = lt + 1;
		} else {
			p = next;
		}
	}
	return out_finish(&o);
}

char *fw_html_clean(const char *s, gssize len)
{
	struct out o;

	if (!s)
		return g_strdup("");
	if (len < 0)
		len = strlen(s);
	out_init(&o, len);
	out_decoded(&o, s, s + len);
	return out_finish(&o);
}

/* Length of the longest prefix of [s, s+len) that is valid UTF-8 without
 * NUL bytes (RFC 3629: no overlongs, surrogates or code points past
 * U+10FFFF). ASCII runs go 8 bytes at a time. */
gsize fw_html_utf8_valid_len(const char *s, gsize len)
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
			if (!((v & 0x8080808080808080ULL) |
			      ((v - 0x0101010101010101ULL) & ~v & 0x8080808080808080ULL))) {
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

char *fw_html_valid_utf8(const char *s, gssize len)
{
	GString *out;
	const char *p, *end, *stop;

	if (!s)
		return g_strdup("");
	if (len < 0)
		len = strlen(s);
	out = g_string_sized_new(len + 1);
	p = s;
	end = s + len;
	while (p < end) {
		if (g_utf8_validate(p, end - p, &stop)) {
			g_string_append_len(out, p, end - p);
			break;
		}
		g_string_append_len(out, p, stop - p);
		if (*stop != '\0')
			g_string_append(out, "\xEF\xBF\xBD");
		p = stop + 1;
	}
	return g_string_free(out, FALSE);
}

/* TRUE for a control or bidirectional control (fw_html_safe_line). */
static gboolean safe_line_refuses(gunichar c)
{
	return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x061C || c == 0x200E ||
	       c == 0x200F || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

char *fw_html_safe_line(char *s, char with)
{
	char *w = s;

	for (const char *r = s; r && *r;) {
		gunichar c = g_utf8_get_char_validated(r, -1);
		gsize n = c < 0x110000 ? (gsize)g_utf8_skip[(guchar)*r] : 1;

		if (c >= 0x110000 || safe_line_refuses(c)) {
			*w++ = with;
		} else {
			memmove(w, r, n);
			w += n;
		}
		r += n;
	}
	if (w)
		*w = '\0';
	return s;
}
