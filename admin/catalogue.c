/* catalogue: reading config/services.conf with the checks of admind's list. */
#include "catalogue.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* The checks of a service, whether from the catalogue or from the API (store_services.h). */
bool store_service_check(const struct store_service *sv, char *err, size_t errlen)
{
	char host[SVC_HOST_MAX + 1];
	if (!svc_id_ok(sv->id)) {
		snprintf(err, errlen,
			 "'id' must be 1 to %d lower-case letters, digits and inner dashes,"
			 " e.g. \"france-travail\"",
			 SVC_ID_MAX);
		return false;
	}
	if (!svc_text_ok(sv->name, 1, SVC_NAME_MAX)) {
		snprintf(err, errlen, "'name' must be 1 to %d characters of text", SVC_NAME_MAX);
		return false;
	}
	if (!svc_text_ok(sv->category, 0, SVC_NAME_MAX)) {
		snprintf(err, errlen, "'category' must be at most %d characters of text",
			 SVC_NAME_MAX);
		return false;
	}
	if (!svc_icon_ok(sv->icon)) {
		char list[160] = "";
		for (size_t i = 0; i < svc_icons_len; i++)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
				 i ? ", " : "", svc_icons[i]);
		snprintf(err, errlen, "'icon' must be \"\" (a globe) or one of %s", list);
		return false;
	}
	if (!svc_url_host(sv->url, host)) {
		snprintf(err, errlen,
			 "'url' must be the service's home page, https://host/... with a host"
			 " name (at most %d characters, no space)",
			 SVC_URL_MAX);
		return false;
	}
	if (sv->n_domains < 1 || sv->n_domains > SVC_MAX_DOMAINS) {
		snprintf(err, errlen, "'domains' must list 1 to %d host names, e.g. [\"caf.fr\"]",
			 SVC_MAX_DOMAINS);
		return false;
	}
	bool covered = false;
	for (int i = 0; i < sv->n_domains; i++) {
		if (!svc_domain_ok(sv->domains[i])) {
			snprintf(err, errlen,
				 "domains: '%.64s' is not a host name: expected lower-case letters,"
				 " digits, dots and dashes, e.g. \"caf.fr\" (a leading dot means"
				 " that host only)",
				 sv->domains[i]);
			return false;
		}
		for (int j = 0; j < i; j++)
			if (strcmp(sv->domains[i], sv->domains[j]) == 0) {
				snprintf(err, errlen, "domains: '%.64s' is listed twice",
					 sv->domains[i]);
				return false;
			}
		covered |= svc_domain_covers(sv->domains[i], host);
	}
	if (!covered) {
		snprintf(err, errlen,
			 "the url's host '%.64s' is not in 'domains', so the browser would refuse"
			 " the service's home page: add it",
			 host);
		return false;
	}
	return true;
}

static const char *const root_keys[] = {"services", NULL};
static const char *const service_keys[] = {"id",      "name",     "url",         "category", "icon",
					   "domains", "intranet", "accompanied", NULL};

/* A string setting copied into DST (CAP bytes); absent gives DEF. */
static bool text(const config_setting_t *g, const char *name, const char *def, char *dst,
		 size_t cap, struct cfg_err *err)
{
	char *v = NULL;
	if (!cfg_string(g, name, def, cap - 1, &v, err))
		return false;
	if (!v)
		return cfg_fail(g, err, "service: '%s' is required", name);
	snprintf(dst, cap, "%s", v);
	free(v);
	return true;
}

static bool one(const config_setting_t *e, struct store_service *sv, struct cfg_err *err)
{
	if (!config_setting_is_group(e))
		return cfg_fail(e, err,
				"services: each entry must be a group { name = \"...\"; url = "
				"\"https://...\"; domains = [ ... ]; }");
	memset(sv, 0, sizeof(*sv));
	if (!cfg_only_keys(e, service_keys, err) ||
	    !text(e, "name", NULL, sv->name, sizeof(sv->name), err) ||
	    !text(e, "url", NULL, sv->url, sizeof(sv->url), err) ||
	    !text(e, "category", "", sv->category, sizeof(sv->category), err) ||
	    !text(e, "icon", "", sv->icon, sizeof(sv->icon), err) ||
	    !cfg_bool(e, "intranet", false, &sv->intranet, err) ||
	    !cfg_bool(e, "accompanied", false, &sv->accompanied, err))
		return false;
	char *id = NULL;
	if (!cfg_string(e, "id", NULL, SVC_ID_MAX, &id, err))
		return false;
	if (id)
		snprintf(sv->id, sizeof(sv->id), "%s", id);
	else
		svc_slug(sv->name, sv->id);
	free(id);
	const config_setting_t *l = config_setting_get_member(e, "domains");
	if (!l || !(config_setting_is_array(l) || config_setting_is_list(l)))
		return cfg_fail(l ? l : e, err,
				"service '%s': 'domains' must be a list of host names, e.g. "
				"[\"caf.fr\"]",
				sv->name);
	int len = config_setting_length(l);
	if (len > SVC_MAX_DOMAINS)
		return cfg_fail(l, err, "service '%s': %d domains, at most %d", sv->name, len,
				SVC_MAX_DOMAINS);
	for (int i = 0; i < len; i++) {
		const config_setting_t *d = config_setting_get_elem(l, (unsigned)i);
		const char *s = config_setting_get_string(d);
		if (!s || strlen(s) > SVC_HOST_MAX + 1)
			return cfg_fail(d, err, "service '%s': each domain is a host name",
					sv->name);
		snprintf(sv->domains[sv->n_domains++], sizeof(sv->domains[0]), "%s", s);
	}
	char msg[300];
	if (!store_service_check(sv, msg, sizeof(msg)))
		return cfg_fail(e, err, "service '%s': %s", sv->name, msg);
	return true;
}

bool catalogue_load(const char *file, struct store_service **out, size_t *n, struct cfg_err *err)
{
	config_t cf;
	*out = NULL;
	*n = 0;
	if (!cfg_load(&cf, file, err)) {
		config_destroy(&cf);
		return false;
	}
	bool ok = false;
	const config_setting_t *root = config_root_setting(&cf);
	const config_setting_t *l = config_setting_get_member(root, "services");
	if (!cfg_only_keys(root, root_keys, err))
		goto out;
	if (!l || !config_setting_is_list(l)) {
		cfg_fail(l ? l : root, err,
			 "'services' must be a list of groups: services = ( { name = \"...\"; url "
			 "= \"https://...\"; domains = [ ... ]; }, ... );");
		goto out;
	}
	int len = config_setting_length(l);
	if (len > SVC_MAX) {
		cfg_fail(l, err, "too many services: at most %d", SVC_MAX);
		goto out;
	}
	*out = xcalloc(len ? (size_t)len : 1, sizeof(**out));
	for (int i = 0; i < len; i++) {
		const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
		struct store_service *sv = &(*out)[i];
		if (!one(e, sv, err))
			goto out;
		for (int j = 0; j < i; j++)
			if (strcmp((*out)[j].id, sv->id) == 0 ||
			    strcmp((*out)[j].name, sv->name) == 0) {
				cfg_fail(e, err,
					 "service '%s': its id or name is used twice (give it an "
					 "'id')",
					 sv->name);
				goto out;
			}
		*n = (size_t)i + 1;
	}
	ok = true;
out:
	config_destroy(&cf);
	if (!ok) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return ok;
}
