/* browse — what `feedwatch browse` shows, apart from the screen: the hit log
 * as topics and stories (browse-model.c), and feed text made safe, measured
 * and wrapped for a terminal (browse-text.c). cli/cmd-browse.c draws them
 * with ncurses; tests/unit/test_browse.c tests them without a terminal.
 *
 * A story is the store's (struct fw_hit_row's story, hits.story): an item
 * with the same story in other feeds, the hits whose items share a canonical
 * link, else the hits of one item. Marking a story read marks every hit of
 * it, in every topic and feed.
 *
 * The model holds the topics' counts (fw_store_browse_counts) and one
 * topic's window of stories: FW_BROWSE_PAGE stories a page, two pages at a
 * time, read from the store page after page by keyset (fw_store_hits with
 * stories, a limit and the page before's last story) as the user moves;
 * memory follows the window, not the log. With a filter every hit is read
 * once and the stories that pass are all held (the filter's pass reads the
 * whole log anyway).
 *
 * Single-threaded. The model reads and writes through the store it is
 * given (errors come back as GError, the model unchanged); the text
 * functions are pure. Everything from feeds is hostile: fw_browse_clean
 * makes it inert before anything measures or shows it. */
#ifndef FW_BROWSE_H
#define FW_BROWSE_H

#include <glib.h>

#include "feedwatch/config.h"
#include "feedwatch/store.h"

/* ---- text for the terminal (browse-text.c) ----------------------------- */

/* TRUE for a character that must never reach the terminal: C0 and C1
 * controls, DEL, and the bidirectional marks, embeddings, overrides and
 * isolates (they reorder what follows them). */
gboolean fw_browse_unsafe(gunichar c);

/* ASCII only (a terminal whose locale is not UTF-8): fw_browse_clean turns
 * every other character into '?'. Off by default. */
void fw_browse_set_ascii(gboolean ascii);

/* A valid UTF-8 copy of s ("" for NULL) with every unsafe character
 * replaced by one space, so that character offsets stay as they were
 * ('\n' kept when keep_newlines). Caller frees. */
char *fw_browse_clean(const char *s, gboolean keep_newlines);

/* Terminal columns of one character of clean text: wcwidth(3) (what ncurses
 * and the terminal use), else 2 for g_unichar_iswide, 0 for zero-width, 1. */
guint fw_browse_char_width(gunichar c);

/* Terminal columns of clean text. */
guint fw_browse_width(const char *s);

/* Clean text s in at most width columns, cut with "…" when longer; padded
 * with spaces to exactly width when pad. Caller frees. */
char *fw_browse_fit(const char *s, guint width, gboolean pad);

/* A byte range [start, end) of a line to highlight. */
struct fw_browse_range {
	guint start, end;
};

/* One line of wrapped text. */
struct fw_browse_line {
	char *text;          /* clean, at most the width asked for */
	GArray *marks;       /* struct fw_browse_range, in order, not overlapping */
};
void fw_browse_line_free(struct fw_browse_line *l);   /* NULL is fine */

/* Wraps clean text to lines of at most width columns (width >= 1), breaking
 * at spaces; a word wider than the width is cut where it reaches it. Runs
 * of spaces between words fold to one; '\n' ends a paragraph (an empty
 * line between two). marks (struct fw_span, field ignored; NULL for none)
 * are character offsets of text to highlight. Appends struct
 * fw_browse_line * to out; nothing for empty text. */
void fw_browse_wrap(const char *text, const GArray *marks, guint width, GPtrArray *out);

/* The spans of matched_json ([{"field":"content","start":1,"end":5},...], a
 * hit's matched list) in field, appended to out (struct fw_span). Entries
 * that do not read are left out. */
void fw_browse_matched_spans(const char *matched_json, const char *field, GArray *out);

/* ---- topics and stories (browse-model.c) ------------------------------- */

/* Stories a page of the window (the window holds two). */
#define FW_BROWSE_PAGE 100

struct fw_browse_story {
	char *key;           /* the store's story number, as text */
	GPtrArray *hits;     /* struct fw_hit_row *, owned: every hit of the story in
	                        every topic and feed; hits[0] is its lead (title,
	                        feed, link): the hit of the item published first
	                        (found, for one without a date), the first found
	                        among equals; then the others, oldest found first */
	gint64 when;         /* the lead's published date, else when it was found */
	gint64 at;           /* its place in the list: the reader's time of its
	                        newest hit of the list's topic (the store's order) */
	char *topics;        /* the names of its topics, ", " between, in the order
	                        of the model's topics */
	gboolean shown;      /* it passes the filter (TRUE without one) */
};

struct fw_browse_topic {
	char *key;           /* NULL: "All topics", every story */
	char *name;
	GPtrArray *stories;  /* struct fw_browse_story *, borrowed: the loaded part
	                        of the topic's list (newest first), its stories
	                        first .. first + len - 1; use fw_browse_topic_story */
	guint first;
	guint total;         /* stories in the list (with a filter: that pass) */
	guint unread;        /* of those, the ones with an unread hit of this topic */
	gint64 muted_until;  /* Unix seconds; 0 not muted */
};

struct fw_browse {
	GPtrArray *topics;   /* struct fw_browse_topic *: All topics, then the config's
	                        in its order, then topics only the hit log knows */
	GPtrArray *stories;  /* struct fw_browse_story *, owned: the window's (with a
	                        filter, every story) */
	char *filter_text;   /* the filter as typed, or NULL */
	gint64 max_hit_id;   /* the newest hit in the store at the last load */
	/* private */
	GHashTable *by_key;  /* story key -> story */
	GPtrArray *conf_topics;  /* struct fw_browse_topic * templates from the config */
	struct fw_query *filter;
	GHashTable *filter_items; /* "feed\x1fitem id" of the items the filter matched */
	gint64 now;          /* of the last load, for the mutes */
	char *win_topic;     /* the window's topic (key), when win_set */
	gboolean win_set;
	GArray *page_ends;   /* struct fw_browse_mark: the last story of each page read */
};

/* An empty model knowing cfg's topics (their keys and names are copied). */
struct fw_browse *fw_browse_new(const struct fw_config *cfg);
void fw_browse_free(struct fw_browse *b);   /* NULL is fine */

/* (Re)reads the topics' counts and the mutes lasting past now (the window
 * is read again when next asked for); with a filter, every hit and which
 * items it matches. FALSE with error: the model is as it was. */
gboolean fw_browse_load(struct fw_browse *b, struct fw_store *s, gint64 now, GError **error);

/* Filters the stories with a query of the topic language (a story is shown
 * when one of its items matches); NULL or blank text clears the filter. A
 * query that does not parse: FALSE with FW_TOPIC_ERROR and *err_col (may
 * be NULL) its 1-based column, the filter unchanged. */
gboolean fw_browse_set_filter(struct fw_browse *b, struct fw_store *s, const char *text,
                              guint *err_col, GError **error);

/* TRUE when the story has an unread hit of topic (NULL: of any topic). */
gboolean fw_browse_story_unread(const struct fw_browse_story *st, const char *topic);

/* TRUE when the story has a hit of topic (NULL: any). */
gboolean fw_browse_story_has_topic(const struct fw_browse_story *st, const char *topic);

/* The names of the story's topics but topic (NULL: all of them), each after
 * prefix, ", " between, in the order of the topics. Caller frees. */
char *fw_browse_story_topics(const struct fw_browse *b, const struct fw_browse_story *st,
                             const char *topic, const char *prefix);

/* The story with this key among those loaded (the window), or NULL. */
struct fw_browse_story *fw_browse_story_find(struct fw_browse *b, const char *key);

/* Marks every hit of the story read (or unread), in one transaction. */
gboolean fw_browse_story_set_read(struct fw_browse *b, struct fw_store *s,
                                  struct fw_browse_story *st, gboolean read, GError **error);

/* Marks every story the topic lists read (every hit of each; in the store,
 * fw_store_topic_set_read, without a filter); *changed (may be NULL): how
 * many stories were unread. */
gboolean fw_browse_topic_set_read(struct fw_browse *b, struct fw_store *s,
                                  struct fw_browse_topic *t, guint *changed, GError **error);

/* Mutes the topic's notifications until `until`, or unmutes it when until
 * <= now (fw_store_mute_set). Not for All topics. */
gboolean fw_browse_topic_mute(struct fw_browse *b, struct fw_store *s,
                              struct fw_browse_topic *t, gint64 until, gint64 now,
                              GError **error);

/* The topic with this key (NULL: All topics), or NULL when there is none. */
struct fw_browse_topic *fw_browse_topic_find(struct fw_browse *b, const char *key);

/* The index of st in t's list (when it is in the window), or -1. */
int fw_browse_topic_index(const struct fw_browse_topic *t, const struct fw_browse_story *st);

/* Story i of t's list (0 is the newest), reading the window that holds it
 * when it is not loaded (the pages before it first, when they were never
 * read); NULL past the end or on error (error set). */
struct fw_browse_story *fw_browse_topic_story(struct fw_browse *b, struct fw_store *s,
                                              struct fw_browse_topic *t, guint i,
                                              GError **error);

#endif
