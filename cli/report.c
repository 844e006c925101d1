/* report — the hit log as one self-contained HTML page. See cli/report.h. */
#include <string.h>

#include "hitlog.h"
#include "report.h"
#include "stats.h"
#include "feedwatch/store.h"

#ifndef FW_VERSION
#define FW_VERSION "0"
#endif

/* The timeline's drawing area, in SVG user units. */
#define PLOT_W 880
#define PLOT_H 180
#define PLOT_LEFT 44
#define PLOT_TOP 12
#define PLOT_BOTTOM 28

/* Topic colors, reused in turn (readable on white, distinct for the colour-blind first). */
static const char *const palette[] = {
	"#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9", "#8c6d31", "#7f7f7f",
};

static const char page_style[] =
	"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#222;"
	"background:#fafafa;margin:0}\n"
	"main{max-width:60rem;margin:0 auto;padding:1.5rem}\n"
	"h1{font-size:1.6rem;margin:0 0 .2rem}\n"
	"h2{font-size:1.25rem;margin:2rem 0 .6rem;padding-bottom:.2rem;border-bottom:3px solid var(--c)}\n"
	"h3{font-size:1rem;margin:0 0 .15rem}\n"
	".period,.meta{color:#666;font-size:.85rem}\n"
	"figure{margin:1rem 0;background:#fff;border:1px solid #ddd;border-radius:6px;padding:.6rem}\n"
	"svg{width:100%;height:auto;display:block}\n"
	"svg text{font:11px sans-serif;fill:#555}\n"
	"ul.legend{list-style:none;padding:0;margin:.4rem 0 0;display:flex;flex-wrap:wrap;gap:.3rem 1.2rem}\n"
	"ul.legend li::before{content:'';display:inline-block;width:.8em;height:.8em;"
	"margin-right:.35em;background:var(--c);border-radius:2px}\n"
	"table.summary{border-collapse:collapse;margin:.5rem 0}\n"
	"table.summary td,table.summary th{padding:.15rem .8rem;text-align:left;"
	"border-bottom:1px solid #e4e4e4}\n"
	"table.summary td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	"article{background:#fff;border:1px solid #e2e2e2;border-left:4px solid var(--c);"
	"border-radius:4px;padding:.55rem .8rem;margin:.5rem 0}\n"
	"article.unread h3::after{content:' \\2022';color:var(--c)}\n"
	".snippet{margin:.3rem 0 0}\n"
	"mark{background:#fff1a8;padding:0 .1em;border-radius:2px}\n"
	"a{color:#0b57a4}\n"
	"footer{margin-top:2.5rem;color:#888;font-size:.8rem}\n";

char *fw_report_escape(const char *s)
{
	g_autofree char *valid = g_utf8_make_valid(s ? s : "", -1);
	GString *out = g_string_sized_new(strlen(valid) + 16);

	for (const char *p = valid; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		switch (c) {
		case '&': g_string_append(out, "&amp;"); break;
		case '<': g_string_append(out, "&lt;"); break;
		case '>': g_string_append(out, "&gt;"); break;
		case '"': g_string_append(out, "&quot;"); break;
		case '\'': g_string_append(out, "&#39;"); break;
		default:
			if ((g_unichar_iscntrl(c) && c != '\t' && c != '\n') ||
			    (c >= 0xfdd0 && c <= 0xfdef) || (c & 0xfffe) == 0xfffe)
				break;
			g_string_append_unichar(out, c);
		}
	}
	return g_string_free(out, FALSE);
}

/* Writes s escaped. */
static void put_text(FILE *out, const char *s)
{
	g_autofree char *e = fw_report_escape(s);

	fputs(e, out);
}

/* t as local "2024-11-26 14:05", or NULL for none. */
static char *local_time(gint64 t)
{
	g_autoptr(GDateTime) dt = NULL;

	if (t == FW_TIME_NONE || (dt = g_date_time_new_from_unix_local(t)) == NULL)
		return NULL;
	return g_date_time_format(dt, "%Y-%m-%d %H:%M");
}

/* t as RFC 3339 UTC for <time datetime>, or NULL for none. */
static char *utc_time(gint64 t)
{
	g_autoptr(GDateTime) dt = NULL;

	if (t == FW_TIME_NONE || (dt = g_date_time_new_from_unix_utc(t)) == NULL)
		return NULL;
	return g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");
}

/* Writes <time> for t in local time (nothing for none). */
static void put_time(FILE *out, gint64 t)
{
	g_autofree char *local = local_time(t), *utc = utc_time(t);

	if (local)
		fprintf(out, "<time datetime=\"%s\">%s</time>", utc, local);
}

/* TRUE for links the page may point to: http and https only. */
static gboolean link_ok(const char *link)
{
	return link && (g_ascii_strncasecmp(link, "http://", 7) == 0 ||
	                g_ascii_strncasecmp(link, "https://", 8) == 0);
}

/* Writes the snippet escaped with each mark as <mark>; bad marks are skipped. */
static void put_marked(FILE *out, const char *snippet, const char *marks_json)
{
	g_autofree char *text = g_utf8_make_valid(snippet ? snippet : "", -1);
	g_autoptr(GArray) marks = fw_hit_marks_parse(marks_json);
	glong len = g_utf8_strlen(text, -1);
	const char *p = text;
	guint pos = 0;

	for (guint i = 0; i < marks->len; i++) {
		const struct fw_span *m = &g_array_index(marks, struct fw_span, i);
		const char *a, *b;
		g_autofree char *before = NULL, *inside = NULL;

		if (m->start < pos || m->end <= m->start || (glong)m->end > len)
			continue;
		a = g_utf8_offset_to_pointer(p, m->start - pos);
		b = g_utf8_offset_to_pointer(a, m->end - m->start);
		before = g_strndup(p, a - p);
		inside = g_strndup(a, b - a);
		put_text(out, before);
		fputs("<mark>", out);
		put_text(out, inside);
		fputs("</mark>", out);
		p = b;
		pos = m->end;
	}
	put_text(out, p);
}

/* The reader's time of a hit: published, found when it has none or a later one. */
static gint64 hit_time(const struct fw_hit_row *r)
{
	return r->published != FW_TIME_NONE && r->published < r->found ? r->published : r->found;
}

/* "story/topic" of a hit: a story counts once per topic, whatever its feeds. */
static char *story_topic_key(const struct fw_hit_row *r)
{
	return g_strdup_printf("%" G_GINT64_FORMAT "/%s", r->story > 0 ? r->story : -r->id,
	                       r->topic ? r->topic : "");
}

/* TRUE the first time seen meets r's story in r's topic (then remembered). */
static gboolean story_first(GHashTable *seen, const struct fw_hit_row *r)
{
	return g_hash_table_add(seen, story_topic_key(r));
}

/* "story/topic" -> the hit that shows the story in the topic's section: the
 * earliest published (the original before its copies), then the lowest id. */
static GHashTable *story_representatives(GPtrArray *rows)
{
	GHashTable *rep = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	for (guint i = 0; i < rows->len; i++) {
		struct fw_hit_row *r = rows->pdata[i], *old;
		char *key = story_topic_key(r);

		old = g_hash_table_lookup(rep, key);
		if (old == NULL || hit_time(r) < hit_time(old) ||
		    (hit_time(r) == hit_time(old) && r->id < old->id))
			g_hash_table_insert(rep, key, r);
		else
			g_free(key);
	}
	return rep;
}

/* The topics in section order: those given, then any other of rows, by first
 * appearance; each story counted once a topic, on its published day. */
static struct fw_stats *collect_topics(GPtrArray *rows, const struct fw_report_opts *o,
                                       guint first_day, guint ndays)
{
	struct fw_stats *s = fw_stats_new(first_day, ndays);
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	for (guint i = 0; o->topics && i < o->topics->len; i++) {
		const struct fw_report_topic *t = o->topics->pdata[i];

		fw_stats_topic(s, t->key, t->name);
	}
	/* Oldest first, so a topic's name is its latest. */
	for (guint i = rows->len; i-- > 0;) {
		const struct fw_hit_row *r = rows->pdata[i];

		if (story_first(seen, r))
			fw_stats_count(s, r->topic ? r->topic : "", r->topic_name, hit_time(r));
	}
	return s;
}

/* A valid id for an element from a topic key. */
static char *section_id(const char *key)
{
	GString *id = g_string_new("topic-");

	for (const char *p = key; *p; p++)
		if (g_ascii_isalnum(*p) || *p == '-' || *p == '_' || *p == '.')
			g_string_append_c(id, *p);
		else
			g_string_append_printf(id, "_%02x", (guchar)*p);
	return g_string_free(id, FALSE);
}

/* The timeline: one column a day, hits stacked by topic, with tooltips. */
static void put_timeline(FILE *out, const struct fw_stats *s)
{
	guint max = 0, plot_h = PLOT_H - PLOT_TOP - PLOT_BOTTOM, plot_w = PLOT_W - PLOT_LEFT - 8;
	double col = (double)plot_w / s->ndays, bar = col > 3 ? col * 0.8 : col;
	g_autofree char *first = fw_stats_day_label(s->first_day);
	g_autofree char *last = fw_stats_day_label(s->first_day + s->ndays - 1);

	for (guint d = 0; d < s->ndays; d++) {
		guint sum = 0;

		for (guint i = 0; i < s->series->len; i++)
			sum += ((struct fw_stats_series *)s->series->pdata[i])->counts[d];
		max = MAX(max, sum);
	}
	fprintf(out, "<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	        "role=\"img\" aria-labelledby=\"timeline-title\">\n"
	        "<title id=\"timeline-title\">Stories a day per topic (by date published), %s to %s</title>\n",
	        PLOT_W, PLOT_H, first, last);
	/* Axes and the scale: 0 and the busiest day. */
	fprintf(out, "<line x1=\"%d\" y1=\"%u\" x2=\"%d\" y2=\"%u\" stroke=\"#999\"/>\n", PLOT_LEFT,
	        PLOT_TOP + plot_h, PLOT_W - 4, PLOT_TOP + plot_h);
	fprintf(out, "<text x=\"%d\" y=\"%u\" text-anchor=\"end\">0</text>\n", PLOT_LEFT - 6,
	        PLOT_TOP + plot_h + 4);
	if (max > 0) {
		fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#e4e4e4\"/>\n",
		        PLOT_LEFT, PLOT_TOP, PLOT_W - 4, PLOT_TOP);
		fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%u</text>\n", PLOT_LEFT - 6,
		        PLOT_TOP + 4, max);
	}
	if (max > 1)
		fprintf(out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%u</text>\n",
		        PLOT_LEFT - 6, PLOT_TOP + plot_h - (double)(max / 2) * plot_h / max + 4, max / 2);
	/* Day labels (MM-DD) under about ten columns, the last day always. */
	for (guint d = 0, step = (s->ndays + 9) / 10; d < s->ndays; d++) {
		g_autofree char *day = NULL;

		if ((s->ndays - 1 - d) % step != 0)
			continue;
		day = fw_stats_day_label(s->first_day + d);
		fprintf(out, "<text class=\"day\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
		        PLOT_LEFT + (d + 0.5) * col, PLOT_H - 8, day + 5);
	}
	for (guint d = 0; max > 0 && d < s->ndays; d++) {
		double x = PLOT_LEFT + d * col + (col - bar) / 2, y = PLOT_TOP + plot_h;
		g_autofree char *day = fw_stats_day_label(s->first_day + d);

		for (guint i = 0; i < s->series->len; i++) {
			const struct fw_stats_series *se = s->series->pdata[i];
			double h = (double)se->counts[d] * plot_h / max;

			if (se->counts[d] == 0)
				continue;
			y -= h;
			fprintf(out, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			        "height=\"%.1f\" fill=\"%s\"><title>", x, y, MAX(bar, 0.5), h,
			        palette[i % G_N_ELEMENTS(palette)]);
			put_text(out, se->name);
			fprintf(out, ", %s: %u stor%s</title></rect>\n", day, se->counts[d],
			        se->counts[d] == 1 ? "y" : "ies");
		}
	}
	fputs("</svg>\n<ul class=\"legend\">\n", out);
	for (guint i = 0; i < s->series->len; i++) {
		const struct fw_stats_series *se = s->series->pdata[i];

		fprintf(out, "<li style=\"--c:%s\">", palette[i % G_N_ELEMENTS(palette)]);
		put_text(out, se->name);
		fprintf(out, " (%u)</li>\n", se->total);
	}
	fputs("</ul>\n</figure>\n", out);
}

/* One story of a topic as an <article>: hit r, and the feeds it is also in;
 * unread when a hit of the story in this topic is. */
static void put_hit(FILE *out, const struct fw_hit_row *r, gboolean unread)
{
	fprintf(out, "<article id=\"hit-%" G_GINT64_FORMAT "\" class=\"hit%s\">\n<h3>", r->id,
	        unread ? " unread" : "");
	if (link_ok(r->link)) {
		fputs("<a href=\"", out);
		put_text(out, r->link);
		fputs("\" rel=\"noreferrer\">", out);
	}
	put_text(out, r->title && *r->title ? r->title : "(no title)");
	if (link_ok(r->link))
		fputs("</a>", out);
	fputs("</h3>\n<div class=\"meta\">", out);
	put_text(out, r->feed_title ? r->feed_title : r->feed);
	if (r->published != FW_TIME_NONE) {
		fputs(" · published ", out);
		put_time(out, r->published);
	}
	fputs(" · found ", out);
	put_time(out, r->found);
	if (r->also_in != NULL) {
		fputs(" · also in ", out);
		put_text(out, r->also_in);
	}
	fprintf(out, " · hit %" G_GINT64_FORMAT "</div>\n<p class=\"snippet\">", r->id);
	put_marked(out, r->snippet, r->marks_json);
	fputs("</p>\n</article>\n", out);
}

/* What a topic's section and summary row show: its stories in the order
 * of rows (each by its representative, story_representatives), unread
 * among them (a story with an unread hit of the topic, as `hits --unread`
 * and browse count), the latest time. */
struct topic_tally {
	GPtrArray *stories;   /* of const struct fw_hit_row * (rows' own) */
	guint unread;
	gint64 latest;
};

static void topic_tally_free(gpointer p)
{
	struct topic_tally *t = p;

	g_ptr_array_unref(t->stories);
	g_free(t);
}

/* Topic key -> struct topic_tally, in two passes over rows (newest first);
 * *unread receives the story_topic_key of each story with an unread hit
 * of its topic (a new set). */
static GHashTable *topic_tallies(GPtrArray *rows, GHashTable **unread)
{
	GHashTable *tally = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, topic_tally_free);
	g_autoptr(GHashTable) rep = story_representatives(rows);
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	*unread = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (guint k = 0; k < rows->len; k++) {
		const struct fw_hit_row *r = rows->pdata[k];

		if (!r->read)
			g_hash_table_add(*unread, story_topic_key(r));
	}

	for (guint k = 0; k < rows->len; k++) {
		const struct fw_hit_row *r = rows->pdata[k];
		const char *key = r->topic ? r->topic : "";
		g_autofree char *sk = story_topic_key(r);
		struct topic_tally *t = g_hash_table_lookup(tally, key);

		if (t == NULL) {
			t = g_new0(struct topic_tally, 1);
			t->stories = g_ptr_array_new();
			t->latest = FW_TIME_NONE;
			g_hash_table_insert(tally, (gpointer)key, t);
		}
		/* counted by the story's first (newest) hit, listed by its representative */
		if (story_first(seen, r)) {
			t->unread += g_hash_table_contains(*unread, sk);
			t->latest = MAX(t->latest, hit_time(r));
		}
		if (g_hash_table_lookup(rep, sk) == r)
			g_ptr_array_add(t->stories, (gpointer)r);
	}
	return tally;
}

void fw_report_write(GPtrArray *rows, const struct fw_report_opts *o, FILE *out)
{
	guint last = fw_stats_day(o->now), first = last;
	struct fw_stats *s;
	g_autofree char *generated = local_time(o->generated > 0 ? o->generated : o->now);
	g_autofree char *from = NULL, *to = NULL;
	const char *title = o->title ? o->title : "feedwatch report";
	g_autoptr(GHashTable) tally = NULL, unread = NULL;

	if (o->since > 0) {
		first = fw_stats_day(o->since);
	} else {
		for (guint i = 0; i < rows->len; i++) {
			guint d = fw_stats_day(hit_time(rows->pdata[i]));

			if (d > 0 && d < first)
				first = d;
		}
	}
	if (first == 0 || first > last)
		first = last;
	if (last - first + 1 > FW_STATS_MAX_DAYS)
		first = last + 1 - FW_STATS_MAX_DAYS;
	s = collect_topics(rows, o, first, last - first + 1);
	tally = topic_tallies(rows, &unread);
	from = fw_stats_day_label(first);
	to = fw_stats_day_label(last);

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; img-src data:\">\n"
	      "<meta name=\"generator\" content=\"feedwatch " FW_VERSION "\">\n<title>", out);
	put_text(out, title);
	fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n<header>\n<h1>", page_style);
	put_text(out, title);
	{
		g_autoptr(GHashTable) stories = g_hash_table_new(g_int64_hash, g_int64_equal);

		for (guint i = 0; i < rows->len; i++) {
			struct fw_hit_row *r = rows->pdata[i];

			g_hash_table_add(stories, r->story > 0 ? &r->story : &r->id);
		}
		fprintf(out, "</h1>\n<p class=\"period\">%u stor%s (%u hit%s) published from %s to %s "
		        "(local time), generated %s</p>\n</header>\n",
		        g_hash_table_size(stories), g_hash_table_size(stories) == 1 ? "y" : "ies",
		        rows->len, rows->len == 1 ? "" : "s", from, to, generated ? generated : "?");
	}

	fputs("<section id=\"timeline\">\n<h2 style=\"--c:#bbb\">Stories a day</h2>\n", out);
	put_timeline(out, s);
	fputs("<table class=\"summary\">\n<thead><tr><th>Topic</th><th>Stories</th><th>Unread</th>"
	      "<th>Latest</th></tr></thead>\n<tbody>\n", out);
	for (guint i = 0; i < s->series->len; i++) {
		const struct fw_stats_series *se = s->series->pdata[i];
		const struct topic_tally *ta = g_hash_table_lookup(tally, se->key);
		g_autofree char *id = section_id(se->key);

		fprintf(out, "<tr><td><a href=\"#%s\">", id);
		put_text(out, se->name);
		fprintf(out, "</a></td><td class=\"n\">%u</td><td class=\"n\">%u</td><td>",
		        ta ? ta->stories->len : 0, ta ? ta->unread : 0);
		put_time(out, ta ? ta->latest : FW_TIME_NONE);
		fputs("</td></tr>\n", out);
	}
	fputs("</tbody>\n</table>\n", out);
	if (o->per_topic > 0)
		fprintf(out, "<p class=\"meta\">Each topic below lists its newest %u stor%s; the counts "
		        "are of all of them.</p>\n", o->per_topic, o->per_topic == 1 ? "y" : "ies");
	fputs("</section>\n", out);

	for (guint i = 0; i < s->series->len; i++) {
		const struct fw_stats_series *se = s->series->pdata[i];
		const struct topic_tally *ta = g_hash_table_lookup(tally, se->key);
		g_autofree char *id = section_id(se->key);
		guint n = ta ? ta->stories->len : 0, shown = n;

		if (o->per_topic > 0 && shown > o->per_topic)
			shown = o->per_topic;
		fprintf(out, "<section class=\"topic\" id=\"%s\" style=\"--c:%s\">\n<h2>", id,
		        palette[i % G_N_ELEMENTS(palette)]);
		put_text(out, se->name);
		fputs("</h2>\n", out);
		for (guint k = 0; k < shown; k++) {
			const struct fw_hit_row *r = ta->stories->pdata[k];
			struct fw_hit_row *full = o->load ? o->load(r->id, o->load_data) : NULL;

			g_autofree char *sk = story_topic_key(r);

			put_hit(out, full ? full : r, g_hash_table_contains(unread, sk));
			fw_hit_row_free(full);
		}
		if (n == 0)
			fputs("<p class=\"meta\">No hits in this period.</p>\n", out);
		else if (shown < n) {
			fprintf(out, "<p class=\"more\">The newest %u of %u stories; %u more in this "
			        "period (<code>feedwatch hits --topic ", shown, n, n - shown);
			put_text(out, se->key);
			for (int a = 0; a < 2; a++) {
				const char *v = a == 0 ? o->since_arg : o->until_arg;

				if (v == NULL)
					continue;
				fputs(a == 0 ? " --since " : " --until ", out);
				put_text(out, v);
			}
			fputs("</code>).</p>\n", out);
		}
		fputs("</section>\n", out);
	}
	fputs("<footer>Made by feedwatch " FW_VERSION ". Dates are local time; a story is counted "
	      "on the day it was published (found, when its feed gives no date).</footer>\n"
	      "</main>\n</body>\n</html>\n", out);
	fflush(out);
	fw_stats_free(s);
}
