/* match-snippet — snippets: a cut of a field around a match, and its
 * rendering with the matched words marked. */
#include <string.h>

#include "feedwatch/match.h"

/* The snippet's field preference: richest context first. */
static const guint snippet_order[] = {
	FW_FIELD_CONTENT, FW_FIELD_SUMMARY, FW_FIELD_TITLE, FW_FIELD_CATEGORY,
	FW_FIELD_AUTHOR, FW_FIELD_FEED, FW_FIELD_LINK,
};

/* TRUE if c is part of a word (for cutting at word boundaries). */
static gboolean
wordish(gunichar c)
{
	return g_unichar_isalnum(c) || g_unichar_ismark(c);
}

struct fw_snippet *
fw_snippet_make(const struct fw_doc *doc, const GArray *spans, guint width)
{
	const struct fw_span *first = NULL;
	struct fw_snippet *sn;
	const char *text;
	g_autofree gunichar *u = NULL;
	const char *p;
	guint n, lo, cap, m;
	guint a, b, slen, before;
	GString *out;

	if (spans == NULL || spans->len == 0)
		return NULL;
	for (guint k = 0; k < G_N_ELEMENTS(snippet_order) && first == NULL; k++) {
		for (guint i = 0; i < spans->len; i++) {
			const struct fw_span *s = &g_array_index(spans, struct fw_span, i);
			if (s->field == snippet_order[k] && doc->field[s->field] &&
			    (first == NULL || s->start < first->start))
				first = s;
		}
	}
	if (first == NULL)
		return NULL;
	text = doc->field[first->field];
	if (first->start > first->end)
		return NULL;
	/* Only the characters the window can reach are decoded (a long content
	 * holds many hits, each cutting its snippet from it): [lo, lo + m), n
	 * the field's length when the decoding reached its end, else G_MAXUINT
	 * (more than any window needs). */
	lo = first->start > width + 1 ? first->start - width - 1 : 0;
	cap = first->end - lo + width + 1;
	p = text;
	for (guint i = 0; i < lo && *p; i++)
		p = g_utf8_next_char(p);
	u = g_new(gunichar, cap);
	for (m = 0; m < cap && *p; m++) {
		u[m] = g_utf8_get_char(p);
		p = g_utf8_next_char(p);
	}
	n = *p ? G_MAXUINT : lo + m;
	if (first->start > n || first->end > n)
		return NULL;
#define U(i) u[(i) - lo]

	/* The window [a, b): the span, with the rest of the width split around it. */
	slen = first->end - first->start;
	before = width > slen ? (width - slen) / 2 : 0;
	a = first->start > before ? first->start - before : 0;
	b = MIN(n, MAX(a + width, first->end));
	if (b == n && b - a < width)
		a = b > width ? MIN(b - width, first->start) : 0;
	/* Cut at word boundaries, never into the span. */
	if (a > 0) {
		if (wordish(U(a - 1)))
			while (a < first->start && wordish(U(a)))
				a++;
		while (a < first->start && !wordish(U(a)))
			a++;
	}
	if (b < n) {
		if (wordish(U(b)))
			while (b > first->end && wordish(U(b - 1)))
				b--;
		while (b > first->end && g_unichar_isspace(U(b - 1)))
			b--;
	}

	sn = g_new0(struct fw_snippet, 1);
	sn->field = first->field;
	sn->marks = g_array_new(FALSE, FALSE, sizeof(struct fw_span));
	out = g_string_sized_new((b - a) * 2 + 8);
	if (a > 0)
		g_string_append(out, "…");
	for (guint i = a; i < b; i++)
		g_string_append_unichar(out, U(i));
	if (b < n)
		g_string_append(out, "…");
#undef U
	sn->text = g_string_free(out, FALSE);
	for (guint i = 0; i < spans->len; i++) {
		const struct fw_span *s = &g_array_index(spans, struct fw_span, i);
		struct fw_span mk = { .field = first->field };
		if (s->field != first->field || s->start < a || s->end > b || s->start >= s->end)
			continue;
		mk.start = s->start - a + (a > 0);
		mk.end = s->end - a + (a > 0);
		g_array_append_val(sn->marks, mk);
	}
	return sn;
}

void
fw_snippet_free(struct fw_snippet *s)
{
	if (s == NULL)
		return;
	g_free(s->text);
	if (s->marks)
		g_array_unref(s->marks);
	g_free(s);
}

/* Appends text[from, to) (byte pointers), escaped if asked. */
static void
render_append(GString *out, const char *from, const char *to, gboolean escape)
{
	if (to <= from)
		return;
	if (escape) {
		g_autofree char *e = g_markup_escape_text(from, to - from);
		g_string_append(out, e);
	} else {
		g_string_append_len(out, from, to - from);
	}
}

char *
fw_snippet_render(const char *text, const GArray *marks, const char *open,
                  const char *close, gboolean escape_markup)
{
	GString *out;
	const char *p;
	glong len;
	guint pos = 0;

	if (text == NULL)
		return g_strdup("");
	out = g_string_sized_new(strlen(text) + 32);
	len = g_utf8_strlen(text, -1);
	p = text;
	for (guint i = 0; marks && i < marks->len; i++) {
		const struct fw_span *mk = &g_array_index(marks, struct fw_span, i);
		const char *s, *e;

		/* Marks are sorted; skip ones that overlap the last or fall outside. */
		if (mk->start < pos || mk->end <= mk->start || mk->end > (guint)len)
			continue;
		s = g_utf8_offset_to_pointer(p, mk->start - pos);
		e = g_utf8_offset_to_pointer(s, mk->end - mk->start);
		render_append(out, p, s, escape_markup);
		g_string_append(out, open ? open : "");
		render_append(out, s, e, escape_markup);
		g_string_append(out, close ? close : "");
		p = e;
		pos = mk->end;
	}
	render_append(out, p, p + strlen(p), escape_markup);
	return g_string_free(out, FALSE);
}
