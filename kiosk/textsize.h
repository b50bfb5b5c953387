/* textsize: the "A+" panel: the text's size on the kiosk's screens and in the browser (its
 * zoom), and high contrast, on the kiosk's screens at once and on the sites once the
 * resident agrees to the browser's relaunch it needs. Pure. */
#ifndef ESCALE_TEXTSIZE_H
#define ESCALE_TEXTSIZE_H

#include <stdbool.h>
#include <stdint.h>

/* The sizes: 100 %, 125 %, 150 %, 200 % ("A", "A+", "A++", "A+++"). */
#define TEXTSIZE_STEPS 4

/* The resident's choices, for this session. */
struct textsize {
	int step;              /* 0..TEXTSIZE_STEPS - 1 (0: 100 %) */
	bool contrast;         /* the kiosk's screens in high contrast */
	bool panel;            /* the panel shows */
	bool browser_contrast; /* the running browser shows the sites in high contrast */
	int browser_step;      /* the size the browser's page was zoomed to last */
};

/* The text's size in percent at STEP (0: the start, 100; out of range: 100). */
int textsize_percent(int step);

/* Whether anything differs from the start (the bar's tool shows pressed). */
bool textsize_changed(const struct textsize *t);
/* Whether the panel offers "Appliquer aux sites": in a session, the sites' contrast is not
 * the kiosk's (Chromium takes high contrast only when it starts: --force-high-contrast). */
bool textsize_offer_sites(const struct textsize *t, bool session);
/* Back to the start (the panel closed); true when something changed. */
bool textsize_reset(struct textsize *t);

/* Chromium's zoom levels go 100, 110, 125, 150, 175, 200 %. The keys that take the page's
 * zoom from step FROM to step TO: *RESET (Ctrl+0 first), then *PLUS times Ctrl+=. The
 * kiosk sends them when the panel closes (while it shows, it holds the keyboard). */
void textsize_zoom_keys(int from, int to, bool *reset, int *plus);

#endif
