/* fuzz_printer: the print host's address of POST /api/v1/printers (store_printers.h).
 * What it accepts is HOST:PORT of allowed characters only, and parses again to itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store_printers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0; /* the body's field is at most PRINTER_SERVER_MAX characters */
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	char out[PRINTER_SERVER_MAX + 1], again[PRINTER_SERVER_MAX + 1];
	if (printer_server_parse(s, out)) {
		size_t n = strlen(out);
		if (n < 3 || n > PRINTER_SERVER_MAX ||
		    strspn(out,
			   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.:[]") !=
			    n ||
		    !strchr(out, ':') || strlen(s) > PRINTER_SERVER_MAX)
			abort();
		if (!printer_server_parse(out, again) || strcmp(out, again) != 0)
			abort();
	}
	free(s);
	return 0;
}
