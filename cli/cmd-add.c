/* feedwatch add — add a feed to the config, found from a site's page. See feedwatch(1). */
#include <stdio.h>
#include <string.h>

#include "feedwatch/opml.h"
#include "feedwatch/store.h"

#include "cli.h"

/* The feed at url or, when url is a page, the first feed it announces that
 * parses; its URL in *feed_url and the page's in *site (left NULL when url
 * is the feed). NULL with the reason printed. */
static struct fw_feed_doc *
find_feed(const char *url, const struct fw_config *cfg, char **feed_url, char **site)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GBytes) body = NULL;
	g_autoptr(GPtrArray) links = NULL;
	g_autoptr(GString) why = g_string_new(NULL);
	g_autofree char *final_url = NULL;
	struct fw_feed_doc *doc;
	const char *d;
	gsize n = 0;

	doc = fw_cli_fetch_feed(url, cfg->timeout, cfg->max_size, &final_url, &body, &err);
	if (doc != NULL) {
		*feed_url = g_steal_pointer(&final_url);
		return doc;
	}
	if (body == NULL || !g_error_matches(err, FW_FEED_ERROR, FW_FEED_ERROR_NOT_FEED)) {
		fw_cli_fail("add", "%s: %s", url, err->message);
		return NULL;
	}
	/* A page: the feeds it announces, the first that parses. */
	d = g_bytes_get_data(body, &n);
	links = fw_opml_discover(d ? d : "", n, final_url);
	for (guint i = 0; i < links->len; i++) {
		g_autoptr(GError) e2 = NULL;
		g_autofree char *u = NULL;

		doc = fw_cli_fetch_feed(links->pdata[i], cfg->timeout, cfg->max_size, &u, NULL, &e2);
		if (doc != NULL) {
			*feed_url = g_strdup(links->pdata[i]);
			*site = g_steal_pointer(&final_url);
			return doc;
		}
		g_string_append_printf(why, "\n  %s: %s", (char *)links->pdata[i], e2->message);
	}
	if (links->len == 0)
		fw_cli_fail("add", "%s is a page that announces no feed (no <link rel=\"alternate\" "
		            "type=\"application/rss+xml\"> or atom+xml)", url);
	else
		fw_cli_fail("add", "%s announces %u feed%s, none of which reads as a feed:%s", url,
		            links->len, links->len == 1 ? "" : "s", why->str);
	return NULL;
}

/* Adds the feed argv[1] (or the one its page announces) to the config as a
 * [feed NAME] group; nothing is added twice (same canonical URL). */
int
fw_cmd_add(const struct fw_cmd_entry *cmd, int argc, char **argv)
{
	static char *name, *title;
	static gboolean dry_run;
	static const GOptionEntry entries[] = {
		{ "name", 0, 0, G_OPTION_ARG_STRING, &name, "The feed's group name (default: from its title)", "NAME" },
		{ "title", 0, 0, G_OPTION_ARG_STRING, &title, "A title for the feed (default: the feed's own)", "TEXT" },
		{ "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run, "Print the group that would be added; change nothing", NULL },
		{ NULL }
	};
	struct fw_config *cfg;
	struct fw_feed_doc *doc;
	g_autoptr(GHashTable) names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(GHashTable) urls = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autofree char *feed_url = NULL, *site = NULL, *canon = NULL;
	g_autofree char *key = NULL, *group = NULL, *block = NULL;
	const char *known;
	struct fw_opml_feed *of;
	int rc = 0;

	if (!fw_cli_parse_options(cmd, entries, &argc, &argv))
		return FW_EXIT_USAGE;
	if (argc != 2)
		return fw_cli_usage("give one URL (%s)", "a feed or a site's page");
	if (!g_str_has_prefix(argv[1], "http://") && !g_str_has_prefix(argv[1], "https://"))
		return fw_cli_usage("'%s' is not an http:// or https:// URL", argv[1]);
	if (name != NULL && !fw_config_name_ok(name))
		return fw_cli_usage("bad --name '%s' (ASCII letters, digits, '-', '_' and '.')", name);
	if ((cfg = fw_cli_load_config_adding()) == NULL)
		return 1;
	if ((doc = find_feed(argv[1], cfg, &feed_url, &site)) == NULL) {
		fw_config_free(cfg);
		return 1;
	}
	fw_cli_config_taken(cfg, names, urls);
	canon = fw_store_canonical_link(feed_url);
	if ((known = g_hash_table_lookup(urls, canon)) != NULL) {
		printf("%s is already in %s as [feed %s]\n", feed_url, cfg->path, known);
		goto out;
	}
	if (name != NULL && g_hash_table_contains(names, name)) {
		rc = fw_cli_fail("add", "[feed %s] is already in %s: choose another --name", name,
		                 cfg->path);
		goto out;
	}
	if (site == NULL && doc->link != NULL)
		site = g_strdup(doc->link);
	key = name ? g_strdup(name) : fw_opml_feed_name(doc->title, feed_url, names);
	of = fw_opml_feed_new(title ? title : doc->title, feed_url, site, NULL);
	group = fw_opml_config_group(of, key);
	fw_opml_feed_free(of);
	block = g_strdup_printf("\n# Added by feedwatch add: %s (%u item%s)\n%s",
	                        doc->title ? doc->title : feed_url, doc->items->len,
	                        doc->items->len == 1 ? "" : "s", group);
	/* The feed's own title in the comment must stay one line. */
	for (char *p = block + 1; *p && *p != '\n'; p++)
		if ((guchar)*p < 0x20)
			*p = ' ';
	if (dry_run) {
		fputs(block + 1, stdout);
	} else if (!fw_cli_config_append("add", cfg->path, block, NULL, NULL)) {
		rc = 1;
	} else {
		char *feeds[] = { key, NULL };

		printf("added [feed %s] %s to %s\n", key, feed_url, cfg->path);
		fflush(stdout);
		rc = fw_cli_reload_edited("add", cfg, feeds);   /* and its first poll */
	}
out:
	fw_feed_doc_free(doc);
	fw_config_free(cfg);
	return rc;
}
