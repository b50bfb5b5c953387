/* usbflow: the kiosk's "Copier des documents depuis la clé" flow, pure (no I/O): the key's
 * files listed by a child process (usbread_list), the resident's choice, the copy by
 * another child reporting one byte per file, the result. The kiosk runs the children and
 * feeds their output here; the view shows the state. */
#ifndef ESCALE_USBFLOW_H
#define ESCALE_USBFLOW_H

#include <stdbool.h>
#include <stddef.h>

#include "usbfiles.h"

#define UF_PER_PAGE 6 /* files shown at once (big rows for a finger) */

enum uf_state {
	UF_OFF,
	UF_READING, /* the child lists the key */
	UF_LIST,    /* the files: tap to choose, "Copier", "Annuler", pages */
	UF_COPYING, /* the child copies: done / total */
	UF_DONE,    /* "N documents copiés dans Documents", "Imprimer" for one PDF */
	UF_ERROR,
	UF_PRINTING, /* the print helper sends the copied PDF to the centre's queue */
};

enum uf_error {
	UF_ERR_NONE,
	UF_ERR_UNREADABLE, /* not FAT (exFAT, NTFS), or damaged */
	UF_ERR_EMPTY,      /* no PDF or picture on it */
	UF_ERR_GONE,       /* the key was pulled out */
	UF_ERR_COPY,       /* nothing could be copied */
};

struct usbflow {
	enum uf_state state;
	enum uf_error error;
	int n;                      /* files listed (the kiosk's entries) */
	bool chosen[USB_MAX_FILES]; /* the resident's choice */
	int first;                  /* the first file shown (pages of UF_PER_PAGE) */
	int to_copy, done, copied;  /* UF_COPYING: chosen, reported, copied */
	int files_copied;           /* in this session (usage counts) */
	/* Printing a copied PDF: the copy child also keeps the kiosk's own copy of each PDF
	 * (never the one in Documents, which the browser's user may replace) and says so
	 * with '*' instead of '+'. One PDF copied: "Imprimer" on UF_DONE. */
	int pdfs;          /* PDFs copied with the kiosk's own copy */
	int print_entry;   /* the entry of the last such PDF, -1 none */
	bool can_print;    /* the kiosk has a print queue (print.server) */
	bool printed;      /* the PDF went to the print queue */
	bool print_failed; /* the queue did not take it: said on UF_DONE, "Imprimer" again */
};

void uf_init(struct usbflow *f);
/* The bar's button: reads the key (true: the kiosk starts the listing child). */
bool uf_open(struct usbflow *f);
/* The listing child's output BUF (LEN bytes): records checked into OUT (at most
 * USB_MAX_FILES), then UF_LIST, or UF_ERROR when none. OK: the child exited with 0. */
void uf_listed(struct usbflow *f, const void *buf, size_t len, bool ok, struct usb_entry *out);
/* A tap on row I (an index into the entries): chosen or not. */
void uf_toggle(struct usbflow *f, int i);
/* Pages of the list: DIR -1 or +1. */
void uf_page(struct usbflow *f, int dir);
/* "Copier": true when the kiosk must start the copy child for the chosen files. */
bool uf_copy(struct usbflow *f);
/* The copy child's output, one byte per file: '+' copied, '*' a PDF copied with the
 * kiosk's own copy to print, '-' refused; other bytes are ignored; at most to_copy count. */
void uf_copied(struct usbflow *f, const char *buf, size_t len);
/* The copy child ended. */
void uf_copy_ended(struct usbflow *f);
/* Whether UF_DONE offers "Imprimer": a print queue, exactly one PDF copied, not yet
 * printed. */
bool uf_print_offered(const struct usbflow *f);
/* "Imprimer": true when the kiosk must start the print helper for entry print_entry. */
bool uf_print(struct usbflow *f);
/* The print helper ended: the queue took the PDF (OK) or not; back to UF_DONE. */
void uf_print_ended(struct usbflow *f, bool ok);
/* The key was pulled out (the kiosk stops a child first). */
void uf_gone(struct usbflow *f);
/* "Annuler", "OK", "Fermer" (the kiosk stops a running child first). */
void uf_close(struct usbflow *f);
bool uf_active(const struct usbflow *f);

/* Records as the listing child writes them (struct usb_entry, raw) checked: every string
 * terminated, the path "::/...", the name its own safe name and of an offered kind, the
 * size in range; the count of good ones copied into OUT (at most MAX). */
int uf_check_records(const void *buf, size_t len, struct usb_entry *out, int max);

const char *uf_state_word(enum uf_state s);
const char *uf_error_word(enum uf_error e);

#endif
