/* fuzz_bkline: the wrapper backend's reading of a real backend's stderr lines. */
#include <stdint.h>
#include <string.h>

#include "bk_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* One input is many lines, as the backend reads them. */
	struct bk_state st = {0};
	const char *p = (const char *)data, *end = p + size;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n <= BK_LINE_MAX)
			bk_line(&st, p, n);
		p += n + 1;
	}
	if (st.pages < 0 || st.pages > 10000000L)
		__builtin_trap();
	return 0;
}
