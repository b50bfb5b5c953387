/* test_textsize: the "A+" panel's sizes, its contrast for the kiosk and the sites, and the
 * browser's zoom keys between sizes. */
#include "../unit/test.h"
#include "textsize.h"

int main(void)
{
	/* A, A+, A++, A+++: 100, 125, 150, 200 %: three steps up to 200 %. */
	CHECK(textsize_percent(0) == 100 && textsize_percent(1) == 125 &&
	      textsize_percent(2) == 150 && textsize_percent(3) == 200);
	/* Out of range reads as the start. */
	CHECK(textsize_percent(-1) == 100 && textsize_percent(TEXTSIZE_STEPS) == 100 &&
	      textsize_percent(99) == 100);

	/* Contrast: the kiosk's screens at once; the sites are offered only in a session and
	 * only while they differ (on, and off again after they took it). */
	struct textsize t = {0};
	CHECK(!textsize_changed(&t) && !textsize_offer_sites(&t, true));
	t.panel = true;
	CHECK(!textsize_changed(&t)); /* the panel open changes nothing yet */
	t.contrast = true;
	CHECK(textsize_changed(&t) && textsize_offer_sites(&t, true) &&
	      !textsize_offer_sites(&t, false));
	t.browser_contrast = true; /* the browser relaunched */
	CHECK(!textsize_offer_sites(&t, true));
	t.contrast = false;
	CHECK(textsize_offer_sites(&t, true) && textsize_changed(&t));
	t.step = 99; /* hostile: read as the start */
	t.browser_contrast = false;
	CHECK(!textsize_changed(&t));
	t.step = 2;
	CHECK(textsize_changed(&t));
	/* The session's end: all back, the panel closed. */
	CHECK(textsize_reset(&t));
	CHECK(!t.panel && !t.contrast && !t.browser_contrast && t.step == 0);
	CHECK(!textsize_reset(&t));
	t.panel = true;
	CHECK(textsize_reset(&t) && !t.panel);

	/* Chromium: 100, 110, 125, 150, 175, 200. */
	bool reset;
	int plus;
	textsize_zoom_keys(0, 1, &reset, &plus);
	CHECK(!reset && plus == 2);
	textsize_zoom_keys(1, 2, &reset, &plus);
	CHECK(!reset && plus == 1);
	textsize_zoom_keys(2, 3, &reset, &plus);
	CHECK(!reset && plus == 2);
	textsize_zoom_keys(0, 3, &reset, &plus); /* A+++ at once */
	CHECK(!reset && plus == 5);
	textsize_zoom_keys(3, 0, &reset, &plus);
	CHECK(reset && plus == 0);
	textsize_zoom_keys(3, 1, &reset, &plus); /* down: from 100 again */
	CHECK(reset && plus == 2);
	textsize_zoom_keys(2, 2, &reset, &plus); /* the same: nothing */
	CHECK(!reset && plus == 0);
	return TEST_DONE();
}
