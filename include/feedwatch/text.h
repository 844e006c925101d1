/* text — Unicode normalisation and tokenising for matching.
 *
 * Pure functions, no I/O. Text is valid UTF-8 plain text (see html.h).
 * Offsets are in characters (not bytes). */
#ifndef FW_TEXT_H
#define FW_TEXT_H

#include <glib.h>

/* Bytes of a normalised word at most: longer words are cut (at a character
 * boundary) the same way in texts and in queries. */
#define FW_TEXT_WORD_MAX 255

/* Normalises a word for matching: NFKD, case folding, accents removed
 * (marks of the combining blocks, Latin, Greek, Cyrillic, Hebrew, Arabic;
 * other scripts' marks, as Devanagari vowel signs, stay) ("Común" -> "comun", "ＭＩＬＥＩ" -> "milei", "ß" -> "ss"), letters
 * without a decomposition folded to ASCII ("Łódź" -> "lodz", "ı" -> "i",
 * "æ" -> "ae", "þ" -> "th").
 * Invalid UTF-8 is repaired first; NULL gives "". Caller frees. */
char *fw_text_normalize(const char *s, gssize len);

/* The hash of a normalised word that the tokenizer hands out (FNV-1a, 32
 * bits), so that word tables built from queries and from texts agree. */
#define FW_TEXT_HASH_INIT 2166136261u
#define FW_TEXT_HASH_STEP(h, c) (((h) ^ (guchar)(c)) * 16777619u)

/* FW_TEXT_HASH of s[0..len). */
static inline guint32
fw_text_hash(const char *s, gsize len)
{
	guint32 h = FW_TEXT_HASH_INIT;

	for (gsize i = 0; i < len; i++)
		h = FW_TEXT_HASH_STEP(h, s[i]);
	return h;
}

/* One word of a text, as the tokenizer reports it: norm is the normalised
 * word (NUL-terminated, len bytes, valid only during the call), hash its
 * fw_text_hash; start/end are character offsets of the word in the original
 * text (end exclusive); index counts words from 0; ascii says every
 * character of the word in the text is an ASCII letter or digit (so no
 * regex word boundary falls inside it). */
struct fw_text_word {
	const char *norm;
	guint len;
	guint32 hash;
	guint start;
	guint end;
	guint index;
	gboolean ascii;
};

/* Called once per word of a text, in order (w valid only during the call). */
typedef void (*fw_text_token_cb)(const struct fw_text_word *w, gpointer data);

/* Splits text into words: a word is a run of letters and digits (any
 * script); everything else separates words ("Trump-Milei" holds "milei",
 * "China's" and "Chinaʼs" hold "china", superscripts and other numbers that
 * are not digits separate: "Milei¹"); each CJK ideograph, kana or hangul syllable is
 * a word of its own. Combining marks and invisible characters (format
 * characters such as soft hyphens, zero width spaces and joiners, bidi marks;
 * the Arabic tatweel) continue a word (and are dropped from it); a zero
 * width space next to Thai, Lao, Khmer or Burmese separates. text NULL is empty.
 * Allocates nothing for words of ASCII, Latin, Greek or Cyrillic letters.
 * Returns the number of words. */
guint fw_text_tokenize(const char *text, fw_text_token_cb cb, gpointer data);

/* The name of names[0..n) nearest to s (ASCII case ignored), for "did you
 * mean" hints: at most 2 edits (an edit inserts, deletes, changes or swaps
 * neighbouring characters) and fewer than half of s's bytes; NULL when
 * none is that near or s is one of them. */
const char *fw_text_nearest(const char *s, const char *const *names, gsize n);

#endif
