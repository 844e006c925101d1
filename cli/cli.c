/* cli — what the commands of the feedwatch tool share. See cli/cli.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <gio/gio.h>

#include "feedwatch/fetch.h"
#include "feedwatch/lock.h"

#include "cli.h"

/* ---- options and errors ------------------------------------------------ */

gboolean
fw_cli_parse_options(const struct fw_cmd_entry *cmd, const GOptionEntry *entries, int *argc,
                     char ***argv)
{
	g_autofree char *prg = g_strdup_printf("feedwatch %s", cmd->name);
	g_autoptr(GOptionContext) ctx = g_option_context_new(cmd->synopsis);
	g_autoptr(GError) err = NULL;

	g_set_prgname(prg);   /* "Usage: feedwatch hits [OPTION…]" */

	g_option_context_set_summary(ctx, cmd->help);
	if (entries != NULL)
		g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_add_main_entries(ctx, fw_cli_common_entries, NULL);
	if (!g_option_context_parse(ctx, argc, argv, &err)) {
		fprintf(stderr, "feedwatch %s: %s\nTry 'feedwatch %s --help'.\n", cmd->name,
		        err->message, cmd->name);
		return FALSE;
	}
	return TRUE;
}

int
fw_cli_usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "feedwatch: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'feedwatch --help'.\n");
	return FW_EXIT_USAGE;
}

int
fw_cli_fail(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *msg = NULL;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	fprintf(stderr, "feedwatch %s: %s\n", cmd, msg);
	return 1;
}

gboolean
fw_cli_hit_id(const char *s, gint64 *out)
{
	char *end;

	*out = g_ascii_strtoll(s, &end, 10);
	return *s != '\0' && *end == '\0' && *out > 0;
}

gint64
fw_cli_now(void)
{
	return g_get_real_time() / G_USEC_PER_SEC;
}

/* ---- config and store -------------------------------------------------- */

struct fw_config *
fw_cli_load_config(void)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *path = fw_config_find(fw_cli_opt_config, &err);
	struct fw_config *cfg;

	if (path == NULL) {
		fprintf(stderr, "feedwatch: %s\n", err->message);
		return NULL;
	}
	cfg = fw_config_load(path, errors, &err);
	if (cfg == NULL) {
		for (guint i = 0; i < errors->len; i++)
			fprintf(stderr, "%s\n", (char *)errors->pdata[i]);
		fprintf(stderr, "feedwatch: %s\n", err->message);
	}
	return cfg;
}

gboolean
fw_cli_db_open_store(struct fw_cli_db *db, struct fw_config *cfg)
{
	g_autoptr(GError) err = NULL;

	db->cfg = cfg;
	db->store = fw_store_open(cfg->database, &err);
	if (db->store == NULL) {
		fprintf(stderr, "feedwatch: %s\n", err->message);
		fw_cli_db_close(db, 1);
		return FALSE;
	}
	return TRUE;
}

gboolean
fw_cli_db_open(struct fw_cli_db *db)
{
	struct fw_config *cfg;

	memset(db, 0, sizeof *db);
	cfg = fw_cli_load_config();
	return cfg != NULL && fw_cli_db_open_store(db, cfg);
}

int
fw_cli_db_close(struct fw_cli_db *db, int rc)
{
	fw_store_free(db->store);
	fw_config_free(db->cfg);
	memset(db, 0, sizeof *db);
	return rc;
}

/* ---- the terminal ------------------------------------------------------ */

gboolean
fw_cli_use_color(void)
{
	const char *nc = g_getenv("NO_COLOR");

	return isatty(STDOUT_FILENO) && (nc == NULL || *nc == '\0');
}

guint
fw_cli_term_width(void)
{
	struct winsize ws;
	const char *cols = g_getenv("COLUMNS");

	if (cols != NULL && atoi(cols) > 0)
		return (guint)atoi(cols);
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 100;
}

char *
fw_cli_term_cut(const char *s, guint max)
{
	g_autofree char *v = g_utf8_make_valid(s ? s : "", -1);
	GString *out = g_string_new(NULL);
	guint n = 0, len;

	for (char *p = v; *p; p = g_utf8_next_char(p))
		if (g_unichar_iscntrl(g_utf8_get_char(p)))
			*p = ' ';
	len = (guint)g_utf8_strlen(v, -1);
	for (const char *p = v; *p && max > 0; p = g_utf8_next_char(p), n++) {
		if (len > max && n + 1 >= max) {
			g_string_append(out, "…");
			break;
		}
		g_string_append_unichar(out, g_utf8_get_char(p));
	}
	return g_string_free(out, FALSE);
}

gchar **
fw_cli_browser_argv(const char *url, GError **error)
{
	const char *browser = g_getenv("BROWSER");
	g_autoptr(GStrvBuilder) b = g_strv_builder_new();

	if (browser != NULL && *browser != '\0') {
		g_auto(GStrv) list = g_strsplit(browser, ":", 2);
		g_auto(GStrv) words = NULL;
		gboolean placed = FALSE;

		if (!g_shell_parse_argv(list[0], NULL, &words, error))
			return NULL;
		for (int i = 0; words[i] != NULL; i++) {
			if (strstr(words[i], "%s") != NULL) {
				g_autoptr(GString) w = g_string_new(words[i]);

				g_string_replace(w, "%s", url, 0);
				g_strv_builder_add(b, w->str);
				placed = TRUE;
			} else {
				g_strv_builder_add(b, words[i]);
			}
		}
		if (!placed)
			g_strv_builder_add(b, url);
	} else {
		g_strv_builder_add_many(b, "xdg-open", url, NULL);
	}
	return g_strv_builder_end(b);
}

/* ---- JSON -------------------------------------------------------------- */

void
fw_cli_json_str(JsonBuilder *b, const char *name, const char *v)
{
	json_builder_set_member_name(b, name);
	if (v)
		json_builder_add_string_value(b, v);
	else
		json_builder_add_null_value(b);
}

void
fw_cli_json_time(JsonBuilder *b, const char *name, gint64 t, gboolean zero_is_none)
{
	g_autoptr(GDateTime) dt = NULL;
	g_autofree char *s = NULL;

	if (t != FW_TIME_NONE && !(t == 0 && zero_is_none))
		dt = g_date_time_new_from_unix_utc(t);
	if (dt != NULL)
		s = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");
	fw_cli_json_str(b, name, s);
}

void
fw_cli_json_puts(JsonBuilder *b)
{
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = json_builder_get_root(b);
	g_autofree char *out = NULL;

	json_generator_set_root(gen, root);
	out = json_generator_to_data(gen, NULL);
	puts(out);
}

/* ---- feeds and files --------------------------------------------------- */

char *
fw_cli_read_stdin(gsize max, gsize *len)
{
	GString *s = g_string_new(NULL);
	char buf[65536];
	size_t n;

	while ((max == 0 || s->len <= max) && (n = fread(buf, 1, sizeof buf, stdin)) > 0)
		g_string_append_len(s, buf, n);
	*len = s->len;
	return g_string_free(s, FALSE);
}

/* One GET on a main loop of its own. */
struct fetched {
	GMainLoop *loop;
	GBytes *body;
	char *final_url;
	char *content_type;
	char *error;
};

static void
fetched_cb(struct fw_fetch_result *r, gpointer data)
{
	struct fetched *f = data;

	if (r->error != NULL)
		f->error = g_strdup(r->error);
	else
		f->body = g_steal_pointer(&r->body);
	f->final_url = g_strdup(r->final_url ? r->final_url : r->url);
	f->content_type = g_strdup(r->content_type);
	g_main_loop_quit(f->loop);
}

static void
fetched_clear(struct fetched *f)
{
	if (f->body)
		g_bytes_unref(f->body);
	g_free(f->final_url);
	g_free(f->content_type);
	g_free(f->error);
	memset(f, 0, sizeof *f);
}

/* GETs url (http, https); FALSE with f->error set when it fails. Clear f
 * with fetched_clear. */
static gboolean
fetch_url(const char *url, gint64 timeout, gint64 max_size, struct fetched *f)
{
	struct fw_fetch_opts o = { .max_parallel = 1, .max_per_host = 1,
	                           .timeout = timeout > 0 ? timeout : 30,
	                           .max_size = max_size > 0 ? max_size : 10 * 1024 * 1024 };
	struct fw_fetcher *ft;

	memset(f, 0, sizeof *f);
	f->loop = g_main_loop_new(NULL, FALSE);
	ft = fw_fetcher_new(NULL, &o, fetched_cb, f);
	fw_fetcher_add(ft, url, NULL, NULL, NULL);
	g_main_loop_run(f->loop);
	fw_fetcher_free(ft);
	g_main_loop_unref(f->loop);
	f->loop = NULL;
	if (f->error == NULL && f->body == NULL)
		f->error = g_strdup("empty answer");
	return f->error == NULL;
}

struct fw_feed_doc *
fw_cli_fetch_feed(const char *url, gint64 timeout, gint64 max_size, char **final_url,
                  GBytes **body, GError **error)
{
	struct fetched f;
	struct fw_feed_doc *doc = NULL;

	if (!fetch_url(url, timeout, max_size, &f)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", f.error);
	} else {
		gsize n = 0;
		const char *d = g_bytes_get_data(f.body, &n);

		doc = fw_feed_parse(d ? d : "", n, f.final_url, f.content_type, error);
		if (final_url)
			*final_url = g_strdup(f.final_url);
		if (body)
			*body = g_bytes_ref(f.body);
	}
	fetched_clear(&f);
	return doc;
}

struct fw_feed_doc *
fw_cli_read_feed(const char *src, GError **error)
{
	g_autofree char *data = NULL, *abs = NULL, *uri = NULL;
	gsize len = 0;

	if (strcmp(src, "-") == 0) {
		data = fw_cli_read_stdin(0, &len);
		return fw_feed_parse(data, len, NULL, NULL, error);
	}
	if (g_str_has_prefix(src, "http://") || g_str_has_prefix(src, "https://")) {
		GError *err = NULL;
		struct fw_feed_doc *doc = fw_cli_fetch_feed(src, 30, 10 * 1024 * 1024, NULL, NULL, &err);

		if (doc == NULL && g_error_matches(err, G_IO_ERROR, G_IO_ERROR_FAILED))
			g_prefix_error(&err, "%s: ", src);
		if (err != NULL)
			g_propagate_error(error, err);
		return doc;
	}
	if (!g_file_get_contents(src, &data, &len, error))
		return NULL;
	abs = g_canonicalize_filename(src, NULL);
	uri = g_filename_to_uri(abs, NULL, NULL);
	return fw_feed_parse(data, len, uri, NULL, error);
}

/* ---- editing the config ------------------------------------------------ */

gboolean
fw_cli_config_append(const char *cmd, const char *path, const char *block)
{
	g_autofree char *text = NULL, *dir = g_path_get_dirname(path), *tmp = NULL;
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GString) all = NULL;
	gsize len = 0;
	struct fw_config *check;
	FILE *f;
	int fd;

	if (!g_file_get_contents(path, &text, &len, &err)) {
		fw_cli_fail(cmd, "%s", err->message);
		return FALSE;
	}
	all = g_string_new_len(text, (gssize)len);
	if (len > 0 && text[len - 1] != '\n')
		g_string_append_c(all, '\n');
	g_string_append(all, block);
	/* The new text, checked by the real loader from the same folder. */
	tmp = g_build_filename(dir, ".feedwatch-check-XXXXXX", NULL);
	if ((fd = g_mkstemp(tmp)) < 0 || write(fd, all->str, all->len) != (ssize_t)all->len) {
		fw_cli_fail(cmd, "cannot check the new config in %s: %s", dir, g_strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		return FALSE;
	}
	close(fd);
	check = fw_config_load(tmp, errors, &err);
	unlink(tmp);
	if (check == NULL) {
		for (guint i = 0; i < errors->len; i++)
			fprintf(stderr, "%s\n", (char *)errors->pdata[i]);
		fw_cli_fail(cmd, "%s would not load with the new feeds: nothing written", path);
		return FALSE;
	}
	fw_config_free(check);
	if ((f = fopen(path, "a")) == NULL) {
		fw_cli_fail(cmd, "cannot write %s: %s", path, g_strerror(errno));
		return FALSE;
	}
	if (len > 0 && text[len - 1] != '\n')
		fputc('\n', f);
	fputs(block, f);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0) {
		fw_cli_fail(cmd, "cannot write %s: %s", path, g_strerror(errno));
		return FALSE;
	}
	return TRUE;
}

void
fw_cli_config_taken(const struct fw_config *cfg, GHashTable *names, GHashTable *urls)
{
	for (guint i = 0; i < cfg->feeds->len; i++) {
		const struct fw_feed_conf *fc = cfg->feeds->pdata[i];
		g_hash_table_add(names, g_strdup(fc->key));
		if (fc->url)
			g_hash_table_insert(urls, fw_store_canonical_link(fc->url), g_strdup(fc->key));
	}
}

void
fw_cli_reload_hint(const struct fw_config *cfg)
{
	pid_t pid = fw_lock_holder(cfg->database);

	if (pid > 0)
		printf("feedwatchd (pid %ld) is running: 'feedwatch reload' makes it read them\n",
		       (long)pid);
}
