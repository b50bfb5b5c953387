/* pagecount: how many pages a print job costs (the formula); pdfread.h counts a PDF's pages. */
#ifndef ESCALE_PAGECOUNT_H
#define ESCALE_PAGECOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits on what a job may ask for; more is refused as malformed. */
#define PAGECOUNT_MAX_RANGES 100
#define PAGECOUNT_MAX_COPIES 999
#define PAGECOUNT_MAX_NUP    16

struct pagecount_range {
	int64_t lo, hi; /* 1-based, inclusive */
};

struct pagecount_job {
	int64_t doc_pages; /* N, from the document */
	const struct pagecount_range *ranges;
	size_t n_ranges; /* 0: every page */
	int64_t copies;
	int64_t number_up;
	bool duplex;
};

struct pagecount_result {
	int64_t selected;    /* |ranges ∩ 1..N| */
	int64_t per_copy;    /* ceil(selected / number_up): page faces of one copy */
	int64_t impressions; /* per_copy × copies: what the quota counts */
	int64_t sheets;      /* sheets of paper (duplex: two faces a sheet) */
};

/* The formula of docs/printing.md; false when the job's options are out of range
 * (copies 1..PAGECOUNT_MAX_COPIES, number_up 1..PAGECOUNT_MAX_NUP, ranges lo >= 1, lo <= hi,
 * at most PAGECOUNT_MAX_RANGES). Overlapping ranges count each page once. */
bool pagecount_compute(const struct pagecount_job *job, struct pagecount_result *out);

#endif
