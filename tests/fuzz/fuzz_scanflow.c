/* fuzz_scanflow: the kiosk's reader of escale-kiosk-scan's lines, in every state of the
 * flow, printing the saved document included: each newline-separated line of the input is
 * fed to sf_line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanflow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct scanflow *f)
{
	if (f->pages < 0 || f->pages > SF_MAX_PAGES || f->progress < 0 || f->progress > 100 ||
	    (unsigned)f->state > SF_PRINTING || (f->state == SF_ERROR) != (f->error != SF_ERR_NONE))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int start = 0; start < 3; start++) {
		struct scanflow f;
		sf_init(&f);
		f.can_print = true;
		sf_open(&f);
		if (start >= 1)
			sf_scan(&f);
		const char *p = (const char *)data, *end = p + size;
		while (p <= end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
			enum sf_event ev = sf_line(&f, p, n);
			check(&f);
			/* Keep the flow going: after a page, finish (start 2) or scan again. */
			if (ev == SF_EV_PAGE &&
			    !(start == 2 ? sf_finish(&f) : sf_add_page(&f) && sf_scan(&f)))
				sf_close(&f), sf_open(&f), sf_scan(&f);
			/* A saved document is printed (once). */
			if (ev == SF_EV_SAVED && !sf_print(&f))
				abort();
			if (ev == SF_EV_FAILED)
				sf_retry(&f), sf_print(&f) || sf_scan(&f);
			check(&f);
			if (!nl)
				break;
			p = nl + 1;
		}
		sf_exited(&f, false);
		check(&f);
	}
	return 0;
}
