/* libFuzzer harness for fw_feed_parse: any bytes in, no crash, no leak, and
 * every item it returns keeps the feed.h contract (valid UTF-8, id set,
 * http(s) links without spaces or controls, the size bounds, a warning when
 * degraded). The first byte picks a Content-Type and base URL. */
#include <stdint.h>
#include <string.h>

#include "feedwatch/feed.h"

static const char *const content_types[] = {
	NULL, "application/rss+xml", "text/xml; charset=iso-8859-1", "text/html; charset=utf-8",
	"application/atom+xml; charset=\"windows-1251\"", "application/json",
};
static const char *const bases[] = {
	NULL, "https://fuzz.example.org/feed/", "file:///tmp/feed.xml", "http://h/a/b?c#d",
};

/* Aborts unless s is NULL or valid UTF-8 of at most max bytes. */
static void check_text(const char *s, size_t max)
{
	if (s && (!g_utf8_validate(s, -1, NULL) || strlen(s) > max))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *ct = NULL, *base = NULL;
	GError *error = NULL;

	if (size > 0) {
		ct = content_types[data[0] % G_N_ELEMENTS(content_types)];
		base = bases[(data[0] >> 4) % G_N_ELEMENTS(bases)];
		data++;
		size--;
	}
	struct fw_feed_doc *doc = fw_feed_parse((const char *)data, size, base, ct, &error);
	if (!doc) {
		if (!error || error->domain != FW_FEED_ERROR)
			__builtin_trap();
		g_error_free(error);
		return 0;
	}
	check_text(doc->title, 4096);
	check_text(doc->link, 4096);
	if (doc->items->len > 10000 || (doc->degraded && !doc->warning))
		__builtin_trap();
	for (guint i = 0; i < doc->items->len; i++) {
		const struct fw_item *it = g_ptr_array_index(doc->items, i);
		if (!it->id || !*it->id || !it->categories || it->categories->len > 64)
			__builtin_trap();
		check_text(it->id, 1024);
		check_text(it->title, 4096);
		check_text(it->author, 1024);
		check_text(it->summary, 1024 * 1024);
		check_text(it->content, 1024 * 1024);
		check_text(it->link, 4096);
		if (it->link && strncmp(it->link, "http://", 7) != 0 && strncmp(it->link, "https://", 8) != 0)
			__builtin_trap();
		for (const char *p = it->link; p && *p; p++)
			if ((unsigned char)*p <= ' ' || *p == 0x7F)
				__builtin_trap();
		for (guint j = 0; j < it->categories->len; j++)
			check_text(g_ptr_array_index(it->categories, j), 1024);
	}
	fw_feed_doc_free(doc);
	return 0;
}
