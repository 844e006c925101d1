/* hitlog — the hit log as the user reads it: table, JSON Lines, CSV, Atom and
 * the long form of `feedwatch show`. See cli/hitlog.h. */
#include <string.h>

#include <libxml/xmlwriter.h>

#include "hitlog.h"

#define BOLD "\033[1m"
#define CYAN "\033[36m"
#define DIM "\033[2m"
#define RESET "\033[0m"

#ifndef FW_VERSION
#define FW_VERSION "0"
#endif

/* Longest summary `show` prints, in characters. */
#define SHOW_SUMMARY_MAX 4000

gboolean fw_hitlog_format_from_name(const char *name, enum fw_hitlog_format *out)
{
	static const struct { const char *name; enum fw_hitlog_format f; } names[] = {
		{ "table", FW_HITLOG_TABLE },
		{ "json", FW_HITLOG_JSON },
		{ "csv", FW_HITLOG_CSV },
		{ "atom", FW_HITLOG_ATOM },
	};

	for (gsize i = 0; name && i < G_N_ELEMENTS(names); i++) {
		if (!strcmp(name, names[i].name)) {
			*out = names[i].f;
			return TRUE;
		}
	}
	return FALSE;
}

/* ---- text helpers ------------------------------------------------------ */

/* TRUE for characters that must not reach a terminal: C0/C1 controls and
 * bidirectional overrides (they reorder what follows them). */
static gboolean unsafe_char(gunichar c)
{
	return g_unichar_iscntrl(c) || (c >= 0x202a && c <= 0x202e) ||
	       (c >= 0x2066 && c <= 0x2069);
}

/* A valid UTF-8 copy of s ("" for NULL) with every unsafe character replaced
 * by one space (character offsets stay the same); newlines kept if asked. */
static char *clean_text(const char *s, gboolean keep_newlines)
{
	g_autofree char *valid = g_utf8_make_valid(s ? s : "", -1);
	GString *out = g_string_sized_new(strlen(valid));

	for (const char *p = valid; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (c == '\n' && keep_newlines)
			g_string_append_c(out, '\n');
		else if (unsafe_char(c))
			g_string_append_c(out, ' ');
		else
			g_string_append_unichar(out, c);
	}
	return g_string_free(out, FALSE);
}

/* Terminal columns of one character. */
static guint char_width(gunichar c)
{
	if (g_unichar_iszerowidth(c))
		return 0;
	return g_unichar_iswide(c) ? 2 : 1;
}

/* Terminal columns of clean text. */
static guint text_width(const char *s)
{
	guint w = 0;

	for (const char *p = s; *p; p = g_utf8_next_char(p))
		w += char_width(g_utf8_get_char(p));
	return w;
}

/* Appends clean text s in at most width columns, cut with "…" when longer,
 * padded with spaces to width when pad. */
static void append_fit(GString *out, const char *s, guint width, gboolean pad)
{
	guint total = text_width(s), used = 0;

	if (total <= width) {
		g_string_append(out, s);
		used = total;
	} else if (width > 0) {
		for (const char *p = s; *p; p = g_utf8_next_char(p)) {
			gunichar c = g_utf8_get_char(p);
			guint w = char_width(c);

			if (used + w > width - 1)
				break;
			g_string_append_unichar(out, c);
			used += w;
		}
		g_string_append(out, "…");
		used++;
	}
	while (pad && used++ < width)
		g_string_append_c(out, ' ');
}

/* t as local "2024-11-26 14:05", or "-" for none or out of range. */
static char *format_local(gint64 t)
{
	g_autoptr(GDateTime) dt = NULL;

	if (t != FW_TIME_NONE)
		dt = g_date_time_new_from_unix_local(t);
	return dt ? g_date_time_format(dt, "%Y-%m-%d %H:%M") : g_strdup("-");
}

/* ---- marks ------------------------------------------------------------- */

/* Appends clean text with each mark wrapped in open/close; overlapping or
 * out-of-range marks are skipped. */
static void append_marked(GString *out, const char *text, const GArray *marks,
                          const char *open, const char *close)
{
	glong len = g_utf8_strlen(text, -1);
	const char *p = text;
	guint pos = 0;

	for (guint i = 0; marks && i < marks->len; i++) {
		const struct fw_span *m = &g_array_index(marks, struct fw_span, i);
		const char *a, *b;

		if (m->start < pos || m->end <= m->start || (glong)m->end > len)
			continue;
		a = g_utf8_offset_to_pointer(p, m->start - pos);
		b = g_utf8_offset_to_pointer(a, m->end - m->start);
		g_string_append_len(out, p, a - p);
		g_string_append(out, open);
		g_string_append_len(out, a, b - a);
		g_string_append(out, close);
		p = b;
		pos = m->end;
	}
	g_string_append(out, p);
}

/* ---- table ------------------------------------------------------------- */

/* Terminal columns of s once cleaned. */
static guint clean_width(const char *s)
{
	g_autofree char *c = clean_text(s, FALSE);

	return text_width(c);
}

/* The table: ID, FOUND (local time), TOPIC, FEED, TITLE (cut to fit width). */
static void print_table(GPtrArray *rows, FILE *out, gboolean color, guint width)
{
	g_autoptr(GString) line = g_string_new(NULL);
	guint wid = 2, wdate = 16, wtopic, wfeed, wtitle, fixed;

	if (rows->len == 0)
		return;
	if (width == 0)
		width = 100;
	for (guint i = 0; i < rows->len; i++) {
		const struct fw_hit_row *r = g_ptr_array_index(rows, i);
		g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, r->id);

		wid = MAX(wid, (guint)strlen(id));
	}
	wtopic = 5;
	wfeed = 4;
	for (guint i = 0; i < rows->len; i++) {
		const struct fw_hit_row *r = g_ptr_array_index(rows, i);

		wtopic = MAX(wtopic, clean_width(r->topic_name ? r->topic_name : r->topic));
		wfeed = MAX(wfeed, clean_width(r->feed_title ? r->feed_title : r->feed));
	}
	wtopic = MIN(wtopic, 20);
	wfeed = MIN(wfeed, 24);
	/* The title gets what is left, at least 20 columns: narrow feed, then topic. */
	for (;;) {
		fixed = wid + wdate + wtopic + wfeed + 4 * 2;
		wtitle = width > fixed ? width - fixed : 0;
		if (wtitle >= 20 || (wfeed <= 8 && wtopic <= 8))
			break;
		if (wfeed > 8)
			wfeed--;
		else
			wtopic--;
	}
	wtitle = MAX(wtitle, 10);

	g_string_append(line, color ? BOLD : "");
	g_string_append_printf(line, "%*s  ", (int)wid, "ID");
	append_fit(line, "FOUND", wdate, TRUE);
	g_string_append(line, "  ");
	append_fit(line, "TOPIC", wtopic, TRUE);
	g_string_append(line, "  ");
	append_fit(line, "FEED", wfeed, TRUE);
	g_string_append(line, "  TITLE");
	g_string_append(line, color ? RESET "\n" : "\n");
	fputs(line->str, out);

	for (guint i = 0; i < rows->len; i++) {
		const struct fw_hit_row *r = g_ptr_array_index(rows, i);
		g_autofree char *date = format_local(r->found);
		g_autofree char *topic = clean_text(r->topic_name ? r->topic_name : r->topic, FALSE);
		g_autofree char *feed = clean_text(r->feed_title ? r->feed_title : r->feed, FALSE);
		g_autofree char *title = clean_text(r->title, FALSE);

		g_string_truncate(line, 0);
		g_string_append_printf(line, "%*" G_GINT64_FORMAT "  ", (int)wid, r->id);
		append_fit(line, date, wdate, TRUE);
		g_string_append(line, color ? "  " CYAN : "  ");
		append_fit(line, topic, wtopic, TRUE);
		g_string_append(line, color ? RESET "  " DIM : "  ");
		append_fit(line, feed, wfeed, TRUE);
		g_string_append(line, color ? RESET "  " : "  ");
		if (color && !r->read)
			g_string_append(line, BOLD);
		append_fit(line, title, wtitle, FALSE);
		if (color && !r->read)
			g_string_append(line, RESET);
		g_string_append_c(line, '\n');
		fputs(line->str, out);
	}
}

/* ---- CSV --------------------------------------------------------------- */

/* Appends one RFC 4180 field: quoted (quotes doubled) when it holds a comma,
 * quote, CR or LF. A field that a spreadsheet would take for a formula (its
 * first byte = + - @ tab or CR) gets a leading single quote and is quoted,
 * as OWASP's "CSV Injection" page recommends. */
static void csv_field(GString *line, const char *value, gboolean last)
{
	g_autofree char *v = g_utf8_make_valid(value ? value : "", -1);
	gboolean formula = v[0] != '\0' && strchr("=+-@\t\r", v[0]) != NULL;

	if (formula || strpbrk(v, ",\"\r\n")) {
		g_string_append_c(line, '"');
		if (formula)
			g_string_append_c(line, '\'');
		for (const char *p = v; *p; p++) {
			if (*p == '"')
				g_string_append_c(line, '"');
			g_string_append_c(line, *p);
		}
		g_string_append_c(line, '"');
	} else {
		g_string_append(line, v);
	}
	g_string_append(line, last ? "\r\n" : ",");
}

/* CSV: the JSON fields but matched, header first, CRLF line ends. */
static void print_csv(GPtrArray *rows, FILE *out)
{
	static const char *const header[] = {
		"id", "topic", "topic_name", "feed", "feed_title", "item_id", "title", "link",
		"published", "found", "snippet", "read", "notified",
	};
	g_autoptr(GString) line = g_string_new(NULL);

	for (gsize i = 0; i < G_N_ELEMENTS(header); i++)
		csv_field(line, header[i], i + 1 == G_N_ELEMENTS(header));
	fputs(line->str, out);
	for (guint i = 0; i < rows->len; i++) {
		const struct fw_hit_row *r = g_ptr_array_index(rows, i);
		g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, r->id);
		g_autofree char *published = fw_hit_time_utc(r->published);
		g_autofree char *found = fw_hit_time_utc(r->found);

		g_string_truncate(line, 0);
		csv_field(line, id, FALSE);
		csv_field(line, r->topic, FALSE);
		csv_field(line, r->topic_name ? r->topic_name : r->topic, FALSE);
		csv_field(line, r->feed, FALSE);
		csv_field(line, r->feed_title ? r->feed_title : r->feed, FALSE);
		csv_field(line, r->item_id, FALSE);
		csv_field(line, r->title, FALSE);
		csv_field(line, r->link, FALSE);
		csv_field(line, published, FALSE);
		csv_field(line, found, FALSE);
		csv_field(line, r->snippet, FALSE);
		csv_field(line, r->read ? "true" : "false", FALSE);
		csv_field(line, fw_hit_notified_name(r->notified), TRUE);
		fputs(line->str, out);
	}
}

/* ---- Atom -------------------------------------------------------------- */

/* A copy of s that XML 1.0 accepts: valid UTF-8 without the control
 * characters and non-characters XML forbids. */
static char *xml_text(const char *s)
{
	g_autofree char *valid = g_utf8_make_valid(s ? s : "", -1);
	GString *out = g_string_sized_new(strlen(valid));

	for (const char *p = valid; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0xfffe || c == 0xffff)
			continue;
		g_string_append_unichar(out, c);
	}
	return g_string_free(out, FALSE);
}

/* Writes <name>text</name> with text made XML-safe and escaped. */
static void atom_element(xmlTextWriterPtr w, const char *name, const char *text)
{
	g_autofree char *t = xml_text(text);

	xmlTextWriterWriteElement(w, BAD_CAST name, BAD_CAST t);
}

/* Writes an attribute with its value made XML-safe and escaped. */
static void atom_attribute(xmlTextWriterPtr w, const char *name, const char *value)
{
	g_autofree char *v = xml_text(value);

	xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST v);
}

/* One <entry> for a hit. */
static void atom_entry(xmlTextWriterPtr w, const struct fw_hit_row *r)
{
	g_autofree char *id = g_strdup_printf("urn:feedwatch:hit:%" G_GINT64_FORMAT, r->id);
	g_autofree char *title = g_strdup_printf("[%s] %s",
	                                         r->topic_name ? r->topic_name : r->topic,
	                                         r->title ? r->title : "");
	g_autofree char *found = fw_hit_time_utc(r->found);
	g_autofree char *published = fw_hit_time_utc(r->published);
	g_autofree char *feed = g_strdup(r->feed_title ? r->feed_title : r->feed);

	xmlTextWriterStartElement(w, BAD_CAST "entry");
	atom_element(w, "id", id);
	atom_element(w, "title", title);
	if (r->link) {
		xmlTextWriterStartElement(w, BAD_CAST "link");
		atom_attribute(w, "rel", "alternate");
		atom_attribute(w, "href", r->link);
		xmlTextWriterEndElement(w);
	}
	atom_element(w, "updated", found ? found : "1970-01-01T00:00:00Z");
	if (published)
		atom_element(w, "published", published);
	if (feed) {
		xmlTextWriterStartElement(w, BAD_CAST "author");
		atom_element(w, "name", feed);
		xmlTextWriterEndElement(w);
	}
	xmlTextWriterStartElement(w, BAD_CAST "category");
	atom_attribute(w, "term", r->topic);
	atom_attribute(w, "label", r->topic_name ? r->topic_name : r->topic);
	xmlTextWriterEndElement(w);
	atom_element(w, "summary", r->snippet);
	/* An entry without an alternate link must have content (RFC 4287 4.1.2). */
	if (!r->link) {
		xmlTextWriterStartElement(w, BAD_CAST "content");
		atom_attribute(w, "type", "text");
		{
			g_autofree char *t = xml_text(r->snippet);

			xmlTextWriterWriteString(w, BAD_CAST t);
		}
		xmlTextWriterEndElement(w);
	}
	xmlTextWriterEndElement(w);
}

/* A whole Atom 1.0 feed of the hits; updated is the newest hit's found. */
static void print_atom(GPtrArray *rows, FILE *out)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlTextWriterPtr w = xmlNewTextWriterMemory(buf, 0);
	g_autofree char *updated = NULL;
	gint64 newest = FW_TIME_NONE;

	if (!w) {
		xmlBufferFree(buf);
		return;
	}
	for (guint i = 0; i < rows->len; i++) {
		const struct fw_hit_row *r = g_ptr_array_index(rows, i);

		newest = MAX(newest, r->found);
	}
	if (newest == FW_TIME_NONE)
		newest = g_get_real_time() / G_USEC_PER_SEC;
	updated = fw_hit_time_utc(newest);

	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, BAD_CAST "  ");
	xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
	xmlTextWriterStartElementNS(w, NULL, BAD_CAST "feed", BAD_CAST "http://www.w3.org/2005/Atom");
	atom_element(w, "id", "urn:feedwatch:hits");
	atom_element(w, "title", "feedwatch hits");
	atom_element(w, "updated", updated ? updated : "1970-01-01T00:00:00Z");
	xmlTextWriterStartElement(w, BAD_CAST "author");
	atom_element(w, "name", "feedwatch");
	xmlTextWriterEndElement(w);
	xmlTextWriterStartElement(w, BAD_CAST "generator");
	atom_attribute(w, "version", FW_VERSION);
	xmlTextWriterWriteString(w, BAD_CAST "feedwatch");
	xmlTextWriterEndElement(w);
	for (guint i = 0; i < rows->len; i++)
		atom_entry(w, g_ptr_array_index(rows, i));
	xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);
	fwrite(xmlBufferContent(buf), 1, (size_t)xmlBufferLength(buf), out);
	xmlBufferFree(buf);
}

void fw_hitlog_print(GPtrArray *rows, enum fw_hitlog_format format, FILE *out,
                     gboolean color, guint width)
{
	switch (format) {
	case FW_HITLOG_TABLE:
		print_table(rows, out, color, width);
		break;
	case FW_HITLOG_JSON:
		for (guint i = 0; i < rows->len; i++) {
			g_autofree char *line = fw_hit_json(g_ptr_array_index(rows, i));

			fputs(line, out);
			fputc('\n', out);
		}
		break;
	case FW_HITLOG_CSV:
		print_csv(rows, out);
		break;
	case FW_HITLOG_ATOM:
		print_atom(rows, out);
		break;
	}
	fflush(out);   /* --follow prints as hits come */
}

/* ---- show -------------------------------------------------------------- */

/* Appends "Label:     value\n" with value cleaned (skipped when NULL). */
static void show_line(GString *out, const char *label, const char *value)
{
	g_autofree char *v = NULL;

	if (!value)
		return;
	v = clean_text(value, FALSE);
	g_string_append_printf(out, "%-11s%s\n", label, v);
}

/* Spans `show` lists per field before "and N more". */
#define SHOW_SPANS_PER_FIELD 5

/* The matched list grouped by field, "title 0–5 · content 120–125, 300–305
 * and 7 more", or NULL when empty. */
static char *matched_text(const char *matched_json)
{
	g_autoptr(GArray) matched = fw_hit_matched_parse(matched_json);
	g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GArray) counts = g_array_new(FALSE, TRUE, sizeof(guint));
	GString *out;

	for (guint i = 0; i < matched->len; i++) {
		const struct fw_hit_match *m = &g_array_index(matched, struct fw_hit_match, i);
		const char *field = m->field;
		guint start = m->start, end = m->end, k;

		for (k = 0; k < fields->len && strcmp(fields->pdata[k], field); k++)
			;
		if (k == fields->len) {
			guint zero = 0;

			g_ptr_array_add(fields, g_strdup(field));
			g_ptr_array_add(texts, g_strdup_printf("%s %u–%u", field, start, end));
			g_array_append_val(counts, zero);
		} else if (g_array_index(counts, guint, k) < SHOW_SPANS_PER_FIELD) {
			char *more = g_strdup_printf("%s, %u–%u", (char *)texts->pdata[k], start, end);

			g_free(texts->pdata[k]);
			texts->pdata[k] = more;
		}
		g_array_index(counts, guint, k)++;
	}
	if (fields->len == 0)
		return NULL;
	out = g_string_new(NULL);
	for (guint k = 0; k < fields->len; k++) {
		guint n = g_array_index(counts, guint, k);

		g_string_append_printf(out, "%s%s", k ? " · " : "", (char *)texts->pdata[k]);
		if (n > SHOW_SPANS_PER_FIELD)
			g_string_append_printf(out, " and %u more", n - SHOW_SPANS_PER_FIELD);
	}
	return g_string_free(out, FALSE);
}

/* Appends text indented by two spaces on every line but empty ones. */
static void append_indented(GString *out, const char *text)
{
	if (*text && *text != '\n')
		g_string_append(out, "  ");
	for (const char *p = text; *p; p++) {
		g_string_append_c(out, *p);
		if (*p == '\n' && p[1] && p[1] != '\n')
			g_string_append(out, "  ");
	}
	if (out->len && out->str[out->len - 1] != '\n')
		g_string_append_c(out, '\n');
}

void fw_hitlog_show(const struct fw_hit_row *r, FILE *out, gboolean color)
{
	fw_hitlog_show_item(r, NULL, out, color);
}

/* Appends the snippet of r with its marks, indented (after an empty line when blank). */
static void append_snippet(GString *s, const struct fw_hit_row *r, gboolean color, gboolean blank)
{
	g_autofree char *snippet = clean_text(r->snippet, FALSE);
	g_autoptr(GArray) marks = fw_hit_marks_parse(r->marks_json);
	g_autoptr(GString) marked = g_string_new(NULL);

	if (*snippet == '\0')
		return;
	append_marked(marked, snippet, marks, color ? BOLD : "", color ? RESET : "");
	if (blank)
		g_string_append_c(s, '\n');
	append_indented(s, marked->str);
}

void fw_hitlog_show_item(const struct fw_hit_row *r, GPtrArray *others, FILE *out,
                         gboolean color)
{
	g_autoptr(GString) s = g_string_new(NULL);
	g_autofree char *head = NULL, *feed = NULL, *published = NULL, *found = NULL;
	g_autofree char *matched = matched_text(r->matched_json);
	const char *name = r->topic_name ? r->topic_name : r->topic;

	head = g_strdup_printf("Hit %" G_GINT64_FORMAT " · %s (%s) · %s · notified: %s",
	                       r->id, name ? name : "", r->topic ? r->topic : "",
	                       r->read ? "read" : "unread", fw_hit_notified_name(r->notified));
	{
		g_autofree char *h = clean_text(head, FALSE);

		g_string_append_printf(s, "%s%s%s\n", color ? BOLD : "", h, color ? RESET : "");
	}
	show_line(s, "Title:", r->title ? r->title : "");
	feed = g_strdup_printf("%s (%s)", r->feed_title ? r->feed_title : (r->feed ? r->feed : ""),
	                       r->feed ? r->feed : "");
	show_line(s, "Feed:", feed);
	show_line(s, "Also in:", r->also_in);
	show_line(s, "Link:", r->link);
	show_line(s, "Author:", r->author);
	if (r->published != FW_TIME_NONE)
		published = format_local(r->published);
	show_line(s, "Published:", published);
	found = format_local(r->found);
	show_line(s, "Found:", found);
	if (others != NULL && others->len > 0) {
		g_autoptr(GString) topics = g_string_new(NULL);

		g_string_append_printf(topics, "%s (hit %" G_GINT64_FORMAT ")", name ? name : "", r->id);
		for (guint i = 0; i < others->len; i++) {
			const struct fw_hit_row *o = others->pdata[i];

			g_string_append_printf(topics, ", %s (hit %" G_GINT64_FORMAT ")",
			                       o->topic_name ? o->topic_name : o->topic, o->id);
		}
		show_line(s, "Topics:", topics->str);
	}
	show_line(s, "Matched:", matched);
	show_line(s, "Item:", r->item_id);
	append_snippet(s, r, color, TRUE);
	/* The same item's hits for other topics: why each matched. */
	for (guint i = 0; others != NULL && i < others->len; i++) {
		const struct fw_hit_row *o = others->pdata[i];
		g_autofree char *om = matched_text(o->matched_json);
		g_autofree char *line = g_strdup_printf("%s (hit %" G_GINT64_FORMAT ")%s%s",
		                                        o->topic_name ? o->topic_name : o->topic,
		                                        o->id, om ? " matched " : "", om ? om : "");
		g_autofree char *clean = clean_text(line, FALSE);

		g_string_append_printf(s, "\n%s%s:%s\n", color ? BOLD : "", clean, color ? RESET : "");
		append_snippet(s, o, color, FALSE);
	}
	if (r->summary && *r->summary) {
		g_autofree char *clean = clean_text(r->summary, TRUE);
		g_autoptr(GString) sum = g_string_new(clean);

		if (g_utf8_strlen(sum->str, -1) > SHOW_SUMMARY_MAX) {
			g_string_truncate(sum, g_utf8_offset_to_pointer(sum->str, SHOW_SUMMARY_MAX) -
			                       sum->str);
			g_string_append(sum, "…");
		}
		g_string_append(s, "\nSummary:\n");
		append_indented(s, sum->str);
	}
	fputs(s->str, out);
}
