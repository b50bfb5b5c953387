/* pagecount: the page formula (pure). */
#include "pagecount.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_range(const void *a, const void *b)
{
	const struct pagecount_range *x = a, *y = b;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

bool pagecount_compute(const struct pagecount_job *job, struct pagecount_result *out)
{
	memset(out, 0, sizeof(*out));
	if (job->doc_pages < 0 || job->copies < 1 || job->copies > PAGECOUNT_MAX_COPIES ||
	    job->number_up < 1 || job->number_up > PAGECOUNT_MAX_NUP ||
	    job->n_ranges > PAGECOUNT_MAX_RANGES)
		return false;
	int64_t n = job->doc_pages;
	if (job->n_ranges == 0) {
		out->selected = n;
	} else {
		struct pagecount_range r[PAGECOUNT_MAX_RANGES];
		for (size_t i = 0; i < job->n_ranges; i++) {
			if (job->ranges[i].lo < 1 || job->ranges[i].hi < job->ranges[i].lo)
				return false;
			r[i] = job->ranges[i];
		}
		qsort(r, job->n_ranges, sizeof(r[0]), cmp_range);
		/* The union of the ranges, clipped to 1..N. */
		int64_t next = 1; /* first page not counted yet */
		for (size_t i = 0; i < job->n_ranges; i++) {
			int64_t lo = r[i].lo > next ? r[i].lo : next;
			int64_t hi = r[i].hi < n ? r[i].hi : n;
			if (hi >= lo) {
				out->selected += hi - lo + 1;
				next = hi + 1;
			}
		}
	}
	out->per_copy = (out->selected + job->number_up - 1) / job->number_up;
	out->impressions = out->per_copy * job->copies;
	out->sheets = (job->duplex ? (out->per_copy + 1) / 2 : out->per_copy) * job->copies;
	return true;
}
