/* config — see include/feedwatch/config.h.
 *
 * The file is INI as GKeyFile writes it, read by a small line scanner of our
 * own: GKeyFile reports neither line numbers nor columns and has no inline
 * comments, and every error here must name file:line:col. */
#include <errno.h>
#include <malloc.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "feedwatch/config.h"
#include "feedwatch/opml.h"
#include "feedwatch/text.h"
#include "feedwatch/topic.h"

G_DEFINE_QUARK(fw-config-error-quark, fw_config_error)

/* A config file this large or larger has its scan's freed pages handed back
 * to the system after the load (malloc_trim): 1 MiB is about 12,000 feeds. */
#define CONFIG_TRIM_SIZE (1024 * 1024)
#define CONFIG_MIN_INTERVAL 60

#ifndef FW_SYSCONFDIR
#define FW_SYSCONFDIR "/etc"   /* the Makefile passes PREFIX's */
#endif

/* The kinds of group, and the keys each kind's loader reads (group_get
 * insists): what "did you mean" draws on, whatever groups the file has. */
enum { KIND_MAIN, KIND_FEED, KIND_TOPIC, KIND_COUNT, KIND_NONE = -1 };

static const char *const kind_headers[KIND_COUNT] = { "[feedwatch]", "[feed NAME]", "[topic NAME]" };

static const char *const main_keys[] = {
	"interval", "timeout", "retention", "lease", "max_parallel", "exec_parallel",
	"max_per_host", "max_size", "notify_initial", "database", "opml", "durable",
	"quiet_hours", "subscriber", "subscribe", NULL
};
static const char *const feed_keys[] = { "url", "title", "site", "category", "interval", NULL };
static const char *const topic_keys[] = {
	"query", "also", "max_per_hour", "quiet_hours", "digest_at", "webhook_format", "name",
	"exec", "webhook", "notify", "urgency", NULL
};
static const char *const *const kind_keys[KIND_COUNT] = { main_keys, feed_keys, topic_keys };

/* One "key = value" line of the file. */
struct entry {
	char *key;
	char *value;
	int line;
	int col;       /* 1-based character column of the value */
	int key_col;   /* and of the key */
	const char *text; /* the whole line, for caret messages (points into buf) */
	const char *comment; /* its inline comment in text, or NULL */
	const struct group *group;
	gboolean used;
	struct entry *next;  /* the group's next entry */
};

/* One [group] and its entries. */
struct group {
	char *name;
	int line;
	int col;             /* its name's column in its header */
	const char *text;    /* its header line, for columns (points into buf) */
	struct entry *first, *last;  /* its entries, in file order (a list: no
	                      * GPtrArray a group, whose GSlice structs GLib 2.74 kept
	                      * after the load, scattered over the heap) */
	GHashTable *keys;    /* the scan's index of first entries (below) */
	int kind;            /* KIND_MAIN, _FEED or _TOPIC once loaded; KIND_NONE before */
	gboolean bad;        /* its header was reported: not loaded, its keys not checked */
};

/* One problem found, kept to be reported in file order. */
struct problem {
	int line;
	int col;
	guint seq;   /* the order found, for ties */
	char *msg;   /* "path:line[:col]: text" */
};

struct scan {
	const char *path;    /* as given, for messages */
	char *dir;           /* its folder, absolute: relative paths start here */
	GArray *problems;    /* of struct problem, in the order found */
	GPtrArray *groups;   /* of struct group * */
	GHashTable *names;   /* group name -> its first struct group * */
	GHashTable *keys;    /* (group, key) -> its first struct entry *, a set of entries */
	char *buf;           /* the text, its lines cut at '\n' */
	GHashTable *nul_lines; /* lines with a NUL (reported once), or NULL */
	gboolean names_only; /* queries are kept as written, not compiled */
};

/* The (group, key) index: an entry hashes and compares by both. */
static guint
entry_hash(gconstpointer p)
{
	const struct entry *e = p;

	return g_str_hash(e->key) ^ g_direct_hash(e->group);
}

static gboolean
entry_equal(gconstpointer a, gconstpointer b)
{
	const struct entry *x = a, *y = b;

	return x->group == y->group && strcmp(x->key, y->key) == 0;
}

static void
entry_free(struct entry *e)
{
	g_free(e->key);
	g_free(e->value);
	g_free(e);
}

/* Frees g's entries. */
static void
group_entries_free(struct group *g)
{
	while (g->first != NULL) {
		struct entry *e = g->first;
		g->first = e->next;
		entry_free(e);
	}
	g->last = NULL;
}

static void
group_free(struct group *g)
{
	g_free(g->name);
	group_entries_free(g);
	g_free(g);
}

static void G_GNUC_PRINTF(4, 5)
problem(struct scan *sc, int line, int col, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *msg = NULL;
	struct problem pr = { .line = line, .col = col, .seq = sc->problems->len };

	/* A line with a NUL has that one problem: what the NUL cut is noise. */
	if (sc->nul_lines != NULL && g_hash_table_contains(sc->nul_lines, GINT_TO_POINTER(line)))
		return;
	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (col > 0)
		pr.msg = g_strdup_printf("%s:%d:%d: %s", sc->path, line, col, msg);
	else
		pr.msg = g_strdup_printf("%s:%d: %s", sc->path, line, msg);
	g_array_append_val(sc->problems, pr);
}

/* Orders problems by line, then column; the order found otherwise. */
static gint
problem_cmp(gconstpointer a, gconstpointer b)
{
	const struct problem *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* A new group named name (taken) at line. */
static struct group *
group_new(struct scan *sc, char *name, int line)
{
	struct group *g = g_new0(struct group, 1);

	g->name = name;
	g->line = line;
	g->keys = sc->keys;
	g->kind = KIND_NONE;
	g_ptr_array_add(sc->groups, g);
	return g;
}

/* If p starts a /regex/ term of a query (a '/' at the start of a term),
 * returns the character after its closing '/'; else NULL. */
static const char *
skip_regex(const char *start, const char *p)
{
	if (*p != '/' || (p > start && !strchr(" \t(:,-", p[-1])))
		return NULL;
	for (const char *q = p + 1; *q; q++) {
		if (*q == '\\' && q[1] != '\0')
			q++;
		else if (*q == '/')
			return q + 1;
	}
	return NULL;
}

/* Cuts an inline comment: '#' or ';' after white space, outside double
 * quotes, single quotes that open a word (as a shell's: exec = sh -c 'a ;
 * b'; an apostrophe inside a word, China's, opens nothing) and /regexes/;
 * at v's start when white space came before it (after_space: "key = #x" is
 * empty, "key =#x" is "#x"). Returns the comment's offset in v, or -1 when
 * there is none. */
static gssize
strip_comment(char *v, gboolean after_space)
{
	gboolean quoted = FALSE, squoted = FALSE;

	for (char *p = v; *p; p++) {
		gboolean word_start = p == v || p[-1] == ' ' || p[-1] == '\t';
		const char *end = quoted || squoted ? NULL : skip_regex(v, p);

		if (end != NULL) {
			p = (char *)end - 1;
		} else if (*p == '\'' && (squoted || (!quoted && word_start))) {
			squoted = !squoted;
		} else if (*p == '"' && !squoted) {
			quoted = !quoted;
		} else if ((*p == '#' || *p == ';') && !quoted && !squoted &&
		           (p > v ? p[-1] == ' ' || p[-1] == '\t' : after_space)) {
			*p = '\0';
			g_strchomp(v);
			return p - v;
		}
	}
	g_strchomp(v);
	return -1;
}

/* Scans one line (NUL-terminated, its '\n' cut) into sc; cur is the open
 * group, updated at a header. */
static void
scan_line(struct scan *sc, char *raw, int line, struct group **cur)
{
	size_t n = strlen(raw);
	char *s, *eq;

	if (n > 0 && raw[n - 1] == '\r')
		raw[n - 1] = '\0';
	if (!g_utf8_validate(raw, -1, (const char **)&s)) {
		/* the column of the first byte that is not */
		*s = '\0';
		problem(sc, line, (int)g_utf8_strlen(raw, -1) + 1, "not valid UTF-8");
		return;
	}
	s = raw + strspn(raw, " \t");
	if (*s == '\0' || *s == '#' || *s == ';')
		return;
	if (*s == '[') {
		char *end = strrchr(s, ']');
		struct group *g, *first;

		if (end == NULL || end[1 + strspn(end + 1, " \t")] != '\0') {
			problem(sc, line, (int)g_utf8_pointer_to_offset(raw, s) + 1,
			        "a group header must look like [name]");
			/* its keys belong to it: one problem, not one per key */
			*cur = group_new(sc, g_strdup(""), line);
			(*cur)->bad = TRUE;
			return;
		}
		g = group_new(sc, g_strstrip(g_strndup(s + 1, end - s - 1)), line);
		g->text = raw;
		g->col = (int)g_utf8_pointer_to_offset(raw, s + 1 + strspn(s + 1, " \t")) + 1;
		if ((first = g_hash_table_lookup(sc->names, g->name)) != NULL) {
			problem(sc, line, g->col, "group [%s] appears twice (first on line %d)",
			        g->name, first->line);
			g->bad = TRUE;
		} else {
			g_hash_table_insert(sc->names, g->name, g);
		}
		*cur = g;
		return;
	}
	eq = strchr(s, '=');
	if (eq == NULL) {
		problem(sc, line, (int)g_utf8_pointer_to_offset(raw, s) + 1,
		        "expected \"key = value\", a [group] or a comment");
		return;
	}
	if (*cur == NULL) {
		problem(sc, line, (int)g_utf8_pointer_to_offset(raw, s) + 1,
		        "\"key = value\" before any [group]");
		return;
	}
	{
		struct entry *e = g_new0(struct entry, 1), *first;
		char *v = eq + 1;
		gssize cut;

		e->key = g_strstrip(g_strndup(s, eq - s));
		e->key_col = (int)g_utf8_pointer_to_offset(raw, s) + 1;
		v += strspn(v, " \t");
		e->col = (int)g_utf8_pointer_to_offset(raw, v) + 1;
		e->value = g_strdup(v);
		if ((cut = strip_comment(e->value, v > eq + 1)) >= 0)
			e->comment = v + cut;
		e->line = line;
		e->text = raw;
		e->group = *cur;
		if ((first = g_hash_table_lookup(sc->keys, e)) != NULL) {
			problem(sc, line, e->key_col, "key '%s' appears twice in [%s] (first on line %d)",
			        e->key, (*cur)->name, first->line);
			e->used = TRUE;   /* reported once, not again as unknown */
		} else {
			g_hash_table_add(sc->keys, e);
		}
		if ((*cur)->last != NULL)
			(*cur)->last->next = e;
		else
			(*cur)->first = e;
		(*cur)->last = e;
	}
}

/* Splits the text (len bytes) into groups and entries, recording syntax
 * problems. A line with a NUL byte is one problem at the first NUL's column,
 * and is read with its NULs as spaces (a header there still opens its group,
 * so that what follows does not cascade into more problems). Groups and keys
 * are indexed by hash: linear in the size of the file. */
static void
scan_text(struct scan *sc, char *text, gsize len)
{
	struct group *cur = NULL;
	char *p, *end;
	int line = 1;

	sc->buf = text;   /* scanned in place: its lines stay the entries' text */
	for (p = sc->buf, end = sc->buf + len; p <= end; line++) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *stop = nl != NULL ? nl : end;
		char *nul = memchr(p, '\0', (size_t)(stop - p));

		*stop = '\0';
		if (nul != NULL) {
			gsize before = (gsize)(nul - p);
			int col = g_utf8_validate(p, (gssize)before, NULL)
			          ? (int)g_utf8_strlen(p, (gssize)before) + 1 : (int)before + 1;
			problem(sc, line, col, "a NUL byte: a config is text (is this the right file?)");
			if (sc->nul_lines == NULL)
				sc->nul_lines = g_hash_table_new(g_direct_hash, g_direct_equal);
			g_hash_table_add(sc->nul_lines, GINT_TO_POINTER(line));
			for (char *q = nul; q < stop; q++)
				if (*q == '\0')
					*q = ' ';
		}
		scan_line(sc, p, line, &cur);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

/* The group's (first) entry for key, marked used; NULL when none. */
static struct entry *
group_get(struct group *g, const char *key)
{
	struct entry probe = { .key = (char *)key, .group = g };
	struct entry *e = g_hash_table_lookup(g->keys, &probe);

	g_warn_if_fail(g->kind == KIND_NONE || g_strv_contains(kind_keys[g->kind], key));
	if (e != NULL)
		e->used = TRUE;
	return e;
}

/* A unit suffix and what it multiplies by. */
struct unit {
	const char *suffix;
	gint64 mul;
};

/* A duration without a unit is seconds (as it always was: configs rely on
 * it), a size without one bytes; a bare number below a key's minimum says
 * so (get_duration). Units in either case. */
static const struct unit duration_units[] = {
	{ "", 1 }, { "s", 1 }, { "m", 60 }, { "h", 3600 }, { "d", 86400 }, { "w", 7 * 86400 },
	{ NULL, 0 }
};
#define DURATION_UNITS "s, m, h, d or w"   /* as the errors and the docs list them */

static const struct unit size_units[] = {
	{ "", 1 }, { "B", 1 }, { "K", 1024 }, { "KB", 1024 }, { "KiB", 1024 },
	{ "M", 1024 * 1024 }, { "MB", 1024 * 1024 }, { "MiB", 1024 * 1024 },
	{ "G", 1024 * 1024 * 1024 }, { "GB", 1024 * 1024 * 1024 }, { "GiB", 1024 * 1024 * 1024 },
	{ NULL, 0 }
};
#define SIZE_UNITS "K, M or G"

/* Parses a non-negative integer with a unit of units (case-insensitive,
 * after optional spaces). FALSE on anything else or on overflow. */
static gboolean
parse_scaled(const char *s, const struct unit *units, gint64 *out)
{
	char *end;
	gint64 v;

	if (s == NULL || !g_ascii_isdigit(*s))
		return FALSE;
	errno = 0;
	v = g_ascii_strtoll(s, &end, 10);
	if (errno != 0 || v < 0)
		return FALSE;
	while (*end == ' ')
		end++;
	for (const struct unit *u = units; u->suffix != NULL; u++) {
		if (g_ascii_strcasecmp(end, u->suffix) != 0)
			continue;
		if (v > G_MAXINT64 / u->mul / 1000)
			return FALSE;
		*out = v * u->mul;
		return TRUE;
	}
	return FALSE;
}

gboolean
fw_config_parse_duration(const char *s, gint64 *out)
{
	return parse_scaled(s, duration_units, out);
}

gboolean
fw_config_parse_size(const char *s, gint64 *out)
{
	return parse_scaled(s, size_units, out);
}

/* TRUE when s is digits only (a number with no unit). */
static gboolean
all_digits(const char *s)
{
	return *s != '\0' && s[strspn(s, "0123456789")] == '\0';
}

/* Parses a plain count (digits, no unit) into *out. */
static gboolean
parse_count(const char *s, gint64 *out)
{
	errno = 0;
	if (!all_digits(s))
		return FALSE;
	*out = g_ascii_strtoll(s, NULL, 10);
	return errno == 0;
}

static gboolean
parse_bool(const char *s, gboolean *out)
{
	static const char *yes[] = { "true", "yes", "on", "1" }, *no[] = { "false", "no", "off", "0" };

	for (guint i = 0; i < G_N_ELEMENTS(yes); i++) {
		if (g_ascii_strcasecmp(s, yes[i]) == 0) { *out = TRUE; return TRUE; }
		if (g_ascii_strcasecmp(s, no[i]) == 0) { *out = FALSE; return TRUE; }
	}
	return FALSE;
}

/* "N UNIT ago" as git takes it ("2 weeks ago", "1 month ago"): seconds to
 * weeks exactly, months and years on the local calendar. FALSE if s is
 * not one. */
static gboolean
parse_ago(const char *s, gint64 now, gint64 *out)
{
	static const struct { const char *unit; gint64 secs; } units[] = {
		{ "second", 1 }, { "sec", 1 }, { "minute", 60 }, { "min", 60 }, { "hour", 3600 },
		{ "day", 86400 }, { "week", 7 * 86400 }, { "month", 0 }, { "year", 0 },
	};
	char unit[16], tail;
	unsigned n;
	gsize len;

	/* sscanf counts the conversions, not the literal " ago" after them */
	if (!g_ascii_isdigit(*s) || (len = strlen(s)) < 6 ||
	    g_ascii_strncasecmp(s + len - 4, " ago", 4) != 0 ||
	    sscanf(s, "%u %15[A-Za-z] ago%c", &n, unit, &tail) != 2 || n > 100000)
		return FALSE;
	len = strlen(unit);
	if (len > 1 && (unit[len - 1] == 's' || unit[len - 1] == 'S'))
		unit[--len] = '\0';
	for (guint i = 0; i < G_N_ELEMENTS(units); i++) {
		g_autoptr(GDateTime) t = NULL, then = NULL;

		if (g_ascii_strcasecmp(unit, units[i].unit) != 0)
			continue;
		if (units[i].secs) {
			*out = now - (gint64)n * units[i].secs;
			return TRUE;
		}
		if (!(t = g_date_time_new_from_unix_local(now)))
			return FALSE;
		then = units[i].unit[0] == 'm' ? g_date_time_add_months(t, -(int)n)
		                               : g_date_time_add_years(t, -(int)n);
		if (!then)
			return FALSE;
		*out = g_date_time_to_unix(then);
		return TRUE;
	}
	return FALSE;
}

char *
fw_config_default_database(void)
{
	return g_build_filename(g_get_user_data_dir(), "feedwatch", "feedwatch.db", NULL);
}

gboolean
fw_config_parse_when(const char *s, gint64 now, gint64 *out)
{
	gint64 age;
	int y, mo, d, h = 0, mi = 0, sec = 0;
	char tail;

	if (s == NULL || *s == '\0')
		return FALSE;
	{
		/* the words journalctl and git take: now, and local midnights */
		static const char *const days[] = { "yesterday", "today", "tomorrow" };

		if (g_ascii_strcasecmp(s, "now") == 0) {
			*out = now;
			return TRUE;
		}
		for (int k = 0; k < 3; k++) {
			if (g_ascii_strcasecmp(s, days[k]) == 0) {
				g_autoptr(GDateTime) t = g_date_time_new_from_unix_local(now);
				g_autoptr(GDateTime) midnight = NULL, day = NULL;

				if (t == NULL)
					return FALSE;
				midnight = g_date_time_new_local(g_date_time_get_year(t),
				                                 g_date_time_get_month(t),
				                                 g_date_time_get_day_of_month(t), 0, 0, 0);
				day = midnight ? g_date_time_add_days(midnight, k - 1) : NULL;
				if (day == NULL)
					return FALSE;
				*out = g_date_time_to_unix(day);
				return TRUE;
			}
		}
	}
	if (parse_ago(s, now, out))
		return TRUE;
	if (fw_config_parse_duration(s, &age) &&
	    strchr("smhdw", g_ascii_tolower(s[strlen(s) - 1]))) {   /* an age has its unit */
		*out = now - age;
		return TRUE;
	}
	{
		/* With a zone (Z, +01:00) it is exact; without one it is local time. */
		g_autoptr(GTimeZone) local = g_time_zone_new_local();
		g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601(s, local);
		if (dt != NULL) {
			*out = g_date_time_to_unix(dt);
			return TRUE;
		}
	}
	if (sscanf(s, "%4d-%2d-%2d%c", &y, &mo, &d, &tail) == 3 ||
	    sscanf(s, "%4d-%2d-%2d %2d:%2d%c", &y, &mo, &d, &h, &mi, &tail) == 5 ||
	    sscanf(s, "%4d-%2d-%2d %2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &sec, &tail) == 6 ||
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d%c", &y, &mo, &d, &h, &mi, &tail) == 5 ||
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &sec, &tail) == 6) {
		g_autoptr(GDateTime) dt = g_date_time_new_local(y, mo, d, h, mi, sec);
		if (dt == NULL)
			return FALSE;
		*out = g_date_time_to_unix(dt);
		return TRUE;
	}
	return FALSE;
}

/* Parses "HH:MM" into minutes after midnight. */
static gboolean
parse_clock(const char *s, int *out)
{
	int h, m, n = 0;

	if (sscanf(s, "%2d:%2d%n", &h, &m, &n) != 2 || s[n] != '\0' || h > 23 || m > 59 || h < 0 || m < 0)
		return FALSE;
	*out = h * 60 + m;
	return TRUE;
}

/* Parses "22:00-07:00" into start and end minutes. */
static gboolean
parse_clock_range(const char *s, int *start, int *end)
{
	g_auto(GStrv) parts = g_strsplit(s, "-", 3);

	if (g_strv_length(parts) != 2)
		return FALSE;
	g_strstrip(parts[0]);
	g_strstrip(parts[1]);
	return parse_clock(parts[0], start) && parse_clock(parts[1], end) && *start != *end;
}

/* Splits an also= list at commas outside double quotes and /regexes/;
 * offsets (may be NULL) gets each item's character offset in v. */
static char **
split_also(const char *v, GArray *offsets)
{
	GPtrArray *out = g_ptr_array_new();
	gboolean quoted = FALSE;
	const char *item = v;

	for (const char *p = v;; p++) {
		const char *end = quoted ? NULL : skip_regex(v, p);

		if (end != NULL) {
			p = end - 1;
			continue;
		}
		if (*p == '"')
			quoted = !quoted;
		if (*p == '\0' || (*p == ',' && !quoted)) {
			const char *a = item, *b = p;
			while (a < b && (*a == ' ' || *a == '\t'))
				a++;
			while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
				b--;
			if (b > a) {
				int off = (int)g_utf8_pointer_to_offset(v, a);
				g_ptr_array_add(out, g_strndup(a, b - a));
				if (offsets != NULL)
					g_array_append_val(offsets, off);
			}
			if (*p == '\0')
				break;
			item = p + 1;
		}
	}
	g_ptr_array_add(out, NULL);
	return (char **)g_ptr_array_free(out, FALSE);
}

char *
fw_topic_conf_query(const struct fw_topic_conf *t)
{
	GString *s;

	if (t->also == NULL || t->also[0] == NULL)
		return g_strdup(t->query);
	s = g_string_new(NULL);
	g_string_append_printf(s, "(%s)", t->query);
	for (int i = 0; t->also[i]; i++)
		g_string_append_printf(s, " OR (%s)", t->also[i]);
	return g_string_free(s, FALSE);
}

/* Reads path whole into *data (NUL-terminated, *len bytes) when it is a
 * regular file of at most max bytes. A FIFO or device is refused at once,
 * never read (-c /dev/zero). FALSE with a G_FILE_ERROR naming path. */
static gboolean
read_bounded(const char *path, gsize max, char **data, gsize *len, GError **error)
{
	g_autoptr(GByteArray) buf = NULL;
	struct stat st;
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		e = errno;
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "cannot read %s: %s",
		            path, g_strerror(e));
		return FALSE;
	}
	if (fstat(fd, &st) != 0) {
		e = errno;
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "cannot read %s: %s",
		            path, g_strerror(e));
		close(fd);
		return FALSE;
	}
	if (!S_ISREG(st.st_mode) || (guint64)st.st_size > max) {
		if (S_ISDIR(st.st_mode))
			g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_ISDIR, "%s is a directory", path);
		else if (!S_ISREG(st.st_mode))
			g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
			            "%s is not a regular file (only one is read)", path);
		else
			g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
			            "%s is larger than %" G_GSIZE_FORMAT " MiB, the most that is read",
			            path, max / (1024 * 1024));
		close(fd);
		return FALSE;
	}
	/* The file may grow after fstat: the read stops at max + 1 bytes. */
	buf = g_byte_array_sized_new((guint)st.st_size + 1);
	for (;;) {
		guint8 chunk[65536];
		gsize want = MIN(sizeof chunk, max + 1 - buf->len);
		ssize_t n = want > 0 ? read(fd, chunk, want) : 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "cannot read %s: %s",
			            path, g_strerror(e));
			close(fd);
			return FALSE;
		}
		if (n == 0)
			break;
		g_byte_array_append(buf, chunk, (guint)n);
	}
	close(fd);
	if (buf->len > max) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
		            "%s is larger than %" G_GSIZE_FORMAT " MiB, the most that is read",
		            path, max / (1024 * 1024));
		return FALSE;
	}
	*len = buf->len;
	g_byte_array_append(buf, (const guint8 *)"", 1);
	*data = (char *)g_byte_array_free(g_steal_pointer(&buf), FALSE);
	return TRUE;
}

gboolean
fw_config_database_is_pg(const char *database)
{
	const char *p = database;

	if (!database)
		return FALSE;
	if (g_str_has_prefix(database, "postgresql://") || g_str_has_prefix(database, "postgres://"))
		return TRUE;
	/* A libpq key=value string: it starts with a keyword and '='. */
	while (g_ascii_isspace(*p))
		p++;
	if (!g_ascii_isalpha(*p))
		return FALSE;
	while (g_ascii_isalnum(*p) || *p == '_')
		p++;
	while (g_ascii_isspace(*p))
		p++;
	return *p == '=';
}

/* A password's text at v (after "password="): 'quoted' (backslash escapes)
 * or up to a space or a URI parameter's end. Returns where it ends. */
static const char *
password_end(const char *v)
{
	if (*v != '\'')
		return v + strcspn(v, " \t\n&");
	for (v++; *v && *v != '\''; v++)
		if (*v == '\\' && v[1])
			v++;
	return *v ? v + 1 : v;
}

/* database with the text of each password in it replaced by ***; each
 * password's own text appended to secrets (unless NULL). New string. */
static char *
database_mask(const char *database, GPtrArray *secrets)
{
	GString *out;
	const char *p = database, *k;

	if (!fw_config_database_is_pg(database))
		return g_strdup(database);
	out = g_string_new(NULL);
	if (strstr(database, "://")) {
		/* postgresql://user:password@host/...: the authority ends at / or ? */
		const char *auth = strstr(database, "://") + 3;
		gsize n = strcspn(auth, "/?");
		const char *at = g_strrstr_len(auth, n, "@");
		const char *colon = at ? memchr(auth, ':', at - auth) : NULL;

		if (colon) {
			g_string_append_len(out, database, colon + 1 - database);
			g_string_append(out, "***");
			if (secrets && at > colon + 1)
				g_ptr_array_add(secrets, g_strndup(colon + 1, at - colon - 1));
			p = at;
		}
	}
	/* password=... as a keyword or a URI parameter */
	while ((k = strstr(p, "password")) != NULL) {
		const char *v = k + strlen("password");

		while (*v == ' ' || *v == '\t')
			v++;
		if (*v != '=') {
			g_string_append_len(out, p, v - p);
			p = v;
			continue;
		}
		for (v++; *v == ' ' || *v == '\t'; v++)
			;
		g_string_append_len(out, p, v - p);
		g_string_append(out, "***");
		p = password_end(v);
		if (secrets && p > v)
			g_ptr_array_add(secrets, g_strndup(v, p - v));
	}
	g_string_append(out, p);
	return g_string_free(out, FALSE);
}

char *
fw_config_database_shown(const char *database)
{
	return database_mask(database, NULL);
}

char *
fw_config_database_masked(const char *text, const char *database)
{
	g_autoptr(GPtrArray) secrets = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *shown = database_mask(database, secrets);
	GString *out = g_string_new(text);

	if (*database != '\0')
		g_string_replace(out, database, shown, 0);
	for (guint i = 0; i < secrets->len; i++) {
		const char *pw = secrets->pdata[i];
		/* also quoted without its quotes, or with a URI's %-escapes undone */
		g_autofree char *bare = NULL;
		g_autofree char *plain = g_uri_unescape_string(pw, NULL);

		if (pw[0] == '\'') {
			gsize n = strlen(pw + 1);   /* pw[n] is its last character */

			bare = g_strndup(pw + 1, n > 0 && pw[n] == '\'' ? n - 1 : n);
		}

		g_string_replace(out, pw, "***", 0);
		if (bare && *bare)
			g_string_replace(out, bare, "***", 0);
		if (plain && *plain)
			g_string_replace(out, plain, "***", 0);
	}
	return g_string_free(out, FALSE);
}

/* libpq's connection keywords (PostgreSQL 15's PQconndefaults, and the few
 * later versions added), for the check of a key=value database string. */
static const char *const pg_keywords[] = {
	"host", "hostaddr", "port", "dbname", "user", "password", "passfile",
	"channel_binding", "connect_timeout", "client_encoding", "options",
	"application_name", "fallback_application_name", "keepalives", "keepalives_idle",
	"keepalives_interval", "keepalives_count", "tcp_user_timeout", "replication",
	"gssencmode", "sslmode", "requiressl", "sslcompression", "sslcert", "sslkey",
	"sslcertmode", "sslpassword", "sslrootcert", "sslcrl", "sslcrldir", "sslsni",
	"requirepeer", "require_auth", "ssl_min_protocol_version", "ssl_max_protocol_version",
	"krbsrvname", "gsslib", "gssdelegation", "service", "target_session_attrs",
	"load_balance_hosts",
};

/* The first keyword of s, a libpq key=value string, that libpq does not
 * know, as a new string; NULL when it knows them all (what does not read as
 * key=value is left to libpq, which says where). Values: 'quoted' with
 * backslash escapes, or up to white space. */
static char *
pg_unknown_keyword(const char *s)
{
	const char *p = s;

	for (;;) {
		const char *k;
		gsize n;
		gboolean known = FALSE;

		p += strspn(p, " \t");
		if (*p == '\0')
			return NULL;
		k = p;
		while (g_ascii_isalnum(*p) || *p == '_')
			p++;
		n = (gsize)(p - k);
		p += strspn(p, " \t");
		if (n == 0 || *p != '=')
			return NULL;
		for (gsize i = 0; i < G_N_ELEMENTS(pg_keywords) && !known; i++)
			known = strlen(pg_keywords[i]) == n && strncmp(pg_keywords[i], k, n) == 0;
		if (!known)
			return g_strndup(k, n);
		p += 1 + strspn(p + 1, " \t");
		if (*p == '\'') {
			for (p++; *p && *p != '\''; p++)
				if (*p == '\\' && p[1])
					p++;
			p += *p == '\'';
		} else {
			for (; *p && *p != ' ' && *p != '\t'; p++)
				if (*p == '\\' && p[1])
					p++;
		}
	}
}

/* Expands ~ and makes a path absolute relative to dir (the config's folder,
 * absolute), whatever the working directory. */
static char *
config_path(const char *value, const char *dir)
{
	if (value[0] == '~' && (value[1] == '/' || value[1] == '\0'))
		return g_build_filename(g_get_home_dir(), value + 1, NULL);
	return g_canonicalize_filename(value, dir);
}

/* A file: URL made absolute: "file:feeds/a.xml" (no "//") is a path from
 * dir; file:///abs is kept. Returns a new URL or NULL when url is not a
 * relative file: URL. */
static char *
file_url_resolve(const char *url, const char *dir)
{
	g_autofree char *rel = NULL, *abs = NULL;

	if (g_ascii_strncasecmp(url, "file:", 5) != 0 || url[5] == '/' || url[5] == '\0')
		return NULL;
	if ((rel = g_uri_unescape_string(url + 5, NULL)) == NULL || *rel == '\0')
		return NULL;
	abs = config_path(rel, dir);
	return g_filename_to_uri(abs, NULL, NULL);
}

/* TRUE for an http(s) URL with a host, or a file:// URL with an absolute path
 * and no host but localhost. */
static gboolean
url_ok(const char *url, gboolean allow_file, const char **why)
{
	g_autoptr(GUri) u = g_uri_parse(url, G_URI_FLAGS_ENCODED, NULL);
	const char *scheme;

	if (u == NULL) {
		*why = "not a URL";
		return FALSE;
	}
	scheme = g_uri_get_scheme(u);
	if (g_ascii_strcasecmp(scheme, "http") == 0 || g_ascii_strcasecmp(scheme, "https") == 0) {
		if (g_uri_get_host(u) == NULL || *g_uri_get_host(u) == '\0') {
			*why = "URL has no host";
			return FALSE;
		}
		return TRUE;
	}
	if (allow_file && g_ascii_strcasecmp(scheme, "file") == 0) {
		const char *host = g_uri_get_host(u);

		if (g_uri_get_path(u)[0] == '/' &&
		    (host == NULL || *host == '\0' || g_ascii_strcasecmp(host, "localhost") == 0))
			return TRUE;
		*why = "a file URL is file:///ABSOLUTE/PATH, or file:PATH from the config's folder";
		return FALSE;
	}
	*why = allow_file ? "only http://, https:// and file:// URLs are read"
	                  : "only http:// and https:// URLs are allowed";
	return FALSE;
}

/* The first character of s that a name may not have, or NULL. */
static const char *
name_bad_char(const char *s)
{
	for (; *s; s++)
		if (!g_ascii_isalnum(*s) && *s != '-' && *s != '_' && *s != '.')
			return s;
	return NULL;
}

gboolean
fw_config_name_ok(const char *s)
{
	return *s != '\0' && name_bad_char(s) == NULL;
}

/* Reports the bad name of group g ("feed" or "topic" kind) at the column
 * of its first bad character, with an ASCII key to use instead when one
 * can be made, and for a topic the display name that keeps the text. */
static void
report_bad_name(struct scan *sc, const struct group *g, const char *kind, const char *name)
{
	const char *bad = name_bad_char(name);
	const char *at = g->text != NULL ? strstr(g->text, g->name) : NULL;
	gunichar ch = g_utf8_get_char(bad);
	int col = at != NULL ? (int)g_utf8_pointer_to_offset(g->text, at + (bad - g->name)) + 1 : 0;
	g_autofree char *what = NULL, *ascii = g_str_to_ascii(name, "C");
	g_autoptr(GString) hint = g_string_new(NULL);

	if (ch == ' ' || ch == '\t')
		what = g_strdup(ch == ' ' ? "a space" : "a tab");
	else
		what = g_strdup_printf("'%.*s'", (int)(g_utf8_next_char(bad) - bad), bad);
	g_strdelimit(ascii, " \t", '-');
	if (fw_config_name_ok(ascii))
		g_string_append_printf(hint, "; e.g. [%s %s]", kind, ascii);
	if (strcmp(kind, "topic") == 0) {
		g_autofree char *first = g_utf8_strup(name, g_utf8_next_char(name) - name);
		g_string_append_printf(hint, "%s name = %s%s", hint->len > 0
		                       ? " with" : "; a display name may be any text:",
		                       first, g_utf8_next_char(name));
	}
	problem(sc, g->line, col, "[%s]: a name is ASCII letters, digits, '-', '_' and '.', not %s%s",
	        g->name, what, hint->str);
}

/* Where a config keeps its feeds: their structs bumped into blocks of
 * their own and their strings into others (no padding between them), each
 * kind's blocks 4 KiB, doubling up to CONFIG_BLOCK; shared strings
 * (categories) once; nothing is freed before the config. A feed costs its
 * 56-byte struct and its strings with no malloc header each (five
 * allocations a feed cost about 80 bytes more). */
struct config_bump {
	char *next;             /* free room in the last block */
	gsize room;             /* bytes of it */
	gsize size;             /* of the next block */
};

struct fw_config_mem {
	GPtrArray *blocks;      /* of the blocks, g_free'd */
	struct config_bump feeds, strings;
	GHashTable *shared;     /* string -> its copy, while loading (else NULL) */
};

#define CONFIG_BLOCK (1024 * 1024)

static struct fw_config_mem *
config_mem_new(void)
{
	struct fw_config_mem *m = g_new0(struct fw_config_mem, 1);

	m->blocks = g_ptr_array_new_with_free_func(g_free);
	m->feeds.size = m->strings.size = 4096;
	m->shared = g_hash_table_new(g_str_hash, g_str_equal);
	return m;
}

static void
config_mem_free(struct fw_config_mem *m)
{
	if (m == NULL)
		return;
	g_ptr_array_unref(m->blocks);
	if (m->shared != NULL)
		g_hash_table_unref(m->shared);
	g_free(m);
}

/* len bytes of m's memory from bump b, which hands out only multiples of
 * its first len (so that g_malloc's alignment holds for each). */
static gpointer
config_mem_get(struct fw_config_mem *m, struct config_bump *b, gsize len)
{
	char *out;

	if (len > b->room) {
		gsize size = MAX(b->size, len);
		b->next = g_malloc(size);
		b->room = size;
		g_ptr_array_add(m->blocks, b->next);
		b->size = MIN(b->size * 2, (gsize)CONFIG_BLOCK);
	}
	out = b->next;
	b->next += len;
	b->room -= len;
	return out;
}

/* A new zeroed feed, owned by c's feed memory (not yet in c->feeds). */
static struct fw_feed_conf *
feed_conf_new(struct fw_config *c)
{
	struct fw_feed_conf *f = config_mem_get(c->mem, &c->mem->feeds, sizeof *f);

	memset(f, 0, sizeof *f);
	return f;
}

/* A copy of s (NULL: NULL) in c's feed memory, freed with c. */
static char *
config_str(struct fw_config *c, const char *s)
{
	gsize len;

	if (s == NULL)
		return NULL;
	len = strlen(s) + 1;
	return memcpy(config_mem_get(c->mem, &c->mem->strings, len), s, len);
}

/* The same for a string that many feeds share (a category): one copy. */
static char *
config_str_shared(struct fw_config *c, const char *s)
{
	char *copy;

	if (s == NULL)
		return NULL;
	if ((copy = g_hash_table_lookup(c->mem->shared, s)) == NULL) {
		copy = config_str(c, s);
		g_hash_table_add(c->mem->shared, copy);
	}
	return copy;
}

/* config_str of s, which is freed. */
static char *
config_str_take(struct fw_config *c, char *s)
{
	char *copy = config_str(c, s);

	g_free(s);
	return copy;
}

static void
topic_conf_free(struct fw_topic_conf *t)
{
	g_free(t->key);
	g_free(t->name);
	g_free(t->query);
	g_strfreev(t->exec_argv);
	g_free(t->webhook);
	g_free(t->webhook_format);
	g_strfreev(t->also);
	g_free(t);
}

void
fw_config_free(struct fw_config *c)
{
	if (c == NULL)
		return;
	g_free(c->path);
	g_free(c->database);
	g_free(c->opml);
	g_free(c->digest);
	if (c->hints != NULL)
		g_ptr_array_unref(c->hints);
	g_free(c->subscriber);
	g_strfreev(c->subscribe);
	g_ptr_array_unref(c->feeds);
	g_ptr_array_unref(c->topics);
	config_mem_free(c->mem);
	g_free(c);
}

/* Reads e's value as a duration into *out; a bad one is a problem at its
 * line:column listing the units. FALSE when it is bad. */
static gboolean
entry_duration(struct scan *sc, const struct entry *e, gint64 *out)
{
	if (fw_config_parse_duration(e->value, out))
		return TRUE;
	problem(sc, e->line, e->col, "%s: bad duration '%s': a whole number and a unit, "
	        DURATION_UNITS " (e.g. 30s, 15m, 2h, 1d, 1w)", e->key, e->value);
	return FALSE;
}

/* The problem of e's duration below its minimum min_text (what follows it:
 * more): a number alone is seconds, which the message says. */
static void
duration_short(struct scan *sc, const struct entry *e, const char *min_text, const char *more)
{
	if (all_digits(e->value))
		problem(sc, e->line, e->col, "%s: %s is %s seconds (a number alone): at least %s%s "
		        "(e.g. %sm)", e->key, e->value, e->value, min_text, more, e->value);
	else
		problem(sc, e->line, e->col, "%s: at least %s%s", e->key, min_text, more);
}

/* g's key as a duration of at least min seconds (min_text says it) into
 * *out, which is left alone when the key is absent or bad. */
static void
get_duration(struct scan *sc, struct group *g, const char *key, gint64 min,
             const char *min_text, gint64 *out)
{
	struct entry *e = group_get(g, key);
	gint64 v;

	if (e == NULL || !entry_duration(sc, e, &v))
		return;
	if (v < min)
		duration_short(sc, e, min_text, "");
	else
		*out = v;
}

/* g's key as a count from min to max into *out (left alone when absent or
 * bad). */
static void
get_count(struct scan *sc, struct group *g, const char *key, gint64 min, gint64 max,
          guint *out)
{
	struct entry *e = group_get(g, key);
	gint64 n;

	if (e == NULL)
		return;
	if (!parse_count(e->value, &n) || n < min || n > max)
		problem(sc, e->line, e->col, "%s: expected a number from %" G_GINT64_FORMAT " to %"
		        G_GINT64_FORMAT, key, min, max);
	else
		*out = (guint)n;
}

static void
load_main(struct scan *sc, struct group *g, struct fw_config *c)
{
	struct entry *e;

	get_duration(sc, g, "interval", CONFIG_MIN_INTERVAL, "1m", &c->interval);
	get_duration(sc, g, "timeout", 1, "1s", &c->timeout);
	get_duration(sc, g, "retention", 0, "0s", &c->retention);
	get_duration(sc, g, "lease", 1, "1s", &c->lease);
	get_count(sc, g, "max_parallel", 1, 1000, &c->max_parallel);
	get_count(sc, g, "exec_parallel", 1, 1000, &c->exec_parallel);
	get_count(sc, g, "max_per_host", 1, 100, &c->max_per_host);
	if ((e = group_get(g, "max_size")) != NULL) {
		gint64 n;

		if (!fw_config_parse_size(e->value, &n))
			problem(sc, e->line, e->col, "max_size: bad size '%s': a number of bytes, or one "
			        "with a unit, " SIZE_UNITS " (e.g. 512K, 10M)", e->value);
		else if (n < 1024)
			problem(sc, e->line, e->col, "max_size: at least 1K");
		else
			c->max_size = n;
	}
	if ((e = group_get(g, "notify_initial")) != NULL && !parse_bool(e->value, &c->notify_initial))
		problem(sc, e->line, e->col, "notify_initial: expected true or false");
	if ((e = group_get(g, "database")) != NULL) {
		if (*e->value == '\0')
			problem(sc, e->line, e->col, "database: empty path");
		else {
			gboolean pg = fw_config_database_is_pg(e->value);
			g_autofree char *bad = pg && !strstr(e->value, "://")
			                       ? pg_unknown_keyword(e->value) : NULL;

			g_free(c->database);   /* a second [feedwatch] (reported) */
			/* A PostgreSQL connection string is the server's, not a path. */
			c->database = pg ? g_strdup(e->value) : config_path(e->value, sc->dir);
			if (bad != NULL) {
				const char *near = fw_text_nearest(bad, pg_keywords,
				                                   G_N_ELEMENTS(pg_keywords));

				if (near != NULL)
					problem(sc, e->line, e->col, "database: '%s' is not a PostgreSQL "
					        "connection keyword; did you mean %s?", bad, near);
				else
					problem(sc, e->line, e->col, "database: '%s' is not a PostgreSQL "
					        "connection keyword (host, dbname, user, ...); a file name "
					        "with '=' in it starts with ./", bad);
			}
		}
	}
	if ((e = group_get(g, "opml")) != NULL && *e->value != '\0') {
		g_free(c->opml);
		c->opml = config_path(e->value, sc->dir);
	}
	if ((e = group_get(g, "durable")) != NULL && !parse_bool(e->value, &c->durable))
		problem(sc, e->line, e->col, "durable: expected true or false");
	if ((e = group_get(g, "quiet_hours")) != NULL &&
	    !parse_clock_range(e->value, &c->quiet_start, &c->quiet_end))
		problem(sc, e->line, e->col, "quiet_hours: expected HH:MM-HH:MM (e.g. 22:00-07:00)");
	if ((e = group_get(g, "subscriber")) != NULL) {
		if (*e->value == '\0' || !g_utf8_validate(e->value, -1, NULL) ||
		    strlen(e->value) > 200)
			problem(sc, e->line, e->col, "subscriber: expected a name (e.g. ana@desk1)");
		else {
			g_free(c->subscriber);
			c->subscriber = g_strdup(e->value);
		}
	}
	if ((e = group_get(g, "subscribe")) != NULL) {
		g_strfreev(c->subscribe);
		c->subscribe = NULL;
		if (g_strcmp0(g_strstrip(e->value), "all") != 0) {
			g_auto(GStrv) parts = g_strsplit(e->value, ",", -1);
			GPtrArray *keys = g_ptr_array_new();

			for (guint k = 0; parts[k] != NULL; k++)
				if (*g_strstrip(parts[k]) != '\0')
					g_ptr_array_add(keys, g_strdup(parts[k]));
			g_ptr_array_add(keys, NULL);
			c->subscribe = (char **)g_ptr_array_free(keys, FALSE);
			if (c->subscribe[0] == NULL)
				problem(sc, e->line, e->col, "subscribe: expected topic keys or all");
		}
	}
}

static void
load_feed(struct scan *sc, struct group *g, const char *name, struct fw_config *c)
{
	struct fw_feed_conf *f = feed_conf_new(c);
	struct entry *e;
	const char *why = NULL;
	char *url;

	f->key = config_str(c, name);
	f->line = g->line;
	f->interval = c->interval;
	if ((e = group_get(g, "url")) == NULL)
		problem(sc, g->line, g->col, "[feed %s] has no url", name);
	else if ((url = file_url_resolve(e->value, sc->dir)) != NULL)
		f->url = config_str_take(c, url);   /* file:PATH, from the config's folder */
	else if (!url_ok(e->value, TRUE, &why))
		problem(sc, e->line, e->col, "url: %s: '%s'", why, e->value);
	else
		f->url = config_str(c, e->value);
	if ((e = group_get(g, "title")) != NULL && *e->value != '\0')
		f->title = config_str(c, e->value);
	if ((e = group_get(g, "site")) != NULL) {
		if (!url_ok(e->value, FALSE, &why))
			problem(sc, e->line, e->col, "site: %s: '%s'", why, e->value);
		else
			f->site = config_str(c, e->value);
	}
	if ((e = group_get(g, "category")) != NULL && *e->value != '\0')
		f->category = config_str_shared(c, e->value);
	if ((e = group_get(g, "interval")) != NULL && entry_duration(sc, e, &f->interval) &&
	    f->interval < CONFIG_MIN_INTERVAL && !(f->url != NULL && g_str_has_prefix(f->url, "file:")))
		duration_short(sc, e, "1m", " for a remote feed");
	g_ptr_array_add(c->feeds, f);
}

/* Folds len bytes read into c's digest: SHA-256 of the digest so far (if
 * any) and the bytes. */
static void
config_digest_add(struct fw_config *c, const char *data, gsize len)
{
	g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);

	if (c->digest != NULL)
		g_checksum_update(sum, (const guchar *)c->digest, -1);
	g_checksum_update(sum, (const guchar *)data, len);
	g_free(c->digest);
	c->digest = g_strdup(g_checksum_get_string(sum));
}

/* Adds the feeds of the opml= file (named at line:col) that the config does
 * not already have (same url); their keys are made from their titles. */
static void
load_opml(struct scan *sc, struct fw_config *c, int line, int col)
{
	g_autofree char *data = NULL;
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) feeds = g_ptr_array_new_with_free_func((GDestroyNotify)fw_opml_feed_free);
	g_autoptr(GHashTable) taken = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GHashTable) urls = g_hash_table_new(g_str_hash, g_str_equal);
	gsize len = 0;

	if (!read_bounded(c->opml, FW_CONFIG_MAX_SIZE, &data, &len, &err)) {
		problem(sc, line, col, "opml: %s", err->message);
		return;
	}
	config_digest_add(c, data, len);
	if (!fw_opml_parse(data, len, feeds, NULL, NULL, &err)) {
		problem(sc, line, col, "opml: %s: %s", c->opml, err->message);
		return;
	}
	for (guint i = 0; i < c->feeds->len; i++) {
		struct fw_feed_conf *f = c->feeds->pdata[i];
		g_hash_table_add(taken, f->key);
		if (f->url != NULL)
			g_hash_table_add(urls, f->url);
	}
	for (guint i = 0; i < feeds->len; i++) {
		const struct fw_opml_feed *o = feeds->pdata[i];
		struct fw_feed_conf *f;

		if (g_hash_table_contains(urls, o->xml_url))
			continue;
		f = feed_conf_new(c);
		f->key = config_str_take(c, fw_opml_feed_name(o->title, o->xml_url, taken));
		f->url = config_str(c, o->xml_url);
		f->title = config_str(c, o->title);
		f->site = config_str(c, o->html_url);
		f->category = config_str_shared(c, o->category);
		f->interval = c->interval;
		g_ptr_array_add(c->feeds, f);
		g_hash_table_add(taken, f->key);
		g_hash_table_add(urls, f->url);
	}
}

/* Parses a notify= list into channel bits. */
static gboolean
parse_channels(const char *s, guint *out, gboolean *digest, char **bad)
{
	g_auto(GStrv) words = g_regex_split_simple("[\\s,]+", s, 0, 0);
	guint ch = 0;

	for (int i = 0; words[i]; i++) {
		if (*words[i] == '\0')
			continue;
		if (strcmp(words[i], "desktop") == 0)
			ch |= FW_CHANNEL_DESKTOP;
		else if (strcmp(words[i], "exec") == 0)
			ch |= FW_CHANNEL_EXEC;
		else if (strcmp(words[i], "webhook") == 0)
			ch |= FW_CHANNEL_WEBHOOK;
		else if (strcmp(words[i], "digest") == 0)
			*digest = TRUE;
		else if (strcmp(words[i], "none") != 0) {
			*bad = g_strdup(words[i]);
			return FALSE;
		}
	}
	*out = ch;
	return TRUE;
}

/* A topic's display name from its key: "china-swaps" -> "China swaps". */
static char *
default_name(const char *key)
{
	char *s = g_strdup(key);

	g_strdelimit(s, "-_", ' ');
	s[0] = g_ascii_toupper(s[0]);
	return s;
}

/* The line itself and a caret under column col, for query errors; tabs
 * before the column are kept so the caret lines up on a terminal. */
static char *
caret(const char *text, int col)
{
	GString *s = g_string_new("\n    ");
	const char *p = text;

	g_string_append(s, text);
	g_string_append(s, "\n    ");
	for (int i = 1; i < col; i++) {
		g_string_append_c(s, *p == '\t' ? '\t' : ' ');
		if (*p != '\0')
			p = g_utf8_next_char(p);
	}
	g_string_append_c(s, '^');
	return g_string_free(s, FALSE);
}

static void
config_hint_free(struct fw_config_hint *h)
{
	g_free(h->where);
	g_free(h->what);
	g_free(h->caret);
	g_free(h);
}

/* Adds to c->hints the likely slip in query (fw_query_hint), which starts at
 * column col of entry e; what: a prefix for its message ("also: "). */
static void
query_hint(struct scan *sc, struct fw_config *c, const struct entry *e, const char *query,
           int col, const char *what)
{
	guint at = 0;
	g_autofree char *hint = fw_query_hint(query, &at);
	struct fw_config_hint *h;

	if (hint == NULL)
		return;
	h = g_new(struct fw_config_hint, 1);
	h->where = g_strdup_printf("%s:%d:%d", sc->path, e->line, col + (int)at - 1);
	h->what = g_strconcat(what, hint, NULL);
	h->caret = caret(e->text, col + (int)at - 1);
	g_ptr_array_add(c->hints, h);
}

static void
load_topic(struct scan *sc, struct group *g, const char *name, struct fw_config *c)
{
	struct fw_topic_conf *t = g_new0(struct fw_topic_conf, 1);
	struct entry *e, *ex, *wh;
	const char *why = NULL;

	t->key = g_strdup(name);
	t->line = g->line;
	t->urgency = FW_URGENCY_NORMAL;
	t->digest_at = 8 * 60;
	t->quiet_start = c->quiet_start;
	t->quiet_end = c->quiet_end;
	if ((e = group_get(g, "query")) == NULL) {
		problem(sc, g->line, g->col, "[topic %s] has no query", name);
	} else if (*e->value == '\0' && e->comment != NULL) {
		g_autofree char *word = g_strndup(e->comment, strcspn(e->comment, " \t"));
		problem(sc, e->line, e->col, "[topic %s] has no query: '%s' is a comment (a '%c' after "
		        "white space starts one; to match it, write \"%s\")", name, word, *word, word);
	} else if (*e->value == '\0') {
		problem(sc, e->line, e->col, "[topic %s] has no query: query = is empty", name);
	} else if (!sc->names_only) {
		g_autoptr(GError) err = NULL;
		guint col = 0;
		struct fw_query *q = fw_query_parse(e->value, &col, &err);

		if (q == NULL) {
			int at = e->col + (col > 0 ? (int)col - 1 : 0);
			g_autofree char *c2 = caret(e->text, at);
			problem(sc, e->line, at, "%s%s", err->message, c2);
		} else {
			query_hint(sc, c, e, e->value, e->col, "");
		}
		fw_query_free(q);
		t->query = g_strdup(e->value);
	} else {
		t->query = g_strdup(e->value);
	}
	if ((e = group_get(g, "also")) != NULL) {
		g_autoptr(GArray) offsets = g_array_new(FALSE, FALSE, sizeof(int));

		t->also = split_also(e->value, offsets);
		for (int i = 0; !sc->names_only && t->also[i]; i++) {
			g_autoptr(GError) err = NULL;
			guint col = 0;
			struct fw_query *q = fw_query_parse(t->also[i], &col, &err);

			if (q == NULL) {
				int where = e->col + g_array_index(offsets, int, i) + (col > 0 ? (int)col - 1 : 0);
				g_autofree char *c2 = caret(e->text, where);
				problem(sc, e->line, where, "also: %s%s", err->message, c2);
			} else {
				query_hint(sc, c, e, t->also[i], e->col + g_array_index(offsets, int, i),
				           "also: ");
			}
			fw_query_free(q);
		}
	}
	{
		struct entry *mh = group_get(g, "max_per_hour");
		gint64 n;
		if (mh != NULL) {
			if (!parse_count(mh->value, &n) || n > 10000)
				problem(sc, mh->line, mh->col, "max_per_hour: expected a number from 0 to 10000");
			else
				t->max_per_hour = (guint)n;
		}
	}
	if ((e = group_get(g, "quiet_hours")) != NULL) {
		if (strcmp(e->value, "none") == 0)
			t->quiet_start = t->quiet_end = -1;
		else if (!parse_clock_range(e->value, &t->quiet_start, &t->quiet_end))
			problem(sc, e->line, e->col, "quiet_hours: expected HH:MM-HH:MM or none");
	}
	if ((e = group_get(g, "digest_at")) != NULL && !parse_clock(e->value, &t->digest_at))
		problem(sc, e->line, e->col, "digest_at: expected HH:MM");
	if ((e = group_get(g, "webhook_format")) != NULL) {
		if (strcmp(e->value, "json") != 0 && strcmp(e->value, "ntfy") != 0)
			problem(sc, e->line, e->col, "webhook_format: expected json or ntfy");
		else
			t->webhook_format = g_strdup(e->value);
	}
	if (t->webhook_format == NULL)
		t->webhook_format = g_strdup("json");
	e = group_get(g, "name");
	t->name = e != NULL && *e->value != '\0' ? g_strdup(e->value) : default_name(name);
	ex = group_get(g, "exec");
	wh = group_get(g, "webhook");
	if (ex != NULL) {
		g_autoptr(GError) err = NULL;
		if (!g_shell_parse_argv(ex->value, NULL, &t->exec_argv, &err)) {
			problem(sc, ex->line, ex->col, "exec: %s", err->message);
		} else if (strchr(t->exec_argv[0], '/') != NULL || t->exec_argv[0][0] == '~') {
			/* A path (not a bare name looked up in PATH) is from the
			 * config's folder, like every other path in it. */
			char *prog = config_path(t->exec_argv[0], sc->dir);
			g_free(t->exec_argv[0]);
			t->exec_argv[0] = prog;
		}
	}
	if (wh != NULL) {
		if (!url_ok(wh->value, FALSE, &why))
			problem(sc, wh->line, wh->col, "webhook: %s: '%s'", why, wh->value);
		else
			t->webhook = g_strdup(wh->value);
	}
	t->channels = FW_CHANNEL_DESKTOP | (ex ? FW_CHANNEL_EXEC : 0) | (wh ? FW_CHANNEL_WEBHOOK : 0);
	if ((e = group_get(g, "notify")) != NULL) {
		g_autofree char *bad = NULL;
		if (!parse_channels(e->value, &t->channels, &t->digest, &bad))
			problem(sc, e->line, e->col,
			        "notify: unknown channel '%s' (desktop, exec, webhook, digest, none)", bad);
		else if ((t->channels & FW_CHANNEL_EXEC) && ex == NULL)
			problem(sc, e->line, e->col, "notify: exec needs an exec = line");
		else if ((t->channels & FW_CHANNEL_WEBHOOK) && wh == NULL)
			problem(sc, e->line, e->col, "notify: webhook needs a webhook = line");
	}
	if (t->digest && t->channels == 0)
		t->channels = FW_CHANNEL_DESKTOP;   /* "notify = digest": a daily desktop summary */
	if ((e = group_get(g, "urgency")) != NULL) {
		if (strcmp(e->value, "low") == 0)
			t->urgency = FW_URGENCY_LOW;
		else if (strcmp(e->value, "normal") == 0)
			t->urgency = FW_URGENCY_NORMAL;
		else if (strcmp(e->value, "critical") == 0)
			t->urgency = FW_URGENCY_CRITICAL;
		else
			problem(sc, e->line, e->col, "urgency: expected low, normal or critical");
	}
	g_ptr_array_add(c->topics, t);
}

char *
fw_config_find(const char *cli_path, GError **error)
{
	g_autofree char *user = NULL;
	const char *sys = FW_SYSCONFDIR "/feedwatch/feedwatch.conf";

	if (cli_path != NULL)
		return g_strdup(cli_path);
	user = g_build_filename(g_get_user_config_dir(), "feedwatch", "feedwatch.conf", NULL);
	if (g_file_test(user, G_FILE_TEST_EXISTS))
		return g_steal_pointer(&user);
	if (g_file_test(sys, G_FILE_TEST_EXISTS))
		return g_strdup(sys);
	g_set_error(error, FW_CONFIG_ERROR, FW_CONFIG_ERROR_NOT_FOUND,
	            "no configuration found: looked for %s and %s (copy the example from "
	            "config/feedwatch.conf or %s, give -c FILE, or let 'feedwatch add URL' "
	            "make the first)",
	            user, sys, FW_DOCDIR "/feedwatch.conf");
	return NULL;
}

/* The key of kind k that key is, ignoring case, or (near) the nearest
 * one; NULL when there is none. */
static const char *
kind_key_like(int k, const char *key, gboolean near)
{
	const char *const *keys = k >= 0 && k < KIND_COUNT ? kind_keys[k] : NULL;

	for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
		if (g_ascii_strcasecmp(key, keys[i]) == 0)
			return keys[i];
	return near && keys != NULL ? fw_text_nearest(key, keys, g_strv_length((char **)keys)) : NULL;
}

/* Reports e, a key of g that its loader did not read, as unknown, with
 * the first of: the key of g's kind it is in another case; the other kinds
 * of group it is a key of; the nearest key of g's kind; the nearest key of
 * another kind, and where it belongs. */
static void
report_unknown_key(struct scan *sc, const struct group *g, const struct entry *e)
{
	g_autoptr(GString) in = g_string_new(NULL);
	const char *near = kind_key_like(g->kind, e->key, FALSE), *other = NULL;

	if (near != NULL) {
		problem(sc, e->line, e->key_col, "unknown key '%s' in [%s]; did you mean %s? "
		        "(keys are case-sensitive)", e->key, g->name, near);
		return;
	}
	for (int k = 0; k < KIND_COUNT; k++)
		if (k != g->kind && (other = kind_key_like(k, e->key, FALSE)) != NULL)
			g_string_append_printf(in, "%s%s", in->len > 0 ? " or " : "", kind_headers[k]);
	if (in->len > 0) {
		g_autofree char *key = g_ascii_strdown(e->key, -1);
		problem(sc, e->line, e->key_col, "unknown key '%s' in [%s]; %s belongs in %s", e->key,
		        g->name, key, in->str);
		return;
	}
	if ((near = kind_key_like(g->kind, e->key, TRUE)) != NULL) {
		problem(sc, e->line, e->key_col, "unknown key '%s' in [%s]; did you mean %s?", e->key,
		        g->name, near);
		return;
	}
	for (int k = 0; k < KIND_COUNT; k++) {
		if (k != g->kind && (near = kind_key_like(k, e->key, TRUE)) != NULL) {
			problem(sc, e->line, e->key_col, "unknown key '%s' in [%s]; did you mean %s? "
			        "(it belongs in %s)", e->key, g->name, near, kind_headers[k]);
			return;
		}
	}
	problem(sc, e->line, e->key_col, "unknown key '%s' in [%s]", e->key, g->name);
}

/* Reports every key of g its loader did not consume as unknown; nothing
 * for a group reported already. */
static void
group_check_keys(struct scan *sc, struct group *g)
{
	for (struct entry *e = g->first; e != NULL && !g->bad; e = e->next)
		if (!e->used)
			report_unknown_key(sc, g, e);
}

/* Reports every key of subscribe = that names no topic (with the nearest
 * topic key), at the line of the [feedwatch] entry that said it. */
static void
check_subscribe(struct scan *sc, const struct fw_config *c)
{
	g_autoptr(GPtrArray) keys = g_ptr_array_new();
	g_autoptr(GHashTable) known = g_hash_table_new(g_str_hash, g_str_equal);
	struct entry *e = NULL;

	for (guint i = 0; i < sc->groups->len && e == NULL; i++) {
		struct group *g = sc->groups->pdata[i];
		if (!g->bad && strcmp(g->name, "feedwatch") == 0)
			e = group_get(g, "subscribe");
	}
	for (guint i = 0; i < c->topics->len; i++) {
		const struct fw_topic_conf *t = c->topics->pdata[i];
		g_ptr_array_add(keys, t->key);
		g_hash_table_add(known, t->key);
	}
	for (guint k = 0; c->subscribe[k] != NULL; k++) {
		const char *near;

		if (g_hash_table_contains(known, c->subscribe[k]))
			continue;
		near = fw_text_nearest(c->subscribe[k], (const char *const *)keys->pdata, keys->len);
		if (near != NULL)
			problem(sc, e ? e->line : 0, e ? e->col : 0,
			        "subscribe: no topic '%s'; did you mean %s?", c->subscribe[k], near);
		else
			problem(sc, e ? e->line : 0, e ? e->col : 0, "subscribe: no topic '%s'",
			        c->subscribe[k]);
	}
}

static struct fw_config *config_load_buf(const char *path, char *text, gsize len,
                                         gboolean names_only, GPtrArray *errors,
                                         GError **error);

/* Reads path (bounded) and loads it; queries compiled unless names_only. */
static struct fw_config *
load_file(const char *path, gboolean names_only, GPtrArray *errors, GError **error)
{
	char *text = NULL;
	gsize len = 0;

	struct fw_config *c;

	if (!read_bounded(path, FW_CONFIG_MAX_SIZE, &text, &len, error))
		return NULL;
	c = config_load_buf(path, text, len, names_only, errors, error);
	/* The scan of a large file (100,000 feeds: 42 MB of lines, entries and
	 * indexes, for 8 MB of config kept) is freed by now: its pages go back
	 * to the system rather than staying in the process's peak. */
	if (len >= CONFIG_TRIM_SIZE)
		malloc_trim(0);
	return c;
}

struct fw_config *
fw_config_load(const char *path, GPtrArray *errors, GError **error)
{
	return load_file(path, FALSE, errors, error);
}

struct fw_config *
fw_config_load_names(const char *path, GPtrArray *errors, GError **error)
{
	return load_file(path, TRUE, errors, error);
}

struct fw_config *
fw_config_load_data(const char *path, const char *text, gsize len, GPtrArray *errors,
                    GError **error)
{
	char *copy;

	if (len > FW_CONFIG_MAX_SIZE) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
		            "%s is larger than %d MiB, the most that is read", path,
		            FW_CONFIG_MAX_SIZE / (1024 * 1024));
		return NULL;
	}
	copy = g_malloc(len + 1);
	memcpy(copy, text, len);
	copy[len] = '\0';
	return config_load_buf(path, copy, len, FALSE, errors, error);
}

/* fw_config_load_data of text[0..len) (NUL-terminated at len), which it
 * takes and frees (one copy of a config of 100,000 feeds in memory, not
 * two); queries compiled unless names_only. */
static struct fw_config *
config_load_buf(const char *path, char *text, gsize len, gboolean names_only,
                GPtrArray *errors, GError **error)
{
	g_autofree char *abs = g_canonicalize_filename(path, NULL);
	g_autofree char *dir = g_path_get_dirname(abs);
	struct scan sc = { .path = path, .dir = dir, .names_only = names_only };
	struct fw_config *c;
	guint nerr = errors->len;
	gboolean have_main = FALSE;

	c = g_new0(struct fw_config, 1);
	c->path = g_strdup(path);
	config_digest_add(c, text, len);   /* before the scan cuts its lines */
	c->interval = 15 * 60;
	c->max_parallel = 8;
	c->max_per_host = 2;
	c->exec_parallel = 4;
	c->timeout = 30;
	c->max_size = 10 * 1024 * 1024;
	c->retention = 90 * 86400;
	c->lease = FW_CONFIG_LEASE;
	c->quiet_start = c->quiet_end = -1;
	c->mem = config_mem_new();
	c->feeds = g_ptr_array_new();   /* its feeds are in c->mem */
	c->topics = g_ptr_array_new_with_free_func((GDestroyNotify)topic_conf_free);
	c->hints = g_ptr_array_new_with_free_func((GDestroyNotify)config_hint_free);
	sc.problems = g_array_new(FALSE, FALSE, sizeof(struct problem));
	sc.groups = g_ptr_array_new_with_free_func((GDestroyNotify)group_free);
	sc.names = g_hash_table_new(g_str_hash, g_str_equal);
	sc.keys = g_hash_table_new(entry_hash, entry_equal);
	scan_text(&sc, text, len);
	g_clear_pointer(&sc.names, g_hash_table_unref);   /* only the scan needs it */
	g_ptr_array_unref(c->feeds);   /* room for every group at once, not 1.5 times it */
	c->feeds = g_ptr_array_sized_new(sc.groups->len);

	/* [feedwatch] first: feeds take its interval as their default. */
	for (guint i = 0; i < sc.groups->len; i++) {
		struct group *g = sc.groups->pdata[i];
		if (!g->bad && strcmp(g->name, "feedwatch") == 0) {
			g->kind = KIND_MAIN;
			load_main(&sc, g, c);
			have_main = TRUE;
		}
	}
	for (guint i = 0; i < sc.groups->len; i++) {
		struct group *g = sc.groups->pdata[i];
		const char *name = NULL;
		gboolean feed = g_str_has_prefix(g->name, "feed ");
		gboolean topic = g_str_has_prefix(g->name, "topic ");

		if (g->bad || strcmp(g->name, "feedwatch") == 0)
			continue;
		if (!feed && !topic) {
			static const char *const kinds[] = { "feedwatch", "feed", "topic" };
			g_autofree char *word = g_strndup(g->name, strcspn(g->name, " \t"));
			const char *near = fw_text_nearest(word, kinds, G_N_ELEMENTS(kinds)), *cased = NULL;

			/* [Feed x]: the nearest name ignores case, so it names none. */
			for (guint k = 0; k < G_N_ELEMENTS(kinds); k++)
				if (strcmp(word, kinds[k]) != 0 && g_ascii_strcasecmp(word, kinds[k]) == 0)
					cased = kinds[k];
			if (cased != NULL)
				problem(&sc, g->line, g->col, "unknown group [%s]; did you mean [%s%s]? (group "
				        "names are case-sensitive)", g->name, cased, g->name + strlen(word));
			else if (near != NULL)
				problem(&sc, g->line, g->col, "unknown group [%s]; did you mean [%s%s]?", g->name,
				        near, g->name + strlen(word));
			else
				problem(&sc, g->line, g->col, "unknown group [%s] (expected [feedwatch], [feed NAME] "
				        "or [topic NAME])", g->name);
			g->bad = TRUE;
			continue;
		}
		name = g->name + (feed ? 5 : 6);
		name += strspn(name, " ");
		if (!fw_config_name_ok(name)) {
			report_bad_name(&sc, g, feed ? "feed" : "topic", name);
			g->bad = TRUE;
			continue;
		}
		g->kind = feed ? KIND_FEED : KIND_TOPIC;
		if (feed)
			load_feed(&sc, g, name, c);
		else
			load_topic(&sc, g, name, c);
		/* its keys are known or reported now: its entries can go (a config
		 * of 100,000 feeds holds either its entries or its feeds, not both) */
		group_check_keys(&sc, g);
		for (struct entry *e = g->first; e != NULL; e = e->next)
			if (g_hash_table_lookup(sc.keys, e) == e)
				g_hash_table_remove(sc.keys, e);
		group_entries_free(g);
	}
	if (c->opml != NULL) {
		int line = 0, col = 0;
		for (guint i = 0; i < sc.groups->len && line == 0; i++) {
			struct group *g = sc.groups->pdata[i];
			struct entry *e = !g->bad && strcmp(g->name, "feedwatch") == 0
			                  ? group_get(g, "opml") : NULL;
			line = e ? e->line : 0;
			col = e ? e->col : 0;
		}
		load_opml(&sc, c, line, col);
	}
	if (c->subscribe != NULL)
		check_subscribe(&sc, c);
	/* Every key not consumed above is unknown. */
	for (guint i = 0; i < sc.groups->len; i++)
		group_check_keys(&sc, sc.groups->pdata[i]);
	/* Reported in file order (loading goes group kind by group kind). */
	g_array_sort(sc.problems, problem_cmp);
	for (guint i = 0; i < sc.problems->len; i++)
		g_ptr_array_add(errors, g_array_index(sc.problems, struct problem, i).msg);
	g_array_unref(sc.problems);
	g_clear_pointer(&c->mem->shared, g_hash_table_unref);   /* loading is over */
	(void)have_main;
	if (c->database == NULL)
		c->database = fw_config_default_database();
	if (c->subscriber == NULL)
		c->subscriber = g_strdup_printf("%s@%s", g_get_user_name(), g_get_host_name());
	g_hash_table_unref(sc.keys);
	if (sc.nul_lines != NULL)
		g_hash_table_unref(sc.nul_lines);
	g_ptr_array_unref(sc.groups);
	g_free(sc.buf);
	if (errors->len > nerr) {
		g_set_error(error, FW_CONFIG_ERROR, FW_CONFIG_ERROR_INVALID, "%s: %u error%s", path,
		            errors->len - nerr, errors->len - nerr == 1 ? "" : "s");
		fw_config_free(c);
		return NULL;
	}
	return c;
}
