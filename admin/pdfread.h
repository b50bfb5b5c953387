/* pdfread: how many pages a PDF has (libqpdf). Residents' PDFs are read in escale-pdfpages,
 * a process of its own, never in escale-admind's address space. */
#ifndef ESCALE_PDFREAD_H
#define ESCALE_PDFREAD_H

#include <stddef.h>
#include <stdint.h>

/* Pages of the PDF in DATA (libqpdf, no repair of damaged files); -1 when
 * the document is damaged, not a PDF, or empty. ERR gets a short reason. */
int64_t pdfread_pages(const void *data, size_t len, char *err, size_t errlen);

#endif
