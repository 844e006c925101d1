/* config — load and validate feedwatch.conf (GKeyFile INI) into plain structs.
 *
 * Every problem is collected as one "FILE:LINE[:COL]: message" string so that
 * `feedwatch check` can print them all; a config with any problem is not
 * returned. Queries are compiled here (fw_query_parse) to find their errors,
 * unless only names are asked for (fw_config_load_names). */
#ifndef FW_CONFIG_H
#define FW_CONFIG_H

#include <glib.h>

#define FW_CONFIG_ERROR (fw_config_error_quark())
GQuark fw_config_error_quark(void);

enum fw_config_error_code {
	FW_CONFIG_ERROR_NOT_FOUND,  /* no config in any of the places looked */
	FW_CONFIG_ERROR_INVALID,    /* one or more problems; see the errors array */
};

/* Notification channels a topic sends to (a bit set). 0 = none. */
enum fw_channel {
	FW_CHANNEL_DESKTOP = 1 << 0,
	FW_CHANNEL_EXEC    = 1 << 1,
	FW_CHANNEL_WEBHOOK = 1 << 2,
};

enum fw_urgency { FW_URGENCY_LOW, FW_URGENCY_NORMAL, FW_URGENCY_CRITICAL };

struct fw_feed_conf {
	char *key;        /* the group name after "feed " */
	char *url;        /* http(s):// or file:// */
	char *title;      /* NULL: use the feed's own title */
	char *site;       /* the site's page (site=, OPML htmlUrl), or NULL */
	char *category;   /* a folder path "News/Argentina" (category=, OPML nesting), or NULL */
	gint64 interval;  /* seconds */
	int line;         /* of the [feed ...] header; 0 for a feed from opml= */
};

/* A likely slip in a query that loads: where ("path:line:col"), what (the
 * message), and the caret lines under it ("\n    text\n    ^"). */
struct fw_config_hint {
	char *where;
	char *what;
	char *caret;
};

struct fw_topic_conf {
	char *key;        /* the group name after "topic " */
	char *name;       /* display name (name=); default: the key capitalised, - and _ as spaces */
	char *query;      /* as written */
	guint channels;   /* enum fw_channel bits; default FW_CHANNEL_DESKTOP */
	enum fw_urgency urgency;
	char **exec_argv; /* NULL unless exec= */
	char *webhook;    /* NULL unless webhook= */
	char *webhook_format; /* "json" (default) or "ntfy" */
	char **also;      /* also= extra queries ORed in (NULL-terminated), or NULL */
	guint max_per_hour;   /* desktop notifications an hour for this topic; 0 = no cap */
	gboolean digest;  /* notify = digest: one summary a day instead of one per hit */
	int digest_at;    /* minutes after local midnight for the digest (default 8:00) */
	int quiet_start, quiet_end; /* quiet_hours in minutes after midnight; -1 = none
	                               (the topic's, else [feedwatch]'s) */
	int line;
};

struct fw_config {
	char *path;           /* the file read */
	char *digest;         /* SHA-256 (hex) of what was read: the file, then its opml=
	                         file: two loads with the same digest read the same */
	gint64 interval;      /* default feed interval, seconds */
	guint max_parallel;
	guint max_per_host;
	guint exec_parallel;  /* exec hooks running at once (default 4) */
	gint64 timeout;       /* seconds */
	gint64 max_size;      /* bytes */
	gboolean notify_initial;
	gint64 retention;     /* seconds */
	gint64 lease;         /* team mode: how long a poller's claim on a feed
	                         lasts, seconds (FW_CONFIG_LEASE) */
	char *database;       /* absolute path, ~ expanded; default under XDG data dir */
	char *opml;           /* NULL or absolute path */
	gboolean durable;     /* synchronous=FULL (survives power loss) instead of NORMAL */
	int quiet_start, quiet_end; /* quiet_hours = 22:00-07:00 in minutes; -1 = none */
	char *subscriber;     /* team mode: who this desk is (read state, what the notifier
	                         showed); default $USER@hostname */
	char **subscribe;     /* team mode: the topic keys this desk's notifier shows
	                         (NULL-terminated, each a topic of the config), or NULL: all */
	GPtrArray *feeds;     /* of struct fw_feed_conf *, in file order; they and their
	                         strings are the config's (freed with it) */
	GPtrArray *topics;    /* of struct fw_topic_conf *, in file order */
	GPtrArray *hints;     /* of struct fw_config_hint *: likely slips in queries
	                         that load (fw_query_hint), in file order; not problems */
	struct fw_config_mem *mem;  /* config.c's: where the feeds are kept */
};

/* The default lease: well past a fetch's timeout and its storing. */
#define FW_CONFIG_LEASE 300

/* Finds the config: cli_path if given, else $XDG_CONFIG_HOME/feedwatch/
 * feedwatch.conf, else /etc/feedwatch/feedwatch.conf. Returns a new path or
 * NULL with FW_CONFIG_ERROR_NOT_FOUND naming every path looked in. */
char *fw_config_find(const char *cli_path, GError **error);

/* The largest config (and opml= file) that is read, in bytes: room for
 * 100,000 feeds or topics, with comments. */
#define FW_CONFIG_MAX_SIZE (32 * 1024 * 1024)

/* Loads and validates path, a regular file of at most FW_CONFIG_MAX_SIZE
 * bytes (a FIFO or device is refused unread). On success returns a new
 * config (free with fw_config_free). On failure returns NULL; problems (one
 * string each, "path:line:col: message") are appended to errors (of char*,
 * g_free'd) and error is set to FW_CONFIG_ERROR_INVALID, or to a
 * G_FILE_ERROR when the file cannot be read. Linear in the file's size. */
struct fw_config *fw_config_load(const char *path, GPtrArray *errors, GError **error);

/* fw_config_load for a command that needs topics' keys and names but not
 * their matchers (the hit log's readers: hits, show, stats, report, browse):
 * queries are kept as written and not compiled, so a query error is not a
 * problem here (check, poll, match and the daemon report it); every other
 * problem is. */
struct fw_config *fw_config_load_names(const char *path, GPtrArray *errors, GError **error);

/* The same for len bytes of text already read (a NUL among them is a
 * problem at its line:column); path names it in problems, and relative
 * paths in it are taken from path's folder. */
struct fw_config *fw_config_load_data(const char *path, const char *text, gsize len,
                                      GPtrArray *errors, GError **error);

void fw_config_free(struct fw_config *c);   /* NULL is fine */

/* The query a topic matches with: its query, ORed with each also= query
 * ("(Q) OR (A1) OR (A2)"), or a copy of the query alone. Caller frees. */
char *fw_topic_conf_query(const struct fw_topic_conf *t);

/* TRUE for a valid feed or topic name: ASCII letters, digits, '-', '_' and '.'. */
gboolean fw_config_name_ok(const char *s);

/* The database of a config that names none: $XDG_DATA_HOME/feedwatch/
 * feedwatch.db (new). */
char *fw_config_default_database(void);

/* TRUE when a `database` value names a PostgreSQL database (team mode): a
 * postgresql:// or postgres:// URI, or a libpq "key=value ..." string (it
 * starts with a word and '='); anything else is an SQLite file's path.
 * fw_store_is_pg is the same rule. */
gboolean fw_config_database_is_pg(const char *database);

/* database as it may be shown (status, check, the daemon's log): a
 * PostgreSQL connection string with the text of any password in it
 * (postgresql://user:PASSWORD@..., password=PASSWORD) replaced by ***;
 * a path as it is. New string. */
char *fw_config_database_shown(const char *database);

/* text (a message libpq wrote about database, which may quote it whole)
 * with database replaced by its shown form and the text of any password in
 * it by ***, wherever it appears. New string. */
char *fw_config_database_masked(const char *text, const char *database);

/* Parses "30s", "15m", "2h", "1d", "1w" (a unit in either case, a space
 * before it allowed) into seconds; FALSE when bad, a bare number too. */
gboolean fw_config_parse_duration(const char *s, gint64 *out);

/* Parses "10M", "512K", "1G", "1000" (bytes) into bytes, KB, KiB and the
 * like as K; FALSE when bad. */
gboolean fw_config_parse_size(const char *s, gint64 *out);

/* Parses WHEN for --since/--until: a date (2024-11-26), a date and time
 * (2024-11-26 14:00, 2024-11-26T14:00:00Z), an age (36h, 7d) before now,
 * now, or today, yesterday and tomorrow (their local midnights). Local time
 * unless a zone is given. Returns Unix seconds UTC. */
gboolean fw_config_parse_when(const char *s, gint64 now, gint64 *out);

#endif
