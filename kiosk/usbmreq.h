/* usbmreq: the one line the kiosk sends escale-kiosk-usbmount on its socket
 * (systemd/escale-kiosk-usbmount.socket): "mount FS NAME" (FS "exfat" or "ntfs", NAME a USB
 * disk's kernel name such as "sdb1") or "umount". Nothing else: no path, no option; the
 * helper decides the mount point and the options itself. Pure. */
#ifndef ESCALE_USBMREQ_H
#define ESCALE_USBMREQ_H

#include <stdbool.h>
#include <stddef.h>

/* The longest request, its newline included. */
#define USBM_LINE_MAX 32

enum usbm_op { USBM_NONE, USBM_MOUNT, USBM_UMOUNT };

struct usbm_req {
	enum usbm_op op;
	char fs[8];   /* "exfat" or "ntfs" (USBM_MOUNT) */
	char name[8]; /* "sd" + 1-2 letters + 0-3 digits, no leading zero (USBM_MOUNT) */
};

/* Parses LINE (N bytes, without its newline, not NUL-terminated) into R; false (R's op
 * USBM_NONE) for anything but the exact forms above. */
bool usbm_parse(const char *line, size_t n, struct usbm_req *r);
/* Whether NAME is a USB disk or partition name the helper takes ("sdb", "sdb1", "sdab12"). */
bool usbm_name_ok(const char *name);
/* Writes R's line, with its newline, into BUF (N bytes); its length, or -1 if R is not a
 * valid request or BUF too small. */
int usbm_format(const struct usbm_req *r, char *buf, size_t n);

#endif
