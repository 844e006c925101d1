/* Unit tests for fw_feed_parse_date: RFC 822 / RFC 3339 / ISO 8601 and the
 * variants feeds really use, as a data table. Expected values are written as
 * RFC 3339 UTC and read back with GDateTime (an independent implementation). */
#include <string.h>

#include "feedwatch/feed.h"

struct date_row {
	const char *in;
	const char *utc;   /* RFC 3339 in UTC, or NULL for FW_TIME_NONE */
};

static const struct date_row rows[] = {
	/* RFC 822 / 2822 */
	{ "Tue, 26 Nov 2024 05:05:00 +0000", "2024-11-26T05:05:00Z" },
	{ "Tue, 26 Nov 2024 05:05:00 GMT", "2024-11-26T05:05:00Z" },
	{ "Tue, 26 Nov 2024 05:05:00 UT", "2024-11-26T05:05:00Z" },
	{ "Tue, 26 Nov 2024 05:05:00 UTC", "2024-11-26T05:05:00Z" },
	{ "Tue, 26 Nov 2024 05:05:00 Z", "2024-11-26T05:05:00Z" },
	{ "Tue, 26 Nov 2024 05:05:00 -0000", "2024-11-26T05:05:00Z" },
	{ "Tue, 26 Nov 2024 05:05:00 +0100", "2024-11-26T04:05:00Z" },
	{ "Tue, 26 Nov 2024 05:05:00 -0300", "2024-11-26T08:05:00Z" },
	{ "Tue, 26 Nov 2024 05:05:00 +0530", "2024-11-25T23:35:00Z" },
	{ "Tue, 26 Nov 2024 05:05:00 +05:30", "2024-11-25T23:35:00Z" },
	{ "Tue, 26 Nov 2024 05:05:00 +01", "2024-11-26T04:05:00Z" },
	{ "Tue, 26 Nov 2024 05:05:00 EST", "2024-11-26T10:05:00Z" },
	{ "Tue, 26 Nov 2024 05:05:00 EDT", "2024-11-26T09:05:00Z" },
	{ "Tue, 26 Nov 2024 05:05:00 CST", "2024-11-26T11:05:00Z" },
	{ "Tue, 26 Nov 2024 05:05:00 CDT", "2024-11-26T10:05:00Z" },
	{ "Tue, 26 Nov 2024 05:05:00 MST", "2024-11-26T12:05:00Z" },
	{ "Tue, 26 Nov 2024 05:05:00 MDT", "2024-11-26T11:05:00Z" },
	{ "Tue, 26 Nov 2024 05:05:00 PST", "2024-11-26T13:05:00Z" },
	{ "Tue, 26 Nov 2024 05:05:00 PDT", "2024-11-26T12:05:00Z" },
	{ "Tue, 26 Nov 2024 05:05:00 A", "2024-11-26T06:05:00Z" },    /* military, RFC 822 signs */
	{ "Tue, 26 Nov 2024 05:05:00 M", "2024-11-26T17:05:00Z" },
	{ "Tue, 26 Nov 2024 05:05:00 N", "2024-11-26T04:05:00Z" },
	{ "Tue, 26 Nov 2024 05:05:00 Y", "2024-11-25T17:05:00Z" },
	{ "Tue, 26 Nov 2024 05:05:00 z", "2024-11-26T05:05:00Z" },
	{ "Tue, 26 Nov 2024 05:05:00 gmt", "2024-11-26T05:05:00Z" },
	{ "tue, 26 nov 2024 05:05:00 +0000", "2024-11-26T05:05:00Z" },
	{ "TUE, 26 NOV 2024 05:05:00 GMT", "2024-11-26T05:05:00Z" },
	{ "Tue, 26 Nov 2024 05:05 +0000", "2024-11-26T05:05:00Z" },              /* no seconds */
	{ "26 Nov 2024 05:05:00 +0000", "2024-11-26T05:05:00Z" },                /* no weekday */
	{ "Tue 26 Nov 2024 05:05:00 +0000", "2024-11-26T05:05:00Z" },            /* no comma */
	{ "Tuesday, 26 Nov 2024 05:05:00 GMT", "2024-11-26T05:05:00Z" },
	{ "Tue, 26 November 2024 05:05:00 GMT", "2024-11-26T05:05:00Z" },
	{ "Tue, 26 Sept 2023 05:05:00 GMT", "2023-09-26T05:05:00Z" },
	{ "Tue, 6 Nov 2024 05:05:00 GMT", "2024-11-06T05:05:00Z" },
	{ "Tue, 06 Nov 2024 5:05:00 GMT", "2024-11-06T05:05:00Z" },
	{ "Tue, 26 Nov 24 05:05:00 GMT", "2024-11-26T05:05:00Z" },              /* 2-digit year */
	{ "Sun, 26 Nov 99 05:05:00 GMT", "1999-11-26T05:05:00Z" },
	{ "Tue, 26 Nov 124 05:05:00 GMT", "2024-11-26T05:05:00Z" },             /* 3-digit (2822) */
	{ "  Tue,  26   Nov  2024   05:05:00   +0000  ", "2024-11-26T05:05:00Z" },
	{ "Tue,\t26 Nov 2024\n05:05:00 +0000", "2024-11-26T05:05:00Z" },
	{ "Tue, 26-Nov-2024 05:05:00 GMT", "2024-11-26T05:05:00Z" },           /* RFC 850 style */
	{ "Tuesday, 26-Nov-24 05:05:00 GMT", "2024-11-26T05:05:00Z" },
	{ "Tue, 26 Nov 2024 05:05:00 +0000 (UTC)", "2024-11-26T05:05:00Z" },
	{ "Tue, 26 Nov 2024 05:05:00 GMT+0100", "2024-11-26T04:05:00Z" },
	{ "Tue, 26 Nov 2024 05:05:00.123 +0000", "2024-11-26T05:05:00Z" },
	{ "Tue, 26 Nov 2024", "2024-11-26T00:00:00Z" },                         /* date only */
	{ "26 Nov 2024", "2024-11-26T00:00:00Z" },
	{ "Tue, 26 Nov 2024 05:05:00", "2024-11-26T05:05:00Z" },                /* no zone: UTC */
	{ "Tue, 26 Nov 2024 05:05:00 XYZ", "2024-11-26T05:05:00Z" },            /* unknown zone: UTC */
	{ "Tue, 26 Nov 2024 05:05:00 CET", "2024-11-26T04:05:00Z" },
	{ "Tue, 26 Nov 2024 05:05:00 JST", "2024-11-25T20:05:00Z" },
	{ "Thu, 29 Feb 2024 12:00:00 GMT", "2024-02-29T12:00:00Z" },            /* leap day */
	{ "Fri, 31 Dec 2021 23:59:60 GMT", "2021-12-31T23:59:59Z" },            /* leap second */
	{ "Thu, 01 Jan 1970 00:00:00 GMT", "1970-01-01T00:00:00Z" },
	{ "Wed, 31 Dec 1969 23:59:59 GMT", "1969-12-31T23:59:59Z" },
	{ "Tue Nov 26 05:05:00 2024", "2024-11-26T05:05:00Z" },                 /* asctime */
	{ "Nov 26, 2024 05:05:00 +0000", "2024-11-26T05:05:00Z" },
	{ "Nov 26 2024", "2024-11-26T00:00:00Z" },
	{ "Mon, 01 Jan 2024 00:00:00 +1400", "2023-12-31T10:00:00Z" },
	/* issue 18 point 8, as real feeds write them (Yahoo weather, Sunnyvale) */
	{ "Mon, 21 Jan 2008 8:56 am PST", "2008-01-21T16:56:00Z" },
	{ "Sun, 20 Apr 2014 8:19 pm CEST", "2014-04-20T18:19:00Z" },
	{ "Mon, 21 Jan 2008 12:30 AM GMT", "2008-01-21T00:30:00Z" },
	{ "Mon, 21 Jan 2008 12:30 p.m. GMT", "2008-01-21T12:30:00Z" },
	{ "Mon, 21 Jan 2008 8:56pm", "2008-01-21T20:56:00Z" },
	{ "Jan 21 2008 8:56 PM", "2008-01-21T20:56:00Z" },
	{ "Tue, 26 Nov 2024 05:05:7 GMT", "2024-11-26T05:05:07Z" },               /* one-digit seconds */
	{ "Tue, 26 Nov 2024 05:05:00 +3000", "2024-11-26T05:05:00Z" },            /* nonsense zone dropped */
	{ "Tue, 26 Nov 2024 05:05:00 +2500", "2024-11-26T05:05:00Z" },
	{ "Tue, 26 Nov 2024 05:05:00 GMT+3000", "2024-11-26T05:05:00Z" },
	{ "Seg, 24 Set 2018 19:42:40 -0300", "2018-09-24T22:42:40Z" },            /* Portuguese (UOL) */
	{ "Qui, 01 Out 2020 08:00:00 -0300", "2020-10-01T11:00:00Z" },
	{ "Sex, 06 Dez 2019 10:00:00 +0000", "2019-12-06T10:00:00Z" },
	{ "Mar, 24 Fev 2015 10:00:00 +0000", "2015-02-24T10:00:00Z" },            /* "Mar," a weekday */
	{ "Mar 24 2015", "2015-03-24T00:00:00Z" },                                /* "Mar" a month */
	{ "Mi, 14 Okt 2020 10:00:00 +0200", "2020-10-14T08:00:00Z" },
	/* RFC 3339 / ISO 8601 / W3C-DTF */
	{ "2024-11-26T05:05:00Z", "2024-11-26T05:05:00Z" },
	{ "2024-11-26T05:05:00+00:00", "2024-11-26T05:05:00Z" },
	{ "2024-11-26T05:05:00-03:00", "2024-11-26T08:05:00Z" },
	{ "2024-11-26T05:05:00+0530", "2024-11-25T23:35:00Z" },
	{ "2024-11-26T05:05:00+01", "2024-11-26T04:05:00Z" },
	{ "2024-11-26T05:05:00.5Z", "2024-11-26T05:05:00Z" },
	{ "2024-11-26T05:05:00.123456789+00:00", "2024-11-26T05:05:00Z" },
	{ "2024-11-26T05:05:00,5Z", "2024-11-26T05:05:00Z" },
	{ "2024-11-26T05:05Z", "2024-11-26T05:05:00Z" },
	{ "2024-11-26T05:05+02:00", "2024-11-26T03:05:00Z" },
	{ "2024-11-26T05:05:00", "2024-11-26T05:05:00Z" },                      /* no zone: UTC */
	{ "2024-11-26t05:05:00z", "2024-11-26T05:05:00Z" },
	{ "2024-11-26 05:05:00", "2024-11-26T05:05:00Z" },
	{ "2024-11-26 05:05:00 +0000", "2024-11-26T05:05:00Z" },
	{ "2024-11-26 05:05:00 GMT", "2024-11-26T05:05:00Z" },
	{ "2024-11-26", "2024-11-26T00:00:00Z" },
	{ "2024-11", "2024-11-01T00:00:00Z" },
	{ "2024", "2024-01-01T00:00:00Z" },
	{ "20241126T050500Z", "2024-11-26T05:05:00Z" },
	{ "20241126", "2024-11-26T00:00:00Z" },
	{ "  2024-11-26T05:05:00Z\n", "2024-11-26T05:05:00Z" },
	{ "2024-11-26T24:00:00Z", "2024-11-27T00:00:00Z" },
	{ "2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z" },
	{ "2000-02-29T00:00:00Z", "2000-02-29T00:00:00Z" },
	{ "1999-12-31T23:59:59-12:00", "2000-01-01T11:59:59Z" },
	{ "9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z" },
	{ "2006-01-17T12:35:9+01:00", "2006-01-17T11:35:09Z" },                   /* one-digit seconds */
	{ "2020/1/10 14:33:00", "2020-01-10T14:33:00Z" },                         /* slashes, no zone: UTC */
	{ "2020/01/10", "2020-01-10T00:00:00Z" },
	{ "2020/12/31 23:59 +0100", "2020-12-31T22:59:00Z" },
	{ "2024-11-26T05:05:00+99:00", "2024-11-26T05:05:00Z" },                  /* nonsense zone dropped */
	{ "2024-11-26T05:05:00+3000", "2024-11-26T05:05:00Z" },
	/* nonsense */
	{ "", NULL },
	{ "   ", NULL },
	{ "yesterday", NULL },
	{ "now", NULL },
	{ "0", NULL },
	{ "12", NULL },
	{ "Tue, 32 Nov 2024 05:05:00 GMT", NULL },
	{ "Tue, 31 Nov 2024 05:05:00 GMT", NULL },
	{ "Tue, 26 Foo 2024 05:05:00 GMT", NULL },
	{ "Tue, 26 Nov 2024 25:05:00 GMT", NULL },
	{ "Tue, 26 Nov 2024 05:65:00 GMT", NULL },
	{ "Tue, 26 Nov 2024 05:05:61 GMT", NULL },
	{ "Tue, 26 Nov 2024 05:05:00 GMT trailing junk", NULL },
	{ "Tue, 26 Nov 2024 05:5 GMT", NULL },
	{ "Tue, Nov 2024", NULL },
	{ "Thu, 29 Feb 2023 12:00:00 GMT", NULL },
	{ "Tue, 26 Nov 1 05:05:00 GMT", NULL },
	{ "2024-13-01", NULL },
	{ "2024-00-10", NULL },
	{ "2024-02-30", NULL },
	{ "2023-02-29T00:00:00Z", NULL },
	{ "1900-02-29", NULL },
	{ "0000-00-00T00:00:00Z", NULL },
	{ "0000-00-00 00:00:00", NULL },
	{ "2024-11-26T", NULL },
	{ "2024-11-26T05", NULL },
	{ "2024-11-26T05:05:00+", NULL },
	{ "2024-11-26T24:01:00Z", NULL },
	{ "2024-1-26", NULL },
	{ "2020/1", NULL },
	{ "2020/13/10", NULL },
	{ "2020/1/10/5", NULL },
	{ "2020/1/10 14:3", NULL },
	{ "Mon, 21 Jan 2008 13:30 pm GMT", NULL },                                /* no 13 pm */
	{ "Mon, 21 Jan 2008 0:30 am GMT", NULL },
	{ "Mon, 21 Jan 2008 8:56 amx GMT", NULL },
	{ "Tue, 26 Nov 2024 05:05:00 +30000", NULL },
	{ "Seg, 24 Sek 2018 19:42:40 -0300", NULL },
	{ "24-11-26", NULL },
	{ "2024-11-26T05:05:00Zjunk", NULL },
	{ "2024-11-26T05:05:00.Z", NULL },
	{ "99999-11-26", NULL },
	{ "Nov", NULL },
	{ "Tue", NULL },
	{ "Tue, 26 Nov 2024 05:05:00 GMT (unclosed", NULL },
	{ "2024-11-26T05:05:00Z\x01", NULL },
	{ "\xff\xfe", NULL },
};

/* One row: the parse equals the expected instant (or FW_TIME_NONE). */
static void test_row(gconstpointer data)
{
	const struct date_row *r = data;
	gint64 got = fw_feed_parse_date(r->in);

	if (!r->utc) {
		if (got != FW_TIME_NONE)
			g_test_message("\"%s\" parsed as %" G_GINT64_FORMAT, r->in, got);
		g_assert_true(got == FW_TIME_NONE);
		return;
	}
	g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601(r->utc, NULL);
	g_assert_nonnull(dt);
	g_assert_cmpint(got, ==, g_date_time_to_unix(dt));
}

/* NULL and very long strings are FW_TIME_NONE, quickly. */
static void test_edges(void)
{
	g_assert_true(fw_feed_parse_date(NULL) == FW_TIME_NONE);
	char *long_s = g_strnfill(100000, '1');
	g_assert_true(fw_feed_parse_date(long_s) == FW_TIME_NONE);
	g_free(long_s);
	char *spaces = g_strnfill(100000, ' ');
	g_assert_true(fw_feed_parse_date(spaces) == FW_TIME_NONE);
	g_free(spaces);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	for (gsize i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_autofree char *name = g_strdup_printf("/date/%" G_GSIZE_FORMAT, i);
		g_test_add_data_func(name, &rows[i], test_row);
	}
	g_test_add_func("/date/edges", test_edges);
	return g_test_run();
}
