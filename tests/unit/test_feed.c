/* Unit tests for feed.c: documents in, normalised items out, as a data table
 * (Liferea's parse_rss.c style). A row names the document (inline or a
 * fixture file), the base URL and Content-Type it came with, and what one of
 * its items must look like. NULL expectations are not checked; "(null)"
 * means the field must be NULL. */
#include <string.h>

#include "feedwatch/feed.h"

#define NOERR -1
#define ANY G_MAXUINT

struct feed_row {
	const char *name;
	const char *xml;          /* the document, or NULL to read file */
	gssize len;               /* -1: NUL-terminated */
	const char *file;         /* under tests/fixtures/ */
	const char *base_url;
	const char *content_type;
	int error;                /* FW_FEED_ERROR_* or NOERR */
	const char *error_has;    /* substring of the error message */
	gboolean degraded;
	guint n_items;            /* ANY: not checked */
	guint item;               /* which item the fields below describe */
	const char *id, *title, *link;
	const char *published;    /* RFC 3339 UTC, "(null)" for none */
	const char *author;
	const char *categories;   /* joined with '|' */
	const char *summary_has, *content_has;
	const char *absent;       /* must not occur in any field of any item */
	const char *feed_title;
	gint64 ttl;               /* 0: not checked */
};

/* ---- documents ---- */

#define RSS_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" " \
	"xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" " \
	"xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:atom=\"http://www.w3.org/2005/Atom\">" \
	"<channel><title>Chan</title><link>https://news.example.org/</link>"
#define RSS_TAIL "</channel></rss>"
#define RSS(items) RSS_HEAD items RSS_TAIL

#define ATOM_HEAD "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" \
	"<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Atom Feed</title><id>tag:x,2024:f</id>"
#define ATOM(entries) ATOM_HEAD entries "</feed>"

#define RDF(items) "<?xml version=\"1.0\"?>\n<rdf:RDF " \
	"xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\" " \
	"xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel rdf:about=\"https://r.example.org/\">" \
	"<title>RDF Feed</title><link>https://r.example.org/</link><description>d</description>" \
	"</channel>" items "</rdf:RDF>"

/* corpus dialect 1: WordPress RSS 2.0 with CDATA */
static const char wp_doc[] = RSS(
	"<item><title>China&#8217;s swap line &#8211; and Milei</title>"
	"<link>https://news.example.org/1/story</link>"
	"<pubDate>Tue, 26 Nov 2024 05:05:00 +0000</pubDate>"
	"<dc:creator><![CDATA[Desk 3]]></dc:creator>"
	"<category><![CDATA[Foreign Affairs]]></category><category><![CDATA[Argentina]]></category>"
	"<guid isPermaLink=\"false\">https://news.example.org/?p=1</guid>"
	"<description><![CDATA[Short summary [&#8230;]]]></description>"
	"<content:encoded><![CDATA[<p>First <b>para</b>.</p>\n<p>President Javier "
	"Mi<em>lei</em>&nbsp;spoke.</p><script>var Milei = 1;</script>]]></content:encoded></item>"
	"<item><title>Second</title><link>https://news.example.org/2/story</link>"
	"<guid isPermaLink=\"false\">https://news.example.org/?p=2</guid></item>");

/* corpus dialect 2: Atom 1.0 with escaped HTML */
static const char atom_doc[] = ATOM(
	"<link rel=\"alternate\" href=\"https://a.example.org/\"/>"
	"<entry><id>tag:a.example.org,2024:entry-7</id>"
	"<title type=\"html\">Mercosur &amp;amp; the &lt;em&gt;bloc&lt;/em&gt;</title>"
	"<link rel=\"self\" href=\"https://a.example.org/self/7\"/>"
	"<link rel=\"alternate\" href=\"https://a.example.org/7/story\"/>"
	"<published>2024-11-26T05:05:00+00:00</published><updated>2024-11-27T00:00:00Z</updated>"
	"<author><name>Desk 4</name><email>d4@a.example.org</email></author>"
	"<category term=\"economy\"/><category term=\"trade\" label=\"Trade\"/>"
	"<summary type=\"html\">&lt;p&gt;The Mercado Com&#250;n del Sur&lt;/p&gt;</summary>"
	"<content type=\"html\">&lt;p&gt;Para one.&lt;/p&gt;&lt;p&gt;Para&amp;nbsp;two.&lt;/p&gt;</content>"
	"</entry>");

/* corpus dialect 3: RSS 1.0 (RDF) with dc:date */
static const char rdf_doc[] = RDF(
	"<item rdf:about=\"https://r.example.org/5/story\"><title>Beijing &amp; swaps</title>"
	"<link>https://r.example.org/5/story</link><dc:date>2024-11-26T05:05:00Z</dc:date>"
	"<dc:subject>Asia</dc:subject>"
	"<description>&lt;p&gt;Chinese swap&lt;/p&gt; agreement</description></item>");

/* corpus dialect 4: RSS 2.0 with entity-escaped HTML and no guid */
static const char escaped_doc[] = RSS(
	"<item><title>Milei &amp; Lula</title><link>https://news.example.org/9/story</link>"
	"<pubDate>Tue, 26 Nov 2024 02:05:00 +0000</pubDate>"
	"<dc:creator><![CDATA[Desk 5]]></dc:creator>"
	"<description>&lt;p&gt;The Trump-Milei meeting&lt;/p&gt;\n&lt;p&gt;Second &amp;amp; "
	"last.&lt;/p&gt;</description></item>");

/* corpus dialect 5: ISO-8859-1 RSS 2.0 with &#...; references */
static const char latin1_doc[] =
	"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<rss version=\"2.0\"><channel>"
	"<title>Noticias</title><link>https://es.example.org</link>"
	"<item><title>Reuni\xE3o do Mercosul em S\xE3o Paulo</title>"
	"<link>https://es.example.org/3/story</link>"
	"<description>&lt;p&gt;Mercado Com\xFAn del Sur &#8212; la inflaci\xF3n&lt;/p&gt;</description>"
	"</item></channel></rss>";

/* Windows-1252 bytes (smart quotes) labelled ISO-8859-1 */
static const char cp1252_doc[] =
	"<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss version=\"2.0\"><channel><title>c</title>"
	"<item><title>\x93Quoted\x94 \x96 Milei\x92s</title><link>https://w.example.org/1</link></item>"
	"</channel></rss>";

/* UTF-8 bytes labelled ISO-8859-1: valid UTF-8 wins */
static const char mislabel_doc[] =
	"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><title>m</title>"
	"<item><title>Mercado Com\xC3\xBAn</title><link>https://w.example.org/2</link></item>"
	"</channel></rss>";

/* invalid UTF-8 labelled UTF-8: the bad bytes read as Windows-1252 */
static const char badutf8_doc[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>b</title>"
	"<item><title>Com\xFAn and \xE2\x80\x9C" "fine\xE2\x80\x9D</title><link>https://w.example.org/3</link></item>"
	"</channel></rss>";

/* UTF-16LE with BOM: "<rss version="2.0"><channel><item><title>Ça</title><link>https://u.example.org/</link></item></channel></rss>" */
#define U16(c) c "\0"
static const char utf16_doc[] = "\xFF\xFE"
	U16("<") U16("r") U16("s") U16("s") U16(">") U16("<") U16("c") U16("h") U16("a") U16("n")
	U16("n") U16("e") U16("l") U16(">") U16("<") U16("i") U16("t") U16("e") U16("m") U16(">")
	U16("<") U16("t") U16("i") U16("t") U16("l") U16("e") U16(">") "\xC7\0" U16("a")
	U16("<") U16("/") U16("t") U16("i") U16("t") U16("l") U16("e") U16(">")
	U16("<") U16("g") U16("u") U16("i") U16("d") U16(">") U16("g") U16("1")
	U16("<") U16("/") U16("g") U16("u") U16("i") U16("d") U16(">")
	U16("<") U16("/") U16("i") U16("t") U16("e") U16("m") U16(">")
	U16("<") U16("/") U16("c") U16("h") U16("a") U16("n") U16("n") U16("e") U16("l") U16(">")
	U16("<") U16("/") U16("r") U16("s") U16("s") U16(">");

/* xml:base, nested, on feed, entry and link */
static const char base_doc[] =
	"<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"https://b.example.org/blog/\">"
	"<title>Base</title><entry xml:base=\"2024/\"><id>e1</id><title>t</title>"
	"<link href=\"post.html\"/></entry>"
	"<entry><id>e2</id><title>t2</title><link xml:base=\"/root/\" href=\"x?a=1&amp;b=2\"/></entry>"
	"<entry><id>e3</id><title>t3</title><link href=\"//cdn.example.org/p\"/></entry></feed>";

/* a javascript: base must not produce a link */
static const char jsbase_doc[] =
	"<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"javascript:alert(1)//\">"
	"<title>JS</title><entry><id>j1</id><title>t</title><link href=\"/x\"/></entry></feed>";

/* bad links: javascript:, data:, file:, relative without base */
static const char badlinks_doc[] = RSS(
	"<item><title>js</title><link>javascript:alert(1)</link><guid>g-js</guid></item>"
	"<item><title>data</title><link>data:text/html,hi</link><guid>g-data</guid></item>"
	"<item><title>file</title><link>file:///etc/passwd</link><guid>g-file</guid></item>"
	"<item><title>rel</title><link>/relative/path</link><guid>g-rel</guid></item>"
	"<item><title>spaces</title><link>  https://news.example.org/a b  </link><guid>g-sp</guid></item>"
	"<item><title>FTP</title><link>ftp://news.example.org/x</link><guid>g-ftp</guid></item>");

/* undeclared HTML entities in XML text */
static const char entities_doc[] = RSS(
	"<item><title>A&nbsp;B &amp; C&hellip; Milei&rsquo;s &copy;</title>"
	"<link>https://e.example.org/1</link>"
	"<description>x &amp;amp; y &amp;#8217; z &unknownent; AT&amp;T AT&T</description></item>");

/* XXE via an external entity: refused before libxml2 sees it */
static const char xxe_doc[] =
	"<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
	"<rss version=\"2.0\"><channel><title>x</title><item><title>&xxe;</title>"
	"<description>&xxe;</description><link>https://x.example.org/</link></item></channel></rss>";

/* XXE via an external DTD and a parameter entity */
static const char xxe_dtd_doc[] =
	"<?xml version=\"1.0\"?><!DOCTYPE rss SYSTEM \"file:///etc/passwd\">"
	"<rss version=\"2.0\"><channel><title>x</title><item><title>t &passwd;</title>"
	"<link>https://x.example.org/</link></item></channel></rss>";

static const char laughs_doc[] =
	"<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
	"<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
	"<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
	"<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">"
	"<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">"
	"<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">"
	"<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">"
	"<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">"
	"<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">]>"
	"<rss version=\"2.0\"><channel><item><title>&lol9;</title></item></channel></rss>";

static const char html_page[] =
	"<!DOCTYPE html>\n<html><head><title>News</title>"
	"<link rel=\"alternate\" type=\"application/rss+xml\" title=\"RSS\" href=\"/feed/\">"
	"<meta charset=utf-8></head><body><p>Hello<br></body></html>";

static const char html_nolink[] =
	"<html><head><title>Not found</title></head><body>404 &nbsp; gone<br></body></html>";

static const char truncated_doc[] = RSS_HEAD
	"<item><title>Complete A&nbsp;B &amp; C</title><link>https://t.example.org/1</link></item>"
	"<item><title>Cut off";

static const char mismatch_doc[] = RSS(
	"<item><title>Before</title><link>https://t.example.org/a</link></item>"
	"<item><title>Bad <b>tag</i> x</title><link>https://t.example.org/b</link></item>"
	"<item><title>After &amp; A&nbsp;B</title><link>https://t.example.org/c</link></item>");

/* id precedence */
static const char idlink_doc[] = RSS(
	"<item><title>No guid</title><link>https://i.example.org/only-link</link></item>");
static const char idhash_doc[] = RSS(
	"<item><title>Only a title</title><description>and text</description></item>");
static const char permalink_doc[] = RSS(
	"<item><title>Guid is the link</title><guid>https://i.example.org/perma</guid></item>"
	"<item><title>Not a permalink</title><guid isPermaLink=\"false\">https://i.example.org/np</guid></item>");

/* Atom text constructs */
static const char xhtml_doc[] = ATOM(
	"<entry><id>x1</id><title type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">"
	"Mi<b>lei</b> &amp; <i>co</i></div></title>"
	"<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><p>One</p><p>Two &lt;3</p>"
	"</div></content></entry>"
	"<entry><id>x2</id><title type=\"text\">Use &lt;b&gt; tags</title>"
	"<content type=\"text\">a &lt;p&gt; b</content></entry>"
	"<entry><id>x3</id><title>Out of line</title><content src=\"https://o.example.org/c\"/></entry>");

static const char atom03_doc[] =
	"<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\"><title>Old</title>"
	"<entry><id>tag:old,2004:1</id><title>Old entry</title>"
	"<link rel=\"alternate\" type=\"text/html\" href=\"https://old.example.org/1\"/>"
	"<issued>2004-05-06T07:08:09Z</issued><modified>2004-05-07T00:00:00Z</modified>"
	"<author><name>Ancient</name></author>"
	"<content type=\"text/html\" mode=\"escaped\">&lt;p&gt;Old &lt;b&gt;content&lt;/b&gt;&lt;/p&gt;</content>"
	"</entry></feed>";

static const char rss091_doc[] =
	"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
	"<!DOCTYPE rss PUBLIC \"-//Netscape Communications//DTD RSS 0.91//EN\" "
	"\"http://my.netscape.com/publish/formats/rss-0.91.dtd\">\n"
	"<rss version=\"0.91\"><channel><title>Ninety-one</title><link>http://n.example.org/</link>"
	"<item><title>Caf&eacute; item</title><link>http://n.example.org/1</link>"
	"<description>Old &amp; simple</description></item></channel></rss>";

static const char ttl_doc[] =
	"<rss version=\"2.0\"><channel><title>T</title><ttl>30</ttl>"
	"<item><title>t</title><link>https://t.example.org/</link></item></channel></rss>";

static const char sy_doc[] =
	"<rss version=\"2.0\" xmlns:sy=\"http://purl.org/rss/1.0/modules/syndication/\"><channel>"
	"<title>S</title><sy:updatePeriod>daily</sy:updatePeriod><sy:updateFrequency>4</sy:updateFrequency>"
	"<item><title>t</title><link>https://t.example.org/</link></item></channel></rss>";

static const char authors_doc[] = RSS(
	"<item><title>a</title><link>https://a.example.org/1</link>"
	"<author>jane@example.org (Jane Doe)</author></item>"
	"<item><title>b</title><link>https://a.example.org/2</link>"
	"<dc:creator>One</dc:creator><dc:creator>Two</dc:creator><author>x@y (Other)</author></item>");

static const char cats_doc[] = RSS(
	"<item><title>c</title><link>https://c.example.org/1</link>"
	"<category>Politics</category><category domain=\"x\">Economy &amp; Trade</category>"
	"<category>Politics</category><category>   </category>"
	"<atom:category term=\"atomcat\"/><dc:subject>Subject</dc:subject></item>");

static const char whitespace_doc[] =
	"\n\n  <?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>w</title>"
	"<item><title>\n\t  Spaced   out\n </title><guid>  g-ws  </guid></item></channel></rss>";

static const char controls_doc[] = RSS(
	"<item><title>ctl\x01" "char\x0B" "here</title><link>https://c.example.org/ctl</link></item>");

static const char opml_doc[] = "<?xml version=\"1.0\"?><opml version=\"2.0\"><body/></opml>";

static const char json_doc[] = "{\"version\": \"https://jsonfeed.org/version/1.1\"}";

static const char empty_doc[] = "";

static const char lt_doc[] = RSS(
	"<item><title>1 < 2 and AT&T</title><link>https://l.example.org/1</link></item>");

static const char dcdate_doc[] = RSS(
	"<item><title>d</title><link>https://d.example.org/1</link>"
	"<dc:date>2024-11-26T05:05:00-03:00</dc:date></item>");

static const char nodate_doc[] = RSS(
	"<item><title>d</title><link>https://d.example.org/2</link><pubDate>sometime</pubDate></item>");

static const char relative_rss_doc[] = RSS(
	"<item><title>r</title><link>/2024/11/story</link></item>");

static const char summary_itunes_doc[] =
	"<rss version=\"2.0\" xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\"><channel>"
	"<item><title>ep</title><guid>ep1</guid><itunes:summary>Podcast &amp; talk</itunes:summary>"
	"<itunes:author>Host</itunes:author>"
	"<enclosure url=\"https://p.example.org/ep1.mp3\" type=\"audio/mpeg\" length=\"1\"/>"
	"</item></channel></rss>";

static const char unescaped_html_doc[] = RSS(
	"<item><title>u</title><link>https://u.example.org/1</link>"
	"<description><p>Para <b>one</b></p><p>two</p></description></item>");

/* ---- the table ---- */

static const struct feed_row rows[] = {
	{ "tac", NULL, 0, "tac-feed.xml", "https://www.theamericanconservative.com/feed/", "application/rss+xml; charset=UTF-8",
	  NOERR, NULL, FALSE, 1, 0,
	  "https://www.theamericanconservative.com/?p=241207", "The Limits to a Trump-Milei Alignment",
	  "https://www.theamericanconservative.com/the-limits-to-a-trump-milei-alignment/",
	  "2024-11-26T05:05:00Z", "Staff", "Foreign Affairs|Argentina|Javier Milei",
	  "There are fundamental tensions", "Argentina’s President Javier Milei", "<p>",
	  "The American Conservative", 3600 },
	{ "wp", wp_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 2, 0,
	  "https://news.example.org/?p=1", "China’s swap line – and Milei", "https://news.example.org/1/story",
	  "2024-11-26T05:05:00Z", "Desk 3", "Foreign Affairs|Argentina", "Short summary […]",
	  "First para. President Javier Milei spoke.", "var Milei", "Chan", 0 },
	{ "wp-second", wp_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 2, 1,
	  "https://news.example.org/?p=2", "Second", "https://news.example.org/2/story",
	  "(null)", "(null)", "", NULL, NULL, NULL, NULL, 0 },
	{ "atom", atom_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 1, 0,
	  "tag:a.example.org,2024:entry-7", "Mercosur & the bloc", "https://a.example.org/7/story",
	  "2024-11-26T05:05:00Z", "Desk 4", "economy|trade", "The Mercado Común del Sur",
	  "Para one. Para two.", "&lt;", "Atom Feed", 0 },
	{ "rdf", rdf_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 1, 0,
	  "https://r.example.org/5/story", "Beijing & swaps", "https://r.example.org/5/story",
	  "2024-11-26T05:05:00Z", "(null)", "Asia", "Chinese swap agreement", NULL, "<p>", "RDF Feed", 0 },
	{ "escaped", escaped_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 1, 0,
	  "https://news.example.org/9/story", "Milei & Lula", "https://news.example.org/9/story",
	  "2024-11-26T02:05:00Z", "Desk 5", "", "The Trump-Milei meeting Second & last.", NULL, "&amp;",
	  NULL, 0 },
	{ "latin1", latin1_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 1, 0,
	  "https://es.example.org/3/story", "Reunião do Mercosul em São Paulo", NULL, "(null)", NULL, NULL,
	  "Mercado Común del Sur — la inflación", NULL, NULL, "Noticias", 0 },
	{ "cp1252-labelled-latin1", cp1252_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 1, 0,
	  NULL, "“Quoted” – Milei’s", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "utf8-labelled-latin1", mislabel_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 1, 0,
	  NULL, "Mercado Común", NULL, NULL, NULL, NULL, NULL, NULL, "Ã", NULL, 0 },
	{ "bad-utf8", badutf8_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 1, 0,
	  NULL, "Común and “fine”", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "http-charset", latin1_doc + 44, -1, NULL, NULL, "text/xml; charset=iso-8859-1", NOERR, NULL, FALSE, 1, 0,
	  NULL, "Reunião do Mercosul em São Paulo", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "utf16-bom", utf16_doc, sizeof utf16_doc - 1, NULL, NULL, NULL, NOERR, NULL, FALSE, 1, 0,
	  "g1", "Ça", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "xml-base-nested", base_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 3, 0,
	  "e1", NULL, "https://b.example.org/blog/2024/post.html", NULL, NULL, NULL, NULL, NULL, NULL, "Base", 0 },
	{ "xml-base-absolute-path", base_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 3, 1,
	  "e2", NULL, "https://b.example.org/root/x?a=1&b=2", NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "xml-base-scheme-relative", base_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 3, 2,
	  "e3", NULL, "https://cdn.example.org/p", NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "xml-base-javascript", jsbase_doc, -1, NULL, "https://ok.example.org/feed", NULL, NOERR, NULL, FALSE, 1, 0,
	  "j1", NULL, "(null)", NULL, NULL, NULL, NULL, NULL, "javascript", NULL, 0 },
	{ "link-javascript", badlinks_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 6, 0,
	  "g-js", NULL, "(null)", NULL, NULL, NULL, NULL, NULL, "javascript:", NULL, 0 },
	{ "link-data", badlinks_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 6, 1,
	  "g-data", NULL, "(null)", NULL, NULL, NULL, NULL, NULL, "data:", NULL, 0 },
	{ "link-file", badlinks_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 6, 2,
	  "g-file", NULL, "(null)", NULL, NULL, NULL, NULL, NULL, "file:", NULL, 0 },
	{ "link-relative-no-base", badlinks_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 6, 3,
	  "g-rel", NULL, "(null)", NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "link-spaces", badlinks_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 6, 4,
	  "g-sp", NULL, "https://news.example.org/a%20b", NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "link-ftp", badlinks_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 6, 5,
	  "g-ftp", NULL, "(null)", NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "link-relative-base-url", relative_rss_doc, -1, NULL, "https://rel.example.org/feed/", NULL,
	  NOERR, NULL, FALSE, 1, 0, "https://rel.example.org/2024/11/story", NULL,
	  "https://rel.example.org/2024/11/story", NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "link-relative-file-base", relative_rss_doc, -1, NULL, "file:///tmp/feed.xml", NULL,
	  NOERR, NULL, FALSE, 1, 0, NULL, NULL, "(null)", NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "entities", entities_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 1, 0,
	  NULL, "A B & C… Milei’s ©", NULL, NULL, NULL, NULL,
	  "x & y ’ z &unknownent; AT&T AT&T", NULL, NULL, NULL, 0 },
	{ "xxe-internal-subset", xxe_doc, -1, NULL, NULL, NULL, FW_FEED_ERROR_HOSTILE,
	  "feed declares entities", FALSE, ANY, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "xxe-external-dtd", xxe_dtd_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 1, 0,
	  NULL, "t &passwd;", NULL, NULL, NULL, NULL, NULL, NULL, "root:", NULL, 0 },
	{ "billion-laughs", laughs_doc, -1, NULL, NULL, NULL, FW_FEED_ERROR_HOSTILE,
	  "feed declares entities", FALSE, ANY, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "html-page-with-feed-link", html_page, -1, NULL, "https://site.example.org/news/", "text/html",
	  FW_FEED_ERROR_NOT_FEED, "not a feed: text/html (it links to a feed: https://site.example.org/feed/)",
	  FALSE, ANY, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "html-page", html_nolink, -1, NULL, NULL, NULL, FW_FEED_ERROR_NOT_FEED, "not a feed: text/html",
	  FALSE, ANY, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "opml", opml_doc, -1, NULL, NULL, NULL, FW_FEED_ERROR_NOT_FEED, "<opml>",
	  FALSE, ANY, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "json", json_doc, -1, NULL, NULL, NULL, FW_FEED_ERROR_NOT_XML, "not XML",
	  FALSE, ANY, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "empty", empty_doc, -1, NULL, NULL, NULL, FW_FEED_ERROR_NOT_XML, NULL,
	  FALSE, ANY, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "truncated", truncated_doc, -1, NULL, NULL, NULL, NOERR, NULL, TRUE, ANY, 0,
	  "https://t.example.org/1", "Complete A B & C", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "mismatch-recover-keeps-entities", mismatch_doc, -1, NULL, NULL, NULL, NOERR, NULL, TRUE, ANY, 2,
	  "https://t.example.org/c", "After & A B", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "id-from-link", idlink_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 1, 0,
	  "https://i.example.org/only-link", NULL, "https://i.example.org/only-link",
	  NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "id-hash", idhash_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 1, 0,
	  "sha1:", "Only a title", "(null)", NULL, NULL, NULL, "and text", NULL, NULL, NULL, 0 },
	{ "guid-permalink", permalink_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 2, 0,
	  "https://i.example.org/perma", NULL, "https://i.example.org/perma", NULL, NULL, NULL,
	  NULL, NULL, NULL, NULL, 0 },
	{ "guid-not-permalink", permalink_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 2, 1,
	  "https://i.example.org/np", NULL, "(null)", NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "atom-xhtml", xhtml_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 3, 0,
	  "x1", "Milei & co", NULL, NULL, NULL, NULL, NULL, "One Two <3", NULL, NULL, 0 },
	{ "atom-text", xhtml_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 3, 1,
	  "x2", "Use <b> tags", NULL, NULL, NULL, NULL, NULL, "a <p> b", NULL, NULL, 0 },
	{ "atom-content-src", xhtml_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 3, 2,
	  "x3", "Out of line", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "atom03", atom03_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 1, 0,
	  "tag:old,2004:1", "Old entry", "https://old.example.org/1", "2004-05-06T07:08:09Z", "Ancient",
	  NULL, NULL, "Old content", NULL, "Old", 0 },
	{ "rss091-doctype", rss091_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 1, 0,
	  "http://n.example.org/1", "Café item", "http://n.example.org/1", NULL, NULL, NULL,
	  "Old & simple", NULL, NULL, "Ninety-one", 0 },
	{ "ttl", ttl_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 1, 0,
	  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1800 },
	{ "sy-update", sy_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 1, 0,
	  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 21600 },
	{ "rss-author-email-name", authors_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 2, 0,
	  NULL, NULL, NULL, NULL, "Jane Doe", NULL, NULL, NULL, NULL, NULL, 0 },
	{ "dc-creators", authors_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 2, 1,
	  NULL, NULL, NULL, NULL, "One, Two", NULL, NULL, NULL, NULL, NULL, 0 },
	{ "categories", cats_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 1, 0,
	  NULL, NULL, NULL, NULL, NULL, "Politics|Economy & Trade|atomcat|Subject", NULL, NULL, NULL, NULL, 0 },
	{ "leading-whitespace", whitespace_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 1, 0,
	  "g-ws", "Spaced out", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "control-chars", controls_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 1, 0,
	  NULL, "ctl char here", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "stray-lt-amp", lt_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 1, 0,
	  NULL, "1 < 2 and AT&T", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "dc-date", dcdate_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 1, 0,
	  NULL, NULL, NULL, "2024-11-26T08:05:00Z", NULL, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "bad-date", nodate_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 1, 0,
	  NULL, NULL, NULL, "(null)", NULL, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "itunes", summary_itunes_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 1, 0,
	  "ep1", "ep", "(null)", NULL, "Host", NULL, "Podcast & talk", NULL, NULL, NULL, 0 },
	{ "unescaped-html-description", unescaped_html_doc, -1, NULL, NULL, NULL, NOERR, NULL, FALSE, 1, 0,
	  NULL, NULL, NULL, NULL, NULL, NULL, "Para one two", NULL, NULL, NULL, 0 },
};

/* Reads a fixture file (relative to the source tree). */
static char *read_fixture(const char *name, gsize *len)
{
	g_autofree char *dir = g_path_get_dirname(__FILE__);
	g_autofree char *path = g_build_filename(dir, "..", "fixtures", name, NULL);
	char *data = NULL;
	g_autoptr(GError) e = NULL;

	if (!g_file_get_contents(path, &data, len, &e)) {
		g_autofree char *alt = g_test_build_filename(G_TEST_DIST, "..", "fixtures", name, NULL);
		g_clear_error(&e);
		if (!g_file_get_contents(alt, &data, len, &e))
			g_error("fixture %s: %s", name, e->message);
	}
	return data;
}

/* Checks a string field against an expectation ("(null)", or a prefix for
 * ids ending in ':' like "sha1:"). */
static void check_str(const char *field, const char *got, const char *want)
{
	if (!want)
		return;
	if (strcmp(want, "(null)") == 0) {
		if (got)
			g_test_message("%s: expected NULL, got \"%s\"", field, got);
		g_assert_null(got);
		return;
	}
	g_assert_nonnull(got);
	g_assert_true(g_utf8_validate(got, -1, NULL));
	if (g_str_has_suffix(want, ":") && g_str_has_prefix(got, want))
		return;
	if (strcmp(got, want) != 0)
		g_test_message("%s: expected \"%s\", got \"%s\"", field, want, got);
	g_assert_cmpstr(got, ==, want);
}

/* Checks that a field contains a substring. */
static void check_has(const char *field, const char *got, const char *want)
{
	if (!want)
		return;
	g_assert_nonnull(got);
	if (!strstr(got, want))
		g_test_message("%s: \"%s\" not in \"%.300s\"", field, want, got);
	g_assert_nonnull(strstr(got, want));
}

/* Asserts s does not contain bad. */
static void check_absent(const char *s, const char *bad)
{
	if (s && strstr(s, bad))
		g_test_message("\"%s\" found in \"%.300s\"", bad, s);
	g_assert_true(!s || !strstr(s, bad));
}

/* Every string of an item is valid UTF-8 and id is set. */
static void check_item_sane(const struct fw_item *it)
{
	g_assert_nonnull(it->id);
	g_assert_cmpstr(it->id, !=, "");
	const char *fields[] = { it->id, it->title, it->link, it->author, it->summary, it->content };
	for (gsize i = 0; i < G_N_ELEMENTS(fields); i++)
		g_assert_true(!fields[i] || g_utf8_validate(fields[i], -1, NULL));
	g_assert_nonnull(it->categories);
	for (guint i = 0; i < it->categories->len; i++)
		g_assert_true(g_utf8_validate(g_ptr_array_index(it->categories, i), -1, NULL));
	if (it->link)
		g_assert_true(g_str_has_prefix(it->link, "http://") || g_str_has_prefix(it->link, "https://"));
}

/* One row of the table. */
static void test_row(gconstpointer data)
{
	const struct feed_row *r = data;
	g_autofree char *file = NULL;
	g_autoptr(GError) error = NULL;
	const char *xml = r->xml;
	gsize len;

	if (r->file) {
		file = read_fixture(r->file, &len);
		xml = file;
	} else {
		len = r->len < 0 ? strlen(xml) : (gsize)r->len;
	}
	gint64 t0 = g_get_monotonic_time();
	struct fw_feed_doc *doc = fw_feed_parse(xml, len, r->base_url, r->content_type, &error);
	gint64 took = g_get_monotonic_time() - t0;
	g_assert_cmpint(took, <, 2 * G_USEC_PER_SEC);

	if (r->error != NOERR) {
		g_assert_null(doc);
		g_assert_error(error, FW_FEED_ERROR, r->error);
		if (r->error_has)
			check_has("error", error->message, r->error_has);
		return;
	}
	if (!doc)
		g_test_message("unexpected error: %s", error->message);
	g_assert_nonnull(doc);
	g_assert_no_error(error);
	g_assert_cmpint(doc->degraded, ==, r->degraded);
	if (r->degraded)
		g_assert_nonnull(doc->warning);
	if (r->n_items != ANY)
		g_assert_cmpuint(doc->items->len, ==, r->n_items);
	if (r->feed_title)
		g_assert_cmpstr(doc->title, ==, r->feed_title);
	if (r->ttl)
		g_assert_cmpint(doc->ttl, ==, r->ttl);
	for (guint i = 0; i < doc->items->len; i++) {
		const struct fw_item *it = g_ptr_array_index(doc->items, i);
		check_item_sane(it);
		if (r->absent) {
			check_absent(it->title, r->absent);
			check_absent(it->link, r->absent);
			check_absent(it->summary, r->absent);
			check_absent(it->content, r->absent);
			check_absent(it->author, r->absent);
		}
	}
	if (r->absent)
		check_absent(doc->link, r->absent);
	g_assert_cmpuint(doc->items->len, >, r->item);

	const struct fw_item *it = g_ptr_array_index(doc->items, r->item);
	check_str("id", it->id, r->id);
	check_str("title", it->title, r->title);
	check_str("link", it->link, r->link);
	check_str("author", it->author, r->author);
	check_has("summary", it->summary, r->summary_has);
	check_has("content", it->content, r->content_has);
	if (r->published) {
		if (strcmp(r->published, "(null)") == 0) {
			g_assert_true(it->published == FW_TIME_NONE);
		} else {
			g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601(r->published, NULL);
			g_assert_cmpint(it->published, ==, g_date_time_to_unix(dt));
		}
	}
	if (r->categories) {
		GString *joined = g_string_new(NULL);
		for (guint i = 0; i < it->categories->len; i++)
			g_string_append_printf(joined, "%s%s", i ? "|" : "",
			                       (char *)g_ptr_array_index(it->categories, i));
		g_assert_cmpstr(joined->str, ==, r->categories);
		g_string_free(joined, TRUE);
	}
	fw_feed_doc_free(doc);
}

/* Frees of NULL are no-ops; the same document parses to the same ids. */
static void test_misc(void)
{
	fw_feed_doc_free(NULL);
	fw_item_free(NULL);

	struct fw_feed_doc *a = fw_feed_parse(idhash_doc, strlen(idhash_doc), NULL, NULL, NULL);
	struct fw_feed_doc *b = fw_feed_parse(idhash_doc, strlen(idhash_doc), NULL, NULL, NULL);
	g_assert_nonnull(a);
	g_assert_nonnull(b);
	const struct fw_item *ia = g_ptr_array_index(a->items, 0);
	const struct fw_item *ib = g_ptr_array_index(b->items, 0);
	g_assert_cmpstr(ia->id, ==, ib->id);
	g_assert_cmpuint(strlen(ia->id), ==, 5 + 40);
	fw_feed_doc_free(a);
	fw_feed_doc_free(b);
}

/* A quadratic-blowup entity (one big entity used many times) is refused fast. */
static void test_quadratic(void)
{
	GString *s = g_string_new("<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY a \"");
	for (int i = 0; i < 50000; i++)
		g_string_append_c(s, 'a');
	g_string_append(s, "\">]><rss><channel><item><title>");
	for (int i = 0; i < 10000; i++)
		g_string_append(s, "&a;");
	g_string_append(s, "</title></item></channel></rss>");
	g_autoptr(GError) error = NULL;
	gint64 t0 = g_get_monotonic_time();
	struct fw_feed_doc *doc = fw_feed_parse(s->str, s->len, NULL, NULL, &error);
	g_assert_cmpint(g_get_monotonic_time() - t0, <, G_USEC_PER_SEC);
	g_assert_null(doc);
	g_assert_error(error, FW_FEED_ERROR, FW_FEED_ERROR_HOSTILE);
	g_string_free(s, TRUE);
}

/* Deep nesting fails cleanly (libxml2's depth limit), with no crash. */
static void test_deep(void)
{
	GString *s = g_string_new("<rss><channel><item><title>t</title><description>");
	for (int i = 0; i < 100000; i++)
		g_string_append(s, "<a>");
	g_string_append(s, "</description></item></channel></rss>");
	g_autoptr(GError) error = NULL;
	struct fw_feed_doc *doc = fw_feed_parse(s->str, s->len, NULL, NULL, &error);
	if (doc) {
		g_assert_true(doc->degraded);
		fw_feed_doc_free(doc);
	} else {
		g_assert_nonnull(error);
	}
	g_string_free(s, TRUE);
}

/* Huge content is capped: titles 4 KB, content 1 MB. */
static void test_caps(void)
{
	GString *s = g_string_new(RSS_HEAD "<item><title>");
	for (int i = 0; i < 2000; i++)
		g_string_append(s, "Milei ");
	g_string_append(s, "</title><guid>cap</guid><content:encoded>");
	for (int i = 0; i < 300000; i++)
		g_string_append(s, "word ");
	g_string_append(s, "</content:encoded></item>" RSS_TAIL);
	struct fw_feed_doc *doc = fw_feed_parse(s->str, s->len, NULL, NULL, NULL);
	g_assert_nonnull(doc);
	const struct fw_item *it = g_ptr_array_index(doc->items, 0);
	g_assert_cmpuint(strlen(it->title), <=, 4096);
	g_assert_cmpuint(strlen(it->title), >, 4000);
	g_assert_cmpuint(strlen(it->content), <=, 1024 * 1024);
	g_assert_cmpuint(strlen(it->content), >, 1000 * 1000);
	fw_feed_doc_free(doc);
	g_string_free(s, TRUE);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	for (gsize i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_autofree char *name = g_strdup_printf("/feed/row/%s", rows[i].name);
		g_test_add_data_func(name, &rows[i], test_row);
	}
	g_test_add_func("/feed/misc", test_misc);
	g_test_add_func("/feed/quadratic", test_quadratic);
	g_test_add_func("/feed/deep", test_deep);
	g_test_add_func("/feed/caps", test_caps);
	return g_test_run();
}
