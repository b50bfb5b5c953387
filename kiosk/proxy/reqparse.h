/* reqparse: the head of a request to escale-proxy (request line and headers), pure. */
#ifndef ESCALE_PROXY_REQPARSE_H
#define ESCALE_PROXY_REQPARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "decide.h"

#define REQ_HEAD_MAX    (16 * 1024) /* request line + headers */
#define REQ_HEADERS_MAX 100

enum req_status {
	REQ_MORE = 0,  /* no end of head yet: read on (while under REQ_HEAD_MAX) */
	REQ_OK,        /* parsed: see struct req */
	REQ_BAD,       /* 400 */
	REQ_TOO_LARGE, /* 431 */
	REQ_METHOD,    /* 405: neither CONNECT nor GET */
	REQ_REFUSED,   /* 403: the authority; req->refusal says why */
};

struct req_header {
	size_t name, name_len, value, value_len; /* offsets into the head */
};

struct req {
	bool connect;                       /* CONNECT host:443, else GET http://host/... */
	size_t head_len;                    /* bytes of the head, "\r\n\r\n" included */
	enum refusal refusal;               /* for REQ_REFUSED */
	char host[DECIDE_HOST_MAX + 1];     /* normalized; set for REQ_OK and REQ_REFUSED with a
					   readable host (else "") */
	char raw_host[DECIDE_HOST_MAX + 1]; /* the host as sent, for a refusal's message,
					       cut and with bytes outside printable ASCII as
					       '?' */
	size_t path, path_len;              /* GET: the origin-form target ("/..." ) */
	size_t referer, referer_len;        /* the Referer header, or 0 length */
	struct req_header h[REQ_HEADERS_MAX];
	int n_headers;
};

/* Parses BUF (N bytes read so far). REQ_MORE while no CRLFCRLF within REQ_HEAD_MAX. */
enum req_status req_parse(const char *buf, size_t n, struct req *r);

/* True when the header H of BUF is NAME (case-insensitive). */
bool req_header_is(const char *buf, const struct req_header *h, const char *name);

/* The host of an absolute http(s) URL (a Referer), normalized into OUT; false when it has
 * none that decide_host accepts. */
bool req_url_host(const char *url, size_t n, char out[DECIDE_HOST_MAX + 1]);

#endif
