/* fuzz_logescape: what clients send, escaped for a log line (common/log.c). */
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	if (!init++)
		setlocale(LC_CTYPE, "C.UTF-8");
	/* A small buffer too: cuts must fall on whole escapes and characters. */
	size_t caps[] = {1, 7, 64, 4 * size + 1};
	for (size_t c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
		char *out = malloc(caps[c]);
		size_t n = log_escape((const char *)data, size, out, caps[c]);
		if (n >= caps[c] || out[n] != '\0' || strlen(out) != n)
			__builtin_trap();
		/* One line of valid UTF-8, nothing invisible that steers a terminal. */
		mbstate_t st;
		memset(&st, 0, sizeof(st));
		for (size_t i = 0; i < n;) {
			unsigned char b = (unsigned char)out[i];
			if (b < 0x20 || b == 0x7f)
				__builtin_trap();
			size_t k = mbrtowc(NULL, out + i, n - i, &st);
			if (k == (size_t)-1 || k == (size_t)-2 || k == 0)
				__builtin_trap();
			i += k;
		}
		/* Everything fits when the buffer is big enough (each byte
		 * gives at least one). */
		if (c == 3 && n < size)
			__builtin_trap();
		free(out);
	}
	return 0;
}
