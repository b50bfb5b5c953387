/* usbread: reads a resident's FAT USB key with mtools, in user space: the kernel never
 * mounts nor parses the key's file system (a crafted one is a kernel attack surface, and
 * the kiosks' kernel has no vfat, exFAT nor NTFS at all). mtools opens the device or image
 * read-only for mdir and mtype, which never write; nothing on the key is ever run.
 * Blocking: the kiosk calls these from a child process, never from its X loop. */
#ifndef ESCALE_USBREAD_H
#define ESCALE_USBREAD_H

#include <stdbool.h>
#include <sys/types.h>

#include "usbfiles.h"

/* The files offered on DEVICE (a block device such as /dev/sdb1, or an image file in
 * tests), at most MAX; -1 when mdir cannot read it (not FAT, unreadable). */
int usbread_list(const char *device, struct usb_entry *out, int max);

/* Copies E from DEVICE into the directory DOCS under E's safe name (" (2)", " (3)"... when
 * taken), 0644, owned by UID:GID when CHOWN_IT; checks its first bytes are of its kind and
 * stops at E->bytes (the listing's size) or USB_MAX_FILE_BYTES. The name written goes to
 * SAVED (N bytes). False, and nothing left in DOCS, when refused or failed. */
bool usbread_copy(const char *device, const struct usb_entry *e, const char *docs, bool chown_it,
		  uid_t uid, gid_t gid, char *saved, size_t n);

/* The copy itself, from FD (a pipe or a file of the key) with the same checks; *STOP says
 * the reader stopped before the end (refused or failed). */
bool usbread_copy_from(int fd, const struct usb_entry *e, const char *docs, bool chown_it,
		       uid_t uid, gid_t gid, char *saved, size_t n, bool *stop);

#endif
