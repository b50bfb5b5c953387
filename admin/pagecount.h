/* pagecount: how many pages a print job costs (the formula) and how many pages a PDF has. */
#ifndef ESCALE_PAGECOUNT_H
#define ESCALE_PAGECOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits on what a job may ask for; more is refused as malformed. */
#define PC_MAX_RANGES 100
#define PC_MAX_COPIES 999
#define PC_MAX_NUP    16

struct pc_range {
	int64_t lo, hi; /* 1-based, inclusive */
};

struct pc_job {
	int64_t doc_pages; /* N, from the document */
	const struct pc_range *ranges;
	size_t n_ranges; /* 0: every page */
	int64_t copies;
	int64_t number_up;
	bool duplex;
};

struct pc_result {
	int64_t selected;    /* |ranges ∩ 1..N| */
	int64_t per_copy;    /* ceil(selected / number_up): page faces of one copy */
	int64_t impressions; /* per_copy × copies: what the quota counts */
	int64_t sheets;      /* sheets of paper (duplex: two faces a sheet) */
};

/* The formula of docs/printing.md; false when the job's options are out of range
 * (copies 1..PC_MAX_COPIES, number_up 1..PC_MAX_NUP, ranges lo >= 1, lo <= hi,
 * at most PC_MAX_RANGES). Overlapping ranges count each page once. */
bool pc_compute(const struct pc_job *job, struct pc_result *out);

/* Pages of the PDF in DATA (libqpdf, no repair of damaged files); -1 when
 * the document is damaged, not a PDF, or empty. ERR gets a short reason. */
int64_t pc_pdf_pages(const void *data, size_t len, char *err, size_t errlen);

#endif
