/* csv: fields for spreadsheets with French settings (';', CRLF, no formulas). */
#ifndef ESCALE_CSV_H
#define ESCALE_CSV_H

#include <stddef.h>

struct buf {
	char *p;
	size_t len, cap;
};

void buf_add(struct buf *b, const char *s, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends S as one CSV field: quoted when it holds ';', '"', CR or LF, and
 * prefixed with an apostrophe when a spreadsheet would read a formula. */
void csv_field(struct buf *b, const char *s);

#endif
