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

/* Parses "table", "json", "csv", "atom"; FALSE for anything else. */
gboolean fw_hitlog_format_from_name(const char *name, enum fw_hitlog_format *out);

/* Writes rows (struct fw_hit_row *) to out. color: ANSI colors and bold
 * marks (table only). width: terminal columns for the table (0 = 100).
 * table: nothing for no rows; csv: RFC 4180, header row always, CRLF; json:
 * one object a line; atom: a whole Atom 1.0 document (also for no rows).
 * Control characters from feeds never reach the terminal (table, show). */
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

#endif
