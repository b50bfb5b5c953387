/* hometile: the home page's "Numériser un document" tile reaches the kiosk.
 *
 * The home page is a local file and may run no script; the kiosk cannot see what Chromium
 * shows. The tile links to a second local page of the session, HOME/scan.html, allowlisted
 * in the browser's policy exactly like the home page, which only sends the browser back to
 * the home page. The kiosk watches that one file with inotify: when it is opened (Chromium
 * loads it), the kiosk opens its scan screen. Web pages cannot navigate to file:// URLs
 * (Chromium refuses local resources to them, and the policy blocks every file: URL but
 * the session's two pages), and the only thing an open of the file can do is what the bar's
 * "Numériser" does: no data is read from it, nothing else is triggered. */
#ifndef ESCALE_HOMETILE_H
#define ESCALE_HOMETILE_H

#include <stdbool.h>

/* The page's name beside the home page (index.html). */
#define HOMETILE_PAGE "scan.html"

/* The URL of HOMETILE_PAGE beside the home page's URL HOME_URL ("file://.../index.html"):
 * a new string, NULL when HOME_URL has no '/' after its scheme. */
char *hometile_url(const char *home_url);

/* A non-blocking inotify descriptor that reports opens of the regular file PAGE (not
 * followed if it is a link: then -1), or -1. */
int hometile_watch(const char *page);

/* Reads every pending event of FD: true when the page was opened at least once since. A
 * watch that ended (the file removed) sets *GONE. */
bool hometile_opened(int fd, bool *gone);

#endif
