/* hit — the hit record, its JSON and its stored lists. See include/feedwatch/hit.h. */
#include <string.h>
#include <time.h>

#include <json-glib/json-glib.h>

#include "feedwatch/feed.h"
#include "feedwatch/hit.h"
#include "feedwatch/match.h"

static const char *const notified_names[] = {
	[FW_HIT_NOTIFIED_PENDING] = "pending",
	[FW_HIT_NOTIFIED_INITIAL] = "initial",
	[FW_HIT_NOTIFIED_DELIVERED] = "delivered",
	[FW_HIT_NOTIFIED_FAILED] = "failed",
	[FW_HIT_NOTIFIED_NONE] = "none",
};

const char *fw_hit_notified_name(enum fw_hit_notified n)
{
	return (guint)n < G_N_ELEMENTS(notified_names) ? notified_names[n] : "?";
}

gboolean fw_hit_notified_from_name(const char *name, enum fw_hit_notified *out)
{
	for (guint i = 0; name != NULL && i < G_N_ELEMENTS(notified_names); i++) {
		if (strcmp(name, notified_names[i]) == 0) {
			*out = (enum fw_hit_notified)i;
			return TRUE;
		}
	}
	return FALSE;
}

void fw_hit_row_free(struct fw_hit_row *r)
{
	if (!r)
		return;
	g_free(r->topic);
	g_free(r->topic_name);
	g_free(r->feed);
	g_free(r->feed_title);
	g_free(r->item_id);
	g_free(r->title);
	g_free(r->link);
	g_free(r->snippet);
	g_free(r->marks_json);
	g_free(r->matched_json);
	g_free(r->summary);
	g_free(r->content);
	g_free(r->author);
	g_free(r->also_in);
	g_free(r);
}

/* Writes v (0 <= v < 10^n) as n decimal digits, zeros in front, to buf. */
static void put_digits(char *buf, int v, int n)
{
	while (n-- > 0) {
		buf[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* t as RFC 3339 UTC into buf (21 bytes), the year in four digits (GDateTime's
 * %Y wrote year 1 as "1"); FALSE for FW_TIME_NONE or outside GDateTime's
 * years 1 to 9999. */

static gboolean time_utc(gint64 t, char buf[21])
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t == FW_TIME_NONE || t < G_GINT64_CONSTANT(-62135596800) ||
	    t > G_GINT64_CONSTANT(253402300799) || gmtime_r(&tt, &tm) == NULL)
		return FALSE;
	/* by hand, not printf: a million hits of --format json write two each */
	put_digits(buf, tm.tm_year + 1900, 4);
	buf[4] = '-';
	put_digits(buf + 5, tm.tm_mon + 1, 2);
	buf[7] = '-';
	put_digits(buf + 8, tm.tm_mday, 2);
	buf[10] = 'T';
	put_digits(buf + 11, tm.tm_hour, 2);
	buf[13] = ':';
	put_digits(buf + 14, tm.tm_min, 2);
	buf[16] = ':';
	put_digits(buf + 17, tm.tm_sec, 2);
	buf[19] = 'Z';
	buf[20] = '\0';
	return TRUE;
}

char *fw_hit_time_utc(gint64 t)
{
	char buf[21];

	return time_utc(t, buf) ? g_strdup(buf) : NULL;
}

/* ---- JSON helpers ------------------------------------------------------- */

/* Adds member name: a string (made valid UTF-8) or null. */
static void add_string(JsonBuilder *b, const char *name, const char *value)
{
	json_builder_set_member_name(b, name);
	if (value) {
		g_autofree char *valid = g_utf8_make_valid(value, -1);

		json_builder_add_string_value(b, valid);
	} else {
		json_builder_add_null_value(b);
	}
}

/* Adds one entry of a matched list: {"field", "start", "end"}. */
static void add_match(JsonBuilder *b, const char *field, guint start, guint end)
{
	json_builder_begin_object(b);
	add_string(b, "field", field);
	json_builder_set_member_name(b, "start");
	json_builder_add_int_value(b, start);
	json_builder_set_member_name(b, "end");
	json_builder_add_int_value(b, end);
	json_builder_end_object(b);
}

/* json (json-glib's output, valid UTF-8) with DEL, the C1 controls and the
 * bidi overrides and isolates (U+202A-U+202E, U+2066-U+2069) written as
 * \uXXXX, as json-glib writes C0 controls: they occur only inside strings,
 * and a terminal or viewer showing the JSON must not act on them. Takes
 * ownership. */
static char *escape_unsafe(char *json)
{
	GString *out = NULL;
	const char *done = json, *p;

	for (p = json; *p; p++) {
		const guchar *u = (const guchar *)p;
		gsize n = u[0] == 0x7F ? 1
		        : u[0] == 0xC2 && u[1] >= 0x80 && u[1] <= 0x9F ? 2
		        : u[0] == 0xE2 && ((u[1] == 0x80 && u[2] >= 0xAA && u[2] <= 0xAE) ||
		                           (u[1] == 0x81 && u[2] >= 0xA6 && u[2] <= 0xA9)) ? 3 : 0;
		if (!n)
			continue;
		if (!out)
			out = g_string_sized_new(strlen(json) + 16);
		g_string_append_len(out, done, p - done);
		g_string_append_printf(out, "\\u%04x", g_utf8_get_char(p));
		done = p + n;
		p += n - 1;
	}
	if (!out)
		return json;
	g_string_append(out, done);
	g_free(json);
	return g_string_free(out, FALSE);
}

/* The builder's document as one line of JSON. Caller frees. */
static char *to_json(JsonBuilder *b)
{
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = json_builder_get_root(b);

	json_generator_set_root(gen, root);
	return escape_unsafe(json_generator_to_data(gen, NULL));
}

/* ---- writing the stored lists ------------------------------------------ */

char *fw_hit_marks_json(const GArray *marks)
{
	GString *s = g_string_new("[");

	for (guint i = 0; marks != NULL && i < marks->len; i++) {
		const struct fw_span *m = &g_array_index(marks, struct fw_span, i);
		g_string_append_printf(s, "%s[%u,%u]", i ? "," : "", m->start, m->end);
	}
	g_string_append_c(s, ']');
	return g_string_free(s, FALSE);
}

char *fw_hit_matched_json(const GArray *spans)
{
	g_autoptr(JsonBuilder) b = json_builder_new_immutable();

	json_builder_begin_array(b);
	for (guint i = 0; i < spans->len; i++) {
		const struct fw_span *sp = &g_array_index(spans, struct fw_span, i);
		add_match(b, fw_field_name(sp->field), sp->start, sp->end);
	}
	json_builder_end_array(b);
	return to_json(b);
}

void fw_hit_text_make(struct fw_hit_text *out, const struct fw_doc *doc, const GArray *spans,
                      guint width)
{
	struct fw_snippet *sn = fw_snippet_make(doc, spans, width);

	out->snippet = g_strdup(sn ? sn->text : "");
	out->marks = fw_hit_marks_json(sn ? sn->marks : NULL);
	out->matched = fw_hit_matched_json(spans);
	fw_snippet_free(sn);
}

void fw_hit_text_clear(struct fw_hit_text *t)
{
	g_clear_pointer(&t->snippet, g_free);
	g_clear_pointer(&t->marks, g_free);
	g_clear_pointer(&t->matched, g_free);
}

/* ---- reading the stored lists ------------------------------------------ */

/* Orders spans by start, then end. */
static gint span_cmp(gconstpointer a, gconstpointer b)
{
	const struct fw_span *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

/* TRUE with *out set when node is an integer that fits a guint. */
static gboolean node_uint(JsonNode *node, guint *out)
{
	gint64 v;

	if (!node || !JSON_NODE_HOLDS_VALUE(node) || json_node_get_value_type(node) != G_TYPE_INT64)
		return FALSE;
	v = json_node_get_int(node);
	if (v < 0 || v > G_MAXUINT)
		return FALSE;
	*out = (guint)v;
	return TRUE;
}

/* The root of a JSON text if it is an array, else NULL; p keeps it alive. */
static JsonArray *json_array_of(JsonParser *p, const char *json)
{
	JsonNode *root;

	if (!json || !*json || !json_parser_load_from_data(p, json, -1, NULL))
		return NULL;
	root = json_parser_get_root(p);
	return root && JSON_NODE_HOLDS_ARRAY(root) ? json_node_get_array(root) : NULL;
}

GArray *fw_hit_marks_parse(const char *marks_json)
{
	GArray *marks = g_array_new(FALSE, TRUE, sizeof(struct fw_span));
	g_autoptr(JsonParser) p = json_parser_new_immutable();
	JsonArray *a = json_array_of(p, marks_json);

	for (guint i = 0; a && i < json_array_get_length(a); i++) {
		JsonNode *n = json_array_get_element(a, i);
		struct fw_span sp = { 0 };
		JsonArray *pair;

		if (!JSON_NODE_HOLDS_ARRAY(n))
			continue;
		pair = json_node_get_array(n);
		if (json_array_get_length(pair) != 2 ||
		    !node_uint(json_array_get_element(pair, 0), &sp.start) ||
		    !node_uint(json_array_get_element(pair, 1), &sp.end) || sp.end <= sp.start)
			continue;
		g_array_append_val(marks, sp);
	}
	g_array_sort(marks, span_cmp);
	return marks;
}

/* Frees the field of a struct fw_hit_match (the array's clear function). */
static void hit_match_clear(gpointer p)
{
	g_free(((struct fw_hit_match *)p)->field);
}

GArray *fw_hit_matched_parse(const char *matched_json)
{
	GArray *out = g_array_new(FALSE, TRUE, sizeof(struct fw_hit_match));
	g_autoptr(JsonParser) p = json_parser_new_immutable();
	JsonArray *a = json_array_of(p, matched_json);

	g_array_set_clear_func(out, hit_match_clear);
	for (guint i = 0; a && i < json_array_get_length(a); i++) {
		JsonNode *n = json_array_get_element(a, i);
		JsonObject *o;
		const char *field;
		struct fw_hit_match m = { 0 };

		if (!JSON_NODE_HOLDS_OBJECT(n))
			continue;
		o = json_node_get_object(n);
		field = json_object_get_string_member_with_default(o, "field", NULL);
		if (!field || !node_uint(json_object_get_member(o, "start"), &m.start) ||
		    !node_uint(json_object_get_member(o, "end"), &m.end))
			continue;
		m.field = g_strdup(field);
		g_array_append_val(out, m);
	}
	return out;
}

/* ---- the hit as JSON ---------------------------------------------------- */

/* The hit's JSON is written by hand, not built with json-glib: `hits
 * --format json` writes a year of hits (a million) and json-glib's builder,
 * generator and a parser for each matched list took 30 µs a hit. The text
 * is json-glib's (the tests compare), but for U+001F, which json-glib 1.6
 * leaves raw (invalid JSON) and which is escaped here like every control. */

/* Appends s as a JSON string (null for NULL; made valid UTF-8): '"' and
 * '\\' escaped, \b \f \n \r \t, other C0 controls, DEL, the C1 controls and
 * the bidi overrides and isolates as \uXXXX (escape_unsafe's rule). */
static void put_string(GString *o, const char *s)
{
	g_autofree char *valid = NULL;
	const guchar *p;

	if (s == NULL) {
		g_string_append(o, "null");
		return;
	}
	if (!g_utf8_validate(s, -1, NULL))
		s = valid = g_utf8_make_valid(s, -1);
	g_string_append_c(o, '"');
	for (p = (const guchar *)s; *p; p++) {
		const guchar *run = p;

		/* the plain bytes in one go */
		while (*p >= 0x20 && *p != '"' && *p != '\\' && *p != 0x7F && *p != 0xC2 && *p != 0xE2)
			p++;
		if (p > run)
			g_string_append_len(o, (const char *)run, p - run);
		if (*p == '\0')
			break;
		switch (*p) {
		case '"': g_string_append(o, "\\\""); continue;
		case '\\': g_string_append(o, "\\\\"); continue;
		case '\b': g_string_append(o, "\\b"); continue;
		case '\f': g_string_append(o, "\\f"); continue;
		case '\n': g_string_append(o, "\\n"); continue;
		case '\r': g_string_append(o, "\\r"); continue;
		case '\t': g_string_append(o, "\\t"); continue;
		}
		if (*p < 0x20 || *p == 0x7F) {
			g_string_append_printf(o, "\\u%04x", *p);
		} else if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
			g_string_append_printf(o, "\\u%04x", p[1]);
			p++;
		} else if (p[0] == 0xE2 && ((p[1] == 0x80 && p[2] >= 0xAA && p[2] <= 0xAE) ||
		                            (p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9))) {
			g_string_append_printf(o, "\\u%04x", g_utf8_get_char((const char *)p));
			p += 2;
		} else {
			g_string_append_c(o, (char)*p);
		}
	}
	g_string_append_c(o, '"');
}

/* Appends v in decimal, without printf (two a hit of --format json). */
static void put_int(GString *o, gint64 v)
{
	char buf[24];
	int n = sizeof buf;
	guint64 u = v < 0 ? -(guint64)v : (guint64)v;

	do {
		buf[--n] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		buf[--n] = '-';
	g_string_append_len(o, buf + n, (gssize)sizeof buf - n);
}

/* ,"name": for a member name written in the code (a literal): one append of
 * a known length, not three of strlen'd parts (15 members a hit). */
#define MEMBER(name) ",\"" name "\":", sizeof(",\"" name "\":") - 1
#define put_member(o, name, value) put_member_at((o), MEMBER(name), (value))
#define put_time(o, name, t) put_time_at((o), MEMBER(name), (t))

/* Appends the member's head (,"name":, len bytes) and value, a string. */
static void put_member_at(GString *o, const char *head, gsize len, const char *value)
{
	g_string_append_len(o, head, (gssize)len);
	put_string(o, value);
}

/* Appends the member's head (,"name":, len bytes) and t as fw_hit_time_utc
 * writes it, or null. */
static void put_time_at(GString *o, const char *head, gsize len, gint64 t)
{
	char buf[23];

	g_string_append_len(o, head, (gssize)len);
	if (!time_utc(t, buf + 1)) {
		g_string_append(o, "null");
		return;
	}
	buf[0] = buf[21] = '"';
	g_string_append_len(o, buf, 22);
}

/* Reads an unsigned JSON integer at *p (no sign, no leading zero) that fits
 * a guint; advances *p. */
static gboolean scan_uint(const char **p, guint *out)
{
	guint64 v = 0;
	const char *s = *p;

	if (!g_ascii_isdigit(*s) || (s[0] == '0' && g_ascii_isdigit(s[1])))
		return FALSE;
	for (; g_ascii_isdigit(*s); s++) {
		v = v * 10 + (guint64)(*s - '0');
		if (v > G_MAXUINT)
			return FALSE;
	}
	*out = (guint)v;
	*p = s;
	return TRUE;
}

/* Appends the matched list as fw_hit_matched_json writes it. The list as
 * this code stores it ([{"field":"title","start":0,"end":5},...], a field a
 * plain word) is read in place; anything else goes through the JSON parser
 * (fw_hit_matched_parse keeps the well-formed entries). */
static void put_matched(GString *o, const char *json)
{
	gsize mark = o->len;
	const char *p = json;

	g_string_append(o, ",\"matched\":[");
	if (p != NULL && *p++ == '[') {
		gboolean first = TRUE;

		while (*p != ']') {
			const char *field;
			gsize flen;
			guint start, end;

			if ((!first && *p++ != ',') || strncmp(p, "{\"field\":\"", 10) != 0)
				goto slow;
			field = p += 10;
			while (g_ascii_isalnum(*p) || *p == '_')
				p++;
			flen = (gsize)(p - field);
			if (flen == 0 || strncmp(p, "\",\"start\":", 10) != 0)
				goto slow;
			p += 10;
			if (!scan_uint(&p, &start) || strncmp(p, ",\"end\":", 7) != 0)
				goto slow;
			p += 7;
			if (!scan_uint(&p, &end) || *p++ != '}')
				goto slow;
			g_string_append(o, first ? "{\"field\":\"" : ",{\"field\":\"");
			g_string_append_len(o, field, (gssize)flen);
			g_string_append(o, "\",\"start\":");
			put_int(o, start);
			g_string_append(o, ",\"end\":");
			put_int(o, end);
			g_string_append_c(o, '}');
			first = FALSE;
		}
		if (p[1] == '\0') {
			g_string_append_c(o, ']');
			return;
		}
	}
slow:
	g_string_truncate(o, mark);
	g_string_append(o, ",\"matched\":[");
	{
		g_autoptr(GArray) matched = fw_hit_matched_parse(json);

		for (guint i = 0; i < matched->len; i++) {
			const struct fw_hit_match *m = &g_array_index(matched, struct fw_hit_match, i);

			g_string_append(o, i ? ",{\"field\":" : "{\"field\":");
			put_string(o, m->field);
			g_string_append_printf(o, ",\"start\":%u,\"end\":%u}", m->start, m->end);
		}
	}
	g_string_append_c(o, ']');
}

/* Appends r as one object: the members of fw_hit_json. */
static void put_hit(GString *o, const struct fw_hit_row *r)
{
	g_string_append(o, "{\"id\":");
	put_int(o, r->id);
	g_string_append(o, ",\"story\":");
	put_int(o, r->story > 0 ? r->story : r->id);
	put_member(o, "topic", r->topic);
	put_member(o, "topic_name", r->topic_name ? r->topic_name : r->topic);
	put_member(o, "feed", r->feed);
	put_member(o, "feed_title", r->feed_title ? r->feed_title : r->feed);
	put_member(o, "item_id", r->item_id);
	put_member(o, "title", r->title);
	put_member(o, "link", r->link);
	put_time(o, "published", r->published);
	put_time(o, "found", r->found);
	put_member(o, "snippet", r->snippet);
	put_matched(o, r->matched_json);
	g_string_append(o, r->read ? ",\"read\":true" : ",\"read\":false");
	put_member(o, "notified", fw_hit_notified_name(r->notified));
	g_string_append_c(o, '}');
}

char *fw_hit_json(const struct fw_hit_row *r)
{
	GString *o = g_string_sized_new(1024);

	put_hit(o, r);
	return g_string_free(o, FALSE);
}

char *fw_hit_digest_json(const char *topic, const char *topic_name, GPtrArray *hits)
{
	GString *o = g_string_sized_new(1024 * (hits->len + 1));

	g_string_append(o, "{\"digest\":true");
	put_member(o, "topic", topic);
	put_member(o, "topic_name", topic_name);
	g_string_append_printf(o, ",\"count\":%u,\"hits\":[", hits->len);
	for (guint i = 0; i < hits->len; i++) {
		if (i > 0)
			g_string_append_c(o, ',');
		put_hit(o, hits->pdata[i]);
	}
	g_string_append(o, "]}");
	return g_string_free(o, FALSE);
}

/* ---- the item hash ------------------------------------------------------ */

#define ROTL64(x, r) (((x) << (r)) | ((x) >> (64 - (r))))

/* MurmurHash3's 64-bit finaliser. */
static guint64 fmix64(guint64 k)
{
	k ^= k >> 33;
	k *= G_GUINT64_CONSTANT(0xff51afd7ed558ccd);
	k ^= k >> 33;
	k *= G_GUINT64_CONSTANT(0xc4ceb9fe1a85ec53);
	k ^= k >> 33;
	return k;
}

/* MurmurHash3_x64_128 (Austin Appleby, public domain) of len bytes, seed 0,
 * into out[2]: ~1 instruction a byte where SHA-1 took ~20, and no
 * adversary gains anything from a collision in an edit detector. */
static void murmur3_128(const guint8 *data, gsize len, guint64 out[2])
{
	const guint64 c1 = G_GUINT64_CONSTANT(0x87c37b91114253d5);
	const guint64 c2 = G_GUINT64_CONSTANT(0x4cf5ad432745937f);
	guint64 h1 = 0, h2 = 0, k1, k2;
	gsize nblocks = len / 16, rem = len % 16;
	guint8 tail[16] = { 0 };

	for (gsize i = 0; i < nblocks; i++) {
		memcpy(&k1, data + i * 16, 8);
		memcpy(&k2, data + i * 16 + 8, 8);
		k1 = GUINT64_FROM_LE(k1);
		k2 = GUINT64_FROM_LE(k2);
		k1 *= c1; k1 = ROTL64(k1, 31); k1 *= c2; h1 ^= k1;
		h1 = ROTL64(h1, 27); h1 += h2; h1 = h1 * 5 + 0x52dce729;
		k2 *= c2; k2 = ROTL64(k2, 33); k2 *= c1; h2 ^= k2;
		h2 = ROTL64(h2, 31); h2 += h1; h2 = h2 * 5 + 0x38495ab5;
	}
	/* The tail, zero-padded: the same as the reference's byte switch. */
	memcpy(tail, data + nblocks * 16, rem);
	memcpy(&k1, tail, 8);
	memcpy(&k2, tail + 8, 8);
	k1 = GUINT64_FROM_LE(k1);
	k2 = GUINT64_FROM_LE(k2);
	if (rem > 8) {
		k2 *= c2; k2 = ROTL64(k2, 33); k2 *= c1; h2 ^= k2;
	}
	if (rem > 0) {
		k1 *= c1; k1 = ROTL64(k1, 31); k1 *= c2; h1 ^= k1;
	}
	h1 ^= (guint64)len;
	h2 ^= (guint64)len;
	h1 += h2;
	h2 += h1;
	h1 = fmix64(h1);
	h2 = fmix64(h2);
	h1 += h2;
	h2 += h1;
	out[0] = h1;
	out[1] = h2;
}

/* Appends one field to the hash input: its length (or ~0 for NULL), then its bytes. */
static void hash_part(GString *buf, const char *s)
{
	guint32 n = s != NULL ? (guint32)MIN(strlen(s), (gsize)G_MAXUINT32 - 1) : G_MAXUINT32;
	guint32 le = GUINT32_TO_LE(n);

	g_string_append_len(buf, (const char *)&le, sizeof le);
	if (s != NULL)
		g_string_append_len(buf, s, n);
}

char *fw_hit_item_hash(GString *buf, const struct fw_item *it)
{
	const char *parts[] = { it->title, it->link, it->summary, it->content, it->author };
	guint64 h[2];

	g_string_truncate(buf, 0);
	for (guint i = 0; i < G_N_ELEMENTS(parts); i++)
		hash_part(buf, parts[i]);
	for (guint i = 0; i < it->categories->len; i++)
		hash_part(buf, it->categories->pdata[i]);
	murmur3_128((const guint8 *)buf->str, buf->len, h);
	return g_strdup_printf("%016" G_GINT64_MODIFIER "x%016" G_GINT64_MODIFIER "x", h[0], h[1]);
}
