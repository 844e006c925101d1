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

/* Normalises a word for matching: NFKD, case folding, combining marks
 * removed ("Común" -> "comun", "ＭＩＬＥＩ" -> "milei", "ß" -> "ss").
 * Invalid UTF-8 is repaired first; NULL gives "". Caller frees. */
char *fw_text_normalize(const char *s, gssize len);

/* Called once per word of a text, in order. norm is the normalised word
 * (NUL-terminated, valid only during the call); start/end are character
 * offsets of the word in the original text (end exclusive); index counts
 * words from 0. */
typedef void (*fw_text_token_cb)(const char *norm, guint start, guint end,
                                 guint index, gpointer data);

/* Splits text into words: a word is a run of letters and digits (any
 * script); everything else separates words ("Trump-Milei" holds "milei",
 * "China's" holds "china"); each CJK ideograph, kana or hangul syllable is
 * a word of its own. Combining marks, soft hyphens and zero-width joiners
 * continue a word (and are dropped from it). text NULL is empty.
 * Allocates nothing for words of ASCII, Latin, Greek or Cyrillic letters.
 * Returns the number of words. */
guint fw_text_tokenize(const char *text, fw_text_token_cb cb, gpointer data);

#endif
