/* feed-encoding — a feed document decoded to UTF-8 (feed_to_utf8: byte
 * order mark, XML declaration, HTTP charset, then repair), with iconv for
 * what is neither UTF-8 nor Windows-1252. */
#include <errno.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "feedwatch/html.h"
#include "feed-int.h"

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
		gunichar c = fw_html_cp1252(b);
		g_string_append_len(out, u, g_unichar_to_utf8(c, u));
	}
}

/* Sets t to s itself if it is valid UTF-8, else to a copy with every invalid
 * byte read as Windows-1252 and NULs dropped. With own (s itself), the text
 * takes s over (and frees it if a copy is made). */
static void repair_utf8(struct feed_text *t, const char *s, gsize len, char *own)
{
	gsize ok = fw_html_utf8_valid_len(s, len);
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
		ok = fw_html_utf8_valid_len(p, end - p);
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
gboolean feed_to_utf8(struct feed_text *t, const char *data, gsize len, const char *content_type,
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
	if (fw_html_utf8_valid_len(data, len) == len) {
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
/* Text encoded twice                                                  */

/* Index of the first byte >= 0x80 in [s, s+len), or len. */
static gsize first_high(const char *s, gsize len)
{
	gsize i = 0;
#ifdef __SSE2__
	for (; i + 16 <= len; i += 16) {
		guint m = (guint)_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(s + i)));
		if (m)
			return i + __builtin_ctz(m);
	}
#endif
	for (; i + 8 <= len; i += 8) {
		guint64 v;
		memcpy(&v, s + i, 8);
		if (v & HIGHS)
			break;
	}
	while (i < len && (guchar)s[i] < 0x80)
		i++;
	return i;
}

/* The characters Windows-1252 puts at 0x80-0x9F, sorted, with their bytes
 * (from fw_html_cp1252, built once). */
static struct { gunichar c; guchar b; } cp1252_rev[32];
static gsize cp1252_rev_n;

static void cp1252_rev_init(void)
{
	static gsize done = 0;
	if (!g_once_init_enter(&done))
		return;
	for (int b = 0x80; b <= 0x9F; b++) {
		gunichar c = fw_html_cp1252((guchar)b);
		if (c == 0xFFFD)
			continue;
		gsize i = cp1252_rev_n++;
		for (; i > 0 && cp1252_rev[i - 1].c > c; i--)
			cp1252_rev[i] = cp1252_rev[i - 1];
		cp1252_rev[i].c = c;
		cp1252_rev[i].b = (guchar)b;
	}
	g_once_init_leave(&done, 1);
}

/* The byte code point c is in Windows-1252, bytes 0x80-0x9F also as
 * Latin-1 reads them (U+0080-U+009F), or -1. */
static int cp1252_byte(gunichar c)
{
	if (c < 0x100)
		return (int)c;
	gsize lo = 0, hi = cp1252_rev_n;
	while (lo < hi) {
		gsize mid = (lo + hi) / 2;
		if (cp1252_rev[mid].c == c)
			return cp1252_rev[mid].b;
		if (cp1252_rev[mid].c < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Whether code point c is one text encoded twice never decodes to but
 * legitimate text does (an accented capital or "ß" followed by "…", "™",
 * "’" or "®": "heiß…" is DF 85, NKo U+07C5): controls, IPA, spacing
 * modifiers and combining marks, Hebrew points, Syriac to NKo. */
static gboolean undouble_implausible(gunichar c)
{
	return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7F && c <= 0x9F) ||
	       (c >= 0x250 && c <= 0x36F) || (c >= 0x591 && c <= 0x5C7) || (c >= 0x700 && c <= 0x7FF);
}

/* One round of undoing a double encoding: s (valid UTF-8) read back to
 * Windows-1252 / Latin-1 bytes, which must be valid UTF-8 (RFC 3629: no
 * overlongs, surrogates) holding at least one multi-byte character and
 * no implausible one. Checked first without a copy (most text fails at
 * its first non-ASCII character); returns the text the bytes are, or NULL
 * (s left alone). */
static char *undouble_once(const char *s, gsize len, gboolean *ascii)
{
	gsize start = first_high(s, len);
	if (ascii)
		*ascii = start == len;
	if (start == len)
		return NULL;
	const char *p = s + start, *end = s + len;
	int need = 0;
	guchar lo = 0x80, hi = 0xBF;
	gunichar cp = 0;
	gboolean multi = FALSE;

	while (p < end) {
		int b;
		if ((guchar)*p < 0x80) {
			b = (guchar)*p++;
		} else {
			b = cp1252_byte(g_utf8_get_char(p));
			p = g_utf8_next_char(p);
		}
		if (b < 0)
			return NULL;
		if (need == 0) {
			if (b < 0x80) {
				if (undouble_implausible((gunichar)b))
					return NULL;
				continue;
			}
			if (b >= 0xC2 && b <= 0xDF)
				need = 1, lo = 0x80, hi = 0xBF, cp = b & 0x1F;
			else if (b >= 0xE0 && b <= 0xEF)
				need = 2, lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF, cp = b & 0x0F;
			else if (b >= 0xF0 && b <= 0xF4)
				need = 3, lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF, cp = b & 0x07;
			else
				return NULL;
		} else {
			if (b < lo || b > hi)
				return NULL;
			lo = 0x80, hi = 0xBF;
			cp = (cp << 6) | (b & 0x3F);
			if (--need == 0) {
				if (undouble_implausible(cp))
					return NULL;
				multi = TRUE;
			}
		}
	}
	if (need || !multi)
		return NULL;
	char *out = g_malloc(len + 1), *o = out;
	memcpy(o, s, start);
	o += start;
	for (p = s + start; p < end;) {
		if ((guchar)*p < 0x80) {
			*o++ = *p++;
		} else {
			*o++ = (char)cp1252_byte(g_utf8_get_char(p));
			p = g_utf8_next_char(p);
		}
	}
	*o = '\0';
	return out;
}

/* Repairs text that was UTF-8 encoded twice (UTF-8 read as Latin-1 or
 * Windows-1252 and encoded again: "KÃ¶lner" for "Kölner"), the way ftfy
 * does: only when the whole of s reads back to bytes that decode cleanly
 * as UTF-8 (undouble_once), again while that holds (text encoded three
 * times), at most three rounds. s is valid UTF-8. Returns the repaired
 * text, or NULL if s is left as it is (most text: ASCII, or a character
 * that pairs with nothing stops the check at once); *ascii (if given) says
 * whether s is all ASCII. len < 0: s is NUL-terminated. */
char *feed_undouble_utf8(const char *s, gssize len, gboolean *ascii)
{
	char *cur = NULL;
	cp1252_rev_init();
	for (int round = 0; round < 3; round++) {
		gsize n = cur ? strlen(cur) : len < 0 ? strlen(s) : (gsize)len;
		char *next = undouble_once(cur ? cur : s, n, round == 0 ? ascii : NULL);
		if (!next)
			break;
		g_free(cur);
		cur = next;
	}
	return cur;
}
