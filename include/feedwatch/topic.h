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

#endif
