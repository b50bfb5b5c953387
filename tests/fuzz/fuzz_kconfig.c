/* fuzz_kconfig: escale-kiosk's config loader on arbitrary files, and the browser policies
 * generated from every config it accepts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kconfig.h"
#include "kprint.h"
#include "policy.h"

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
	if (kconfig_load(&c, path, &err)) {
		char e[256];
		/* Any config that loads yields both policies (the domain count is checked). */
		json_t *p =
			policy_chromium(&c, "file:///run/escale/kiosk/session-x/home/index.html",
					true, e, sizeof(e));
		json_t *f = policy_firefox(&c, "file:///run/escale/kiosk/session-", false, e,
					   sizeof(e));
		if (!p || !f)
			__builtin_trap();
		json_decref(p);
		json_decref(f);
		/* The CUPS client settings hold the lines they should, no more (no setting
		 * smuggled in through print.server or print.kiosk_name). */
		char *conf = kprint_client_conf(&c, NULL);
		int lines = 0;
		for (const char *s = conf; s && *s; s++)
			lines += *s == '\n';
		if (conf && lines != (*c.print_kiosk_name ? 3 : 2))
			__builtin_trap();
		free(conf);
	}
	kconfig_free(&c);
	return 0;
}
