/* fuzz_catalogue: the catalogue of services (config/services.conf) on arbitrary files. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "catalogue.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* libconfig reads files: give it one that lives in memory. */
	static int fd = -1;
	static char path[64];
	if (fd < 0) {
		fd = memfd_create("escale-fuzz-catalogue", 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		return 0;
	struct store_service *list;
	size_t n;
	struct cfg_err err;
	(void)catalogue_load(path, &list, &n, &err);
	free(list);
	return 0;
}
