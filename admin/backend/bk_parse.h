/* bk_parse: reading the status lines a CUPS backend writes on stderr (backend(7)). */
#ifndef ESCALE_BK_PARSE_H
#define ESCALE_BK_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#define BK_LINE_MAX 1024 /* longer lines are cut (cupsd reads 1024-byte lines too) */

/* What the wrapper follows of a backend's run. */
struct bk_state {
	long pages;     /* pages the backend reported as printed ("PAGE: total N", "PAGE: n c") */
	bool jammed;    /* a media-jam reason is set */
	bool attention; /* any reason asking for someone (jam, empty, door open) */
};

/* Applies one stderr line (without its newline, LEN bytes, may hold NULs).
 * Unknown or malformed lines change nothing. */
void bk_line(struct bk_state *s, const char *line, size_t len);

#endif
