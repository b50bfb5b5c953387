/* api_services: the services of the kiosks' home page, their statistics and the
 * proxy's refusals (docs/API.md, docs/network.md). */
#include "api.h"

#include <string.h>

#include "csv.h"
#include "log.h"
#include "sitecfg.h"
#include "store_sites.h"
#include "store_services.h"
#include "util.h"

json_t *api_service_json(const struct store_service *sv)
{
	json_t *domains = json_array();
	for (int i = 0; i < sv->n_domains; i++)
		json_array_append_new(domains, json_string(sv->domains[i]));
	return json_pack("{ss ss ss ss ss so sb sb}", "id", sv->id, "name", sv->name, "url",
			 sv->url, "category", sv->category, "icon", sv->icon, "domains", domains,
			 "intranet", sv->intranet, "accompanied", sv->accompanied);
}

static void services_reply(struct app *app, struct http_req *r)
{
	struct store_services l;
	if (!store_services_list(app->store, &l)) {
		free(l.services);
		api_store_error(r, STORE_ERROR, "service");
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < l.n; i++)
		json_array_append_new(arr, api_service_json(&l.services[i]));
	free(l.services);
	http_json(r, 200, json_pack("{sI so}", "version", (json_int_t)l.version, "services", arr));
}

void api_services_list(struct app *app, struct http_req *r)
{
	static const char *const q[] = {NULL};
	if (http_query_only(r, q))
		services_reply(app, r);
}

/* The settings of KIOSK's site into S (all unset for a kiosk of no site or a site never
 * set) and their version; false when the store fails. */
static bool kiosk_site_settings(struct app *app, int64_t kiosk, struct site_settings *s,
				int64_t *version)
{
	char site[SITE_NAME_MAX_BYTES + 1];
	memset(s, 0, sizeof(*s));
	*version = 0;
	if (!store_kiosk_site(app->store, kiosk, site, version))
		return false;
	if (!*site || *version == 0)
		return true;
	char *text = NULL, err[300];
	if (!store_site_settings_get(app->store, site, &text, version))
		return false;
	json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	free(text);
	bool ok = j && sitecfg_from_json(j, s, err, sizeof(err));
	json_decref(j);
	if (!ok)
		log_warnx("site '%s': its stored settings do not parse: %s", site, err);
	return ok;
}

int64_t api_kiosk_services_version(struct app *app, int64_t kiosk)
{
	/* Both only grow: their sum moves whenever the list or the site's choice does. A list
	 * never set stays 0 (kiosk.conf's services). */
	int64_t v = store_services_version(app->store);
	char site[SITE_NAME_MAX_BYTES + 1];
	int64_t sv = 0;
	if (v && !store_kiosk_site(app->store, kiosk, site, &sv))
		sv = 0;
	return v ? v + sv : 0;
}

/* The kiosk's list: the services its site offers, each with "accompanied" (for accompanied
 * sessions only), in display order (docs/API.md, "Services of a site"). */
void api_kiosk_services(struct app *app, struct http_req *r)
{
	static const char *const q[] = {NULL};
	if (!http_query_only(r, q))
		return;
	struct site_settings *s = xcalloc(1, sizeof(*s));
	int64_t sv;
	struct store_services l;
	bool ok = kiosk_site_settings(app, r->kiosk, s, &sv);
	if (!ok || !store_services_list(app->store, &l)) {
		if (ok)
			free(l.services);
		free(s);
		api_store_error(r, STORE_ERROR, "service");
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < l.n; i++) {
		enum svc_audience a =
			sitecfg_service_audience(s, l.services[i].id, l.services[i].accompanied);
		if (a == SVC_NOT_OFFERED)
			continue;
		json_t *o = api_service_json(&l.services[i]);
		json_object_set_new(o, "accompanied", json_boolean(a == SVC_ACCOMPANIED));
		json_array_append_new(arr, o);
	}
	free(l.services);
	free(s);
	http_json(r, 200,
		  json_pack("{sI so}", "version", (json_int_t)(l.version ? l.version + sv : 0),
			    "services", arr));
}

/* The fields of a service in a request; what is absent keeps SV's value. */
static const char *service_from_json(json_t *j, struct store_service *sv)
{
	const struct {
		const char *key;
		char *dst;
		size_t cap;
	} texts[] = {
		{"name", sv->name, sizeof(sv->name)},
		{"url", sv->url, sizeof(sv->url)},
		{"category", sv->category, sizeof(sv->category)},
		{"icon", sv->icon, sizeof(sv->icon)},
	};
	for (size_t i = 0; i < ARRAY_LEN(texts); i++) {
		const char *v = json_str_or(j, texts[i].key, NULL);
		if (!v)
			continue;
		/* Never cut a text (half a UTF-8 character would follow it out). */
		if (strlen(v) >= texts[i].cap)
			return "a text is longer than its field allows (docs/API.md)";
		memcpy(texts[i].dst, v, strlen(v) + 1);
	}
	json_t *b = json_object_get(j, "intranet");
	if (b)
		sv->intranet = json_is_true(b);
	b = json_object_get(j, "accompanied");
	if (b)
		sv->accompanied = json_is_true(b);
	json_t *d = json_object_get(j, "domains");
	if (d) {
		if (json_array_size(d) < 1 || json_array_size(d) > SVC_MAX_DOMAINS)
			return "'domains' must list 1 to 32 host names, e.g. [\"caf.fr\"]";
		size_t i;
		json_t *e;
		json_array_foreach (d, i, e) {
			const char *s = json_string_value(e);
			if (!s || strlen(s) > SVC_HOST_MAX + 1)
				return "'domains' must be an array of host names, e.g. "
				       "[\"caf.fr\"]";
			snprintf(sv->domains[i], sizeof(sv->domains[0]), "%s", s);
		}
		sv->n_domains = (int)json_array_size(d);
	}
	return NULL;
}

static void service_done(struct http_req *r, enum store_rc rc, unsigned status,
			 const struct store_service *sv)
{
	if (rc == STORE_OK)
		http_json(r, status, api_service_json(sv));
	else if (rc == STORE_CONFLICT)
		http_error(r, 409, "conflict",
			   "another service already has this id or this name: choose another");
	else if (rc == STORE_LIMIT)
		http_error(r, 409, "limit", "the list holds at most %d services: remove one first",
			   SVC_MAX);
	else
		api_store_error(r, rc, "service");
}

/* A service in a request: its id first (an edit takes the rest). */
static const struct jfield service_fields[] = {
	{"id", J_STR, false, 1, SVC_ID_MAX},     {"name", J_STR, false, 1, SVC_NAME_MAX},
	{"url", J_STR, false, 1, SVC_URL_MAX},   {"category", J_STR, false, 0, SVC_NAME_MAX},
	{"icon", J_STR, false, 0, SVC_ICON_MAX}, {"domains", J_ARRAY, false, 0, 0},
	{"intranet", J_BOOL, false, 0, 0},       {"accompanied", J_BOOL, false, 0, 0},
};

const char *api_service_parse(json_t *j, bool add, struct store_service *sv, char *err,
			      size_t errlen)
{
	/* An edit takes the fields of an addition but its id. */
	const struct jfield *f = add ? service_fields : service_fields + 1;
	size_t n = ARRAY_LEN(service_fields) - (add ? 0 : 1);
	if (!json_is_object(j) || !json_check(j, f, n, err, errlen))
		return json_is_object(j) ? err : "the body must be a JSON object";
	const char *bad = service_from_json(j, sv);
	if (bad)
		return bad;
	if (add) {
		static const char *const required[] = {"name", "url", "domains"};
		for (size_t i = 0; i < ARRAY_LEN(required); i++)
			if (!json_object_get(j, required[i])) {
				snprintf(err, errlen, "missing field '%s'", required[i]);
				return err;
			}
		const char *id = json_str_or(j, "id", NULL);
		if (id)
			snprintf(sv->id, sizeof(sv->id), "%s", id);
		else
			svc_slug(sv->name, sv->id);
	} else if (json_object_size(j) == 0) {
		return "nothing to change: give name, url, category, icon, domains, intranet or "
		       "accompanied";
	}
	return store_service_check(sv, err, errlen) ? NULL : err;
}

void api_services_add(struct app *app, struct http_req *r)
{
	json_t *j = http_body_json(r);
	if (!j)
		return;
	struct store_service *sv = xcalloc(1, sizeof(*sv));
	char err[256];
	const char *bad = api_service_parse(j, true, sv, err, sizeof(err));
	json_decref(j);
	if (bad)
		http_error(r, 400, "bad_request", "%s", bad);
	else
		service_done(r, store_service_add(app->store, &r->actor, sv), 201, sv);
	free(sv);
}

/* The service the route names: replies 404 and returns NULL when there is none. */
static struct store_service *route_service(struct app *app, struct http_req *r)
{
	struct store_service *sv = xcalloc(1, sizeof(*sv));
	enum store_rc rc = STORE_NOT_FOUND;
	if (svc_id_ok(r->params[0]))
		rc = store_service_get(app->store, r->params[0], sv);
	if (rc != STORE_OK) {
		api_store_error(r, rc, "service");
		free(sv);
		return NULL;
	}
	return sv;
}

void api_services_edit(struct app *app, struct http_req *r)
{
	struct store_service *sv = route_service(app, r);
	if (!sv)
		return;
	json_t *j = http_body_json(r);
	if (!j) {
		free(sv);
		return;
	}
	char err[256];
	const char *bad = api_service_parse(j, false, sv, err, sizeof(err));
	if (bad) {
		http_error(r, 400, "bad_request", "%s", bad);
		json_decref(j);
	} else {
		/* The audit line says the service as it is now. */
		json_decref(j);
		service_done(
			r, store_service_update(app->store, &r->actor, sv, "service.edit", NULL, 0),
			200, sv);
	}
	free(sv);
}

void api_services_add_domain(struct app *app, struct http_req *r)
{
	static const struct jfield f[] = {{"domain", J_STR, true, 1, SVC_HOST_MAX + 1}};
	struct store_service *sv = route_service(app, r);
	if (!sv)
		return;
	json_t *j = api_body(r, f, ARRAY_LEN(f));
	if (!j) {
		free(sv);
		return;
	}
	char d[SVC_HOST_MAX + 2];
	snprintf(d, sizeof(d), "%s", json_str_or(j, "domain", ""));
	json_decref(j);
	bool covered = false;
	for (int i = 0; i < sv->n_domains; i++)
		covered |= svc_domain_covers(sv->domains[i], d[0] == '.' ? d + 1 : d);
	if (!svc_domain_ok(d))
		http_error(r, 400, "bad_request",
			   "'domain' must be a host name: lower-case letters, digits, dots and"
			   " dashes, e.g. \"cdn.example.net\" (a leading dot: that host only)");
	else if (covered)
		http_error(r, 409, "conflict", "the service '%s' already covers %s", sv->id, d);
	else if (sv->n_domains >= SVC_MAX_DOMAINS)
		http_error(r, 409, "limit",
			   "a service has at most %d domains: remove one, or add a parent domain",
			   SVC_MAX_DOMAINS);
	else {
		snprintf(sv->domains[sv->n_domains++], sizeof(sv->domains[0]), "%s", d);
		const struct audit_field detail[] = {{"domain", d, 0}};
		service_done(r,
			     store_service_update(app->store, &r->actor, sv, "service.add_domain",
						  detail, ARRAY_LEN(detail)),
			     200, sv);
	}
	free(sv);
}

void api_services_move(struct app *app, struct http_req *r)
{
	static const struct jfield f[] = {{"position", J_INT, true, 0, SVC_MAX - 1}};
	struct store_service *sv = route_service(app, r);
	if (!sv)
		return;
	json_t *j = api_body(r, f, ARRAY_LEN(f));
	if (j) {
		enum store_rc rc = store_service_move(app->store, &r->actor, sv->id,
						      json_int_or(j, "position", 0));
		json_decref(j);
		if (rc == STORE_OK)
			services_reply(app, r);
		else
			api_store_error(r, rc, "service");
	}
	free(sv);
}

void api_services_remove(struct app *app, struct http_req *r)
{
	if (!api_no_body(r))
		return;
	enum store_rc rc = STORE_NOT_FOUND;
	if (svc_id_ok(r->params[0]))
		rc = store_service_remove(app->store, &r->actor, r->params[0]);
	if (rc != STORE_OK) {
		api_store_error(r, rc, "service");
		return;
	}
	http_json(r, 200, json_pack("{ss sb}", "id", r->params[0], "removed", 1));
}

/* ---- refusals ---- */

/* One entry of "hosts": returns a message, or NULL when it is fine. */
static const char *refusal_from_json(json_t *h, struct store_refusal *out)
{
	if (!json_is_object(h) || json_object_size(h) > 3)
		return "each of 'hosts' must be {\"host\", \"service\", \"count\"}";
	const char *key;
	json_t *v;
	json_object_foreach (h, key, v)
		if (strcmp(key, "host") && strcmp(key, "service") && strcmp(key, "count"))
			return "each of 'hosts' must be {\"host\", \"service\", \"count\"}";
	const char *host = json_string_value(json_object_get(h, "host"));
	if (!host || !svc_host_ok(host))
		return "'host' must be a lower-case host name of at most 253 characters";
	json_t *sv = json_object_get(h, "service");
	if (sv && !json_is_null(sv) && !(json_is_string(sv) && svc_id_ok(json_string_value(sv))))
		return "'service' must be a service id or null";
	json_t *c = json_object_get(h, "count");
	if (!json_is_integer(c) || json_integer_value(c) < 1 || json_integer_value(c) > 1000000000)
		return "'count' must be a whole number from 1 to 1000000000";
	snprintf(out->host, sizeof(out->host), "%s", host);
	snprintf(out->service, sizeof(out->service), "%s",
		 json_is_string(sv) ? json_string_value(sv) : "");
	out->count = json_integer_value(c);
	return NULL;
}

const char *api_refusals_parse(json_t *hosts, struct store_refusal *out)
{
	size_t i;
	json_t *h;
	if (!json_is_array(hosts) || json_array_size(hosts) > STORE_MAX_REFUSED_HOSTS)
		return "'hosts' is an array of at most 256 hosts (count the rest in 'other')";
	json_array_foreach (hosts, i, h) {
		const char *bad = refusal_from_json(h, &out[i]);
		if (bad)
			return bad;
		for (size_t k = 0; k < i; k++)
			if (strcmp(out[k].host, out[i].host) == 0 &&
			    strcmp(out[k].service, out[i].service) == 0)
				return "'hosts' lists a host twice for the same service";
	}
	return NULL;
}

/* A day YYYY-MM-DD of the retention period, at most tomorrow. */
static bool day_ok(struct app *app, const char *day)
{
	int64_t t;
	int64_t now = now_s();
	return strlen(day) == 10 && date_parse_local(day, &t) && t <= now + 86400 &&
	       t >= now - (app->cfg.pol.retention_days + 1) * 86400;
}

void api_kiosk_refusals(struct app *app, struct http_req *r)
{
	static const struct jfield f[] = {{"day", J_STR, true, 10, 10},
					  {"hosts", J_ARRAY, true, 0, 0},
					  {"other", J_INT, false, 0, INT64_C(1000000000000)}};
	json_t *j = api_body(r, f, ARRAY_LEN(f));
	if (!j)
		return;
	json_t *hosts = json_object_get(j, "hosts");
	size_t n = json_array_size(hosts);
	const char *bad = NULL;
	if (!day_ok(app, json_str_or(j, "day", "")))
		bad = "'day' must be a date YYYY-MM-DD within the retention period";
	else if (n > STORE_MAX_REFUSED_HOSTS)
		bad = "'hosts' lists at most 256 hosts (count the rest in 'other')";
	struct store_refusal *rs = xcalloc(n ? n : 1, sizeof(*rs));
	if (!bad)
		bad = api_refusals_parse(hosts, rs);
	if (bad)
		http_error(r, 400, "bad_request", "%s", bad);
	else {
		enum store_rc rc =
			store_refusals_put(app->store, r->kiosk, json_str_or(j, "day", ""), rs, n,
					   json_int_or(j, "other", 0));
		if (rc == STORE_OK)
			http_json(r, 200, json_object());
		else
			api_store_error(r, rc, "refusal");
	}
	free(rs);
	json_decref(j);
}

void api_refusals(struct app *app, struct http_req *r)
{
	static const char *const q[] = {"day", NULL};
	if (!http_query_only(r, q))
		return;
	char day[11];
	const char *d = http_query(r, "day");
	int64_t t;
	if (!d)
		date_format_local(now_s(), day, sizeof(day));
	else if (strlen(d) != 10 || !date_parse_local(d, &t)) {
		http_error(r, 400, "bad_request", "'day' must be a date YYYY-MM-DD");
		return;
	} else
		snprintf(day, sizeof(day), "%s", d);
	struct store_refused_day rd;
	char *scope = store_scope_json(&r->actor.sites); /* its sites' kiosks only */
	bool ok = store_refusals_day(app->store, day, scope, &rd);
	free(scope);
	if (!ok) {
		free(rd.hosts);
		api_store_error(r, STORE_ERROR, "refusal");
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < rd.n; i++) {
		const struct store_refused_host *h = &rd.hosts[i];
		json_t *svcs = json_array();
		for (size_t k = 0; k < h->n_services; k++)
			json_array_append_new(svcs,
					      json_pack("{so sI}", "id",
							h->services[k].id[0]
								? json_string(h->services[k].id)
								: json_null(),
							"count", (json_int_t)h->services[k].count));
		/* The service that asked most, for the desk's "add to" button. */
		const char *top = NULL;
		for (size_t k = 0; !top && k < h->n_services; k++)
			if (h->services[k].id[0])
				top = h->services[k].id;
		json_array_append_new(arr,
				      json_pack("{ss sI sI so so}", "host", h->host, "count",
						(json_int_t)h->count, "kiosks",
						(json_int_t)h->kiosks, "services", svcs, "service",
						top ? json_string(top) : json_null()));
	}
	free(rd.hosts);
	http_json(r, 200,
		  json_pack("{ss so sI}", "day", day, "hosts", arr, "other", (json_int_t)rd.other));
}

/* ---- statistics ---- */

json_t *api_per_service(struct app *app, int64_t from, int64_t to, const char *scope)
{
	struct store_service_uses u;
	json_t *arr = json_array();
	if (store_service_totals(app->store, from, to, scope, &u))
		for (size_t i = 0; i < u.n; i++)
			json_array_append_new(arr,
					      json_pack("{ss ss sI}", "service", u.rows[i].service,
							"name", u.rows[i].name, "sessions",
							(json_int_t)u.rows[i].sessions));
	free(u.rows);
	return arr;
}

void api_stats_services_csv(struct app *app, struct http_req *r)
{
	static const char *const q[] = {"from", "to", NULL};
	if (!http_query_only(r, q))
		return;
	int64_t from, to;
	char fday[11], tday[11];
	if (!api_date_range(r, &from, &to, fday, tday))
		return;
	struct store_service_uses u;
	/* An account limited to sites: the lines of its sites only. */
	char *scope = store_scope_json(&r->actor.sites);
	bool ok = store_service_daily(app->store, from, to, scope, &u);
	free(scope);
	if (!ok) {
		free(u.rows);
		api_store_error(r, STORE_ERROR, "statistic");
		return;
	}
	struct buf b = {0};
	buf_adds(&b, "\xEF\xBB\xBF"
		     "jour;site;service;sessions\r\n");
	for (size_t i = 0; i < u.n; i++) {
		buf_printf(&b, "%s;", u.rows[i].day);
		csv_field(&b, u.rows[i].site);
		buf_add(&b, ";", 1);
		csv_field(&b, u.rows[i].name);
		buf_printf(&b, ";%lld\r\n", (long long)u.rows[i].sessions);
	}
	free(u.rows);
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(b.len, b.p, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(resp, "Content-Type", "text/csv; charset=utf-8");
	char disp[96];
	snprintf(disp, sizeof(disp), "attachment; filename=\"escale-services-%s-%s.csv\"", fday,
		 tday);
	MHD_add_response_header(resp, "Content-Disposition", disp);
	http_response(r, 200, resp);
}
