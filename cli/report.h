/* report — the hit log as one self-contained HTML page for `feedwatch report`:
 * a timeline of the stories per topic per day (inline SVG) and each topic's
 * stories with their marked snippets and links.
 *
 * No external assets and no JavaScript: the page carries its own style and a
 * Content-Security-Policy that forbids scripts. Everything from feeds is
 * escaped (a title "<script>" shows as text); only http(s) links become
 * hrefs. Dates are shown in the local time zone. No database access and no
 * errors here: a failed write shows in ferror(out). Used by the tool only. */
#ifndef FW_REPORT_H
#define FW_REPORT_H

#include <stdio.h>
#include <glib.h>

struct fw_hit_row;

/* `feedwatch report`'s stories listed a topic unless --per-topic says. */
#define FW_REPORT_PER_TOPIC 50

/* A topic as the report names it: sections follow the order given. */
struct fw_report_topic {
	const char *key;
	const char *name;
};

struct fw_report_opts {
	const char *title;     /* the page's heading; NULL: "feedwatch report" */
	gint64 since;          /* start of the period (Unix s); 0: the day of the first hit */
	gint64 now;            /* end of the period (Unix s) */
	gint64 generated;      /* "generated at" (Unix s); 0: now */
	const char *since_arg, *until_arg; /* the period as given (--since, --until; NULL
	                          for none), for the hint that lists a topic's other stories */
	GPtrArray *topics;     /* of struct fw_report_topic *, or NULL: topics (from the
	                          config) in section order; topics of rows not listed here
	                          get a section after them */
	guint per_topic;       /* a topic's section lists its newest this many stories
	                          and says how many more there are; 0: all */
	/* When set, the stories listed are shown from load(id) (a new row with
	 * text, freed here; NULL: the row as given): rows may then be brief
	 * (filter->brief), which counts a busy month without its text. */
	struct fw_hit_row *(*load)(gint64 id, gpointer data);
	gpointer load_data;
};

/* Writes the page for rows (of struct fw_hit_row *, newest first, as
 * fw_store_hits returns them) to out. */
void fw_report_write(GPtrArray *rows, const struct fw_report_opts *opts, FILE *out);

/* Text made safe for HTML text and attribute values: valid UTF-8, control
 * characters (but tab and newline) dropped, & < > " ' escaped. Caller frees. */
char *fw_report_escape(const char *s);

#endif
