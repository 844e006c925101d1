/* Unit tests for wordpack.c: texts packed a word at a time read back byte
 * for byte (a data table), models kept and loaded, and damaged bodies and
 * models refused or read within bounds, never out of them. */
#include <string.h>

#include "feedwatch/wordpack.h"

/* The words the test models learn from. */
static const char *const vocab[] = {
	"the", "government", "said", "trade", "minister", "bloc", "summit", "inflation",
	"peso", "exports", "talks", "agreement", "on", "with", "a", "of", "to", "and",
	"Milei", "Mercosur", "swap", "yuan", "Buenos", "Aires", "Brasília", "Кремль",
};

struct pack_row {
	const char *name;
	const char *summary;    /* NULL: absent */
	const char *content;
	const char *cats[4];    /* NULL-terminated */
};

static const struct pack_row pack_rows[] = {
	{ "nothing", NULL, NULL, { NULL } },
	{ "empty texts", "", "", { "", NULL } },
	{ "content alone", NULL, "the minister said the talks on trade", { NULL } },
	{ "summary alone", "Milei and the peso", NULL, { NULL } },
	{ "summary begins the content", "the minister said",
	  "the minister said the talks on trade", { NULL } },
	{ "summary is the content", "the peso", "the peso", { NULL } },
	{ "summary goes on past the content", "the peso of the bloc [\xe2\x80\xa6]",
	  "the peso", { NULL } },
	{ "summary cut inside a word", "the govern", "the government said", { NULL } },
	{ "summary shares nothing", "Exports and inflation", "Talks on trade", { NULL } },
	{ "categories", NULL, "x", { "Trade", "Latin America", "Milei, Javier", NULL } },
	{ "spaces", "  two  spaces ", " the  minister   said ", { " ", NULL } },
	{ "space at the ends", " the", "the ", { NULL } },
	{ "punctuation", NULL, "Milei, the minister, said: \"swap?\" \xe2\x80\x9cyes\xe2\x80\x9d\xe2\x80\xa6 (bloc).",
	  { NULL } },
	{ "lines", NULL, "the peso\n\nthe bloc\r\n\ttalks", { NULL } },
	{ "words outside the model", NULL,
	  "Zyxwvut qqq the 1234567 peso 3.14159 Ωμέγα 北京 🙂 naïve", { NULL } },
	{ "numbers", "2026-12-05", "On 5 December 2026, 12:30 UTC, 1,000,000 pesos", { NULL } },
	{ "non-Latin words", NULL, "Кремль и Путин; 中国 人民银行", { NULL } },
	{ "one letter", NULL, "a", { NULL } },
	{ "one space", NULL, " ", { NULL } },
	{ "markup left in", NULL, "<p>the &amp; peso</p>", { NULL } },
};

/* A model learned from n texts of words of vocab at random. */
static struct fw_wordpack *model_make(guint32 id, int n, guint32 seed)
{
	g_autoptr(GRand) rand = g_rand_new_with_seed(seed);
	struct fw_wordpack_trainer *t = fw_wordpack_trainer_new();
	struct fw_wordpack *m;

	for (int i = 0; i < n; i++) {
		g_autoptr(GString) s = g_string_new(NULL);
		struct fw_wordpack_texts x = { NULL, NULL, NULL, 0 };

		for (int w = 0; w < 40; w++)
			g_string_append_printf(s, w ? " %s" : "%s",
			                       vocab[g_rand_int_range(rand, 0, G_N_ELEMENTS(vocab))]);
		g_string_append_c(s, '.');
		x.content = s->str;
		fw_wordpack_trainer_add(t, &x);
	}
	m = fw_wordpack_trainer_model(t, id);
	fw_wordpack_trainer_free(t);
	g_assert_nonnull(m);
	g_assert_cmpuint(fw_wordpack_id(m), ==, id);
	return m;
}

static struct fw_wordpack_texts texts_of(const struct pack_row *r)
{
	struct fw_wordpack_texts x = { r->summary, r->content, (const char *const *)r->cats, 0 };

	while (r->cats[x.n_cats])
		x.n_cats++;
	return x;
}

/* Unpacks body with m and checks it gives x back. */
static void check_back(const struct fw_wordpack *m, GBytes *body, const struct fw_wordpack_texts *x)
{
	g_autofree char *summary = NULL, *content = NULL;
	g_autoptr(GPtrArray) cats = g_ptr_array_new_with_free_func(g_free);

	g_assert_true(fw_wordpack_unpack(m, g_bytes_get_data(body, NULL), g_bytes_get_size(body),
	                                 &summary, &content, cats));
	g_assert_cmpstr(summary, ==, x->summary);
	g_assert_cmpstr(content, ==, x->content);
	g_assert_cmpuint(cats->len, ==, x->n_cats);
	for (guint i = 0; i < x->n_cats; i++)
		g_assert_cmpstr(cats->pdata[i], ==, x->cats[i]);
}

/* Every row packs and reads back byte for byte, with a model that knows
 * some of its words and with one that knows none (learned from nothing). */
static void test_round_trip(void)
{
	struct fw_wordpack *models[2] = { model_make(7, 200, 1), model_make(8, 0, 1) };

	for (guint k = 0; k < G_N_ELEMENTS(models); k++) {
		for (guint i = 0; i < G_N_ELEMENTS(pack_rows); i++) {
			struct fw_wordpack_texts x = texts_of(&pack_rows[i]);
			g_autoptr(GBytes) body = fw_wordpack_pack(models[k], &x);

			g_test_message("%s, model %u", pack_rows[i].name, k);
			g_assert_cmpuint(fw_wordpack_body_id(g_bytes_get_data(body, NULL),
			                                     g_bytes_get_size(body)), ==,
			                 fw_wordpack_id(models[k]));
			check_back(models[k], body, &x);
		}
		fw_wordpack_free(models[k]);
	}
}

/* Long texts: a word longer than a listed one may be, and 64 KiB of words. */
static void test_long(void)
{
	struct fw_wordpack *m = model_make(9, 100, 2);
	g_autofree char *word = g_strnfill(300, 'x');
	g_autoptr(GString) big = g_string_new(word);
	struct fw_wordpack_texts x = { NULL, NULL, NULL, 0 };
	g_autoptr(GBytes) body = NULL;

	while (big->len < 65536)
		g_string_append_printf(big, " %s", vocab[big->len % G_N_ELEMENTS(vocab)]);
	x.content = big->str;
	x.summary = word;
	body = fw_wordpack_pack(m, &x);
	check_back(m, body, &x);
	fw_wordpack_free(m);
}

/* Texts past a body's bounds are refused (the store packs them with zstd):
 * more categories than FW_WORDPACK_CATS_MAX, more bytes in all than half
 * FW_WORDPACK_OUT_MAX; at the bounds they read back. */
static void test_bounds(void)
{
	struct fw_wordpack *m = model_make(15, 10, 8);
	g_autofree const char **cats = g_new(const char *, FW_WORDPACK_CATS_MAX + 1);
	g_autofree char *text = g_strnfill(FW_WORDPACK_OUT_MAX / 2, 'a');
	struct fw_wordpack_texts x = { NULL, NULL, cats, FW_WORDPACK_CATS_MAX };
	GBytes *body;

	for (guint i = 0; i <= FW_WORDPACK_CATS_MAX; i++)
		cats[i] = "Trade";
	g_assert_nonnull((body = fw_wordpack_pack(m, &x)));
	check_back(m, body, &x);
	g_bytes_unref(body);
	x.n_cats++;
	g_assert_null(fw_wordpack_pack(m, &x));
	x = (struct fw_wordpack_texts){ NULL, text, NULL, 0 };
	g_assert_nonnull((body = fw_wordpack_pack(m, &x)));
	check_back(m, body, &x);
	g_bytes_unref(body);
	x.summary = "a";
	g_assert_null(fw_wordpack_pack(m, &x));
	fw_wordpack_free(m);
}

/* Text of the model's words packs to well under its bytes: about 5 bits a
 * word of 26 against 7 bytes a word and its space. */
static void test_small(void)
{
	struct fw_wordpack *m = model_make(10, 300, 3);
	g_autoptr(GRand) rand = g_rand_new_with_seed(4);
	g_autoptr(GString) s = g_string_new(NULL);
	struct fw_wordpack_texts x = { NULL, NULL, NULL, 0 };
	g_autoptr(GBytes) body = NULL;

	for (int w = 0; w < 400; w++)
		g_string_append_printf(s, w ? " %s" : "%s",
		                       vocab[g_rand_int_range(rand, 0, G_N_ELEMENTS(vocab))]);
	x.content = s->str;
	body = fw_wordpack_pack(m, &x);
	check_back(m, body, &x);
	g_test_message("%zu bytes packed to %zu", s->len, g_bytes_get_size(body));
	g_assert_cmpuint(g_bytes_get_size(body) * 8, <, s->len);
	fw_wordpack_free(m);
}

/* A model kept (fw_wordpack_save) and loaded packs the same bytes; the same
 * texts learned make the same model; a body of another model is refused. */
static void test_save_load(void)
{
	struct fw_wordpack *m = model_make(11, 150, 5), *again = model_make(11, 150, 5), *back;
	g_autoptr(GBytes) saved = fw_wordpack_save(m), saved2 = fw_wordpack_save(again);
	gsize n;
	const void *data = g_bytes_get_data(saved, &n);

	g_assert_true(g_bytes_equal(saved, saved2));
	g_assert_true(fw_wordpack_is_model(data, n));
	g_assert_nonnull((back = fw_wordpack_load(data, n, 12)));
	for (guint i = 0; i < G_N_ELEMENTS(pack_rows); i++) {
		struct fw_wordpack_texts x = texts_of(&pack_rows[i]);
		g_autoptr(GBytes) a = fw_wordpack_pack(m, &x), b = fw_wordpack_pack(back, &x);
		g_autofree char *s = NULL, *c = NULL;
		g_autoptr(GPtrArray) cats = g_ptr_array_new_with_free_func(g_free);

		/* the same code after the ID */
		g_assert_cmpuint(g_bytes_get_size(a), ==, g_bytes_get_size(b));
		g_assert_cmpmem((const char *)g_bytes_get_data(a, NULL) + 5, g_bytes_get_size(a) - 5,
		                (const char *)g_bytes_get_data(b, NULL) + 5, g_bytes_get_size(b) - 5);
		check_back(back, b, &x);
		g_assert_false(fw_wordpack_unpack(back, g_bytes_get_data(a, NULL), g_bytes_get_size(a),
		                                  &s, &c, cats));
		g_assert_cmpuint(cats->len, ==, 0);
	}
	g_assert_false(fw_wordpack_is_model("FWW", 3));
	g_assert_null(fw_wordpack_load("(\xb5/\xfd", 4, 1));
	g_assert_cmpuint(fw_wordpack_body_id("(\xb5/\xfd\x20\x00", 6), ==, 0);
	fw_wordpack_free(m);
	fw_wordpack_free(again);
	fw_wordpack_free(back);
}

/* Texts read from a damaged body: at most the bound, no NUL inside. */
static void check_bounded(const struct fw_wordpack *m, const guint8 *p, gsize n)
{
	g_autofree char *s = NULL, *c = NULL;
	g_autoptr(GPtrArray) cats = g_ptr_array_new_with_free_func(g_free);
	gsize total = 0;

	if (!fw_wordpack_unpack(m, p, n, &s, &c, cats)) {
		g_assert_null(s);
		g_assert_null(c);
		g_assert_cmpuint(cats->len, ==, 0);
		return;
	}
	total = (s ? strlen(s) : 0) + (c ? strlen(c) : 0);
	for (guint i = 0; i < cats->len; i++)
		total += strlen(cats->pdata[i]);
	g_assert_cmpuint(total, <=, 2 * FW_WORDPACK_OUT_MAX);
}

/* Every cut and every flipped bit of packed bodies is refused or read
 * within bounds; so are bodies of a long run of zeros or ones. */
static void test_damaged_body(void)
{
	struct fw_wordpack *m = model_make(13, 100, 6);
	guint8 bad[4096];

	for (guint i = 0; i < G_N_ELEMENTS(pack_rows); i++) {
		struct fw_wordpack_texts x = texts_of(&pack_rows[i]);
		g_autoptr(GBytes) body = fw_wordpack_pack(m, &x);
		gsize n;
		const guint8 *p = g_bytes_get_data(body, &n);
		g_autofree guint8 *copy = g_memdup2(p, n);

		for (gsize cut = 0; cut < n; cut++)
			check_bounded(m, p, cut);
		for (gsize bit = 5 * 8; bit < n * 8; bit++) {
			copy[bit / 8] ^= (guint8)(1 << (bit % 8));
			check_bounded(m, copy, n);
			copy[bit / 8] ^= (guint8)(1 << (bit % 8));
		}
	}
	for (int fill = 0; fill < 2; fill++) {
		memset(bad, fill ? 0xff : 0, sizeof bad);
		bad[0] = FW_WORDPACK_MAGIC;
		bad[1] = 13;
		bad[2] = bad[3] = bad[4] = 0;
		check_bounded(m, bad, sizeof bad);
	}
	fw_wordpack_free(m);
}

/* Every cut and every flipped bit of a kept model is refused, or makes a
 * model that packs and reads back the rows (the lengths it holds make a
 * code: loading checks them). */
static void test_damaged_model(void)
{
	struct fw_wordpack *m = model_make(14, 20, 7);
	g_autoptr(GBytes) saved = fw_wordpack_save(m);
	gsize n;
	const guint8 *p = g_bytes_get_data(saved, &n);
	g_autofree guint8 *copy = g_memdup2(p, n);
	guint loaded = 0;

	for (gsize cut = 0; cut < n; cut++)
		g_assert_null(fw_wordpack_load(p, cut, 1));
	for (gsize bit = 0; bit < n * 8; bit += 3) {
		struct fw_wordpack *d;

		copy[bit / 8] ^= (guint8)(1 << (bit % 8));
		if ((d = fw_wordpack_load(copy, n, 1))) {
			loaded++;
			for (guint i = 0; i < G_N_ELEMENTS(pack_rows); i++) {
				struct fw_wordpack_texts x = texts_of(&pack_rows[i]);
				g_autoptr(GBytes) body = fw_wordpack_pack(d, &x);

				check_back(d, body, &x);
			}
			fw_wordpack_free(d);
		}
		copy[bit / 8] ^= (guint8)(1 << (bit % 8));
	}
	g_test_message("%u of %zu damaged models loaded", loaded, n * 8 / 3);
	fw_wordpack_free(m);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/wordpack/round-trip", test_round_trip);
	g_test_add_func("/wordpack/long", test_long);
	g_test_add_func("/wordpack/bounds", test_bounds);
	g_test_add_func("/wordpack/small", test_small);
	g_test_add_func("/wordpack/save-load", test_save_load);
	g_test_add_func("/wordpack/damaged-body", test_damaged_body);
	g_test_add_func("/wordpack/damaged-model", test_damaged_model);
	return g_test_run();
}
