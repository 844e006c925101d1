/* browse-screen — what `feedwatch browse` draws: the colors or NO_COLOR's
 * attributes, the bars, the topics, a topic's stories, the reader's rows
 * and the keys' help. cli/cmd-browse.c holds the state, the keys and the
 * loop; this is its drawing half, over the same struct fw_browse_ui.
 *
 * ncurses (stdscr), single-threaded; nothing here writes to the store. Feed
 * text is drawn only after fw_browse_clean (cli/browse.h). */
#ifndef FW_BROWSE_SCREEN_H
#define FW_BROWSE_SCREEN_H

#include <curses.h>
#include <glib.h>

#include "cli.h"
#include "browse.h"

/* What the screen shows. */
enum fw_browse_view {
	FW_BROWSE_VIEW_TOPICS,
	FW_BROWSE_VIEW_STORIES,
	FW_BROWSE_VIEW_READER,
	FW_BROWSE_VIEW_HELP,
};

/* One row of the reader: a wrapped line, after a label or not. */
struct fw_browse_row {
	const char *label;           /* "Title:" on a field's first row, else NULL */
	struct fw_browse_line *line; /* owned */
	int x;                       /* the column the line starts at */
	attr_t attr;                 /* of the line's text */
};

/* The state of `feedwatch browse`: its store, model, views and cursors. */
struct fw_browse_ui {
	struct fw_cli_db db;
	struct fw_browse *b;
	enum fw_browse_view view, before_help;
	guint topic_cur, topic_top;  /* the topic list's cursor and first row shown */
	char *topic_key;             /* the topic of the stories and the reader (NULL: All) */
	guint story_cur, story_top;
	char *story_key;             /* the reader's story */
	GPtrArray *reader;           /* struct fw_browse_row *, for reader_width */
	int reader_width;
	guint reader_top, help_top;
	char *message;               /* the last line's text, or NULL */
	gboolean message_bad;
	gint64 version;              /* the store's data version last seen */
	char *signature;             /* and its hits' and mutes' signature */
	gint64 polled;               /* monotonic µs of the last look */
	gboolean quit;
	gboolean dirty;              /* the screen is to be drawn again */
	int rows, cols;
};

/* Sets the colors (when the terminal has them and NO_COLOR is unset or
 * empty) or else bold, underline, reverse and dim only. After newterm. */
void fw_browse_screen_init(void);

/* Draws the whole screen of ui's view (ui->rows, ui->cols: the window's). */
void fw_browse_screen_draw(struct fw_browse_ui *ui);

/* Makes the reader's rows for ui->story_key at the window's width: its
 * fields, then its text (content, else summary, else the snippet). */
void fw_browse_screen_reader(struct fw_browse_ui *ui);

/* Sets the last line's message (printf-style); bad: an error. */
void fw_browse_screen_say(struct fw_browse_ui *ui, gboolean bad, const char *fmt, ...)
	G_GNUC_PRINTF(3, 4);

/* Rows the lists and the reader have: all but the two bars and the message. */
guint fw_browse_screen_rows(const struct fw_browse_ui *ui);

/* Lines of the keys' help. */
guint fw_browse_screen_help_lines(void);

/* Draws clean text s at (y, x) in at most width columns (padded to width
 * when pad) with attr. */
void fw_browse_screen_put(int y, int x, const char *s, guint width, gboolean pad, attr_t attr);

/* Unix seconds t as local time in fmt, or "-" for none. Caller frees. */
char *fw_browse_screen_time(gint64 t, const char *fmt);

/* The topic the stories and the reader show (All topics when it is gone). */
struct fw_browse_topic *fw_browse_screen_topic(struct fw_browse_ui *ui);

/* The story under the cursor of the stories view, or NULL. */
struct fw_browse_story *fw_browse_screen_story(struct fw_browse_ui *ui);

#endif
