/* Unit tests for the feed parser (fw_feed_parse, daemon/feed*.c):
 * documents in, normalised items out, as a data table (Liferea's
 * parse_rss.c style). A row names the document (inline or a
 * fixture file), the base URL and Content-Type it came with, and what one of
 * its items must look like. NULL expectations are not checked; "(null)"
 * means the field must be NULL. */
#include <string.h>

#include "feedwatch/feed.h"

#define NOERR 0
#define ERR(code) ((code) + 1)
#define ANY 0                  /* n_items not checked */
#define NO_ITEMS G_MAXUINT     /* n_items must be 0 */

struct feed_row {
	const char *name;
	const char *xml;          /* the document, or NULL to read file */
	gssize len;               /* <= 0: NUL-terminated */
	const char *file;         /* under tests/fixtures/ */
	const char *base_url;
	const char *content_type;
	int error;                /* ERR(FW_FEED_ERROR_*) or NOERR */
	const char *error_has;    /* substring of the error message */
	gboolean degraded;
	guint n_items;            /* ANY: not checked; NO_ITEMS: none */
	guint item;               /* which item the fields below describe */
	const char *id, *title, *link;
	const char *published;    /* RFC 3339 UTC, "(null)" for none */
	const char *author;
	const char *categories;   /* joined with '|' */
	const char *summary_has, *content_has;
	const char *absent;       /* must not occur in any field of any item */
	const char *feed_title;
	gint64 ttl;               /* 0: not checked */
	const char *feed_link;
	const char *updated;      /* RFC 3339 UTC, "(null)" for none */
	const char *content;      /* exact content, "(null)" for none */
	const char *summary;      /* exact summary, "(null)" for none */
	char *(*gen)(gsize *len); /* builds the document (instead of xml or file) */
	const char *warning_has;  /* substring of doc->warning */
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


/* ---- more documents (designated-initialiser rows below) ---- */

static const char json_basic[] =
	"{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"JSON &amp; Co\","
	" \"home_page_url\": \"https://j.example.org/\", \"items\": [{\"id\": \"j-1\","
	" \"url\": \"https://j.example.org/1\", \"title\": \"Milei\\u2019s plan\","
	" \"content_html\": \"<p>Mercosur <b>talks</b></p><p>end</p>\", \"summary\": \"Short\","
	" \"date_published\": \"2024-11-26T05:05:00Z\", \"date_modified\": \"2024-11-27T00:00:00Z\","
	" \"authors\": [{\"name\": \"Ana\"}, {\"name\": \"Bo\"}], \"tags\": [\"a\", \"b\", \"a\", 3]}]}";
static const char json_v10[] =
	"{\"version\": \"https://jsonfeed.org/version/1\", \"items\": [{\"id\": 42,"
	" \"content_text\": \"Plain <not a tag> text\", \"author\": {\"name\": \"Old\"},"
	" \"external_url\": \"https://ext.example.org/x\"}]}";
static const char json_noid[] =
	"{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": [{\"url\": \"/rel/1\", \"title\": \"r\"},"
	" {\"title\": \"only title\"}, {\"url\": \"javascript:alert(1)\", \"id\": \"js\"}, {}]}";
/* ESC sequences and bidi overrides in ids and titles; ids over int64 */
static const char json_escape_ids[] =
	"{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": ["
	"{\"id\": \"j\\u001b[31mX\\u001b]52;c;YQ==\\u0007\\u001b[2J\\u202e\", \"title\": \"evil \\u202etxt\"},"
	"{\"id\": \"\\u001b\\u009b\\u2066\", \"title\": \"ctl\"},"
	"{\"id\": 123456789012345678901234567890, \"title\": \"a\"},"
	"{\"id\": 123456789012345678901234567891, \"title\": \"b\"}]}";
/* C1 controls (U+009B CSI, U+009D OSC) in a guid, bidi overrides in text */
static const char c1_guid_doc[] =
	"<rss version=\"2.0\"><channel><item><guid>a\xC2\x9B" "1mb\xC2\x9D" "0;t\x07\xE2\x81\xA6" "c</guid>"
	"<title>Flip \xE2\x80\xAEgnp.exe</title><description>Sum &#x202E;rev</description>"
	"<category>a\xE2\x80\xAB" "b</category><author>Mallory\xE2\x81\xA9</author>"
	"</item></channel></rss>";
/* the same in texts longer than a 16-byte block: a bidi override across
 * a block's end, a C1 control at a block's start, two in a row, one last */
static const char c1_long_doc[] =
	"<rss version=\"2.0\"><channel><item><guid>0123456789abcd\xE2\x80\xAE" "efghijklmnopqrstuvwxyz</guid>"
	"<title>0123456789abcdef\xC2\x9B" "0123456789abcd\xE2\x81\xA6\xE2\x81\xA9" "ef 0123456789abcdef"
	"0123456789\xE2\x80\xAA</title>"
	"<description>&#xE9;t&#xE9; 0123456789 0123456789 0123456789 0123456789 &#x202E;r&#x202C;</description>"
	"</item></channel></rss>";
/* \u escapes json-glib misreads: lone surrogates (at a string's end, before
 * an escaped quote, before another escape, a low one alone), a pair, an
 * escaped backslash before "ud800", \u0000 in a title and in ids */
static const char json_surrogates[] =
	"{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": ["
	"{\"id\": \"s1\", \"title\": \"Milei emoji cut \\ud83d\"},"
	"{\"id\": \"s2\", \"title\": \"Milei innocent neighbour\"},"
	"{\"id\": \"s3\", \"title\": \"a \\uD800\\\"q\\\" b \\ud800\\u0041 c \\ud800\\n d\"},"
	"{\"id\": \"s4\", \"title\": \"lo \\udc00 x \\udfff\\ud800\"},"
	"{\"id\": \"s5\", \"title\": \"pair \\ud83d\\ude00 ok\"},"
	"{\"id\": \"s6\", \"title\": \"literal \\\\ud800 \\\\u0000 text\"}]}";
static const char json_nul[] =
	"{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": ["
	"{\"id\": \"x\\u0000a\", \"title\": \"Milei one\\u0000 hidden words\"},"
	"{\"id\": \"x\\u0000b\", \"title\": \"Milei two\"}]}";
/* r1: a lone surrogate at a string's end after ESC, OSC, BEL, CSI, C1 and a
 * bidi override: the old json-glib error quoted them raw, cut mid-character */
static const char json_error_escapes[] =
	"{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"J\",\"items\":[{\"id\":\"x\","
	"\"title\":\"Milei \x1b]0;PWNED\x07\x1b[31mRED\xc2\x9b" "1m\xe2\x80\xae \\ud800\","
	"\"url\":\"http://ex8.com/1\"}]}";
/* a JSON string cut off after control bytes: json-glib's message would quote it */
static const char json_error_raw[] =
	"{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{\"id\":\"x\","
	"\"title\":\"Milei \x1b]0;PWNED\x07\xc2\x9b\xe2\x80\xae\xd8\x9c\xe2\x80\x8f\x7f\x01\"x ]}";
/* libxml2's messages quote names and namespace URIs: U+061C (a name
 * character), C1, bidi overrides and marks, a message cut mid-character */
static const char xml_names_doc[] = RSS(
	"<item><guid>n1</guid><title>t</title><a\xD8\x9C" "b>x</a\xD8\x9C" "c></item>");
static const char xml_nsuri_doc[] =
	"<rss version=\"2.0\" xmlns:x=\"http://a/\xC2\x9B\xE2\x80\xAE\xE2\x80\x8F\x1B[31m\">"
	"<channel><item><guid>u1</guid></item></channel></rss></x>";
static const char xml_cut_doc[] = RSS(
	"<item><guid>c1</guid><a"
	"\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
	"\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
	"\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
	"\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
	"\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
	"\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
	"\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
	"\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
	"\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
	"\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
	">x</b></item>");
static const char json_plain[] = "{\"hello\": \"world\"}";
static const char json_broken[] = "{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": [";
static const char json_empty[] = "\xEF\xBB\xBF {\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": []}";

static const char pe_doc[] =
	"<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY % remote SYSTEM \"file:///etc/passwd\"> %remote;]>"
	"<rss version=\"2.0\"><channel><item><title>t</title></item></channel></rss>";

static const char subset_noent_doc[] =
	"<?xml version=\"1.0\"?><!DOCTYPE rss [<!ELEMENT rss ANY>]>"
	"<rss version=\"2.0\"><channel><item><title>Subset ok</title><guid>s1</guid></item></channel></rss>";

static const char xinclude_doc[] = RSS(
	"<item><title>xi</title><guid>xi</guid><description><xi:include "
	"xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"file:///etc/passwd\" parse=\"text\"/>after"
	"</description></item>");

static const char nul_doc[] = "<rss version=\"2.0\"><channel><item><title>nul\0byte</title>"
	"<guid>n1</guid></item></channel></rss>";

static const char utf16be_doc[] = "\xFE\xFF"
	"\0<\0r\0s\0s\0>\0<\0c\0h\0a\0n\0n\0e\0l\0>\0<\0i\0t\0e\0m\0>\0<\0t\0i\0t\0l\0e\0>"
	"\x04\x1C\x04\x38\x04\x3B\x04\x35\x04\x39"      /* Милей */
	"\0<\0/\0t\0i\0t\0l\0e\0>\0<\0g\0u\0i\0d\0>\0b\0e\0<\0/\0g\0u\0i\0d\0>"
	"\0<\0/\0i\0t\0e\0m\0>\0<\0/\0c\0h\0a\0n\0n\0e\0l\0>\0<\0/\0r\0s\0s\0>";

static const char utf16le_nobom_doc[] =
	"<\0?\0x\0m\0l\0 \0v\0e\0r\0s\0i\0o\0n\0=\0\"\0" "1\0.\0" "0\0\"\0?\0>\0"
	"<\0r\0s\0s\0>\0<\0c\0h\0a\0n\0n\0e\0l\0>\0<\0i\0t\0e\0m\0>\0<\0t\0i\0t\0l\0e\0>\0"
	"L\0E\0<\0/\0t\0i\0t\0l\0e\0>\0<\0g\0u\0i\0d\0>\0l\0e\0<\0/\0g\0u\0i\0d\0>\0"
	"<\0/\0i\0t\0e\0m\0>\0<\0/\0c\0h\0a\0n\0n\0e\0l\0>\0<\0/\0r\0s\0s\0>\0";

static const char utf8bom_doc[] = "\xEF\xBB\xBF\n<?xml version=\"1.0\" encoding=\"utf-8\"?>"
	"<rss version=\"2.0\"><channel><item><title>Bom \xC3\xA9</title><guid>bom</guid></item></channel></rss>";

static const char utf16label_doc[] = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>"
	"<rss version=\"2.0\"><channel><item><title>Label lies \xC3\xA9</title><guid>l16</guid></item></channel></rss>";

static const char unknown_label_doc[] = "<?xml version=\"1.0\" encoding=\"x-no-such-charset\"?>"
	"<rss version=\"2.0\"><channel><item><title>Caf\xE9</title><guid>unk</guid></item></channel></rss>";

static const char koi8_doc[] = "<?xml version=\"1.0\" encoding=\"KOI8-R\"?>"
	"<rss version=\"2.0\"><channel><item><title>\xF0\xD2\xC9\xD7\xC5\xD4</title><guid>koi</guid></item></channel></rss>";

static const char cp1251_doc[] = "<?xml version=\"1.0\" encoding=\"windows-1251\"?>"
	"<rss version=\"2.0\"><channel><item><title>\xCC\xE8\xEB\xE5\xE9</title><guid>1251</guid></item></channel></rss>";

static const char xmlrefs_doc[] = RSS(
	"<item><title>en&#150;dash &#x97; nul&#0; ok&#8217;</title><guid>refs</guid></item>");

static const char cdata_split_doc[] = RSS(
	"<item><title><![CDATA[Milei&#8217;s <b>plan</b>]]></title><guid>cd</guid>"
	"<content:encoded><![CDATA[<p>a ]]]]><![CDATA[> b</p>]]></content:encoded></item>");

static const char escaped_title_doc[] = RSS(
	"<item><title>&lt;b&gt;Bold&lt;/b&gt; title &amp;lt; 3</title><guid>et</guid>"
	"<description>&lt;!-- hidden --&gt;&lt;script&gt;evil()&lt;/script&gt;Shown</description></item>");

static const char xhtml_page[] =
	"<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\"><head>"
	"<link rel=\"alternate\" type=\"application/atom+xml\" href=\"https://x.example.org/atom.xml\"/>"
	"</head><body><p>hi</p></body></html>";

static const char html_rel_nobase[] =
	"<html><head><link rel=\"alternate\" type=\"application/rss+xml\" href=\"/feed\"></head></html>";

static const char text_garbage[] = "This is not a feed at all.\n";

static const char trunc_cdata_doc[] = RSS_HEAD
	"<item><title>One</title><guid>tc1</guid></item>"
	"<item><title>Two</title><guid>tc2</guid><content:encoded><![CDATA[<p>cut off here";

static const char trailing_amp_doc[] = RSS(
	"<item><title>ends with &amp</title><guid>amp</guid></item>");

static const char nochannel_doc[] =
	"<rss version=\"2.0\"><item><title>Loose item</title><guid>loose</guid></item></rss>";

static const char rss090_doc[] =
	"<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
	"xmlns=\"http://my.netscape.com/rdf/simple/0.9/\"><channel><title>Ninety</title>"
	"<link>http://ninety.example.org/</link></channel>"
	"<item><title>Old one</title><link>http://ninety.example.org/1</link></item></rdf:RDF>";

static const char rdf_content_doc[] = RDF(
	"<item rdf:about=\"https://r.example.org/c\"><title>c</title>"
	"<content:encoded xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">"
	"&lt;p&gt;Full &lt;i&gt;text&lt;/i&gt;&lt;/p&gt;</content:encoded></item>"
	"<item><title>no about</title><link>https://r.example.org/na</link></item>");

static const char atom_links_doc[] = ATOM(
	"<link href=\"https://al.example.org/\"/>"
	"<entry><id>l1</id><title>t</title><link rel=\"alternate\" type=\"application/pdf\" "
	"href=\"https://al.example.org/1.pdf\"/><link rel=\"alternate\" type=\"text/html\" "
	"href=\"https://al.example.org/1.html\"/></entry>"
	"<entry><id>l2</id><title>t</title><link rel=\"related\" href=\"https://al.example.org/rel\"/>"
	"<link rel=\"self\" href=\"https://al.example.org/self\"/></entry>"
	"<entry><id>l3</id><title>t</title><link rel=\"enclosure\" href=\"https://al.example.org/a.mp3\"/>"
	"<link rel=\"edit\" href=\"https://al.example.org/edit\"/></entry>");

static const char atom_people_doc[] = ATOM(
	"<entry><id>p1</id><title>t</title><author><email>only@mail.example.org</email></author>"
	"<updated>2024-11-26T05:05:00Z</updated></entry>"
	"<entry><id>p2</id><title>t</title><author><name>A</name></author><author><name>B</name></author>"
	"<category label=\"Label only\"/><summary>Just a summary &amp; more</summary></entry>");

static const char atom_types_doc[] = ATOM(
	"<entry><id>ty1</id><title type=\"html\">Tom &amp;amp; Jerry &amp;lt;3</title>"
	"<content type=\"text/plain\">x &lt;b&gt; y</content></entry>"
	"<entry><id>ty2</id><title>b64</title><content type=\"application/octet-stream\">AAAA</content></entry>"
	"<entry><id>ty3</id><title>xml</title><content type=\"application/xml\"><data><v>Val</v> one</data></content></entry>");

static const char atom_base_doc[] =
	"<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"/blog/\"><title>b</title>"
	"<link rel=\"alternate\" href=\"home\"/>"
	"<entry><id>ab1</id><title>t</title><link href=\"post/1\"/></entry></feed>";

static const char rss_rel_channel_doc[] =
	"<rss version=\"2.0\"><channel><title>rel</title><link>/home</link>"
	"<item><title>t</title><link>\n\t  https://ws.example.org/spaced  \n</link></item>"
	"<item><title>u</title><link>HTTPS://UP.EXAMPLE.ORG/X</link></item>"
	"<item><title>v</title><link>http:/nohost</link><guid>nohost</guid></item>"
	"<item><title>w</title><link>https://</link><guid>empty-host</guid></item>"
	"</channel></rss>";

static const char guid_edge_doc[] = RSS(
	"<item><title>e</title><guid></guid><link>https://g.example.org/1</link></item>"
	"<item><title>w</title><guid>   </guid><link>https://g.example.org/2</link></item>"
	"<item><title>plain guid</title><guid>12345</guid></item>");

static const char enclosure_only_doc[] = RSS(
	"<item><enclosure url=\"https://e.example.org/a.mp3\" type=\"audio/mpeg\" length=\"1\"/></item>");

static const char date_fallback_doc[] = RSS(
	"<item><title>d</title><guid>df</guid><pubDate>\n  Tue, 26 Nov 2024 05:05:00 GMT \n</pubDate></item>"
	"<item><title>d2</title><guid>df2</guid><pubDate>garbage</pubDate>"
	"<dc:date>2024-11-25T00:00:00Z</dc:date></item>");

static const char precedence_doc[] =
	"<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
	"xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\" "
	"xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:atom=\"http://www.w3.org/2005/Atom\">"
	"<channel><item><title>p</title><guid>prec</guid>"
	"<itunes:summary>itunes sum</itunes:summary><description>desc sum</description>"
	"<atom:author><atom:name>Atom Name</atom:name></atom:author><dc:creator>DC Name</dc:creator>"
	"<content:encoded>&lt;p&gt;full&lt;/p&gt;</content:encoded>"
	"<category>x</category><dc:subject>x</dc:subject><dc:subject>y</dc:subject></item></channel></rss>";

static const char recover_html_doc[] = RSS(
	"<item><title>r</title><guid>rh</guid><description><p><b>bold</p></b> &amp; A&nbsp;B</description></item>");

static const char unescaped_amp_doc[] = RSS(
	"<item><title>AT&T</title><guid>ua</guid><description>Q&A <b>x</b> &c</description>"
	"<link>https://ua.example.org/?a=1&b=2</link></item>");

static const char attr_entity_doc[] =
	"<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>a</title><entry><id>ae</id>"
	"<title type=\"html\">t</title><category term=\"Caf&eacute; &rsquo;n&apos; more\"/>"
	"<link href=\"https://ae.example.org/?q=a&nbsp;b\"/></entry></feed>";

static const char scripts_doc[] = RSS(
	"<item><title>\xF0\x9F\x98\x80 \xD8\xB9\xD8\xB1\xD8\xA8\xD9\x8A \xE4\xB8\xAD\xE6\x96\x87</title>"
	"<guid>sc</guid><description>form\x0C" "feed</description></item>");

static const char empty_rss_doc[] = "<rss version=\"2.0\"><channel><title>Empty</title></channel></rss>";
static const char empty_atom_doc[] = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>E</title></feed>";
static const char rdf_nons_doc[] = "<RDF><item><title>x</title></item></RDF>";
static const char channel_root_doc[] = "<channel><item><title>x</title></item></channel>";
static const char atom_nons_doc[] = "<feed><entry><title>x</title></entry></feed>";

/* Atom whose root <feed> has no namespace at all (sloppy generators; sfeed
 * and feedparser read it): read as Atom 1.0. Another default namespace on
 * <feed>, even xmlns="", is still no feed; namespace-less RSS is as it was. */
static const char atom_nons_html_doc[] =
	"<?xml version=\"1.0\"?>\n<feed><title type=\"html\">Sloppy &amp;amp; co</title>"
	"<link rel=\"self\" href=\"https://ns.example.org/feed\"/>"
	"<link href=\"https://ns.example.org/\"/>"
	"<entry><id>tag:ns.example.org,2026:h</id><title type=\"html\">Lula &amp;amp; &lt;em&gt;Milei&lt;/em&gt;</title>"
	"<link rel=\"alternate\" href=\"https://ns.example.org/h\"/>"
	"<published>2026-11-30T08:00:00Z</published><author><name>Desk 9</name></author>"
	"<category term=\"trade\"/>"
	"<content type=\"html\">&lt;p&gt;Para &lt;b&gt;one&lt;/b&gt;.&lt;/p&gt;&lt;p&gt;Para&amp;nbsp;two.&lt;/p&gt;</content>"
	"</entry>"
	"<entry><id>tag:ns.example.org,2026:x</id><title>XHTML</title>"
	"<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Val <b>x</b></p></div></content>"
	"</entry></feed>";
static const char atom_nons_other_doc[] =
	"<feed xmlns=\"http://example.com/other\"><entry><id>o</id><title>x</title></entry></feed>";
static const char atom_nons_empty_ns_doc[] =
	"<feed xmlns=\"\"><entry><id>o</id><title>x</title></entry></feed>";
static const char atom_prefixed_other_doc[] =
	"<o:feed xmlns:o=\"http://example.com/other\"><o:entry><o:id>o</o:id></o:entry></o:feed>";
static const char rss_nons_doc[] =
	"<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Plain RSS</title>"
	"<link>https://pr.example.org/</link><item><title>Plain item</title>"
	"<link>https://pr.example.org/1</link><guid isPermaLink=\"false\">pr-1</guid>"
	"<description>&lt;p&gt;Plain &lt;b&gt;text&lt;/b&gt;&lt;/p&gt;</description>"
	"<pubDate>Tue, 01 Dec 2026 10:00:00 +0000</pubDate></item></channel></rss>";
static const char rss_feed_child_doc[] =
	"<rss version=\"2.0\"><channel><title>C</title><feed><entry><id>no</id></entry></feed>"
	"<item><guid>yes</guid><title>Only</title></item></channel></rss>";
static const char atom_nons_media_doc[] =
	"<feed xmlns:media=\"http://search.yahoo.com/mrss/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
	"<title>Videos</title>"
	"<entry><id>tag:v,2026:1</id><title>Clip</title><link href=\"https://v.example.org/1\"/>"
	"<dc:creator>Desk 7</dc:creator>"
	"<media:group><media:description>Media summary</media:description>"
	"<media:keywords>swap, bloc</media:keywords></media:group></entry></feed>";
static const char atom_nons_broken_doc[] =
	"<feed><title>Broken</title><entry><id>b1</id><title>First</title></entry>"
	"<entry><id>b2</id><title>Second <b>bold</title></entry></feed>";
static const char atom_nons_empty_doc[] = "<feed/>";
static const char atom_nons_prolog_doc[] =
	"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- <feed xmlns=\"urn:x\"> --><?pi <feed>?>"
	"<!DOCTYPE feed>\n<feed\n  xml:base=\"https://b.example.org/x/?a=1&amp;b=2\" xmlns:xmlnsx=\"urn:x\">"
	"<entry><id>p1</id><title>Prolog</title><link href=\"story\"/></entry></feed>";

static const char ttl_both_doc[] =
	"<rss version=\"2.0\" xmlns:sy=\"http://purl.org/rss/1.0/modules/syndication/\"><channel>"
	"<sy:updatePeriod>hourly</sy:updatePeriod><ttl>120</ttl>"
	"<item><title>t</title><guid>tb</guid></item></channel></rss>";
static const char sy_weekly_doc[] =
	"<rss version=\"2.0\" xmlns:sy=\"http://purl.org/rss/1.0/modules/syndication/\"><channel>"
	"<sy:updatePeriod> weekly </sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency>"
	"<item><title>t</title><guid>sw</guid></item></channel></rss>";

static const char userland_doc[] =
	"<rss version=\"2.0\" xmlns=\"http://backend.userland.com/rss2\"><channel><title>U</title>"
	"<item><title>Userland</title><link>https://ul.example.org/1</link></item></channel></rss>";

static const char feed_title_html_doc[] =
	"<feed xmlns=\"http://www.w3.org/2005/Atom\"><title type=\"html\">&lt;b&gt;Big&lt;/b&gt; &amp;amp; bold</title>"
	"<entry><id>fth</id><title>t</title></entry></feed>";

static const char long_guid_doc_head[] = RSS_HEAD "<item><title>lg</title><guid>";

static const char mixed_content_doc[] = RSS(
	"<item><title>mix</title><guid>mix</guid><content:encoded>Text <![CDATA[<b>cdata</b>]]> &amp; "
	"more<!-- c --> end</content:encoded></item>");

static const char pi_doc[] =
	"<?xml version=\"1.0\"?><?xml-stylesheet type=\"text/xsl\" href=\"file:///etc/passwd\"?>"
	"<rss version=\"2.0\"><channel><item><title>pi</title><guid>pi</guid></item></channel></rss>";

static const char latin1_http_only_doc[] =
	"<rss version=\"2.0\"><channel><item><title>Se\xF1or</title><guid>ho</guid></item></channel></rss>";


static const char feedburner_doc[] =
	"<rss version=\"2.0\" xmlns:feedburner=\"http://rssnamespace.org/feedburner/ext/1.0\"><channel>"
	"<item><title>fb</title><link>https://feedproxy.example.org/~r/x/1</link>"
	"<feedburner:origLink>https://orig.example.org/story/1</feedburner:origLink></item>"
	"</channel></rss>";

static const char cdata_double_doc[] = RSS(
	"<item><title>cd</title><guid>cdd</guid><description><![CDATA[A&amp;nbsp;B &amp;#8220;q&amp;#8221; "
	"&Eacute;t&eacute;]]></description></item>");

static const char blank_fields_doc[] = RSS(
	"<item><title>   </title><description> </description><link>https://bf.example.org/1</link></item>"
	"<item><title>Title only</title></item>");

static const char charset_conflict_doc[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><item>"
	"<title>Ni\xC3\xB1o</title><guid>cc</guid></item></channel></rss>";

static const char latin1_nodecl_doc[] =
	"<rss version=\"2.0\"><channel><item><title>Ni\xF1o \x80</title><guid>ln</guid></item></channel></rss>";

static const char rss_atom_link_doc[] = RSS(
	"<item><title>al</title><guid isPermaLink=\"false\">al</guid>"
	"<atom:link rel=\"alternate\" href=\"https://ral.example.org/1\"/></item>"
	"<item><title>empty link</title><link></link><guid>https://ral.example.org/g</guid></item>");

static const char atom_misc_doc[] = ATOM(
	"<entry><id>\n   tag:misc,2024:1  \n</id><summary type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">"
	"<p>X<b>ht</b>ml</p><p>sum</p></div></summary></entry>"
	"<entry><id>m2</id><title type=\"html\"><![CDATA[<em>Cdata</em> &amp; html]]></title>"
	"<content type=\"html\"><![CDATA[<p>Para</p><script>bad()</script>]]></content>"
	"<link type=\"text/html\" href=\"https://am.example.org/2\"/></entry>");

static const char upper_entities_doc[] = RSS(
	"<item><title>&Eacute;COLE &Uuml;ber &AElig; &szlig; &euro; &trade;</title><guid>ue</guid></item>");

static const char html5_entity_doc[] = RSS(
	"<item><title>check &check; mark</title><guid>h5</guid></item>");

static const char ws_before_decl_bom_doc[] = "\xEF\xBB\xBF  \r\n<?xml version=\"1.0\"?><rss version=\"2.0\">"
	"<channel><item><title>ws</title><guid>wsb</guid></item></channel></rss>";

static const char rdf_dc_doc[] = RDF(
	"<item rdf:about=\"https://r.example.org/dc\"><title>dc</title><link>https://r.example.org/dc</link>"
	"<dc:creator>Creator</dc:creator><dc:date>2024-11-26</dc:date><dc:subject>One</dc:subject>"
	"<dc:subject>Two</dc:subject><dc:description>DC described</dc:description></item>");

static const char atom_dates_doc[] = ATOM(
	"<entry><id>d1</id><title>t</title><published>bogus</published><updated>2024-11-26T05:05:00+01:00</updated></entry>");

static const char comments_link_doc[] = RSS(
	"<item><title>c</title><guid>cm</guid><comments>https://cm.example.org/comments</comments>"
	"<source url=\"https://src.example.org/feed\">Source</source></item>");

static const char many_items_doc_head[] = RSS_HEAD;


static const char atom_source_doc[] = ATOM(
	"<entry><id>own</id><title>Own title</title><link href=\"https://own.example.org/1\"/>"
	"<source><id>src</id><title>Source title</title><link href=\"https://src.example.org/\"/>"
	"<author><name>Src author</name></author></source></entry>"
	"<entry><id>emp</id><title>t</title><link rel=\"alternate\" href=\"\"/></entry>");

static const char odd_links_doc[] = RSS(
	"<item><title>iri</title><link>https://ex.example.org/caf\xC3\xA9?q=\xC3\xB1 x</link></item>"
	"<item><title>v6</title><link>https://[::1]:8080/x</link></item>"
	"<item><title>frag</title><link>#frag</link><guid isPermaLink=\"FALSE\">https://ex.example.org/np</guid></item>");

static const char guid_amp_doc[] = RSS(
	"<item><title>First title</title><title>Second title</title><guid>a&amp;b</guid></item>");

static const char json_more[] =
	"{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": [{\"id\": \" jm \", "
	"\"content_html\": \"<b>html</b> wins\", \"content_text\": \"text loses\", "
	"\"date_published\": \"2024-11-26T05:05:00-03:00\", \"url\": \"https://jm.example.org/caf\\u00e9\"}]}";


/* ---- encodings: one documented place decides (feed.h, fw_feed_parse) ---- */

#define ENC_DOC(label, title, guid) "<?xml version=\"1.0\" encoding=\"" label "\"?><rss version=\"2.0\">" \
	"<channel><item><title>" title "</title><guid>" guid "</guid></item></channel></rss>"
static const char latin2_doc[] = ENC_DOC("ISO-8859-2", "\xA3\xF3" "d\xBC Krak\xF3" "w", "l2");
static const char latin9_doc[] = ENC_DOC("iso-8859-15", "Prix 10\xA4 \xBDuvre", "l9");
static const char sjis_doc[] = ENC_DOC("Shift_JIS", "\x93\xFA\x96{\x8C\xEA\x82\xCC\x83j\x83\x85\x81[\x83X", "sj");
static const char sjis_bad_doc[] = ENC_DOC("Shift_JIS", "\x93\xFA\x96{\xFF\x8C\xEA", "sjb");
static const char gb2312_doc[] = ENC_DOC("GB2312", "\xD6\xD0\xCE\xC4\xD0\xC2\xCE\xC5", "gb");
/* GBK and Windows-31J characters under the GB2312 and Shift_JIS labels, as
 * real feeds have them; a backslash stays one (not a yen sign) */
static const char gbk_as_gb2312_doc[] = ENC_DOC("gb2312", "\xD6\xEC\xE9" "F\xBB\xF9", "gbk");
static const char cp932_as_sjis_doc[] = ENC_DOC("SHIFT_JIS", "\x87@ C:\\dir", "cp932");
static const char cp1252_as_utf8_doc[] = ENC_DOC("UTF-8", "\x93Quoted\x94 \x96 Milei\x92s", "w8");
static const char koi8_vs_http_doc[] = ENC_DOC("KOI8-R", "\xF0\xD2\xC9\xD7\xC5\xD4", "kh");
static const char bom_vs_decl_doc[] = "\xEF\xBB\xBF" ENC_DOC("windows-1251", "\xCC\xE8", "bd");
static const char ebcdic_label_doc[] = ENC_DOC("IBM037", "Caf\xE9", "eb");
static const char utf7_label_doc[] = ENC_DOC("UTF-7", "+ADw-b+AD4-x", "u7");
static const char utf7_high_doc[] = ENC_DOC("UTF-7", "Caf\xE9 +ADw-b+AD4-", "u7h");
static const char empty_label_doc[] = ENC_DOC("", "Se\xF1or", "el");
static const char long_label_doc[] = ENC_DOC("x-this-label-is-far-too-long-to-be-any-encoding-known-anywhere-at-all-0123456789",
                                             "Se\xF1or", "ll");
static const char latin1_bogus_http_doc[] =
	"<rss version=\"2.0\"><channel><item><title>Se\xF1or</title><guid>bh</guid></item></channel></rss>";

/* Converts UTF-8 text to encoding to, after the bytes of bom (n of them). */
static char *encode_doc(const char *utf8, const char *to, const char *bom, gsize n, gsize *len)
{
	gsize out = 0;
	g_autofree char *conv = g_convert(utf8, -1, to, "UTF-8", NULL, &out, NULL);
	g_assert_nonnull(conv);
	char *doc = g_malloc(n + out);
	memcpy(doc, bom, n);
	memcpy(doc + n, conv, out);
	*len = n + out;
	return doc;
}

/* UTF-16LE with a byte order mark and a declaration that says ISO-8859-1. */
static char *gen_utf16_bom_vs_decl(gsize *len)
{
	return encode_doc("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><channel><item>"
	                  "<title>\xC3\x87" "a \xC3\xBC</title><guid>b16</guid></item></channel></rss>",
	                  "UTF-16LE", "\xFF\xFE", 2, len);
}

/* UTF-32LE with a byte order mark. */
static char *gen_utf32le(gsize *len)
{
	return encode_doc("<rss><channel><item><title>\xCE\xA9 ok</title><guid>u32</guid></item></channel></rss>",
	                  "UTF-32LE", "\xFF\xFE\0\0", 4, len);
}

/* UTF-16BE with a byte order mark (served with an ISO-8859-1 charset). */
static char *gen_utf16be_bom(gsize *len)
{
	return encode_doc("<rss><channel><item><title>\xC3\x91u</title><guid>bebom</guid></item></channel></rss>",
	                  "UTF-16BE", "\xFE\xFF", 2, len);
}

/* UTF-16LE with a lone surrogate in the title. */
static char *gen_utf16_lone_surrogate(gsize *len)
{
	char *doc = encode_doc("<rss><channel><item><title>aXXb</title><guid>ls</guid></item></channel></rss>",
	                       "UTF-16LE", "\xFF\xFE", 2, len);
	char *x = memchr(doc, 'X', *len);
	g_assert_nonnull(x);
	x[0] = 0x00;   /* U+D800 (LE), no low surrogate after it */
	x[1] = (char)0xD8;
	x[2] = 'c';    /* the second X becomes "c" */
	return doc;
}

/* ---- hostile sizes and shapes (generated) ---- */

/* ---- issue 18: real feeds as their publishers write them ---- */

#define ITUNES_RSS(ns, items) "<rss version=\"2.0\" " ns "><channel><title>Pod</title>" items \
	"</channel></rss>"

/* 1: namespaces as podcast publishers spell them (Taverncast: the itunes
 * DTD capitalised, content without the final slash; dc over https) */
static const char ns_variants_doc[] = ITUNES_RSS(
	"xmlns:itunes=\"http://www.itunes.com/DTDs/Podcast-1.0.dtd\" "
	"xmlns:content=\"http://purl.org/rss/1.0/modules/content\" "
	"xmlns:dc=\"https://purl.org/dc/elements/1.1\"",
	"<item><title>Taverncast 66</title><guid>tc66</guid>"
	"<itunes:author>Taverncast: www.taverncast.com</itunes:author>"
	"<itunes:keywords>beer, games , hobbies</itunes:keywords>"
	"<content:encoded><![CDATA[<p>Taverncast tosses around</p>]]></content:encoded></item>"
	"<item><title>dc</title><guid>tc67</guid><dc:creator>Bill</dc:creator></item>"
	/* ids read as always: a dc:identifier in a namespace variant does not
	 * take over from the link or the hash an item had */
	"<item><title>v</title><link>https://v.example.org/1</link>"
	"<dc:identifier>doi:10.1/x</dc:identifier></item>"
	"<item><title>t</title><dc:identifier>doi:10.1/y</dc:identifier></item>");

/* 2: links libxml2 will not parse as they are (Spiegel's second '#') */
static const char odd_links2_doc[] = RSS(
	"<item><title>Spiegel</title><guid>sp1</guid>"
	"<link>https://www.spiegel.de/politik/ausland/x-a-1.html#refsponi#ref=rss</link></item>"
	"<item><title>pct</title><guid>sp2</guid><link>https://l.example.org/a%zz/b%</link></item>"
	"<item><title>brackets</title><guid>sp3</guid><link>https://l.example.org/list[1]/x?q=[2]</link></item>"
	"<item><title>t</title><link>https://l.example.org/a#b#c</link></item>"
	"<item><title>relative</title><guid>sp5</guid><link>/rel/a%zz#x#y</link></item>");

/* 3: empty elements never win (rssparser customfields: <dc:creator/>
 * before <author>; an empty description before itunes:summary) */
static const char empty_wins_doc[] = ITUNES_RSS(
	"xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\" "
	"xmlns:dc=\"http://purl.org/dc/elements/1.1/\"",
	"<item><title>Customfields</title><guid>cf1</guid><dc:creator/>"
	"<author>Dr. Ananth Prabhu G</author></item>"
	"<item><title>ep</title><guid>cf2</guid><description></description>"
	"<itunes:summary>Taverncast celebrates Oktoberfest</itunes:summary></item>"
	"<item><title> </title><dc:title>Dc title</dc:title><description>d</description></item>");

/* 4: RSS author with child elements (Google Cloud blog) */
static const char author_children_doc[] = RSS(
	"<item><title>Cloud</title><guid>gc1</guid>"
	"<author xmlns:author=\"http://www.w3.org/2005/Atom\"><name>Chris Rawles</name>"
	"<title>ML Solutions Engineer</title><department></department><company></company></author>"
	"<author xmlns:author=\"http://www.w3.org/2005/Atom\"><name>Ryan Gillard</name>"
	"<title>Machine Learning Solutions Engineer</title></author></item>");

/* 5: an element left open before the items (feedjira's podcast feed), and
 * one left open inside an item */
static const char unclosed_category_doc[] =
	"<?xml version='1.0' encoding='UTF-8'?>\n"
	"<rss xmlns:itunes='http://www.itunes.com/dtds/podcast-1.0.dtd' version='2.0'><channel>"
	"<title>All About Everything</title>\n<itunes:category text='Technology'>\n"
	"<itunes:category text='Gadgets'/>\n<itunes:category text='TV &amp; Film'/>\n"
	"<item><title>Shake Shake Shake Your Spices</title>"
	"<guid>http://example.com/podcasts/archive/aae20050615.m4a</guid></item>\n"
	"<item><title>Socket Wrench Shootout</title>"
	"<guid>http://example.com/podcasts/archive/aae20050608.mp3</guid></item>\n"
	"<item><title>Red, Whine, &amp; Blue</title>"
	"<guid>http://example.com/podcasts/archive/aae20050601.mp3</guid></item>\n</channel></rss>";
static const char unclosed_in_item_doc[] = RSS(
	"<item><title>One</title><guid>u1</guid><description><b>bold</description></item>"
	"<item><title>Two</title><guid>u2</guid></item><item><title>Three</title><guid>u3</guid></item>");

/* 6: the id rule: guid / atom:id, then dc:identifier (bioRxiv), then
 * rdf:about, then the link */
static const char biorxiv_doc[] = RDF(
	"<item rdf:about=\"http://biorxiv.org/cgi/content/short/2020.01.01.1?rss=1\">"
	"<title>A paper</title><link>http://biorxiv.org/cgi/content/short/2020.01.01.1?rss=1</link>"
	"<dc:identifier>doi:10.1101/2020.01.01.1</dc:identifier></item>"
	"<item rdf:about=\"http://biorxiv.org/2\"><title>B</title><link>http://biorxiv.org/l2</link></item>"
	"<item><title>C</title><guid>g3</guid><dc:identifier>doi:3</dc:identifier></item>");

/* 7: Media RSS text (a YouTube channel feed; Media RSS in RSS) */
static const char youtube_doc[] =
	"<feed xmlns:yt=\"http://www.youtube.com/xml/schemas/2015\" "
	"xmlns:media=\"http://search.yahoo.com/mrss/\" xmlns=\"http://www.w3.org/2005/Atom\">"
	"<title>PBS Terra</title>"
	"<entry><id>yt:video:abc</id><yt:videoId>abc</yt:videoId><title>Weathered</title>"
	"<link rel=\"alternate\" href=\"https://www.youtube.com/watch?v=abc\"/>"
	"<media:group><media:title>Weathered (media)</media:title>"
	"<media:content url=\"https://www.youtube.com/v/abc\" type=\"application/x-shockwave-flash\"/>"
	"<media:description>Check Out Weathered on PBS Terra https://x.example.org/</media:description>"
	"<media:keywords>climate, weather</media:keywords></media:group></entry>"
	"<entry><id>yt:video:def</id><media:title>Only media title</media:title>"
	"<media:description type=\"html\">&lt;b&gt;Bold&lt;/b&gt; text</media:description>"
	"<media:category>Music</media:category>"
	"<media:content url=\"https://x.example.org/m.mov\"><media:title>Not this</media:title>"
	"<media:keywords>no, not, these</media:keywords></media:content></entry>"
	"<entry><id>yt:video:ghi</id><title>Own</title><summary>own summary</summary>"
	"<media:description>media summary</media:description></entry></feed>";
static const char media_rss_doc[] =
	"<rss version=\"2.0\" xmlns:media=\"http://search.yahoo.com/mrss/\"><channel><title>M</title>"
	"<item><title>t</title><media:description>d</media:description></item></channel></rss>";

/* 8: dates real feeds write (Sunnyvale, Yahoo weather), a nonsense zone */
static const char dates18_doc[] = RSS(
	"<item><title>Sunnyvale</title><guid>d1</guid><pubDate>Mon, 21 Jan 2008 8:56 am PST</pubDate></item>"
	"<item><title>kc0011</title><guid>d2</guid><pubDate>2020/1/10 14:33:00</pubDate></item>"
	"<item><title>rome</title><guid>d3</guid><dc:date>2006-01-17T12:35:9+01:00</dc:date></item>"
	"<item><title>uol</title><guid>d4</guid><pubDate>Seg, 24 Set 2018 19:42:40 -0300</pubDate></item>");
static const char bad_zone_doc[] = RSS(
	"<item><title>zone</title><guid>z1</guid><pubDate>Tue, 26 Nov 2024 05:05:00 +3000</pubDate></item>"
	"<item><title>zone2</title><guid>z2</guid><pubDate>Tue, 26 Nov 2024 06:05:00 +3000</pubDate></item>");

/* 9: categories in a <categories> wrapper (Macworld), content: unbound
 * (feedjira) */
static const char macworld_doc[] =
	"<rss version=\"2.0\"><channel><title>Macworld</title>"
	"<item><title>Best smart lock</title><guid>mw1</guid><categories>\n\t"
	"<category>Connected Home</category>\n\t<category>Bluetooth</category>\n</categories></item>"
	"<item><title>Spices</title><guid>sp</guid><content:encoded>&lt;p&gt;&lt;strong&gt;TOPIC"
	"&lt;/strong&gt;: Gooseneck Options&lt;/p&gt;</content:encoded></item></channel></rss>";

/* 10: UTF-8 encoded twice (bold.dk, rss.com), and the near misses left
 * alone */
static const char mojibake_doc[] = RSS(
	"<item><guid>m0</guid><title>KÃ¶lner Dom</title><category>EspaÃ±ol</category>"
	"<description>BrÃ¸ndby â€“ â€œquotedâ€\xC2\x9D <![CDATA[[&#8230;]]]></description></item>"
	"<item><guid>m1</guid><title>Kölner Dom</title></item>"
	"<item><guid>m2</guid><title>KÃ¶lner und Köln</title></item>"
	"<item><guid>m3</guid><title>Zu heiß…</title></item>"
	"<item><guid>m4</guid><title>SÃO PAULO</title></item>"
	"<item><guid>m5</guid><title>CAFÉ™</title></item>"
	"<item><guid>m6</guid><title>KÃ¶ln 日本</title></item>"
	"<item><guid>m7</guid><title>KÃƒÂ¶lner</title></item>"
	"<item><guid>m8</guid><title><![CDATA[K&#195;&#182;lner]]></title></item>"
	"<item><guid>m9</guid><title>Á¿ and Ã</title></item>"
	"<item><guid>m10</guid><title>Â…</title></item>"
	"<item><guid>m11</guid><title>ðŸ’¡ Tips</title></item>"
	"<item><guid>m12</guid><title>KÃ¶lner&#8230;</title></item>");

/* feedparser's forms: base64 text constructs, "&#X41;", a DOCTYPE entity */
static const char base64_doc[] =
	"<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>b</title>"
	"<entry><id>b1</id><content type=\"application/octet-stream\">\n  RXhhbXBsZSA8Yj5BdG9tPC9iPg==\n"
	"</content></entry>"
	"<entry><id>b2</id><title type=\"text/html\" mode=\"base64\">RXhhbXBsZSA8Yj5BdG9tPC9iPg==</title>"
	"<summary type=\"application/octet-stream\">/w==</summary></entry></feed>";
static const char base64_03_doc[] =
	"<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\"><entry>"
	"<title mode=\"base64\">\n    RXhhbXBsZSA8Yj5BdG9tPC9iPg==\n  </title></entry></feed>";
static const char hex_upper_doc[] = RSS(
	"<item><title>&#X41;&#x42;&#X20AC;</title><guid>x41</guid></item>");
static const char doctype_entity_doc[] =
	"<!DOCTYPE rss [\n  <!ENTITY id \"tag:example.com,\">\n  <!-- a comment -->\n"
	"  <!ENTITY co 'AT&amp;T &#169; <b>'>\n  <!ELEMENT rss ANY>\n]>\n"
	"<rss version=\"2.0\"><channel><item><guid isPermaLink='false'>&id;2006-05-04:/blog/</guid>"
	"<title>&co; &amp; &nbsp;x</title></item></channel></rss>";
static const char entity_recursive_doc[] =
	"<!DOCTYPE rss [<!ENTITY a \"x\"><!ENTITY b \"&a;&a;\">]>"
	"<rss version=\"2.0\"><channel><item><title>&b;</title></item></channel></rss>";
static const char entity_external_doc[] =
	"<!DOCTYPE rss [<!ENTITY ok \"fine\"><!ENTITY x PUBLIC \"-//x\" \"http://x.example.org/x\">]>"
	"<rss version=\"2.0\"><channel><item><title>&ok;</title></item></channel></rss>";

/* RSS whose first item has head + n copies of unit + tail, then an item "After". */
static char *big_item(const char *head, const char *unit, gsize n, const char *tail, gsize *len)
{
	GString *s = g_string_new("<?xml version=\"1.0\"?><rss version=\"2.0\" "
	                          "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel>"
	                          "<item><guid>big</guid>");
	g_string_append(s, head);
	for (gsize i = 0; i < n; i++)
		g_string_append(s, unit);
	g_string_append(s, tail);
	g_string_append(s, "</item><item><title>After</title><guid>after</guid></item></channel></rss>");
	*len = s->len;
	return g_string_free(s, FALSE);
}

static char *gen_text_11mb(gsize *len)
{
	return big_item("<title>Big</title><description>", "word ", 11 * 1024 * 1024 / 5,
	                "</description>", len);
}

static char *gen_cdata_11mb(gsize *len)
{
	return big_item("<title>Big</title><content:encoded><![CDATA[<p>", "word ",
	                11 * 1024 * 1024 / 5, "</p>]]></content:encoded>", len);
}

static char *gen_comment_11mb(gsize *len)
{
	return big_item("<title>Big</title><!--", "word ", 11 * 1024 * 1024 / 5, "-->", len);
}

static char *gen_attr_5mb(gsize *len)
{
	return big_item("<title>Big</title><link href=\"", "xxxxx", 5 * 1024 * 1024 / 5, "\"/>", len);
}

static char *gen_title_1mb(gsize *len)
{
	return big_item("<title>", "Milei ", 1024 * 1024 / 6, "</title>", len);
}

/* Issue 16's shapes: small on the wire, huge once parsed. */
static char *gen_json_empty_objects(gsize *len)
{
	GString *s = g_string_new("{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": [");
	for (int i = 0; i < 3000000; i++)
		g_string_append(s, i ? ",{}" : "{}");
	g_string_append(s, "]}");
	*len = s->len;
	return g_string_free(s, FALSE);
}

static char *gen_category_elements(gsize *len)
{
	return big_item("<title>Big</title><category>", "<a/>", 2500000, "</category>", len);
}

static char *gen_doctype_pis(gsize *len)
{
	GString *s = g_string_new("<?xml version=\"1.0\"?><!DOCTYPE rss [");
	for (int i = 0; i < 2000000; i++)
		g_string_append(s, "<?a?>");
	g_string_append(s, "]><rss version=\"2.0\"><channel><title>P</title>"
	                   "<item><guid>pi</guid></item></channel></rss>");
	*len = s->len;
	return g_string_free(s, FALSE);
}

static char *gen_html_paragraphs(gsize *len)
{
	GString *s = g_string_new("<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
	                          "<link rel=\"alternate\" type=\"application/rss+xml\" "
	                          "href=\"https://p.example.org/feed\"></head><body>");
	for (int i = 0; i < 3000000; i++)
		g_string_append(s, "<p>");
	g_string_append(s, "</body></html>");
	*len = s->len;
	return g_string_free(s, FALSE);
}

/* 80 k attributes on one element: 16 s in libxml2 2.9.14's duplicate check. */
static char *gen_attrs_80k(gsize *len)
{
	GString *s = g_string_new("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item");
	for (int i = 0; i < 80000; i++)
		g_string_append_printf(s, " a%d=\"1\"", i);
	g_string_append(s, "><guid>x</guid></item></channel></rss>");
	*len = s->len;
	return g_string_free(s, FALSE);
}

/* The same in an HTML page's <link>, past where the XML parse stops (the
 * not-a-feed sniff reads every <link>). */
static char *gen_html_attrs_80k(gsize *len)
{
	GString *s = g_string_new("<html><head><meta charset=\"utf-8\">");
	for (int i = 0; i < 200000; i++)
		g_string_append(s, "<p>");
	g_string_append(s, "<link rel=\"alternate\"");
	for (int i = 0; i < 80000; i++)
		g_string_append_printf(s, " a%d", i);
	g_string_append(s, "></head><body>x</body></html>");
	*len = s->len;
	return g_string_free(s, FALSE);
}

static char *gen_nul_flood(gsize *len)
{
	char *doc = big_item("<title>nul", "\x01\x01\x01\x01", 256 * 1024, "flood</title>", len);
	for (char *p = doc; (p = memchr(p, '\x01', doc + *len - p)); p++)
		*p = '\0';
	return doc;
}

static char *gen_invalid_utf8_flood(gsize *len)
{
	return big_item("<title>bad", "\xFF\xC3\x28\xE2\x82", 200 * 1024, "bytes</title>", len);
}

static char *gen_many_categories(gsize *len)
{
	return big_item("<title>cats</title><category>c</category>",
	                "<category>Same</category><category>More &amp; more</category>", 50000, "", len);
}

/* A quadratic blow-up: one 50 KB entity used 10000 times. */
static char *gen_quadratic(gsize *len)
{
	GString *s = g_string_new("<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY a \"");
	for (int i = 0; i < 50000; i++)
		g_string_append_c(s, 'a');
	g_string_append(s, "\">]><rss><channel><item><title>");
	for (int i = 0; i < 10000; i++)
		g_string_append(s, "&a;");
	g_string_append(s, "</title></item></channel></rss>");
	*len = s->len;
	return g_string_free(s, FALSE);
}

/* 100000 nested elements in a description. */
static char *gen_deep_100k(gsize *len)
{
	GString *s = g_string_new("<rss><channel><item><title>t</title><description>");
	for (int i = 0; i < 100000; i++)
		g_string_append(s, "<a>");
	g_string_append(s, "</description></item></channel></rss>");
	*len = s->len;
	return g_string_free(s, FALSE);
}

/* 100000 empty elements side by side in one item. */
static char *gen_wide(gsize *len)
{
	return big_item("<title>wide</title>", "<x/>", 100000, "", len);
}

/* n items of RSS (json: of a JSON Feed). */
static char *gen_items(int n, gboolean json, gsize *len)
{
	GString *s = g_string_new(json ? "{\"version\": \"https://jsonfeed.org/version/1.1\", "
	                                 "\"title\": \"many\", \"items\": ["
	                               : "<rss><channel><title>many</title>");
	for (int i = 0; i < n; i++)
		g_string_append_printf(s, json ? "%s{\"id\": \"%d\"}" : "%s<item><guid>%d</guid></item>",
		                       json && i > 0 ? ", " : "", i);
	g_string_append(s, json ? "]}" : "</channel></rss>");
	*len = s->len;
	return g_string_free(s, FALSE);
}

/* 10050 items (at most 10000 are read, and the feed says so). */
static char *gen_10050_items(gsize *len)
{
	return gen_items(10050, FALSE, len);
}

/* 10000 items: all read, no warning. */
static char *gen_10000_items(gsize *len)
{
	return gen_items(10000, FALSE, len);
}

/* 10050 items of a JSON Feed. */
static char *gen_10050_json(gsize *len)
{
	return gen_items(10050, TRUE, len);
}

/* 4000 items (about 1 MB, fed to libxml2 in several chunks) with HTML
 * entities to fix, CDATA and a comment in each; cut_at >= 0 cuts the
 * document in the middle of item cut_at. */
static char *chunked_doc(int cut_at, gsize *len)
{
	GString *s = g_string_new("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\" "
	                          "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel>"
	                          "<title>Chunks</title>");
	for (int i = 0; i < 4000; i++) {
		if (i == cut_at) {
			g_string_append_printf(s, "<item><title>Item %d A&nbsp;B", i);
			break;
		}
		g_string_append_printf(s, "<item><title>Item %d A&nbsp;B &amp; C&hellip;</title>"
		                       "<link>https://ch.example.org/%d?a=1&amp;b=2</link>"
		                       "<!-- a comment < & -->"
		                       "<content:encoded><![CDATA[<p>Body %d &amp; more "
		                       "padding padding padding padding padding padding padding</p>]]>"
		                       "</content:encoded></item>\n", i, i, i);
	}
	if (cut_at < 0)
		g_string_append(s, "</channel></rss>");
	*len = s->len;
	return g_string_free(s, FALSE);
}

static char *gen_chunked(gsize *len)
{
	return chunked_doc(-1, len);
}

static char *gen_chunked_truncated(gsize *len)
{
	return chunked_doc(3001, len);
}

/* An item whose identity is a link over 1 KB (percent-encoded IRI). */
static char *gen_long_link_id(gsize *len)
{
	GString *s = g_string_new("<rss><channel><item><title>long</title><link>https://ll.example.org/");
	for (int i = 0; i < 200; i++)
		g_string_append(s, "\xC3\xA9");   /* each becomes %C3%A9 */
	g_string_append(s, "</link></item></channel></rss>");
	*len = s->len;
	return g_string_free(s, FALSE);
}

/* An entity of 4000 bytes used 3000 times: 12 MB from a 16 KB document. */
static char *gen_entity_amplifies(gsize *len)
{
	GString *s = g_string_new("<!DOCTYPE rss [<!ENTITY a \"");
	for (int i = 0; i < 4000; i++)
		g_string_append_c(s, 'a');
	g_string_append(s, "\">]><rss><channel><item><title>");
	for (int i = 0; i < 3000; i++)
		g_string_append(s, "&a;");
	g_string_append(s, "</title></item></channel></rss>");
	*len = s->len;
	return g_string_free(s, FALSE);
}

/* ---- the table ---- */

static const struct feed_row rows[] = {
	{ .name = "tac", .file = "tac-feed.xml",
	  .base_url = "https://www.theamericanconservative.com/feed/",
	  .content_type = "application/rss+xml; charset=UTF-8", .n_items = 1,
	  .id = "https://www.theamericanconservative.com/?p=241207",
	  .title = "The Limits to a Trump-Milei Alignment",
	  .link = "https://www.theamericanconservative.com/the-limits-to-a-trump-milei-alignment/",
	  .published = "2024-11-26T05:05:00Z", .author = "Staff",
	  .categories = "Foreign Affairs|Argentina|Javier Milei",
	  .summary_has = "There are fundamental tensions",
	  .content_has = "Argentina’s President Javier Milei", .absent = "<p>",
	  .feed_title = "The American Conservative", .ttl = 3600 },
	{ .name = "wp", .xml = wp_doc, .n_items = 2, .id = "https://news.example.org/?p=1",
	  .title = "China’s swap line – and Milei", .link = "https://news.example.org/1/story",
	  .published = "2024-11-26T05:05:00Z", .author = "Desk 3",
	  .categories = "Foreign Affairs|Argentina", .summary_has = "Short summary […]",
	  .content_has = "First para. President Javier Milei spoke.", .absent = "var Milei",
	  .feed_title = "Chan" },
	{ .name = "wp-second", .xml = wp_doc, .n_items = 2, .item = 1,
	  .id = "https://news.example.org/?p=2", .title = "Second",
	  .link = "https://news.example.org/2/story", .published = "(null)", .author = "(null)",
	  .categories = "" },
	{ .name = "atom", .xml = atom_doc, .n_items = 1, .id = "tag:a.example.org,2024:entry-7",
	  .title = "Mercosur & the bloc", .link = "https://a.example.org/7/story",
	  .published = "2024-11-26T05:05:00Z", .author = "Desk 4", .categories = "economy|trade",
	  .summary_has = "The Mercado Común del Sur", .content_has = "Para one. Para two.",
	  .absent = "&lt;", .feed_title = "Atom Feed" },
	{ .name = "rdf", .xml = rdf_doc, .n_items = 1, .id = "https://r.example.org/5/story",
	  .title = "Beijing & swaps", .link = "https://r.example.org/5/story",
	  .published = "2024-11-26T05:05:00Z", .author = "(null)", .categories = "Asia",
	  .summary_has = "Chinese swap agreement", .absent = "<p>", .feed_title = "RDF Feed" },
	{ .name = "escaped", .xml = escaped_doc, .n_items = 1,
	  .id = "https://news.example.org/9/story", .title = "Milei & Lula",
	  .link = "https://news.example.org/9/story", .published = "2024-11-26T02:05:00Z",
	  .author = "Desk 5", .categories = "",
	  .summary_has = "The Trump-Milei meeting Second & last.", .absent = "&amp;" },
	{ .name = "latin1", .xml = latin1_doc, .n_items = 1,
	  .id = "https://es.example.org/3/story", .title = "Reunião do Mercosul em São Paulo",
	  .published = "(null)", .summary_has = "Mercado Común del Sur — la inflación",
	  .feed_title = "Noticias" },
	{ .name = "cp1252-labelled-latin1", .xml = cp1252_doc, .n_items = 1,
	  .title = "“Quoted” – Milei’s" },
	{ .name = "utf8-labelled-latin1", .xml = mislabel_doc, .n_items = 1,
	  .title = "Mercado Común", .absent = "Ã" },
	{ .name = "bad-utf8", .xml = badutf8_doc, .n_items = 1, .title = "Común and “fine”" },
	{ .name = "http-charset", .xml = latin1_doc + 44,
	  .content_type = "text/xml; charset=iso-8859-1", .n_items = 1,
	  .title = "Reunião do Mercosul em São Paulo" },
	{ .name = "utf16-bom", .xml = utf16_doc, .len = sizeof utf16_doc - 1, .n_items = 1,
	  .id = "g1", .title = "Ça" },
	{ .name = "xml-base-nested", .xml = base_doc, .n_items = 3, .id = "e1",
	  .link = "https://b.example.org/blog/2024/post.html", .feed_title = "Base" },
	{ .name = "xml-base-absolute-path", .xml = base_doc, .n_items = 3, .item = 1, .id = "e2",
	  .link = "https://b.example.org/root/x?a=1&b=2" },
	{ .name = "xml-base-scheme-relative", .xml = base_doc, .n_items = 3, .item = 2, .id = "e3",
	  .link = "https://cdn.example.org/p" },
	{ .name = "xml-base-javascript", .xml = jsbase_doc,
	  .base_url = "https://ok.example.org/feed", .n_items = 1, .id = "j1", .link = "(null)",
	  .absent = "javascript" },
	{ .name = "link-javascript", .xml = badlinks_doc, .n_items = 6, .id = "g-js",
	  .link = "(null)", .absent = "javascript:" },
	{ .name = "link-data", .xml = badlinks_doc, .n_items = 6, .item = 1, .id = "g-data",
	  .link = "(null)", .absent = "data:" },
	{ .name = "link-file", .xml = badlinks_doc, .n_items = 6, .item = 2, .id = "g-file",
	  .link = "(null)", .absent = "file:" },
	{ .name = "link-relative-no-base", .xml = badlinks_doc, .n_items = 6, .item = 3,
	  .id = "g-rel", .link = "(null)" },
	{ .name = "link-spaces", .xml = badlinks_doc, .n_items = 6, .item = 4, .id = "g-sp",
	  .link = "https://news.example.org/a%20b" },
	{ .name = "link-ftp", .xml = badlinks_doc, .n_items = 6, .item = 5, .id = "g-ftp",
	  .link = "(null)" },
	{ .name = "link-relative-base-url", .xml = relative_rss_doc,
	  .base_url = "https://rel.example.org/feed/", .n_items = 1,
	  .id = "https://rel.example.org/2024/11/story",
	  .link = "https://rel.example.org/2024/11/story" },
	{ .name = "link-relative-file-base", .xml = relative_rss_doc,
	  .base_url = "file:///tmp/feed.xml", .n_items = 1, .link = "(null)" },
	{ .name = "entities", .xml = entities_doc, .n_items = 1, .title = "A B & C… Milei’s ©",
	  .summary_has = "x & y ’ z &unknownent; AT&T AT&T" },
	{ .name = "xxe-internal-subset", .xml = xxe_doc, .error = ERR(FW_FEED_ERROR_HOSTILE),
	  .error_has = "feed declares entities" },
	{ .name = "xxe-external-dtd", .xml = xxe_dtd_doc, .n_items = 1, .title = "t &passwd;",
	  .absent = "root:" },
	{ .name = "billion-laughs", .xml = laughs_doc, .error = ERR(FW_FEED_ERROR_HOSTILE),
	  .error_has = "feed declares entities" },
	{ .name = "html-page-with-feed-link", .xml = html_page,
	  .base_url = "https://site.example.org/news/", .content_type = "text/html",
	  .error = ERR(FW_FEED_ERROR_NOT_FEED),
	  .error_has = "not a feed: text/html (it links to a feed: https://site.example.org/feed/)" },
	{ .name = "html-page", .xml = html_nolink, .error = ERR(FW_FEED_ERROR_NOT_FEED),
	  .error_has = "not a feed: text/html" },
	{ .name = "opml", .xml = opml_doc, .error = ERR(FW_FEED_ERROR_NOT_FEED),
	  .error_has = "<opml>" },
	{ .name = "json-no-items", .xml = json_doc, .n_items = NO_ITEMS },
	{ .name = "empty", .xml = empty_doc, .error = ERR(FW_FEED_ERROR_NOT_XML),
	  .error_has = "empty document (0 bytes)" },
	{ .name = "only-white-space", .xml = "\xEF\xBB\xBF \r\n\t\n",
	  .error = ERR(FW_FEED_ERROR_NOT_XML), .error_has = "empty document (8 bytes, only white space)" },
	{ .name = "white-space-then-text", .xml = " \n x", .error = ERR(FW_FEED_ERROR_NOT_XML),
	  .error_has = "not XML: it starts with 'x', not '<' (nor '{' of a JSON Feed)" },
	{ .name = "json-array", .xml = "\xEF\xBB\xBF[{\"id\": 1}]", .error = ERR(FW_FEED_ERROR_NOT_XML),
	  .error_has = "not XML: it starts with '[', not '<'" },
	{ .name = "starts-with-non-ascii", .xml = "\xC3\xA9t\xC3\xA9", .error = ERR(FW_FEED_ERROR_NOT_XML),
	  .error_has = "not XML: it starts with U+00E9, not '<'" },
	{ .name = "truncated", .xml = truncated_doc, .degraded = TRUE,
	  .id = "https://t.example.org/1", .title = "Complete A B & C" },
	{ .name = "mismatch-recover-keeps-entities", .xml = mismatch_doc, .degraded = TRUE,
	  .item = 2, .id = "https://t.example.org/c", .title = "After & A B" },
	{ .name = "id-from-link", .xml = idlink_doc, .n_items = 1,
	  .id = "https://i.example.org/only-link", .link = "https://i.example.org/only-link" },
	{ .name = "id-hash", .xml = idhash_doc, .n_items = 1, .id = "sha1:",
	  .title = "Only a title", .link = "(null)", .summary_has = "and text" },
	{ .name = "guid-permalink", .xml = permalink_doc, .n_items = 2,
	  .id = "https://i.example.org/perma", .link = "https://i.example.org/perma" },
	{ .name = "guid-not-permalink", .xml = permalink_doc, .n_items = 2, .item = 1,
	  .id = "https://i.example.org/np", .link = "(null)" },
	{ .name = "atom-xhtml", .xml = xhtml_doc, .n_items = 3, .id = "x1", .title = "Milei & co",
	  .content_has = "One Two <3" },
	{ .name = "atom-text", .xml = xhtml_doc, .n_items = 3, .item = 1, .id = "x2",
	  .title = "Use <b> tags", .content_has = "a <p> b" },
	{ .name = "atom-content-src", .xml = xhtml_doc, .n_items = 3, .item = 2, .id = "x3",
	  .title = "Out of line" },
	{ .name = "atom03", .xml = atom03_doc, .n_items = 1, .id = "tag:old,2004:1",
	  .title = "Old entry", .link = "https://old.example.org/1",
	  .published = "2004-05-06T07:08:09Z", .author = "Ancient", .content_has = "Old content",
	  .feed_title = "Old" },
	{ .name = "rss091-doctype", .xml = rss091_doc, .n_items = 1,
	  .id = "http://n.example.org/1", .title = "Café item", .link = "http://n.example.org/1",
	  .summary_has = "Old & simple", .feed_title = "Ninety-one" },
	{ .name = "ttl", .xml = ttl_doc, .n_items = 1, .ttl = 1800 },
	{ .name = "sy-update", .xml = sy_doc, .n_items = 1, .ttl = 21600 },
	{ .name = "rss-author-email-name", .xml = authors_doc, .n_items = 2, .author = "Jane Doe" },
	{ .name = "dc-creators", .xml = authors_doc, .n_items = 2, .item = 1,
	  .author = "One, Two" },
	{ .name = "categories", .xml = cats_doc, .n_items = 1,
	  .categories = "Politics|Economy & Trade|atomcat|Subject" },
	{ .name = "leading-whitespace", .xml = whitespace_doc, .n_items = 1, .id = "g-ws",
	  .title = "Spaced out" },
	{ .name = "control-chars", .xml = controls_doc, .n_items = 1, .title = "ctl char here" },
	{ .name = "stray-lt-amp", .xml = lt_doc, .n_items = 1, .title = "1 < 2 and AT&T" },
	{ .name = "dc-date", .xml = dcdate_doc, .n_items = 1, .published = "2024-11-26T08:05:00Z" },
	{ .name = "bad-date", .xml = nodate_doc, .n_items = 1, .published = "(null)" },
	{ .name = "itunes", .xml = summary_itunes_doc, .n_items = 1, .id = "ep1", .title = "ep",
	  .link = "(null)", .author = "Host", .summary_has = "Podcast & talk" },
	{ .name = "unescaped-html-description", .xml = unescaped_html_doc, .n_items = 1,
	  .summary_has = "Para one two" },
	/* JSON Feed */
	{ .name = "json-basic", .xml = json_basic, .n_items = 1, .id = "j-1", .title = "Milei’s plan",
	  .link = "https://j.example.org/1", .published = "2024-11-26T05:05:00Z",
	  .updated = "2024-11-27T00:00:00Z", .author = "Ana, Bo", .categories = "a|b",
	  .content = "Mercosur talks end", .summary = "Short", .feed_title = "JSON & Co",
	  .feed_link = "https://j.example.org/" },
	{ .name = "json-1.0", .xml = json_v10, .n_items = 1, .id = "42", .author = "Old",
	  .content = "Plain <not a tag> text", .link = "https://ext.example.org/x", .published = "(null)" },
	{ .name = "json-url-id", .xml = json_noid, .base_url = "https://jb.example.org/feed.json",
	  .n_items = 3, .id = "https://jb.example.org/rel/1", .link = "https://jb.example.org/rel/1" },
	{ .name = "json-hash-id", .xml = json_noid, .n_items = 3, .item = 1, .id = "sha1:",
	  .title = "only title", .link = "(null)" },
	{ .name = "json-js-url", .xml = json_noid, .n_items = 3, .item = 2, .id = "js", .link = "(null)",
	  .absent = "javascript" },
	{ .name = "json-not-feed", .xml = json_plain, .error = ERR(FW_FEED_ERROR_NOT_FEED),
	  .error_has = "not a feed: JSON" },
	{ .name = "json-broken", .xml = json_broken, .error = ERR(FW_FEED_ERROR_NOT_XML),
	  .error_has = "not JSON" },
	{ .name = "json-bom-empty", .xml = json_empty, .n_items = NO_ITEMS },
	{ .name = "json-lone-high-at-end", .xml = json_surrogates, .n_items = 6, .id = "s1",
	  .title = "Milei emoji cut \xEF\xBF\xBD" },
	{ .name = "json-lone-high-neighbour-kept", .xml = json_surrogates, .n_items = 6, .item = 1,
	  .id = "s2", .title = "Milei innocent neighbour" },
	{ .name = "json-lone-high-before-quote-and-escape", .xml = json_surrogates, .n_items = 6,
	  .item = 2, .id = "s3", .title = "a \xEF\xBF\xBD\"q\" b \xEF\xBF\xBD" "A c \xEF\xBF\xBD d" },
	{ .name = "json-lone-low", .xml = json_surrogates, .n_items = 6, .item = 3, .id = "s4",
	  .title = "lo \xEF\xBF\xBD x \xEF\xBF\xBD\xEF\xBF\xBD" },
	{ .name = "json-surrogate-pair-kept", .xml = json_surrogates, .n_items = 6, .item = 4,
	  .id = "s5", .title = "pair \xF0\x9F\x98\x80 ok" },
	{ .name = "json-escaped-backslash-u", .xml = json_surrogates, .n_items = 6, .item = 5,
	  .id = "s6", .title = "literal \\ud800 \\u0000 text" },
	{ .name = "json-nul-escape-title", .xml = json_nul, .n_items = 2, .id = "xa",
	  .title = "Milei one hidden words" },
	{ .name = "json-nul-escape-ids-distinct", .xml = json_nul, .n_items = 2, .item = 1,
	  .id = "xb", .title = "Milei two" },
	{ .name = "json-r1-surrogate-after-escapes", .xml = json_error_escapes, .n_items = 1,
	  .id = "x", .title = "Milei ]0;PWNED[31mRED1m \xEF\xBF\xBD" },
	{ .name = "json-error-quotes-nothing-raw", .xml = json_error_raw,
	  .error = ERR(FW_FEED_ERROR_NOT_XML),
	  .error_has = "not JSON: line 1, column 103: a string holds a control character or a bad escape" },

	/* hostile and odd XML */
	{ .name = "xml-error-names-made-safe", .xml = xml_names_doc, .degraded = TRUE, .id = "n1",
	  .warning_has = "Opening and ending tag mismatch: a?b line 2 and a?c" },
	{ .name = "xml-error-namespace-uri-made-safe", .xml = xml_nsuri_doc, .degraded = TRUE,
	  .id = "u1", .warning_has = "xmlns:x: 'http://a/??? [31m' is not a valid URI" },
	{ .name = "xml-error-cut-mid-character", .xml = xml_cut_doc, .degraded = TRUE, .id = "c1",
	  .warning_has = "\xC3\xA9? (read in recover mode)" },
	{ .name = "xml-root-name-made-safe", .xml = "<\xD8\x9Croot/>", .error = ERR(FW_FEED_ERROR_NOT_FEED),
	  .error_has = "root element <?root>" },
	{ .name = "parameter-entity", .xml = pe_doc, .error = ERR(FW_FEED_ERROR_HOSTILE),
	  .error_has = "feed declares entities" },
	{ .name = "subset-without-entities", .xml = subset_noent_doc, .n_items = 1, .id = "s1",
	  .title = "Subset ok" },
	{ .name = "xinclude-ignored", .xml = xinclude_doc, .n_items = 1, .summary = "after",
	  .absent = "root:" },
	{ .name = "processing-instructions", .xml = pi_doc, .n_items = 1, .id = "pi", .absent = "root:" },
	{ .name = "nul-byte", .xml = nul_doc, .len = sizeof nul_doc - 1, .n_items = 1, .id = "n1",
	  .title = "nulbyte" },
	{ .name = "utf16be-bom", .xml = utf16be_doc, .len = sizeof utf16be_doc - 1, .n_items = 1,
	  .id = "be", .title = "Милей" },
	{ .name = "utf16le-no-bom", .xml = utf16le_nobom_doc, .len = sizeof utf16le_nobom_doc - 1,
	  .n_items = 1, .id = "le", .title = "LE" },
	{ .name = "utf8-bom-then-space", .xml = utf8bom_doc, .n_items = 1, .title = "Bom é" },
	{ .name = "utf16-label-on-bytes", .xml = utf16label_doc, .n_items = 1, .title = "Label lies é" },
	{ .name = "unknown-label", .xml = unknown_label_doc, .n_items = 1, .title = "Café" },
	{ .name = "koi8-r", .xml = koi8_doc, .n_items = 1, .title = "Привет" },
	{ .name = "windows-1251", .xml = cp1251_doc, .n_items = 1, .title = "Милей" },
	{ .name = "http-charset-only", .xml = latin1_http_only_doc, .content_type = "text/xml;charset=\"ISO-8859-1\"",
	  .n_items = 1, .title = "Señor" },
	{ .name = "xml-char-refs", .xml = xmlrefs_doc, .n_items = 1, .title = "en–dash — nul\xEF\xBF\xBD ok’" },
	{ .name = "cdata-split", .xml = cdata_split_doc, .n_items = 1, .title = "Milei’s plan",
	  .content = "a ]]> b" },
	{ .name = "escaped-title", .xml = escaped_title_doc, .n_items = 1, .title = "Bold title < 3",
	  .summary = "Shown" },
	{ .name = "deep-nesting", .xml = NULL, .file = "feeds/deep.xml", .error = ERR(FW_FEED_ERROR_HOSTILE),
	  .error_has = "nested too deeply" },

	/* not feeds */
	{ .name = "xhtml-page", .xml = xhtml_page, .error = ERR(FW_FEED_ERROR_NOT_FEED),
	  .error_has = "not a feed: text/html (it links to a feed: https://x.example.org/atom.xml)" },
	{ .name = "html-relative-feed-link-no-base", .xml = html_rel_nobase, .error = ERR(FW_FEED_ERROR_NOT_FEED),
	  .error_has = "not a feed: text/html" },
	{ .name = "html-relative-feed-link", .xml = html_rel_nobase, .base_url = "https://h.example.org/a/b",
	  .error = ERR(FW_FEED_ERROR_NOT_FEED), .error_has = "(it links to a feed: https://h.example.org/feed)" },
	{ .name = "plain-text", .xml = text_garbage, .error = ERR(FW_FEED_ERROR_NOT_XML), .error_has = "not XML: it starts with 'T', not '<'" },
	{ .name = "rdf-without-namespace", .xml = rdf_nons_doc, .error = ERR(FW_FEED_ERROR_NOT_FEED),
	  .error_has = "<RDF>" },
	{ .name = "channel-root", .xml = channel_root_doc, .error = ERR(FW_FEED_ERROR_NOT_FEED) },
	{ .name = "atom-other-default-namespace", .xml = atom_nons_other_doc, .error = ERR(FW_FEED_ERROR_NOT_FEED),
	  .error_has = "not a feed: XML document with root element <feed>" },
	{ .name = "atom-empty-default-namespace", .xml = atom_nons_empty_ns_doc, .error = ERR(FW_FEED_ERROR_NOT_FEED),
	  .error_has = "not a feed: XML document with root element <feed>" },
	{ .name = "atom-prefixed-other-namespace", .xml = atom_prefixed_other_doc, .error = ERR(FW_FEED_ERROR_NOT_FEED),
	  .error_has = "not a feed: XML document with root element <feed>" },

	/* broken documents */
	{ .name = "truncated-in-cdata", .xml = trunc_cdata_doc, .degraded = TRUE, .item = 0, .id = "tc1",
	  .title = "One" },
	{ .name = "trailing-amp", .xml = trailing_amp_doc, .n_items = 1, .title = "ends with &" },
	{ .name = "recover-html-in-description", .xml = recover_html_doc, .degraded = TRUE, .n_items = 1,
	  .summary_has = "& A B" },
	{ .name = "unescaped-ampersands", .xml = unescaped_amp_doc, .n_items = 1, .title = "AT&T",
	  .summary = "Q&A x &c", .link = "https://ua.example.org/?a=1&b=2" },
	{ .name = "entities-in-attributes", .xml = attr_entity_doc, .n_items = 1,
	  .categories = "Café ’n' more" },

	/* dialects and structure */
	{ .name = "items-without-channel", .xml = nochannel_doc, .n_items = 1, .id = "loose",
	  .title = "Loose item" },
	{ .name = "rss-0.90", .xml = rss090_doc, .n_items = 1, .id = "http://ninety.example.org/1",
	  .title = "Old one", .feed_title = "Ninety", .feed_link = "http://ninety.example.org/" },
	{ .name = "rdf-content-encoded", .xml = rdf_content_doc, .n_items = 2, .id = "https://r.example.org/c",
	  .content = "Full text" },
	{ .name = "rdf-without-about", .xml = rdf_content_doc, .n_items = 2, .item = 1,
	  .id = "https://r.example.org/na" },
	{ .name = "userland-namespace", .xml = userland_doc, .n_items = 1, .title = "Userland",
	  .link = "https://ul.example.org/1" },
	{ .name = "empty-rss", .xml = empty_rss_doc, .n_items = NO_ITEMS, .feed_title = "Empty" },
	{ .name = "empty-atom", .xml = empty_atom_doc, .n_items = NO_ITEMS },
	/* Atom without a namespace: read as Atom 1.0 */
	{ .name = "atom-without-namespace", .xml = atom_nons_doc, .n_items = 1, .title = "x" },
	{ .name = "atom-without-namespace-file", .file = "feeds/atom-no-namespace.xml", .n_items = 1,
	  .id = "tag:example.org,2026:a", .title = "Milei meets Lula at Mercosur",
	  .link = "https://example.org/a", .updated = "2026-12-01T10:00:00Z", .summary = "Talks on swaps.",
	  .feed_title = "No namespace", .feed_link = "https://example.org/" },
	{ .name = "atom-without-namespace-html", .xml = atom_nons_html_doc, .n_items = 2,
	  .id = "tag:ns.example.org,2026:h", .title = "Lula & Milei", .link = "https://ns.example.org/h",
	  .published = "2026-11-30T08:00:00Z", .author = "Desk 9", .categories = "trade",
	  .content = "Para one. Para two.", .absent = "&lt;", .feed_title = "Sloppy & co",
	  .feed_link = "https://ns.example.org/" },
	{ .name = "atom-without-namespace-xhtml-div", .xml = atom_nons_html_doc, .n_items = 2, .item = 1,
	  .id = "tag:ns.example.org,2026:x", .title = "XHTML", .content_has = "Val x", .absent = "<p>" },
	{ .name = "atom-without-namespace-media", .xml = atom_nons_media_doc, .n_items = 1,
	  .id = "tag:v,2026:1", .title = "Clip", .link = "https://v.example.org/1", .author = "Desk 7",
	  .summary = "Media summary", .categories = "swap|bloc", .feed_title = "Videos" },
	{ .name = "atom-without-namespace-recover", .xml = atom_nons_broken_doc, .degraded = TRUE,
	  .n_items = 2, .item = 0, .id = "b1", .title = "First", .feed_title = "Broken" },
	{ .name = "atom-without-namespace-empty", .xml = atom_nons_empty_doc, .n_items = NO_ITEMS },
	{ .name = "atom-without-namespace-prolog", .xml = atom_nons_prolog_doc, .n_items = 1, .id = "p1",
	  .title = "Prolog", .link = "https://b.example.org/x/story" },
	{ .name = "rss-without-namespace", .xml = rss_nons_doc, .n_items = 1, .id = "pr-1",
	  .title = "Plain item", .link = "https://pr.example.org/1", .published = "2026-12-01T10:00:00Z",
	  .summary = "Plain text", .feed_title = "Plain RSS", .feed_link = "https://pr.example.org/" },
	{ .name = "rss-feed-element-inside", .xml = rss_feed_child_doc, .n_items = 1, .id = "yes",
	  .title = "Only" },
	{ .name = "enclosure-only-item", .xml = enclosure_only_doc, .n_items = NO_ITEMS },
	{ .name = "mixed-content", .xml = mixed_content_doc, .n_items = 1, .content = "Text cdata & more end" },

	/* Atom */
	{ .name = "atom-alternate-html-first", .xml = atom_links_doc, .n_items = 3,
	  .link = "https://al.example.org/1.html", .feed_link = "https://al.example.org/" },
	{ .name = "atom-related-fallback", .xml = atom_links_doc, .n_items = 3, .item = 1,
	  .link = "https://al.example.org/rel" },
	{ .name = "atom-enclosure-edit-not-links", .xml = atom_links_doc, .n_items = 3, .item = 2,
	  .link = "(null)" },
	{ .name = "atom-author-email", .xml = atom_people_doc, .n_items = 2, .author = "only@mail.example.org",
	  .published = "2024-11-26T05:05:00Z", .updated = "2024-11-26T05:05:00Z" },
	{ .name = "atom-two-authors", .xml = atom_people_doc, .n_items = 2, .item = 1, .author = "A, B",
	  .categories = "Label only", .summary = "Just a summary & more", .content = "(null)",
	  .published = "(null)" },
	{ .name = "atom-html-title", .xml = atom_types_doc, .n_items = 3, .title = "Tom & Jerry <3",
	  .content = "x <b> y" },
	{ .name = "atom-base64-content", .xml = atom_types_doc, .n_items = 3, .item = 1, .content = "(null)" },
	{ .name = "atom-xml-content", .xml = atom_types_doc, .n_items = 3, .item = 2, .content = "Val one" },
	{ .name = "atom-relative-base", .xml = atom_base_doc, .base_url = "https://ab.example.org/feeds/atom",
	  .n_items = 1, .link = "https://ab.example.org/blog/post/1",
	  .feed_link = "https://ab.example.org/blog/home" },
	{ .name = "atom-feed-title-html", .xml = feed_title_html_doc, .n_items = 1, .feed_title = "Big & bold" },

	/* links and ids */
	{ .name = "channel-link-relative", .xml = rss_rel_channel_doc, .base_url = "https://rc.example.org/feed",
	  .n_items = 4, .feed_link = "https://rc.example.org/home", .link = "https://ws.example.org/spaced" },
	{ .name = "link-upper-case-scheme", .xml = rss_rel_channel_doc, .n_items = 4, .item = 1,
	  .link = "https://UP.EXAMPLE.ORG/X" },
	{ .name = "link-no-host", .xml = rss_rel_channel_doc, .n_items = 4, .item = 2, .link = "(null)",
	  .id = "nohost" },
	{ .name = "link-empty-host", .xml = rss_rel_channel_doc, .n_items = 4, .item = 3, .link = "(null)" },
	{ .name = "guid-empty", .xml = guid_edge_doc, .n_items = 3, .id = "https://g.example.org/1" },
	{ .name = "guid-blank", .xml = guid_edge_doc, .n_items = 3, .item = 1, .id = "https://g.example.org/2" },
	{ .name = "guid-not-url-permalink", .xml = guid_edge_doc, .n_items = 3, .item = 2, .id = "12345",
	  .link = "(null)" },
	{ .name = "guid-not-url-with-base", .xml = guid_edge_doc, .base_url = "https://gb.example.org/",
	  .n_items = 3, .item = 2, .id = "12345", .link = "(null)" },

	/* precedence */
	{ .name = "date-trimmed", .xml = date_fallback_doc, .n_items = 2, .published = "2024-11-26T05:05:00Z" },
	{ .name = "date-falls-back", .xml = date_fallback_doc, .n_items = 2, .item = 1,
	  .published = "2024-11-25T00:00:00Z" },
	{ .name = "precedence", .xml = precedence_doc, .n_items = 1, .summary = "desc sum", .content = "full",
	  .author = "DC Name", .categories = "x|y" },
	{ .name = "ttl-over-sy", .xml = ttl_both_doc, .n_items = 1, .ttl = 7200 },
	{ .name = "sy-weekly", .xml = sy_weekly_doc, .n_items = 1, .ttl = 302400 },
	{ .name = "scripts-and-controls", .xml = scripts_doc, .n_items = 1,
	  .title = "\xF0\x9F\x98\x80 \xD8\xB9\xD8\xB1\xD8\xA8\xD9\x8A \xE4\xB8\xAD\xE6\x96\x87",
	  .summary = "form feed" },

	/* more real-world shapes */
	{ .name = "feedburner-origlink", .xml = feedburner_doc, .n_items = 1,
	  .id = "https://orig.example.org/story/1", .link = "https://orig.example.org/story/1" },
	{ .name = "cdata-double-escaped", .xml = cdata_double_doc, .n_items = 1,
	  .summary = "A B “q” Été" },
	{ .name = "blank-title-and-description", .xml = blank_fields_doc, .n_items = 2, .title = "(null)",
	  .summary = "(null)", .id = "https://bf.example.org/1" },
	{ .name = "title-only-item", .xml = blank_fields_doc, .n_items = 2, .item = 1, .id = "sha1:",
	  .title = "Title only", .link = "(null)", .summary = "(null)", .content = "(null)" },
	{ .name = "declaration-beats-http-charset", .xml = charset_conflict_doc,
	  .content_type = "text/xml; charset=ISO-8859-1", .n_items = 1, .title = "Niño" },
	{ .name = "http-utf8-but-latin1-bytes", .xml = latin1_nodecl_doc,
	  .content_type = "application/rss+xml; charset=utf-8", .n_items = 1, .title = "Niño €" },
	{ .name = "rss-item-atom-link", .xml = rss_atom_link_doc, .n_items = 2,
	  .link = "https://ral.example.org/1", .id = "al" },
	{ .name = "empty-link-guid-permalink", .xml = rss_atom_link_doc, .n_items = 2, .item = 1,
	  .link = "https://ral.example.org/g" },
	{ .name = "atom-id-trimmed-xhtml-summary", .xml = atom_misc_doc, .n_items = 2,
	  .id = "tag:misc,2024:1", .title = "(null)", .summary = "Xhtml sum" },
	{ .name = "atom-cdata-html", .xml = atom_misc_doc, .n_items = 2, .item = 1,
	  .title = "Cdata & html", .content = "Para", .link = "https://am.example.org/2",
	  .absent = "bad()" },
	{ .name = "upper-case-entities", .xml = upper_entities_doc, .n_items = 1,
	  .title = "ÉCOLE Über Æ ß € ™" },
	{ .name = "html5-only-entity-literal", .xml = html5_entity_doc, .n_items = 1,
	  .title = "check &check; mark" },
	{ .name = "bom-whitespace-declaration", .xml = ws_before_decl_bom_doc, .n_items = 1, .id = "wsb" },
	{ .name = "rdf-dublin-core", .xml = rdf_dc_doc, .n_items = 1, .author = "Creator",
	  .published = "2024-11-26T00:00:00Z", .categories = "One|Two", .summary = "DC described" },
	{ .name = "atom-bogus-published-uses-updated", .xml = atom_dates_doc, .n_items = 1,
	  .published = "2024-11-26T04:05:00Z", .updated = "2024-11-26T04:05:00Z" },
	{ .name = "comments-and-source-not-links", .xml = comments_link_doc, .n_items = 1,
	  .link = "(null)", .summary = "(null)" },

	{ .name = "atom-source-ignored", .xml = atom_source_doc, .n_items = 2, .id = "own",
	  .title = "Own title", .link = "https://own.example.org/1", .author = "(null)" },
	{ .name = "atom-empty-href", .xml = atom_source_doc, .base_url = "https://eh.example.org/feed",
	  .n_items = 2, .item = 1, .link = "(null)" },
	{ .name = "link-iri", .xml = odd_links_doc, .n_items = 3,
	  .link = "https://ex.example.org/caf%C3%A9?q=%C3%B1%20x" },
	{ .name = "link-ipv6", .xml = odd_links_doc, .n_items = 3, .item = 1, .link = "https://[::1]:8080/x" },
	{ .name = "link-fragment-permalink-false-upper", .xml = odd_links_doc,
	  .base_url = "https://fr.example.org/feed", .n_items = 3, .item = 2,
	  .link = "https://fr.example.org/feed#frag", .id = "https://ex.example.org/np" },
	{ .name = "guid-with-amp-first-title", .xml = guid_amp_doc, .n_items = 1, .id = "a&b",
	  .title = "First title" },
	{ .name = "json-html-over-text", .xml = json_more, .n_items = 1, .id = "jm",
	  .content = "html wins", .published = "2024-11-26T08:05:00Z",
	  .link = "https://jm.example.org/caf%C3%A9" },
	{ .name = "rdf-feed-link", .xml = rdf_doc, .n_items = 1, .feed_link = "https://r.example.org/" },
	{ .name = "rss-feed-link", .xml = wp_doc, .n_items = 2, .feed_link = "https://news.example.org/" },
	{ .name = "tac-no-base", .file = "tac-feed.xml", .n_items = 1,
	  .id = "https://www.theamericanconservative.com/?p=241207",
	  .feed_link = "https://www.theamericanconservative.com", .absent = "&#124;" },
	/* encodings: ISO-8859-x, Shift_JIS, GB2312 through iconv; Windows-1252
	 * mislabelled; BOM, then declaration, then HTTP charset */
	{ .name = "iso-8859-2", .xml = latin2_doc, .n_items = 1, .title = "Łódź Kraków" },
	{ .name = "iso-8859-15", .xml = latin9_doc, .n_items = 1, .title = "Prix 10€ œuvre" },
	{ .name = "shift-jis", .xml = sjis_doc, .n_items = 1, .title = "日本語のニュース" },
	{ .name = "shift-jis-bad-byte", .xml = sjis_bad_doc, .n_items = 1, .title = "日本\xEF\xBF\xBD語" },
	{ .name = "gb2312", .xml = gb2312_doc, .n_items = 1, .title = "中文新闻" },
	{ .name = "gb2312-label-gbk-bytes", .xml = gbk_as_gb2312_doc, .n_items = 1, .title = "朱镕基" },
	{ .name = "shift-jis-label-cp932-bytes", .xml = cp932_as_sjis_doc, .n_items = 1, .title = "① C:\\dir" },
	{ .name = "cp1252-labelled-utf8", .xml = cp1252_as_utf8_doc, .n_items = 1,
	  .title = "“Quoted” – Milei’s" },
	{ .name = "declaration-beats-http-charset-koi8", .xml = koi8_vs_http_doc,
	  .content_type = "text/xml; charset=windows-1251", .n_items = 1, .title = "Привет" },
	{ .name = "bom-beats-declaration-utf8", .xml = bom_vs_decl_doc, .n_items = 1, .title = "Ìè" },
	{ .name = "bom-beats-declaration-utf16", .gen = gen_utf16_bom_vs_decl, .n_items = 1, .id = "b16",
	  .title = "Ça ü" },
	{ .name = "bom-beats-http-charset", .gen = gen_utf16be_bom, .content_type = "text/xml; charset=iso-8859-1",
	  .n_items = 1, .id = "bebom", .title = "Ñu" },
	{ .name = "utf32le-bom", .gen = gen_utf32le, .n_items = 1, .id = "u32", .title = "Ω ok" },
	{ .name = "utf16-lone-surrogate", .gen = gen_utf16_lone_surrogate, .n_items = 1, .id = "ls",
	  .title = "a\xEF\xBF\xBD" "cb" },
	{ .name = "ebcdic-label-ignored", .xml = ebcdic_label_doc, .n_items = 1, .title = "Café" },
	{ .name = "utf7-label-ascii-literal", .xml = utf7_label_doc, .n_items = 1, .title = "+ADw-b+AD4-x" },
	{ .name = "utf7-label-high-bytes", .xml = utf7_high_doc, .n_items = 1, .title = "Café +ADw-b+AD4-" },
	{ .name = "empty-label", .xml = empty_label_doc, .degraded = TRUE, .n_items = 1, .title = "Señor" },
	{ .name = "overlong-label", .xml = long_label_doc, .n_items = 1, .title = "Señor" },
	{ .name = "bogus-http-charset", .xml = latin1_bogus_http_doc, .content_type = "text/xml; charset=no-such",
	  .n_items = 1, .title = "Señor" },

	/* issue 16: shapes that built ~0.3-1 GB before, caps named in the error */
	{ .name = "json-3m-empty-objects", .gen = gen_json_empty_objects,
	  .error = ERR(FW_FEED_ERROR_HOSTILE), .error_has = "over 100000 values" },
	{ .name = "category-2.5m-elements", .gen = gen_category_elements,
	  .error = ERR(FW_FEED_ERROR_HOSTILE), .error_has = "over 200000 XML nodes" },
	{ .name = "doctype-2m-pis", .gen = gen_doctype_pis, .n_items = 1, .id = "pi",
	  .feed_title = "P" },
	{ .name = "html-3m-paragraphs", .gen = gen_html_paragraphs,
	  .error = ERR(FW_FEED_ERROR_NOT_FEED),
	  .error_has = "not a feed: text/html (it links to a feed: https://p.example.org/feed)" },
	{ .name = "attributes-80k", .gen = gen_attrs_80k, .error = ERR(FW_FEED_ERROR_HOSTILE),
	  .error_has = "over 512 attributes" },
	{ .name = "html-attributes-80k", .gen = gen_html_attrs_80k,
	  .error = ERR(FW_FEED_ERROR_NOT_FEED), .error_has = "not a feed: text/html" },
	{ .name = "json-id-escapes", .xml = json_escape_ids, .n_items = 4,
	  .id = "j[31mX]52;c;YQ==[2J", .title = "evil txt" },
	{ .name = "json-id-only-controls", .xml = json_escape_ids, .n_items = 4, .item = 1,
	  .id = "sha1:", .title = "ctl" },
	{ .name = "json-id-over-int64", .xml = json_escape_ids, .n_items = 4, .item = 2,
	  .id = "123456789012345678901234567890" },
	{ .name = "long-c1-bidi", .xml = c1_long_doc, .n_items = 1,
	  .id = "0123456789abcdefghijklmnopqrstuvwxyz",
	  .title = "0123456789abcdef0123456789abcdef 0123456789abcdef0123456789",
	  .summary = "\xC3\xA9t\xC3\xA9 0123456789 0123456789 0123456789 0123456789 r" },
	{ .name = "guid-c1-bidi", .xml = c1_guid_doc, .n_items = 1, .id = "a1mb0;t c",
	  .title = "Flip gnp.exe", .summary = "Sum rev", .categories = "ab",
	  .author = "Mallory" },

	/* hostile sizes and shapes: bounded results, the rest of the feed kept */
	{ .name = "text-node-11mb", .gen = gen_text_11mb, .n_items = 2, .item = 1, .title = "After" },
	{ .name = "text-node-11mb-capped", .gen = gen_text_11mb, .n_items = 2, .title = "Big",
	  .summary_has = "word word" },
	{ .name = "cdata-11mb", .gen = gen_cdata_11mb, .n_items = 2, .item = 1, .title = "After" },
	{ .name = "comment-11mb", .gen = gen_comment_11mb, .n_items = 2, .title = "Big" },
	{ .name = "attribute-5mb", .gen = gen_attr_5mb, .degraded = TRUE, .n_items = ANY, .title = "Big" },
	{ .name = "title-1mb", .gen = gen_title_1mb, .n_items = 2, .id = "big" },
	{ .name = "nul-flood", .gen = gen_nul_flood, .n_items = 2, .title = "nulflood" },
	{ .name = "invalid-utf8-flood", .gen = gen_invalid_utf8_flood, .n_items = 2, .id = "big" },
	{ .name = "100000-categories", .gen = gen_many_categories, .n_items = 2,
	  .categories = "c|Same|More & more" },
	{ .name = "quadratic-blowup", .gen = gen_quadratic, .error = ERR(FW_FEED_ERROR_HOSTILE),
	  .error_has = "feed declares entities" },
	{ .name = "nesting-100000", .gen = gen_deep_100k, .error = ERR(FW_FEED_ERROR_HOSTILE),
	  .error_has = "nested too deeply" },
	{ .name = "100000-siblings", .gen = gen_wide, .n_items = 2, .title = "wide" },
	{ .name = "10050-items", .gen = gen_10050_items, .n_items = 10000, .item = 9999, .id = "9999",
	  .feed_title = "many", .degraded = TRUE,
	  .warning_has = "too many items: only the first 10000 read" },
	{ .name = "10000-items", .gen = gen_10000_items, .n_items = 10000, .item = 9999, .id = "9999",
	  .feed_title = "many" },
	{ .name = "10050-items-json", .gen = gen_10050_json, .n_items = 10000, .item = 9999,
	  .id = "9999", .feed_title = "many", .degraded = TRUE,
	  .warning_has = "too many items: only the first 10000 read" },

	{ .name = "long-link-id-hashed", .gen = gen_long_link_id, .n_items = 1, .id = "sha1:",
	  .title = "long" },
	/* a big document goes to libxml2 in chunks, items read as they end */
	{ .name = "chunked-first", .gen = gen_chunked, .n_items = 4000, .title = "Item 0 A B & C…",
	  .link = "https://ch.example.org/0?a=1&b=2", .content = "Body 0 & more padding padding padding "
	  "padding padding padding padding", .feed_title = "Chunks" },
	{ .name = "chunked-last", .gen = gen_chunked, .n_items = 4000, .item = 3999,
	  .title = "Item 3999 A B & C…", .link = "https://ch.example.org/3999?a=1&b=2" },
	{ .name = "chunked-truncated", .gen = gen_chunked_truncated, .degraded = TRUE, .n_items = ANY,
	  .item = 3000, .title = "Item 3000 A B & C…", .feed_title = "Chunks" },
	/* issue 18: a row for every point, in the shape real feeds showed it */
	{ .name = "18-1-itunes-dtd-capitalised", .xml = ns_variants_doc, .n_items = 4,
	  .author = "Taverncast: www.taverncast.com", .content = "Taverncast tosses around",
	  .categories = "beer|games|hobbies" },
	{ .name = "18-1-dc-https-no-slash", .xml = ns_variants_doc, .n_items = 4, .item = 1, .author = "Bill" },
	{ .name = "18-1-id-keeps-link", .xml = ns_variants_doc, .n_items = 4, .item = 2,
	  .id = "https://v.example.org/1" },
	{ .name = "18-1-id-keeps-hash", .xml = ns_variants_doc, .n_items = 4, .item = 3,
	  .id = "sha1:250ba0a0a6db66d738462323ff3c83cf30d8e0c3" },
	{ .name = "18-2-spiegel-second-hash", .xml = odd_links2_doc, .n_items = 5, .id = "sp1",
	  .link = "https://www.spiegel.de/politik/ausland/x-a-1.html#refsponi%23ref=rss" },
	{ .name = "18-2-bad-percent", .xml = odd_links2_doc, .n_items = 5, .item = 1,
	  .link = "https://l.example.org/a%25zz/b%25" },
	{ .name = "18-2-brackets-in-path", .xml = odd_links2_doc, .n_items = 5, .item = 2,
	  .link = "https://l.example.org/list%5B1%5D/x?q=%5B2%5D" },
	{ .name = "18-2-id-unchanged", .xml = odd_links2_doc, .n_items = 5, .item = 3,
	  .link = "https://l.example.org/a#b%23c", .id = "sha1:250ba0a0a6db66d738462323ff3c83cf30d8e0c3" },
	{ .name = "18-2-relative-resolved", .xml = odd_links2_doc, .base_url = "https://l.example.org/feed/",
	  .n_items = 5, .item = 4, .link = "https://l.example.org/rel/a%25zz#x%23y" },
	{ .name = "18-3-empty-dc-creator", .xml = empty_wins_doc, .n_items = 3, .author = "Dr. Ananth Prabhu G" },
	{ .name = "18-3-empty-description", .xml = empty_wins_doc, .n_items = 3, .item = 1,
	  .summary = "Taverncast celebrates Oktoberfest" },
	{ .name = "18-3-blank-title-id-unchanged", .xml = empty_wins_doc, .n_items = 3, .item = 2,
	  .title = "Dc title", .id = "sha1:7f5a3585f67b8fb4b0ce4acba6f2d102ff5f30bf" },
	{ .name = "18-4-author-name-child", .xml = author_children_doc, .n_items = 1,
	  .author = "Chris Rawles, Ryan Gillard" },
	{ .name = "18-5-unclosed-before-items", .xml = unclosed_category_doc, .degraded = TRUE, .n_items = 3,
	  .item = 2, .title = "Red, Whine, & Blue", .id = "http://example.com/podcasts/archive/aae20050601.mp3",
	  .feed_title = "All About Everything" },
	{ .name = "18-5-unclosed-in-item", .xml = unclosed_in_item_doc, .degraded = TRUE, .n_items = 3,
	  .item = 2, .id = "u3", .title = "Three" },
	{ .name = "18-6-dc-identifier-over-about", .xml = biorxiv_doc, .n_items = 3,
	  .id = "doi:10.1101/2020.01.01.1", .link = "http://biorxiv.org/cgi/content/short/2020.01.01.1?rss=1" },
	{ .name = "18-6-about-over-link", .xml = biorxiv_doc, .n_items = 3, .item = 1, .id = "http://biorxiv.org/2",
	  .link = "http://biorxiv.org/l2" },
	{ .name = "18-6-guid-over-dc-identifier", .xml = biorxiv_doc, .n_items = 3, .item = 2, .id = "g3" },
	{ .name = "18-7-youtube-media-group", .xml = youtube_doc, .n_items = 3, .title = "Weathered",
	  .summary = "Check Out Weathered on PBS Terra https://x.example.org/", .categories = "climate|weather" },
	{ .name = "18-7-media-title-html-category", .xml = youtube_doc, .n_items = 3, .item = 1,
	  .title = "Only media title", .summary = "Bold text", .categories = "Music" },
	{ .name = "18-7-own-summary-first", .xml = youtube_doc, .n_items = 3, .item = 2, .summary = "own summary" },
	{ .name = "18-7-id-unchanged", .xml = media_rss_doc, .n_items = 1, .summary = "d",
	  .id = "sha1:250ba0a0a6db66d738462323ff3c83cf30d8e0c3" },
	{ .name = "18-8-am-pm", .xml = dates18_doc, .n_items = 4, .published = "2008-01-21T16:56:00Z" },
	{ .name = "18-8-slashes", .xml = dates18_doc, .n_items = 4, .item = 1, .published = "2020-01-10T14:33:00Z" },
	{ .name = "18-8-one-digit-seconds", .xml = dates18_doc, .n_items = 4, .item = 2,
	  .published = "2006-01-17T11:35:09Z" },
	{ .name = "18-8-portuguese", .xml = dates18_doc, .n_items = 4, .item = 3, .published = "2018-09-24T22:42:40Z" },
	{ .name = "18-8-nonsense-zone", .xml = bad_zone_doc, .degraded = TRUE, .n_items = 2, .item = 1,
	  .published = "2024-11-26T06:05:00Z",
	  .warning_has = "a date's zone makes no sense, read as UTC: \"Tue, 26 Nov 2024 05:05:00 +3000\"" },
	/* a JSON Feed's date shorter than the 200 bytes the warning quotes at
	 * most: it was read past (libFuzzer, 2026-12-04) */
	{ .name = "18-8-nonsense-zone-json",
	  .xml = "{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": [{\"id\": \"z\", "
	         "\"content_text\": \"t\", \"date_published\": \"2025-11-26T05:05:00-43:00\"}]}",
	  .degraded = TRUE, .n_items = 1,
	  .warning_has = "a date's zone makes no sense, read as UTC: \"2025-11-26T05:05:00-43:00\"" },
	{ .name = "18-9-categories-wrapper", .xml = macworld_doc, .n_items = 2, .categories = "Connected Home|Bluetooth" },
	{ .name = "18-9-content-prefix-unbound", .xml = macworld_doc, .n_items = 2, .item = 1,
	  .content = "TOPIC: Gooseneck Options" },
	{ .name = "18-10-double-encoded", .xml = mojibake_doc, .n_items = 13, .title = "Kölner Dom",
	  .categories = "Español", .summary = "Brøndby – “quoted” […]" },
	{ .name = "18-10-near-miss-utf8", .xml = mojibake_doc, .n_items = 13, .item = 1, .title = "Kölner Dom" },
	{ .name = "18-10-near-miss-mixed", .xml = mojibake_doc, .n_items = 13, .item = 2, .title = "KÃ¶lner und Köln" },
	{ .name = "18-10-near-miss-sz-ellipsis", .xml = mojibake_doc, .n_items = 13, .item = 3, .title = "Zu heiß…" },
	{ .name = "18-10-near-miss-portuguese", .xml = mojibake_doc, .n_items = 13, .item = 4, .title = "SÃO PAULO" },
	{ .name = "18-10-near-miss-capital-tm", .xml = mojibake_doc, .n_items = 13, .item = 5, .title = "CAFÉ™" },
	{ .name = "18-10-near-miss-not-cp1252", .xml = mojibake_doc, .n_items = 13, .item = 6, .title = "KÃ¶ln 日本" },
	{ .name = "18-10-encoded-three-times", .xml = mojibake_doc, .n_items = 13, .item = 7, .title = "Kölner" },
	{ .name = "18-10-in-references", .xml = mojibake_doc, .n_items = 13, .item = 8, .title = "Kölner" },
	{ .name = "18-10-near-miss-overlong", .xml = mojibake_doc, .n_items = 13, .item = 9, .title = "Á¿ and Ã" },
	{ .name = "18-10-near-miss-control", .xml = mojibake_doc, .n_items = 13, .item = 10, .title = "Â…" },
	{ .name = "18-10-emoji", .xml = mojibake_doc, .n_items = 13, .item = 11, .title = "💡 Tips" },
	{ .name = "18-10-near-miss-xml-reference", .xml = mojibake_doc, .n_items = 13, .item = 12,
	  .title = "KÃ¶lner…" },
	{ .name = "18-base64-octet-stream", .xml = base64_doc, .n_items = 2, .content = "Example <b>Atom</b>",
	  .id = "b1" },
	{ .name = "18-base64-html-not-text", .xml = base64_doc, .n_items = 2, .item = 1, .title = "Example Atom",
	  .summary = "(null)" },
	{ .name = "18-base64-atom03", .xml = base64_03_doc, .n_items = 1, .title = "Example <b>Atom</b>",
	  .id = "sha1:682ac3ce987c817bb30940ee486de50b490dc91a" },
	{ .name = "18-hex-entity-upper-x", .xml = hex_upper_doc, .n_items = 1, .title = "AB€" },
	{ .name = "18-doctype-entity", .xml = doctype_entity_doc, .n_items = 1,
	  .id = "tag:example.com,2006-05-04:/blog/", .title = "AT&T © & x" },
	{ .name = "18-entity-recursive", .xml = entity_recursive_doc, .error = ERR(FW_FEED_ERROR_HOSTILE),
	  .error_has = "feed declares entities" },
	{ .name = "18-entity-external", .xml = entity_external_doc, .error = ERR(FW_FEED_ERROR_HOSTILE),
	  .error_has = "feed declares entities" },
	{ .name = "18-entity-amplifies", .gen = gen_entity_amplifies, .error = ERR(FW_FEED_ERROR_HOSTILE),
	  .error_has = "feed declares entities" },
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

/* Checks a time against RFC 3339 UTC text or "(null)" (FW_TIME_NONE). */
static void check_time(const char *field, gint64 got, const char *want)
{
	if (!want)
		return;
	if (strcmp(want, "(null)") == 0) {
		if (got != FW_TIME_NONE)
			g_test_message("%s: expected none, got %" G_GINT64_FORMAT, field, got);
		g_assert_true(got == FW_TIME_NONE);
		return;
	}
	g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601(want, NULL);
	g_assert_nonnull(dt);
	g_assert_cmpint(got, ==, g_date_time_to_unix(dt));
}

/* Asserts s does not contain bad. */
static void check_absent(const char *s, const char *bad)
{
	if (s && strstr(s, bad))
		g_test_message("\"%s\" found in \"%.300s\"", bad, s);
	g_assert_true(!s || !strstr(s, bad));
}

/* An error or warning quotes no feed text raw: valid UTF-8, no C0 or C1
 * control, DEL or bidi control (embeddings, overrides, isolates, marks). */
static void check_message_safe(const char *msg)
{
	if (!msg)
		return;
	g_assert_true(g_utf8_validate(msg, -1, NULL));
	for (const char *p = msg; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		gboolean bad = c < 0x20 || (c >= 0x7F && c <= 0x9F) || (c >= 0x202A && c <= 0x202E) ||
		               (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F || c == 0x061C;
		if (bad)
			g_test_message("U+%04X in \"%s\"", c, msg);
		g_assert_false(bad);
	}
}

/* Every string of an item is valid UTF-8 within its bound (feed.h) and id
 * is set. */
static void check_item_sane(const struct fw_item *it)
{
	g_assert_nonnull(it->id);
	g_assert_cmpstr(it->id, !=, "");
	const char *fields[] = { it->id, it->title, it->link, it->author, it->summary, it->content };
	const gsize bounds[] = { 1024, 4096, 4096, 1024, 1024 * 1024, 1024 * 1024 };
	for (gsize i = 0; i < G_N_ELEMENTS(fields); i++) {
		g_assert_true(!fields[i] || g_utf8_validate(fields[i], -1, NULL));
		g_assert_true(!fields[i] || strlen(fields[i]) <= bounds[i]);
	}
	g_assert_nonnull(it->categories);
	g_assert_cmpuint(it->categories->len, <=, 64);
	for (guint i = 0; i < it->categories->len; i++) {
		g_assert_true(g_utf8_validate(g_ptr_array_index(it->categories, i), -1, NULL));
		g_assert_cmpuint(strlen(g_ptr_array_index(it->categories, i)), <=, 1024);
	}
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

	if (r->gen) {
		file = r->gen(&len);
		xml = file;
	} else if (r->file) {
		file = read_fixture(r->file, &len);
		xml = file;
	} else {
		len = r->len <= 0 ? strlen(xml) : (gsize)r->len;
	}
	gint64 t0 = g_get_monotonic_time();
	struct fw_feed_doc *doc = fw_feed_parse(xml, len, r->base_url, r->content_type, &error);
	gint64 took = g_get_monotonic_time() - t0;
	/* not a speed test: a generous bound that only blow-ups (minutes) break */
	g_assert_cmpint(took, <, 60 * G_USEC_PER_SEC);

	if (r->error != NOERR) {
		g_assert_null(doc);
		g_assert_error(error, FW_FEED_ERROR, r->error - 1);
		if (r->error_has)
			check_has("error", error->message, r->error_has);
		check_message_safe(error->message);
		return;
	}
	if (!doc)
		g_test_message("unexpected error: %s", error->message);
	g_assert_nonnull(doc);
	g_assert_no_error(error);
	g_assert_cmpint(doc->degraded, ==, r->degraded);
	if (r->degraded)
		g_assert_nonnull(doc->warning);
	if (r->warning_has)
		check_has("warning", doc->warning, r->warning_has);
	check_message_safe(doc->warning);
	if (r->n_items == NO_ITEMS)
		g_assert_cmpuint(doc->items->len, ==, 0);
	else if (r->n_items != ANY)
		g_assert_cmpuint(doc->items->len, ==, r->n_items);
	check_str("feed link", doc->link, r->feed_link);
	if (r->n_items == NO_ITEMS) {
		fw_feed_doc_free(doc);
		return;
	}
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
	check_time("published", it->published, r->published);
	check_time("updated", it->updated, r->updated);
	check_str("content", it->content, r->content);
	check_str("summary", it->summary, r->summary);
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
	g_assert_cmpint(g_get_monotonic_time() - t0, <, 60 * G_USEC_PER_SEC);
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

/* A guid longer than 1 KB becomes a hash of it; a document over 64 MB is
 * refused before anything reads it. */
static void test_long_guid(void)
{
	GString *s = g_string_new(long_guid_doc_head);
	for (int i = 0; i < 3000; i++)
		g_string_append_c(s, 'g');
	g_string_append(s, "</guid></item>" RSS_TAIL);
	struct fw_feed_doc *doc = fw_feed_parse(s->str, s->len, NULL, NULL, NULL);
	g_assert_nonnull(doc);
	const struct fw_item *it = g_ptr_array_index(doc->items, 0);
	g_assert_true(g_str_has_prefix(it->id, "sha1:"));
	g_assert_cmpuint(strlen(it->id), ==, 45);
	fw_feed_doc_free(doc);
	g_string_free(s, TRUE);

	g_autoptr(GError) error = NULL;
	doc = fw_feed_parse("<rss/>", (gsize)65 * 1024 * 1024, NULL, NULL, &error);
	g_assert_null(doc);
	g_assert_error(error, FW_FEED_ERROR, FW_FEED_ERROR_HOSTILE);
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

	/* multi-byte title cut on a character boundary; categories capped at 64 */
	s = g_string_new(many_items_doc_head);
	g_string_append(s, "<item><guid>mb</guid><title>");
	for (int i = 0; i < 3000; i++)
		g_string_append(s, "\xC3\xA9");
	g_string_append(s, "</title>");
	for (int i = 0; i < 200; i++)
		g_string_append_printf(s, "<category>c%d</category>", i);
	g_string_append(s, "</item>" RSS_TAIL);
	doc = fw_feed_parse(s->str, s->len, NULL, NULL, NULL);
	g_assert_nonnull(doc);
	it = g_ptr_array_index(doc->items, 0);
	g_assert_true(g_utf8_validate(it->title, -1, NULL));
	g_assert_cmpuint(strlen(it->title), <=, 4096);
	g_assert_cmpuint(strlen(it->title), >=, 4094);
	g_assert_cmpuint(it->categories->len, ==, 64);
	fw_feed_doc_free(doc);
	g_string_free(s, TRUE);

	/* at most 10000 items */
	s = g_string_new(many_items_doc_head);
	for (int i = 0; i < 10050; i++)
		g_string_append_printf(s, "<item><guid>%d</guid></item>", i);
	g_string_append(s, RSS_TAIL);
	doc = fw_feed_parse(s->str, s->len, NULL, NULL, NULL);
	g_assert_nonnull(doc);
	g_assert_cmpuint(doc->items->len, ==, 10000);
	fw_feed_doc_free(doc);
	g_string_free(s, TRUE);
}

/* A parse over its CPU budget fails HOSTILE naming it; a cancelled one
 * CANCELLED; without limits the same document parses. */
static void test_budget(void)
{
	GString *s = g_string_new(many_items_doc_head);
	for (int i = 0; i < 5000; i++)
		g_string_append_printf(s, "<item><guid>%d</guid><description>&lt;p&gt;word word "
		                       "word word word word word word word word&lt;/p&gt;</description>"
		                       "</item>", i);
	g_string_append(s, RSS_TAIL);
	g_autoptr(GError) error = NULL;
	struct fw_feed_limits lim = { .budget_ms = 1 };
	struct fw_feed_doc *doc = fw_feed_parse_limited(s->str, s->len, NULL, NULL, &lim, &error);
	g_assert_null(doc);
	g_assert_error(error, FW_FEED_ERROR, FW_FEED_ERROR_HOSTILE);
	g_assert_nonnull(strstr(error->message, "CPU budget"));
	g_clear_error(&error);

	gint cancel = 1;
	struct fw_feed_limits stop = { .cancel = &cancel };
	doc = fw_feed_parse_limited(s->str, s->len, NULL, NULL, &stop, &error);
	g_assert_null(doc);
	g_assert_error(error, FW_FEED_ERROR, FW_FEED_ERROR_CANCELLED);
	g_clear_error(&error);
	doc = fw_feed_parse_limited(json_basic, strlen(json_basic), NULL, NULL, &stop, &error);
	g_assert_null(doc);
	g_assert_error(error, FW_FEED_ERROR, FW_FEED_ERROR_CANCELLED);
	g_clear_error(&error);

	cancel = 0;
	lim.budget_ms = 60000;
	lim.cancel = &cancel;
	doc = fw_feed_parse_limited(s->str, s->len, NULL, NULL, &lim, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(doc->items->len, ==, 5000);
	fw_feed_doc_free(doc);
	g_string_free(s, TRUE);
}

/* A feed of 6000 entries of over 40 nodes each, its root start tag root. */
static GString *many_entries_doc(const char *root)
{
	GString *s = g_string_new("<?xml version=\"1.0\"?>\n");
	g_string_append_printf(s, "%s<title>Many</title>", root);
	for (int i = 0; i < 6000; i++) {
		g_string_append_printf(s, "<entry><id>tag:m,2026:%d</id><title>Entry %d</title>"
		                       "<link href=\"https://m.example.org/%d\"/>", i, i, i);
		for (int k = 0; k < 20; k++)
			g_string_append_printf(s, "<category term=\"c%d\"/>", k);
		g_string_append(s, "<summary type=\"html\">&lt;p&gt;Swap&lt;/p&gt;</summary></entry>");
	}
	g_string_append(s, "</feed>");
	return s;
}

/* A namespace-less Atom feed streams like a namespaced one under
 * fw_feed_parse_limited: over 200000 nodes in all (more than the tree may
 * hold at once) and over the byte pass's 256 KB chunks, every entry read
 * as it ends; the same document with another default namespace is still
 * no feed. */
static void test_atom_nons_stream(void)
{
	GString *s = many_entries_doc("<feed>");
	g_assert_cmpuint(s->len, >, 2 * 256 * 1024);

	gint cancel = 0;
	struct fw_feed_limits lim = { .budget_ms = 60000, .cancel = &cancel };
	g_autoptr(GError) error = NULL;
	struct fw_feed_doc *doc = fw_feed_parse_limited(s->str, s->len, NULL, NULL, &lim, &error);
	g_assert_no_error(error);
	g_assert_nonnull(doc);
	g_assert_false(doc->degraded);
	g_assert_cmpstr(doc->title, ==, "Many");
	g_assert_cmpuint(doc->items->len, ==, 6000);
	const struct fw_item *it = g_ptr_array_index(doc->items, 5999);
	g_assert_cmpstr(it->id, ==, "tag:m,2026:5999");
	g_assert_cmpstr(it->title, ==, "Entry 5999");
	g_assert_cmpstr(it->link, ==, "https://m.example.org/5999");
	g_assert_cmpstr(it->summary, ==, "Swap");
	g_assert_cmpuint(it->categories->len, ==, 20);
	fw_feed_doc_free(doc);
	g_string_free(s, TRUE);

	s = many_entries_doc("<feed xmlns=\"urn:other\">");
	doc = fw_feed_parse_limited(s->str, s->len, NULL, NULL, &lim, &error);
	g_assert_null(doc);
	g_assert_error(error, FW_FEED_ERROR, FW_FEED_ERROR_NOT_FEED);
	g_string_free(s, TRUE);
}

/* Documents (RSS, Atom, JSON Feed) and, per item, whether another item of
 * its document has its link under another title (link_shared), and its
 * link and title under another id (link_twin). */
static const struct {
	const char *name, *doc, *want, *want_twin;   /* '1' or '0' an item */
} shared_rows[] = {
	{ "rss", RSS_HEAD
	  "<item><title>One</title><link>https://gov.example/press</link></item>"
	  "<item><title>Two</title><link>https://gov.example/press</link></item>"
	  "<item><title>Same</title><link>https://gov.example/a</link><guid>a1</guid></item>"
	  "<item><title>Same</title><link>https://gov.example/a</link><guid>a2</guid></item>"
	  "<item><title>No link</title><description>x</description></item>"
	  "<item><link>https://gov.example/press</link><description>untitled</description></item>"
	  RSS_TAIL, "110001", "001100" },
	/* a podcast's two episodes at its home page under one title (the third
	 * is the first again: a duplicate the store ignores by its id) */
	{ "twins", RSS_HEAD
	  "<item><title>Geekistry</title><link>https://cast.example/</link><guid>ep-full</guid></item>"
	  "<item><title>Geekistry</title><link>https://cast.example/</link><guid>ep-preview</guid></item>"
	  "<item><title>Geekistry</title><link>https://cast.example/</link><guid>ep-full</guid></item>"
	  RSS_TAIL, "000", "110" },
	{ "atom", "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>F</title>"
	  "<entry><id>1</id><title>One</title><link href=\"/press/#top\"/></entry>"
	  "<entry><id>2</id><title>Two</title><link href=\"https://gov.example/press\"/></entry>"
	  "<entry><id>3</id><title>Three</title><link href=\"https://gov.example/3\"/></entry>"
	  "</feed>", "110", "000" },
	{ "json", "{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"F\", \"items\": ["
	  "{\"id\": \"1\", \"title\": \"One\", \"url\": \"https://gov.example/press\"},"
	  "{\"id\": \"2\", \"title\": \"Two\", \"url\": \"https://gov.example/press\"}]}", "11", "00" },
	{ "one item", RSS_HEAD "<item><title>One</title><link>https://gov.example/press</link>"
	  "</item>" RSS_TAIL, "0", "0" },
};

/* link_shared marks the items of a landing page, link_twin the items of
 * one link and title under several ids (docs/design.md section 3). */
static void test_link_shared(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(shared_rows); i++) {
		g_autoptr(GError) error = NULL;
		struct fw_feed_doc *doc = fw_feed_parse(shared_rows[i].doc, strlen(shared_rows[i].doc),
		                                        "https://gov.example/feed", NULL, &error);
		g_autoptr(GString) got = g_string_new(NULL), twin = g_string_new(NULL);

		g_test_message("%s", shared_rows[i].name);
		g_assert_no_error(error);
		for (guint k = 0; k < doc->items->len; k++) {
			const struct fw_item *it = doc->items->pdata[k];

			g_string_append_c(got, it->link_shared ? '1' : '0');
			g_string_append_c(twin, it->link_twin ? '1' : '0');
		}
		g_assert_cmpstr(got->str, ==, shared_rows[i].want);
		g_assert_cmpstr(twin->str, ==, shared_rows[i].want_twin);
		fw_feed_doc_free(doc);
	}
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
	g_test_add_func("/feed/long_guid", test_long_guid);
	g_test_add_func("/feed/budget", test_budget);
	g_test_add_func("/feed/atom_nons_stream", test_atom_nons_stream);
	g_test_add_func("/feed/link_shared", test_link_shared);
	return g_test_run();
}
