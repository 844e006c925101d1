/* html — HTML to plain text, entity decoding, making text valid UTF-8.
 *
 * Pure functions, no I/O. Every returned string is newly allocated, valid
 * UTF-8 and owned by the caller (g_free). Input need not be valid UTF-8:
 * invalid bytes become U+FFFD. Output is bounded by a constant factor of the
 * input. */
#ifndef FW_HTML_H
#define FW_HTML_H

#include <glib.h>

/* Turns an HTML fragment into plain text: tags removed, <script>/<style>
 * dropped with their content, named and numeric entities decoded (all of
 * HTML's, plus double-escaped "&amp;#8217;"), block elements (p, br, div,
 * li, h1-h6, tr, td, blockquote...) separate words while inline ones (b, i,
 * em, span, a...) do not ("Mi<b>lei</b>" is one word), whitespace folded to
 * single spaces and trimmed. len < 0 means NUL-terminated. */
char *fw_html_to_text(const char *html, gssize len);

/* Cleans text that is already plain (a title with type="text", an author):
 * makes it valid UTF-8, decodes stray entities, drops control characters,
 * folds whitespace, trims. len < 0 means NUL-terminated. */
char *fw_html_clean(const char *s, gssize len);

/* Length of the longest prefix of s[0, len) that is valid UTF-8 with no NUL
 * byte (as g_utf8_validate judges it, a few times faster: 16 ASCII bytes at
 * a time). */
gsize fw_html_utf8_valid_len(const char *s, gsize len);

/* Makes s valid UTF-8: invalid bytes become U+FFFD, NUL bytes are dropped. */
char *fw_html_valid_utf8(const char *s, gssize len);

/* Makes a message that may quote a feed (an error, a log line) safe for a
 * terminal or a log, in place: each byte invalid in UTF-8 and each control
 * (C0 with newline and tab, DEL, C1) and bidirectional control (U+061C,
 * U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) becomes the ASCII byte
 * with. Never longer; returns s (NULL for NULL). */
char *fw_html_safe_line(char *s, char with);

/* Code point of the named entity name[0, len) without '&' and ';' (HTML 4's
 * table through libxml2, case-sensitive, plus "apos"), or 0 if unknown. */
gunichar fw_html_entity_lookup(const char *name, gsize len);

/* Code point of byte b read as Windows-1252 (0x80-0x9F; the five bytes it
 * leaves undefined give U+FFFD), else as Latin-1: how HTML reads numeric
 * references 0x80-0x9F and the feed parser bytes invalid in UTF-8. */
gunichar fw_html_cp1252(guchar b);

#endif
