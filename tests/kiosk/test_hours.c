/* test_hours: range parsing, open/closed and the next change, exceptions, DST (Paris). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../unit/test.h"
#include "hours.h"
#include "util.h"

/* Local "YYYY-MM-DDTHH:MM[:SS]" in Europe/Paris. */
static int64_t at(const char *s)
{
	int64_t t = 0;
	if (!datetime_parse_local(s, &t)) {
		fprintf(stderr, "bad test time %s\n", s);
		exit(2);
	}
	return t;
}

static int64_t utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {
		.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi};
	return (int64_t)timegm(&tm);
}

static struct hours_range range(const char *s)
{
	struct hours_range r = {-1, -1};
	if (!hours_parse_range(s, &r)) {
		fprintf(stderr, "bad test range %s\n", s);
		exit(2);
	}
	return r;
}

static void add(struct hours_day *d, const char *s)
{
	if (!hours_day_add(d, range(s))) {
		fprintf(stderr, "cannot add test range %s\n", s);
		exit(2);
	}
}

static void add_ex(struct hours *h, int y, int m, int d, const char *r1)
{
	struct hours_exception *e = &h->ex[h->n_ex++];
	e->year = y;
	e->month = m;
	e->day = d;
	if (r1)
		add(&e->hours, r1);
}

/* Mon-Fri 9:00-12:00 and 14:00-18:00, Sat 9:00-12:00, closed on Sunday. */
static void centre(struct hours *h)
{
	memset(h, 0, sizeof(*h));
	for (int wd = 1; wd <= 5; wd++) {
		add(&h->week[wd], "09:00-12:00");
		add(&h->week[wd], "14:00-18:00");
	}
	add(&h->week[6], "9:00-12:00");
}

static void check_next(const struct hours *h, const char *from, int64_t want, int line)
{
	int64_t got = hours_next_change(h, at(from));
	if (got != want) {
		char g[32] = "never", w[32] = "never";
		if (got != INT64_MAX)
			datetime_format_local(got, g, sizeof(g));
		if (want != INT64_MAX)
			datetime_format_local(want, w, sizeof(w));
		fprintf(stderr, "line %d: next change after %s: got %s (%lld), want %s (%lld)\n",
			line, from, g, (long long)got, w, (long long)want);
		test_failures++;
	}
}
#define NEXT(h, from, want) check_next(h, from, want, __LINE__)

static void test_parse(void)
{
	struct hours_range r;
	CHECK(hours_parse_range("09:00-12:00", &r) && r.start == 540 && r.end == 720);
	CHECK(hours_parse_range("9:00-12:30", &r) && r.start == 540 && r.end == 750);
	CHECK(hours_parse_range("9h00-12h30", &r) && r.start == 540 && r.end == 750);
	CHECK(hours_parse_range("00:00-24:00", &r) && r.start == 0 && r.end == 1440);
	CHECK(hours_parse_range("23:59-24:00", &r) && r.start == 1439 && r.end == 1440);
	CHECK(hours_parse_range("0:00-0:01", &r) && r.start == 0 && r.end == 1);

	const char *bad[] = {
		"25:00-26:00",
		"12:00-09:00",
		"9:00-",
		"",
		"09:00-09:00",
		"24:00-24:00",
		"24:01-24:02",
		"23:00-24:30",
		"9:60-10:00",
		"009:00-10:00",
		"09:000-10:00",
		"9:0-10:00",
		"09:00 - 12:00",
		"09:00-12:00x",
		"x09:00-12:00",
		"garbage",
		"09:00–12:00", /* en dash */
		"-1:00-2:00",
		"9:00-12:00-14:00",
		"9-12",
		"9h-12h",
		"09:00:00-12:00:00",
		"1:00-99999999999999999999:00",
		"9.00-12.00",
		"09:00-12:00\n",
		"-",
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		r.start = r.end = -7;
		bool ok = hours_parse_range(bad[i], &r);
		if (ok)
			fprintf(stderr, "accepted bad range \"%s\"\n", bad[i]);
		CHECK(!ok && r.start == -7 && r.end == -7);
	}
	char overlong[256];
	memset(overlong, '9', sizeof(overlong) - 1);
	overlong[sizeof(overlong) - 1] = '\0';
	CHECK(!hours_parse_range(overlong, &r));
}

static void test_day_add(void)
{
	struct hours_day d = {0};
	CHECK(hours_day_add(&d, range("14:00-18:00")));
	CHECK(hours_day_add(&d, range("09:00-12:00")));
	CHECK(d.n == 2 && d.r[0].start == 540 && d.r[1].start == 840); /* kept sorted */
	CHECK(!hours_day_add(&d, range("11:00-13:00")));               /* overlaps the morning */
	CHECK(!hours_day_add(&d, range("13:59-14:01")));
	CHECK(!hours_day_add(&d, range("10:00-11:00"))); /* inside */
	CHECK(!hours_day_add(&d, range("00:00-24:00"))); /* around both */
	CHECK(!hours_day_add(&d, range("09:00-12:00"))); /* the same */
	CHECK(d.n == 2);
	CHECK(hours_day_add(&d, range("12:00-14:00"))); /* touching both is fine */
	CHECK(hours_day_add(&d, range("08:00-09:00")));
	CHECK(d.n == 4 && d.r[0].start == 480 && d.r[1].start == 540 && d.r[2].start == 720 &&
	      d.r[3].start == 840);
	struct hours_range inverted = {600, 500};
	CHECK(!hours_day_add(&d, inverted));

	struct hours_day full = {0};
	for (int i = 0; i < HOURS_MAX_RANGES; i++) {
		struct hours_range one = {i * 60, i * 60 + 30};
		CHECK(hours_day_add(&full, one));
	}
	struct hours_range more = {23 * 60, 24 * 60};
	CHECK(!hours_day_add(&full, more)); /* full */
	CHECK(full.n == HOURS_MAX_RANGES);
}

static void test_week(void)
{
	struct hours h;
	centre(&h);
	/* 2026-03-23 is a Monday; struct tm counts from Sunday = 0. */
	CHECK(hours_for_day(&h, at("2026-03-23T10:00")) == &h.week[1]);
	CHECK(hours_for_day(&h, at("2026-03-28T10:00")) == &h.week[6]);
	CHECK(hours_for_day(&h, at("2026-03-22T10:00")) == &h.week[0]);
	CHECK(hours_for_day(&h, at("2026-03-23T00:00")) == &h.week[1]);
	CHECK(hours_for_day(&h, at("2026-03-22T23:59:59")) == &h.week[0]);

	CHECK(!hours_is_open(&h, at("2026-03-23T08:59:59")));
	CHECK(hours_is_open(&h, at("2026-03-23T09:00")));
	CHECK(hours_is_open(&h, at("2026-03-23T11:59:59")));
	CHECK(!hours_is_open(&h, at("2026-03-23T12:00")));
	CHECK(hours_is_open(&h, at("2026-03-23T17:59:59")));
	CHECK(!hours_is_open(&h, at("2026-03-23T18:00")));
	CHECK(!hours_is_open(&h, at("2026-03-22T10:00"))); /* Sunday */
	CHECK(hours_is_open(&h, at("2026-03-28T10:00")));  /* Saturday morning */
	CHECK(!hours_is_open(&h, at("2026-03-28T15:00")));

	NEXT(&h, "2026-03-23T08:00", at("2026-03-23T09:00"));
	NEXT(&h, "2026-03-23T08:59:59", at("2026-03-23T09:00"));
	NEXT(&h, "2026-03-23T09:00", at("2026-03-23T12:00")); /* strictly after */
	NEXT(&h, "2026-03-23T11:59:59", at("2026-03-23T12:00"));
	NEXT(&h, "2026-03-23T12:00", at("2026-03-23T14:00"));
	NEXT(&h, "2026-03-23T18:00", at("2026-03-24T09:00"));
	NEXT(&h, "2026-03-20T18:30", at("2026-03-21T09:00")); /* Friday evening */
	NEXT(&h, "2026-03-21T12:00", at("2026-03-23T09:00")); /* over the weekend */
	NEXT(&h, "2026-03-22T23:59:59", at("2026-03-23T09:00"));

	char buf[64];
	hours_format_day(&h.week[1], buf, sizeof(buf));
	CHECK(strcmp(buf, "9h00 – 12h00, 14h00 – 18h00") == 0);
	hours_format_day(&h.week[0], buf, sizeof(buf));
	CHECK(strcmp(buf, "") == 0);
	struct hours_day odd = {0};
	add(&odd, "0:05-8:30");
	add(&odd, "20:00-24:00");
	hours_format_day(&odd, buf, sizeof(buf));
	CHECK(strcmp(buf, "0h05 – 8h30, 20h00 – 24h00") == 0);
	/* A short buffer gets whole ranges only. */
	hours_format_day(&h.week[1], buf, 20);
	CHECK(strcmp(buf, "9h00 – 12h00") == 0);
	hours_format_day(&h.week[1], buf, 14);
	CHECK(strcmp(buf, "") == 0);
	buf[0] = 'x';
	hours_format_day(&h.week[1], buf, 0);
	CHECK(buf[0] == 'x');
}

static void test_midnight(void)
{
	struct hours h;
	memset(&h, 0, sizeof(h));
	/* Friday evening runs into Saturday night: no change at midnight. */
	add(&h.week[5], "20:00-24:00");
	add(&h.week[6], "00:00-02:00");
	CHECK(hours_is_open(&h, at("2026-03-27T23:59:59")));
	CHECK(hours_is_open(&h, at("2026-03-28T00:00")));
	NEXT(&h, "2026-03-27T21:00", at("2026-03-28T02:00"));
	NEXT(&h, "2026-03-27T19:00", at("2026-03-27T20:00"));
	/* Touching ranges on one day: no change where they meet. */
	add(&h.week[2], "09:00-12:00");
	add(&h.week[2], "12:00-14:00");
	NEXT(&h, "2026-03-24T10:00", at("2026-03-24T14:00"));
	/* Ending at 24:00 before a closed day closes at midnight. */
	add(&h.week[3], "22:00-24:00");
	NEXT(&h, "2026-03-25T23:00", at("2026-03-26T00:00"));

	/* Open all day every day never changes. */
	memset(&h, 0, sizeof(h));
	for (int wd = 0; wd < 7; wd++)
		add(&h.week[wd], "00:00-24:00");
	CHECK(hours_is_open(&h, at("2026-03-29T02:30")));
	NEXT(&h, "2026-03-23T10:00", INT64_MAX);
	NEXT(&h, "2026-03-28T23:30", INT64_MAX); /* over the DST night too */
	/* ...unless a day is closed. */
	add_ex(&h, 2026, 4, 1, NULL);
	NEXT(&h, "2026-03-23T10:00", at("2026-04-01T00:00"));
	NEXT(&h, "2026-04-01T10:00", at("2026-04-02T00:00"));
}

static void test_exceptions(void)
{
	struct hours h;
	centre(&h);
	add_ex(&h, 2026, 12, 25, NULL);          /* Friday, closed */
	add_ex(&h, 2026, 12, 27, "10:00-16:00"); /* Sunday, special */
	add_ex(&h, 2026, 12, 28, "14:00-17:00"); /* Monday afternoon only */
	CHECK(hours_for_day(&h, at("2026-12-25T10:00")) == &h.ex[0].hours);
	CHECK(hours_for_day(&h, at("2026-12-24T10:00")) == &h.week[4]);
	CHECK(!hours_is_open(&h, at("2026-12-25T10:00")));
	CHECK(hours_is_open(&h, at("2026-12-24T10:00")));
	CHECK(hours_is_open(&h, at("2026-12-27T10:00")));
	CHECK(!hours_is_open(&h, at("2026-12-27T09:59:59")));
	CHECK(!hours_is_open(&h, at("2026-12-28T10:00")));
	CHECK(hours_is_open(&h, at("2026-12-28T14:30")));
	NEXT(&h, "2026-12-24T18:00", at("2026-12-26T09:00")); /* over the closed Friday */
	NEXT(&h, "2026-12-26T12:00", at("2026-12-27T10:00"));
	NEXT(&h, "2026-12-27T10:00", at("2026-12-27T16:00"));
	NEXT(&h, "2026-12-27T16:00", at("2026-12-28T14:00"));
	NEXT(&h, "2026-12-28T14:00", at("2026-12-28T17:00"));
	char buf[64];
	hours_format_day(hours_for_day(&h, at("2026-12-27T08:00")), buf, sizeof(buf));
	CHECK(strcmp(buf, "10h00 – 16h00") == 0);

	/* Closed for weeks, e.g. the summer. */
	centre(&h);
	for (int d = 1; d <= 31; d++)
		add_ex(&h, 2026, 8, d, NULL);
	NEXT(&h, "2026-07-31T18:00", at("2026-09-01T09:00"));
}

static void test_never(void)
{
	struct hours h;
	memset(&h, 0, sizeof(h));
	CHECK(!hours_is_open(&h, at("2026-03-23T10:00")));
	NEXT(&h, "2026-03-23T10:00", INT64_MAX);
	/* A special opening 300 days ahead is found; one beyond 400 days is not. */
	add_ex(&h, 2027, 1, 17, "10:00-12:00");
	NEXT(&h, "2026-03-23T10:00", at("2027-01-17T10:00"));
	memset(&h, 0, sizeof(h));
	add_ex(&h, 2028, 1, 17, "10:00-12:00");
	NEXT(&h, "2026-03-23T10:00", INT64_MAX);
	/* Times localtime cannot represent: closed, no change, no crash. */
	centre(&h);
	CHECK(!hours_is_open(&h, INT64_MAX) && hours_next_change(&h, INT64_MAX) == INT64_MAX);
	CHECK(hours_next_change(&h, INT64_MIN) == INT64_MAX);
	CHECK(hours_next_change(&h, 0) == utc(1970, 1, 1, 8, 0)); /* Thursday 9:00 CET */
}

static void test_always(void)
{
	struct hours h;
	memset(&h, 0, sizeof(h));
	h.always_open = true;
	CHECK(hours_is_open(&h, at("2026-03-22T03:00")));
	CHECK(hours_is_open(&h, at("2026-12-25T12:00")));
	NEXT(&h, "2026-03-23T10:00", INT64_MAX);
	const struct hours_day *d = hours_for_day(&h, at("2026-03-23T10:00"));
	CHECK(d->n == 1 && d->r[0].start == 0 && d->r[0].end == 1440);
}

static void test_dst(void)
{
	struct hours h;
	centre(&h);
	/* Spring: on Sunday 2026-03-29 at 02:00 CET the clock jumps to 03:00 CEST. */
	NEXT(&h, "2026-03-28T12:00", at("2026-03-30T09:00"));
	CHECK(at("2026-03-30T09:00") == utc(2026, 3, 30, 7, 0));
	CHECK(at("2026-03-28T12:00") == utc(2026, 3, 28, 11, 0));
	add_ex(&h, 2026, 3, 29, "01:00-04:00");
	CHECK(hours_is_open(&h, at("2026-03-29T01:30")));
	CHECK(hours_is_open(&h, utc(2026, 3, 29, 1, 0)));     /* 03:00 CEST */
	NEXT(&h, "2026-03-29T01:30", utc(2026, 3, 29, 2, 0)); /* 04:00 CEST */
	NEXT(&h, "2026-03-28T23:00", utc(2026, 3, 29, 0, 0)); /* 01:00 CET */
	/* A range starting in the skipped hour opens when the clock jumps. */
	h.ex[0].hours.n = 0;
	add(&h.ex[0].hours, "02:30-05:00");
	CHECK(!hours_is_open(&h, utc(2026, 3, 29, 0, 59)));
	CHECK(hours_is_open(&h, utc(2026, 3, 29, 1, 0)));
	NEXT(&h, "2026-03-29T00:30", utc(2026, 3, 29, 1, 0));
	NEXT(&h, "2026-03-29T03:10", utc(2026, 3, 29, 3, 0)); /* 05:00 CEST */
	/* ...and one ending in it closes then too. */
	h.ex[0].hours.n = 0;
	add(&h.ex[0].hours, "00:30-02:30");
	NEXT(&h, "2026-03-29T01:00", utc(2026, 3, 29, 1, 0));
	NEXT(&h, "2026-03-29T03:00", at("2026-03-30T09:00"));

	/* Autumn: on Sunday 2026-10-25 at 03:00 CEST the clock goes back to 02:00 CET. */
	centre(&h);
	NEXT(&h, "2026-10-24T12:00", at("2026-10-26T09:00"));
	CHECK(at("2026-10-26T09:00") == utc(2026, 10, 26, 8, 0));
	add_ex(&h, 2026, 10, 25, "09:00-12:00");
	NEXT(&h, "2026-10-24T20:00", utc(2026, 10, 25, 8, 0)); /* 09:00 CET, 25 h later */
	/* 01:00-02:30 happens partly twice: 02:00-02:30 CEST, then 02:00-02:30 CET. */
	h.ex[0].hours.n = 0;
	add(&h.ex[0].hours, "01:00-02:30");
	NEXT(&h, "2026-10-24T23:00", utc(2026, 10, 24, 23, 0)); /* 01:00 CEST */
	CHECK(hours_is_open(&h, utc(2026, 10, 24, 23, 30)));
	NEXT(&h, "2026-10-25T01:30", utc(2026, 10, 25, 0, 30)); /* 02:30 CEST */
	CHECK(!hours_is_open(&h, utc(2026, 10, 25, 0, 45)));    /* 02:45 CEST */
	int64_t t = utc(2026, 10, 25, 0, 45);
	CHECK(hours_next_change(&h, t) == utc(2026, 10, 25, 1, 0)); /* 02:00 CET */
	CHECK(hours_next_change(&h, utc(2026, 10, 25, 1, 0)) == utc(2026, 10, 25, 1, 30));
	CHECK(hours_next_change(&h, utc(2026, 10, 25, 1, 30)) == at("2026-10-26T09:00"));
	/* Open across the repeated hour: one close, one hour later in real time. */
	h.ex[0].hours.n = 0;
	add(&h.ex[0].hours, "01:30-03:30");
	CHECK(hours_next_change(&h, utc(2026, 10, 24, 23, 30)) == utc(2026, 10, 25, 2, 30));
}

/* Against a minute-by-minute sweep: in TZ, over the 4 days from local date FROM, with ranges
 * around the hours that DST skips or repeats. Every change in these zones falls on a minute. */
static void test_sweep(const char *tz, const char *from)
{
	setenv("TZ", tz, 1);
	tzset();
	struct hours h;
	memset(&h, 0, sizeof(h));
	for (int wd = 0; wd < 7; wd++) {
		add(&h.week[wd], "00:00-00:30");
		add(&h.week[wd], "01:15-02:15");
		add(&h.week[wd], "02:45-03:10");
		add(&h.week[wd], "09:00-12:00");
		add(&h.week[wd], "23:00-24:00");
	}
	h.week[3].n = 0; /* a closed Wednesday */
	int64_t t0 = at(from), n = 4 * 1440 + 60;
	static bool state[4 * 1440 + 61];
	for (int64_t i = 0; i < n; i++)
		state[i] = hours_is_open(&h, t0 + i * 60);
	int bad = 0;
	for (int64_t i = 0; i < n - 1500 && bad < 3; i += 7) {
		int64_t want = INT64_MAX;
		for (int64_t j = i + 1; j < n; j++) {
			if (state[j] != state[i]) {
				want = t0 + j * 60;
				break;
			}
		}
		int64_t t = t0 + i * 60 + 13; /* not on a minute */
		int64_t got = hours_next_change(&h, t);
		if (got != want) {
			fprintf(stderr, "%s: next change after %lld: got %lld, want %lld\n", tz,
				(long long)t, (long long)got, (long long)want);
			bad++;
			test_failures++;
		}
	}
}

int main(void)
{
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	test_parse();
	test_day_add();
	test_week();
	test_midnight();
	test_exceptions();
	test_never();
	test_always();
	test_dst();
	test_sweep("Europe/Paris", "2026-03-27T00:00");
	test_sweep("Europe/Paris", "2026-10-23T00:00");
	test_sweep("America/New_York", "2026-03-06T00:00");
	test_sweep("America/New_York", "2026-10-30T00:00");
	test_sweep("Australia/Lord_Howe", "2026-04-03T00:00"); /* half-hour DST */
	test_sweep("Australia/Lord_Howe", "2026-10-02T00:00");
	/* Another zone: UTC has no DST and the same rules hold. */
	setenv("TZ", "UTC", 1);
	tzset();
	struct hours h;
	centre(&h);
	NEXT(&h, "2026-03-28T12:00", utc(2026, 3, 30, 9, 0));
	return TEST_DONE();
}
