/* api_accompany: accompanied sessions. A mediator (role mediator) gets a one-time code on
 * the desk page or with escalectl (POST /api/v1/accompany) and types it on a kiosk's keypad
 * like a resident's code; or signs in on the kiosk with name and password (POST
 * /api/v1/kiosk/accompany). Both open an ordinary session whose code is the mediator's:
 * no time limit but the kiosk's closing time, the wider services, a banner naming them,
 * the audit log's session.accompany and session.accompany_end. */
#include "api.h"

#include <sodium.h>
#include <string.h>

#include "code.h"
#include "ratelimit.h"
#include "store_sites.h"
#include "sitecfg.h"
#include "util.h"

/* What admind counts against an accompany code: more than a day, so that only the kiosk's
 * closing time ends the session. */
#define ACCOMPANY_SECONDS (24 * 3600)

/* The spec of one accompany code for SITE (NULL: every site), valid SECONDS from now. */
static struct code_spec accompany_spec(const struct admind_config *c, const char *site,
				       int64_t seconds)
{
	return (struct code_spec){
		.count = 1,
		.seconds = ACCOMPANY_SECONDS,
		.pages = c->accompany_pages,
		.valid_until = now_s() + seconds,
		.alphabet = c->code_alphabet,
		.length = (int)c->code_length,
		.site = site,
		.accompany = true,
	};
}

void api_accompany_code(struct app *app, struct http_req *r)
{
	static const struct jfield f[] = {{"site", J_STR, false, 1, 64}};
	json_t *j = r->len ? api_body(r, f, ARRAY_LEN(f)) : json_object();
	if (!j)
		return;
	/* The code works where its mediator may accompany: one of its sites (by default its
	 * one site), or every site for a mediator of every site. */
	const struct site_list *mine = &r->actor.sites;
	char site[NAME_MAX_BYTES + 1];
	snprintf(site, sizeof(site), "%s", json_str_or(j, "site", mine->n == 1 ? mine->v[0] : ""));
	json_decref(j);
	if (site[0] && !site_name_ok(site)) {
		http_error(r, 400, "bad_request",
			   "'site' must be a site's name (1 to 64 characters)");
		return;
	}
	if (mine->n > 0 && !actor_site_ok(&r->actor, site)) {
		http_error(r, 403, "forbidden", "%s",
			   mine->n > 1 ? "name one of this account's sites in 'site'"
				       : "this account accompanies at its own site only");
		return;
	}
	const struct admind_config *c = &app->cfg;
	struct code_spec spec = accompany_spec(c, site[0] ? site : NULL, c->accompany_minutes * 60);
	struct store_issued_code code;
	enum store_rc rc = store_codes_issue(app->store, &r->actor, &spec, &code);
	if (rc == STORE_OK)
		http_json(r, 201,
			  json_pack("{ss sI so sI}", "code", code.code, "valid_until",
				    (json_int_t)spec.valid_until, "site",
				    spec.site ? json_string(spec.site) : json_null(), "pages",
				    (json_int_t)spec.pages));
	else
		api_store_error(r, rc, "code");
	sodium_memzero(&code, sizeof(code));
}

/* A refusal of the kiosk's sign-in that is not a wrong password: counted against the kiosk
 * as a wrong code is. */
static void refuse(struct app *app, struct http_req *r, const char *word, const char *message)
{
	int64_t lock = ratelimit_fail(app->rl, r->kiosk, mono_ms());
	if (lock > 0)
		http_rate_limited(r, lock,
				  "Trop d'essais. Patientez. / Too many tries; please wait.");
	else
		http_error(r, 403, word, "%s", message);
}

void api_kiosk_accompany(struct app *app, struct http_req *r)
{
	static const struct jfield f[] = {{"name", J_STR, true, 1, 64},
					  {"password", J_STR, true, 1, 256}};
	if (api_kiosk_paused(app, r))
		return;
	json_t *j = api_body(r, f, ARRAY_LEN(f));
	if (!j)
		return;
	struct store_actor who;
	bool ok = api_password_ok(app, r, json_str_or(j, "name", ""),
				  json_str_or(j, "password", ""), &who, 403, "bad_login");
	json_decref(j);
	if (!ok) {
		/* Answered already; the kiosk's count moves too (many names from one kiosk). */
		ratelimit_fail(app->rl, r->kiosk, mono_ms());
		return;
	}
	char site[SITE_NAME_MAX_BYTES + 1];
	int64_t version;
	if (!store_kiosk_site(app->store, r->kiosk, site, &version)) {
		http_error(r, 500, "internal", "the database failed; see escale-admind's log");
		return;
	}
	if (who.role != ROLE_MEDIATOR) {
		refuse(app, r, "not_mediator",
		       "Ce compte ne peut pas accompagner une session. / This account is not a "
		       "mediator's.");
		return;
	}
	if (!actor_site_ok(&who, site)) {
		refuse(app, r, "wrong_site",
		       "Ce compte n'accompagne pas sur ce site. / This mediator is not of this "
		       "kiosk's site.");
		return;
	}
	/* A code of a minute, used at once: the session is the same as with a desk code. */
	struct code_spec spec = accompany_spec(&app->cfg, site[0] ? site : NULL, 60);
	struct store_issued_code code;
	char norm[CODE_MAX_LEN + 1];
	struct session_open so;
	enum store_rc rc = store_codes_issue(app->store, &who, &spec, &code);
	if (rc == STORE_OK)
		rc = code_normalise(code.code, norm) ? STORE_OK : STORE_ERROR;
	if (rc == STORE_OK)
		rc = store_session_open(app->store, r->kiosk, norm, &so);
	sodium_memzero(&code, sizeof(code));
	sodium_memzero(norm, sizeof(norm));
	if (rc != STORE_OK) {
		api_store_error(r, STORE_ERROR, "session");
		return;
	}
	ratelimit_success(app->rl, r->kiosk);
	http_json(r, 201, api_session_open_json(&so));
}
