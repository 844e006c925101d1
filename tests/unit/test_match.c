/* Unit tests for the match module (daemon/match*.c): queries over items,
 * the matcher index, snippets, explanations, as data tables; and a property
 * test (index agrees with plain evaluation). */
#include <stdlib.h>
#include <string.h>

#include "feedwatch/match.h"
#include "feedwatch/text.h"

#define MILEI "Milei"
#define MERCOSUR "Mercosur OR Mercosul OR \"Mercado Común del Sur\""
#define SWAPS "(China OR Chinese OR Beijing) NEAR/8 swap*"

enum { N, Y };

/* Rows leave out the fields they do not need (they are NULL or 0). */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

struct row {
	const char *query;
	const char *title;
	const char *content;
	gboolean yes;
	const char *span;       /* the first span "field:start-end", or NULL */
	guint nspans;           /* how many spans (0: not checked) */
	const char *summary;
	const char *author;
	const char *category;
	const char *feed;
	const char *link;
};

static const struct row rows[] = {
	/* milei: true mentions */
	{ MILEI, "Javier Milei wins", NULL, Y, "title:7-12", 1 },
	{ MILEI, NULL, "President Javier Milei said", Y, "content:17-22" },
	{ MILEI, NULL, "the Trump-Milei meeting", Y, "content:10-15" },
	{ MILEI, "MILEI", NULL, Y, "title:0-5" },
	{ MILEI, NULL, "Milei’s government", Y, "content:0-5" },
	{ MILEI, NULL, "Milei's reforms", Y, "content:0-5" },
	{ MILEI, NULL, "milei", Y, "content:0-5" },
	{ MILEI, NULL, "ＭＩＬＥＩ", Y, "content:0-5" },
	{ MILEI, NULL, "Miléi", Y, "content:0-5" },
	{ MILEI, NULL, "Argentina's president, Milei.", Y, "content:23-28" },
	{ MILEI, NULL, "Milei and Milei", Y, "content:0-5", 2 },
	{ MILEI, NULL, "Milei\u0301", Y, "content:0-6" },
	{ MILEI, NULL, "Mi\u00ADlei", Y, "content:0-6" },
	{ MILEI, NULL, "Mi\u200Blei", Y, "content:0-6" },   /* invisible: one word */
	{ MILEI, NULL, "Mi\u200Elei, Mi\u200Flei, Mi\u061Clei", Y, "content:0-6", 3 },
	{ "Mi\u200Blei", NULL, "Milei", Y, "content:0-5" },
	{ MILEI, "Milei", "milei", Y, "title:0-5", 2 },
	/* milei: near misses */
	{ MILEI, NULL, "mileage", N },
	{ MILEI, NULL, "Milena", N },
	{ MILEI, NULL, "a mile in", N },
	{ MILEI, NULL, "Mileto", N },
	{ MILEI, NULL, "Mi lei", N },

	{ MILEI, NULL, "", N },
	{ MILEI, NULL, NULL, N },
	{ MILEI, "Mileis", NULL, N },
	{ "milei", "Argentina", "x", N, .author = "Milei" },
	{ "milei", NULL, NULL, N, .link = "https://x.org/milei" },
	{ "milei", NULL, NULL, N, .feed = "Milei watch" },
	{ "milei", NULL, NULL, Y, "category:0-5", .category = "Milei" },
	{ "milei", NULL, NULL, Y, "summary:6-11", .summary = "About Milei" },
	/* mercosur: true mentions */
	{ MERCOSUR, NULL, "Mercosur", Y, "content:0-8" },
	{ MERCOSUR, NULL, "MERCOSUR", Y, "content:0-8" },
	{ MERCOSUR, NULL, "the Mercosul bloc", Y, "content:4-12" },
	{ MERCOSUR, NULL, "Mercado Común del Sur", Y, "content:0-21", 1 },
	{ MERCOSUR, NULL, "Mercado Comun del Sur", Y, "content:0-21" },
	{ MERCOSUR, NULL, "mercado común del sur", Y, "content:0-21" },
	{ MERCOSUR, NULL, "MERCADO COMÚN DEL SUR", Y, "content:0-21" },
	{ MERCOSUR, NULL, "Mercado  Común,  del Sur", Y, "content:0-24" },
	{ MERCOSUR, NULL, "el Mercosul", Y, "content:3-11" },
	{ MERCOSUR, NULL, "Mercosur-EU deal", Y, "content:0-8" },
	{ MERCOSUR, NULL, "Mercosur y Mercosul", Y, "content:0-8", 2 },
	{ MERCOSUR, "Mercado Común del Sur", NULL, Y, "title:0-21" },
	/* mercosur: near misses */
	{ MERCOSUR, NULL, "Mercury", N },
	{ MERCOSUR, NULL, "Mercer", N },
	{ MERCOSUR, NULL, "Mercado Libre", N },
	{ MERCOSUR, NULL, "common market of the south", N },
	{ MERCOSUR, NULL, "Mercado Común", N },
	{ MERCOSUR, NULL, "del Sur Mercado Común", N },
	{ MERCOSUR, NULL, "Mercado Común de Sur", N },
	{ MERCOSUR, "Mercado Común", "del Sur", N },
	{ MERCOSUR, NULL, "Mercosurs", N },
	/* china swaps: true mentions */
	{ SWAPS, NULL, "currency swaps with China", Y, "content:9-14", 2 },
	{ SWAPS, NULL, "China's swap line", Y, "content:0-5", 2 },
	{ SWAPS, NULL, "a Chinese swap agreement", Y, "content:2-9" },
	{ SWAPS, NULL, "the swap deal with Beijing", Y, "content:4-8" },
	{ SWAPS, NULL, "China renewed the yuan swap", Y, "content:0-5" },
	{ SWAPS, NULL, "swapped its debt with China", Y, "content:0-7" },
	{ SWAPS, NULL, "a swap facility that China extended", Y, "content:2-6" },
	{ SWAPS, NULL, "swap China", Y, "content:0-4" },
	{ SWAPS, NULL, "CHINESE SWAPS", Y, "content:0-7" },
	{ SWAPS, NULL, "Beijing's currency-swap", Y, "content:0-7" },
	{ SWAPS, NULL, "Chinese swapmeet", Y, "content:0-7" },
	{ SWAPS, "China swap", NULL, Y, "title:0-5" },
	{ SWAPS, "China's swap line", "x", Y, "title:0-5" },
	{ SWAPS, NULL, "China one two three four five six seven swap", Y, "content:0-5" },
	{ SWAPS, NULL, "China and Beijing agreed a swap", Y, "content:0-5", 3 },
	{ SWAPS, NULL, "Beijing\n\nswap", Y, "content:0-7" },
	/* china swaps: near misses */
	{ SWAPS, NULL, "Chinatown swap meet", N },
	{ SWAPS, NULL, "China", N },
	{ SWAPS, NULL, "a swap", N },
	{ SWAPS, NULL, "Beijing", N },
	{ SWAPS, NULL, "swapping seats", N },
	{ SWAPS, NULL, "Chinatown swapping", N },
	{ SWAPS, NULL, "China one two three four five six seven eight nine ten eleven swap", N },
	{ SWAPS, NULL, "China one two three four five six seven eight swap", N },
	{ SWAPS, "China", "swap", N },
	{ SWAPS, "swap", "Beijing", N },
	{ SWAPS, NULL, "China", N, .summary = "swap" },
	/* word */
	{ "China", NULL, "Chinatown", N },
	{ "China", NULL, "in China.", Y, "content:3-8" },
	{ "comun", NULL, "Común", Y, "content:0-5" },
	{ "Común", NULL, "comun", Y, "content:0-5" },
	{ "s", NULL, "China's", Y, "content:6-7" },
	{ "2024", NULL, "in 2024,", Y, "content:3-7" },
	{ "2024", NULL, "20245", N },
	{ "19", NULL, "COVID-19", Y, "content:6-8" },
	{ "Ελλάδα", NULL, "ΕΛΛΑΔΑ", Y },
	{ "москва", NULL, "МОСКВА", Y },
	{ "strasse", NULL, "Straße", Y, "content:0-6" },
	{ "Straße", NULL, "STRASSE", Y },
	{ "istanbul", NULL, "İSTANBUL", Y },
	{ "finance", NULL, "ﬁnance", Y },
	/* letters without a decomposition fold as search engines fold them */
	{ "lodz", NULL, "in Łódź today", Y, "content:3-7" },
	{ "Łódź", NULL, "LODZ", Y },
	{ "walesa", NULL, "Lech Wałęsa", Y, "content:5-11" },
	{ "Wałęsa", NULL, "Walesa", Y },
	{ "dokovic", NULL, "Novak Đoković", Y, "content:6-13" },
	{ "Đoković", NULL, "DOKOVIC", Y },
	{ "Djokovic", NULL, "Novak Đoković", N },   /* đ is d, not dj */
	{ "soren", NULL, "Søren Kierkegaard", Y, "content:0-5" },
	{ "Søren", NULL, "Soren", Y },
	{ "diyarbakir", NULL, "Diyarbakır", Y, "content:0-10" },
	{ "Diyarbakır", NULL, "DIYARBAKIR", Y },
	{ "istanbul", NULL, "İstanbul", Y },
	{ "thorshofn", NULL, "Þórshöfn", Y },
	{ "oeuvre", NULL, "Œuvre", Y },
	{ "mala", NULL, "Mała", Y },
	{ "lodz", NULL, "łódka", N },
	{ "sur", NULL, "Mercado Común del Sur", Y, "content:18-21" },
	/* prefix */
	{ "swap*", NULL, "swap", Y, "content:0-4" },
	{ "swap*", NULL, "swaps", Y, "content:0-5" },
	{ "swap*", NULL, "swapped", Y, "content:0-7" },
	{ "swap*", NULL, "a sw ap", N },
	{ "swap*", NULL, "unswapped", N },
	{ "swáp*", NULL, "SWAPPING", Y },
	{ "20*", NULL, "2024", Y },
	{ "milei*", "Mileis", NULL, Y },
	{ "l*", NULL, "Milei", N },
	{ "x*", NULL, "X-ray", Y, "content:0-1" },
	{ "mercos*", NULL, "Mercosul", Y },
	{ "mercos*", NULL, "Mercer", N },
	{ "mercos*", NULL, "Mercosur and mercosul", Y, "content:0-8", 2 },
	/* phrase */
	{ "\"two words\"", NULL, "two words", Y, "content:0-9" },
	{ "\"two words\"", NULL, "words two", N },
	{ "\"two words\"", NULL, "two other words", N },
	{ "\"two words\"", NULL, "two-words", Y, "content:0-9" },
	{ "\"two words\"", "two", "words", N },
	{ "\"two words\"", "words", "two", N },
	{ "\"two words\"", NULL, "two words two words", Y, "content:0-9", 2 },
	{ "\"two words\"", NULL, "two", N },
	{ "\"two words\"", NULL, "x two", N },
	{ "\"del sur\"", NULL, "Del   Sur", Y, "content:0-9" },
	{ "\"mercado com*\"", NULL, "Mercado Común", Y, "content:0-13" },
	{ "\"mercado com*\"", NULL, "Mercado Libre común", N },
	{ "\"China's swap\"", NULL, "China’s swap", Y, "content:0-12" },
	{ "\"a b\" a", NULL, "a b", Y, "content:0-3", 1 },   /* overlapping spans merge */
	/* AND */
	{ "a b", NULL, "b a", Y, "content:0-1", 2 },
	{ "a b", NULL, "a", N },
	{ "a AND b", "a", "b", Y, "title:0-1", 2 },
	{ "a AND b AND c", NULL, "c b", N },
	{ "milei mercosur", "Milei", "Mercosur", Y, "title:0-5", 2 },
	/* OR */
	{ "a OR b", NULL, "b", Y, "content:0-1", 1 },
	{ "a OR b", NULL, "c", N },
	{ "a OR b", NULL, "a b", Y, "content:0-1", 2 },
	{ "milei OR mercosur", "Milei", "Mercosur", Y, "title:0-5", 2 },
	{ "title:milei OR content:mercosur", "x", "Mercosur", Y, "content:0-8" },
	{ "title:milei OR content:mercosur", "Mercosur", "Milei", N },
	/* NOT, - */
	{ "a NOT b", NULL, "a", Y, "content:0-1" },
	{ "a NOT b", NULL, "a b", N },
	{ "a -b", NULL, "a b", N },
	{ "a -b", NULL, "a c", Y, "content:0-1", 1 },
	{ "a -b", "b", "a", N },
	{ "a -b", NULL, "a", N, .summary = "b" },
	{ "a -b", NULL, "a", Y, .author = "b" },
	{ "a -title:b", "b", "a", N },
	{ "a -title:b", "c", "a b", Y },
	{ "a -\"b c\"", NULL, "a c b", Y },
	{ "a -\"b c\"", NULL, "a b c", N },
	{ "NOT x milei", NULL, "milei", Y },
	{ "NOT x milei", NULL, "milei x", N },
	{ "(a OR b) -(c OR d)", NULL, "a d", N },
	{ "(a OR b) -(c OR d)", NULL, "b e", Y, "content:0-1", 1 },
	{ "a AND (b OR NOT c)", NULL, "a", Y, "content:0-1", 1 },
	{ "a AND (b OR NOT c)", NULL, "a c", N },
	{ "a AND (b OR NOT c)", NULL, "a c b", Y, "content:0-1", 2 },
	{ "milei -/x/", NULL, "milei y", Y },
	{ "milei -/x/", NULL, "milei x", N },
	{ "a NOT NOT b", NULL, "a b", Y },
	{ "a NOT NOT b", NULL, "a", N },
	/* NEAR */
	{ "a NEAR/3 b", NULL, "a x x b", Y, "content:0-1", 2 },
	{ "a NEAR/3 b", NULL, "a x x x b", N },
	{ "a NEAR/3 b", NULL, "b x x a", Y, "content:0-1" },
	{ "a NEAR b", NULL, "a 1 2 3 4 5 6 7 8 9 b", Y },
	{ "a NEAR b", NULL, "a 1 2 3 4 5 6 7 8 9 10 b", N },
	{ "a NEAR/1 b", NULL, "a b", Y, "content:0-1", 2 },
	{ "a NEAR/1 b", NULL, "a x b", N },
	{ "a NEAR/1 b", NULL, "a b x a", Y, "content:0-1", 2 },
	{ "a NEAR/5 a", NULL, "a", N },
	{ "a NEAR/5 a", NULL, "a x a", Y, "content:0-1", 2 },
	{ "a NEAR/5 a*", NULL, "ab", N },
	{ "\"a b\" NEAR/2 c", NULL, "a b x c", Y, "content:0-3", 2 },
	{ "\"a b\" NEAR/2 c", NULL, "c x a b", Y, "content:0-1", 2 },
	{ "\"a b\" NEAR/2 c", NULL, "a x b c", N },
	{ "\"a b\" NEAR/2 c", NULL, "a b x y c", N },
	{ "a NEAR/2 \"b c\"", NULL, "b c x a", Y },
	{ "a NEAR/2 \"b c\"", NULL, "b c x y a", N },
	{ "a NEAR/3 b", "a", "b", N },
	{ "a NEAR/3 b", "a", NULL, N, .summary = "b" },
	{ "title:a NEAR b", "a b", "x", Y, "title:0-1" },
	{ "title:a NEAR b", "x b", "a b", N },
	{ "a NEAR/2 (b OR c)", NULL, "a x c", Y, "content:0-1", 2 },
	{ "a NEAR/2 (b OR c)", NULL, "a x y c", N },
	{ "a NEAR/2 (b OR c)", NULL, "b a c", Y, "content:0-1", 3 },
	{ "a* NEAR/1 b*", NULL, "bb aa", Y, "content:0-2", 2 },
	/* precedence: NOT a NEAR/3 b is NOT (a NEAR/3 b) */
	{ "x NOT a NEAR/3 b", NULL, "x a b", N },
	{ "x NOT a NEAR/3 b", NULL, "x a 1 2 3 b", Y, "content:0-1", 1 },
	{ "x NOT a NEAR/3 b", NULL, "x a", Y },
	{ "x NOT a NEAR/3 b", NULL, "x b", Y },
	{ "a OR b c", NULL, "a", Y },
	{ "a OR b c", NULL, "b", N },
	{ "a OR b c", NULL, "b c", Y },
	{ "a b OR c", NULL, "c", Y },
	{ "a b OR c", NULL, "a", N },
	/* fields */
	{ "title:milei", "Milei", NULL, Y, "title:0-5" },
	{ "title:milei", "x", "Milei", N },
	{ "content:milei", "Milei", NULL, N },
	{ "content:milei", NULL, "Milei", Y, "content:0-5" },
	{ "summary:milei", NULL, NULL, Y, "summary:0-5", .summary = "Milei" },
	{ "summary:milei", "Milei", "Milei", N },
	{ "author:smith", NULL, NULL, Y, "author:5-10", .author = "John Smith" },
	{ "author:smith", "Smith", "Smith", N },
	{ "category:politics", NULL, NULL, Y, "category:0-8", .category = "Politics" },
	{ "china", NULL, NULL, Y, "category:0-5", .category = "China" },
	/* categories are one field, a value a line (fw_doc_from_item): a phrase
	 * stays in one value, NEAR reaches across (one word between values) */
	{ "category:\"america mercosur\"", NULL, NULL, N, .category = "South America \n Mercosur" },
	{ "category:\"south america\"", NULL, NULL, Y, "category:8-21", 1,
	  .category = "Trade \n South America \n Mercosur" },
	{ "category:mercosur", NULL, NULL, Y, "category:16-24", .category = "South America \n Mercosur" },
	{ "america NEAR/1 mercosur", NULL, NULL, N, .category = "South America \n Mercosur" },
	{ "america NEAR/2 mercosur", NULL, NULL, Y, "category:6-13", .category = "South America \n Mercosur" },
	{ "\"argentina economy\"", NULL, NULL, N, .category = "Argentina \n Economy" },
	{ "feed:tac", NULL, NULL, Y, "feed:0-3", .feed = "tac" },
	{ "feed:\"american conservative\"", NULL, NULL, Y, "feed:4-25",
	  .feed = "The American Conservative" },
	{ "link:example", NULL, NULL, Y, "link:12-19", .link = "https://www.example.com/x" },
	{ "link:\"example com\"", NULL, NULL, Y, "link:12-23", .link = "https://www.example.com/x" },
	{ "link:https://www.example.com", NULL, NULL, Y, "link:0-23",
	  .link = "https://www.example.com/x" },
	{ "title:(a OR b)", "b", "a", Y, "title:0-1", 1 },
	{ "title:(a OR b)", "c", "a b", N },
	{ "title:a content:b", "a", "b", Y, "title:0-1", 2 },
	{ "title:a content:b", "b", "a", N },
	/* regular expressions */
	{ "/mil[eé]i/i", NULL, "MILÉI", Y, "content:0-5" },
	{ "/mil[eé]i/", NULL, "MILEI", N },
	{ "/mil[eé]i/", NULL, "xmileix", Y, "content:1-6" },
	{ "/\\bchina\\b/i", NULL, "Chinatown", N },
	{ "/\\bchina\\b/i", NULL, "big China deal", Y, "content:4-9" },
	/* a literal after \b: the matcher searches only where it starts a word,
	 * or is inside a word that is not all ASCII (a \b may fall there) */
	{ "/\\bjutri/i", NULL, "skojutri", N },
	{ "/\\bjutri/i", NULL, "skojutri sko JUTRIgor", Y, "content:13-18" },
	{ "/\\bjutri/i", "jutri", "skojutri", Y, "title:0-5" },
	{ "/\\bjutri/i", NULL, "JUTRI’s", Y, "content:0-5" },
	{ "/\\bjutri/i", NULL, "e\u0301jutri", Y, "content:2-7" },   /* a mark is no \w */
	/* a match must hold a character: an empty one is no hit (issue 16 fuzzing) */
	{ "/a*/", NULL, "bbb", N },
	{ "/zzz|/", NULL, "the TAC article", N },
	{ "/a*/", NULL, "baab", Y, "content:1-3" },
	{ "/\\bjutri/i", NULL, "x\u00ADjutri", Y, "content:2-7" },   /* nor a soft hyphen */
	{ "/\\bjutri/i", NULL, "a\u200Djutri", Y, "content:2-7" },   /* nor a joiner */
	{ "/\\bjutri/i", NULL, "éjutri", N },                         /* é is */
	{ "/\\bjutri/i", NULL, "x_jutri", N },
	{ "/\\bkelvin/i", NULL, "x \u212Aelvin", Y, "content:2-8" },
	{ "title:/^Breaking/", "Breaking: news", NULL, Y, "title:0-8" },
	{ "title:/^Breaking/", "Not Breaking", NULL, N },
	{ "/é+/", NULL, "caféé x é", Y, "content:3-5", 2 },
	{ "milei /x/", NULL, "milei y", N },
	{ "/class=/", NULL, "class=center", Y, "content:0-6" },
	{ "/smith/i", NULL, NULL, N, .author = "Smith" },
	{ "author:/smith/i", NULL, NULL, Y, "author:0-5", .author = "Smith" },
	{ "/(a+)+$/", NULL, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", N },
	/* hyphens, apostrophes, quotes */
	{ "Trump-Milei", NULL, "Trump Milei", Y, "content:0-11" },
	{ "Trump-Milei", NULL, "Trump–Milei", Y },
	{ "Trump-Milei", NULL, "Milei-Trump", N },
	{ "China's", NULL, "China’s", Y, "content:0-7" },
	{ "China's", NULL, "China", N },
	{ "china", NULL, "“China”", Y, "content:1-6" },
	{ "o'neill", NULL, "O’Neill", Y },
	{ "China", NULL, "Chinaʼs swap", Y, "content:0-5" },   /* U+02BC */
	{ "\"China's swap\"", NULL, "Chinaʼs swap", Y, "content:0-12" },
	{ "Chinaʼs", NULL, "China’s", Y, "content:0-7" },
	/* footnote marks and other numbers (No) separate; digits do not */
	{ MILEI, NULL, "As Milei¹ noted.", Y, "content:3-8" },
	{ MILEI, NULL, "Milei₂ and Milei⑴", Y, "content:0-5", 2 },
	{ "\"Milei said\"", NULL, "Milei² said", Y, "content:0-11" },
	{ "G20", NULL, "the G20 summit", Y, "content:4-7" },
	{ "G20", NULL, "the G2⁰ summit", N },
	/* accents go, other scripts' marks spell the word */
	{ "काम", NULL, "सरकार ने कम किया", N },
	{ "कम", NULL, "यह काम है", N },
	{ "राम", NULL, "रम", N },
	{ "दिल्ली", NULL, "दलल", N },
	{ "दलल", NULL, "दिल्ली", N },
	{ "काम", NULL, "यह काम है", Y, "content:3-6" },
	{ "दिल्ली", NULL, "नई दिल्ली में", Y, "content:3-9" },
	{ "รัฐบาล", NULL, "รฐบาล", N },
	{ "\"Nguyen Phu Trong\"", NULL, "Nguyễn Phú Trọng", Y, "content:0-16" },
	{ "Nguyễn", NULL, "NGUYEN", Y },
	{ "da nang", NULL, "Đà Nẵng", Y },
	{ "Αθηνα", NULL, "ΑΘΉΝΑ", Y },
	{ "αθήνα", NULL, "Αθηνα", Y },
	{ "ירושלים", NULL, "בעיר יְרוּשָׁלַיִם", Y, "content:5-18" },
	{ "יְרוּשָׁלַיִם", NULL, "ירושלים", Y },
	{ "محمد", NULL, "قال مُحَمَّد", Y, "content:4-12" },
	{ "مُحَمَّد", NULL, "محمد", Y },
	/* Arabic tatweel joins; zero width space separates Thai words */
	{ "ميلي", NULL, "قال ميـــلي", Y, "content:4-11" },
	{ "ميـلي", NULL, "ميلي", Y },
	{ "ไทย", NULL, "ประเทศ\u200Bไทย\u200Bประกาศ", Y, "content:7-10" },
	{ "ไทย", NULL, "รัฐบาลประเทศไทยประกาศ", N },   /* no segmenter: one word */
	{ "ประเทศ*", NULL, "รัฐบาล ประเทศไทยประกาศ", Y },
	/* CJK */
	{ "中国", NULL, "我们和中国的关系", Y, "content:3-5" },
	{ "中国", NULL, "国中", N },
	{ "银行", NULL, "中国银行", Y, "content:2-4" },
	{ "カタカナ", NULL, "ｶﾀｶﾅ", Y },
	/* emoji separate words */
	{ "swap deal", NULL, "swap😀deal", Y, "content:0-4", 2 },
	{ "\"swap deal\"", NULL, "swap😀deal", Y, "content:0-9" },
	/* nothing in the item */
	{ "a", NULL, NULL, N },
	{ "a OR /a/", NULL, NULL, N },
	/* regex spans are in characters, after multi-byte text */
	{ "/argentin[ao]/i", NULL, "Común, é ñandú — «ARGENTINA» y Argentino", Y, "content:18-27", 2 },
	{ "/xx/", NULL, "ÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿxxñññññññññxx", Y, "content:20-22", 2 },
};

/* Parses "field:start-end". */
static void
parse_span(const char *s, struct fw_span *out)
{
	g_auto(GStrv) parts = g_strsplit_set(s, ":-", 3);
	enum fw_field f;

	g_assert_cmpuint(g_strv_length(parts), ==, 3);
	g_assert_true(fw_field_from_name(parts[0], &f));
	out->field = f;
	out->start = atoi(parts[1]);
	out->end = atoi(parts[2]);
}

static void
doc_of(const struct row *r, struct fw_doc *d)
{
	memset(d, 0, sizeof(*d));
	d->field[FW_FIELD_TITLE] = r->title;
	d->field[FW_FIELD_SUMMARY] = r->summary;
	d->field[FW_FIELD_CONTENT] = r->content;
	d->field[FW_FIELD_AUTHOR] = r->author;
	d->field[FW_FIELD_CATEGORY] = r->category;
	d->field[FW_FIELD_FEED] = r->feed;
	d->field[FW_FIELD_LINK] = r->link;
}

/* Spans are sorted by field then start, don't overlap, and lie in their text. */
static void
check_spans(const struct fw_doc *d, const GArray *spans)
{
	for (guint i = 0; i < spans->len; i++) {
		const struct fw_span *s = &g_array_index(spans, struct fw_span, i);
		g_assert_cmpuint(s->field, <, FW_FIELD_COUNT);
		g_assert_nonnull(d->field[s->field]);
		g_assert_cmpuint(s->start, <, s->end);
		g_assert_cmpuint(s->end, <=, g_utf8_strlen(d->field[s->field], -1));
		if (i > 0) {
			const struct fw_span *p = s - 1;
			g_assert_true(p->field < s->field ||
			              (p->field == s->field && p->end <= s->start));
		}
	}
}

static void
test_row(gconstpointer data)
{
	const struct row *r = data;
	g_autoptr(GError) error = NULL;
	struct fw_query *q = fw_query_parse(r->query, NULL, &error);
	struct fw_matcher *m;
	struct fw_doc d;
	GArray *spans;
	struct fw_matches *hits = fw_matches_new();

	g_assert_no_error(error);
	doc_of(r, &d);
	spans = fw_query_match(q, &d);
	if (!r->yes) {
		g_assert_null(spans);
	} else {
		g_assert_nonnull(spans);
		check_spans(&d, spans);
		if (r->span) {
			struct fw_span want, *got;
			parse_span(r->span, &want);
			g_assert_cmpuint(spans->len, >, 0);
			got = &g_array_index(spans, struct fw_span, 0);
			g_assert_cmpstr(fw_field_name(got->field), ==, fw_field_name(want.field));
			g_assert_cmpuint(got->start, ==, want.start);
			g_assert_cmpuint(got->end, ==, want.end);
		}
		if (r->nspans)
			g_assert_cmpuint(spans->len, ==, r->nspans);
	}

	/* The matcher (with its index) says the same, with the same spans. */
	m = fw_matcher_new();
	fw_matcher_add(m, 7, q);
	g_assert_cmpuint(fw_matcher_match(m, &d, hits), ==, r->yes ? 1 : 0);
	g_assert_cmpuint(hits->hits->len, ==, r->yes ? 1 : 0);
	if (r->yes) {
		struct fw_match *fm = &g_array_index(hits->hits, struct fw_match, 0);
		g_assert_cmpuint(fm->topic, ==, 7);
		g_assert_cmpuint(fm->nspans, ==, spans->len);
		g_assert_cmpmem(fw_match_spans(hits, fm), fm->nspans * sizeof(struct fw_span),
		                spans->data, spans->len * sizeof(struct fw_span));
	}
	fw_matches_free(hits);
	fw_matcher_free(m);
	if (spans)
		g_array_unref(spans);
}

/* A word occurring very often records a bounded number of spans. */
static void
test_many_spans(void)
{
	g_autoptr(GString) s = g_string_new(NULL);
	struct fw_query *q = fw_query_parse("swap", NULL, NULL);
	struct fw_doc d = { 0 };
	GArray *spans;

	for (int i = 0; i < 5000; i++)
		g_string_append(s, "swap ");
	d.field[FW_FIELD_CONTENT] = s->str;
	spans = fw_query_match(q, &d);
	g_assert_nonnull(spans);
	g_assert_cmpuint(spans->len, >=, 10);
	g_assert_cmpuint(spans->len, <=, 1000);
	check_spans(&d, spans);
	g_array_unref(spans);
	fw_query_free(q);
}

/* The matcher's regex literal scan (only word starts while every literal
 * follows a \b) agrees with fw_query_match topic by topic, with literals
 * after \b only, mixed with others, and with a literal inside a word whose
 * clause was dropped (its query is too long) while another topic files it. */
static void
test_literal_scan(void)
{
	static const char *const sets[][3] = {
		{ "/\\bjutri/i", "/\\bgorfe[a-z]*\\b/", NULL },
		{ "/\\bjutri/i", "/[a-z]jutri/", "/\\bgorfe[a-z]*\\b/" },
		{ "/\\bjutri/i", "abcdefgh bcdefghi cdefghij defghijk efghijkl fghijklm ghijklmn "
		  "hijklmno ijklmnop jklmnopq klmnopqr lmnopqrs mnopqrst nopqrstu opqrstuv "
		  "pqrstuvw qrstuvwx /[a-z]jutri/", NULL },
	};
	static const char *const texts[] = {
		"skojutri", "sko jutri", "skoJUTRI gorfemu", "xgorfe", "e\u0301jutri",
		("abcdefgh bcdefghi cdefghij defghijk efghijkl fghijklm ghijklmn hijklmno ijklmnop "
		 "jklmnopq klmnopqr lmnopqrs mnopqrst nopqrstu opqrstuv pqrstuvw qrstuvwx skojutri"),
	};

	for (guint k = 0; k < G_N_ELEMENTS(sets); k++) {
		struct fw_matcher *m = fw_matcher_new();
		struct fw_matches *r = fw_matches_new();
		GPtrArray *qs = g_ptr_array_new_with_free_func((GDestroyNotify)fw_query_free);

		for (guint i = 0; i < G_N_ELEMENTS(sets[k]) && sets[k][i]; i++) {
			g_autoptr(GError) err = NULL;
			g_ptr_array_add(qs, fw_query_parse(sets[k][i], NULL, &err));
			g_assert_no_error(err);
			fw_matcher_add(m, i, fw_query_parse(sets[k][i], NULL, NULL));
		}
		for (guint t = 0; t < G_N_ELEMENTS(texts); t++) {
			struct fw_doc d = { 0 };
			guint want = 0;

			d.field[FW_FIELD_CONTENT] = texts[t];
			fw_matcher_match(m, &d, r);
			for (guint i = 0; i < qs->len; i++) {
				g_autoptr(GArray) spans = fw_query_match(qs->pdata[i], &d);
				gboolean found = FALSE;
				for (guint h = 0; h < r->hits->len; h++)
					found = found || g_array_index(r->hits, struct fw_match, h).topic == i;
				if ((spans != NULL) != found)
					g_error("set %u topic %u on '%s': query_match %s, matcher %s", k, i,
					        texts[t], spans ? "yes" : "no", found ? "yes" : "no");
				want += spans != NULL;
			}
			g_assert_cmpuint(r->hits->len, ==, want);
		}
		g_ptr_array_unref(qs);
		fw_matches_free(r);
		fw_matcher_free(m);
	}
}

/* Topics with equal queries (evaluated once) all match, each with the same
 * spans, also when added after the first match. */
static void
test_twins(void)
{
	static const struct {
		const char *query;
		guint number;
	} topics[] = {
		{ "swap*", 7 }, { "/\\bswap/i", 4 }, { "swap*", 2 }, { "swap* AND china", 9 },
		{ "/\\bswap/i", 4 }, { "title:swap*", 1 },
	}, later[] = { { "swap*", 3 }, { "/\\bswap/i", 8 } };
	static const guint want[] = { 2, 3, 4, 4, 7, 8 };
	struct fw_matcher *m = fw_matcher_new();
	struct fw_matches *r = fw_matches_new();
	struct fw_doc d = { 0 };
	const struct fw_match *h;

	for (guint i = 0; i < G_N_ELEMENTS(topics); i++)
		fw_matcher_add(m, topics[i].number, fw_query_parse(topics[i].query, NULL, NULL));
	d.field[FW_FIELD_CONTENT] = "The swaps and a swap line";
	g_assert_cmpuint(fw_matcher_match(m, &d, r), ==, 4);
	for (guint i = 0; i < G_N_ELEMENTS(later); i++)
		fw_matcher_add(m, later[i].number, fw_query_parse(later[i].query, NULL, NULL));
	g_assert_cmpuint(fw_matcher_match(m, &d, r), ==, G_N_ELEMENTS(want));
	h = (const struct fw_match *)(void *)r->hits->data;
	for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
		g_assert_cmpuint(h[i].topic, ==, want[i]);
		g_assert_cmpuint(h[i].nspans, ==, 2);
		g_assert_cmpuint(fw_match_spans(r, &h[i])[0].start, ==, 4);
		g_assert_cmpuint(fw_match_spans(r, &h[i])[1].start, ==, 16);
	}
	fw_matches_free(r);
	fw_matcher_free(m);
}

/* The candidate scan tells filed words apart by hash alone (wslots,
 * match-index.c): words of one FNV-1a hash (kwipbyv and uagxfyd, lfatghn
 * and xwrsloy) give each other's topics as candidates, which evaluation
 * turns down; the checks likewise. Every topic's hit equals
 * fw_query_match's, twins and topics added after a match included. */
static void
test_hash_alike(void)
{
	static const char *const topics[] = {
		"kwipbyv", "uagxfyd", "kwipbyv lfatghn", "title:kwipbyv", "kwipbyv -xwrsloy",
		"uagxfyd", "\"lfatghn kwipbyv\"", "xwrsloy NEAR/2 uagxfyd", "kwipby*",
	};
	static const struct {
		const char *title, *content;
		const char *want;   /* the topics (their index) that match, as digits */
	} docs[] = {
		{ NULL, "uagxfyd", "15" },
		{ NULL, "kwipbyv", "048" },
		{ NULL, "kwipbyv xwrsloy", "08" },
		{ NULL, "kwipbyv lfatghn", "0248" },
		{ NULL, "lfatghn kwipbyv", "02468" },
		{ "uagxfyd", "kwipbyv", "01458" },
		{ "kwipbyv", "xwrsloy a uagxfyd", "013578" },
		{ NULL, "lfatghn xwrsloy", "" },
	};
	struct fw_matcher *m = fw_matcher_new();
	struct fw_matches *r = fw_matches_new();
	struct fw_query *q[G_N_ELEMENTS(topics)];

	g_assert_cmpuint(fw_text_hash("kwipbyv", 7), ==, fw_text_hash("uagxfyd", 7));
	g_assert_cmpuint(fw_text_hash("lfatghn", 7), ==, fw_text_hash("xwrsloy", 7));
	for (guint i = 0; i < G_N_ELEMENTS(topics); i++) {
		q[i] = fw_query_parse(topics[i], NULL, NULL);
		g_assert_nonnull(q[i]);
		/* the last two come after a first match (a second build) */
		if (i == G_N_ELEMENTS(topics) - 2) {
			struct fw_doc d0 = { 0 };
			d0.field[FW_FIELD_CONTENT] = "kwipbyv";
			fw_matcher_match(m, &d0, r);
		}
		fw_matcher_add(m, i, q[i]);
	}
	for (guint k = 0; k < G_N_ELEMENTS(docs); k++) {
		struct fw_doc d = { 0 };
		GString *got = g_string_new(NULL);

		d.field[FW_FIELD_TITLE] = docs[k].title;
		d.field[FW_FIELD_CONTENT] = docs[k].content;
		fw_matcher_match(m, &d, r);
		for (guint i = 0; i < r->hits->len; i++) {
			const struct fw_match *h = &g_array_index(r->hits, struct fw_match, i);
			g_autoptr(GArray) spans = fw_query_match(q[h->topic], &d);

			g_string_append_printf(got, "%u", h->topic);
			g_assert_nonnull(spans);
			g_assert_cmpuint(h->nspans, ==, spans->len);
			g_assert_cmpmem(fw_match_spans(r, h), h->nspans * sizeof(struct fw_span),
			                spans->data, spans->len * sizeof(struct fw_span));
		}
		for (guint t = 0; t < G_N_ELEMENTS(topics); t++) {
			g_autoptr(GArray) spans = fw_query_match(q[t], &d);
			g_assert_true((spans != NULL) == (strchr(got->str, '0' + t) != NULL));
		}
		g_assert_cmpstr(got->str, ==, docs[k].want);
		g_string_free(got, TRUE);
	}
	fw_matches_free(r);
	fw_matcher_free(m);
}

/* The matcher: topics come back ordered by number, each with its spans. */
static void
test_matcher(void)
{
	static const char *const topics[] = { SWAPS, MERCOSUR, MILEI, "/Argentin/", "x -y" };
	static const guint numbers[] = { 30, 20, 10, 5, 40 };
	struct fw_matcher *m = fw_matcher_new();
	struct fw_doc d = { 0 };
	struct fw_matches *hits = fw_matches_new();
	struct fw_match *h;

	g_assert_cmpuint(fw_matcher_match(m, &d, hits), ==, 0);
	g_assert_cmpuint(hits->hits->len, ==, 0);
	for (guint i = 0; i < G_N_ELEMENTS(topics); i++)
		fw_matcher_add(m, numbers[i], fw_query_parse(topics[i], NULL, NULL));
	d.field[FW_FIELD_TITLE] = "Milei and Lula meet in Argentina";
	d.field[FW_FIELD_CONTENT] = "The Mercosur summit: China's swap line was discussed.";
	g_assert_cmpuint(fw_matcher_match(m, &d, hits), ==, 4);
	h = (struct fw_match *)(void *)hits->hits->data;
	g_assert_cmpuint(h[0].topic, ==, 5);
	g_assert_cmpuint(h[1].topic, ==, 10);
	g_assert_cmpuint(h[2].topic, ==, 20);
	g_assert_cmpuint(h[3].topic, ==, 30);
	g_assert_cmpuint(h[3].nspans, ==, 2);
	/* "swap" in content: the first of its spans, in the shared array */
	g_assert_cmpuint(fw_match_spans(hits, &h[3])[0].field, ==, FW_FIELD_CONTENT);
	/* the result is reused: emptied, then filled */
	d.field[FW_FIELD_TITLE] = NULL;
	d.field[FW_FIELD_CONTENT] = "x";
	g_assert_cmpuint(fw_matcher_match(m, &d, hits), ==, 1);
	h = (struct fw_match *)(void *)hits->hits->data;
	g_assert_cmpuint(h[0].topic, ==, 40);
	g_assert_cmpuint(hits->spans->len, ==, h[0].nspans);
	fw_matches_free(hits);
	fw_matches_free(NULL);
	fw_matcher_free(m);
	fw_matcher_free(NULL);
}

/* A regex that can match the empty string (z-star): an empty match is no hit,
 * in the matcher as in fw_query_match; a result that holds no span has its
 * span array unallocated, and nothing does arithmetic on its NULL (clang's
 * UBSan checks it). */
static void
test_no_spans(void)
{
	struct fw_matcher *m = fw_matcher_new();
	struct fw_matches *r = fw_matches_new();
	struct fw_doc d = { 0 };
	struct fw_query *q = fw_query_parse("/z*/", NULL, NULL);
	g_autoptr(GArray) none = g_array_new(FALSE, FALSE, sizeof(struct fw_span));
	const struct fw_match *h;

	g_assert_nonnull(q);
	fw_matcher_add(m, 3, fw_query_parse("/z*/", NULL, NULL));
	d.field[FW_FIELD_TITLE] = "Lions on the savanna";   /* no z: only "" matched */
	g_assert_cmpuint(fw_matcher_match(m, &d, r), ==, 0);
	g_assert_cmpuint(r->spans->len, ==, 0);
	g_assert_null(fw_query_match(q, &d));
	g_assert_null(fw_snippet_make(&d, none, 200));      /* nothing to mark: no snippet */
	d.field[FW_FIELD_TITLE] = "A zebra on the savanna";
	g_assert_cmpuint(fw_matcher_match(m, &d, r), ==, 1);
	h = &g_array_index(r->hits, struct fw_match, 0);
	g_assert_cmpuint(h->nspans, ==, 1);
	g_assert_cmpuint(fw_match_spans(r, h)[0].start, ==, 2);
	fw_query_free(q);
	fw_matches_free(r);
	fw_matcher_free(m);
}

/* Snippets, rendered with [ ] (or <b> </b> and escaping). */
struct snip_row {
	const char *query;
	const char *title;
	const char *content;
	guint width;
	gboolean escape;
	const char *want;      /* rendered; NULL: no snippet */
	const char *field;
};

static const struct snip_row snip_rows[] = {
	{ MILEI, NULL, "President Javier Milei said on Tuesday that the reforms would continue.",
	  200, FALSE, "President Javier [Milei] said on Tuesday that the reforms would continue.",
	  "content" },
	{ MILEI, NULL, "aaa bbb ccc ddd eee fff Milei ggg hhh iii jjj kkk", 20, FALSE,
	  "…fff [Milei] ggg hhh…", "content" },
	/* the window far from both ends (only it is decoded) */
	{ MILEI, NULL, "aaa bbb ccc ddd eee fff Milei ggg hhh iii jjj kkk lll mmm nnn ooo ppp", 20,
	  FALSE, "…fff [Milei] ggg hhh…", "content" },
	{ MILEI, NULL, "Milei said that aaa bbb ccc", 10, FALSE, "[Milei] said…", "content" },
	{ MILEI, NULL, "aaa bbb ccc Milei", 10, FALSE, "…ccc [Milei]", "content" },
	{ MILEI, NULL, "a < b & Milei > c", 200, TRUE, "a &lt; b &amp; <b>Milei</b> &gt; c", "content" },
	{ MILEI, NULL, "x <y> & z, a long text follows Milei, the end of it all <3", 30, TRUE,
	  "…follows <b>Milei</b>, the end of…", "content" },
	{ MILEI, NULL, "some text <a & b> Milei, the end of it all and more words", 30, TRUE,
	  "…a &amp; b&gt; <b>Milei</b>, the end of…", "content" },
	{ MILEI, "Milei wins", NULL, 200, FALSE, "[Milei] wins", "title" },
	{ MILEI, "Milei wins", "Javier Milei said", 200, FALSE, "Javier [Milei] said", "content" },
	{ MILEI, NULL, "Milei and Milei", 200, FALSE, "[Milei] and [Milei]", "content" },
	{ MILEI, NULL, "Común é Milei", 200, FALSE, "Común é [Milei]", "content" },
	{ MILEI, NULL, "Milei one two three four five six seven eight nine ten Milei", 20, FALSE,
	  "[Milei] one two three…", "content" },
	{ SWAPS, NULL, "currency swaps with China", 200, FALSE, "currency [swaps] with [China]",
	  "content" },
	{ MERCOSUR, NULL, "el Mercado Común del Sur hoy", 5, FALSE, "…[Mercado Común del Sur]…",
	  "content" },
	{ MERCOSUR, NULL, "(Mercosur) bloc", 200, TRUE, "(<b>Mercosur</b>) bloc", "content" },
	{ "/a/", NULL, "a", 200, FALSE, "[a]", "content" },
	{ "x (z OR NOT y)", NULL, "z x", 200, FALSE, "[z] [x]", "content" },
};

static void
test_snippet(gconstpointer data)
{
	const struct snip_row *r = data;
	struct fw_query *q = fw_query_parse(r->query, NULL, NULL);
	struct fw_doc d = { 0 };
	GArray *spans;
	struct fw_snippet *sn;
	g_autofree char *got = NULL;

	g_assert_nonnull(q);
	d.field[FW_FIELD_TITLE] = r->title;
	d.field[FW_FIELD_CONTENT] = r->content;
	spans = fw_query_match(q, &d);
	g_assert_nonnull(spans);
	sn = fw_snippet_make(&d, spans, r->width);
	if (r->want == NULL) {
		g_assert_null(sn);
	} else {
		g_assert_nonnull(sn);
		g_assert_cmpstr(fw_field_name(sn->field), ==, r->field);
		for (guint i = 0; i < sn->marks->len; i++) {
			const struct fw_span *mk = &g_array_index(sn->marks, struct fw_span, i);
			g_assert_cmpuint(mk->field, ==, sn->field);
			g_assert_cmpuint(mk->end, <=, g_utf8_strlen(sn->text, -1));
		}
		if (r->escape)
			got = fw_snippet_render(sn->text, sn->marks, "<b>", "</b>", TRUE);
		else
			got = fw_snippet_render(sn->text, sn->marks, "[", "]", FALSE);
		g_assert_cmpstr(got, ==, r->want);
	}
	fw_snippet_free(sn);
	g_array_unref(spans);
	fw_query_free(q);
}

/* Explanations: what fw_query_explain says, for a hit or a miss. */
struct why_row {
	const char *query;
	const char *title;
	const char *content;
	gboolean yes;
	const char *want;
	const char *summary;
	const char *author;
	const char *category;
};

static const struct why_row why_rows[] = {
	/* words */
	{ MILEI, "Javier Milei wins", NULL, Y, "Milei found in title" },
	{ MILEI, "Milei", "Milei said", Y, "Milei found in title and content" },
	{ MILEI, "Argentina", "The president said", N, "Milei not found" },
	{ MILEI, NULL, NULL, N, "Milei not found" },
	{ MILEI, "x", "mileage", N, "Milei not found" },
	{ MILEI, "x", NULL, N, "Milei not found (only in author)", .author = "Javier Milei" },
	{ "title:Milei", "Argentina", "Milei said", N, "Milei not found in title (only in content)" },
	{ "category:Milei", "Milei", NULL, Y, "Milei found in category", .category = "Milei" },
	{ "China", "Chinatown news", "in Chinatown and Chinatowns", N,
	  "China not found (only inside other words: Chinatown, Chinatowns)" },
	{ "Común", NULL, "el mercado comun", Y, "Común found in content" },
	/* prefixes: the forms found */
	{ "swap*", NULL, "swaps, swap and swapped; Swaps", Y,
	  "swap* found in content (swaps, swap, swapped)" },
	{ "milei swap*", "Milei", "currency swaps", Y,
	  "milei found in title, swap* found in content (swaps)" },
	{ "swap*", NULL, "a swamp", N, "swap* not found" },
	/* phrases */
	{ MERCOSUR, NULL, "el Mercado Común del Sur", Y, "\"Mercado Común del Sur\" found in content" },
	{ "\"Mercado Común del Sur\"", NULL, "el Mercado del Sur Común", N,
	  "\"Mercado Común del Sur\" not found (its words are there, not in that order)" },
	{ "\"Mercado Común del Sur\"", "Mercado Común", "del Sur", N,
	  "\"Mercado Común del Sur\" not found (its words are there, not in that order)" },
	{ "\"Mercado Común del Sur\"", NULL, "Mercado Libre", N, "\"Mercado Común del Sur\" not found" },
	/* OR: the kids that matched; for a miss the plain misses listed together */
	{ MERCOSUR, NULL, "the Mercosul bloc", Y, "Mercosul found in content" },
	{ MERCOSUR, "Mercosur", "el Mercosul", Y, "Mercosur found in title; Mercosul found in content" },
	{ MERCOSUR, NULL, "Mercado Libre and Mercury", N,
	  "none of Mercosur, Mercosul, \"Mercado Común del Sur\" found" },
	{ MERCOSUR, NULL, "el Mercado del Sur Común", N,
	  "none of Mercosur, Mercosul found; \"Mercado Común del Sur\" not found "
	  "(its words are there, not in that order)" },
	{ "a OR title:b", "x", "b", N, "a not found; b not found in title (only in content)" },
	/* AND and NOT */
	{ "milei argentina", "Milei", "in Argentina", Y, "milei found in title, argentina found in content" },
	{ "milei argentina", "Milei", "in Chile", N, "milei found in title, but argentina not found" },
	{ "milei argentina", NULL, NULL, N, "milei not found, argentina not found" },
	{ "Mercosur -\"Mercado Libre\"", "Mercosur talks", "Mercado Libre shares rose", N,
	  "Mercosur found in title, but NOT excluded it: \"Mercado Libre\" found in content" },
	{ "Mercosur NOT \"Mercado Libre\"", "Mercosur talks", "Mercado and Libre", Y,
	  "Mercosur found in title, \"Mercado Libre\" not found (its words are there, not in that order)" },
	{ "Mercosur -Libre", "Mercosur talks", NULL, Y, "Mercosur found in title, Libre not found" },
	{ "a (b OR c) -d", "a c d", NULL, N,
	  "a found in title, c found in title, but NOT excluded it: d found in title" },
	{ "(a b) OR c", "a", NULL, N, "c not found; a found in title, but b not found" },
	/* NEAR */
	{ SWAPS, NULL, "China agreed to currency swaps", Y,
	  "China and swaps found 4 words apart in content (NEAR/8)" },
	{ SWAPS, NULL, "Beijing swaps", Y, "Beijing and swaps found next to each other in content" },
	{ SWAPS, NULL, "China said on Monday that the central bank, after a long and difficult meeting, "
	               "had agreed to new currency swaps.", N,
	  "China found in content, no swap* within 8 words (the nearest is 19 words away)" },
	{ SWAPS, NULL, "China agreed", N, "China found in content, but swap* not found" },
	{ SWAPS, "Argentina", "dollar swaps", N,
	  "swaps found in content, but none of China, Chinese, Beijing found" },
	{ SWAPS, "Argentina", "dollars", N, "none of China, Chinese, Beijing found, swap* not found" },
	{ SWAPS, "China agreed", "swaps", N,
	  "China found in title, no swap* within 8 words "
	  "(it is only in content: words in different fields are never near)" },
	{ "\"currency swap\" NEAR/3 China", NULL, "China's currency swap", Y,
	  "currency swap and China found 2 words apart in content (NEAR/3)" },
	/* regular expressions: the first match, or why not */
	{ "/argentin[ao]/i", NULL, "The ARGENTINA peso", Y, "/argentin[ao]/i matched \"ARGENTINA\" in content" },
	{ "/argentin[ao]/i", "x", "The Argentine peso", N, "/argentin[ao]/i did not match" },
	{ "/(a+)+$/", NULL, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", N,
	  "/(a+)+$/ gave up (too much backtracking), counted as no match" },
	{ "/a.{60}/", NULL, "a123456789012345678901234567890123456789012345678901234567890", Y,
	  "/a.{60}/ matched \"a123456789012345678901234567890123456789…\" in content" },
	/* long lists are cut */
	{ "a OR b OR c OR d OR e OR f OR g", "x", NULL, N, "none of a, b, c, d, e and 2 more found" },
};

static void
test_why(gconstpointer data)
{
	const struct why_row *r = data;
	g_autoptr(GError) error = NULL;
	struct fw_query *q = fw_query_parse(r->query, NULL, &error);
	struct fw_doc d = { 0 };
	g_autofree char *why = NULL;
	GArray *spans;

	g_assert_no_error(error);
	d.field[FW_FIELD_TITLE] = r->title;
	d.field[FW_FIELD_CONTENT] = r->content;
	d.field[FW_FIELD_SUMMARY] = r->summary;
	d.field[FW_FIELD_AUTHOR] = r->author;
	d.field[FW_FIELD_CATEGORY] = r->category;
	spans = fw_query_match(q, &d);
	g_assert_cmpint(spans != NULL, ==, r->yes);
	why = fw_query_explain(q, &d);
	g_assert_cmpstr(why, ==, r->want);
	if (spans)
		g_array_unref(spans);
	fw_query_free(q);
}

/* An explanation stays short however long the query or the text. */
static void
test_why_long(void)
{
	g_autoptr(GString) query = g_string_new("x");
	g_autoptr(GString) text = g_string_new(NULL);
	struct fw_query *q;
	struct fw_doc d = { 0 };
	g_autofree char *why = NULL;

	for (int i = 0; i < 60; i++)
		g_string_append_printf(query, " (w%dxxxxxxxxxxxxxxxxxxxxxxxxxxxxx OR title:v%d)", i, i);
	for (int i = 0; i < 60; i++)
		g_string_append_printf(text, "w%dxxxxxxxxxxxxxxxxxxxxxxxxxxxxx ", i);
	q = fw_query_parse(query->str, NULL, NULL);
	g_assert_nonnull(q);
	d.field[FW_FIELD_CONTENT] = text->str;
	why = fw_query_explain(q, &d);
	g_assert_cmpuint(g_utf8_strlen(why, -1), <=, 1000);
	g_assert_true(g_str_has_prefix(why, "w0x"));
	fw_query_free(q);
}

/* Rendering on its own: bad marks are skipped, NULLs are fine. */
static void
test_render(void)
{
	g_autoptr(GArray) marks = g_array_new(FALSE, FALSE, sizeof(struct fw_span));
	struct fw_span a = { 2, 0, 2 }, b = { 2, 1, 3 }, c = { 2, 4, 99 }, e = { 2, 4, 5 };
	char *s;

	g_array_append_val(marks, a);
	g_array_append_val(marks, b);   /* overlaps a: skipped */
	g_array_append_val(marks, e);
	g_array_append_val(marks, c);   /* beyond the text: skipped */
	s = fw_snippet_render("ñé&x<y", marks, "<", ">", FALSE);
	g_assert_cmpstr(s, ==, "<ñé>&x<<>y");
	g_free(s);
	s = fw_snippet_render("ñé&x<y", marks, NULL, NULL, TRUE);
	g_assert_cmpstr(s, ==, "ñé&amp;x&lt;y");
	g_free(s);
	s = fw_snippet_render("a&b", NULL, "[", "]", TRUE);
	g_assert_cmpstr(s, ==, "a&amp;b");
	g_free(s);
	g_assert_null(fw_snippet_make(&(struct fw_doc){ 0 }, marks, 10));
	g_array_set_size(marks, 0);
	g_assert_null(fw_snippet_make(&(struct fw_doc){ 0 }, marks, 10));
	fw_snippet_free(NULL);
}

/* Property: for random queries over a small vocabulary and random items,
 * the indexed matcher agrees with fw_query_match topic by topic. */
static const char *const vocab[] = {
	"china", "chinese", "swap", "swaps", "milei", "mercosur", "beijing", "deal",
	"the", "sur", "mercado", "común", "supercalifragilisticexpialidociousness",
};

static void
rand_term(GRand *rng, GString *q, int depth)
{
	const char *w = vocab[g_rand_int_range(rng, 0, G_N_ELEMENTS(vocab))];
	int k = g_rand_int_range(rng, 0, depth > 0 ? 11 : 8);

	if (g_rand_int_range(rng, 0, 8) == 0)
		g_string_append(q, g_rand_boolean(rng) ? "title:" : "content:");
	switch (k) {
	case 0: case 1: case 2:
		g_string_append(q, w);
		break;
	case 3: {
		/* prefixes of 1 to 33 characters (short ones, the filter's long bit) */
		static const int lens[] = { 1, 2, 3, 3, 4, 6, 33 };
		glong l = lens[g_rand_int_range(rng, 0, G_N_ELEMENTS(lens))];
		g_autofree char *p = g_utf8_substring(w, 0, MIN(g_utf8_strlen(w, -1), l));
		g_string_append_printf(q, "%s*", p);
		break;
	}
	case 4:
		g_string_append_printf(q, "\"%s %s\"", w,
		                       vocab[g_rand_int_range(rng, 0, G_N_ELEMENTS(vocab))]);
		break;
	case 5:
		g_string_append_printf(q, "/%.4s/i", w);
		break;
	case 6:
		g_string_append_printf(q, "%s NEAR/%d %.3s*", w, g_rand_int_range(rng, 1, 6),
		                       vocab[g_rand_int_range(rng, 0, G_N_ELEMENTS(vocab))]);
		break;
	case 7:
		g_string_append_printf(q, "(%s OR \"%s %s\") NEAR %s", w,
		                       vocab[g_rand_int_range(rng, 0, G_N_ELEMENTS(vocab))],
		                       vocab[g_rand_int_range(rng, 0, G_N_ELEMENTS(vocab))],
		                       vocab[g_rand_int_range(rng, 0, G_N_ELEMENTS(vocab))]);
		break;
	default:
		g_string_append_c(q, '(');
		rand_term(rng, q, depth - 1);
		g_string_append(q, g_rand_boolean(rng) ? " OR " : g_rand_boolean(rng) ? " " : " -");
		rand_term(rng, q, depth - 1);
		g_string_append_c(q, ')');
		break;
	}
}

static char *
rand_text(GRand *rng)
{
	static const char *const seps[] = { " ", " ", " ", ", ", "-", "'s ", ". " };
	GString *s = g_string_new(NULL);
	int n = g_rand_int_range(rng, 0, 14);

	for (int i = 0; i < n; i++) {
		const char *w = vocab[g_rand_int_range(rng, 0, G_N_ELEMENTS(vocab))];
		if (g_rand_int_range(rng, 0, 5) == 0)
			g_string_append(s, "other");
		else if (g_rand_int_range(rng, 0, 6) == 0)
			g_string_append_printf(s, "%sx", w);    /* a longer word */
		else if (g_rand_int_range(rng, 0, 8) == 0)
			g_string_append_printf(s, "%c%s", g_ascii_toupper(w[0]), w + 1);
		else
			g_string_append(s, w);
		g_string_append(s, seps[g_rand_int_range(rng, 0, G_N_ELEMENTS(seps))]);
	}
	return g_string_free(s, FALSE);
}

static void
test_property(void)
{
	GRand *rng = g_rand_new_with_seed(20241126);
	struct fw_matcher *m = fw_matcher_new();
	GPtrArray *queries = g_ptr_array_new();
	GArray *numbers = g_array_new(FALSE, FALSE, sizeof(guint));
	struct fw_matches *hits = fw_matches_new();   /* reused doc after doc */
	guint ntopics = 2000, ndocs = 60, matched = 0, evaluated = 0;

	while (queries->len < ntopics) {
		g_autoptr(GString) q = g_string_new(NULL);
		struct fw_query *fq;
		guint num = g_rand_int_range(rng, 0, 1000000);
		int parts = g_rand_int_range(rng, 1, 4);

		for (int i = 0; i < parts; i++) {
			if (i)
				g_string_append(q, g_rand_int_range(rng, 0, 3) == 0 ? " OR " :
				                   g_rand_int_range(rng, 0, 3) == 0 ? " NOT " : " ");
			rand_term(rng, q, 2);
		}
		fq = fw_query_parse(q->str, NULL, NULL);
		if (fq == NULL)
			continue;   /* e.g. "a OR NOT b" */
		g_ptr_array_add(queries, fq);
		g_array_append_val(numbers, num);
		fw_matcher_add(m, num, fq);
	}
	for (guint k = 0; k < ndocs; k++) {
		g_autofree char *title = rand_text(rng);
		g_autofree char *content = rand_text(rng);
		g_autofree char *summary = rand_text(rng);
		struct fw_doc d = { 0 };
		guint h = 0, last = 0;

		d.field[FW_FIELD_TITLE] = title;
		d.field[FW_FIELD_CONTENT] = content;
		if (k % 3 == 0)
			d.field[FW_FIELD_SUMMARY] = summary;
		fw_matcher_match(m, &d, hits);
		for (guint i = 0; i < hits->hits->len; i++) {
			struct fw_match *fm = &g_array_index(hits->hits, struct fw_match, i);
			g_assert_cmpuint(fm->topic, >=, last);
			last = fm->topic;
		}
		/* Every topic: in the hits iff fw_query_match says so, with equal spans. */
		for (guint t = 0; t < queries->len; t++) {
			GArray *spans = fw_query_match(queries->pdata[t], &d);
			gboolean found = FALSE;
			evaluated++;
			for (guint i = 0; i < hits->hits->len && !found; i++) {
				struct fw_match *fm = &g_array_index(hits->hits, struct fw_match, i);
				if (fm->topic != g_array_index(numbers, guint, t))
					continue;
				/* topic numbers may repeat: compare with this one's spans */
				if (spans && fm->nspans == spans->len &&
				    memcmp(fw_match_spans(hits, fm), spans->data,
				           spans->len * sizeof(struct fw_span)) == 0)
					found = TRUE;
			}
			if ((spans != NULL) != found)
				g_error("topic '%s' on title '%s' content '%s': query_match %s, matcher %s",
				        fw_query_source(queries->pdata[t]), title, content,
				        spans ? "yes" : "no", found ? "yes" : "no");
			if (spans) {
				matched++;
				h++;
				check_spans(&d, spans);
				g_array_unref(spans);
			}
		}
		g_assert_cmpuint(hits->hits->len, ==, h);
	}
	fw_matches_free(hits);
	/* The test means something: many topics matched, most did not. */
	g_test_message("%u of %u evaluations matched", matched, evaluated);
	g_assert_cmpuint(matched, >, evaluated / 50);
	g_assert_cmpuint(matched, <, evaluated / 2);
	fw_matcher_free(m);
	g_ptr_array_unref(queries);
	g_array_unref(numbers);
	g_rand_free(rng);
}

/* Threads matching with one matcher at once (the first match files the
 * topics) get what one thread gets. */
struct thread_job {
	struct fw_matcher *m;
	char **texts;
	guint ntexts;
	guint hits;
};

static gpointer
match_thread_cb(gpointer data)
{
	struct thread_job *j = data;

	struct fw_matches *hits = fw_matches_new();

	for (guint rep = 0; rep < 3; rep++) {
		for (guint i = 0; i < j->ntexts; i++) {
			struct fw_doc d = { 0 };
			d.field[FW_FIELD_CONTENT] = j->texts[i];
			fw_matcher_match(j->m, &d, hits);
			if (rep == 0)
				j->hits += hits->hits->len;
		}
	}
	fw_matches_free(hits);
	return NULL;
}

static void
test_threads(void)
{
	GRand *rng = g_rand_new_with_seed(7);
	struct fw_matcher *m = fw_matcher_new();
	char *texts[40];
	struct thread_job jobs[4];
	GThread *th[4];
	guint want = 0;

	for (guint t = 0; t < 300; t++) {
		g_autoptr(GString) q = g_string_new(NULL);
		struct fw_query *fq;
		rand_term(rng, q, 1);
		if ((fq = fw_query_parse(q->str, NULL, NULL)) != NULL)
			fw_matcher_add(m, t, fq);
	}
	for (guint i = 0; i < G_N_ELEMENTS(texts); i++)
		texts[i] = rand_text(rng);
	for (guint k = 0; k < G_N_ELEMENTS(th); k++) {
		jobs[k] = (struct thread_job){ m, texts, G_N_ELEMENTS(texts), 0 };
		th[k] = g_thread_new("match", match_thread_cb, &jobs[k]);
	}
	for (guint k = 0; k < G_N_ELEMENTS(th); k++)
		g_thread_join(th[k]);
	{
		struct thread_job one = { m, texts, G_N_ELEMENTS(texts), 0 };
		match_thread_cb(&one);
		want = one.hits;
	}
	g_assert_cmpuint(want, >, 0);
	for (guint k = 0; k < G_N_ELEMENTS(th); k++)
		g_assert_cmpuint(jobs[k].hits, ==, want);
	for (guint i = 0; i < G_N_ELEMENTS(texts); i++)
		g_free(texts[i]);
	fw_matcher_free(m);
	g_rand_free(rng);
}

/* fw_doc_from_item: the feed field holds the feed's title and its key (the
 * config's name), one a line; categories one a line. Each row: the feed's
 * key and title, a query, whether it matches. */
static const struct {
	const char *key, *title, *query;
	gboolean yes;
} doc_rows[] = {
	{ "tac", "The American Conservative", "feed:tac", Y },
	{ "tac", "The American Conservative", "feed:\"american conservative\"", Y },
	{ "tac", "The American Conservative", "feed:\"conservative tac\"", N },
	{ "lanacion", "La Nación", "feed:lanacion", Y },
	{ "lanacion", "La Nación", "feed:nacion", Y },
	{ "mp", NULL, "feed:mp", Y },
	{ NULL, "MercoPress", "feed:mercopress", Y },
	{ "mercopress", "MercoPress", "feed:mercopress", Y },
	{ NULL, NULL, "feed:x", N },
	{ "tac", "The American Conservative", "category:\"south america\"", Y },
	{ "tac", "The American Conservative", "category:\"america mercosur\"", N },
};

static void test_doc_from_item(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(doc_rows); i++) {
		g_autoptr(GPtrArray) cats = g_ptr_array_new();
		struct fw_item it = { .id = "1", .title = "Milei", .categories = cats };
		g_autoptr(GError) error = NULL;
		struct fw_query *q = fw_query_parse(doc_rows[i].query, NULL, &error);
		g_autofree char *own = NULL;
		struct fw_doc d;
		GArray *spans;

		g_assert_no_error(error);
		g_ptr_array_add(cats, "South America");
		g_ptr_array_add(cats, "Mercosur");
		fw_doc_from_item(&d, &it, doc_rows[i].key, doc_rows[i].title, &own);
		g_assert_cmpstr(d.field[FW_FIELD_CATEGORY], ==, "South America \n Mercosur");
		spans = fw_query_match(q, &d);
		g_test_message("row %zu: %s: %s", i, doc_rows[i].query, spans ? "yes" : "no");
		g_assert_cmpint(spans != NULL, ==, doc_rows[i].yes);
		if (spans)
			g_array_unref(spans);
		fw_query_free(q);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_autofree char *name = g_strdup_printf("/match/row/%u", i);
		g_test_add_data_func(name, &rows[i], test_row);
	}
	for (guint i = 0; i < G_N_ELEMENTS(snip_rows); i++) {
		g_autofree char *name = g_strdup_printf("/match/snippet/%u", i);
		g_test_add_data_func(name, &snip_rows[i], test_snippet);
	}
	for (guint i = 0; i < G_N_ELEMENTS(why_rows); i++) {
		g_autofree char *name = g_strdup_printf("/match/why/%u", i);
		g_test_add_data_func(name, &why_rows[i], test_why);
	}
	g_test_add_func("/match/why-long", test_why_long);
	g_test_add_func("/match/many-spans", test_many_spans);
	g_test_add_func("/match/matcher", test_matcher);
	g_test_add_func("/match/doc-from-item", test_doc_from_item);
	g_test_add_func("/match/no-spans", test_no_spans);
	g_test_add_func("/match/twins", test_twins);
	g_test_add_func("/match/hash-alike", test_hash_alike);
	g_test_add_func("/match/literal-scan", test_literal_scan);
	g_test_add_func("/match/render", test_render);
	g_test_add_func("/match/property", test_property);
	g_test_add_func("/match/threads", test_threads);
	return g_test_run();
}
