/* textsize: the "A+" tool's steps: larger text on the kiosk's screens and in the browser
 * (its zoom), then high contrast; back to the start after the last. Pure. */
#ifndef ESCALE_TEXTSIZE_H
#define ESCALE_TEXTSIZE_H

#include <stdbool.h>
#include <stdint.h>

/* The steps: 100 %, 125 %, 150 %, 200 %, then 200 % in high contrast. */
#define TEXTSIZE_STEPS 5

/* The text's size in percent at STEP (0: the start, 100). */
int textsize_percent(int step);
/* Whether STEP shows in high contrast. */
bool textsize_contrast(int step);
/* The step after STEP (the last goes back to 0). */
int textsize_next(int step);

/* Chromium's zoom levels go 100, 110, 125, 150, 175, 200 %. The keys that take the page's
 * zoom from step FROM to step TO: *RESET (Ctrl+0 first), then *PLUS times Ctrl+=. */
void textsize_zoom_keys(int from, int to, bool *reset, int *plus);

#endif
