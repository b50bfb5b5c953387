/* bk_parse: the backend stderr lines the wrapper follows: PAGE: and STATE:. */
#include "bk_parse.h"

#include <string.h>

#define PAGES_MAX 10000000L

/* A decimal number of at most 8 digits at *P; advances P. */
static bool number(const char **p, const char *end, long *out)
{
	long v = 0;
	int digits = 0;
	while (*p < end && **p >= '0' && **p <= '9') {
		if (++digits > 8)
			return false;
		v = v * 10 + (**p - '0');
		(*p)++;
	}
	*out = v;
	return digits > 0;
}

static void spaces(const char **p, const char *end)
{
	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
}

static bool prefix(const char **p, const char *end, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(end - *p) < n || memcmp(*p, word, n) != 0)
		return false;
	*p += n;
	return true;
}

static void page_line(struct bk_state *s, const char *p, const char *end)
{
	long a, b;
	spaces(&p, end);
	if (prefix(&p, end, "total")) {
		spaces(&p, end);
		/* A running total: the backend's own count for this run. */
		if (number(&p, end, &a) && a <= PAGES_MAX)
			s->pages = a;
		return;
	}
	/* "PAGE: page copies": one more page, printed COPIES times. */
	if (number(&p, end, &a)) {
		spaces(&p, end);
		if (!number(&p, end, &b))
			b = 1;
		if (b <= PAGES_MAX && s->pages + b <= PAGES_MAX)
			s->pages += b;
	}
}

static bool reason_is(const char *r, size_t n, const char *word)
{
	size_t w = strlen(word);
	return n >= w && memcmp(r, word, w) == 0;
}

static void state_line(struct bk_state *s, const char *p, const char *end)
{
	/* "STATE: +a,b" adds, "-a" removes, "a,b" replaces. */
	spaces(&p, end);
	char op = 0;
	if (p < end && (*p == '+' || *p == '-'))
		op = *p++;
	if (!op)
		s->jammed = s->attention = false;
	while (p < end) {
		const char *r = p;
		while (p < end && *p != ',' && *p != ' ')
			p++;
		size_t n = (size_t)(p - r);
		bool jam = reason_is(r, n, "media-jam");
		bool att = jam || reason_is(r, n, "media-empty") || reason_is(r, n, "door-open") ||
			   reason_is(r, n, "cover-open") || reason_is(r, n, "media-needed");
		if (op == '-') {
			if (jam)
				s->jammed = false;
			if (att)
				s->attention = s->jammed;
		} else {
			s->jammed |= jam;
			s->attention |= att;
		}
		while (p < end && (*p == ',' || *p == ' '))
			p++;
	}
}

void bk_line(struct bk_state *s, const char *line, size_t len)
{
	const char *p = line, *end = line + len;
	if (prefix(&p, end, "PAGE:"))
		page_line(s, p, end);
	else if (prefix(&p, end, "STATE:"))
		state_line(s, p, end);
}
