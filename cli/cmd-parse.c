/* feedwatch parse — show how feedwatch reads a feed. See feedwatch(1). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>


#include "cli.h"
#include "hitlog.h"

/* One item as a JSON object on one line. */
static void
print_item_json(const struct fw_feed_doc *doc, const struct fw_item *it)
{
	g_autoptr(JsonBuilder) b = json_builder_new_immutable();

	json_builder_begin_object(b);
	fw_cli_json_str(b, "id", it->id);
	fw_cli_json_str(b, "title", it->title);
	fw_cli_json_str(b, "link", it->link);
	fw_cli_json_time(b, "published", it->published, FALSE);
	fw_cli_json_time(b, "updated", it->updated, FALSE);
	fw_cli_json_str(b, "author", it->author);
	json_builder_set_member_name(b, "categories");
	json_builder_begin_array(b);
	for (guint i = 0; i < it->categories->len; i++)
		json_builder_add_string_value(b, it->categories->pdata[i]);
	json_builder_end_array(b);
	fw_cli_json_str(b, "summary", it->summary);
	fw_cli_json_str(b, "content", it->content);
	fw_cli_json_str(b, "feed_title", doc->title);
	json_builder_end_object(b);
	fw_cli_json_puts(b);
}

/* "  label      value": value cleaned for the terminal and cut to max
 * characters on a character boundary (with "…"), its words wrapped at width
 * (0: not) under itself; nothing for NULL. */
static void
print_field(const char *label, const char *value, guint max, guint width)
{
	g_autofree char *clean = NULL, *lead = NULL;
	g_autoptr(GString) out = g_string_new(NULL);

	if (value == NULL)
		return;
	clean = fw_cli_term_cut(value, max);
	lead = g_strdup_printf("  %-10s ", label);
	fw_hitlog_wrap(out, clean, width, lead, "             ");
	fputs(out->str, stdout);
}

/* "  label      2024-11-26 14:05:00 +0100" (local time); nothing for no time. */
static void
print_time(const char *label, gint64 t)
{
	if (t != FW_TIME_NONE) {
		g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(t);
		g_autofree char *s = dt ? g_date_time_format(dt, "%Y-%m-%d %H:%M:%S %z") : NULL;
		printf("  %-10s %s\n", label, s ? s : "?");
	}
}

/* Parses the feed in argv[1] and prints its title and items, the fields as
 * text (wrapped at the terminal's width when stdout is one; summary and
 * content cut at 300 characters) or one JSON object an item. */
int
fw_cmd_parse(const struct fw_cmd_entry *cmd, int argc, char **argv)
{
	static char *format;
	static const GOptionEntry entries[] = {
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format, "text or json", "FORMAT" },
		{ NULL }
	};
	g_autoptr(GError) err = NULL;
	struct fw_feed_doc *doc;
	gboolean json;
	guint width = isatty(STDOUT_FILENO) ? fw_cli_term_width() : 0;

	if (!fw_cli_parse_options(cmd, entries, &argc, &argv))
		return FW_EXIT_USAGE;
	if (argc != 2)
		return fw_cli_usage("give one FILE, URL or - (%s)", "stdin");
	if (format != NULL && strcmp(format, "json") != 0 && strcmp(format, "text") != 0)
		return fw_cli_usage("unknown format '%s' (text, json)", format);
	json = format != NULL && strcmp(format, "json") == 0;
	doc = fw_cli_read_feed(argv[1], &err);
	if (doc == NULL) {
		fprintf(stderr, "feedwatch parse: %s: %s\n", argv[1], err->message);
		return 1;
	}
	if (doc->degraded)
		fprintf(stderr, "feedwatch parse: %s: feed read despite a problem: %s\n", argv[1],
		        doc->warning ? doc->warning : "");
	if (!json) {
		g_autofree char *title = fw_cli_term_cut(doc->title ? doc->title : "(no title)", G_MAXUINT);
		g_autofree char *head = g_strdup_printf("feed: %s (%u item%s)", title, doc->items->len,
		                                        doc->items->len == 1 ? "" : "s");
		g_autoptr(GString) out = g_string_new(NULL);

		fw_hitlog_wrap(out, head, width, "", "      ");
		fputs(out->str, stdout);
	}
	for (guint i = 0; i < doc->items->len; i++) {
		const struct fw_item *it = doc->items->pdata[i];
		g_autofree char *title = NULL;
		g_autoptr(GString) out = g_string_new(NULL);

		if (json) {
			print_item_json(doc, it);
			continue;
		}
		title = fw_cli_term_cut(it->title ? it->title : "(no title)", G_MAXUINT);
		fw_hitlog_wrap(out, title, width, "", "");
		printf("\n%s", out->str);
		print_field("id", it->id, G_MAXUINT, width);
		print_field("link", it->link, G_MAXUINT, width);
		print_time("published", it->published);
		print_time("updated", it->updated);
		print_field("author", it->author, G_MAXUINT, width);
		for (guint c = 0; c < it->categories->len; c++)
			print_field("category", it->categories->pdata[c], G_MAXUINT, width);
		print_field("summary", it->summary, 300, width);
		print_field("content", it->content, 300, width);
	}
	fw_feed_doc_free(doc);
	return 0;
}
