/* hours: opening hours per weekday with exception dates; pure functions of a time. */
#include "hours.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DAY_MINUTES 1440
#define SCAN_DAYS   400
/* A day's candidate instants: midnight and each range bound, at both UTC offsets. */
#define DAY_CANDIDATES (2 * (1 + 2 * HOURS_MAX_RANGES))

/* "H:MM", "HH:MM", "HhMM" or "HHhMM"; 24:00 is the end of the day. */
static bool parse_clock(const char **p, int *out)
{
	const char *s = *p;
	int hour = 0, n = 0;
	while (n < 2 && s[n] >= '0' && s[n] <= '9') {
		hour = hour * 10 + (s[n] - '0');
		n++;
	}
	if (n == 0 || (s[n] != ':' && s[n] != 'h'))
		return false;
	s += n + 1;
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return false;
	int min = (s[0] - '0') * 10 + (s[1] - '0');
	if (min > 59 || hour > 24 || (hour == 24 && min != 0))
		return false;
	*out = hour * 60 + min;
	*p = s + 2;
	return true;
}

bool hours_parse_range(const char *s, struct hours_range *out)
{
	struct hours_range r;
	if (!parse_clock(&s, &r.start) || *s++ != '-' || !parse_clock(&s, &r.end) || *s != '\0')
		return false;
	if (r.start >= r.end)
		return false;
	*out = r;
	return true;
}

bool hours_day_add(struct hours_day *day, struct hours_range range)
{
	if (day->n >= HOURS_MAX_RANGES || range.start < 0 || range.end > DAY_MINUTES ||
	    range.start >= range.end)
		return false;
	int i = 0;
	while (i < day->n && day->r[i].start < range.start)
		i++;
	/* Touching ranges (9:00-12:00, 12:00-14:00) do not overlap. */
	if (i > 0 && day->r[i - 1].end > range.start)
		return false;
	if (i < day->n && day->r[i].start < range.end)
		return false;
	memmove(&day->r[i + 1], &day->r[i], (size_t)(day->n - i) * sizeof(day->r[0]));
	day->r[i] = range;
	day->n++;
	return true;
}

static const struct hours_day all_day = {.r = {{0, DAY_MINUTES}}, .n = 1};

/* The hours of a local date (TM's year, month, day and weekday). */
static const struct hours_day *day_of(const struct hours *h, const struct tm *tm)
{
	if (h->always_open)
		return &all_day;
	for (int i = 0; i < h->n_ex; i++) {
		const struct hours_exception *e = &h->ex[i];
		if (e->year == tm->tm_year + 1900 && e->month == tm->tm_mon + 1 &&
		    e->day == tm->tm_mday)
			return &e->hours;
	}
	return &h->week[tm->tm_wday];
}

const struct hours_day *hours_for_day(const struct hours *h, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm))
		return &h->week[0];
	return day_of(h, &tm);
}

bool hours_is_open(const struct hours *h, int64_t t)
{
	if (h->always_open)
		return true;
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm))
		return false;
	const struct hours_day *d = day_of(h, &tm);
	int m = tm.tm_hour * 60 + tm.tm_min;
	for (int i = 0; i < d->n; i++)
		if (d->r[i].start <= m && m < d->r[i].end)
			return true;
	return false;
}

static long utc_offset(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm))
		return 0;
	return tm.tm_gmtoff;
}

/* Noon of local date BASE + DAYS (noon exists on DST days); TM gets the normalised date. */
static int64_t local_noon(const struct tm *base, int days, struct tm *tm)
{
	memset(tm, 0, sizeof(*tm));
	tm->tm_year = base->tm_year;
	tm->tm_mon = base->tm_mon;
	tm->tm_mday = base->tm_mday + days;
	tm->tm_hour = 12;
	tm->tm_isdst = -1;
	return (int64_t)mktime(tm);
}

/* Every instant of local date DATE whose wall clock reads midnight or a range bound. A wall time
 * that happens twice (the hour repeated in autumn) gives both instants; one that does not happen
 * (the hour skipped in spring) gives none: the offset change itself is a candidate. */
static int day_candidates(const struct hours *h, const struct tm *date, int64_t noon, int64_t *out)
{
	const struct hours_day *d = day_of(h, date);
	int walls[1 + 2 * HOURS_MAX_RANGES], n_walls = 0, n = 0;
	walls[n_walls++] = 0;
	for (int i = 0; i < d->n && i < HOURS_MAX_RANGES; i++) {
		walls[n_walls++] = d->r[i].start;
		if (d->r[i].end < DAY_MINUTES) /* 24:00 is the next day's midnight */
			walls[n_walls++] = d->r[i].end;
	}
	/* Most days keep one UTC offset from midnight to midnight: no mktime needed. */
	long off = utc_offset(noon);
	if (date->tm_hour == 12 && date->tm_min == 0 && date->tm_sec == 0 &&
	    utc_offset(noon - 13 * 3600) == off && utc_offset(noon + 13 * 3600) == off) {
		for (int i = 0; i < n_walls; i++)
			out[n++] = noon - 12 * 3600 + walls[i] * 60;
		return n;
	}
	for (int i = 0; i < n_walls; i++) {
		for (int isdst = 0; isdst <= 1; isdst++) {
			struct tm tm = {0};
			tm.tm_year = date->tm_year;
			tm.tm_mon = date->tm_mon;
			tm.tm_mday = date->tm_mday;
			tm.tm_hour = walls[i] / 60;
			tm.tm_min = walls[i] % 60;
			tm.tm_isdst = isdst;
			time_t t = mktime(&tm);
			struct tm back;
			if (t == (time_t)-1 || !localtime_r(&t, &back))
				continue;
			if (back.tm_year == date->tm_year && back.tm_mon == date->tm_mon &&
			    back.tm_mday == date->tm_mday &&
			    back.tm_hour * 60 + back.tm_min == walls[i] && back.tm_sec == 0)
				out[n++] = (int64_t)t;
		}
	}
	return n;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* The state is a function of the wall clock, so it can only change at a candidate instant: a
 * range bound, a midnight (the day's hours change), or a UTC offset change (the wall clock
 * jumps). Candidates are taken noon to noon, so each is seen once and in order. */
int64_t hours_next_change(const struct hours *h, int64_t t)
{
	if (h->always_open)
		return INT64_MAX;
	time_t tt = (time_t)t;
	struct tm base;
	if (!localtime_r(&tt, &base))
		return INT64_MAX;
	bool open = hours_is_open(h, t);
	struct tm date, next_date;
	int64_t noon = local_noon(&base, -1, &date);
	int64_t day[DAY_CANDIDATES], next_day[DAY_CANDIDATES];
	int n_day = day_candidates(h, &date, noon, day);
	for (int k = 0; k <= SCAN_DAYS; k++) {
		int64_t next_noon = local_noon(&base, k, &next_date);
		int n_next = day_candidates(h, &next_date, next_noon, next_day);
		int64_t c[2 * DAY_CANDIDATES + 1];
		int n = 0;
		for (int i = 0; i < n_day; i++)
			if (day[i] >= noon && day[i] < next_noon)
				c[n++] = day[i];
		for (int i = 0; i < n_next; i++)
			if (next_day[i] >= noon && next_day[i] < next_noon)
				c[n++] = next_day[i];
		long off = utc_offset(noon);
		if (off != utc_offset(next_noon)) {
			int64_t lo = noon, hi = next_noon;
			while (hi - lo > 1) {
				int64_t mid = lo + (hi - lo) / 2;
				if (utc_offset(mid) == off)
					lo = mid;
				else
					hi = mid;
			}
			c[n++] = hi;
		}
		qsort(c, (size_t)n, sizeof(c[0]), cmp_i64);
		for (int i = 0; i < n; i++)
			if (c[i] > t && hours_is_open(h, c[i]) != open)
				return c[i];
		noon = next_noon;
		memcpy(day, next_day, sizeof(day[0]) * (size_t)n_next);
		n_day = n_next;
	}
	return INT64_MAX;
}

void hours_format_day(const struct hours_day *d, char *buf, size_t n)
{
	if (n == 0)
		return;
	buf[0] = '\0';
	size_t used = 0;
	for (int i = 0; i < d->n; i++) {
		char part[48];
		int w = snprintf(part, sizeof(part), "%s%dh%02d – %dh%02d", i ? ", " : "",
				 d->r[i].start / 60, d->r[i].start % 60, d->r[i].end / 60,
				 d->r[i].end % 60);
		/* Whole ranges only: never half a range or half an en dash. */
		if (w < 0 || (size_t)w >= n - used)
			break;
		memcpy(buf + used, part, (size_t)w + 1);
		used += (size_t)w;
	}
}

bool hours_has_range(const struct hours *h)
{
	for (int wd = 0; wd < 7; wd++)
		if (h->week[wd].n > 0)
			return true;
	for (int i = 0; i < h->n_ex && i < HOURS_MAX_EXCEPTIONS; i++)
		if (h->ex[i].hours.n > 0)
			return true;
	return false;
}
