/* api_sites: the sites and their central settings (docs/API.md, "Sites"). */
#include "api.h"

#include <stdlib.h>
#include <string.h>

#include "store_sites.h"
#include "util.h"

void api_sites_list(struct app *app, struct http_req *r)
{
	static const char *const q[] = {NULL};
	if (!http_query_only(r, q))
		return;
	struct store_sites l;
	if (!store_sites_list(app->store, &l)) {
		free(l.v);
		api_store_error(r, STORE_ERROR, "site");
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < l.n; i++)
		json_array_append_new(arr, json_pack("{ss sI sI}", "name", l.v[i].name, "kiosks",
						     (json_int_t)l.v[i].kiosks, "settings_version",
						     (json_int_t)l.v[i].settings_version));
	free(l.v);
	http_json(r, 200, json_pack("{so}", "sites", arr));
}

/* {"site": S, "version": N, "settings": {...}} of SITE ("" for a kiosk without one);
 * with SITE NULL, the kiosk's answer {"version": N, "settings": {...}}. */
static void settings_reply(struct app *app, struct http_req *r, const char *site, const char *name)
{
	char *text;
	int64_t version;
	if (!store_site_settings_get(app->store, site, &text, &version)) {
		api_store_error(r, STORE_ERROR, "site");
		return;
	}
	json_error_t e;
	json_t *settings = json_loads(text, JSON_REJECT_DUPLICATES, &e);
	free(text);
	if (!json_is_object(settings)) {
		json_decref(settings);
		api_store_error(r, STORE_ERROR, "site");
		return;
	}
	json_t *out = json_pack("{sI so}", "version", (json_int_t)version, "settings", settings);
	if (name)
		json_object_set_new(out, "site", json_string(name));
	http_json(r, 200, out);
}

void api_site_settings_get(struct app *app, struct http_req *r)
{
	static const char *const q[] = {NULL};
	if (http_query_only(r, q))
		settings_reply(app, r, r->site, r->site);
}

void api_site_settings_put(struct app *app, struct http_req *r)
{
	json_t *j = http_body_json(r);
	if (!j)
		return;
	struct site_settings *s = xcalloc(1, sizeof(*s));
	char err[300];
	if (!sitecfg_from_json(j, s, err, sizeof(err))) {
		json_decref(j);
		free(s);
		http_error(r, 400, "bad_request", "%s (docs/API.md, \"Sites\")", err);
		return;
	}
	json_decref(j);
	/* What is stored is what was understood, written again: one form for each value. */
	json_t *canon = sitecfg_to_json(s);
	free(s);
	char *text = json_dumps(canon, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(canon);
	int64_t version;
	enum store_rc rc =
		text ? store_site_settings_put(app->store, &r->actor, r->site, text, &version)
		     : STORE_ERROR;
	free(text);
	if (rc == STORE_LIMIT)
		http_error(r, 413, "too_large",
			   "the settings are longer than %d bytes once written: shorten the texts",
			   SITECFG_JSON_MAX);
	else if (rc != STORE_OK)
		api_store_error(r, rc, "site");
	else
		settings_reply(app, r, r->site, r->site);
}

void api_kiosk_settings(struct app *app, struct http_req *r)
{
	static const char *const q[] = {NULL};
	if (!http_query_only(r, q))
		return;
	char site[SITE_NAME_MAX_BYTES + 1];
	int64_t version;
	if (!store_kiosk_site(app->store, r->kiosk, site, &version)) {
		api_store_error(r, STORE_ERROR, "kiosk");
		return;
	}
	if (!*site) { /* a kiosk of no site: nothing set centrally */
		http_json(r, 200, json_pack("{si s{}}", "version", 0, "settings"));
		return;
	}
	settings_reply(app, r, site, NULL);
}

int64_t api_kiosk_settings_version(struct app *app, int64_t kiosk)
{
	char site[SITE_NAME_MAX_BYTES + 1];
	int64_t version;
	return store_kiosk_site(app->store, kiosk, site, &version) ? version : 0;
}
