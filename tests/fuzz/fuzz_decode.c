/* libFuzzer harness for fetch-decode.c: the first byte picks a
 * Content-Encoding, the rest is the body. Whatever the bytes, the decoder
 * returns at most the cap or an error sentence, never both, never neither. */
#include <stdint.h>
#include <string.h>

#include "../../daemon/fetch-int.h"

#define CAP 65536

static const char *const codings[] = {
	"gzip", "deflate", "zstd", "identity", "deflate, gzip", "gzip, zstd",
	"zstd, deflate", "gzip, gzip", "br", NULL,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fw_decoder *d;   /* one decoder for every run, as a fetcher keeps */
	GByteArray *body;
	GBytes *out;
	char *error = NULL;

	if (size < 1)
		return 0;
	if (d == NULL)
		d = fw_decoder_new();
	body = g_byte_array_sized_new((guint)size);
	g_byte_array_append(body, data + 1, (guint)(size - 1));
	out = fw_decoder_run(d, codings[data[0] % G_N_ELEMENTS(codings)], body, CAP, &error);
	if ((out == NULL) == (error == NULL))
		__builtin_trap();
	if (out != NULL && g_bytes_get_size(out) > CAP)
		__builtin_trap();
	if (error != NULL && (error[0] == '\0' || !g_utf8_validate(error, -1, NULL)))
		__builtin_trap();
	if (out != NULL)
		g_bytes_unref(out);
	g_free(error);
	return 0;
}
