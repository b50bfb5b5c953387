/* fuzz_usbfiles: the kiosk's reader of mdir's listing of a resident's USB key (the key's
 * names and sizes are the resident's), and the safe names made of them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "usbfiles.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct usb_entry e[16];
	int n = usbfiles_parse_mdir((const char *)data, size, e, 16);
	if (n < 0 || n > 16)
		abort();
	for (int i = 0; i < n; i++) {
		size_t l = strlen(e[i].name);
		if (l == 0 || l > USB_NAME_MAX || e[i].name[0] == '.' || strchr(e[i].name, '/') ||
		    e[i].bytes <= 0 || e[i].bytes > USB_MAX_FILE_BYTES || e[i].kind == USB_NONE ||
		    strncmp(e[i].path, "::/", 3) != 0)
			abort();
		for (size_t j = 0; j < l; j++)
			if ((unsigned char)e[i].name[j] < 0x20 || e[i].name[j] == 0x7f)
				abort();
	}
	/* A name straight from the input. */
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	char out[USB_NAME_MAX + 1];
	usbfiles_safe_name(s, out, sizeof(out));
	if (!out[0] || strlen(out) > USB_NAME_MAX || out[0] == '.' || strchr(out, '/'))
		abort();
	free(s);
	return 0;
}
