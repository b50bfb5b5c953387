/* fuzz_proxyhosts: escale-proxy's reader of proxy.hosts_file (hosts(5)). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hostsfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size ? size : 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	struct hostsfile hf;
	size_t line;
	const char *why;
	if (hostsfile_parse(&hf, text, size, &line, &why)) {
		struct sockaddr_storage a[HOSTSFILE_MAX_ADDRS];
		for (size_t i = 0; i < hf.n; i++)
			if (hostsfile_lookup(&hf, hf.e[i].name, a, HOSTSFILE_MAX_ADDRS) < 1)
				abort();
		hostsfile_free(&hf);
	} else if (hf.n != 0 || hf.e != NULL) {
		abort();
	}
	free(text);
	return 0;
}
