/* fuzz_proxyreq: escale-proxy's reader of a request head (and of the Referer's host). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reqparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Not NUL-terminated on purpose: the parser stops at the length. */
	char *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	static struct req r;
	enum req_status st = req_parse(buf, size, &r);
	if (st == REQ_OK || st == REQ_REFUSED) {
		if (r.head_len > size || r.head_len > REQ_HEAD_MAX || r.n_headers > REQ_HEADERS_MAX)
			abort();
		for (int i = 0; i < r.n_headers; i++)
			if (r.h[i].value + r.h[i].value_len > r.head_len)
				abort();
		if (st == REQ_OK && (r.host[0] == '\0' || strlen(r.host) > DECIDE_HOST_MAX))
			abort();
		char h[DECIDE_HOST_MAX + 1];
		if (r.referer_len && req_url_host(buf + r.referer, r.referer_len, h) && !h[0])
			abort();
		if (!r.connect && r.path + r.path_len > r.head_len)
			abort();
	}
	/* the whole input as a CONNECT target and as a URL */
	char host[DECIDE_HOST_MAX + 1];
	if (decide_authority(buf, size, 443, 0, host) == REFUSE_NONE &&
	    (!host[0] || strlen(host) > DECIDE_HOST_MAX))
		abort();
	req_url_host(buf, size, host);
	free(buf);
	return 0;
}
