/* usbmount: exFAT and NTFS keys, which mtools cannot read, through FUSE drivers in user
 * space (exfat-fuse, ntfs-3g): the kernel still never parses the key's file system, only
 * FUSE's protocol. Mounted read-only, nosuid, nodev, noexec in the kiosk's private
 * RUNTIME_DIR/usb (0700, outside the browser's sandbox), walked without following a
 * symlink, and unmounted when the flow ends. Blocking: called from the flow's children,
 * but for the unmount. Without root (production: NoNewPrivileges keeps fusermount3 from
 * working) escale-kiosk-usbmount mounts and unmounts, asked on its socket (usbmreq.h). */
#ifndef ESCALE_USBMOUNT_H
#define ESCALE_USBMOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "usbfiles.h"

/* The file system of a key from its first sector SECTOR (N bytes): "exfat", "ntfs",
 * "vfat", or NULL (tests present an image without udev to say it). */
const char *usbmount_fs_of(const unsigned char *sector, size_t n);
/* Whether FS ("vfat", "exfat", "ntfs"...) is read through a FUSE mount. */
bool usbmount_needs_mount(const char *fs);

/* Runs ARGV (an absolute path) with stdin, stdout and stderr on /dev/null and a plain PATH;
 * true when it exits 0. */
bool usbmount_run(const char *const *argv);
/* Mounts DEVICE (FS "exfat" or "ntfs") read-only on DIR (created 0700). */
bool usbmount_mount(const char *device, const char *fs, const char *dir);
/* Unmounts DIR (lazily if busy); true when nothing is mounted there any more. */
bool usbmount_umount(const char *dir);

/* The files offered under the directory ROOT (depth 4 at most, no symlink followed, no
 * hidden file or folder), as usbfiles_parse_mdir would list them: path "::/REL/NAME". */
int usbmount_list(const char *root, struct usb_entry *out, int max);
/* Copies E from under ROOT into DOCS, with usbread_copy's checks. */
bool usbmount_copy(const char *root, const struct usb_entry *e, const char *docs, bool chown_it,
		   uid_t uid, gid_t gid, char *saved, size_t n);

#endif
