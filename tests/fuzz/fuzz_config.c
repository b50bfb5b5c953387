/* fuzz_config: escale-admind's config loader on arbitrary files. */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "admind.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* libconfig reads files: give it one that lives in memory. */
	static int fd = -1;
	static char path[64];
	if (fd < 0) {
		fd = memfd_create("escale-fuzz-config", 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		return 0;
	struct admind_config c;
	struct cfg_err err;
	(void)admind_config_load(path, &c, &err);
	admind_config_free(&c);
	return 0;
}
