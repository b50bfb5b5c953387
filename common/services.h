/* services: the kiosk's list of services (a tile each on its home page, their domains the
 * browser's and escale-proxy's allowlist) and its checks, in one place for every reader:
 * kiosk.conf's services (kiosk/kconfig.c), admind's list (GET /api/v1/kiosk/services), the
 * kiosk's offline cache and the message between escale-kiosk-net and escale-kiosk. Pure
 * functions: no I/O. */
#ifndef ESCALE_SERVICES_H
#define ESCALE_SERVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* jansson's value, named without its header (only the JSON readers and writers below
 * need it; the store and admind's other users of these checks do not). */
typedef struct json_t json_t;

#define SVC_ID_MAX      32   /* characters of an id */
#define SVC_NAME_MAX    40   /* UTF-8 characters of a name or a category */
#define SVC_URL_MAX     2048 /* bytes of a home URL */
#define SVC_MAX         64   /* services in a list */
#define SVC_MAX_DOMAINS 32   /* domains of one service */
#define SVC_HOST_MAX    253  /* bytes of a host name */
#define SVC_DOMAIN_MAX  254  /* bytes of a domain, with its leading dot */
#define SVC_ICON_MAX    16   /* bytes of an icon name */
/* Distinct domains of all services: Chromium's allowlist takes 1000 with the home page, its
 * scan tile's page and the print preview's two pages. */
#define SVC_MAX_ALLOWLIST 996
/* The largest services list admind's answer, the cache and the IPC message may hold. */
#define SVC_JSON_MAX (256 * 1024)

struct kservice {
	/* "id": a stable slug [a-z0-9-] of 1..32, the service's name in statistics and in
	 * admind; kiosk.conf's default: the name lower-cased, other characters as '-' */
	char id[SVC_ID_MAX + 1];
	char *name;     /* shown on the tile, e.g. "CAF" */
	char *url;      /* home URL, https:// */
	char *category; /* e.g. "Famille", "Emploi", "Santé", "Impôts", "Papiers"; "" none */
	char *icon;     /* the tile's pictogram (homepage.c's words, e.g. "famille"); "" or
			 * unknown: chosen by the category */
	char *domains[SVC_MAX_DOMAINS + 1]; /* NULL-terminated */
	int n_domains;
	/* "intranet": its names may resolve to loopback, private or link-local addresses (a
	 * centre's own server); default false: escale-proxy refuses such addresses */
	bool intranet;
	/* "accompanied": for accompanied sessions only (admind's list of a kiosk, docs/API.md):
	 * never in a resident's tiles, policy or proxy allowlist */
	bool accompanied;
};

/* A list of services with admind's version number of it (0: kiosk.conf's). */
struct svc_list {
	int64_t version;
	int n;
	struct kservice s[SVC_MAX];
};

/* True when S is a service id: 1..32 of [a-z0-9-], no dash first or last. */
bool svc_id_ok(const char *s);
/* A host name as a refusal names it: svc_domain_ok without the leading dot. */
bool svc_host_ok(const char *s);
/* The pictograms the kiosk's home page ships, by name ("" is the default globe). */
extern const char *const svc_icons[];
extern const size_t svc_icons_len;
bool svc_icon_ok(const char *s);
/* admind's rule for a service's home (stricter than kiosk.conf's svc_url_check): true when
 * URL is https://HOST[:PORT][/...] with a host name (no user, no IP literal, printable
 * ASCII only, at most SVC_URL_MAX bytes); HOST gets it lower-cased. */
bool svc_url_host(const char *url, char host[SVC_HOST_MAX + 1]);
/* True when S is valid UTF-8 without control characters, of MIN_CHARS..MAX_CHARS
 * characters. */
bool svc_text_ok(const char *s, size_t min_chars, size_t max_chars);
/* The default id of a service: NAME lower-cased, runs of other characters as one '-'
 * ("France Travail" -> "france-travail"), at most 32. */
void svc_slug(const char *name, char out[SVC_ID_MAX + 1]);
/* "caf.fr" or ".www.caf.fr": lowercase labels of letters, digits and inner dashes. */
bool svc_domain_ok(const char *s);
/* The allowlist's rule: a bare domain covers its subdomains, a leading dot that host only. */
bool svc_domain_covers(const char *domain, const char *host);
/* True when HOST is localhost, 127.0.0.0/8 or ::1. */
bool svc_is_loopback(const char *host);
/* "https://HOST[:PORT][/...]", or "http://" to this computer only. HOST gets the host in
 * lower case, without brackets. False with ERR saying why, WHAT naming the URL. */
bool svc_url_check(const char *what, const char *url, char host[256], char *err, size_t errlen);
/* Characters (not bytes) of the UTF-8 text S. */
size_t svc_utf8_chars(const char *s);

/* One service, whole: every field as the rules above, its url's host in its domains.
 * False with ERR saying why. */
bool svc_check(const struct kservice *sv, char *err, size_t errlen);
/* Across the list: names and ids once each, at most SVC_MAX_ALLOWLIST distinct domains. */
bool svc_check_list(const struct kservice *s, int n, char *err, size_t errlen);

/* Reads a JSON array of services ({"id","name","url","category","icon","domains",
 * "intranet","accompanied"}; id, name, url and domains required) into OUT, checked as above (an empty
 * list is one: admind may have no service to offer). EXTRA_KEYS: other keys are skipped (admind may add some), else refused.
 * False with ERR saying why (OUT is then empty). */
bool svc_list_from_json(const json_t *arr, bool extra_keys, struct svc_list *out, char *err,
			size_t errlen);
/* admind's answer to GET /api/v1/kiosk/services, {"version":N,"services":[...]} (other
 * keys skipped), into OUT with its version. False with ERR saying why. */
bool svc_answer_from_json(const json_t *body, struct svc_list *out, char *err, size_t errlen);
/* The list as a JSON array (new reference); FOR_PROXY: only what escale-proxy takes
 * (id, url, domains, intranet). */
json_t *svc_list_to_json(const struct kservice *s, int n, bool for_proxy);
/* The services of IN a session may use (ACCOMPANIED: an accompanied session, every one;
 * else those not kept for accompanied sessions), copied into OUT with IN's version. */
void svc_select(const struct svc_list *in, bool accompanied, struct svc_list *out);
/* Same services, fields and order. */
bool svc_list_equal(const struct svc_list *a, const struct svc_list *b);
/* Frees the strings of N services (the array itself is the caller's). */
void svc_free(struct kservice *s, int n);
/* Frees L's strings and L itself (NULL: nothing). */
void svc_list_free(struct svc_list *l);

#endif
