/* fetch-decode — undoes an answer's Content-Encoding in one go, bounded.
 * See daemon/fetch-int.h for the contract.
 *
 * gzip and deflate go through libdeflate, which inflates a whole buffer
 * about three times as fast as zlib (docs/design.md, section 15); zstd
 * through libzstd's streaming decoder with the window HTTP allows (8 MiB,
 * RFC 9659). Every coding writes into a buffer of at most max + 1 bytes, so
 * a bomb stops one byte past the cap whatever its ratio: libdeflate refuses
 * to write past the buffer it is given, and a retry in a larger buffer
 * happens only while the buffer is under the cap (doubling, so the work is
 * at most twice the cap). */
#include <string.h>

#include <libdeflate.h>
#include <zstd.h>

#include "fetch-int.h"

#define DECODE_LAYERS_MAX 4       /* codings stacked in one answer (curl: 5) */
#define DECODE_ZSTD_WINDOW_LOG 23 /* 8 MiB: RFC 9659's limit for HTTP */
#define DECODE_DEFLATE_RATIO 1032 /* deflate's largest ratio: no body decodes larger */
#define DECODE_MIN_BUF 4096
#define DECODE_ZSTD_KEEP (256 * 1024) /* a zstd context larger than this is freed after use */

struct fw_decoder {
	struct libdeflate_decompressor *inflate;
	ZSTD_DCtx *zstd;
};

enum coding { CODING_IDENTITY, CODING_GZIP, CODING_DEFLATE, CODING_ZSTD, CODING_OTHER };

gint64 fw_fetch_encoded_cap(gint64 max)
{
	return max + max / 4096 + 1024;
}

struct fw_decoder *fw_decoder_new(void)
{
	return g_new0(struct fw_decoder, 1);
}

void fw_decoder_free(struct fw_decoder *d)
{
	if (d == NULL)
		return;
	if (d->inflate != NULL)
		libdeflate_free_decompressor(d->inflate);
	ZSTD_freeDCtx(d->zstd);
	g_free(d);
}

/* The coding a Content-Encoding token names (case-insensitive). */
static enum coding coding_of(const char *tok, gsize len)
{
#define IS(name) (len == sizeof(name) - 1 && g_ascii_strncasecmp(tok, name, len) == 0)
	if (IS("identity"))
		return CODING_IDENTITY;
	if (IS("gzip") || IS("x-gzip"))
		return CODING_GZIP;
	if (IS("deflate"))
		return CODING_DEFLATE;
	if (IS("zstd"))
		return CODING_ZSTD;
#undef IS
	return CODING_OTHER;
}

/* Sets *error to the sentence for a body past max. Returns NULL. */
static GByteArray *too_big(gint64 max, char **error)
{
	*error = g_strdup_printf("body larger than max_size (%" G_GINT64_FORMAT " bytes)", max);
	return NULL;
}

/* A buffer of *cap bytes for output: hint, at least DECODE_MIN_BUF, at most
 * limit. */
static GByteArray *buf_new(gsize hint, gsize limit, gsize *cap)
{
	GByteArray *out;

	*cap = CLAMP(hint, MIN((gsize)DECODE_MIN_BUF, limit), limit);
	out = g_byte_array_sized_new((guint)*cap);
	g_byte_array_set_size(out, (guint)*cap);
	return out;
}

/* Doubles out (*cap bytes) up to limit; FALSE when it already holds limit. */
static gboolean buf_grow(GByteArray *out, gsize *cap, gsize limit)
{
	if (*cap >= limit)
		return FALSE;
	*cap = MIN(*cap * 2, limit);
	g_byte_array_set_size(out, (guint)*cap);
	return TRUE;
}

/* Runs one libdeflate call of kind k on in into out. */
static enum libdeflate_result inflate_once(struct libdeflate_decompressor *dd, enum coding k,
                                           gboolean raw, const guint8 *in, gsize len,
                                           guint8 *out, gsize avail, gsize *in_used,
                                           gsize *out_used)
{
	if (k == CODING_GZIP)
		return libdeflate_gzip_decompress_ex(dd, in, len, out, avail, in_used, out_used);
	if (raw)
		return libdeflate_deflate_decompress_ex(dd, in, len, out, avail, in_used, out_used);
	return libdeflate_zlib_decompress_ex(dd, in, len, out, avail, in_used, out_used);
}

/* Inflates gzip (every member; bytes after the last one are ignored, as
 * gzip(1) does) or deflate (zlib-wrapped, or raw as some servers send it).
 * Returns at most max bytes, or NULL with *error set. */
static GByteArray *decode_deflate(struct fw_decoder *d, enum coding k, const guint8 *in,
                                  gsize len, gint64 max, char **error)
{
	gsize limit = (gsize)max + 1, cap, in_off = 0, out_len = 0;
	gsize hint = len * 4;
	gboolean raw = FALSE;
	GByteArray *out;

	if (len == 0)
		return g_byte_array_new();
	if (d->inflate == NULL && (d->inflate = libdeflate_alloc_decompressor()) == NULL)
		g_error("fetch: out of memory for a decompressor");
	if (k == CODING_GZIP && len >= 18)   /* ISIZE: the last member's size mod 2^32 */
		hint = (gsize)in[len - 4] | (gsize)in[len - 3] << 8 | (gsize)in[len - 2] << 16 |
		       (gsize)in[len - 1] << 24;
	out = buf_new(MIN(hint, len * DECODE_DEFLATE_RATIO), limit, &cap);
	for (;;) {
		gsize in_used = 0, out_used = 0;
		enum libdeflate_result r = inflate_once(d->inflate, k, raw, in + in_off, len - in_off,
		                                        out->data + out_len, cap - out_len,
		                                        &in_used, &out_used);
		if (r == LIBDEFLATE_INSUFFICIENT_SPACE) {
			if (!buf_grow(out, &cap, limit))   /* max + 1 bytes would not hold it */
				break;
			continue;
		}
		if (r != LIBDEFLATE_SUCCESS && k == CODING_DEFLATE && !raw) {
			raw = TRUE;   /* not zlib: try raw deflate */
			continue;
		}
		if (r != LIBDEFLATE_SUCCESS) {
			*error = g_strdup_printf("%s body is corrupt or truncated",
			                         k == CODING_GZIP ? "gzip" : "deflate");
			g_byte_array_unref(out);
			return NULL;
		}
		in_off += in_used;
		out_len += out_used;
		if (k != CODING_GZIP || len - in_off < 18 || in[in_off] != 0x1f ||
		    in[in_off + 1] != 0x8b) {
			if (out_len <= (gsize)max) {
				g_byte_array_set_size(out, (guint)out_len);
				return out;
			}
			break;
		}
	}
	g_byte_array_unref(out);
	return too_big(max, error);
}

/* Decodes zstd frames (any number, skippable ones too) with a window of at
 * most 8 MiB. Returns at most max bytes, or NULL with *error set. */
static GByteArray *decode_zstd(struct fw_decoder *d, const guint8 *in, gsize len, gint64 max,
                               char **error)
{
	gsize limit = (gsize)max + 1;
	unsigned long long size = ZSTD_getFrameContentSize(in, len);
	gsize cap;
	ZSTD_inBuffer ib = { in, len, 0 };
	ZSTD_outBuffer ob;
	GByteArray *out;
	size_t ret = 0;

	if (len == 0)
		return g_byte_array_new();
	if (d->zstd == NULL) {
		if ((d->zstd = ZSTD_createDCtx()) == NULL)
			g_error("fetch: out of memory for a decompressor");
		ZSTD_DCtx_setParameter(d->zstd, ZSTD_d_windowLogMax, DECODE_ZSTD_WINDOW_LOG);
	}
	ZSTD_DCtx_reset(d->zstd, ZSTD_reset_session_only);
	out = buf_new(size <= limit ? (gsize)size : len * 4, limit, &cap);
	ob = (ZSTD_outBuffer){ out->data, cap, 0 };
	while (ib.pos < ib.size || (ret != 0 && ob.pos == ob.size)) {
		if (ob.pos == ob.size) {
			if (!buf_grow(out, &cap, limit))
				break;
			ob.dst = out->data;
			ob.size = cap;
		}
		gsize in_was = ib.pos, out_was = ob.pos;

		ret = ZSTD_decompressStream(d->zstd, &ob, &ib);
		if (ZSTD_isError(ret) || (ib.pos == in_was && ob.pos == out_was)) {
			*error = g_strdup_printf("zstd body cannot be decoded: %s",
			                         ZSTD_isError(ret) ? ZSTD_getErrorName(ret)
			                                           : "no progress");
			g_clear_pointer(&d->zstd, ZSTD_freeDCtx);
			g_byte_array_unref(out);
			return NULL;
		}
	}
	/* A frame's window (up to 8 MiB) stays in the context: an idle daemon
	 * does not keep a large one. */
	if (ZSTD_sizeof_DCtx(d->zstd) > DECODE_ZSTD_KEEP)
		g_clear_pointer(&d->zstd, ZSTD_freeDCtx);
	if (ob.pos > (gsize)max) {
		g_byte_array_unref(out);
		return too_big(max, error);
	}
	if (ret != 0) {
		*error = g_strdup("zstd body is truncated");
		g_byte_array_unref(out);
		return NULL;
	}
	g_byte_array_set_size(out, (guint)ob.pos);
	return out;
}

/* Whether a body starts as a feed's text does (after a UTF-8 byte order
 * mark and white space: '<' or '{'), which no compressed body does. */
static gboolean looks_like_text(const guint8 *p, gsize len)
{
	gsize i = len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;

	while (i < len && i < 4096 && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	return i < len && (p[i] == '<' || p[i] == '{');
}

GBytes *fw_decoder_run(struct fw_decoder *d, const char *coding, GByteArray *body,
                       gint64 max, char **error)
{
	const char *toks[DECODE_LAYERS_MAX];
	gsize lens[DECODE_LAYERS_MAX];
	guint n = 0;
	const char *p = coding != NULL ? coding : "";

	*error = NULL;
	max = MIN(max, (gint64)G_MAXUINT - 1);   /* a GByteArray's length is a guint */
	/* The codings in the order they were applied; identity is none. */
	while (*p != '\0') {
		gsize len;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		len = strcspn(p, " \t,");
		if (len == 0)
			break;
		if (coding_of(p, len) != CODING_IDENTITY) {
			if (n == DECODE_LAYERS_MAX) {
				*error = g_strdup_printf("more than %d content codings", DECODE_LAYERS_MAX);
				g_byte_array_unref(body);
				return NULL;
			}
			toks[n] = p;
			lens[n++] = len;
		}
		p += len;
	}
	while (n-- > 0) {
		enum coding c = coding_of(toks[n], lens[n]);
		GByteArray *out;

		switch (c) {
		case CODING_GZIP:
		case CODING_DEFLATE:
			out = decode_deflate(d, c, body->data, body->len, max, error);
			break;
		case CODING_ZSTD:
			out = decode_zstd(d, body->data, body->len, max, error);
			break;
		default:
			/* A label servers send by mistake ("UTF-8", "none") on a
			 * body that is plain text: read as it is, as browsers do. */
			if (looks_like_text(body->data, body->len))
				continue;
			*error = g_strdup_printf("content coding \"%.*s\" is not supported",
			                         (int)MIN(lens[n], 64), toks[n]);
			out = NULL;
			break;
		}
		g_byte_array_unref(body);
		if (out == NULL)
			return NULL;
		body = out;
	}
	if ((gint64)body->len > max) {
		g_byte_array_unref(body);
		too_big(max, error);
		return NULL;
	}
	return g_byte_array_free_to_bytes(body);
}
