/* pagecount: the page formula (pure) and the PDF page count (libqpdf). */
#include "pagecount.h"

#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_range(const void *a, const void *b)
{
	const struct pc_range *x = a, *y = b;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

bool pc_compute(const struct pc_job *job, struct pc_result *out)
{
	memset(out, 0, sizeof(*out));
	if (job->doc_pages < 0 || job->copies < 1 || job->copies > PC_MAX_COPIES ||
	    job->number_up < 1 || job->number_up > PC_MAX_NUP || job->n_ranges > PC_MAX_RANGES)
		return false;
	int64_t n = job->doc_pages;
	if (job->n_ranges == 0) {
		out->selected = n;
	} else {
		struct pc_range r[PC_MAX_RANGES];
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

int64_t pc_pdf_pages(const void *data, size_t len, char *err, size_t errlen)
{
	if (len < 8 || memcmp(data, "%PDF-", 5) != 0) {
		snprintf(err, errlen, "not a PDF document");
		return -1;
	}
	qpdf_data q = qpdf_init();
	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	qpdf_set_attempt_recovery(q, QPDF_FALSE);
	int64_t pages = -1;
	QPDF_ERROR_CODE rc = qpdf_read_memory(q, "job", data, (unsigned long long)len, NULL);
	if (rc & QPDF_ERRORS) {
		qpdf_error e = qpdf_get_error(q);
		snprintf(err, errlen, "damaged PDF: %s",
			 e ? qpdf_get_error_message_detail(q, e) : "unreadable");
	} else {
		int n = qpdf_get_num_pages(q);
		if (n <= 0 || qpdf_has_error(q)) {
			qpdf_error e = qpdf_get_error(q);
			snprintf(err, errlen, "damaged PDF: %s",
				 e ? qpdf_get_error_message_detail(q, e) : "no pages");
		} else {
			pages = n;
		}
	}
	qpdf_cleanup(&q);
	return pages;
}
