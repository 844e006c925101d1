/* stats — hits counted per topic per local day, and sparklines, for
 * `feedwatch stats`, `feedwatch backtest` and the HTML report.
 *
 * Pure: no I/O but the FILE the printers write to, no errors (a count out
 * of range goes to s->outside). Days are local calendar days (the time zone
 * of the process), numbered as GDate Julian days. Used by the tool only. */
#ifndef FW_STATS_H
#define FW_STATS_H

#include <stdio.h>
#include <glib.h>

/* Longest range of days a struct fw_stats holds. */
#define FW_STATS_MAX_DAYS 3660

/* One topic's counts, one per day of the range. */
struct fw_stats_series {
	char *key;       /* topic key */
	char *name;      /* display name */
	guint *counts;   /* ndays counts, counts[0] is first_day */
	guint total;
	guint max;       /* the largest count of a day */
};

/* Counts for days first_day .. first_day + ndays - 1, topics in the order
 * they were added. */
struct fw_stats {
	guint first_day;
	guint ndays;
	GPtrArray *series;   /* of struct fw_stats_series *, owned */
	guint outside;       /* times counted that fell outside the range */
	/* private: the local day of the last time counted and its bounds
	 * [day_from, day_to), so that times in order find their day without
	 * localtime_r each (a month of hits: 12% of stats --days 30) */
	guint day;
	gint64 day_from, day_to;
};

/* The local day (GDate Julian day) of Unix time t; 0 for FW_TIME_NONE or out of range. */
guint fw_stats_day(gint64 t);

/* Unix time of local midnight at the start of day (0 for a bad day). */
gint64 fw_stats_day_start(guint day);

/* A day as "2024-11-26". Caller frees. */
char *fw_stats_day_label(guint day);

/* A new empty range of ndays (1 .. FW_STATS_MAX_DAYS, clamped) from first_day. */
struct fw_stats *fw_stats_new(guint first_day, guint ndays);
void fw_stats_free(struct fw_stats *s);   /* NULL is fine */

/* The series of topic key, added (with name, or key when NULL) if new. */
struct fw_stats_series *fw_stats_topic(struct fw_stats *s, const char *key, const char *name);

/* Counts one hit of topic key at Unix time t (outside the range: counted in
 * s->outside only). */
void fw_stats_count(struct fw_stats *s, const char *key, const char *name, gint64 t);

/* The sparkline of n counts: one of ▁▂▃▄▅▆▇█ per count, ▁ for 0 and ▂..█ scaled
 * to the largest (any count > 0 is at least ▂). Caller frees. */
char *fw_stats_sparkline(const guint *counts, guint n);

enum fw_stats_format {
	FW_STATS_TABLE,   /* a line a topic: name, total, sparkline, per-day figures when they fit */
	FW_STATS_JSON,    /* one object a topic: topic, topic_name, total, days [{date, hits}] */
	FW_STATS_CSV,     /* date,topic,topic_name,hits — a row per day and topic, CRLF */
};

/* Parses "table", "json", "csv"; FALSE for anything else. */
gboolean fw_stats_format_from_name(const char *name, enum fw_stats_format *out);

/* Prints s. color: bold header and colored sparklines (table only); width:
 * terminal columns (0 = 100), the per-day figures are printed only when
 * they fit. */
void fw_stats_print(const struct fw_stats *s, enum fw_stats_format format, FILE *out,
                    gboolean color, guint width);

#endif
