/* Unit tests for browse: the text of the terminal (clean, widths, wrapping,
 * in tables of cases) and the model of topics and stories on a real SQLite
 * store in a temporary directory. */
#include <locale.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "feedwatch/match.h"
#include "feedwatch/topic.h"

#include "browse.h"

/* ---- clean ------------------------------------------------------------- */

static const struct {
	const char *name, *in;
	gboolean keep_newlines;
	const char *want;
} clean_rows[] = {
	{ "plain", "Milei meets Mercosur", FALSE, "Milei meets Mercosur" },
	{ "NULL", NULL, FALSE, "" },
	{ "ESC and CSI", "a\033[2J\033]0;pwned\007b", FALSE, "a [2J ]0;pwned b" },
	{ "C1 CSI (U+009B) and DEL", "a\xc2\x9b" "31mb\x7f", FALSE, "a 31mb " },
	{ "RTL override and pop", "abc\xe2\x80\xae" "fdp.exe\xe2\x80\xac", FALSE, "abc fdp.exe " },
	{ "isolates, LRM, RLM, ALM", "\xe2\x81\xa6x\xe2\x81\xa9\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", FALSE,
	  " x    " },
	{ "tab and CR", "a\tb\rc", FALSE, "a b c" },
	{ "newline, folded", "a\nb", FALSE, "a b" },
	{ "newline, kept", "a\nb", TRUE, "a\nb" },
	{ "invalid UTF-8", "a\xffz", FALSE, "a\xef\xbf\xbdz" },
	{ "CJK and emoji are kept", "日本 😀 é", FALSE, "日本 😀 é" },
	{ "zero-width joiner is kept", "👩\xe2\x80\x8d💻", FALSE, "👩\xe2\x80\x8d💻" },
};

static void test_clean(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(clean_rows); i++) {
		g_autofree char *got = fw_browse_clean(clean_rows[i].in, clean_rows[i].keep_newlines);

		g_test_message("clean row %s", clean_rows[i].name);
		g_assert_cmpstr(got, ==, clean_rows[i].want);
		/* the same number of characters: offsets of marks stay */
		if (clean_rows[i].in != NULL && g_utf8_validate(clean_rows[i].in, -1, NULL))
			g_assert_cmpint(g_utf8_strlen(got, -1), ==, g_utf8_strlen(clean_rows[i].in, -1));
	}
}

static void test_clean_ascii(void)
{
	g_autofree char *got = NULL;

	fw_browse_set_ascii(TRUE);
	got = fw_browse_clean("Común \033 日本", FALSE);
	fw_browse_set_ascii(FALSE);
	g_assert_cmpstr(got, ==, "Com?n   ??");
}

/* ---- widths and fitting ------------------------------------------------ */

static const struct {
	const char *in;
	guint width;
} width_rows[] = {
	{ "", 0 },
	{ "abc", 3 },
	{ "Común", 5 },
	{ "日本語", 6 },
	{ "😀", 2 },
	{ "a😀b", 4 },
	{ "e\xcc\x81", 1 },        /* e + combining acute */
	{ "한국어 text", 11 },
};

static void test_width(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(width_rows); i++) {
		g_test_message("width of \"%s\"", width_rows[i].in);
		g_assert_cmpuint(fw_browse_width(width_rows[i].in), ==, width_rows[i].width);
	}
}

static const struct {
	const char *in;
	guint width;
	gboolean pad;
	const char *want;
} fit_rows[] = {
	{ "Milei", 10, FALSE, "Milei" },
	{ "Milei", 8, TRUE, "Milei   " },
	{ "Milei meets Mercosur", 10, FALSE, "Milei mee…" },
	{ "Milei meets Mercosur", 10, TRUE, "Milei mee…" },
	{ "日本語のテキスト", 7, FALSE, "日本語…" },
	/* a wide character does not fit the last column but one: a space pads */
	{ "日本語のテキスト", 8, TRUE, "日本語… " },
	{ "😀😀😀", 4, TRUE, "😀… " },
	{ "abc", 0, TRUE, "" },
	{ "abc", 1, FALSE, "…" },
};

static void test_fit(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(fit_rows); i++) {
		g_autofree char *got = fw_browse_fit(fit_rows[i].in, fit_rows[i].width, fit_rows[i].pad);

		g_test_message("fit \"%s\" to %u", fit_rows[i].in, fit_rows[i].width);
		g_assert_cmpstr(got, ==, fit_rows[i].want);
		g_assert_cmpuint(fw_browse_width(got), <=, fit_rows[i].width);
		if (fit_rows[i].pad)
			g_assert_cmpuint(fw_browse_width(got), ==, fit_rows[i].width);
	}
}

/* ---- wrapping ---------------------------------------------------------- */

/* The lines, "|" between, with marked bytes in [brackets]. */
static char *
lines_str(GPtrArray *lines)
{
	GString *out = g_string_new(NULL);

	for (guint i = 0; i < lines->len; i++) {
		const struct fw_browse_line *l = lines->pdata[i];
		guint at = 0;

		if (i > 0)
			g_string_append_c(out, '|');
		for (guint k = 0; k < l->marks->len; k++) {
			const struct fw_browse_range *r = &g_array_index(l->marks, struct fw_browse_range, k);

			g_string_append_len(out, l->text + at, r->start - at);
			g_string_append_c(out, '[');
			g_string_append_len(out, l->text + r->start, r->end - r->start);
			g_string_append_c(out, ']');
			at = r->end;
		}
		g_string_append(out, l->text + at);
	}
	return g_string_free(out, FALSE);
}

static const struct {
	const char *name, *text;
	guint width;
	guint marks[4][2];        /* character offsets; {0, 0} ends */
	const char *want;
} wrap_rows[] = {
	{ "fits", "Milei meets Mercosur", 40, { { 0, 0 } }, "Milei meets Mercosur" },
	{ "at spaces", "Milei meets Mercosur today", 12, { { 0, 0 } },
	  "Milei meets|Mercosur|today" },
	{ "exactly the width", "abcd efgh", 4, { { 0, 0 } }, "abcd|efgh" },
	{ "runs of spaces fold", "a    b       c", 3, { { 0, 0 } }, "a b|c" },
	{ "a long word is cut", "https://example.com/a/very/long/path x", 10, { { 0, 0 } },
	  "https://ex|ample.com/|a/very/lon|g/path x" },
	{ "CJK by columns", "日本語のテキストです", 7, { { 0, 0 } }, "日本語|のテキ|ストで|す" },
	{ "emoji by columns", "😀😀😀 ok", 5, { { 0, 0 } }, "😀😀|😀 ok" },
	{ "paragraphs", "one two\nthree\n\n\nfour", 20, { { 0, 0 } }, "one two||three||four" },
	{ "leading and trailing newlines", "\n\nx\n", 20, { { 0, 0 } }, "x" },
	{ "empty", "", 20, { { 0, 0 } }, "" },
	{ "only spaces", "   ", 20, { { 0, 0 } }, "" },
	{ "marks", "President Javier Milei said the Mercosur deal", 80,
	  { { 17, 22 }, { 32, 40 }, { 0, 0 } },
	  "President Javier [Milei] said the [Mercosur] deal" },
	{ "a phrase keeps its space on one line", "del Mercado Común del Sur hoy", 80,
	  { { 4, 25 }, { 0, 0 } }, "del [Mercado Común del Sur] hoy" },
	{ "a phrase across lines loses the break", "del Mercado Común del Sur hoy", 12,
	  { { 4, 25 }, { 0, 0 } }, "del [Mercado]|[Común del]|[Sur] hoy" },
	{ "a mark after wide characters", "日本 Milei x", 20, { { 3, 8 }, { 0, 0 } },
	  "日本 [Milei] x" },
	{ "a mark in a cut word", "abcdefghij", 4, { { 2, 6 }, { 0, 0 } }, "ab[cd]|[ef]gh|ij" },
	{ "a mark past the end", "abc", 10, { { 1, 99 }, { 0, 0 } }, "a[bc]" },
	{ "width 1 and a wide character", "日x", 1, { { 0, 0 } }, "日|x" },
};

static void test_wrap(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(wrap_rows); i++) {
		g_autoptr(GPtrArray) lines =
			g_ptr_array_new_with_free_func((GDestroyNotify)fw_browse_line_free);
		g_autoptr(GArray) marks = g_array_new(FALSE, FALSE, sizeof(struct fw_span));
		g_autofree char *got = NULL;

		g_test_message("wrap row %s", wrap_rows[i].name);
		for (int k = 0; wrap_rows[i].marks[k][1] > 0; k++) {
			struct fw_span sp = { 0, wrap_rows[i].marks[k][0], wrap_rows[i].marks[k][1] };

			g_array_append_val(marks, sp);
		}
		fw_browse_wrap(wrap_rows[i].text, marks, wrap_rows[i].width, lines);
		got = lines_str(lines);
		g_assert_cmpstr(got, ==, wrap_rows[i].want);
		for (guint k = 0; k < lines->len; k++) {
			const struct fw_browse_line *l = lines->pdata[k];

			/* never wider than asked, but for one wide character in width 1 */
			if (g_utf8_strlen(l->text, -1) > 1)
				g_assert_cmpuint(fw_browse_width(l->text), <=, wrap_rows[i].width);
		}
	}
}

/* ---- matched spans ----------------------------------------------------- */

static void test_matched_spans(void)
{
	g_autoptr(GArray) spans = g_array_new(FALSE, FALSE, sizeof(struct fw_span));

	fw_browse_matched_spans("[{\"field\":\"title\",\"start\":0,\"end\":5},"
	                        "{\"field\":\"content\",\"start\":10,\"end\":15},"
	                        "{\"field\":\"title\",\"start\":8,\"end\":3},"
	                        "{\"field\":\"title\",\"start\":-1,\"end\":3},"
	                        "{\"field\":\"title\",\"start\":\"2\",\"end\":3},"
	                        "7, {\"field\":\"title\",\"start\":20,\"end\":28}]", "title", spans);
	g_assert_cmpuint(spans->len, ==, 2);
	g_assert_cmpuint(g_array_index(spans, struct fw_span, 0).start, ==, 0);
	g_assert_cmpuint(g_array_index(spans, struct fw_span, 0).end, ==, 5);
	g_assert_cmpuint(g_array_index(spans, struct fw_span, 1).start, ==, 20);
	fw_browse_matched_spans("not json", "title", spans);
	fw_browse_matched_spans(NULL, "title", spans);
	fw_browse_matched_spans("{\"field\":\"title\"}", "title", spans);
	g_assert_cmpuint(spans->len, ==, 2);
}

/* ---- the model --------------------------------------------------------- */

struct fixture {
	char *tmp;
	struct fw_store *s;
	struct fw_config cfg;
	struct fw_topic_conf topics[3];
	struct fw_browse *b;
	gint64 feed_a, feed_b;
};

/* Puts an item (published: FW_TIME_NONE for none) and returns its row id. */
static gint64
put_item(struct fixture *f, gint64 feed, const char *id, const char *title, const char *link,
         const char *content, gint64 published)
{
	struct fw_item it = {
		.id = (char *)id, .title = (char *)title, .link = (char *)link,
		.published = published, .updated = FW_TIME_NONE, .content = (char *)content,
	};
	enum fw_item_state state;
	g_autoptr(GError) err = NULL;
	gint64 rowid = 0;

	it.categories = g_ptr_array_new();
	g_assert_true(fw_store_item_put(f->s, feed, &it, id, 1000, &rowid, &state, &err));
	g_assert_no_error(err);
	g_ptr_array_unref(it.categories);
	return rowid;
}

/* Adds a hit of topic on item, found at `found`; returns its id. */
static gint64
add_hit(struct fixture *f, gint64 item, const char *topic, const char *name, gint64 found)
{
	struct fw_hit_new h = {
		.item_rowid = item, .topic = topic, .topic_name = name, .snippet = "s",
		.marks_json = "[]", .matched_json = "[]", .notified = FW_HIT_NOTIFIED_NONE,
	};
	g_autoptr(GError) err = NULL;
	gint64 id = 0;

	g_assert_true(fw_store_hit_add(f->s, &h, 0, found, &id, &err));
	g_assert_no_error(err);
	return id;
}

/* A feed's row id. */
static gint64
feed_id(struct fixture *f, const char *key)
{
	struct fw_feed_state st;
	g_autoptr(GError) err = NULL;
	gint64 id;

	g_assert_true(fw_store_feed_get(f->s, key, "https://example.com/feed", &st, &err));
	g_assert_no_error(err);
	id = st.id;
	fw_store_feed_state_clear(&st);
	return id;
}

static void
fixture_setup(struct fixture *f, gconstpointer data)
{
	static const char *const keys[][2] = {
		{ "milei", "Milei" }, { "mercosur", "Mercosur" }, { "china", "China swaps" },
	};
	g_autoptr(GError) err = NULL;
	g_autofree char *path = NULL;

	f->tmp = g_dir_make_tmp("fwbrowse-XXXXXX", &err);
	g_assert_no_error(err);
	path = g_build_filename(f->tmp, "fw.db", NULL);
	f->s = fw_store_open(path, &err);
	g_assert_no_error(err);
	f->cfg.topics = g_ptr_array_new();
	for (gsize i = 0; i < G_N_ELEMENTS(keys); i++) {
		f->topics[i].key = (char *)keys[i][0];
		f->topics[i].name = (char *)keys[i][1];
		g_ptr_array_add(f->cfg.topics, &f->topics[i]);
	}
	f->feed_a = feed_id(f, "a");
	f->feed_b = feed_id(f, "b");
	f->b = fw_browse_new(&f->cfg);
}

static void
fixture_teardown(struct fixture *f, gconstpointer data)
{
	g_autofree char *path = g_build_filename(f->tmp, "fw.db", NULL);
	g_autofree char *wal = g_strconcat(path, "-wal", NULL);
	g_autofree char *shm = g_strconcat(path, "-shm", NULL);

	fw_browse_free(f->b);
	fw_store_free(f->s);
	g_ptr_array_unref(f->cfg.topics);
	g_unlink(path);
	g_unlink(wal);
	g_unlink(shm);
	g_rmdir(f->tmp);
	g_free(f->tmp);
}

/* Loads the model, asserting it worked. */
static void
load(struct fixture *f)
{
	g_autoptr(GError) err = NULL;

	g_assert_true(fw_browse_load(f->b, f->s, 2000, &err));
	g_assert_no_error(err);
}

/* A topic's stories as "title,title" and its unread count as "/N". */
static char *
topic_str(struct fixture *f, const char *key)
{
	struct fw_browse_topic *t = fw_browse_topic_find(f->b, key);
	GString *out = g_string_new(NULL);

	g_assert_nonnull(t);
	for (guint i = 0; i < t->total; i++) {
		g_autoptr(GError) err = NULL;
		const struct fw_browse_story *st = fw_browse_topic_story(f->b, f->s, t, i, &err);
		const struct fw_hit_row *lead;

		g_assert_no_error(err);
		g_assert_nonnull(st);
		lead = st->hits->pdata[0];
		g_string_append_printf(out, "%s%s", i ? "," : "", lead->title);
	}
	g_assert_null(fw_browse_topic_story(f->b, f->s, t, t->total, NULL));
	g_string_append_printf(out, "/%u", t->unread);
	return g_string_free(out, FALSE);
}

/* Asserts topic key lists `want` (topic_str). */
#define assert_topic(f, key, want) \
	do { \
		g_autofree char *got_ = topic_str((f), (key)); \
		g_assert_cmpstr(got_, ==, (want)); \
	} while (0)

/* TRUE when hit id is read in the store. */
static gboolean
stored_read(struct fixture *f, gint64 id)
{
	g_autoptr(GError) err = NULL;
	struct fw_hit_row *r = fw_store_hit_get(f->s, id, &err);
	gboolean read;

	g_assert_no_error(err);
	read = r->read;
	fw_hit_row_free(r);
	return read;
}

/* The first story of topic key's list (its window read). */
static struct fw_browse_story *
first_story(struct fixture *f, const char *key)
{
	return fw_browse_topic_story(f->b, f->s, fw_browse_topic_find(f->b, key), 0, NULL);
}

/* The story of hit id, as the model keys it. */
static char *
key_of(gint64 id)
{
	return g_strdup_printf("%" G_GINT64_FORMAT, id);
}

/* Stories: two topics of one item, the same story in two feeds (a link
 * with tracking parameters), an item without a link, a topic the config
 * no longer has; in the store's order: the newest hit of the list's topic
 * first (its reader's time: published, found when it is later). */
static void test_model_stories(struct fixture *f, gconstpointer data)
{
	gint64 a1 = put_item(f, f->feed_a, "a1", "Milei meets Mercosur",
	                     "https://news.example/2024/milei", "Milei and the Mercosur deal", 5000);
	gint64 b1 = put_item(f, f->feed_b, "b1", "Milei meets Mercosur (wire)",
	                     "https://NEWS.example/2024/milei/?utm_source=wire#top", "wire", 5100);
	gint64 a2 = put_item(f, f->feed_a, "a2", "Beijing swap line", NULL, "China swaps", 6000);
	gint64 a3 = put_item(f, f->feed_a, "a3", "Old Milei", "https://news.example/old", "x",
	                     FW_TIME_NONE);
	gint64 h1 = add_hit(f, a1, "milei", "Milei", 1000);
	gint64 h2 = add_hit(f, a1, "mercosur", "Mercosur", 1000);
	gint64 h3 = add_hit(f, b1, "milei", "Milei", 1100);
	struct fw_browse_story *st;
	struct fw_browse_topic *t;

	add_hit(f, a2, "china", "China swaps", 1200);
	add_hit(f, a3, "gone", "Gone topic", 900);
	load(f);
	g_assert_cmpuint(f->b->stories->len, ==, 0);   /* only counts, no window yet */
	g_assert_cmpuint(fw_browse_topic_find(f->b, NULL)->total, ==, 3);   /* a1+b1, a2, a3 */
	/* a3 has no date: found (900) puts it last */
	assert_topic(f, NULL, "Beijing swap line,Milei meets Mercosur,Old Milei/3");
	assert_topic(f, "milei", "Milei meets Mercosur/1");
	assert_topic(f, "mercosur", "Milei meets Mercosur/1");
	assert_topic(f, "china", "Beijing swap line/1");
	assert_topic(f, "gone", "Old Milei/1");
	/* topics: All, the config's in order, then the hit log's */
	g_assert_cmpuint(f->b->topics->len, ==, 5);
	g_assert_null(((struct fw_browse_topic *)f->b->topics->pdata[0])->key);
	g_assert_cmpstr(((struct fw_browse_topic *)f->b->topics->pdata[3])->name, ==, "China swaps");
	g_assert_cmpstr(((struct fw_browse_topic *)f->b->topics->pdata[4])->name, ==, "Gone topic");
	st = first_story(f, "milei");
	g_assert_cmpuint(f->b->stories->len, ==, 1);   /* milei's window */
	g_assert_cmpuint(st->hits->len, ==, 3);
	g_assert_cmpint(((struct fw_hit_row *)st->hits->pdata[0])->id, ==, h1);   /* the lead */
	g_assert_cmpint(st->when, ==, 5000);
	g_assert_cmpstr(st->topics, ==, "Milei, Mercosur");
	g_assert_cmpstr(((struct fw_hit_row *)st->hits->pdata[0])->also_in, ==, "b");
	{
		g_autofree char *others = fw_browse_story_topics(f->b, st, "milei", "+");

		g_assert_cmpstr(others, ==, "+Mercosur");
	}
	g_assert_true(fw_browse_story_find(f->b, st->key) == st);
	g_assert_cmpint(f->b->max_hit_id, ==, h3 + 2);

	/* reading the story marks every hit of it, in every topic and feed */
	g_assert_true(fw_browse_story_set_read(f->b, f->s, st, TRUE, NULL));
	g_assert_true(stored_read(f, h1) && stored_read(f, h2) && stored_read(f, h3));
	assert_topic(f, "milei", "Milei meets Mercosur/0");
	assert_topic(f, "mercosur", "Milei meets Mercosur/0");
	assert_topic(f, NULL, "Beijing swap line,Milei meets Mercosur,Old Milei/2");
	st = first_story(f, "milei");   /* the window moved: read it again */
	g_assert_true(fw_browse_story_set_read(f->b, f->s, st, FALSE, NULL));
	g_assert_false(stored_read(f, h2));
	assert_topic(f, "mercosur", "Milei meets Mercosur/1");

	/* an edit makes the item hit a new topic: unread there only; the
	 * story is listed there by that hit's time */
	st = first_story(f, "milei");
	g_assert_true(fw_browse_story_set_read(f->b, f->s, st, TRUE, NULL));
	add_hit(f, b1, "china", "China swaps", 1300);
	load(f);
	assert_topic(f, "china", "Milei meets Mercosur,Beijing swap line/2");
	assert_topic(f, "milei", "Milei meets Mercosur/0");
	{
		g_autofree char *k = key_of(h1);

		st = fw_browse_story_find(f->b, k);
	}
	g_assert_nonnull(st);
	g_assert_cmpstr(st->topics, ==, "Milei, Mercosur, China swaps");

	/* the lead is the original (published first), not the copy found first */
	{
		gint64 copy = put_item(f, f->feed_b, "c-copy", "Copy of the scoop",
		                       "https://news.example/scoop", "x", 8000);
		gint64 orig = put_item(f, f->feed_a, "c-orig", "The scoop",
		                       "https://news.example/scoop", "x", 7500);
		gint64 hc = add_hit(f, copy, "milei", "Milei", 800);
		gint64 ho = add_hit(f, orig, "milei", "Milei", 1900);

		g_autofree char *k = key_of(hc);   /* the story's number: its first hit */

		load(f);
		first_story(f, "milei");
		st = fw_browse_story_find(f->b, k);
		g_assert_nonnull(st);
		g_assert_cmpint(((struct fw_hit_row *)st->hits->pdata[0])->id, ==, ho);
		g_assert_cmpint(((struct fw_hit_row *)st->hits->pdata[1])->id, ==, hc);
		g_assert_cmpint(st->when, ==, 7500);
		assert_topic(f, "milei", "The scoop,Milei meets Mercosur/1");
	}

	/* A: every story of a topic */
	t = fw_browse_topic_find(f->b, "china");
	{
		guint n = 0;

		g_assert_true(fw_browse_topic_set_read(f->b, f->s, t, &n, NULL));
		g_assert_cmpuint(n, ==, 2);
	}
	assert_topic(f, "china", "Milei meets Mercosur,Beijing swap line/0");
	assert_topic(f, NULL, "The scoop,Milei meets Mercosur,Beijing swap line,Old Milei/2");
	g_assert_true(stored_read(f, h1) && stored_read(f, h2));   /* its other topics' hits too */
}

/* The filter: the query language on the items' fields; one of a story's
 * items matching shows it; a syntax error leaves the filter as it was. */
static void test_model_filter(struct fixture *f, gconstpointer data)
{
	g_autoptr(GError) err = NULL;
	gint64 a1 = put_item(f, f->feed_a, "a1", "Milei meets Mercosur",
	                     "https://news.example/2024/milei", "Milei and the Mercosur deal", 5000);
	gint64 b1 = put_item(f, f->feed_b, "b1", "Wire copy", "https://news.example/2024/milei",
	                     "Buenos Aires lithium", 5100);
	gint64 a2 = put_item(f, f->feed_a, "a2", "Beijing swap line", NULL, "Chinese swaps", 6000);
	guint col = 0;

	add_hit(f, a1, "milei", "Milei", 1000);
	add_hit(f, b1, "milei", "Milei", 1000);
	add_hit(f, a2, "china", "China swaps", 1000);
	load(f);
	g_assert_true(fw_browse_set_filter(f->b, f->s, "lithium", &col, &err));
	g_assert_no_error(err);
	g_assert_cmpstr(f->b->filter_text, ==, "lithium");
	assert_topic(f, NULL, "Milei meets Mercosur/1");   /* by its wire copy */
	assert_topic(f, "china", "/0");
	g_assert_true(fw_browse_set_filter(f->b, f->s, " title:swap* OR Mercosur ", &col, &err));
	assert_topic(f, NULL, "Beijing swap line,Milei meets Mercosur/2");
	g_assert_true(fw_browse_set_filter(f->b, f->s, "feed:b", &col, &err));
	assert_topic(f, NULL, "Milei meets Mercosur/1");
	/* a new hit loaded while a filter is on is filtered too */
	add_hit(f, put_item(f, f->feed_b, "b2", "Other", NULL, "nothing", 7000), "milei", "Milei",
	        1500);
	load(f);
	assert_topic(f, NULL, "Other,Milei meets Mercosur/2");
	g_assert_false(fw_browse_set_filter(f->b, f->s, "(Milei", &col, &err));
	g_assert_error(err, FW_TOPIC_ERROR, FW_TOPIC_ERROR_SYNTAX);
	g_assert_cmpuint(col, >, 0);
	g_assert_cmpstr(f->b->filter_text, ==, "feed:b");
	g_assert_true(fw_browse_set_filter(f->b, f->s, "  ", &col, NULL));
	g_assert_null(f->b->filter_text);
	assert_topic(f, NULL, "Other,Beijing swap line,Milei meets Mercosur/3");
}

/* Muting: stored, read back by a load, unmuted; an ended mute is none. */
static void test_model_mute(struct fixture *f, gconstpointer data)
{
	g_autoptr(GHashTable) mutes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	struct fw_browse_topic *t;

	load(f);
	t = fw_browse_topic_find(f->b, "mercosur");
	g_assert_true(fw_browse_topic_mute(f->b, f->s, t, 2000 + 86400, 2000, NULL));
	g_assert_cmpint(t->muted_until, ==, 2000 + 86400);
	g_assert_true(fw_store_mutes(f->s, 2000, mutes, NULL));
	g_assert_cmpint(*(gint64 *)g_hash_table_lookup(mutes, "mercosur"), ==, 2000 + 86400);
	g_assert_true(fw_browse_topic_mute(f->b, f->s, fw_browse_topic_find(f->b, "milei"), 2500,
	                                   2000, NULL));
	load(f);
	g_assert_cmpint(fw_browse_topic_find(f->b, "mercosur")->muted_until, ==, 2000 + 86400);
	g_assert_cmpint(fw_browse_topic_find(f->b, "milei")->muted_until, ==, 2500);
	g_assert_cmpint(fw_browse_topic_find(f->b, "china")->muted_until, ==, 0);
	t = fw_browse_topic_find(f->b, "mercosur");
	g_assert_true(fw_browse_topic_mute(f->b, f->s, t, 0, 2000, NULL));
	g_assert_cmpint(t->muted_until, ==, 0);
	load(f);
	g_assert_cmpint(fw_browse_topic_find(f->b, "mercosur")->muted_until, ==, 0);
}

int main(int argc, char **argv)
{
	/* widths as a UTF-8 terminal has them (wcwidth) */
	setlocale(LC_ALL, "C.UTF-8");
	g_setenv("TZ", "UTC", TRUE);
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/browse/clean", test_clean);
	g_test_add_func("/browse/clean/ascii", test_clean_ascii);
	g_test_add_func("/browse/width", test_width);
	g_test_add_func("/browse/fit", test_fit);
	g_test_add_func("/browse/wrap", test_wrap);
	g_test_add_func("/browse/matched-spans", test_matched_spans);
	g_test_add("/browse/model/stories", struct fixture, NULL, fixture_setup, test_model_stories,
	           fixture_teardown);
	g_test_add("/browse/model/filter", struct fixture, NULL, fixture_setup, test_model_filter,
	           fixture_teardown);
	g_test_add("/browse/model/mute", struct fixture, NULL, fixture_setup, test_model_mute,
	           fixture_teardown);
	return g_test_run();
}
