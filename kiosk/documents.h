/* documents: the session's Documents folder (DIR/home/Documents), where downloads, scans
 * and files copied from a USB key land and where the browser's file chooser opens. The
 * kiosk lists it for --status; nothing of it is logged by name or sent to admind. */
#ifndef ESCALE_DOCUMENTS_H
#define ESCALE_DOCUMENTS_H

#include <stdbool.h>

/* At most this many entries are listed (a page that saves files in a loop cannot make the
 * kiosk's status unbounded). */
#define DOCUMENTS_MAX 64

struct document {
	char name[256];
	long long bytes;
	int pages; /* of a PDF the kiosk made (a scan), else -1: unknown */
};

/* The folder of the session directory SESSION_DIR (a new string). */
char *documents_dir(const char *session_dir);

/* The regular files of DIR (no symlink followed, no hidden file, no download in progress),
 * sorted by name, at most MAX; the count, or -1 when DIR cannot be read. */
int documents_list(const char *dir, struct document *out, int max);

/* Whether NAME is a plain name to show: not hidden, not Chromium's partial download
 * (".crdownload"), no '/' and no control character. */
bool documents_shown(const char *name);

/* The number of pages of a PDF written by the kiosk's own PDF writer (cairo): the count of
 * its page objects, -1 when PATH is not such a file. Never used on a file from elsewhere. */
int documents_own_pdf_pages(const char *path);

#endif
