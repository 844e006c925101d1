/* feed — a feed document in memory -> normalised items (RSS 0.9x/2.0,
 * RSS 1.0, Atom 0.3/1.0, JSON Feed 1.0/1.1).
 *
 * A parse: feed-encoding.c decodes the document to UTF-8; a JSON Feed goes
 * to feed-json.c; anything else goes through the byte pass (feed-prep.c)
 * into libxml2's push parser (feed-xml.c), strictly first and in recover
 * mode if that fails, and each item is read as its element ends by
 * feed_make_item here; dates are read by feed-date.c. The files share
 * daemon/feed-int.h.
 *
 * This file: the entry points, the one table that ranks an item's sources
 * across namespaces (item_child) and an item's identity, and the lifecycle
 * of items and documents. */
#include <string.h>

#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "feedwatch/feed.h"
#include "feedwatch/html.h"
#include "feed-int.h"

G_DEFINE_QUARK(fw-feed-error-quark, fw_feed_error)

/* ------------------------------------------------------------------ */
/* Items                                                               */

/* What one item's elements provide, best source first (lower rank wins). */
struct pick {
	xmlNodePtr node;
	int rank;
};

/* Takes n for a field if rank beats what it has. */
static void take(struct pick *p, xmlNodePtr n, int rank)
{
	if (!p->node || rank < p->rank) {
		p->node = n;
		p->rank = rank;
	}
}

/* Keeps the first date element of each rank. */
static void take_date(xmlNodePtr *slots, xmlNodePtr n, int rank)
{
	if (!slots[rank])
		slots[rank] = n;
}

struct item_src {
	struct pick title, guid, summary, content;
	xmlNodePtr published[6], updated[3];   /* date sources by rank, first of each */
	enum feed_kind title_kind, summary_kind, content_kind;
	GPtrArray *authors;        /* of xmlNodePtr, of the best rank */
	int author_rank;
	GPtrArray *cats;           /* of char*, plain text */
	char *link;                /* best link so far */
	int link_rank;
	char *id_link;             /* best link that resolved unescaped: the id's */
	int id_link_rank;
	char *guid_link;           /* guid as a permalink */
};

/* Adds a category if new and non-empty. */
static void add_category(struct item_src *s, char *c)
{
	if (!c)
		return;
	if (s->cats->len >= FW_FEED_MAX_CATS) {
		g_free(c);
		return;
	}
	for (guint i = 0; i < s->cats->len; i++) {
		if (strcmp(g_ptr_array_index(s->cats, i), c) == 0) {
			g_free(c);
			return;
		}
	}
	g_ptr_array_add(s->cats, c);
}

/* Takes an author element if its rank is at least as good as the best. */
static void take_author(struct item_src *s, xmlNodePtr n, int rank)
{
	if (s->authors->len > 0 && rank > s->author_rank)
		return;
	if (s->authors->len > 0 && rank < s->author_rank)
		g_ptr_array_set_size(s->authors, 0);
	s->author_rank = rank;
	if (s->authors->len < 16)
		g_ptr_array_add(s->authors, n);
}

/* Offers a link for the item at rank; the id's link takes it too when it
 * resolved as it was (feed_resolve_ex did not escape it further), so that
 * an item's id stays what it was before such links were read. */
static void offer_link(struct item_src *s, xmlNodePtr n, const char *href, int rank)
{
	gboolean to_link = !s->link || rank < s->link_rank;
	gboolean to_id = !s->id_link || rank < s->id_link_rank;
	gboolean escaped;

	if (!to_link && !to_id)
		return;
	char *l = feed_resolve_ex(n, href, &escaped);
	if (!l)
		return;
	if (to_id && !escaped) {
		g_free(s->id_link);
		s->id_link = g_strdup(l);
		s->id_link_rank = rank;
	}
	if (to_link) {
		g_free(s->link);
		s->link = l;
		s->link_rank = rank;
	} else {
		g_free(l);
	}
}

/* Rank of an Atom link by its rel: alternate first, self/edit never. */
int feed_atom_link_rank(xmlNodePtr n)
{
	g_autofree char *rel = (char *)xmlGetProp(n, (const xmlChar *)"rel");
	g_autofree char *type = (char *)xmlGetProp(n, (const xmlChar *)"type");
	if (!rel || strcmp(rel, "alternate") == 0 || strcmp(rel, NS_ATOM "/../alternate") == 0)
		return (type && !strstr(type, "html")) ? 11 : 10;
	if (strcmp(rel, "self") == 0 || strcmp(rel, "edit") == 0 || strcmp(rel, "edit-media") == 0 ||
	    strcmp(rel, "enclosure") == 0 || strcmp(rel, "replies") == 0 || strcmp(rel, "license") == 0 ||
	    strcmp(rel, "hub") == 0)
		return -1;
	return 30;
}

/* Looks at one child element of an item or entry: the one table of which
 * element gives which field, ranked across namespaces (lower rank wins). */
static void item_child(struct item_src *s, xmlNodePtr c, gboolean atom_entry)
{
	const char *name = (const char *)c->name;

	if (feed_is_atom(c)) {
		if (!strcmp(name, "id")) {
			take(&s->guid, c, 1);
		} else if (!strcmp(name, "title")) {
			if (!s->title.node || s->title.rank > 1)
				s->title_kind = feed_atom_kind(c);
			take(&s->title, c, 1);
		} else if (!strcmp(name, "link")) {
			g_autofree char *href = (char *)xmlGetProp(c, (const xmlChar *)"href");
			int r = feed_atom_link_rank(c);
			if (r >= 0)
				offer_link(s, c, href, r);
		} else if (!strcmp(name, "content")) {
			if (!s->content.node || s->content.rank > 1)
				s->content_kind = feed_atom_kind(c);
			take(&s->content, c, 1);
		} else if (!strcmp(name, "summary")) {
			if (!s->summary.node || s->summary.rank > 2)
				s->summary_kind = feed_atom_kind(c);
			take(&s->summary, c, 2);
		} else if (!strcmp(name, "published") || !strcmp(name, "issued")) {
			take_date(s->published, c, 2);
		} else if (!strcmp(name, "created")) {
			take_date(s->published, c, 5);
		} else if (!strcmp(name, "updated") || !strcmp(name, "modified")) {
			take_date(s->updated, c, 1);
		} else if (!strcmp(name, "author")) {
			take_author(s, c, 3);
		} else if (!strcmp(name, "category")) {
			g_autofree char *t = (char *)xmlGetProp(c, (const xmlChar *)"term");
			if (!t || !*t) {
				g_free(t);
				t = (char *)xmlGetProp(c, (const xmlChar *)"label");
			}
			if (t)
				add_category(s, feed_nonempty(feed_cap(feed_plain_text(t), FW_FEED_MAX_SHORT)));
		}
	} else if (feed_is_rss(c) && !atom_entry) {
		if (!strcmp(name, "title")) {
			take(&s->title, c, 1);
		} else if (!strcmp(name, "link")) {
			g_autofree char *t = feed_node_text(c);
			offer_link(s, c, t, 1);
		} else if (!strcmp(name, "guid")) {
			take(&s->guid, c, 1);
			g_autofree char *pl = (char *)xmlGetProp(c, (const xmlChar *)"isPermaLink");
			if (!s->guid_link && !(pl && g_ascii_strcasecmp(g_strstrip(pl), "false") == 0)) {
				/* only a guid that is itself an absolute URL is a link */
				g_autofree char *t = feed_node_text(c);
				g_strstrip(t);
				if (feed_http_url_ok(t))
					s->guid_link = feed_resolve(c, t);
			}
		} else if (!strcmp(name, "description")) {
			take(&s->summary, c, 1);
		} else if (!strcmp(name, "pubDate")) {
			take_date(s->published, c, 1);
		} else if (!strcmp(name, "author")) {
			take_author(s, c, 2);
		} else if (!strcmp(name, "category")) {
			add_category(s, feed_text_of(c, K_TEXT, FW_FEED_MAX_SHORT));
		}
	} else if (feed_in_ns(c, NS_CONTENT)) {
		if (!strcmp(name, "encoded"))
			take(&s->content, c, 0);
	} else if (feed_in_ns(c, NS_DC)) {
		if (!strcmp(name, "creator"))
			take_author(s, c, 1);
		else if (!strcmp(name, "subject"))
			add_category(s, feed_text_of(c, K_TEXT, FW_FEED_MAX_SHORT));
		else if (!strcmp(name, "date"))
			take_date(s->published, c, 3);
		else if (!strcmp(name, "description"))
			take(&s->summary, c, 3);
		else if (!strcmp(name, "title"))
			take(&s->title, c, 3);
		else if (!strcmp(name, "identifier"))
			take(&s->guid, c, 3);
	} else if (feed_in_ns(c, NS_DCTERMS)) {
		if (!strcmp(name, "modified"))
			take_date(s->updated, c, 2);
		else if (!strcmp(name, "issued") || !strcmp(name, "created"))
			take_date(s->published, c, 4);
	} else if (feed_in_ns(c, NS_ITUNES)) {
		if (!strcmp(name, "summary"))
			take(&s->summary, c, 4);
		else if (!strcmp(name, "author"))
			take_author(s, c, 4);
	} else if (feed_in_ns(c, NS_FEEDBURNER)) {
		if (!strcmp(name, "origLink")) {
			g_autofree char *t = feed_node_text(c);
			offer_link(s, c, t, 0);   /* the article itself, not the proxy */
		}
	} else if (feed_in_ns(c, NS_XHTML)) {
		if (!strcmp(name, "body") || !strcmp(name, "div"))
			take(&s->content, c, 2);
	}
}

/* Plain text of one author element (Atom: name, else email; RSS author
 * "mail@x (Name)": Name). */
static char *author_text(xmlNodePtr n)
{
	if (feed_is_atom(n)) {
		xmlNodePtr name = NULL, email = NULL;
		for (xmlNodePtr c = n->children; c; c = c->next) {
			if (c->type != XML_ELEMENT_NODE)
				continue;
			if (!name && !strcmp((const char *)c->name, "name"))
				name = c;
			else if (!email && !strcmp((const char *)c->name, "email"))
				email = c;
		}
		return feed_text_of(name ? name : email, K_TEXT, FW_FEED_MAX_SHORT);
	}
	char *t = feed_text_of(n, K_TEXT, FW_FEED_MAX_SHORT);
	if (t && feed_is_rss(n)) {
		char *open = strchr(t, '(');
		char *close = strrchr(t, ')');
		char *at = strchr(t, '@');
		if (open && close && close > open + 1 && at && at < open) {
			char *name = g_strndup(open + 1, close - open - 1);
			g_free(t);
			t = feed_nonempty(g_strstrip(name)) ? name : NULL;
			if (!t)
				g_free(name);
		}
	}
	return t;
}

/* Parses the date in element n, or FW_TIME_NONE. */
static gint64 date_of(xmlNodePtr n)
{
	if (!n)
		return FW_TIME_NONE;
	g_autofree char *t = feed_node_text(n);
	if (strlen(t) > 200)
		return FW_TIME_NONE;
	return fw_feed_parse_date(t);
}

/* The first date that parses among slots (best rank first), or FW_TIME_NONE. */
static gint64 first_date(xmlNodePtr *slots, gsize n)
{
	for (gsize i = 0; i < n; i++) {
		gint64 t = date_of(slots[i]);
		if (t != FW_TIME_NONE)
			return t;
	}
	return FW_TIME_NONE;
}

/* Raw text of a field for hashing ("" if none). */
static char *raw_of(xmlNodePtr n)
{
	if (!n)
		return g_strdup("");
	return feed_has_elements(n) ? feed_node_markup(n) : feed_node_text(n);
}

/* Returns id, or (freeing it) "sha1:" and its hash if it is longer than
 * FW_FEED_MAX_ID: a long guid or link still identifies the item. */
char *feed_bounded_id(char *id)
{
	if (strlen(id) <= FW_FEED_MAX_ID)
		return id;
	char *h = g_compute_checksum_for_string(G_CHECKSUM_SHA1, id, -1);
	g_free(id);
	id = g_strconcat("sha1:", h, NULL);
	g_free(h);
	return id;
}

/* Builds one item from an item/entry element; NULL if it is empty. */
struct fw_item *feed_make_item(xmlNodePtr el, gboolean atom_entry)
{
	struct item_src s = { 0 };
	struct fw_item *it;

	s.authors = g_ptr_array_new();
	s.cats = g_ptr_array_new_with_free_func(g_free);
	s.title_kind = atom_entry ? K_TEXT : K_HTML;
	s.summary_kind = atom_entry ? K_TEXT : K_HTML;
	s.content_kind = K_HTML;
	for (xmlNodePtr c = el->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			item_child(&s, c, atom_entry);

	it = g_new0(struct fw_item, 1);
	/* RSS titles and descriptions may hold escaped HTML; Atom says which. */
	if (s.title.node && !feed_is_atom(s.title.node))
		s.title_kind = K_HTML;
	if (s.summary.node && !feed_is_atom(s.summary.node))
		s.summary_kind = K_HTML;
	if (s.content.node && !feed_is_atom(s.content.node))
		s.content_kind = K_HTML;
	it->title = feed_text_of(s.title.node, s.title_kind, FW_FEED_MAX_TITLE);
	it->summary = feed_text_of(s.summary.node, s.summary_kind, FW_FEED_MAX_TEXT);
	it->content = feed_text_of(s.content.node, s.content_kind, FW_FEED_MAX_TEXT);
	it->link = s.link ? s.link : s.guid_link;
	if (s.link)
		g_free(s.guid_link);
	it->published = first_date(s.published, G_N_ELEMENTS(s.published));
	it->updated = first_date(s.updated, G_N_ELEMENTS(s.updated));
	if (it->published == FW_TIME_NONE)
		it->published = it->updated;
	if (s.authors->len > 0) {
		GString *a = g_string_new(NULL);
		for (guint i = 0; i < s.authors->len; i++) {
			g_autofree char *t = author_text(g_ptr_array_index(s.authors, i));
			if (!t || strstr(a->str, t))
				continue;
			if (a->len)
				g_string_append(a, ", ");
			g_string_append(a, t);
		}
		it->author = feed_nonempty(feed_cap(g_string_free(a, FALSE), FW_FEED_MAX_SHORT));
	}
	it->categories = s.cats;
	g_ptr_array_free(s.authors, TRUE);

	/* identity: guid / atom:id / rdf:about, else link, else a hash */
	char *id = feed_trimmed(s.guid.node);
	if (!id) {
		xmlChar *about = xmlGetNsProp(el, (const xmlChar *)"about", (const xmlChar *)NS_RDF);
		if (about) {
			id = feed_nonempty(g_strstrip(g_strdup((const char *)about)));
			xmlFree(about);
		}
	}
	if (id) {
		char *v = fw_html_valid_utf8(id, -1);
		g_free(id);
		id = feed_bounded_id(v);
	} else if (s.id_link) {
		id = feed_bounded_id(g_strdup(s.id_link));
	} else if (it->link && !it->title && !it->summary && !it->content) {
		id = feed_bounded_id(g_strdup(it->link));   /* an item not read before */
	} else {
		if (!it->title && !it->summary && !it->content) {
			g_free(s.id_link);
			fw_item_free(it);
			return NULL;
		}
		g_autofree char *t = raw_of(s.title.node);
		g_autofree char *c = raw_of(s.content.node ? s.content.node : s.summary.node);
		g_autofree char *all = g_strconcat(t, "\n\n", c, NULL);
		g_autofree char *h = g_compute_checksum_for_string(G_CHECKSUM_SHA1, all, -1);
		id = g_strconcat("sha1:", h, NULL);
	}
	g_free(s.id_link);
	it->id = id;
	return it;
}

/* ------------------------------------------------------------------ */
/* Entry points                                                        */

void fw_feed_init(void)
{
	feed_xml_init();
}

struct fw_feed_doc *fw_feed_parse(const char *data, gsize len, const char *base_url,
                                  const char *content_type, GError **error)
{
	struct feed_text text;
	struct feed_parse_err strict_err, rec_err;
	xmlDocPtr xdoc;
	gboolean degraded = FALSE, hostile;
	struct fw_feed_doc *doc = NULL;

	g_return_val_if_fail(data != NULL || len == 0, NULL);
	feed_xml_init();
	if (len > FW_FEED_MAX_DOC) {
		g_set_error(error, FW_FEED_ERROR, FW_FEED_ERROR_HOSTILE,
		            "feed too large (%" G_GSIZE_FORMAT " bytes)", len);
		return NULL;
	}
	if (!feed_to_utf8(&text, data ? data : "", len, content_type, error))
		return NULL;
	if (feed_looks_json(text.str, text.len)) {
		doc = feed_json_parse(text.str, text.len, base_url, error);
		goto out;
	}

	doc = g_new0(struct fw_feed_doc, 1);
	doc->items = g_ptr_array_new_with_free_func((GDestroyNotify)fw_item_free);
	xdoc = feed_xml_parse(text.str, text.len, base_url, FALSE, &strict_err, doc, &hostile);
	if (!xdoc && !hostile) {
		g_ptr_array_set_size(doc->items, 0);
		xdoc = feed_xml_parse(text.str, text.len, base_url, TRUE, &rec_err, doc, &hostile);
		degraded = TRUE;
	}
	if (hostile) {
		g_set_error(error, FW_FEED_ERROR, FW_FEED_ERROR_HOSTILE, "feed declares entities");
		goto fail;
	}
	if (degraded && strict_err.code == XML_ERR_INTERNAL_ERROR &&
	    g_str_has_prefix(strict_err.msg, "Excessive depth")) {
		g_set_error(error, FW_FEED_ERROR, FW_FEED_ERROR_HOSTILE,
		            "feed nested too deeply (%d:%d)", strict_err.line, strict_err.col);
		goto fail;
	}
	xmlNodePtr root = xdoc ? xmlDocGetRootElement(xdoc) : NULL;
	enum feed_dialect d = feed_dialect_of(root);
	if (d == D_NONE) {
		gboolean html = root ? g_ascii_strcasecmp((const char *)root->name, "html") == 0
		                     : feed_looks_html(text.str, text.len);
		if (html)
			feed_not_feed_html(text.str, text.len, base_url, error);
		else if (root)
			g_set_error(error, FW_FEED_ERROR, FW_FEED_ERROR_NOT_FEED,
			            "not a feed: XML document with root element <%s>", root->name);
		else
			g_set_error(error, FW_FEED_ERROR, FW_FEED_ERROR_NOT_XML, "not XML: %d:%d: %s",
			            strict_err.line, strict_err.col, strict_err.msg);
		goto fail;
	}
	if (xdoc->intSubset && xdoc->intSubset->entities) {
		g_set_error(error, FW_FEED_ERROR, FW_FEED_ERROR_HOSTILE, "feed declares entities");
		goto fail;
	}
	if (degraded) {
		doc->degraded = TRUE;
		doc->warning = g_strdup_printf("XML error at %d:%d: %s (read in recover mode)",
		                               strict_err.line, strict_err.col, strict_err.msg);
	}
	feed_read_tree(doc, root, d, degraded);
	xmlFreeDoc(xdoc);
	goto out;
fail:
	xmlFreeDoc(xdoc);
	fw_feed_doc_free(doc);
	doc = NULL;
out:
	g_free(text.owned);
	return doc;
}

void fw_item_free(struct fw_item *item)
{
	if (!item)
		return;
	g_free(item->id);
	g_free(item->title);
	g_free(item->link);
	g_free(item->author);
	if (item->categories)
		g_ptr_array_free(item->categories, TRUE);
	g_free(item->summary);
	g_free(item->content);
	g_free(item);
}

void fw_feed_doc_free(struct fw_feed_doc *doc)
{
	if (!doc)
		return;
	g_free(doc->title);
	g_free(doc->link);
	if (doc->items)
		g_ptr_array_free(doc->items, TRUE);
	g_free(doc->warning);
	g_free(doc);
}
