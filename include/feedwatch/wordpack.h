/* wordpack — an item's texts coded a word at a time (SQLite bodies).
 *
 * A model is a word list with a Huffman code, learned from a database's
 * first bodies (fw_wordpack_trainer_*); words outside it are spelt out a
 * byte at a time under a code of their own, and a summary that begins as
 * its content does costs the length of that beginning. The store picks it
 * over zstd with a dictionary when it packs a database's samples smaller
 * (design.md section 4).
 *
 * A model is immutable once made: threads may pack and unpack with one at
 * once. The caller owns what _new, _model, _load, _save and _pack return.
 * Models and packed bodies read from a database are untrusted: loading and
 * unpacking check every length and fail (NULL, FALSE) rather than read or
 * write out of bounds, and a body's texts come out at most
 * FW_WORDPACK_OUT_MAX bytes, never holding a NUL.
 */
#ifndef FW_WORDPACK_H
#define FW_WORDPACK_H

#include <glib.h>

/* A packed body's first byte (a zstd frame's is 0x28), then the model's id
 * (4 bytes, little-endian), then the code. */
#define FW_WORDPACK_MAGIC 0xB7
/* Bytes of text in all, and categories, a body holds at most. */
#define FW_WORDPACK_OUT_MAX (1024 * 1024)
#define FW_WORDPACK_CATS_MAX 4096

struct fw_wordpack;
struct fw_wordpack_trainer;

/* A body's texts: summary and content NULL when absent, n_cats categories.
 * Each is a NUL-terminated string. */
struct fw_wordpack_texts {
	const char *summary;
	const char *content;
	const char *const *cats;
	guint n_cats;
};

struct fw_wordpack_trainer *fw_wordpack_trainer_new(void);
void fw_wordpack_trainer_add(struct fw_wordpack_trainer *t, const struct fw_wordpack_texts *x);
/* The model of the texts added so far, named id (never 0); t stays usable. */
struct fw_wordpack *fw_wordpack_trainer_model(const struct fw_wordpack_trainer *t, guint32 id);
void fw_wordpack_trainer_free(struct fw_wordpack_trainer *t);

/* m in its stored form, for fw_wordpack_load. */
GBytes *fw_wordpack_save(const struct fw_wordpack *m);
/* TRUE when data begins as a stored model does. */
gboolean fw_wordpack_is_model(const void *data, gsize n);
/* The stored model data[0, n) named id, or NULL when it is not one. */
struct fw_wordpack *fw_wordpack_load(const void *data, gsize n, guint32 id);
guint32 fw_wordpack_id(const struct fw_wordpack *m);
void fw_wordpack_free(struct fw_wordpack *m);

/* x packed with m, a new GBytes; NULL when x holds more than the bounds
 * above (the caller packs it another way). */
GBytes *fw_wordpack_pack(const struct fw_wordpack *m, const struct fw_wordpack_texts *x);
/* The id of the model data[0, n) was packed with, or 0 when it is not a
 * packed body. */
guint32 fw_wordpack_body_id(const void *data, gsize n);
/* Unpacks data[0, n) with m: new strings in *summary and *content (NULL
 * when absent), categories appended to cats (char *, new). FALSE, and
 * nothing set or appended, when it does not decode. */
gboolean fw_wordpack_unpack(const struct fw_wordpack *m, const void *data, gsize n,
                            char **summary, char **content, GPtrArray *cats);

#endif
