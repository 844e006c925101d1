/* stats — hits per topic per local day and sparklines. See cli/stats.h. */
#include <time.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "feedwatch/feed.h"
#include "stats.h"

#define BOLD "\033[1m"
#define GREEN "\033[32m"
#define RESET "\033[0m"

/* Widest topic name column of the table. */
#define STATS_NAME_MAX 24

static const char *const spark_levels[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };

guint fw_stats_day(gint64 t)
{
	static gsize zone_read;
	time_t tt = (time_t)t;
	struct tm tm;
	GDate d;

	/* localtime_r, unlike GLib's local GDateTime, does not look at
	 * /etc/localtime again for every time (a year of hits: 1 s) */
	if (g_once_init_enter(&zone_read)) {
		tzset();
		g_once_init_leave(&zone_read, 1);
	}
	if (t == FW_TIME_NONE || localtime_r(&tt, &tm) == NULL || tm.tm_year + 1900 < 1 ||
	    tm.tm_year + 1900 > 9999)
		return 0;
	g_date_clear(&d, 1);
	g_date_set_dmy(&d, (GDateDay)tm.tm_mday, (GDateMonth)(tm.tm_mon + 1),
	               (GDateYear)(tm.tm_year + 1900));
	return g_date_valid(&d) ? g_date_get_julian(&d) : 0;
}

/* The GDate of day, or FALSE when day is not a valid Julian day. */
static gboolean day_date(guint day, GDate *d)
{
	g_date_clear(d, 1);
	if (!g_date_valid_julian(day))
		return FALSE;
	g_date_set_julian(d, day);
	return TRUE;
}

gint64 fw_stats_day_start(guint day)
{
	g_autoptr(GDateTime) dt = NULL;
	GDate d;

	if (!day_date(day, &d))
		return 0;
	dt = g_date_time_new_local(g_date_get_year(&d), g_date_get_month(&d), g_date_get_day(&d),
	                           0, 0, 0);
	return dt ? g_date_time_to_unix(dt) : 0;
}

char *fw_stats_day_label(guint day)
{
	GDate d;

	if (!day_date(day, &d))
		return g_strdup("?");
	return g_strdup_printf("%04u-%02u-%02u", (guint)g_date_get_year(&d),
	                       (guint)g_date_get_month(&d), (guint)g_date_get_day(&d));
}

static void series_free(struct fw_stats_series *se)
{
	g_free(se->key);
	g_free(se->name);
	g_free(se->counts);
	g_free(se);
}

struct fw_stats *fw_stats_new(guint first_day, guint ndays)
{
	struct fw_stats *s = g_new0(struct fw_stats, 1);

	s->first_day = first_day;
	s->ndays = CLAMP(ndays, 1, FW_STATS_MAX_DAYS);
	s->series = g_ptr_array_new_with_free_func((GDestroyNotify)series_free);
	return s;
}

void fw_stats_free(struct fw_stats *s)
{
	if (s == NULL)
		return;
	g_ptr_array_unref(s->series);
	g_free(s);
}

struct fw_stats_series *fw_stats_topic(struct fw_stats *s, const char *key, const char *name)
{
	struct fw_stats_series *se;

	for (guint i = 0; i < s->series->len; i++) {
		se = s->series->pdata[i];
		if (strcmp(se->key, key) == 0)
			return se;
	}
	se = g_new0(struct fw_stats_series, 1);
	se->key = g_strdup(key);
	se->name = g_strdup(name ? name : key);
	se->counts = g_new0(guint, s->ndays);
	g_ptr_array_add(s->series, se);
	return se;
}

void fw_stats_count(struct fw_stats *s, const char *key, const char *name, gint64 t)
{
	struct fw_stats_series *se = fw_stats_topic(s, key, name);
	guint day = s->day;

	if (t < s->day_from || t >= s->day_to) {
		day = fw_stats_day(t);
		s->day = day;
		/* an empty range (never matched) when the day has no bounds */
		s->day_from = day ? fw_stats_day_start(day) : 0;
		s->day_to = day ? fw_stats_day_start(day + 1) : 0;
		if (s->day_from == 0 || s->day_to <= s->day_from || t < s->day_from || t >= s->day_to)
			s->day_from = s->day_to = 0;
	}

	if (day < s->first_day || day - s->first_day >= s->ndays) {
		s->outside++;
		return;
	}
	se->counts[day - s->first_day]++;
	se->total++;
	se->max = MAX(se->max, se->counts[day - s->first_day]);
}

char *fw_stats_sparkline(const guint *counts, guint n)
{
	GString *out = g_string_sized_new(n * 3 + 1);
	guint max = 0;

	for (guint i = 0; i < n; i++)
		max = MAX(max, counts[i]);
	for (guint i = 0; i < n; i++) {
		guint level = 0;

		/* 1 .. 7 for counts 1 .. max, rounded up so that any hit shows. */
		if (counts[i] > 0)
			level = (guint)(((guint64)counts[i] * 7 + max - 1) / max);
		g_string_append(out, spark_levels[MIN(level, 7)]);
	}
	return g_string_free(out, FALSE);
}

gboolean fw_stats_format_from_name(const char *name, enum fw_stats_format *out)
{
	static const struct { const char *name; enum fw_stats_format f; } names[] = {
		{ "table", FW_STATS_TABLE }, { "json", FW_STATS_JSON }, { "csv", FW_STATS_CSV },
	};

	for (gsize i = 0; name && i < G_N_ELEMENTS(names); i++) {
		if (strcmp(name, names[i].name) == 0) {
			*out = names[i].f;
			return TRUE;
		}
	}
	return FALSE;
}

/* Terminal columns of valid UTF-8 text (wide characters count two). */
static guint text_width(const char *s)
{
	guint w = 0;

	for (const char *p = s; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (!g_unichar_iszerowidth(c))
			w += g_unichar_iswide(c) ? 2 : 1;
	}
	return w;
}

/* A copy of s fit for a terminal: valid UTF-8, controls as spaces, at most
 * max columns (cut with …), padded to pad columns. */
static char *term_text(const char *s, guint max, guint pad)
{
	g_autofree char *valid = g_utf8_make_valid(s ? s : "", -1);
	GString *out = g_string_new(NULL);
	guint w = 0, total;

	for (char *p = valid; *p; p = g_utf8_next_char(p))
		if (g_unichar_iscntrl(g_utf8_get_char(p)))
			*p = ' ';
	total = text_width(valid);
	for (const char *p = valid; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		guint cw = g_unichar_iszerowidth(c) ? 0 : g_unichar_iswide(c) ? 2 : 1;

		if (total > max && w + cw > max - 1) {
			g_string_append(out, "…");
			w++;
			break;
		}
		g_string_append_unichar(out, c);
		w += cw;
	}
	while (w++ < pad)
		g_string_append_c(out, ' ');
	return g_string_free(out, FALSE);
}

static void print_table(const struct fw_stats *s, FILE *out, gboolean color, guint width)
{
	g_autofree char *from = fw_stats_day_label(s->first_day);
	g_autofree char *to = fw_stats_day_label(s->first_day + s->ndays - 1);
	guint wname = 5, wnum = 1, fixed, per = 1, nmarks;
	g_autofree guint *sums = NULL;
	gboolean figures;

	if (width == 0)
		width = 100;
	for (guint i = 0; i < s->series->len; i++) {
		const struct fw_stats_series *se = s->series->pdata[i];
		g_autofree char *n = term_text(se->name, STATS_NAME_MAX, 0);

		wname = MAX(wname, text_width(n));
		for (guint d = 0; d < s->ndays; d++)
			wnum = MAX(wnum, (guint)snprintf(NULL, 0, "%u", se->counts[d]));
	}
	/* The sparkline fits the terminal: a mark for `per` days when a mark a
	 * day does not (then no per-day figures). */
	fixed = wname + 2 + 5 + 2 + 3 + 2;
	if (width > fixed + 4 && fixed + s->ndays > width)
		per = (s->ndays + (width - fixed) - 1) / (width - fixed);
	else if (fixed + s->ndays > width)
		per = (s->ndays + 3) / 4;
	nmarks = (s->ndays + per - 1) / per;
	figures = per == 1 && fixed + nmarks + 2 + s->ndays * (wnum + 1) <= width;
	fprintf(out, "%sStories a day, %s to %s (%u day%s, date published, local time)%s\n",
	        color ? BOLD : "", from, to, s->ndays, s->ndays == 1 ? "" : "s", color ? RESET : "");
	if (per > 1)
		fprintf(out, "(a mark of the sparkline is %u days)\n", per);
	if (s->series->len == 0) {
		fputs("no topics\n", out);
		return;
	}
	{
		g_autofree char *h = term_text("TOPIC", wname, wname);
		g_autofree char *days = term_text(nmarks >= 4 ? "DAYS" : "", nmarks, nmarks);

		g_autofree char *line = g_strdup_printf("%s  TOTAL  MAX  %s%s", h, days,
		                                        figures ? "  PER DAY, OLDEST FIRST" : "");

		fprintf(out, "%s%s%s\n", color ? BOLD : "", g_strchomp(line), color ? RESET : "");
	}
	for (guint i = 0; i < s->series->len; i++) {
		const struct fw_stats_series *se = s->series->pdata[i];
		g_autofree char *name = term_text(se->name, STATS_NAME_MAX, wname);
		g_autofree char *spark = NULL;

		g_free(sums);
		sums = g_new0(guint, nmarks);
		for (guint d = 0; d < s->ndays; d++)
			sums[d / per] += se->counts[d];
		spark = fw_stats_sparkline(sums, nmarks);

		fprintf(out, "%s  %5u  %3u  %s%s%s", name, se->total, se->max,
		        color && se->total ? GREEN : "", spark, color && se->total ? RESET : "");
		if (figures) {
			fputs("  ", out);
			for (guint d = 0; d < s->ndays; d++)
				fprintf(out, "%s%*u", d ? " " : "", (int)wnum, se->counts[d]);
		}
		fputc('\n', out);
	}
}

static void print_json(const struct fw_stats *s, FILE *out)
{
	for (guint i = 0; i < s->series->len; i++) {
		const struct fw_stats_series *se = s->series->pdata[i];
		g_autoptr(JsonBuilder) b = json_builder_new_immutable();
		g_autoptr(JsonGenerator) gen = json_generator_new();
		g_autoptr(JsonNode) root = NULL;
		g_autofree char *line = NULL, *key = g_utf8_make_valid(se->key, -1);
		g_autofree char *name = g_utf8_make_valid(se->name, -1);

		json_builder_begin_object(b);
		json_builder_set_member_name(b, "topic");
		json_builder_add_string_value(b, key);
		json_builder_set_member_name(b, "topic_name");
		json_builder_add_string_value(b, name);
		json_builder_set_member_name(b, "total");
		json_builder_add_int_value(b, se->total);
		json_builder_set_member_name(b, "days");
		json_builder_begin_array(b);
		for (guint d = 0; d < s->ndays; d++) {
			g_autofree char *date = fw_stats_day_label(s->first_day + d);

			json_builder_begin_object(b);
			json_builder_set_member_name(b, "date");
			json_builder_add_string_value(b, date);
			json_builder_set_member_name(b, "hits");
			json_builder_add_int_value(b, se->counts[d]);
			json_builder_end_object(b);
		}
		json_builder_end_array(b);
		json_builder_end_object(b);
		root = json_builder_get_root(b);
		json_generator_set_root(gen, root);
		line = json_generator_to_data(gen, NULL);
		fprintf(out, "%s\n", line);
	}
}

/* One CSV field, quoted when it holds a comma, quote, CR or LF. */
static void csv_field(FILE *out, const char *v, gboolean last)
{
	g_autofree char *valid = g_utf8_make_valid(v ? v : "", -1);

	if (strpbrk(valid, ",\"\r\n")) {
		fputc('"', out);
		for (const char *p = valid; *p; p++) {
			if (*p == '"')
				fputc('"', out);
			fputc(*p, out);
		}
		fputc('"', out);
	} else {
		fputs(valid, out);
	}
	fputs(last ? "\r\n" : ",", out);
}

static void print_csv(const struct fw_stats *s, FILE *out)
{
	fputs("date,topic,topic_name,hits\r\n", out);
	for (guint d = 0; d < s->ndays; d++) {
		g_autofree char *date = fw_stats_day_label(s->first_day + d);

		for (guint i = 0; i < s->series->len; i++) {
			const struct fw_stats_series *se = s->series->pdata[i];
			char n[16];

			g_snprintf(n, sizeof n, "%u", se->counts[d]);
			csv_field(out, date, FALSE);
			csv_field(out, se->key, FALSE);
			csv_field(out, se->name, FALSE);
			csv_field(out, n, TRUE);
		}
	}
}

void fw_stats_print(const struct fw_stats *s, enum fw_stats_format format, FILE *out,
                    gboolean color, guint width)
{
	switch (format) {
	case FW_STATS_TABLE:
		print_table(s, out, color, width);
		break;
	case FW_STATS_JSON:
		print_json(s, out);
		break;
	case FW_STATS_CSV:
		print_csv(s, out);
		break;
	}
	fflush(out);
}
