/* api: the route table of docs/API.md and what the handlers share. */
#include "api.h"

#include "util.h"

#define ALL_ROLES (ROLE_SECRETARIAT | ROLE_MAINTENANCE | ROLE_ADMIN)
#define SEC       (ROLE_SECRETARIAT | ROLE_ADMIN)
#define MAINT     (ROLE_MAINTENANCE | ROLE_ADMIN)

const struct route api_routes[] = {
	{"GET", "/healthz", AUTH_NONE, 0, api_healthz},
	{"GET", "/metrics", AUTH_STAFF, MAINT, api_metrics},
	{"POST", "/api/v1/kiosk/sessions", AUTH_KIOSK, 0, api_kiosk_session_open},
	{"POST", "/api/v1/kiosk/heartbeat", AUTH_KIOSK, 0, api_kiosk_heartbeat},
	{"POST", "/api/v1/kiosk/sessions/*/end", AUTH_KIOSK, 0, api_kiosk_session_end},
	{"POST", "/api/v1/kiosk/events", AUTH_KIOSK, 0, api_kiosk_events},
	{"GET", "/api/v1/kiosk/codes", AUTH_KIOSK, 0, api_kiosk_codes},
	{"POST", "/api/v1/codes", AUTH_STAFF, SEC, api_codes_issue},
	{"GET", "/api/v1/codes", AUTH_STAFF, SEC, api_codes_list},
	{"POST", "/api/v1/codes/revoke", AUTH_STAFF, SEC, api_codes_revoke},
	{"POST", "/api/v1/codes/extend", AUTH_STAFF, SEC, api_codes_extend},
	{"GET", "/api/v1/kiosks", AUTH_STAFF, ALL_ROLES, api_kiosks_list},
	{"POST", "/api/v1/kiosks", AUTH_STAFF, MAINT, api_kiosks_add},
	{"POST", "/api/v1/kiosks/*/revoke", AUTH_STAFF, MAINT, api_kiosks_revoke},
	{"POST", "/api/v1/kiosks/*/commands", AUTH_STAFF, SEC, api_kiosks_command},
	{"GET", "/api/v1/sessions", AUTH_STAFF, ALL_ROLES, api_sessions_list},
	{"POST", "/api/v1/sessions/*/end", AUTH_STAFF, SEC, api_sessions_end},
	{"POST", "/api/v1/sessions/*/add_time", AUTH_STAFF, SEC, api_sessions_add_time},
	{"GET", "/api/v1/usage", AUTH_STAFF, MAINT, api_usage},
	{"GET", "/api/v1/stats", AUTH_STAFF, MAINT, api_stats},
	{"GET", "/api/v1/audit", AUTH_STAFF, MAINT, api_audit},
	{"GET", "/api/v1/backup", AUTH_STAFF, MAINT, api_backup},
	{"GET", "/api/v1/users", AUTH_STAFF, ROLE_ADMIN, api_users_list},
	{"POST", "/api/v1/users", AUTH_STAFF, ROLE_ADMIN, api_users_add},
	{"POST", "/api/v1/users/*/disable", AUTH_STAFF, ROLE_ADMIN, api_users_disable},
	{"POST", "/api/v1/users/*/token", AUTH_STAFF, ROLE_ADMIN, api_users_token},
	{"GET", "/api/v1/printers", AUTH_STAFF, ALL_ROLES, api_printers_list},
	{"POST", "/api/v1/printers/*/resume", AUTH_STAFF, SEC, api_printers_resume},
	{"GET", "/api/v1/jobs", AUTH_STAFF, ALL_ROLES, api_jobs_list},
	{"POST", "/api/v1/jobs/*/cancel", AUTH_STAFF, SEC, api_jobs_cancel},
	{"POST", "/api/v1/jobs/*/retry", AUTH_STAFF, SEC, api_jobs_retry},
	{"POST", "/api/v1/jobs/*/refund", AUTH_STAFF, SEC, api_jobs_refund},
	{"GET", "/api/v1/whoami", AUTH_STAFF, ALL_ROLES, api_whoami},
	{"POST", "/api/v1/login", AUTH_NONE, 0, api_login},
	{"POST", "/api/v1/logout", AUTH_STAFF, ALL_ROLES, api_logout},
	{"POST", "/api/v1/password", AUTH_STAFF, ALL_ROLES, api_password_change},
	{"GET", "/api/v1/desk", AUTH_STAFF, ALL_ROLES, api_desk},
	{"POST", "/api/v1/users/*/password", AUTH_STAFF, ROLE_ADMIN, api_users_password},
	{"POST", "/api/v1/users/*/role", AUTH_STAFF, ROLE_ADMIN, api_users_role},
	{"POST", "/api/v1/users/*/enable", AUTH_STAFF, ROLE_ADMIN, api_users_enable},
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
