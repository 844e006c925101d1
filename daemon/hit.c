/* hit — the hit record, its JSON and its stored lists. See include/feedwatch/hit.h. */
#include <string.h>

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

char *fw_hit_time_utc(gint64 t)
{
	g_autoptr(GDateTime) dt = NULL;

	if (t != FW_TIME_NONE)
		dt = g_date_time_new_from_unix_utc(t);
	return dt ? g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ") : NULL;
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

/* Adds the matched list from matched_json, keeping well-formed entries only. */
static void add_matched(JsonBuilder *b, const char *matched_json)
{
	g_autoptr(GArray) matched = fw_hit_matched_parse(matched_json);

	json_builder_set_member_name(b, "matched");
	json_builder_begin_array(b);
	for (guint i = 0; i < matched->len; i++) {
		const struct fw_hit_match *m = &g_array_index(matched, struct fw_hit_match, i);
		add_match(b, m->field, m->start, m->end);
	}
	json_builder_end_array(b);
}

/* Adds r as one object: the members of fw_hit_json. */
static void add_hit(JsonBuilder *b, const struct fw_hit_row *r)
{
	g_autofree char *published = fw_hit_time_utc(r->published);
	g_autofree char *found = fw_hit_time_utc(r->found);

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "id");
	json_builder_add_int_value(b, r->id);
	json_builder_set_member_name(b, "story");
	json_builder_add_int_value(b, r->story > 0 ? r->story : r->id);
	add_string(b, "topic", r->topic);
	add_string(b, "topic_name", r->topic_name ? r->topic_name : r->topic);
	add_string(b, "feed", r->feed);
	add_string(b, "feed_title", r->feed_title ? r->feed_title : r->feed);
	add_string(b, "item_id", r->item_id);
	add_string(b, "title", r->title);
	add_string(b, "link", r->link);
	add_string(b, "published", published);
	add_string(b, "found", found);
	add_string(b, "snippet", r->snippet);
	add_matched(b, r->matched_json);
	json_builder_set_member_name(b, "read");
	json_builder_add_boolean_value(b, r->read);
	add_string(b, "notified", fw_hit_notified_name(r->notified));
	json_builder_end_object(b);
}

char *fw_hit_json(const struct fw_hit_row *r)
{
	g_autoptr(JsonBuilder) b = json_builder_new_immutable();

	add_hit(b, r);
	return to_json(b);
}

char *fw_hit_digest_json(const char *topic, const char *topic_name, GPtrArray *hits)
{
	g_autoptr(JsonBuilder) b = json_builder_new_immutable();

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "digest");
	json_builder_add_boolean_value(b, TRUE);
	add_string(b, "topic", topic);
	add_string(b, "topic_name", topic_name);
	json_builder_set_member_name(b, "count");
	json_builder_add_int_value(b, hits->len);
	json_builder_set_member_name(b, "hits");
	json_builder_begin_array(b);
	for (guint i = 0; i < hits->len; i++)
		add_hit(b, hits->pdata[i]);
	json_builder_end_array(b);
	json_builder_end_object(b);
	return to_json(b);
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
