/* feedwatch watch — add a topic to the config. See feedwatch(1). */
#include <stdio.h>
#include <string.h>

#include "feedwatch/store.h"
#include "feedwatch/topic.h"

#include "cli.h"

/* Words of a made name, and its length at most. */
#define WATCH_NAME_WORDS 3
#define WATCH_NAME_MAX 40

/* A name for query's topic not in taken: its first words (ASCII, lower
 * case; no operators, fields or NEAR distances) joined by '-', then "-2",
 * "-3"... until free; "topic" when it has none. A word with no ASCII form
 * (Путин) is left out of it: then *title, when not NULL, gets those first
 * words as written (a display name that keeps them), else stays NULL. New. */
static char *
watch_name(const char *query, GHashTable *taken, char **title)
{
	g_autoptr(GString) base = g_string_new(NULL), shown = g_string_new(NULL);
	gboolean lost = FALSE;
	guint words = 0;
	char *name;

	for (const char *p = query; *p && words < WATCH_NAME_WORDS;) {
		const char *w = p;
		g_autofree char *word = NULL, *ascii = NULL;

		if (!g_unichar_isalnum(g_utf8_get_char(p))) {
			p = g_utf8_next_char(p);
			continue;
		}
		while (*p && g_unichar_isalnum(g_utf8_get_char(p)))
			p = g_utf8_next_char(p);
		word = g_strndup(w, (gsize)(p - w));
		if (*p == ':' || (w > query && w[-1] == '/') ||   /* title:, NEAR/8 */
		    strcmp(word, "OR") == 0 || strcmp(word, "AND") == 0 ||
		    strcmp(word, "NOT") == 0 || strcmp(word, "NEAR") == 0)
			continue;
		words++;
		if (shown->len + strlen(word) + 1 <= WATCH_NAME_MAX * 2)
			g_string_append_printf(shown, "%s%s", shown->len ? " " : "", word);
		ascii = g_str_to_ascii(word, "C");
		if (strchr(ascii, '?') != NULL) {
			lost = TRUE;
			continue;
		}
		if (base->len + strlen(ascii) + 1 > WATCH_NAME_MAX)
			continue;
		if (base->len)
			g_string_append_c(base, '-');
		for (const char *c = ascii; *c; c++)
			if (g_ascii_isalnum(*c))
				g_string_append_c(base, g_ascii_tolower(*c));
	}
	if (base->len == 0)
		g_string_assign(base, "topic");
	name = g_strdup(base->str);
	for (guint k = 2; g_hash_table_contains(taken, name); k++) {
		g_free(name);
		name = g_strdup_printf("%s-%u", base->str, k);
	}
	if (title != NULL)
		*title = lost ? g_strdup(shown->str) : NULL;
	return name;
}

/* What the topic group must read as once written. */
struct watch_want {
	const char *key, *query, *title;
	const char *path;   /* the config file's */
};

/* fw_cli_config_verify: the config with the group has the topic with the
 * query (and name) as given, not cut short by a comment. */
static gboolean
watch_verify(const struct fw_config *with, gpointer data)
{
	const struct watch_want *w = data;

	for (guint i = 0; i < with->topics->len; i++) {
		const struct fw_topic_conf *t = with->topics->pdata[i];

		if (strcmp(t->key, w->key) != 0)
			continue;
		if (strcmp(t->query, w->query) == 0 && (!w->title || g_strcmp0(t->name, w->title) == 0))
			return TRUE;
		fw_cli_fail("watch", "the config would read [topic %s] as query = %s%s%s: a '#' or "
		            "';' after a space begins a comment there (feedwatch.conf(5)); nothing "
		            "written: put the topic into %s by hand", w->key, t->query,
		            w->title ? ", name = " : "", w->title ? t->name : "", w->path);
		return FALSE;
	}
	fw_cli_fail("watch", "the config would not hold [topic %s]: nothing written", w->key);
	return FALSE;
}

/* The key of cfg's topic whose query reads as canon does, or NULL. */
static const char *
watch_same(const struct fw_config *cfg, const char *canon)
{
	for (guint i = 0; i < cfg->topics->len; i++) {
		const struct fw_topic_conf *t = cfg->topics->pdata[i];
		struct fw_query *q = fw_query_parse(t->query, NULL, NULL);
		g_autofree char *c = q ? fw_query_canonical(q) : NULL;

		fw_query_free(q);
		if (c && strcmp(c, canon) == 0)
			return t->key;
	}
	return NULL;
}

/* After feedwatchd reloaded cfg's file with topic key (its catch-up over
 * the feeds' current items done): says how many stories the hit log has
 * for it. Nothing when no daemon runs on the file, or on an error. */
static void
watch_say_found(const struct fw_config *cfg, const char *key)
{
	g_autoptr(GPtrArray) counts = g_ptr_array_new_with_free_func((GDestroyNotify)fw_store_browse_count_free);
	struct fw_lock_holder h;
	struct fw_store *store;
	gint64 stories = 0;

	if (!fw_lock_holder_read(cfg->database, &h) || !fw_lock_holder_is_daemon(&h) ||
	    !fw_lock_holder_config_is(&h, cfg->path) ||
	    (store = fw_store_open_readonly(cfg->database, NULL)) == NULL)
		return;
	if (fw_store_browse_counts(store, counts, NULL))
		for (guint i = 0; i < counts->len; i++) {
			const struct fw_browse_count *c = counts->pdata[i];

			if (c->topic != NULL && strcmp(c->topic, key) == 0)
				stories = c->stories;
		}
	fw_store_free(store);
	if (stories == 0)
		printf("feedwatchd found nothing for it among the feeds' current items\n");
	else
		printf("feedwatchd found %" G_GINT64_FORMAT " stor%s for it among the feeds' current "
		       "items: feedwatch hits --topic %s\n", stories, stories == 1 ? "y" : "ies", key);
}

/* Adds the topic argv[1] to the config as a [topic NAME] group with that
 * query; a query the config has already (as the matcher reads it) is not
 * added again. */
int
fw_cmd_watch(const struct fw_cmd_entry *cmd, int argc, char **argv)
{
	static char *name, *title;
	static gboolean dry_run;
	static const GOptionEntry entries[] = {
		{ "name", 0, 0, G_OPTION_ARG_STRING, &name, "The topic's group name (default: from its query's words)", "NAME" },
		{ "title", 0, 0, G_OPTION_ARG_STRING, &title, "Its display name, name= (default: from NAME)", "TEXT" },
		{ "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run, "Print the group that would be added; change nothing", NULL },
		{ NULL }
	};
	g_autoptr(GHashTable) taken = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GError) err = NULL;
	g_autofree char *query = NULL, *canon = NULL, *key = NULL, *block = NULL, *made_title = NULL;
	struct fw_query *q;
	struct fw_config *cfg;
	struct watch_want want;
	const char *same;
	guint col = 0;
	int rc = 0;

	if (!fw_cli_parse_options(cmd, entries, &argc, &argv))
		return FW_EXIT_USAGE;
	if (argc != 2)
		return fw_cli_usage("give one QUERY (%s)", "quote it: feedwatch watch 'Milei OR Caputo'");
	query = g_strstrip(g_strdup(argv[1]));
	if (strpbrk(query, "\r\n") != NULL)
		return fw_cli_usage("a query is one line: '%s' has more", argv[1]);
	if (name != NULL && !fw_config_name_ok(name))
		return fw_cli_usage("bad --name '%s' (ASCII letters, digits, '-', '_' and '.')", name);
	if (title != NULL && (strpbrk(title, "\r\n") != NULL || !g_utf8_validate(title, -1, NULL)))
		return fw_cli_usage("bad --title '%s' (one line of UTF-8 text)", title);
	if ((q = fw_query_parse(query, &col, &err)) == NULL)
		return fw_cli_query_error("watch", query, col, err->message);
	canon = fw_query_canonical(q);
	fw_query_free(q);
	fw_cli_query_hint("watch", query);
	if ((cfg = fw_cli_load_config_adding()) == NULL)
		return 1;
	if ((same = watch_same(cfg, canon)) != NULL) {
		printf("%s is already watched in %s as [topic %s]\n", query, cfg->path, same);
		goto out;
	}
	for (guint i = 0; i < cfg->topics->len; i++)
		g_hash_table_add(taken, ((struct fw_topic_conf *)cfg->topics->pdata[i])->key);
	if (name != NULL && g_hash_table_contains(taken, name)) {
		rc = fw_cli_fail("watch", "[topic %s] is already in %s: choose another --name", name,
		                 cfg->path);
		goto out;
	}
	key = name ? g_strdup(name) : watch_name(query, taken, title ? NULL : &made_title);
	if (made_title != NULL)
		title = made_title;   /* the words the name could not keep */
	/* a value that starts with # or ; is written right after the = */
	{
		GString *b = g_string_new(NULL);

		g_string_append_printf(b, "\n# Added by feedwatch watch\n[topic %s]\nquery =%s%s\n", key,
		                       strchr("#;", *query) ? "" : " ", query);
		if (title)
			g_string_append_printf(b, "name =%s%s\n", strchr("#;", *title) ? "" : " ", title);
		block = g_string_free(b, FALSE);
	}
	want = (struct watch_want){ key, query, title, cfg->path };
	if (dry_run) {
		fputs(block + 1, stdout);
	} else if (!fw_cli_config_append("watch", cfg->path, block, watch_verify, &want)) {
		rc = 1;
	} else {
		printf("added [topic %s] to %s: query = %s\n", key, cfg->path, query);
		fflush(stdout);
		rc = fw_cli_reload_edited("watch", cfg, NULL);
		if (rc == 0)
			watch_say_found(cfg, key);
		if (rc == 0 && (fw_store_is_pg(cfg->database) ||
		                g_file_test(cfg->database, G_FILE_TEST_EXISTS)))
			printf("what it would have found among the stored items: feedwatch backtest %s\n",
			       key);
	}
out:
	fw_config_free(cfg);
	return rc;
}
