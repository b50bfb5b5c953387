/* pdfread: the pages of a resident's PDF, read with libqpdf; only escale-pdfpages, the
 * sandboxed helper, links it (see pdfread.h). */
#include "pdfread.h"

#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <string.h>

int64_t pdfread_pages(const void *data, size_t len, char *err, size_t errlen)
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
