/* services: the checks a service of the kiosks' home page passes, wherever it
 * comes from (kiosk.conf, admind's list, the catalogue config/services.conf). */
#ifndef ESCALE_SERVICES_H
#define ESCALE_SERVICES_H

#include <stdbool.h>
#include <stddef.h>

#define SVC_ID_MAX      32   /* characters of an id */
#define SVC_NAME_MAX    40   /* UTF-8 characters of a name or a category */
#define SVC_URL_MAX     2048 /* bytes of a home URL */
#define SVC_MAX         64   /* services in a list */
#define SVC_MAX_DOMAINS 32   /* domains of one service */
#define SVC_HOST_MAX    253  /* bytes of a host name */
#define SVC_ICON_MAX    16   /* bytes of an icon name */

/* "caf.fr" or ".www.caf.fr": lower-case labels of letters, digits and inner dashes
 * (a leading dot: that host only, not its subdomains). */
bool svc_domain_ok(const char *s);
/* A host name as a refusal names it: svc_domain_ok without the leading dot. */
bool svc_host_ok(const char *s);
/* The allowlist's rule: a bare domain covers its subdomains, a leading dot that host only. */
bool svc_domain_covers(const char *domain, const char *host);
/* The default id of a service: its name lower-cased, runs of other characters as one '-'
 * ("France Travail" -> "france-travail", "impots.gouv" -> "impots-gouv"), at most 32. */
void svc_slug(const char *name, char out[SVC_ID_MAX + 1]);
/* True when S is a service id: 1..32 of [a-z0-9-], no dash first or last. */
bool svc_id_ok(const char *s);
/* The pictograms the kiosk's home page ships, by name ("" is the default globe). */
extern const char *const svc_icons[];
extern const size_t svc_icons_len;
bool svc_icon_ok(const char *s);
/* True when URL is https://HOST[:PORT][/...] with a host name (no user, no IP
 * literal, printable ASCII only, at most SVC_URL_MAX bytes); HOST gets it
 * lower-cased. */
bool svc_url_host(const char *url, char host[SVC_HOST_MAX + 1]);
/* True when S is valid UTF-8 text without control characters, of MIN_CHARS to
 * MAX_CHARS characters. */
bool svc_text_ok(const char *s, size_t min_chars, size_t max_chars);

#endif
