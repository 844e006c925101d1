/* libFuzzer harness for html.c: any bytes in, valid UTF-8 out, output within
 * the documented bound, no leading/trailing or double spaces after folding. */
#include <stdint.h>
#include <string.h>

#include "feedwatch/html.h"

/* Aborts unless s is valid UTF-8, at most limit bytes, and folded. */
static void check(const char *s, size_t limit, gboolean folded)
{
	size_t n = strlen(s);
	if (!g_utf8_validate(s, -1, NULL) || n > limit)
		__builtin_trap();
	if (folded && n > 0 && (s[0] == ' ' || s[n - 1] == ' ' || strstr(s, "  ")))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char *t;

	t = fw_html_to_text(s, size);
	check(t, 3 * size + 16, TRUE);
	g_free(t);
	t = fw_html_clean(s, size);
	check(t, 3 * size + 16, TRUE);
	g_free(t);
	t = fw_html_valid_utf8(s, size);
	check(t, 3 * size + 16, FALSE);
	g_free(t);
	return 0;
}
