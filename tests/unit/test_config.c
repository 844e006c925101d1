/* Config loader: a table of config texts and what loading them must give. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "feedwatch/config.h"

static char *tmpdir;

struct row {
	const char *name;
	const char *text;
	const char *error;   /* NULL: loads; else a substring of the first problem ("PATH" = the file) */
};

static const struct row rows[] = {
	{ "example", "[feedwatch]\ninterval = 15m # comment\n[feed tac]\nurl = https://x.example/feed/\n"
	  "[topic milei]\nquery = Milei\n", NULL },
	{ "empty file", "", NULL },
	{ "comments only", "# just\n; comments\n\n", NULL },
	{ "unknown group", "[feedwatch]\n[feeds x]\nurl = http://a.b/\n", "PATH:2:2: unknown group [feeds x]" },
	{ "group in another case", "[Feed x]\nurl = http://a.b/\n",
	  "PATH:1:2: unknown group [Feed x]; did you mean [feed x]? (group names are case-sensitive)" },
	{ "group without its name", "[topic]\nquery = x\n",
	  "PATH:1:2: unknown group [topic] (expected [feedwatch], [feed NAME] or [topic NAME])" },
	{ "main group in another case", "[FeedWatch]\ninterval = 5m\n",
	  "PATH:1:2: unknown group [FeedWatch]; did you mean [feedwatch]? (group names are case-sensitive)" },
	{ "misspelt PostgreSQL keyword", "[feedwatch]\ndatabase = host=/tmp dbnmae=fw\n",
	  "PATH:2:12: database: 'dbnmae' is not a PostgreSQL connection keyword; did you mean dbname?" },
	{ "file name with '=' read as key=value", "[feedwatch]\ndatabase = watc= subord\n",
	  "PATH:2:12: database: 'watc' is not a PostgreSQL connection keyword (host, dbname, user, ...); "
	  "a file name with '=' in it starts with ./" },
	{ "unknown key", "[feedwatch]\nintervall = 5m\n", "PATH:2:1: unknown key 'intervall' in [feedwatch]; did you mean interval?" },
	{ "unknown feed key", "[feed a]\nurl = http://a.b/\nurll = x\n", "PATH:3:1: unknown key 'urll' in [feed a]; did you mean url?" },
	{ "key in another case", "[topic t]\nquery = x\nQuery = y\n",
	  "PATH:3:1: unknown key 'Query' in [topic t]; did you mean query? (keys are case-sensitive)" },
	{ "key of another group", "[feed X]\nurl = http://a.b/\nnotify_initial = true\n",
	  "PATH:3:1: unknown key 'notify_initial' in [feed X]; notify_initial belongs in [feedwatch]" },
	{ "key of another group in another case", "[feedwatch]\nQuery = x\n",
	  "PATH:2:1: unknown key 'Query' in [feedwatch]; query belongs in [topic NAME]" },
	{ "misspelt key of another group", "[feed X]\nurl = http://a.b/\n  notify_intial = true\n",
	  "PATH:3:3: unknown key 'notify_intial' in [feed X]; did you mean notify_initial? "
	  "(it belongs in [feedwatch])" },
	{ "key of two other groups", "[topic t]\nquery = x\ninterval = 1h\n",
	  "PATH:3:1: unknown key 'interval' in [topic t]; interval belongs in [feedwatch] or [feed NAME]" },
	{ "unknown key, nothing near", "[topic t]\nquery = x\ncolour = red\n",
	  "PATH:3:1: unknown key 'colour' in [topic t]" },
	{ "bad duration", "[feedwatch]\ninterval = 5 minutes\n", "PATH:2:12: interval: bad duration" },
	{ "bad duration unit", "[feedwatch]\ntimeout = 10y\n", "PATH:2:11: timeout: bad duration" },
	{ "interval too short", "[feedwatch]\ninterval = 10s\n", "PATH:2:12: interval: at least 1m" },
	{ "interval too short at its own line", "# c\n\n[feedwatch]\ninterval = 15s\n",
	  "PATH:4:12: interval: at least 1m" },
	{ "timeout zero", "[feedwatch]\ninterval = 5m\ntimeout = 0s\n", "PATH:3:11: timeout: at least 1s" },
	{ "lease zero", "[feedwatch]\nlease = 0m\n", "PATH:2:9: lease: at least 1s" },
	{ "duration without unit", "# c\n\n[feedwatch]\ninterval = 15\n",
	  "PATH:4:12: interval: 15 is 15 seconds (a number alone): at least 1m (e.g. 15m)" },
	{ "duration without unit is seconds", "[feedwatch]\ntimeout = 30\n", NULL },
	{ "feed duration without unit", "[feed a]\nurl = http://a.b/\ninterval = 30\n",
	  "PATH:3:12: interval: 30 is 30 seconds (a number alone): at least 1m for a remote feed (e.g. 30m)" },
	{ "feed duration without unit is seconds", "[feed a]\nurl = http://a.b/\ninterval = 90\n", NULL },
	{ "duration in words", "[feedwatch]\nretention = 3 days\n",
	  "PATH:2:13: retention: bad duration '3 days': a whole number and a unit, s, m, h, d or w" },
	{ "feed duration in words", "[feed a]\nurl = http://a.b/\ninterval = 2 hours\n",
	  "PATH:3:12: interval: bad duration '2 hours': a whole number and a unit, s, m, h, d or w" },
	{ "duration units", "[feedwatch]\ntimeout = 30 s\ninterval = 2H\nretention = 7D\nlease = 1w\n"
	  "[feed a]\nurl = http://a.b/\ninterval = 1d\n", NULL },
	{ "size units", "[feedwatch]\nmax_size = 10MB\n[feed a]\nurl = http://a.b/\n", NULL },
	{ "size too small", "[feedwatch]\nmax_size = 1000\n", "PATH:2:12: max_size: at least 1K" },
	{ "size in words", "[feedwatch]\nmax_size = 10 megabytes\n",
	  "PATH:2:12: max_size: bad size '10 megabytes': a number of bytes, or one with a unit, K, M or G" },
	{ "count with a unit", "[feedwatch]\nmax_per_host = 1K\n",
	  "PATH:2:16: max_per_host: expected a number from 1 to 100" },
	{ "max_per_hour with a unit", "[topic t]\nquery = a\nmax_per_hour = 1k\n",
	  "PATH:3:16: max_per_hour: expected a number from 0 to 10000" },
	{ "feed interval too short", "[feed a]\nurl = http://a.b/\ninterval = 30s\n",
	  "PATH:3:12: interval: at least 1m for a remote feed" },
	{ "file feed may be fast", "[feed a]\nurl = file:///tmp/x.xml\ninterval = 10s\n", NULL },
	{ "bad size", "[feedwatch]\nmax_size = ten\n", "PATH:2:12: max_size: bad size" },
	{ "bad bool", "[feedwatch]\nnotify_initial = maybe\n", "PATH:2:18: notify_initial: expected true or false" },
	{ "bad parallel", "[feedwatch]\nmax_parallel = 0\n", "max_parallel: expected a number" },
	{ "bad exec parallel", "[feedwatch]\nexec_parallel = 0\n", "exec_parallel: expected a number" },
	{ "no url", "[feed a]\ntitle = A\n", "PATH:1:2: [feed a] has no url" },
	{ "no url, indented", "  [ feed a]\ntitle = A\n", "PATH:1:5: [feed a] has no url" },
	{ "ftp url", "[feed a]\nurl = ftp://a.b/x\n", "PATH:2:7: url: only http://, https:// and file:// URLs" },
	{ "not a url", "[feed a]\nurl = just words\n", "PATH:2:7: url: not a URL" },
	{ "url without host", "[feed a]\nurl = http:///x\n", "url: URL has no host" },
	{ "javascript url", "[feed a]\nurl = javascript:alert(1)\n", "url: only http://" },
	{ "no query", "[topic t]\nname = T\n", "PATH:1:2: [topic t] has no query" },
	{ "bad query column", "[topic t]\nquery = (China OR Beijing\n", "PATH:2:" },
	{ "bad urgency", "[topic t]\nquery = a\nurgency = loud\n", "PATH:3:11: urgency: expected low" },
	{ "bad channel", "[topic t]\nquery = a\nnotify = pager\n", "notify: unknown channel 'pager'" },
	{ "exec without exec", "[topic t]\nquery = a\nnotify = exec\n", "notify: exec needs an exec = line" },
	{ "bad exec quoting", "[topic t]\nquery = a\nexec = /bin/x \"unclosed\n", "PATH:3:8: exec:" },
	{ "webhook must be http", "[topic t]\nquery = a\nwebhook = file:///etc/passwd\n",
	  "webhook: only http:// and https://" },
	{ "duplicate key", "[feedwatch]\ninterval = 5m\ninterval = 6m\n", "PATH:3:1: key 'interval' appears twice" },
	{ "duplicate group", "[feed a]\nurl = http://a.b/\n[feed a]\nurl = http://a.c/\n",
	  "PATH:3:2: group [feed a] appears twice" },
	{ "key before group", "interval = 5m\n", "PATH:1:1: \"key = value\" before any [group]" },
	{ "not key value", "[feedwatch]\njust text\n", "PATH:2:1: expected \"key = value\"" },
	{ "bad header", "[feedwatch\n", "PATH:1:1: a group header must look like [name]" },
	{ "bad feed name", "[feed a b]\nurl = http://a.b/\n",
	  "PATH:1:8: [feed a b]: a name is ASCII letters, digits, '-', '_' and '.', not a space; "
	  "e.g. [feed a-b]" },
	{ "non-ASCII feed name", "[feed économie]\nurl = http://a.b/\n",
	  "PATH:1:7: [feed économie]: a name is ASCII letters, digits, '-', '_' and '.', not 'é'; "
	  "e.g. [feed economie]" },
	{ "non-ASCII topic name", "# c\n  [ topic économie]\nquery = x\n",
	  "PATH:2:11: [topic économie]: a name is ASCII letters, digits, '-', '_' and '.', not 'é'; "
	  "e.g. [topic economie] with name = Économie" },
	{ "CJK topic name", "[topic 经济]\nquery = x\n",
	  "PATH:1:8: [topic 经济]: a name is ASCII letters, digits, '-', '_' and '.', not '经'; "
	  "a display name may be any text: name = 经济" },
	{ "display name is any text", "[topic economie]\nname = Économie 经济\nquery = x\n", NULL },
	{ "hash inside quotes kept", "[topic t]\nquery = \"C# language\" OR x\n", NULL },
	{ "hash after '= ' is a comment", "[topic t]\nquery = #milei\n",
	  "PATH:2:9: [topic t] has no query: '#milei' is a comment (a '#' after white space starts one; "
	  "to match it, write \"#milei\")" },
	{ "semicolon after '= ' is a comment", "[topic t]\nquery =\t;milei x\n",
	  "PATH:2:9: [topic t] has no query: ';milei' is a comment" },
	{ "hash right after '=' is kept", "[topic t]\nquery =#milei\n", NULL },
	{ "empty query", "[topic t]\nquery =\n", "PATH:2:8: [topic t] has no query: query = is empty" },
	{ "url fragment kept", "[feed a]\nurl = https://a.b/x#frag;y\n", NULL },
	{ "empty url after a comment", "[feed a]\nurl = #https://a.b/\n", "PATH:2:7: url: not a URL" },
	{ "crlf lines", "[feedwatch]\r\ninterval = 5m\r\n", NULL },
	{ "also", "[topic m]\nquery = Mercosur\nalso = Mercosul, \"Mercado Común, del Sur\"\n", NULL },
	{ "bad also column", "[topic m]\nquery = Mercosur\nalso = Mercosul, (swap\n", "PATH:3:18: also: " },
	{ "quiet hours", "[feedwatch]\nquiet_hours = 22:00-07:00\n[topic t]\nquery = a\nquiet_hours = none\n", NULL },
	{ "bad quiet hours", "[feedwatch]\nquiet_hours = 22-7\n", "PATH:2:15: quiet_hours: expected HH:MM-HH:MM" },
	{ "bad digest_at", "[topic t]\nquery = a\nnotify = digest\ndigest_at = 25:00\n", "PATH:4:13: digest_at: expected HH:MM" },
	{ "bad webhook_format", "[topic t]\nquery = a\nwebhook_format = xml\n", "webhook_format: expected json or ntfy" },
	{ "bad max_per_hour", "[topic t]\nquery = a\nmax_per_hour = lots\n", "PATH:3:16: max_per_hour:" },
	{ "durable", "[feedwatch]\ndurable = yes\n", NULL },
	{ "site and category", "[feed a]\nurl = http://a.b/rss\nsite = http://a.b/\ncategory = News/Argentina\n", NULL },
	{ "bad site", "[feed a]\nurl = http://a.b/rss\nsite = javascript:x\n", "PATH:3:8: site: only http://" },
	{ "missing opml", "[feedwatch]\nopml = /nonexistent/feeds.opml\n", "PATH:2:8: opml: " },
	{ "second also item column", "[topic m]\nquery = x\nalso = z OR, z OR\n", "PATH:3:" },
	{ "regex comma not split", "[topic m]\nquery = x\nalso = /a,b/, y\n", NULL },
	{ "regex hash not a comment", "[topic m]\nquery = /C# ;x/ milei\n", NULL },
	{ "invalid utf8", "[feedwatch]\n\xff\xfe = 1\n", "PATH:2:1: not valid UTF-8" },
	/* the column of the first byte that is not UTF-8, in characters */
	{ "invalid utf8 later", "[feedwatch]\ntitle = \xc3\xa9t\xff\n", "PATH:2:11: not valid UTF-8" },
	{ "feedwatch group twice", "[feedwatch]\ndatabase = a.db\n[feedwatch]\n"
	  "database = b.db\nopml = b.opml\n", "PATH:3:2: group [feedwatch] appears twice" },
	{ "file url with a host", "[feed a]\nurl = file://a.xml\n",
	  "PATH:2:7: url: a file URL is file:///ABSOLUTE/" },
	{ "file url relative", "[feed a]\nurl = file:feeds/a.xml\n", NULL },
	{ "subscribe", "[feedwatch]\nsubscriber = ana@desk1\nsubscribe = milei, china-swaps\n"
	  "[topic milei]\nquery = Milei\n[topic china-swaps]\nquery = swap\n", NULL },
	{ "subscribe all", "[feedwatch]\nsubscribe = all\n[topic milei]\nquery = Milei\n", NULL },
	{ "subscribe unknown topic", "[feedwatch]\nsubscribe = milei, china-swap\n"
	  "[topic milei]\nquery = Milei\n[topic china-swaps]\nquery = swap\n",
	  "PATH:2:13: subscribe: no topic 'china-swap'; did you mean china-swaps?" },
	{ "subscribe nothing", "[feedwatch]\nsubscribe = ,\n", "PATH:2:13: subscribe: expected topic keys" },
	{ "subscriber empty", "[feedwatch]\nsubscriber =\n", "PATH:2:" },
	{ "subscriber misspelt", "[feedwatch]\nsubscribers = ana\n",
	  "PATH:2:1: unknown key 'subscribers' in [feedwatch]; did you mean subscriber?" },
};

static char *
write_conf(const char *name, const char *text)
{
	g_autofree char *base = g_strdup_printf("c-%s.conf", name);
	char *path;

	g_strdelimit(base, " ", '_');
	path = g_build_filename(tmpdir, base, NULL);
	g_assert_true(g_file_set_contents(path, text, -1, NULL));
	return path;
}

static void
test_row(gconstpointer data)
{
	const struct row *r = data;
	g_autofree char *path = write_conf(r->name, r->text);
	g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) err = NULL;
	struct fw_config *c = fw_config_load(path, errors, &err);

	if (r->error == NULL) {
		if (c == NULL)
			g_test_message("unexpected: %s", errors->len ? (char *)errors->pdata[0] : err->message);
		g_assert_nonnull(c);
		g_assert_cmpuint(errors->len, ==, 0);
		fw_config_free(c);
	} else {
		g_autoptr(GString) want = g_string_new(r->error);
		g_assert_null(c);
		g_assert_error(err, FW_CONFIG_ERROR, FW_CONFIG_ERROR_INVALID);
		g_assert_cmpuint(errors->len, >, 0);
		g_string_replace(want, "PATH", path, 0);
		if (strstr(errors->pdata[0], want->str) == NULL)
			g_test_message("got: %s\nwant: %s", (char *)errors->pdata[0], want->str);
		g_assert_nonnull(strstr(errors->pdata[0], want->str));
	}
}

/* check's problems: in file order, one for a bad header (not one per key
 * under it), and the nearest key, field or group named for a misspelling. */
static void
test_problem_order(void)
{
	static const char text[] =
		"[topic milei]\n"                        /* 1 */
		"query = titel:Milei\n"                  /* 2 */
		"[feedwatch]\n"                          /* 3 */
		"notify_intial = true\n"                 /* 4 */
		"[feed tac\n"                            /* 5: bad header */
		"url = https://example.org/a.xml\n"      /* 6 */
		"interval = 1h\n"                        /* 7 */
		"[fed x]\n"                              /* 8 */
		"url = https://example.org/b.xml\n"      /* 9 */
		"[topic b]\n"                            /* 10 */
		"query = a AND (\n"                      /* 11 */
		"urgncy = low\n"                         /* 12 */
		"colour = red\n";                        /* 13 */
	static const char *const want[] = {
		"PATH:2:9: unknown field 'titel'; did you mean title:?",
		"PATH:4:1: unknown key 'notify_intial' in [feedwatch]; did you mean notify_initial?",
		"PATH:5:1: a group header must look like [name]",
		"PATH:8:2: unknown group [fed x]; did you mean [feed x]?",
		"PATH:11:15: unclosed (",
		"PATH:12:1: unknown key 'urgncy' in [topic b]; did you mean urgency?",
		"PATH:13:1: unknown key 'colour' in [topic b]",
	};
	g_autofree char *path = write_conf("problem order", text);
	g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) err = NULL;

	g_assert_null(fw_config_load(path, errors, &err));
	for (guint i = 0; i < errors->len; i++)
		g_test_message("got: %s", (char *)errors->pdata[i]);
	g_assert_cmpuint(errors->len, ==, G_N_ELEMENTS(want));
	for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
		g_autoptr(GString) w = g_string_new(want[i]);
		g_string_replace(w, "PATH", path, 0);
		g_assert_true(g_str_has_prefix(errors->pdata[i], w->str));
	}
}

/* Inline comments and quotes: a single quote that opens a word keeps a
 * shell's ';' (exec = sh -c 'a ; b'); an apostrophe inside a word does not
 * hide the comment after it. */
static void
test_comment_quotes(void)
{
	g_autofree char *path = write_conf("quotes",
		"[topic a]\nquery = China's swap ; the note\n"
		"exec = /bin/sh -c 'echo a ; echo b # c' \"x ; y\" # the note\nnotify = exec\n"
		"[topic b]\nquery = x\nname = Don't panic # note\n");
	g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
	struct fw_config *c = fw_config_load(path, errors, NULL);
	const struct fw_topic_conf *t;
	g_autofree char *q = NULL;

	g_assert_nonnull(c);
	t = c->topics->pdata[0];
	q = fw_topic_conf_query(t);
	g_assert_cmpstr(q, ==, "China's swap");
	g_assert_cmpuint(g_strv_length(t->exec_argv), ==, 4);
	g_assert_cmpstr(t->exec_argv[2], ==, "echo a ; echo b # c");
	g_assert_cmpstr(t->exec_argv[3], ==, "x ; y");
	t = c->topics->pdata[1];
	g_assert_cmpstr(t->name, ==, "Don't panic");
	fw_config_free(c);
}

/* The example values arrive in the structs. */
static void
test_values(void)
{
	g_autofree char *path = write_conf("values",
		"[feedwatch]\ninterval = 10m\nmax_parallel = 4\nexec_parallel = 2\ntimeout = 20s\nmax_size = 2M\n"
		"notify_initial = true\nretention = 30d\ndatabase = ~/fw/x.db\n"
		"[feed tac]\nurl = https://www.theamericanconservative.com/feed/\ntitle = TAC\n"
		"[feed b]\nurl = http://b.example/rss\ninterval = 2h\n"
		"[topic china-swaps]\nname = China swaps\nquery = (China OR Chinese OR Beijing) NEAR/8 swap*\n"
		"urgency = critical\nexec = /bin/echo \"a b\" c\nnotify = desktop, exec\n"
		"[topic quiet-one]\nquery = x\nnotify = none\n");
	g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
	struct fw_config *c = fw_config_load(path, errors, NULL);
	const struct fw_feed_conf *f;
	const struct fw_topic_conf *t;
	g_autofree char *db = g_build_filename(g_get_home_dir(), "fw/x.db", NULL);

	g_assert_nonnull(c);
	g_assert_cmpint(c->interval, ==, 600);
	g_assert_cmpuint(c->max_parallel, ==, 4);
	g_assert_cmpuint(c->exec_parallel, ==, 2);
	g_assert_cmpint(c->timeout, ==, 20);
	g_assert_cmpint(c->max_size, ==, 2 * 1024 * 1024);
	g_assert_true(c->notify_initial);
	g_assert_cmpint(c->retention, ==, 30 * 86400);
	g_assert_cmpstr(c->database, ==, db);
	g_assert_cmpuint(c->feeds->len, ==, 2);
	f = c->feeds->pdata[0];
	g_assert_cmpstr(f->key, ==, "tac");
	g_assert_cmpstr(f->title, ==, "TAC");
	g_assert_cmpint(f->interval, ==, 600);
	f = c->feeds->pdata[1];
	g_assert_cmpint(f->interval, ==, 7200);
	g_assert_null(f->title);
	t = c->topics->pdata[0];
	g_assert_cmpstr(t->key, ==, "china-swaps");
	g_assert_cmpstr(t->name, ==, "China swaps");
	g_assert_cmpint(t->urgency, ==, FW_URGENCY_CRITICAL);
	g_assert_cmpuint(t->channels, ==, FW_CHANNEL_DESKTOP | FW_CHANNEL_EXEC);
	g_assert_cmpstr(t->exec_argv[1], ==, "a b");
	t = c->topics->pdata[1];
	g_assert_cmpstr(t->name, ==, "Quiet one");
	g_assert_cmpuint(t->channels, ==, 0);
	fw_config_free(c);
}

/* also= queries are ORed into the query; notify = digest keeps desktop. */
static void
test_also_digest(void)
{
	g_autofree char *path = write_conf("also2",
		"[feedwatch]\nquiet_hours = 22:00-07:00\n"
		"[topic m]\nquery = Mercosur\nalso = Mercosul, \"Mercado Común del Sur\"\n"
		"notify = digest\ndigest_at = 07:30\nmax_per_hour = 5\n");
	g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
	struct fw_config *c = fw_config_load(path, errors, NULL);
	const struct fw_topic_conf *t;
	g_autofree char *q = NULL;

	g_assert_nonnull(c);
	t = c->topics->pdata[0];
	q = fw_topic_conf_query(t);
	g_assert_cmpstr(q, ==, "(Mercosur) OR (Mercosul) OR (\"Mercado Común del Sur\")");
	g_assert_true(t->digest);
	g_assert_cmpuint(t->channels, ==, FW_CHANNEL_DESKTOP);
	g_assert_cmpint(t->digest_at, ==, 7 * 60 + 30);
	g_assert_cmpuint(t->max_per_hour, ==, 5);
	g_assert_cmpint(t->quiet_start, ==, 22 * 60);
	g_assert_cmpint(t->quiet_end, ==, 7 * 60);
	fw_config_free(c);
}

/* opml= adds the OPML file's feeds that the config lacks. */
static void
test_opml(void)
{
	g_autofree char *opml = g_build_filename(tmpdir, "feeds.opml", NULL);
	g_autofree char *path = NULL, *text = NULL;
	g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
	struct fw_config *c;
	const struct fw_feed_conf *f;

	g_assert_true(g_file_set_contents(opml,
		"<?xml version=\"1.0\"?><opml version=\"2.0\"><head><title>x</title></head><body>"
		"<outline text=\"News\"><outline text=\"Argentina\">"
		"<outline type=\"rss\" text=\"Buenos Aires Times\" xmlUrl=\"https://batimes.example/rss\" "
		"htmlUrl=\"https://batimes.example/\"/></outline></outline>"
		"<outline type=\"rss\" text=\"Dup\" xmlUrl=\"http://a.b/rss\"/>"
		"</body></opml>", -1, NULL));
	text = g_strdup_printf("[feedwatch]\nopml = %s\n[feed a]\nurl = http://a.b/rss\n", opml);
	path = write_conf("opml", text);
	c = fw_config_load(path, errors, NULL);
	g_assert_nonnull(c);
	g_assert_cmpuint(c->feeds->len, ==, 2);
	f = c->feeds->pdata[1];
	g_assert_cmpstr(f->url, ==, "https://batimes.example/rss");
	g_assert_cmpstr(f->title, ==, "Buenos Aires Times");
	g_assert_cmpstr(f->site, ==, "https://batimes.example/");
	g_assert_cmpstr(f->category, ==, "News/Argentina");
	g_assert_cmpstr(f->key, ==, "buenos-aires-times");
	fw_config_free(c);
}

/* The digest: the same for the same bytes (from the file or as data, with
 * or without the queries compiled), another for a changed config or a
 * changed opml= file; a SHA-256 in hex. */
static void
test_digest(void)
{
	g_autofree char *opml = g_build_filename(tmpdir, "digest.opml", NULL);
	g_autofree char *text = g_strdup_printf("[feedwatch]\nopml = %s\n[topic m]\nquery = x\n", opml);
	g_autofree char *path = write_conf("digest", text);
	g_autofree char *d1 = NULL, *d2 = NULL;
	g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
	struct fw_config *a, *b, *c;

	g_assert_true(g_file_set_contents(opml,
		"<opml version=\"2.0\"><body><outline type=\"rss\" text=\"A\" xmlUrl=\"http://a.b/rss\"/>"
		"</body></opml>", -1, NULL));
	a = fw_config_load(path, errors, NULL);
	b = fw_config_load_names(path, errors, NULL);
	c = fw_config_load_data(path, text, strlen(text), errors, NULL);
	g_assert_nonnull(a);
	g_assert_nonnull(b);
	g_assert_nonnull(c);
	g_assert_cmpuint(strlen(a->digest), ==, 64);
	g_assert_cmpstr(a->digest, ==, b->digest);
	g_assert_cmpstr(a->digest, ==, c->digest);
	d1 = g_strdup(a->digest);
	fw_config_free(a);
	fw_config_free(b);
	fw_config_free(c);
	/* the OPML file changes: so does the digest */
	g_assert_true(g_file_set_contents(opml,
		"<opml version=\"2.0\"><body><outline type=\"rss\" text=\"B\" xmlUrl=\"http://b.b/rss\"/>"
		"</body></opml>", -1, NULL));
	a = fw_config_load(path, errors, NULL);
	g_assert_nonnull(a);
	g_assert_cmpstr(a->digest, !=, d1);
	d2 = g_strdup(a->digest);
	fw_config_free(a);
	/* the config's own text changes (its last newline dropped): so does the digest */
	b = fw_config_load_data(path, text, strlen(text) - 1, errors, NULL);
	g_assert_nonnull(b);
	g_assert_cmpstr(b->digest, !=, d2);
	g_assert_cmpstr(b->digest, !=, d1);
	fw_config_free(b);
	g_assert_cmpuint(errors->len, ==, 0);
}

/* Error columns: the second of two equal also= items, tabs before a query. */
static void
test_columns(void)
{
	g_autofree char *p1 = write_conf("col1", "[topic m]\nquery = x\nalso = z OR, z OR\n");
	g_autofree char *p2 = write_conf("col2", "[topic m]\n\tquery = (x\n");
	g_autoptr(GPtrArray) e1 = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) e2 = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *w1a = NULL, *w1b = NULL;

	g_assert_null(fw_config_load(p1, e1, NULL));
	g_assert_cmpuint(e1->len, ==, 2);
	w1a = g_strdup_printf("%s:3:10: also:", p1);
	w1b = g_strdup_printf("%s:3:16: also:", p1);
	g_assert_true(g_str_has_prefix(e1->pdata[0], w1a));
	g_assert_true(g_str_has_prefix(e1->pdata[1], w1b));
	g_assert_null(fw_config_load(p2, e2, NULL));
	/* The caret line keeps the tab: "\t" then spaces up to the column. */
	g_assert_nonnull(strstr(e2->pdata[0], "\n    \t        ^"));
}

/* Inline comments: a '#' or ';' after white space (the white space after
 * '=' too) starts one; one right after '=' or inside a word does not. */
static void
test_comments(void)
{
	static const char text[] =
		"[feed a]\nurl = https://a.b/x#frag;y # the feed\ntitle = #1 News\n"
		"category =#news ; tag\n"
		"[topic t]\nquery =#milei ;and more\nname = Milei;s #c\n";
	g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
	struct fw_config *c = fw_config_load_data("comments.conf", text, strlen(text), errors, NULL);
	const struct fw_feed_conf *f;
	const struct fw_topic_conf *t;

	g_assert_nonnull(c);
	f = c->feeds->pdata[0];
	g_assert_cmpstr(f->url, ==, "https://a.b/x#frag;y");
	g_assert_null(f->title);   /* "title = #1 News" is all comment */
	g_assert_cmpstr(f->category, ==, "#news");
	t = c->topics->pdata[0];
	g_assert_cmpstr(t->query, ==, "#milei");
	g_assert_cmpstr(t->name, ==, "Milei;s");
	fw_config_free(c);
}

/* Every problem is reported, not just the first. */
static void
test_all_errors(void)
{
	g_autofree char *path = write_conf("many", "[feedwatch]\ninterval = x\n[feed a]\n[bogus]\n");
	g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);

	g_assert_null(fw_config_load(path, errors, NULL));
	g_assert_cmpuint(errors->len, ==, 3);
}

/* A NUL byte is a problem at its line and (character) column, once a line;
 * what follows it is still read, and nothing is cut off silently. */
static void
test_nul(void)
{
	static const char text[] = "[feedwatch]\ninterval = 5m\n[topic a]\nquery = \xc3\xa9x\0y\n"
	                           "\0[topic b]\nquery = (\n[topic c]\nquery = z\n";
	g_autofree char *path = g_build_filename(tmpdir, "nul.conf", NULL);
	g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) err = NULL;
	g_autofree char *w0 = NULL, *w1 = NULL, *w2 = NULL;

	g_assert_true(g_file_set_contents(path, text, sizeof text - 1, NULL));
	g_assert_null(fw_config_load(path, errors, &err));
	g_assert_error(err, FW_CONFIG_ERROR, FW_CONFIG_ERROR_INVALID);
	w0 = g_strdup_printf("%s:4:11: a NUL byte", path);
	w1 = g_strdup_printf("%s:5:1: a NUL byte", path);
	w2 = g_strdup_printf("%s:6:9: ", path);   /* the bad query after the NUL line */
	for (guint i = 0; i < errors->len; i++)
		g_test_message("%s", (char *)errors->pdata[i]);
	g_assert_cmpuint(errors->len, ==, 3);
	g_assert_true(g_str_has_prefix(errors->pdata[0], w0));
	g_assert_true(g_str_has_prefix(errors->pdata[1], w1));
	g_assert_true(g_str_has_prefix(errors->pdata[2], w2));
}

/* Only a regular file of at most FW_CONFIG_MAX_SIZE bytes is read: a device,
 * a FIFO or a directory fails at once, unread; a larger file fails too. */
static void
test_not_regular(void)
{
	g_autofree char *fifo = g_build_filename(tmpdir, "fifo.conf", NULL);
	g_autofree char *big = g_build_filename(tmpdir, "big.conf", NULL);
	g_autofree char *fits = g_build_filename(tmpdir, "fits.conf", NULL);
	const char *refused[] = { "/dev/zero", "/dev/null", fifo, tmpdir };
	g_autofree char *text = g_malloc(FW_CONFIG_MAX_SIZE + 1);
	g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
	struct fw_config *c;

	g_assert_cmpint(mkfifo(fifo, 0600), ==, 0);
	for (guint i = 0; i < G_N_ELEMENTS(refused); i++) {
		g_autoptr(GError) err = NULL;

		g_assert_null(fw_config_load(refused[i], errors, &err));
		g_assert_nonnull(err);
		g_assert_true(err->domain == G_FILE_ERROR);
		g_assert_nonnull(strstr(err->message, refused[i]));
		g_test_message("%s", err->message);
	}
	g_assert_cmpuint(errors->len, ==, 0);
	/* A file of comments: exactly the limit loads, one byte more does not. */
	memset(text, '#', FW_CONFIG_MAX_SIZE + 1);
	text[0] = '\n';
	g_assert_true(g_file_set_contents(fits, text, FW_CONFIG_MAX_SIZE, NULL));
	g_assert_true(g_file_set_contents(big, text, FW_CONFIG_MAX_SIZE + 1, NULL));
	c = fw_config_load(fits, errors, NULL);
	g_assert_nonnull(c);
	fw_config_free(c);
	{
		g_autoptr(GError) err = NULL;

		g_assert_null(fw_config_load(big, errors, &err));
		g_assert_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL);
		g_autofree char *want = g_strdup_printf("larger than %d MiB",
		                                        FW_CONFIG_MAX_SIZE / (1024 * 1024));

		g_assert_nonnull(strstr(err->message, want));
	}
}

/* Every relative path (database, opml, file: feeds, exec programs) is taken
 * from the config file's folder, whatever the working directory and however
 * the config's path is written; ~ is home; a bare program name is left for
 * PATH. */
static void
test_relative_paths(void)
{
	g_autofree char *cwd = g_get_current_dir();
	g_autofree char *conf_dir = g_build_filename(tmpdir, "rel", NULL);
	g_autofree char *elsewhere = g_build_filename(tmpdir, "elsewhere", NULL);
	g_autofree char *conf = g_build_filename(conf_dir, "t.conf", NULL);
	g_autofree char *opml = g_build_filename(conf_dir, "feeds.opml", NULL);
	g_autofree char *db = g_build_filename(conf_dir, "t.db", NULL);
	g_autofree char *feed = g_build_filename(conf_dir, "feeds", "a b.xml", NULL);
	g_autofree char *feed_url = g_filename_to_uri(feed, NULL, NULL);
	g_autofree char *hook = g_build_filename(conf_dir, "hooks", "on-hit", NULL);
	g_autofree char *parent_db = g_build_filename(tmpdir, "up.db", NULL);
	g_autofree char *home_db = g_build_filename(g_get_home_dir(), "x.db", NULL);
	/* The same file named four ways, each from the other folder. */
	const char *names[] = { "../rel/t.conf", "./../rel/t.conf", conf, "../rel/../rel/t.conf" };

	g_assert_cmpint(g_mkdir_with_parents(conf_dir, 0700), ==, 0);
	g_assert_cmpint(g_mkdir_with_parents(elsewhere, 0700), ==, 0);
	g_assert_true(g_file_set_contents(opml, "<?xml version=\"1.0\"?><opml version=\"2.0\"><head/>"
		"<body><outline text=\"O\" xmlUrl=\"https://o.example/rss\"/></body></opml>", -1, NULL));
	g_assert_true(g_file_set_contents(conf,
		"[feedwatch]\ndatabase = t.db\nopml = feeds.opml\n"
		"[feed a]\nurl = file:feeds/a%20b.xml\ninterval = 10s\n"
		"[feed b]\nurl = file:///abs/b.xml\n"
		"[topic t]\nquery = x\nexec = hooks/on-hit --flag ./not-a-path\n"
		"[topic u]\nquery = y\nexec = notify-send hi\n"
		"[topic v]\nquery = z\nexec = ../up/hook\n", -1, NULL));
	g_assert_cmpint(chdir(elsewhere), ==, 0);
	for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
		g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
		g_autoptr(GError) err = NULL;
		g_autofree char *up_hook = g_build_filename(tmpdir, "up", "hook", NULL);
		struct fw_config *c = fw_config_load(names[i], errors, &err);
		const struct fw_feed_conf *f;
		const struct fw_topic_conf *t;

		g_test_message("-c %s", names[i]);
		if (c == NULL)
			g_test_message("%s", errors->len ? (char *)errors->pdata[0] : err->message);
		g_assert_nonnull(c);
		g_assert_cmpstr(c->database, ==, db);
		g_assert_cmpstr(c->opml, ==, opml);
		g_assert_cmpuint(c->feeds->len, ==, 3);   /* a, b and the OPML's */
		f = c->feeds->pdata[0];
		g_assert_cmpstr(f->url, ==, feed_url);
		f = c->feeds->pdata[1];
		g_assert_cmpstr(f->url, ==, "file:///abs/b.xml");
		t = c->topics->pdata[0];
		g_assert_cmpstr(t->exec_argv[0], ==, hook);
		g_assert_cmpstr(t->exec_argv[2], ==, "./not-a-path");   /* arguments are left alone */
		t = c->topics->pdata[1];
		g_assert_cmpstr(t->exec_argv[0], ==, "notify-send");
		t = c->topics->pdata[2];
		g_assert_cmpstr(t->exec_argv[0], ==, up_hook);
		fw_config_free(c);
	}
	/* ".." and "~" in database =. */
	{
		g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
		struct fw_config *c;

		g_assert_true(g_file_set_contents(conf, "[feedwatch]\ndatabase = ../up.db\n", -1, NULL));
		c = fw_config_load("../rel/t.conf", errors, NULL);
		g_assert_nonnull(c);
		g_assert_cmpstr(c->database, ==, parent_db);
		fw_config_free(c);
		g_assert_true(g_file_set_contents(conf, "[feedwatch]\ndatabase = ~/x.db\n", -1, NULL));
		c = fw_config_load("../rel/t.conf", errors, NULL);
		g_assert_nonnull(c);
		g_assert_cmpstr(c->database, ==, home_db);
		fw_config_free(c);
	}
	g_assert_cmpint(chdir(cwd), ==, 0);
	g_unlink(conf);
	g_unlink(opml);
	g_rmdir(conf_dir);
	g_rmdir(elsewhere);
}

/* Loading is linear in the number of groups: 100,000 topics, with a
 * duplicate group and a duplicate key at the very end still found. The time
 * is logged (g_test_message); only a run 25 times the 0.7 s measured on a
 * loaded 2-core machine fails, and not under valgrind (FW_WRAP). */
static void
test_many_topics(void)
{
	const guint n = 100000;
	g_autoptr(GString) text = g_string_sized_new(4 * 1024 * 1024);
	g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) err = NULL;
	g_autofree char *w0 = NULL, *w1 = NULL;
	gint64 t0;
	double secs;

	for (guint i = 0; i < n; i++)
		g_string_append_printf(text, "[topic t%u]\nquery = w%u\n", i, i);
	g_string_append(text, "[topic t5]\nquery = again\nquery = twice\n");
	g_assert_cmpuint(text->len, <=, FW_CONFIG_MAX_SIZE);
	t0 = g_get_monotonic_time();
	g_assert_null(fw_config_load_data("many.conf", text->str, text->len, errors, &err));
	secs = (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC;
	g_test_message("%u topics loaded in %.2f s", n, secs);
	g_assert_error(err, FW_CONFIG_ERROR, FW_CONFIG_ERROR_INVALID);
	g_assert_cmpuint(errors->len, ==, 2);
	w0 = g_strdup_printf("many.conf:%u:2: group [topic t5] appears twice (first on line 11)", 2 * n + 1);
	w1 = g_strdup_printf("many.conf:%u:1: key 'query' appears twice in [topic t5]", 2 * n + 3);
	g_assert_cmpstr(errors->pdata[0], ==, w0);
	g_assert_true(g_str_has_prefix(errors->pdata[1], w1));
	if (g_getenv("FW_WRAP") == NULL || *g_getenv("FW_WRAP") == '\0')
		g_assert_cmpfloat(secs, <, 20.0);
}

/* Names only (fw_config_load_names): the readers of the hit log load a
 * config whose queries are not compiled; a query error is not a problem
 * there but stays one for fw_config_load (check, poll, the daemon), and
 * every other problem is one for both. */
static const struct {
	const char *name, *text;
	const char *full_error;   /* fw_config_load's first problem, or NULL for none */
	const char *names_error;  /* fw_config_load_names's, or NULL for none */
} names_rows[] = {
	{ "good", "[topic milei]\nquery = Milei\nname = Javier\n", NULL, NULL },
	{ "bad query", "[topic milei]\nquery = (Milei\n", "names.conf:2:9: ", NULL },
	{ "bad also", "[topic m]\nquery = Mercosur\nalso = Mercosul, \"open\n",
	  "names.conf:3:", NULL },
	{ "bad regex", "[topic r]\nquery = /(/\n", "names.conf:2:", NULL },
	{ "no query", "[topic milei]\nname = Milei\n", "names.conf:1:2: [topic milei] has no query",
	  "names.conf:1:2: [topic milei] has no query" },
	{ "unknown key", "[topic milei]\nquery = (Milei\nqeury = x\n", "names.conf:2:9: ",
	  "names.conf:3:1: unknown key 'qeury' in [topic milei]; did you mean query?" },
	{ "twice", "[topic a]\nquery = a\n[topic a]\nquery = b\n",
	  "names.conf:3:2: group [topic a] appears twice", "names.conf:3:2: group [topic a] appears twice" },
	{ "bad channel", "[topic a]\nquery = (a\nnotify = pager\n", "names.conf:2:",
	  "names.conf:3:10: notify: unknown channel 'pager'" },
};

static void
test_names_only(void)
{
	g_autofree char *path = g_build_filename(tmpdir, "names.conf", NULL);
	g_autofree char *cwd = g_get_current_dir();

	g_assert_cmpint(chdir(tmpdir), ==, 0);
	for (gsize i = 0; i < G_N_ELEMENTS(names_rows); i++) {
		for (int names = 0; names < 2; names++) {
			g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
			g_autoptr(GError) err = NULL;
			const char *want = names ? names_rows[i].names_error : names_rows[i].full_error;
			struct fw_config *c;

			g_test_message("names row %s, %s", names_rows[i].name, names ? "names" : "full");
			g_assert_true(g_file_set_contents(path, names_rows[i].text, -1, NULL));
			c = names ? fw_config_load_names("names.conf", errors, &err)
			          : fw_config_load("names.conf", errors, &err);
			if (want == NULL) {
				g_assert_no_error(err);
				g_assert_nonnull(c);
				/* the names and the query as written are there */
				g_assert_cmpuint(c->topics->len, ==, 1);
				g_assert_nonnull(((struct fw_topic_conf *)c->topics->pdata[0])->query);
				g_assert_nonnull(((struct fw_topic_conf *)c->topics->pdata[0])->name);
			} else {
				g_assert_null(c);
				g_assert_error(err, FW_CONFIG_ERROR, FW_CONFIG_ERROR_INVALID);
				g_assert_cmpuint(errors->len, >=, 1);
				g_assert_true(g_str_has_prefix(errors->pdata[0], want));
			}
			fw_config_free(c);
		}
	}
	g_unlink(path);
	g_assert_cmpint(chdir(cwd), ==, 0);
}

static void
test_missing_file(void)
{
	g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) err = NULL;

	g_assert_null(fw_config_load("/nonexistent/feedwatch.conf", errors, &err));
	g_assert_error(err, G_FILE_ERROR, G_FILE_ERROR_NOENT);
	g_assert_nonnull(strstr(err->message, "/nonexistent/feedwatch.conf"));
}

struct dur { const char *s; gboolean ok; gint64 v; };
static const struct dur durs[] = {
	{ "90", TRUE, 90 }, { "30s", TRUE, 30 }, { "7D", TRUE, 604800 }, { "3 days", FALSE, 0 }, { "15m", TRUE, 900 }, { "2h", TRUE, 7200 },
	{ "1d", TRUE, 86400 }, { "1w", TRUE, 604800 }, { "", FALSE, 0 }, { "m", FALSE, 0 },
	{ "-5m", FALSE, 0 }, { "5mm", FALSE, 0 }, { "5 m", TRUE, 300 }, { "1.5h", FALSE, 0 },
	{ "99999999999999999999", FALSE, 0 },
};

/* Sizes: bytes, or K, M, G in either case (KB, KiB the same). */
static const struct dur sizes[] = {
	{ "1000", TRUE, 1000 }, { "512K", TRUE, 524288 }, { "512k", TRUE, 524288 },
	{ "10M", TRUE, 10485760 }, { "10MB", TRUE, 10485760 }, { "10 MiB", TRUE, 10485760 },
	{ "1G", TRUE, 1073741824 }, { "100B", TRUE, 100 }, { "1.5M", FALSE, 0 },
	{ "10 megs", FALSE, 0 }, { "M", FALSE, 0 }, { "-1K", FALSE, 0 }, { "10T", FALSE, 0 },
};

static void
test_durations(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(durs); i++) {
		gint64 v = 0;
		g_assert_cmpint(fw_config_parse_duration(durs[i].s, &v), ==, durs[i].ok);
		if (durs[i].ok)
			g_assert_cmpint(v, ==, durs[i].v);
	}
	for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) {
		gint64 v = 0;
		g_test_message("size %s", sizes[i].s);
		g_assert_cmpint(fw_config_parse_size(sizes[i].s, &v), ==, sizes[i].ok);
		if (sizes[i].ok)
			g_assert_cmpint(v, ==, sizes[i].v);
	}
}

static void
test_when(void)
{
	gint64 now = 1732597500, v = 0;   /* 2024-11-26T05:05:00Z */

	g_assert_true(fw_config_parse_when("36h", now, &v));
	g_assert_cmpint(v, ==, now - 36 * 3600);
	g_assert_true(fw_config_parse_when("7d", now, &v));
	g_assert_cmpint(v, ==, now - 7 * 86400);
	g_assert_true(fw_config_parse_when("2024-11-26T05:00:00Z", now, &v));
	g_assert_cmpint(v, ==, now - 300);
	g_setenv("TZ", "UTC", TRUE);
	g_assert_true(fw_config_parse_when("2024-11-26", now, &v));
	g_assert_cmpint(v, ==, 1732579200);
	g_assert_true(fw_config_parse_when("2024-11-26 05:05", now, &v));
	g_assert_cmpint(v, ==, now);
	g_assert_true(fw_config_parse_when("1W", now, &v));   /* the config's grammar */
	g_assert_cmpint(v, ==, now - 7 * 86400);
	g_assert_false(fw_config_parse_when("90", now, &v));   /* an age needs its unit */
	g_assert_false(fw_config_parse_when("2024-13-45", now, &v));
	/* words: now, and local midnights */
	g_assert_true(fw_config_parse_when("now", now, &v));
	g_assert_cmpint(v, ==, now);
	g_assert_true(fw_config_parse_when("today", now, &v));
	g_assert_cmpint(v, ==, 1732579200);
	g_assert_true(fw_config_parse_when("Yesterday", now, &v));
	g_assert_cmpint(v, ==, 1732579200 - 86400);
	g_assert_true(fw_config_parse_when("TOMORROW", now, &v));
	g_assert_cmpint(v, ==, 1732579200 + 86400);
	g_assert_false(fw_config_parse_when("yesterday noon", now, &v));
	g_assert_false(fw_config_parse_when("last week", now, &v));
	/* "N UNIT ago", as git takes it */
	{
		static const struct {
			const char *s;
			gint64 want;   /* -1: refused */
		} ago[] = {
			{ "2 weeks ago", 1732597500 - 14 * 86400 },
			{ "1 week ago", 1732597500 - 7 * 86400 },
			{ "3 days ago", 1732597500 - 3 * 86400 },
			{ "1 Day Ago", 1732597500 - 86400 },
			{ "36 hours ago", 1732597500 - 36 * 3600 },
			{ "90 minutes ago", 1732597500 - 90 * 60 },
			{ "90 mins ago", 1732597500 - 90 * 60 },
			{ "30 seconds ago", 1732597500 - 30 },
			{ "1 month ago", 1729919100 },    /* 2024-10-26T05:05:00Z */
			{ "1 year ago", 1700975100 },     /* 2023-11-26T05:05:00Z */
			{ "0 days ago", 1732597500 },
			{ "2 fortnights ago", -1 },
			{ "weeks ago", -1 },
			{ "2 weeks", -1 },
			{ "2 weeks ago!", -1 },
			{ "2 weeks agone", -1 },
			{ "-2 weeks ago", -1 },
			{ "s ago", -1 },
			/* short ones, not "ago": nothing read before them (a copy on
			 * the heap, for AddressSanitizer and valgrind) */
			{ "3d", 1732597500 - 3 * 86400 },
			{ "1w", 1732597500 - 7 * 86400 },
			{ "9", -1 },
			{ "1s ago", -1 },   /* a unit in words only */
		};

		for (guint i = 0; i < G_N_ELEMENTS(ago); i++) {
			g_autofree char *copy = g_strdup(ago[i].s);

			g_test_message("when %s", ago[i].s);
			v = 0;
			g_assert_cmpint(fw_config_parse_when(copy, now, &v), ==, ago[i].want >= 0);
			if (ago[i].want >= 0)
				g_assert_cmpint(v, ==, ago[i].want);
		}
	}
	/* a day of 23 hours: the midnight before a spring-forward night */
	g_setenv("TZ", "Europe/Paris", TRUE);
	g_assert_true(fw_config_parse_when("yesterday", 1711872000, &v));   /* 2024-03-31T08:00Z */
	g_assert_cmpint(v, ==, 1711753200);   /* 2024-03-30T00:00+01:00 */
	g_assert_true(fw_config_parse_when("today", 1711872000, &v));
	g_assert_cmpint(v, ==, 1711839600);   /* 2024-03-31T00:00+01:00, 23 hours later */
	g_setenv("TZ", "UTC", TRUE);
}

/* Which database values are PostgreSQL connection strings (kept as written)
 * and which are paths (made absolute), and that lease is read. */
static const struct {
	const char *value;
	gboolean pg;
} database_rows[] = {
	{ "postgresql://feedwatch@db.example.org/feedwatch", TRUE },
	{ "postgres://db/fw", TRUE },
	{ "host=/tmp/pg dbname=feedwatch", TRUE },
	{ "dbname = feedwatch", TRUE },
	{ "host='/tmp/a b' port = 5432 dbname=fw user=ana sslmode=disable", TRUE },
	{ "./watc= subord", FALSE },
	{ "fw.db", FALSE },
	{ "/var/lib/feedwatch/feedwatch.db", FALSE },
	{ "~/fw.db", FALSE },
	{ "data/host=x.db", FALSE },
	{ "postgresql:relative.db", FALSE },
	{ "=x", FALSE },
};

static void test_database(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(database_rows); i++) {
		g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
		g_autoptr(GError) err = NULL;
		g_autofree char *text = g_strdup_printf("[feedwatch]\ndatabase = %s\nlease = 30s\n"
		                                        "[topic t]\nquery = x\n"
		                                        "[feed f]\nurl = https://example.com/f\n",
		                                        database_rows[i].value);
		struct fw_config *c = fw_config_load_data("/etc/fw/feedwatch.conf", text, strlen(text),
		                                          errors, &err);

		g_test_message("database = %s", database_rows[i].value);
		g_assert_no_error(err);
		g_assert_cmpint(fw_config_database_is_pg(database_rows[i].value), ==,
		                database_rows[i].pg);
		if (database_rows[i].pg)
			g_assert_cmpstr(c->database, ==, database_rows[i].value);
		else
			g_assert_true(g_path_is_absolute(c->database));
		g_assert_cmpint(c->lease, ==, 30);
		fw_config_free(c);
	}
}

/* fw_config_database_shown: a connection string's password never shown
 * (whether libpq could parse the string or not); the rest as written. */
static const struct {
	const char *database, *shown;
} shown_rows[] = {
	{ "postgresql://fw:s3cret@db.example.org/feedwatch", "postgresql://fw:***@db.example.org/feedwatch" },
	{ "postgres://fw:s3cret@db/fw?bogus=1", "postgres://fw:***@db/fw?bogus=1" },
	{ "postgresql://fw:p@ss@db/fw", "postgresql://fw:***@db/fw" },
	{ "postgresql://fw@db/fw?password=s3cret&sslmode=require",
	  "postgresql://fw@db/fw?password=***&sslmode=require" },
	{ "postgresql://fw@db/fw", "postgresql://fw@db/fw" },
	{ "postgresql://db:5432/fw", "postgresql://db:5432/fw" },
	{ "host=/tmp/pg password=s3cret bogus=1", "host=/tmp/pg password=*** bogus=1" },
	{ "host=db password = 's3 \\'cret' dbname=fw", "host=db password = *** dbname=fw" },
	{ "password=s3cret", "password=***" },
	{ "host=db dbname=fw", "host=db dbname=fw" },
	{ "/var/lib/feedwatch/password=x.db", "/var/lib/feedwatch/password=x.db" },
};

static void test_database_shown(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(shown_rows); i++) {
		g_autofree char *shown = fw_config_database_shown(shown_rows[i].database);

		g_test_message("database = %s", shown_rows[i].database);
		g_assert_cmpstr(shown, ==, shown_rows[i].shown);
	}
}

/* fw_config_database_masked: libpq's messages about a string it cannot
 * read quote it whole, or a part of it; neither shows the password. */
static const struct {
	const char *database, *message, *masked;
} masked_rows[] = {
	{ "postgresql://ana:s3cret@[::1/fw",
	  "end of string reached when looking for matching \"]\" in IPv6 host address in URI: "
	  "\"postgresql://ana:s3cret@[::1/fw\"",
	  "end of string reached when looking for matching \"]\" in IPv6 host address in URI: "
	  "\"postgresql://ana:***@[::1/fw\"" },
	{ "postgresql://ana:s%33cret@db/fw", "password \"s3cret\" rejected", "password \"***\" rejected" },
	{ "host=db password='s3 cret' x", "near 's3 cret' and s3 cret", "near *** and ***" },
	{ "host=db password=s3cret", "no password here", "no password here" },
	{ "/var/lib/fw.db", "cannot open /var/lib/fw.db", "cannot open /var/lib/fw.db" },
};

static void test_database_masked(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(masked_rows); i++) {
		g_autofree char *m = fw_config_database_masked(masked_rows[i].message,
		                                               masked_rows[i].database);

		g_test_message("database = %s", masked_rows[i].database);
		g_assert_cmpstr(m, ==, masked_rows[i].masked);
	}
}

/* subscriber and subscribe: as written, or $USER@hostname and all. */
static void test_subscribe(void)
{
	static const char with[] = "[feedwatch]\nsubscriber = ana@desk1\nsubscribe = b , a\n"
	                           "[topic a]\nquery = x\n[topic b]\nquery = y\n";
	static const char without[] = "[topic a]\nquery = x\n";
	g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) err = NULL;
	g_autofree char *dflt = g_strdup_printf("%s@%s", g_get_user_name(), g_get_host_name());
	struct fw_config *c = fw_config_load_data("/etc/fw/feedwatch.conf", with, strlen(with),
	                                          errors, &err);

	g_assert_no_error(err);
	g_assert_cmpstr(c->subscriber, ==, "ana@desk1");
	g_assert_nonnull(c->subscribe);
	g_assert_cmpstr(c->subscribe[0], ==, "b");
	g_assert_cmpstr(c->subscribe[1], ==, "a");
	g_assert_null(c->subscribe[2]);
	fw_config_free(c);
	c = fw_config_load_data("/etc/fw/feedwatch.conf", without, strlen(without), errors, &err);
	g_assert_no_error(err);
	g_assert_cmpstr(c->subscriber, ==, dflt);
	g_assert_null(c->subscribe);
	fw_config_free(c);
}

int
main(int argc, char **argv)
{
	int rc;

	g_test_init(&argc, &argv, NULL);
	tmpdir = g_dir_make_tmp("fwconf-XXXXXX", NULL);
	for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_autofree char *name = g_strdup_printf("/config/row/%s", rows[i].name);
		g_test_add_data_func(name, &rows[i], test_row);
	}
	g_test_add_func("/config/values", test_values);
	g_test_add_func("/config/comment-quotes", test_comment_quotes);
	g_test_add_func("/config/all-errors", test_all_errors);
	g_test_add_func("/config/comments", test_comments);
	g_test_add_func("/config/also-digest", test_also_digest);
	g_test_add_func("/config/opml", test_opml);
	g_test_add_func("/config/digest", test_digest);
	g_test_add_func("/config/columns", test_columns);
	g_test_add_func("/config/missing-file", test_missing_file);
	g_test_add_func("/config/nul", test_nul);
	g_test_add_func("/config/not-regular", test_not_regular);
	g_test_add_func("/config/relative-paths", test_relative_paths);
	g_test_add_func("/config/many-topics", test_many_topics);
	g_test_add_func("/config/names-only", test_names_only);
	g_test_add_func("/config/problem-order", test_problem_order);
	g_test_add_func("/config/durations", test_durations);
	g_test_add_func("/config/database", test_database);
	g_test_add_func("/config/database-shown", test_database_shown);
	g_test_add_func("/config/database-masked", test_database_masked);
	g_test_add_func("/config/when", test_when);
	g_test_add_func("/config/subscribe", test_subscribe);
	rc = g_test_run();
	{
		g_autoptr(GDir) d = g_dir_open(tmpdir, 0, NULL);
		const char *n;
		while (d && (n = g_dir_read_name(d)) != NULL) {
			g_autofree char *p = g_build_filename(tmpdir, n, NULL);
			g_unlink(p);
		}
		g_rmdir(tmpdir);
		g_free(tmpdir);
	}
	return rc;
}
