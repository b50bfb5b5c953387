/* services: the services list's checks, its JSON and its memory (see services.h). */
#include "services.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static bool say(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return false;
}

/* S for an error message, if it is short printable text. */
static const char *quoted(const char *s)
{
	size_t n = strlen(s);
	return n <= 64 && utf8_valid_text(s, n) ? s : "(unprintable or too long)";
}

/* In the order of the kiosk's home page pictograms (kiosk/homepage.c). */
const char *const svc_icons[] = {"famille", "emploi",   "sante",     "impots",
				 "papiers", "logement", "demarches", "retraite"};
const size_t svc_icons_len = sizeof(svc_icons) / sizeof(svc_icons[0]);

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

bool svc_is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;
	if (strcmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return false;
}

size_t svc_utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

bool svc_url_check(const char *what, const char *url, char host[256], char *err, size_t errlen)
{
	const char *p;
	bool tls;
	if (strncmp(url, "https://", 8) == 0) {
		p = url + 8;
		tls = true;
	} else if (strncmp(url, "http://", 7) == 0) {
		p = url + 7;
		tls = false;
	} else {
		return say(err, errlen, "%s must start with https:// (or http:// to this computer)",
			   what);
	}
	if (strpbrk(url, " \t"))
		return say(err, errlen, "%s must not contain spaces (write them as %%20)", what);
	const char *aend = p + strcspn(p, "/?#"); /* the authority: host and port */
	if (memchr(p, '@', (size_t)(aend - p)))
		return say(err, errlen, "%s must not contain a user name or password", what);
	bool v6 = *p == '[';
	const char *h = p, *rest;
	if (v6) {
		const char *end = memchr(p, ']', (size_t)(aend - p));
		if (!end)
			return say(err, errlen, "%s: missing ']' after the IPv6 address", what);
		h = p + 1;
		rest = end + 1;
	} else {
		rest = p + strcspn(p, ":/?#");
	}
	size_t hlen = (size_t)(rest - h) - (v6 ? 1 : 0);
	if (hlen == 0 || hlen > 253)
		return say(err, errlen, "%s has no host name", what);
	for (size_t i = 0; i < hlen; i++) {
		char c = h[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
			  (c == '-' && !v6) || (c == ':' && v6);
		if (!ok)
			return say(err, errlen,
				   "%s: the host name may hold only letters, digits, dots and "
				   "dashes",
				   what);
		host[i] = c;
	}
	host[hlen] = '\0';
	struct in6_addr a6;
	if (v6 && inet_pton(AF_INET6, host, &a6) != 1)
		return say(err, errlen, "%s: '%s' is not an IPv6 address", what, host);
	if (rest < aend) {
		char digits[8];
		size_t plen = (size_t)(aend - rest - 1);
		int64_t port;
		if (*rest != ':' || plen == 0 || plen >= sizeof(digits))
			return say(err, errlen, "%s: expected HOST or HOST:PORT after %s", what,
				   tls ? "https://" : "http://");
		memcpy(digits, rest + 1, plen);
		digits[plen] = '\0';
		if (!parse_i64(digits, 1, 65535, &port))
			return say(err, errlen, "%s: the port must be a number from 1 to 65535",
				   what);
	}
	if (!tls && !svc_is_loopback(host))
		return say(err, errlen,
			   "%s: plain http:// is only allowed to this computer (127.0.0.1, ::1 "
			   "or localhost); use https:// for '%s'",
			   what, host);
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

static bool text_ok(const char *s, size_t maxchars)
{
	return s && utf8_valid_text(s, strlen(s)) && svc_utf8_chars(s) <= maxchars;
}

bool svc_check(const struct kservice *sv, char *err, size_t errlen)
{
	if (!text_ok(sv->name, SVC_NAME_MAX) || !sv->name[0])
		return say(err, errlen, "a service's name must be 1 to %d characters of text",
			   SVC_NAME_MAX);
	const char *name = sv->name;
	if (!svc_id_ok(sv->id))
		return say(err, errlen,
			   "service '%s': its id must be 1 to %d lower-case letters, digits and "
			   "inner dashes",
			   name, SVC_ID_MAX);
	if (!text_ok(sv->category ? sv->category : "", SVC_NAME_MAX))
		return say(err, errlen, "service '%s': its category must be at most %d characters",
			   name, SVC_NAME_MAX);
	const char *icon = sv->icon ? sv->icon : "";
	if (strlen(icon) > SVC_ICON_MAX ||
	    strspn(icon, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(icon))
		return say(err, errlen,
			   "service '%s': its icon must be at most %d lower-case letters, digits "
			   "and dashes",
			   name, SVC_ICON_MAX);
	if (!text_ok(sv->url, SVC_URL_MAX))
		return say(err, errlen, "service '%s': its url must be at most %d characters", name,
			   SVC_URL_MAX);
	char host[256], why[200];
	if (!svc_url_check("url", sv->url, host, why, sizeof(why)))
		return say(err, errlen, "service '%s': %s", name, why);
	if (sv->n_domains < 1 || sv->n_domains > SVC_MAX_DOMAINS)
		return say(err, errlen, "service '%s': 1 to %d domains, not %d", name,
			   SVC_MAX_DOMAINS, sv->n_domains);
	bool covered = false;
	for (int i = 0; i < sv->n_domains; i++) {
		const char *d = sv->domains[i];
		if (!d || strlen(d) > SVC_DOMAIN_MAX || !svc_domain_ok(d))
			return say(err, errlen,
				   "service '%s': '%s' is not a host name: expected lowercase "
				   "letters, digits, dots and dashes, e.g. \"caf.fr\"",
				   name, d ? quoted(d) : "(none)");
		for (int j = 0; j < i; j++)
			if (strcmp(sv->domains[j], d) == 0)
				return say(err, errlen, "service '%s': '%s' is listed twice", name,
					   d);
		covered |= svc_domain_covers(d, host);
	}
	if (!covered)
		return say(err, errlen,
			   "service '%s': its url's host '%s' is not in its domains, so the "
			   "browser would refuse its home page",
			   name, host);
	return true;
}

bool svc_check_list(const struct kservice *s, int n, char *err, size_t errlen)
{
	if (n > SVC_MAX)
		return say(err, errlen, "too many services: at most %d", SVC_MAX);
	int distinct = 0;
	for (int i = 0; i < n; i++) {
		for (int j = 0; j < i; j++) {
			if (strcmp(s[j].name, s[i].name) == 0)
				return say(err, errlen, "service name '%s' is used twice",
					   s[i].name);
			if (strcmp(s[j].id, s[i].id) == 0)
				return say(err, errlen,
					   "service id '%s' is used twice (services '%s' and "
					   "'%s'): give one an 'id'",
					   s[i].id, s[j].name, s[i].name);
		}
		for (int d = 0; d < s[i].n_domains; d++) {
			bool seen = false;
			for (int i2 = 0; i2 <= i && !seen; i2++)
				for (int d2 = 0; d2 < (i2 < i ? s[i2].n_domains : d); d2++)
					if (strcmp(s[i2].domains[d2], s[i].domains[d]) == 0) {
						seen = true;
						break;
					}
			distinct += !seen;
		}
	}
	if (distinct > SVC_MAX_ALLOWLIST)
		return say(err, errlen,
			   "the services list %d distinct domains: the browser's allowlist "
			   "takes at most %d; remove some",
			   distinct, SVC_MAX_ALLOWLIST);
	return true;
}

/* ---- JSON ---- */

static const char *const json_keys[] = {"id",      "name",     "url",         "category", "icon",
					"domains", "intranet", "accompanied", NULL};

static bool json_text(const json_t *o, const char *key, bool required, size_t maxbytes, char **out,
		      const char *def, int index, char *err, size_t errlen)
{
	const json_t *v = json_object_get(o, key);
	if (!v && !required) {
		*out = xstrdup(def);
		return true;
	}
	const char *s = json_string_value(v);
	if (!s || json_string_length(v) > maxbytes || strlen(s) != json_string_length(v) ||
	    !utf8_valid_text(s, strlen(s)))
		return say(err, errlen, "service %d: '%s' must be a text of at most %zu bytes",
			   index, key, maxbytes);
	*out = xstrdup(s);
	return true;
}

static bool json_service(const json_t *o, bool extra_keys, int index, struct kservice *sv,
			 char *err, size_t errlen)
{
	if (!json_is_object(o))
		return say(err, errlen, "service %d is not an object", index);
	if (!extra_keys) {
		const char *k;
		const json_t *v;
		json_object_foreach ((json_t *)o, k, v) {
			size_t i = 0;
			while (json_keys[i] && strcmp(json_keys[i], k) != 0)
				i++;
			if (!json_keys[i])
				return say(err, errlen, "service %d: unknown key '%s'", index,
					   quoted(k));
		}
	}
	char *id = NULL;
	if (!json_text(o, "id", true, SVC_ID_MAX, &id, NULL, index, err, errlen))
		return false;
	snprintf(sv->id, sizeof(sv->id), "%s", id);
	free(id);
	/* 4 bytes a character at most: the character count is checked by svc_check. */
	if (!json_text(o, "name", true, SVC_NAME_MAX * 4, &sv->name, NULL, index, err, errlen) ||
	    !json_text(o, "url", true, SVC_URL_MAX * 4, &sv->url, NULL, index, err, errlen) ||
	    !json_text(o, "category", false, SVC_NAME_MAX * 4, &sv->category, "", index, err,
		       errlen) ||
	    !json_text(o, "icon", false, SVC_ICON_MAX, &sv->icon, "", index, err, errlen))
		return false;
	const json_t *in = json_object_get(o, "intranet");
	if (in && !json_is_boolean(in))
		return say(err, errlen, "service %d: 'intranet' must be true or false", index);
	sv->intranet = json_is_true(in);
	const json_t *acc = json_object_get(o, "accompanied");
	if (acc && !json_is_boolean(acc))
		return say(err, errlen, "service %d: 'accompanied' must be true or false", index);
	sv->accompanied = json_is_true(acc);
	const json_t *doms = json_object_get(o, "domains");
	if (!json_is_array(doms) || json_array_size(doms) < 1 ||
	    json_array_size(doms) > SVC_MAX_DOMAINS)
		return say(err, errlen, "service %d: 'domains' must be a list of 1 to %d names",
			   index, SVC_MAX_DOMAINS);
	size_t i;
	const json_t *d;
	json_array_foreach (doms, i, d) {
		const char *s = json_string_value(d);
		if (!s || json_string_length(d) > SVC_DOMAIN_MAX ||
		    strlen(s) != json_string_length(d))
			return say(err, errlen,
				   "service %d: each domain must be a text of at most %d bytes",
				   index, SVC_DOMAIN_MAX);
		sv->domains[sv->n_domains++] = xstrdup(s);
	}
	return svc_check(sv, err, errlen);
}

bool svc_list_from_json(const json_t *arr, bool extra_keys, struct svc_list *out, char *err,
			size_t errlen)
{
	out->n = 0;
	if (!json_is_array(arr) || json_array_size(arr) > SVC_MAX)
		return say(err, errlen, "'services' must be a list of at most %d services",
			   SVC_MAX);
	size_t i;
	const json_t *o;
	json_array_foreach (arr, i, o) {
		struct kservice *sv = &out->s[out->n++];
		memset(sv, 0, sizeof(*sv));
		if (!json_service(o, extra_keys, (int)i + 1, sv, err, errlen))
			goto fail;
	}
	if (svc_check_list(out->s, out->n, err, errlen))
		return true;
fail:
	svc_free(out->s, out->n);
	out->n = 0;
	return false;
}

bool svc_answer_from_json(const json_t *body, struct svc_list *out, char *err, size_t errlen)
{
	out->n = 0;
	const json_t *v = json_object_get(body, "version");
	if (!json_is_object(body) || !json_is_integer(v) || json_integer_value(v) < 0)
		return say(err, errlen, "'version' must be a whole number from 0");
	if (!svc_list_from_json(json_object_get(body, "services"), true, out, err, errlen))
		return false;
	out->version = (int64_t)json_integer_value(v);
	return true;
}

json_t *svc_list_to_json(const struct kservice *s, int n, bool for_proxy)
{
	json_t *arr = json_array();
	for (int i = 0; i < n; i++) {
		json_t *doms = json_array();
		for (int d = 0; d < s[i].n_domains; d++)
			json_array_append_new(doms, json_string(s[i].domains[d]));
		json_t *o = json_pack("{ss ss so sb}", "id", s[i].id, "url", s[i].url, "domains",
				      doms, "intranet", s[i].intranet);
		if (o && !for_proxy) {
			json_object_set_new(o, "name", json_string(s[i].name));
			json_object_set_new(o, "category",
					    json_string(s[i].category ? s[i].category : ""));
			json_object_set_new(o, "icon", json_string(s[i].icon ? s[i].icon : ""));
			if (s[i].accompanied)
				json_object_set_new(o, "accompanied", json_true());
		}
		if (!o || json_array_append_new(arr, o) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static bool str_eq(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

bool svc_list_equal(const struct svc_list *a, const struct svc_list *b)
{
	if (a->version != b->version || a->n != b->n)
		return false;
	for (int i = 0; i < a->n; i++) {
		const struct kservice *x = &a->s[i], *y = &b->s[i];
		if (strcmp(x->id, y->id) != 0 || !str_eq(x->name, y->name) ||
		    !str_eq(x->url, y->url) || !str_eq(x->category, y->category) ||
		    !str_eq(x->icon, y->icon) || x->intranet != y->intranet ||
		    x->accompanied != y->accompanied || x->n_domains != y->n_domains)
			return false;
		for (int d = 0; d < x->n_domains; d++)
			if (!str_eq(x->domains[d], y->domains[d]))
				return false;
	}
	return true;
}

void svc_select(const struct svc_list *in, bool accompanied, struct svc_list *out)
{
	out->version = in->version;
	out->n = 0;
	for (int i = 0; i < in->n; i++) {
		const struct kservice *a = &in->s[i];
		if (a->accompanied && !accompanied)
			continue;
		struct kservice *b = &out->s[out->n++];
		*b = *a;
		b->name = a->name ? xstrdup(a->name) : NULL;
		b->url = a->url ? xstrdup(a->url) : NULL;
		b->category = a->category ? xstrdup(a->category) : NULL;
		b->icon = a->icon ? xstrdup(a->icon) : NULL;
		for (int d = 0; d < a->n_domains; d++)
			b->domains[d] = xstrdup(a->domains[d]);
	}
}

void svc_free(struct kservice *s, int n)
{
	for (int i = 0; i < n; i++) {
		free(s[i].name);
		free(s[i].url);
		free(s[i].category);
		free(s[i].icon);
		for (int d = 0; d < s[i].n_domains; d++)
			free(s[i].domains[d]);
		memset(&s[i], 0, sizeof(s[i]));
	}
}

void svc_list_free(struct svc_list *l)
{
	if (!l)
		return;
	svc_free(l->s, l->n);
	free(l);
}
