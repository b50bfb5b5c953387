/* reqparse: a strict reader of a proxy request's head (RFC 9112 subset). Only
 * "CONNECT host:443 HTTP/1.x" and "GET http://host[:80]/path HTTP/1.x"; CRLF line ends,
 * token header names, no obsolete line folding, no body for GET. */
#include "reqparse.h"

#include <string.h>
#include <strings.h>

static bool tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static void keep_raw(struct req *r, const char *s, size_t n)
{
	if (n > DECIDE_HOST_MAX)
		n = DECIDE_HOST_MAX;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		r->raw_host[i] = (c > 0x20 && c < 0x7f) ? (char)c : '?';
	}
	r->raw_host[n] = '\0';
}

bool req_header_is(const char *buf, const struct req_header *h, const char *name)
{
	return strlen(name) == h->name_len && strncasecmp(buf + h->name, name, h->name_len) == 0;
}

/* The authority of "scheme://authority/..." in URL (N bytes): its start and length. */
static bool url_authority(const char *url, size_t n, const char *scheme, size_t *start, size_t *len)
{
	size_t sn = strlen(scheme);
	if (n < sn || strncasecmp(url, scheme, sn) != 0)
		return false;
	size_t i = sn;
	while (i < n && url[i] != '/' && url[i] != '?' && url[i] != '#')
		i++;
	*start = sn;
	*len = i - sn;
	return true;
}

bool req_url_host(const char *url, size_t n, char out[DECIDE_HOST_MAX + 1])
{
	size_t s, l;
	out[0] = '\0';
	if (!url_authority(url, n, "https://", &s, &l) && !url_authority(url, n, "http://", &s, &l))
		return false;
	const char *a = url + s;
	if (memchr(a, '@', l) || (l && a[0] == '['))
		return false;
	const char *colon = memchr(a, ':', l);
	size_t hn = colon ? (size_t)(colon - a) : l;
	return decide_host(a, hn, out) == REFUSE_NONE;
}

enum req_status req_parse(const char *buf, size_t n, struct req *r)
{
	memset(r, 0, sizeof(*r));
	size_t scan = n < REQ_HEAD_MAX ? n : REQ_HEAD_MAX;
	const char *end = NULL;
	for (size_t i = 0; i + 3 < scan; i++)
		if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' &&
		    buf[i + 3] == '\n') {
			end = buf + i;
			break;
		}
	if (!end)
		return n >= REQ_HEAD_MAX ? REQ_TOO_LARGE : REQ_MORE;
	r->head_len = (size_t)(end - buf) + 4;
	size_t hl = (size_t)(end - buf) + 2; /* through the last header's CRLF */
	for (size_t i = 0; i < hl; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c == 0 || c == 0x7f || (c < 0x20 && c != '\t' && c != '\r' && c != '\n'))
			return REQ_BAD;
		if (c == '\n' && (i == 0 || buf[i - 1] != '\r'))
			return REQ_BAD; /* a bare LF */
		if (c == '\r' && (i + 1 >= hl || buf[i + 1] != '\n'))
			return REQ_BAD; /* a bare CR */
	}
	/* The request line: METHOD SP TARGET SP HTTP/1.x */
	const char *line_end = memchr(buf, '\r', hl);
	size_t ll = (size_t)(line_end - buf);
	const char *sp1 = memchr(buf, ' ', ll);
	if (!sp1)
		return REQ_BAD;
	const char *t = sp1 + 1;
	const char *sp2 = memchr(t, ' ', (size_t)(line_end - t));
	if (!sp2 || sp2 == t || memchr(sp2 + 1, ' ', (size_t)(line_end - sp2 - 1)))
		return REQ_BAD;
	size_t vlen = (size_t)(line_end - sp2 - 1);
	if (vlen != 8 ||
	    (memcmp(sp2 + 1, "HTTP/1.1", 8) != 0 && memcmp(sp2 + 1, "HTTP/1.0", 8) != 0))
		return REQ_BAD;
	size_t ml = (size_t)(sp1 - buf);
	for (size_t i = 0; i < ml; i++)
		if (!tchar((unsigned char)buf[i]))
			return REQ_BAD;
	if (ml == 0)
		return REQ_BAD;
	size_t tl = (size_t)(sp2 - t);
	for (size_t i = 0; i < tl; i++)
		if ((unsigned char)t[i] <= 0x20 || (unsigned char)t[i] == 0x7f)
			return REQ_BAD; /* bytes >= 0x80: a host refuses them below, a path here */

	/* Headers */
	const char *p = line_end + 2;
	bool has_host = false;
	while (p < buf + hl) {
		const char *le = memchr(p, '\r', (size_t)(buf + hl - p));
		if (r->n_headers >= REQ_HEADERS_MAX)
			return REQ_TOO_LARGE;
		const char *colon = memchr(p, ':', (size_t)(le - p));
		if (!colon || colon == p)
			return REQ_BAD; /* also catches folding: a line starting with a space */
		for (const char *q = p; q < colon; q++)
			if (!tchar((unsigned char)*q))
				return REQ_BAD;
		const char *v = colon + 1, *ve = le;
		while (v < ve && (*v == ' ' || *v == '\t'))
			v++;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		struct req_header *h = &r->h[r->n_headers++];
		h->name = (size_t)(p - buf);
		h->name_len = (size_t)(colon - p);
		h->value = (size_t)(v - buf);
		h->value_len = (size_t)(ve - v);
		if (req_header_is(buf, h, "host")) {
			if (has_host)
				return REQ_BAD;
			has_host = true;
		} else if (req_header_is(buf, h, "referer")) {
			if (r->referer_len)
				return REQ_BAD;
			r->referer = h->value;
			r->referer_len = h->value_len;
		} else if (req_header_is(buf, h, "content-length") ||
			   req_header_is(buf, h, "transfer-encoding")) {
			/* CONNECT and GET carry no body here: a body would be a second request
			 * hidden from the checks */
			if (!(h->value_len == 1 && buf[h->value] == '0'))
				return REQ_BAD;
		}
		p = le + 2;
	}

	if (ml == 7 && memcmp(buf, "CONNECT", 7) == 0) {
		r->connect = true;
		keep_raw(r, t, tl);
		r->refusal = decide_authority(t, tl, 443, 0, r->host);
	} else if (ml == 3 && memcmp(buf, "GET", 3) == 0) {
		size_t s, l;
		if (!url_authority(t, tl, "http://", &s, &l)) {
			/* origin-form or https:// through a plain proxy: not what a browser sends
			 * to its proxy */
			return REQ_BAD;
		}
		keep_raw(r, t + s, l);
		if (s + l < tl && t[s + l] == '#')
			return REQ_BAD;
		r->refusal = decide_authority(t + s, l, 80, 80, r->host);
		r->path = (size_t)(t + s + l - buf);
		r->path_len = tl - s - l;
		for (size_t i = 0; i < r->path_len; i++)
			if ((unsigned char)buf[r->path + i] >= 0x80)
				return REQ_BAD;
	} else {
		return REQ_METHOD;
	}
	if (r->refusal != REFUSE_NONE) {
		r->host[0] = '\0';
		return REQ_REFUSED;
	}
	return REQ_OK;
}
