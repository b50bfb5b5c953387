/* fuzz_proxyctl: escale-proxy's control socket, one request line at a time. Each input is
 * split at newlines and every line answered, so that a "services" line changes what the
 * next ones see. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proxy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct proxy px;
	static char listen[] = "127.0.0.1:3128";
	px.cfg.proxy_listen = listen;
	size_t off = 0;
	while (off < size) {
		const uint8_t *nl = memchr(data + off, '\n', size - off);
		size_t n = nl ? (size_t)(nl - (data + off)) : size - off;
		char *line = malloc(n ? n : 1);
		if (!line)
			break;
		memcpy(line, data + off, n);
		char *ans = control_answer(&px, line, n);
		json_error_t e;
		json_t *j = json_loads(ans, 0, &e);
		/* every answer is one JSON object on one line */
		if (!j || !json_is_object(j) || strchr(ans, '\n'))
			abort();
		json_decref(j);
		free(ans);
		free(line);
		off += n + 1;
	}
	allow_free(&px.al);
	stats_session_reset(&px.st);
	return 0;
}
