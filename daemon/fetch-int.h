/* fetch-int.h — private to daemon/fetch*.c (and tests/unit/test_fetch.c):
 * the body decoder fetch.c runs on an answer's Content-Encoding.
 *
 * Why fetch decodes bodies itself instead of libcurl, and the bounds it
 * keeps: docs/design.md, section 7 ("Bounds"). A decoder belongs to one
 * fetcher and is used on its context only; nothing here is thread-safe. */
#ifndef FW_FETCH_INT_H
#define FW_FETCH_INT_H

#include <glib.h>

/* The codings fw_decoder_run undoes, as every request offers them. */
#define FW_FETCH_ACCEPT_ENCODING "Accept-Encoding: gzip, deflate, zstd"

/* Encoded bytes read at most for a decoded cap of max: a little more than
 * max, since a body that does not compress grows in gzip (5 bytes a block). */
gint64 fw_fetch_encoded_cap(gint64 max);

struct fw_decoder;

/* A decoder; its libdeflate and zstd contexts are made on first use. */
struct fw_decoder *fw_decoder_new(void);
void fw_decoder_free(struct fw_decoder *d);   /* NULL is fine */

/* Undoes coding (a Content-Encoding value: a list undone right to left,
 * "identity" and NULL meaning none) on body, which it takes, keeping at most
 * max decoded bytes. Returns the decoded bytes, or NULL with *error set to a
 * sentence (caller frees): "body larger than max_size (MAX bytes)", a
 * corrupt or truncated body, or a coding it does not know on a body that
 * does not start as text does (one that does is taken as it is). */
GBytes *fw_decoder_run(struct fw_decoder *d, const char *coding, GByteArray *body,
                       gint64 max, char **error);

#endif
