/* browse-screen — what `feedwatch browse` draws. See cli/browse-screen.h. */
#include <stdarg.h>
#include <string.h>

#include "feedwatch/hit.h"
#include "feedwatch/match.h"

#include "browse-screen.h"
#include "hitlog.h"

/* The reader's labels ("Published: ") take this many columns. */
#define LABEL_W 11

/* The attributes of what is drawn (colors, or NO_COLOR's plain ones). */
static attr_t a_bar, a_mark, a_topic, a_feed, a_date, a_bad, a_label, a_muted;

enum { PAIR_BAR = 1, PAIR_MARK, PAIR_TOPIC, PAIR_FEED, PAIR_DATE, PAIR_BAD };

/* Sets the attributes: colors when the terminal has them and NO_COLOR is
 * unset or empty, else bold, underline, reverse and dim only. */
void
fw_browse_screen_init(void)
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

void
fw_browse_screen_say(struct fw_browse_ui *ui, gboolean bad, const char *fmt, ...)
{
	va_list ap;

	g_free(ui->message);
	va_start(ap, fmt);
	ui->message = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	ui->message_bad = bad;
}

/* t as local time in fmt, or "-" for none. Caller frees. */
char *
fw_browse_screen_time(gint64 t, const char *fmt)
{
	g_autoptr(GDateTime) dt = NULL;

	if (t != FW_TIME_NONE && t > 0)
		dt = g_date_time_new_from_unix_local(t);
	return dt != NULL ? g_date_time_format(dt, fmt) : g_strdup("-");
}

/* Rows the lists and the reader have: all but the bars and the message. */
guint
fw_browse_screen_rows(const struct fw_browse_ui *ui)
{
	return ui->rows > 3 ? (guint)ui->rows - 3 : 1;
}

/* Draws clean text s at (y, x) in at most width columns (padded to width
 * when pad) with attr. */
void
fw_browse_screen_put(int y, int x, const char *s, guint width, gboolean pad, attr_t attr)
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
bar(struct fw_browse_ui *ui, int y, const char *left, const char *right)
{
	g_autofree char *l = fw_browse_clean(left, FALSE);
	g_autofree char *r = fw_browse_clean(right ? right : "", FALSE);
	guint rw = fw_browse_width(r), w = (guint)ui->cols;

	if (rw + 2 > w / 2)
		rw = 0;
	fw_browse_screen_put(y, 0, l, w - (rw ? rw + 1 : 0), TRUE, a_bar);
	if (rw > 0)
		fw_browse_screen_put(y, (int)(w - rw - 1), r, rw + 1, TRUE, a_bar);
}

/* The topic the stories and the reader show (All when it is gone). */
struct fw_browse_topic *
fw_browse_screen_topic(struct fw_browse_ui *ui)
{
	struct fw_browse_topic *t = fw_browse_topic_find(ui->b, ui->topic_key);

	return t != NULL ? t : ui->b->topics->pdata[0];
}

/* The story under the cursor of the stories view, or NULL. */
struct fw_browse_story *
fw_browse_screen_story(struct fw_browse_ui *ui)
{
	struct fw_browse_topic *t = fw_browse_screen_topic(ui);

	g_autoptr(GError) err = NULL;
	struct fw_browse_story *st = fw_browse_topic_story(ui->b, ui->db.store, t, ui->story_cur, &err);

	if (err != NULL)
		fw_browse_screen_say(ui, TRUE, "%s", err->message);
	return st;
}

/* "muted until Thu 14:05" for a muted topic, else NULL. Caller frees. */
static char *
muted_text(const struct fw_browse_topic *t, gint64 now)
{
	g_autofree char *when = NULL;

	if (t->key == NULL || t->muted_until <= now)
		return NULL;
	when = fw_browse_screen_time(t->muted_until, "%a %H:%M");
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
	struct fw_browse_row *r = p;

	fw_browse_line_free(r->line);
	g_free(r);
}

/* Adds text wrapped to width at column x; label on the first row. */
static void
reader_add(struct fw_browse_ui *ui, const char *label, const char *text, const GArray *marks, int x,
           attr_t attr)
{
	g_autoptr(GPtrArray) lines = g_ptr_array_new();
	guint width = ui->cols > x + 1 ? (guint)(ui->cols - x) : 1;

	fw_browse_wrap(text, marks, width, lines);
	if (lines->len == 0 && label != NULL)
		return;
	for (guint i = 0; i < lines->len; i++) {
		struct fw_browse_row *r = g_new0(struct fw_browse_row, 1);

		r->label = i == 0 ? label : NULL;
		r->line = lines->pdata[i];
		r->x = x;
		r->attr = attr;
		g_ptr_array_add(ui->reader, r);
	}
}

/* Adds an empty row. */
static void
reader_blank(struct fw_browse_ui *ui)
{
	struct fw_browse_row *r = g_new0(struct fw_browse_row, 1);

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
void
fw_browse_screen_reader(struct fw_browse_ui *ui)
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
		fw_browse_screen_say(ui, TRUE, "%s", err->message);
	{
		g_autofree char *title = fw_browse_clean(lead->title ? lead->title : "(no title)", FALSE);
		g_autofree char *feed = fw_browse_clean(lead->feed_title, FALSE);
		g_autofree char *author = fw_browse_clean(full ? full->author : NULL, FALSE);
		g_autofree char *date = fw_browse_screen_time(lead->published, "%Y-%m-%d %H:%M");
		g_autofree char *found = fw_browse_screen_time(lead->found, "%Y-%m-%d %H:%M");
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

		spans = fw_hit_marks_parse(lead->marks_json);
		reader_add(ui, NULL, text, spans, 0, A_NORMAL);
	}
	fw_hit_row_free(full);
}

/* ---- drawing ----------------------------------------------------------- */

/* The topics: "N  12/40  Milei  muted until Thu 14:05". */
static void
draw_topics(struct fw_browse_ui *ui, gint64 now)
{
	GPtrArray *topics = ui->b->topics;
	guint rows = fw_browse_screen_rows(ui), wu = 1, wt = 1, unread = 0;

	for (guint i = 0; i < topics->len; i++) {
		struct fw_browse_topic *t = topics->pdata[i];
		g_autofree char *u = g_strdup_printf("%u", t->unread);
		g_autofree char *n = g_strdup_printf("%u", t->total);

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
		                                          (int)wu, t->unread, (int)wt, t->total);
		g_autofree char *name = fw_browse_clean(t->name, FALSE);
		g_autofree char *muted = muted_text(t, now);
		guint x = fw_browse_width(counts), w = (guint)ui->cols;
		attr_t base = (sel ? A_REVERSE : A_NORMAL) | (t->unread ? A_BOLD : A_NORMAL);
		guint nw = MIN(fw_browse_width(name), x < w ? w - x : 0);

		fw_browse_screen_put(1 + (int)r, 0, counts, MIN(x, w), FALSE, base);
		fw_browse_screen_put(1 + (int)r, (int)x, name, nw, FALSE, base | (sel ? 0 : a_topic));
		x += nw;
		if (muted != NULL && x + 2 < w) {
			g_autofree char *m = g_strdup_printf("  %s", muted);

			fw_browse_screen_put(1 + (int)r, (int)x, m, w - x, FALSE, base | a_muted);
			x += MIN(fw_browse_width(m), w - x);
		}
		if (x < w)
			fw_browse_screen_put(1 + (int)r, (int)x, "", w - x, TRUE, base);
	}
}

/* The topics column of a story in t's list: every topic under All topics,
 * else the others ("+Mercosur"). Clean; caller frees. */
static char *
story_topics(const struct fw_browse_ui *ui, const struct fw_browse_topic *t,
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
story_cols(const struct fw_browse_ui *ui, const struct fw_browse_topic *t, struct story_cols *c)
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

/* One row of the stories view: story st at row y (sel: the cursor's). */
static void
draw_story(struct fw_browse_ui *ui, const struct fw_browse_topic *t, const struct story_cols *c,
           int y, const struct fw_browse_story *st, gboolean sel)
{
	const struct fw_hit_row *lead = st->hits->pdata[0];
	gboolean unread = fw_browse_story_unread(st, t->key);
	attr_t base = (sel ? A_REVERSE : A_NORMAL) | (unread ? A_BOLD : A_NORMAL);
	g_autofree char *date = fw_browse_screen_time(st->when, c->date > 10 ? "%Y-%m-%d %H:%M" : "%Y-%m-%d");
	g_autofree char *feed = fw_browse_clean(lead->feed_title, FALSE);
	g_autofree char *title = fw_browse_clean(lead->title ? lead->title : "(no title)", FALSE);
	g_autofree char *topics = story_topics(ui, t, st);
	int x = 0;

	fw_browse_screen_put(y, x, unread ? "N " : "  ", 2, TRUE, base);
	x += 2;
	fw_browse_screen_put(y, x, date, c->date, TRUE, base | (sel ? 0 : a_date));
	x += (int)c->date;
	fw_browse_screen_put(y, x, "  ", 2, TRUE, base);
	fw_browse_screen_put(y, x + 2, feed, c->feed, TRUE, base | (sel ? 0 : a_feed));
	x += 2 + (int)c->feed;
	fw_browse_screen_put(y, x, "  ", 2, TRUE, base);
	fw_browse_screen_put(y, x + 2, title, c->title, TRUE, base);
	x += 2 + (int)c->title;
	if (c->topics > 0) {
		fw_browse_screen_put(y, x, "  ", 2, TRUE, base);
		fw_browse_screen_put(y, x + 2, topics, c->topics, TRUE, base | (sel ? 0 : a_topic));
	}
}

/* The stories of the current topic. */
static void
draw_stories(struct fw_browse_ui *ui, gint64 now)
{
	struct fw_browse_topic *t = fw_browse_screen_topic(ui);
	guint rows = fw_browse_screen_rows(ui);
	struct story_cols c;
	g_autoptr(GError) err = NULL;
	g_autofree char *muted = muted_text(t, now);
	g_autofree char *left = g_strdup_printf("feedwatch browse · %s · %u unread, %u %s%s%s%s%s",
	                                        t->name, t->unread, t->total,
	                                        t->total == 1 ? "story" : "stories",
	                                        muted ? " · " : "", muted ? muted : "",
	                                        ui->b->filter_text ? " · filter: " : "",
	                                        ui->b->filter_text ? ui->b->filter_text : "");

	bar(ui, 0, left, NULL);
	clamp_list(&ui->story_cur, &ui->story_top, t->total, rows);
	/* the window holds the rows shown (the last first: then the first) */
	if (t->total > 0 && (fw_browse_topic_story(ui->b, ui->db.store, t,
	                                           MIN(ui->story_top + rows, t->total) - 1, &err) == NULL ||
	                     fw_browse_topic_story(ui->b, ui->db.store, t, ui->story_top, &err) == NULL))
		fw_browse_screen_say(ui, TRUE, "%s", err ? err->message : "the list changed");
	story_cols(ui, t, &c);
	if (t->total == 0)
		fw_browse_screen_put(2, 2, ui->b->filter_text ? "No story passes the filter." : "No story yet.",
		    (guint)MAX(ui->cols - 2, 0), FALSE, A_NORMAL);
	for (guint r = 0; r < rows && ui->story_top + r < t->total; r++) {
		guint i = ui->story_top + r;
		const struct fw_browse_story *st = fw_browse_topic_story(ui->b, ui->db.store, t, i, NULL);

		if (st == NULL)
			break;
		draw_story(ui, t, &c, 1 + (int)r, st, i == ui->story_cur);
	}
}

/* The reader: the story's rows from reader_top. */
static void
draw_reader(struct fw_browse_ui *ui)
{
	struct fw_browse_topic *t = fw_browse_screen_topic(ui);
	struct fw_browse_story *st = fw_browse_story_find(ui->b, ui->story_key);
	guint rows = fw_browse_screen_rows(ui), n;
	int i = fw_browse_topic_index(t, st);
	g_autofree char *left = NULL, *right = NULL;

	if (ui->reader == NULL || ui->reader_width != ui->cols)
		fw_browse_screen_reader(ui);
	n = ui->reader->len;
	if (ui->reader_top + rows > n)
		ui->reader_top = n > rows ? n - rows : 0;
	left = i >= 0 ? g_strdup_printf("feedwatch browse · %s · story %d of %u%s", t->name, i + 1,
	                                t->total,
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
		const struct fw_browse_row *row = ui->reader->pdata[ui->reader_top + r];

		if (row->label != NULL)
			fw_browse_screen_put(1 + (int)r, 0, row->label, LABEL_W, TRUE, a_label);
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
draw_help(struct fw_browse_ui *ui)
{
	guint rows = fw_browse_screen_rows(ui), n = fw_browse_screen_help_lines();

	bar(ui, 0, "feedwatch browse · keys", NULL);
	if (ui->help_top + rows > n)
		ui->help_top = n > rows ? n - rows : 0;
	for (guint r = 0; r < rows && ui->help_top + r < n; r++)
		fw_browse_screen_put(1 + (int)r, 0, help_text[ui->help_top + r], (guint)ui->cols, FALSE, A_NORMAL);
}

guint
fw_browse_screen_help_lines(void)
{
	return G_N_ELEMENTS(help_text);
}

/* The hints of the view's keys, newsboat's second line from the bottom. */
static const char *
hints(enum fw_browse_view v)
{
	switch (v) {
	case FW_BROWSE_VIEW_TOPICS:
		return "q:Quit ENTER:Open n:Next unread A:All read m:Mute /:Filter ?:Help";
	case FW_BROWSE_VIEW_STORIES:
		/* 79 columns: all of it at 80 */
		return "q:Back ENTER:Read o:Open r:Read/unread n:Next A:All read m:Mute /:Filter ?:Help";
	case FW_BROWSE_VIEW_READER:
		return "q:Back o:Open link r:Read/unread n:Next unread J/K:Next/prev m:Mute ?:Help";
	case FW_BROWSE_VIEW_HELP:
		break;
	}
	return "q:Back j/k:Scroll";
}

/* Draws the whole screen. */
void
fw_browse_screen_draw(struct fw_browse_ui *ui)
{
	gint64 now = fw_now();

	getmaxyx(stdscr, ui->rows, ui->cols);
	erase();
	if (ui->rows < 4 || ui->cols < 20) {
		mvaddnstr(0, 0, "feedwatch browse: the window is too small", MAX(ui->cols - 1, 0));
		refresh();
		return;
	}
	switch (ui->view) {
	case FW_BROWSE_VIEW_TOPICS:
		draw_topics(ui, now);
		break;
	case FW_BROWSE_VIEW_STORIES:
		draw_stories(ui, now);
		break;
	case FW_BROWSE_VIEW_READER:
		draw_reader(ui);
		break;
	case FW_BROWSE_VIEW_HELP:
		draw_help(ui);
		break;
	}
	bar(ui, ui->rows - 2, hints(ui->view), NULL);
	if (ui->message != NULL) {
		g_autofree char *m = fw_browse_clean(ui->message, FALSE);

		/* never the last column of the last row: the screen would scroll */
		fw_browse_screen_put(ui->rows - 1, 0, m, (guint)ui->cols - 1, FALSE, ui->message_bad ? a_bad : A_NORMAL);
	}
	refresh();
}
