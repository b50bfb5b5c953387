/* fuzz_pdfpages: page counting of a document from the print queue (libqpdf, untrusted). */
#include <stdint.h>

#include "pagecount.h"
#include "pdfread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	int64_t n = pdfread_pages(data, size, err, sizeof(err));
	if (n == 0 || n < -1)
		__builtin_trap(); /* a count is positive, or the document is refused */
	return 0;
}
