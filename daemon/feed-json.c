/* feed-json — JSON Feed 1.0 / 1.1 documents, through json-glib, to the
 * same items as XML feeds. */
#include <stdio.h>
#include <string.h>

#include <libxml/uri.h>
#include <json-glib/json-glib.h>

#include "feedwatch/html.h"
#include "feed-int.h"

#define FW_FEED_MAX_JSON_DEPTH 64

/* What json_scan found in a JSON text. */
struct json_scan {
	gsize values;        /* objects, arrays, strings, numbers, literals */
	gboolean too_deep;   /* nested over FW_FEED_MAX_JSON_DEPTH */
	GArray *num_ids;     /* of gsize pairs: [start, end) of each item's numeric "id" */
};

/* Whether [s, s+n) is the member name (with quotes) name. */
static gboolean json_key_is(const char *s, gsize n, const char *name)
{
	return n == strlen(name) + 2 && memcmp(s + 1, name, n - 2) == 0;
}

/* Counts the values of a JSON text, checks its depth (json-glib recurses
 * without a limit and builds a node of ~100-300 bytes a value) and finds the
 * numeric ids of the items (json-glib reads one over int64 as -1). Stops
 * counting at FW_FEED_MAX_JSON_VALUES + 1; syntax is json-glib's business. */
static void json_scan(const char *s, gsize len, struct json_scan *js)
{
	char stack[FW_FEED_MAX_JSON_DEPTH + 1];   /* '{' or '[' of each open level */
	int depth = 0, items = 0;   /* items: depth of the items array, 0 outside */
	gboolean key_next = FALSE;  /* a string here is a member name */
	const char *key = NULL;     /* the last member name (with quotes) */
	gsize key_len = 0;
	int key_depth = 0;

	js->values = 0;
	js->too_deep = FALSE;
	for (gsize i = 0; i < len && js->values <= FW_FEED_MAX_JSON_VALUES; i++) {
		char c = s[i];
		if (c == '"') {
			gsize b = i++;
			while (i < len && s[i] != '"')
				i += s[i] == '\\' ? 2 : 1;
			if (key_next) {
				key = s + b;
				key_len = MIN(i, len - 1) - b + 1;
				key_depth = depth;
				key_next = FALSE;
			} else {
				js->values++;
			}
		} else if (c == '{' || c == '[') {
			js->values++;
			if (depth == FW_FEED_MAX_JSON_DEPTH) {
				js->too_deep = TRUE;
				return;
			}
			if (c == '[' && depth == 1 && key_depth == 1 && json_key_is(key, key_len, "items"))
				items = depth + 1;
			stack[++depth] = c;
			key_next = c == '{';
		} else if (c == '}' || c == ']') {
			if (depth > 0)
				depth--;
			if (depth < items)
				items = 0;
			key_next = FALSE;
		} else if (c == ',') {
			key_next = depth > 0 && stack[depth] == '{';
		} else if (c == '-' || g_ascii_isdigit(c)) {
			gsize b = i;
			while (i + 1 < len && (g_ascii_isdigit(s[i + 1]) || strchr("+-.eE", s[i + 1])))
				i++;
			js->values++;
			if (items && depth == items + 1 && stack[depth] == '{' && key_depth == depth &&
			    json_key_is(key, key_len, "id")) {
				gsize span[2] = { b, i + 1 };
				g_array_append_vals(js->num_ids, span, 2);
			}
		} else if (g_ascii_isalpha(c)) {
			while (i + 1 < len && g_ascii_isalpha(s[i + 1]))
				i++;
			js->values++;
		}
	}
}

/* Value of the four hex digits at p (at least four bytes there), or -1. */
static int json_hex4(const char *p)
{
	int v = 0;

	for (int k = 0; k < 4; k++) {
		int d = g_ascii_xdigit_value(p[k]);
		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/* A copy of text with the \u escapes json-glib misreads fixed, or NULL if
 * there are none: inside strings, a surrogate escape that is not half of a
 * pair becomes \uFFFD (json-glib swallowed the next character, often the
 * closing quote) and \u0000 is removed (json-glib cut the string there).
 * One linear pass; the copy is never longer than text. */
static char *json_fix_escapes(const char *s, gsize len, gsize *out_len)
{
	char *out = NULL;
	gsize done = 0, w = 0;      /* s[done..i) not copied yet; out holds w bytes */
	gboolean in_str = FALSE;

	for (gsize i = 0; i < len; i++) {
		const char *rep;
		int v, lo;

		if (s[i] == '"') {
			in_str = !in_str;
			continue;
		}
		if (!in_str || s[i] != '\\')
			continue;
		if (i + 6 > len || s[i + 1] != 'u' || (v = json_hex4(s + i + 2)) < 0) {
			i++;                /* any other escape: skip the escaped byte */
			continue;
		}
		if (v == 0) {
			rep = "";
		} else if (v >= 0xD800 && v <= 0xDBFF) {
			lo = i + 12 <= len && s[i + 6] == '\\' && s[i + 7] == 'u' ? json_hex4(s + i + 8) : -1;
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				i += 11;    /* a pair: kept */
				continue;
			}
			rep = "\\uFFFD";
		} else if (v >= 0xDC00 && v <= 0xDFFF) {
			rep = "\\uFFFD";
		} else {
			i += 5;
			continue;
		}
		if (!out)
			out = g_malloc(len + 1);
		memcpy(out + w, s + done, i - done);
		w += i - done;
		memcpy(out + w, rep, strlen(rep));
		w += strlen(rep);
		done = i + 6;
		i += 5;
	}
	if (!out)
		return NULL;
	memcpy(out + w, s + done, len - done);
	w += len - done;
	out[w] = '\0';
	*out_len = w;
	return out;
}

/* A copy of text with each numeric id of js quoted: the literal text is
 * the id, however large the number. */
static char *json_quote_ids(const char *text, gsize len, const struct json_scan *js, gsize *out_len)
{
	GString *out = g_string_sized_new(len + js->num_ids->len + 1);
	gsize done = 0;

	for (guint i = 0; i + 1 < js->num_ids->len; i += 2) {
		gsize b = g_array_index(js->num_ids, gsize, i), e = g_array_index(js->num_ids, gsize, i + 1);
		g_string_append_len(out, text + done, b - done);
		g_string_append_c(out, '"');
		g_string_append_len(out, text + b, e - b);
		g_string_append_c(out, '"');
		done = e;
	}
	g_string_append_len(out, text + done, len - done);
	*out_len = out->len;
	return g_string_free(out, FALSE);
}

/* String member of o (or NULL if absent or not a string). */
static const char *jstr(JsonObject *o, const char *name)
{
	JsonNode *n = o ? json_object_get_member(o, name) : NULL;
	if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING)
		return NULL;
	return json_node_get_string(n);
}

/* Object member of o, or NULL. */
static JsonObject *jobj(JsonObject *o, const char *name)
{
	JsonNode *n = o ? json_object_get_member(o, name) : NULL;
	return n && JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
}

/* Array member of o, or NULL. */
static JsonArray *jarr(JsonObject *o, const char *name)
{
	JsonNode *n = o ? json_object_get_member(o, name) : NULL;
	return n && JSON_NODE_HOLDS_ARRAY(n) ? json_node_get_array(n) : NULL;
}

/* Resolves a JSON Feed URL against base; http(s) only. *escaped (if given)
 * says whether it had to be escaped further to parse (feed_build_uri). */
static char *json_link(const char *href, const char *base, gboolean *escaped)
{
	gboolean esc = FALSE;
	if (escaped)
		*escaped = FALSE;
	if (!href || strlen(href) > FW_FEED_MAX_LINK)
		return NULL;
	g_autofree char *h = feed_escape_iri(g_strstrip(g_strdup(href)));
	if (!*h)
		return NULL;
	xmlChar *abs = feed_build_uri(&h, (const xmlChar *)base, &esc);
	if (escaped)
		*escaped = esc;
	char *out = abs && feed_http_url_ok((const char *)abs) ? feed_url_dup((const char *)abs) : NULL;
	xmlFree(abs);
	return out;
}

/* Plain text of a JSON string member (HTML or text), cut to max; NULL if empty. */
static char *json_text(JsonObject *o, const char *name, gboolean html, gsize max)
{
	const char *v = jstr(o, name);
	if (!v)
		return NULL;
	g_autofree char *fixed = feed_undouble_utf8(v, -1, NULL);
	if (fixed)
		v = fixed;
	return feed_nonempty(feed_cap(html ? fw_html_to_text(v, -1) : fw_html_clean(v, -1), max));
}

/* The date in member name of o; a date read without its nonsense zone
 * marks doc degraded. */
static gint64 json_date(JsonObject *o, const char *name, struct fw_feed_doc *doc)
{
	gboolean dropped;
	const char *v = jstr(o, name);
	gint64 t = feed_parse_date(v, &dropped);
	if (dropped) {
		/* at most its first 200 bytes: v may be shorter (it was read past) */
		g_autofree char *clean = fw_html_clean(v, (gssize)strnlen(v, 200));
		feed_warn(doc, "a date's zone makes no sense, read as UTC: \"%s\"", clean);
	}
	return t;
}

/* Builds one item from a JSON Feed item object; NULL if it is empty. Its
 * id: id, else url (as feedwatch always resolved it, see feed.c item_id),
 * else a hash of title and content; else the url escaped to resolve. */
static struct fw_item *json_item(JsonObject *o, const char *base, struct fw_feed_doc *doc)
{
	struct fw_item *it = g_new0(struct fw_item, 1);
	JsonNode *idn = json_object_get_member(o, "id");
	char *id = NULL;
	gboolean esc_url = FALSE, esc_ext = FALSE;
	const char *id_link;

	it->title = json_text(o, "title", FALSE, FW_FEED_MAX_TITLE);
	it->link = json_link(jstr(o, "url"), base, &esc_url);
	char *ext = !it->link || esc_url ? json_link(jstr(o, "external_url"), base, &esc_ext) : NULL;
	id_link = it->link && !esc_url ? it->link : ext && !esc_ext ? ext : NULL;
	if (!it->link)
		it->link = g_steal_pointer(&ext);
	it->content = json_text(o, "content_html", TRUE, FW_FEED_MAX_TEXT);
	if (!it->content)
		it->content = json_text(o, "content_text", FALSE, FW_FEED_MAX_TEXT);
	it->summary = json_text(o, "summary", FALSE, FW_FEED_MAX_TEXT);
	it->published = json_date(o, "date_published", doc);
	it->updated = json_date(o, "date_modified", doc);
	if (it->published == FW_TIME_NONE)
		it->published = it->updated;
	it->categories = g_ptr_array_new_with_free_func(g_free);

	JsonArray *authors = jarr(o, "authors");
	GString *a = g_string_new(NULL);
	guint na = authors ? MIN(json_array_get_length(authors), 16) : 0;
	for (guint i = 0; i < na + 1; i++) {
		JsonObject *ao = i < na ? (JSON_NODE_HOLDS_OBJECT(json_array_get_element(authors, i))
		                           ? json_array_get_object_element(authors, i) : NULL)
		                        : (na ? NULL : jobj(o, "author"));
		g_autofree char *name = json_text(ao, "name", FALSE, FW_FEED_MAX_SHORT);
		if (name && !strstr(a->str, name))
			g_string_append_printf(a, "%s%s", a->len ? ", " : "", name);
	}
	it->author = feed_nonempty(feed_cap(g_string_free(a, FALSE), FW_FEED_MAX_SHORT));

	JsonArray *tags = jarr(o, "tags");
	guint nt = tags ? json_array_get_length(tags) : 0;
	for (guint i = 0; i < nt && it->categories->len < FW_FEED_MAX_CATS; i++) {
		JsonNode *t = json_array_get_element(tags, i);
		if (!JSON_NODE_HOLDS_VALUE(t) || json_node_get_value_type(t) != G_TYPE_STRING)
			continue;
		char *c = feed_nonempty(feed_cap(fw_html_clean(json_node_get_string(t), -1), FW_FEED_MAX_SHORT));
		gboolean dup = FALSE;
		for (guint j = 0; c && j < it->categories->len; j++)
			dup = dup || strcmp(c, g_ptr_array_index(it->categories, j)) == 0;
		if (c && !dup)
			g_ptr_array_add(it->categories, c);
		else
			g_free(c);
	}

	/* a numeric id arrives here as its literal text (json_quote_ids) */
	if (idn && JSON_NODE_HOLDS_VALUE(idn) && json_node_get_value_type(idn) == G_TYPE_STRING)
		id = feed_nonempty(g_strstrip(fw_html_valid_utf8(json_node_get_string(idn), -1)));
	if (id)
		id = feed_bounded_id(id);
	if (!id && id_link)
		id = feed_bounded_id(g_strdup(id_link));
	g_free(ext);
	if (!id && it->link && !it->title && !it->content && !it->summary)
		id = feed_bounded_id(g_strdup(it->link));
	if (!id) {
		if (!it->title && !it->content && !it->summary) {
			fw_item_free(it);
			return NULL;
		}
		g_autofree char *all = g_strconcat(jstr(o, "title") ? jstr(o, "title") : "", "\n\n",
		                                   jstr(o, "content_html") ? jstr(o, "content_html") :
		                                   jstr(o, "content_text") ? jstr(o, "content_text") : "",
		                                   NULL);
		g_autofree char *h = g_compute_checksum_for_string(G_CHECKSUM_SHA1, all, -1);
		id = g_strconcat("sha1:", h, NULL);
	}
	it->id = id;
	return it;
}

/* Our words for json-glib's error e, after its line and column: its own
 * message quotes the feed's text (controls, characters cut in two) and is
 * never passed on. Caller frees. */
static char *json_error_text(const GError *e)
{
	static const struct { const char *says, *why; } parse[] = {
		{ "unexpected end of file", "the document ends too soon" },
		{ "scanner: unterminated string", "a string is not closed" },
		{ "unterminated string", "a string is not closed" },
		{ "invalid string constant", "a string holds a control character or a bad escape" },
		{ "unexpected string constant", "a string where none belongs" },
		{ "unexpected identifier", "a bare word where a value belongs" },
		{ "unexpected number", "a number where none belongs" },
		{ "unexpected character", "a character where none belongs" },
	};
	const char *why = NULL, *rest = NULL;
	unsigned line = 0, col = 0;
	int n = 0;

	if (!e)
		return g_strdup("too large");
	if (sscanf(e->message, "<data>:%u:%u: %n", &line, &col, &n) == 2 && n > 0)
		rest = e->message + n;
	if (e->domain == JSON_PARSER_ERROR) {
		switch (e->code) {
		case JSON_PARSER_ERROR_TRAILING_COMMA: why = "a trailing comma"; break;
		case JSON_PARSER_ERROR_MISSING_COMMA: why = "a comma missing"; break;
		case JSON_PARSER_ERROR_MISSING_COLON: why = "a colon missing"; break;
		case JSON_PARSER_ERROR_EMPTY_MEMBER_NAME: why = "an empty member name"; break;
		case JSON_PARSER_ERROR_INVALID_DATA: why = "not UTF-8"; break;
		default: break;
		}
	}
	/* the scanner's errors come with another code (often INVALID_BAREWORD) */
	if (!why && rest && g_str_has_prefix(rest, "Parse error: "))
		for (gsize i = 0; i < G_N_ELEMENTS(parse) && !why; i++)
			if (g_str_has_prefix(rest + strlen("Parse error: "), parse[i].says))
				why = parse[i].why;
	if (!why && e->domain == JSON_PARSER_ERROR && e->code == JSON_PARSER_ERROR_INVALID_BAREWORD)
		why = "a bare word where a value belongs";
	if (!why)
		why = "syntax error";
	if (rest)
		return g_strdup_printf("line %u, column %u: %s", line, col, why);
	return g_strdup(why);
}

/* Parses a JSON Feed (text is valid UTF-8). */
struct fw_feed_doc *feed_json_parse(const char *text, gsize len, const char *base_url,
                                    struct feed_guard *guard, GError **error)
{
	g_autoptr(JsonParser) parser = NULL;
	g_autoptr(GError) e = NULL;
	JsonNode *root;
	JsonObject *o;

	struct json_scan js = { .num_ids = g_array_new(FALSE, FALSE, sizeof(gsize)) };
	g_autofree char *quoted = NULL, *fixed = NULL;
	gboolean loaded;

	fixed = json_fix_escapes(text, len, &len);
	if (fixed)
		text = fixed;
	json_scan(text, len, &js);
	if (js.too_deep || js.values > FW_FEED_MAX_JSON_VALUES) {
		if (js.too_deep)
			g_set_error(error, FW_FEED_ERROR, FW_FEED_ERROR_HOSTILE, "JSON nested too deeply");
		else
			g_set_error(error, FW_FEED_ERROR, FW_FEED_ERROR_HOSTILE,
			            "JSON Feed too large: over %d values", FW_FEED_MAX_JSON_VALUES);
		g_array_free(js.num_ids, TRUE);
		return NULL;
	}
	if (js.num_ids->len)
		text = quoted = json_quote_ids(text, len, &js, &len);
	g_array_free(js.num_ids, TRUE);
	parser = json_parser_new_immutable();
	loaded = len <= G_MAXSSIZE && json_parser_load_from_data(parser, text, (gssize)len, &e);
	if (!loaded) {
		g_autofree char *why = json_error_text(e);
		g_set_error(error, FW_FEED_ERROR, FW_FEED_ERROR_NOT_XML, "not JSON: %s", why);
		return NULL;
	}
	root = json_parser_get_root(parser);
	o = root && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : NULL;
	const char *version = jstr(o, "version");
	if (!version || !strstr(version, "jsonfeed.org/version/")) {
		g_set_error(error, FW_FEED_ERROR, FW_FEED_ERROR_NOT_FEED,
		            "not a feed: JSON without a JSON Feed version");
		return NULL;
	}
	struct fw_feed_doc *doc = g_new0(struct fw_feed_doc, 1);
	doc->items = g_ptr_array_new_with_free_func((GDestroyNotify)fw_item_free);
	doc->title = json_text(o, "title", FALSE, FW_FEED_MAX_TITLE);
	doc->link = json_link(jstr(o, "home_page_url"), base_url, NULL);
	JsonArray *items = jarr(o, "items");
	guint n = items ? json_array_get_length(items) : 0;
	for (guint i = 0; i < n; i++) {
		if (doc->items->len >= FW_FEED_MAX_ITEMS) {
			feed_warn_items_cut(doc);
			break;
		}
		if (feed_guard_stop(guard)) {
			g_set_error(error, FW_FEED_ERROR, guard->code, "%s", guard->why);
			fw_feed_doc_free(doc);
			return NULL;
		}
		JsonNode *in = json_array_get_element(items, i);
		if (!JSON_NODE_HOLDS_OBJECT(in))
			continue;
		struct fw_item *it = json_item(json_node_get_object(in), base_url, doc);
		if (it)
			g_ptr_array_add(doc->items, it);
	}
	return doc;
}

/* Whether the text starts (after spaces) with '{': a JSON document. */
gboolean feed_looks_json(const char *s, gsize len)
{
	gsize i = 0;
	while (i < len && g_ascii_isspace(s[i]))
		i++;
	return i < len && s[i] == '{';
}
