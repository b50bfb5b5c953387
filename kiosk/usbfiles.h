/* usbfiles: what the kiosk takes from a resident's USB key, pure (no I/O): the listing
 * mtools' mdir prints of a FAT key read in user space (the kernel never parses the key's
 * file system), the kinds of file offered (PDF, JPEG, PNG, HEIC) checked by name and by
 * their first bytes, the names made safe to show and to write, and the size limits. */
#ifndef ESCALE_USBFILES_H
#define ESCALE_USBFILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define USB_MAX_FILES      200          /* entries offered from one key */
#define USB_MAX_FILE_BYTES (50LL << 20) /* a file larger is not offered */
#define USB_MAX_LISTING    (1 << 20)    /* bytes of mdir's output read at most */
#define USB_NAME_MAX       100          /* bytes of a name written into Documents */
#define USB_MAGIC_BYTES    16           /* the first bytes the kind check needs */

enum usb_kind { USB_NONE, USB_PDF, USB_JPEG, USB_PNG, USB_HEIC };

struct usb_entry {
	char path[512];              /* on the key, for mtools: "::/dir/name.pdf" */
	char name[USB_NAME_MAX + 1]; /* safe to show and to write */
	long long bytes;
	enum usb_kind kind;
};

/* The kind a file NAME claims by its extension (case-insensitive), USB_NONE for any other. */
enum usb_kind usbfiles_kind(const char *name);
/* Whether the first N bytes HEAD (N may be short) are those of KIND. */
bool usbfiles_magic_ok(enum usb_kind kind, const unsigned char *head, size_t n);
/* A name safe to show and to write into Documents from the key's NAME (its last path
 * component): control characters, '/', '\\' and the characters Windows refuses become
 * '_', invalid UTF-8 too; no leading dot or space; at most USB_NAME_MAX bytes, the
 * extension kept. Never empty: "document" when nothing is left. */
void usbfiles_safe_name(const char *name, char *out, size_t n);
/* Parses TEXT (LEN bytes, not NUL-terminated) as printed by "LC_ALL=C.UTF-8 mdir -/ -a" into at
 * most MAX entries of the kinds offered, no larger than USB_MAX_FILE_BYTES (hidden files,
 * directories, "." and ".." and every other line skipped); the count. */
int usbfiles_parse_mdir(const char *text, size_t len, struct usb_entry *out, int max);

#endif
