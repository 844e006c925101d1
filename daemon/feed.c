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
#include <time.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "feedwatch/feed.h"
#include "feedwatch/html.h"
#include "feed-int.h"

G_DEFINE_QUARK(fw-feed-error-quark, fw_feed_error)

/* ------------------------------------------------------------------ */
/* Items                                                               */

/* One source of a field: an element and its rank (lower wins). */
struct pick {
	xmlNodePtr node;
	int rank;
};

/* The sources of one text field, best first (equal ranks in document
 * order): the first whose text is not empty gives the field. */
#define FEED_MAX_CANDS 6
struct cands {
	struct pick c[FEED_MAX_CANDS];
	int n;
};

/* Takes n for a legacy pick if rank beats what it has. */
static void take(struct pick *p, xmlNodePtr n, int rank)
{
	if (!p->node || rank < p->rank) {
		p->node = n;
		p->rank = rank;
	}
}

/* Adds n at rank to the sources in c (the worst goes when c is full). */
static void cand_add(struct cands *c, xmlNodePtr n, int rank)
{
	int i = c->n;
	if (i == FEED_MAX_CANDS) {
		if (rank >= c->c[i - 1].rank)
			return;
		i--;
	} else {
		c->n++;
	}
	for (; i > 0 && c->c[i - 1].rank > rank; i--)
		c->c[i] = c->c[i - 1];
	c->c[i].node = n;
	c->c[i].rank = rank;
}

/* Whether element n holds nothing: no element child, no text but spaces. */
static gboolean node_empty(xmlNodePtr n)
{
	for (xmlNodePtr c = n->children; c; c = c->next) {
		if (c->type == XML_ELEMENT_NODE)
			return FALSE;
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
			for (const xmlChar *p = c->content; *p; p++)
				if (!g_ascii_isspace(*p))
					return FALSE;
	}
	return TRUE;
}

struct item_src {
	struct cands title, summary, content, guid;
	struct pick l_title, l_summary, l_content, l_guid;   /* for the id: see item_id */
	xmlNodePtr published[6], updated[3];   /* date sources by rank, first of each */
	struct pick authors[32];
	int n_authors;
	GPtrArray *cats;           /* of char*, plain text */
	char *link;                /* best link so far */
	int link_rank;
	char *id_link;             /* best link by the id's rules (see item_id) */
	int id_link_rank;
	char *guid_link;           /* guid as a permalink */
	gboolean exact;            /* the element looked at is in a namespace spelt exactly */
	char *zone_dropped;        /* the first date read without its nonsense zone */
};

/* Offers element n as a source of a text field at rank: to the field if it
 * is not empty, and to the id's legacy pick l (if any) as the id rules say. */
static void take_text(struct item_src *s, struct cands *f, struct pick *l, xmlNodePtr n, int rank)
{
	if (l && s->exact)
		take(l, n, rank);
	if (!node_empty(n))
		cand_add(f, n, rank);
}

/* Keeps the first date element of each rank that is not empty. */
static void take_date(xmlNodePtr *slots, xmlNodePtr n, int rank)
{
	if (!slots[rank] && !node_empty(n))
		slots[rank] = n;
}

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

/* Adds each comma-separated keyword of element n as a category
 * (itunes:keywords, media:keywords). */
static void add_keywords(struct item_src *s, xmlNodePtr n)
{
	g_autofree char *t = feed_text_of(n, K_TEXT, FW_FEED_MAX_TEXT);
	if (!t)
		return;
	g_auto(GStrv) words = g_strsplit(t, ",", FW_FEED_MAX_CATS + 1);
	for (char **w = words; *w && s->cats->len < FW_FEED_MAX_CATS; w++)
		add_category(s, feed_nonempty(feed_cap(g_strdup(g_strstrip(*w)), FW_FEED_MAX_SHORT)));
}

/* Takes an author element at rank unless it is empty. */
static void take_author(struct item_src *s, xmlNodePtr n, int rank)
{
	if (s->n_authors < (int)G_N_ELEMENTS(s->authors) && !node_empty(n)) {
		s->authors[s->n_authors].node = n;
		s->authors[s->n_authors++].rank = rank;
	}
}

/* Offers a link for the item at rank; the id's link (item_id) takes it too
 * when it comes from an exactly spelt namespace and resolved as it was. */
static void offer_link(struct item_src *s, xmlNodePtr n, const char *href, int rank)
{
	gboolean to_link = !s->link || rank < s->link_rank;
	gboolean to_id = s->exact && (!s->id_link || rank < s->id_link_rank);
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

/* The namespace an undeclared prefix conventionally stands for, for
 * elements like "content:encoded" whose prefix is not bound (libxml2 keeps
 * them without a namespace, named with the prefix); *name moves to the
 * local name. FNS_NONE if the prefix is not one of these. */
static enum feed_ns unbound_prefix(const char **name)
{
	static const struct { const char *prefix; enum feed_ns ns; } conv[] = {
		{ "content:", FNS_CONTENT }, { "dc:", FNS_DC }, { "dcterms:", FNS_DCTERMS },
		{ "itunes:", FNS_ITUNES }, { "media:", FNS_MEDIA }, { "atom:", FNS_ATOM },
		{ "feedburner:", FNS_FEEDBURNER },
	};
	for (gsize i = 0; i < G_N_ELEMENTS(conv); i++) {
		if (g_str_has_prefix(*name, conv[i].prefix)) {
			*name += strlen(conv[i].prefix);
			return conv[i].ns;
		}
	}
	return FNS_NONE;
}

/* An Atom element of an entry (or an atom: element of an RSS item). */
static void atom_child(struct item_src *s, xmlNodePtr c, const char *name)
{
	if (!strcmp(name, "id")) {
		take_text(s, &s->guid, &s->l_guid, c, 1);
	} else if (!strcmp(name, "title")) {
		take_text(s, &s->title, &s->l_title, c, 1);
	} else if (!strcmp(name, "link")) {
		g_autofree char *href = (char *)xmlGetProp(c, (const xmlChar *)"href");
		int r = feed_atom_link_rank(c);
		if (r >= 0)
			offer_link(s, c, href, r);
	} else if (!strcmp(name, "content")) {
		take_text(s, &s->content, &s->l_content, c, 1);
	} else if (!strcmp(name, "summary")) {
		take_text(s, &s->summary, &s->l_summary, c, 2);
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
}

/* An RSS element of an item (no namespace, RSS 1.0 / 0.90, Userland). */
static void rss_child(struct item_src *s, xmlNodePtr c, const char *name)
{
	if (!strcmp(name, "title")) {
		take_text(s, &s->title, &s->l_title, c, 1);
	} else if (!strcmp(name, "link")) {
		g_autofree char *t = feed_node_text(c);
		offer_link(s, c, t, 1);
	} else if (!strcmp(name, "guid")) {
		take_text(s, &s->guid, &s->l_guid, c, 1);
		g_autofree char *pl = (char *)xmlGetProp(c, (const xmlChar *)"isPermaLink");
		if (!s->guid_link && !(pl && g_ascii_strcasecmp(g_strstrip(pl), "false") == 0)) {
			/* only a guid that is itself an absolute URL is a link */
			g_autofree char *t = feed_node_text(c);
			g_strstrip(t);
			if (feed_http_url_ok(t))
				s->guid_link = feed_resolve(c, t);
		}
	} else if (!strcmp(name, "description")) {
		take_text(s, &s->summary, &s->l_summary, c, 1);
	} else if (!strcmp(name, "pubDate")) {
		take_date(s->published, c, 1);
	} else if (!strcmp(name, "author")) {
		take_author(s, c, 2);
	} else if (!strcmp(name, "category")) {
		add_category(s, feed_text_of(c, K_TEXT, FW_FEED_MAX_SHORT));
	} else if (!strcmp(name, "categories")) {
		/* a wrapper some publishers invent: <categories><category>... */
		for (xmlNodePtr k = c->children; k; k = k->next)
			if (k->type == XML_ELEMENT_NODE && !strcmp((const char *)k->name, "category"))
				add_category(s, feed_text_of(k, K_TEXT, FW_FEED_MAX_SHORT));
	}
}

/* A Media RSS element of an item, or (rank 10) of its media:group: text
 * for items that have none of their own, categories. */
static void media_child(struct item_src *s, xmlNodePtr c, const char *name, int rank)
{
	if (!strcmp(name, "title")) {
		take_text(s, &s->title, NULL, c, rank);
	} else if (!strcmp(name, "description")) {
		take_text(s, &s->summary, NULL, c, rank);
	} else if (!strcmp(name, "category")) {
		add_category(s, feed_text_of(c, K_TEXT, FW_FEED_MAX_SHORT));
	} else if (!strcmp(name, "keywords")) {
		add_keywords(s, c);
	} else if (!strcmp(name, "group") && rank == 9) {
		for (xmlNodePtr g = c->children; g; g = g->next)
			if (g->type == XML_ELEMENT_NODE && feed_in_ns(g, FNS_MEDIA))
				media_child(s, g, (const char *)g->name, 10);
	}
}

/* Looks at one child element of an item or entry: which element gives
 * which field, ranked across namespaces (lower rank wins). */
static void item_child(struct item_src *s, xmlNodePtr c, gboolean atom_entry)
{
	const char *name = (const char *)c->name;
	enum feed_ns ns = feed_ns_of(c, &s->exact);

	if (ns == FNS_NONE && strchr(name, ':')) {
		ns = unbound_prefix(&name);
		s->exact = FALSE;
	}
	switch (ns) {
	case FNS_ATOM:
	case FNS_ATOM03:
		atom_child(s, c, name);
		break;
	case FNS_NONE:
	case FNS_RSS1:
	case FNS_RSS090:
	case FNS_USERLAND:
		if (!atom_entry)
			rss_child(s, c, name);
		break;
	case FNS_CONTENT:
		if (!strcmp(name, "encoded"))
			take_text(s, &s->content, &s->l_content, c, 0);
		break;
	case FNS_DC:
		if (!strcmp(name, "creator"))
			take_author(s, c, 1);
		else if (!strcmp(name, "subject"))
			add_category(s, feed_text_of(c, K_TEXT, FW_FEED_MAX_SHORT));
		else if (!strcmp(name, "date"))
			take_date(s->published, c, 3);
		else if (!strcmp(name, "description"))
			take_text(s, &s->summary, &s->l_summary, c, 3);
		else if (!strcmp(name, "title"))
			take_text(s, &s->title, &s->l_title, c, 3);
		else if (!strcmp(name, "identifier"))
			take_text(s, &s->guid, &s->l_guid, c, 3);
		break;
	case FNS_DCTERMS:
		if (!strcmp(name, "modified"))
			take_date(s->updated, c, 2);
		else if (!strcmp(name, "issued") || !strcmp(name, "created"))
			take_date(s->published, c, 4);
		break;
	case FNS_ITUNES:
		if (!strcmp(name, "summary"))
			take_text(s, &s->summary, &s->l_summary, c, 4);
		else if (!strcmp(name, "author"))
			take_author(s, c, 4);
		else if (!strcmp(name, "keywords"))
			add_keywords(s, c);
		break;
	case FNS_FEEDBURNER:
		if (!strcmp(name, "origLink")) {
			g_autofree char *t = feed_node_text(c);
			offer_link(s, c, t, 0);   /* the article itself, not the proxy */
		}
		break;
	case FNS_MEDIA:
		media_child(s, c, name, 9);
		break;
	case FNS_XHTML:
		if (!strcmp(name, "body") || !strcmp(name, "div"))
			take_text(s, &s->content, &s->l_content, c, 2);
		break;
	default:
		break;
	}
}

/* How the text of element n reads: Atom says (type, mode), Media RSS says
 * (type="html" or plain), anything else may hold escaped HTML. */
static enum feed_kind kind_of(xmlNodePtr n)
{
	if (feed_is_atom(n))
		return feed_atom_kind(n);
	if (feed_in_ns(n, FNS_MEDIA)) {
		g_autofree char *type = (char *)xmlGetProp(n, (const xmlChar *)"type");
		return type && !g_ascii_strcasecmp(type, "html") ? K_HTML : K_TEXT;
	}
	return K_HTML;
}

/* The text of the best source in c whose text is not empty, cut to max;
 * *from gets that source. NULL if none has text. */
static char *cand_text(struct cands *c, gsize max, xmlNodePtr *from)
{
	*from = NULL;
	for (int i = 0; i < c->n; i++) {
		char *t = feed_text_of(c->c[i].node, kind_of(c->c[i].node), max);
		if (t) {
			*from = c->c[i].node;
			return t;
		}
	}
	return NULL;
}

/* Plain text of one author element (Atom: name, else email; RSS author
 * "mail@x (Name)": Name; an RSS author with child elements: its name
 * child, as <author><name>N</name><title>T</title></author>). */
static char *author_text(xmlNodePtr n)
{
	if (feed_is_atom(n) || feed_has_elements(n)) {
		xmlNodePtr name = NULL, email = NULL;
		for (xmlNodePtr c = n->children; c; c = c->next) {
			if (c->type != XML_ELEMENT_NODE)
				continue;
			if (!name && !strcmp((const char *)c->name, "name"))
				name = c;
			else if (!email && !strcmp((const char *)c->name, "email"))
				email = c;
		}
		if (name || email || feed_is_atom(n))
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

/* The authors of the best rank that has one with text, joined by ", ";
 * NULL if none has text. */
static char *authors_text(struct item_src *s)
{
	int done = G_MININT;
	for (;;) {
		int rank = G_MAXINT;
		for (int i = 0; i < s->n_authors; i++)
			if (s->authors[i].rank > done && s->authors[i].rank < rank)
				rank = s->authors[i].rank;
		if (rank == G_MAXINT)
			return NULL;
		GString *a = g_string_new(NULL);
		for (int i = 0, k = 0; i < s->n_authors && k < 16; i++) {
			if (s->authors[i].rank != rank)
				continue;
			k++;
			g_autofree char *t = author_text(s->authors[i].node);
			if (!t || strstr(a->str, t))
				continue;
			if (a->len)
				g_string_append(a, ", ");
			g_string_append(a, t);
		}
		char *out = feed_nonempty(feed_cap(g_string_free(a, FALSE), FW_FEED_MAX_SHORT));
		if (out)
			return out;
		done = rank;
	}
}

/* Parses the date in element n, or FW_TIME_NONE; a date read without its
 * nonsense zone is noted in s. */
static gint64 date_of(struct item_src *s, xmlNodePtr n)
{
	gboolean dropped = FALSE;
	if (!n)
		return FW_TIME_NONE;
	g_autofree char *t = feed_node_text(n);
	if (strlen(t) > 200)
		return FW_TIME_NONE;
	gint64 v = feed_parse_date(t, &dropped);
	if (dropped && !s->zone_dropped)
		s->zone_dropped = fw_html_clean(t, -1);
	return v;
}

/* The first date that parses among slots (best rank first), or FW_TIME_NONE. */
static gint64 first_date(struct item_src *s, xmlNodePtr *slots, gsize n)
{
	for (gsize i = 0; i < n; i++) {
		gint64 t = date_of(s, slots[i]);
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

/* "sha1:" and the hash of the raw text of title and body. */
static char *hash_id(xmlNodePtr title, xmlNodePtr body)
{
	g_autofree char *t = raw_of(title);
	g_autofree char *c = raw_of(body);
	g_autofree char *all = g_strconcat(t, "\n\n", c, NULL);
	g_autofree char *h = g_compute_checksum_for_string(G_CHECKSUM_SHA1, all, -1);
	return g_strconcat("sha1:", h, NULL);
}

/* A trimmed guid made valid UTF-8 and bounded, or NULL if n is NULL or blank. */
static char *guid_id(xmlNodePtr n)
{
	char *id = feed_trimmed(n);
	if (!id)
		return NULL;
	char *v = fw_html_valid_utf8(id, -1);
	g_free(id);
	return feed_bounded_id(v);
}

/* The item's id (docs/design.md "Item identity"): the first of guid /
 * atom:id (rank 1) or dc:identifier (rank 3), rdf:about, the link, a hash
 * of the raw title and content (or summary), read as feedwatch always read
 * them (the l_ picks: the first source of the best rank, blank or not;
 * namespaces spelt exactly; links that resolve unescaped) so that an
 * item's id stays what the store has. Only an item that gave none of those
 * takes its id from what the parser reads since: a guid in a namespace
 * variant, a link escaped to resolve, the hash of its text as read now.
 * NULL for an item without any. */
static char *item_id(struct item_src *s, xmlNodePtr el, const struct fw_item *it,
                     xmlNodePtr title, xmlNodePtr body)
{
	char *id = guid_id(s->l_guid.node);
	if (id)
		return id;
	xmlChar *about = xmlGetNsProp(el, (const xmlChar *)"about", (const xmlChar *)NS_RDF);
	if (about) {
		id = feed_nonempty(g_strstrip(g_strdup((const char *)about)));
		xmlFree(about);
		if (id) {
			char *v = fw_html_valid_utf8(id, -1);
			g_free(id);
			return feed_bounded_id(v);
		}
	}
	if (s->id_link)
		return feed_bounded_id(g_strdup(s->id_link));
	xmlNodePtr l_body = s->l_content.node ? s->l_content.node : s->l_summary.node;
	gboolean text = it->title || it->summary || it->content;
	if (text && ((s->l_title.node && !node_empty(s->l_title.node)) ||
	             (l_body && !node_empty(l_body))))
		return hash_id(s->l_title.node, l_body);
	/* an item feedwatch did not read before */
	for (int i = 0; i < s->guid.n; i++)
		if ((id = guid_id(s->guid.c[i].node)))
			return id;
	if (it->link)
		return feed_bounded_id(g_strdup(it->link));
	return text ? hash_id(title, body) : NULL;
}

/* Builds one item from an item/entry element; NULL if it is empty. A date
 * read without its zone marks doc degraded. */
struct fw_item *feed_make_item(xmlNodePtr el, gboolean atom_entry, struct fw_feed_doc *doc)
{
	struct item_src s = { 0 };
	struct fw_item *it;
	xmlNodePtr title, summary, content;

	s.cats = g_ptr_array_new_with_free_func(g_free);
	for (xmlNodePtr c = el->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			item_child(&s, c, atom_entry);

	it = g_new0(struct fw_item, 1);
	it->title = cand_text(&s.title, FW_FEED_MAX_TITLE, &title);
	it->summary = cand_text(&s.summary, FW_FEED_MAX_TEXT, &summary);
	it->content = cand_text(&s.content, FW_FEED_MAX_TEXT, &content);
	it->link = s.link ? s.link : s.guid_link;
	if (s.link)
		g_free(s.guid_link);
	it->published = first_date(&s, s.published, G_N_ELEMENTS(s.published));
	it->updated = first_date(&s, s.updated, G_N_ELEMENTS(s.updated));
	if (it->published == FW_TIME_NONE)
		it->published = it->updated;
	it->author = authors_text(&s);
	it->categories = s.cats;
	it->id = item_id(&s, el, it, title, content ? content : summary);
	g_free(s.id_link);
	if (s.zone_dropped)
		feed_warn(doc, "a date's zone makes no sense, read as UTC: \"%s\"", s.zone_dropped);
	g_free(s.zone_dropped);
	if (!it->id) {
		fw_item_free(it);
		return NULL;
	}
	return it;
}

/* ------------------------------------------------------------------ */
/* What reaches the user                                               */

/* Length of the character at p (valid UTF-8) if nothing a feed supplies may
 * carry it to a terminal, notification, CSV or HTML: a C0 or C1 control,
 * DEL, a bidi override or isolate (U+202A-U+202E, U+2066-U+2069); else 0. */
static gsize unsafe_len(const guchar *p)
{
	if (p[0] < 0x20 || p[0] == 0x7F)
		return 1;
	if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
		return 2;
	if (p[0] == 0xE2 && ((p[1] == 0x80 && p[2] >= 0xAA && p[2] <= 0xAE) ||
	                     (p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9)))
		return 3;
	return 0;
}

/* The first character of s[0..len) (NUL-terminated at len) that
 * unsafe_len refuses, or NULL. Sixteen bytes at a time where SSE2 is
 * there: only a byte below 0x20, DEL, 0xC2 or 0xE2 can start one, and the
 * texts of a feed (megabytes a cycle) hold none of them in almost every
 * block. */
static char *unsafe_in(char *s, gsize len)
{
	gsize i = 0;

#ifdef __SSE2__
	for (; i + 16 <= len; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		__m128i m = _mm_or_si128(
			_mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v),
			             _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F))),
			_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xC2)),
			             _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xE2))));
		guint mask = (guint)_mm_movemask_epi8(m);

		for (; mask; mask &= mask - 1) {
			char *c = s + i + __builtin_ctz(mask);
			if (unsafe_len((const guchar *)c))
				return c;
		}
	}
#endif
	for (; i < len; i++)
		if (unsafe_len((const guchar *)s + i))
			return s + i;
	return NULL;
}

/* Drops the characters of unsafe_len from s in place; returns s, or NULL
 * (freeing it) if nothing is left. Linear in s whatever it holds. */
static char *strip_unsafe(char *s)
{
	gsize len;
	char *end, *w;

	if (!s)
		return NULL;
	len = strlen(s);
	end = s + len;
	w = unsafe_in(s, len);
	if (!w)
		return s;
	/* from one unsafe character to the next, moving the safe runs down */
	for (char *r = w; r != NULL;) {
		char *next;
		gsize n;

		r += unsafe_len((const guchar *)r);
		next = unsafe_in(r, end - r);
		n = next ? (gsize)(next - r) : (gsize)(end - r);
		memmove(w, r, n);
		w += n;
		r = next;
	}
	*w = '\0';
	return feed_nonempty(s);
}

/* Makes msg (an error or a warning that may quote the feed: libxml2 names
 * elements, attributes and namespace URIs) safe to show, in place: every
 * byte invalid in UTF-8, control and bidirectional control becomes '?'
 * (fw_html_safe_line). Returns msg. */
char *feed_safe_message(char *msg)
{
	return fw_html_safe_line(msg, '?');
}

/* Cleans every string of a parsed document with strip_unsafe (the text
 * fields lost their controls already; ids and bidi controls go here). An id
 * left empty becomes "sha1:" and the hash of what it was; the warning goes
 * through feed_safe_message. */
static void doc_strip_unsafe(struct fw_feed_doc *doc)
{
	doc->title = strip_unsafe(doc->title);
	doc->link = strip_unsafe(doc->link);
	feed_safe_message(doc->warning);
	for (guint i = 0; i < doc->items->len; i++) {
		struct fw_item *it = doc->items->pdata[i];

		if (unsafe_in(it->id, strlen(it->id))) {
			g_autofree char *was = g_strdup(it->id);
			it->id = feed_nonempty(strip_unsafe(it->id) ? g_strstrip(it->id) : NULL);
			if (!it->id) {
				g_autofree char *h = g_compute_checksum_for_string(G_CHECKSUM_SHA1, was, -1);
				it->id = g_strconcat("sha1:", h, NULL);
			}
		}
		it->title = strip_unsafe(it->title);
		it->link = strip_unsafe(it->link);
		it->author = strip_unsafe(it->author);
		it->summary = strip_unsafe(it->summary);
		it->content = strip_unsafe(it->content);
		for (guint c = 0; c < it->categories->len;) {
			if (strip_unsafe(it->categories->pdata[c]))
				c++;
			else
				g_ptr_array_steal_index(it->categories, c);   /* freed already */
		}
	}
}

/* ------------------------------------------------------------------ */
/* Entry points                                                        */

void feed_warn_items_cut(struct fw_feed_doc *doc)
{
	feed_warn(doc, "too many items: only the first %d read", FW_FEED_MAX_ITEMS);
}

/* Marks doc degraded and adds a reason to its warning, "; " between
 * reasons. A reason of a kind already there (the text before its first
 * ':') is not added again: the first of each kind is enough. */
void feed_warn(struct fw_feed_doc *doc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *w = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	doc->degraded = TRUE;
	if (!doc->warning) {
		doc->warning = w;
		return;
	}
	const char *colon = strchr(w, ':');
	g_autofree char *kind = g_strndup(w, colon ? (gsize)(colon - w) : strlen(w));
	g_autofree char *later = g_strconcat("; ", kind, NULL);
	if (g_str_has_prefix(doc->warning, kind) || strstr(doc->warning, later)) {
		g_free(w);
		return;
	}
	char *both = g_strconcat(doc->warning, "; ", w, NULL);
	g_free(w);
	g_free(doc->warning);
	doc->warning = both;
}

void fw_feed_init(void)
{
	feed_xml_init();
}

/* Thread CPU time in microseconds. */
static gint64 thread_cpu_us(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;
	return (gint64)ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* Stops the parse for why (HOSTILE), unless it is stopped already. */
void feed_guard_refuse(struct feed_guard *g, const char *why)
{
	if (!g->why) {
		g->why = why;
		g->code = FW_FEED_ERROR_HOSTILE;
	}
}

/* Whether the parse must stop: stopped before, cancelled, or over its CPU
 * budget (the clock is read at every 64th call). Cheap: call it often. */
gboolean feed_guard_stop(struct feed_guard *g)
{
	if (g->why)
		return TRUE;
	if (g->cancel && g_atomic_int_get(g->cancel)) {
		g->why = "parse cancelled";
		g->code = FW_FEED_ERROR_CANCELLED;
	} else if (g->deadline && (g->calls++ & 63) == 0 && thread_cpu_us() > g->deadline) {
		feed_guard_refuse(g, "feed took too long to parse (over its CPU budget)");
	}
	return g->why != NULL;
}

/* The offset in s[0, len) of its first byte after white space and UTF-8
 * byte-order marks: len when there is none. */
static gsize text_skip_blank(const char *s, gsize len)
{
	gsize i = 0;

	while (i < len && (g_ascii_isspace(s[i]) ||
	                   (i + 3 <= len && memcmp(s + i, "\xEF\xBB\xBF", 3) == 0)))
		i += g_ascii_isspace(s[i]) ? 1 : 3;
	return i;
}

/* The character at s[i] (i < len, UTF-8) in buf for a message: quoted if it
 * is printable ASCII, else as U+XXXX. */
static void text_char_name(const char *s, gsize len, gsize i, char buf[16])
{
	if (g_ascii_isprint(s[i]) && s[i] != '\'')
		g_snprintf(buf, 16, "'%c'", s[i]);
	else
		g_snprintf(buf, 16, "U+%04X",
		           (guint)g_utf8_get_char_validated(s + i, (gssize)(len - i)));
}

/* The part of link that names a page for doc_mark_shared_links: without its
 * fragment and trailing slashes; link itself when that is all of it, else
 * a copy added to owned. */
static const char *link_page(const char *link, GPtrArray *owned)
{
	gsize len = strlen(link), n = strcspn(link, "#");

	while (n > 0 && link[n - 1] == '/')
		n--;
	if (n == len)
		return link;
	g_ptr_array_add(owned, g_strndup(link, n));
	return g_ptr_array_index(owned, owned->len - 1);
}

/* Marks link_shared the items whose link another item of doc has under
 * another title, and link_twin those whose link and title another has under
 * another id (the link as resolved, less fragment and trailing slash). A
 * document whose every item has a link of its own costs a lookup an item. */
static void doc_mark_shared_links(struct fw_feed_doc *doc)
{
	g_autoptr(GHashTable) first = NULL;   /* page -> its first item */
	g_autoptr(GHashTable) mixed = NULL;   /* pages under two titles */
	g_autoptr(GHashTable) pairs = NULL;   /* page and title -> its first item */
	g_autoptr(GPtrArray) owned = NULL;    /* the pages that are copies */
	g_autofree const char **pages = NULL; /* each item's page, or NULL */
	gboolean repeated = FALSE;

	if (doc->items->len < 2)
		return;
	first = g_hash_table_new(g_str_hash, g_str_equal);
	owned = g_ptr_array_new_with_free_func(g_free);
	pages = g_new0(const char *, doc->items->len);
	for (guint i = 0; i < doc->items->len; i++) {
		struct fw_item *it = doc->items->pdata[i];

		if (!it->link)
			continue;
		pages[i] = link_page(it->link, owned);
		if (!g_hash_table_insert(first, (gpointer)pages[i], it))
			repeated = TRUE;   /* (the pass below looks again) */
	}
	if (!repeated)
		return;
	/* a page more than once: its titles, and its titles' ids */
	g_hash_table_remove_all(first);
	mixed = g_hash_table_new(g_str_hash, g_str_equal);
	pairs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (guint i = 0; i < doc->items->len; i++) {
		struct fw_item *it = doc->items->pdata[i], *f;
		char *pair;

		if (!pages[i])
			continue;
		if (!(f = g_hash_table_lookup(first, pages[i])))
			g_hash_table_insert(first, (gpointer)pages[i], it);
		else if (g_strcmp0(f->title, it->title) != 0)
			g_hash_table_add(mixed, (gpointer)pages[i]);
		pair = g_strconcat(pages[i], "\n", it->title ? it->title : "", NULL);
		if (!(f = g_hash_table_lookup(pairs, pair))) {
			g_hash_table_insert(pairs, pair, it);
		} else {
			g_free(pair);
			if (strcmp(f->id, it->id) != 0)
				f->link_twin = it->link_twin = TRUE;
		}
	}
	for (guint i = 0; i < doc->items->len; i++) {
		struct fw_item *it = doc->items->pdata[i];

		it->link_shared = pages[i] && g_hash_table_contains(mixed, pages[i]);
	}
}

struct fw_feed_doc *fw_feed_parse(const char *data, gsize len, const char *base_url,
                                  const char *content_type, GError **error)
{
	return fw_feed_parse_limited(data, len, base_url, content_type, NULL, error);
}

struct fw_feed_doc *fw_feed_parse_limited(const char *data, gsize len, const char *base_url,
                                          const char *content_type,
                                          const struct fw_feed_limits *limits, GError **error)
{
	struct feed_text text;
	struct feed_parse_err strict_err, rec_err;
	struct feed_guard guard = { 0 };
	xmlDocPtr xdoc;
	gboolean degraded = FALSE;
	struct fw_feed_doc *doc = NULL;
	char first[16];   /* what a document that is no markup starts with */
	gsize at;         /* where its first character is */

	g_return_val_if_fail(data != NULL || len == 0, NULL);
	feed_xml_init();
	if (limits) {
		guard.cancel = limits->cancel;
		if (limits->budget_ms > 0)
			guard.deadline = thread_cpu_us() + limits->budget_ms * 1000;
	}
	if (len > FW_FEED_MAX_DOC) {
		g_set_error(error, FW_FEED_ERROR, FW_FEED_ERROR_HOSTILE,
		            "feed too large (%" G_GSIZE_FORMAT " bytes)", len);
		return NULL;
	}
	if (!feed_to_utf8(&text, data ? data : "", len, content_type, error))
		return NULL;
	if (feed_looks_json(text.str, text.len)) {
		doc = feed_json_parse(text.str, text.len, base_url, &guard, error);
		goto out;
	}

	doc = g_new0(struct fw_feed_doc, 1);
	doc->items = g_ptr_array_new_with_free_func((GDestroyNotify)fw_item_free);
	xdoc = feed_xml_parse(text.str, text.len, base_url, FALSE, &strict_err, doc, &guard);
	if (!xdoc && !guard.why) {
		g_ptr_array_set_size(doc->items, 0);
		doc->degraded = FALSE;
		g_clear_pointer(&doc->warning, g_free);
		xdoc = feed_xml_parse(text.str, text.len, base_url, TRUE, &rec_err, doc, &guard);
		degraded = TRUE;
	}
	if (guard.why) {
		g_set_error(error, FW_FEED_ERROR, guard.code, "%s", guard.why);
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
		else if ((at = text_skip_blank(text.str, text.len)) == text.len)
			g_set_error(error, FW_FEED_ERROR, FW_FEED_ERROR_NOT_XML,
			            "empty document (%" G_GSIZE_FORMAT " bytes%s)", len,
			            len > 0 ? ", only white space" : "");
		else if (text.str[at] != '<') {
			text_char_name(text.str, text.len, at, first);
			g_set_error(error, FW_FEED_ERROR, FW_FEED_ERROR_NOT_XML,
			            "not XML: it starts with %s, not '<' (nor '{' of a JSON Feed)", first);
		} else
			g_set_error(error, FW_FEED_ERROR, FW_FEED_ERROR_NOT_XML, "not XML: %d:%d: %s",
			            strict_err.line, strict_err.col, strict_err.msg);
		goto fail;
	}
	if (xdoc->intSubset && xdoc->intSubset->entities) {
		g_set_error(error, FW_FEED_ERROR, FW_FEED_ERROR_HOSTILE, "feed declares entities");
		goto fail;
	}
	if (degraded) {
		char *w = g_strdup_printf("XML error at %d:%d: %s (read in recover mode)",
		                          strict_err.line, strict_err.col, strict_err.msg);
		if (doc->warning) {
			char *both = g_strconcat(w, "; ", doc->warning, NULL);
			g_free(w);
			g_free(doc->warning);
			w = both;
		}
		doc->degraded = TRUE;
		doc->warning = w;
	}
	feed_read_tree(doc, root, d, degraded);
	xmlFreeDoc(xdoc);
	goto out;
fail:
	xmlFreeDoc(xdoc);
	fw_feed_doc_free(doc);
	doc = NULL;
out:
	if (doc) {
		doc_strip_unsafe(doc);
		doc_mark_shared_links(doc);
	}
	else if (error && *error)
		feed_safe_message((*error)->message);   /* it may quote the feed */
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
