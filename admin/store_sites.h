/* store_sites: the sites of the kiosks, their central settings, and the sites of the
 * staff accounts (docs/API.md, "Sites"). Plain C in and out: the settings are held as
 * the text of a JSON object the API checked and wrote (common/sitecfg.h). */
#ifndef ESCALE_STORE_SITES_H
#define ESCALE_STORE_SITES_H

#include "sitecfg.h"
#include "store.h"

#define STORE_MAX_SITES 1000

/* One site: its name, its kiosks (not revoked) and its settings' version (0: none). */
struct store_site {
	char name[SITE_NAME_MAX_BYTES + 1];
	int64_t kiosks, settings_version;
};
struct store_sites {
	struct store_site *v; /* by name; free() it */
	size_t n;
};
/* The sites known: those of kiosks, of settings and of staff accounts ("" is no site
 * and never listed). */
bool store_sites_list(struct store *st, struct store_sites *out);

/* SITE's settings: TEXT (a JSON object's text; free it) and VERSION, "{}" and 0 for
 * a site never set. */
bool store_site_settings_get(struct store *st, const char *site, char **text, int64_t *version);
/* Replaces SITE's settings by TEXT (checked by the caller, at most SITECFG_JSON_MAX
 * bytes) and bumps its version into *VERSION; audited with the site and version. */
enum store_rc store_site_settings_put(struct store *st, const struct store_actor *who,
				      const char *site, const char *text, int64_t *version);
/* The site of kiosk KIOSK ("" when none) and its settings' version; false when the
 * store fails. */
bool store_kiosk_site(struct store *st, int64_t kiosk, char site[SITE_NAME_MAX_BYTES + 1],
		      int64_t *version);

/* The site of the kiosk called NAME (live or revoked) into SITE; false when none. */
bool store_kiosk_site_by_name(struct store *st, const char *name,
			      char site[SITE_NAME_MAX_BYTES + 1]);
/* The site of session ID into SITE; false when there is no such session. */
bool store_session_site(struct store *st, const char *id, char site[SITE_NAME_MAX_BYTES + 1]);

#endif
