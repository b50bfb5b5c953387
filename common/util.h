/* util: allocation that never returns NULL, clocks, hex, dates. */
#ifndef ESCALE_UTIL_H
#define ESCALE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Wall clock in seconds (UTC epoch) and a monotonic clock in milliseconds. */
int64_t now_s(void);
int64_t mono_ms(void);

void hex_encode(const uint8_t *in, size_t n, char *out /* 2n+1 */);
/* Strict: exactly 2n lowercase or uppercase hex digits. */
bool hex_decode(const char *in, uint8_t *out, size_t n);

/* "YYYY-MM-DD" as local midnight; false on anything else. */
bool date_parse_local(const char *s, int64_t *out);
/* "YYYY-MM-DDTHH:MM[:SS]" in local time, or an integer epoch; strict. */
bool datetime_parse_local(const char *s, int64_t *out);
/* Local "YYYY-MM-DD HH:MM:SS" into buf (20 bytes at least). */
void datetime_format_local(int64_t t, char *buf, size_t n);
/* Local calendar day "YYYY-MM-DD" of t. */
void date_format_local(int64_t t, char *buf, size_t n);

/* Strict decimal parse of a whole string into [min,max]. */
bool parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);

/* True if s is valid UTF-8 without NUL or C0 control characters except tab. */
bool utf8_valid_text(const char *s, size_t n);

#endif
