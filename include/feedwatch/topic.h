/* topic — the query language of DESIGN.md "Topic queries": parse (with error
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

/* The lower-case field name ("title", ...), static storage. */
const char *fw_field_name(enum fw_field f);

/* Parses a field name; returns FALSE for an unknown one. */
gboolean fw_field_from_name(const char *name, enum fw_field *out);

/* The query text as given to fw_query_parse (owned by q). */
const char *fw_query_source(const struct fw_query *q);

/* The fields any term of q looks at (mask of 1 << enum fw_field). */
guint fw_query_fields(const struct fw_query *q);

/* The compiled form, read by match.c only; other modules treat a query as
 * opaque. A word is a phrase of one term. Immutable after parsing. */
enum fw_qnode_kind {
	FW_QNODE_PHRASE,    /* terms[0..n): consecutive words, in order */
	FW_QNODE_REGEX,     /* regex (G_REGEX_OPTIMIZE: JIT), on the raw text of each
	                     * field; PCRE2's match limit stops runaway backtracking */
	FW_QNODE_AND,       /* kids[0..n) */
	FW_QNODE_OR,        /* kids[0..n) */
	FW_QNODE_NOT,       /* kids[0] */
	FW_QNODE_NEAR,      /* kids[0], kids[1]: phrases or ORs of them; n = distance */
};

/* Words in one phrase at most. */
#define FW_TOPIC_PHRASE_MAX 64

struct fw_qterm {
	char *word;         /* normalised (fw_text_normalize), never empty */
	guint len;          /* strlen(word) */
	gboolean prefix;    /* `word*`: any word starting with it */
};

struct fw_qnode {
	enum fw_qnode_kind kind;
	guint fields;       /* PHRASE, REGEX: the fields searched (mask) */
	guint col;          /* 1-based column of the node in the source */
	guint n;            /* PHRASE: terms; AND, OR: kids; NEAR: distance in words */
	struct fw_qterm *terms;
	GRegex *regex;
	struct fw_qnode **kids;
};

/* The root node of q. */
const struct fw_qnode *fw_query_root(const struct fw_query *q);

#endif
