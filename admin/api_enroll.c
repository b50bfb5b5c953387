/* api_enroll: a new kiosk enrolls itself with a one-time code (docs/API.md "Enrollment"). The
 * staff side makes the code; the kiosk side, without credentials, trades it for its token. */
#include "api.h"

#include <sodium.h>
#include <string.h>

#include "log.h"
#include "ratelimit.h"
#include "util.h"

#define ENROLL_VALID_S 86400

void api_kiosks_enroll(struct app *app, struct http_req *r)
{
	static const struct jfield f[] = {{"name", J_STR, true, 1, 64},
					  {"site", J_STR, false, 0, 64}};
	json_t *j = api_body(r, f, ARRAY_LEN(f));
	if (!j)
		return;
	const char *name = json_str_or(j, "name", ""), *site = json_str_or(j, "site", "");
	if (!actor_site_ok(&r->actor, site)) {
		http_error(r, 403, "forbidden",
			   "this account may enroll kiosks at its own sites only");
		json_decref(j);
		return;
	}
	char code[STORE_ENROLL_LEN + 1], grouped[STORE_ENROLL_LEN * 2];
	int64_t until = now_s() + ENROLL_VALID_S;
	enum store_rc rc =
		api_kiosk_name_elsewhere(app, r, name)
			? STORE_CONFLICT
			: store_enroll_new(app->store, &r->actor, name, site, until, code);
	if (rc == STORE_OK) {
		code_format(code, grouped, sizeof(grouped));
		json_t *out = json_pack("{ss ss ss sI}", "name", name, "site", site, "code",
					grouped, "expires_at", (json_int_t)until);
		json_object_set_new(out, "pin",
				    *app->tls_pin ? json_string(app->tls_pin) : json_null());
		http_json(r, 201, out);
	} else if (rc == STORE_CONFLICT) {
		http_error(
			r, 409, "conflict",
			"a kiosk named '%s' is enrolled: revoke it first to enroll that PC again",
			name);
	} else {
		api_store_error(r, rc, "kiosk");
	}
	sodium_memzero(code, sizeof(code));
	sodium_memzero(grouped, sizeof(grouped));
	json_decref(j);
}

void api_enroll(struct app *app, struct http_req *r)
{
	static const struct jfield f[] = {{"code", J_STR, true, 1, 64}};
	int64_t key = api_name_key(r->addr), now = mono_ms();
	int64_t wait = ratelimit_wait(app->enroll_rl, key, now);
	if (wait > 0) {
		http_rate_limited(r, wait, "too many wrong enrollment codes from this address");
		return;
	}
	json_t *j = api_body(r, f, ARRAY_LEN(f));
	if (!j)
		return;
	char norm[CODE_MAX_LEN + 1];
	struct store_enrolled e;
	enum store_rc rc = code_normalise(json_str_or(j, "code", ""), norm)
				   ? store_enroll_redeem(app->store, norm, r->addr, &e)
				   : STORE_NOT_FOUND;
	json_decref(j);
	sodium_memzero(norm, sizeof(norm));
	if (rc == STORE_OK) {
		ratelimit_success(app->enroll_rl, key);
		log_info("kiosk '%s' enrolled from %s", e.name, r->addr);
		http_json(r, 201,
			  json_pack("{sI ss ss ss}", "id", (json_int_t)e.id, "name", e.name, "site",
				    e.site, "token", e.token));
	} else if (rc == STORE_NOT_FOUND) {
		int64_t lock = ratelimit_fail(app->enroll_rl, key, now);
		if (lock > 0)
			http_rate_limited(r, lock,
					  "too many wrong enrollment codes from this address");
		else
			http_error(r, 403, "enroll_refused",
				   "this enrollment code is unknown, already used or expired: ask "
				   "for a new one (escalectl kiosk enroll)");
	} else if (rc == STORE_CONFLICT) {
		http_error(r, 409, "conflict",
			   "a kiosk with this code's name was enrolled meanwhile: ask for a new "
			   "code");
	} else {
		api_store_error(r, rc, "kiosk");
	}
	sodium_memzero(&e, sizeof(e));
}
