/* decide: escale-proxy's host decision (docs/network.md), pure. */
#include "decide.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

const char *decide_reason(enum refusal r)
{
	switch (r) {
	case REFUSE_NONE:
		return "allowed";
	case REFUSE_MALFORMED:
		return "not a valid host name";
	case REFUSE_NON_ASCII:
		return "not an ASCII host name (IDNs go as xn-- names)";
	case REFUSE_TOO_LONG:
		return "host name too long";
	case REFUSE_IP_LITERAL:
		return "an IP address, not a name";
	case REFUSE_PORT:
		return "port not allowed (443 for HTTPS, 80 for HTTP)";
	case REFUSE_USERINFO:
		return "user name in the address";
	case REFUSE_NOT_ALLOWED:
		return "not an allowed site";
	case REFUSE_NOT_HTTP:
		return "plain HTTP not allowed for this site";
	case REFUSE_PRIVATE:
		return "resolves to a local or private address";
	case REFUSE_NO_ADDRESS:
		return "name does not resolve";
	case REFUSE_UNREACHABLE:
		return "site unreachable";
	}
	return "refused";
}

static bool all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool is_hex_number(const char *s, size_t n)
{
	if (n < 2 || s[0] != '0' || s[1] != 'x')
		return false;
	for (size_t i = 2; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

enum refusal decide_host(const char *in, size_t n, char out[DECIDE_HOST_MAX + 1])
{
	out[0] = '\0';
	if (n == 0)
		return REFUSE_MALFORMED;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c >= 0x80)
			return REFUSE_NON_ASCII;
		if (c == '@')
			return REFUSE_USERINFO;
		if (c == '[' || c == ']' || c == ':')
			return REFUSE_IP_LITERAL;
	}
	if (in[n - 1] == '.')
		n--; /* one trailing dot: the root */
	if (n == 0)
		return REFUSE_MALFORMED;
	if (n > DECIDE_HOST_MAX)
		return REFUSE_TOO_LONG;
	size_t label = 0, last = 0;
	for (size_t i = 0; i < n; i++) {
		char c = in[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c == '.') {
			if (label == 0)
				return REFUSE_MALFORMED; /* empty label */
			label = 0;
			last = i + 1;
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
			   c == '_') {
			if (++label > DECIDE_LABEL_MAX)
				return REFUSE_TOO_LONG;
		} else {
			return REFUSE_MALFORMED; /* '%', spaces, controls, '/', ... */
		}
		out[i] = c;
	}
	if (label == 0)
		return REFUSE_MALFORMED;
	out[n] = '\0';
	/* As the WHATWG URL parser does: a name whose last label is a number (decimal, octal
	 * or 0x-hex) is an IPv4 address (127.1, 2130706433, 0x7f.1, 0177.0.0.1), or invalid. */
	if (all_digits(out + last, n - last) || is_hex_number(out + last, n - last) ||
	    strcmp(out + last, "0x") == 0) {
		out[0] = '\0';
		return REFUSE_IP_LITERAL;
	}
	return REFUSE_NONE;
}

enum refusal decide_authority(const char *in, size_t n, int port, int default_port,
			      char host[DECIDE_HOST_MAX + 1])
{
	host[0] = '\0';
	if (n == 0)
		return REFUSE_MALFORMED;
	if (memchr(in, '@', n))
		return REFUSE_USERINFO;
	if (in[0] == '[')
		return REFUSE_IP_LITERAL;
	const char *colon = memrchr(in, ':', n);
	size_t hn = n;
	long p = default_port;
	if (colon) {
		hn = (size_t)(colon - in);
		const char *ps = colon + 1;
		size_t pn = n - hn - 1;
		if (!all_digits(ps, pn) || pn > 5)
			return memchr(in, ':', hn) ? REFUSE_IP_LITERAL : REFUSE_MALFORMED;
		p = 0;
		for (size_t i = 0; i < pn; i++)
			p = p * 10 + (ps[i] - '0');
	}
	if (p == 0)
		return REFUSE_MALFORMED;
	enum refusal r = decide_host(in, hn, host);
	if (r != REFUSE_NONE)
		return r;
	if (p != port)
		return REFUSE_PORT;
	return REFUSE_NONE;
}

bool allow_add(struct allowlist *al, const char *id, const char *url, bool intranet,
	       const char *const *domains, int n_domains, int *skipped)
{
	size_t idn = strlen(id);
	if (idn == 0 || idn > DECIDE_ID_MAX)
		return false;
	al->sv = xrealloc(al->sv, (size_t)(al->n + 1) * sizeof(*al->sv));
	struct allow_service *sv = &al->sv[al->n++];
	memset(sv, 0, sizeof(*sv));
	memcpy(sv->id, id, idn + 1);
	sv->intranet = intranet;
	sv->http = url && strncmp(url, "http://", 7) == 0;
	sv->domains = xcalloc((size_t)n_domains + 1, sizeof(char *));
	int skip = 0;
	for (int i = 0; i < n_domains; i++) {
		const char *d = domains[i];
		bool exact = d[0] == '.';
		char norm[DECIDE_HOST_MAX + 1];
		if (decide_host(d + exact, strlen(d + exact), norm) != REFUSE_NONE) {
			skip++;
			continue;
		}
		sv->domains[sv->n_domains++] = exact ? xasprintf(".%s", norm) : xstrdup(norm);
	}
	if (skipped)
		*skipped = skip;
	return true;
}

void allow_free(struct allowlist *al)
{
	for (int i = 0; i < al->n; i++) {
		for (int j = 0; j < al->sv[i].n_domains; j++)
			free(al->sv[i].domains[j]);
		free(al->sv[i].domains);
	}
	free(al->sv);
	al->sv = NULL;
	al->n = 0;
}

bool allow_domain_covers(const char *d, const char *host)
{
	if (d[0] == '.')
		return strcmp(d + 1, host) == 0;
	size_t dn = strlen(d), hn = strlen(host);
	if (hn == dn)
		return strcmp(d, host) == 0;
	return hn > dn && host[hn - dn - 1] == '.' && strcmp(host + hn - dn, d) == 0;
}

int allow_match(const struct allowlist *al, const char *host, bool http_only)
{
	for (int i = 0; i < al->n; i++) {
		if (http_only && !al->sv[i].http)
			continue;
		for (int j = 0; j < al->sv[i].n_domains; j++)
			if (allow_domain_covers(al->sv[i].domains[j], host))
				return i;
	}
	return -1;
}

static bool v4_public(uint32_t a)
{
	uint8_t b0 = (uint8_t)(a >> 24), b1 = (uint8_t)(a >> 16), b2 = (uint8_t)(a >> 8);
	if (b0 == 0 || b0 == 10 || b0 == 127 || b0 >= 224) /* this net, private, loop, mcast+ */
		return false;
	if (b0 == 100 && (b1 & 0xc0) == 64) /* 100.64/10, carrier-grade NAT */
		return false;
	if (b0 == 169 && b1 == 254) /* link-local */
		return false;
	if (b0 == 172 && (b1 & 0xf0) == 16)
		return false;
	if (b0 == 192 && b1 == 168)
		return false;
	if (b0 == 192 && b1 == 0 && b2 == 0) /* IETF protocol assignments */
		return false;
	if (b0 == 198 && (b1 & 0xfe) == 18) /* benchmarking */
		return false;
	return true;
}

bool decide_addr_public(const struct sockaddr *a)
{
	if (a->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)a;
		return v4_public(ntohl(s4->sin_addr.s_addr));
	}
	if (a->sa_family != AF_INET6)
		return false;
	const struct in6_addr *s6 = &((const struct sockaddr_in6 *)(const void *)a)->sin6_addr;
	const uint8_t *b = s6->s6_addr;
	static const uint8_t zero[12];
	if (IN6_IS_ADDR_V4MAPPED(s6) || memcmp(b, zero, 12) == 0) {
		/* ::ffff:a.b.c.d and the old ::a.b.c.d (which includes :: and ::1) */
		uint32_t v4 = (uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 | (uint32_t)b[14] << 8 |
			      b[15];
		return v4_public(v4);
	}
	if ((b[0] & 0xfe) == 0xfc) /* fc00::/7, unique local */
		return false;
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) /* fe80::/10, link-local */
		return false;
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) /* fec0::/10, old site-local */
		return false;
	if (b[0] == 0xff) /* multicast */
		return false;
	/* 64:ff9b::/96 NAT64 of a private v4 */
	static const uint8_t nat64[12] = {0, 0x64, 0xff, 0x9b};
	if (memcmp(b, nat64, 12) == 0) {
		uint32_t v4 = (uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 | (uint32_t)b[14] << 8 |
			      b[15];
		return v4_public(v4);
	}
	return true;
}
