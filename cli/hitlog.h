/* hitlog — the hit log as the user reads it: table, JSON Lines, CSV, Atom,
 * and the long form of `feedwatch show`; used by the tool only.
 *
 * Formats rows that fw_store_hits() returned: no database access, no errors
 * (stored JSON that does not read is left out). JSON lines are fw_hit_json's
 * (feedwatch/hit.h); their fields: feedwatch(1) "JSON FIELDS" and docs/design.md. */
#ifndef FW_HITLOG_H
#define FW_HITLOG_H

#include <stdio.h>
#include <glib.h>
#include "feedwatch/store.h"
#include "feedwatch/match.h"

enum fw_hitlog_format {
	FW_HITLOG_TABLE,
	FW_HITLOG_JSON,
	FW_HITLOG_CSV,
	FW_HITLOG_ATOM,
};

/* The table's column widths at a terminal width (0 = 100): from the width
 * alone, so that `hits --follow` keeps its columns. The title gets what the
 * others leave; at 80 columns: id 5, date 11, feed 11, title 33, topics 13. */
struct fw_hitlog_layout {
	guint id, date, feed, title, topics;
};
void fw_hitlog_layout(guint width, struct fw_hitlog_layout *l);

/* Parses "table", "json", "csv", "atom"; FALSE for anything else. */
gboolean fw_hitlog_format_from_name(const char *name, enum fw_hitlog_format *out);

/* Writes rows (struct fw_hit_row *) to out. color: ANSI colors and bold
 * marks (table only). width: terminal columns for the table (0 = 100).
 * table: a row a story (adjacent rows of the same story number, as
 * fw_store_hits gives them with filter->stories): its number, date
 * (published, else found), feeds, title, topics; nothing for no rows; csv:
 * RFC 4180, header row always, CRLF; json: one object a line (a hit each);
 * atom: a whole Atom 1.0 document (also for no rows). Control characters
 * from feeds never reach the terminal (table, show). */
void fw_hitlog_print(GPtrArray *rows, enum fw_hitlog_format format, FILE *out,
                     gboolean color, guint width);

/* The long form of one hit for `feedwatch show`: topic, feed, dates, title,
 * link, the snippet with marks (bold when color), the summary. */
void fw_hitlog_show(const struct fw_hit_row *row, FILE *out, gboolean color);

/* fw_hitlog_show for an item that hit several topics: others (of struct
 * fw_hit_row *, the item's other hits; NULL or empty for none) add a
 * "Topics:" line and, after the snippet, each one's matched words and marked
 * snippet. row->also_in becomes an "Also in:" line. */
void fw_hitlog_show_item(const struct fw_hit_row *row, GPtrArray *others, FILE *out,
                         gboolean color);

/* How `feedwatch show` lays a story out. */
struct fw_hitlog_show_opts {
	gboolean color;    /* bold heading and marks */
	guint width;       /* wrap words at this many columns; 0: no wrap (a pipe) */
	gboolean verbose;  /* what matched as fields and character offsets, the item id;
	                      else the matched words */
};

/* The long form of a story for `feedwatch show`: hit r in full (as
 * fw_hitlog_show), a "Topics:" line naming every hit of story (of struct
 * fw_hit_row *, from fw_store_story_hits; r among them or not; NULL for
 * none) with the feed of those of other items, and each one's matched words
 * and marked snippet. */
void fw_hitlog_show_story(const struct fw_hit_row *r, GPtrArray *story,
                          const struct fw_hitlog_show_opts *o, FILE *out);

/* Appends text to out a line at a time: the first line after first, the
 * others after hang; words wrapped at width columns (0: lines as they are),
 * a word longer than a line on a line of its own (never cut); our own ANSI
 * escapes take no columns. Empty lines stay empty. */
void fw_hitlog_wrap(GString *out, const char *text, guint width, const char *first,
                    const char *hang);

/* TRUE for a character a feed must not get to a terminal: C0, DEL and C1
 * controls, and the bidirectional marks, embeddings, overrides and isolates
 * (they reorder what follows them). The rule of every cli/ sink. */
gboolean fw_hitlog_unsafe_char(gunichar c);

/* A valid UTF-8 copy of s ("" for NULL) with each unsafe character one space
 * (character offsets stay the same), newlines kept if asked, and with ascii
 * every other non-ASCII character a '?'. Caller frees. */
char *fw_hitlog_clean(const char *s, gboolean keep_newlines, gboolean ascii);

#endif
