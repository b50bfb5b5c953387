/* api: the route table of docs/API.md and what the handlers share. */
#include "api.h"

#include "util.h"

#define ALL_ROLES (ROLE_SECRETARIAT | ROLE_MAINTENANCE | ROLE_ADMIN)
#define SEC       (ROLE_SECRETARIAT | ROLE_ADMIN)
#define MAINT     (ROLE_MAINTENANCE | ROLE_ADMIN)
/* Every account, mediators too: only what concerns the account itself. */
#define ANY_STAFF (ALL_ROLES | ROLE_MEDIATOR)

const struct route api_routes[] = {
	{"GET", "/healthz", AUTH_NONE, 0, api_healthz, false, false},
	{"GET", "/metrics", AUTH_STAFF, MAINT, api_metrics, false, false},
	{"POST", "/api/v1/kiosk/sessions", AUTH_KIOSK, 0, api_kiosk_session_open, false, false},
	{"POST", "/api/v1/kiosk/heartbeat", AUTH_KIOSK, 0, api_kiosk_heartbeat, false, false},
	{"POST", "/api/v1/kiosk/sessions/*/end", AUTH_KIOSK, 0, api_kiosk_session_end, false,
	 false},
	{"POST", "/api/v1/kiosk/events", AUTH_KIOSK, 0, api_kiosk_events, false, false},
	{"GET", "/api/v1/kiosk/codes", AUTH_KIOSK, 0, api_kiosk_codes, false, false},
	{"GET", "/api/v1/kiosk/services", AUTH_KIOSK, 0, api_kiosk_services, false, false},
	{"GET", "/api/v1/kiosk/settings", AUTH_KIOSK, 0, api_kiosk_settings, false, false},
	{"POST", "/api/v1/kiosk/refusals", AUTH_KIOSK, 0, api_kiosk_refusals, false, false},
	{"POST", "/api/v1/kiosk/accompany", AUTH_KIOSK, 0, api_kiosk_accompany, true, false},
	{"POST", "/api/v1/accompany", AUTH_STAFF, ROLE_MEDIATOR, api_accompany_code, false, true},
	{"POST", "/api/v1/codes", AUTH_STAFF, SEC, api_codes_issue, false, true},
	{"GET", "/api/v1/codes", AUTH_STAFF, SEC, api_codes_list, false, true},
	{"GET", "/api/v1/codes/spare", AUTH_STAFF, SEC, api_codes_spare, false, true},
	{"POST", "/api/v1/codes/revoke", AUTH_STAFF, SEC, api_codes_revoke, false, true},
	{"POST", "/api/v1/codes/extend", AUTH_STAFF, SEC, api_codes_extend, false, true},
	{"GET", "/api/v1/kiosks", AUTH_STAFF, ALL_ROLES, api_kiosks_list, false, true},
	{"POST", "/api/v1/kiosks", AUTH_STAFF, MAINT, api_kiosks_add, false, true},
	{"POST", "/api/v1/kiosks/*/revoke", AUTH_STAFF, MAINT, api_kiosks_revoke, false, true},
	{"POST", "/api/v1/kiosks/enroll", AUTH_STAFF, MAINT, api_kiosks_enroll, false, true},
	{"POST", "/api/v1/enroll", AUTH_NONE, 0, api_enroll, false, false},
	{"POST", "/api/v1/kiosks/*/commands", AUTH_STAFF, SEC, api_kiosks_command, false, true},
	{"GET", "/api/v1/sessions", AUTH_STAFF, ALL_ROLES, api_sessions_list, false, true},
	{"POST", "/api/v1/sessions/*/end", AUTH_STAFF, SEC, api_sessions_end, false, true},
	{"POST", "/api/v1/sessions/*/add_time", AUTH_STAFF, SEC, api_sessions_add_time, false,
	 true},
	{"GET", "/api/v1/usage", AUTH_STAFF, MAINT, api_usage, false, true},
	{"GET", "/api/v1/stats", AUTH_STAFF, MAINT, api_stats, false, true},
	{"GET", "/api/v1/stats/services.csv", AUTH_STAFF, MAINT, api_stats_services_csv, false,
	 true},
	{"GET", "/api/v1/services", AUTH_STAFF, ALL_ROLES, api_services_list, false, true},
	{"POST", "/api/v1/services", AUTH_STAFF, MAINT, api_services_add, false, false},
	{"POST", "/api/v1/services/*", AUTH_STAFF, MAINT, api_services_edit, false, false},
	{"DELETE", "/api/v1/services/*", AUTH_STAFF, MAINT, api_services_remove, false, false},
	{"POST", "/api/v1/services/*/domains", AUTH_STAFF, MAINT, api_services_add_domain, false,
	 false},
	{"POST", "/api/v1/services/*/move", AUTH_STAFF, MAINT, api_services_move, false, false},
	{"GET", "/api/v1/sites", AUTH_STAFF, ALL_ROLES, api_sites_list, false, true},
	{"GET", "/api/v1/sites/+/settings", AUTH_STAFF, ALL_ROLES, api_site_settings_get, false,
	 true},
	{"PUT", "/api/v1/sites/+/settings", AUTH_STAFF, MAINT, api_site_settings_put, false, true},
	{"GET", "/api/v1/refusals", AUTH_STAFF, MAINT, api_refusals, false, true},
	{"GET", "/api/v1/audit", AUTH_STAFF, MAINT, api_audit, false, true},
	{"GET", "/api/v1/backup", AUTH_STAFF, MAINT, api_backup, false, false},
	{"GET", "/api/v1/users", AUTH_STAFF, ROLE_ADMIN, api_users_list, false, false},
	{"POST", "/api/v1/users", AUTH_STAFF, ROLE_ADMIN, api_users_add, true, false},
	{"POST", "/api/v1/users/*/disable", AUTH_STAFF, ROLE_ADMIN, api_users_disable, false,
	 false},
	{"POST", "/api/v1/users/*/token", AUTH_STAFF, ROLE_ADMIN, api_users_token, false, false},
	{"GET", "/api/v1/printers", AUTH_STAFF, ALL_ROLES, api_printers_list, false, true},
	{"POST", "/api/v1/printers/*/resume", AUTH_STAFF, SEC, api_printers_resume, false, true},
	{"POST", "/api/v1/printers", AUTH_STAFF, MAINT, api_printers_add, false, true},
	{"DELETE", "/api/v1/printers/*", AUTH_STAFF, MAINT, api_printers_remove, false, true},
	{"GET", "/api/v1/jobs", AUTH_STAFF, ALL_ROLES, api_jobs_list, false, true},
	{"POST", "/api/v1/jobs/*/cancel", AUTH_STAFF, SEC, api_jobs_cancel, false, true},
	{"POST", "/api/v1/jobs/*/retry", AUTH_STAFF, SEC, api_jobs_retry, false, true},
	{"POST", "/api/v1/jobs/*/refund", AUTH_STAFF, SEC, api_jobs_refund, false, true},
	{"GET", "/api/v1/whoami", AUTH_STAFF, ANY_STAFF, api_whoami, false, true},
	{"POST", "/api/v1/login", AUTH_NONE, 0, api_login, true, true},
	{"POST", "/api/v1/logout", AUTH_STAFF, ANY_STAFF, api_logout, false, true},
	{"POST", "/api/v1/password", AUTH_STAFF, ANY_STAFF, api_password_change, true, true},
	{"GET", "/api/v1/desk", AUTH_STAFF, ANY_STAFF, api_desk, false, true},
	{"POST", "/api/v1/users/*/password", AUTH_STAFF, ROLE_ADMIN, api_users_password, true,
	 false},
	{"POST", "/api/v1/users/*/role", AUTH_STAFF, ROLE_ADMIN, api_users_role, false, false},
	{"POST", "/api/v1/users/*/enable", AUTH_STAFF, ROLE_ADMIN, api_users_enable, false, false},
	{"POST", "/api/v1/users/*/sites", AUTH_STAFF, ROLE_ADMIN, api_users_sites, false, false},
};
const size_t api_routes_len = ARRAY_LEN(api_routes);

json_t *api_body(struct http_req *r, const struct jfield *fields, size_t n)
{
	json_t *j = http_body_json(r);
	if (!j)
		return NULL;
	char err[160];
	if (!json_check(j, fields, n, err, sizeof(err))) {
		json_decref(j);
		http_error(r, 400, "bad_request", "%s", err);
		return NULL;
	}
	return j;
}

bool api_id_param(struct http_req *r, int64_t *id, const char *what)
{
	if (!parse_i64(r->params[0], 1, INT64_MAX, id)) {
		http_error(r, 404, "not_found", "no such %s", what);
		return false;
	}
	return true;
}

bool api_no_body(struct http_req *r)
{
	if (r->len) {
		http_error(r, 400, "bad_request", "this request takes no body");
		return false;
	}
	return true;
}

void api_store_error(struct http_req *r, enum store_rc rc, const char *what)
{
	switch (rc) {
	case STORE_NOT_FOUND:
		http_error(r, 404, "not_found", "no such %s", what);
		break;
	case STORE_LIMIT:
		http_error(r, 409, "limit",
			   "a %s holds at most 24 hours and 1000 pages left, valid for 366 days",
			   what);
		break;
	case STORE_CONFLICT:
		http_error(r, 409, "conflict",
			   "this %s cannot be changed that way (already exists, ended or revoked)",
			   what);
		break;
	default:
		http_error(r, 500, "internal", "the database failed; see escale-admind's log");
	}
}

void api_healthz(struct app *app, struct http_req *r)
{
	bool ok = store_ping(app->store);
	http_json(r, ok ? 200 : 503,
		  json_pack("{ss ss ss}", "status", ok ? "ok" : "degraded", "version",
			    ESCALE_VERSION, "database", ok ? "ok" : "unreadable"));
}
