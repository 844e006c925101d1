/* topic — the query language (docs/design.md "The query language", README "Topic queries"): parse (with error
 * positions) and compile.
 *
 * Grammar, tightest first: `field:` and `*`, NEAR/n, NOT (and `-`), AND
 * (also implicit), OR. Words are normalised with fw_text_normalize() at
 * compile time. Pure: no I/O. */
#ifndef FW_TOPIC_H
#define FW_TOPIC_H

#include <glib.h>

#define FW_TOPIC_ERROR (fw_topic_error_quark())
GQuark fw_topic_error_quark(void);

enum fw_topic_error_code {
	FW_TOPIC_ERROR_SYNTAX,
};

/* The fields of an item a query can name. */
enum fw_field {
	FW_FIELD_TITLE,
	FW_FIELD_SUMMARY,
	FW_FIELD_CONTENT,
	FW_FIELD_CATEGORY,
	FW_FIELD_AUTHOR,
	FW_FIELD_FEED,
	FW_FIELD_LINK,
	FW_FIELD_COUNT
};

/* Fields searched when a term names none: title, summary, content, category. */
#define FW_FIELDS_DEFAULT ((1u << FW_FIELD_TITLE) | (1u << FW_FIELD_SUMMARY) | \
                           (1u << FW_FIELD_CONTENT) | (1u << FW_FIELD_CATEGORY))

/* A compiled query: opaque, immutable after parse, owned by whoever parsed it. */
struct fw_query;

/* Parses and compiles src. On error returns NULL, sets error
 * (FW_TOPIC_ERROR_SYNTAX, message without position, e.g. "unbalanced
 * parenthesis") and *err_col to the 1-based character column in src where
 * the problem is (err_col may be NULL). */
struct fw_query *fw_query_parse(const char *src, guint *err_col, GError **error);

void fw_query_free(struct fw_query *q);   /* NULL is fine */

/* q as the matcher sees it, in one string: equal for two queries that
 * match alike as written (spaces, case and accents of words, parentheses,
 * AND written or not, also= folded in), different when a word, field,
 * prefix, distance or regex differs (or the order of terms: such a change
 * is taken for a change). Caller frees. */
char *fw_query_canonical(const struct fw_query *q);

/* A likely slip in src, a query that parses but may not say what its
 * writer meant: a lower-case operator between terms ("milei or mercosur"
 * also needs the word "or"), a '|' inside a word, a ',' or ';' after one.
 * Returns the first as a message (caller frees) with *col its 1-based
 * character column, or NULL (and *col 0) when there is none. */
char *fw_query_hint(const char *src, guint *col);

/* The lower-case field name ("title", ...), static storage. */
const char *fw_field_name(enum fw_field f);

/* Parses a field name; returns FALSE for an unknown one. */
gboolean fw_field_from_name(const char *name, enum fw_field *out);

/* The query text as given to fw_query_parse (owned by q). */
const char *fw_query_source(const struct fw_query *q);

/* The fields any term of q looks at (mask of 1 << enum fw_field). */
guint fw_query_fields(const struct fw_query *q);

/* The compiled form, read by match*.c only; other modules treat a query as
 * opaque. A word is a phrase of one term. Immutable after parsing. */
enum fw_qnode_kind {
	FW_QNODE_PHRASE,    /* terms[0..n): consecutive words, in order */
	FW_QNODE_REGEX,     /* regex on the raw text of each field (see "Regular
	                     * expressions" below); terms[0..n) (infix): literals
	                     * one of which any match holds, n = 0 if none is known */
	FW_QNODE_AND,       /* kids[0..n) */
	FW_QNODE_OR,        /* kids[0..n) */
	FW_QNODE_NOT,       /* kids[0] */
	FW_QNODE_NEAR,      /* kids[0], kids[1]: phrases or ORs of them; n = distance */
};

/* Regular expressions. A pattern is compiled once with GRegex (PCRE2 10.42
 * under GLib 2.74, UTF-8, G_REGEX_OPTIMIZE: JIT) as "(*LIMIT_MATCH=N)pattern"
 * (g_regex_get_pattern shows that). GRegex has no match-limit API and no
 * G_REGEX_MATCH_ flag for one: GLib 2.74 gives PCRE2 a default match context,
 * whose match limit (10,000,000) PCRE2 counts per start position; the
 * (*LIMIT_MATCH=N) in front lowers it (a pattern can lower it further, not
 * raise it). A match attempt that reaches it fails with an error, which
 * counts as no match ("gave up" in fw_query_explain).
 *
 * Measured on the 2-core test machine (JIT): /(a+)+$/ on 30 a's and a b
 * takes 0.13 ms with N = 100,000 (14 ms at PCRE2's default, 95 ms without
 * the JIT). That bounds one start position, not a search: a text made of
 * many runs of 14 a's each followed by a b costs about 8 us a byte (16 KB:
 * 130 ms; at PCRE2's default, runs of 20 cost 0.8 s for 2.2 KB). So a
 * catastrophic pattern on a hostile field can still hold matching for a
 * while, in proportion to the field's size; a real per-item budget needs
 * PCRE2 itself (offset-limited windows), which GRegex does not expose.
 * Also: GLib 2.74 gives the JIT no stack of its own (32 KB), so a deeply
 * recursive pattern on a long text fails the same way (no match). */
#define FW_TOPIC_REGEX_LIMIT 100000

/* Words in one phrase at most. */
#define FW_TOPIC_PHRASE_MAX 64

struct fw_qterm {
	char *word;         /* normalised (fw_text_normalize), never empty */
	guint len;          /* strlen(word) */
	guint32 hash;       /* fw_text_hash(word, len) */
	guint8 prefix;      /* `word*`: any word starting with it (a gboolean) */
	guint8 infix;       /* REGEX literals only: somewhere inside a normalised word
	                     * (lower-case ASCII letters and digits, 3 bytes or more) */
	guint8 word_start;  /* REGEX literals only: every match of its branch starts
	                     * with it, at a word boundary (\bliteral...) */
};

struct fw_qnode {
	enum fw_qnode_kind kind;
	guint fields;       /* PHRASE, REGEX: the fields searched (mask) */
	guint col;          /* 1-based column of the node in the source */
	guint end;          /* 1-based column just past the node's text in the source */
	guint n;            /* PHRASE, REGEX: terms; AND, OR: kids; NEAR: distance in words */
	struct fw_qterm *terms;
	GRegex *regex;
	struct fw_qnode **kids;
};

/* The root node of q. */
const struct fw_qnode *fw_query_root(const struct fw_query *q);

#endif
