/* pdfcount: counts a document's pages with escale-pdfpages, a process of its own. */
#ifndef ESCALE_PDFCOUNT_H
#define ESCALE_PDFCOUNT_H

#include <stddef.h>
#include <stdint.h>

/* Pages of the document in FD (a regular file or memfd) counted by HELPER
 * within TIMEOUT_MS: > 0 pages; -1 damaged (not a PDF, or the helper
 * crashed, was killed, or overran), with ERR saying why; -2 when the helper
 * could not be run at all (try again later). */
int64_t pdfcount_pages(const char *helper, int fd, int64_t timeout_ms, char *err, size_t errlen);

/* The helper beside this executable (a build tree) if there is one, else
 * the installed one; a new string. */
char *pdfcount_default_helper(void);

#endif
