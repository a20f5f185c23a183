/*
 * tests/shared/date_test.c - front matter dates: accepted forms, range
 * checks (leap years), zones, error columns, and formatting without locale.
 * Expected epochs were computed independently (Python's datetime).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "shared/date.h"

static bf_date_t parse_ok(const char *s)
{
    bf_date_t d;
    size_t col = 999;
    int rc = bf_date_parse(s, strlen(s), &d, &col);
    cr_assert_eq(rc, 0, "\"%s\" rejected at column %zu", s, col);
    return d;
}

static size_t parse_bad(const char *s)
{
    bf_date_t d = {0};
    size_t col = 999;
    cr_assert_eq(bf_date_parse(s, strlen(s), &d, &col), -1, "\"%s\" accepted", s);
    return col;
}

Test(date, date_only)
{
    bf_date_t d = parse_ok("2024-02-29");
    cr_assert_eq(d.epoch, 1709164800);
    cr_assert_eq(d.tz_min, 0);
    cr_assert_eq(d.has_time, 0);
    cr_assert_eq(parse_ok("1970-01-01").epoch, 0);
    cr_assert_eq(parse_ok("2000-03-01").epoch, 951868800);
    cr_assert_eq(parse_ok("1900-03-01").epoch, -2203891200LL);
    cr_assert_eq(parse_ok("0001-01-01").epoch, -62135596800LL);
}

Test(date, date_time_forms)
{
    bf_date_t d = parse_ok("2024-01-05T10:00:00+02:00");
    cr_assert_eq(d.epoch, 1704441600);
    cr_assert_eq(d.tz_min, 120);
    cr_assert_eq(d.has_time, 1);
    cr_assert_eq(parse_ok("2024-01-05 08:00:00Z").epoch, 1704441600);
    cr_assert_eq(parse_ok("2024-01-05T08:00").epoch, 1704441600);
    cr_assert_eq(parse_ok("2024-01-05t08:00z").epoch, 1704441600);
    cr_assert_eq(parse_ok("2024-01-05T08:00:00.123456789Z").epoch, 1704441600);
    cr_assert_eq(parse_ok("2024-01-05T08:00:00.5").epoch, 1704441600);
    cr_assert_eq(parse_ok("1969-12-31T23:59:59").epoch, -1);
    cr_assert_eq(parse_ok("9999-12-31T23:59:59Z").epoch, 253402300799LL);

    d = parse_ok("2024-06-30T18:45:10-05:30");
    cr_assert_eq(d.epoch, 1719792910);
    cr_assert_eq(d.tz_min, -330);
    d = parse_ok("2024-06-30T00:00+00:00");
    cr_assert_eq(d.tz_min, 0);
    cr_assert_eq(d.has_time, 1);
}

Test(date, leap_years)
{
    parse_ok("2024-02-29");
    parse_ok("2000-02-29");
    parse_ok("1600-02-29");
    cr_assert_eq(parse_bad("2023-02-29"), 8);
    cr_assert_eq(parse_bad("1900-02-29"), 8);
    cr_assert_eq(parse_bad("2100-02-29"), 8);
    cr_assert_eq(parse_bad("2024-02-30"), 8);
    parse_ok("2023-02-28");
}

Test(date, month_lengths)
{
    parse_ok("2024-01-31");
    parse_ok("2024-04-30");
    cr_assert_eq(parse_bad("2024-04-31"), 8);
    cr_assert_eq(parse_bad("2024-06-31"), 8);
    cr_assert_eq(parse_bad("2024-09-31"), 8);
    cr_assert_eq(parse_bad("2024-11-31"), 8);
    parse_ok("2024-12-31");
    cr_assert_eq(parse_bad("2024-12-32"), 8);
    cr_assert_eq(parse_bad("2024-01-00"), 8);
}

Test(date, error_columns)
{
    cr_assert_eq(parse_bad(""), 0);
    cr_assert_eq(parse_bad("24-01-01"), 2);
    cr_assert_eq(parse_bad("2024/01/01"), 4);
    cr_assert_eq(parse_bad("2024-13-01"), 5);
    cr_assert_eq(parse_bad("2024-00-01"), 5);
    cr_assert_eq(parse_bad("2024-1-01"), 6);
    cr_assert_eq(parse_bad("2024-01"), 7);
    cr_assert_eq(parse_bad("2024-01-0"), 9);
    cr_assert_eq(parse_bad("2024-01-01x"), 10);
    cr_assert_eq(parse_bad("2024-01-01T"), 11);
    cr_assert_eq(parse_bad("2024-01-01T24:00"), 11);
    cr_assert_eq(parse_bad("2024-01-01T10:60"), 14);
    cr_assert_eq(parse_bad("2024-01-01T10"), 13);
    cr_assert_eq(parse_bad("2024-01-01T10:00:60"), 17);
    cr_assert_eq(parse_bad("2024-01-01T10:00:00."), 20);
    cr_assert_eq(parse_bad("2024-01-01T10:00:00+0200"), 22);
    cr_assert_eq(parse_bad("2024-01-01T10:00:00+24:00"), 20);
    cr_assert_eq(parse_bad("2024-01-01T10:00:00+02:60"), 23);
    cr_assert_eq(parse_bad("2024-01-01T10:00:00Zjunk"), 20);
    cr_assert_eq(parse_bad("2024-01-01T10:00:00 "), 19);
    cr_assert_eq(parse_bad("2024-01-01 "), 11);
    cr_assert_eq(parse_bad(" 2024-01-01"), 0);
    cr_assert_eq(parse_bad("2024-01-01Z"), 10); /* a zone needs a time */
}

Test(date, length_bounds_input)
{
    bf_date_t d;
    /* Only n bytes are read: the rest of the buffer is not part of it. */
    cr_assert_eq(bf_date_parse("2024-01-05T10:00", 10, &d, NULL), 0);
    cr_assert_eq(d.has_time, 0);
    cr_assert_eq(bf_date_parse("2024-01-05", 9, &d, NULL), -1);
}

static const char *fmt(const bf_date_t *d, const char *f)
{
    static char buf[256];
    size_t n = bf_date_format(d, f, buf, sizeof buf);
    cr_assert_eq(n, strlen(buf));
    return buf;
}

Test(date, format_fields)
{
    bf_date_t d = parse_ok("2024-02-29T15:04:05+02:00");
    cr_assert_str_eq(fmt(&d, "%Y-%m-%d"), "2024-02-29");
    cr_assert_str_eq(fmt(&d, "%H:%M:%S"), "15:04:05");
    cr_assert_str_eq(fmt(&d, "%y %b %B %a %A"), "24 Feb February Thu Thursday");
    cr_assert_str_eq(fmt(&d, "%e|%j|%p|%I"), "29|060|PM|03");
    cr_assert_str_eq(fmt(&d, "%Z %z"), "+02:00 +0200");
    cr_assert_str_eq(fmt(&d, "100%% %F %T"), "100% 2024-02-29 15:04:05");
    cr_assert_str_eq(fmt(&d, "plain text"), "plain text");
    cr_assert_str_eq(fmt(&d, "%q %"), "%q %"); /* unknown, trailing: as written */
}

Test(date, format_in_authors_zone)
{
    /* 23:30 at -05:00 is the next day in UTC, but prints as written. */
    bf_date_t d = parse_ok("2023-12-31T23:30:00-05:00");
    cr_assert_str_eq(fmt(&d, "%Y-%m-%d %H:%M %Z %z"), "2023-12-31 23:30 -05:00 -0500");
    cr_assert_str_eq(fmt(&d, "%j %a"), "365 Sun");

    bf_date_t u = parse_ok("2024-07-04");
    cr_assert_str_eq(fmt(&u, "%A, %e %B %Y %Z %I %p"),
                     "Thursday,  4 July 2024 UTC 12 AM");
    cr_assert_str_eq(fmt(&u, "%j"), "186");
}

Test(date, format_before_1970)
{
    bf_date_t d = parse_ok("1969-12-31T23:59:59");
    cr_assert_str_eq(fmt(&d, "%Y-%m-%d %H:%M:%S %a"), "1969-12-31 23:59:59 Wed");
    bf_date_t e = parse_ok("0001-01-01");
    cr_assert_str_eq(fmt(&e, "%Y-%m-%d %a"), "0001-01-01 Mon");
}

Test(date, all_month_and_day_names)
{
    const char *months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec";
    for (int m = 1; m <= 12; m++) {
        char s[32];
        snprintf(s, sizeof s, "2021-%02d-01", m);
        bf_date_t d = parse_ok(s);
        cr_assert_eq(strncmp(fmt(&d, "%b"), months + (m - 1) * 4, 3), 0, "%d", m);
    }
    /* 2024-03-03 is a Sunday. */
    const char *days[] = {"Sunday", "Monday", "Tuesday", "Wednesday",
                          "Thursday", "Friday", "Saturday"};
    for (int i = 0; i < 7; i++) {
        char s[32];
        snprintf(s, sizeof s, "2024-03-%02d", 3 + i);
        bf_date_t d = parse_ok(s);
        cr_assert_str_eq(fmt(&d, "%A"), days[i]);
    }
}

Test(date, format_capacity)
{
    bf_date_t d = parse_ok("2024-01-05");
    char buf[11];
    cr_assert_eq(bf_date_format(&d, "%Y-%m-%d", buf, sizeof buf), 10);
    cr_assert_str_eq(buf, "2024-01-05");
    cr_assert_eq(bf_date_format(&d, "%Y-%m-%d", buf, 10), 0);
    cr_assert_str_eq(buf, "");
    cr_assert_eq(bf_date_format(&d, "%Y", buf, 0), 0);
}

Test(date, rfc3339)
{
    char buf[64];
    bf_date_t d = parse_ok("2024-01-05T10:00:00+02:00");
    cr_assert_eq(bf_date_rfc3339(&d, buf, sizeof buf), 25);
    cr_assert_str_eq(buf, "2024-01-05T10:00:00+02:00");
    d = parse_ok("2024-01-05");
    cr_assert_eq(bf_date_rfc3339(&d, buf, sizeof buf), 20);
    cr_assert_str_eq(buf, "2024-01-05T00:00:00Z");
    d = parse_ok("2024-06-30T18:45:10.25-05:30");
    bf_date_rfc3339(&d, buf, sizeof buf);
    cr_assert_str_eq(buf, "2024-06-30T18:45:10-05:30");
    /* The output parses back to the same instant and zone. */
    bf_date_t r = parse_ok(buf);
    cr_assert_eq(r.epoch, d.epoch);
    cr_assert_eq(r.tz_min, d.tz_min);
    cr_assert_eq(bf_date_rfc3339(&d, buf, 25), 0);
}
