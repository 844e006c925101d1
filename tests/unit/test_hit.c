/* Unit tests for hit: the item hash, the stored marks and matched lists
 * (written and read back), the hit's JSON object and its times. */
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "feedwatch/feed.h"
#include "feedwatch/hit.h"
#include "feedwatch/match.h"

/* ---- item hash ---------------------------------------------------------- */

#define REPEAT3(s) s s s

/* Expected values from an independent Python MurmurHash3_x64_128 (seed 0,
 * which gives e34bbc7bbc071b6c7a433ca9c49a9347 for "The quick brown fox
 * jumps over the lazy dog", the reference's value) over the same
 * length-prefixed fields. Every stored item carries one: they must never
 * change. */
static const struct {
	const char *title, *link, *summary, *content, *author;
	const char *cats[3];
	const char *want;
} hash_rows[] = {
	{ NULL, NULL, NULL, NULL, NULL, { NULL }, "9e0b99eb8313b7666b939faad7b0c4fa" },
	{ "Milei wins", "https://tac.example/milei-wins/", "Javier Milei won the runoff", NULL,
	  "Jane", { "Politics", "Argentina", NULL }, "6ab93b2baff1dedcc85176c1c12a9cd8" },
	/* empty strings are not NULL */
	{ "", "", "", "", "", { "", NULL }, "042b02a2478432462541774c612f4f96" },
	/* UTF-8, more than one 16-byte block, a tail past 8 bytes */
	{ "\xc3\x9c" "ber caf\xc3\xa9 \xe2\x80\x94 \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
	  "https://x.example/a?b=1&c=2", NULL,
	  REPEAT3("<p>content with <b>html</b></p>"), NULL, { "a", NULL },
	  "a2e57fd6c9fbd55fc0d79848321af417" },
};

static void test_item_hash(void)
{
	g_autoptr(GString) buf = g_string_new(NULL);

	for (gsize i = 0; i < G_N_ELEMENTS(hash_rows); i++) {
		g_autoptr(GPtrArray) cats = g_ptr_array_new();
		struct fw_item it = {
			.title = (char *)hash_rows[i].title, .link = (char *)hash_rows[i].link,
			.summary = (char *)hash_rows[i].summary, .content = (char *)hash_rows[i].content,
			.author = (char *)hash_rows[i].author, .categories = cats,
		};
		g_autofree char *h = NULL, *again = NULL;

		for (gsize k = 0; hash_rows[i].cats[k] != NULL; k++)
			g_ptr_array_add(cats, (char *)hash_rows[i].cats[k]);
		h = fw_hit_item_hash(buf, &it);
		g_test_message("hash row %zu: %s", i, h);
		g_assert_cmpstr(h, ==, hash_rows[i].want);
		/* the scratch buffer holds the last input: a second call is the same */
		again = fw_hit_item_hash(buf, &it);
		g_assert_cmpstr(again, ==, h);
	}
}

/* Moving a word from one field to the next changes the hash (the lengths
 * are hashed too), and so does the id's neighbour: published is not read. */
static void test_item_hash_fields(void)
{
	g_autoptr(GString) buf = g_string_new(NULL);
	g_autoptr(GPtrArray) cats = g_ptr_array_new();
	struct fw_item a = { .title = "ab", .summary = "c", .categories = cats };
	struct fw_item b = { .title = "a", .summary = "bc", .categories = cats };
	struct fw_item c = { .title = "ab", .summary = "c", .categories = cats, .published = 5,
	                     .id = "other" };
	g_autofree char *ha = fw_hit_item_hash(buf, &a);
	g_autofree char *hb = fw_hit_item_hash(buf, &b);
	g_autofree char *hc = fw_hit_item_hash(buf, &c);

	g_assert_cmpstr(ha, !=, hb);
	g_assert_cmpstr(ha, ==, hc);
	g_assert_cmpuint(strlen(ha), ==, 32);
}

/* ---- notified ---------------------------------------------------------- */

/* The names are the schema's CHECK list and the JSON's values. */
static const struct {
	const char *name;
	enum fw_hit_notified n;
} notified_rows[] = {
	{ "pending", FW_HIT_NOTIFIED_PENDING },
	{ "initial", FW_HIT_NOTIFIED_INITIAL },
	{ "delivered", FW_HIT_NOTIFIED_DELIVERED },
	{ "failed", FW_HIT_NOTIFIED_FAILED },
	{ "none", FW_HIT_NOTIFIED_NONE },
};

static void test_notified_names(void)
{
	static const char *const bad[] = { "", "Pending", "pending ", "sent", "?" };
	enum fw_hit_notified n;

	for (gsize i = 0; i < G_N_ELEMENTS(notified_rows); i++) {
		g_assert_cmpstr(fw_hit_notified_name(notified_rows[i].n), ==, notified_rows[i].name);
		n = 99;
		g_assert_true(fw_hit_notified_from_name(notified_rows[i].name, &n));
		g_assert_cmpint(n, ==, notified_rows[i].n);
	}
	for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
		n = FW_HIT_NOTIFIED_FAILED;
		g_assert_false(fw_hit_notified_from_name(bad[i], &n));
		g_assert_cmpint(n, ==, FW_HIT_NOTIFIED_FAILED);
	}
	g_assert_false(fw_hit_notified_from_name(NULL, &n));
	g_assert_cmpstr(fw_hit_notified_name((enum fw_hit_notified)42), ==, "?");
	/* zero, as in a struct fw_hit_new = { 0 }, is pending */
	g_assert_cmpstr(fw_hit_notified_name(0), ==, "pending");
}

/* ---- marks and matched -------------------------------------------------- */

static void test_marks(void)
{
	const struct fw_span spans[] = { { 0, 7, 12 }, { 0, 0, 4 } };
	g_autoptr(GArray) in = g_array_new(FALSE, FALSE, sizeof(struct fw_span));
	g_autofree char *json = NULL, *none = fw_hit_marks_json(NULL);
	g_autoptr(GArray) back = NULL;

	g_assert_cmpstr(none, ==, "[]");
	g_array_append_vals(in, spans, G_N_ELEMENTS(spans));
	json = fw_hit_marks_json(in);
	g_assert_cmpstr(json, ==, "[[7,12],[0,4]]");
	back = fw_hit_marks_parse(json);   /* sorted by start */
	g_assert_cmpuint(back->len, ==, 2);
	g_assert_cmpuint(g_array_index(back, struct fw_span, 0).start, ==, 0);
	g_assert_cmpuint(g_array_index(back, struct fw_span, 0).end, ==, 4);
	g_assert_cmpuint(g_array_index(back, struct fw_span, 1).start, ==, 7);
	g_assert_cmpuint(g_array_index(back, struct fw_span, 1).end, ==, 12);
}

static void test_matched(void)
{
	const struct fw_span spans[] = {
		{ FW_FIELD_TITLE, 0, 5 }, { FW_FIELD_CONTENT, 1234, 1239 }, { FW_FIELD_CATEGORY, 2, 3 },
	};
	g_autoptr(GArray) in = g_array_new(FALSE, FALSE, sizeof(struct fw_span));
	g_autofree char *json = NULL;
	g_autoptr(GArray) back = NULL, junk = NULL;

	g_array_append_vals(in, spans, G_N_ELEMENTS(spans));
	json = fw_hit_matched_json(in);
	g_assert_cmpstr(json, ==, "[{\"field\":\"title\",\"start\":0,\"end\":5},"
	                          "{\"field\":\"content\",\"start\":1234,\"end\":1239},"
	                          "{\"field\":\"category\",\"start\":2,\"end\":3}]");
	back = fw_hit_matched_parse(json);
	g_assert_cmpuint(back->len, ==, G_N_ELEMENTS(spans));
	for (guint i = 0; i < back->len; i++) {
		const struct fw_hit_match *m = &g_array_index(back, struct fw_hit_match, i);

		g_assert_cmpstr(m->field, ==, fw_field_name(spans[i].field));
		g_assert_cmpuint(m->start, ==, spans[i].start);
		g_assert_cmpuint(m->end, ==, spans[i].end);
	}
	/* kept in order; no string field, a missing or negative offset: dropped */
	junk = fw_hit_matched_parse("[{\"field\":\"summary\",\"start\":2,\"end\":4,\"extra\":1},"
	                            "{\"field\":3,\"start\":1,\"end\":2},{\"start\":1},"
	                            "{\"field\":\"title\",\"start\":-1,\"end\":2},[1,2],"
	                            "{\"field\":\"link\",\"start\":0,\"end\":9}]");
	g_assert_cmpuint(junk->len, ==, 2);
	g_assert_cmpstr(g_array_index(junk, struct fw_hit_match, 0).field, ==, "summary");
	g_assert_cmpstr(g_array_index(junk, struct fw_hit_match, 1).field, ==, "link");
	g_clear_pointer(&junk, g_array_unref);
	junk = fw_hit_matched_parse("{\"field\":\"title\"}");
	g_assert_cmpuint(junk->len, ==, 0);
	g_clear_pointer(&junk, g_array_unref);
	junk = fw_hit_matched_parse(NULL);
	g_assert_cmpuint(junk->len, ==, 0);
}

/* ---- the JSON object ---------------------------------------------------- */

static void test_time_utc(void)
{
	g_autofree char *t = fw_hit_time_utc(1732597500);
	g_autofree char *epoch = fw_hit_time_utc(0);

	g_assert_cmpstr(t, ==, "2024-11-26T05:05:00Z");
	g_assert_cmpstr(epoch, ==, "1970-01-01T00:00:00Z");
	g_assert_null(fw_hit_time_utc(FW_TIME_NONE));
	g_assert_null(fw_hit_time_utc(G_MAXINT64 / 2));   /* past year 9999 */
}

/* A hit written as JSON, read back with json-glib: every field, in order. */
static void test_json(void)
{
	struct fw_hit_row r = {
		.id = 7, .topic = "milei", .topic_name = NULL, .feed = "tac", .feed_title = NULL,
		.item_id = "urn:1", .title = "caf\xe9 \"x\"", .link = NULL,
		.published = FW_TIME_NONE, .found = 1732600000, .snippet = "Milei\nwon",
		.marks_json = "[[0,5]]", .matched_json = "[{\"field\":\"title\",\"start\":0,\"end\":5},1]",
		.read = TRUE, .notified = FW_HIT_NOTIFIED_DELIVERED,
	};
	static const char *const members[] = {
		"id", "story", "topic", "topic_name", "feed", "feed_title", "item_id", "title", "link",
		"published", "found", "snippet", "matched", "read", "notified",
	};
	g_autofree char *line = fw_hit_json(&r);
	g_autoptr(JsonParser) p = json_parser_new();
	g_autoptr(GList) names = NULL;
	JsonObject *o;
	JsonArray *m;
	guint k = 0;

	g_test_message("%s", line);
	g_assert_null(strchr(line, '\n'));
	g_assert_true(g_utf8_validate(line, -1, NULL));
	g_assert_true(json_parser_load_from_data(p, line, -1, NULL));
	o = json_node_get_object(json_parser_get_root(p));
	names = json_object_get_members(o);
	for (GList *l = names; l != NULL; l = l->next, k++)
		g_assert_cmpstr(l->data, ==, members[k]);
	g_assert_cmpuint(k, ==, G_N_ELEMENTS(members));
	g_assert_cmpint(json_object_get_int_member(o, "id"), ==, 7);
	g_assert_cmpint(json_object_get_int_member(o, "story"), ==, 7);   /* unknown: its own */
	g_assert_cmpstr(json_object_get_string_member(o, "topic_name"), ==, "milei");
	g_assert_cmpstr(json_object_get_string_member(o, "feed_title"), ==, "tac");
	g_assert_cmpstr(json_object_get_string_member(o, "title"), ==, "caf\xef\xbf\xbd \"x\"");
	g_assert_true(json_object_get_null_member(o, "link"));
	g_assert_true(json_object_get_null_member(o, "published"));
	g_assert_cmpstr(json_object_get_string_member(o, "found"), ==, "2024-11-26T05:46:40Z");
	g_assert_cmpstr(json_object_get_string_member(o, "snippet"), ==, "Milei\nwon");
	g_assert_true(json_object_get_boolean_member(o, "read"));
	g_assert_cmpstr(json_object_get_string_member(o, "notified"), ==, "delivered");
	m = json_object_get_array_member(o, "matched");
	g_assert_cmpuint(json_array_get_length(m), ==, 1);
	g_assert_cmpstr(json_object_get_string_member(json_array_get_object_element(m, 0), "field"),
	                ==, "title");
}

/* C1 controls, DEL and bidi overrides are escaped like C0 ones (json-glib
 * writes them raw): the line holds none of them, and reads back the same. */
static void test_json_unsafe(void)
{
	static const char title[] = "a\xC2\x9B" "31m b\xC2\x9D" "52;c\x7F d\xE2\x80\xAE" "e\xE2\x81\xA6" "f\x1B";
	struct fw_hit_row r = { .id = 1, .topic = "t", .feed = "f", .item_id = "\xC2\x9Bid",
	                        .title = (char *)title, .found = 10 };
	g_autofree char *line = fw_hit_json(&r);
	g_autoptr(JsonParser) p = json_parser_new();
	JsonObject *o;

	g_test_message("%s", line);
	g_assert_nonnull(strstr(line, "\"a\\u009b31m b\\u009d52;c\\u007f d\\u202ee\\u2066f\\u001b\""));
	g_assert_nonnull(strstr(line, "\"\\u009bid\""));
	for (const char *c = line; *c; c++)
		g_assert_true((guchar)*c >= 0x20 && (guchar)*c < 0x7F);
	g_assert_true(json_parser_load_from_data(p, line, -1, NULL));
	o = json_node_get_object(json_parser_get_root(p));
	g_assert_cmpstr(json_object_get_string_member(o, "title"), ==, title);
}

/* Every C0 control (U+001F too, which json-glib 1.6 left raw: invalid
 * JSON) is escaped, and the text reads back as it was. */
static void test_json_controls(void)
{
	char title[0x80];
	struct fw_hit_row r = { .id = 1, .topic = "t", .feed = "f", .item_id = "i",
	                        .title = title, .found = 10 };
	g_autofree char *line = NULL;
	g_autoptr(JsonParser) p = json_parser_new();

	for (int c = 1; c < 0x80; c++)
		title[c - 1] = (char)c;
	title[0x7F] = '\0';
	line = fw_hit_json(&r);
	for (const char *c = line; *c; c++)
		g_assert_true((guchar)*c >= 0x20 && (guchar)*c < 0x7F);
	g_assert_nonnull(strstr(line, "\\u001e\\u001f !\\\"#"));
	g_assert_nonnull(strstr(line, "\\b\\t\\n\\u000b\\f\\r"));
	g_assert_true(json_parser_load_from_data(p, line, -1, NULL));
	g_assert_cmpstr(json_object_get_string_member(json_node_get_object(json_parser_get_root(p)),
	                                              "title"), ==, title);
	/* times as fw_hit_time_utc writes them, at the ends of its range too */
	static const gint64 times[] = { G_GINT64_CONSTANT(-62135596800),
	                                G_GINT64_CONSTANT(-29999999993), 1732600000,
	                                G_GINT64_CONSTANT(253402300799) };

	for (gsize k = 0; k < G_N_ELEMENTS(times); k++) {
		gint64 t = times[k];
		g_autofree char *want = fw_hit_time_utc(t);
		g_autofree char *member = g_strdup_printf("\"published\":\"%s\"", want);
		g_autofree char *l2 = NULL;

		r.published = t;
		l2 = fw_hit_json(&r);
		g_assert_nonnull(strstr(l2, member));
		if (k == 0)
			g_assert_cmpstr(want, ==, "0001-01-01T00:00:00Z");
		if (k == 3)
			g_assert_cmpstr(want, ==, "9999-12-31T23:59:59Z");
	}
	r.published = G_GINT64_CONSTANT(253402300800);   /* year 10000 */
	g_free(line);
	line = fw_hit_json(&r);
	g_assert_nonnull(strstr(line, "\"published\":null"));
}

/* The matched list in the JSON: the stored form read in place, anything
 * else as fw_hit_matched_parse reads it (well-formed entries kept). */
static const struct {
	const char *stored, *want;
} matched_rows[] = {
	{ "[]", "[]" },
	{ "", "[]" },
	{ NULL, "[]" },
	{ "junk", "[]" },
	{ "[{\"field\":\"title\",\"start\":0,\"end\":5}]", "[{\"field\":\"title\",\"start\":0,\"end\":5}]" },
	{ "[{\"field\":\"content\",\"start\":1,\"end\":2},{\"field\":\"title\",\"start\":0,\"end\":3}]",
	  "[{\"field\":\"content\",\"start\":1,\"end\":2},{\"field\":\"title\",\"start\":0,\"end\":3}]" },
	{ "[{\"field\":\"title\",\"start\":0,\"end\":5},1]", "[{\"field\":\"title\",\"start\":0,\"end\":5}]" },
	{ "[{\"start\":1,\"field\":\"a\",\"end\":2}]", "[{\"field\":\"a\",\"start\":1,\"end\":2}]" },
	{ "[ {\"field\":\"a\",\"start\":1,\"end\":2} ]", "[{\"field\":\"a\",\"start\":1,\"end\":2}]" },
	{ "[{\"field\":\"x\\\"y\",\"start\":1,\"end\":2}]", "[{\"field\":\"x\\\"y\",\"start\":1,\"end\":2}]" },
	{ "[{\"field\":\"a\",\"start\":-1,\"end\":2}]", "[]" },
	{ "[{\"field\":\"a\",\"start\":4294967296,\"end\":2}]", "[]" },
	{ "[{\"field\":\"a\",\"start\":4294967295,\"end\":2}]",
	  "[{\"field\":\"a\",\"start\":4294967295,\"end\":2}]" },
	{ "[{\"field\":\"a\",\"start\":1.5,\"end\":2}]", "[]" },
	{ "[{\"field\":\"a\",\"start\":1,\"end\":2}", "[]" },
	{ "[{\"field\":\"a\",\"start\":1,\"end\":2}] x", "[]" },
};

static void test_json_matched(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(matched_rows); i++) {
		struct fw_hit_row r = { .id = 1, .topic = "t", .feed = "f", .item_id = "i", .found = 10,
		                        .matched_json = (char *)matched_rows[i].stored };
		g_autofree char *line = fw_hit_json(&r);
		g_autofree char *want = g_strdup_printf(",\"matched\":%s,\"read\"", matched_rows[i].want);
		g_autoptr(JsonParser) p = json_parser_new();

		g_test_message("matched %s: %s", matched_rows[i].stored, line);
		g_assert_nonnull(strstr(line, want));
		g_assert_true(json_parser_load_from_data(p, line, -1, NULL));
	}
}

/* A digest: its head, then each hit exactly as fw_hit_json writes it. */
static void test_digest_json(void)
{
	struct fw_hit_row rows[] = {
		{ .id = 1, .topic = "daily", .feed = "f", .title = "One", .found = 10,
		  .published = FW_TIME_NONE, .notified = FW_HIT_NOTIFIED_PENDING },
		{ .id = 2, .topic = "daily", .feed = "f", .title = "Two \xff", .found = 20,
		  .published = 5, .matched_json = "[{\"field\":\"title\",\"start\":0,\"end\":3}]",
		  .notified = FW_HIT_NOTIFIED_PENDING },
	};
	g_autoptr(GPtrArray) hits = g_ptr_array_new();
	g_autoptr(JsonParser) p = json_parser_new();
	g_autofree char *json = NULL;
	JsonObject *o;
	JsonArray *a;

	for (gsize i = 0; i < G_N_ELEMENTS(rows); i++)
		g_ptr_array_add(hits, &rows[i]);
	json = fw_hit_digest_json("daily", "Daily \"news\"", hits);
	g_test_message("%s", json);
	g_assert_true(g_str_has_prefix(json, "{\"digest\":true,\"topic\":\"daily\","
	                                     "\"topic_name\":\"Daily \\\"news\\\"\",\"count\":2,"
	                                     "\"hits\":["));
	g_assert_true(json_parser_load_from_data(p, json, -1, NULL));
	o = json_node_get_object(json_parser_get_root(p));
	a = json_object_get_array_member(o, "hits");
	g_assert_cmpuint(json_array_get_length(a), ==, G_N_ELEMENTS(rows));
	for (guint i = 0; i < json_array_get_length(a); i++) {
		g_autofree char *one = fw_hit_json(&rows[i]);
		g_autofree char *elem = json_to_string(json_array_get_element(a, i), FALSE);

		g_assert_cmpstr(elem, ==, one);
	}
	g_ptr_array_set_size(hits, 0);
	g_clear_pointer(&json, g_free);
	json = fw_hit_digest_json("daily", "Daily", hits);
	g_assert_cmpstr(json, ==, "{\"digest\":true,\"topic\":\"daily\",\"topic_name\":\"Daily\","
	                          "\"count\":0,\"hits\":[]}");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/hit/item-hash", test_item_hash);
	g_test_add_func("/hit/item-hash/fields", test_item_hash_fields);
	g_test_add_func("/hit/notified-names", test_notified_names);
	g_test_add_func("/hit/marks", test_marks);
	g_test_add_func("/hit/matched", test_matched);
	g_test_add_func("/hit/time-utc", test_time_utc);
	g_test_add_func("/hit/json", test_json);
	g_test_add_func("/hit/json_unsafe", test_json_unsafe);
	g_test_add_func("/hit/json-controls", test_json_controls);
	g_test_add_func("/hit/json-matched", test_json_matched);
	g_test_add_func("/hit/digest-json", test_digest_json);
	return g_test_run();
}
