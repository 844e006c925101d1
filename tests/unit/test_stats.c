/* Unit tests for stats: local days, counting per topic per day, sparklines
 * and the three output formats. Runs in America/Argentina/Buenos_Aires (UTC-3,
 * no DST) so that local days differ from UTC days. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "feedwatch/feed.h"
#include "stats.h"

/* 2024-11-26T02:30:00Z is 2024-11-25 23:30 in Buenos Aires. */
#define T_0230Z 1732588200

struct spark_case {
	guint counts[8];
	guint n;
	const char *expected;
};

static const struct spark_case spark_cases[] = {
	{ { 0 }, 1, "▁" },
	{ { 1 }, 1, "█" },
	{ { 0, 0, 0 }, 3, "▁▁▁" },
	{ { 0, 1, 2, 3, 4, 5, 6, 7 }, 8, "▁▂▃▄▅▆▇█" },
	{ { 1, 100 }, 2, "▂█" },           /* any hit shows above zero */
	{ { 100, 50, 0 }, 3, "█▅▁" },
	{ { 3, 3, 3 }, 3, "███" },
	{ { 4294967295u, 1 }, 2, "█▂" },   /* no overflow */
};

static void test_sparkline(gconstpointer data)
{
	const struct spark_case *c = data;
	g_autofree char *s = fw_stats_sparkline(c->counts, c->n);

	g_assert_cmpstr(s, ==, c->expected);
}

struct day_case {
	gint64 t;
	const char *label;
	gint64 start;    /* local midnight of that day */
};

static const struct day_case day_cases[] = {
	{ T_0230Z, "2024-11-25", 1732503600 },          /* 2024-11-25T03:00Z */
	{ T_0230Z + 3600, "2024-11-26", 1732590000 },   /* 00:30 local: next day */
	{ 0, "1969-12-31", -75600 },
	{ 1709175600, "2024-02-29", 1709175600 },       /* leap day, exactly midnight */
};

static void test_day(gconstpointer data)
{
	const struct day_case *c = data;
	guint day = fw_stats_day(c->t);
	g_autofree char *label = fw_stats_day_label(day);

	g_assert_cmpuint(day, >, 0);
	g_assert_cmpstr(label, ==, c->label);
	g_assert_cmpint(fw_stats_day_start(day), ==, c->start);
	g_assert_cmpuint(fw_stats_day(fw_stats_day_start(day)), ==, day);
	g_assert_cmpuint(fw_stats_day(fw_stats_day_start(day) - 1), ==, day - 1);
}

static void test_day_none(void)
{
	g_autofree char *bad = fw_stats_day_label(0);

	g_assert_cmpuint(fw_stats_day(FW_TIME_NONE), ==, 0);
	g_assert_cmpstr(bad, ==, "?");
	g_assert_cmpint(fw_stats_day_start(0), ==, 0);
}

/* Hits counted into a 3-day range ending 2024-11-26 (local). */
struct count_row {
	const char *key, *name;
	gint64 t;
};

static const struct count_row count_rows[] = {
	{ "milei", "Milei", T_0230Z },              /* 11-25 */
	{ "milei", "Milei", T_0230Z + 3600 },       /* 11-26 */
	{ "milei", NULL, T_0230Z + 7200 },          /* 11-26 */
	{ "china-swaps", "China, \"swaps\"", T_0230Z - 86400 }, /* 11-24 */
	{ "milei", "Milei", T_0230Z - 3 * 86400 },  /* 11-22: outside */
	{ "milei", "Milei", T_0230Z + 2 * 86400 },  /* 11-27: outside */
	{ "new", NULL, FW_TIME_NONE },              /* no date: outside */
};

static struct fw_stats *counted(void)
{
	guint last = fw_stats_day(T_0230Z + 3600);
	struct fw_stats *s = fw_stats_new(last - 2, 3);

	fw_stats_topic(s, "mercosur", "Mercosur");   /* a topic without hits keeps its place */
	for (gsize i = 0; i < G_N_ELEMENTS(count_rows); i++)
		fw_stats_count(s, count_rows[i].key, count_rows[i].name, count_rows[i].t);
	return s;
}

/* Counting remembers the last day's bounds: times in order and back, an
 * hour apart across the night Buenos Aires went to summer time (2008-10-19,
 * a day of 23 hours), fall on the days fw_stats_day says. */
static void test_count_days(void)
{
	static const struct { gint64 from; int step; } walks[] = {
		{ 1224200000, 3600 },                  /* 2008-10-16 .. 10-22, in order */
		{ 1224200000 + 140 * 3600, -3600 },    /* the same, newest first */
		{ 1224200000, 1777 },                  /* not on the hour */
	};

	for (gsize w = 0; w < G_N_ELEMENTS(walks); w++) {
		guint first = fw_stats_day(1224200000 - 86400);
		struct fw_stats *s = fw_stats_new(first, 9);
		guint want[9] = { 0 };
		struct fw_stats_series *se;

		for (int i = 0; i <= 140; i++) {
			gint64 t = walks[w].from + (gint64)i * walks[w].step;
			guint d = fw_stats_day(t);

			g_assert_cmpuint(d, >=, first);
			g_assert_cmpuint(d - first, <, 9);
			want[d - first]++;
			fw_stats_count(s, "milei", NULL, t);
		}
		se = s->series->pdata[0];
		for (guint d = 0; d < 9; d++)
			g_assert_cmpuint(se->counts[d], ==, want[d]);
		g_assert_cmpuint(s->outside, ==, 0);
		fw_stats_free(s);
	}
	/* the summer night is a short day */
	g_assert_cmpint(fw_stats_day_start(fw_stats_day(1224400000) + 1) -
	                fw_stats_day_start(fw_stats_day(1224400000)), ==, 23 * 3600);
}

static void test_count(void)
{
	struct fw_stats *s = counted();
	static const struct { const char *key, *name; guint c[3], total, max; } expect[] = {
		{ "mercosur", "Mercosur", { 0, 0, 0 }, 0, 0 },
		{ "milei", "Milei", { 0, 1, 2 }, 3, 2 },
		{ "china-swaps", "China, \"swaps\"", { 1, 0, 0 }, 1, 1 },
		{ "new", "new", { 0, 0, 0 }, 0, 0 },
	};

	g_assert_cmpuint(s->series->len, ==, G_N_ELEMENTS(expect));
	g_assert_cmpuint(s->outside, ==, 3);
	for (gsize i = 0; i < G_N_ELEMENTS(expect); i++) {
		const struct fw_stats_series *se = s->series->pdata[i];

		g_assert_cmpstr(se->key, ==, expect[i].key);
		g_assert_cmpstr(se->name, ==, expect[i].name);
		for (guint d = 0; d < 3; d++)
			g_assert_cmpuint(se->counts[d], ==, expect[i].c[d]);
		g_assert_cmpuint(se->total, ==, expect[i].total);
		g_assert_cmpuint(se->max, ==, expect[i].max);
	}
	fw_stats_free(s);
	fw_stats_free(NULL);
}

static void test_range_clamped(void)
{
	struct fw_stats *a = fw_stats_new(1000, 0), *b = fw_stats_new(1000, 1000000);

	g_assert_cmpuint(a->ndays, ==, 1);
	g_assert_cmpuint(b->ndays, ==, FW_STATS_MAX_DAYS);
	fw_stats_free(a);
	fw_stats_free(b);
}

static char *print_to_string(const struct fw_stats *s, enum fw_stats_format f, gboolean color,
                             guint width)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	char *copy;

	fw_stats_print(s, f, out, color, width);
	fclose(out);
	copy = g_strndup(buf, len);
	free(buf);
	return copy;
}

/* The table: header, one line a topic; figures only when they fit. */
struct table_case {
	gboolean color;
	guint width;
	const char *const lines[6];
};

static const struct table_case table_cases[] = {
	{ FALSE, 100, {
		"Stories a day, 2024-11-24 to 2024-11-26 (3 days, date published, local time)",
		"TOPIC           TOTAL  MAX       PER DAY, OLDEST FIRST",
		"Mercosur            0    0  ▁▁▁  0 0 0",
		"Milei               3    2  ▁▅█  0 1 2",
		"China, \"swaps\"      1    1  █▁▁  1 0 0",
		"new                 0    0  ▁▁▁  0 0 0",
	} },
	{ FALSE, 30, {
		"Stories a day, 2024-11-24 to 2024-11-26 (3 days, date published, local time)",
		"TOPIC           TOTAL  MAX",
		"Mercosur            0    0  ▁▁▁",
		"Milei               3    2  ▁▅█",
		"China, \"swaps\"      1    1  █▁▁",
		"new                 0    0  ▁▁▁",
	} },
};

static void test_table(gconstpointer data)
{
	const struct table_case *c = data;
	struct fw_stats *s = counted();
	g_autofree char *out = print_to_string(s, FW_STATS_TABLE, c->color, c->width);
	g_auto(GStrv) lines = g_strsplit(out, "\n", -1);

	g_assert_cmpuint(g_strv_length(lines), ==, G_N_ELEMENTS(c->lines) + 1);
	for (gsize i = 0; i < G_N_ELEMENTS(c->lines); i++)
		g_assert_cmpstr(lines[i], ==, c->lines[i]);
	fw_stats_free(s);
}

/* 100 days at 80 columns: a mark for 2 days, no line wider than 80. */
static void test_table_fit(void)
{
	struct fw_stats *s = fw_stats_new(fw_stats_day(1732600000) - 99, 100);
	g_autofree char *out = NULL;
	g_auto(GStrv) lines = NULL;

	fw_stats_count(s, "milei", "Milei", 1732600000);
	fw_stats_count(s, "milei", "Milei", 1732600000 - 99 * 86400);
	fw_stats_topic(s, "mercosur", "Mercosur");
	out = print_to_string(s, FW_STATS_TABLE, FALSE, 80);
	g_test_message("%s", out);
	lines = g_strsplit(out, "\n", -1);
	g_assert_cmpstr(lines[1], ==, "(a mark of the sparkline is 2 days)");
	for (guint i = 0; lines[i]; i++)
		g_assert_cmpuint(g_utf8_strlen(lines[i], -1), <=, 80);
	g_assert_true(g_str_has_prefix(lines[3], "Milei         2    1  █▁"));
	g_assert_true(g_str_has_suffix(lines[3], "▁█"));
	g_assert_cmpuint(g_utf8_strlen(lines[3], -1), ==, 8 + 14 + 50);
	fw_stats_free(s);
}

static void test_table_color(void)
{
	struct fw_stats *s = counted();
	g_autofree char *out = print_to_string(s, FW_STATS_TABLE, TRUE, 100);

	g_assert_nonnull(strstr(out, "\033[1mStories a day"));
	g_assert_nonnull(strstr(out, "\033[32m▁▅█\033[0m"));
	g_assert_nonnull(strstr(out, "  ▁▁▁  0 0 0"));   /* no color without hits */
	fw_stats_free(s);
}

static void test_json(void)
{
	struct fw_stats *s = counted();
	g_autofree char *out = print_to_string(s, FW_STATS_JSON, FALSE, 0);
	g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
	g_autoptr(JsonParser) p = json_parser_new();
	JsonObject *o;
	JsonArray *days;

	g_assert_cmpuint(g_strv_length(lines), ==, 5);
	g_assert_cmpstr(lines[4], ==, "");
	g_assert_true(json_parser_load_from_data(p, lines[1], -1, NULL));
	o = json_node_get_object(json_parser_get_root(p));
	g_assert_cmpstr(json_object_get_string_member(o, "topic"), ==, "milei");
	g_assert_cmpstr(json_object_get_string_member(o, "topic_name"), ==, "Milei");
	g_assert_cmpint(json_object_get_int_member(o, "total"), ==, 3);
	days = json_object_get_array_member(o, "days");
	g_assert_cmpuint(json_array_get_length(days), ==, 3);
	g_assert_cmpstr(json_object_get_string_member(json_array_get_object_element(days, 2), "date"),
	                ==, "2024-11-26");
	g_assert_cmpint(json_object_get_int_member(json_array_get_object_element(days, 2), "hits"),
	                ==, 2);
	fw_stats_free(s);
}

static void test_csv(void)
{
	struct fw_stats *s = counted();
	g_autofree char *out = print_to_string(s, FW_STATS_CSV, FALSE, 0);

	g_assert_true(g_str_has_prefix(out, "date,topic,topic_name,hits\r\n"
	                                    "2024-11-24,mercosur,Mercosur,0\r\n"
	                                    "2024-11-24,milei,Milei,0\r\n"
	                                    "2024-11-24,china-swaps,\"China, \"\"swaps\"\"\",1\r\n"));
	g_assert_true(g_str_has_suffix(out, "2024-11-26,new,new,0\r\n"));
	fw_stats_free(s);
}

struct format_case {
	const char *name;
	gboolean ok;
	enum fw_stats_format f;
};

static const struct format_case format_cases[] = {
	{ "table", TRUE, FW_STATS_TABLE }, { "json", TRUE, FW_STATS_JSON },
	{ "csv", TRUE, FW_STATS_CSV }, { "atom", FALSE, 0 }, { "", FALSE, 0 }, { NULL, FALSE, 0 },
};

static void test_format_names(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(format_cases); i++) {
		enum fw_stats_format f = 99;

		g_assert_cmpint(fw_stats_format_from_name(format_cases[i].name, &f), ==,
		                format_cases[i].ok);
		if (format_cases[i].ok)
			g_assert_cmpint(f, ==, format_cases[i].f);
	}
}

int main(int argc, char **argv)
{
	g_setenv("TZ", "America/Argentina/Buenos_Aires", TRUE);
	g_test_init(&argc, &argv, NULL);
	for (gsize i = 0; i < G_N_ELEMENTS(spark_cases); i++) {
		g_autofree char *name = g_strdup_printf("/stats/sparkline/%zu", i);
		g_test_add_data_func(name, &spark_cases[i], test_sparkline);
	}
	for (gsize i = 0; i < G_N_ELEMENTS(day_cases); i++) {
		g_autofree char *name = g_strdup_printf("/stats/day/%s", day_cases[i].label);
		g_test_add_data_func(name, &day_cases[i], test_day);
	}
	g_test_add_func("/stats/day/none", test_day_none);
	g_test_add_func("/stats/count", test_count);
	g_test_add_func("/stats/count/days", test_count_days);
	g_test_add_func("/stats/range-clamped", test_range_clamped);
	for (gsize i = 0; i < G_N_ELEMENTS(table_cases); i++) {
		g_autofree char *name = g_strdup_printf("/stats/table/%u", table_cases[i].width);
		g_test_add_data_func(name, &table_cases[i], test_table);
	}
	g_test_add_func("/stats/table/color", test_table_color);
	g_test_add_func("/stats/table/fit", test_table_fit);
	g_test_add_func("/stats/json", test_json);
	g_test_add_func("/stats/csv", test_csv);
	g_test_add_func("/stats/format-names", test_format_names);
	return g_test_run();
}
