/* notify — the notification channels: fw_notice, the text of a notice
 * (see include/feedwatch/notify.h). */
#include <string.h>

#include <glib.h>

#include "feedwatch/html.h"
#include "feedwatch/match.h"
#include "feedwatch/notify.h"

#define FW_NOTIFY_TITLE_MAX 300      /* characters */
#define FW_NOTIFY_SNIPPET_MAX 400    /* characters */
#define FW_NOTIFY_NAME_MAX 100       /* characters of one topic name or the feed title */
#define FW_NOTIFY_SUMMARY_MAX 250    /* characters of the whole summary */
#define FW_NOTIFY_ELLIPSIS "\xe2\x80\xa6"
#define FW_NOTIFY_HEADER_MAX 250     /* characters of one webhook header value */

/* Returns s made valid UTF-8 with control characters (C0, DEL, C1) turned
 * into spaces, one character for one, so character offsets stay right.
 * NULL gives "". Caller frees. */
static char *clean_text(const char *s, gboolean keep_newlines)
{
	g_autofree char *valid = fw_html_valid_utf8(s != NULL ? s : "", -1);
	GString *out = g_string_sized_new(strlen(valid) + 1);

	for (const char *p = valid; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (c == '\n' && keep_newlines)
			g_string_append_c(out, '\n');
		else if (g_unichar_iscntrl(c) || c == 0xfffe || c == 0xffff ||
		         (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
			g_string_append_c(out, ' ');   /* controls, bidi overrides, isolates */
		else
			g_string_append_unichar(out, c);
	}
	return g_string_free(out, FALSE);
}

/* Returns the first max characters of valid UTF-8 s, with "…" appended when
 * something was cut. Caller frees. */
static char *cut_with_ellipsis(const char *s, glong max)
{
	const char *end;
	GString *out;

	if (g_utf8_strlen(s, -1) <= max)
		return g_strdup(s);
	end = g_utf8_offset_to_pointer(s, max);
	out = g_string_new_len(s, end - s);
	g_string_append(out, FW_NOTIFY_ELLIPSIS);
	return g_string_free(out, FALSE);
}

/* Appends s[0..len) escaped for Pango markup. */
static void append_escaped(GString *out, const char *s, gssize len)
{
	g_autofree char *esc = g_markup_escape_text(s, len);

	g_string_append(out, esc);
}

/* Compares two struct fw_span by start. */
static gint span_cmp(gconstpointer a, gconstpointer b)
{
	const struct fw_span *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start ? 1 : (gint)x->end - (gint)y->end;
}

char *fw_notice_summary(const char *const *topic_names, const char *feed_title)
{
	GString *s = g_string_new(NULL);
	g_autofree char *all = NULL;

	for (guint i = 0; topic_names != NULL && topic_names[i] != NULL; i++) {
		g_autofree char *clean = clean_text(topic_names[i], FALSE);
		g_autofree char *cut = cut_with_ellipsis(g_strstrip(clean), FW_NOTIFY_NAME_MAX);
		if (*cut == '\0')
			continue;
		if (s->len > 0)
			g_string_append(s, " \xc2\xb7 ");
		g_string_append(s, cut);
	}
	if (feed_title != NULL) {
		g_autofree char *clean = clean_text(feed_title, FALSE);
		g_autofree char *cut = cut_with_ellipsis(g_strstrip(clean), FW_NOTIFY_NAME_MAX);
		if (*cut != '\0') {
			if (s->len > 0)
				g_string_append(s, " \xe2\x80\x94 ");
			g_string_append(s, cut);
		}
	}
	all = g_string_free(s, FALSE);
	return cut_with_ellipsis(all, FW_NOTIFY_SUMMARY_MAX);
}

/* TRUE when the snippet sn is (a cut of) the title t: its text without the
 * ellipses of a cut is in t (both cleaned). */
static gboolean snippet_in_title(const char *sn, const char *t)
{
	g_autofree char *core = g_strdup(sn);
	char *p = g_strstrip(core);

	if (g_str_has_prefix(p, FW_NOTIFY_ELLIPSIS))
		p += strlen(FW_NOTIFY_ELLIPSIS);
	if (g_str_has_suffix(p, FW_NOTIFY_ELLIPSIS))
		p[strlen(p) - strlen(FW_NOTIFY_ELLIPSIS)] = '\0';
	p = g_strstrip(p);
	return *p != '\0' && *t != '\0' && strstr(t, p) != NULL;
}

char *fw_notice_body(const char *title, const char *snippet, const GArray *marks)
{
	g_autofree char *t = clean_text(title, FALSE);
	g_autofree char *tcut = cut_with_ellipsis(g_strstrip(t), FW_NOTIFY_TITLE_MAX);
	g_autofree char *sn = clean_text(snippet, TRUE);
	g_autoptr(GArray) sorted = g_array_new(FALSE, FALSE, sizeof(struct fw_span));
	GString *out = g_string_new(NULL);
	glong len = g_utf8_strlen(sn, -1);
	glong cut = MIN(len, FW_NOTIFY_SNIPPET_MAX);
	glong pos = 0;

	if (*sn == '\0' || !snippet_in_title(sn, t))
		append_escaped(out, tcut, -1);   /* said once: not when the snippet is the title */
	if (*sn == '\0')
		return g_string_free(out, FALSE);
	if (out->len > 0)
		g_string_append_c(out, '\n');

	if (marks != NULL)
		g_array_append_vals(sorted, marks->data, marks->len);
	g_array_sort(sorted, span_cmp);
	/* Never cut inside a mark: a mark across the cut ends the text before it. */
	for (guint i = 0; i < sorted->len; i++) {
		const struct fw_span *m = &g_array_index(sorted, struct fw_span, i);
		if (m->start < (guint)cut && m->end > (guint)cut && m->end <= (guint)len)
			cut = m->start;
	}
	for (guint i = 0; i < sorted->len; i++) {
		const struct fw_span *m = &g_array_index(sorted, struct fw_span, i);
		const char *a, *b, *c;
		/* Out of range, empty, overlapping the previous one, or past the cut: skipped. */
		if (m->start >= m->end || (glong)m->start < pos || (glong)m->end > cut)
			continue;
		a = g_utf8_offset_to_pointer(sn, pos);
		b = g_utf8_offset_to_pointer(sn, m->start);
		c = g_utf8_offset_to_pointer(sn, m->end);
		append_escaped(out, a, b - a);
		g_string_append(out, "<b>");
		append_escaped(out, b, c - b);
		g_string_append(out, "</b>");
		pos = m->end;
	}
	{
		const char *a = g_utf8_offset_to_pointer(sn, pos);
		const char *b = g_utf8_offset_to_pointer(sn, cut);
		append_escaped(out, a, b - a);
	}
	if (cut < len)
		g_string_append(out, FW_NOTIFY_ELLIPSIS);
	return g_string_free(out, FALSE);
}

struct fw_notice *fw_notice_new(void)
{
	struct fw_notice *n = g_new0(struct fw_notice, 1);

	n->outbox_ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	n->hit_ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	n->urgency = FW_URGENCY_NORMAL;
	return n;
}

/* A copy of a (possibly NULL) array of gint64. */
static GArray *ids_copy(const GArray *a)
{
	GArray *c = g_array_new(FALSE, FALSE, sizeof(gint64));

	if (a != NULL)
		g_array_append_vals(c, a->data, a->len);
	return c;
}

struct fw_notice *fw_notice_copy(const struct fw_notice *n)
{
	struct fw_notice *c = g_new0(struct fw_notice, 1);

	c->outbox_ids = ids_copy(n->outbox_ids);
	c->hit_ids = ids_copy(n->hit_ids);
	c->topics = g_strdupv(n->topics);
	c->summary = g_strdup(n->summary);
	c->body = g_strdup(n->body);
	c->link = g_strdup(n->link);
	c->replace_key = g_strdup(n->replace_key);
	c->urgency = n->urgency;
	return c;
}

void fw_notice_free(struct fw_notice *n)
{
	if (n == NULL)
		return;
	if (n->outbox_ids != NULL)
		g_array_unref(n->outbox_ids);
	if (n->hit_ids != NULL)
		g_array_unref(n->hit_ids);
	g_strfreev(n->topics);
	g_free(n->summary);
	g_free(n->body);
	g_free(n->link);
	g_free(n->replace_key);
	g_free(n);
}

char *fw_notice_summary_inert(const char *summary)
{
	GString *out = g_string_sized_new(strlen(summary) + 8);

	for (const char *p = summary; *p != '\0'; p++) {
		if (*p == '<')
			g_string_append(out, "\xe2\x80\xb9");   /* U+2039 ‹ */
		else if (*p == '>')
			g_string_append(out, "\xe2\x80\xba");   /* U+203A › */
		else
			g_string_append_c(out, *p);
	}
	return g_string_free(out, FALSE);
}

char *fw_notice_line(const char *s, glong max)
{
	g_autofree char *clean = clean_text(s, FALSE);

	return cut_with_ellipsis(g_strstrip(clean), max);
}


char *fw_notify_header(const char *name, const char *value)
{
	g_autofree char *line = fw_notice_line(value != NULL ? value : "", FW_NOTIFY_HEADER_MAX);
	g_autofree char *b64 = NULL;
	gboolean ascii = TRUE;

	for (const char *p = line; *p != '\0'; p++)
		ascii = ascii && (guchar)*p >= 0x20 && (guchar)*p < 0x7f;
	if (ascii)
		return g_strdup_printf("%s: %s", name, line);
	b64 = g_base64_encode((const guchar *)line, strlen(line));
	return g_strdup_printf("%s: =?UTF-8?B?%s?=", name, b64);
}
