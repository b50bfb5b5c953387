/* scanrun: runs escale-kiosk-scan for the scan flow (scanflow.h): one child at a time,
 * its stdout a non-blocking pipe the kiosk's loop watches, its pages in a work directory
 * of the kiosk's (RUNTIME_DIR/scan-XXXXXX, 0700), the finished PDF moved into the
 * session's Documents with the browser user as owner. */
#ifndef ESCALE_SCANRUN_H
#define ESCALE_SCANRUN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "scanflow.h"

struct scanrun {
	pid_t pid;
	int fd;     /* the helper's stdout, -1 when none runs */
	int ep;     /* the kiosk's epoll, which watches fd (-1: none) */
	char *work; /* the work directory, NULL until the first page */
	char buf[SF_LINE_MAX + 2];
	size_t len;
	bool overlong;      /* the line being read is too long: dropped up to its newline */
	char saved[256];    /* the last PDF's name in Documents */
	char preview[4096]; /* the last page's preview (PNG), "" if none */
};

void scanrun_init(struct scanrun *r, int ep);
/* Scans page PAGE (1..) with DEVICE ("" the first found) at DPI, grey or colour; EXTRA
 * (may be NULL) is one --option NAME=VALUE for tests (ESCALE_SCAN_OPTION). */
bool scanrun_page(struct scanrun *r, const char *runtime_dir, const char *device, int dpi,
		  bool gray, int page);
/* Makes the PDF of pages 1..PAGES. */
bool scanrun_pdf(struct scanrun *r, int pages);
/* Sends the PDF (the work directory's copy, the kiosk's own, not the one in Documents that
 * the browser's user may have replaced) to QUEUE on HOST:PORT as the CUPS user USER (NULL:
 * the kiosk's own name; jobs are then tied to the kiosk by its address), titled TITLE. */
bool scanrun_print(struct scanrun *r, const char *host, int port, const char *queue,
		   const char *user, const char *title);
/* The same for the kiosk's own PDF at path PDF (a USB key's copy, usbrun_kept): the
 * helper runs as R's, its output read with scanrun_read. */
bool scanrun_print_file(struct scanrun *r, const char *host, int port, const char *queue,
			const char *user, const char *title, const char *pdf);
/* Reads what the helper wrote and gives F each complete line; at the end of its output
 * (the pipe closed) reaps it and calls sf_exited. Returns the last event that is not
 * SF_EV_NONE. */
enum sf_event scanrun_read(struct scanrun *r, struct scanflow *f);
/* Once a second: a helper that exited without closing its pipe (a process of its group
 * holding it) is reaped and its end given to F, as at the end of its output. */
enum sf_event scanrun_poll(struct scanrun *r, struct scanflow *f);
/* Stops a running helper (SIGKILL) and reaps it. */
void scanrun_stop(struct scanrun *r);
/* Deletes page PAGE's files (Recommencer). */
void scanrun_drop_page(struct scanrun *r, int page);
/* Moves the PDF into DOCS as the first free "document-N.pdf" (into r->saved), owned by
 * UID:GID when CHOWN, 0644; false when it cannot. */
bool scanrun_publish(struct scanrun *r, const char *docs, bool chown_it, uid_t uid, gid_t gid);
/* Copies pages 1..PAGES of the document last published (r->saved, "document-N.pdf") into
 * DOCS as "document-N-page-P.jpg", the same way; the number copied, or -1 when not all
 * could be (the ones copied stay). */
int scanrun_publish_images(struct scanrun *r, const char *docs, int pages, bool chown_it, uid_t uid,
			   gid_t gid);
/* Stops the helper and removes the work directory (a flow closed, the session's end). */
void scanrun_clear(struct scanrun *r);

/* At start: the work directories an earlier run left (a crash) under RUNTIME_DIR. */
void scanrun_cleanup_stale(const char *runtime_dir);

#endif
