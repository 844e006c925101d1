/* topic — the query language: lexing, parsing, compiling (see topic.h). */
#include <string.h>

#include "feedwatch/text.h"
#include "feedwatch/topic.h"

#define FW_TOPIC_NEAR_DEFAULT 10
#define FW_TOPIC_NEAR_MAX 1000
#define FW_TOPIC_DEPTH_MAX 100

/* Regex literals for the presearch: at least this long, at most this many
 * (top-level branches), cut to this length. */
#define FW_TOPIC_LITERAL_MIN 3
#define FW_TOPIC_LITERALS_MAX 8
#define FW_TOPIC_LITERAL_MAX 64

static const char *const field_names[FW_FIELD_COUNT] = {
	[FW_FIELD_TITLE] = "title",
	[FW_FIELD_SUMMARY] = "summary",
	[FW_FIELD_CONTENT] = "content",
	[FW_FIELD_CATEGORY] = "category",
	[FW_FIELD_AUTHOR] = "author",
	[FW_FIELD_FEED] = "feed",
	[FW_FIELD_LINK] = "link",
};

/* A parsed query is one block of memory: this struct, then its nodes,
 * their kids, terms and words (see compact), so that matching it touches
 * a few neighbouring cache lines; the source follows them. */
struct fw_query {
	struct fw_qnode *root;
	char *src;
	guint fields;
};

enum tk {
	TK_EOF, TK_LP, TK_RP, TK_AND, TK_OR, TK_NOT, TK_MINUS, TK_NEAR,
	TK_FIELD, TK_WORD, TK_PHRASE, TK_REGEX,
};

struct token {
	enum tk kind;
	const char *s;      /* WORD: the word without '*'; PHRASE, REGEX: the inside */
	gsize len;
	guint col;          /* 1-based character column */
	guint near;         /* NEAR: distance */
	guint field;        /* FIELD */
	gboolean prefix;    /* WORD ended in '*' */
	gboolean caseless;  /* REGEX had the i flag */
};

struct parser {
	const char *src;
	const char *p;      /* next byte to lex */
	struct token tok;   /* the current token */
	struct token op;    /* the last operator consumed, for messages (kind TK_EOF: none) */
	guint depth;
	guint parens;       /* open parentheses around the current position */
	guint open_col;     /* column of the innermost open parenthesis */
	guint err_col;
	GError *error;
};

G_DEFINE_QUARK(fw-topic-error-quark, fw_topic_error)

const char *
fw_field_name(enum fw_field f)
{
	return (guint)f < FW_FIELD_COUNT ? field_names[f] : "?";
}

gboolean
fw_field_from_name(const char *name, enum fw_field *out)
{
	for (guint i = 0; i < FW_FIELD_COUNT; i++) {
		if (g_ascii_strcasecmp(name, field_names[i]) == 0) {
			if (out)
				*out = i;
			return TRUE;
		}
	}
	return FALSE;
}

/* Frees a node and everything under it. */
static void
node_free(struct fw_qnode *n)
{
	if (n == NULL)
		return;
	if (n->terms) {
		for (guint i = 0; i < n->n; i++)
			g_free(n->terms[i].word);
		g_free(n->terms);
	}
	if (n->regex)
		g_regex_unref(n->regex);
	if (n->kids) {
		guint k = n->kind == FW_QNODE_NOT ? 1 : n->kind == FW_QNODE_NEAR ? 2 : n->n;
		for (guint i = 0; i < k; i++)
			node_free(n->kids[i]);
		g_free(n->kids);
	}
	g_free(n);
}

/* Allocates a node of a kind at a column. */
static struct fw_qnode *
node_new(enum fw_qnode_kind kind, guint col)
{
	struct fw_qnode *n = g_new0(struct fw_qnode, 1);

	n->kind = kind;
	n->col = col;
	return n;
}

/* Records the first error and its column; later ones are dropped. Returns NULL. */
static gpointer
fail_at(struct parser *ps, guint col, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static gpointer
fail_at(struct parser *ps, guint col, const char *fmt, ...)
{
	va_list ap;

	if (ps->error)
		return NULL;
	va_start(ap, fmt);
	ps->error = g_error_new_valist(FW_TOPIC_ERROR, FW_TOPIC_ERROR_SYNTAX, fmt, ap);
	va_end(ap);
	ps->err_col = col;
	return NULL;
}

/* The 1-based character column of byte pointer p in the source. */
static guint
col_of(const struct parser *ps, const char *p)
{
	return g_utf8_pointer_to_offset(ps->src, p) + 1;
}

/* TRUE for the characters that end a bare word. */
static gboolean
ends_word(gunichar c)
{
	return c == 0 || c == '(' || c == ')' || c == '"' || c == 0x201C || c == 0x201D ||
	       g_unichar_isspace(c);
}

/* Lexes a bare word starting at p: a keyword, a field, or a word. */
static gboolean
lex_bare(struct parser *ps, const char *p)
{
	struct token *t = &ps->tok;
	const char *e = p;
	const char *colon = NULL;
	gsize len;

	while (!ends_word(g_utf8_get_char(e))) {
		if (*e == ':' && colon == NULL)
			colon = e;
		e = g_utf8_next_char(e);
	}
	len = e - p;
	t->col = col_of(ps, p);
	t->s = p;
	t->len = len;
	ps->p = e;
	if ((len == 3 && memcmp(p, "AND", 3) == 0)) {
		t->kind = TK_AND;
		return TRUE;
	}
	if (len == 2 && memcmp(p, "OR", 2) == 0) {
		t->kind = TK_OR;
		return TRUE;
	}
	if (len == 3 && memcmp(p, "NOT", 3) == 0) {
		t->kind = TK_NOT;
		return TRUE;
	}
	if (len >= 4 && memcmp(p, "NEAR", 4) == 0 && (len == 4 || p[4] == '/')) {
		t->kind = TK_NEAR;
		t->near = FW_TOPIC_NEAR_DEFAULT;
		if (len > 4) {
			guint64 n = 0;
			gsize i;
			for (i = 5; i < len && g_ascii_isdigit(p[i]) && n <= FW_TOPIC_NEAR_MAX; i++)
				n = n * 10 + (p[i] - '0');
			if (i == 5 || i < len || n > FW_TOPIC_NEAR_MAX || n < 1) {
				fail_at(ps, t->col, "NEAR/n needs a number of words from 1 to %d",
				        FW_TOPIC_NEAR_MAX);
				return FALSE;
			}
			t->near = n;
		}
		return TRUE;
	}
	if (colon != NULL && colon > p) {
		g_autofree char *name = g_strndup(p, colon - p);
		gboolean letters = TRUE;
		enum fw_field f;

		for (const char *q = p; q < colon; q++)
			letters = letters && g_ascii_isalpha(*q);
		if (letters && fw_field_from_name(name, &f)) {
			t->kind = TK_FIELD;
			t->field = f;
			t->len = colon + 1 - p;
			ps->p = colon + 1;
			return TRUE;
		}
		/* After a field, "http://..." is a word (link:http://x.org). */
		if (letters && ps->op.kind != TK_FIELD) {
			const char *near = fw_text_nearest(name, field_names, FW_FIELD_COUNT);

			if (near != NULL)
				fail_at(ps, t->col, "unknown field '%s'; did you mean %s:?", name, near);
			else
				fail_at(ps, t->col, "unknown field '%s' (fields: title, summary, content, "
				        "category, author, feed, link)", name);
			return FALSE;
		}
	}
	t->kind = TK_WORD;
	t->prefix = FALSE;
	if (len > 0 && p[len - 1] == '*') {
		t->prefix = TRUE;
		t->len = --len;
	}
	for (gsize i = 0; i < len; i++) {
		if (p[i] == '*') {
			fail_at(ps, col_of(ps, p + i), "'*' can only end a word");
			return FALSE;
		}
	}
	return TRUE;
}

/* Lexes /pattern/flags starting at p (on the slash). */
static gboolean
lex_regex(struct parser *ps, const char *p)
{
	struct token *t = &ps->tok;
	const char *q = p + 1;

	t->kind = TK_REGEX;
	t->col = col_of(ps, p);
	t->caseless = FALSE;
	while (*q && *q != '/') {
		if (*q == '\\' && q[1])
			q++;
		q = g_utf8_next_char(q);
	}
	if (*q != '/') {
		fail_at(ps, t->col, "unterminated regular expression");
		return FALSE;
	}
	t->s = p + 1;
	t->len = q - (p + 1);
	if (t->len == 0) {
		fail_at(ps, t->col, "empty regular expression");
		return FALSE;
	}
	for (q++; g_ascii_isalpha(*q); q++) {
		if (*q != 'i') {
			fail_at(ps, col_of(ps, q), "unknown regular expression flag '%c'", *q);
			return FALSE;
		}
		t->caseless = TRUE;
	}
	if (!ends_word(g_utf8_get_char(q))) {
		fail_at(ps, col_of(ps, q), "a regular expression must end with / or /i");
		return FALSE;
	}
	ps->p = q;
	return TRUE;
}

/* Reads the next token into ps->tok. Returns FALSE on a lexical error. */
static gboolean
lex(struct parser *ps)
{
	struct token *t = &ps->tok;
	const char *p = ps->p;
	gunichar c;

	while (*p && g_unichar_isspace(g_utf8_get_char(p)))
		p = g_utf8_next_char(p);
	memset(t, 0, sizeof(*t));
	t->col = col_of(ps, p);
	t->s = p;
	c = g_utf8_get_char(p);
	switch (c) {
	case 0:
		t->kind = TK_EOF;
		ps->p = p;
		return TRUE;
	case '(':
		t->kind = TK_LP;
		ps->p = p + 1;
		return TRUE;
	case ')':
		t->kind = TK_RP;
		ps->p = p + 1;
		return TRUE;
	case '"':
	case 0x201C:   /* “ */
	case 0x201D: { /* ” */
		const char *q = g_utf8_next_char(p);
		const char *e = q;
		while (*e && *e != '"' && g_utf8_get_char(e) != 0x201D && g_utf8_get_char(e) != 0x201C)
			e = g_utf8_next_char(e);
		if (*e == 0) {
			fail_at(ps, t->col, "unterminated phrase");
			return FALSE;
		}
		t->kind = TK_PHRASE;
		t->s = q;
		t->len = e - q;
		ps->p = g_utf8_next_char(e);
		return TRUE;
	}
	case '/':
		return lex_regex(ps, p);
	case '-':
		if (!ends_word(g_utf8_get_char(p + 1)) || p[1] == '(' || p[1] == '"') {
			t->kind = TK_MINUS;
			ps->p = p + 1;
			return TRUE;
		}
		break;
	default:
		break;
	}
	return lex_bare(ps, p);
}

/* Moves to the next token, remembering the current one if it is an operator. */
static gboolean
advance(struct parser *ps)
{
	switch (ps->tok.kind) {
	case TK_AND: case TK_OR: case TK_NOT: case TK_MINUS: case TK_NEAR: case TK_FIELD:
		ps->op = ps->tok;
		break;
	default:
		ps->op.kind = TK_EOF;
		break;
	}
	return lex(ps);
}

struct collect {
	struct fw_qterm terms[FW_TOPIC_PHRASE_MAX];
	guint ends[FW_TOPIC_PHRASE_MAX];   /* character offset of each word's end */
	guint n;
	gboolean overflow;
};

/* Collects the words of a term's text. */
static void
collect_cb(const struct fw_text_word *w, gpointer data)
{
	struct collect *c = data;

	if (c->n == FW_TOPIC_PHRASE_MAX) {
		c->overflow = TRUE;
		return;
	}
	c->terms[c->n].word = g_strndup(w->norm, w->len);
	c->terms[c->n].len = w->len;
	c->terms[c->n].hash = w->hash;
	c->terms[c->n].prefix = FALSE;
	c->ends[c->n] = w->end;
	c->n++;
}

/* Builds the phrase node for the text s[0..len) of a word or a phrase. In a
 * phrase, a word directly followed by '*' is a prefix; a bare word is one if
 * `prefix`. Returns NULL with an error when there is no word in it. */
static struct fw_qnode *
make_phrase(struct parser *ps, const struct token *t, gboolean quoted)
{
	g_autofree char *text = g_strndup(t->s, t->len);
	struct collect c = { .n = 0 };
	struct fw_qnode *n;

	fw_text_tokenize(text, collect_cb, &c);
	if (c.overflow) {
		for (guint i = 0; i < c.n; i++)
			g_free(c.terms[i].word);
		return fail_at(ps, t->col, "a phrase has at most %d words", FW_TOPIC_PHRASE_MAX);
	}
	if (quoted) {
		/* a '*' in a phrase must directly follow a word, as outside one */
		guint k = 0, i = 0;

		for (const char *p = text; *p; p = g_utf8_next_char(p), k++) {
			while (i < c.n && c.ends[i] < k)
				i++;
			if (*p == '*' && (i == c.n || c.ends[i] != k)) {
				for (guint j = 0; j < c.n; j++)
					g_free(c.terms[j].word);
				return fail_at(ps, t->col + 1 + k, "'*' must follow a letter or digit");
			}
		}
	}
	if (c.n == 0) {
		if (!quoted && t->prefix)
			return fail_at(ps, t->col + g_utf8_strlen(text, -1),
			               "'*' must follow a letter or digit");
		if (quoted)
			return fail_at(ps, t->col, "empty phrase");
		return fail_at(ps, t->col, "'%s' has no letters or digits%s", text,
		               strcmp(text, "|") == 0 || strcmp(text, "||") == 0
		               ? " (for either side, write OR)"
		               : strcmp(text, "&") == 0 || strcmp(text, "&&") == 0 || strcmp(text, "+") == 0
		               ? " (for both sides, write AND, or nothing)" : "");
	}
	if (quoted) {
		for (guint i = 0; i < c.n; i++) {
			const char *after = g_utf8_offset_to_pointer(text, c.ends[i]);
			c.terms[i].prefix = *after == '*';
		}
	} else if (t->prefix) {
		/* "swap-*": the star must follow the last word directly. */
		if (c.ends[c.n - 1] != g_utf8_strlen(text, -1)) {
			for (guint i = 0; i < c.n; i++)
				g_free(c.terms[i].word);
			return fail_at(ps, t->col + g_utf8_strlen(text, -1),
			               "'*' must follow a letter or digit");
		}
		c.terms[c.n - 1].prefix = TRUE;
	}
	n = node_new(FW_QNODE_PHRASE, t->col);
	n->n = c.n;
	n->terms = g_memdup2(c.terms, sizeof(c.terms[0]) * c.n);
	n->fields = 0;   /* 0: not given yet, FW_FIELDS_DEFAULT in the end */
	return n;
}

/* ---- literals a regular expression requires (for the presearch) ---- */

/* Skips a character class from its '['; returns the byte after its ']', or NULL. */
static const char *
skip_class(const char *p)
{
	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;   /* a leading ']' is a member */
	while (*p && *p != ']') {
		if (*p == '\\' && p[1]) {
			p += 2;
		} else if (*p == '[' && p[1] == ':' && strstr(p + 2, ":]")) {
			p = strstr(p + 2, ":]") + 2;
		} else {
			p++;
		}
	}
	return *p ? p + 1 : NULL;
}

/* Skips a group from its '('; returns the byte after its ')', or NULL. */
static const char *
skip_group(const char *p)
{
	guint depth = 0;

	while (*p) {
		if (*p == '\\' && p[1]) {
			p += 2;
		} else if (*p == '[') {
			if ((p = skip_class(p)) == NULL)
				return NULL;
		} else if (*p == '(') {
			depth++;
			p++;
		} else if (*p == ')') {
			p++;
			if (--depth == 0)
				return p;
		} else {
			p++;
		}
	}
	return NULL;
}

/* If p is a counted repeat {n}, {n,}, {n,m} or {,m}, returns the byte after it. */
static const char *
skip_count(const char *p)
{
	const char *q = p + 1;
	gboolean digits = FALSE;

	while (g_ascii_isdigit(*q) || *q == ',') {
		digits = digits || g_ascii_isdigit(*q);
		q++;
	}
	return *q == '}' && digits ? q + 1 : NULL;
}

/* Ends the run of literal characters in cur, keeping it in *best if longer. */
static void
run_end(GString *cur, GString *best)
{
	if (cur->len > best->len)
		g_string_assign(best, cur->str);
	g_string_truncate(cur, 0);
}

/* The longest run of ASCII letters and digits (lower-cased) that every match
 * of the top-level branch [p, e) must contain, in *best; FALSE when the
 * branch holds something this does not follow (verbs, \Q, option x). Being
 * unsure always ends a run: a shorter literal is still required. */
static gboolean
branch_literal(const char *p, const char *e, GString *best)
{
	g_autoptr(GString) cur = g_string_new(NULL);
	gboolean tainted = FALSE;   /* after an escape's argument: skip letters and digits */

	while (p < e) {
		const char *q;

		if (g_ascii_isalnum(*p)) {
			if (!tainted)
				g_string_append_c(cur, g_ascii_tolower(*p));
			p++;
			/* The character a repeat applies to may be absent: drop it. */
			if (p < e && (*p == '?' || *p == '*' || *p == '{')) {
				if (!tainted && cur->len > 0)
					g_string_truncate(cur, cur->len - 1);
				run_end(cur, best);
			} else if (p < e && *p == '+') {
				run_end(cur, best);
			}
			continue;
		}
		tainted = FALSE;
		run_end(cur, best);
		switch (*p) {
		case '\\':
			if (p + 1 >= e || p[1] == 'Q')
				return FALSE;
			if (strchr("xo0123456789cpPgkN", p[1]) != NULL) {
				/* an argument follows: letters, digits or a bracketed name */
				tainted = TRUE;
				p += 2;
				if (p < e && strchr("{<'", *p) != NULL) {
					char close = *p == '{' ? '}' : *p == '<' ? '>' : '\'';
					while (p < e && *p != close)
						p++;
					if (p < e)
						p++;
				}
				continue;
			}
			p += 2;   /* \b \d \w \. ...: one item */
			continue;
		case '[':
			if ((q = skip_class(p)) == NULL || q > e)
				return FALSE;
			p = q;
			continue;
		case '(':
			if (p[1] == '*')
				return FALSE;   /* (*ACCEPT), (*UTF), ... */
			if (p[1] == '?') {
				/* (?x) and (?x: ...) change how the rest reads: give up */
				for (q = p + 2; g_ascii_isalpha(*q) || *q == '-' || *q == '^'; q++)
					if (*q == 'x')
						return FALSE;
			}
			if ((q = skip_group(p)) == NULL || q > e)
				return FALSE;
			p = q;
			continue;
		case '{':
			if ((q = skip_count(p)) != NULL)
				p = q;
			else
				p++;
			continue;
		default:
			p = g_utf8_next_char(p);   /* . ^ $ punctuation, spaces, non-ASCII */
			continue;
		}
	}
	run_end(cur, best);
	return TRUE;
}

/* TRUE if every match of the top-level branch [p, e) starts with lit[0..len)
 * (lower-case ASCII): the branch opens with \b and then these characters,
 * the last not made optional by a repeat after it. */
static gboolean
branch_starts_with(const char *p, const char *e, const char *lit, gsize len)
{
	gsize n = 0;

	if (e - p < 2 || p[0] != '\\' || p[1] != 'b')
		return FALSE;
	p += 2;
	while (p + n < e && g_ascii_isalnum(p[n]))
		n++;
	if (n > 0 && p + n < e && strchr("?*{", p[n]) != NULL)
		n--;
	return len <= n && g_ascii_strncasecmp(p, lit, len) == 0;
}

/* Fills regex node n's terms with the literals (one per top-level branch)
 * one of which any match holds, as lower-case ASCII; none when a branch has
 * no literal of FW_TOPIC_LITERAL_MIN bytes or the pattern is beyond reading. */
static void
regex_literals(struct fw_qnode *n, const char *pat)
{
	struct fw_qterm terms[FW_TOPIC_LITERALS_MAX];
	guint count = 0;
	const char *p = pat;

	for (;;) {
		const char *e = p;
		g_autoptr(GString) best = g_string_new(NULL);

		/* the end of this top-level branch */
		while (*e && *e != '|') {
			const char *q = NULL;
			if (*e == '\\' && e[1])
				q = e + 2;
			else if (*e == '[')
				q = skip_class(e);
			else if (*e == '(')
				q = skip_group(e);
			else
				q = e + 1;
			if (q == NULL)
				goto none;
			e = q;
		}
		if (count == FW_TOPIC_LITERALS_MAX || !branch_literal(p, e, best) ||
		    best->len < FW_TOPIC_LITERAL_MIN)
			goto none;
		terms[count].len = MIN(best->len, FW_TOPIC_LITERAL_MAX);
		terms[count].word = g_strndup(best->str, terms[count].len);
		terms[count].hash = fw_text_hash(terms[count].word, terms[count].len);
		terms[count].prefix = FALSE;
		terms[count].infix = TRUE;
		terms[count].word_start = branch_starts_with(p, e, terms[count].word,
		                                             terms[count].len);
		count++;
		if (*e == '\0')
			break;
		p = e + 1;
	}
	n->n = count;
	n->terms = g_memdup2(terms, sizeof(terms[0]) * count);
	return;
none:
	for (guint i = 0; i < count; i++)
		g_free(terms[i].word);
}

/* Compiles the regular expression of token t, with the match limit in front. */
static struct fw_qnode *
make_regex(struct parser *ps, const struct token *t)
{
	g_autofree char *pat = g_strndup(t->s, t->len);
	g_autofree char *limited = g_strdup_printf("(*LIMIT_MATCH=%d)%s", FW_TOPIC_REGEX_LIMIT, pat);
	g_autoptr(GError) err = NULL;
	GRegexCompileFlags flags = G_REGEX_OPTIMIZE | (t->caseless ? G_REGEX_CASELESS : 0);
	GRegex *re = g_regex_new(limited, flags, 0, NULL);
	struct fw_qnode *n;

	if (re == NULL) {
		/* the message about the pattern as the user wrote it, at the
		 * character GLib names ("... at char N: missing )") */
		const char *at;
		char *end;
		guint64 off;

		re = g_regex_new(pat, flags, 0, &err);
		if (re == NULL && (at = g_strrstr(err->message, " at char ")) != NULL &&
		    (off = g_ascii_strtoull(at + 9, &end, 10)) <= (guint64)g_utf8_strlen(pat, -1) &&
		    end > at + 9 && g_str_has_prefix(end, ": "))
			return fail_at(ps, t->col + 1 + (guint)off, "bad regular expression: %s", end + 2);
		if (re == NULL)
			return fail_at(ps, t->col, "bad regular expression: %s", err->message);
		g_regex_unref(re);
		return fail_at(ps, t->col, "bad regular expression");
	}
	n = node_new(FW_QNODE_REGEX, t->col);
	n->regex = re;
	regex_literals(n, pat);
	return n;
}

/* TRUE if n may be an operand of NEAR: a phrase, or an OR of such. */
static gboolean
nearable(const struct fw_qnode *n)
{
	if (n->kind == FW_QNODE_PHRASE)
		return TRUE;
	if (n->kind != FW_QNODE_OR)
		return FALSE;
	for (guint i = 0; i < n->n; i++)
		if (!nearable(n->kids[i]))
			return FALSE;
	return TRUE;
}

/* Sets the field mask of every leaf under n that has none yet. */
static void
apply_fields(struct fw_qnode *n, guint mask)
{
	switch (n->kind) {
	case FW_QNODE_PHRASE:
	case FW_QNODE_REGEX:
		if (n->fields == 0)
			n->fields = mask;
		return;
	case FW_QNODE_NOT:
		apply_fields(n->kids[0], mask);
		return;
	case FW_QNODE_NEAR:
		apply_fields(n->kids[0], mask);
		apply_fields(n->kids[1], mask);
		return;
	case FW_QNODE_AND:
	case FW_QNODE_OR:
		for (guint i = 0; i < n->n; i++)
			apply_fields(n->kids[i], mask);
		return;
	}
}

/* The spelling of an operator token for messages. */
static const char *
op_name(const struct token *t)
{
	switch (t->kind) {
	case TK_AND: return "AND";
	case TK_OR: return "OR";
	case TK_NOT: return "NOT";
	case TK_MINUS: return "'-'";
	case TK_NEAR: return "NEAR";
	default: return "?";
	}
}

static struct fw_qnode *parse_or(struct parser *ps);

/* The error for the end of the query inside parentheses: at the innermost
 * one left open. Returns NULL. */
static gpointer
fail_unclosed(struct parser *ps)
{
	return fail_at(ps, ps->open_col, "unclosed (");
}

/* The error for a token that cannot start a term, after operator ps->op. */
static gpointer
fail_no_term(struct parser *ps)
{
	const struct token *t = &ps->tok;
	const struct token *op = &ps->op;

	if (op->kind == TK_NEAR)
		return fail_at(ps, t->kind == TK_EOF ? op->col : t->col,
		               "NEAR needs words, prefixes or phrases on both sides");
	if (op->kind == TK_FIELD)
		return fail_at(ps, op->col, "'%.*s' needs a term or a parenthesised group after it",
		               (int)op->len, op->s);
	switch (t->kind) {
	case TK_EOF:
		if (op->kind == TK_AND || op->kind == TK_OR)
			return fail_at(ps, op->col, "%s needs a term on both sides", op_name(op));
		if (op->kind == TK_NOT || op->kind == TK_MINUS)
			return fail_at(ps, op->col, "%s needs a term after it", op_name(op));
		if (ps->parens > 0)
			return fail_unclosed(ps);
		return fail_at(ps, 1, "empty query");
	case TK_RP:
		if (ps->parens == 0)
			return fail_at(ps, t->col, "unbalanced parenthesis");
		if (op->kind == TK_AND || op->kind == TK_OR)
			return fail_at(ps, op->col, "%s needs a term on both sides", op_name(op));
		if (op->kind == TK_NOT || op->kind == TK_MINUS)
			return fail_at(ps, op->col, "%s needs a term after it", op_name(op));
		return fail_at(ps, t->col, "expected a term before ')'");
	case TK_AND:
	case TK_OR:
		return fail_at(ps, t->col, "%s needs a term on both sides", op_name(t));
	case TK_NEAR:
		return fail_at(ps, t->col, "NEAR needs words, prefixes or phrases on both sides");
	default:
		return fail_at(ps, t->col, "expected a term");
	}
}

/* primary := WORD | PHRASE | REGEX | '(' or ')' */
static struct fw_qnode *
parse_primary(struct parser *ps)
{
	struct token t = ps->tok;
	struct fw_qnode *n;
	guint open;

	switch (t.kind) {
	case TK_WORD:
	case TK_PHRASE:
		n = make_phrase(ps, &t, t.kind == TK_PHRASE);
		if (n)
			n->end = col_of(ps, ps->p);   /* ps->p is past the token */
		if (n && !advance(ps)) {
			node_free(n);
			return NULL;
		}
		return n;
	case TK_REGEX:
		n = make_regex(ps, &t);
		if (n)
			n->end = col_of(ps, ps->p);
		if (n && !advance(ps)) {
			node_free(n);
			return NULL;
		}
		return n;
	case TK_LP:
		/* the query itself is level 0: 100 parentheses deep is allowed */
		if (++ps->depth > FW_TOPIC_DEPTH_MAX)
			return fail_at(ps, t.col, "query nested too deeply");
		if (!advance(ps))
			return NULL;
		if (ps->tok.kind == TK_RP)
			return fail_at(ps, t.col, "empty parentheses");
		ps->parens++;
		open = ps->open_col;
		ps->open_col = t.col;
		n = parse_or(ps);
		if (n != NULL && ps->tok.kind != TK_RP) {
			/* only the end can stop a group: any other token starts a term
			 * or is an operator parse_or would have taken */
			node_free(n);
			n = fail_unclosed(ps);
		}
		ps->open_col = open;
		ps->parens--;
		ps->depth--;
		if (n == NULL)
			return NULL;
		n->end = col_of(ps, ps->p);
		if (!advance(ps)) {
			node_free(n);
			return NULL;
		}
		n->col = t.col;   /* a group is at its parenthesis */
		return n;
	default:
		return fail_no_term(ps);
	}
}

/* field := FIELD field | primary (the field applies to the next term or group) */
static struct fw_qnode *
parse_field(struct parser *ps)
{
	struct token f = ps->tok;
	struct fw_qnode *n;

	if (f.kind != TK_FIELD)
		return parse_primary(ps);
	if (++ps->depth > FW_TOPIC_DEPTH_MAX)
		return fail_at(ps, f.col, "query nested too deeply");
	if (!advance(ps))
		return NULL;
	n = parse_field(ps);
	ps->depth--;
	if (n)
		apply_fields(n, 1u << f.field);
	return n;
}

/* near := field (NEAR field)* — operands are phrases or ORs of phrases. */
static struct fw_qnode *
parse_near(struct parser *ps)
{
	struct fw_qnode *left = parse_field(ps);

	while (left && ps->tok.kind == TK_NEAR) {
		struct token op = ps->tok;
		struct fw_qnode *right, *n;

		if (left->kind == FW_QNODE_NEAR || !nearable(left)) {
			guint col = left->kind == FW_QNODE_NEAR ? op.col : left->col;
			node_free(left);
			return fail_at(ps, col, "NEAR needs words, prefixes or phrases on both sides");
		}
		if (!advance(ps)) {
			node_free(left);
			return NULL;
		}
		right = parse_field(ps);
		if (right == NULL) {
			node_free(left);
			return NULL;
		}
		if (!nearable(right)) {
			guint col = right->col;
			node_free(left);
			node_free(right);
			return fail_at(ps, col, "NEAR needs words, prefixes or phrases on both sides");
		}
		n = node_new(FW_QNODE_NEAR, left->col);
		n->end = right->end;
		n->n = op.near;
		n->kids = g_new(struct fw_qnode *, 2);
		n->kids[0] = left;
		n->kids[1] = right;
		left = n;
	}
	return left;
}

/* not := (NOT | '-') not | near */
static struct fw_qnode *
parse_not(struct parser *ps)
{
	struct token t = ps->tok;
	struct fw_qnode *kid, *n;

	if (t.kind != TK_NOT && t.kind != TK_MINUS)
		return parse_near(ps);
	if (++ps->depth > FW_TOPIC_DEPTH_MAX)
		return fail_at(ps, t.col, "query nested too deeply");
	if (!advance(ps))
		return NULL;
	kid = parse_not(ps);
	ps->depth--;
	if (kid == NULL)
		return NULL;
	n = node_new(FW_QNODE_NOT, t.col);
	n->end = kid->end;
	n->kids = g_new(struct fw_qnode *, 1);
	n->kids[0] = kid;
	return n;
}

/* TRUE if the token can start a term (for implicit AND). */
static gboolean
starts_term(enum tk k)
{
	return k == TK_WORD || k == TK_PHRASE || k == TK_REGEX || k == TK_LP ||
	       k == TK_NOT || k == TK_MINUS || k == TK_FIELD;
}

/* Folds kids into one AND or OR node (or returns the only kid). */
static struct fw_qnode *
make_list(enum fw_qnode_kind kind, GPtrArray *kids)
{
	struct fw_qnode *n;

	if (kids->len == 1)
		return g_ptr_array_steal_index(kids, 0);
	n = node_new(kind, ((struct fw_qnode *)kids->pdata[0])->col);
	n->end = ((struct fw_qnode *)kids->pdata[kids->len - 1])->end;
	n->n = kids->len;
	n->kids = (struct fw_qnode **)g_ptr_array_steal(kids, NULL);
	return n;
}

/* and := not ((AND)? not)* */
static struct fw_qnode *
parse_and(struct parser *ps)
{
	g_autoptr(GPtrArray) kids = g_ptr_array_new_with_free_func((GDestroyNotify)node_free);
	struct fw_qnode *n = parse_not(ps);

	if (n == NULL)
		return NULL;
	g_ptr_array_add(kids, n);
	for (;;) {
		if (ps->tok.kind == TK_AND) {
			if (!advance(ps))
				return NULL;
		} else if (!starts_term(ps->tok.kind)) {
			break;
		}
		n = parse_not(ps);
		if (n == NULL)
			return NULL;
		g_ptr_array_add(kids, n);
	}
	return make_list(FW_QNODE_AND, kids);
}

/* or := and (OR and)* */
static struct fw_qnode *
parse_or(struct parser *ps)
{
	g_autoptr(GPtrArray) kids = g_ptr_array_new_with_free_func((GDestroyNotify)node_free);
	struct fw_qnode *n = parse_and(ps);

	if (n == NULL)
		return NULL;
	g_ptr_array_add(kids, n);
	while (ps->tok.kind == TK_OR) {
		if (!advance(ps))
			return NULL;
		n = parse_and(ps);
		if (n == NULL)
			return NULL;
		g_ptr_array_add(kids, n);
	}
	return make_list(FW_QNODE_OR, kids);
}

#define ALIGN8(x) (((x) + 7) & ~(gsize)7)

/* The number of kids of n. */
static guint
kid_count(const struct fw_qnode *n)
{
	if (n->kids == NULL)
		return 0;
	return n->kind == FW_QNODE_NOT ? 1 : n->kind == FW_QNODE_NEAR ? 2 : n->n;
}

/* Bytes compact() needs for the tree under n. */
static gsize
compact_size(const struct fw_qnode *n)
{
	gsize size = ALIGN8(sizeof(*n)) + ALIGN8(kid_count(n) * sizeof(n->kids[0]));

	if (n->terms) {
		size += ALIGN8(n->n * sizeof(n->terms[0]));
		for (guint i = 0; i < n->n; i++)
			size += n->terms[i].len + 1;
		size = ALIGN8(size);
	}
	for (guint i = 0; i < kid_count(n); i++)
		size += compact_size(n->kids[i]);
	return size;
}

/* Copies the tree under n to *at (advancing it): the node, its kids array,
 * its terms and their words, then the kids, depth first. The regexes move
 * over (the old tree keeps no reference). */
static struct fw_qnode *
compact(struct fw_qnode *n, char **at)
{
	struct fw_qnode *c = (struct fw_qnode *)*at;
	guint nk = kid_count(n);

	*c = *n;
	*at += ALIGN8(sizeof(*n));
	n->regex = NULL;
	if (nk) {
		c->kids = (struct fw_qnode **)*at;
		*at += ALIGN8(nk * sizeof(c->kids[0]));
	}
	if (n->terms) {
		char *words;
		c->terms = (struct fw_qterm *)*at;
		words = *at + ALIGN8(n->n * sizeof(n->terms[0]));
		for (guint i = 0; i < n->n; i++) {
			c->terms[i] = n->terms[i];
			c->terms[i].word = memcpy(words, n->terms[i].word, n->terms[i].len + 1);
			words += n->terms[i].len + 1;
		}
		*at = (char *)ALIGN8((gsize)words);
	}
	for (guint i = 0; i < nk; i++)
		c->kids[i] = compact(n->kids[i], at);
	return c;
}

/* Returns a node under n that can be true without any term being present
 * (n "requires nothing"), or NULL if n requires something. */
static const struct fw_qnode *
unrequired(const struct fw_qnode *n)
{
	const struct fw_qnode *u;

	switch (n->kind) {
	case FW_QNODE_NOT:
		return n;
	case FW_QNODE_AND:
		for (guint i = 0; i < n->n; i++)
			if (unrequired(n->kids[i]) == NULL)
				return NULL;
		return unrequired(n->kids[0]);
	case FW_QNODE_OR:
		for (guint i = 0; i < n->n; i++)
			if ((u = unrequired(n->kids[i])) != NULL)
				return u;
		return NULL;
	default:
		return NULL;
	}
}

/* The union of the field masks of the leaves under n. */
static guint
fields_of(const struct fw_qnode *n)
{
	guint m = 0;

	switch (n->kind) {
	case FW_QNODE_PHRASE:
	case FW_QNODE_REGEX:
		return n->fields;
	case FW_QNODE_NOT:
		return fields_of(n->kids[0]);
	case FW_QNODE_NEAR:
		return fields_of(n->kids[0]) | fields_of(n->kids[1]);
	default:
		for (guint i = 0; i < n->n; i++)
			m |= fields_of(n->kids[i]);
		return m;
	}
}

/* Appends n's canonical form to out (see fw_query_canonical). */
static void
canonical(GString *out, const struct fw_qnode *n)
{
	static const char *const sep[] = { [FW_QNODE_AND] = " AND ", [FW_QNODE_OR] = " OR " };

	switch (n->kind) {
	case FW_QNODE_PHRASE:
		/* (no printf: a start with 10,000 topics makes 10,000 of these) */
		g_string_append_c(out, '{');
		for (int b = 28; b >= 0; b -= 4)
			g_string_append_c(out, "0123456789abcdef"[(n->fields >> b) & 0xf]);
		g_string_append(out, "}\"");
		for (guint i = 0; i < n->n; i++) {
			if (i > 0)
				g_string_append_c(out, ' ');
			g_string_append_len(out, n->terms[i].word, n->terms[i].len);
			if (n->terms[i].prefix)
				g_string_append_c(out, '*');
		}
		g_string_append_c(out, '"');
		break;
	case FW_QNODE_REGEX:
		/* the pattern as compiled, and its flags */
		g_string_append_printf(out, "{%x}/%s/%x", n->fields, g_regex_get_pattern(n->regex),
		                       (guint)g_regex_get_compile_flags(n->regex));
		break;
	case FW_QNODE_AND:
	case FW_QNODE_OR:
		g_string_append_c(out, '(');
		for (guint i = 0; i < n->n; i++) {
			if (i > 0)
				g_string_append(out, sep[n->kind]);
			canonical(out, n->kids[i]);
		}
		g_string_append_c(out, ')');
		break;
	case FW_QNODE_NOT:
		g_string_append(out, "NOT(");
		canonical(out, n->kids[0]);
		g_string_append_c(out, ')');
		break;
	case FW_QNODE_NEAR:
		g_string_append_c(out, '(');
		canonical(out, n->kids[0]);
		g_string_append_printf(out, " NEAR/%u ", n->n);
		canonical(out, n->kids[1]);
		g_string_append_c(out, ')');
		break;
	}
}

char *
fw_query_canonical(const struct fw_query *q)
{
	GString *out = g_string_sized_new(64);

	canonical(out, q->root);
	return g_string_free(out, FALSE);
}

/* Whether a token of kind k can end a term (what an operator may follow). */
static gboolean
ends_term(enum tk k)
{
	return k == TK_WORD || k == TK_PHRASE || k == TK_REGEX || k == TK_RP;
}

char *
fw_query_hint(const char *src, guint *col)
{
	static const char *const ops[] = { "or", "and", "not", "near" };
	struct parser ps = { .src = src, .p = src, .op.kind = TK_EOF };
	struct token prev = { .kind = TK_EOF }, t;
	char *hint = NULL;

	*col = 0;
	if (src == NULL || !g_utf8_validate(src, -1, NULL) || !lex(&ps))
		goto out;
	for (; ps.tok.kind != TK_EOF && hint == NULL; prev = t) {
		const char *bar, *end;

		t = ps.tok;
		if (!advance(&ps))
			break;
		if (t.kind != TK_WORD || t.prefix)
			continue;
		end = t.s + t.len;
		for (guint i = 0; i < G_N_ELEMENTS(ops) && hint == NULL; i++) {
			g_autofree char *up = NULL;

			if (t.len != strlen(ops[i]) || g_ascii_strncasecmp(t.s, ops[i], t.len) != 0 ||
			    !ends_term(prev.kind) || !starts_term(ps.tok.kind))
				continue;
			up = g_ascii_strup(ops[i], -1);
			*col = t.col;
			hint = g_strdup_printf("'%.*s' is a word to find here, not an operator: "
			                       "operators are in capitals (%s); to find the word, quote it",
			                       (int)t.len, t.s, up);
		}
		if (hint == NULL && (bar = memchr(t.s, '|', t.len)) != NULL && bar > t.s &&
		    bar + 1 < end) {
			*col = col_of(&ps, bar);
			hint = g_strdup_printf("'|' is not an operator: %.*s finds the words next to "
			                       "each other; for either, write OR between them",
			                       (int)t.len, t.s);
		} else if (hint == NULL && t.len > 1 && (end[-1] == ',' || end[-1] == ';') &&
		           starts_term(ps.tok.kind)) {
			*col = col_of(&ps, end - 1);
			hint = g_strdup_printf("'%c' is not an operator: the terms it separates are all "
			                       "required; for any of them, write OR between them", end[-1]);
		}
	}
out:
	g_clear_error(&ps.error);
	return hint;
}

struct fw_query *
fw_query_parse(const char *src, guint *err_col, GError **error)
{
	struct parser ps = { 0 };
	struct fw_qnode *root = NULL;
	struct fw_query *q;
	const struct fw_qnode *u;

	if (err_col)
		*err_col = 0;
	if (src == NULL)
		src = "";
	if (!g_utf8_validate(src, -1, NULL)) {
		const char *end;
		g_utf8_validate(src, -1, &end);
		if (err_col)
			*err_col = g_utf8_pointer_to_offset(src, end) + 1;
		g_set_error(error, FW_TOPIC_ERROR, FW_TOPIC_ERROR_SYNTAX, "query is not valid UTF-8");
		return NULL;
	}
	ps.src = src;
	ps.p = src;
	ps.op.kind = TK_EOF;
	if (lex(&ps))
		root = parse_or(&ps);
	if (root && ps.tok.kind != TK_EOF) {
		/* Only ')' stops parse_or early. */
		fail_at(&ps, ps.tok.col, "unbalanced parenthesis");
		node_free(root);
		root = NULL;
	}
	if (root && (u = unrequired(root)) != NULL) {
		fail_at(&ps, u->col, "a topic must require something");
		node_free(root);
		root = NULL;
	}
	if (root == NULL) {
		if (ps.error == NULL)
			fail_at(&ps, 1, "bad query");
		if (err_col)
			*err_col = ps.err_col;
		g_propagate_error(error, ps.error);
		return NULL;
	}
	apply_fields(root, FW_FIELDS_DEFAULT);
	{
		gsize size = ALIGN8(sizeof(struct fw_query)) + compact_size(root);
		gsize slen = strlen(src) + 1;
		char *block = g_malloc(size + slen);
		char *at = block + ALIGN8(sizeof(struct fw_query));

		q = (struct fw_query *)block;
		q->root = compact(root, &at);
		q->src = memcpy(block + size, src, slen);
		q->fields = fields_of(q->root);
		node_free(root);   /* its regexes moved to the block */
	}
	return q;
}

/* Drops the regexes under a compacted node (the rest is in the block). */
static void
unref_regexes(struct fw_qnode *n)
{
	if (n->regex)
		g_regex_unref(n->regex);
	if (n->kids) {
		guint k = n->kind == FW_QNODE_NOT ? 1 : n->kind == FW_QNODE_NEAR ? 2 : n->n;
		for (guint i = 0; i < k; i++)
			unref_regexes(n->kids[i]);
	}
}

void
fw_query_free(struct fw_query *q)
{
	if (q == NULL)
		return;
	unref_regexes(q->root);
	g_free(q);   /* the block */
}

const char *
fw_query_source(const struct fw_query *q)
{
	return q->src;
}

guint
fw_query_fields(const struct fw_query *q)
{
	return q->fields;
}

const struct fw_qnode *
fw_query_root(const struct fw_query *q)
{
	return q->root;
}
