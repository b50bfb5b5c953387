/* fuzz_usbflow: the kiosk's readers of its USB children's output: the listing's records
 * and the copy's result bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "usbflow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct usb_entry entries[USB_MAX_FILES];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct usbflow f;
	uf_init(&f);
	uf_open(&f);
	uf_listed(&f, data, size, true, entries);
	if (f.n < 0 || f.n > USB_MAX_FILES)
		abort();
	for (int i = 0; i < f.n; i++)
		if (!memchr(entries[i].name, '\0', sizeof(entries[i].name)) ||
		    entries[i].kind == USB_NONE || entries[i].name[0] == '.')
			abort();
	for (int i = 0; i < f.n; i += 2)
		uf_toggle(&f, i);
	if (uf_copy(&f)) {
		uf_copied(&f, (const char *)data, size);
		if (f.done > f.to_copy || f.copied > f.done || f.pdfs > f.copied)
			abort();
		/* The PDF to print is one of the files chosen, never out of the entries. */
		if (f.print_entry < -1 || f.print_entry >= f.n ||
		    (f.print_entry >= 0 && !f.chosen[f.print_entry]) ||
		    (f.pdfs > 0) != (f.print_entry >= 0))
			abort();
		uf_copy_ended(&f);
		f.can_print = true;
		if (uf_print(&f) && (f.pdfs != 1 || f.print_entry < 0 || f.print_entry >= f.n))
			abort();
		uf_print_ended(&f, size & 1);
	}
	return 0;
}
