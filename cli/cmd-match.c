/* feedwatch match — try a query on a feed or on text, and say why. See feedwatch(1). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "feedwatch/match.h"
#include "feedwatch/topic.h"

#include "cli.h"
#include "hitlog.h"

/* The word a span covers, cleaned for the terminal. Caller frees. */
static char *
span_word(const struct fw_doc *d, const struct fw_span *sp)
{
	const char *f = d->field[sp->field] ? d->field[sp->field] : "";
	const char *a = g_utf8_offset_to_pointer(f, sp->start);
	const char *b = g_utf8_offset_to_pointer(f, sp->end);
	g_autofree char *w = g_strndup(a, b - a);

	return fw_cli_term_cut(w, 80);
}

/* Appends each span as field:start-end "word" (-v). */
static void
spans_offsets(const struct fw_doc *d, const GArray *spans, GString *m)
{
	for (guint s = 0; s < spans->len; s++) {
		const struct fw_span *sp = &g_array_index(spans, struct fw_span, s);
		g_autofree char *w = span_word(d, sp);

		g_string_append_printf(m, "%s%s:%u-%u \"%s\"", s ? " " : "",
		                       fw_field_name(sp->field), sp->start, sp->end, w);
	}
}

/* Appends the words matched, each once (case aside) with the fields it is
 * in and how often when more than once: "Milei" in title, content (3). */
static void
spans_words(const struct fw_doc *d, const GArray *spans, GString *m)
{
	g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) folds = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GArray) counts = g_array_new(FALSE, TRUE, sizeof(guint) * FW_FIELD_COUNT);

	for (guint s = 0; s < spans->len; s++) {
		const struct fw_span *sp = &g_array_index(spans, struct fw_span, s);
		char *w = span_word(d, sp), *f = g_utf8_casefold(w, -1);
		guint k = 0;

		while (k < folds->len && strcmp(folds->pdata[k], f) != 0)
			k++;
		if (k == folds->len) {
			g_ptr_array_add(words, w);
			g_ptr_array_add(folds, f);
			g_array_set_size(counts, k + 1);
		} else {
			g_free(w);
			g_free(f);
		}
		((guint *)(void *)(counts->data + k * sizeof(guint) * FW_FIELD_COUNT))[sp->field]++;
	}
	for (guint k = 0; k < words->len; k++) {
		const guint *n = (const guint *)(void *)(counts->data + k * sizeof(guint) * FW_FIELD_COUNT);
		gboolean first = TRUE;

		g_string_append_printf(m, "%s\"%s\" in", k ? "; " : "", (char *)words->pdata[k]);
		for (int f = 0; f < FW_FIELD_COUNT; f++) {
			if (n[f] == 0)
				continue;
			g_string_append_printf(m, "%s %s", first ? "" : ",", fw_field_name(f));
			if (n[f] > 1)
				g_string_append_printf(m, " (%u)", n[f]);
			first = FALSE;
		}
	}
}

/* Appends one item's match (title, link, marked snippet, matched words;
 * with verbose, each span's field and character offsets) or, with why, its
 * miss and the reason, to out; words wrapped at width (0: not). Returns
 * TRUE when it matched. */
static gboolean
match_one(const struct fw_query *q, const struct fw_item *it, const char *feed_title,
          gboolean why, gboolean color, guint width, GString *out)
{
	g_autofree char *cats = NULL;
	struct fw_doc d;
	GArray *spans;
	const char *name = it->title ? it->title : it->id;
	g_autofree char *t = fw_cli_term_cut(name, 200);

	fw_doc_from_item(&d, it, NULL, feed_title, &cats);
	spans = fw_query_match(q, &d);
	if (spans == NULL) {
		if (why) {
			g_autofree char *reason = fw_query_explain(q, &d);
			g_autofree char *r = fw_cli_term_cut(reason ? reason : "?", G_MAXUINT);
			g_autofree char *lead = g_strdup_printf("%sno match:%s ", color ? "\033[2m" : "",
			                                        color ? "\033[0m" : "");
			g_autofree char *link = it->link ? fw_cli_term_cut(it->link, G_MAXUINT) : NULL;

			fw_hitlog_wrap(out, t, width, lead, "  ");
			if (link)
				fw_hitlog_wrap(out, link, width, "  ", "  ");
			fw_hitlog_wrap(out, r, width, "  why not: ", "    ");
			g_string_append_c(out, '\n');
		}
		return FALSE;
	}
	{
		struct fw_snippet *sn = fw_snippet_make(&d, spans, 200);
		g_autofree char *snip = sn ? fw_cli_snippet_marked(sn, 1000, color) : NULL;
		g_autofree char *link = it->link ? fw_cli_term_cut(it->link, G_MAXUINT) : NULL;
		g_autoptr(GString) m = g_string_new(NULL);

		fw_hitlog_wrap(out, t, width, "", "  ");
		if (link)
			fw_hitlog_wrap(out, link, width, "  ", "  ");
		if (snip)
			fw_hitlog_wrap(out, snip, width, "  ", "  ");
		if (fw_cli_opt_verbose)
			spans_offsets(&d, spans, m);
		else
			spans_words(&d, spans, m);
		fw_hitlog_wrap(out, m->str, width, "  matched: ", "    ");
		if (why) {
			g_autofree char *reason = fw_query_explain(q, &d);
			g_autofree char *r = fw_cli_term_cut(reason ? reason : "?", G_MAXUINT);

			fw_hitlog_wrap(out, r, width, "  why: ", "    ");
		}
		g_string_append_c(out, '\n');
		fw_snippet_free(sn);
	}
	g_array_unref(spans);
	return TRUE;
}

/* Matches the query argv[1] against every item of a feed (a file, a URL or
 * stdin; text that is no feed is one item) and prints the matches, wrapped
 * at the terminal's width when stdout is one. */
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
	guint width = isatty(STDOUT_FILENO) ? fw_cli_term_width() : 0;
	g_autoptr(GString) out = g_string_new(NULL);

	if (!fw_cli_parse_options(cmd, entries, &argc, &argv))
		return FW_EXIT_USAGE;
	if (argc < 2 || argc > 3)
		return fw_cli_usage("give a QUERY and a FILE, URL or - (%s)", "stdin");
	src = argc == 3 ? argv[2] : "-";
	q = fw_query_parse(argv[1], &col, &err);
	if (q == NULL)
		return fw_cli_query_error("match", argv[1], col, err->message);
	fw_cli_query_hint("match", argv[1]);
	if (strcmp(src, "-") == 0 || !g_str_has_prefix(src, "http")) {
		/* A file or standard input: a feed, else plain text (one item). */
		gsize len = 0;

		if (strcmp(src, "-") == 0) {
			if (argc == 2 && isatty(STDIN_FILENO))
				fprintf(stderr, "feedwatch match: no FILE or URL: reading the text to match "
				        "from the terminal (Ctrl-D ends it)\n");
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
		for (guint i = 0; i < doc->items->len; i++) {
			hits += match_one(q, doc->items->pdata[i], doc->title, why, color, width, out);
			fputs(out->str, stdout);
			g_string_truncate(out, 0);
		}
		total = doc->items->len;
	} else {
		struct fw_item it = { 0 };
		g_autofree char *valid = g_utf8_make_valid(text, -1);

		it.id = (char *)"(text)";
		it.content = valid;
		it.published = it.updated = FW_TIME_NONE;
		it.categories = g_ptr_array_new();
		hits = match_one(q, &it, NULL, why, color, width, out);
		fputs(out->str, stdout);
		g_ptr_array_unref(it.categories);
		total = 1;
	}
	printf("%u of %u item%s matched\n", hits, total, total == 1 ? "" : "s");
	fw_feed_doc_free(doc);
	fw_query_free(q);
	return 0;
}
