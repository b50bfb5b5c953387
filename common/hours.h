/* hours: opening hours per weekday with exception dates; pure functions of a time. */
#ifndef ESCALE_HOURS_H
#define ESCALE_HOURS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HOURS_MAX_RANGES     8
#define HOURS_MAX_EXCEPTIONS 128

/* Minutes since local midnight, [start, end). */
struct hours_range {
	int start, end;
};

struct hours_day {
	struct hours_range r[HOURS_MAX_RANGES];
	int n;
};

struct hours_exception {
	int year, month, day;   /* a local date */
	struct hours_day hours; /* n == 0: closed all day */
};

struct hours {
	bool always_open;         /* no "hours" section */
	struct hours_day week[7]; /* 0 = Sunday, as struct tm */
	struct hours_exception ex[HOURS_MAX_EXCEPTIONS];
	int n_ex;
};

/* "HH:MM-HH:MM" (also "9:00-12:30", "9h00-12h30"); strict, start < end, end may be 24:00. */
bool hours_parse_range(const char *s, struct hours_range *out);
/* Adds RANGE to DAY keeping ranges sorted; false if it overlaps one already there or is full. */
bool hours_day_add(struct hours_day *day, struct hours_range range);

/* Does H open at all: a time range on some weekday or special day? */
bool hours_has_range(const struct hours *h);
/* Is the centre open at local time T? */
bool hours_is_open(const struct hours *h, int64_t t);
/* The next time after T (strictly) at which the open/closed state changes, or INT64_MAX
 * when it never changes (always open, or never open in the next 400 days). */
int64_t hours_next_change(const struct hours *h, int64_t t);
/* The hours that apply on the local day of T (always open: one range 0h00 – 24h00). */
const struct hours_day *hours_for_day(const struct hours *h, int64_t t);
/* "9h00 – 12h00, 14h00 – 18h00" (French style, also fine in English) into BUF; "" if closed. */
void hours_format_day(const struct hours_day *d, char *buf, size_t n);

#endif
