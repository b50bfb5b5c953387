/* services: the checks a service passes, shared by the kiosk and escale-admind. */
#include "services.h"

#include <string.h>

#include "util.h"

/* In the order of the kiosk's home page pictograms (kiosk/homepage.c). */
const char *const svc_icons[] = {"famille", "emploi",   "sante",     "impots",
				 "papiers", "logement", "demarches", "retraite"};
const size_t svc_icons_len = sizeof(svc_icons) / sizeof(svc_icons[0]);

bool svc_host_ok(const char *s)
{
	size_t n = strlen(s), label = 0;
	if (n == 0 || n > SVC_HOST_MAX)
		return false;
	for (const char *p = s;; p++) {
		if (*p == '.' || *p == '\0') {
			if (label == 0 || p[-1] == '-')
				return false;
			if (*p == '\0')
				return true;
			label = 0;
			continue;
		}
		bool ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
			  (*p == '-' && label > 0);
		if (!ok || ++label > 63)
			return false;
	}
}

bool svc_domain_ok(const char *s)
{
	return svc_host_ok(*s == '.' ? s + 1 : s);
}

bool svc_domain_covers(const char *d, const char *host)
{
	if (*d == '.')
		return strcmp(d + 1, host) == 0;
	size_t dl = strlen(d), hl = strlen(host);
	return hl >= dl && strcmp(host + hl - dl, d) == 0 && (hl == dl || host[hl - dl - 1] == '.');
}

void svc_slug(const char *name, char out[SVC_ID_MAX + 1])
{
	size_t n = 0;
	bool dash = false;
	for (const unsigned char *p = (const unsigned char *)name; *p && n < SVC_ID_MAX; p++) {
		unsigned char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && n > 0 && n < SVC_ID_MAX - 1)
				out[n++] = '-';
			out[n++] = (char)c;
			dash = false;
		} else {
			dash = true;
		}
	}
	if (n == 0)
		out[n++] = 's';
	out[n] = '\0';
}

bool svc_id_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > SVC_ID_MAX || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

bool svc_icon_ok(const char *s)
{
	if (!*s)
		return true;
	for (size_t i = 0; i < svc_icons_len; i++)
		if (strcmp(s, svc_icons[i]) == 0)
			return true;
	return false;
}

bool svc_url_host(const char *url, char host[SVC_HOST_MAX + 1])
{
	size_t len = strlen(url);
	if (len > SVC_URL_MAX || strncmp(url, "https://", 8) != 0)
		return false;
	/* ASCII only: a non-ASCII character is written %XX (the browser's policy and
	 * the proxy compare bytes). */
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p <= ' ' || *p >= 0x7f)
			return false;
	const char *h = url + 8;
	size_t hl = strcspn(h, ":/?#");
	const char *aend = h + strcspn(h, "/?#");
	if (memchr(h, '@', (size_t)(aend - h)) || hl == 0 || hl > SVC_HOST_MAX)
		return false;
	for (size_t i = 0; i < hl; i++) {
		char c = h[i];
		host[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	host[hl] = '\0';
	if (h[hl] == ':') {
		const char *p = h + hl + 1;
		size_t digits = strspn(p, "0123456789");
		if (digits == 0 || digits > 5 || p + digits != aend)
			return false;
	}
	if (!svc_host_ok(host))
		return false;
	/* An IPv4 literal is a host name of digits and dots: refused, the
	 * allowlist matches names. */
	return strspn(host, "0123456789.") != hl;
}

bool svc_text_ok(const char *s, size_t min_chars, size_t max_chars)
{
	size_t len = strlen(s), n = 0;
	if (!utf8_valid_text(s, len))
		return false;
	for (const char *p = s; *p; p++)
		if (((unsigned char)*p & 0xc0) != 0x80)
			n++;
	return n >= min_chars && n <= max_chars;
}
