/* feedwatch unwatch — remove a topic from the config. See feedwatch(1). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* The comment `feedwatch watch` writes above a group. */
#define UNWATCH_MARK "# Added by feedwatch watch"

/* The byte offsets of the lines of text (len bytes): lines->len + 1 of
 * them, the last at len. New. */
static GArray *
unwatch_lines(const char *text, gsize len)
{
	GArray *at = g_array_new(FALSE, FALSE, sizeof(gsize));
	gsize o = 0;

	g_array_append_val(at, o);
	for (const char *p = text; (p = memchr(p, '\n', len - (gsize)(p - text))) != NULL; p++) {
		o = (gsize)(p - text) + 1;
		if (o < len)
			g_array_append_val(at, o);
	}
	g_array_append_val(at, len);
	return at;
}

/* Line i of text (0-based), its start and length without its newline. */
static const char *
unwatch_line(const char *text, const GArray *at, guint i, gsize *n)
{
	gsize a = g_array_index(at, gsize, i), b = g_array_index(at, gsize, i + 1);

	while (b > a && (text[b - 1] == '\n' || text[b - 1] == '\r'))
		b--;
	*n = b - a;
	return text + a;
}

/* What a line is: 0 blank or a comment, 1 a key, 2 a group header. */
static int
unwatch_kind(const char *s, gsize n)
{
	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	if (n == 0 || *s == '#' || *s == ';')
		return 0;
	return *s == '[' ? 2 : 1;
}

/* The lines [*from, *to) that hold the group whose header is on line head
 * (0-based): the header, up to its last key (comments and blank lines after
 * it stay: they may be the next group's), and above it the comment watch
 * wrote with the blank line before that. */
static void
unwatch_span(const char *text, const GArray *at, guint head, guint *from, guint *to)
{
	guint lines = at->len - 1;
	gsize n = 0;
	const char *s;

	*to = head + 1;
	for (guint i = head + 1; i < lines; i++) {
		const char *line = unwatch_line(text, at, i, &n);
		int k = unwatch_kind(line, n);

		if (k == 2)
			break;
		if (k == 1)
			*to = i + 1;
	}
	*from = head;
	if (head > 0 && (s = unwatch_line(text, at, head - 1, &n)) != NULL &&
	    n == strlen(UNWATCH_MARK) && memcmp(s, UNWATCH_MARK, n) == 0) {
		*from = head - 1;
		if (*from > 0 && (s = unwatch_line(text, at, *from - 1, &n)) != NULL && n == 0)
			(*from)--;
	}
}

/* Writes text to the file at path (its real path: a symbolic link stays one)
 * by a new file renamed over it, with its mode; FALSE with the reason printed. */
static gboolean
unwatch_write(const char *path, const char *text, gsize len)
{
	g_autofree char *real = realpath(path, NULL), *dir = NULL, *tmp = NULL;
	struct stat st;
	int fd;

	if (real == NULL || stat(real, &st) != 0) {
		fw_cli_fail("unwatch", "%s: %s", path, g_strerror(errno));
		return FALSE;
	}
	dir = g_path_get_dirname(real);
	tmp = g_build_filename(dir, ".feedwatch-edit-XXXXXX", NULL);
	if ((fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, st.st_mode & 07777)) < 0) {
		fw_cli_fail("unwatch", "cannot write in %s: %s", dir, g_strerror(errno));
		return FALSE;
	}
	if (write(fd, text, len) != (gssize)len || fchmod(fd, st.st_mode & 07777) != 0 ||
	    fsync(fd) != 0 || close(fd) != 0 || rename(tmp, real) != 0) {
		fw_cli_fail("unwatch", "cannot write %s: %s", real, g_strerror(errno));
		unlink(tmp);
		return FALSE;
	}
	return TRUE;
}

/* The keys of cfg's topics, NULL-terminated (the strings are cfg's). */
static const char **
unwatch_keys(const struct fw_config *cfg)
{
	const char **keys = g_new0(const char *, cfg->topics->len + 1);

	for (guint i = 0; i < cfg->topics->len; i++)
		keys[i] = ((struct fw_topic_conf *)cfg->topics->pdata[i])->key;
	return keys;
}

/* Removes the topic argv[1] from the config: its [topic NAME] group (from
 * its header to its last key), the file replaced whole once the config
 * without it loads; its hits stay in the hit log. */
int
fw_cmd_unwatch(const struct fw_cmd_entry *cmd, int argc, char **argv)
{
	static gboolean dry_run;
	static const GOptionEntry entries[] = {
		{ "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run, "Print the lines that would be removed; change nothing", NULL },
		{ NULL }
	};
	g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) err = NULL;
	g_autoptr(GArray) at = NULL;
	g_autoptr(GString) out = NULL;
	g_autofree const char **keys = NULL;
	g_autofree char *text = NULL;
	const struct fw_topic_conf *t = NULL;
	struct fw_config *cfg, *without = NULL;
	guint from, to;
	gsize len = 0;
	int rc = 1;

	if (!fw_cli_parse_options(cmd, entries, &argc, &argv))
		return FW_EXIT_USAGE;
	if (argc != 2)
		return fw_cli_usage("give one TOPIC (%s)", "the NAME of its [topic NAME]");
	if ((cfg = fw_cli_load_config()) == NULL)
		return 1;
	for (guint i = 0; i < cfg->topics->len && t == NULL; i++)
		if (strcmp(((struct fw_topic_conf *)cfg->topics->pdata[i])->key, argv[1]) == 0)
			t = cfg->topics->pdata[i];
	if (t == NULL) {
		const char *near;

		keys = unwatch_keys(cfg);
		near = fw_cli_nearest(argv[1], keys, cfg->topics->len);
		fw_cli_fail("unwatch", "no [topic %s] in %s%s%s%s", argv[1], cfg->path,
		            near ? " (did you mean " : "", near ? near : "", near ? "?)" : "");
		goto out;
	}
	if (!g_file_get_contents(cfg->path, &text, &len, &err)) {
		fw_cli_fail("unwatch", "%s", err->message);
		goto out;
	}
	at = unwatch_lines(text, len);
	if (t->line < 1 || (guint)t->line > at->len - 1) {
		fw_cli_fail("unwatch", "%s changed while it was read: nothing written", cfg->path);
		goto out;
	}
	unwatch_span(text, at, (guint)t->line - 1, &from, &to);
	out = g_string_new_len(text, (gssize)g_array_index(at, gsize, from));
	g_string_append_len(out, text + g_array_index(at, gsize, to),
	                    (gssize)(len - g_array_index(at, gsize, to)));
	if (dry_run) {
		fwrite(text + g_array_index(at, gsize, from), 1,
		       g_array_index(at, gsize, to) - g_array_index(at, gsize, from), stdout);
		rc = 0;
		goto out;
	}
	/* The config without it must load, and lack that topic alone. */
	without = fw_config_load_data(cfg->path, out->str, out->len, errors, &err);
	if (without == NULL || without->topics->len + 1 != cfg->topics->len ||
	    without->feeds->len != cfg->feeds->len) {
		for (guint i = 0; i < errors->len; i++)
			fprintf(stderr, "%s\n", (char *)errors->pdata[i]);
		fw_cli_fail("unwatch", "%s would not read as it did less [topic %s]: nothing written "
		            "(remove the group by hand)", cfg->path, t->key);
		goto out;
	}
	if (!unwatch_write(cfg->path, out->str, out->len))
		goto out;
	printf("removed [topic %s] from %s (its hits stay in the hit log)\n", argv[1], cfg->path);
	fflush(stdout);
	rc = fw_cli_reload_edited("unwatch", cfg, NULL);
out:
	fw_config_free(without);
	fw_config_free(cfg);
	return rc;
}
