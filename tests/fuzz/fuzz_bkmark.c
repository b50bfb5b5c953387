/* fuzz_bkmark: the wrapper backend's reading of cupsd's options string and of
 * the release mark in it (input a kiosk's job can shape). */
#include <stdint.h>
#include <string.h>

#include "bk_mark.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t key[BK_MARK_KEY_LEN] = {1, 2, 3};
	const struct bk_job job = {.printer = "escale", .job_id = 42, .created = 1796393823};
	char value[BK_MARK_MAX + 1];
	long pages, docs;
	const char *p = (const char *)data;
	int r = bk_option(p, size, BK_MARK_ATTR, value, sizeof(value));
	if (r < -1 || r > 1 || (r == 1 && strlen(value) > BK_MARK_MAX))
		__builtin_trap();
	if (r == 1 && bk_mark_check(key, &job, value, strlen(value), &pages, &docs) &&
	    (pages <= 0 || pages > BK_MARK_PAGES_MAX || docs <= 0 || docs > BK_MARK_DOCS_MAX))
		__builtin_trap();
	r = bk_option(p, size, "time-at-creation", value, 16);
	if (r < -1 || r > 1 || (r == 1 && strlen(value) >= 16))
		__builtin_trap();
	/* The whole input as a mark. */
	if (bk_mark_check(key, &job, p, size, &pages, &docs) &&
	    (pages <= 0 || pages > BK_MARK_PAGES_MAX))
		__builtin_trap();
	/* A mark made here is accepted, and only for its own job. */
	char mark[BK_MARK_MAX + 1];
	if (!bk_mark_make(key, &job, 3, 1, mark, sizeof(mark)) ||
	    !bk_mark_check(key, &job, mark, strlen(mark), &pages, &docs) || pages != 3 || docs != 1)
		__builtin_trap();
	return 0;
}
