/* api_web: signing in and out of the staff pages, passwords, and the desk's settings. */
#include "api.h"
#include "store_sites.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "ratelimit.h"
#include "util.h"

#define PASSWORD_MIN 10
#define PASSWORD_MAX 256

/* Wrong passwords are counted three ways, under a keyed hash so that the
 * names tried are not kept in memory:
 * - per name and address: after web.login_max_failures that pair is locked
 *   out, the right password refused too (guessing from one place);
 * - per name, whatever the address: after web.name_max_failures the name is
 *   locked out (guessing from many places);
 * - per address, whatever the name: after web.address_max_failures the
 *   address is locked out (one password tried on every name).
 * The last two spare the addresses a name signed in from before (kept in
 * memory for KNOWN_MS): someone elsewhere, or one other name, can slow down
 * an attacker but cannot lock the desk out of its own account. */
#define KNOWN_MS (90LL * 24 * 3600 * 1000)
static uint8_t name_hash_key[crypto_shorthash_KEYBYTES];
static pthread_once_t name_hash_once = PTHREAD_ONCE_INIT;

static void name_hash_init(void)
{
	randombytes_buf(name_hash_key, sizeof(name_hash_key));
}

/* The keyed hash of A, or of A and B (neither holds a NUL: the pair is
 * unambiguous); each kind of key has its own table. */
static int64_t name_key2(const char *a, const char *b)
{
	pthread_once(&name_hash_once, name_hash_init);
	uint8_t h[crypto_shorthash_BYTES];
	size_t na = strlen(a), nb = b ? strlen(b) + 1 : 0;
	uint8_t *buf = xmalloc(na + nb + 1);
	memcpy(buf, a, na);
	if (b) {
		buf[na] = 0;
		memcpy(buf + na + 1, b, nb - 1);
	}
	crypto_shorthash(h, buf, na + nb, name_hash_key);
	free(buf);
	int64_t k;
	memcpy(&k, h, sizeof(k));
	return k;
}

int64_t api_name_key(const char *a)
{
	return name_key2(a, NULL);
}

static int64_t max3(int64_t a, int64_t b, int64_t c)
{
	int64_t m = a > b ? a : b;
	return m > c ? m : c;
}

/* Checks NAME's PASSWORD under the lock-outs above; replies 401 or 403
 * (WRONG_STATUS, WRONG_WORD) or 429 when it fails. */
bool api_password_ok(struct app *app, struct http_req *r, const char *name, const char *password,
		     struct store_actor *out, unsigned wrong_status, const char *wrong_word)
{
	int64_t pair = name_key2(name, r->addr), nkey = name_key2(name, NULL),
		akey = name_key2(r->addr, NULL), now = mono_ms();
	bool known = ratelimit_marked(app->web_known, pair, now, KNOWN_MS);
	/* Each count is reserved before the check (argon2id takes a while and
	 * runs on several threads): parallel guesses cannot all slip in before
	 * the first failure is counted. */
	int64_t wait = ratelimit_reserve(app->web_rl, pair, now, true);
	int64_t wait_name = wait ? 0 : ratelimit_reserve(app->web_name_rl, nkey, now, !known);
	int64_t wait_addr =
		wait || wait_name ? 0 : ratelimit_reserve(app->web_addr_rl, akey, now, !known);
	if (wait || wait_name || wait_addr) {
		if (!wait)
			ratelimit_release(app->web_rl, pair);
		if (!wait && !wait_name)
			ratelimit_release(app->web_name_rl, nkey);
		http_rate_limited(r, max3(wait, wait_name, wait_addr),
				  "too many wrong passwords; try again later");
		return false;
	}
	if (store_password_check(app->store, name, password, out)) {
		ratelimit_success(app->web_rl, pair);
		ratelimit_release(app->web_name_rl, nkey);
		ratelimit_success(app->web_addr_rl, akey);
		ratelimit_mark(app->web_known, pair, now);
		return true;
	}
	int64_t lock = ratelimit_fail(app->web_rl, pair, now);
	int64_t lock_name = ratelimit_fail(app->web_name_rl, nkey, now);
	int64_t lock_addr = ratelimit_fail(app->web_addr_rl, akey, now);
	log_warnx("staff sign-in: wrong password for '%s' from %s%s%s%s", name, r->addr,
		  lock ? "; this name is locked out from this address" : "",
		  lock_name ? "; this name is locked out from new addresses" : "",
		  lock_addr ? "; this address is locked out for new names" : "");
	if (!known)
		lock = max3(lock, lock_name, lock_addr);
	if (lock)
		http_rate_limited(r, lock, "too many wrong passwords; try again later");
	else
		http_error(r, wrong_status, wrong_word, "wrong name or password");
	return false;
}

void api_login(struct app *app, struct http_req *r)
{
	static const struct jfield f[] = {{"name", J_STR, true, 1, 64},
					  {"password", J_STR, true, 1, PASSWORD_MAX}};
	json_t *j = api_body(r, f, ARRAY_LEN(f));
	if (!j)
		return;
	struct store_actor who;
	char cookie[TOKEN_STR_LEN + 1];
	struct web_session ws;
	if (!api_password_ok(app, r, json_str_or(j, "name", ""), json_str_or(j, "password", ""),
			     &who, 401, "bad_login"))
		goto out;
	if (store_web_open(app->store, &who, cookie, &ws) != STORE_OK) {
		http_error(r, 500, "internal", "the database failed; see escale-admind's log");
		goto out;
	}
	const struct web_config *w = &app->cfg.web;
	int64_t now = now_s();
	http_json(r, 200,
		  json_pack("{ss ss ss sI sI so}", "name", who.name, "role", role_name(who.role),
			    "csrf", ws.csrf, "idle_seconds", (json_int_t)w->idle_seconds,
			    "expires_at", (json_int_t)(now + w->idle_seconds), "sites",
			    api_sites_json(&who.sites)));
	http_set_cookie(r, cookie, w->max_seconds);
	log_info("staff sign-in: %s (%s) from %s", who.name, role_name(who.role), r->addr);
	sodium_memzero(cookie, sizeof(cookie));
out:
	/* The password is not left in freed memory. */
	json_wipe_string(j, "password");
	json_decref(j);
}

void api_logout(struct app *app, struct http_req *r)
{
	if (!api_no_body(r))
		return;
	if (!r->web.id) {
		http_error(r, 400, "bad_request", "only a signed-in page can sign out");
		return;
	}
	if (store_web_close(app->store, &r->actor, r->web.id) != STORE_OK) {
		http_error(r, 500, "internal", "the database failed; see escale-admind's log");
		return;
	}
	http_json(r, 200, json_pack("{sb}", "signed_out", 1));
	http_set_cookie(r, "", 0);
}

void api_password_change(struct app *app, struct http_req *r)
{
	static const struct jfield f[] = {{"old", J_STR, true, 1, PASSWORD_MAX},
					  {"new", J_STR, true, PASSWORD_MIN, PASSWORD_MAX}};
	json_t *j = api_body(r, f, ARRAY_LEN(f));
	if (!j)
		return;
	struct store_actor who;
	if (api_password_ok(app, r, r->actor.name, json_str_or(j, "old", ""), &who, 403,
			    "wrong_password")) {
		enum store_rc rc = store_user_set_password(app->store, &r->actor, r->actor.user_id,
							   json_str_or(j, "new", ""), r->web.id);
		if (rc == STORE_OK)
			http_json(r, 200, json_pack("{sb}", "changed", 1));
		else
			api_store_error(r, rc, "user");
	}
	json_wipe_string(j, "old");
	json_wipe_string(j, "new");
	json_decref(j);
}

static json_t *string_array(char **list)
{
	json_t *a = json_array();
	for (char **p = list; p && *p; p++)
		json_array_append_new(a, json_string(*p));
	return a;
}

/* SITE's desk.centre, desk.presets and desk.rules, where set, over OUT's. */
static void desk_site_values(struct app *app, const char *site, json_t *out)
{
	char *text;
	int64_t version;
	if (!store_site_settings_get(app->store, site, &text, &version))
		return;
	json_error_t e;
	json_t *s = json_loads(text, JSON_REJECT_DUPLICATES, &e);
	free(text);
	static const struct {
		const char *from, *to;
	} keys[] = {
		{"desk.centre", "centre"}, {"desk.presets", "presets"}, {"desk.rules", "rules"}};
	for (size_t i = 0; json_is_object(s) && i < ARRAY_LEN(keys); i++) {
		json_t *v = json_object_get(s, keys[i].from);
		if (v)
			json_object_set(out, keys[i].to, v);
	}
	json_decref(s);
}

void api_desk(struct app *app, struct http_req *r)
{
	const struct admind_config *c = &app->cfg;
	json_t *presets = json_array();
	for (int i = 0; i < c->desk.npresets; i++)
		json_array_append_new(presets,
				      json_pack("{sI sI}", "minutes",
						(json_int_t)c->desk.presets[i].minutes, "pages",
						(json_int_t)c->desk.presets[i].pages));
	json_t *out = json_pack("{ss so sI sI sI sI so so sb}", "centre", c->desk.centre, "presets",
				presets, "default_minutes", (json_int_t)c->default_minutes,
				"default_pages", (json_int_t)c->default_pages, "default_days",
				(json_int_t)c->default_days, "max_count", (json_int_t)c->max_count,
				"services", string_array(c->desk.services), "rules",
				string_array(c->desk.rules), "printing", c->print.enabled);
	/* An account of one site: that site's presets and ticket texts, where it has them. */
	const struct site_list *mine = &r->actor.sites;
	json_object_set_new(out, "site", mine->n == 1 ? json_string(mine->v[0]) : json_null());
	if (mine->n == 1)
		desk_site_values(app, mine->v[0], out);
	http_json(r, 200, out);
}

void api_codes_spare(struct app *app, struct http_req *r)
{
	static const char *const q[] = {NULL};
	struct store_spare_drawer d;
	if (!http_query_only(r, q))
		return;
	/* An account limited to sites: the spare codes of its sites only. */
	const struct site_list *mine = &r->actor.sites;
	bool ok = mine->n == 0 && store_spare_drawer(app->store, now_s(), NULL, &d);
	d = mine->n == 0 ? d : (struct store_spare_drawer){0};
	for (int i = 0; i < mine->n; i++) {
		struct store_spare_drawer one;
		ok = store_spare_drawer(app->store, now_s(), mine->v[i], &one);
		if (!ok)
			break;
		d.unused += one.unused;
		if (one.unused && (!d.first_expiry || one.first_expiry < d.first_expiry))
			d.first_expiry = one.first_expiry;
		if (one.last_issued > d.last_issued)
			d.last_issued = one.last_issued;
	}
	if (!ok) {
		http_error(r, 500, "internal", "the database did not answer");
		return;
	}
	const struct desk_config *c = &app->cfg.desk;
	json_t *out = json_pack("{sI sI sI}", "unused", (json_int_t)d.unused, "sheet_count",
				(json_int_t)c->spare_count, "days", (json_int_t)c->spare_days);
	json_object_set_new(out, "valid_until",
			    d.unused ? json_integer(d.first_expiry) : json_null());
	json_object_set_new(out, "last_issued_at",
			    d.last_issued ? json_integer(d.last_issued) : json_null());
	http_json(r, 200, out);
}

void api_users_password(struct app *app, struct http_req *r)
{
	static const struct jfield f[] = {{"password", J_STR, true, PASSWORD_MIN, PASSWORD_MAX}};
	int64_t id;
	if (!api_id_param(r, &id, "user"))
		return;
	json_t *j = api_body(r, f, ARRAY_LEN(f));
	if (!j)
		return;
	json_t *pw = json_object_get(j, "password");
	enum store_rc rc = store_user_set_password(app->store, &r->actor, id, json_string_value(pw),
						   id == r->actor.user_id ? r->web.id : 0);
	if (rc == STORE_OK)
		http_json(r, 200, json_pack("{sI sb}", "id", (json_int_t)id, "password_set", 1));
	else
		api_store_error(r, rc, "user");
	json_wipe_string(j, "password");
	json_decref(j);
}

void api_users_role(struct app *app, struct http_req *r)
{
	static const struct jfield f[] = {{"role", J_STR, true, 1, 16}};
	int64_t id;
	if (!api_id_param(r, &id, "user"))
		return;
	json_t *j = api_body(r, f, ARRAY_LEN(f));
	if (!j)
		return;
	enum role role;
	if (!role_parse(json_str_or(j, "role", ""), &role)) {
		http_error(r, 400, "bad_request",
			   "'role' must be admin, secretariat or maintenance");
	} else {
		enum store_rc rc = store_user_set_role(app->store, &r->actor, id, role);
		if (rc == STORE_CONFLICT)
			http_error(r, 409, "conflict", "there must stay at least one active admin");
		else if (rc != STORE_OK)
			api_store_error(r, rc, "user");
		else
			http_json(r, 200,
				  json_pack("{sI ss}", "id", (json_int_t)id, "role",
					    role_name(role)));
	}
	json_decref(j);
}

void api_users_enable(struct app *app, struct http_req *r)
{
	int64_t id;
	if (!api_id_param(r, &id, "user") || !api_no_body(r))
		return;
	enum store_rc rc = store_user_enable(app->store, &r->actor, id);
	if (rc != STORE_OK)
		api_store_error(r, rc, "user");
	else
		http_json(r, 200, json_pack("{sI sb}", "id", (json_int_t)id, "disabled", 0));
}
