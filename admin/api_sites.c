/* api_sites: the sites and their central settings (docs/API.md, "Sites"). */
#include "api.h"

#include <stdlib.h>
#include <string.h>

#include "store_sites.h"
#include "sitecfg.h"
#include "util.h"

void api_scope_array(const struct http_req *r, json_t *arr, const char *key)
{
	if (r->actor.sites.n == 0)
		return;
	for (size_t i = json_array_size(arr); i-- > 0;) {
		const char *site = json_string_value(json_object_get(json_array_get(arr, i), key));
		if (!site || !actor_site_ok(&r->actor, site))
			json_array_remove(arr, i);
	}
}

bool api_kiosk_scope(struct app *app, struct http_req *r, int64_t id)
{
	char site[SITE_NAME_MAX_BYTES + 1];
	int64_t version;
	if (r->actor.sites.n == 0 || !store_kiosk_site(app->store, id, site, &version) ||
	    actor_site_ok(&r->actor, site))
		return true;
	api_store_error(r, STORE_NOT_FOUND, "kiosk");
	return false;
}

bool api_session_scope(struct app *app, struct http_req *r, const char *id)
{
	char site[SITE_NAME_MAX_BYTES + 1];
	if (r->actor.sites.n == 0 || !store_session_site(app->store, id, site) ||
	    actor_site_ok(&r->actor, site))
		return true;
	api_store_error(r, STORE_NOT_FOUND, "session");
	return false;
}

bool api_kiosk_name_elsewhere(struct app *app, const struct http_req *r, const char *name)
{
	char site[SITE_NAME_MAX_BYTES + 1];
	return r->actor.sites.n > 0 && store_kiosk_site_by_name(app->store, name, site) &&
	       !actor_site_ok(&r->actor, site);
}

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
	api_scope_array(r, arr, "name");
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
	if (!http_query_only(r, q))
		return;
	if (!actor_site_ok(&r->actor, r->site))
		http_error(r, 404, "not_found", "no such site");
	else
		settings_reply(app, r, r->site, r->site);
}

void api_site_settings_put(struct app *app, struct http_req *r)
{
	if (!actor_site_ok(&r->actor, r->site)) {
		http_error(r, 404, "not_found", "no such site");
		return;
	}
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

bool api_sites_parse(struct http_req *r, json_t *v, struct site_list *sites)
{
	sites->n = 0;
	if (!v || json_is_null(v))
		return true;
	if (!json_is_array(v) || json_array_size(v) < 1 ||
	    json_array_size(v) > STORE_USER_MAX_SITES) {
		http_error(r, 400, "bad_request",
			   "'sites' must be null (every site) or a list of 1 to %d site names",
			   STORE_USER_MAX_SITES);
		return false;
	}
	size_t i;
	json_t *e;
	json_array_foreach (v, i, e) {
		const char *s = json_string_value(e);
		if (!s || strlen(s) != json_string_length(e) || !site_name_ok(s)) {
			http_error(r, 400, "bad_request",
				   "'sites': each site is a name of 1 to 64 characters");
			return false;
		}
		for (int k = 0; k < sites->n; k++)
			if (strcmp(sites->v[k], s) == 0) {
				http_error(r, 400, "bad_request", "'sites' lists '%s' twice", s);
				return false;
			}
		snprintf(sites->v[sites->n++], NAME_MAX_BYTES + 1, "%s", s);
	}
	return true;
}

void api_users_sites(struct app *app, struct http_req *r)
{
	int64_t id;
	if (!api_id_param(r, &id, "user"))
		return;
	json_t *j = http_body_json(r);
	if (!j)
		return;
	struct site_list sites;
	json_t *v = json_object_get(j, "sites");
	if (json_object_size(j) != 1 || !v) {
		json_decref(j);
		http_error(r, 400, "bad_request",
			   "the body is {\"sites\": null} (every site) or {\"sites\": [\"...\"]}");
		return;
	}
	bool ok = api_sites_parse(r, v, &sites);
	json_decref(j);
	if (!ok)
		return;
	enum store_rc rc = store_user_set_sites(app->store, &r->actor, id, &sites);
	if (rc == STORE_OK)
		http_json(r, 200,
			  json_pack("{sI so}", "id", (json_int_t)id, "sites",
				    api_sites_json(&sites)));
	else
		api_store_error(r, rc, "user");
}
