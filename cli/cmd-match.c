/* feedwatch match — try a query on a feed or on text, and say why. See feedwatch(1). */
#include <stdio.h>
#include <string.h>

#include "feedwatch/match.h"
#include "feedwatch/topic.h"

#include "cli.h"

/* Prints one item's match (title, link, marked snippet, matched words) or,
 * with why, its miss and the reason. Returns TRUE when it matched. */
static gboolean
match_one(const struct fw_query *q, const struct fw_item *it, const char *feed_title,
          gboolean why, gboolean color)
{
	g_autofree char *cats = NULL;
	struct fw_doc d;
	GArray *spans;
	const char *name = it->title ? it->title : it->id;

	fw_doc_from_item(&d, it, feed_title, &cats);
	spans = fw_query_match(q, &d);
	if (spans == NULL) {
		if (why) {
			g_autofree char *reason = fw_query_explain(q, &d);
			g_autofree char *t = fw_cli_term_cut(name, 200);
			printf("%sno match:%s %s\n", color ? "\033[2m" : "", color ? "\033[0m" : "", t);
			if (it->link)
				printf("  %s\n", it->link);
			printf("  why not: %s\n\n", reason ? reason : "?");
		}
		return FALSE;
	}
	{
		struct fw_snippet *sn = fw_snippet_make(&d, spans, 200);
		g_autofree char *text = sn ? fw_snippet_render(sn->text, sn->marks,
		                                               color ? "\033[1m" : "[",
		                                               color ? "\033[0m" : "]", FALSE) : NULL;
		g_autofree char *t = fw_cli_term_cut(name, 200);
		g_autofree char *snip = text ? fw_cli_term_cut(text, 1000) : NULL;

		printf("%s\n", t);
		if (it->link)
			printf("  %s\n", it->link);
		if (snip)
			printf("  %s\n", snip);
		printf("  matched:");
		for (guint s = 0; s < spans->len; s++) {
			const struct fw_span *sp = &g_array_index(spans, struct fw_span, s);
			const char *f = d.field[sp->field] ? d.field[sp->field] : "";
			const char *a = g_utf8_offset_to_pointer(f, sp->start);
			const char *b = g_utf8_offset_to_pointer(f, sp->end);
			g_autofree char *w = g_strndup(a, b - a);
			g_autofree char *wc = fw_cli_term_cut(w, 80);
			printf(" %s:%u-%u \"%s\"", fw_field_name(sp->field), sp->start, sp->end, wc);
		}
		printf("\n");
		if (why) {
			g_autofree char *reason = fw_query_explain(q, &d);
			printf("  why: %s\n", reason ? reason : "?");
		}
		printf("\n");
		fw_snippet_free(sn);
	}
	g_array_unref(spans);
	return TRUE;
}

/* Matches the query argv[1] against every item of a feed (a file, a URL or
 * stdin; text that is no feed is one item) and prints the matches. */
int
fw_cmd_match(const struct fw_cmd_entry *cmd, int argc, char **argv)
{
	static gboolean why;
	static const GOptionEntry entries[] = {
		{ "why", 'w', 0, G_OPTION_ARG_NONE, &why, "Also say why each item did or did not match", NULL },
		{ NULL }
	};
	g_autoptr(GError) err = NULL;
	struct fw_query *q;
	struct fw_feed_doc *doc = NULL;
	g_autofree char *text = NULL;
	const char *src;
	guint col = 0, hits = 0, total;
	gboolean color = fw_cli_use_color();

	if (!fw_cli_parse_options(cmd, entries, &argc, &argv))
		return FW_EXIT_USAGE;
	if (argc < 2 || argc > 3)
		return fw_cli_usage("give a QUERY and a FILE, URL or - (%s)", "stdin");
	src = argc == 3 ? argv[2] : "-";
	q = fw_query_parse(argv[1], &col, &err);
	if (q == NULL) {
		fprintf(stderr, "feedwatch match: query:%u: %s\n    %s\n    %*s^\n", col, err->message,
		        argv[1], (int)(col > 0 ? col - 1 : 0), "");
		return FW_EXIT_USAGE;
	}
	if (strcmp(src, "-") == 0 || !g_str_has_prefix(src, "http")) {
		/* A file or standard input: a feed, else plain text (one item). */
		gsize len = 0;

		if (strcmp(src, "-") == 0) {
			text = fw_cli_read_stdin(0, &len);
		} else if (!g_file_get_contents(src, &text, &len, &err)) {
			fw_query_free(q);
			return fw_cli_fail("match", "%s", err->message);
		}
		doc = fw_feed_parse(text, len, NULL, NULL, &err);
		if (doc == NULL && !g_error_matches(err, FW_FEED_ERROR, FW_FEED_ERROR_NOT_XML)) {
			fw_query_free(q);
			return fw_cli_fail("match", "%s: %s", src, err->message);
		}
	} else if ((doc = fw_cli_read_feed(src, &err)) == NULL) {
		fw_query_free(q);
		return fw_cli_fail("match", "%s: %s", src, err->message);
	}
	if (doc != NULL) {
		for (guint i = 0; i < doc->items->len; i++)
			hits += match_one(q, doc->items->pdata[i], doc->title, why, color);
		total = doc->items->len;
	} else {
		struct fw_item it = { 0 };
		g_autofree char *valid = g_utf8_make_valid(text, -1);

		it.id = (char *)"(text)";
		it.content = valid;
		it.published = it.updated = FW_TIME_NONE;
		it.categories = g_ptr_array_new();
		hits = match_one(q, &it, NULL, why, color);
		g_ptr_array_unref(it.categories);
		total = 1;
	}
	printf("%u of %u item%s matched\n", hits, total, total == 1 ? "" : "s");
	fw_feed_doc_free(doc);
	fw_query_free(q);
	return 0;
}
