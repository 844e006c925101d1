/* Unit tests for html.c: HTML to text, cleaning, UTF-8 repair, as data tables. */
#include <string.h>

#include "feedwatch/html.h"

struct html_row {
	const char *in;
	const char *out;
};

static const struct html_row text_rows[] = {
	{ "", "" },
	{ "plain", "plain" },
	{ "  padded  \n", "padded" },
	{ "<p>One</p><p>Two</p>", "One Two" },
	{ "Mi<b>lei</b>", "Milei" },
	{ "Mi<i>l</i><em>e</em><span>i</span>", "Milei" },
	{ "Mi<a href=\"x\">lei</a>", "Milei" },
	{ "one<br>two", "one two" },
	{ "one<br/>two<BR />three", "one two three" },
	{ "a<div>b</div>c", "a b c" },
	{ "<ul><li>x</li><li>y</li></ul>", "x y" },
	{ "<ol><li>x<li>y</ol>", "x y" },
	{ "<h1>T</h1>body", "T body" },
	{ "<h6>T</h6>body", "T body" },
	{ "<table><tr><td>a</td><td>b</td></tr><tr><th>c</th></tr></table>", "a b c" },
	{ "x<blockquote>q</blockquote>y", "x q y" },
	{ "x<pre>code</pre>y", "x code y" },
	{ "x<hr>y", "x y" },
	{ "<section>s</section><article>a</article>", "s a" },
	{ "<script>alert('Milei')</script>text", "text" },
	{ "a<SCRIPT type=\"text/javascript\">var x = '</p>';</SCRIPT>b", "a b" },
	{ "<style>p { color: red }</style>styled", "styled" },
	{ "a<style>unterminated", "a" },
	{ "<p class=\"center\">x</p>", "x" },
	{ "<img src=\"a.png\" alt=\"Milei\">", "" },
	{ "<a title='a > b'>link</a>", "link" },
	{ "<a title=\"it's\">q</a>", "q" },
	{ "<!-- comment Milei -->visible", "visible" },
	{ "<!-- unterminated comment", "" },
	{ "<![CDATA[cdata & text]]>", "cdata & text" },
	{ "<!DOCTYPE html><p>x</p>", "x" },
	{ "<?php echo 1; ?>y", "y" },
	{ "a < b", "a < b" },
	{ "x<3", "x<3" },
	{ "1 <= 2", "1 <= 2" },
	{ "</>", "" },
	{ "a</p >b", "a b" },
	{ "unclosed <b", "unclosed" },
	{ "&amp;", "&" },
	{ "AT&amp;T", "AT&T" },
	{ "AT&T", "AT&T" },
	{ "a & b", "a & b" },
	{ "&lt;p&gt;", "<p>" },
	{ "&quot;q&quot; &apos;a&apos;", "\"q\" 'a'" },
	{ "caf&eacute;", "café" },
	{ "&hellip;", "…" },
	{ "&rsquo;&lsquo;&ldquo;&rdquo;", "’‘“”" },
	{ "&mdash;&ndash;", "—–" },
	{ "&copy; 2024", "© 2024" },
	{ "&euro;5", "€5" },
	{ "a&nbsp;b", "a b" },
	{ "a&nbsp;&nbsp; b", "a b" },
	{ "&nbsp;lead", "lead" },
	{ "a&nbspb", "a b" },
	{ "&#8217;", "’" },
	{ "&#x2019;", "’" },
	{ "&#X2019;", "’" },
	{ "&#8217", "’" },
	{ "&#150;", "–" },
	{ "&#0;", "\xEF\xBF\xBD" },
	{ "&#xD800;", "\xEF\xBF\xBD" },
	{ "&#x110000;", "\xEF\xBF\xBD" },
	{ "&#99999999999999999999;", "\xEF\xBF\xBD" },
	{ "&#;", "&#;" },
	{ "&#x;", "&#x;" },
	{ "&unknown;", "&unknown;" },
	{ "&amp;#8217;", "’" },
	{ "Milei&amp;#8217;s", "Milei’s" },
	{ "a&amp;nbsp;b", "a b" },
	{ "&amp;amp;", "&" },
	{ "&amp;foo;", "&foo;" },
	{ "&AMP;", "&AMP;" },
	{ "tab\there", "tab here" },
	{ "line\r\nbreak", "line break" },
	{ "a\xC2\xA0" "b", "a b" },                 /* U+00A0 */
	{ "a\xE2\x80\x83" "b", "a b" },             /* em space */
	{ "a\xE3\x80\x80" "b", "a b" },             /* ideographic space */
	{ "ctl\x01\x02x", "ctlx" },
	{ "\xEF\xBB\xBF" "bom", "bom" },
	{ "bad\xFF" "byte", "bad\xEF\xBF\xBD" "byte" },
	{ "Trump\xE2\x80\x99s", "Trump’s" },
	{ "<p>Mercado <b>Común</b> del Sur</p>", "Mercado Común del Sur" },
	{ "<P>Upper</P><DIV>case</DIV>", "Upper case" },
	{ "<td>a</td><td>b</td>", "a b" },
	{ "x<wbr>y", "xy" },                       /* a break opportunity joins */
	{ "<p>Leaders of the Mer<wbr>cosur bloc</p>", "Leaders of the Mercosur bloc" },
	{ "Mer<WBR/>co<wbr />sur", "Mercosur" },
	{ "Mi<meta itemprop=\"x\" content=\"y\">lei<link itemprop=\"u\" href=\"z\">", "Milei" },
	{ "<p>a</p>\n\n<p>b</p>", "a b" },
	{ "<noscript>ns</noscript>", "ns" },
	{ "<template>t</template>u", "u" },
	{ "<averyveryverylongtagnamethatisunknown>x</averyveryverylongtagnamethatisunknown>y", "xy" },
	{ "<p>China&#8217;s swap</p>", "China’s swap" },
	{ "&lt;script&gt;x&lt;/script&gt;", "<script>x</script>" },
	{ "<a href=\"https://ex.org/?a=1&amp;b=2\">l</a>", "l" },
	/* runs of text go 16 bytes at a time: spaces and stops at every place */
	{ "0123456789abcde  fghij", "0123456789abcde fghij" },
	{ "0123456789abcdef 0123456789abcdef ", "0123456789abcdef 0123456789abcdef" },
	{ "0123456789abcde <b>x</b>", "0123456789abcde x" },
	{ "0123456789abcde <p>x</p>", "0123456789abcde x" },
	{ " 0123456789abcdefghijklmnop", "0123456789abcdefghijklmnop" },
	{ "0123456789abcdef\t0123456789abcdef", "0123456789abcdef 0123456789abcdef" },
	{ "0123456789abcdef\xC2\xA0" "0123456789abcdef", "0123456789abcdef 0123456789abcdef" },
	{ "0123456789abcdef\x7F" "0123456789abcdef", "0123456789abcdef0123456789abcdef" },
	{ "aaaaaaaaaaaaaaaaaaaa&amp;bbbbbbbbbbbbbbbbbbbb", "aaaaaaaaaaaaaaaaaaaa&bbbbbbbbbbbbbbbbbbbb" },
	{ "caf\xC3\xA9 na\xC3\xAFve \xE2\x80\x94 \xF0\x9F\x98\x80 0123456789abcdef",
	  "caf\xC3\xA9 na\xC3\xAFve \xE2\x80\x94 \xF0\x9F\x98\x80 0123456789abcdef" },
	{ "0123456789abcdef\xE2\x80\x8B\xEF\xBB\xBF" "0123456789abcdef", "0123456789abcdef\xE2\x80\x8B" "0123456789abcdef" },
	{ "0123456789abcdef\xED\xA0\x80" "0123456789abcdef", "0123456789abcdef\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" "0123456789abcdef" },
	/* block and inline elements by name, any case */
	{ "<DIV>Block</DIV><Span>in</Span>line<H2>Head</H2>", "Block inline Head" },
	{ "a<textarea>b</textarea>c<figcaption>d</figcaption>e", "a b c d e" },
	{ "a<tt>b</tt>c<s>d</s>e<n>f</n>", "abcdef" },
	{ "a<p|pre>b", "ab" },
};

static const struct html_row clean_rows[] = {
	{ "", "" },
	{ "plain", "plain" },
	{ "  Staff \n", "Staff" },
	{ "Tom &amp; Jerry", "Tom & Jerry" },
	{ "Tom & Jerry", "Tom & Jerry" },
	{ "a <b> c", "a <b> c" },
	{ "caf&eacute;", "café" },
	{ "&#8220;q&#8221;", "“q”" },
	{ "a\tb\nc", "a b c" },
	{ "ctl\x07" "x", "ctlx" },
	{ "x\xC3", "x\xEF\xBF\xBD" },
	{ "a&nbsp;b", "a b" },
	{ "Milei&amp;#8217;s", "Milei’s" },
};

static const struct html_row utf8_rows[] = {
	{ "", "" },
	{ "abc", "abc" },
	{ "caf\xC3\xA9", "caf\xC3\xA9" },
	{ "caf\xE9", "caf\xEF\xBF\xBD" },
	{ "\xC3", "\xEF\xBF\xBD" },
	{ "\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" },  /* a surrogate */
	{ "\xF4\x90\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" },
	{ "\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD" },                   /* overlong */
};

/* fw_html_to_text on one row; output must be valid UTF-8. */
static void test_to_text(gconstpointer data)
{
	const struct html_row *r = data;
	g_autofree char *got = fw_html_to_text(r->in, -1);

	g_assert_true(g_utf8_validate(got, -1, NULL));
	g_assert_cmpstr(got, ==, r->out);
}

/* fw_html_clean on one row. */
static void test_clean(gconstpointer data)
{
	const struct html_row *r = data;
	g_autofree char *got = fw_html_clean(r->in, -1);

	g_assert_true(g_utf8_validate(got, -1, NULL));
	g_assert_cmpstr(got, ==, r->out);
}

/* fw_html_valid_utf8 on one row. */
static void test_valid(gconstpointer data)
{
	const struct html_row *r = data;
	g_autofree char *got = fw_html_valid_utf8(r->in, -1);

	g_assert_true(g_utf8_validate(got, -1, NULL));
	g_assert_cmpstr(got, ==, r->out);
}

/* Lengths, NULs, NULL input and the output bound. */
static void test_edges(void)
{
	g_autofree char *null = fw_html_to_text(NULL, -1);
	g_autofree char *part = fw_html_to_text("<b>Milei</b> and more", 8);
	g_autofree char *nul = fw_html_valid_utf8("a\0b", 3);
	g_autofree char *nul2 = fw_html_to_text("a\0b", 3);
	g_autofree char *clean_null = fw_html_clean(NULL, 0);

	g_assert_cmpstr(null, ==, "");
	g_assert_cmpstr(part, ==, "Milei");
	g_assert_cmpstr(nul, ==, "ab");
	g_assert_cmpstr(nul2, ==, "ab");
	g_assert_cmpstr(clean_null, ==, "");

	/* output stays within 3x the input, even for all-invalid bytes */
	char bad[300];
	memset(bad, 0xFF, sizeof bad);
	g_autofree char *b = fw_html_to_text(bad, sizeof bad);
	g_assert_cmpuint(strlen(b), <=, 3 * sizeof bad);
	g_assert_true(g_utf8_validate(b, -1, NULL));
}

/* The one entity table (the feed parser's byte pass uses it too): names are
 * case-sensitive and bounded by len; apos is there though HTML 4 lacks it. */
static void test_entity_lookup(void)
{
	g_assert_cmpuint(fw_html_entity_lookup("amp", 3), ==, '&');
	g_assert_cmpuint(fw_html_entity_lookup("apos", 4), ==, '\'');
	g_assert_cmpuint(fw_html_entity_lookup("nbspx", 4), ==, 0xA0);
	g_assert_cmpuint(fw_html_entity_lookup("rsquo;", 5), ==, 0x2019);
	g_assert_cmpuint(fw_html_entity_lookup("thetasym", 8), ==, 0x3D1);
	g_assert_cmpuint(fw_html_entity_lookup("Eacute", 6), ==, 0xC9);
	g_assert_cmpuint(fw_html_entity_lookup("eacute", 6), ==, 0xE9);
	g_assert_cmpuint(fw_html_entity_lookup("AMP", 3), ==, 0);
	g_assert_cmpuint(fw_html_entity_lookup("amp", 0), ==, 0);
	g_assert_cmpuint(fw_html_entity_lookup("nosuchentity", 12), ==, 0);
	g_assert_cmpuint(fw_html_entity_lookup("ampampampampampampampamp", 24), ==, 0);
}

/* Bytes read as Windows-1252: 0x80-0x9F mapped (undefined ones to U+FFFD),
 * the rest as Latin-1. */
static void test_cp1252(void)
{
	g_assert_cmpuint(fw_html_cp1252('a'), ==, 'a');
	g_assert_cmpuint(fw_html_cp1252(0x7F), ==, 0x7F);
	g_assert_cmpuint(fw_html_cp1252(0x80), ==, 0x20AC);
	g_assert_cmpuint(fw_html_cp1252(0x81), ==, 0xFFFD);
	g_assert_cmpuint(fw_html_cp1252(0x92), ==, 0x2019);
	g_assert_cmpuint(fw_html_cp1252(0x9F), ==, 0x0178);
	g_assert_cmpuint(fw_html_cp1252(0xA0), ==, 0xA0);
	g_assert_cmpuint(fw_html_cp1252(0xE9), ==, 0xE9);
	g_assert_cmpuint(fw_html_cp1252(0xFF), ==, 0xFF);
}

/* A big document with many tags converts in linear time and stays sane. */
static void test_big(void)
{
	GString *s = g_string_new(NULL);
	for (int i = 0; i < 20000; i++)
		g_string_append(s, "<p>Milei &amp; <b>Mercosur</b>&nbsp;talks</p>\n");
	g_autofree char *t = fw_html_to_text(s->str, s->len);
	g_assert_true(g_str_has_prefix(t, "Milei & Mercosur talks Milei & Mercosur"));
	g_assert_cmpuint(strlen(t), ==, 20000 * strlen("Milei & Mercosur talks ") - 1);
	g_string_free(s, TRUE);

	/* an unclosed comment, then many more: eaten to the end, once */
	GString *u = g_string_new("text ");
	for (int i = 0; i < 20000; i++)
		g_string_append(u, "<!-- x -- <script> <a title=\"q ");
	g_autofree char *t2 = fw_html_to_text(u->str, u->len);
	g_assert_cmpstr(t2, ==, "text");
	g_string_free(u, TRUE);
}

/* fw_html_utf8_valid_len judges as g_utf8_validate does (the longest valid
 * prefix, no NUL), with each kind of bad sequence at every offset around
 * the 16-byte steps of its ASCII loop. */
static void test_utf8_valid_len(void)
{
	static const char *const bad[] = {
		"\xc0\xaf",           /* overlong '/' */
		"\xe0\x80\xaf",       /* overlong, 3 bytes */
		"\xed\xa0\x80",       /* a surrogate */
		"\xf4\x90\x80\x80",   /* past U+10FFFF */
		"\xf5\x80\x80\x80",
		"\xe2\x82",           /* cut short */
		"\x80",               /* a continuation alone */
		"\xff",
		"",                   /* NUL (the length counts it) */
	};
	static const char *const good[] = { "é", "€", "😀", "\xef\xbf\xbf", "\xf4\x8f\xbf\xbf" };

	for (gsize k = 0; k < G_N_ELEMENTS(bad) + G_N_ELEMENTS(good); k++) {
		const char *piece = k < G_N_ELEMENTS(bad) ? bad[k] : good[k - G_N_ELEMENTS(bad)];
		gsize plen = MAX(strlen(piece), 1);   /* "" stands for one NUL byte */

		for (gsize at = 0; at < 40; at++) {
			g_autoptr(GString) s = g_string_new(NULL);
			const char *stop = NULL;

			for (gsize i = 0; i < at; i++)
				g_string_append_c(s, 'a' + i % 26);
			g_string_append_len(s, piece, plen);
			g_string_append(s, "tail of plain ASCII text");
			g_utf8_validate(s->str, s->len, &stop);
			g_assert_cmpuint(fw_html_utf8_valid_len(s->str, s->len), ==, stop - s->str);
		}
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	for (gsize i = 0; i < G_N_ELEMENTS(text_rows); i++) {
		g_autofree char *name = g_strdup_printf("/html/to_text/%" G_GSIZE_FORMAT, i);
		g_test_add_data_func(name, &text_rows[i], test_to_text);
	}
	for (gsize i = 0; i < G_N_ELEMENTS(clean_rows); i++) {
		g_autofree char *name = g_strdup_printf("/html/clean/%" G_GSIZE_FORMAT, i);
		g_test_add_data_func(name, &clean_rows[i], test_clean);
	}
	for (gsize i = 0; i < G_N_ELEMENTS(utf8_rows); i++) {
		g_autofree char *name = g_strdup_printf("/html/valid_utf8/%" G_GSIZE_FORMAT, i);
		g_test_add_data_func(name, &utf8_rows[i], test_valid);
	}
	g_test_add_func("/html/edges", test_edges);
	g_test_add_func("/html/entity_lookup", test_entity_lookup);
	g_test_add_func("/html/cp1252", test_cp1252);
	g_test_add_func("/html/big", test_big);
	g_test_add_func("/html/utf8-valid-len", test_utf8_valid_len);
	return g_test_run();
}
