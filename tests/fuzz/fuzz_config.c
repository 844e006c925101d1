/* libFuzzer harness for the config loader (fw_config_load_data): any bytes
 * in, no crash, no leak, and either a config or problems. Contract checked:
 * a failure is FW_CONFIG_ERROR_INVALID with at least one problem, or the
 * G_FILE_ERROR of an over-long text; every problem is valid UTF-8 (it goes
 * to a terminal) and starts "fuzz.conf:LINE[:COL]: " with LINE inside the
 * text; a config has an absolute database path (or a PostgreSQL connection
 * string, kept as written), feeds with a valid name and a url, topics with
 * a valid name, a display name and a query, and each
 * topic's whole query (query ORed with also=) parses. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "feedwatch/config.h"
#include "feedwatch/topic.h"

static void check_problem(const char *p, guint lines)
{
	const char *s;
	char *end;
	long line;

	if (!g_utf8_validate(p, -1, NULL) || !g_str_has_prefix(p, "fuzz.conf:"))
		__builtin_trap();
	s = p + strlen("fuzz.conf:");
	line = strtol(s, &end, 10);
	if (end == s || line < 1 || (guint)line > lines || (*end != ':'))
		__builtin_trap();
	if (end[1] != ' ') {   /* a column, then ": " */
		long col = strtol(end + 1, &end, 10);
		if (col < 1 || end[0] != ':' || end[1] != ' ')
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
	GError *err = NULL;
	struct fw_config *c;
	guint lines = 1;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	c = fw_config_load_data("fuzz.conf", (const char *)data, size, errors, &err);
	if (c == NULL) {
		if (err == NULL)
			__builtin_trap();
		if (err->domain == FW_CONFIG_ERROR) {
			if (err->code != FW_CONFIG_ERROR_INVALID || errors->len == 0)
				__builtin_trap();
		} else if (err->domain != G_FILE_ERROR || size <= FW_CONFIG_MAX_SIZE) {
			__builtin_trap();
		}
		for (guint i = 0; i < errors->len; i++)
			check_problem(errors->pdata[i], lines);
		g_error_free(err);
	} else {
		if (errors->len != 0 || err != NULL || c->database == NULL ||
		    (!g_path_is_absolute(c->database) && !fw_config_database_is_pg(c->database)))
			__builtin_trap();
		for (guint i = 0; i < c->feeds->len; i++) {
			const struct fw_feed_conf *f = c->feeds->pdata[i];
			if (!fw_config_name_ok(f->key) || f->url == NULL)
				__builtin_trap();
		}
		for (guint i = 0; i < c->topics->len; i++) {
			const struct fw_topic_conf *t = c->topics->pdata[i];
			char *whole = fw_topic_conf_query(t);
			struct fw_query *q = fw_query_parse(whole, NULL, NULL);

			if (!fw_config_name_ok(t->key) || t->name == NULL || t->query == NULL || q == NULL)
				__builtin_trap();
			fw_query_free(q);
			g_free(whole);
		}
		fw_config_free(c);
	}
	g_ptr_array_unref(errors);
	return 0;
}
