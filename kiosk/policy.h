/* policy: the browser's managed policy (Chromium, Firefox ESR) generated from the services
 * list, and the copy the kiosk writes for its browser wrapper. */
#ifndef ESCALE_POLICY_H
#define ESCALE_POLICY_H

#include <jansson.h>
#include <stdbool.h>

#include "kconfig.h"

/* Chromium's URLAllowlist and URLBlocklist take at most 1000 entries each. */
#define POLICY_MAX_URLS 1000

/* The home page allowlisted when no session's page is known (--browser-policy): the
 * prefix of every session directory's files, "file://RUNTIME_DIR/session-". */
char *policy_home_prefix(const struct kiosk_cfg *cfg);

/* Chromium's managed policy: the services' distinct domains plus HOME_URL allowlisted,
 * everything else blocked, and every setting of docs/browser.md. EXACT: HOME_URL is a
 * session's home page (also the browser's Home and new tab), else the prefix of
 * policy_home_prefix. NULL (ERR filled) when the list would exceed POLICY_MAX_URLS. */
json_t *policy_chromium(const struct kiosk_cfg *cfg, const char *home_url, bool exact, char *err,
			size_t errlen);
/* Firefox ESR's policies.json ({"policies": {...}}) from the same list. */
json_t *policy_firefox(const struct kiosk_cfg *cfg, const char *home_url, bool exact, char *err,
		       size_t errlen);

/* Writes RUNTIME_DIR/policy/chromium/escale.json and RUNTIME_DIR/policy/firefox/
 * policies.json (directories 0755, files 0644, replaced atomically): what the browser
 * wrapper binds where the browsers read their policies. */
bool policy_write(const struct kiosk_cfg *cfg, const char *home_url);

#endif
