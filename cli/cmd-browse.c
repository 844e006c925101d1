/* feedwatch browse — the hit log in the terminal, in the manner of newsboat
 * and mutt: the topics with their unread counts, a topic's stories, a reader
 * that wraps at the window's width with the matched words highlighted. See
 * feedwatch(1) "browse"; the model and the text are in cli/browse.h, the
 * drawing in cli/browse-screen.c; here are the state, the keys and the loop.
 *
 * ncurses (wide characters); single-threaded. The store's data version is
 * read every FW_BROWSE_POLL_MS; when another process committed and the hits
 * or mutes changed (the daemon's new hits, `feedwatch read`), the counts and
 * the window at the cursor are read again. Feed text reaches the screen only
 * through fw_browse_clean. */
#include <string.h>
#include <unistd.h>

#include "feedwatch/topic.h"

#include "browse-screen.h"

/* How often the store is asked whether another process wrote to it. */
#define FW_BROWSE_POLL_MS 2000
/* How long a key is waited for before the store is asked again. */
#define FW_BROWSE_KEY_MS 250
/* A topic's notifications are muted for this long (m). */
#define FW_BROWSE_MUTE_SECONDS (24 * 3600)

/* ---- the reader and the store ------------------------------------------ */

/* Opens story st in the reader, marking it read. */
static void
reader_open(struct fw_browse_ui *ui, struct fw_browse_story *st)
{
	g_autoptr(GError) err = NULL;
	struct fw_browse_topic *t = fw_browse_screen_topic(ui);
	int i = fw_browse_topic_index(t, st);

	g_free(ui->story_key);
	ui->story_key = g_strdup(st->key);
	if (i >= 0)
		ui->story_cur = (guint)i;
	ui->view = FW_BROWSE_VIEW_READER;
	ui->reader_top = 0;
	if (fw_browse_story_unread(st, NULL) &&
	    !fw_browse_story_set_read(ui->b, ui->db.store, st, TRUE, &err))
		fw_browse_screen_say(ui, TRUE, "%s", err->message);
	fw_browse_screen_reader(ui);
}

/* Reads the counts and the window again, keeping the cursors on the same
 * topic and story (when it is still near); the reader goes back to the list
 * when its story is gone. */
static void
reload(struct fw_browse_ui *ui)
{
	g_autoptr(GError) err = NULL;
	struct fw_browse_topic *t = ui->topic_cur < ui->b->topics->len
	                            ? ui->b->topics->pdata[ui->topic_cur] : NULL;
	g_autofree char *topic_at = t != NULL ? g_strdup(t->key) : NULL;
	gboolean at_all = t != NULL && t->key == NULL;
	struct fw_browse_story *st = fw_browse_screen_story(ui);
	g_autofree char *story_at = st != NULL ? g_strdup(st->key) : NULL;
	gint64 max_before = ui->b->max_hit_id;
	struct fw_browse_topic *nt;
	int i;

	ui->dirty = TRUE;
	if (!fw_browse_load(ui->b, ui->db.store, fw_now(), &err)) {
		fw_browse_screen_say(ui, TRUE, "%s", err->message);
		return;
	}
	for (guint k = 0; k < ui->b->topics->len; k++) {
		nt = ui->b->topics->pdata[k];
		if ((at_all && nt->key == NULL) || (!at_all && g_strcmp0(nt->key, topic_at) == 0 &&
		                                    nt->key != NULL))
			ui->topic_cur = k;
	}
	/* the window at the cursor again: the story is found when it is near */
	nt = fw_browse_screen_topic(ui);
	if (ui->view != FW_BROWSE_VIEW_TOPICS && nt->total > 0)
		fw_browse_topic_story(ui->b, ui->db.store, nt, MIN(ui->story_cur, nt->total - 1), NULL);
	i = fw_browse_topic_index(nt, fw_browse_story_find(ui->b, story_at));
	if (i >= 0)
		ui->story_cur = (guint)i;
	if (ui->view == FW_BROWSE_VIEW_READER) {
		if (fw_browse_story_find(ui->b, ui->story_key) == NULL)
			ui->view = FW_BROWSE_VIEW_STORIES;
		else
			g_clear_pointer(&ui->reader, g_ptr_array_unref);   /* made again when drawn */
	}
	if (ui->b->max_hit_id > max_before)
		fw_browse_screen_say(ui, FALSE, "New hits: the list is up to date.");
}

/* Asks the store whether another process wrote to it, every
 * FW_BROWSE_POLL_MS; loads again when the hits or the mutes changed (the
 * daemon commits at every poll, mostly of nothing the browser shows). */
static void
poll_store(struct fw_browse_ui *ui)
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
	reload(ui);
}

/* ---- actions ----------------------------------------------------------- */

/* Opens the story's link in the browser, without a shell, the screen put
 * aside while it runs (a text browser may use the terminal); marks the
 * story read when the browser succeeded. */
static void
open_link(struct fw_browse_ui *ui, struct fw_browse_story *st)
{
	const struct fw_hit_row *lead = st->hits->pdata[0];
	g_autoptr(GError) err = NULL;
	g_auto(GStrv) argv = NULL;
	g_autofree char *link = fw_browse_clean(lead->link, FALSE);
	int status = 0;
	gboolean ok;

	if (lead->link == NULL || (!g_str_has_prefix(lead->link, "http://") &&
	                           !g_str_has_prefix(lead->link, "https://"))) {
		fw_browse_screen_say(ui, TRUE, "This story has no link to open.");
		return;
	}
	if ((argv = fw_cli_browser_argv(lead->link, &err)) == NULL) {
		fw_browse_screen_say(ui, TRUE, "$BROWSER: %s", err->message);
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
		fw_browse_screen_say(ui, TRUE, "Cannot open %s: %s", link, err->message);
		return;
	}
	fw_browse_screen_say(ui, FALSE, "Opened %s", link);
	if (fw_browse_story_unread(st, NULL) &&
	    !fw_browse_story_set_read(ui->b, ui->db.store, st, TRUE, &err))
		fw_browse_screen_say(ui, TRUE, "%s", err->message);
	g_clear_pointer(&ui->reader, g_ptr_array_unref);
}

/* r, N: the story read, or unread again (in every topic). */
static void
toggle_read(struct fw_browse_ui *ui, struct fw_browse_story *st)
{
	g_autoptr(GError) err = NULL;
	gboolean unread = fw_browse_story_unread(st, NULL);

	if (!fw_browse_story_set_read(ui->b, ui->db.store, st, unread, &err))
		fw_browse_screen_say(ui, TRUE, "%s", err->message);
	else
		fw_browse_screen_say(ui, FALSE, "Marked %s.", unread ? "read" : "unread");
	g_clear_pointer(&ui->reader, g_ptr_array_unref);
}

/* Asks a yes-or-no question on the last row: TRUE for y. */
static gboolean
ask_yes(struct fw_browse_ui *ui, const char *question)
{
	wint_t ch;
	int r;

	move(ui->rows - 1, 0);
	clrtoeol();
	fw_browse_screen_put(ui->rows - 1, 0, question, (guint)ui->cols - 1, FALSE, A_BOLD);
	refresh();
	while ((r = get_wch(&ch)) == ERR || (r == KEY_CODE_YES && ch == KEY_RESIZE))
		;
	return r == OK && (ch == 'y' || ch == 'Y');
}

/* A: every story of the topic read, or with a filter every story it shows
 * (All topics: after a yes). */
static void
all_read(struct fw_browse_ui *ui, struct fw_browse_topic *t)
{
	g_autoptr(GError) err = NULL;
	guint n = 0;

	if (t->key == NULL && t->unread > 0 &&
	    !ask_yes(ui, "Mark every story of every topic read? (y/n)")) {
		fw_browse_screen_say(ui, FALSE, "Nothing marked.");
		return;
	}
	if (!fw_browse_topic_set_read(ui->b, ui->db.store, t, &n, &err))
		fw_browse_screen_say(ui, TRUE, "%s", err->message);
	else
		fw_browse_screen_say(ui, FALSE, "%s: %u %s marked read.", t->name, n, n == 1 ? "story" : "stories");
}

/* m: mutes the topic's notifications for a day, or unmutes it. */
static void
mute(struct fw_browse_ui *ui, struct fw_browse_topic *t)
{
	g_autoptr(GError) err = NULL;
	gint64 now = fw_now();
	gboolean muted = t->muted_until > now;
	g_autofree char *until = fw_browse_screen_time(now + FW_BROWSE_MUTE_SECONDS, "%a %H:%M");

	if (t->key == NULL) {
		fw_browse_screen_say(ui, TRUE, "m mutes one topic: choose it in the topics.");
		return;
	}
	if (!fw_browse_topic_mute(ui->b, ui->db.store, t, muted ? 0 : now + FW_BROWSE_MUTE_SECONDS,
	                          now, &err))
		fw_browse_screen_say(ui, TRUE, "%s", err->message);
	else if (muted)
		fw_browse_screen_say(ui, FALSE, "%s: notifications on again.", t->name);
	else
		fw_browse_screen_say(ui, FALSE, "%s: notifications muted until %s.", t->name, until);
}

/* The first story of t from index `from` on (wrapping round) that is unread
 * in t, skipping the story keyed `skip` (may be NULL); -1 when none. It
 * reads the list a window at a time: as far as the next unread story. */
static int
next_unread(struct fw_browse_ui *ui, struct fw_browse_topic *t, guint from, const char *skip)
{
	g_autofree char *skip_key = g_strdup(skip);

	if (t->unread == 0)
		return -1;
	for (guint k = 0; k < t->total; k++) {
		guint i = (from + k) % t->total;
		g_autoptr(GError) err = NULL;
		const struct fw_browse_story *st = fw_browse_topic_story(ui->b, ui->db.store, t, i, &err);

		if (st == NULL) {
			if (err != NULL)
				fw_browse_screen_say(ui, TRUE, "%s", err->message);
			return -1;
		}
		if (g_strcmp0(st->key, skip_key) != 0 && fw_browse_story_unread(st, t->key))
			return (int)i;
	}
	return -1;
}

/* Opens story i of t in the reader (reading its window when needed). */
static void
reader_open_at(struct fw_browse_ui *ui, struct fw_browse_topic *t, guint i)
{
	g_autoptr(GError) err = NULL;
	struct fw_browse_story *st = fw_browse_topic_story(ui->b, ui->db.store, t, i, &err);

	if (st != NULL)
		reader_open(ui, st);
	else if (err != NULL)
		fw_browse_screen_say(ui, TRUE, "%s", err->message);
}

/* Reads a line on the last row after prompt, starting from initial; the
 * text (caller frees), or NULL when cancelled (Esc, Ctrl-G). */
static char *
prompt(struct fw_browse_ui *ui, const char *what, const char *initial)
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
		fw_browse_screen_put(ui->rows - 1, 0, what, pw, FALSE, A_BOLD);
		fw_browse_screen_put(ui->rows - 1, (int)pw, tail, room, FALSE, A_NORMAL);
		move(ui->rows - 1, (int)(pw + sw));
		refresh();
		r = get_wch(&ch);
		if (r == ERR)
			continue;
		if (r == KEY_CODE_YES && ch == KEY_RESIZE) {
			fw_browse_screen_draw(ui);
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
filter_ask(struct fw_browse_ui *ui)
{
	g_autofree char *q = prompt(ui, "Filter (a query; empty: none): ", ui->b->filter_text);
	g_autoptr(GError) err = NULL;
	g_autofree char *hint = NULL;
	guint col = 0, n;

	if (q == NULL)
		return;
	if (!fw_browse_set_filter(ui->b, ui->db.store, q, &col, &err)) {
		if (g_error_matches(err, FW_TOPIC_ERROR, FW_TOPIC_ERROR_SYNTAX))
			fw_browse_screen_say(ui, TRUE, "Filter: %s (column %u)", err->message, col);
		else
			fw_browse_screen_say(ui, TRUE, "%s", err->message);
		return;
	}
	ui->story_cur = ui->story_top = 0;
	if (ui->view == FW_BROWSE_VIEW_READER)
		ui->view = FW_BROWSE_VIEW_STORIES;
	n = ((struct fw_browse_topic *)ui->b->topics->pdata[0])->total;
	if (ui->b->filter_text != NULL && (hint = fw_query_hint(ui->b->filter_text, &col)) != NULL)
		fw_browse_screen_say(ui, FALSE, "%u %s the filter. Column %u: %s", n,
		                     n == 1 ? "story passes" : "stories pass", col, hint);
	else if (ui->b->filter_text != NULL)
		fw_browse_screen_say(ui, FALSE, "%u %s the filter.", n, n == 1 ? "story passes" : "stories pass");
	else
		fw_browse_screen_say(ui, FALSE, "No filter: %u %s.", n, n == 1 ? "story" : "stories");
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
key_topics(struct fw_browse_ui *ui, int r, wint_t ch)
{
	GPtrArray *topics = ui->b->topics;
	struct fw_browse_topic *t = topics->pdata[MIN(ui->topic_cur, topics->len - 1)];

	if (move_key(r, ch, &ui->topic_cur, topics->len, fw_browse_screen_rows(ui), FALSE))
		return;
	if (open_key(r, ch)) {
		g_free(ui->topic_key);
		ui->topic_key = g_strdup(t->key);
		ui->story_cur = ui->story_top = 0;
		ui->view = FW_BROWSE_VIEW_STORIES;
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
		fw_browse_screen_say(ui, FALSE, "No unread story.");
	} else if (r == OK && ch == 'A') {
		all_read(ui, t);
	} else if (r == OK && ch == 'm') {
		mute(ui, t);
	} else if (r == OK && (ch == 'r' || ch == 'N' || ch == 'o')) {
		fw_browse_screen_say(ui, TRUE, "%c acts on a story: open the topic first (Enter).", (int)ch);
	}
}

static void
key_stories(struct fw_browse_ui *ui, int r, wint_t ch)
{
	struct fw_browse_topic *t = fw_browse_screen_topic(ui);
	struct fw_browse_story *st = fw_browse_screen_story(ui);
	int i;

	if (move_key(r, ch, &ui->story_cur, t->total, fw_browse_screen_rows(ui), FALSE))
		return;
	if (back_key(r, ch)) {
		ui->view = FW_BROWSE_VIEW_TOPICS;
	} else if (open_key(r, ch)) {
		if (st != NULL)
			reader_open(ui, st);
	} else if (r == OK && ch == 'n') {
		if ((i = next_unread(ui, t, ui->story_cur, NULL)) >= 0)
			reader_open_at(ui, t, (guint)i);
		else
			fw_browse_screen_say(ui, FALSE, "No unread story in %s.", t->name);
	} else if (r == OK && (ch == 'r' || ch == 'N')) {
		if (st != NULL) {
			toggle_read(ui, st);
			if (ui->story_cur + 1 < t->total)
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
key_reader(struct fw_browse_ui *ui, int r, wint_t ch)
{
	struct fw_browse_topic *t = fw_browse_screen_topic(ui);
	struct fw_browse_story *st = fw_browse_story_find(ui->b, ui->story_key);
	int i = fw_browse_topic_index(t, st);

	if (move_key(r, ch, &ui->reader_top, ui->reader ? ui->reader->len : 0, fw_browse_screen_rows(ui), TRUE))
		return;
	if (back_key(r, ch)) {
		ui->view = FW_BROWSE_VIEW_STORIES;
	} else if (st == NULL) {
		return;
	} else if (r == OK && ch == 'n') {
		int k = next_unread(ui, t, i >= 0 ? (guint)i + 1 : 0, st->key);

		if (k >= 0)
			reader_open_at(ui, t, (guint)k);
		else
			fw_browse_screen_say(ui, FALSE, "No unread story left in %s.", t->name);
	} else if (r == OK && (ch == 'J' || ch == 'K')) {
		int k = i + (ch == 'J' ? 1 : -1);

		if (i >= 0 && k >= 0 && (guint)k < t->total)
			reader_open_at(ui, t, (guint)k);
		else
			fw_browse_screen_say(ui, FALSE, ch == 'J' ? "This is the last story." : "This is the first story.");
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
key(struct fw_browse_ui *ui, int r, wint_t ch)
{
	if (r == KEY_CODE_YES && ch == KEY_RESIZE)
		return;   /* drawn again at the new size */
	g_clear_pointer(&ui->message, g_free);
	if (r == OK && ch == 'Q') {
		ui->quit = TRUE;
	} else if (r == OK && ch == 12) {   /* Ctrl-L */
		clearok(curscr, TRUE);
	} else if (r == OK && ch == '?' && ui->view != FW_BROWSE_VIEW_HELP) {
		ui->before_help = ui->view;
		ui->view = FW_BROWSE_VIEW_HELP;
		ui->help_top = 0;
	} else if (r == OK && ch == '/' && ui->view != FW_BROWSE_VIEW_HELP) {
		filter_ask(ui);
	} else {
		switch (ui->view) {
		case FW_BROWSE_VIEW_TOPICS:
			key_topics(ui, r, ch);
			break;
		case FW_BROWSE_VIEW_STORIES:
			key_stories(ui, r, ch);
			break;
		case FW_BROWSE_VIEW_READER:
			key_reader(ui, r, ch);
			break;
		case FW_BROWSE_VIEW_HELP:
			if (!move_key(r, ch, &ui->help_top, fw_browse_screen_help_lines(), fw_browse_screen_rows(ui), TRUE) &&
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
	struct fw_browse_ui ui = { 0 };
	g_autoptr(GError) err = NULL;
	SCREEN *screen;

	if (!fw_cli_parse_options(cmd, NULL, &argc, &argv))
		return FW_EXIT_USAGE;
	if (argc != 1)
		return fw_cli_usage("unexpected argument '%s'", argv[1]);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return fw_cli_fail("browse", "needs a terminal (standard input and output)");
	if (!fw_cli_db_open(&ui.db, TRUE))   /* no database: nothing to show, none made */
		return 1;
	/* it reads a window at a time for as long as it runs: through SQLite's
	 * page cache, not a map that keeps every page it ever read */
	fw_store_set_mmap(ui.db.store, 0);
	fw_browse_set_ascii(!g_get_charset(NULL));
	ui.b = fw_browse_new(ui.db.cfg);
	fw_store_browse_version(ui.db.store, &ui.version, NULL);
	ui.signature = fw_store_browse_signature(ui.db.store, NULL);
	if (!fw_browse_load(ui.b, ui.db.store, fw_now(), &err)) {
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
	fw_browse_screen_init();
	ui.dirty = TRUE;
	while (!ui.quit) {
		wint_t ch;
		int r;

		if (ui.dirty)
			fw_browse_screen_draw(&ui);
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
