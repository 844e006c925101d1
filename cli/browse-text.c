/* browse-text — feed text made safe, measured and wrapped for the terminal
 * of `feedwatch browse`. See cli/browse.h. */
#define _GNU_SOURCE   /* wcwidth */
#include <string.h>
#include <wchar.h>

#include <json-glib/json-glib.h>

#include "feedwatch/match.h"

#include "browse.h"
#include "hitlog.h"

static gboolean ascii_only;

gboolean
fw_browse_unsafe(gunichar c)
{
	return fw_hitlog_unsafe_char(c);
}

void
fw_browse_set_ascii(gboolean ascii)
{
	ascii_only = ascii;
}

char *
fw_browse_clean(const char *s, gboolean keep_newlines)
{
	return fw_hitlog_clean(s, keep_newlines, ascii_only);
}

guint
fw_browse_char_width(gunichar c)
{
	int w = wcwidth((wchar_t)c);

	if (w >= 0)
		return (guint)w;
	if (g_unichar_iszerowidth(c))
		return 0;
	return g_unichar_iswide(c) ? 2 : 1;
}

guint
fw_browse_width(const char *s)
{
	guint w = 0;

	for (const char *p = s; *p; p = g_utf8_next_char(p))
		w += fw_browse_char_width(g_utf8_get_char(p));
	return w;
}

char *
fw_browse_fit(const char *s, guint width, gboolean pad)
{
	GString *out = g_string_new(NULL);
	guint used = 0;

	if (fw_browse_width(s) <= width) {
		g_string_append(out, s);
		used = fw_browse_width(s);
	} else if (width > 0) {
		for (const char *p = s; *p; p = g_utf8_next_char(p)) {
			gunichar c = g_utf8_get_char(p);
			guint w = fw_browse_char_width(c);

			if (used + w > width - 1)
				break;
			g_string_append_unichar(out, c);
			used += w;
		}
		g_string_append(out, ascii_only ? "~" : "…");
		used++;
	}
	while (pad && used++ < width)
		g_string_append_c(out, ' ');
	return g_string_free(out, FALSE);
}

void
fw_browse_line_free(struct fw_browse_line *l)
{
	if (l == NULL)
		return;
	g_free(l->text);
	g_array_unref(l->marks);
	g_free(l);
}

/* A line being built: its text, marks and width. */
struct builder {
	GString *text;
	GArray *marks;
	guint width;
};

/* Appends c to the line, highlighted or not (adjacent highlighted bytes
 * share one range). */
static void
builder_add(struct builder *bl, gunichar c, gboolean marked)
{
	guint start = (guint)bl->text->len;

	g_string_append_unichar(bl->text, c);
	bl->width += fw_browse_char_width(c);
	if (!marked)
		return;
	if (bl->marks->len > 0) {
		struct fw_browse_range *last =
			&g_array_index(bl->marks, struct fw_browse_range, bl->marks->len - 1);
		if (last->end == start) {
			last->end = (guint)bl->text->len;
			return;
		}
	}
	g_array_append_val(bl->marks, ((struct fw_browse_range){ start, (guint)bl->text->len }));
}

/* Moves the line built so far to out and starts an empty one. */
static void
builder_emit(struct builder *bl, GPtrArray *out)
{
	struct fw_browse_line *l = g_new0(struct fw_browse_line, 1);

	l->text = g_string_free(bl->text, FALSE);
	l->marks = bl->marks;
	g_ptr_array_add(out, l);
	bl->text = g_string_new(NULL);
	bl->marks = g_array_new(FALSE, FALSE, sizeof(struct fw_browse_range));
	bl->width = 0;
}

/* Columns of chars [a, b). */
static guint
span_width(const gunichar *chars, glong a, glong b)
{
	guint w = 0;

	for (glong i = a; i < b; i++)
		w += fw_browse_char_width(chars[i]);
	return w;
}

void
fw_browse_wrap(const char *text, const GArray *marks, guint width, GPtrArray *out)
{
	glong n = 0, i = 0;
	g_autofree gunichar *chars = NULL;
	g_autofree gboolean *marked = NULL;
	struct builder bl;
	gboolean para_done = TRUE;   /* no line yet: leading newlines are skipped */

	g_return_if_fail(width >= 1);
	chars = g_utf8_to_ucs4_fast(text ? text : "", -1, &n);
	if (n == 0)
		return;
	marked = g_new0(gboolean, n);
	for (guint m = 0; marks != NULL && m < marks->len; m++) {
		const struct fw_span *sp = &g_array_index(marks, struct fw_span, m);

		for (glong k = sp->start; k < (glong)sp->end && k < n; k++)
			marked[k] = TRUE;
	}
	bl.text = g_string_new(NULL);
	bl.marks = g_array_new(FALSE, FALSE, sizeof(struct fw_browse_range));
	bl.width = 0;
	while (i < n) {
		glong ws = i, we, word_end;
		guint ww;

		/* Spaces, or the end of a paragraph. */
		while (i < n && chars[i] == ' ')
			i++;
		if (i < n && chars[i] == '\n') {
			/* One empty line between paragraphs, however many newlines. */
			if (!para_done) {
				builder_emit(&bl, out);
				builder_emit(&bl, out);
				para_done = TRUE;
			}
			i++;
			continue;
		}
		if (i >= n)
			break;
		we = i;
		word_end = i;
		while (word_end < n && chars[word_end] != ' ' && chars[word_end] != '\n')
			word_end++;
		ww = span_width(chars, we, word_end);
		if (bl.text->len > 0 && bl.width + 1 + ww <= width) {
			/* the first space between the words, highlighted with a phrase */
			builder_add(&bl, ' ', ws < we && marked[ws] && marked[we]);
		} else if (bl.text->len > 0) {
			builder_emit(&bl, out);
		}
		for (glong k = we; k < word_end; k++) {
			guint cw = fw_browse_char_width(chars[k]);

			if (bl.width + cw > width && bl.text->len > 0)
				builder_emit(&bl, out);   /* a word wider than the line */
			builder_add(&bl, chars[k], marked[k]);
		}
		para_done = FALSE;
		i = word_end;
	}
	/* A trailing newline leaves an empty line last: drop it. */
	if (bl.text->len > 0)
		builder_emit(&bl, out);
	while (out->len > 0 &&
	       ((struct fw_browse_line *)out->pdata[out->len - 1])->text[0] == '\0')
		g_ptr_array_remove_index(out, out->len - 1);
	g_string_free(bl.text, TRUE);
	g_array_unref(bl.marks);
}

/* TRUE with *out set when node is an integer that fits a guint. */
static gboolean
node_uint(JsonNode *node, guint *out)
{
	gint64 v;

	if (node == NULL || !JSON_NODE_HOLDS_VALUE(node) ||
	    json_node_get_value_type(node) != G_TYPE_INT64)
		return FALSE;
	v = json_node_get_int(node);
	if (v < 0 || v > G_MAXUINT)
		return FALSE;
	*out = (guint)v;
	return TRUE;
}

void
fw_browse_matched_spans(const char *matched_json, const char *field, GArray *out)
{
	g_autoptr(JsonParser) p = json_parser_new_immutable();
	JsonNode *root;
	JsonArray *a;

	if (matched_json == NULL || !json_parser_load_from_data(p, matched_json, -1, NULL))
		return;
	root = json_parser_get_root(p);
	if (root == NULL || !JSON_NODE_HOLDS_ARRAY(root))
		return;
	a = json_node_get_array(root);
	for (guint i = 0; i < json_array_get_length(a); i++) {
		JsonNode *n = json_array_get_element(a, i);
		struct fw_span sp = { 0 };
		JsonObject *o;

		if (!JSON_NODE_HOLDS_OBJECT(n))
			continue;
		o = json_node_get_object(n);
		if (g_strcmp0(json_object_get_string_member_with_default(o, "field", NULL), field) != 0 ||
		    !node_uint(json_object_get_member(o, "start"), &sp.start) ||
		    !node_uint(json_object_get_member(o, "end"), &sp.end) || sp.end <= sp.start)
			continue;
		g_array_append_val(out, sp);
	}
}
