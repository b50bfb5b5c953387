/* test_textsize: the "A+" tool's steps and the browser's zoom keys between them. */
#include "../unit/test.h"
#include "textsize.h"

int main(void)
{
	/* 100 -> 125 -> 150 -> 200 -> 200 in contrast -> 100. */
	int s = 0, pct[TEXTSIZE_STEPS + 1];
	bool hc[TEXTSIZE_STEPS + 1];
	for (int i = 0; i <= TEXTSIZE_STEPS; i++) {
		pct[i] = textsize_percent(s);
		hc[i] = textsize_contrast(s);
		s = textsize_next(s);
	}
	CHECK(pct[0] == 100 && pct[1] == 125 && pct[2] == 150 && pct[3] == 200 && pct[4] == 200 &&
	      pct[5] == 100);
	CHECK(!hc[0] && !hc[1] && !hc[2] && !hc[3] && hc[4] && !hc[5]);
	/* Out of range reads as the start. */
	CHECK(textsize_percent(-1) == 100 && textsize_percent(99) == 100 && textsize_next(99) == 1);
	CHECK(!textsize_contrast(-3));

	/* Chromium: 100, 110, 125, 150, 175, 200. */
	bool reset;
	int plus;
	textsize_zoom_keys(0, 1, &reset, &plus);
	CHECK(!reset && plus == 2);
	textsize_zoom_keys(1, 2, &reset, &plus);
	CHECK(!reset && plus == 1);
	textsize_zoom_keys(2, 3, &reset, &plus);
	CHECK(!reset && plus == 2);
	textsize_zoom_keys(3, 4, &reset, &plus); /* contrast: the zoom stays */
	CHECK(!reset && plus == 0);
	textsize_zoom_keys(4, 0, &reset, &plus);
	CHECK(reset && plus == 0);
	textsize_zoom_keys(3, 1, &reset, &plus); /* down: from 100 again */
	CHECK(reset && plus == 2);
	return TEST_DONE();
}
