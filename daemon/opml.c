/* opml — OPML both ways, feed autodiscovery, config groups for new feeds.
 * See include/feedwatch/opml.h. */
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <libxml/xmlwriter.h>

#include "feedwatch/html.h"
#include "feedwatch/opml.h"
#include "feedwatch/text.h"

/* Longest feed group name made. */
#define NAME_MAX_LEN 40
/* Elements of an HTML page looked at, at most. */
#define DISCOVER_MAX_NODES 200000

G_DEFINE_QUARK(fw-opml-error-quark, fw_opml_error)

struct fw_opml_feed *fw_opml_feed_new(const char *title, const char *xml_url,
                                      const char *html_url, const char *category)
{
	struct fw_opml_feed *f = g_new0(struct fw_opml_feed, 1);

	f->title = g_strdup(title);
	f->xml_url = g_strdup(xml_url);
	f->html_url = g_strdup(html_url);
	f->category = g_strdup(category);
	return f;
}

void fw_opml_feed_free(struct fw_opml_feed *f)
{
	if (f == NULL)
		return;
	g_free(f->title);
	g_free(f->xml_url);
	g_free(f->html_url);
	g_free(f->category);
	g_free(f);
}

/* ---- text helpers ------------------------------------------------------ */

/* s as one trimmed line: valid UTF-8, controls and runs of white space folded
 * to one space, bidirectional controls dropped. NULL for NULL or when
 * nothing is left. */
static char *one_line(const char *s)
{
	g_autofree char *valid = NULL;
	GString *out;
	gboolean space = FALSE;

	if (s == NULL)
		return NULL;
	valid = g_utf8_make_valid(s, -1);
	out = g_string_new(NULL);
	for (const char *p = valid; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (g_unichar_isspace(c) || g_unichar_iscntrl(c) || c == 0x2028 || c == 0x2029) {
			space = out->len > 0;
			continue;
		}
		if (c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
		    (c >= 0x2066 && c <= 0x2069))
			continue;
		if (space)
			g_string_append_c(out, ' ');
		space = FALSE;
		g_string_append_unichar(out, c);
	}
	if (out->len == 0) {
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
}

/* An http(s) URL from an OPML attribute or a page: trimmed, feed:// read as
 * http://, spaces percent-encoded; NULL when it is not http(s) with a host. */
static char *clean_url(const char *s)
{
	g_autofree char *line = one_line(s);
	g_autoptr(GUri) uri = NULL;
	g_autoptr(GString) u = NULL;
	const char *scheme, *host;

	if (line == NULL)
		return NULL;
	u = g_string_new(line);
	if (g_ascii_strncasecmp(u->str, "feed://", 7) == 0)
		g_string_erase(u, 0, 4), g_string_prepend(u, "http");
	else if (g_ascii_strncasecmp(u->str, "feed:", 5) == 0)
		g_string_erase(u, 0, 5);
	for (gsize i = 0; i < u->len; i++)
		if (u->str[i] == ' ') {
			g_string_erase(u, i, 1);
			g_string_insert(u, i, "%20");
		}
	uri = g_uri_parse(u->str, G_URI_FLAGS_ENCODED, NULL);
	if (uri == NULL)
		return NULL;
	scheme = g_uri_get_scheme(uri);
	host = g_uri_get_host(uri);
	if ((g_ascii_strcasecmp(scheme, "http") != 0 && g_ascii_strcasecmp(scheme, "https") != 0) ||
	    host == NULL || *host == '\0')
		return NULL;
	return g_strdup(u->str);
}

/* ---- reading OPML ------------------------------------------------------ */

/* The value of attribute name (ASCII case-insensitive) of n, or NULL. */
static char *attr_ci(xmlNodePtr n, const char *name)
{
	for (xmlAttrPtr a = n->properties; a; a = a->next) {
		if (a->name && g_ascii_strcasecmp((const char *)a->name, name) == 0) {
			xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
			char *copy = g_strdup(v ? (const char *)v : "");

			xmlFree(v);
			return copy;
		}
	}
	return NULL;
}

static gboolean is_element(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->name &&
	       g_ascii_strcasecmp((const char *)n->name, name) == 0;
}

/* The first entry of an OPML category attribute ("/News/Argentina,/x") as a
 * path without leading or trailing slashes, or NULL. */
static char *category_attr_path(const char *attr)
{
	g_autofree char *line = one_line(attr);
	g_auto(GStrv) parts = NULL;
	g_autoptr(GString) path = g_string_new(NULL);

	if (line == NULL)
		return NULL;
	parts = g_strsplit(line, ",", 2);
	g_strstrip(parts[0]);
	{
		g_auto(GStrv) segs = g_strsplit(parts[0], "/", -1);

		for (int i = 0; segs[i]; i++) {
			g_strstrip(segs[i]);
			if (*segs[i] == '\0')
				continue;
			if (path->len)
				g_string_append_c(path, '/');
			g_string_append(path, segs[i]);
		}
	}
	return path->len ? g_strdup(path->str) : NULL;
}

struct walk {
	GPtrArray *feeds;
	GPtrArray *path;      /* folder names (char *, not owned) */
	guint skipped;
};

/* A folder's name made fit for a path: '/' becomes '∕'. */
static char *folder_name(xmlNodePtr n)
{
	g_autofree char *text = attr_ci(n, "text"), *title = attr_ci(n, "title");
	g_autofree char *line = one_line(text && *text ? text : title);
	GString *s;

	if (line == NULL)
		return NULL;
	s = g_string_new(NULL);
	for (const char *p = line; *p; p++)
		if (*p == '/')
			g_string_append(s, "∕");
		else
			g_string_append_c(s, *p);
	return g_string_free(s, FALSE);
}

/* Collects the feeds of the outlines under parent, depth folders deep. */
static void walk_outlines(struct walk *w, xmlNodePtr parent, guint depth)
{
	for (xmlNodePtr n = parent->children; n; n = n->next) {
		g_autofree char *xml_url = NULL, *folder = NULL;

		if (!is_element(n, "outline"))
			continue;
		xml_url = attr_ci(n, "xmlUrl");
		if (xml_url != NULL && *g_strstrip(xml_url) != '\0') {
			g_autofree char *url = clean_url(xml_url);
			g_autofree char *text = attr_ci(n, "text"), *title = attr_ci(n, "title");
			g_autofree char *html = attr_ci(n, "htmlUrl"), *cat = attr_ci(n, "category");
			g_autofree char *t = one_line(title && *title ? title : text);
			g_autofree char *site = clean_url(html);
			g_autoptr(GString) path = g_string_new(NULL);

			if (url == NULL) {
				w->skipped++;
			} else {
				for (guint i = 0; i < w->path->len; i++)
					g_string_append_printf(path, "%s%s", i ? "/" : "",
					                       (char *)w->path->pdata[i]);
				if (path->len == 0) {
					g_autofree char *c = category_attr_path(cat);

					if (c)
						g_string_append(path, c);
				}
				g_ptr_array_add(w->feeds, fw_opml_feed_new(t, url, site,
				                                           path->len ? path->str : NULL));
			}
			walk_outlines(w, n, depth);   /* a feed with outlines inside: same folder */
			continue;
		}
		folder = depth < FW_OPML_MAX_DEPTH ? folder_name(n) : NULL;
		if (folder == NULL) {
			walk_outlines(w, n, depth);
			continue;
		}
		g_ptr_array_add(w->path, g_steal_pointer(&folder));
		walk_outlines(w, n, depth + 1);
		g_ptr_array_remove_index(w->path, w->path->len - 1);
	}
}

gboolean fw_opml_parse(const char *data, gsize len, GPtrArray *feeds, char **title,
                       guint *skipped, GError **error)
{
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	xmlNodePtr root, head = NULL, body = NULL;
	struct walk w = { feeds, NULL, 0 };

	if (title)
		*title = NULL;
	if (skipped)
		*skipped = 0;
	if (len > FW_OPML_MAX_SIZE) {
		g_set_error(error, FW_OPML_ERROR, FW_OPML_ERROR_HOSTILE,
		            "OPML too large (%" G_GSIZE_FORMAT " bytes, at most %d)", len,
		            FW_OPML_MAX_SIZE);
		return FALSE;
	}
	/* Entities are refused before libxml2 sees them (expansion bombs, XXE). */
	if (g_strstr_len(data, len, "<!ENTITY") != NULL) {
		g_set_error(error, FW_OPML_ERROR, FW_OPML_ERROR_HOSTILE,
		            "OPML declares entities: refused");
		return FALSE;
	}
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL) {
		g_set_error(error, FW_OPML_ERROR, FW_OPML_ERROR_NOT_XML, "out of memory");
		return FALSE;
	}
	doc = xmlCtxtReadMemory(ctxt, data, (int)len, NULL, NULL,
	                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		g_autofree char *msg = g_strchomp(g_strdup(e && e->message ? e->message : "?"));

		fw_html_safe_line(msg, '?');   /* libxml2 may quote the document */

		g_set_error(error, FW_OPML_ERROR, FW_OPML_ERROR_NOT_XML, "not XML: line %d: %s",
		            e ? e->line : 0, msg);
		xmlFreeParserCtxt(ctxt);
		return FALSE;
	}
	xmlFreeParserCtxt(ctxt);
	root = xmlDocGetRootElement(doc);
	if (root == NULL || !is_element(root, "opml")) {
		g_set_error(error, FW_OPML_ERROR, FW_OPML_ERROR_NOT_OPML,
		            "not OPML: the root element is <%s>", root ? (const char *)root->name : "");
		xmlFreeDoc(doc);
		return FALSE;
	}
	for (xmlNodePtr n = root->children; n; n = n->next) {
		if (is_element(n, "head") && head == NULL)
			head = n;
		else if (is_element(n, "body") && body == NULL)
			body = n;
	}
	if (body == NULL) {
		g_set_error(error, FW_OPML_ERROR, FW_OPML_ERROR_NOT_OPML, "not OPML: no <body>");
		xmlFreeDoc(doc);
		return FALSE;
	}
	for (xmlNodePtr n = head ? head->children : NULL; title && n; n = n->next) {
		if (is_element(n, "title")) {
			xmlChar *t = xmlNodeGetContent(n);

			*title = one_line((const char *)t);
			xmlFree(t);
			break;
		}
	}
	w.path = g_ptr_array_new_with_free_func(g_free);
	walk_outlines(&w, body, 0);
	g_ptr_array_unref(w.path);
	if (skipped)
		*skipped = w.skipped;
	xmlFreeDoc(doc);
	return TRUE;
}

/* ---- writing OPML ------------------------------------------------------ */

/* A folder of the export tree: its entries in order of first appearance. */
struct folder {
	char *name;
	GPtrArray *entries;  /* of struct entry * */
};

struct entry {
	struct folder *folder;               /* a sub-folder, owned; or */
	const struct fw_opml_feed *feed;     /* a feed, not owned */
};

static void folder_free(struct folder *f);

static void entry_free(struct entry *e)
{
	folder_free(e->folder);
	g_free(e);
}

static struct folder *folder_new(const char *name)
{
	struct folder *f = g_new0(struct folder, 1);

	f->name = g_strdup(name);
	f->entries = g_ptr_array_new_with_free_func((GDestroyNotify)entry_free);
	return f;
}

static void folder_free(struct folder *f)
{
	if (f == NULL)
		return;
	g_free(f->name);
	g_ptr_array_unref(f->entries);
	g_free(f);
}

/* The sub-folder name of f, made if new. */
static struct folder *folder_child(struct folder *f, const char *name)
{
	struct entry *e;

	for (guint i = 0; i < f->entries->len; i++) {
		e = f->entries->pdata[i];
		if (e->folder && strcmp(e->folder->name, name) == 0)
			return e->folder;
	}
	e = g_new0(struct entry, 1);
	e->folder = folder_new(name);
	g_ptr_array_add(f->entries, e);
	return e->folder;
}

/* Writes an attribute made valid for XML 1.0 (no control characters). */
static void write_attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	g_autofree char *v = g_utf8_make_valid(value ? value : "", -1);

	for (char *p = v; *p; p++)
		if ((guchar)*p < 0x20 && *p != '\t')
			*p = ' ';
	xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST v);
}

static void write_folder(xmlTextWriterPtr w, const struct folder *f)
{
	for (guint i = 0; i < f->entries->len; i++) {
		const struct entry *e = f->entries->pdata[i];

		xmlTextWriterStartElement(w, BAD_CAST "outline");
		if (e->folder) {
			write_attr(w, "text", e->folder->name);
			write_folder(w, e->folder);
		} else {
			const char *t = e->feed->title ? e->feed->title : e->feed->xml_url;

			write_attr(w, "type", "rss");
			write_attr(w, "text", t);
			write_attr(w, "title", t);
			write_attr(w, "xmlUrl", e->feed->xml_url);
			if (e->feed->html_url)
				write_attr(w, "htmlUrl", e->feed->html_url);
		}
		xmlTextWriterEndElement(w);
	}
}

char *fw_opml_write(GPtrArray *feeds, const char *title, gint64 now)
{
	struct folder *top = folder_new(NULL);
	xmlBufferPtr buf = xmlBufferCreate();
	xmlTextWriterPtr w = xmlNewTextWriterMemory(buf, 0);
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(now);
	g_autofree char *date = dt ? g_date_time_format(dt, "%a, %d %b %Y %H:%M:%S GMT") : NULL;
	char *out;

	for (guint i = 0; i < feeds->len; i++) {
		const struct fw_opml_feed *fd = feeds->pdata[i];
		struct folder *f = top;
		struct entry *e = g_new0(struct entry, 1);

		if (fd->category) {
			g_auto(GStrv) segs = g_strsplit(fd->category, "/", FW_OPML_MAX_DEPTH);

			for (int k = 0; segs[k]; k++)
				if (*g_strstrip(segs[k]) != '\0')
					f = folder_child(f, segs[k]);
		}
		e->feed = fd;
		g_ptr_array_add(f->entries, e);
	}
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, BAD_CAST "  ");
	xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
	xmlTextWriterStartElement(w, BAD_CAST "opml");
	write_attr(w, "version", "2.0");
	xmlTextWriterStartElement(w, BAD_CAST "head");
	{
		g_autofree char *t = g_utf8_make_valid(title ? title : "feedwatch feeds", -1);

		xmlTextWriterWriteElement(w, BAD_CAST "title", BAD_CAST t);
	}
	if (date)
		xmlTextWriterWriteElement(w, BAD_CAST "dateCreated", BAD_CAST date);
	xmlTextWriterWriteElement(w, BAD_CAST "docs", BAD_CAST "http://opml.org/spec2.opml");
	xmlTextWriterEndElement(w);
	xmlTextWriterStartElement(w, BAD_CAST "body");
	write_folder(w, top);
	xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);
	out = g_strndup((const char *)xmlBufferContent(buf), (gsize)xmlBufferLength(buf));
	xmlBufferFree(buf);
	folder_free(top);
	return out;
}

/* ---- names and config groups ------------------------------------------- */

/* s as a name: normalised, every run of anything but [a-z0-9] one '-', cut
 * at NAME_MAX_LEN (at a '-' when there is one in the second half). */
static char *slug(const char *s)
{
	g_autofree char *norm = fw_text_normalize(s, -1);
	GString *out = g_string_new(NULL);

	for (const char *p = norm; *p; p++) {
		if (g_ascii_isalnum(*p))
			g_string_append_c(out, g_ascii_tolower(*p));
		else if (out->len && out->str[out->len - 1] != '-')
			g_string_append_c(out, '-');
	}
	if (out->len > NAME_MAX_LEN) {
		char *cut = g_strrstr_len(out->str, NAME_MAX_LEN + 1, "-");

		g_string_truncate(out, cut && cut - out->str >= NAME_MAX_LEN / 2
		                           ? (gsize)(cut - out->str) : NAME_MAX_LEN);
	}
	while (out->len && out->str[out->len - 1] == '-')
		g_string_truncate(out, out->len - 1);
	return g_string_free(out, FALSE);
}

char *fw_opml_feed_name(const char *title, const char *url, GHashTable *taken)
{
	g_autofree char *base = title ? slug(title) : NULL;
	char *name;

	if (base == NULL || *base == '\0') {
		g_autoptr(GUri) u = url ? g_uri_parse(url, G_URI_FLAGS_ENCODED, NULL) : NULL;
		const char *host = u ? g_uri_get_host(u) : NULL;

		g_free(base);
		if (host && g_str_has_prefix(host, "www."))
			host += 4;
		base = host ? slug(host) : NULL;
	}
	if (base == NULL || *base == '\0') {
		g_free(base);
		base = g_strdup("feed");
	}
	name = g_strdup(base);
	for (guint n = 2; taken && g_hash_table_contains(taken, name); n++) {
		g_free(name);
		name = g_strdup_printf("%s-%u", base, n);
	}
	return name;
}

/* A value for the config: one line, " #" and " ;" kept from being read as
 * comments (a '#' or ';' it starts with is kept by config_line). */
static char *config_value(const char *s)
{
	g_autofree char *line = one_line(s);
	GString *out;

	if (line == NULL)
		return NULL;
	out = g_string_new(NULL);
	for (const char *p = line; *p; p++) {
		if ((*p == '#' || *p == ';') && out->len && out->str[out->len - 1] == ' ') {
			g_string_truncate(out, out->len - 1);
			g_string_append(out, "\u00a0");
		}
		g_string_append_c(out, *p);
	}
	return g_string_free(out, FALSE);
}

/* Appends "key = value" to s; "key =value" when value starts with '#' or
 * ';', which after white space would start a comment. */
static void config_line(GString *s, const char *key, const char *value)
{
	g_string_append_printf(s, "%s =%s%s\n", key, *value == '#' || *value == ';' ? "" : " ", value);
}

char *fw_opml_config_group(const struct fw_opml_feed *f, const char *name)
{
	GString *s = g_string_new(NULL);
	g_autofree char *url = config_value(f->xml_url), *title = config_value(f->title);
	g_autofree char *site = config_value(f->html_url), *cat = config_value(f->category);

	g_string_append_printf(s, "[feed %s]\n", name);
	config_line(s, "url", url ? url : "");
	if (title)
		config_line(s, "title", title);
	if (site)
		config_line(s, "site", site);
	if (cat)
		config_line(s, "category", cat);
	return g_string_free(s, FALSE);
}

GHashTable *fw_opml_config_extras(const char *text)
{
	GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	                                      (GDestroyNotify)fw_opml_feed_free);
	g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);
	struct fw_opml_feed *cur = NULL;

	for (int i = 0; lines[i]; i++) {
		char *s = g_strstrip(lines[i]), *eq;
		gboolean comment = FALSE, after_space;
		char **slot;

		if (*s == '[') {
			char *end = strrchr(s, ']');

			cur = NULL;
			if (end && g_str_has_prefix(s + 1, "feed ")) {
				g_autofree char *name = g_strstrip(g_strndup(s + 6, end - s - 6));

				if (*name && !g_hash_table_contains(t, name)) {
					cur = fw_opml_feed_new(NULL, NULL, NULL, NULL);
					g_hash_table_insert(t, g_steal_pointer(&name), cur);
				}
			}
			continue;
		}
		if (cur == NULL)
			continue;
		if (*s == '#' || *s == ';') {
			comment = TRUE;
			s = g_strchug(s + 1);
		}
		if ((eq = strchr(s, '=')) == NULL)
			continue;
		*eq = '\0';
		g_strstrip(s);
		if (strcmp(s, "site") == 0)
			slot = &cur->html_url;
		else if (strcmp(s, "category") == 0)
			slot = &cur->category;
		else
			continue;
		after_space = eq[1] == ' ' || eq[1] == '\t';
		s = g_strstrip(eq + 1);
		if (!comment) {
			/* An inline comment after white space ends a real key's value
			 * ("site = #x" has none; "site =#x" is #x), as config.c reads it. */
			if (after_space && (*s == '#' || *s == ';'))
				*s = '\0';
			for (char *p = s + 1; *s && *p; p++)
				if ((*p == '#' || *p == ';') && (p[-1] == ' ' || p[-1] == '\t')) {
					*p = '\0';
					g_strchomp(s);
					break;
				}
		}
		if (*s && *slot == NULL)
			*slot = g_strdup(s);
	}
	return t;
}

/* ---- autodiscovery ----------------------------------------------------- */

/* TRUE for the MIME types of feeds a page may announce. */
static gboolean feed_type(const char *type)
{
	static const char *const types[] = {
		"application/rss+xml", "application/atom+xml", "application/rdf+xml",
		"application/feed+json",
	};
	g_autofree char *t = g_ascii_strdown(type, -1);
	char *semi = strchr(t, ';');

	if (semi)
		*semi = '\0';
	g_strstrip(t);
	for (gsize i = 0; i < G_N_ELEMENTS(types); i++)
		if (strcmp(t, types[i]) == 0)
			return TRUE;
	return FALSE;
}

/* TRUE when the space-separated rel list holds "alternate". */
static gboolean rel_alternate(const char *rel)
{
	g_auto(GStrv) words = g_strsplit_set(rel, " \t\r\n\f", -1);

	for (int i = 0; words[i]; i++)
		if (g_ascii_strcasecmp(words[i], "alternate") == 0)
			return TRUE;
	return FALSE;
}

/* href resolved against base, as an http(s) URL, or NULL. */
static char *resolve(const char *href, const char *base)
{
	g_autofree char *h = one_line(href);
	xmlChar *abs;
	char *out;

	if (h == NULL)
		return NULL;
	abs = xmlBuildURI(BAD_CAST h, BAD_CAST(base ? base : ""));
	out = abs ? clean_url((const char *)abs) : NULL;
	xmlFree(abs);
	return out;
}

GPtrArray *fw_opml_discover(const char *html, gsize len, const char *page_url)
{
	GPtrArray *found = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) links = g_ptr_array_new();
	g_autofree char *base = g_strdup(page_url);
	htmlDocPtr doc;
	xmlNodePtr n;
	guint seen = 0;
	gboolean have_base = FALSE;

	if (len == 0 || len > G_MAXINT)
		return found;
	doc = htmlReadMemory(html, (int)len, page_url, NULL,
	                     HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	                     HTML_PARSE_RECOVER | HTML_PARSE_NOIMPLIED);
	if (doc == NULL)
		return found;
	/* Document order, without recursion or a stack (pages nest arbitrarily deep). */
	n = doc->children;
	while (n != NULL && seen++ < DISCOVER_MAX_NODES) {
		if (is_element(n, "base") && !have_base) {
			g_autofree char *href = attr_ci(n, "href");
			g_autofree char *b = href ? resolve(href, page_url) : NULL;

			if (b) {
				g_free(base);
				base = g_steal_pointer(&b);
				have_base = TRUE;
			}
		} else if (is_element(n, "link")) {
			g_ptr_array_add(links, n);
		}
		if (n->type == XML_ELEMENT_NODE && n->children) {
			n = n->children;
			continue;
		}
		while (n != NULL && n->next == NULL)
			n = n->parent && n->parent != (xmlNodePtr)doc ? n->parent : NULL;
		if (n != NULL)
			n = n->next;
	}
	for (guint i = 0; i < links->len; i++) {
		xmlNodePtr l = links->pdata[i];
		g_autofree char *rel = attr_ci(l, "rel"), *type = attr_ci(l, "type");
		g_autofree char *href = attr_ci(l, "href"), *url = NULL;
		gboolean dup = FALSE;

		if (!rel || !type || !href || !rel_alternate(rel) || !feed_type(type))
			continue;
		if ((url = resolve(href, base)) == NULL)
			continue;
		for (guint k = 0; k < found->len && !dup; k++)
			dup = strcmp(found->pdata[k], url) == 0;
		if (!dup)
			g_ptr_array_add(found, g_steal_pointer(&url));
	}
	xmlFreeDoc(doc);
	return found;
}
