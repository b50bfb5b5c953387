/* store_staff: staff passwords, roles and the web sessions of the staff pages. */
#include "store_internal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "util.h"

bool store_password_hash(const char *password, char out[STORE_PWHASH_LEN])
{
	/* argon2id at libsodium's interactive cost: about 0.1 s and 64 MiB. */
	if (crypto_pwhash_str_alg(
		    out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
		    crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		log_warnx("%s: out of memory hashing a password", __func__);
		return false;
	}
	return true;
}

bool store_web_end_user(struct store *st, int64_t user, int64_t keep)
{
	sqlite3_stmt *s = db_prepare(st->db, "UPDATE web_sessions SET ended_at = ?"
					     " WHERE user_id = ? AND id != ? AND ended_at IS NULL");
	sqlite3_bind_int64(s, 1, now_s());
	sqlite3_bind_int64(s, 2, user);
	sqlite3_bind_int64(s, 3, keep);
	bool ok = sqlite3_step(s) == SQLITE_DONE;
	sqlite3_finalize(s);
	return ok;
}

/* Name, role and disabled flag of user ID; false when there is none. Caller holds the lock. */
static bool user_row(struct store *st, int64_t id, char name[NAME_MAX_BYTES + 1], enum role *role,
		     bool *disabled)
{
	sqlite3_stmt *s = db_prepare(st->db, "SELECT name, role, disabled FROM users WHERE id = ?");
	sqlite3_bind_int64(s, 1, id);
	bool found = sqlite3_step(s) == SQLITE_ROW;
	if (found) {
		snprintf(name, NAME_MAX_BYTES + 1, "%s", sqlite3_column_text(s, 0));
		role_parse((const char *)sqlite3_column_text(s, 1), role);
		*disabled = sqlite3_column_int(s, 2) != 0;
	}
	sqlite3_finalize(s);
	return found;
}

int64_t store_active_admins(struct store *st)
{
	return store_int(st, "SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0", 0);
}

enum store_rc store_user_set_password(struct store *st, const struct store_actor *who, int64_t id,
				      const char *password, int64_t keep_session)
{
	char hash[STORE_PWHASH_LEN];
	if (!store_password_hash(password, hash))
		return STORE_ERROR;
	char name[NAME_MAX_BYTES + 1];
	enum role role;
	bool disabled;
	if (!store_tx_begin(st))
		return STORE_ERROR;
	if (!user_row(st, id, name, &role, &disabled) || disabled)
		return store_tx_end(st, STORE_NOT_FOUND);
	sqlite3_stmt *s = db_prepare(st->db, "UPDATE users SET password_hash = ? WHERE id = ?");
	bind_text(s, 1, hash);
	sqlite3_bind_int64(s, 2, id);
	bool ok = sqlite3_step(s) == SQLITE_DONE;
	sqlite3_finalize(s);
	/* A new password shuts out whoever signed in with the old one. */
	ok = ok && store_web_end_user(st, id, keep_session) &&
	     store_audit(st, who, "user.password", name, NULL, 0);
	sodium_memzero(hash, sizeof(hash));
	return store_tx_end(st, ok ? STORE_OK : STORE_ERROR);
}

enum store_rc store_user_set_role(struct store *st, const struct store_actor *who, int64_t id,
				  enum role role)
{
	char name[NAME_MAX_BYTES + 1];
	enum role old;
	bool disabled;
	if (!store_tx_begin(st))
		return STORE_ERROR;
	if (!user_row(st, id, name, &old, &disabled))
		return store_tx_end(st, STORE_NOT_FOUND);
	if (old == ROLE_ADMIN && role != ROLE_ADMIN && !disabled && store_active_admins(st) <= 1)
		return store_tx_end(st, STORE_CONFLICT);
	sqlite3_stmt *s = db_prepare(st->db, "UPDATE users SET role = ? WHERE id = ?");
	bind_text(s, 1, role_name(role));
	sqlite3_bind_int64(s, 2, id);
	bool ok = sqlite3_step(s) == SQLITE_DONE;
	sqlite3_finalize(s);
	const struct audit_field d[] = {{"from", role_name(old), 0}, {"to", role_name(role), 0}};
	ok = ok && store_audit(st, who, "user.role", name, d, ARRAY_LEN(d));
	return store_tx_end(st, ok ? STORE_OK : STORE_ERROR);
}

enum store_rc store_user_enable(struct store *st, const struct store_actor *who, int64_t id)
{
	char name[NAME_MAX_BYTES + 1];
	enum role role;
	bool disabled;
	if (!store_tx_begin(st))
		return STORE_ERROR;
	if (!user_row(st, id, name, &role, &disabled))
		return store_tx_end(st, STORE_NOT_FOUND);
	if (!disabled)
		return store_tx_end(st, STORE_OK);
	sqlite3_stmt *s = db_prepare(st->db, "UPDATE users SET disabled = 0 WHERE id = ?");
	sqlite3_bind_int64(s, 1, id);
	/* Its old tokens stay revoked: an admin gives it a new one if it needs one. */
	bool ok = sqlite3_step(s) == SQLITE_DONE;
	sqlite3_finalize(s);
	ok = ok && store_audit(st, who, "user.enable", name, NULL, 0);
	return store_tx_end(st, ok ? STORE_OK : STORE_ERROR);
}

int64_t store_user_id(struct store *st, const char *name)
{
	store_lock(st);
	sqlite3_stmt *s = db_prepare(st->db, "SELECT id FROM users WHERE name = ?");
	bind_text(s, 1, name);
	int64_t id = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	store_unlock(st);
	return id;
}

/* Checked against a throw-away hash when there is no usable account, so an
 * unknown name costs as long as a wrong password. */
static char dummy_hash[STORE_PWHASH_LEN];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_init(void)
{
	uint8_t r[16];
	char pw[33];
	randombytes_buf(r, sizeof(r));
	hex_encode(r, sizeof(r), pw);
	if (!store_password_hash(pw, dummy_hash))
		fatalx("%s: cannot hash a password", __func__);
}

static bool actor_sites(struct store *st, struct store_actor *a);

bool store_password_check(struct store *st, const char *name, const char *password,
			  struct store_actor *out)
{
	char hash[STORE_PWHASH_LEN] = "";
	bool usable = false;
	memset(out, 0, sizeof(*out));
	store_lock(st);
	sqlite3_stmt *s = db_prepare(st->db, "SELECT id, name, role, password_hash FROM users"
					     " WHERE name = ? AND disabled = 0");
	bind_text(s, 1, name);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 3) == SQLITE_TEXT &&
	    (size_t)sqlite3_column_bytes(s, 3) < sizeof(hash)) {
		out->user_id = sqlite3_column_int64(s, 0);
		snprintf(out->name, sizeof(out->name), "%s", sqlite3_column_text(s, 1));
		usable = role_parse((const char *)sqlite3_column_text(s, 2), &out->role);
		snprintf(hash, sizeof(hash), "%s", sqlite3_column_text(s, 3));
	}
	sqlite3_finalize(s);
	/* Its sites, for the sign-in's answer (every request loads them again). */
	if (usable && !actor_sites(st, out))
		usable = false;
	store_unlock(st);
	/* The slow part runs without the store's lock: kiosks are not held up. */
	if (!usable) {
		pthread_once(&dummy_once, dummy_init);
		if (crypto_pwhash_str_verify(dummy_hash, password, strlen(password)) == 0)
			log_warnx("%s: a random password matched", __func__);
		memset(out, 0, sizeof(*out));
		return false;
	}
	bool ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
	sodium_memzero(hash, sizeof(hash));
	if (!ok)
		memset(out, 0, sizeof(*out));
	return ok;
}

enum store_rc store_web_open(struct store *st, const struct store_actor *who,
			     char cookie[TOKEN_STR_LEN + 1], struct web_session *ws)
{
	uint8_t h[TOKEN_HASH_LEN], r[STORE_CSRF_LEN / 2];
	token_generate("esw_", cookie);
	token_hash(cookie, strlen(cookie), h);
	randombytes_buf(r, sizeof(r));
	hex_encode(r, sizeof(r), ws->csrf);
	int64_t now = now_s();
	if (!store_tx_begin(st))
		return STORE_ERROR;
	sqlite3_stmt *s = db_prepare(st->db, "INSERT INTO web_sessions(token_hash, user_id, csrf,"
					     " created_at, active_at) VALUES (?, ?, ?, ?, ?)");
	sqlite3_bind_blob(s, 1, h, sizeof(h), SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, who->user_id);
	bind_text(s, 3, ws->csrf);
	sqlite3_bind_int64(s, 4, now);
	sqlite3_bind_int64(s, 5, now);
	bool ok = sqlite3_step(s) == SQLITE_DONE;
	sqlite3_finalize(s);
	ws->id = sqlite3_last_insert_rowid(st->db);
	ok = ok && store_audit(st, who, "staff.sign_in", who->name, NULL, 0);
	return store_tx_end(st, ok ? STORE_OK : STORE_ERROR);
}

bool store_web_auth(struct store *st, const char *cookie, bool activity, int64_t idle_s,
		    int64_t max_s, struct store_actor *out, struct web_session *ws)
{
	static const char sql[] =
		"SELECT w.id, w.csrf, w.created_at, w.active_at, u.id, u.name, u.role"
		" FROM web_sessions w JOIN users u ON u.id = w.user_id"
		" WHERE w.token_hash = ? AND w.ended_at IS NULL AND u.disabled = 0";
	static const char end_sql[] = "UPDATE web_sessions SET ended_at = ?2 WHERE id = ?1";
	static const char touch_sql[] = "UPDATE web_sessions SET active_at = ?2 WHERE id = ?1";
	uint8_t h[TOKEN_HASH_LEN];
	token_hash(cookie, strlen(cookie), h);
	int64_t now = now_s(), created = 0, active = 0;
	bool found = false;
	store_lock(st);
	sqlite3_stmt *s = store_stmt(st, sql);
	sqlite3_bind_blob(s, 1, h, sizeof(h), SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW && (size_t)sqlite3_column_bytes(s, 1) == STORE_CSRF_LEN) {
		ws->id = sqlite3_column_int64(s, 0);
		memcpy(ws->csrf, sqlite3_column_text(s, 1), STORE_CSRF_LEN + 1);
		created = sqlite3_column_int64(s, 2);
		active = sqlite3_column_int64(s, 3);
		out->user_id = sqlite3_column_int64(s, 4);
		snprintf(out->name, sizeof(out->name), "%s", sqlite3_column_text(s, 5));
		found = role_parse((const char *)sqlite3_column_text(s, 6), &out->role);
	}
	store_release(s);
	if (found && !actor_sites(st, out))
		found = false;
	bool expired = found && (now - active > idle_s || now - created > max_s);
	if (expired || (found && activity && now != active)) {
		s = store_stmt(st, expired ? end_sql : touch_sql);
		sqlite3_bind_int64(s, 1, ws->id);
		sqlite3_bind_int64(s, 2, now);
		if (sqlite3_step(s) != SQLITE_DONE)
			log_warnx("web session: %s", sqlite3_errmsg(st->db));
		store_release(s);
		if (!expired)
			active = now;
	}
	store_unlock(st);
	if (!found || expired)
		return false;
	ws->expires_at = active + idle_s < created + max_s ? active + idle_s : created + max_s;
	return true;
}

enum store_rc store_web_close(struct store *st, const struct store_actor *who, int64_t id)
{
	if (!store_tx_begin(st))
		return STORE_ERROR;
	sqlite3_stmt *s = db_prepare(st->db, "UPDATE web_sessions SET ended_at = ?"
					     " WHERE id = ? AND ended_at IS NULL");
	sqlite3_bind_int64(s, 1, now_s());
	sqlite3_bind_int64(s, 2, id);
	bool ok = sqlite3_step(s) == SQLITE_DONE;
	sqlite3_finalize(s);
	ok = ok && store_audit(st, who, "staff.sign_out", who->name, NULL, 0);
	return store_tx_end(st, ok ? STORE_OK : STORE_ERROR);
}

/* ---- accounts: created, disabled, their API tokens, listed ---- */

bool actor_site_ok(const struct store_actor *who, const char *site)
{
	if (who->sites.n == 0)
		return true;
	for (int i = 0; i < who->sites.n && i < STORE_USER_MAX_SITES; i++)
		if (strcmp(who->sites.v[i], site) == 0)
			return true;
	return false;
}

/* Fills A's sites from user_sites; caller holds the lock. False when the store fails (the
 * caller refuses the account then: never wider than it is). */
static bool actor_sites(struct store *st, struct store_actor *a)
{
	a->sites.n = 0;
	sqlite3_stmt *s = store_stmt(st, "SELECT site FROM user_sites WHERE user_id = ?"
					 " ORDER BY site LIMIT 16");
	sqlite3_bind_int64(s, 1, a->user_id);
	int r;
	while ((r = sqlite3_step(s)) == SQLITE_ROW && a->sites.n < STORE_USER_MAX_SITES) {
		const char *v = (const char *)sqlite3_column_text(s, 0);
		snprintf(a->sites.v[a->sites.n++], sizeof(a->sites.v[0]), "%s", v ? v : "");
	}
	store_release(s);
	return r == SQLITE_DONE || r == SQLITE_ROW;
}

/* Replaces user ID's sites; inside the caller's transaction. */
static bool sites_write(struct store *st, int64_t id, const struct site_list *sites)
{
	int n = sites ? sites->n : 0;
	sqlite3_stmt *s = db_prepare(st->db, "DELETE FROM user_sites WHERE user_id = ?");
	sqlite3_bind_int64(s, 1, id);
	bool ok = sqlite3_step(s) == SQLITE_DONE;
	sqlite3_finalize(s);
	for (int i = 0; ok && i < n; i++) {
		s = db_prepare(st->db, "INSERT INTO user_sites(user_id, site) VALUES (?, ?)");
		sqlite3_bind_int64(s, 1, id);
		bind_text(s, 2, sites->v[i]);
		ok = sqlite3_step(s) == SQLITE_DONE;
		sqlite3_finalize(s);
	}
	return ok;
}

/* The sites as the audit log says them: "a, b", or "*" for every site; free it. */
static char *sites_text(const struct site_list *sites)
{
	int n = sites ? sites->n : 0;
	if (n == 0)
		return xstrdup("*");
	size_t cap = 1;
	for (int i = 0; i < n; i++)
		cap += strlen(sites->v[i]) + 2;
	char *t = xcalloc(1, cap);
	for (int i = 0; i < n; i++) {
		if (i)
			strcat(t, ", ");
		strcat(t, sites->v[i]);
	}
	return t;
}

enum store_rc store_user_set_sites(struct store *st, const struct store_actor *who, int64_t id,
				   const struct site_list *sites)
{
	if (sites->n < 0 || sites->n > STORE_USER_MAX_SITES)
		return STORE_LIMIT;
	if (!store_tx_begin(st))
		return STORE_ERROR;
	char *name = NULL;
	sqlite3_stmt *s = db_prepare(st->db, "SELECT name FROM users WHERE id = ?");
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW)
		name = store_col_dup(s, 0);
	sqlite3_finalize(s);
	if (!name)
		return store_tx_end(st, STORE_NOT_FOUND);
	char *t = sites_text(sites);
	const struct audit_field d[] = {{"sites", t, 0}};
	bool ok = sites_write(st, id, sites) &&
		  store_audit(st, who, "user.sites", name, d, ARRAY_LEN(d));
	free(t);
	free(name);
	return store_tx_end(st, ok ? STORE_OK : STORE_ERROR);
}

enum store_rc store_user_create_by(struct store *st, const struct store_actor *who,
				   const char *name, enum role role, const char *password_hash,
				   const struct site_list *sites, char token[TOKEN_STR_LEN + 1],
				   int64_t *id)
{
	if (sites && (sites->n < 0 || sites->n > STORE_USER_MAX_SITES))
		return STORE_LIMIT;
	uint8_t h[TOKEN_HASH_LEN];
	token_generate("est_", token);
	token_hash(token, strlen(token), h);
	if (!store_tx_begin(st))
		return STORE_ERROR;
	sqlite3_stmt *s =
		db_prepare(st->db, "INSERT INTO users(name, role, created_at, password_hash)"
				   " VALUES (?, ?, ?, ?)");
	bind_text(s, 1, name);
	bind_text(s, 2, role_name(role));
	sqlite3_bind_int64(s, 3, now_s());
	bind_text(s, 4, password_hash);
	int r = sqlite3_step(s);
	sqlite3_finalize(s);
	if (r != SQLITE_DONE)
		return store_tx_end(st,
				    r == SQLITE_CONSTRAINT_UNIQUE ? STORE_CONFLICT : STORE_ERROR);
	*id = sqlite3_last_insert_rowid(st->db);
	s = db_prepare(st->db,
		       "INSERT INTO api_tokens(user_id, token_hash, created_at) VALUES (?, ?, ?)");
	sqlite3_bind_int64(s, 1, *id);
	sqlite3_bind_blob(s, 2, h, sizeof(h), SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, now_s());
	r = sqlite3_step(s);
	sqlite3_finalize(s);
	char *t = sites_text(sites);
	const struct audit_field d[] = {{"role", role_name(role), 0}, {"sites", t, 0}};
	bool ok = r == SQLITE_DONE && sites_write(st, *id, sites) &&
		  store_audit(st, who, "user.create", name, d, ARRAY_LEN(d));
	free(t);
	return store_tx_end(st, ok ? STORE_OK : STORE_ERROR);
}

enum store_rc store_user_create(struct store *st, const char *name, enum role role,
				char token[TOKEN_STR_LEN + 1], int64_t *id)
{
	static const struct store_actor bootstrap = {.name = "escalectl --db"};
	return store_user_create_by(st, &bootstrap, name, role, NULL, NULL, token, id);
}

/* Revokes every token of user ID; caller holds the lock, in a transaction. */
static bool user_revoke_tokens(struct store *st, int64_t id)
{
	sqlite3_stmt *s =
		db_prepare(st->db, "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ?"
				   " AND revoked_at IS NULL");
	sqlite3_bind_int64(s, 1, now_s());
	sqlite3_bind_int64(s, 2, id);
	bool ok = sqlite3_step(s) == SQLITE_DONE;
	sqlite3_finalize(s);
	return ok;
}

/* The user's name if ID is an enabled user; "" otherwise. Caller holds the lock. */
static void user_name(struct store *st, int64_t id, char name[NAME_MAX_BYTES + 1], bool *is_admin)
{
	sqlite3_stmt *s =
		db_prepare(st->db, "SELECT name, role FROM users WHERE id = ? AND disabled = 0");
	sqlite3_bind_int64(s, 1, id);
	name[0] = '\0';
	if (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(name, NAME_MAX_BYTES + 1, "%s", sqlite3_column_text(s, 0));
		*is_admin = strcmp((const char *)sqlite3_column_text(s, 1), "admin") == 0;
	}
	sqlite3_finalize(s);
}

enum store_rc store_user_disable(struct store *st, const struct store_actor *who, int64_t id)
{
	char name[NAME_MAX_BYTES + 1];
	bool is_admin = false;
	if (!store_tx_begin(st))
		return STORE_ERROR;
	user_name(st, id, name, &is_admin);
	if (!*name)
		return store_tx_end(st, STORE_NOT_FOUND);
	/* Someone must still be able to manage users afterwards. */
	if (is_admin && store_active_admins(st) <= 1)
		return store_tx_end(st, STORE_CONFLICT);
	sqlite3_stmt *s = db_prepare(st->db, "UPDATE users SET disabled = 1 WHERE id = ?");
	sqlite3_bind_int64(s, 1, id);
	bool ok = sqlite3_step(s) == SQLITE_DONE;
	sqlite3_finalize(s);
	ok = ok && user_revoke_tokens(st, id) && store_web_end_user(st, id, 0) &&
	     store_audit(st, who, "user.disable", name, NULL, 0);
	return store_tx_end(st, ok ? STORE_OK : STORE_ERROR);
}

enum store_rc store_user_new_token(struct store *st, const struct store_actor *who, int64_t id,
				   char token[TOKEN_STR_LEN + 1])
{
	char name[NAME_MAX_BYTES + 1];
	bool is_admin;
	uint8_t h[TOKEN_HASH_LEN];
	token_generate("est_", token);
	token_hash(token, strlen(token), h);
	if (!store_tx_begin(st))
		return STORE_ERROR;
	user_name(st, id, name, &is_admin);
	if (!*name)
		return store_tx_end(st, STORE_NOT_FOUND);
	sqlite3_stmt *s =
		db_prepare(st->db, "INSERT INTO api_tokens(user_id, token_hash, created_at)"
				   " VALUES (?, ?, ?)");
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_blob(s, 2, h, sizeof(h), SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, now_s());
	/* The old tokens go first: a new token replaces a lost or leaked one. */
	bool ok = user_revoke_tokens(st, id) && sqlite3_step(s) == SQLITE_DONE;
	sqlite3_finalize(s);
	ok = ok && store_audit(st, who, "user.token", name, NULL, 0);
	return store_tx_end(st, ok ? STORE_OK : STORE_ERROR);
}

bool store_staff_auth(struct store *st, const char *token, struct store_actor *out)
{
	uint8_t h[TOKEN_HASH_LEN];
	token_hash(token, strlen(token), h);
	static const char sql[] = "SELECT u.id, u.name, u.role FROM api_tokens t JOIN users u"
				  " ON u.id = t.user_id WHERE t.token_hash = ?"
				  " AND t.revoked_at IS NULL AND u.disabled = 0";
	bool ok = false;
	store_lock(st);
	sqlite3_stmt *s = store_stmt(st, sql);
	sqlite3_bind_blob(s, 1, h, sizeof(h), SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		out->user_id = sqlite3_column_int64(s, 0);
		snprintf(out->name, sizeof(out->name), "%s", sqlite3_column_text(s, 1));
		ok = role_parse((const char *)sqlite3_column_text(s, 2), &out->role);
	}
	store_release(s);
	ok = ok && actor_sites(st, out);
	store_unlock(st);
	return ok;
}

void store_user_list(struct store *st, struct store_user_rows *out)
{
	*out = (struct store_user_rows){0};
	store_lock(st);
	sqlite3_stmt *s = db_prepare(st->db, "SELECT id, name, role, created_at, disabled,"
					     " password_hash IS NOT NULL FROM users ORDER BY id");
	while (sqlite3_step(s) == SQLITE_ROW) {
		out->v = store_grow(out->v, out->n, sizeof(*out->v));
		out->v[out->n++] = (struct store_user_row){
			.id = sqlite3_column_int64(s, 0),
			.name = store_col_dup(s, 1),
			.role = store_col_dup(s, 2),
			.created_at = sqlite3_column_int64(s, 3),
			.disabled = sqlite3_column_int(s, 4) != 0,
			.has_password = sqlite3_column_int(s, 5) != 0,
		};
	}
	sqlite3_finalize(s);
	for (size_t i = 0; i < out->n; i++) {
		struct store_actor a = {.user_id = out->v[i].id};
		actor_sites(st, &a);
		if (a.sites.n) {
			out->v[i].sites = xcalloc(1, sizeof(a.sites));
			*out->v[i].sites = a.sites;
		}
	}
	store_unlock(st);
}

void store_user_rows_free(struct store_user_rows *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].role);
		free(l->v[i].sites);
	}
	free(l->v);
	*l = (struct store_user_rows){0};
}
