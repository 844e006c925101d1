/* feed-date — the dates feeds write (RFC 822 and ISO 8601 families, with
 * real-world variants) to Unix seconds. */
#include <string.h>

#include "feedwatch/feed.h"
#include "feed-int.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant). */
static gint64 days_from_civil(gint64 y, int m, int d)
{
	y -= m <= 2;
	gint64 era = (y >= 0 ? y : y - 399) / 400;
	gint64 yoe = y - era * 400;
	gint64 doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	gint64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Days in month m of year y. */
static int month_days(int y, int m)
{
	static const int md[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return md[m - 1];
}

/* Unix seconds of a broken-down UTC time minus offset (seconds east), or
 * FW_TIME_NONE if a field is out of range. */
static gint64 make_time(int y, int mo, int d, int h, int mi, int s, int off)
{
	if (y < 1000 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo))
		return FW_TIME_NONE;
	if (h < 0 || mi < 0 || mi > 59 || s < 0 || s > 60)
		return FW_TIME_NONE;
	if (h > 24 || (h == 24 && (mi || s)))
		return FW_TIME_NONE;
	if (s == 60)
		s = 59;   /* a leap second */
	return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - off;
}

/* Reads up to max digits at *p; returns the value or -1 if there are none.
 * *n gets the number of digits. */
static int digits(const char **p, int max, int *n)
{
	int v = 0, k = 0;
	while (k < max && g_ascii_isdigit(**p)) {
		v = v * 10 + (**p - '0');
		(*p)++;
		k++;
	}
	if (n)
		*n = k;
	return k ? v : -1;
}

/* Skips spaces (and commas with commas). */
static void skip_ws(const char **p, gboolean commas)
{
	while (**p == ' ' || **p == '\t' || **p == '\r' || **p == '\n' || (commas && **p == ','))
		(*p)++;
}

/* Reads a numeric zone "+hhmm", "+hh:mm", "+hh" at p into *off (seconds
 * east); returns FALSE if there is none. One out of range ("+3000") is
 * read as UTC, with *dropped set. */
static gboolean numeric_zone(const char **p, int *off, gboolean *dropped)
{
	const char *q = *p;
	int sign, h, m = 0, n;

	if (*q != '+' && *q != '-')
		return FALSE;
	sign = *q == '-' ? -1 : 1;
	q++;
	h = digits(&q, 4, &n);
	if (h < 0)
		return FALSE;
	if (n == 4) {
		m = h % 100;
		h /= 100;
	} else if (n == 3) {
		m = h % 100;
		h /= 100;
	} else if (*q == ':') {
		q++;
		m = digits(&q, 2, &n);
		if (m < 0)
			return FALSE;
	}
	if (h > 23 || m > 59) {
		h = m = 0;
		*dropped = TRUE;
	}
	*off = sign * (h * 3600 + m * 60);
	*p = q;
	return TRUE;
}

/* Reads a named zone (UT, GMT, EST..., military letters; unknown names are
 * UTC) at p; returns FALSE if there is no word there. */
static gboolean named_zone(const char **p, int *off)
{
	static const struct { const char *name; int hours; } zones[] = {
		{ "UT", 0 }, { "UTC", 0 }, { "GMT", 0 }, { "Z", 0 }, { "WET", 0 },
		{ "EST", -5 }, { "EDT", -4 }, { "CST", -6 }, { "CDT", -5 },
		{ "MST", -7 }, { "MDT", -6 }, { "PST", -8 }, { "PDT", -7 },
		{ "AST", -4 }, { "ADT", -3 }, { "AKST", -9 }, { "AKDT", -8 },
		{ "HST", -10 }, { "NST", -3 }, { "BST", 1 }, { "CET", 1 }, { "CEST", 2 },
		{ "MET", 1 }, { "MEST", 2 }, { "WEST", 1 }, { "EET", 2 }, { "EEST", 3 },
		{ "MSK", 3 }, { "JST", 9 }, { "KST", 9 }, { "HKT", 8 }, { "SGT", 8 },
		{ "AWST", 8 }, { "AEST", 10 }, { "AEDT", 11 }, { "ACST", 9 },
		{ "NZST", 12 }, { "NZDT", 13 }, { "IST", 5 }, { "ART", -3 }, { "BRT", -3 },
	};
	const char *q = *p;
	char name[8];
	gsize n = 0;

	while (g_ascii_isalpha(q[n]) && n < sizeof name - 1) {
		name[n] = g_ascii_toupper(q[n]);
		n++;
	}
	if (n == 0 || g_ascii_isalpha(q[n]))
		return FALSE;
	name[n] = '\0';
	*p = q + n;
	*off = 0;
	if (n == 1 && name[0] != 'J') {
		/* RFC 822 military zones, as written there (A = -1 ... Z = 0) */
		char c = name[0];
		if (c == 'Z')
			*off = 0;
		else if (c >= 'A' && c <= 'I')
			*off = -(c - 'A' + 1) * 3600;
		else if (c >= 'K' && c <= 'M')
			*off = -(c - 'K' + 10) * 3600;
		else
			*off = (c - 'N' + 1) * 3600;
		return TRUE;
	}
	for (gsize i = 0; i < G_N_ELEMENTS(zones); i++) {
		if (strcmp(zones[i].name, name) == 0) {
			*off = zones[i].hours * 3600;
			if (!strcmp(name, "IST") || !strcmp(name, "NST"))
				*off += strcmp(name, "IST") == 0 ? 1800 : -1800;
			return TRUE;
		}
	}
	return TRUE;   /* unknown zone names count as UTC */
}

/* Month number of an English month name (3 letters or longer) or of a
 * Portuguese, Spanish or German abbreviation English does not have ("Set",
 * "Out", "Dez", "Ene", "Okt"...), or 0. */
static int month_of(const char **p)
{
	static const struct { const char *abbr; int month; } other[] = {
		{ "fev", 2 }, { "abr", 4 }, { "mai", 5 }, { "ago", 8 }, { "set", 9 }, { "out", 10 },
		{ "dez", 12 }, { "ene", 1 }, { "dic", 12 }, { "okt", 10 },
	};
	static const char *const names[] = { "january", "february", "march", "april", "may", "june",
		"july", "august", "september", "october", "november", "december" };
	const char *q = *p;
	char w[12];
	gsize n = 0;

	while (g_ascii_isalpha(q[n]) && n < sizeof w - 1) {
		w[n] = g_ascii_tolower(q[n]);
		n++;
	}
	if (n < 3 || g_ascii_isalpha(q[n]))
		return 0;
	w[n] = '\0';
	for (int m = 0; m < 12; m++) {
		if (strncmp(names[m], w, 3) != 0)
			continue;
		if (n == 3 || strcmp(names[m], w) == 0 || (m == 8 && strcmp(w, "sept") == 0)) {
			*p = q + n;
			if (*q && **p == '.')
				(*p)++;
			return m + 1;
		}
	}
	for (gsize i = 0; n == 3 && i < G_N_ELEMENTS(other); i++) {
		if (strcmp(other[i].abbr, w) == 0) {
			*p = q + n;
			if (**p == '.')
				(*p)++;
			return other[i].month;
		}
	}
	return 0;
}

/* Reads "am" / "pm" (or "a.m." / "p.m.", any case) after a time at p,
 * making *h a 24-hour hour; FALSE if the hour is not 1-12 then. Nothing
 * there is fine. */
static gboolean am_pm(const char **p, int *h)
{
	const char *q = *p;
	skip_ws(&q, FALSE);
	char c = g_ascii_tolower(*q);
	if (c != 'a' && c != 'p')
		return TRUE;
	const char *m = q[1] == '.' ? q + 2 : q + 1;
	if (g_ascii_tolower(*m) != 'm')
		return TRUE;
	m++;
	if (q[1] == '.' && *m == '.')
		m++;
	if (g_ascii_isalpha(*m))
		return TRUE;   /* a word, not am/pm */
	if (*h < 1 || *h > 12)
		return FALSE;
	*h = *h % 12 + (c == 'p' ? 12 : 0);
	*p = m;
	return TRUE;
}

/* Reads "hh:mm[:ss[.frac]]" (one-digit hours and seconds too) at p, with
 * am/pm after it. */
static gboolean clock_time(const char **p, int *h, int *mi, int *s)
{
	const char *q = *p;
	int n;
	*h = digits(&q, 2, &n);
	if (*h < 0 || *q != ':')
		return FALSE;
	q++;
	*mi = digits(&q, 2, &n);
	if (*mi < 0 || n != 2)
		return FALSE;
	*s = 0;
	if (*q == ':') {
		q++;
		*s = digits(&q, 2, &n);
		if (*s < 0)
			return FALSE;
		if (*q == '.' || *q == ',') {
			q++;
			if (!g_ascii_isdigit(*q))
				return FALSE;
			while (g_ascii_isdigit(*q))
				q++;
		}
	}
	if (!am_pm(&q, h))
		return FALSE;
	*p = q;
	return TRUE;
}

/* Reads an optional zone after a time: numeric, named, or named+numeric. */
static gboolean zone_of(const char **p, int *off, gboolean *dropped)
{
	const char *q = *p;
	*off = 0;
	skip_ws(&q, FALSE);
	if (numeric_zone(&q, off, dropped)) {
		*p = q;
		return TRUE;
	}
	if (named_zone(&q, off)) {
		int extra;
		if (numeric_zone(&q, &extra, dropped))
			*off = extra;   /* "GMT+0100" */
		*p = q;
		return TRUE;
	}
	return TRUE;
}

/* Whether only spaces and a parenthesised comment remain at p. */
static gboolean at_end(const char *p)
{
	skip_ws(&p, FALSE);
	if (*p == '(') {
		const char *e = strchr(p, ')');
		if (!e)
			return FALSE;
		p = e + 1;
		skip_ws(&p, FALSE);
	}
	return *p == '\0';
}

/* Two-digit and three-digit years as RFC 2822 reads them. */
static int full_year(int y, int ndigits)
{
	if (ndigits == 2)
		return y < 50 ? 2000 + y : 1900 + y;
	if (ndigits == 3)
		return 1900 + y;
	return y;
}

/* RFC 822 / 2822 / 850 and asctime forms. */
static gint64 parse_rfc822(const char *p, gboolean *dropped)
{
	int d, mo, y, h = 0, mi = 0, s = 0, off = 0, n;

	skip_ws(&p, FALSE);
	/* optional weekday ("Tue," "Tuesday," "Tue"; "Mar," is Spanish Tuesday) */
	if (g_ascii_isalpha(*p)) {
		const char *w = p;
		while (g_ascii_isalpha(*w))
			w++;
		if (*w == '.')
			w++;
		if (*w == ',' || !month_of(&(const char *){ p })) {
			p = w;
			skip_ws(&p, TRUE);
		}
	}
	if (g_ascii_isdigit(*p)) {
		d = digits(&p, 2, NULL);
		skip_ws(&p, FALSE);
		if (*p == '-' || *p == '/')
			p++;
		skip_ws(&p, FALSE);
		mo = month_of(&p);
		if (!mo)
			return FW_TIME_NONE;
		skip_ws(&p, FALSE);
		if (*p == '-' || *p == '/')
			p++;
		skip_ws(&p, TRUE);
		y = digits(&p, 4, &n);
		if (y < 0 || n == 1 || g_ascii_isdigit(*p))
			return FW_TIME_NONE;
		y = full_year(y, n);
		skip_ws(&p, TRUE);
		if (g_ascii_isdigit(*p)) {
			if (!clock_time(&p, &h, &mi, &s))
				return FW_TIME_NONE;
			if (!zone_of(&p, &off, dropped))
				return FW_TIME_NONE;
		}
	} else {
		/* asctime "Nov 26 05:05:00 2024" or "Nov 26, 2024 05:05:00 +0000" */
		mo = month_of(&p);
		if (!mo)
			return FW_TIME_NONE;
		skip_ws(&p, FALSE);
		d = digits(&p, 2, NULL);
		if (d < 0)
			return FW_TIME_NONE;
		skip_ws(&p, TRUE);
		const char *q = p;
		int y4 = digits(&q, 4, &n);
		if (y4 >= 0 && n == 4 && *q != ':') {
			y = y4;
			p = q;
			skip_ws(&p, TRUE);
			if (g_ascii_isdigit(*p) && (!clock_time(&p, &h, &mi, &s) || !zone_of(&p, &off, dropped)))
				return FW_TIME_NONE;
		} else {
			if (!clock_time(&p, &h, &mi, &s))
				return FW_TIME_NONE;
			zone_of(&p, &off, dropped);
			skip_ws(&p, FALSE);
			y = digits(&p, 4, &n);
			if (y < 0 || n != 4)
				return FW_TIME_NONE;
		}
	}
	if (!at_end(p))
		return FW_TIME_NONE;
	return make_time(y, mo, d, h, mi, s, off);
}

/* ISO 8601 / RFC 3339 / W3C-DTF, extended or basic ("20241126T050500Z"),
 * and "2020/1/10 14:33:00". */
static gint64 parse_iso(const char *p, gboolean *dropped)
{
	int y, mo = 1, d = 1, h = 0, mi = 0, s = 0, off = 0, n;
	gboolean basic;

	skip_ws(&p, FALSE);
	y = digits(&p, 4, &n);
	if (n != 4)
		return FW_TIME_NONE;
	basic = g_ascii_isdigit(*p);
	if (basic) {
		mo = digits(&p, 2, &n);
		if (n != 2)
			return FW_TIME_NONE;
		d = digits(&p, 2, &n);
		if (n != 2)
			return FW_TIME_NONE;
	} else if (*p == '-') {
		p++;
		mo = digits(&p, 2, &n);
		if (n != 2)
			return FW_TIME_NONE;
		if (*p == '-') {
			p++;
			d = digits(&p, 2, &n);
			if (n != 2)
				return FW_TIME_NONE;
		}
	} else if (*p == '/') {
		/* "2020/1/10": one or two digits, a day always */
		p++;
		mo = digits(&p, 2, &n);
		if (mo < 0 || *p != '/')
			return FW_TIME_NONE;
		p++;
		d = digits(&p, 2, &n);
		if (d < 0)
			return FW_TIME_NONE;
	}
	if (*p == 'T' || *p == 't' || (*p == ' ' && g_ascii_isdigit(p[1]))) {
		p++;
		if (basic) {
			h = digits(&p, 2, &n);
			if (n != 2)
				return FW_TIME_NONE;
			mi = digits(&p, 2, &n);
			if (n != 2)
				return FW_TIME_NONE;
			if (g_ascii_isdigit(*p)) {
				s = digits(&p, 2, &n);
				if (n != 2)
					return FW_TIME_NONE;
			}
			if (*p == '.' || *p == ',') {
				p++;
				while (g_ascii_isdigit(*p))
					p++;
			}
		} else if (!clock_time(&p, &h, &mi, &s)) {
			return FW_TIME_NONE;
		}
		skip_ws(&p, FALSE);
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			if (!numeric_zone(&p, &off, dropped))
				return FW_TIME_NONE;
		} else if (g_ascii_isalpha(*p)) {
			if (!named_zone(&p, &off))
				return FW_TIME_NONE;
		}
	}
	if (!at_end(p))
		return FW_TIME_NONE;
	return make_time(y, mo, d, h, mi, s, off);
}

/* fw_feed_parse_date, and *zone_dropped (if given) set when a nonsense zone
 * ("+3000") was dropped and the time read as UTC. */
gint64 feed_parse_date(const char *s, gboolean *zone_dropped)
{
	const char *p = s;
	gboolean dropped = FALSE;
	gint64 t;
	int n;

	if (zone_dropped)
		*zone_dropped = FALSE;
	if (!s)
		return FW_TIME_NONE;
	skip_ws(&p, FALSE);
	if (!*p || strlen(p) > 200)
		return FW_TIME_NONE;
	const char *q = p;
	digits(&q, 8, &n);
	t = (n == 4 || n == 8) ? parse_iso(p, &dropped) : parse_rfc822(p, &dropped);
	if (zone_dropped)
		*zone_dropped = dropped && t != FW_TIME_NONE;
	return t;
}

gint64 fw_feed_parse_date(const char *s)
{
	return feed_parse_date(s, NULL);
}
