/* Unit tests for topic.c: the query parser, as data tables. A parsed query
 * is printed as an S-expression: words, prefix*, "phrases", /regex/i,
 * field|field:term for non-default fields, (AND ..), (OR ..), (NOT x),
 * (NEAR/n a b). */
#include <string.h>

#include "feedwatch/topic.h"

/* Prints the fields of a leaf when they are not the default ones. */
static void
dump_fields(GString *s, guint fields)
{
	gboolean first = TRUE;

	if (fields == FW_FIELDS_DEFAULT)
		return;
	for (guint f = 0; f < FW_FIELD_COUNT; f++) {
		if (fields & (1u << f)) {
			g_string_append_printf(s, "%s%s", first ? "" : "|", fw_field_name(f));
			first = FALSE;
		}
	}
	g_string_append_c(s, ':');
}

static void
dump(GString *s, const struct fw_qnode *n)
{
	switch (n->kind) {
	case FW_QNODE_PHRASE:
		dump_fields(s, n->fields);
		if (n->n > 1)
			g_string_append_c(s, '"');
		for (guint i = 0; i < n->n; i++)
			g_string_append_printf(s, "%s%s%s", i ? " " : "", n->terms[i].word,
			                       n->terms[i].prefix ? "*" : "");
		if (n->n > 1)
			g_string_append_c(s, '"');
		return;
	case FW_QNODE_REGEX: {
		/* the pattern without the match limit in front */
		const char *pat = strchr(g_regex_get_pattern(n->regex), ')') + 1;

		g_assert_true(g_str_has_prefix(g_regex_get_pattern(n->regex), "(*LIMIT_MATCH="));
		dump_fields(s, n->fields);
		g_string_append_printf(s, "/%s/%s", pat,
		                       (g_regex_get_compile_flags(n->regex) & G_REGEX_CASELESS) ? "i" : "");
		/* the literals the presearch uses: {a|b}, ^a if a match starts with it */
		for (guint i = 0; i < n->n; i++) {
			g_assert_true(n->terms[i].infix);
			g_string_append_printf(s, "%s%s%s", i ? "|" : "{",
			                       n->terms[i].word_start ? "^" : "", n->terms[i].word);
		}
		if (n->n)
			g_string_append_c(s, '}');
		return;
	}
	case FW_QNODE_NOT:
		g_string_append(s, "(NOT ");
		dump(s, n->kids[0]);
		g_string_append_c(s, ')');
		return;
	case FW_QNODE_NEAR:
		g_string_append_printf(s, "(NEAR/%u ", n->n);
		dump(s, n->kids[0]);
		g_string_append_c(s, ' ');
		dump(s, n->kids[1]);
		g_string_append_c(s, ')');
		return;
	case FW_QNODE_AND:
	case FW_QNODE_OR:
		g_string_append(s, n->kind == FW_QNODE_AND ? "(AND" : "(OR");
		for (guint i = 0; i < n->n; i++) {
			g_string_append_c(s, ' ');
			dump(s, n->kids[i]);
		}
		g_string_append_c(s, ')');
		return;
	}
}

struct ok_row {
	const char *query;
	const char *tree;
};

static const struct ok_row ok_rows[] = {
	/* words: case, accents, width */
	{ "Milei", "milei" },
	{ "MILEI", "milei" },
	{ "Común", "comun" },
	{ "ＭＩＬＥＩ", "milei" },
	{ "2024", "2024" },
	{ "  Milei  ", "milei" },
	/* prefixes */
	{ "swap*", "swap*" },
	{ "Swáp*", "swap*" },
	/* phrases */
	{ "\"Mercado Común del Sur\"", "\"mercado comun del sur\"" },
	{ "“Mercado Común del Sur”", "\"mercado comun del sur\"" },
	{ "\"China's swap\"", "\"china s swap\"" },
	{ "\"swap* line\"", "\"swap* line\"" },
	{ "\"swap* line*\"", "\"swap* line*\"" },
	{ "\"single\"", "single" },
	/* a word holding separators is a phrase */
	{ "Trump-Milei", "\"trump milei\"" },
	{ "China's", "\"china s\"" },
	{ "Trump-Mil*", "\"trump mil*\"" },
	{ "中国", "\"中 国\"" },
	/* AND, OR, NOT */
	{ "a b", "(AND a b)" },
	{ "a AND b", "(AND a b)" },
	{ "a b c", "(AND a b c)" },
	{ "a OR b", "(OR a b)" },
	{ "a OR b OR c", "(OR a b c)" },
	{ "a OR b c", "(OR a (AND b c))" },
	{ "a b OR c", "(OR (AND a b) c)" },
	{ "a AND b OR c AND d", "(OR (AND a b) (AND c d))" },
	{ "a -b", "(AND a (NOT b))" },
	{ "a NOT b", "(AND a (NOT b))" },
	{ "a AND NOT b", "(AND a (NOT b))" },
	{ "NOT a b", "(AND (NOT a) b)" },
	{ "-(a OR b) c", "(AND (NOT (OR a b)) c)" },
	{ "c -\"a b\"", "(AND c (NOT \"a b\"))" },
	{ "a OR (b -c)", "(OR a (AND b (NOT c)))" },
	{ "a NOT NOT b", "(AND a (NOT (NOT b)))" },
	{ "and or near not", "(AND and or near not)" },
	{ "a\tb\nc", "(AND a b c)" },
	/* NEAR */
	{ "a NEAR/3 b", "(NEAR/3 a b)" },
	{ "a NEAR b", "(NEAR/10 a b)" },
	{ "a NEAR/1 b", "(NEAR/1 a b)" },
	{ "a NEAR/1000 b", "(NEAR/1000 a b)" },
	{ "(China OR Chinese OR Beijing) NEAR/8 swap*",
	  "(NEAR/8 (OR china chinese beijing) swap*)" },
	{ "\"a b\" NEAR/2 c*", "(NEAR/2 \"a b\" c*)" },
	{ "a NEAR (b OR \"c d\" OR e*)", "(NEAR/10 a (OR b \"c d\" e*))" },
	{ "a NEAR ((b OR c) OR d)", "(NEAR/10 a (OR (OR b c) d))" },
	{ "x NEAR/2 y z", "(AND (NEAR/2 x y) z)" },
	{ "x NEAR/2 y OR z", "(OR (NEAR/2 x y) z)" },
	/* precedence: NOT a NEAR/3 b is NOT (a NEAR/3 b) */
	{ "x NOT a NEAR/3 b", "(AND x (NOT (NEAR/3 a b)))" },
	{ "x -a NEAR b", "(AND x (NOT (NEAR/10 a b)))" },
	/* the example topics */
	{ "Mercosur OR Mercosul OR \"Mercado Común del Sur\"",
	  "(OR mercosur mercosul \"mercado comun del sur\")" },
	/* fields */
	{ "title:milei", "title:milei" },
	{ "title: milei", "title:milei" },
	{ "Title:Milei", "title:milei" },
	{ "summary:a", "summary:a" },
	{ "content:a", "content:a" },
	{ "author:Smith milei", "(AND author:smith milei)" },
	{ "category:Politics", "category:politics" },
	{ "feed:tac", "feed:tac" },
	{ "link:https://example.com/x", "link:\"https example com x\"" },
	{ "title:(a OR b) c", "(AND (OR title:a title:b) c)" },
	{ "title:content:x", "content:x" },
	{ "title:(content:a OR b)", "(OR content:a title:b)" },
	{ "title:swap*", "title:swap*" },
	{ "title:\"a b\"", "title:\"a b\"" },
	{ "title:a NEAR b", "(NEAR/10 title:a b)" },
	{ "title:(a NEAR b)", "(NEAR/10 title:a title:b)" },
	{ "-title:a b", "(AND (NOT title:a) b)" },
	{ "Común:x", "\"comun x\"" },           /* not a field name: a word */
	{ "10:30", "\"10 30\"" },
	/* regular expressions */
	{ "/mil[eé]i/i", "/mil[eé]i/i{mil}" },
	{ "/foo/", "/foo/{foo}" },
	/* regular expressions: the literals any match holds {a|b}, for the presearch */
	{ "/\\bjutri[a-z]*\\b/i", "/\\bjutri[a-z]*\\b/i{^jutri}" },
	{ "/\\bJutri/", "/\\bJutri/{^jutri}" },
	{ "/\\bjutri?x/", "/\\bjutri?x/{^jutr}" },
	{ "/\\bjutri+/", "/\\bjutri+/{^jutri}" },
	{ "/\\bab{0}abcd/", "/\\bab{0}abcd/{abcd}" },    /* not "ab...": b may be absent */
	{ "/\\bfoo|\\bbarbaz|quux/", "/\\bfoo|\\bbarbaz|quux/{^foo|^barbaz|quux}" },
	{ "/\\b(x)jutri/", "/\\b(x)jutri/{jutri}" },
	{ "/x\\bjutri/", "/x\\bjutri/{jutri}" },
	{ "/\\Bjutri/", "/\\Bjutri/{jutri}" },
	{ "/MILEI/", "/MILEI/{milei}" },
	{ "/Swaps?/", "/Swaps?/{swap}" },
	{ "/colou?r/", "/colou?r/{colo}" },
	{ "/abcd+e/", "/abcd+e/{abcd}" },
	{ "/abc*de/", "/abc*de/" },
	{ "/abc{2}/", "/abc{2}/" },
	{ "/abc{x/", "/abc{x/" },
	{ "/x{2,3}yyy/", "/x{2,3}yyy/{yyy}" },
	{ "/foo|barbaz/", "/foo|barbaz/{foo|barbaz}" },
	{ "/foo|ba/", "/foo|ba/" },
	{ "/abc|/", "/abc|/" },
	{ "/(foo|bar)bazz/", "/(foo|bar)bazz/{bazz}" },
	{ "/(foo|bar)+|quux/", "/(foo|bar)+|quux/" },
	{ "/[abc]def/", "/[abc]def/{def}" },
	{ "/[]abc]defg/", "/[]abc]defg/{defg}" },
	{ "/[[:alpha:]x]yzw/", "/[[:alpha:]x]yzw/{yzw}" },
	{ "/a.b.c/", "/a.b.c/" },
	{ "/\\x41bcd efgh/", "/\\x41bcd efgh/{efgh}" },
	{ "/\\x{41}bcdef/", "/\\x{41}bcdef/" },
	{ "/\\p{L}abcd/", "/\\p{L}abcd/" },
	{ "/(a)\\1xyz/", "/(a)\\1xyz/" },
	{ "/x\\d{3}milei/", "/x\\d{3}milei/{milei}" },
	{ "/mil\\bei/", "/mil\\bei/{mil}" },
	{ "/Común/", "/Común/{com}" },
	{ "/(?i)milei/", "/(?i)milei/{milei}" },
	{ "/(?x) foo bar/", "/(?x) foo bar/" },
	{ "/(?x:a)foo/", "/(?x:a)foo/" },
	{ "/(*UTF)milei/", "/(*UTF)milei/" },
	{ "/\\Qmilei\\E/", "/\\Qmilei\\E/" },
	{ "/(?=abc)def/", "/(?=abc)def/{def}" },
	{ "/ab(cd|ef)gh/", "/ab(cd|ef)gh/" },
	{ "/a1234567890123456789012345678901234567890123456789012345678901234567890z/",
	  "/a1234567890123456789012345678901234567890123456789012345678901234567890z/"
	  "{a123456789012345678901234567890123456789012345678901234567890123}" },
	{ "content:/a\\/b/", "content:/a\\/b/" },
	{ "/a b/ milei", "(AND /a b/ milei)" },
	{ "milei -/x+y/", "(AND milei (NOT /x+y/))" },
	/* grouping */
	{ "((a))", "a" },
	{ "a (b OR c)", "(AND a (OR b c))" },
	{ "(a)(b)", "(AND a b)" },
	{ "(NOT a) b", "(AND (NOT a) b)" },
};

static void
test_ok(gconstpointer data)
{
	const struct ok_row *r = data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GString) s = g_string_new(NULL);
	guint col = 99;
	struct fw_query *q = fw_query_parse(r->query, &col, &error);

	g_assert_no_error(error);
	g_assert_nonnull(q);
	g_assert_cmpuint(col, ==, 0);
	dump(s, fw_query_root(q));
	g_assert_cmpstr(s->str, ==, r->tree);
	g_assert_cmpstr(fw_query_source(q), ==, r->query);
	fw_query_free(q);
}

struct err_row {
	const char *query;
	const char *message;   /* a prefix of the message */
	guint col;
};

static const struct err_row err_rows[] = {
	{ "", "empty query", 1 },
	{ "   ", "empty query", 1 },
	{ "(a", "unclosed (", 1 },
	{ "a)", "unbalanced parenthesis", 2 },
	{ "(a OR b", "unclosed (", 1 },
	{ "a (b", "unclosed (", 3 },
	{ "((a)", "unclosed (", 1 },
	/* the end inside a group: the group left open, not an empty query */
	{ "Milei AND (", "unclosed (", 11 },
	{ "Milei AND (x OR (", "unclosed (", 17 },
	{ "(a OR (b", "unclosed (", 7 },
	{ "(a OR (b) c", "unclosed (", 1 },
	{ "titel:Milei", "unknown field 'titel'; did you mean title:?", 1 },
	{ "a Sumary:x", "unknown field 'Sumary'; did you mean summary:?", 3 },
	{ "foo:bar OR a", "unknown field 'foo' (fields: title,", 1 },
	{ "(a))", "unbalanced parenthesis", 4 },
	{ "a AND )", "unbalanced parenthesis", 7 },
	{ "()", "empty parentheses", 1 },
	{ "a ( )", "empty parentheses", 3 },
	{ "a OR", "OR needs a term on both sides", 3 },
	{ "OR a", "OR needs a term on both sides", 1 },
	{ "a AND", "AND needs a term on both sides", 3 },
	{ "AND a", "AND needs a term on both sides", 1 },
	{ "a AND OR b", "OR needs a term on both sides", 7 },
	{ "(a OR)", "OR needs a term on both sides", 4 },
	{ "(a AND) b", "AND needs a term on both sides", 4 },
	{ "NOT", "NOT needs a term after it", 1 },
	{ "a NOT", "NOT needs a term after it", 3 },
	{ "a -", "'-' has no letters or digits", 3 },
	{ "Milei | Mercosur", "'|' has no letters or digits (for either side, write OR)", 7 },
	{ "Milei || Mercosur", "'||' has no letters or digits (for either side, write OR)", 7 },
	{ "Milei && Mercosur", "'&&' has no letters or digits (for both sides, write AND", 7 },
	{ "Milei & Mercosur", "'&' has no letters or digits (for both sides, write AND", 7 },
	{ "foo:bar", "unknown field 'foo'", 1 },
	{ "a bar:baz", "unknown field 'bar'", 3 },
	{ "Común foo:bar", "unknown field 'foo'", 7 },
	{ "https://example.com", "unknown field 'https'", 1 },
	{ "title:", "'title:' needs a term or a parenthesised group after it", 1 },
	{ "a title: OR b", "'title:' needs a term", 3 },
	{ "title:-a", "'title:' needs a term", 1 },
	{ "\"\"", "empty phrase", 1 },
	{ "a \" - , \"", "empty phrase", 3 },
	{ "a \"b c", "unterminated phrase", 3 },
	{ "a NEAR/x b", "NEAR/n needs a number of words", 3 },
	{ "a NEAR/0 b", "NEAR/n needs a number of words", 3 },
	{ "a NEAR/1001 b", "NEAR/n needs a number of words", 3 },
	{ "a NEAR/ b", "NEAR/n needs a number of words", 3 },
	{ "a NEAR/99999999999999999999 b", "NEAR/n needs a number of words", 3 },
	{ "a NEAR", "NEAR needs words, prefixes or phrases on both sides", 3 },
	{ "NEAR a", "NEAR needs words, prefixes or phrases on both sides", 1 },
	{ "a NEAR NOT b", "NEAR needs words, prefixes or phrases on both sides", 8 },
	{ "a NEAR -b", "NEAR needs words, prefixes or phrases on both sides", 8 },
	{ "a NEAR /x/", "NEAR needs words, prefixes or phrases on both sides", 8 },
	{ "/x/ NEAR a", "NEAR needs words, prefixes or phrases on both sides", 1 },
	{ "(a b) NEAR c", "NEAR needs words, prefixes or phrases on both sides", 1 },
	{ "a NEAR (b c)", "NEAR needs words, prefixes or phrases on both sides", 8 },
	{ "a NEAR (b OR NOT c)", "NEAR needs words, prefixes or phrases on both sides", 8 },
	{ "a NEAR b NEAR c", "NEAR needs words, prefixes or phrases on both sides", 10 },
	{ "a NEAR OR b", "NEAR needs words, prefixes or phrases on both sides", 8 },
	{ "NOT a", "a topic must require something", 1 },
	{ "-a", "a topic must require something", 1 },
	{ "NOT a NEAR b", "a topic must require something", 1 },
	{ "a OR NOT b", "a topic must require something", 6 },
	{ "NOT a NOT b", "a topic must require something", 1 },
	{ "(NOT a) OR b", "a topic must require something", 1 },
	{ "a OR -b -c", "a topic must require something", 6 },
	{ "sw*p", "'*' can only end a word", 3 },
	{ "swap**", "'*' can only end a word", 5 },
	{ "*", "'*' must follow a letter or digit", 1 },
	{ "swap-*", "'*' must follow a letter or digit", 6 },
	{ "\"China *\"", "'*' must follow a letter or digit", 8 },   /* so in a phrase */
	{ "\"*\"", "'*' must follow a letter or digit", 2 },
	{ "x \"a * b\"", "'*' must follow a letter or digit", 6 },
	{ "“swap** x”", "'*' must follow a letter or digit", 7 },
	{ "\"swap-*\"", "'*' must follow a letter or digit", 7 },
	{ "/abc", "unterminated regular expression", 1 },
	{ "a /ab\\/", "unterminated regular expression", 3 },
	{ "//", "empty regular expression", 1 },
	{ "/a(/", "bad regular expression: missing terminating )", 4 },
	{ "x /a[/", "bad regular expression: missing terminating ] for character class", 6 },
	{ "x /*a/", "bad regular expression: nothing to repeat", 4 },
	{ "x /éé(/i", "bad regular expression: missing terminating )", 7 },
	{ "/a{2,1}/", "bad regular expression: numbers out of order", 7 },
	{ "/a)b/", "bad regular expression: missing terminating )", 3 },
	{ "/a/x", "unknown regular expression flag 'x'", 4 },
	{ "/a/i2", "a regular expression must end with / or /i", 5 },
	{ "!!!", "'!!!' has no letters or digits", 1 },
	{ "a 😀", "'😀' has no letters or digits", 3 },
	{ "ñ ñ )", "unbalanced parenthesis", 5 },
	{ "\xff", "query is not valid UTF-8", 1 },
	{ "ab \xff", "query is not valid UTF-8", 4 },
};

static void
test_err(gconstpointer data)
{
	const struct err_row *r = data;
	g_autoptr(GError) error = NULL;
	guint col = 0;
	struct fw_query *q = fw_query_parse(r->query, &col, &error);

	g_assert_null(q);
	g_assert_error(error, FW_TOPIC_ERROR, FW_TOPIC_ERROR_SYNTAX);
	if (!g_str_has_prefix(error->message, r->message))
		g_error("query '%s': message '%s', expected '%s'", r->query, error->message,
		        r->message);
	g_assert_cmpuint(col, ==, r->col);
	/* err_col may be NULL */
	g_clear_error(&error);
	g_assert_null(fw_query_parse(r->query, NULL, &error));
	g_assert_nonnull(error);
}

/* Deep nesting is an error, not a stack overflow. */
static void
test_deep(void)
{
	g_autoptr(GString) s = g_string_new(NULL);
	g_autoptr(GError) error = NULL;
	guint col = 0;

	for (int i = 0; i < 10000; i++)
		g_string_append_c(s, '(');
	g_string_append_c(s, 'a');
	for (int i = 0; i < 10000; i++)
		g_string_append_c(s, ')');
	g_assert_null(fw_query_parse(s->str, &col, &error));
	g_assert_true(g_str_has_prefix(error->message, "query nested too deeply"));
	g_assert_cmpuint(col, >, 0);
	g_clear_error(&error);
	g_string_truncate(s, 0);
	for (int i = 0; i < 10000; i++)
		g_string_append(s, "NOT ");
	g_string_append(s, "a b");
	g_assert_null(fw_query_parse(s->str, &col, &error));
	g_assert_true(g_str_has_prefix(error->message, "query nested too deeply"));
	/* 100 levels is the limit: 100 parentheses or NOTs parse, 101 do not */
	for (guint depth = 100; depth <= 101; depth++) {
		const char *const pre[] = { "(", "NOT " };

		for (guint k = 0; k < G_N_ELEMENTS(pre); k++) {
			g_autoptr(GString) q = g_string_new(NULL);
			g_autoptr(GError) e = NULL;
			struct fw_query *fq;

			for (guint i = 0; i < depth; i++)
				g_string_append(q, pre[k]);
			g_string_append(q, k == 0 ? "a" : "a b");
			for (guint i = 0; k == 0 && i < depth; i++)
				g_string_append_c(q, ')');
			col = 0;
			fq = fw_query_parse(q->str, &col, &e);
			if (depth == 100) {
				g_assert_no_error(e);
				g_assert_nonnull(fq);
				fw_query_free(fq);
			} else {
				g_assert_null(fq);
				g_assert_true(g_str_has_prefix(e->message, "query nested too deeply"));
				g_assert_cmpuint(col, ==, k == 0 ? 101 : 401);
			}
		}
	}
	/* moderately deep is fine */
	g_string_truncate(s, 0);
	for (int i = 0; i < 30; i++)
		g_string_append_c(s, '(');
	g_string_append_c(s, 'a');
	for (int i = 0; i < 30; i++)
		g_string_append_c(s, ')');
	fw_query_free(fw_query_parse(s->str, NULL, NULL));
	g_assert_nonnull(s);
}

struct field_row {
	const char *name;
	gboolean ok;
	int field;
};

static const struct field_row field_rows[] = {
	{ "title", TRUE, FW_FIELD_TITLE },
	{ "summary", TRUE, FW_FIELD_SUMMARY },
	{ "content", TRUE, FW_FIELD_CONTENT },
	{ "category", TRUE, FW_FIELD_CATEGORY },
	{ "author", TRUE, FW_FIELD_AUTHOR },
	{ "feed", TRUE, FW_FIELD_FEED },
	{ "link", TRUE, FW_FIELD_LINK },
	{ "TITLE", TRUE, FW_FIELD_TITLE },
	{ "body", FALSE, 0 },
	{ "", FALSE, 0 },
};

static void
test_fields(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(field_rows); i++) {
		const struct field_row *r = &field_rows[i];
		enum fw_field f = FW_FIELD_COUNT;
		g_assert_cmpint(fw_field_from_name(r->name, &f), ==, r->ok);
		if (r->ok) {
			g_assert_cmpint(f, ==, r->field);
			g_assert_cmpint(g_ascii_strcasecmp(fw_field_name(f), r->name), ==, 0);
		}
	}
	fw_query_free(NULL);
}

/* fw_query_fields is the union of the fields looked at. */
static void
test_query_fields(void)
{
	struct fw_query *q = fw_query_parse("title:a OR author:b", NULL, NULL);

	g_assert_cmpuint(fw_query_fields(q), ==, (1u << FW_FIELD_TITLE) | (1u << FW_FIELD_AUTHOR));
	fw_query_free(q);
	q = fw_query_parse("a -link:b", NULL, NULL);
	g_assert_cmpuint(fw_query_fields(q), ==, FW_FIELDS_DEFAULT | (1u << FW_FIELD_LINK));
	fw_query_free(q);
}

/* Where a node is in the source: [col, end) of the node at a path of kid
 * numbers ("" the root, "1" its second kid, "10" that one's first). */
struct span_row {
	const char *query;
	const char *path;
	const char *text;
};

static const struct span_row span_rows[] = {
	{ "Milei", "", "Milei" },
	{ "  Milei  ", "", "Milei" },
	{ "swap*", "", "swap*" },
	{ "\"Mercado Común del Sur\"", "", "\"Mercado Común del Sur\"" },
	{ "Común OR Milei", "1", "Milei" },
	{ "Común OR Milei", "", "Común OR Milei" },
	{ "(China OR Chinese OR Beijing) NEAR/8 swap*", "", "(China OR Chinese OR Beijing) NEAR/8 swap*" },
	{ "(China OR Chinese OR Beijing) NEAR/8 swap*", "0", "(China OR Chinese OR Beijing)" },
	{ "(China OR Chinese OR Beijing) NEAR/8 swap*", "02", "Beijing" },
	{ "(China OR Chinese OR Beijing) NEAR/8 swap*", "1", "swap*" },
	{ "Mercosur NOT \"Mercado Libre\"", "1", "NOT \"Mercado Libre\"" },
	{ "Mercosur -\"Mercado Libre\"", "10", "\"Mercado Libre\"" },
	{ "title:Milei x", "0", "Milei" },
	{ "title:(a OR b) c", "0", "(a OR b)" },
	{ "a /x+y/i b", "1", "/x+y/i" },
	{ "((a))", "", "((a))" },
	{ "中国 a", "0", "中国" },
};

static void
test_span(gconstpointer data)
{
	const struct span_row *r = data;
	struct fw_query *q = fw_query_parse(r->query, NULL, NULL);
	const struct fw_qnode *n;
	g_autofree char *text = NULL;

	g_assert_nonnull(q);
	n = fw_query_root(q);
	for (const char *p = r->path; *p; p++) {
		g_assert_true(n->kids != NULL);
		n = n->kids[*p - '0'];
	}
	g_assert_cmpuint(n->col, >=, 1);
	g_assert_cmpuint(n->end, >, n->col);
	g_assert_cmpuint(n->end - 1, <=, g_utf8_strlen(r->query, -1));
	text = g_utf8_substring(r->query, n->col - 1, n->end - 1);
	g_assert_cmpstr(text, ==, r->text);
	fw_query_free(q);
}

/* fw_query_hint: a query that parses, and the slip it may hold. */
struct hint_row {
	const char *query;
	const char *hint;   /* a prefix of the hint, or NULL for none */
	guint col;
};

static const struct hint_row hint_rows[] = {
	{ "milei or mercosur", "'or' is a word to find here, not an operator: operators are in "
	  "capitals (OR); to find the word, quote it", 7 },
	{ "Milei Or Mercosur", "'Or' is a word to find here, not an operator: operators are in "
	  "capitals (OR)", 7 },
	{ "Milei and (Mercosur OR Mercosul)", "'and' is a word to find here", 7 },
	{ "\"Milei\" not Trump", "'not' is a word to find here, not an operator: operators are in "
	  "capitals (NOT)", 9 },
	{ "China near swap*", "'near' is a word to find here, not an operator: operators are in "
	  "capitals (NEAR)", 7 },
	{ "Milei, Mercosur", "',' is not an operator: the terms it separates are all required", 6 },
	{ "Milei; \"Mercado Común\"", "';' is not an operator", 6 },
	{ "Común, Milei", "',' is not an operator", 6 },   /* columns count characters */
	{ "Milei|Mercosur", "'|' is not an operator: Milei|Mercosur finds the words next to each "
	  "other; for either, write OR between them", 6 },
	{ "a title:b|c", "'|' is not an operator", 10 },
	/* none */
	{ "Milei OR Mercosur", NULL, 0 },
	{ "\"milei or mercosur\"", NULL, 0 },   /* quoted: the words meant */
	{ "or Milei", NULL, 0 },                /* not between two terms */
	{ "Milei or", NULL, 0 },
	{ "Milei OR or", NULL, 0 },
	{ "Milei AND \"or\" AND Mercosur", NULL, 0 },
	{ "swap* or", NULL, 0 },
	{ "Milei,", NULL, 0 },                  /* nothing after the comma */
	{ "1,000 pesos", NULL, 0 },             /* a comma inside a number */
	{ "|Milei", NULL, 0 },
	{ "/a|b/ Milei", NULL, 0 },             /* a regex's '|' is its own */
	{ "(China OR Chinese OR Beijing) NEAR/8 swap*", NULL, 0 },
	{ "(x", NULL, 0 },                      /* does not parse: no hint either */
	{ "", NULL, 0 },
};

static void
test_hint(gconstpointer data)
{
	const struct hint_row *r = data;
	guint col = 99;
	g_autofree char *hint = fw_query_hint(r->query, &col);

	if (r->hint == NULL) {
		g_assert_null(hint);
		g_assert_cmpuint(col, ==, 0);
		return;
	}
	g_assert_nonnull(hint);
	if (!g_str_has_prefix(hint, r->hint))
		g_error("hint for '%s': got '%s', want '%s...'", r->query, hint, r->hint);
	g_assert_cmpuint(col, ==, r->col);
}

/* fw_query_canonical: two queries that match alike have one form; any
 * difference in what is matched gives another. */
struct canon_row {
	const char *a, *b;
	gboolean same;
};

static const struct canon_row canon_rows[] = {
	{ "Milei", "milei", TRUE },
	{ "Milei", "\"MILEI\"", TRUE },
	{ "Común", "comun", TRUE },
	{ "Milei   OR  Mercosur", "Milei OR Mercosur", TRUE },
	{ "(Milei) OR (Mercosur)", "Milei OR Mercosur", TRUE },   /* also= folded in */
	{ "Milei Caputo", "Milei AND Caputo", TRUE },
	{ "Milei -Trump", "Milei NOT Trump", TRUE },
	{ "China NEAR swap*", "China NEAR/10 swap*", TRUE },
	{ "title:(Milei OR Caputo)", "title:Milei OR title:Caputo", TRUE },
	{ "/mil+ei/", "/mil+ei/", TRUE },
	{ "Milei OR Mercosur", "Mercosur OR Milei", FALSE },   /* order: taken for a change */
	{ "swap*", "swap", FALSE },
	{ "title:Milei", "Milei", FALSE },
	{ "China NEAR/5 swap", "China NEAR/6 swap", FALSE },
	{ "/mil+ei/", "/mil+ei/i", FALSE },
	{ "/mil+ei/", "/mil+e/", FALSE },
	{ "\"Milei Caputo\"", "Milei Caputo", FALSE },
	{ "Milei OR Caputo", "Milei Caputo", FALSE },
	{ "Milei -Trump", "Milei Trump", FALSE },
	{ "\"swap* line\"", "\"swap line\"", FALSE },
};

static void
test_canonical(gconstpointer data)
{
	const struct canon_row *r = data;
	struct fw_query *a = fw_query_parse(r->a, NULL, NULL), *b = fw_query_parse(r->b, NULL, NULL);
	g_autofree char *ca = NULL, *cb = NULL;

	g_assert_nonnull(a);
	g_assert_nonnull(b);
	ca = fw_query_canonical(a);
	cb = fw_query_canonical(b);
	if ((strcmp(ca, cb) == 0) != r->same)
		g_error("'%s' -> %s, '%s' -> %s: want %s", r->a, ca, r->b, cb,
		        r->same ? "the same" : "different");
	fw_query_free(a);
	fw_query_free(b);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	for (guint i = 0; i < G_N_ELEMENTS(ok_rows); i++) {
		g_autofree char *name = g_strdup_printf("/topic/ok/%u", i);
		g_test_add_data_func(name, &ok_rows[i], test_ok);
	}
	for (guint i = 0; i < G_N_ELEMENTS(err_rows); i++) {
		g_autofree char *name = g_strdup_printf("/topic/error/%u", i);
		g_test_add_data_func(name, &err_rows[i], test_err);
	}
	for (guint i = 0; i < G_N_ELEMENTS(span_rows); i++) {
		g_autofree char *name = g_strdup_printf("/topic/span/%u", i);
		g_test_add_data_func(name, &span_rows[i], test_span);
	}
	for (guint i = 0; i < G_N_ELEMENTS(hint_rows); i++) {
		g_autofree char *name = g_strdup_printf("/topic/hint/%u", i);
		g_test_add_data_func(name, &hint_rows[i], test_hint);
	}
	for (guint i = 0; i < G_N_ELEMENTS(canon_rows); i++) {
		g_autofree char *name = g_strdup_printf("/topic/canonical/%u", i);
		g_test_add_data_func(name, &canon_rows[i], test_canonical);
	}
	g_test_add_func("/topic/deep", test_deep);
	g_test_add_func("/topic/fields", test_fields);
	g_test_add_func("/topic/query-fields", test_query_fields);
	return g_test_run();
}
