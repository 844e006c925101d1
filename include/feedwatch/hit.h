/* hit — the hit record and every form it takes outside memory: the row
 * (struct fw_hit_row), the names of its delivery state (`notified`), its
 * JSON object (`feedwatch hits --format json`, exec's stdin, the webhook
 * body; a digest of them), the stored marks and matched lists, and the
 * hash that tells an edited item.
 *
 * Pure functions of their arguments: no I/O, any thread. Text is made valid
 * UTF-8 before it is written as JSON; parsers keep only well-formed entries
 * and never fail. What they return belongs to the caller. */
#ifndef FW_HIT_H
#define FW_HIT_H

#include <glib.h>

struct fw_item;

/* Where a hit's notification stands; stored by name (hits.notified). */
enum fw_hit_notified {
	FW_HIT_NOTIFIED_PENDING,   /* its outbox rows wait to be sent (or are held) */
	FW_HIT_NOTIFIED_INITIAL,   /* found by its feed's first fetch: not sent */
	FW_HIT_NOTIFIED_DELIVERED, /* every channel delivered it */
	FW_HIT_NOTIFIED_FAILED,    /* a channel gave up on it */
	FW_HIT_NOTIFIED_NONE,      /* nothing to send, or sent for the same story elsewhere */
};

/* The stored and printed name of n: "pending", "initial", "delivered",
 * "failed", "none" ("?" for a value out of the enum). */
const char *fw_hit_notified_name(enum fw_hit_notified n);

/* Parses a name of fw_hit_notified_name into *out; FALSE (*out unchanged)
 * for anything else. */
gboolean fw_hit_notified_from_name(const char *name, enum fw_hit_notified *out);

/* One row of the hit log, with its item and feed. Owned by the caller. */
struct fw_hit_row {
	gint64 id;
	char *topic, *topic_name, *feed, *feed_title, *item_id, *title, *link;
	gint64 published;  /* FW_TIME_NONE if the feed gave none */
	gint64 found;
	char *snippet, *marks_json, *matched_json;
	gboolean read;
	enum fw_hit_notified notified;
	char *author;      /* of the item */
	char *summary, *content; /* of the item, for show: fw_store_hit_get only (NULL
	                          * from fw_store_hits, which lists many) */
	char *also_in;     /* the same story elsewhere: titles of the other feeds
	                      with an item of the same canonical link, joined with
	                      ", " in title order; NULL when none */
	gint64 story;      /* the number of its story (fw_store_story_hits): the
	                      lowest hit id of the story; 0 unknown (JSON: id) */
};
void fw_hit_row_free(struct fw_hit_row *r);   /* NULL is fine */

/* One hit as a JSON object on one line (no newline): id, story, topic,
 * topic_name, feed, feed_title, item_id, title, link, published, found,
 * snippet, matched, read, notified. Caller frees. */
char *fw_hit_json(const struct fw_hit_row *r);

/* A digest of one topic's hits (of struct fw_hit_row *) as one JSON object
 * on one line: {"digest": true, "topic", "topic_name", "count", "hits": [the
 * objects of fw_hit_json]}. Caller frees. */
char *fw_hit_digest_json(const char *topic, const char *topic_name, GPtrArray *hits);

/* t as the hit's JSON writes times, RFC 3339 UTC "2024-11-26T05:05:00Z";
 * NULL for FW_TIME_NONE or out of range. Caller frees. */
char *fw_hit_time_utc(gint64 t);

/* marks (of struct fw_span, character offsets in the snippet; NULL for
 * none) as stored: [[start,end],...]. Caller frees. */
char *fw_hit_marks_json(const GArray *marks);

/* Parses marks_json ([[start,end],...], character offsets in the snippet)
 * into a new array of struct fw_span (field 0), sorted by start, bad pairs
 * dropped; empty for NULL or junk. Free with g_array_unref. */
GArray *fw_hit_marks_parse(const char *marks_json);

/* One entry of a hit's matched list: where a query term matched. */
struct fw_hit_match {
	char *field;            /* "title", "content", ... as stored */
	guint start, end;       /* character offsets in that field */
};

/* spans (of struct fw_span: where a query matched) as the stored matched
 * list: [{"field":"content","start":1,"end":5},...]. Caller frees. */
char *fw_hit_matched_json(const GArray *spans);

/* What a hit stores of its match: the snippet of doc around spans
 * (fw_snippet_make: "" when there is none), its marks
 * (fw_hit_marks_json) and the matched list (fw_hit_matched_json). The
 * strings belong to the struct: fw_hit_text_clear frees them. */
struct fw_doc;
#define FW_HIT_SNIPPET_WIDTH 200   /* characters of a stored snippet, at most */
struct fw_hit_text {
	char *snippet, *marks, *matched;
};
void fw_hit_text_make(struct fw_hit_text *out, const struct fw_doc *doc, const GArray *spans,
                      guint width);
void fw_hit_text_clear(struct fw_hit_text *t);

/* Parses matched_json ([{"field":"content","start":1,"end":5},...]) into a
 * new array of struct fw_hit_match, in order, entries without a string field
 * and two offsets dropped; empty for NULL or junk. Free with g_array_unref
 * (it frees the fields). */
GArray *fw_hit_matched_parse(const char *matched_json);

/* A content hash of what matching reads (title, link, summary, content,
 * author, categories), so that an edited item is matched again: 32 hex
 * digits of MurmurHash3_x64_128 over the length-prefixed fields. Stored with
 * every item: changing it makes every stored item look edited once. buf is
 * scratch space the caller reuses. Caller frees. */
char *fw_hit_item_hash(GString *buf, const struct fw_item *it);

#endif
