/* libFuzzer harness for wordpack.c. The first byte picks what the rest is:
 * 0, a packed body, read with a fixed model: refused, or texts within the
 * bound with no NUL; 1, a kept model: refused, or one that packs and reads
 * back the fixed texts; 2, texts (summary, content, categories, split at
 * NUL bytes): packed with the fixed model, they read back as they were. */
#include <stdint.h>
#include <string.h>

#include "feedwatch/wordpack.h"

static const char *const texts[] = {
	"", "the peso", "Milei said the swap with the yuan, on Friday.",
	"Кремль и Путин; 中国 人民银行 🙂", "  two  spaces ", "x\n\ny",
};

/* The fixed model: learned from the texts above. */
static struct fw_wordpack *model(void)
{
	static struct fw_wordpack *m;

	if (!m) {
		struct fw_wordpack_trainer *t = fw_wordpack_trainer_new();

		for (int r = 0; r < 3; r++)
			for (guint i = 0; i < G_N_ELEMENTS(texts); i++) {
				struct fw_wordpack_texts x = { NULL, texts[i], NULL, 0 };

				fw_wordpack_trainer_add(t, &x);
			}
		m = fw_wordpack_trainer_model(t, 77);
		fw_wordpack_trainer_free(t);
	}
	return m;
}

/* Packs x with m and traps unless it reads back as it was (or, refused,
 * it holds more than a body may). */
static void round_trip(const struct fw_wordpack *m, const struct fw_wordpack_texts *x)
{
	GBytes *b = fw_wordpack_pack(m, x);
	char *s = NULL, *c = NULL;
	GPtrArray *cats;
	gsize total = 0;

	if (!b) {
		total += x->summary ? strlen(x->summary) : 0;
		total += x->content ? strlen(x->content) : 0;
		for (guint i = 0; i < x->n_cats; i++)
			total += strlen(x->cats[i]);
		if (x->n_cats <= FW_WORDPACK_CATS_MAX && total <= FW_WORDPACK_OUT_MAX / 2)
			__builtin_trap();
		return;
	}
	cats = g_ptr_array_new_with_free_func(g_free);

	if (!fw_wordpack_unpack(m, g_bytes_get_data(b, NULL), g_bytes_get_size(b), &s, &c, cats) ||
	    g_strcmp0(s, x->summary) || g_strcmp0(c, x->content) || cats->len != x->n_cats)
		__builtin_trap();
	for (guint i = 0; i < cats->len; i++)
		if (strcmp(cats->pdata[i], x->cats[i]))
			__builtin_trap();
	g_free(s);
	g_free(c);
	g_ptr_array_unref(cats);
	g_bytes_unref(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct fw_wordpack *m = model();

	if (size < 1)
		return 0;
	if (data[0] % 3 == 0) {
		char *s = NULL, *c = NULL;
		GPtrArray *cats = g_ptr_array_new_with_free_func(g_free);

		if (fw_wordpack_unpack(m, data + 1, size - 1, &s, &c, cats)) {
			gsize total = (s ? strlen(s) : 0) + (c ? strlen(c) : 0);

			for (guint i = 0; i < cats->len; i++)
				total += strlen(cats->pdata[i]);
			if (total > 2 * FW_WORDPACK_OUT_MAX)
				__builtin_trap();
		} else if (s || c || cats->len) {
			__builtin_trap();
		}
		g_free(s);
		g_free(c);
		g_ptr_array_unref(cats);
	} else if (data[0] % 3 == 1) {
		struct fw_wordpack *d = fw_wordpack_load(data + 1, size - 1, 5);

		for (guint i = 0; d && i < G_N_ELEMENTS(texts); i++) {
			const char *cat = texts[i];
			struct fw_wordpack_texts x = { texts[(i + 1) % G_N_ELEMENTS(texts)], texts[i],
			                               &cat, 1 };

			round_trip(d, &x);
		}
		fw_wordpack_free(d);
	} else {
		/* the texts: NUL-separated; the first two may be absent (one byte 0x01) */
		gchar **parts;
		GPtrArray *all = g_ptr_array_new_with_free_func(g_free);
		gsize at = 0;

		while (at <= size - 1) {
			gsize n = strnlen((const char *)data + 1 + at, size - 1 - at);

			g_ptr_array_add(all, g_strndup((const char *)data + 1 + at, n));
			at += n + 1;
		}
		g_ptr_array_add(all, NULL);
		parts = (gchar **)all->pdata;
		{
			struct fw_wordpack_texts x = { NULL, NULL, NULL, 0 };
			guint n = all->len - 1;

			if (n > 0 && strcmp(parts[0], "\x01"))
				x.summary = parts[0];
			if (n > 1 && strcmp(parts[1], "\x01"))
				x.content = parts[1];
			if (n > 2) {
				x.cats = (const char *const *)parts + 2;
				x.n_cats = n - 2;
			}
			round_trip(m, &x);
		}
		g_ptr_array_unref(all);
	}
	return 0;
}
