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

gboolean fw_hitlog_unsafe_char(gunichar c)
{
	return g_unichar_iscntrl(c) ||              /* C0, DEL, C1 */
	       c == 0x061c ||                       /* ARABIC LETTER MARK */
	       c == 0x200e || c == 0x200f ||        /* LRM, RLM */
	       (c >= 0x202a && c <= 0x202e) ||      /* embeddings, overrides, PDF */
	       (c >= 0x2066 && c <= 0x2069);        /* isolates, PDI */
}

char *fw_hitlog_clean(const char *s, gboolean keep_newlines, gboolean ascii)
{
	g_autofree char *valid = g_utf8_make_valid(s ? s : "", -1);
	GString *out = g_string_sized_new(strlen(valid));

	for (const char *p = valid; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (c == '\n' && keep_newlines)
			g_string_append_c(out, '\n');
		else if (fw_hitlog_unsafe_char(c))
			g_string_append_c(out, ' ');
		else if (ascii && c >= 0x80)
			g_string_append_c(out, '?');
		else
			g_string_append_unichar(out, c);
	}
	return g_string_free(out, FALSE);
}

/* fw_hitlog_clean without the ASCII fallback. Caller frees. */
static char *clean_text(const char *s, gboolean keep_newlines)
{
	return fw_hitlog_clean(s, keep_newlines, FALSE);
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

/* The reader's time of a hit: published, or found when it has none or a
 * later one (as fw_store_hits orders with filter->published). */
static gint64 hit_time(const struct fw_hit_row *r)
{
	return r->published != FW_TIME_NONE && r->published < r->found ? r->published : r->found;
}

/* t as local "11-26 14:05" in the current year, else "2023-11-26"; "-" for none. */
static char *format_short(gint64 t)
{
	g_autoptr(GDateTime) dt = NULL, now = g_date_time_new_now_local();

	if (t != FW_TIME_NONE)
		dt = g_date_time_new_from_unix_local(t);
	if (!dt)
		return g_strdup("-");
	if (g_date_time_get_year(dt) == g_date_time_get_year(now))
		return g_date_time_format(dt, "%m-%d %H:%M");
	return g_date_time_format(dt, "%Y-%m-%d");
}

void fw_hitlog_layout(guint width, struct fw_hitlog_layout *l)
{
	guint fixed;

	if (width == 0)
		width = 100;
	l->id = 5;
	l->date = 11;
	l->feed = CLAMP(width / 7, 8, 20);
	l->topics = CLAMP(width / 6, 10, 28);
	fixed = l->id + 1 + l->date + 2 + l->feed + 2 + 2 + l->topics;
	l->title = width >= fixed + 12 ? width - fixed : 12;
}

/* Appends names (clean text) joined with ", " in at most width columns:
 * the names that fit and "+N" for the others, the first cut with "…" when
 * even it does not fit. */
static void append_names(GString *out, GPtrArray *names, guint width)
{
	g_autoptr(GString) s = g_string_new(NULL);

	for (guint k = names->len; k > 0; k--) {
		g_string_truncate(s, 0);
		for (guint i = 0; i < k; i++)
			g_string_append_printf(s, "%s%s", i ? ", " : "", (char *)names->pdata[i]);
		if (k < names->len)
			g_string_append_printf(s, " +%u", names->len - k);
		if (text_width(s->str) <= width) {
			g_string_append(out, s->str);
			return;
		}
	}
	if (names->len > 0) {
		g_autofree char *more = names->len > 1 ? g_strdup_printf(" +%u", names->len - 1)
		                                        : g_strdup("");
		guint w = (guint)strlen(more);

		append_fit(out, names->pdata[0], width > w ? width - w : 1, FALSE);
		g_string_append(out, more);
	}
}

/* Adds clean text of s to names unless there. */
static void add_name(GPtrArray *names, const char *s)
{
	char *c = clean_text(s, FALSE);

	for (guint i = 0; i < names->len; i++) {
		if (strcmp(names->pdata[i], c) == 0) {
			g_free(c);
			return;
		}
	}
	g_ptr_array_add(names, c);
}

/* The table, a row a story (the rows of one story are adjacent, as
 * fw_store_hits gives them with filter->stories): its number, date (the
 * reader's time), feed(s), title, topics. Widths come from the terminal's
 * alone (fw_hitlog_layout), so that rows printed later line up. */
static void print_table(GPtrArray *rows, FILE *out, gboolean color, guint width, gboolean head)
{
	g_autoptr(GString) line = g_string_new(NULL);
	struct fw_hitlog_layout l;

	fw_hitlog_layout(width, &l);
	if (head && rows->len > 0) {
		g_string_append(line, color ? BOLD : "");
		g_string_append_printf(line, "%*s ", (int)l.id, "ID");
		append_fit(line, "DATE", l.date, TRUE);
		g_string_append(line, "  ");
		append_fit(line, "FEED", l.feed, TRUE);
		g_string_append(line, "  ");
		append_fit(line, "TITLE", l.title, TRUE);
		g_string_append(line, "  TOPICS");
		g_string_append(line, color ? RESET "\n" : "\n");
		fputs(line->str, out);
	}
	for (guint i = 0; i < rows->len;) {
		const struct fw_hit_row *r = g_ptr_array_index(rows, i);
		g_autoptr(GPtrArray) topics = g_ptr_array_new_with_free_func(g_free);
		g_autoptr(GPtrArray) feeds = g_ptr_array_new_with_free_func(g_free);
		g_autofree char *date = NULL, *title = clean_text(r->title, FALSE);
		gint64 t = hit_time(r);
		gboolean unread = FALSE;
		guint k = i;

		for (; k < rows->len; k++) {
			const struct fw_hit_row *o = g_ptr_array_index(rows, k);

			if (k > i && (r->story <= 0 || o->story != r->story))
				break;
			add_name(topics, o->topic_name ? o->topic_name : o->topic);
			add_name(feeds, o->feed_title ? o->feed_title : o->feed);
			unread |= !o->read;
			t = MAX(t, hit_time(o));
		}
		date = format_short(t);
		g_string_truncate(line, 0);
		g_string_append_printf(line, "%*" G_GINT64_FORMAT " ", (int)l.id,
		                       r->story > 0 ? r->story : r->id);
		append_fit(line, date, l.date, TRUE);
		g_string_append(line, color ? "  " DIM : "  ");
		{
			g_autoptr(GString) cell = g_string_new(NULL);

			append_names(cell, feeds, l.feed);
			append_fit(line, cell->str, l.feed, TRUE);
		}
		g_string_append(line, color ? RESET "  " : "  ");
		if (color && unread)
			g_string_append(line, BOLD);
		append_fit(line, title, l.title, TRUE);
		if (color && unread)
			g_string_append(line, RESET);
		g_string_append(line, color ? "  " CYAN : "  ");
		append_names(line, topics, l.topics);
		g_string_append(line, color ? RESET "\n" : "\n");
		/* no trailing blanks */
		fputs(line->str, out);
		i = k;
	}
}

/* ---- CSV --------------------------------------------------------------- */

/* Appends one RFC 4180 field: controls and bidi overrides made spaces
 * (clean_text), quoted (quotes doubled) when it holds a comma or quote. A
 * field that a spreadsheet would take for a formula (= + - @ first, after any
 * spaces, tabs or CRs: those are spaces here) gets a leading single quote and
 * is quoted, as OWASP's "CSV Injection" page recommends. */
static void csv_field(GString *line, const char *value, gboolean last)
{
	g_autofree char *v = clean_text(value, FALSE);
	const char *first = v + strspn(v, " ");   /* tab and CR are spaces by now */
	gboolean formula = *first != '\0' && strchr("=+-@", *first) != NULL;

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
		"id", "story", "topic", "topic_name", "feed", "feed_title", "item_id", "title", "link",
		"published", "found", "snippet", "read", "notified",
	};
	g_autoptr(GString) line = g_string_new(NULL);

	for (gsize i = 0; i < G_N_ELEMENTS(header); i++)
		csv_field(line, header[i], i + 1 == G_N_ELEMENTS(header));
	fputs(line->str, out);
	for (guint i = 0; i < rows->len; i++) {
		const struct fw_hit_row *r = g_ptr_array_index(rows, i);
		g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, r->id);
		g_autofree char *story = g_strdup_printf("%" G_GINT64_FORMAT,
		                                         r->story > 0 ? r->story : r->id);
		g_autofree char *published = fw_hit_time_utc(r->published);
		g_autofree char *found = fw_hit_time_utc(r->found);

		g_string_truncate(line, 0);
		csv_field(line, id, FALSE);
		csv_field(line, story, FALSE);
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
		print_table(rows, out, color, width, TRUE);
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

/* Columns of s on a terminal: escape sequences (our own bold marks) take none. */
static guint ansi_width(const char *s, gsize len)
{
	guint w = 0;

	for (const char *p = s; p < s + len && *p;) {
		if (*p == '\033') {
			while (p < s + len && *p && *p != 'm')
				p++;
			if (p < s + len && *p)
				p++;
			continue;
		}
		w += char_width(g_utf8_get_char(p));
		p = g_utf8_next_char(p);
	}
	return w;
}

void fw_hitlog_wrap(GString *out, const char *text, guint width, const char *first,
                    const char *hang)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

	for (guint n = 0; lines[n]; n++) {
		const char *lead = n == 0 ? first : hang;
		guint col = ansi_width(lead, strlen(lead)), start = col;
		const char *p = lines[n];

		if (*p == '\0') {
			/* an empty line stays empty, without the indent's blanks; the
			 * text's last newline ends its last line */
			if (lines[n + 1] != NULL)
				g_string_append_c(out, '\n');
			continue;
		}
		g_string_append(out, lead);
		if (width == 0) {
			g_string_append(out, p);
			g_string_append_c(out, '\n');
			continue;
		}
		while (*p) {
			const char *end = strchr(p, ' ');
			gsize len = end ? (gsize)(end - p) : strlen(p);
			guint w = ansi_width(p, len);

			if (width > 0 && col > start && col + 1 + w > width) {
				g_string_append_c(out, '\n');
				g_string_append(out, hang);
				col = start = ansi_width(hang, strlen(hang));
			} else if (col > start) {
				g_string_append_c(out, ' ');
				col++;
			}
			g_string_append_len(out, p, len);
			col += w;
			p += len;
			while (*p == ' ')
				p++;
		}
		g_string_append_c(out, '\n');
	}
}

/* Appends "Label:     value\n" with value cleaned (skipped when NULL),
 * wrapped at width (0: not) under the value's column. */
static void show_line(GString *out, const char *label, const char *value, guint width)
{
	g_autofree char *v = NULL, *lead = NULL;

	if (!value)
		return;
	v = clean_text(value, FALSE);
	lead = g_strdup_printf("%-11s", label);
	if (width == 0) {
		g_string_append_printf(out, "%s%s\n", lead, v);
		return;
	}
	fw_hitlog_wrap(out, v, width, lead, "           ");
}

/* Distinct words `show` lists as what matched, at most. */
#define SHOW_WORDS 12

/* Adds text's characters [start, end) to out (", " between) unless seen
 * holds it already (case aside), up to SHOW_WORDS of them; counts the
 * others in *more. Offsets outside text are skipped. */
static void add_word(GString *out, GHashTable *seen, guint *n, guint *more, const char *text,
                     guint start, guint end)
{
	glong len = text ? g_utf8_strlen(text, -1) : 0;
	const char *a, *b;
	g_autofree char *word = NULL, *clean = NULL;

	if (end <= start || (glong)end > len)
		return;
	a = g_utf8_offset_to_pointer(text, start);
	b = g_utf8_offset_to_pointer(a, end - start);
	word = g_strndup(a, b - a);
	clean = clean_text(word, FALSE);
	if (!g_hash_table_add(seen, g_utf8_casefold(clean, -1)))
		return;
	if (*n >= SHOW_WORDS) {
		(*more)++;
		return;
	}
	g_string_append_printf(out, "%s%s", out->len ? ", " : "", clean);
	(*n)++;
}

/* The words that matched in hit r, each once (case aside), joined with
 * ", ": those its snippet marks, then those matched in its title, summary
 * and content outside it; NULL when none is known. */
static char *marked_words(const struct fw_hit_row *r)
{
	g_autofree char *snippet = clean_text(r->snippet, FALSE);
	g_autoptr(GArray) marks = fw_hit_marks_parse(r->marks_json);
	g_autoptr(GArray) matched = fw_hit_matched_parse(r->matched_json);
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GString *out = g_string_new(NULL);
	guint n = 0, more = 0;

	for (guint i = 0; i < marks->len; i++) {
		const struct fw_span *m = &g_array_index(marks, struct fw_span, i);
		add_word(out, seen, &n, &more, snippet, m->start, m->end);
	}
	for (guint i = 0; i < matched->len; i++) {
		const struct fw_hit_match *m = &g_array_index(matched, struct fw_hit_match, i);
		const char *text = !strcmp(m->field, "title") ? r->title
		                 : !strcmp(m->field, "summary") ? r->summary
		                 : !strcmp(m->field, "content") ? r->content : NULL;

		add_word(out, seen, &n, &more, text, m->start, m->end);
	}
	if (out->len == 0) {
		g_string_free(out, TRUE);
		return NULL;
	}
	if (more > 0)
		g_string_append_printf(out, " and %u more", more);
	return g_string_free(out, FALSE);
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

/* Appends text (lines of it) indented by two spaces, wrapped at width (0: not). */
static void append_indented(GString *out, const char *text, guint width)
{
	fw_hitlog_wrap(out, text, width, "  ", "  ");
}

/* Appends the snippet of r with its marks, indented (after an empty line when blank). */
static void append_snippet(GString *s, const struct fw_hit_row *r, gboolean color, gboolean blank,
                           guint width)
{
	g_autofree char *snippet = clean_text(r->snippet, FALSE);
	g_autoptr(GArray) marks = fw_hit_marks_parse(r->marks_json);
	g_autoptr(GString) marked = g_string_new(NULL);

	if (*snippet == '\0')
		return;
	append_marked(marked, snippet, marks, color ? BOLD : "", color ? RESET : "");
	if (blank)
		g_string_append_c(s, '\n');
	append_indented(s, marked->str, width);
}

/* What matched in hit r: the words its snippet marks, or with verbose (or
 * no marks) the fields and character offsets. NULL when nothing is known. */
static char *why_text(const struct fw_hit_row *r, gboolean verbose)
{
	char *words = verbose ? NULL : marked_words(r);

	return words ? words : matched_text(r->matched_json);
}

/* "Milei (hit 5)", with the feed's title when o is of another item than r. */
static char *hit_label(const struct fw_hit_row *r, const struct fw_hit_row *o)
{
	const char *name = o->topic_name ? o->topic_name : o->topic;

	if (g_strcmp0(o->feed, r->feed) != 0 || g_strcmp0(o->item_id, r->item_id) != 0)
		return g_strdup_printf("%s (hit %" G_GINT64_FORMAT ", %s)", name ? name : "", o->id,
		                       o->feed_title ? o->feed_title : (o->feed ? o->feed : ""));
	return g_strdup_printf("%s (hit %" G_GINT64_FORMAT ")", name ? name : "", o->id);
}

void fw_hitlog_show_story(const struct fw_hit_row *r, GPtrArray *story,
                          const struct fw_hitlog_show_opts *o, FILE *out)
{
	g_autoptr(GString) s = g_string_new(NULL);
	g_autoptr(GPtrArray) others = g_ptr_array_new();
	g_autofree char *head = NULL, *feed = NULL, *published = NULL, *found = NULL;
	g_autofree char *matched = why_text(r, o->verbose);
	const char *name = r->topic_name ? r->topic_name : r->topic;
	gboolean color = o->color;
	guint width = o->width;

	/* the item's other topics first, then the story in other items */
	for (int pass = 0; pass < 2; pass++) {
		for (guint i = 0; story != NULL && i < story->len; i++) {
			const struct fw_hit_row *h = story->pdata[i];
			gboolean same = g_strcmp0(h->feed, r->feed) == 0 &&
			                g_strcmp0(h->item_id, r->item_id) == 0;

			if (h->id != r->id && same == (pass == 0))
				g_ptr_array_add(others, story->pdata[i]);
		}
	}
	head = g_strdup_printf("Hit %" G_GINT64_FORMAT " · %s (%s) · %s · notified: %s",
	                       r->id, name ? name : "", r->topic ? r->topic : "",
	                       r->read ? "read" : "unread", fw_hit_notified_name(r->notified));
	{
		g_autofree char *h = clean_text(head, FALSE);

		fw_hitlog_wrap(s, h, width, color ? BOLD : "", "");
		if (color)
			g_string_insert(s, s->len - 1, RESET);
	}
	show_line(s, "Title:", r->title ? r->title : "", width);
	feed = g_strdup_printf("%s (%s)", r->feed_title ? r->feed_title : (r->feed ? r->feed : ""),
	                       r->feed ? r->feed : "");
	show_line(s, "Feed:", feed, width);
	show_line(s, "Also in:", r->also_in, width);
	show_line(s, "Link:", r->link, width);
	show_line(s, "Author:", r->author, width);
	if (r->published != FW_TIME_NONE)
		published = format_local(r->published);
	show_line(s, "Published:", published, width);
	found = format_local(r->found);
	show_line(s, "Found:", found, width);
	if (others->len > 0) {
		g_autoptr(GString) topics = g_string_new(NULL);
		g_autofree char *self = hit_label(r, r);

		g_string_append(topics, self);
		for (guint i = 0; i < others->len; i++) {
			g_autofree char *l = hit_label(r, others->pdata[i]);

			g_string_append_printf(topics, ", %s", l);
		}
		show_line(s, "Topics:", topics->str, width);
	}
	show_line(s, "Matched:", matched, width);
	if (o->verbose)
		show_line(s, "Item:", r->item_id, width);
	append_snippet(s, r, color, TRUE, width);
	/* The story's other hits (topics, feeds): why each matched. */
	for (guint i = 0; i < others->len; i++) {
		const struct fw_hit_row *h = others->pdata[i];
		g_autofree char *om = why_text(h, o->verbose);
		g_autofree char *l = hit_label(r, h);
		g_autofree char *line = g_strdup_printf("%s%s%s", l, om ? " matched " : "",
		                                        om ? om : "");
		g_autofree char *clean = clean_text(line, FALSE);

		g_autofree char *colon = g_strconcat(clean, ":", NULL);

		g_string_append_c(s, '\n');
		fw_hitlog_wrap(s, colon, width, color ? BOLD : "", "");
		if (color)
			g_string_insert(s, s->len - 1, RESET);
		append_snippet(s, h, color, FALSE, width);
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
		append_indented(s, sum->str, width);
	}
	fputs(s->str, out);
}

void fw_hitlog_show(const struct fw_hit_row *r, FILE *out, gboolean color)
{
	fw_hitlog_show_item(r, NULL, out, color);
}

void fw_hitlog_show_item(const struct fw_hit_row *r, GPtrArray *others, FILE *out,
                         gboolean color)
{
	const struct fw_hitlog_show_opts o = { .color = color, .width = 0, .verbose = TRUE };

	fw_hitlog_show_story(r, others, &o, out);
}
