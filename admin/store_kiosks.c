/* store_kiosks: kiosk enrollment, tokens, liveness and staff commands. */
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "util.h"

enum store_rc store_kiosk_create(struct store *st, const struct store_actor *who, const char *name,
				 const char *site, char token[TOKEN_STR_LEN + 1], int64_t *id)
{
	uint8_t h[TOKEN_HASH_LEN];
	token_generate("esk_", token);
	token_hash(token, strlen(token), h);
	if (!store_tx_begin(st))
		return STORE_ERROR;
	sqlite3_stmt *s =
		db_prepare(st->db, "INSERT INTO kiosks(name, site, token_hash, created_at)"
				   " VALUES (?, ?, ?, ?)");
	bind_text(s, 1, name);
	bind_text(s, 2, site ? site : "");
	sqlite3_bind_blob(s, 3, h, sizeof(h), SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, now_s());
	int r = sqlite3_step(s);
	sqlite3_finalize(s);
	const char *action = "kiosk.create";
	if (r == SQLITE_CONSTRAINT_UNIQUE) {
		/* A revoked kiosk enrolled again under its name (a PC reinstalled)
		 * gets a new token and keeps its history. */
		s = db_prepare(
			st->db,
			"UPDATE kiosks SET token_hash = ?, site = ?, revoked_at = NULL,"
			" state = NULL WHERE name = ? AND revoked_at IS NOT NULL RETURNING id");
		sqlite3_bind_blob(s, 1, h, sizeof(h), SQLITE_STATIC);
		bind_text(s, 2, site ? site : "");
		bind_text(s, 3, name);
		r = sqlite3_step(s);
		*id = r == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
		sqlite3_finalize(s);
		if (r != SQLITE_ROW) /* a live kiosk has that name */
			return store_tx_end(st, r == SQLITE_DONE ? STORE_CONFLICT : STORE_ERROR);
		action = "kiosk.reenroll";
	} else if (r == SQLITE_DONE) {
		*id = sqlite3_last_insert_rowid(st->db);
	} else {
		return store_tx_end(st, STORE_ERROR);
	}
	const struct audit_field d[] = {{"site", site ? site : "", 0}};
	bool ok = store_audit(st, who, action, name, d, ARRAY_LEN(d));
	return store_tx_end(st, ok ? STORE_OK : STORE_ERROR);
}

int64_t store_kiosk_auth(struct store *st, const char *token)
{
	uint8_t h[TOKEN_HASH_LEN];
	token_hash(token, strlen(token), h);
	int64_t id = 0;
	store_lock(st);
	sqlite3_stmt *s = store_stmt(st, "SELECT id, revoked_at FROM kiosks WHERE token_hash = ?");
	sqlite3_bind_blob(s, 1, h, sizeof(h), SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_type(s, 1) == SQLITE_NULL ? sqlite3_column_int64(s, 0) : -1;
	store_release(s);
	store_unlock(st);
	return id;
}

enum store_rc store_kiosk_revoke(struct store *st, const struct store_actor *who, int64_t id)
{
	if (!store_tx_begin(st))
		return STORE_ERROR;
	sqlite3_stmt *s = db_prepare(st->db, "UPDATE kiosks SET revoked_at = ? WHERE id = ?"
					     " AND revoked_at IS NULL RETURNING name");
	sqlite3_bind_int64(s, 1, now_s());
	sqlite3_bind_int64(s, 2, id);
	char name[NAME_MAX_BYTES + 1] = "";
	int r = sqlite3_step(s);
	if (r == SQLITE_ROW)
		snprintf(name, sizeof(name), "%s", sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	if (r != SQLITE_ROW) {
		sqlite3_stmt *e = db_prepare(st->db, "SELECT 1 FROM kiosks WHERE id = ?");
		sqlite3_bind_int64(e, 1, id);
		enum store_rc rc = sqlite3_step(e) == SQLITE_ROW ? STORE_CONFLICT : STORE_NOT_FOUND;
		sqlite3_finalize(e);
		return store_tx_end(st, rc);
	}
	/* A revoked kiosk's open session no longer holds its code. */
	s = db_prepare(st->db, "UPDATE sessions SET ended_at = ?, end_reason = 'revoked'"
			       " WHERE kiosk_id = ? AND ended_at IS NULL");
	sqlite3_bind_int64(s, 1, now_s());
	sqlite3_bind_int64(s, 2, id);
	r = sqlite3_step(s);
	sqlite3_finalize(s);
	bool ok = r == SQLITE_DONE && store_audit_kiosk(st, who, "kiosk.revoke", name, id, NULL, 0);
	return store_tx_end(st, ok ? STORE_OK : STORE_ERROR);
}

void store_kiosk_list(struct store *st, struct store_kiosk_rows *out)
{
	static const char sql[] =
		"SELECT k.id, k.name, k.site, k.state, k.last_seen, k.version, k.address,"
		" k.revoked_at, s.id, max(c.seconds_total - c.seconds_used, 0),"
		" coalesce(k.settings_version, -1),"
		" (SELECT coalesce(max(version), 0) FROM site_settings ss WHERE ss.site = k.site)"
		" FROM kiosks k"
		" LEFT JOIN sessions s ON s.kiosk_id = k.id AND s.ended_at IS NULL"
		" LEFT JOIN codes c ON c.id = s.code_id"
		" GROUP BY k.id ORDER BY k.site, k.name";
	*out = (struct store_kiosk_rows){0};
	int64_t now = now_s();
	store_lock(st);
	sqlite3_stmt *s = db_prepare(st->db, sql);
	while (sqlite3_step(s) == SQLITE_ROW) {
		bool revoked = sqlite3_column_type(s, 7) != SQLITE_NULL;
		bool seen = sqlite3_column_type(s, 4) != SQLITE_NULL;
		int64_t last = sqlite3_column_int64(s, 4);
		bool online = !revoked && seen && last >= now - st->pol.offline_seconds;
		const char *state = (const char *)sqlite3_column_text(s, 3);
		out->v = store_grow(out->v, out->n, sizeof(*out->v));
		out->v[out->n++] = (struct store_kiosk_row){
			.id = sqlite3_column_int64(s, 0),
			.name = store_col_dup(s, 1),
			.site = store_col_dup(s, 2),
			.state = xstrdup(revoked   ? "revoked"
					 : !online ? "offline"
					 : state   ? state
						   : "unknown"),
			.online = online,
			.seen = seen,
			.last_seen = last,
			.version = store_col_dup(s, 5),
			.address = store_col_dup(s, 6),
			.revoked = revoked,
			.session = store_col_dup(s, 8),
			.seconds_left = sqlite3_column_int64(s, 9),
			.settings_version = sqlite3_column_int64(s, 10),
			.site_settings_version = sqlite3_column_int64(s, 11),
		};
	}
	sqlite3_finalize(s);
	store_unlock(st);
}

void store_kiosk_rows_free(struct store_kiosk_rows *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct store_kiosk_row *k = &l->v[i];
		free(k->name);
		free(k->site);
		free(k->state);
		free(k->version);
		free(k->address);
		free(k->session);
	}
	free(l->v);
	*l = (struct store_kiosk_rows){0};
}

enum store_rc store_kiosk_command(struct store *st, const struct store_actor *who, int64_t kiosk,
				  const char *type, const char *text, int64_t *cmd_id)
{
	if (!store_tx_begin(st))
		return STORE_ERROR;
	sqlite3_stmt *s =
		db_prepare(st->db, "SELECT name FROM kiosks WHERE id = ? AND revoked_at IS NULL");
	sqlite3_bind_int64(s, 1, kiosk);
	char name[NAME_MAX_BYTES + 1] = "";
	if (sqlite3_step(s) == SQLITE_ROW)
		snprintf(name, sizeof(name), "%s", sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	if (!*name)
		return store_tx_end(st, STORE_NOT_FOUND);
	s = db_prepare(
		st->db,
		"INSERT INTO commands(kiosk_id, type, text, created_at) VALUES (?, ?, ?, ?)");
	sqlite3_bind_int64(s, 1, kiosk);
	bind_text(s, 2, type);
	bind_text(s, 3, text);
	sqlite3_bind_int64(s, 4, now_s());
	int r = sqlite3_step(s);
	sqlite3_finalize(s);
	if (r != SQLITE_DONE)
		return store_tx_end(st, STORE_ERROR);
	*cmd_id = sqlite3_last_insert_rowid(st->db);
	char action[48];
	snprintf(action, sizeof(action), "kiosk.%s", type);
	const struct audit_field d[] = {{"text", text, 0}};
	bool ok = store_audit_kiosk(st, who, action, name, kiosk, d, text ? ARRAY_LEN(d) : 0);
	return store_tx_end(st, ok ? STORE_OK : STORE_ERROR);
}
