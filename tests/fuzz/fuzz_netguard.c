/* fuzz_netguard: the kiosk's readers of escale-proxy's status line and of admin.url's host
 * (proxy.enforce's network check). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netguard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The status line as read: not NUL-terminated, the reader stops at the length. */
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	if (netguard_status_ok(text, size) && (size == 0 || size > NG_REPLY_MAX))
		abort();
	text[size] = '\0';
	char host[256];
	int port = 0;
	if (netguard_url_host(text, host, sizeof(host), &port) &&
	    (!host[0] || port < 1 || port > 65535 || strlen(host) >= sizeof(host)))
		abort();
	free(text);
	return 0;
}
