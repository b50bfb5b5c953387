/* test_pagecount: the page formula of docs/printing.md, and libqpdf's count of real documents. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pagecount.h"
#include "pdfread.h"
#include "test.h"

static struct pagecount_result count(int64_t n, const struct pagecount_range *r, size_t nr,
				     int64_t copies, int64_t nup, bool duplex, bool *ok)
{
	struct pagecount_job j = {.doc_pages = n,
				  .ranges = r,
				  .n_ranges = nr,
				  .copies = copies,
				  .number_up = nup,
				  .duplex = duplex};
	struct pagecount_result out;
	*ok = pagecount_compute(&j, &out);
	return out;
}

static void formula(void)
{
	bool ok;
	struct pagecount_result r = count(10, NULL, 0, 1, 1, false, &ok);
	CHECK(ok && r.selected == 10 && r.impressions == 10 && r.sheets == 10);
	/* copies */
	r = count(3, NULL, 0, 4, 1, false, &ok);
	CHECK(ok && r.impressions == 12 && r.sheets == 12);
	/* n-up rounds up per copy: 5 pages 2-up = 3 faces, 2 copies = 6 */
	r = count(5, NULL, 0, 2, 2, false, &ok);
	CHECK(ok && r.per_copy == 3 && r.impressions == 6);
	/* duplex: faces stay the count, sheets halve (rounded up, per copy) */
	r = count(5, NULL, 0, 2, 1, true, &ok);
	CHECK(ok && r.impressions == 10 && r.sheets == 6);
	/* ranges clipped to 1..N, overlaps counted once */
	struct pagecount_range rg[] = {{8, 20}, {1, 2}, {2, 3}};
	r = count(10, rg, 3, 1, 1, false, &ok);
	CHECK(ok && r.selected == 3 + 3);
	struct pagecount_range beyond[] = {{11, 20}};
	r = count(10, beyond, 1, 3, 1, false, &ok);
	CHECK(ok && r.selected == 0 && r.impressions == 0);
	/* 5 pages, 1-3 and 5, 2-up, 3 copies, duplex: 2 faces a copy, 6; sheets 1 x 3 */
	struct pagecount_range mix[] = {{1, 3}, {5, 5}};
	r = count(5, mix, 2, 3, 2, true, &ok);
	CHECK(ok && r.selected == 4 && r.impressions == 6 && r.sheets == 3);
	/* out of range options are refused */
	count(5, NULL, 0, 0, 1, false, &ok);
	CHECK(!ok);
	count(5, NULL, 0, PAGECOUNT_MAX_COPIES + 1, 1, false, &ok);
	CHECK(!ok);
	count(5, NULL, 0, 1, 0, false, &ok);
	CHECK(!ok);
	count(5, NULL, 0, 1, PAGECOUNT_MAX_NUP + 1, false, &ok);
	CHECK(!ok);
	struct pagecount_range bad[] = {{3, 2}};
	count(5, bad, 1, 1, 1, false, &ok);
	CHECK(!ok);
	struct pagecount_range zero[] = {{0, 2}};
	count(5, zero, 1, 1, 1, false, &ok);
	CHECK(!ok);
	/* huge but legal figures do not overflow */
	struct pagecount_range big[] = {{1, INT64_MAX / 4}};
	r = count(1000000, big, 1, PAGECOUNT_MAX_COPIES, 1, false, &ok);
	CHECK(ok && r.impressions == 1000000LL * PAGECOUNT_MAX_COPIES);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(1 << 20);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

static void qpdf_counts(const char *dir)
{
	static const struct {
		const char *file;
		int64_t pages;
	} cases[] = {{"three.pdf", 3}, {"objstm.pdf", 3}, {"damaged.pdf", -1}, {"text", -1}};
	char path[4096], err[256];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, cases[i].file);
		size_t len;
		char *d = slurp(path, &len);
		CHECK(d != NULL);
		if (!d)
			continue;
		int64_t n = pdfread_pages(d, len, err, sizeof(err));
		if (n != cases[i].pages)
			fprintf(stderr, "%s: %lld pages (%s)\n", path, (long long)n, err);
		CHECK(n == cases[i].pages);
		free(d);
	}
	CHECK(pdfread_pages("", 0, err, sizeof(err)) == -1);
	CHECK(pdfread_pages("%PDF-1.4\n", 9, err, sizeof(err)) == -1);
}

int main(int argc, char **argv)
{
	formula();
	qpdf_counts(argc > 1 ? argv[1] : "../fuzz/corpus/pdfpages");
	return TEST_DONE();
}
