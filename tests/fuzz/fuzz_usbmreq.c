/* fuzz_usbmreq: the USB mount helper's request line (a client of its socket is the kiosk,
 * but the helper runs without NoNewPrivileges: its input is treated as hostile). Every line
 * the parser takes names only "exfat"/"ntfs" and an sdXN name, and formats back to itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "usbmreq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct usbm_req r;
	bool ok = usbm_parse((const char *)data, size, &r);
	if (!ok) {
		if (r.op != USBM_NONE)
			abort();
		return 0;
	}
	char buf[USBM_LINE_MAX + 1];
	int n = usbm_format(&r, buf, sizeof(buf));
	if (n < 1 || (size_t)n != size + 1 || memcmp(buf, data, size) != 0 || buf[size] != '\n')
		abort();
	if (r.op == USBM_MOUNT && (!usbm_name_ok(r.name) || strchr(r.name, '/') ||
				   (strcmp(r.fs, "exfat") != 0 && strcmp(r.fs, "ntfs") != 0)))
		abort();
	return 0;
}
