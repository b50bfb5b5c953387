/* fuzz_osk: the names read from /dev/input/by-path and by-id (a keyboard's event device or
 * not), keyboard.onscreen's words, and hit-testing the keyboard at any size and point. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "osk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A directory entry's name: at most 255 bytes, NUL-terminated. */
	char name[256];
	size_t n = size < sizeof(name) - 1 ? size : sizeof(name) - 1;
	memcpy(name, data, n);
	name[n] = '\0';
	bool kbd = osk_is_kbd_name(name);
	size_t len = strlen(name);
	if (kbd && (len <= 10 || strcmp(name + len - 10, "-event-kbd") != 0))
		abort();
	enum osk_mode m;
	if (osk_mode_parse(name, &m) && (unsigned)m > OSK_NEVER)
		abort();
	/* Sizes and a point from the bytes: a hit is always inside the key it names. */
	if (size >= 8) {
		int w = 200 + (data[0] | data[1] << 8) % 4000;
		int h = 200 + (data[2] | data[3] << 8) % 3000;
		struct osk_layout l;
		int kh = osk_height(w, h);
		osk_layout(w, kh, &l);
		double x = (data[4] | data[5] << 8) % (w + 50),
		       y = (data[6] | data[7] << 8) % (kh + 50);
		int i = osk_hit(&l, x, y);
		if (i >= 0 && (i >= l.n || x < l.r[i].x || x >= l.r[i].x + l.r[i].w ||
			       y < l.r[i].y || y >= l.r[i].y + l.r[i].h))
			abort();
		uint32_t syms[OSK_MAX_SYMS];
		if (osk_syms(i, size & 1, syms) > OSK_MAX_SYMS)
			abort();
	}
	return 0;
}
