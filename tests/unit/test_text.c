/* Unit tests for text.c: normalisation and tokenising, as data tables. */
#include <string.h>

#include "feedwatch/text.h"

struct norm_row {
	const char *in;
	const char *out;
};

static const struct norm_row norm_rows[] = {
	{ "", "" },
	{ "milei", "milei" },
	{ "MILEI", "milei" },
	{ "Milei", "milei" },
	{ "Común", "comun" },
	{ "Comu\u0301n", "comun" },              /* decomposed accent */
	{ "ＭＩＬＥＩ", "milei" },                /* full-width */
	{ "２０２４", "2024" },
	{ "ﬁnance", "finance" },                  /* ligature */
	{ "Straße", "strasse" },
	{ "STRASSE", "strasse" },
	{ "İstanbul", "istanbul" },               /* dotted capital I */
	{ "Ελλάδα", "ελλαδα" },
	{ "ΣΟΦΟΣ", "σοφοσ" },
	{ "σοφος", "σοφοσ" },                     /* final sigma folds */
	{ "Москва", "москва" },
	{ "Ёлка", "елка" },
	{ "naïve café", "naive cafe" },
	{ "São Paulo", "sao paulo" },
	{ "Ølstykke", "olstykke" },               /* Ø has no decomposition: folded */
	{ "Łódź", "lodz" },
	{ "Wałęsa", "walesa" },
	{ "Đoković", "dokovic" },
	{ "Søren", "soren" },
	{ "Diyarbakır", "diyarbakir" },           /* dotless i */
	{ "DIYARBAKIR", "diyarbakir" },
	{ "Ðóra þórður", "dora thordur" },
	{ "Þórshöfn", "thorshofn" },
	{ "Ħamrun", "hamrun" },
	{ "ŦŧŊŋĸ", "ttnnq" },
	{ "Æbeltoft œuvre ŒUVRE", "aebeltoft oeuvre oeuvre" },
	{ "Ǽ Ǿ ǿ", "ae o o" },                    /* accented: decomposed, then folded */
	{ "ȽƚɃƀƵƶǤǥȻȼɆɇɈɉɌɍɎɏƗɨɄʉⱣᵽ", "llbbzzggcceejjrryyiiuupp" },
	{ "ŉ", "n" },                             /* NFKD gives U+02BC n */
	{ "ƛ", "ƛ" },                             /* lambda with stroke: not an l */
	{ "\u212B", "a" },                        /* angstrom sign */
	{ "Ǆemal", "dzemal" },
	{ "Mercado Común del Sur", "mercado comun del sur" },
	{ "Trump-Milei", "trump-milei" },
	{ "ｶﾀｶﾅ", "カタカナ" },                    /* half-width katakana */
	{ "が", "か" },                           /* dakuten is a combining mark */
	{ "中国", "中国" },
	{ "\u0301", "" },                         /* a lone mark */
	{ "काम कम", "काम कम" },                   /* Devanagari vowel signs stay */
	{ "दिल्ली", "दिल्ली" },                      /* and the virama */
	{ "क़", "क\u093C" },                        /* nukta: decomposed, kept */
	{ "รัฐบาล", "รัฐบาล" },                    /* Thai vowel marks stay */
	{ "Nguyễn Phú Trọng", "nguyen phu trong" },   /* Vietnamese accents go */
	{ "Αθήνα ΆΈΉ", "αθηνα αεη" },              /* Greek tonos */
	{ "יְרוּשָׁלַיִם", "ירושלים" },             /* Hebrew points */
	{ "مُحَمَّد الْقُرْآن", "محمد القران" },       /* Arabic harakat, madda */
	{ "\u0456\u0483", "\u0456" },               /* Cyrillic titlo */
	{ "a\u1AB0\u1DC0\u20D0\uFE20", "a" },       /* the combining blocks */
	{ "Mi\u00ADlei", "milei" },                /* soft hyphen */
	{ "Mi\u200Elei\u200B", "milei" },          /* LRM, zero-width space */
	{ "ميـــلي", "ميلي" },                    /* tatweel */
};

static void
test_normalize(gconstpointer data)
{
	const struct norm_row *r = data;
	g_autofree char *got = fw_text_normalize(r->in, -1);

	g_assert_cmpstr(got, ==, r->out);
}

static void
test_normalize_edge(void)
{
	g_autofree char *null = fw_text_normalize(NULL, -1);
	g_autofree char *part = fw_text_normalize("Común del Sur", 6);
	g_autofree char *bad = fw_text_normalize("ab\xff" "cd", -1);

	g_assert_cmpstr(null, ==, "");
	g_assert_cmpstr(part, ==, "comun");
	g_assert_true(g_utf8_validate(bad, -1, NULL));
	g_assert_true(g_str_has_prefix(bad, "ab"));
	g_assert_true(g_str_has_suffix(bad, "cd"));
}

/* Words as "norm:start-end" separated by spaces. */
struct tok_row {
	const char *in;
	const char *words;
};

static const struct tok_row tok_rows[] = {
	{ "", "" },
	{ "   ", "" },
	{ "Milei", "milei:0-5" },
	{ "Javier Milei", "javier:0-6 milei:7-12" },
	{ "Trump-Milei", "trump:0-5 milei:6-11" },
	{ "China's", "china:0-5 s:6-7" },
	{ "Milei’s government", "milei:0-5 s:6-7 government:8-18" },
	{ "“Mercosur”", "mercosur:1-9" },
	{ "«Mercosul»", "mercosul:1-9" },
	{ "Común", "comun:0-5" },
	{ "Comu\u0301n", "comun:0-6" },
	{ "\u0301abc", "abc:1-4" },                    /* a mark cannot start a word */
	{ "ＭＩＬＥＩ", "milei:0-5" },
	{ "２０２４年", "2024:0-4 年:4-5" },
	{ "ﬁnance", "finance:0-6" },
	{ "Straße", "strasse:0-6" },
	{ "İstanbul", "istanbul:0-8" },
	{ "Ελλάδα και Κύπρος", "ελλαδα:0-6 και:7-10 κυπροσ:11-17" },
	{ "Москва и Ёлка", "москва:0-6 и:7-8 елка:9-13" },
	{ "中国货币互换", "中:0-1 国:1-2 货:2-3 币:3-4 互:4-5 换:5-6" },
	{ "Xi的China", "xi:0-2 的:2-3 china:3-8" },
	{ "ひらがなカタカナ", "ひ:0-1 ら:1-2 か:2-3 な:3-4 カ:4-5 タ:5-6 カ:6-7 ナ:7-8" },
	{ "ｶﾀｶﾅ", "カ:0-1 タ:1-2 カ:2-3 ナ:3-4" },
	{ "한국", "\u1112\u1161\u11AB:0-1 \u1100\u116E\u11A8:1-2" },
	{ "COVID-19 in 2024", "covid:0-5 19:6-8 in:9-11 2024:12-16" },
	{ "3.5%", "3:0-1 5:2-3" },
	{ "swap😀deal", "swap:0-4 deal:5-9" },        /* emoji separates */
	{ "😀😀", "" },
	{ "e-mail_address", "e:0-1 mail:2-6 address:7-14" },
	{ "  leading and trailing  ", "leading:2-9 and:10-13 trailing:14-22" },
	{ "l'économie", "l:0-1 economie:2-10" },
	{ "naïve", "naive:0-5" },
	{ "a\tb\nc", "a:0-1 b:2-3 c:4-5" },
	{ "Ølstykke", "olstykke:0-8" },
	{ "Łódź Wałęsa", "lodz:0-4 walesa:5-11" },
	{ "Đoković, Søren", "dokovic:0-7 soren:9-14" },
	{ "١٢٣", "١٢٣:0-3" },                          /* Arabic-Indic digits */
	{ "Ǆemal", "dzemal:0-5" },
	{ "caféＸ", "cafex:0-5" },                     /* slow path inside a Latin word */
	{ "ab\xff" "cd", "ab:0-2 cd:3-5" },             /* an invalid byte separates */
	{ "Mercado Común del Sur", "mercado:0-7 comun:8-13 del:14-17 sur:18-21" },
	{ "swap, swaps; swapped.", "swap:0-4 swaps:6-11 swapped:13-20" },
	{ "class=\"center\"", "class:0-5 center:7-13" },
	{ "O’Neill’s", "o:0-1 neill:2-7 s:8-9" },
	{ "x—y–z", "x:0-1 y:2-3 z:4-5" },              /* em and en dashes */
	{ "Mi\u00ADlei", "milei:0-6" },              /* soft hyphen joins */
	{ "Mi\u200Dlei", "milei:0-6" },              /* zero-width joiner joins */
	{ "Mi\u200Blei", "milei:0-6" },              /* zero-width space joins in Latin */
	{ "Mi\u200Elei Mi\u200Flei", "milei:0-6 milei:7-13" },   /* LRM, RLM join */
	{ "Mi\u061Clei Mi\u202Elei\u202C Mi\u2066lei", "milei:0-6 milei:7-14 milei:15-21" },
	{ "\u200BMilei\u200B x", "milei:1-7 x:8-9" },
	{ "ไทย\u200Bประเทศ", "ไทย:0-3 ประเทศ:4-10" },   /* ... and separates in Thai */
	{ "abc\u200Bไทย", "abc:0-3 ไทย:4-7" },
	{ "ໄທ\u200Bລາວ ខ្មែរ\u200Bx", "ໄທ:0-2 ລາວ:3-6 ខ្មែរ:7-12 x:13-14" },   /* Lao, Khmer */
	{ "सरकार ने कम किया", "सरकार:0-5 ने:6-8 कम:9-11 किया:12-16" },
	{ "\u093Fx", "x:1-2" },                        /* a kept mark cannot start a word either */
	{ "ไทย abc\u200Bdef", "ไทย:0-3 abcdef:4-11" },
	{ "ميـــلي", "ميلي:0-7" },                      /* tatweel joins */
	{ "ـلي", "لي:1-3" },
	{ "\u00ADMilei", "milei:1-6" },
	{ "Chinaʼs swap", "china:0-5 s:6-7 swap:8-12" },   /* U+02BC apostrophe separates */
	{ "As Milei¹ noted.", "as:0-2 milei:3-8 noted:10-15" },   /* footnote mark separates */
	{ "km² H₂O ½ ① ❶x", "km:0-2 h:4-5 o:6-7 x:13-14" },   /* so does every other number (No) */
	{ "G20 in 2024, Ⅻ", "g20:0-3 in:4-6 2024:7-11 xii:13-14" },   /* digits and Nl stay */
	{ "www.example.com/a?b=1", "www:0-3 example:4-11 com:12-15 a:16-17 b:18-19 1:20-21" },
};

static void
tok_cb(const struct fw_text_word *w, gpointer data)
{
	GString *s = data;
	guint n = 0;

	/* index must count words: one more than the spaces so far */
	for (const char *p = s->str; *p; p++)
		n += *p == ' ';
	g_assert_cmpuint(w->index, ==, s->len ? n + 1 : 0);
	g_string_append_printf(s, "%s%s:%u-%u", s->len ? " " : "", w->norm, w->start, w->end);
}

static void
test_tokenize(gconstpointer data)
{
	const struct tok_row *r = data;
	g_autoptr(GString) s = g_string_new(NULL);
	guint n = fw_text_tokenize(r->in, tok_cb, s);
	guint words = 0;

	g_assert_cmpstr(s->str, ==, r->words);
	for (const char *p = r->words; *p; p++)
		words += *p == ':';
	g_assert_cmpuint(n, ==, words);
}

static void
count_cb(const struct fw_text_word *w, gpointer data)
{
	GString *s = data;

	g_assert_cmpuint(w->len, ==, strlen(w->norm));
	g_assert_cmpuint(w->hash, ==, fw_text_hash(w->norm, w->len));
	g_string_append_printf(s, "%zu:%u-%u;", strlen(w->norm), w->start, w->end);
}

/* A word longer than FW_TEXT_WORD_MAX bytes is cut, keeping its offsets. */
static void
test_tokenize_long(void)
{
	g_autoptr(GString) text = g_string_new(NULL);
	g_autoptr(GString) got = g_string_new(NULL);
	g_autofree char *want = NULL;

	for (int i = 0; i < 300; i++)
		g_string_append_c(text, 'A');
	g_string_append(text, " é");
	for (int i = 0; i < 200; i++)
		g_string_append(text, "é");   /* 201 × "e": fits */
	g_string_append(text, " ");
	for (int i = 0; i < 300; i++)
		g_string_append(text, "ж");   /* 2 bytes each: 127 fit */
	fw_text_tokenize(text->str, count_cb, got);
	want = g_strdup_printf("%d:0-300;201:301-502;%d:503-803;", FW_TEXT_WORD_MAX,
	                       (FW_TEXT_WORD_MAX / 2) * 2);
	g_assert_cmpstr(got->str, ==, want);
	g_assert_cmpuint(fw_text_tokenize(NULL, count_cb, got), ==, 0);
}

struct check {
	const char *text;
	guint fails;
};

/* Checks that each word's norm is fw_text_normalize of its original text,
 * and that its length and hash are those of norm. */
static void
consistent_cb(const struct fw_text_word *w, gpointer data)
{
	struct check *c = data;
	const char *a = g_utf8_offset_to_pointer(c->text, w->start);
	const char *b = g_utf8_offset_to_pointer(c->text, w->end);
	g_autofree char *want = fw_text_normalize(a, b - a);

	if (strcmp(w->norm, want) != 0 || w->len != strlen(w->norm) ||
	    w->hash != fw_text_hash(w->norm, w->len)) {
		if (c->fails++ < 5)
			g_test_message("word '%.*s': tokenizer '%s' (%u bytes, hash %08x), normalize '%s'",
			               (int)(b - a), a, w->norm, w->len, w->hash, want);
	}
}

/* Property: the fast paths of the tokenizer agree with fw_text_normalize. */
static void
test_tokenize_consistent(void)
{
	static const char *const pool[] = {
		"a", "Z", "5", " ", "-", "'", "’", "é", "É", "ß", "ﬁ", "İ", "ı", "Σ", "ς", "ж",
		"Ё", "\u0301", "\u0308", "Ａ", "１", "中", "が", "ｶ", "한", "😀", "ŉ", "ǰ", "ẞ",
		"ᾳ", "Ω", "Ω", "µ", "½", "²", "ﬀ", "Ǆ", "ǅ", "Ĳ", "ŀ", "ſ", "ʼn", "ϐ", "ﬆ", "ά",
		"\u0345", "Ⅻ", "ⓐ", "ǲ", "К", "ӂ", "ԁ", "א", "ب", "ह", "ि", "्", "\u00AD",
		"\u200D", "\u200B", "\uFEFF", "ł", "Ł", "ø", "Æ", "œ", "þ", "ı", "đ", "Ƚ", "ᵽ",
		"\u02BC", "¹", "\u200E", "\u061C", "\u0640", "ก", "ไ", "\u202E",
		"\u0E31", "\u093E", "\u064E", "\u05B0", "\u0958", "\u093C", "\u0301\u093C",
	};
	GRand *rng = g_rand_new_with_seed(42);
	struct check c = { 0 };

	for (int i = 0; i < 2000; i++) {
		g_autoptr(GString) s = g_string_new(NULL);
		int n = g_rand_int_range(rng, 0, 20);
		for (int j = 0; j < n; j++)
			g_string_append(s, pool[g_rand_int_range(rng, 0, G_N_ELEMENTS(pool))]);
		c.text = s->str;
		fw_text_tokenize(s->str, consistent_cb, &c);
	}
	g_rand_free(rng);
	g_assert_cmpuint(c.fails, ==, 0);
}

/* Every mark below U+0600 (norm_table's range) is an accent, dropped, so the
 * table's one-character forms add up to a word's (U+0345 folds to iota). */
static void
test_marks_below_table(void)
{
	for (gunichar c = 0x80; c < 0x0600; c++) {
		GUnicodeType t = g_unichar_type(c);
		char s[8] = "a";
		g_autofree char *norm = NULL;

		if (t != G_UNICODE_NON_SPACING_MARK && t != G_UNICODE_SPACING_MARK &&
		    t != G_UNICODE_ENCLOSING_MARK)
			continue;
		s[1 + g_unichar_to_utf8(c, s + 1)] = '\0';
		norm = fw_text_normalize(s, -1);
		g_assert_cmpstr(norm, ==, c == 0x0345 ? "aι" : "a");
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	for (guint i = 0; i < G_N_ELEMENTS(norm_rows); i++) {
		g_autofree char *name = g_strdup_printf("/text/normalize/%u", i);
		g_test_add_data_func(name, &norm_rows[i], test_normalize);
	}
	g_test_add_func("/text/normalize/edge", test_normalize_edge);
	for (guint i = 0; i < G_N_ELEMENTS(tok_rows); i++) {
		g_autofree char *name = g_strdup_printf("/text/tokenize/%u", i);
		g_test_add_data_func(name, &tok_rows[i], test_tokenize);
	}
	g_test_add_func("/text/tokenize/long", test_tokenize_long);
	g_test_add_func("/text/tokenize/consistent", test_tokenize_consistent);
	g_test_add_func("/text/normalize/marks-below-table", test_marks_below_table);
	return g_test_run();
}
