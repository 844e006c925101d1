/* opml — subscribing: OPML 2.0 subscription lists both ways, feed
 * autodiscovery in HTML pages, and the [feed NAME] groups that `feedwatch
 * import` and `feedwatch add` append to the config.
 *
 * OPML is untrusted input read like feeds (docs/design.md "Hostile input"):
 * memory API only, no network, no DTD loading, no entity substitution, a
 * document declaring entities is refused, size and nesting are bounded.
 * Folders (outlines without xmlUrl) become a feed's category path
 * ("News/Argentina"); export nests them back. No I/O but what callers pass. */
#ifndef FW_OPML_H
#define FW_OPML_H

#include <glib.h>

#define FW_OPML_ERROR (fw_opml_error_quark())
GQuark fw_opml_error_quark(void);

enum fw_opml_error_code {
	FW_OPML_ERROR_NOT_XML,   /* not well-formed ("not XML: line L: ...") */
	FW_OPML_ERROR_NOT_OPML,  /* the root is not <opml>, or no <body> */
	FW_OPML_ERROR_HOSTILE,   /* entity declarations, too large */
};

/* Largest OPML document read, bytes. */
#define FW_OPML_MAX_SIZE (16 * 1024 * 1024)
/* Folders deeper than this are flattened into their ancestor at this depth. */
#define FW_OPML_MAX_DEPTH 32

/* One subscription. Strings owned, valid UTF-8, single-line, trimmed; any may
 * be NULL but xml_url. */
struct fw_opml_feed {
	char *title;      /* the title attribute, else text */
	char *xml_url;    /* http(s) URL (feed:// read as http://) */
	char *html_url;   /* the site */
	char *category;   /* folder path "News/Argentina" ('/' inside a folder name
	                     becomes '∕'), else the first entry of the category
	                     attribute; NULL at the top */
};

struct fw_opml_feed *fw_opml_feed_new(const char *title, const char *xml_url,
                                      const char *html_url, const char *category);
void fw_opml_feed_free(struct fw_opml_feed *f);   /* NULL is fine */

/* Parses an OPML (1.0 or 2.0) document from memory. Appends every outline
 * with an http(s) xmlUrl (attribute names case-insensitive: xmlUrl, xmlurl)
 * to feeds (of struct fw_opml_feed *), in document order, duplicates
 * included; outlines whose xmlUrl is not http(s) are counted in *skipped (may
 * be NULL). *title (may be NULL) gets head/title or NULL. FALSE with error
 * on a bad document. */
gboolean fw_opml_parse(const char *data, gsize len, GPtrArray *feeds, char **title,
                       guint *skipped, GError **error);

/* An OPML 2.0 document of feeds (of struct fw_opml_feed *), folders nested by
 * category path in order of first appearance; text and title are the title
 * (else the URL). now: dateCreated (Unix s). Caller frees. */
char *fw_opml_write(GPtrArray *feeds, const char *title, gint64 now);

/* A feed group name for title or, without one, url's host: ASCII letters,
 * digits and '-', lower case, at most 40 characters ("Página/12 — Economía"
 * -> "pagina-12-economia"), made unique against taken (a set of names, not
 * modified) with "-2", "-3"... Caller frees. */
char *fw_opml_feed_name(const char *title, const char *url, GHashTable *taken);

/* The config text of a [feed NAME] group for f, ending in a newline:
 * "[feed NAME]\nurl = ...\ntitle = ...\nsite = ...\ncategory = ...\n".
 * Values are made single-line; a " #" or " ;" in a title (which the config
 * would read as a comment) gets a no-break space before the # or ;. Caller frees. */
char *fw_opml_config_group(const struct fw_opml_feed *f, const char *name);

/* Per feed group of a config file's text: the site and category lines
 * fw_opml_config_group wrote ("# site = URL", "# category = PATH"; also
 * without the '#'). Returns a new table: feed name -> struct fw_opml_feed *
 * with html_url and category set (xml_url and title NULL). */
GHashTable *fw_opml_config_extras(const char *config_text);

/* Feed links an HTML page announces (<link rel="alternate" type=
 * "application/rss+xml", atom+xml, rdf+xml or feed+json href=...>), resolved
 * against <base href> and page_url, http(s) only, in page order without
 * duplicates. Returns a new array of char * (g_free), empty when none. */
GPtrArray *fw_opml_discover(const char *html, gsize len, const char *page_url);

#endif
