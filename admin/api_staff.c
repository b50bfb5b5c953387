/* api_staff: the routes staff use (codes, kiosks, sessions, users, audit). */
#include "api.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "ratelimit.h"
#include "util.h"
#include "wire.h"

/* "days" or "valid_until" (Unix time, or local "YYYY-MM-DDTHH:MM"). */
static bool validity(struct http_req *r, json_t *j, int64_t default_days, int64_t *until)
{
	int64_t now = now_s();
	json_t *vu = json_object_get(j, "valid_until");
	if (vu && json_object_get(j, "days")) {
		http_error(r, 400, "bad_request", "give either 'days' or 'valid_until', not both");
		return false;
	}
	if (!vu) {
		*until = now + json_int_or(j, "days", default_days) * 86400;
		return true;
	}
	if (json_is_integer(vu))
		*until = json_integer_value(vu);
	else if (!datetime_parse_local(json_string_value(vu), until)) {
		http_error(r, 400, "bad_request",
			   "'valid_until' must be YYYY-MM-DDTHH:MM (local time)");
		return false;
	}
	if (*until <= now || *until > now + 366 * 86400) {
		http_error(r, 400, "bad_request", "'valid_until' must be in the next 366 days");
		return false;
	}
	return true;
}

void api_codes_issue(struct app *app, struct http_req *r)
{
	const struct admind_config *c = &app->cfg;
	const struct jfield f[] = {
		{"count", J_INT, false, 1, c->max_count},
		{"minutes", J_INT, false, 1, 1440},
		{"pages", J_INT, false, 0, 1000},
		{"days", J_INT, false, 1, 366},
		{"valid_until", J_STR_OR_INT, false, 0, 0},
		{"spare", J_BOOL, false, 0, 0},
		{"site", J_STR, false, 1, 64},
	};
	json_t *j = api_body(r, f, ARRAY_LEN(f));
	if (!j)
		return;
	/* Where the codes are valid: a site, or "all". A limited account's codes are of its
	 * sites (by default its one site); "all" is for the accounts of every site. */
	const struct site_list *mine = &r->actor.sites;
	const char *site = json_str_or(j, "site", mine->n == 1 ? mine->v[0] : "all");
	char site_buf[NAME_MAX_BYTES + 1];
	snprintf(site_buf, sizeof(site_buf), "%s", site);
	bool all = strcmp(site_buf, "all") == 0;
	if (!all && !site_name_ok(site_buf)) {
		json_decref(j);
		http_error(r, 400, "bad_request",
			   "'site' must be a site's name (1 to 64 characters) or \"all\"");
		return;
	}
	if (mine->n > 0 && (all || !actor_site_ok(&r->actor, site_buf))) {
		json_decref(j);
		http_error(r, 403, "forbidden", "%s",
			   mine->n > 1 ? "this account's codes must name one of its sites in 'site'"
				       : "this account issues codes for its own site only");
		return;
	}
	/* A sheet of spare codes: the desk's count and validity unless the request says. */
	bool spare = json_is_true(json_object_get(j, "spare"));
	struct code_spec spec = {
		.count = (int)json_int_or(j, "count", spare ? c->desk.spare_count : 1),
		.seconds = json_int_or(j, "minutes", c->default_minutes) * 60,
		.pages = json_int_or(j, "pages", c->default_pages),
		.alphabet = c->code_alphabet,
		.length = (int)c->code_length,
		.spare = spare,
		.site = all ? NULL : site_buf,
	};
	bool ok = validity(r, j, spare ? c->desk.spare_days : c->default_days, &spec.valid_until);
	json_decref(j);
	if (!ok)
		return;
	struct store_issued_code *codes = xcalloc((size_t)spec.count, sizeof(*codes));
	enum store_rc rc = store_codes_issue(app->store, &r->actor, &spec, codes);
	if (rc == STORE_OK)
		http_json(r, 201, api_issued_json(&spec, codes));
	else
		api_store_error(r, rc, "code");
	sodium_memzero(codes, sizeof(*codes) * (size_t)spec.count);
	free(codes);
}

void api_codes_list(struct app *app, struct http_req *r)
{
	static const char *const q[] = {"state", NULL};
	if (!http_query_only(r, q))
		return;
	const char *state = http_query(r, "state");
	if (state && strcmp(state, "active") != 0 && strcmp(state, "all") != 0) {
		http_error(r, 400, "bad_request", "'state' must be active or all");
		return;
	}
	struct store_code_rows rows;
	store_codes_list(app->store, state && strcmp(state, "all") == 0, &rows);
	json_t *list = api_codes_json(&rows);
	free(rows.v);
	api_scope_array(r, json_object_get(list, "codes"), "site");
	http_json(r, 200, list);
}

/* {"code": "..."} or {"id": N}: exactly one. */
static bool code_ref(struct http_req *r, json_t *j, char norm[CODE_MAX_LEN + 1], int64_t *id)
{
	const char *code = json_str_or(j, "code", NULL);
	*id = json_int_or(j, "id", 0);
	if (!code == !json_object_get(j, "id")) {
		http_error(r, 400, "bad_request", "give either 'code' or 'id'");
		return false;
	}
	if (code && !code_normalise(code, norm)) {
		http_error(r, 404, "not_found", "no such code");
		return false;
	}
	return true;
}

void api_codes_revoke(struct app *app, struct http_req *r)
{
	static const struct jfield f[] = {{"code", J_STR, false, 1, 64},
					  {"id", J_INT, false, 1, INT64_MAX}};
	json_t *j = api_body(r, f, ARRAY_LEN(f));
	if (!j)
		return;
	char norm[CODE_MAX_LEN + 1];
	int64_t id;
	bool ok = code_ref(r, j, norm, &id);
	bool by_code = json_object_get(j, "code") != NULL;
	json_decref(j);
	if (!ok)
		return;
	struct store_code_row out;
	enum store_rc rc =
		store_code_revoke(app->store, &r->actor, by_code ? norm : NULL, id, &out);
	if (rc != STORE_OK) {
		api_store_error(r, rc, "code");
		return;
	}
	http_json(r, 200, api_code_json(&out));
}

void api_codes_extend(struct app *app, struct http_req *r)
{
	static const struct jfield f[] = {
		{"code", J_STR, false, 1, 64},      {"id", J_INT, false, 1, INT64_MAX},
		{"minutes", J_INT, false, 0, 1440}, {"pages", J_INT, false, 0, 1000},
		{"days", J_INT, false, 0, 366},
	};
	json_t *j = api_body(r, f, ARRAY_LEN(f));
	if (!j)
		return;
	char norm[CODE_MAX_LEN + 1];
	int64_t id;
	bool ok = code_ref(r, j, norm, &id);
	bool by_code = json_object_get(j, "code") != NULL;
	int64_t minutes = json_int_or(j, "minutes", 0), pages = json_int_or(j, "pages", 0),
		days = json_int_or(j, "days", 0);
	json_decref(j);
	if (!ok)
		return;
	if (minutes + pages + days == 0) {
		http_error(r, 400, "bad_request", "give 'minutes', 'pages' or 'days' to add");
		return;
	}
	struct store_code_row out;
	enum store_rc rc = store_code_extend(app->store, &r->actor, by_code ? norm : NULL, id,
					     minutes * 60, pages, days, &out);
	if (rc != STORE_OK) {
		api_store_error(r, rc, "code");
		return;
	}
	http_json(r, 200, api_code_json(&out));
}

void api_kiosks_list(struct app *app, struct http_req *r)
{
	struct store_kiosk_rows rows;
	store_kiosk_list(app->store, &rows);
	json_t *list = api_kiosks_json(&rows);
	store_kiosk_rows_free(&rows);
	api_scope_array(r, json_object_get(list, "kiosks"), "site");
	/* The pause after wrong codes lives in admind's memory, not in the store. */
	json_t *kiosks = json_object_get(list, "kiosks"), *k;
	size_t i;
	int64_t now = mono_ms();
	json_array_foreach (kiosks, i, k) {
		json_t *id = json_object_get(k, "id");
		int64_t wait = json_is_integer(id)
				       ? ratelimit_wait(app->rl, json_integer_value(id), now)
				       : 0;
		json_object_set_new(k, "paused_seconds", json_integer(wait));
		api_help_fields(app, k);
	}
	http_json(r, 200, list);
}

void api_kiosks_add(struct app *app, struct http_req *r)
{
	static const struct jfield f[] = {{"name", J_STR, true, 1, 64},
					  {"site", J_STR, false, 0, 64}};
	json_t *j = api_body(r, f, ARRAY_LEN(f));
	if (!j)
		return;
	char token[TOKEN_STR_LEN + 1];
	int64_t id;
	const char *name = json_str_or(j, "name", ""), *site = json_str_or(j, "site", "");
	if (!actor_site_ok(&r->actor, site)) {
		http_error(r, 403, "forbidden",
			   "this account may add kiosks to its own sites only");
		json_decref(j);
		return;
	}
	/* Another site's kiosk, even revoked, is a name taken. */
	enum store_rc rc =
		api_kiosk_name_elsewhere(app, r, name)
			? STORE_CONFLICT
			: store_kiosk_create(app->store, &r->actor, name, site, token, &id);
	if (rc == STORE_OK)
		http_json(r, 201,
			  json_pack("{sI ss ss ss}", "id", (json_int_t)id, "name", name, "site",
				    site, "token", token));
	else if (rc == STORE_CONFLICT)
		http_error(r, 409, "conflict", "a kiosk named '%s' already exists", name);
	else
		api_store_error(r, rc, "kiosk");
	explicit_bzero(token, sizeof(token));
	json_decref(j);
}

void api_kiosks_revoke(struct app *app, struct http_req *r)
{
	int64_t id;
	if (!api_id_param(r, &id, "kiosk") || !api_kiosk_scope(app, r, id))
		return;
	if (!api_no_body(r))
		return;
	enum store_rc rc = store_kiosk_revoke(app->store, &r->actor, id);
	if (rc != STORE_OK) {
		api_store_error(r, rc, "kiosk");
		return;
	}
	http_json(r, 200, json_pack("{sI sb}", "id", (json_int_t)id, "revoked", 1));
}

void api_kiosks_command(struct app *app, struct http_req *r)
{
	static const struct jfield f[] = {{"type", J_STR, true, 1, 16},
					  {"text", J_STR, false, 0, 500}};
	int64_t id;
	if (!api_id_param(r, &id, "kiosk") || !api_kiosk_scope(app, r, id))
		return;
	json_t *j = api_body(r, f, ARRAY_LEN(f));
	if (!j)
		return;
	const char *type = json_str_or(j, "type", ""), *text = json_str_or(j, "text", NULL);
	enum wire_cmd cmd_type;
	if (!wire_cmd_parse(type, &cmd_type) ||
	    (cmd_type != WIRE_CMD_MESSAGE && cmd_type != WIRE_CMD_LOCK &&
	     cmd_type != WIRE_CMD_UNLOCK && cmd_type != WIRE_CMD_UNPAUSE &&
	     cmd_type != WIRE_CMD_HELP_COMING && cmd_type != WIRE_CMD_HELP_CLEAR)) {
		http_error(r, 400, "bad_request",
			   "'type' must be message, lock, unlock, unpause, help_coming or "
			   "help_clear");
	} else if (!api_help_answer(app, id, cmd_type)) {
		http_error(r, 409, "no_help_call",
			   "this kiosk is not calling for help (any more): nothing to answer");
	} else if (cmd_type == WIRE_CMD_MESSAGE && (!text || !*text)) {
		http_error(r, 400, "bad_request", "a message needs a 'text'");
	} else {
		int64_t cmd;
		enum store_rc rc = store_kiosk_command(app->store, &r->actor, id, type, text, &cmd);
		/* admind's own count too: the next code is checked at once. */
		if (rc == STORE_OK && cmd_type == WIRE_CMD_UNPAUSE)
			ratelimit_clear(app->rl, id);
		if (rc == STORE_OK)
			http_json(r, 201, json_pack("{sI}", "id", (json_int_t)cmd));
		else
			api_store_error(r, rc, "kiosk");
	}
	json_decref(j);
}

void api_sessions_list(struct app *app, struct http_req *r)
{
	static const char *const q[] = {"active", NULL};
	if (!http_query_only(r, q))
		return;
	const char *a = http_query(r, "active");
	if (a && strcmp(a, "1") && strcmp(a, "0") && strcmp(a, "true") && strcmp(a, "false")) {
		http_error(r, 400, "bad_request", "'active' must be 1 or 0");
		return;
	}
	struct store_session_rows rows;
	char *scope = store_scope_json(&r->actor.sites);
	store_session_list(app->store, a && (a[0] == '1' || a[0] == 't'), scope, &rows);
	free(scope);
	json_t *list = api_sessions_json(&rows);
	store_session_rows_free(&rows);
	http_json(r, 200, list);
}

static bool session_param(struct http_req *r)
{
	uint8_t raw[SESSION_ID_LEN / 2];
	if (!hex_decode(r->params[0], raw, sizeof(raw))) {
		http_error(r, 404, "not_found", "no such session");
		return false;
	}
	return true;
}

void api_sessions_end(struct app *app, struct http_req *r)
{
	if (!session_param(r) || !api_session_scope(app, r, r->params[0]))
		return;
	if (!api_no_body(r))
		return;
	enum store_rc rc = store_session_end_staff(app->store, &r->actor, r->params[0]);
	if (rc != STORE_OK) {
		api_store_error(r, rc, "session");
		return;
	}
	http_json(r, 200, json_pack("{ss sb}", "session", r->params[0], "ended", 1));
}

void api_sessions_add_time(struct app *app, struct http_req *r)
{
	static const struct jfield f[] = {{"minutes", J_INT, true, 1, 480}};
	if (!session_param(r) || !api_session_scope(app, r, r->params[0]))
		return;
	json_t *j = api_body(r, f, ARRAY_LEN(f));
	if (!j)
		return;
	int64_t minutes = json_int_or(j, "minutes", 0);
	json_decref(j);
	enum store_rc rc =
		store_session_add_time(app->store, &r->actor, r->params[0], minutes * 60);
	if (rc != STORE_OK) {
		api_store_error(r, rc, "session");
		return;
	}
	http_json(r, 200,
		  json_pack("{ss sI}", "session", r->params[0], "added_minutes",
			    (json_int_t)minutes));
}

void api_users_list(struct app *app, struct http_req *r)
{
	struct store_user_rows rows;
	store_user_list(app->store, &rows);
	http_json(r, 200, api_users_json(&rows));
	store_user_rows_free(&rows);
}

void api_users_add(struct app *app, struct http_req *r)
{
	static const struct jfield f[] = {{"name", J_STR, true, 1, 64},
					  {"role", J_STR, true, 1, 16},
					  {"password", J_STR, false, 10, 256}};
	json_t *j = http_body_json(r);
	if (!j)
		return;
	/* "sites" (null or a list) is checked apart: json_check knows no null. */
	struct site_list sites;
	char err[160];
	json_t *sv = json_incref(json_object_get(j, "sites"));
	json_object_del(j, "sites");
	bool sites_ok = api_sites_parse(r, sv, &sites);
	json_decref(sv);
	if (!sites_ok) {
		json_wipe_string(j, "password");
		json_decref(j);
		return;
	}
	if (!json_check(j, f, ARRAY_LEN(f), err, sizeof(err))) {
		json_wipe_string(j, "password");
		json_decref(j);
		http_error(r, 400, "bad_request", "%s", err);
		return;
	}
	enum role role;
	const char *name = json_str_or(j, "name", "");
	if (!role_parse(json_str_or(j, "role", ""), &role)) {
		http_error(r, 400, "bad_request",
			   "'role' must be admin, secretariat or maintenance");
		json_decref(j);
		return;
	}
	char hash[STORE_PWHASH_LEN];
	json_t *pw = json_object_get(j, "password");
	if (pw) {
		bool hashed = store_password_hash(json_string_value(pw), hash);
		json_wipe_string(j, "password");
		if (!hashed) {
			http_error(r, 500, "internal", "cannot hash the password; see the log");
			json_decref(j);
			return;
		}
	}
	char token[TOKEN_STR_LEN + 1];
	int64_t id;
	enum store_rc rc = store_user_create_by(app->store, &r->actor, name, role, pw ? hash : NULL,
						&sites, token, &id);
	if (rc == STORE_OK)
		http_json(r, 201,
			  json_pack("{sI ss ss ss so}", "id", (json_int_t)id, "name", name, "role",
				    role_name(role), "token", token, "sites",
				    api_sites_json(&sites)));
	else if (rc == STORE_CONFLICT)
		http_error(r, 409, "conflict", "a user named '%s' already exists", name);
	else
		api_store_error(r, rc, "user");
	explicit_bzero(token, sizeof(token));
	json_decref(j);
}

void api_users_disable(struct app *app, struct http_req *r)
{
	int64_t id;
	if (!api_id_param(r, &id, "user"))
		return;
	if (!api_no_body(r))
		return;
	enum store_rc rc = store_user_disable(app->store, &r->actor, id);
	if (rc == STORE_CONFLICT)
		http_error(r, 409, "conflict", "the last admin cannot be disabled");
	else if (rc != STORE_OK)
		api_store_error(r, rc, "user");
	else
		http_json(r, 200, json_pack("{sI sb}", "id", (json_int_t)id, "disabled", 1));
}

void api_users_token(struct app *app, struct http_req *r)
{
	int64_t id;
	if (!api_id_param(r, &id, "user"))
		return;
	if (!api_no_body(r))
		return;
	char token[TOKEN_STR_LEN + 1];
	enum store_rc rc = store_user_new_token(app->store, &r->actor, id, token);
	if (rc != STORE_OK)
		api_store_error(r, rc, "user");
	else
		http_json(r, 200, json_pack("{sI ss}", "id", (json_int_t)id, "token", token));
	explicit_bzero(token, sizeof(token));
}

void api_whoami(struct app *app, struct http_req *r)
{
	json_t *out = json_pack("{ss ss so}", "name", r->actor.name, "role",
				role_name(r->actor.role), "sites", api_sites_json(&r->actor.sites));
	if (r->web.id) {
		json_object_set_new(out, "csrf", json_string(r->web.csrf));
		json_object_set_new(out, "expires_at", json_integer(r->web.expires_at));
		json_object_set_new(out, "idle_seconds",
				    json_integer(r->app->cfg.web.idle_seconds));
	}
	http_json(r, 200, out);
}

void api_audit(struct app *app, struct http_req *r)
{
	static const char *const q[] = {"limit", NULL};
	if (!http_query_only(r, q))
		return;
	int64_t limit = 100;
	const char *l = http_query(r, "limit");
	if (l && !parse_i64(l, 1, 10000, &limit)) {
		http_error(r, 400, "bad_request", "'limit' must be 1 to 10000");
		return;
	}
	struct store_audit_rows rows;
	store_audit_list(app->store, limit, &rows);
	json_t *list = api_audit_json(&rows);
	store_audit_rows_free(&rows);
	/* An account limited to sites: the lines that name one of its sites ("site" in their
	 * detail) and nothing else. */
	json_t *arr = json_object_get(list, "audit");
	for (size_t i = json_array_size(arr); r->actor.sites.n > 0 && i-- > 0;) {
		json_t *d = json_object_get(json_array_get(arr, i), "detail");
		const char *site = json_string_value(json_object_get(d, "site"));
		if (!site || !actor_site_ok(&r->actor, site))
			json_array_remove(arr, i);
	}
	http_json(r, 200, list);
}
