/* fuzz_kcgroup: the kiosk's readers of /proc/self/mountinfo and /proc/self/cgroup. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kcgroup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Not NUL-terminated on purpose: the readers stop at the length. */
	char *text = malloc(size ? size : 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	char out[KCGROUP_PATH_MAX];
	if (kcgroup_parse_mountinfo(text, size, out) && out[0] != '/')
		abort();
	if (kcgroup_parse_self(text, size, out) && out[0] != '/')
		abort();
	free(text);
	return 0;
}
