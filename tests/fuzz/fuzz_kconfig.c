/* fuzz_kconfig: escale-kiosk's config loader on arbitrary files. */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* libconfig reads files: give it one that lives in memory. */
	static int fd = -1;
	static char path[64];
	if (fd < 0) {
		fd = memfd_create("escale-fuzz-kconfig", 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		return 0;
	struct kiosk_cfg c;
	struct cfg_err err;
	(void)kconfig_load(&c, path, &err);
	kconfig_free(&c);
	return 0;
}
