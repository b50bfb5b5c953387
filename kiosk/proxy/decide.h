/* decide: escale-proxy's host decision, pure (no I/O): is this authority well formed, is
 * its host one of the services' domains, may an address it resolved to be reached. */
#ifndef ESCALE_PROXY_DECIDE_H
#define ESCALE_PROXY_DECIDE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#define DECIDE_HOST_MAX  253 /* a DNS name in text, without the trailing dot */
#define DECIDE_LABEL_MAX 63
#define DECIDE_ID_MAX    32

enum refusal {
	REFUSE_NONE = 0,
	REFUSE_MALFORMED,   /* empty labels, bad characters, percent-encoding */
	REFUSE_NON_ASCII,   /* a raw byte >= 0x80: IDNs come as A-labels */
	REFUSE_TOO_LONG,    /* a name over 253 or a label over 63 */
	REFUSE_IP_LITERAL,  /* v4 in any inet_aton form, v6 in brackets */
	REFUSE_PORT,        /* CONNECT to other than 443, GET to other than 80 */
	REFUSE_USERINFO,    /* user@host */
	REFUSE_NOT_ALLOWED, /* not in any service's domains */
	REFUSE_NOT_HTTP,    /* plain http:// to a service whose home page is https:// */
	REFUSE_PRIVATE,     /* resolved to a loopback/private/link-local/... address */
	REFUSE_NO_ADDRESS,  /* the name does not resolve */
	REFUSE_UNREACHABLE, /* no address answered */
};

/* The one-line reason of a refusal, e.g. "not an allowed site". */
const char *decide_reason(enum refusal r);

/* Normalizes the host name IN (N bytes, not NUL-terminated) into OUT: lower-cased, one
 * trailing dot removed. Refuses everything but an ASCII DNS name that is not an IP
 * literal. */
enum refusal decide_host(const char *in, size_t n, char out[DECIDE_HOST_MAX + 1]);

/* An authority "host:port" (CONNECT's target, or a URL's authority): the host through
 * decide_host, the port must be PORT (absent: DEFAULT_PORT, or malformed when 0). */
enum refusal decide_authority(const char *in, size_t n, int port, int default_port,
			      char host[DECIDE_HOST_MAX + 1]);

struct allow_service {
	char id[DECIDE_ID_MAX + 1];
	bool intranet;  /* its names may resolve to private addresses */
	bool http;      /* its home page is http://: plain GET allowed */
	char **domains; /* normalized; ".x" for the host x alone */
	int n_domains;
};

struct allowlist {
	struct allow_service *sv;
	int n;
};

/* Adds a service; false (and nothing added) when ID is not a service id. Domains that
 * are not names are skipped (returned in *SKIPPED when not NULL). */
bool allow_add(struct allowlist *al, const char *id, const char *url, bool intranet,
	       const char *const *domains, int n_domains, int *skipped);
void allow_free(struct allowlist *al);
/* True when the domain entry D (".x" or "x") covers HOST. */
bool allow_domain_covers(const char *d, const char *host);
/* The first service whose domains cover HOST (when HTTP_ONLY, among those whose home page
 * is http://), or -1. HOST is normalized (decide_host). */
int allow_match(const struct allowlist *al, const char *host, bool http_only);

/* True when A may be reached by a service that is not intranet: a public unicast
 * address. False for loopback, private (RFC 1918, 100.64/10, fc00::/7), link-local,
 * multicast, unspecified, reserved, and the IPv4-mapped forms of those. */
bool decide_addr_public(const struct sockaddr *a);

#endif
