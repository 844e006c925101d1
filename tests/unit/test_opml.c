/* Unit tests for opml: reading OPML (nesting, odd attributes, hostile
 * documents), writing it and reading it back, feed names, config groups and
 * their extras, and feed autodiscovery in HTML pages. */
#include <string.h>

#include <glib.h>

#include "feedwatch/opml.h"

#define HEAD "<?xml version=\"1.0\"?>\n<opml version=\"2.0\"><head><title>Mine</title></head><body>"
#define TAIL "</body></opml>"

/* A parse case: the document and the feeds expected, one
 * "title|xml_url|html_url|category" string each ("-" for NULL). */
struct parse_case {
	const char *name;
	const char *doc;
	int error;              /* -1: parses; else the FW_OPML_ERROR code */
	guint skipped;
	const char *feeds[8];
};

static const struct parse_case parse_cases[] = {
	{ "flat", HEAD
	  "<outline text=\"A\" title=\"Feed A\" type=\"rss\" xmlUrl=\"https://a.example/feed\" "
	  "htmlUrl=\"https://a.example/\"/>"
	  "<outline text=\"B only text\" xmlUrl=\"http://b.example/rss\"/>" TAIL,
	  -1, 0, { "Feed A|https://a.example/feed|https://a.example/|-",
	           "B only text|http://b.example/rss|-|-" } },
	{ "nested folders", HEAD
	  "<outline text=\"News\"><outline text=\"Argentina\">"
	  "<outline type=\"rss\" text=\"BA Times\" xmlUrl=\"https://batimes.example/rss\"/>"
	  "</outline><outline text=\"Top\" xmlUrl=\"https://top.example/rss\"/></outline>"
	  "<outline text=\"Loose\" xmlUrl=\"https://loose.example/rss\"/>" TAIL,
	  -1, 0, { "BA Times|https://batimes.example/rss|-|News/Argentina",
	           "Top|https://top.example/rss|-|News", "Loose|https://loose.example/rss|-|-" } },
	{ "odd attribute case, feed:// and spaces", HEAD
	  "<outline TEXT=\"X\" xmlurl=\" feed://x.example/rss \" HTMLURL=\"https://x.example/\"/>"
	  "<outline text=\"Y\" XMLURL=\"feed:https://y.example/a b.xml\"/>" TAIL,
	  -1, 0, { "X|http://x.example/rss|https://x.example/|-",
	           "Y|https://y.example/a%20b.xml|-|-" } },
	{ "missing title and text", HEAD
	  "<outline type=\"rss\" xmlUrl=\"https://notitle.example/feed\"/>" TAIL,
	  -1, 0, { "-|https://notitle.example/feed|-|-" } },
	{ "entities and character references", HEAD
	  "<outline text=\"Ann &amp; Bob&#x2019;s &lt;News&gt; &#233;\" "
	  "xmlUrl=\"https://e.example/rss?a=1&amp;b=2\"/>" TAIL,
	  -1, 0, { "Ann & Bob’s <News> é|https://e.example/rss?a=1&b=2|-|-" } },
	{ "duplicates kept (the caller skips them)", HEAD
	  "<outline text=\"D\" xmlUrl=\"https://d.example/rss\"/>"
	  "<outline text=\"D again\" xmlUrl=\"https://d.example/rss\"/>" TAIL,
	  -1, 0, { "D|https://d.example/rss|-|-", "D again|https://d.example/rss|-|-" } },
	{ "non-http feeds skipped, empty xmlUrl is a folder", HEAD
	  "<outline text=\"F\" xmlUrl=\"ftp://f.example/rss\"/>"
	  "<outline text=\"J\" xmlUrl=\"javascript:alert(1)\"/>"
	  "<outline text=\"Rel\" xmlUrl=\"/relative.xml\"/>"
	  "<outline text=\"Empty\" xmlUrl=\"\"><outline text=\"In\" xmlUrl=\"https://in.example/\"/></outline>"
	  "<outline text=\"Link\" type=\"link\" url=\"https://l.example/\"/>" TAIL,
	  -1, 3, { "In|https://in.example/|-|Empty" } },
	{ "category attribute when not nested", HEAD
	  "<outline text=\"C\" category=\"/Tech/Linux, /other\" xmlUrl=\"https://c.example/rss\"/>" TAIL,
	  -1, 0, { "C|https://c.example/rss|-|Tech/Linux" } },
	{ "slash in a folder name, white space folded", HEAD
	  "<outline text=\" Left / Right \"><outline text=\"  two\n  lines \" "
	  "xmlUrl=\"https://s.example/\"/></outline>" TAIL,
	  -1, 0, { "two lines|https://s.example/|-|Left ∕ Right" } },
	{ "title attribute of a folder when no text", HEAD
	  "<outline title=\"T\"><outline text=\"in\" xmlUrl=\"https://t.example/\"/></outline>" TAIL,
	  -1, 0, { "in|https://t.example/|-|T" } },
	{ "OPML 1.0, latin-1",
	  "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><opml version=\"1.0\"><body>"
	  "<outline text=\"Espa\xf1" "a\" xmlUrl=\"https://es.example/\"/></body></opml>",
	  -1, 0, { "España|https://es.example/|-|-" } },
	{ "bidi controls dropped, C1 a space", HEAD
	  "<outline text=\"Two&#x202e;evil&#x2066; &#x200f;x&#x85;y\" "
	  "xmlUrl=\"https://bidi.example/\"/>" TAIL,
	  -1, 0, { "Twoevil x y|https://bidi.example/|-|-" } },
	{ "empty body", HEAD TAIL, -1, 0, { NULL } },
	{ "not XML", HEAD "<outline text=\"a\">" TAIL, FW_OPML_ERROR_NOT_XML, 0, { NULL } },
	{ "not OPML", "<rss version=\"2.0\"><channel/></rss>", FW_OPML_ERROR_NOT_OPML, 0, { NULL } },
	{ "no body", "<opml version=\"2.0\"><head/></opml>", FW_OPML_ERROR_NOT_OPML, 0, { NULL } },
	{ "entity declarations refused",
	  "<?xml version=\"1.0\"?><!DOCTYPE opml [<!ENTITY a \"aaaaaaaaaa\">"
	  "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><opml version=\"2.0\"><body>"
	  "<outline text=\"&b;\" xmlUrl=\"https://x.example/\"/></body></opml>",
	  FW_OPML_ERROR_HOSTILE, 0, { NULL } },
	{ "external entity refused",
	  "<?xml version=\"1.0\"?><!DOCTYPE opml [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
	  "<opml version=\"2.0\"><body><outline text=\"&x;\" xmlUrl=\"https://x.example/\"/>"
	  "</body></opml>", FW_OPML_ERROR_HOSTILE, 0, { NULL } },
	{ "external DTD not loaded",
	  "<?xml version=\"1.0\"?><!DOCTYPE opml SYSTEM \"http://127.0.0.1:1/opml.dtd\">"
	  "<opml version=\"2.0\"><body><outline text=\"ok\" xmlUrl=\"https://x.example/\"/>"
	  "</body></opml>", -1, 0, { "ok|https://x.example/|-|-" } },
	{ "undeclared HTML entity is an error", HEAD
	  "<outline text=\"a&nbsp;b\" xmlUrl=\"https://x.example/\"/>" TAIL,
	  FW_OPML_ERROR_NOT_XML, 0, { NULL } },
};

static char *feed_line(const struct fw_opml_feed *f)
{
	return g_strdup_printf("%s|%s|%s|%s", f->title ? f->title : "-", f->xml_url,
	                       f->html_url ? f->html_url : "-", f->category ? f->category : "-");
}

static void check_feeds(GPtrArray *feeds, const char *const *expected)
{
	guint n = 0;

	while (n < 8 && expected[n])
		n++;
	for (guint i = 0; i < feeds->len && i < n; i++) {
		g_autofree char *got = feed_line(feeds->pdata[i]);

		g_assert_cmpstr(got, ==, expected[i]);
	}
	g_assert_cmpuint(feeds->len, ==, n);
}

static void test_parse(gconstpointer data)
{
	const struct parse_case *c = data;
	g_autoptr(GPtrArray) feeds = g_ptr_array_new_with_free_func((GDestroyNotify)fw_opml_feed_free);
	g_autoptr(GError) err = NULL;
	g_autofree char *title = NULL;
	guint skipped = 99;
	gboolean ok = fw_opml_parse(c->doc, strlen(c->doc), feeds, &title, &skipped, &err);

	if (c->error >= 0) {
		g_assert_false(ok);
		g_assert_error(err, FW_OPML_ERROR, c->error);
		return;
	}
	g_assert_no_error(err);
	g_assert_true(ok);
	g_assert_cmpuint(skipped, ==, c->skipped);
	check_feeds(feeds, c->feeds);
	if (g_str_has_prefix(c->doc, HEAD))
		g_assert_cmpstr(title, ==, "Mine");
}

/* Every case that parses, written and read back, gives the same feeds (the
 * title falls back to nothing lost: text = title). */
static void test_round_trip(gconstpointer data)
{
	const struct parse_case *c = data;
	g_autoptr(GPtrArray) a = g_ptr_array_new_with_free_func((GDestroyNotify)fw_opml_feed_free);
	g_autoptr(GPtrArray) b = g_ptr_array_new_with_free_func((GDestroyNotify)fw_opml_feed_free);
	g_autofree char *doc = NULL, *title = NULL;

	if (c->error >= 0)
		return;
	g_assert_true(fw_opml_parse(c->doc, strlen(c->doc), a, NULL, NULL, NULL));
	doc = fw_opml_write(a, "Round <trip> & back", 1732600000);
	g_assert_true(g_str_has_prefix(doc, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	                                    "<opml version=\"2.0\">"));
	g_assert_nonnull(strstr(doc, "<dateCreated>Tue, 26 Nov 2024 05:46:40 GMT</dateCreated>"));
	g_assert_true(fw_opml_parse(doc, strlen(doc), b, &title, NULL, NULL));
	g_assert_cmpstr(title, ==, "Round <trip> & back");
	/* Writing groups feeds by folder in order of first appearance. */
	for (guint i = 0; i < a->len; i++) {
		g_autofree char *want = feed_line(a->pdata[i]);
		gboolean found = FALSE;

		for (guint k = 0; k < b->len && !found; k++) {
			g_autofree char *got = feed_line(b->pdata[k]);
			const struct fw_opml_feed *fa = a->pdata[i];

			/* A feed without a title is written with its URL as text. */
			if (fa->title == NULL) {
				g_autofree char *alt = g_strdup_printf("%s|%s|%s|%s", fa->xml_url,
				                                       fa->xml_url,
				                                       fa->html_url ? fa->html_url : "-",
				                                       fa->category ? fa->category : "-");
				found = strcmp(got, alt) == 0;
			} else {
				found = strcmp(got, want) == 0;
			}
		}
		g_assert_true(found);
	}
	g_assert_cmpuint(a->len, ==, b->len);
}

/* The nesting written for categories: folders in order of first appearance. */
static void test_write_nesting(void)
{
	g_autoptr(GPtrArray) feeds = g_ptr_array_new_with_free_func((GDestroyNotify)fw_opml_feed_free);
	g_autofree char *doc = NULL;

	g_ptr_array_add(feeds, fw_opml_feed_new("A", "https://a.example/", NULL, "News/Argentina"));
	g_ptr_array_add(feeds, fw_opml_feed_new("B", "https://b.example/", "https://b.example/h", NULL));
	g_ptr_array_add(feeds, fw_opml_feed_new("C\x01", "https://c.example/?x=1&y=\"2\"", NULL, "News"));
	g_ptr_array_add(feeds, fw_opml_feed_new("D", "https://d.example/", NULL, "News/Argentina"));
	doc = fw_opml_write(feeds, NULL, 0);
	g_assert_cmpstr(doc, ==,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<opml version=\"2.0\">\n"
	    "  <head>\n"
	    "    <title>feedwatch feeds</title>\n"
	    "    <dateCreated>Thu, 01 Jan 1970 00:00:00 GMT</dateCreated>\n"
	    "    <docs>http://opml.org/spec2.opml</docs>\n"
	    "  </head>\n"
	    "  <body>\n"
	    "    <outline text=\"News\">\n"
	    "      <outline text=\"Argentina\">\n"
	    "        <outline type=\"rss\" text=\"A\" title=\"A\" xmlUrl=\"https://a.example/\"/>\n"
	    "        <outline type=\"rss\" text=\"D\" title=\"D\" xmlUrl=\"https://d.example/\"/>\n"
	    "      </outline>\n"
	    "      <outline type=\"rss\" text=\"C \" title=\"C \" "
	    "xmlUrl=\"https://c.example/?x=1&amp;y=&quot;2&quot;\"/>\n"
	    "    </outline>\n"
	    "    <outline type=\"rss\" text=\"B\" title=\"B\" xmlUrl=\"https://b.example/\" "
	    "htmlUrl=\"https://b.example/h\"/>\n"
	    "  </body>\n"
	    "</opml>\n");
}

struct name_case {
	const char *title, *url;
	const char *expected;
};

static const struct name_case name_cases[] = {
	{ "The American Conservative", NULL, "the-american-conservative" },
	{ "Página/12 — Economía", NULL, "pagina-12-economia" },
	{ "  ¡¡Hola!!  ", NULL, "hola" },
	{ "BA Times", NULL, "ba-times-3" },           /* ba-times and ba-times-2 are taken */
	{ "中文", "https://www.zhongwen.example/rss", "中文" },
	{ NULL, "https://www.batimes.example/feed", "batimes-example" },
	{ "!!!", "https://x.example/", "x-example" },
	{ NULL, NULL, "feed" },
	{ "", "not a url", "feed" },
	{ "A very long title that goes on and on about the economy of Argentina", NULL,
	  "a-very-long-title-that-goes-on-and-on" },
	{ "Averyveryveryveryveryveryveryveryverylongword", NULL,
	  "averyveryveryveryveryveryveryveryverylon" },
	{ "Taken", NULL, "taken-2" },
};

static void test_name(gconstpointer data)
{
	const struct name_case *c = data;
	g_autoptr(GHashTable) taken = g_hash_table_new(g_str_hash, g_str_equal);
	g_autofree char *name = NULL;

	g_hash_table_add(taken, (gpointer) "ba-times");
	g_hash_table_add(taken, (gpointer) "ba-times-2");
	g_hash_table_add(taken, (gpointer) "taken");
	name = fw_opml_feed_name(c->title, c->url, taken);
	if (strcmp(c->expected, "中文") == 0) {
		/* No ASCII letter in the title: the host it is. */
		g_assert_cmpstr(name, ==, "zhongwen-example");
		return;
	}
	g_assert_cmpstr(name, ==, c->expected);
	g_assert_cmpuint(strlen(name), <=, 40);
}

struct group_case {
	const char *title, *url, *site, *category, *name;
	const char *expected;
};

static const struct group_case group_cases[] = {
	{ "BA Times", "https://batimes.example/rss", "https://batimes.example/", "News/Argentina",
	  "ba-times",
	  "[feed ba-times]\nurl = https://batimes.example/rss\ntitle = BA Times\n"
	  "site = https://batimes.example/\ncategory = News/Argentina\n" },
	{ NULL, "https://x.example/", NULL, NULL, "x",
	  "[feed x]\nurl = https://x.example/\n" },
	{ "Issue #12 ; daily\nnews\t#hash", "https://y.example/", NULL, NULL, "y",
	  "[feed y]\nurl = https://y.example/\ntitle = Issue\u00a0#12\u00a0; daily news\u00a0#hash\n" },
	{ "#first;second", "https://z.example/", NULL, NULL, "z",
	  "[feed z]\nurl = https://z.example/\ntitle =#first;second\n" },
	{ "w", "https://w.example/", "https://w.example/", ";news/#1", "w",
	  "[feed w]\nurl = https://w.example/\ntitle = w\nsite = https://w.example/\n"
	  "category =;news/#1\n" },
};

static void test_group(gconstpointer data)
{
	const struct group_case *c = data;
	struct fw_opml_feed *f = fw_opml_feed_new(c->title, c->url, c->site, c->category);
	g_autofree char *text = fw_opml_config_group(f, c->name);

	g_assert_cmpstr(text, ==, c->expected);
	fw_opml_feed_free(f);
}

static void test_extras(void)
{
	static const char config[] =
		"[feedwatch]\n# site = https://not-a-feed.example/\n"
		"[feed a]\nurl = https://a.example/rss\n# site = https://a.example/\n"
		"#category = News/Argentina\n# a comment = not ours\n"
		"[feed b]\nurl = https://b.example/\nsite = https://b.example/home  # inline\n"
		"category=Tech\n  ; site = second one ignored\n"
		"[topic milei]\nquery = Milei\n# category = topic, not feed\n"
		"[feed c]\nurl = https://c.example/\nsite = #not a site\ncategory =#kept\n"
		"[ feed broken\n# site = x\n";
	g_autoptr(GHashTable) t = fw_opml_config_extras(config);
	const struct fw_opml_feed *a = g_hash_table_lookup(t, "a");
	const struct fw_opml_feed *b = g_hash_table_lookup(t, "b");
	const struct fw_opml_feed *c = g_hash_table_lookup(t, "c");

	g_assert_cmpuint(g_hash_table_size(t), ==, 3);
	g_assert_nonnull(a);
	g_assert_cmpstr(a->html_url, ==, "https://a.example/");
	g_assert_cmpstr(a->category, ==, "News/Argentina");
	g_assert_nonnull(b);
	g_assert_cmpstr(b->html_url, ==, "https://b.example/home");
	g_assert_cmpstr(b->category, ==, "Tech");
	g_assert_nonnull(c);
	g_assert_null(c->html_url);   /* "site = #..." is a comment */
	g_assert_cmpstr(c->category, ==, "#kept");
}

/* A group written by fw_opml_config_group is read back by fw_opml_config_extras. */
static void test_group_extras(gconstpointer data)
{
	const struct group_case *c = data;
	struct fw_opml_feed *f = fw_opml_feed_new(c->title, c->url, c->site, c->category);
	g_autofree char *text = fw_opml_config_group(f, c->name);
	g_autoptr(GHashTable) t = fw_opml_config_extras(text);
	const struct fw_opml_feed *got = g_hash_table_lookup(t, c->name);

	g_assert_nonnull(got);
	g_assert_cmpstr(got->html_url, ==, c->site);
	g_assert_cmpstr(got->category, ==, c->category);
	fw_opml_feed_free(f);
}

struct discover_case {
	const char *name, *page, *url;
	const char *found[4];
};

static const struct discover_case discover_cases[] = {
	{ "rss and atom, relative",
	  "<!doctype html><html><head><title>x</title>"
	  "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"RSS\" href=\"/feed/\">"
	  "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"atom.xml\">"
	  "<link rel=\"stylesheet\" href=\"style.css\"></head><body></body></html>",
	  "https://site.example/blog/post.html",
	  { "https://site.example/feed/", "https://site.example/blog/atom.xml" } },
	{ "base href, case, odd rel and type spellings",
	  "<HTML><HEAD><BASE HREF=\"https://cdn.example/x/\">"
	  "<LINK REL=\"Alternate nofollow\" TYPE=\"Application/RSS+XML; charset=utf-8\" HREF=\"rss\">"
	  "</HEAD></HTML>", "https://site.example/",
	  { "https://cdn.example/x/rss" } },
	{ "other alternates ignored, duplicates dropped, protocol-relative",
	  "<html><head>"
	  "<link rel=\"alternate\" type=\"text/html\" hreflang=\"es\" href=\"/es/\">"
	  "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"//feeds.example/main\">"
	  "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"https://feeds.example/main\">"
	  "<link rel=\"alternate\" type=\"application/feed+json\" href=\"/feed.json\">"
	  "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"javascript:alert(1)\">"
	  "<link rel=\"alternate\" type=\"application/rss+xml\">"
	  "<link rel=\"feed\" type=\"application/rss+xml\" href=\"/not-alternate\">"
	  "</head></html>", "https://www.example/",
	  { "https://feeds.example/main", "https://www.example/feed.json" } },
	{ "link in the body still counts, in page order",
	  "<html><body><div><div><link rel=alternate type=application/atom+xml href=/deep></div></div>"
	  "</body><head><link rel=alternate type=application/rss+xml href=/late></head></html>",
	  "http://127.0.0.1:8080/page",
	  { "http://127.0.0.1:8080/deep", "http://127.0.0.1:8080/late" } },
	{ "no feed", "<html><head><title>nothing</title></head></html>", "https://n.example/",
	  { NULL } },
	{ "not HTML at all", "\x01\x02 binary \xff\xfe", "https://n.example/", { NULL } },
	{ "empty", "", "https://n.example/", { NULL } },
	{ "relative without a page URL is dropped",
	  "<link rel=alternate type=application/rss+xml href=/feed>"
	  "<link rel=alternate type=application/rss+xml href=https://abs.example/feed>", NULL,
	  { "https://abs.example/feed" } },
};

static void test_discover(gconstpointer data)
{
	const struct discover_case *c = data;
	g_autoptr(GPtrArray) found = fw_opml_discover(c->page, strlen(c->page), c->url);
	guint n = 0;

	while (n < 4 && c->found[n])
		n++;
	for (guint i = 0; i < found->len && i < n; i++)
		g_assert_cmpstr(found->pdata[i], ==, c->found[i]);
	g_assert_cmpuint(found->len, ==, n);
}

/* A page nested far deeper than any recursion could take. */
static void test_discover_deep(void)
{
	GString *s = g_string_new("<html><body>");
	g_autoptr(GPtrArray) found = NULL;

	for (int i = 0; i < 100000; i++)
		g_string_append(s, "<div>");
	g_string_append(s, "<link rel=alternate type=application/rss+xml href=/deep-feed>");
	found = fw_opml_discover(s->str, s->len, "https://deep.example/");
	g_assert_cmpuint(found->len, <=, 1);
	g_string_free(s, TRUE);
}

static void test_too_large(void)
{
	g_autoptr(GPtrArray) feeds = g_ptr_array_new_with_free_func((GDestroyNotify)fw_opml_feed_free);
	g_autoptr(GError) err = NULL;

	g_assert_false(fw_opml_parse("<opml/>", FW_OPML_MAX_SIZE + 1, feeds, NULL, NULL, &err));
	g_assert_error(err, FW_OPML_ERROR, FW_OPML_ERROR_HOSTILE);
}

/* A parse error quotes the document's names (libxml2's message): what
 * reaches the user holds no control nor bidi control, and is valid UTF-8. */
static void test_error_message(void)
{
	static const char doc[] = HEAD "<outline text=\"a\"><x\xD8\x9Cy></x\xE2\x80\xAEz></outline>" TAIL;
	g_autoptr(GPtrArray) feeds = g_ptr_array_new_with_free_func((GDestroyNotify)fw_opml_feed_free);
	g_autoptr(GError) err = NULL;
	guint skipped = 0;

	g_assert_false(fw_opml_parse(doc, sizeof doc - 1, feeds, NULL, &skipped, &err));
	g_assert_error(err, FW_OPML_ERROR, FW_OPML_ERROR_NOT_XML);
	g_test_message("%s", err->message);
	g_assert_true(g_utf8_validate(err->message, -1, NULL));
	g_assert_null(strstr(err->message, "\xD8\x9C"));
	g_assert_null(strstr(err->message, "\xE2\x80\xAE"));
	g_assert_nonnull(strchr(err->message, '?'));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	for (gsize i = 0; i < G_N_ELEMENTS(parse_cases); i++) {
		g_autofree char *name = g_strdup_printf("/opml/parse/%zu", i);
		g_autofree char *rt = g_strdup_printf("/opml/round-trip/%zu", i);
		g_test_add_data_func(name, &parse_cases[i], test_parse);
		g_test_add_data_func(rt, &parse_cases[i], test_round_trip);
	}
	g_test_add_func("/opml/write/nesting", test_write_nesting);
	g_test_add_func("/opml/error-message", test_error_message);
	g_test_add_func("/opml/parse/too-large", test_too_large);
	for (gsize i = 0; i < G_N_ELEMENTS(name_cases); i++) {
		g_autofree char *name = g_strdup_printf("/opml/name/%zu", i);
		g_test_add_data_func(name, &name_cases[i], test_name);
	}
	for (gsize i = 0; i < G_N_ELEMENTS(group_cases); i++) {
		g_autofree char *name = g_strdup_printf("/opml/group/%zu", i);
		g_autofree char *ex = g_strdup_printf("/opml/group-extras/%zu", i);
		g_test_add_data_func(name, &group_cases[i], test_group);
		g_test_add_data_func(ex, &group_cases[i], test_group_extras);
	}
	g_test_add_func("/opml/extras", test_extras);
	for (gsize i = 0; i < G_N_ELEMENTS(discover_cases); i++) {
		g_autofree char *name = g_strdup_printf("/opml/discover/%zu", i);
		g_test_add_data_func(name, &discover_cases[i], test_discover);
	}
	g_test_add_func("/opml/discover/deep", test_discover_deep);
	return g_test_run();
}
