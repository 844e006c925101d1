/* match_bench — times fw_matcher_match over the items of feed files, for
 * `make bench`.
 *
 *   match_bench [-r PASSES] [-d TEXT] [-w DIR] -t TOPICS.conf [-t ...] FILE...
 *
 * Parses every FILE once (untimed), compiles every `query =` line of each
 * TOPICS.conf into a matcher of its own (set 0, 1, ... in the order given),
 * then matches every item PASSES times (default 1) with each matcher in
 * turn, so that a busy machine slows every set alike. Prints
 *   set S topics T failed F index_bytes X rss_before_kb A rss_after_kb B
 *   pass P set S items I bytes Y hits H seconds S    (a line a pass and set)
 *   hwm_kb M
 * index_bytes is the heap the compiled matcher holds (mallinfo2); rss_* are
 * VmRSS before and after compiling it; Y is the size of the items' text in
 * the default fields, exactly as -d writes it. -d writes that text, one
 * item a line (title, summary, content, categories; tabs and newlines as
 * spaces), for the grep floor; -w writes DIR/words-S.txt: every word and
 * phrase of set S's queries, normalised, one a line (regex terms left out),
 * for `grep -F -w -i -f`. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "feedwatch/feed.h"
#include "feedwatch/match.h"
#include "feedwatch/topic.h"

/* One item ready to match: the doc points into the parsed feed. */
struct bench_item {
	struct fw_doc doc;
	char *cats;
};

/* A /proc/self/status value in kB ("VmRSS", "VmHWM"), or 0. */
static long
status_kb(const char *key)
{
	g_autofree char *text = NULL;
	gsize klen = strlen(key);

	if (!g_file_get_contents("/proc/self/status", &text, NULL, NULL))
		return 0;
	for (char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (strncmp(line, key, klen) == 0 && line[klen] == ':')
			return strtol(line + klen + 1, NULL, 10);
	return 0;
}

/* The categories as one text, one a line, as poll.c gives them to the matcher. */
static char *
join_categories(const GPtrArray *cats)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < cats->len; i++) {
		if (i > 0)
			g_string_append(s, " \n ");
		g_string_append(s, cats->pdata[i]);
	}
	return g_string_free(s, FALSE);
}

/* Appends field text with tabs and line breaks made spaces. */
static void
append_flat(GString *out, const char *text)
{
	if (text == NULL)
		return;
	for (const char *p = text; *p; p++)
		g_string_append_c(out, (*p == '\n' || *p == '\r' || *p == '\t') ? ' ' : *p);
}

/* The item's default-field text as one line (the grep floor's input). */
static void
item_line(GString *out, const struct fw_doc *d)
{
	static const guint fields[] = { FW_FIELD_TITLE, FW_FIELD_SUMMARY, FW_FIELD_CONTENT,
	                                FW_FIELD_CATEGORY };

	for (guint f = 0; f < G_N_ELEMENTS(fields); f++) {
		if (f > 0)
			g_string_append_c(out, '\t');
		append_flat(out, d->field[fields[f]]);
	}
	g_string_append_c(out, '\n');
}

/* Adds the words and phrases of a query node to set (normalised text). */
static void
collect_words(const struct fw_qnode *n, GHashTable *set)
{
	if (n->kind == FW_QNODE_PHRASE) {
		GString *s = g_string_new(NULL);

		for (guint i = 0; i < n->n; i++)
			g_string_append_printf(s, "%s%s", i ? " " : "", n->terms[i].word);
		g_hash_table_add(set, g_string_free(s, FALSE));
		return;
	}
	if (n->kind == FW_QNODE_REGEX)
		return;
	for (guint i = 0; i < (n->kind == FW_QNODE_NOT ? 1 : n->kind == FW_QNODE_NEAR ? 2 : n->n); i++)
		collect_words(n->kids[i], set);
}

/* Reads the `query = ...` lines of a topics file into m; returns the count
 * compiled and sets *failed to the count that did not compile. */
static guint
load_topics(const char *path, struct fw_matcher *m, GHashTable *words, guint *failed)
{
	g_autofree char *text = NULL;
	g_autoptr(GError) err = NULL;
	g_auto(GStrv) lines = NULL;
	guint n = 0;

	if (!g_file_get_contents(path, &text, NULL, &err)) {
		fprintf(stderr, "match_bench: %s\n", err->message);
		exit(1);
	}
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i]; i++) {
		char *l = g_strstrip(lines[i]);
		g_autoptr(GError) qerr = NULL;
		struct fw_query *q;

		if (!g_str_has_prefix(l, "query"))
			continue;
		l = g_strchug(l + 5);
		if (*l != '=')
			continue;
		l = g_strchug(l + 1);
		q = fw_query_parse(l, NULL, &qerr);
		if (q == NULL) {
			if (*failed == 0)
				fprintf(stderr, "match_bench: %s:%u: %s\n", path, i + 1, qerr->message);
			(*failed)++;
			continue;
		}
		if (words)
			collect_words(fw_query_root(q), words);
		fw_matcher_add(m, n++, q);
	}
	return n;
}

/* Writes text to path or exits. */
static void
write_or_die(const char *path, const char *text, gsize len)
{
	g_autoptr(GError) err = NULL;

	if (!g_file_set_contents(path, text, (gssize)len, &err)) {
		fprintf(stderr, "match_bench: %s\n", err->message);
		exit(1);
	}
}

#define MAX_SETS 8

int
main(int argc, char **argv)
{
	guint passes = 1, nsets = 0;
	const char *dump = NULL, *words_dir = NULL, *sets[MAX_SETS];
	struct fw_matcher *m[MAX_SETS];
	g_autoptr(GPtrArray) docs = g_ptr_array_new_with_free_func((GDestroyNotify)fw_feed_doc_free);
	g_autoptr(GArray) items = g_array_new(FALSE, TRUE, sizeof(struct bench_item));
	GString *text = g_string_new(NULL);
	struct fw_matches *r = fw_matches_new();   /* reused item after item */
	int a = 1;

	for (; a + 1 < argc && argv[a][0] == '-'; a += 2) {
		if (strcmp(argv[a], "-r") == 0)
			passes = (guint)strtoul(argv[a + 1], NULL, 10);
		else if (strcmp(argv[a], "-d") == 0)
			dump = argv[a + 1];
		else if (strcmp(argv[a], "-w") == 0)
			words_dir = argv[a + 1];
		else if (strcmp(argv[a], "-t") == 0 && nsets < MAX_SETS)
			sets[nsets++] = argv[a + 1];
		else
			break;
	}
	if (passes < 1 || passes > 1000 || nsets == 0 || a >= argc || argv[a][0] == '-') {
		fprintf(stderr, "usage: match_bench [-r PASSES] [-d TEXT] [-w DIR] -t TOPICS.conf "
		        "[-t TOPICS.conf...] FILE...\n");
		return 2;
	}
	for (int i = a; i < argc; i++) {
		g_autofree char *data = NULL, *base = g_path_get_basename(argv[i]);
		g_autofree char *url = g_strdup_printf("http://127.0.0.1/feeds/%s", base);
		g_autoptr(GError) err = NULL;
		struct fw_feed_doc *doc;
		gsize len;

		if (!g_file_get_contents(argv[i], &data, &len, &err)) {
			fprintf(stderr, "match_bench: %s\n", err->message);
			return 1;
		}
		doc = fw_feed_parse(data, len, url, NULL, &err);
		if (doc == NULL) {
			fprintf(stderr, "match_bench: %s: %s\n", argv[i], err->message);
			continue;
		}
		g_ptr_array_add(docs, doc);
		for (guint k = 0; k < doc->items->len; k++) {
			const struct fw_item *it = doc->items->pdata[k];
			struct bench_item bi = { { { NULL } }, join_categories(it->categories) };

			bi.doc.field[FW_FIELD_TITLE] = it->title;
			bi.doc.field[FW_FIELD_SUMMARY] = it->summary;
			bi.doc.field[FW_FIELD_CONTENT] = it->content;
			bi.doc.field[FW_FIELD_CATEGORY] = bi.cats;
			bi.doc.field[FW_FIELD_AUTHOR] = it->author;
			bi.doc.field[FW_FIELD_FEED] = doc->title;
			bi.doc.field[FW_FIELD_LINK] = it->link;
			g_array_append_val(items, bi);
			item_line(text, &bi.doc);
		}
	}
	if (dump)
		write_or_die(dump, text->str, text->len);

	for (guint s = 0; s < nsets; s++) {
		g_autoptr(GHashTable) words = NULL;
		guint ntopics, failed = 0;
		size_t heap0, heap1;
		long rss0, rss1;

		if (words_dir)
			words = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
		rss0 = status_kb("VmRSS");
		heap0 = mallinfo2().uordblks;
		m[s] = fw_matcher_new();
		ntopics = load_topics(sets[s], m[s], words, &failed);
		heap1 = mallinfo2().uordblks;
		rss1 = status_kb("VmRSS");
		printf("set %u topics %u failed %u index_bytes %zu rss_before_kb %ld rss_after_kb %ld\n",
		       s, ntopics, failed, heap1 > heap0 ? heap1 - heap0 : 0, rss0, rss1);
		if (words) {
			g_autofree char *path = g_strdup_printf("%s/words-%u.txt", words_dir, s);
			GString *w = g_string_new(NULL);
			GHashTableIter it;
			gpointer key;

			g_hash_table_iter_init(&it, words);
			while (g_hash_table_iter_next(&it, &key, NULL))
				g_string_append_printf(w, "%s\n", (char *)key);
			write_or_die(path, w->str, w->len);
			g_string_free(w, TRUE);
		}
	}

	for (guint p = 1; p <= passes; p++) {
		for (guint s = 0; s < nsets; s++) {
			guint64 hits = 0;
			gint64 t0 = g_get_monotonic_time();
			double secs;

			for (guint i = 0; i < items->len; i++)
				hits += fw_matcher_match(m[s], &g_array_index(items, struct bench_item, i).doc,
				                         r);
			secs = (g_get_monotonic_time() - t0) / 1e6;
			printf("pass %u set %u items %u bytes %zu hits %" G_GUINT64_FORMAT " seconds %.6f\n",
			       p, s, items->len, text->len, hits, secs);
			fflush(stdout);
		}
	}
	printf("hwm_kb %ld\n", status_kb("VmHWM"));

	for (guint s = 0; s < nsets; s++)
		fw_matcher_free(m[s]);
	fw_matches_free(r);
	for (guint i = 0; i < items->len; i++)
		g_free(g_array_index(items, struct bench_item, i).cats);
	g_string_free(text, TRUE);
	return 0;
}
