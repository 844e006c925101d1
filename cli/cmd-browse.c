/* feedwatch browse — the hit log in the terminal, in the manner of newsboat
 * and mutt: the topics with their unread counts, a topic's stories, a reader
 * that wraps at the window's width with the matched words highlighted. See
 * feedwatch(1) "browse"; the model and the text are in cli/browse.h.
 *
 * ncurses (wide characters); single-threaded. The store's data version is
 * read every FW_BROWSE_POLL_MS; when another process committed and the hits
 * or mutes changed (the daemon's new hits, `feedwatch read`), the hit log is
 * loaded again. Feed text reaches the screen only through fw_browse_clean. */
#include <curses.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "browse.h"
#include "hitlog.h"

/* How often the store is asked whether another process wrote to it. */
#define FW_BROWSE_POLL_MS 2000
/* How long a key is waited for before the store is asked again. */
#define FW_BROWSE_KEY_MS 250
/* A topic's notifications are muted for this long (m). */
#define FW_BROWSE_MUTE_SECONDS (24 * 3600)
/* The reader's labels ("Published: ") take this many columns. */
#define LABEL_W 11

enum view { VIEW_TOPICS, VIEW_STORIES, VIEW_READER, VIEW_HELP };

/* One row of the reader: a wrapped line, after a label or not. */
struct reader_row {
	const char *label;           /* "Title:" on a field's first row, else NULL */
	struct fw_browse_line *line; /* owned */
	int x;                       /* the column the line starts at */
	attr_t attr;                 /* of the line's text */
};

struct ui {
	struct fw_cli_db db;
	struct fw_browse *b;
	enum view view, before_help;
	guint topic_cur, topic_top;  /* the topic list's cursor and first row shown */
	char *topic_key;             /* the topic of the stories and the reader (NULL: All) */
	guint story_cur, story_top;
	char *story_key;             /* the reader's story */
	GPtrArray *reader;           /* struct reader_row *, for reader_width */
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

/* The attributes of what is drawn (colors, or NO_COLOR's plain ones). */
static attr_t a_bar, a_mark, a_topic, a_feed, a_date, a_bad, a_label, a_muted;

enum { PAIR_BAR = 1, PAIR_MARK, PAIR_TOPIC, PAIR_FEED, PAIR_DATE, PAIR_BAD };

/* Sets the attributes: colors when the terminal has them and NO_COLOR is
 * unset or empty, else bold, underline, reverse and dim only. */
static void
attrs_init(void)
{
	const char *nc = g_getenv("NO_COLOR");

	a_label = A_BOLD;
	a_muted = A_DIM;
	if ((nc == NULL || *nc == '\0') && has_colors() && start_color() == OK) {
		/* the terminal's own background, else black */
		short bg = use_default_colors() == OK ? -1 : COLOR_BLACK;

		init_pair(PAIR_BAR, COLOR_WHITE, COLOR_BLUE);
		init_pair(PAIR_MARK, COLOR_BLACK, COLOR_YELLOW);
		init_pair(PAIR_TOPIC, COLOR_CYAN, bg);
		init_pair(PAIR_FEED, COLOR_GREEN, bg);
		init_pair(PAIR_DATE, COLOR_YELLOW, bg);
		init_pair(PAIR_BAD, COLOR_RED, bg);
		a_bar = COLOR_PAIR(PAIR_BAR) | A_BOLD;
		a_mark = COLOR_PAIR(PAIR_MARK);
		a_topic = COLOR_PAIR(PAIR_TOPIC);
		a_feed = COLOR_PAIR(PAIR_FEED);
		a_date = COLOR_PAIR(PAIR_DATE);
		a_bad = COLOR_PAIR(PAIR_BAD) | A_BOLD;
	} else {
		a_bar = A_REVERSE;
		a_mark = A_BOLD | A_UNDERLINE;
		a_topic = a_feed = a_date = A_NORMAL;
		a_bad = A_BOLD;
	}
}

/* ---- small helpers ----------------------------------------------------- */

/* Sets the last line's message (printf-style); bad: an error. */
static void G_GNUC_PRINTF(3, 4)
say(struct ui *ui, gboolean bad, const char *fmt, ...)
{
	va_list ap;

	g_free(ui->message);
	va_start(ap, fmt);
	ui->message = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	ui->message_bad = bad;
}

/* t as local time in fmt, or "-" for none. Caller frees. */
static char *
local_time(gint64 t, const char *fmt)
{
	g_autoptr(GDateTime) dt = NULL;

	if (t != FW_TIME_NONE && t > 0)
		dt = g_date_time_new_from_unix_local(t);
	return dt != NULL ? g_date_time_format(dt, fmt) : g_strdup("-");
}

/* Rows the lists and the reader have: all but the bars and the message. */
static guint
body_rows(const struct ui *ui)
{
	return ui->rows > 3 ? (guint)ui->rows - 3 : 1;
}

/* Draws clean text s at (y, x) in at most width columns (padded to width
 * when pad) with attr. */
static void
put(int y, int x, const char *s, guint width, gboolean pad, attr_t attr)
{
	g_autofree char *fit = fw_browse_fit(s, width, pad);

	attrset(attr);
	mvaddstr(y, x, fit);
	attrset(A_NORMAL);
}

/* Draws a wrapped line at (y, x) with attr, its marks with a_mark. */
static void
put_line(int y, int x, const struct fw_browse_line *l, attr_t attr)
{
	guint at = 0;

	move(y, x);
	for (guint i = 0; i < l->marks->len; i++) {
		const struct fw_browse_range *r = &g_array_index(l->marks, struct fw_browse_range, i);

		attrset(attr);
		addnstr(l->text + at, (int)(r->start - at));
		attrset(attr | a_mark);
		addnstr(l->text + r->start, (int)(r->end - r->start));
		at = r->end;
	}
	attrset(attr);
	addstr(l->text + at);
	attrset(A_NORMAL);
}

/* A bar across the screen at row y: left text, and right text at its end. */
static void
bar(struct ui *ui, int y, const char *left, const char *right)
{
	g_autofree char *l = fw_browse_clean(left, FALSE);
	g_autofree char *r = fw_browse_clean(right ? right : "", FALSE);
	guint rw = fw_browse_width(r), w = (guint)ui->cols;

	if (rw + 2 > w / 2)
		rw = 0;
	put(y, 0, l, w - (rw ? rw + 1 : 0), TRUE, a_bar);
	if (rw > 0)
		put(y, (int)(w - rw - 1), r, rw + 1, TRUE, a_bar);
}

/* The topic the stories and the reader show (All when it is gone). */
static struct fw_browse_topic *
cur_topic(struct ui *ui)
{
	struct fw_browse_topic *t = fw_browse_topic_find(ui->b, ui->topic_key);

	return t != NULL ? t : ui->b->topics->pdata[0];
}

/* The story under the cursor of the stories view, or NULL. */
static struct fw_browse_story *
cursor_story(struct ui *ui)
{
	struct fw_browse_topic *t = cur_topic(ui);

	return ui->story_cur < t->stories->len ? t->stories->pdata[ui->story_cur] : NULL;
}

/* "muted until Thu 14:05" for a muted topic, else NULL. Caller frees. */
static char *
muted_text(const struct fw_browse_topic *t, gint64 now)
{
	g_autofree char *when = NULL;

	if (t->key == NULL || t->muted_until <= now)
		return NULL;
	when = local_time(t->muted_until, "%a %H:%M");
	return g_strdup_printf("muted until %s", when);
}

/* Keeps *cur below n and *top such that *cur is among the rows shown. */
static void
clamp_list(guint *cur, guint *top, guint n, guint rows)
{
	if (n == 0) {
		*cur = *top = 0;
		return;
	}
	if (*cur >= n)
		*cur = n - 1;
	if (*cur < *top)
		*top = *cur;
	if (*cur >= *top + rows)
		*top = *cur - rows + 1;
	if (*top + rows > n)
		*top = n > rows ? n - rows : 0;
}

/* ---- the reader -------------------------------------------------------- */

static void
reader_row_free(gpointer p)
{
	struct reader_row *r = p;

	fw_browse_line_free(r->line);
	g_free(r);
}

/* Adds text wrapped to width at column x; label on the first row. */
static void
reader_add(struct ui *ui, const char *label, const char *text, const GArray *marks, int x,
           attr_t attr)
{
	g_autoptr(GPtrArray) lines = g_ptr_array_new();
	guint width = ui->cols > x + 1 ? (guint)(ui->cols - x) : 1;

	fw_browse_wrap(text, marks, width, lines);
	if (lines->len == 0 && label != NULL)
		return;
	for (guint i = 0; i < lines->len; i++) {
		struct reader_row *r = g_new0(struct reader_row, 1);

		r->label = i == 0 ? label : NULL;
		r->line = lines->pdata[i];
		r->x = x;
		r->attr = attr;
		g_ptr_array_add(ui->reader, r);
	}
}

/* Adds an empty row. */
static void
reader_blank(struct ui *ui)
{
	struct reader_row *r = g_new0(struct reader_row, 1);

	r->line = g_new0(struct fw_browse_line, 1);
	r->line->text = g_strdup("");
	r->line->marks = g_array_new(FALSE, FALSE, sizeof(struct fw_browse_range));
	g_ptr_array_add(ui->reader, r);
}

/* The matched spans of field in every hit of the story's lead item. */
static GArray *
lead_spans(const struct fw_browse_story *st, const char *field)
{
	const struct fw_hit_row *lead = st->hits->pdata[0];
	GArray *spans = g_array_new(FALSE, FALSE, sizeof(struct fw_span));

	for (guint i = 0; i < st->hits->len; i++) {
		const struct fw_hit_row *r = st->hits->pdata[i];

		if (g_strcmp0(r->feed, lead->feed) == 0 && g_strcmp0(r->item_id, lead->item_id) == 0)
			fw_browse_matched_spans(r->matched_json, field, spans);
	}
	return spans;
}

/* Makes the reader's rows for the story, at the window's width: its
 * fields, then its text (content, else summary, else the snippet). */
static void
reader_build(struct ui *ui)
{
	struct fw_browse_story *st = fw_browse_story_find(ui->b, ui->story_key);
	const struct fw_hit_row *lead;
	g_autoptr(GError) err = NULL;
	g_autoptr(GArray) spans = NULL;
	struct fw_hit_row *full;
	const char *body, *field;

	if (ui->reader != NULL)
		g_ptr_array_unref(ui->reader);
	ui->reader = g_ptr_array_new_with_free_func(reader_row_free);
	ui->reader_width = ui->cols;
	if (st == NULL)
		return;
	lead = st->hits->pdata[0];
	full = fw_store_hit_get(ui->db.store, lead->id, &err);
	if (full == NULL)
		say(ui, TRUE, "%s", err->message);
	{
		g_autofree char *title = fw_browse_clean(lead->title ? lead->title : "(no title)", FALSE);
		g_autofree char *feed = fw_browse_clean(lead->feed_title, FALSE);
		g_autofree char *author = fw_browse_clean(full ? full->author : NULL, FALSE);
		g_autofree char *date = local_time(lead->published, "%Y-%m-%d %H:%M");
		g_autofree char *found = local_time(lead->found, "%Y-%m-%d %H:%M");
		g_autofree char *topics = fw_browse_clean(st->topics, FALSE);
		g_autofree char *also = fw_browse_clean(lead->also_in, FALSE);
		g_autofree char *link = fw_browse_clean(lead->link, FALSE);
		g_autoptr(GArray) tspans = lead_spans(st, "title");

		reader_add(ui, "Title:", title, tspans, LABEL_W, A_BOLD);
		reader_add(ui, "Feed:", feed, NULL, LABEL_W, a_feed);
		reader_add(ui, "Author:", author, NULL, LABEL_W, A_NORMAL);
		if (lead->published != FW_TIME_NONE)
			reader_add(ui, "Published:", date, NULL, LABEL_W, a_date);
		else
			reader_add(ui, "Found:", found, NULL, LABEL_W, a_date);
		reader_add(ui, "Topics:", topics, NULL, LABEL_W, a_topic);
		reader_add(ui, "Also in:", also, NULL, LABEL_W, a_feed);
		reader_add(ui, "Link:", link, NULL, LABEL_W, A_UNDERLINE);
	}
	reader_blank(ui);
	if (full != NULL && full->content != NULL && *full->content != '\0') {
		body = full->content;
		field = "content";
	} else if (full != NULL && full->summary != NULL && *full->summary != '\0') {
		body = full->summary;
		field = "summary";
	} else {
		body = NULL;
		field = NULL;
	}
	if (body != NULL) {
		g_autofree char *text = fw_browse_clean(body, TRUE);

		spans = lead_spans(st, field);
		reader_add(ui, NULL, text, spans, 0, A_NORMAL);
	} else {
		g_autofree char *text = fw_browse_clean(lead->snippet, FALSE);

		spans = fw_hitlog_marks_parse(lead->marks_json);
		reader_add(ui, NULL, text, spans, 0, A_NORMAL);
	}
	fw_hit_row_free(full);
}

/* Opens story st in the reader, marking it read. */
static void
reader_open(struct ui *ui, struct fw_browse_story *st)
{
	g_autoptr(GError) err = NULL;
	struct fw_browse_topic *t = cur_topic(ui);
	int i = fw_browse_topic_index(t, st);

	g_free(ui->story_key);
	ui->story_key = g_strdup(st->key);
	if (i >= 0)
		ui->story_cur = (guint)i;
	ui->view = VIEW_READER;
	ui->reader_top = 0;
	if (fw_browse_story_unread(st, NULL) &&
	    !fw_browse_story_set_read(ui->b, ui->db.store, st, TRUE, &err))
		say(ui, TRUE, "%s", err->message);
	reader_build(ui);
}

/* ---- drawing ----------------------------------------------------------- */

/* The topics: "N  12/40  Milei  muted until Thu 14:05". */
static void
draw_topics(struct ui *ui, gint64 now)
{
	GPtrArray *topics = ui->b->topics;
	guint rows = body_rows(ui), wu = 1, wt = 1, unread = 0;

	for (guint i = 0; i < topics->len; i++) {
		struct fw_browse_topic *t = topics->pdata[i];
		g_autofree char *u = g_strdup_printf("%u", t->unread);
		g_autofree char *n = g_strdup_printf("%u", t->stories->len);

		wu = MAX(wu, (guint)strlen(u));
		wt = MAX(wt, (guint)strlen(n));
	}
	unread = ((struct fw_browse_topic *)topics->pdata[0])->unread;
	{
		g_autofree char *left = g_strdup_printf("feedwatch browse · topics · %u unread%s%s", unread,
		                                        ui->b->filter_text ? " · filter: " : "",
		                                        ui->b->filter_text ? ui->b->filter_text : "");
		bar(ui, 0, left, NULL);
	}
	clamp_list(&ui->topic_cur, &ui->topic_top, topics->len, rows);
	for (guint r = 0; r < rows && ui->topic_top + r < topics->len; r++) {
		guint i = ui->topic_top + r;
		struct fw_browse_topic *t = topics->pdata[i];
		gboolean sel = i == ui->topic_cur;
		g_autofree char *counts = g_strdup_printf("%c  %*u/%-*u  ", t->unread ? 'N' : ' ',
		                                          (int)wu, t->unread, (int)wt, t->stories->len);
		g_autofree char *name = fw_browse_clean(t->name, FALSE);
		g_autofree char *muted = muted_text(t, now);
		guint x = fw_browse_width(counts), w = (guint)ui->cols;
		attr_t base = (sel ? A_REVERSE : A_NORMAL) | (t->unread ? A_BOLD : A_NORMAL);
		guint nw = MIN(fw_browse_width(name), x < w ? w - x : 0);

		put(1 + (int)r, 0, counts, MIN(x, w), FALSE, base);
		put(1 + (int)r, (int)x, name, nw, FALSE, base | (sel ? 0 : a_topic));
		x += nw;
		if (muted != NULL && x + 2 < w) {
			g_autofree char *m = g_strdup_printf("  %s", muted);

			put(1 + (int)r, (int)x, m, w - x, FALSE, base | a_muted);
			x += MIN(fw_browse_width(m), w - x);
		}
		if (x < w)
			put(1 + (int)r, (int)x, "", w - x, TRUE, base);
	}
}

/* The topics column of a story in t's list: every topic under All topics,
 * else the others ("+Mercosur"). Clean; caller frees. */
static char *
story_topics(const struct ui *ui, const struct fw_browse_topic *t,
             const struct fw_browse_story *st)
{
	g_autofree char *names = fw_browse_story_topics(ui->b, st, t->key, t->key ? "+" : "");

	return fw_browse_clean(names, FALSE);
}

/* Columns of the stories view: flag, date, feed, title, topics (none when
 * no story of the list has another topic). */
struct story_cols {
	guint date, feed, title, topics;
};

/* Fits the columns to the window: the title gets what the others leave. */
static void
story_cols(const struct ui *ui, const struct fw_browse_topic *t, struct story_cols *c)
{
	guint w = (guint)ui->cols, maxf = 4, maxt = 0;

	for (guint i = 0; i < t->stories->len; i++) {
		const struct fw_browse_story *st = t->stories->pdata[i];
		const struct fw_hit_row *lead = st->hits->pdata[0];
		g_autofree char *f = fw_browse_clean(lead->feed_title, FALSE);
		g_autofree char *tp = story_topics(ui, t, st);

		maxf = MAX(maxf, fw_browse_width(f));
		maxt = MAX(maxt, fw_browse_width(tp));
	}
	c->date = w >= 120 ? 16 : 10;
	c->feed = MIN(maxf, CLAMP(w / 7, 6, 24));
	c->topics = MIN(maxt, CLAMP(w / 6, 6, 30));
	/* flag, space, date, and two spaces before each of the others */
	for (;;) {
		guint fixed = 2 + c->date + 2 + c->feed + 2 + (c->topics ? c->topics + 2 : 0);

		c->title = w > fixed ? w - fixed : 0;
		if (c->title >= 20 || (c->topics == 0 && c->feed <= 6))
			break;
		if (c->topics > 0)
			c->topics = c->topics > 8 ? c->topics - 1 : 0;
		else
			c->feed--;
	}
}

/* The stories of the current topic. */
static void
draw_stories(struct ui *ui, gint64 now)
{
	struct fw_browse_topic *t = cur_topic(ui);
	guint rows = body_rows(ui);
	struct story_cols c;
	g_autofree char *muted = muted_text(t, now);
	g_autofree char *left = g_strdup_printf("feedwatch browse · %s · %u unread, %u %s%s%s%s%s",
	                                        t->name, t->unread, t->stories->len,
	                                        t->stories->len == 1 ? "story" : "stories",
	                                        muted ? " · " : "", muted ? muted : "",
	                                        ui->b->filter_text ? " · filter: " : "",
	                                        ui->b->filter_text ? ui->b->filter_text : "");

	bar(ui, 0, left, NULL);
	story_cols(ui, t, &c);
	clamp_list(&ui->story_cur, &ui->story_top, t->stories->len, rows);
	if (t->stories->len == 0)
		put(2, 2, ui->b->filter_text ? "No story passes the filter." : "No story yet.",
		    (guint)MAX(ui->cols - 2, 0), FALSE, A_NORMAL);
	for (guint r = 0; r < rows && ui->story_top + r < t->stories->len; r++) {
		guint i = ui->story_top + r;
		const struct fw_browse_story *st = t->stories->pdata[i];
		const struct fw_hit_row *lead = st->hits->pdata[0];
		gboolean sel = i == ui->story_cur, unread = fw_browse_story_unread(st, t->key);
		attr_t base = (sel ? A_REVERSE : A_NORMAL) | (unread ? A_BOLD : A_NORMAL);
		g_autofree char *date = local_time(st->when, c.date > 10 ? "%Y-%m-%d %H:%M" : "%Y-%m-%d");
		g_autofree char *feed = fw_browse_clean(lead->feed_title, FALSE);
		g_autofree char *title = fw_browse_clean(lead->title ? lead->title : "(no title)", FALSE);
		g_autofree char *topics = story_topics(ui, t, st);
		int y = 1 + (int)r, x = 0;

		put(y, x, unread ? "N " : "  ", 2, TRUE, base);
		x += 2;
		put(y, x, date, c.date, TRUE, base | (sel ? 0 : a_date));
		x += (int)c.date;
		put(y, x, "  ", 2, TRUE, base);
		put(y, x + 2, feed, c.feed, TRUE, base | (sel ? 0 : a_feed));
		x += 2 + (int)c.feed;
		put(y, x, "  ", 2, TRUE, base);
		put(y, x + 2, title, c.title, TRUE, base);
		x += 2 + (int)c.title;
		if (c.topics > 0) {
			put(y, x, "  ", 2, TRUE, base);
			put(y, x + 2, topics, c.topics, TRUE, base | (sel ? 0 : a_topic));
		}
	}
}

/* The reader: the story's rows from reader_top. */
static void
draw_reader(struct ui *ui)
{
	struct fw_browse_topic *t = cur_topic(ui);
	struct fw_browse_story *st = fw_browse_story_find(ui->b, ui->story_key);
	guint rows = body_rows(ui), n;
	int i = fw_browse_topic_index(t, st);
	g_autofree char *left = NULL, *right = NULL;

	if (ui->reader == NULL || ui->reader_width != ui->cols)
		reader_build(ui);
	n = ui->reader->len;
	if (ui->reader_top + rows > n)
		ui->reader_top = n > rows ? n - rows : 0;
	left = i >= 0 ? g_strdup_printf("feedwatch browse · %s · story %d of %u%s", t->name, i + 1,
	                                t->stories->len,
	                                st && fw_browse_story_unread(st, NULL) ? " · unread" : "")
	              : g_strdup_printf("feedwatch browse · %s", t->name);
	if (n <= rows)
		right = g_strdup("all");
	else if (ui->reader_top == 0)
		right = g_strdup("top");
	else if (ui->reader_top + rows >= n)
		right = g_strdup("end");
	else
		right = g_strdup_printf("%u%%", (ui->reader_top + rows) * 100 / n);
	bar(ui, 0, left, right);
	for (guint r = 0; r < rows && ui->reader_top + r < n; r++) {
		const struct reader_row *row = ui->reader->pdata[ui->reader_top + r];

		if (row->label != NULL)
			put(1 + (int)r, 0, row->label, LABEL_W, TRUE, a_label);
		put_line(1 + (int)r, row->x, row->line, row->attr);
	}
}

/* The keys, as `?` shows them. */
static const char *const help_text[] = {
	"Keys, as in newsboat and mutt:",
	"",
	"  j, Down          next line (the reader: scroll down)",
	"  k, Up            previous line (the reader: scroll up)",
	"  Space, PgDn      next page",
	"  b, PgUp          previous page",
	"  g, Home          first line",
	"  G, End           last line",
	"  Enter, l, Right  open the topic; read the story",
	"  q, h, Left       back; in the topics, quit",
	"  Q                quit",
	"  n                next unread (topic; story: read it)",
	"  J, K             the reader: next, previous story",
	"  o                open the story's link in the browser",
	"                   ($BROWSER, else xdg-open) and mark it read",
	"  r, N             mark the story read, or unread again",
	"  A                mark every story of the topic read",
	"  m                mute the topic's notifications for a day",
	"                   (m again: unmute)",
	"  /                filter the stories with a query, as a topic's:",
	"                   Milei OR \"Mercado Común\", title:swap*, ...",
	"                   (empty: no filter)",
	"  Ctrl-L           redraw",
	"  ?                this help",
	"",
	"A story is an item with the same story in other feeds (\"also in\").",
	"Reading one marks it read in every topic. New hits the daemon stores",
	"appear by themselves.",
};

/* The help, from help_top. */
static void
draw_help(struct ui *ui)
{
	guint rows = body_rows(ui), n = G_N_ELEMENTS(help_text);

	bar(ui, 0, "feedwatch browse · keys", NULL);
	if (ui->help_top + rows > n)
		ui->help_top = n > rows ? n - rows : 0;
	for (guint r = 0; r < rows && ui->help_top + r < n; r++)
		put(1 + (int)r, 0, help_text[ui->help_top + r], (guint)ui->cols, FALSE, A_NORMAL);
}

/* The hints of the view's keys, newsboat's second line from the bottom. */
static const char *
hints(enum view v)
{
	switch (v) {
	case VIEW_TOPICS:
		return "q:Quit ENTER:Open n:Next unread A:All read m:Mute /:Filter ?:Help";
	case VIEW_STORIES:
		return "q:Back ENTER:Read o:Open link r:Read/unread n:Next unread A:All read "
		       "m:Mute /:Filter ?:Help";
	case VIEW_READER:
		return "q:Back o:Open link r:Read/unread n:Next unread J/K:Next/prev m:Mute ?:Help";
	case VIEW_HELP:
		break;
	}
	return "q:Back j/k:Scroll";
}

/* Draws the whole screen. */
static void
draw(struct ui *ui)
{
	gint64 now = fw_cli_now();

	getmaxyx(stdscr, ui->rows, ui->cols);
	erase();
	if (ui->rows < 4 || ui->cols < 20) {
		mvaddnstr(0, 0, "feedwatch browse: the window is too small", MAX(ui->cols - 1, 0));
		refresh();
		return;
	}
	switch (ui->view) {
	case VIEW_TOPICS:
		draw_topics(ui, now);
		break;
	case VIEW_STORIES:
		draw_stories(ui, now);
		break;
	case VIEW_READER:
		draw_reader(ui);
		break;
	case VIEW_HELP:
		draw_help(ui);
		break;
	}
	bar(ui, ui->rows - 2, hints(ui->view), NULL);
	if (ui->message != NULL) {
		g_autofree char *m = fw_browse_clean(ui->message, FALSE);

		/* never the last column of the last row: the screen would scroll */
		put(ui->rows - 1, 0, m, (guint)ui->cols - 1, FALSE, ui->message_bad ? a_bad : A_NORMAL);
	}
	refresh();
}

/* ---- the store --------------------------------------------------------- */

/* Loads the hit log again, keeping the cursors on the same topic and
 * story; the reader goes back to the list when its story is gone. */
static void
reload(struct ui *ui, gboolean quiet)
{
	g_autoptr(GError) err = NULL;
	struct fw_browse_topic *t = ui->topic_cur < ui->b->topics->len
	                            ? ui->b->topics->pdata[ui->topic_cur] : NULL;
	g_autofree char *topic_at = t != NULL ? g_strdup(t->key) : NULL;
	gboolean at_all = t != NULL && t->key == NULL;
	struct fw_browse_story *st = cursor_story(ui);
	g_autofree char *story_at = st != NULL ? g_strdup(st->key) : NULL;
	gint64 max_before = ui->b->max_hit_id;
	struct fw_browse_topic *nt;
	int i;

	ui->dirty = TRUE;
	if (!fw_browse_load(ui->b, ui->db.store, fw_cli_now(), &err)) {
		say(ui, TRUE, "%s", err->message);
		return;
	}
	for (guint k = 0; k < ui->b->topics->len; k++) {
		nt = ui->b->topics->pdata[k];
		if ((at_all && nt->key == NULL) || (!at_all && g_strcmp0(nt->key, topic_at) == 0 &&
		                                    nt->key != NULL))
			ui->topic_cur = k;
	}
	i = fw_browse_topic_index(cur_topic(ui), fw_browse_story_find(ui->b, story_at));
	if (i >= 0)
		ui->story_cur = (guint)i;
	if (ui->view == VIEW_READER) {
		if (fw_browse_story_find(ui->b, ui->story_key) == NULL)
			ui->view = VIEW_STORIES;
		else
			g_clear_pointer(&ui->reader, g_ptr_array_unref);   /* made again when drawn */
	}
	if (!quiet && ui->b->max_hit_id > max_before)
		say(ui, FALSE, "New hits: the list is up to date.");
}

/* Asks the store whether another process wrote to it, every
 * FW_BROWSE_POLL_MS; loads again when the hits or the mutes changed (the
 * daemon commits at every poll, mostly of nothing the browser shows). */
static void
poll_store(struct ui *ui)
{
	gint64 v = 0, t = g_get_monotonic_time();
	g_autofree char *sig = NULL;

	if (t - ui->polled < FW_BROWSE_POLL_MS * 1000)
		return;
	ui->polled = t;
	if (!fw_store_browse_version(ui->db.store, &v, NULL) || v == ui->version)
		return;
	ui->version = v;
	sig = fw_store_browse_signature(ui->db.store, NULL);
	if (sig != NULL && g_strcmp0(sig, ui->signature) == 0)
		return;
	g_free(ui->signature);
	ui->signature = g_steal_pointer(&sig);
	reload(ui, FALSE);
}

/* ---- actions ----------------------------------------------------------- */

/* Opens the story's link in the browser, without a shell, the screen put
 * aside while it runs (a text browser may use the terminal); marks the
 * story read when the browser succeeded. */
static void
open_link(struct ui *ui, struct fw_browse_story *st)
{
	const struct fw_hit_row *lead = st->hits->pdata[0];
	g_autoptr(GError) err = NULL;
	g_auto(GStrv) argv = NULL;
	g_autofree char *link = fw_browse_clean(lead->link, FALSE);
	int status = 0;
	gboolean ok;

	if (lead->link == NULL || (!g_str_has_prefix(lead->link, "http://") &&
	                           !g_str_has_prefix(lead->link, "https://"))) {
		say(ui, TRUE, "This story has no link to open.");
		return;
	}
	if ((argv = fw_cli_browser_argv(lead->link, &err)) == NULL) {
		say(ui, TRUE, "$BROWSER: %s", err->message);
		return;
	}
	def_prog_mode();
	endwin();
	ok = g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN,
	                  NULL, NULL, NULL, NULL, &status, &err) &&
	     g_spawn_check_wait_status(status, &err);
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	if (!ok) {
		say(ui, TRUE, "Cannot open %s: %s", link, err->message);
		return;
	}
	say(ui, FALSE, "Opened %s", link);
	if (fw_browse_story_unread(st, NULL) &&
	    !fw_browse_story_set_read(ui->b, ui->db.store, st, TRUE, &err))
		say(ui, TRUE, "%s", err->message);
	g_clear_pointer(&ui->reader, g_ptr_array_unref);
}

/* r, N: the story read, or unread again (in every topic). */
static void
toggle_read(struct ui *ui, struct fw_browse_story *st)
{
	g_autoptr(GError) err = NULL;
	gboolean unread = fw_browse_story_unread(st, NULL);

	if (!fw_browse_story_set_read(ui->b, ui->db.store, st, unread, &err))
		say(ui, TRUE, "%s", err->message);
	else
		say(ui, FALSE, "Marked %s.", unread ? "read" : "unread");
	g_clear_pointer(&ui->reader, g_ptr_array_unref);
}

/* Asks a yes-or-no question on the last row: TRUE for y. */
static gboolean
ask_yes(struct ui *ui, const char *question)
{
	wint_t ch;
	int r;

	move(ui->rows - 1, 0);
	clrtoeol();
	put(ui->rows - 1, 0, question, (guint)ui->cols - 1, FALSE, A_BOLD);
	refresh();
	while ((r = get_wch(&ch)) == ERR || (r == KEY_CODE_YES && ch == KEY_RESIZE))
		;
	return r == OK && (ch == 'y' || ch == 'Y');
}

/* A: every story of the topic read (All topics: after a yes). */
static void
all_read(struct ui *ui, struct fw_browse_topic *t)
{
	g_autoptr(GError) err = NULL;
	guint n = 0;

	if (t->key == NULL && t->unread > 0 &&
	    !ask_yes(ui, "Mark every story of every topic read? (y/n)")) {
		say(ui, FALSE, "Nothing marked.");
		return;
	}
	if (!fw_browse_topic_set_read(ui->b, ui->db.store, t, &n, &err))
		say(ui, TRUE, "%s", err->message);
	else
		say(ui, FALSE, "%s: %u %s marked read.", t->name, n, n == 1 ? "story" : "stories");
}

/* m: mutes the topic's notifications for a day, or unmutes it. */
static void
mute(struct ui *ui, struct fw_browse_topic *t)
{
	g_autoptr(GError) err = NULL;
	gint64 now = fw_cli_now();
	gboolean muted = t->muted_until > now;
	g_autofree char *until = local_time(now + FW_BROWSE_MUTE_SECONDS, "%a %H:%M");

	if (t->key == NULL) {
		say(ui, TRUE, "m mutes one topic: choose it in the topics.");
		return;
	}
	if (!fw_browse_topic_mute(ui->b, ui->db.store, t, muted ? 0 : now + FW_BROWSE_MUTE_SECONDS,
	                          now, &err))
		say(ui, TRUE, "%s", err->message);
	else if (muted)
		say(ui, FALSE, "%s: notifications on again.", t->name);
	else
		say(ui, FALSE, "%s: notifications muted until %s.", t->name, until);
}

/* The first story of t from index `from` on (wrapping round) that is unread
 * in t, skipping `skip`; -1 when none. */
static int
next_unread(const struct fw_browse_topic *t, guint from, const struct fw_browse_story *skip)
{
	for (guint k = 0; k < t->stories->len; k++) {
		const struct fw_browse_story *st = t->stories->pdata[(from + k) % t->stories->len];

		if (st != skip && fw_browse_story_unread(st, t->key))
			return (int)((from + k) % t->stories->len);
	}
	return -1;
}

/* Reads a line on the last row after prompt, starting from initial; the
 * text (caller frees), or NULL when cancelled (Esc, Ctrl-G). */
static char *
prompt(struct ui *ui, const char *what, const char *initial)
{
	GString *in = g_string_new(initial);

	curs_set(1);
	for (;;) {
		g_autofree char *shown = fw_browse_clean(in->str, FALSE);
		guint pw = fw_browse_width(what), sw = fw_browse_width(shown);
		guint room = (guint)ui->cols > pw + 2 ? (guint)ui->cols - pw - 2 : 1;
		const char *tail = shown;
		wint_t ch;
		int r;

		/* the end of what is typed, when it is longer than the line */
		while (sw > room) {
			sw -= fw_browse_char_width(g_utf8_get_char(tail));
			tail = g_utf8_next_char(tail);
		}
		move(ui->rows - 1, 0);
		clrtoeol();
		put(ui->rows - 1, 0, what, pw, FALSE, A_BOLD);
		put(ui->rows - 1, (int)pw, tail, room, FALSE, A_NORMAL);
		move(ui->rows - 1, (int)(pw + sw));
		refresh();
		r = get_wch(&ch);
		if (r == ERR)
			continue;
		if (r == KEY_CODE_YES && ch == KEY_RESIZE) {
			draw(ui);
			continue;
		}
		if ((r == KEY_CODE_YES && ch == KEY_ENTER) || (r == OK && (ch == '\n' || ch == '\r')))
			break;
		if (r == OK && (ch == 27 || ch == 7)) {
			g_string_free(in, TRUE);
			in = NULL;
			break;
		}
		if ((r == KEY_CODE_YES && ch == KEY_BACKSPACE) || (r == OK && (ch == 127 || ch == 8))) {
			if (in->len > 0) {
				const char *last = g_utf8_find_prev_char(in->str, in->str + in->len);

				g_string_truncate(in, last ? (gsize)(last - in->str) : 0);
			}
		} else if (r == OK && ch == 21) {   /* Ctrl-U */
			g_string_truncate(in, 0);
		} else if (r == OK && ch >= ' ' && g_unichar_validate((gunichar)ch)) {
			g_string_append_unichar(in, (gunichar)ch);
		}
	}
	curs_set(0);
	return in != NULL ? g_string_free(in, FALSE) : NULL;
}

/* /: asks for a query and filters the stories with it. */
static void
filter_ask(struct ui *ui)
{
	g_autofree char *q = prompt(ui, "Filter (a query; empty: none): ", ui->b->filter_text);
	g_autoptr(GError) err = NULL;
	guint col = 0, n;

	if (q == NULL)
		return;
	if (!fw_browse_set_filter(ui->b, ui->db.store, q, &col, &err)) {
		if (g_error_matches(err, FW_TOPIC_ERROR, FW_TOPIC_ERROR_SYNTAX))
			say(ui, TRUE, "Filter: %s (column %u)", err->message, col);
		else
			say(ui, TRUE, "%s", err->message);
		return;
	}
	ui->story_cur = ui->story_top = 0;
	if (ui->view == VIEW_READER)
		ui->view = VIEW_STORIES;
	n = ((struct fw_browse_topic *)ui->b->topics->pdata[0])->stories->len;
	if (ui->b->filter_text != NULL)
		say(ui, FALSE, "%u %s the filter.", n, n == 1 ? "story passes" : "stories pass");
	else
		say(ui, FALSE, "No filter: %u %s.", n, n == 1 ? "story" : "stories");
}

/* ---- keys -------------------------------------------------------------- */

/* The keys that move in a list or scroll the reader: the new position of
 * *pos among n (page: rows a page). FALSE for another key. */
static gboolean
move_key(int r, wint_t ch, guint *pos, guint n, guint page, gboolean scroll)
{
	gboolean fn = r == KEY_CODE_YES;
	guint last = n > 0 ? n - 1 : 0;

	if (scroll)   /* the reader: the first row shown, up to a page before the end */
		last = n > page ? n - page : 0;
	if ((fn && ch == KEY_DOWN) || (!fn && ch == 'j') || (scroll && !fn && (ch == '\n' || ch == '\r')))
		*pos = *pos < last ? *pos + 1 : last;
	else if ((fn && ch == KEY_UP) || (!fn && ch == 'k'))
		*pos = *pos > 0 ? *pos - 1 : 0;
	else if ((fn && ch == KEY_NPAGE) || (!fn && ch == ' '))
		*pos = MIN(*pos + page, last);
	else if ((fn && ch == KEY_PPAGE) || (!fn && (ch == 'b' || ch == '-')))
		*pos = *pos > page ? *pos - page : 0;
	else if ((fn && ch == KEY_HOME) || (!fn && ch == 'g'))
		*pos = 0;
	else if ((fn && ch == KEY_END) || (!fn && ch == 'G'))
		*pos = last;
	else
		return FALSE;
	return TRUE;
}

/* TRUE for the keys that open: Enter, l, Right. */
static gboolean
open_key(int r, wint_t ch)
{
	return (r == KEY_CODE_YES && (ch == KEY_ENTER || ch == KEY_RIGHT)) ||
	       (r == OK && (ch == '\n' || ch == '\r' || ch == 'l'));
}

/* TRUE for the keys that go back: q, h, Left. */
static gboolean
back_key(int r, wint_t ch)
{
	return (r == KEY_CODE_YES && ch == KEY_LEFT) || (r == OK && (ch == 'q' || ch == 'h'));
}

static void
key_topics(struct ui *ui, int r, wint_t ch)
{
	GPtrArray *topics = ui->b->topics;
	struct fw_browse_topic *t = topics->pdata[MIN(ui->topic_cur, topics->len - 1)];

	if (move_key(r, ch, &ui->topic_cur, topics->len, body_rows(ui), FALSE))
		return;
	if (open_key(r, ch)) {
		g_free(ui->topic_key);
		ui->topic_key = g_strdup(t->key);
		ui->story_cur = ui->story_top = 0;
		ui->view = VIEW_STORIES;
	} else if (back_key(r, ch)) {
		ui->quit = TRUE;
	} else if (r == OK && ch == 'n') {
		for (guint k = 1; k <= topics->len; k++) {
			guint i = (ui->topic_cur + k) % topics->len;

			if (i > 0 && ((struct fw_browse_topic *)topics->pdata[i])->unread > 0) {
				ui->topic_cur = i;
				return;
			}
		}
		say(ui, FALSE, "No unread story.");
	} else if (r == OK && ch == 'A') {
		all_read(ui, t);
	} else if (r == OK && ch == 'm') {
		mute(ui, t);
	} else if (r == OK && (ch == 'r' || ch == 'N' || ch == 'o')) {
		say(ui, TRUE, "%c acts on a story: open the topic first (Enter).", (int)ch);
	}
}

static void
key_stories(struct ui *ui, int r, wint_t ch)
{
	struct fw_browse_topic *t = cur_topic(ui);
	struct fw_browse_story *st = cursor_story(ui);
	int i;

	if (move_key(r, ch, &ui->story_cur, t->stories->len, body_rows(ui), FALSE))
		return;
	if (back_key(r, ch)) {
		ui->view = VIEW_TOPICS;
	} else if (open_key(r, ch)) {
		if (st != NULL)
			reader_open(ui, st);
	} else if (r == OK && ch == 'n') {
		if ((i = next_unread(t, ui->story_cur, NULL)) >= 0)
			reader_open(ui, t->stories->pdata[i]);
		else
			say(ui, FALSE, "No unread story in %s.", t->name);
	} else if (r == OK && (ch == 'r' || ch == 'N')) {
		if (st != NULL) {
			toggle_read(ui, st);
			if (ui->story_cur + 1 < t->stories->len)
				ui->story_cur++;
		}
	} else if (r == OK && ch == 'o') {
		if (st != NULL)
			open_link(ui, st);
	} else if (r == OK && ch == 'A') {
		all_read(ui, t);
	} else if (r == OK && ch == 'm') {
		mute(ui, t);
	}
}

static void
key_reader(struct ui *ui, int r, wint_t ch)
{
	struct fw_browse_topic *t = cur_topic(ui);
	struct fw_browse_story *st = fw_browse_story_find(ui->b, ui->story_key);
	int i = fw_browse_topic_index(t, st);

	if (move_key(r, ch, &ui->reader_top, ui->reader ? ui->reader->len : 0, body_rows(ui), TRUE))
		return;
	if (back_key(r, ch)) {
		ui->view = VIEW_STORIES;
	} else if (st == NULL) {
		return;
	} else if (r == OK && ch == 'n') {
		int k = next_unread(t, i >= 0 ? (guint)i + 1 : 0, st);

		if (k >= 0)
			reader_open(ui, t->stories->pdata[k]);
		else
			say(ui, FALSE, "No unread story left in %s.", t->name);
	} else if (r == OK && (ch == 'J' || ch == 'K')) {
		int k = i + (ch == 'J' ? 1 : -1);

		if (i >= 0 && k >= 0 && (guint)k < t->stories->len)
			reader_open(ui, t->stories->pdata[k]);
		else
			say(ui, FALSE, ch == 'J' ? "This is the last story." : "This is the first story.");
	} else if (r == OK && (ch == 'r' || ch == 'N')) {
		toggle_read(ui, st);
	} else if (r == OK && ch == 'o') {
		open_link(ui, st);
	} else if (r == OK && ch == 'A') {
		all_read(ui, t);
	} else if (r == OK && ch == 'm') {
		mute(ui, t);
	}
}

/* One key: the global ones, then the view's. */
static void
key(struct ui *ui, int r, wint_t ch)
{
	if (r == KEY_CODE_YES && ch == KEY_RESIZE)
		return;   /* drawn again at the new size */
	g_clear_pointer(&ui->message, g_free);
	if (r == OK && ch == 'Q') {
		ui->quit = TRUE;
	} else if (r == OK && ch == 12) {   /* Ctrl-L */
		clearok(curscr, TRUE);
	} else if (r == OK && ch == '?' && ui->view != VIEW_HELP) {
		ui->before_help = ui->view;
		ui->view = VIEW_HELP;
		ui->help_top = 0;
	} else if (r == OK && ch == '/' && ui->view != VIEW_HELP) {
		filter_ask(ui);
	} else {
		switch (ui->view) {
		case VIEW_TOPICS:
			key_topics(ui, r, ch);
			break;
		case VIEW_STORIES:
			key_stories(ui, r, ch);
			break;
		case VIEW_READER:
			key_reader(ui, r, ch);
			break;
		case VIEW_HELP:
			if (!move_key(r, ch, &ui->help_top, G_N_ELEMENTS(help_text), body_rows(ui), TRUE) &&
			    (back_key(r, ch) || (r == OK && (ch == '?' || ch == 27))))
				ui->view = ui->before_help;
			break;
		}
	}
}

/* ---- the command ------------------------------------------------------- */

/* Browses until q: the topics, their stories, the reader. */
int
fw_cmd_browse(const struct fw_cmd_entry *cmd, int argc, char **argv)
{
	struct ui ui = { 0 };
	g_autoptr(GError) err = NULL;
	SCREEN *screen;

	if (!fw_cli_parse_options(cmd, NULL, &argc, &argv))
		return FW_EXIT_USAGE;
	if (argc != 1)
		return fw_cli_usage_error("browse: unexpected argument '%s'", argv[1]);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return fw_cli_fail("browse", "needs a terminal (standard input and output)");
	if (!fw_cli_db_open(&ui.db))
		return 1;
	fw_browse_set_ascii(!g_get_charset(NULL));
	ui.b = fw_browse_new(ui.db.cfg);
	fw_store_browse_version(ui.db.store, &ui.version, NULL);
	ui.signature = fw_store_browse_signature(ui.db.store, NULL);
	if (!fw_browse_load(ui.b, ui.db.store, fw_cli_now(), &err)) {
		fw_browse_free(ui.b);
		return fw_cli_db_close(&ui.db, fw_cli_fail("browse", "%s", err->message));
	}
	ui.polled = g_get_monotonic_time();
	if ((screen = newterm(NULL, stdout, stdin)) == NULL) {
		fw_browse_free(ui.b);
		return fw_cli_db_close(&ui.db, fw_cli_fail("browse", "cannot use the terminal "
		                                            "(TERM=%s)", g_getenv("TERM")));
	}
	set_term(screen);
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	timeout(FW_BROWSE_KEY_MS);
	attrs_init();
	ui.dirty = TRUE;
	while (!ui.quit) {
		wint_t ch;
		int r;

		if (ui.dirty)
			draw(&ui);
		ui.dirty = FALSE;
		r = get_wch(&ch);
		if (r != ERR) {
			key(&ui, r, ch);
			ui.dirty = TRUE;
		}
		poll_store(&ui);
	}
	endwin();
	delscreen(screen);
	if (ui.reader != NULL)
		g_ptr_array_unref(ui.reader);
	g_free(ui.topic_key);
	g_free(ui.story_key);
	g_free(ui.message);
	g_free(ui.signature);
	fw_browse_free(ui.b);
	return fw_cli_db_close(&ui.db, 0);
}
