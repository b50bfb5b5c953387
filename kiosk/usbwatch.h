/* usbwatch: is a USB key plugged in? The kernel's uevents through sd-device (libsystemd,
 * already the kiosk's): a partition (or a disk without partitions) on the USB bus that
 * udev found a file system on. One key at a time; the first one plugged in wins.
 * Tests present an image file instead (ESCALE_USB_IMAGE): it is "plugged in" while that
 * file exists, looked at once a second. */
#ifndef ESCALE_USBWATCH_H
#define ESCALE_USBWATCH_H

#include <stdbool.h>

struct usbwatch {
	void *event, *monitor; /* sd_event, sd_device_monitor */
	char device[256];      /* the key's device node or image, "" if none */
	char fs[16];           /* its file system type (ID_FS_TYPE): "vfat", "exfat"... */
	const char *image;     /* ESCALE_USB_IMAGE, or NULL */
	bool changed;          /* since the last usbwatch_changed */
};

/* Starts watching; false (and no USB) when the monitor cannot start (no udev). */
bool usbwatch_start(struct usbwatch *w);
/* The fd for the kiosk's epoll, -1 without a monitor. */
int usbwatch_fd(const struct usbwatch *w);
/* Handles what the fd says (and the test image): call when readable and once a second. */
void usbwatch_poll(struct usbwatch *w);
/* Whether the key came or went since the last call. */
bool usbwatch_changed(struct usbwatch *w);
void usbwatch_stop(struct usbwatch *w);

/* Whether a block device with these udev properties is a USB key to offer (pure): ID_BUS
 * "usb", DEVTYPE "partition" or "disk", and a file system (ID_FS_USAGE "filesystem"). */
bool usbwatch_is_key(const char *bus, const char *devtype, const char *fs_usage);

#endif
