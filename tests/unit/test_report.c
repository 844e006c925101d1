/* Unit tests for report: escaping, and the page for a few hostile rows read
 * back with libxml2's HTML parser (no script element, sections, marks, links). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>

#include "report.h"
#include "feedwatch/store.h"

#define T_FOUND 1732600000   /* 2024-11-26T05:46:40Z: 02:46 in Buenos Aires */
#define DAY 86400

struct escape_case {
	const char *in;
	const char *out;
};

static const struct escape_case escape_cases[] = {
	{ "plain", "plain" },
	{ "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;" },
	{ "a & b \"c\" 'd'", "a &amp; b &quot;c&quot; &#39;d&#39;" },
	{ "&amp;", "&amp;amp;" },
	{ "bell\a nul\x01 esc\033[31m", "bell nul esc[31m" },
	{ "tab\tnew\nline", "tab\tnew\nline" },
	{ "bad \xff utf8", "bad \xef\xbf\xbd utf8" },
	{ "Común 中文 🙂", "Común 中文 🙂" },
	{ "nonchar \xef\xbf\xbe", "nonchar " },
	{ "", "" },
	{ NULL, "" },
};

static void test_escape(gconstpointer data)
{
	const struct escape_case *c = data;
	g_autofree char *got = fw_report_escape(c->in);

	g_assert_cmpstr(got, ==, c->out);
}

static struct fw_hit_row rows[] = {
	{
		.id = 7, .topic = "china-swaps", .topic_name = "China swaps", .feed = "ft",
		.feed_title = "FT <b>World</b>", .item_id = "x1",
		.title = "<script>alert('t')</script> swaps", .link = "javascript:alert(1)",
		.published = FW_TIME_NONE, .found = T_FOUND, .snippet = "Beijing <img src=x> swap",
		.marks_json = "[[0,7],[20,24]]", .read = FALSE, .notified = FW_HIT_NOTIFIED_INITIAL,
	},
	{
		.id = 5, .topic = "milei", .topic_name = "Milei", .feed = "tac",
		.feed_title = "The American Conservative", .item_id = "x2",
		.title = "Milei & the \"peso\"", .link = "https://tac.example/a?b=1&c=2",
		.published = T_FOUND - 3600, .found = T_FOUND - DAY, .snippet = "Javier Milei won",
		.marks_json = "[[7,12]]", .read = TRUE, .notified = FW_HIT_NOTIFIED_DELIVERED,
	},
	{
		.id = 3, .topic = "odd topic\"><script>", .topic_name = NULL, .feed = "x",
		.feed_title = NULL, .item_id = "x3", .title = NULL, .link = NULL,
		.published = FW_TIME_NONE, .found = T_FOUND - 2 * DAY, .snippet = NULL,
		.marks_json = "junk", .read = FALSE, .notified = FW_HIT_NOTIFIED_NONE,
	},
};

static char *page(const struct fw_report_opts *o)
{
	GPtrArray *a = g_ptr_array_new();
	char *buf = NULL, *copy;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	for (gsize i = 0; i < G_N_ELEMENTS(rows); i++)
		g_ptr_array_add(a, &rows[i]);
	fw_report_write(a, o, f);
	fclose(f);
	g_ptr_array_unref(a);
	copy = g_strndup(buf, len);
	free(buf);
	return copy;
}

static struct fw_report_topic topic_list[] = {
	{ "milei", "Milei" }, { "mercosur", "Mercosur" }, { "china-swaps", "China swaps" },
};

static char *default_page(void)
{
	g_autoptr(GPtrArray) topics = g_ptr_array_new();
	struct fw_report_opts o = { .title = "Week <1>", .since = 0, .now = T_FOUND + 3600 };

	for (gsize i = 0; i < G_N_ELEMENTS(topic_list); i++)
		g_ptr_array_add(topics, &topic_list[i]);
	o.topics = topics;
	return page(&o);
}

/* XPath queries on the page and what they must count or say. */
struct dom_case {
	const char *xpath;
	int count;            /* -1: don't check */
	const char *text;     /* string(xpath), or NULL */
};

static const struct dom_case dom_cases[] = {
	{ "//script", 0, NULL },
	{ "//*[@onerror or @onload or @onclick]", 0, NULL },
	{ "//img", 0, NULL },
	{ "//link", 0, NULL },
	{ "//iframe", 0, NULL },
	{ "/html/head/title", 1, "Week <1>" },
	{ "//h1", 1, "Week <1>" },
	{ "//section[@class='topic']", 4, NULL },
	{ "//section[@class='topic'][1]/@id", 1, "topic-milei" },
	{ "//section[@class='topic'][2]/@id", 1, "topic-mercosur" },
	{ "//section[@class='topic'][3]/@id", 1, "topic-china-swaps" },
	{ "//section[@class='topic'][4]/@id", 1, "topic-odd_20topic_22_3e_3cscript_3e" },
	{ "//section[@class='topic'][4]/h2", 1, "odd topic\"><script>" },
	{ "//section[@id='topic-mercosur']/p", 1, "No hits in this period." },
	{ "//article[@id='hit-7']/h3", 1, "<script>alert('t')</script> swaps" },
	{ "//article[@id='hit-7']//a", 0, NULL },            /* javascript: is no link */
	{ "//article[@id='hit-7']//mark", 2, NULL },
	{ "//article[@id='hit-7']//mark[2]", 1, "swap" },
	{ "//article[@id='hit-7']/p", 1, "Beijing <img src=x> swap" },
	{ "//article[@id='hit-7']/div", 1, "FT <b>World</b> · found 2024-11-26 02:46 · hit 7" },
	{ "//article[@id='hit-5']//a/@href", 1, "https://tac.example/a?b=1&c=2" },
	{ "//article[@id='hit-5']//a", 1, "Milei & the \"peso\"" },
	{ "//article[@id='hit-5']//mark", 1, "Milei" },
	{ "//article[@id='hit-5']/div/time[1]/@datetime", 1, "2024-11-26T04:46:40Z" },
	{ "//article[@id='hit-5']/div/time[1]", 1, "2024-11-26 01:46" },
	{ "//article[@class='hit unread']", 2, NULL },
	{ "//article[@id='hit-3']/h3", 1, "(no title)" },
	{ "//svg", 1, NULL },
	{ "//svg/title", 1, "Stories a day per topic (by date published), 2024-11-24 to 2024-11-26" },
	{ "//svg/rect[@class='bar']", 3, NULL },
	{ "//svg/rect[@class='bar'][1]/title", 1, "odd topic\"><script>, 2024-11-24: 1 story" },
	{ "//ul[@class='legend']/li", 4, NULL },
	{ "//ul[@class='legend']/li[1]", 1, "Milei (1)" },
	{ "//table[@class='summary']/tbody/tr", 4, NULL },
	{ "//p[@class='period']", 1,
	  "3 stories (3 hits) published from 2024-11-24 to 2024-11-26 (local time), generated 2024-11-26 03:46" },
	{ "//meta[@http-equiv='Content-Security-Policy']/@content", 1,
	  "default-src 'none'; style-src 'unsafe-inline'; img-src data:" },
};

static xmlDocPtr parse_page(const char *html)
{
	return htmlReadMemory(html, (int)strlen(html), NULL, "UTF-8",
	                      HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
}

static void test_dom(gconstpointer data)
{
	const struct dom_case *c = data;
	g_autofree char *html = default_page();
	xmlDocPtr doc = parse_page(html);
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr res = xmlXPathEvalExpression(BAD_CAST c->xpath, ctx);

	g_assert_nonnull(res);
	if (c->count >= 0)
		g_assert_cmpint(res->nodesetval ? res->nodesetval->nodeNr : 0, ==, c->count);
	if (c->text) {
		xmlChar *s = xmlXPathCastToString(res);

		g_assert_cmpstr((const char *)s, ==, c->text);
		xmlFree(s);
	}
	xmlXPathFreeObject(res);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
}

/* Raw text checks: what must and must not be in the bytes. */
static void test_raw(void)
{
	g_autofree char *html = default_page();

	g_assert_true(g_str_has_prefix(html, "<!DOCTYPE html>\n"));
	g_assert_true(g_str_has_suffix(html, "</html>\n"));
	g_assert_null(strstr(html, "<script"));
	g_assert_null(strstr(html, "javascript:"));
	g_assert_null(strstr(html, "http://www.w3.org/1999/xlink"));
	g_assert_nonnull(strstr(html, "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;"));
	g_assert_nonnull(strstr(html, "href=\"https://tac.example/a?b=1&amp;c=2\""));
	g_assert_null(strstr(html, "url("));   /* no external asset from the style either */
	g_assert_true(g_utf8_validate(html, -1, NULL));
}

/* An empty log still makes a whole page, over one day, with empty sections. */
static void test_empty(void)
{
	g_autoptr(GPtrArray) none = g_ptr_array_new();
	struct fw_report_opts o = { .now = T_FOUND };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fw_report_write(none, &o, f);
	fclose(f);
	g_assert_nonnull(strstr(buf, "<title>feedwatch report</title>"));
	g_assert_nonnull(strstr(buf, "0 stories (0 hits) published from 2024-11-26 to 2024-11-26"));
	g_assert_null(strstr(buf, "<rect"));
	g_assert_true(g_str_has_suffix(buf, "</html>\n"));
	free(buf);
}

/* --since sets the first day of the timeline; a very old since is capped. */
static void test_since(void)
{
	struct fw_report_opts o = { .since = T_FOUND - 9 * DAY, .now = T_FOUND };
	g_autofree char *html = page(&o);
	struct fw_report_opts o2 = { .since = 1, .now = T_FOUND };
	g_autofree char *html2 = page(&o2);

	g_assert_nonnull(strstr(html, "from 2024-11-17 to 2024-11-26"));
	g_assert_nonnull(strstr(html2, "from 2014-11-"));   /* 3660 days back */
}

/* A story is unread in a topic when a hit of it there is, whichever hit
 * shows it (as `hits --unread` and browse count). */
static void test_unread_story(void)
{
	struct fw_report_topic tt = { "t", "Tee" };
	g_autoptr(GPtrArray) topics = g_ptr_array_new();
	g_autoptr(GPtrArray) a = g_ptr_array_new();
	/* newest first: the copy (unread), then the original (read, shown) */
	struct fw_hit_row copy = { .id = 2, .story = 1, .topic = "t", .topic_name = "Tee",
	                           .feed = "b", .title = "copy", .published = T_FOUND - 60,
	                           .found = T_FOUND, .read = FALSE };
	struct fw_hit_row orig = { .id = 1, .story = 1, .topic = "t", .topic_name = "Tee",
	                           .feed = "a", .title = "orig", .published = T_FOUND - 3600,
	                           .found = T_FOUND - 60, .read = TRUE };
	struct fw_report_opts o = { .now = T_FOUND + 60, .since = T_FOUND - DAY, .topics = topics };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	g_ptr_array_add(topics, &tt);
	g_ptr_array_add(a, &copy);
	g_ptr_array_add(a, &orig);
	fw_report_write(a, &o, f);
	fclose(f);
	g_test_message("%s", buf);
	g_assert_nonnull(strstr(buf, "<article id=\"hit-1\" class=\"hit unread\">"));
	g_assert_nonnull(strstr(buf, "Tee</a></td><td class=\"n\">1</td><td class=\"n\">1</td>"));
	free(buf);
}

/* --until ends the period; the page still says when it was made. */
static void test_until(void)
{
	struct fw_report_opts o = { .since = T_FOUND - 2 * DAY, .now = T_FOUND,
	                            .generated = T_FOUND + 9 * DAY };
	g_autofree char *html = page(&o);

	g_assert_nonnull(strstr(html, "from 2024-11-24 to 2024-11-26 (local time), generated 2024-12-05 "));
}

/* The report's load callback: the row of id with its text (a title). */
static struct fw_hit_row *load_row(gint64 id, gpointer calls)
{
	struct fw_hit_row *r = g_new0(struct fw_hit_row, 1);

	(*(int *)calls)++;
	r->id = id;
	r->story = id;
	r->topic = g_strdup("busy");
	r->feed = g_strdup("f");
	r->title = g_strdup_printf("Loaded %" G_GINT64_FORMAT, id);
	r->published = FW_TIME_NONE;
	r->found = T_FOUND;
	return r;
}

/* A busy topic lists its newest per_topic stories, loaded with their text,
 * and says how many more there are; the counts are of all. */
static const struct {
	guint per_topic;
	int articles;        /* listed */
	const char *first;   /* the first listed */
	const char *more;    /* the "more" line, or NULL for none */
	const char *since, *until;   /* the period as given */
	const char *cmd;     /* the command the "more" line names */
} per_topic_rows[] = {
	{ 2, 2, "Loaded 14", "The newest 2 of 5 stories; 3 more in this period", NULL, NULL,
	  "feedwatch hits --topic busy</code>" },
	{ 4, 4, "Loaded 14", "The newest 4 of 5 stories; 1 more in this period", "30d", NULL,
	  "feedwatch hits --topic busy --since 30d</code>" },
	{ 4, 4, "Loaded 14", "The newest 4 of 5 stories; 1 more in this period", "2024-11-01",
	  "2024-12-01", "feedwatch hits --topic busy --since 2024-11-01 --until 2024-12-01</code>" },
	{ 5, 5, "Loaded 14", NULL, NULL, NULL, NULL },
	{ 0, 5, "Loaded 14", NULL, NULL, NULL, NULL },
};

static void test_per_topic(void)
{
	struct fw_report_topic busy = { "busy", "Busy" };
	g_autoptr(GPtrArray) topics = g_ptr_array_new();
	struct fw_hit_row brief[5];

	g_ptr_array_add(topics, &busy);
	/* brief rows (no text), newest first: 14, 13, ... 10 */
	for (int k = 0; k < 5; k++)
		brief[k] = (struct fw_hit_row){ .id = 14 - k, .story = 14 - k, .topic = "busy",
		                                .topic_name = "Busy", .feed = "f",
		                                .published = FW_TIME_NONE,
		                                .found = T_FOUND - k * 3600 };
	for (gsize i = 0; i < G_N_ELEMENTS(per_topic_rows); i++) {
		g_autoptr(GPtrArray) a = g_ptr_array_new();
		int calls = 0, articles = 0;
		struct fw_report_opts o = { .now = T_FOUND + 60, .since = T_FOUND - DAY,
		                            .topics = topics, .per_topic = per_topic_rows[i].per_topic,
		                            .load = load_row, .load_data = &calls,
		                            .since_arg = per_topic_rows[i].since,
		                            .until_arg = per_topic_rows[i].until };
		char *buf = NULL, *first;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		g_test_message("per topic %u", per_topic_rows[i].per_topic);
		for (int k = 0; k < 5; k++)
			g_ptr_array_add(a, &brief[k]);
		fw_report_write(a, &o, f);
		fclose(f);
		for (const char *p = buf; (p = strstr(p, "<article")) != NULL; p++)
			articles++;
		g_assert_cmpint(articles, ==, per_topic_rows[i].articles);
		g_assert_cmpint(calls, ==, per_topic_rows[i].articles);
		first = strstr(buf, "<h3>");
		g_assert_nonnull(first);
		g_assert_true(g_str_has_prefix(first + 4, per_topic_rows[i].first));
		/* the summary counts every story */
		g_assert_nonnull(strstr(buf, "Busy</a></td><td class=\"n\">5</td><td class=\"n\">5</td>"));
		if (per_topic_rows[i].more) {
			g_assert_nonnull(strstr(buf, per_topic_rows[i].more));
			g_assert_nonnull(strstr(buf, per_topic_rows[i].cmd));
		} else {
			g_assert_null(strstr(buf, "class=\"more\""));
		}
		g_assert_true((per_topic_rows[i].per_topic > 0) ==
		              (strstr(buf, "lists its newest") != NULL));
		free(buf);
	}
}

int main(int argc, char **argv)
{
	g_setenv("TZ", "America/Argentina/Buenos_Aires", TRUE);
	g_test_init(&argc, &argv, NULL);
	for (gsize i = 0; i < G_N_ELEMENTS(escape_cases); i++) {
		g_autofree char *name = g_strdup_printf("/report/escape/%zu", i);
		g_test_add_data_func(name, &escape_cases[i], test_escape);
	}
	for (gsize i = 0; i < G_N_ELEMENTS(dom_cases); i++) {
		g_autofree char *name = g_strdup_printf("/report/dom/%zu", i);
		g_test_add_data_func(name, &dom_cases[i], test_dom);
	}
	g_test_add_func("/report/raw", test_raw);
	g_test_add_func("/report/empty", test_empty);
	g_test_add_func("/report/since", test_since);
	g_test_add_func("/report/until", test_until);
	g_test_add_func("/report/unread-story", test_unread_story);
	g_test_add_func("/report/per-topic", test_per_topic);
	return g_test_run();
}
