/* text — Unicode normalisation and tokenising for matching (see text.h). */
#include <string.h>

#include "feedwatch/text.h"

/* Code points below this have their normalised form precomputed. */
#define FW_TEXT_TABLE_MAX 0x0600

/* A word's raw bytes looked at by the slow path: longer words are cut. */
#define FW_TEXT_RAW_MAX (FW_TEXT_WORD_MAX * 8)

struct norm_entry {
	guint16 off;
	guint8 len;
};

static struct norm_entry norm_table[FW_TEXT_TABLE_MAX];
static char *norm_pool;

/* TRUE for the three kinds of combining mark. */
static gboolean
is_mark(GUnicodeType t)
{
	return t == G_UNICODE_NON_SPACING_MARK || t == G_UNICODE_SPACING_MARK ||
	       t == G_UNICODE_ENCLOSING_MARK;
}

/* TRUE for the marks dropped from words: accents, which search ignores (the
 * combining blocks, of script Inherited: U+0300-036F, 1AB0-1AFF, 1DC0-1DFF,
 * 20D0-20FF, FE20-FE2F, Arabic harakat; and the marks of Latin, Greek,
 * Cyrillic, Hebrew (points) and Arabic). Other scripts' marks spell the word
 * (Devanagari vowel signs and virama, Thai vowels: काम is not कम) and stay. */
static gboolean
is_dropped_mark(gunichar c, GUnicodeType t)
{
	if (!is_mark(t))
		return FALSE;
	switch (g_unichar_get_script(c)) {
	case G_UNICODE_SCRIPT_INHERITED:
	case G_UNICODE_SCRIPT_COMMON:
	case G_UNICODE_SCRIPT_LATIN:
	case G_UNICODE_SCRIPT_GREEK:
	case G_UNICODE_SCRIPT_CYRILLIC:
	case G_UNICODE_SCRIPT_HEBREW:
	case G_UNICODE_SCRIPT_ARABIC:
		return TRUE;
	default:
		return FALSE;
	}
}

/* TRUE for invisible characters that do not break a word: the format
 * characters (Cf: soft hyphen, zero-width space and joiners, bidi marks and
 * overrides, word joiner, BOM) and the Arabic tatweel (a stretch between
 * letters, Lm); dropped from words like marks. */
static gboolean
is_ignorable(gunichar c, GUnicodeType t)
{
	return t == G_UNICODE_FORMAT || c == 0x0640;
}

/* TRUE for the scripts written without spaces, where U+200B ZERO WIDTH
 * SPACE marks a word boundary (elsewhere it is only a line-break hint). */
static gboolean
is_spaceless(gunichar c)
{
	switch (g_unichar_get_script(c)) {
	case G_UNICODE_SCRIPT_THAI:
	case G_UNICODE_SCRIPT_LAO:
	case G_UNICODE_SCRIPT_KHMER:
	case G_UNICODE_SCRIPT_MYANMAR:
		return TRUE;
	default:
		return FALSE;
	}
}

/* TRUE for the letters and digits words are made of, of any script; not
 * U+02BC MODIFIER LETTER APOSTROPHE (an apostrophe, as ' and ’ are: "Chinaʼs"
 * holds china) nor other numbers (No: superscripts, subscripts, circled
 * numbers, fractions, so a footnote mark does not stick: "Milei¹"). */
static gboolean
is_word_char(gunichar c, GUnicodeType t)
{
	switch (t) {
	case G_UNICODE_MODIFIER_LETTER:
		return c != 0x02BC;
	case G_UNICODE_LOWERCASE_LETTER:
	case G_UNICODE_OTHER_LETTER:
	case G_UNICODE_TITLECASE_LETTER:
	case G_UNICODE_UPPERCASE_LETTER:
	case G_UNICODE_DECIMAL_NUMBER:
	case G_UNICODE_LETTER_NUMBER:
		return TRUE;
	default:
		return FALSE;
	}
}

/* TRUE for the characters that are a word each: Han ideographs, kana, hangul. */
static gboolean
is_cjk(gunichar c)
{
	return (c >= 0x1100 && c <= 0x11FF) ||     /* hangul jamo */
	       (c >= 0x3005 && c <= 0x3007) ||     /* ideographic iteration, zero */
	       (c >= 0x3021 && c <= 0x3029) ||     /* hangzhou numerals */
	       (c >= 0x3038 && c <= 0x303B) ||
	       (c >= 0x3040 && c <= 0x30FF) ||     /* hiragana, katakana */
	       (c >= 0x3130 && c <= 0x318F) ||     /* hangul compatibility jamo */
	       (c >= 0x31F0 && c <= 0x31FF) ||     /* katakana extensions */
	       (c >= 0x3400 && c <= 0x4DBF) ||     /* CJK extension A */
	       (c >= 0x4E00 && c <= 0x9FFF) ||     /* CJK unified */
	       (c >= 0xA960 && c <= 0xA97F) ||
	       (c >= 0xAC00 && c <= 0xD7FF) ||     /* hangul syllables, jamo ext B */
	       (c >= 0xF900 && c <= 0xFAFF) ||     /* CJK compatibility */
	       (c >= 0xFF66 && c <= 0xFFDC) ||     /* half-width katakana, hangul */
	       (c >= 0x1B000 && c <= 0x1B16F) ||   /* kana supplement, extended */
	       (c >= 0x20000 && c <= 0x3FFFF);     /* CJK extensions B.. */
}

/* The ASCII spelling of a case-folded letter that has no decomposition to
 * one (a stroke, a bar, no dot, a ligature), as search engines' ASCII
 * folding gives it (Lucene's ASCIIFoldingFilter, ICU's Latin-ASCII); "" for
 * U+02BC (of "ŉ"), NULL for every other character. Never longer than c. */
static const char *
fold_letter(gunichar c)
{
	switch (c) {
	case 0x00E6: return "ae";   /* æ */
	case 0x00F0: return "d";    /* ð */
	case 0x00F8: return "o";    /* ø */
	case 0x00FE: return "th";   /* þ */
	case 0x0111: return "d";    /* đ */
	case 0x0127: return "h";    /* ħ */
	case 0x0131: return "i";    /* ı */
	case 0x0138: return "q";    /* ĸ */
	case 0x0142: return "l";    /* ł */
	case 0x014B: return "n";    /* ŋ */
	case 0x0153: return "oe";   /* œ */
	case 0x0167: return "t";    /* ŧ */
	case 0x0180: return "b";    /* ƀ */
	case 0x019A: return "l";    /* ƚ */
	case 0x01B6: return "z";    /* ƶ */
	case 0x01E5: return "g";    /* ǥ */
	case 0x023C: return "c";    /* ȼ */
	case 0x0247: return "e";    /* ɇ */
	case 0x0249: return "j";    /* ɉ */
	case 0x024D: return "r";    /* ɍ */
	case 0x024F: return "y";    /* ɏ */
	case 0x0268: return "i";    /* ɨ */
	case 0x0289: return "u";    /* ʉ */
	case 0x02BC: return "";     /* ʼ */
	case 0x1D7D: return "p";    /* ᵽ */
	default: return NULL;
	}
}

/* Drops accents (is_dropped_mark) and ignorable characters from s and folds
 * letters (fold_letter), in place: nothing gets longer. */
static void
drop_marks(char *s)
{
	char *w = s;

	for (const char *p = s; *p;) {
		const char *n = g_utf8_next_char(p);
		gunichar c = g_utf8_get_char(p);
		GUnicodeType t = g_unichar_type(c);
		const char *f = fold_letter(c);

		if (f) {
			gsize l = strlen(f);
			memmove(w, f, l);
			w += l;
		} else if (!is_dropped_mark(c, t) && !is_ignorable(c, t)) {
			memmove(w, p, n - p);
			w += n - p;
		}
		p = n;
	}
	*w = '\0';
}

char *
fw_text_normalize(const char *s, gssize len)
{
	g_autofree char *valid = NULL;
	g_autofree char *nfkd = NULL;
	g_autofree char *fold = NULL;
	char *out;

	if (s == NULL)
		return g_strdup("");
	if (!g_utf8_validate_len(s, len < 0 ? strlen(s) : (gsize)len, NULL)) {
		valid = g_utf8_make_valid(s, len);
		s = valid;
		len = -1;
	}
	nfkd = g_utf8_normalize(s, len, G_NORMALIZE_NFKD);
	if (nfkd == NULL)
		return g_strdup("");
	fold = g_utf8_casefold(nfkd, -1);
	/* Case folding may produce composed characters (rarely): decompose again. */
	out = g_utf8_normalize(fold, -1, G_NORMALIZE_NFKD);
	if (out == NULL)
		out = g_strdup("");
	drop_marks(out);
	return out;
}

/* Fills norm_table with the normalised form of every code point below
 * FW_TEXT_TABLE_MAX; normalising is context free once marks are dropped
 * (every mark below it is an accent, dropped: test_text checks). */
static gpointer
table_init_cb(gpointer unused)
{
	GString *pool = g_string_sized_new(FW_TEXT_TABLE_MAX * 2);

	for (gunichar c = 1; c < FW_TEXT_TABLE_MAX; c++) {
		char buf[8];
		int n = g_unichar_to_utf8(c, buf);
		g_autofree char *norm = fw_text_normalize(buf, n);
		gsize l = strlen(norm);

		norm_table[c].off = pool->len;
		norm_table[c].len = l;
		g_string_append_len(pool, norm, l);
	}
	norm_pool = g_string_free(pool, FALSE);
	return NULL;
}

static GOnce table_once = G_ONCE_INIT;

/* The state of one tokenising run. */
struct tok {
	char buf[FW_TEXT_WORD_MAX + 8];
	gsize len;          /* bytes in buf */
	guint32 hash;       /* fw_text_hash of buf[0..len) */
	gboolean full;      /* something did not fit: append nothing more */
	gboolean slow;      /* the word needs full normalisation of its raw bytes */
	gboolean in_word;
	gboolean ascii;     /* only ASCII letters and digits so far */
	const char *raw;    /* first byte of the word */
	guint start;        /* character offset of the word */
	guint index;
	fw_text_token_cb cb;
	gpointer data;
};

/* Appends the whole characters of s[0..n) that fit in the word buffer. */
static void
tok_append(struct tok *t, const char *s, gsize n)
{
	if (t->full)
		return;
	if (t->len + n <= FW_TEXT_WORD_MAX) {
		for (gsize i = 0; i < n; i++) {
			t->buf[t->len++] = s[i];
			t->hash = FW_TEXT_HASH_STEP(t->hash, s[i]);
		}
		return;
	}
	for (const char *p = s; p < s + n;) {
		const char *q = g_utf8_next_char(p);
		if (t->len + (q - p) > FW_TEXT_WORD_MAX)
			break;
		for (const char *r = p; r < q; r++) {
			t->buf[t->len++] = *r;
			t->hash = FW_TEXT_HASH_STEP(t->hash, *r);
		}
		p = q;
	}
	t->full = TRUE;
}

/* Reports the word in buf, from character start to cend. */
static void
tok_report(struct tok *t, guint start, guint cend)
{
	struct fw_text_word w = {
		.norm = t->buf, .len = t->len, .hash = t->hash,
		.start = start, .end = cend, .index = t->index++, .ascii = t->ascii,
	};

	t->buf[t->len] = '\0';
	t->cb(&w, t->data);
}

/* Ends the current word at raw byte `end` / character `cend` and reports it. */
static void
tok_flush(struct tok *t, const char *end, guint cend)
{
	if (!t->in_word)
		return;
	if (t->slow) {
		gsize n = end - t->raw;
		g_autofree char *norm = NULL;

		if (n > FW_TEXT_RAW_MAX) {
			n = FW_TEXT_RAW_MAX;
			while (n > 0 && (t->raw[n] & 0xC0) == 0x80)
				n--;
		}
		norm = fw_text_normalize(t->raw, n);
		t->len = 0;
		t->hash = FW_TEXT_HASH_INIT;
		t->full = FALSE;
		tok_append(t, norm, strlen(norm));
	}
	t->in_word = FALSE;
	if (t->len == 0)
		return;   /* only marks, e.g. a lone accent: no word */
	tok_report(t, t->start, cend);
}

/* Starts a word at raw byte p, character offset ci. */
static void
tok_begin(struct tok *t, const char *p, guint ci)
{
	t->in_word = TRUE;
	t->ascii = TRUE;
	t->raw = p;
	t->start = ci;
	t->len = 0;
	t->hash = FW_TEXT_HASH_INIT;
	t->full = FALSE;
	t->slow = FALSE;
}

/* Reports one CJK character c (at p, character ci) as a word of its own:
 * its compatibility decomposition without marks, which is its normal form
 * (these scripts have no case). */
static void
tok_cjk(struct tok *t, gunichar c, guint ci)
{
	gunichar dec[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
	gsize n = g_unichar_fully_decompose(c, TRUE, dec, G_N_ELEMENTS(dec));

	t->len = 0;
	t->hash = FW_TEXT_HASH_INIT;
	t->full = FALSE;
	t->ascii = FALSE;
	for (gsize i = 0; i < n; i++) {
		char u[8];
		if (is_dropped_mark(dec[i], g_unichar_type(dec[i])))
			continue;
		tok_append(t, u, g_unichar_to_utf8(dec[i], u));
	}
	if (t->len == 0)
		return;
	tok_report(t, ci, ci + 1);
}

/* ASCII letters and digits, lower-cased; 0 for everything else (every
 * byte from 0x80 too: the table covers a byte, so the loops index it
 * without a range check). */
static const char ascii_word[256] = {
	['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
	['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
	['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e', ['F'] = 'f',
	['G'] = 'g', ['H'] = 'h', ['I'] = 'i', ['J'] = 'j', ['K'] = 'k', ['L'] = 'l',
	['M'] = 'm', ['N'] = 'n', ['O'] = 'o', ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r',
	['S'] = 's', ['T'] = 't', ['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x',
	['Y'] = 'y', ['Z'] = 'z',
	['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e', ['f'] = 'f',
	['g'] = 'g', ['h'] = 'h', ['i'] = 'i', ['j'] = 'j', ['k'] = 'k', ['l'] = 'l',
	['m'] = 'm', ['n'] = 'n', ['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r',
	['s'] = 's', ['t'] = 't', ['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x',
	['y'] = 'y', ['z'] = 'z',
};

/* ASCII words are lower-cased in place; characters below FW_TEXT_TABLE_MAX
 * come from the table; only other words go through GLib's normalisation. */
guint
fw_text_tokenize(const char *text, fw_text_token_cb cb, gpointer data)
{
	struct tok t = { .cb = cb, .data = data };
	const char *p = text;
	gunichar prev = 0;   /* the character before p; 0 after ASCII or a bad byte */
	guint ci = 0;

	if (text == NULL)
		return 0;
	g_once(&table_once, table_init_cb, NULL);
	while (*p) {
		unsigned char b = *p;
		const char *next;
		gunichar c;
		GUnicodeType type;

		if (b < 0x80) {
			char l = ascii_word[b];
			if (l) {
				/* the whole run of ASCII letters and digits at once */
				const char *q = p;
				gsize len = t.len;
				guint32 h = t.hash;

				if (!t.in_word) {
					tok_begin(&t, p, ci);
					len = 0;
					h = t.hash;
				}
				if (!t.full) {
					for (; l && len < FW_TEXT_WORD_MAX; l = ascii_word[(guchar)*++q]) {
						t.buf[len++] = l;
						h = FW_TEXT_HASH_STEP(h, l);
					}
					t.len = len;
					t.hash = h;
				}
				if (ascii_word[(guchar)*q]) {
					t.full = TRUE;
					while (ascii_word[(guchar)*q])
						q++;
				}
				ci += q - p;
				p = q;
			} else {
				if (t.in_word)
					tok_flush(&t, p, ci);
				p++;
				ci++;
			}
			prev = 0;
			continue;
		}
		c = g_utf8_get_char_validated(p, -1);
		if (c == (gunichar)-1 || c == (gunichar)-2) {
			/* Not UTF-8 (the contract says it is): one byte, one separator. */
			tok_flush(&t, p, ci);
			p++;
			ci++;
			prev = 0;
			continue;
		}
		next = g_utf8_next_char(p);
		type = g_unichar_type(c);
		if (is_ignorable(c, type)) {
			/* inside a word: dropped, nothing to append (but a zero width
			 * space next to Thai, Lao, Khmer or Burmese separates) */
			if (!t.in_word || (c == 0x200B && (is_spaceless(prev) ||
			                                   is_spaceless(g_utf8_get_char_validated(next, -1)))))
				tok_flush(&t, p, ci);
			else
				t.ascii = FALSE;
		} else if (is_word_char(c, type) && is_cjk(c)) {
			tok_flush(&t, p, ci);
			tok_cjk(&t, c, ci);
		} else if (is_word_char(c, type) || (is_mark(type) && t.in_word)) {
			if (!t.in_word)
				tok_begin(&t, p, ci);
			t.ascii = FALSE;
			if (t.slow) {
				/* normalised at the end of the word */
			} else if (c < FW_TEXT_TABLE_MAX) {
				tok_append(&t, norm_pool + norm_table[c].off, norm_table[c].len);
			} else {
				t.slow = TRUE;
			}
		} else {
			tok_flush(&t, p, ci);
		}
		p = next;
		ci++;
		prev = c;
	}
	tok_flush(&t, p, ci);
	return t.index;
}

/* The optimal-string-alignment distance of a and b (ASCII case ignored),
 * or limit+1 when it is more than limit. */
static guint
text_distance(const char *a, const char *b, guint limit)
{
	gsize la = strlen(a), lb = strlen(b);
	g_autofree guint *d = NULL;
	guint result;

	if ((la > lb ? la - lb : lb - la) > limit || la > 64 || lb > 64)
		return limit + 1;
	d = g_new(guint, (la + 1) * (lb + 1));
#define D(i, j) d[(i) * (lb + 1) + (j)]
	for (gsize i = 0; i <= la; i++)
		D(i, 0) = i;
	for (gsize j = 0; j <= lb; j++)
		D(0, j) = j;
	for (gsize i = 1; i <= la; i++) {
		for (gsize j = 1; j <= lb; j++) {
			guint cost = g_ascii_tolower(a[i - 1]) != g_ascii_tolower(b[j - 1]);
			guint v = MIN(MIN(D(i - 1, j) + 1, D(i, j - 1) + 1), D(i - 1, j - 1) + cost);
			if (i > 1 && j > 1 && g_ascii_tolower(a[i - 1]) == g_ascii_tolower(b[j - 2]) &&
			    g_ascii_tolower(a[i - 2]) == g_ascii_tolower(b[j - 1]))
				v = MIN(v, D(i - 2, j - 2) + 1);
			D(i, j) = v;
		}
	}
	result = D(la, lb);
#undef D
	return MIN(result, limit + 1);
}

const char *
fw_text_nearest(const char *s, const char *const *names, gsize n)
{
	const char *best = NULL;
	guint best_d = 3, limit = MIN(2, (guint)(strlen(s) - 1) / 2);

	if (*s == '\0')
		return NULL;
	for (gsize i = 0; i < n; i++) {
		guint d = text_distance(s, names[i], limit);
		if (d == 0)
			return NULL;
		if (d <= limit && d < best_d) {
			best = names[i];
			best_d = d;
		}
	}
	return best;
}
