/* test_scanflow: the scan flow (place, scan, preview, add, retake, finish) and the
 * helper's lines, hostile ones included. */
#include <string.h>

#include "../unit/test.h"
#include "scanflow.h"

static enum sf_event line(struct scanflow *f, const char *s)
{
	return sf_line(f, s, strlen(s));
}

static void test_two_pages(void)
{
	struct scanflow f;
	sf_init(&f);
	CHECK(!sf_active(&f) && !sf_scan(&f));
	sf_open(&f);
	CHECK(f.state == SF_PLACE && sf_active(&f) && !sf_busy(&f));
	CHECK(!sf_finish(&f)); /* nothing scanned yet */
	sf_set_gray(&f, true);
	CHECK(f.gray);
	CHECK(sf_scan(&f) && f.state == SF_SCANNING && sf_busy(&f));
	CHECK(!sf_scan(&f)); /* one at a time */
	CHECK(line(&f, "device test:0") == SF_EV_NONE);
	CHECK(line(&f, "progress 0") == SF_EV_NONE);
	CHECK(line(&f, "progress 40") == SF_EV_PROGRESS && f.progress == 40);
	sf_set_gray(&f, false); /* not while scanning */
	CHECK(f.gray);
	CHECK(line(&f, "done 1181 1754") == SF_EV_PAGE);
	CHECK(f.state == SF_PREVIEW && f.pages == 1 && f.scanned == 1);
	CHECK(sf_exited(&f, true) == SF_EV_NONE && f.state == SF_PREVIEW);
	/* Recommencer: the page is dropped. */
	CHECK(sf_retake(&f) && f.pages == 0 && f.state == SF_PLACE);
	CHECK(sf_scan(&f) && line(&f, "done 10 10") == SF_EV_PAGE && f.pages == 1);
	CHECK(sf_add_page(&f) && f.state == SF_PLACE);
	CHECK(sf_scan(&f) && line(&f, "done 10 10") == SF_EV_PAGE && f.pages == 2);
	CHECK(f.scanned == 3);
	CHECK(sf_finish(&f) && f.state == SF_SAVING && f.progress == 0);
	/* The PDF must hold every page. */
	CHECK(line(&f, "done 2 54114") == SF_EV_SAVED && f.state == SF_DONE);
	CHECK(f.documents == 1);
	CHECK(!sf_busy(&f) && sf_active(&f));
	sf_close(&f);
	CHECK(!sf_active(&f) && f.pages == 0 && f.scanned == 3 && f.documents == 1);
	/* Done: the button opens a new document. */
	sf_open(&f);
	CHECK(f.state == SF_PLACE && f.pages == 0);
}

static void test_errors(void)
{
	struct scanflow f;
	sf_init(&f);
	sf_open(&f);
	CHECK(sf_scan(&f));
	CHECK(line(&f, "error jammed") == SF_EV_FAILED);
	CHECK(f.state == SF_ERROR && f.error == SF_ERR_JAMMED);
	CHECK(strcmp(sf_error_word(f.error), "jammed") == 0);
	CHECK(strcmp(sf_state_word(f.state), "error") == 0);
	sf_open(&f); /* the bar's button again: the error stays shown */
	CHECK(f.state == SF_ERROR);
	sf_retry(&f);
	CHECK(f.state == SF_PLACE && f.error == SF_ERR_NONE);
	CHECK(sf_scan(&f) && line(&f, "error missing") == SF_EV_FAILED &&
	      f.error == SF_ERR_MISSING);
	sf_retry(&f);
	CHECK(sf_scan(&f) && line(&f, "error something-new") == SF_EV_FAILED &&
	      f.error == SF_ERR_SCAN);
	sf_retry(&f);
	/* A helper that dies mid-page. */
	CHECK(sf_scan(&f) && line(&f, "progress 30") == SF_EV_PROGRESS);
	CHECK(sf_exited(&f, false) == SF_EV_FAILED && f.error == SF_ERR_SCAN);
	sf_retry(&f);
	/* A PDF that fails goes back to the preview (the pages are kept). */
	CHECK(sf_scan(&f) && line(&f, "done 5 5") == SF_EV_PAGE);
	CHECK(sf_finish(&f) && line(&f, "error io") == SF_EV_FAILED && f.error == SF_ERR_SAVE);
	sf_retry(&f);
	CHECK(f.state == SF_PREVIEW && f.pages == 1);
	/* A PDF with the wrong page count is not a success. */
	CHECK(sf_finish(&f) && line(&f, "done 7 1000") == SF_EV_FAILED && f.error == SF_ERR_SAVE);
}

static void test_hostile_lines(void)
{
	struct scanflow f;
	sf_init(&f);
	/* Lines when nothing runs: ignored. */
	CHECK(line(&f, "done 1 1") == SF_EV_NONE && f.pages == 0);
	sf_open(&f);
	CHECK(line(&f, "done 1 1") == SF_EV_NONE && f.state == SF_PLACE);
	CHECK(sf_scan(&f));
	static const char *const bad[] = {"progress 101",
					  "progress -1",
					  "progress 007",
					  "progress 5x",
					  "progress ",
					  "progress",
					  "done 1",
					  "done 1 ",
					  "done x 1",
					  "done 1 2 3",
					  "done -1 5",
					  "done 99999999999 1",
					  "",
					  "Progress 5",
					  " progress 5"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(line(&f, bad[i]) == SF_EV_NONE);
		CHECK(f.state == SF_SCANNING && f.progress == 0 && f.pages == 0);
	}
	/* A NUL inside, a line too long. */
	CHECK(sf_line(&f, "done 1\0 1", 9) == SF_EV_NONE);
	char big[SF_LINE_MAX + 10];
	memset(big, '1', sizeof(big));
	memcpy(big, "progress ", 9);
	CHECK(sf_line(&f, big, sizeof(big)) == SF_EV_NONE);
	/* "done 0 0": no page. */
	CHECK(line(&f, "done 0 0") == SF_EV_FAILED && f.error == SF_ERR_SCAN);
}

static void test_full(void)
{
	struct scanflow f;
	sf_init(&f);
	sf_open(&f);
	for (int i = 0; i < SF_MAX_PAGES; i++) {
		CHECK(sf_scan(&f) && line(&f, "done 1 1") == SF_EV_PAGE);
		if (i < SF_MAX_PAGES - 1)
			CHECK(sf_add_page(&f));
	}
	CHECK(f.pages == SF_MAX_PAGES && !sf_add_page(&f) && f.state == SF_PREVIEW);
	CHECK(sf_finish(&f));
}

/* Imprimer on the last screen: only with a print queue, once, and a refusal goes back to
 * the saved document. */
static void test_print(void)
{
	struct scanflow f;
	sf_init(&f);
	sf_open(&f);
	CHECK(sf_scan(&f) && line(&f, "done 1 1") == SF_EV_PAGE);
	CHECK(!sf_print(&f)); /* not before the document is saved */
	CHECK(sf_finish(&f) && line(&f, "done 1 100") == SF_EV_SAVED && f.state == SF_DONE);
	CHECK(!sf_print(&f) && f.state == SF_DONE); /* no print queue */
	f.can_print = true;
	CHECK(sf_print(&f) && f.state == SF_PRINTING && sf_busy(&f) && !f.printed);
	CHECK(!sf_print(&f));
	/* Lines of the other commands change nothing; a hostile job number neither. */
	CHECK(line(&f, "done 1 100") == SF_EV_NONE && f.state == SF_PRINTING);
	CHECK(line(&f, "printed 0") == SF_EV_NONE && line(&f, "printed -3") == SF_EV_NONE);
	CHECK(line(&f, "printed 12x") == SF_EV_NONE && line(&f, "printed ") == SF_EV_NONE);
	CHECK(line(&f, "printed 01") == SF_EV_NONE &&
	      line(&f, "printed 99999999999") == SF_EV_NONE);
	CHECK(strcmp(sf_state_word(f.state), "printing") == 0);
	/* Refused by the queue: the error, then back to the saved document. */
	CHECK(line(&f, "error refused") == SF_EV_FAILED && f.error == SF_ERR_PRINT);
	CHECK(strcmp(sf_error_word(f.error), "print") == 0);
	sf_retry(&f);
	CHECK(f.state == SF_DONE && f.error == SF_ERR_NONE && f.pages == 1);
	/* A helper that dies quietly is a failed print too. */
	CHECK(sf_print(&f) && sf_exited(&f, false) == SF_EV_FAILED && f.error == SF_ERR_PRINT);
	sf_retry(&f);
	CHECK(sf_print(&f) && line(&f, "printed 42") == SF_EV_PRINTED);
	CHECK(f.state == SF_DONE && f.printed && !sf_print(&f)); /* once */
	CHECK(line(&f, "printed 43") == SF_EV_NONE);
	/* A new document may be printed again. */
	sf_open(&f);
	CHECK(f.state == SF_PLACE && !f.printed);
	sf_close(&f);
	CHECK(!f.printed && !sf_print(&f));
}

/* "Aussi en images": once per saved document, only when it is saved; a failure is told. */
static void test_images(void)
{
	struct scanflow f;
	sf_init(&f);
	sf_open(&f);
	CHECK(!sf_images(&f)); /* nothing scanned */
	CHECK(sf_scan(&f) && line(&f, "done 1 1") == SF_EV_PAGE);
	CHECK(!sf_images(&f)); /* not before the PDF is saved */
	sf_images_done(&f, true);
	CHECK(!f.images); /* out of place: nothing */
	CHECK(sf_finish(&f) && line(&f, "done 1 100") == SF_EV_SAVED && f.state == SF_DONE);
	CHECK(sf_images(&f) && !f.images && !f.images_failed);
	sf_images_done(&f, false);
	CHECK(f.images_failed && !f.images && f.state == SF_DONE);
	sf_images_done(&f, true);
	CHECK(f.images && !f.images_failed && !sf_images(&f)); /* once */
	/* The next document starts without images. */
	sf_open(&f);
	CHECK(f.state == SF_PLACE && !f.images && !f.images_failed);
	sf_close(&f);
	CHECK(!f.images && !sf_images(&f));
}

/* The PDF made but not put into Documents: no document saved, the error, retry → preview. */
static void test_save_failed(void)
{
	struct scanflow f;
	sf_init(&f);
	sf_open(&f);
	CHECK(sf_scan(&f) && line(&f, "done 1 1") == SF_EV_PAGE);
	sf_save_failed(&f); /* out of place: nothing */
	CHECK(f.state == SF_PREVIEW);
	CHECK(sf_finish(&f) && line(&f, "done 1 100") == SF_EV_SAVED && f.documents == 1);
	sf_save_failed(&f);
	CHECK(f.state == SF_ERROR && f.error == SF_ERR_SAVE && f.documents == 0);
	sf_retry(&f);
	CHECK(f.state == SF_PREVIEW && f.pages == 1);
}

int main(void)
{
	test_save_failed();
	test_images();
	test_two_pages();
	test_errors();
	test_hostile_lines();
	test_full();
	test_print();
	return TEST_DONE();
}
