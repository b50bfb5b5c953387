/* usbrun: the USB copy flow's children (usbflow.h). Reading a key blocks (a slow key, a
 * large file), so the kiosk forks: one child lists the key and writes its records, one
 * copies the chosen files and writes a byte per file; the kiosk's loop reads their pipes
 * without blocking. */
#ifndef ESCALE_USBRUN_H
#define ESCALE_USBRUN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "usbfiles.h"

struct usbrun {
	pid_t pid;
	int fd;    /* the child's pipe, -1 when none runs */
	int ep;    /* the kiosk's epoll, which watches fd (-1: none) */
	char *buf; /* what it wrote (the listing), up to cap */
	size_t len, cap;
	bool ok; /* the last child exited with 0 */
};

void usbrun_init(struct usbrun *r, int ep);
/* Lists DEVICE (file system FS) in a child: FAT with mtools, exFAT and NTFS mounted on
 * MNT through FUSE first (usbmount.h; the kiosk unmounts it when the flow ends). */
bool usbrun_list(struct usbrun *r, const char *device, const char *fs, const char *mnt);
/* Copies the N entries E whose CHOSEN is set from DEVICE (or MNT) into DOCS, in a child;
 * one byte a file: '+' copied, '-' not. With KEEP (a directory of the kiosk's, or NULL),
 * each PDF copied is read from the key a second time into KEEP as usbrun_kept(KEEP, I),
 * the kiosk's own copy to print, and '*' says so instead of '+'. */
bool usbrun_copy(struct usbrun *r, const char *device, const char *fs, const char *mnt,
		 const struct usb_entry *e, const bool *chosen, int n, const char *docs,
		 bool chown_it, uid_t uid, gid_t gid, const char *keep);
/* A new directory for the kiosk's copies (RUNTIME_DIR/scan-usb-XXXXXX, 0700: removed at
 * start by scanrun_cleanup_stale after a crash), or NULL. */
char *usbrun_keep_dir(const char *runtime_dir);
/* Entry I's kept copy in KEEP (a new string). */
char *usbrun_kept(const char *keep, int i);
/* Removes KEEP's files and KEEP itself, frees it, sets it NULL. */
void usbrun_keep_clear(char **keep);
/* Reads what the child wrote; NEW/NEW_LEN: the bytes read now (for the copy's progress).
 * True when the child has ended (reaped: r->ok says how; r->buf holds all it wrote). */
bool usbrun_read(struct usbrun *r, const char **new_bytes, size_t *new_len);
/* Kills and reaps a running child. */
void usbrun_stop(struct usbrun *r);
/* The same, and frees the buffer. */
void usbrun_free(struct usbrun *r);

#endif
