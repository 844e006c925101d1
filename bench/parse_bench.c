/* parse_bench — times fw_feed_parse over feed files, for `make bench`.
 *
 *   parse_bench [-r PASSES] FILE...
 *
 * Reads every file into memory first, then parses them all PASSES times
 * (default 1), printing one line a pass:
 *   pass P files N bytes B items I failed F seconds S
 * S covers fw_feed_parse and fw_feed_doc_free only (no file I/O). Each file
 * is given the base URL http://127.0.0.1/NAME, as a fetch of it would. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "feedwatch/feed.h"

struct input {
	char *name;
	char *data;
	gsize len;
	char *base_url;
};

/* Parses every input once; returns the seconds spent and adds up the counts. */
static double
parse_pass(const struct input *in, guint n, guint64 *bytes, guint64 *items, guint *failed)
{
	gint64 t0 = g_get_monotonic_time();

	for (guint i = 0; i < n; i++) {
		g_autoptr(GError) err = NULL;
		struct fw_feed_doc *doc = fw_feed_parse(in[i].data, in[i].len, in[i].base_url, NULL, &err);

		*bytes += in[i].len;
		if (doc == NULL) {
			if (*failed == 0)
				fprintf(stderr, "parse_bench: %s: %s\n", in[i].name, err->message);
			(*failed)++;
			continue;
		}
		*items += doc->items->len;
		fw_feed_doc_free(doc);
	}
	return (g_get_monotonic_time() - t0) / 1e6;
}

int
main(int argc, char **argv)
{
	guint passes = 1, first = 1;
	struct input *in;
	guint n = 0;

	if (argc > 2 && strcmp(argv[1], "-r") == 0) {
		passes = (guint)strtoul(argv[2], NULL, 10);
		first = 3;
	}
	if (passes < 1 || passes > 1000 || argc <= (int)first) {
		fprintf(stderr, "usage: parse_bench [-r PASSES] FILE...\n");
		return 2;
	}
	in = g_new0(struct input, argc - first);
	for (int a = (int)first; a < argc; a++) {
		g_autoptr(GError) err = NULL;
		g_autofree char *base = g_path_get_basename(argv[a]);

		if (!g_file_get_contents(argv[a], &in[n].data, &in[n].len, &err)) {
			fprintf(stderr, "parse_bench: %s\n", err->message);
			return 1;
		}
		in[n].name = argv[a];
		in[n].base_url = g_strdup_printf("http://127.0.0.1/feeds/%s", base);
		n++;
	}
	for (guint p = 1; p <= passes; p++) {
		guint64 bytes = 0, items = 0;
		guint failed = 0;
		double s = parse_pass(in, n, &bytes, &items, &failed);

		printf("pass %u files %u bytes %" G_GUINT64_FORMAT " items %" G_GUINT64_FORMAT
		       " failed %u seconds %.6f\n", p, n, bytes, items, failed, s);
		fflush(stdout);
	}
	for (guint i = 0; i < n; i++) {
		g_free(in[i].data);
		g_free(in[i].base_url);
	}
	g_free(in);
	return 0;
}
